//! The page of a `flypy.cost/1` document: machine instructions per call, by C function.

use std::fmt::Write as _;

use serde_json::Value;

use crate::charts::{bars, Bar};
use crate::limits::MAX_BARS;
use crate::markup::{esc, num, page as shell, ptr, Unit};
use crate::ReportError;

pub fn page(doc: &Value) -> Result<String, ReportError> {
    let stmts = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or(ReportError::Missing {
            what: "cost",
            field: "statements",
        })?;
    let mut body = String::new();
    let items: Vec<Bar> = stmts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            Some(Bar {
                label: format!("#{} {}", i + 1, s.get("statement")?.as_str()?),
                value: s.get("instructions_per_call")?.as_f64()?,
                ptr: ptr(&[&"statements", &i, &"instructions_per_call"]),
                ci: None,
            })
        })
        .collect();
    let _ = write!(
        body,
        r#"<h2>Machine instructions per call</h2><div class="card">{}</div>"#,
        bars(&items, Unit::Count)
    );
    for (i, s) in stmts.iter().enumerate() {
        let stmt = s.get("statement").and_then(Value::as_str).unwrap_or("");
        let _ = write!(
            body,
            r#"<h2>#{} <span class="mono">{}</span></h2><p>"#,
            i + 1,
            esc(stmt)
        );
        if let Some(x) = s.get("instructions_per_call").and_then(Value::as_f64) {
            let _ = write!(
                body,
                "Machine instructions per call: {}. ",
                num(
                    &ptr(&[&"statements", &i, &"instructions_per_call"]),
                    x,
                    Unit::Count
                )
            );
        }
        if let Some(x) = s.get("bytecode_per_call").and_then(Value::as_f64) {
            let _ = write!(
                body,
                "Bytecode instructions per call: {}.",
                num(
                    &ptr(&[&"statements", &i, &"bytecode_per_call"]),
                    x,
                    Unit::Count
                )
            );
        }
        body.push_str("</p>");
        // Functions by their own (self) instructions, the most first.
        let funcs = s
            .pointer("/per_call/functions")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let mut by_self: Vec<(usize, f64)> = funcs
            .iter()
            .enumerate()
            .filter_map(|(k, f)| Some((k, f.get("self")?.get(0)?.as_f64()?)))
            .collect();
        by_self.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let fbars: Vec<Bar> = by_self
            .iter()
            .take(MAX_BARS)
            .filter_map(|&(k, v)| {
                Some(Bar {
                    label: funcs
                        .get(k)?
                        .get("name")?
                        .as_str()?
                        .chars()
                        .take(30)
                        .collect(),
                    value: v,
                    ptr: ptr(&[
                        &"statements",
                        &i,
                        &"per_call",
                        &"functions",
                        &k,
                        &"self",
                        &0,
                    ]),
                    ci: None,
                })
            })
            .collect();
        let _ = write!(
            body,
            r#"<div class="card"><h3>Machine instructions per call by C function (self)</h3>{}<p class="muted">{} of {} functions drawn, the costliest first.</p></div>"#,
            bars(&fbars, Unit::Count),
            fbars.len(),
            funcs.len()
        );
    }
    body.push_str(r#"<h2>Methods</h2><dl class="methods">"#);
    for key in ["method", "python", "symbols"] {
        if let Some(v) = doc.get(key).and_then(Value::as_str) {
            let _ = write!(body, "<dt>{key}</dt><dd>{}</dd>", esc(v));
        }
    }
    body.push_str("</dl>");
    let python = doc.get("python").and_then(Value::as_str).unwrap_or("?");
    Ok(shell(
        "flypy cost",
        &format!("CPython {python}: machine instructions (valgrind callgrind)"),
        &body,
    ))
}
