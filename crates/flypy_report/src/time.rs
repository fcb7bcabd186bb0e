//! The page of a `flypy.time/1` document: time per statement with its CI, ratios, energy.

use std::fmt::Write as _;

use serde_json::Value;

use crate::charts::{bars, Bar};
use crate::markup::{esc, num, page as shell, ptr, Unit};
use crate::ReportError;

pub fn page(doc: &Value) -> Result<String, ReportError> {
    let stmts = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or(ReportError::Missing {
            what: "time",
            field: "statements",
        })?;
    let f = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_f64);
    let mut body = String::new();
    let items: Vec<Bar> = stmts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            Some(Bar {
                label: format!("#{} {}", i + 1, s.get("statement")?.as_str()?),
                value: f(s, "/summary/mean")?,
                ptr: ptr(&[&"statements", &i, &"summary", &"mean"]),
                ci: f(s, "/summary/ci95/lower").zip(f(s, "/summary/ci95/upper")),
            })
        })
        .collect();
    let _ = write!(
        body,
        r#"<h2>Time per call</h2><div class="card">{}<p class="muted">Mean time per call, bars; 95% confidence interval, whiskers.</p></div>"#,
        bars(&items, Unit::Seconds)
    );
    body.push_str(r#"<h2>Statements</h2><div class="card"><table><tr><th>#</th><th>statement</th><th class="r">mean</th><th class="r">95% CI</th><th class="r">ratio to fastest</th><th class="r">energy per call</th></tr>"#);
    for (i, s) in stmts.iter().enumerate() {
        let p = |rest: &[&dyn std::fmt::Display]| {
            let mut parts: Vec<&dyn std::fmt::Display> = vec![&"statements", &i];
            parts.extend_from_slice(rest);
            ptr(&parts)
        };
        let cell = |x: Option<f64>, pt: String, unit: Unit| {
            x.map_or("—".to_owned(), |x| num(&pt, x, unit))
        };
        let _ = write!(
            body,
            r#"<tr><td>{}</td><td class="mono">{}</td><td class="r">{}</td><td class="r">{} – {}</td><td class="r">{}</td><td class="r">{}</td></tr>"#,
            i + 1,
            esc(s.get("statement").and_then(Value::as_str).unwrap_or("")),
            cell(
                f(s, "/summary/mean"),
                p(&[&"summary", &"mean"]),
                Unit::Seconds
            ),
            cell(
                f(s, "/summary/ci95/lower"),
                p(&[&"summary", &"ci95", &"lower"]),
                Unit::Seconds
            ),
            cell(
                f(s, "/summary/ci95/upper"),
                p(&[&"summary", &"ci95", &"upper"]),
                Unit::Seconds
            ),
            cell(
                f(s, "/ratio_to_fastest/ratio"),
                p(&[&"ratio_to_fastest", &"ratio"]),
                Unit::Ratio
            ),
            cell(
                f(s, "/energy/joules_per_call"),
                p(&[&"energy", &"joules_per_call"]),
                Unit::Joules
            ),
        );
    }
    body.push_str("</table></div>");
    // Energy: per call, and projected when the document has a call rate.
    let energy: Vec<Bar> = stmts
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            Some(Bar {
                label: format!("#{}", i + 1),
                value: f(s, "/energy/joules_per_call")?,
                ptr: ptr(&[&"statements", &i, &"energy", &"joules_per_call"]),
                ci: None,
            })
        })
        .collect();
    if !energy.is_empty() {
        let _ = write!(
            body,
            r#"<h2>Energy</h2><div class="card"><h3>Estimated energy per call</h3>{}"#,
            bars(&energy, Unit::Joules)
        );
        if let Some(m) = stmts
            .first()
            .and_then(|s| s.pointer("/energy/method/source"))
            .and_then(Value::as_str)
        {
            let _ = write!(body, r#"<p class="muted">{}</p>"#, esc(m));
        }
        for (i, s) in stmts.iter().enumerate() {
            if let Some(p) = s.get("projection").filter(|p| !p.is_null()) {
                let _ = write!(
                    body,
                    r#"<p>#{} projected at the given call rate: <span class="mono">{}</span></p>"#,
                    i + 1,
                    esc(&p.to_string())
                );
            }
        }
        body.push_str("</div>");
    }
    body.push_str(r#"<h2>Methods</h2><dl class="methods">"#);
    for key in ["how", "timer", "python", "setup"] {
        if let Some(v) = doc.get(key).and_then(Value::as_str) {
            let _ = write!(body, "<dt>{key}</dt><dd>{}</dd>", esc(v));
        }
    }
    if let Some(m) = stmts
        .first()
        .and_then(|s| s.pointer("/ratio_to_fastest/method"))
        .and_then(Value::as_str)
    {
        let _ = write!(body, "<dt>ratio</dt><dd>{}</dd>", esc(m));
    }
    body.push_str("</dl>");
    let python = doc.get("python").and_then(Value::as_str).unwrap_or("?");
    Ok(shell(
        "flypy time",
        &format!("{python}: time per call, with confidence intervals"),
        &body,
    ))
}
