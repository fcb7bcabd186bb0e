//! Plain-text rendering of an [`Explanation`].

use crate::{Explanation, Form};

/// Renders `ex` as plain text (no colour) with lines at most `width` columns (clamped to
/// 40–100; a single word longer than that gets a line of its own).
///
/// ```text
/// LOAD_ATTR: Replaces the object on top of the stack with one of its attributes.
///   stack:      obj -> obj.attr
///   exists in:  2.7, 3.6–3.15
///   in 3.12:    opcode 106; specializes into LOAD_ATTR_CLASS, …
///
/// Body paragraphs.
///
/// Changes up to 3.12:
///   3.11  What changed in 3.11.
/// ```
pub fn render_text(ex: &Explanation, width: usize) -> String {
    let width = width.clamp(40, 100);
    let mut out: Vec<String> = Vec::new();
    let summary = ex
        .entry
        .map_or("(flypy's reference has no description of it yet)", |e| {
            e.summary
        });
    wrap(
        &mut out,
        &format!("{}: {summary}", ex.name),
        width,
        "",
        "    ",
    );

    let field = |out: &mut Vec<String>, label: &str, text: &str| {
        let first = format!("  {label:<11} ");
        wrap(out, text, width, &first, &" ".repeat(first.chars().count()));
    };
    if let Some(stack) = ex.entry.and_then(|e| e.stack) {
        field(&mut out, "stack:", stack);
    }
    field(&mut out, "exists in:", &ex.versions_text());
    if let (Some(v), Some(form)) = (ex.version, &ex.form) {
        let text = match form {
            Form::Base { opcode } if ex.specializations.is_empty() => format!("opcode {opcode}"),
            Form::Base { opcode } => format!(
                "opcode {opcode}; specializes into {}",
                ex.specializations.join(", ")
            ),
            Form::Specialized { opcode, base } => {
                format!("opcode {opcode}, a specialized form of {base} (deoptimises back to it)")
            }
        };
        field(&mut out, &format!("in {}.{}:", v.0, v.1), &text);
    }
    if let Some(e) = ex.entry {
        for para in &e.body {
            out.push(String::new());
            wrap(&mut out, para, width, "", "");
        }
    }
    if !ex.notes.is_empty() {
        out.push(String::new());
        out.push(match ex.version {
            Some(v) => format!("Changes up to {}.{}:", v.0, v.1),
            None => "Changes:".to_string(),
        });
        for note in &ex.notes {
            let first = format!("  {:<5} ", format!("{}.{}", note.version.0, note.version.1));
            wrap(
                &mut out,
                &note.text,
                width,
                &first,
                &" ".repeat(first.chars().count()),
            );
        }
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// `text` wrapped into `out` (`flypy_markup`'s wrapping, the one flypy has): the first line
/// starts with `first`, the others with `rest`; no line ends in spaces.
fn wrap(out: &mut Vec<String>, text: &str, width: usize, first: &str, rest: &str) {
    out.extend(
        flypy_markup::wrap::wrap(text, width, first, rest)
            .into_iter()
            .map(|l| l.trim_end().to_owned()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_with_hanging_indent() {
        let mut out = Vec::new();
        wrap(&mut out, "aaa bbb ccc ddd", 9, "> ", "  ");
        assert_eq!(out, ["> aaa bbb", "  ccc ddd"]);
        let mut out = Vec::new();
        wrap(&mut out, "averyveryverylongword x", 8, "", "");
        assert_eq!(out, ["averyveryverylongword", "x"]);
    }
}
