//! `dis.Formatter`: one output line per instruction (and per CACHE unit with `-C`), and the
//! exception table. Lines whose fields fit their columns are laid out in a [`LineBuf`] (see
//! there); the rest, and every `-P` line, are spelled field by field.

use super::analysis::Analysis;
use crate::dis::linebuf::{self, int_len, push_int_str, LineBuf, PaddedName, MAX_LINE};
use crate::instruction::Positions;

/// `_OPNAME_WIDTH`, `_OPARG_WIDTH`, `_NO_LINENO`.
const OPNAME_WIDTH: usize = 20;
const OPARG_WIDTH: usize = 5;
pub(super) const NO_LINENO: &str = "  --";

fn push_spaces(out: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// `str(n).rjust(width)`.
fn push_int_right(out: &mut String, n: i64, width: usize) {
    push_spaces(out, width.saturating_sub(int_len(n)));
    push_int_str(out, n);
}

/// `f"{n}"` or `?` for a missing position component.
fn push_pos(out: &mut String, p: Option<u32>) {
    match p {
        Some(v) => push_int_str(out, i64::from(v)),
        None => out.push('?'),
    }
}

fn pos_len(p: Option<u32>) -> usize {
    p.map_or(1, |v| int_len(i64::from(v)))
}

/// `_get_positions_width`: 0 when no position has any value.
pub(super) fn positions_width(all: &[Positions]) -> usize {
    let mut has_value = false;
    let mut values_width = 0;
    for p in all {
        has_value |= p.lineno.is_some()
            || p.end_lineno.is_some()
            || p.col_offset.is_some()
            || p.end_col_offset.is_some();
        let w = pos_len(p.lineno)
            + pos_len(p.end_lineno)
            + pos_len(p.col_offset)
            + pos_len(p.end_col_offset);
        values_width = values_width.max(w);
    }
    if has_value {
        1 + NO_LINENO.len().max(3 + values_width)
    } else {
        0
    }
}

/// One line's worth of instruction fields.
pub(super) struct Line<'a> {
    pub starts_line: bool,
    pub line: Option<u32>,
    pub label: Option<usize>,
    pub offset: u32,
    pub opname: &'a str,
    /// `padded_name(opname)`, when the caller has it at hand.
    pub padded: Option<&'a PaddedName>,
    pub arg: Option<i64>,
    pub argrepr: &'a str,
    pub positions: Positions,
}

pub(super) struct Formatter {
    pub lineno_width: usize,
    pub offset_width: usize,
    pub label_width: usize,
    pub show_positions: bool,
}

impl Formatter {
    /// `print_instruction_line`.
    pub fn line(&self, out: &mut Vec<u8>, lb: &mut LineBuf, l: &Line<'_>) {
        if self.lineno_width > 0 && l.starts_line && l.offset > 0 {
            out.push(b'\n');
        }
        match l.padded.and_then(|block| self.layout(lb, l, block)) {
            Some(len) => lb.emit(out, len),
            None => {
                let mut text = String::new();
                self.columns_general(&mut text, l);
                out.extend_from_slice(text.as_bytes());
            }
        }
        if l.arg.is_some() && !l.argrepr.is_empty() {
            out.extend_from_slice(b" (");
            out.extend_from_slice(l.argrepr.as_bytes());
            out.push(b')');
        }
        out.push(b'\n');
    }

    /// The columns before the argument description laid out in `lb`; their length, or
    /// `None` when a field does not fit its column (or positions are shown).
    fn layout(&self, lb: &mut LineBuf, l: &Line<'_>, block: &PaddedName) -> Option<usize> {
        if self.show_positions {
            return None;
        }
        lb.clear();
        let mut at = 0;
        if self.lineno_width > 0 {
            if l.starts_line {
                match l.line {
                    Some(n) => lb.num(self.lineno_width, self.lineno_width, i64::from(n)),
                    None => lb.put(
                        self.lineno_width.checked_sub(NO_LINENO.len())?,
                        NO_LINENO.as_bytes(),
                    ),
                }
            }
            at = self.lineno_width + 1;
        }
        if let Some(n) = l.label {
            // f"{'L%d:' % n:>{label_width}}"
            let n = i64::try_from(n).ok()?;
            let digits = int_len(n);
            let end = at + self.label_width;
            let start = end.checked_sub(digits + 2)?;
            // The number first: a 4-byte store for it may put a space where the L goes.
            lb.num(end - 1, digits, n);
            lb.put(start, b"L");
            lb.put(end - 1, b":");
        }
        at += self.label_width + 1;
        if self.offset_width > 0 {
            lb.num(
                at + self.offset_width,
                self.offset_width,
                i64::from(l.offset),
            );
            at += self.offset_width + 3;
        }
        let name_at = at + 4;
        lb.name(name_at, block);
        let name_len = l.opname.len();
        // `.rstrip()`: without an argument the name ends the columns.
        let len = match l.arg {
            Some(arg) => {
                let width = OPARG_WIDTH.checked_sub(name_len.saturating_sub(OPNAME_WIDTH))?;
                let end = name_at + name_len.max(OPNAME_WIDTH) + 1 + width;
                lb.num(end, width, arg);
                end
            }
            None => name_at + name_len,
        };
        (lb.fits() && len <= MAX_LINE).then_some(len)
    }

    /// The columns of [`Formatter::line`] spelled field by field, right-stripped (with an
    /// argument description the line ends in `)`, without one the columns end it).
    fn columns_general(&self, out: &mut String, l: &Line<'_>) {
        let start = out.len();
        if self.lineno_width > 0 {
            if self.show_positions {
                let p = l.positions;
                let before = out.len();
                if p.lineno.is_none()
                    && p.end_lineno.is_none()
                    && p.col_offset.is_none()
                    && p.end_col_offset.is_none()
                {
                    out.push_str(NO_LINENO);
                } else {
                    push_pos(out, p.lineno);
                    out.push(':');
                    push_pos(out, p.col_offset);
                    out.push('-');
                    push_pos(out, p.end_lineno);
                    out.push(':');
                    push_pos(out, p.end_col_offset);
                }
                // Left-aligned: ASCII only, so bytes are characters.
                let written = out.len() - before;
                push_spaces(out, self.lineno_width.saturating_sub(written));
            } else if l.starts_line {
                match l.line {
                    Some(n) => push_int_right(out, i64::from(n), self.lineno_width),
                    None => {
                        push_spaces(out, self.lineno_width.saturating_sub(NO_LINENO.len()));
                        out.push_str(NO_LINENO);
                    }
                }
            } else {
                push_spaces(out, self.lineno_width);
            }
            out.push(' ');
        }
        match l.label {
            Some(n) => {
                // f"{'L%d:' % n:>{label_width}}"
                let n = i64::try_from(n).unwrap_or(i64::MAX);
                push_spaces(out, self.label_width.saturating_sub(int_len(n) + 2));
                out.push('L');
                push_int_str(out, n);
                out.push(':');
            }
            None => push_spaces(out, self.label_width),
        }
        out.push(' ');
        if self.offset_width > 0 {
            push_int_right(out, i64::from(l.offset), self.offset_width);
            out.push_str("  ");
            out.push(' ');
        }
        out.push_str("    ");
        out.push_str(l.opname);
        // `len()` counts characters: every opname dis has is ASCII.
        let name_len = l.opname.len();
        push_spaces(out, OPNAME_WIDTH.saturating_sub(name_len));
        if let Some(arg) = l.arg {
            out.push(' ');
            let excess = name_len.saturating_sub(OPNAME_WIDTH);
            push_int_right(out, arg, OPARG_WIDTH.saturating_sub(excess));
        }
        // `.rstrip()`: only the padding after the opname can be trailing whitespace.
        while out.len() > start && out.ends_with(' ') {
            out.pop();
        }
    }

    /// `print_exception_table`.
    pub fn exception_table(&self, out: &mut Vec<u8>, a: &Analysis) {
        if a.exceptions.is_empty() {
            return;
        }
        out.extend_from_slice(b"ExceptionTable:\n");
        for e in &a.exceptions {
            out.extend_from_slice(b"  L");
            push_label(out, a, e.start);
            out.extend_from_slice(b" to L");
            push_label(out, a, e.end);
            out.extend_from_slice(b" -> L");
            push_label(out, a, e.target);
            out.extend_from_slice(b" [");
            linebuf::push_int(out, i64::from(e.depth));
            out.push(b']');
            if e.lasti {
                out.extend_from_slice(b" lasti");
            }
            out.push(b'\n');
        }
    }
}

fn push_label(out: &mut Vec<u8>, a: &Analysis, offset: u32) {
    // Every exception-table offset was put in the label map by Analysis::new.
    let n = a.label_of(i64::from(offset)).unwrap_or(0);
    linebuf::push_int(out, i64::try_from(n).unwrap_or(i64::MAX));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_len_is_the_length_of_str() {
        for n in [0i64, 9, 10, -1, -10, i64::MAX, i64::MIN] {
            assert_eq!(int_len(n), n.to_string().len());
        }
    }

    #[test]
    fn position_width_counts_question_marks() {
        let p = Positions {
            lineno: Some(12),
            end_lineno: Some(12),
            col_offset: None,
            end_col_offset: Some(100),
        };
        // 2 + 2 + 1 + 3 digits, 3 separators, 1 trailing space.
        assert_eq!(positions_width(&[p]), 12);
        assert_eq!(positions_width(&[Positions::default()]), 0);
    }
}
