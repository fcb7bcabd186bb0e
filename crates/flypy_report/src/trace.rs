//! The page of a `flypy.trace/1` document: executed bytecode by opname, the source beside
//! every code object's counted listing, and the hottest code objects' control-flow graphs.

use std::fmt::Write as _;

use serde_json::Value;

use crate::charts::{bars, Bar};
use crate::limits::{
    MAX_BARS, MAX_GRAPHS, MAX_GRAPH_BLOCKS, MAX_LISTED_INSTRUCTIONS, MAX_SOURCE_LINES,
};
use crate::listing::{cfg, instructions, list, source_pane};
use crate::markup::{esc, heat_legend, note, num, page as shell, ptr, Unit};
use crate::ReportError;

pub fn page(doc: &Value) -> Result<String, ReportError> {
    let codes = doc
        .get("code")
        .and_then(Value::as_array)
        .ok_or(ReportError::Missing {
            what: "trace",
            field: "code",
        })?;
    let python = doc.get("python").and_then(Value::as_str).unwrap_or("?");
    let method = doc.get("method").and_then(Value::as_str).unwrap_or("?");
    let ending = doc.get("ending").and_then(Value::as_str).unwrap_or("?");
    let mut body = String::new();
    let executed = match doc.get("executed").and_then(Value::as_f64) {
        Some(n) => num("/executed", n, Unit::Count),
        None => "unknown (the counts were lost with the program)".to_owned(),
    };
    let _ = write!(
        body,
        "<h2>Executed bytecode</h2><p>Executed instructions: {executed} (CPython {}, counted with {}; the program {}).</p>",
        esc(python),
        esc(method),
        esc(ending)
    );
    if let Some(why) = doc.get("incomplete").and_then(Value::as_str) {
        body.push_str(&note(&format!(
            "The counts are incomplete, lower bounds: {why}"
        )));
    }
    // By opname, the most executed first (the document's order).
    if let Some(ops) = doc.get("by_opcode").and_then(Value::as_array) {
        let items: Vec<Bar> = ops
            .iter()
            .enumerate()
            .take(MAX_BARS)
            .filter_map(|(i, o)| {
                Some(Bar {
                    label: o.get("opname")?.as_str()?.to_owned(),
                    value: o.get("count")?.as_f64()?,
                    ptr: ptr(&[&"by_opcode", &i, &"count"]),
                    ci: None,
                })
            })
            .collect();
        let _ = write!(
            body,
            r#"<div class="card"><h3>Instructions executed, by opname</h3>{}"#,
            bars(&items, Unit::Count)
        );
        if ops.len() > MAX_BARS {
            body.push_str(&note(&format!(
                "{} more opnames not drawn (in the JSON's by_opcode).",
                ops.len() - MAX_BARS
            )));
        }
        body.push_str("</div>");
    }
    // The hottest code objects get graphs.
    let mut hot: Vec<(usize, f64)> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (i, c.get("executed").and_then(Value::as_f64).unwrap_or(0.0)))
        .collect();
    hot.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let name = |c: &Value| {
        format!(
            "{} (line {})",
            c.get("qualname").and_then(Value::as_str).unwrap_or("?"),
            c.get("firstlineno").and_then(Value::as_u64).unwrap_or(0)
        )
    };
    body.push_str("<h2>Control-flow graphs</h2><p class=\"muted\">Basic blocks as flypy's CFG splits them (flypy_bytecode::cfg::basic_blocks), coloured by how many times each ran. Edge labels are counts derived from the exact block counts by flow conservation; <b>?</b> where they do not determine it; dashed: to an exception handler; red: a back edge (a loop).</p>");
    let mut drawn = 0;
    let mut too_big = Vec::new();
    for &(i, _) in &hot {
        if drawn == MAX_GRAPHS {
            break;
        }
        let Some(c) = codes.get(i) else { continue };
        let blocks = list(c, "blocks").len();
        if blocks > MAX_GRAPH_BLOCKS {
            too_big.push(format!("{} ({blocks} blocks)", name(c)));
            continue;
        }
        let base = ptr(&[&"code", &i]);
        let rows = list(c, "instructions");
        if let Some(svg) = cfg(c, rows, &base, "count") {
            let _ = write!(
                body,
                r#"<div class="card cfgcard" data-code="{i}" data-blocks="{blocks}"><h3>{}</h3>{svg}</div>"#,
                esc(&name(c))
            );
            drawn += 1;
        }
    }
    if drawn == 0 && codes.iter().all(|c| c.get("blocks").is_none()) {
        body.push_str(&note(
            "This document has no blocks (made before flypy added them): no graphs.",
        ));
    }
    let skipped = hot.len().saturating_sub(drawn + too_big.len());
    if skipped > 0 || !too_big.is_empty() {
        let mut text = format!(
            "Graphs drawn for the {drawn} most executed code objects (at most {MAX_GRAPHS}, at most {MAX_GRAPH_BLOCKS} blocks each)"
        );
        if skipped > 0 {
            let _ = write!(text, "; {skipped} other code objects not drawn");
        }
        if !too_big.is_empty() {
            let _ = write!(text, "; too big to draw: {}", too_big.join(", "));
        }
        text.push('.');
        body.push_str(&note(&text));
    }
    // Source beside the listings.
    let source = doc.get("source").and_then(Value::as_str).unwrap_or("");
    let source_lines: Vec<&str> = source.lines().collect();
    let hottest_count = codes
        .iter()
        .flat_map(|c| {
            c.get("instructions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|r| r.get("count").and_then(Value::as_f64))
        .fold(0.0_f64, f64::max);
    body.push_str("<h2>Source and disassembly</h2><p class=\"muted\">Hover a source line to light up its instructions (by the positions table); hover an instruction to mark its columns in the source.</p>");
    body.push_str(&heat_legend(hottest_count));
    let (pane, notes) = source_pane(source, MAX_SOURCE_LINES);
    body.push_str(&notes);
    let mut listed = 0usize;
    let mut right = String::new();
    let mut left_out = (0usize, 0usize);
    for (i, c) in codes.iter().enumerate() {
        let rows = list(c, "instructions");
        let room = MAX_LISTED_INSTRUCTIONS.saturating_sub(listed);
        if room == 0 {
            left_out.0 += 1;
            left_out.1 += rows.len();
            continue;
        }
        let executed = c
            .get("executed")
            .and_then(Value::as_f64)
            .map_or("unknown".to_owned(), |n| {
                num(&ptr(&[&"code", &i, &"executed"]), n, Unit::Count)
            });
        let _ = write!(right, "<h3>{} — {executed} executed</h3>", esc(&name(c)));
        let base = ptr(&[&"code", &i, &"instructions"]);
        right.push_str(&instructions(
            rows,
            &base,
            "count",
            Unit::Count,
            &source_lines,
            room,
            hottest_count,
        ));
        if rows.len() > room {
            left_out.1 += rows.len() - room;
        }
        listed += rows.len().min(room);
    }
    if left_out.1 > 0 {
        let _ = write!(
            right,
            "{}",
            note(&format!(
                "Listings capped at {MAX_LISTED_INSTRUCTIONS} instructions: {} more instructions (in {} further code objects and the rest of the last one) are in the JSON, not here.",
                left_out.1, left_out.0
            ))
        );
    }
    let _ = write!(
        body,
        r#"<div class="split">{pane}<div class="card">{right}</div></div>"#
    );
    let title = "flypy trace";
    let sub = format!("CPython {python}: every executed bytecode instruction, counted");
    Ok(shell(title, &sub, &body))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::limits::{MAX_GRAPHS, MAX_LISTED_INSTRUCTIONS};

    /// A big program's page stays within the limits and says what it left out.
    #[test]
    fn a_big_trace_is_capped_with_notes() {
        let row = |k: usize| json!({"offset": 2 * k, "opname": "NOP", "arg": null, "argrepr": "", "line": 1, "count": k});
        let code: Vec<_> = (0..40)
            .map(|c| {
                json!({"qualname": format!("f{c}"), "firstlineno": c + 1, "executed": c,
                       "instructions": (0..300).map(row).collect::<Vec<_>>(),
                       "blocks": [{"first": 0, "end": 300, "offset": 0, "count": 1}], "edges": []})
            })
            .collect();
        let doc = json!({"schema": "flypy.trace/1", "python": "3.12.1", "method": "m",
                         "ending": "finished", "executed": 1, "code": code, "by_opcode": [],
                         "source": "x = 1\n".repeat(20)});
        let page = crate::html(&doc).expect("a page");
        assert_eq!(page.matches(r#"class="card cfgcard""#).count(), MAX_GRAPHS);
        assert_eq!(
            page.matches(r#"<tr class="ins""#).count(),
            MAX_LISTED_INSTRUCTIONS
        );
        assert!(page.contains("28 other code objects not drawn"));
        assert!(page.contains("Listings capped at"));
    }
}
