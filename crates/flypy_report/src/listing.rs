//! The source pane, instruction listings with counts as a heat scale, and the control-flow
//! graph of a code object drawn from the document's `blocks` and `edges`.

use std::fmt::Write as _;

use serde_json::Value;

use crate::layout::{layout, Spacing};
use crate::markup::{esc, heat, heat_colour, note, num_attrs, ptr, show, Unit};

/// The source, one `div` a line (at most `max` lines), for hovering; and the notes saying
/// what of it is not shown (none of it: a document made before flypy added it).
pub fn source_pane(source: &str, max: usize) -> (String, String) {
    let mut s = String::from(r##"<div class="src">"##);
    let mut shown = 0;
    for (i, line) in source.lines().enumerate().take(max) {
        let _ = write!(
            s,
            r##"<div data-line="{}"><span class="ln">{}</span><span class="tx">{}</span></div>"##,
            i + 1,
            i + 1,
            esc(line)
        );
        shown += 1;
    }
    s.push_str("</div>");
    let mut notes = String::new();
    if source.is_empty() {
        notes.push_str(&note(
            "The document has no source (made before flypy added it): listings only.",
        ));
    }
    let hidden = source.lines().count().saturating_sub(shown);
    if hidden > 0 {
        notes.push_str(&note(&format!(
            "Source shown up to line {max}; {hidden} more lines left out."
        )));
    }
    (s, notes)
}

/// The array `key` of `v`, empty when there is none.
pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A byte column of the positions table as a character column of `line` (CPython counts
/// UTF-8 bytes; the page slices characters).
fn char_col(line: &str, byte: u64) -> usize {
    let b = usize::try_from(byte).unwrap_or(usize::MAX).min(line.len());
    line.char_indices().take_while(|(i, _)| *i < b).count()
}

/// The listing of one code object's instructions (at most `max`), `count_field` holding each
/// one's count (`count` in a trace, `per_call` in a dive), heat relative to `hottest` (the
/// page's, so one legend serves every listing); rows carry their line range and columns for
/// the hover.
pub fn instructions(
    rows: &[Value],
    base: &str,
    count_field: &str,
    unit: Unit,
    source_lines: &[&str],
    max: usize,
    hottest: f64,
) -> String {
    let mut s = String::from(
        r##"<table class="listing mono"><tr><th class="r">count</th><th>line</th><th class="r">offset</th><th>instruction</th><th>argument</th></tr>"##,
    );
    for (k, r) in rows.iter().enumerate().take(max) {
        let count = r.get(count_field).and_then(Value::as_f64);
        let line = r.get("line").and_then(Value::as_u64);
        let pos = r.get("positions");
        let l0 = pos
            .and_then(|p| p.get("lineno"))
            .and_then(Value::as_u64)
            .or(line);
        let l1 = pos
            .and_then(|p| p.get("end_lineno"))
            .and_then(Value::as_u64)
            .or(l0);
        let mut attrs = String::new();
        if let (Some(a), Some(b)) = (l0, l1) {
            let _ = write!(attrs, r##" data-l0="{a}" data-l1="{b}""##);
            let cols = pos.and_then(|p| {
                Some((
                    p.get("col_offset")?.as_u64()?,
                    p.get("end_col_offset")?.as_u64()?,
                ))
            });
            let text = usize::try_from(a)
                .ok()
                .and_then(|a| source_lines.get(a.wrapping_sub(1)));
            if let (Some((c0, c1)), Some(text)) = (cols, text) {
                let c1 = if a == b {
                    char_col(text, c1)
                } else {
                    text.chars().count()
                };
                let _ = write!(
                    attrs,
                    r##" data-c0="{}" data-c1="{c1}""##,
                    char_col(text, c0)
                );
            }
        }
        let bg = count.map_or("#fff".to_owned(), |c| heat_colour(heat(c, hottest)));
        let count_cell = match count {
            Some(c) => format!(
                r##"<span{}>{}</span>"##,
                num_attrs(&format!("{base}{}", ptr(&[&k, &count_field])), Unit::Count),
                esc(&show(c, unit))
            ),
            None => "unknown".to_owned(),
        };
        let _ = write!(
            s,
            r##"<tr class="ins"{attrs}><td class="r" style="background:{bg}">{count_cell}</td><td class="r">{}</td><td class="r">{}</td><td>{}</td><td>{}</td></tr>"##,
            line.map(|l| l.to_string()).unwrap_or_default(),
            r.get("offset").and_then(Value::as_u64).unwrap_or(0),
            esc(r.get("opname").and_then(Value::as_str).unwrap_or("")),
            esc(r.get("argrepr").and_then(Value::as_str).unwrap_or("")),
        );
    }
    s.push_str("</table>");
    s
}

const SP: Spacing = Spacing {
    node_w: 190.0,
    node_h: 38.0,
    gap_x: 26.0,
    gap_y: 46.0,
};

/// The control-flow graph of one code object: `blocks` and `edges` of the object at JSON
/// pointer `base` (a trace's `/code/i`, a dive's `/pythons/p/variants/k/graphs/c`), `rows` its
/// instructions (block `first`/`end` index them), each block's and edge's count in
/// `count_field` (`count` in a trace, `per_call` in a dive). One `g.node` a basic block,
/// heat-coloured by its count; edges labelled with their counts, `?` where unknown.
pub fn cfg(code: &Value, rows: &[Value], base: &str, count_field: &str) -> Option<String> {
    let blocks = code.get("blocks")?.as_array()?;
    let edges = code.get("edges")?.as_array()?;
    let pairs: Vec<(usize, usize)> = edges
        .iter()
        .filter_map(|e| {
            let a = usize::try_from(e.get("from")?.as_u64()?).ok()?;
            let b = usize::try_from(e.get("to")?.as_u64()?).ok()?;
            (a < blocks.len() && b < blocks.len()).then_some((a, b))
        })
        .collect();
    let l = layout(blocks.len(), &pairs, SP);
    let hottest = blocks
        .iter()
        .filter_map(|b| b.get(count_field).and_then(Value::as_f64))
        .fold(0.0_f64, f64::max);
    let (w, h) = (l.width + 40.0, l.height + 10.0);
    let mut s = format!(
        r##"<svg class="cfg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}"><defs><marker id="ah" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#7a8599"/></marker></defs>"##
    );
    // Edges first, under the blocks; each ends at its target's top or bottom border.
    for (k, e) in edges.iter().enumerate() {
        let Some(pts) = l.edges.get(k) else { continue };
        let mut pts = pts.clone();
        let n = pts.len();
        if n >= 2 {
            let (x0, y0) = pts[0];
            let (x1, y1) = pts[n - 1];
            let dir0 = if pts[1].1 >= y0 { 1.0 } else { -1.0 };
            let dir1 = if pts[n - 2].1 <= y1 { -1.0 } else { 1.0 };
            pts[0] = (x0, y0 + dir0 * SP.node_h / 2.0);
            pts[n - 1] = (x1, y1 + dir1 * SP.node_h / 2.0);
        }
        let kind = e.get("kind").and_then(Value::as_str).unwrap_or("next");
        let back = if l.back.get(k).copied().unwrap_or(false) {
            " back"
        } else {
            ""
        };
        let points: Vec<String> = pts
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", x + 20.0, y))
            .collect();
        let _ = write!(
            s,
            r##"<polyline class="edge {}{back}" points="{}" marker-end="url(#ah)"/>"##,
            esc(kind),
            points.join(" ")
        );
        // The label at the middle of the line.
        let mid = pts.len() / 2;
        let (mx, my) = if pts.len() % 2 == 0 && mid > 0 {
            let (a, b) = (pts[mid - 1], pts[mid]);
            ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
        } else {
            pts.get(mid).copied().unwrap_or((0.0, 0.0))
        };
        match e.get(count_field).and_then(Value::as_f64) {
            Some(c) => {
                let _ = write!(
                    s,
                    r##"<text class="elabel" x="{:.1}" y="{:.1}"{}>{}</text>"##,
                    mx + 24.0,
                    my + 4.0,
                    num_attrs(
                        &format!("{base}{}", ptr(&[&"edges", &k, &count_field])),
                        Unit::Count
                    ),
                    esc(&show(c, Unit::Count))
                );
            }
            None if kind != "exception" => {
                let _ = write!(
                    s,
                    r##"<text class="elabel" x="{:.1}" y="{:.1}"><title>not determined by the block counts</title>?</text>"##,
                    mx + 24.0,
                    my + 4.0
                );
            }
            None => {}
        }
    }
    for (b, block) in blocks.iter().enumerate() {
        let (x, y) = l.nodes.get(b).copied().unwrap_or((0.0, 0.0));
        let count = block.get(count_field).and_then(Value::as_f64);
        let fill = count.map_or("#fff".to_owned(), |c| heat_colour(heat(c, hottest)));
        let first = block.get("first").and_then(Value::as_u64).unwrap_or(0);
        let end = block.get("end").and_then(Value::as_u64).unwrap_or(first);
        let name = |i: u64| {
            usize::try_from(i)
                .ok()
                .and_then(|i| rows.get(i))
                .and_then(|r| r.get("opname"))
                .and_then(Value::as_str)
                .unwrap_or("")
        };
        let ops = if end > first + 1 {
            format!("{} … {}", name(first), name(end - 1))
        } else {
            name(first).to_owned()
        };
        let ops: String = ops.chars().take(28).collect();
        let count_text = match count {
            Some(c) => format!(
                r##"<tspan{}>{}</tspan>"##,
                num_attrs(
                    &format!("{base}{}", ptr(&[&"blocks", &b, &count_field])),
                    Unit::Count
                ),
                esc(&show(c, Unit::Count))
            ),
            None => "unknown".to_owned(),
        };
        let _ = write!(
            s,
            r##"<g class="node" data-block="{b}"><rect x="{:.1}" y="{:.1}" width="{}" height="{}" rx="5" fill="{fill}"/><text x="{:.1}" y="{:.1}">B{b} @{} ×{count_text}</text><text x="{:.1}" y="{:.1}" fill="#4a5366">{}</text><title>block {b}: instructions {first}–{} ({} of them)</title></g>"##,
            x + 20.0 - SP.node_w / 2.0,
            y - SP.node_h / 2.0,
            SP.node_w,
            SP.node_h,
            x + 20.0 - SP.node_w / 2.0 + 6.0,
            y - 3.0,
            block.get("offset").and_then(Value::as_u64).unwrap_or(0),
            x + 20.0 - SP.node_w / 2.0 + 6.0,
            y + 12.0,
            esc(&ops),
            end.saturating_sub(1),
            end.saturating_sub(first),
        );
    }
    s.push_str("</svg>");
    Some(s)
}
