//! Blocks as terminal lines: the only place an explanation is wrapped.

use crate::wrap::wrap;
use crate::Block;

/// The narrowest first column of a table of rows (instruction names are up to ~30 columns).
const MIN_NAME_WIDTH: usize = 24;

/// `blocks` as lines of at most `width` columns (a word or a table row wider than that keeps
/// its own line). `usize::MAX` gives each paragraph, row and remark on one line, unwrapped.
pub fn lines(blocks: &[Block], width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (k, block) in blocks.iter().enumerate() {
        match block {
            Block::Paragraph { line } => out.extend(wrap(&line.plain(), width, "", "  ")),
            Block::Remark { line, hanging } => {
                let rest = if *hanging { "        " } else { "      " };
                out.extend(wrap(&line.plain(), width, "      ", rest));
            }
            Block::Row {
                name,
                value,
                detail,
                note,
            } => {
                let name_w = table_of(blocks, k)
                    .map(|n| n.chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(MIN_NAME_WIDTH);
                let row = format!(
                    "  {:<name_w$} {:>8}  {}",
                    name.plain(),
                    value.plain(),
                    detail.plain()
                );
                match note.as_ref().map(|n| n.plain()) {
                    None => out.push(row),
                    // A note fits beside its row or goes under it.
                    Some(n)
                        if row.chars().count().saturating_add(2 + n.chars().count()) <= width =>
                    {
                        out.push(format!("{row}  {n}"))
                    }
                    Some(n) => {
                        out.push(row);
                        out.extend(wrap(&n, width, "      ", "        "));
                    }
                }
            }
        }
    }
    out
}

/// The names of the rows of the table that the row at `k` is in: rows and their remarks up to
/// the paragraphs around them.
fn table_of(blocks: &[Block], k: usize) -> impl Iterator<Item = String> + '_ {
    let start = blocks[..k]
        .iter()
        .rposition(|b| matches!(b, Block::Paragraph { .. }))
        .map_or(0, |p| p + 1);
    let end = blocks[k..]
        .iter()
        .position(|b| matches!(b, Block::Paragraph { .. }))
        .map_or(blocks.len(), |p| k + p);
    blocks[start..end].iter().filter_map(|b| match b {
        Block::Row { name, .. } => Some(name.plain()),
        _ => None,
    })
}

/// Each block on one line, unwrapped: the text the JSON carries beside the structure, the same
/// whatever the terminal's width.
pub fn unwrapped(blocks: &[Block]) -> Vec<String> {
    lines(blocks, usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Line;

    fn row(name: &str, value: &str, note: Option<&str>) -> Block {
        Block::Row {
            name: Line::new().instr(name),
            value: Line::new().number(1.0, value),
            detail: Line::new().text("(1.00 vs 0.00)"),
            note: note.map(|n| Line::new().text(n)),
        }
    }

    #[test]
    fn rows_align_as_one_table_and_notes_go_under_when_they_do_not_fit() {
        let blocks = vec![
            Block::paragraph(Line::new().text("Instructions whose count differs:")),
            row(
                "LOAD_ATTR",
                "+1.00",
                Some("specialized: LOAD_ATTR_METHOD_NO_DICT vs -"),
            ),
            Block::Remark {
                line: Line::new().text("Looks an attribute up."),
                hanging: false,
            },
            row("LIST_APPEND", "-1.00", None),
        ];
        let wide = lines(&blocks, 100);
        assert_eq!(
            wide[1],
            "  LOAD_ATTR                   +1.00  (1.00 vs 0.00)  specialized: \
             LOAD_ATTR_METHOD_NO_DICT vs -"
        );
        assert_eq!(wide[2], "      Looks an attribute up.");
        assert_eq!(
            wide[3],
            "  LIST_APPEND                 -1.00  (1.00 vs 0.00)"
        );
        let narrow = lines(&blocks, 52);
        assert_eq!(
            narrow[1],
            "  LOAD_ATTR                   +1.00  (1.00 vs 0.00)"
        );
        assert_eq!(
            narrow[2],
            "      specialized: LOAD_ATTR_METHOD_NO_DICT vs -"
        );
        assert!(narrow.iter().all(|l| l.chars().count() <= 52), "{narrow:?}");
        assert_eq!(unwrapped(&blocks).len(), blocks.len());
    }

    #[test]
    fn paragraphs_wrap_with_a_hanging_indent_and_keep_units_after_numbers() {
        let p = Block::paragraph(
            Line::new()
                .text("a takes ")
                .number_in(1.5, "1.50", "×")
                .text(" the time of b."),
        );
        assert_eq!(
            lines(std::slice::from_ref(&p), 100),
            ["a takes 1.50× the time of b."]
        );
        assert_eq!(
            lines(std::slice::from_ref(&p), 12),
            ["a takes", "  1.50× the", "  time of b."]
        );
    }

    #[test]
    fn the_json_form_keeps_values_and_kinds() {
        let line = Line::new()
            .text("x ")
            .number(2.0, "2")
            .text(" and ")
            .instr("CALL");
        let v = serde_json::to_value(Block::paragraph(line)).expect("serializes");
        assert_eq!(v["block"], "paragraph");
        assert_eq!(v["line"][1]["kind"], "number");
        assert_eq!(v["line"][1]["value"], 2.0);
        assert_eq!(v["line"][3]["opname"], "CALL");
    }
}
