//! An explanation's blocks (`flypy_markup`, as the JSON carries them) as HTML: paragraphs,
//! the table of instructions whose counts differ, and the remarks under its rows. Every number
//! is shown as the text shows it and carries the JSON pointer of its value (`data-unit="shown"`:
//! the browser test allows the rounding its digits imply); instruction names are code.

use std::fmt::Write as _;

use serde_json::Value;

use crate::markup::esc;

/// `blocks` (the JSON array at pointer `at`) as HTML.
pub fn blocks(blocks: &[Value], at: &str) -> String {
    let mut s = String::from(r#"<div class="why">"#);
    let mut in_table = false;
    for (b, block) in blocks.iter().enumerate() {
        let kind = block.get("block").and_then(Value::as_str).unwrap_or("");
        let here = format!("{at}/{b}");
        if kind != "row" && kind != "remark" && in_table {
            s.push_str("</table>");
            in_table = false;
        }
        match kind {
            "row" => {
                if !in_table {
                    s.push_str(r#"<table class="ops">"#);
                    in_table = true;
                }
                let cell = |field: &str| line(block.get(field), &format!("{here}/{field}"));
                let _ = write!(
                    s,
                    r#"<tr><td>{}</td><td class="r">{}</td><td>{}</td><td class="muted">{}</td></tr>"#,
                    cell("name"),
                    cell("value"),
                    cell("detail"),
                    cell("note")
                );
            }
            "remark" => {
                let text = line(block.get("line"), &format!("{here}/line"));
                if in_table {
                    let _ = write!(
                        s,
                        r#"<tr><td></td><td colspan="3" class="remark">{text}</td></tr>"#
                    );
                } else {
                    let _ = write!(s, r#"<p class="remark">{text}</p>"#);
                }
            }
            _ => {
                let _ = write!(
                    s,
                    "<p>{}</p>",
                    line(block.get("line"), &format!("{here}/line"))
                );
            }
        }
    }
    if in_table {
        s.push_str("</table>");
    }
    s.push_str("</div>");
    s
}

/// One line of spans (`at` its pointer); nothing for a missing one.
fn line(spans: Option<&Value>, at: &str) -> String {
    let mut s = String::new();
    for (i, span) in spans
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let text = |k: &str| span.get(k).and_then(Value::as_str).unwrap_or("");
        match span.get("kind").and_then(Value::as_str) {
            Some("number") => {
                let _ = write!(
                    s,
                    r#"<span class="num" data-ptr="{}" data-unit="shown">{}</span>{}"#,
                    esc(&format!("{at}/{i}/value")),
                    esc(text("shown")),
                    esc(text("unit"))
                );
            }
            Some("instr") => {
                let _ = write!(s, "<code>{}</code>", esc(text("opname")));
            }
            _ => s.push_str(&esc(text("text"))),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn rows_make_one_table_and_numbers_carry_their_pointers() {
        let blocks = json!([
            {"block": "paragraph", "line": [{"kind": "text", "text": "a takes "},
                {"kind": "number", "value": 1.304, "shown": "1.30", "unit": "×"}]},
            {"block": "row", "name": [{"kind": "instr", "opname": "LOAD_ATTR"}],
             "value": [{"kind": "number", "value": 1.0, "shown": "+1.00"}],
             "detail": [{"kind": "text", "text": "(1.00 vs 0.00)"}]},
            {"block": "remark", "line": [{"kind": "text", "text": "Looks <up>."}], "hanging": false},
            {"block": "row", "name": [{"kind": "instr", "opname": "CALL"}],
             "value": [], "detail": []},
            {"block": "paragraph", "line": []}
        ]);
        let html = super::blocks(blocks.as_array().expect("array"), "/x");
        assert_eq!(html.matches("<table").count(), 1, "{html}");
        assert!(
            html.contains(r#"data-ptr="/x/0/line/1/value" data-unit="shown">1.30</span>×"#),
            "{html}"
        );
        assert!(html.contains(r#"data-ptr="/x/1/value/0/value""#), "{html}");
        assert!(
            html.contains("<code>LOAD_ATTR</code>") && html.contains("Looks &lt;up&gt;."),
            "{html}"
        );
    }
}
