//! The page of a `flypy.dive/1` document: per interpreter, time per variant with CI bars,
//! bytecode per iteration stacked by opname, machine instructions by C function, energy, the
//! explanation and methods in the text output's words, and each variant's counted listing;
//! across interpreters (`--pythons all`), lines of time, ratio and bytecode per iteration.

use std::fmt::Write as _;

use serde_json::Value;

use crate::charts::{bars, lines, stacked, Bar, Segment, Series};
use crate::limits::{MAX_GRAPH_BLOCKS, MAX_LISTED_INSTRUCTIONS, MAX_SOURCE_LINES};
use crate::listing::{cfg, instructions, list, source_pane};
use crate::markup::{esc, heat_legend, note, page as shell, ptr, Unit};
use crate::ReportError;

/// C functions named in the machine chart; the rest are one "other" segment.
const TOP_FUNCTIONS: usize = 8;

fn label(v: &Value) -> String {
    v.get("label")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned()
}

pub fn page(doc: &Value) -> Result<String, ReportError> {
    let pythons = doc
        .get("pythons")
        .and_then(Value::as_array)
        .ok_or(ReportError::Missing {
            what: "dive",
            field: "pythons",
        })?;
    let case = doc.get("case");
    let question = case
        .and_then(|c| c.get("question"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut body = String::new();
    if let Some(d) = case
        .and_then(|c| c.get("description"))
        .and_then(Value::as_str)
    {
        let _ = write!(body, r#"<p class="muted">{}</p>"#, esc(d));
    }
    if pythons.len() > 1 {
        body.push_str(&across(pythons));
    }
    for (p, py) in pythons.iter().enumerate() {
        let version = py.get("version").and_then(Value::as_str).unwrap_or("?");
        let full = py.get("python").and_then(Value::as_str).unwrap_or(version);
        let open = if p + 1 == pythons.len() { " open" } else { "" };
        let _ = write!(
            body,
            r#"<details class="py"{open}><summary><h2 style="display:inline">CPython {}</h2></summary>"#,
            esc(full)
        );
        body.push_str(&one_python(py, p));
        body.push_str("</details>");
    }
    if let Some(changes) = doc
        .get("version_changes")
        .and_then(Value::as_array)
        .filter(|c| !c.is_empty())
    {
        body.push_str("<h2>What changed between versions</h2><ul>");
        for c in changes {
            let from = c.get("from").and_then(Value::as_str).unwrap_or("?");
            let to = c.get("to").and_then(Value::as_str).unwrap_or("?");
            for line in c
                .get("changes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let _ = write!(
                    body,
                    "<li>{from} → {to}: {}</li>",
                    esc(line.as_str().unwrap_or(""))
                );
            }
        }
        body.push_str("</ul>");
    }
    Ok(shell("flypy dive", question, &body))
}

/// A point of a variant (`&Value`, python index, variant index): its value and pointer.
type PointOf<'a> = dyn Fn(&Value, usize, usize) -> Option<(f64, String)> + 'a;

/// Lines across the interpreters: time, ratio to the fastest, bytecode per iteration.
fn across(pythons: &[Value]) -> String {
    let xs: Vec<String> = pythons
        .iter()
        .map(|p| {
            p.get("version")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned()
        })
        .collect();
    let mut labels: Vec<String> = Vec::new();
    for p in pythons {
        for v in p
            .get("variants")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let l = label(v);
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
    let series = |f: &PointOf<'_>| -> Vec<Series> {
        labels
            .iter()
            .map(|l| Series {
                name: l.clone(),
                points: pythons
                    .iter()
                    .enumerate()
                    .map(|(p, py)| {
                        let vs = py.get("variants")?.as_array()?;
                        let k = vs.iter().position(|v| &label(v) == l)?;
                        f(vs.get(k)?, p, k)
                    })
                    .collect(),
            })
            .collect()
    };
    let time = series(&|v, p, k| {
        Some((
            v.pointer("/time/mean_s")?.as_f64()?,
            ptr(&[&"pythons", &p, &"variants", &k, &"time", &"mean_s"]),
        ))
    });
    let ratio = series(&|v, p, k| {
        Some((
            v.pointer("/time/ratio_to_fastest/ratio")?.as_f64()?,
            ptr(&[
                &"pythons",
                &p,
                &"variants",
                &k,
                &"time",
                &"ratio_to_fastest",
                &"ratio",
            ]),
        ))
    });
    let bytecode = series(&|v, p, _| {
        let iters = pythons.get(p)?.get("iterations")?.as_f64()?;
        let per_call: f64 = v
            .get("ops_per_call")?
            .as_object()?
            .values()
            .filter_map(Value::as_f64)
            .sum();
        // A derived figure (the JSON's per-call counts over its iterations): no pointer.
        (iters > 0.0).then(|| (per_call / iters, String::new()))
    });
    format!(
        r#"<h2>Across versions</h2><div class="grid"><div class="card"><h3>Mean time per call</h3>{}</div><div class="card"><h3>Time ratio to the fastest variant</h3>{}</div><div class="card"><h3>Bytecode instructions per iteration</h3>{}</div></div>"#,
        lines(&xs, &time, Unit::Seconds),
        lines(&xs, &ratio, Unit::Ratio),
        lines(&xs, &bytecode, Unit::Count)
    )
}

fn one_python(py: &Value, p: usize) -> String {
    let mut s = String::new();
    let variants = list(py, "variants");
    let vptr = |k: usize, rest: &[&dyn std::fmt::Display]| {
        let mut parts: Vec<&dyn std::fmt::Display> = vec![&"pythons", &p, &"variants", &k];
        parts.extend_from_slice(rest);
        ptr(&parts)
    };
    for n in py
        .get("notes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        s.push_str(&note(n.as_str().unwrap_or("")));
    }
    s.push_str(r#"<div class="grid">"#);
    let times: Vec<Bar> = variants
        .iter()
        .enumerate()
        .filter_map(|(k, v)| {
            Some(Bar {
                label: label(v),
                value: v.pointer("/time/mean_s")?.as_f64()?,
                ptr: vptr(k, &[&"time", &"mean_s"]),
                ci: v
                    .pointer("/time/ci_low_s")
                    .and_then(Value::as_f64)
                    .zip(v.pointer("/time/ci_high_s").and_then(Value::as_f64)),
            })
        })
        .collect();
    if !times.is_empty() {
        let level = py
            .get("confidence_level_percent")
            .and_then(Value::as_f64)
            .unwrap_or(95.0);
        let _ = write!(
            s,
            r#"<div class="card"><h3>Time per call</h3>{}<p class="muted">Mean, bars; {level}% confidence interval, whiskers.</p></div>"#,
            bars(&times, Unit::Seconds)
        );
    }
    let iters = py
        .get("iterations")
        .and_then(Value::as_f64)
        .filter(|&i| i > 0.0);
    let rows: Vec<(String, Vec<Segment>)> = variants
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let mut segs: Vec<Segment> = v
                .get("ops_per_call")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(op, n)| {
                    Some(Segment {
                        key: op.clone(),
                        value: n.as_f64()? / iters.unwrap_or(1.0),
                        ptr: vptr(k, &[&"ops_per_call", op]),
                    })
                })
                .collect();
            segs.sort_by(|a, b| b.value.total_cmp(&a.value).then(a.key.cmp(&b.key)));
            (label(v), segs)
        })
        .collect();
    if rows.iter().any(|(_, g)| !g.is_empty()) {
        let per = if iters.is_some() {
            "per iteration"
        } else {
            "per call"
        };
        let _ = write!(
            s,
            r#"<div class="card"><h3>Bytecode instructions {per}, by opname</h3>{}</div>"#,
            stacked(&rows, Unit::Count)
        );
    }
    // Machine instructions by C function: the costliest functions over all variants.
    let mut top: Vec<(String, f64)> = Vec::new();
    for v in variants {
        for f in v
            .pointer("/machine/functions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(name), Some(x)) = (
                f.get("function").and_then(Value::as_str),
                f.get("self_per_call").and_then(Value::as_f64),
            ) else {
                continue;
            };
            match top.iter_mut().find(|(n, _)| n == name) {
                Some(t) => t.1 += x,
                None => top.push((name.to_owned(), x)),
            }
        }
    }
    top.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    top.truncate(TOP_FUNCTIONS);
    if !top.is_empty() {
        let rows: Vec<(String, Vec<Segment>)> = variants
            .iter()
            .enumerate()
            .map(|(k, v)| {
                let funcs = v
                    .pointer("/machine/functions")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                let mut segs = Vec::new();
                let mut named = 0.0;
                for (name, _) in &top {
                    if let Some((j, x)) = funcs.iter().enumerate().find_map(|(j, f)| {
                        (f.get("function").and_then(Value::as_str) == Some(name))
                            .then(|| (j, f.get("self_per_call").and_then(Value::as_f64)))
                    }) {
                        let x = x.unwrap_or(0.0);
                        named += x;
                        segs.push(Segment {
                            key: name.clone(),
                            value: x,
                            ptr: vptr(k, &[&"machine", &"functions", &j, &"self_per_call"]),
                        });
                    }
                }
                if let Some(total) = v
                    .pointer("/machine/instructions_per_call")
                    .and_then(Value::as_f64)
                {
                    segs.push(Segment {
                        key: "other functions".into(),
                        value: (total - named).max(0.0),
                        ptr: String::new(),
                    });
                }
                (label(v), segs)
            })
            .collect();
        let _ = write!(
            s,
            r#"<div class="card"><h3>Machine instructions per call, by C function (self)</h3>{}</div>"#,
            stacked(&rows, Unit::Count)
        );
    }
    let energy: Vec<Bar> = variants
        .iter()
        .enumerate()
        .filter_map(|(k, v)| {
            Some(Bar {
                label: label(v),
                value: v.pointer("/energy/joules_per_million_calls")?.as_f64()?,
                ptr: vptr(k, &[&"energy", &"joules_per_million_calls"]),
                ci: None,
            })
        })
        .collect();
    if !energy.is_empty() {
        let _ = write!(
            s,
            r#"<div class="card"><h3>Energy projected at one million calls</h3>{}<p class="muted">An estimate, not a measurement (see the methods).</p></div>"#,
            bars(&energy, Unit::Joules)
        );
    }
    s.push_str("</div>");
    // The explanation, in the text output's words: from its blocks when the document has them
    // (numbers marked with their JSON pointers), else from its text.
    let explanations: Vec<&Value> = py
        .get("explanation")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    if !explanations.is_empty() {
        s.push_str(r#"<h3>Why</h3><div class="explain">"#);
        for (k, e) in explanations.iter().enumerate() {
            let at = format!("/pythons/{p}/explanation/{k}/blocks");
            match e.get("blocks").and_then(Value::as_array) {
                Some(blocks) => s.push_str(&crate::explanation::blocks(blocks, &at)),
                None => {
                    let text: Vec<&str> = e
                        .get("text")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    let _ = write!(s, "<pre>{}</pre>", esc(&text.join("\n")));
                }
            }
        }
        s.push_str("</div>");
    }
    if let Some(m) = py.get("methods").and_then(Value::as_object) {
        s.push_str(r#"<h3>Methods</h3><dl class="methods">"#);
        for (k, v) in m {
            let _ = write!(
                s,
                "<dt>{}</dt><dd>{}</dd>",
                esc(k),
                esc(v.as_str().unwrap_or(""))
            );
        }
        s.push_str("</dl>");
    }
    // The source beside each variant's listing, counts per call as a heat scale; then each
    // variant's control-flow graphs.
    let hottest = variants
        .iter()
        .flat_map(|v| {
            v.get("instructions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|r| r.get("per_call").and_then(Value::as_f64))
        .fold(0.0_f64, f64::max);
    if hottest > 0.0 {
        s.push_str(&listings_beside_source(py, variants, hottest, &vptr));
        s.push_str(&graphs(variants, &vptr));
    }
    s
}

/// The case's source (as this interpreter compiled it) beside every variant's listing, hovering
/// one lighting up the other.
fn listings_beside_source(
    py: &Value,
    variants: &[Value],
    hottest: f64,
    vptr: &dyn Fn(usize, &[&dyn std::fmt::Display]) -> String,
) -> String {
    let mut s = String::from("<h3>Bytecode per call, beside the source</h3><p class=\"muted\">Hover a source line to light up its instructions in every variant (by the positions table); hover an instruction to mark its columns in the source.</p>");
    s.push_str(&heat_legend(hottest));
    let source = py.get("source").and_then(Value::as_str).unwrap_or("");
    let (pane, notes) = source_pane(source, MAX_SOURCE_LINES);
    s.push_str(&notes);
    let source_lines: Vec<&str> = source.lines().collect();
    let mut right = String::new();
    for (k, v) in variants.iter().enumerate() {
        let rows = list(v, "instructions");
        let call = v.get("call").and_then(Value::as_str).unwrap_or("");
        let _ = write!(
            right,
            r#"<h3>{} <span class="muted mono">{}</span></h3>{}"#,
            esc(&label(v)),
            esc(call),
            instructions(
                rows,
                &vptr(k, &[&"instructions"]),
                "per_call",
                Unit::Count,
                &source_lines,
                MAX_LISTED_INSTRUCTIONS,
                hottest
            )
        );
        if rows.len() > MAX_LISTED_INSTRUCTIONS {
            right.push_str(&note(&format!(
                "Listing capped at {MAX_LISTED_INSTRUCTIONS} instructions: {} more are in the JSON, not here.",
                rows.len() - MAX_LISTED_INSTRUCTIONS
            )));
        }
    }
    let _ = write!(
        s,
        r#"<div class="split">{pane}<div class="card">{right}</div></div>"#
    );
    s
}

/// Every variant's code objects as control-flow graphs, counts per call (at most
/// `MAX_GRAPH_BLOCKS` blocks each; a bigger one, or one flypy could not make, is named).
fn graphs(variants: &[Value], vptr: &dyn Fn(usize, &[&dyn std::fmt::Display]) -> String) -> String {
    let mut s = String::from("<h3>Control-flow graphs</h3><p class=\"muted\">Each variant's code objects as flypy's CFG splits them into basic blocks, coloured by how many times each ran per call. Edge labels are per call, derived from the exact block counts by flow conservation; <b>?</b> where they do not determine it; dashed: to an exception handler; red: a back edge (a loop).</p><div class=\"grid\">");
    let mut left_out = Vec::new();
    for (k, v) in variants.iter().enumerate() {
        let rows = list(v, "instructions");
        for (c, g) in list(v, "graphs").iter().enumerate() {
            let name = format!(
                "{}: {} (line {})",
                label(v),
                g.get("code").and_then(Value::as_str).unwrap_or("?"),
                g.get("firstlineno").and_then(Value::as_u64).unwrap_or(0)
            );
            if let Some(why) = g.get("graph_error").and_then(Value::as_str) {
                left_out.push(format!("{name}: {why}"));
                continue;
            }
            let blocks = list(g, "blocks").len();
            if blocks > MAX_GRAPH_BLOCKS {
                left_out.push(format!("{name}: {blocks} blocks, too big to draw"));
                continue;
            }
            let first = g
                .get("first_instruction")
                .and_then(Value::as_u64)
                .and_then(|f| usize::try_from(f).ok())
                .unwrap_or(0);
            let own = rows.get(first..).unwrap_or_default();
            if let Some(svg) = cfg(g, own, &vptr(k, &[&"graphs", &c]), "per_call") {
                let _ = write!(
                    s,
                    r#"<div class="card cfgcard" data-variant="{k}" data-graph="{c}" data-blocks="{blocks}"><h3>{}</h3>{svg}</div>"#,
                    esc(&name)
                );
            }
        }
    }
    s.push_str("</div>");
    if !left_out.is_empty() {
        s.push_str(&note(&format!("Not drawn: {}.", left_out.join("; "))));
    }
    s
}
