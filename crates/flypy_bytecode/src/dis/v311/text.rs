//! One line of `Instruction._disassemble` (3.11/3.12): fields joined by spaces, right-stripped.

use super::operand::push_int;

/// The column widths of one code object's listing.
#[derive(Clone, Copy)]
pub(super) struct Widths {
    /// 0 omits the line-number column.
    pub lineno: usize,
    pub offset: usize,
}

/// `_OPNAME_WIDTH`, `_OPARG_WIDTH`.
const OPNAME_WIDTH: usize = 20;
const OPARG_WIDTH: usize = 5;

/// The parts of one listed instruction.
pub(super) struct Line<'a> {
    pub starts_line: Option<u32>,
    pub is_target: bool,
    pub offset: u32,
    pub opname: &'a str,
    pub arg: Option<i64>,
    pub argrepr: &'a str,
}

fn pad(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

/// Right-justifies the decimal `n` in `width` columns.
fn push_rjust(out: &mut String, n: i64, width: usize) {
    let len = super::analysis::decimal_width(n);
    pad(out, width.saturating_sub(len));
    push_int(out, n);
}

/// Appends the line and its newline.
pub(super) fn write_line(out: &mut String, w: Widths, line: &Line<'_>) {
    let start = out.len();
    if w.lineno > 0 {
        match line.starts_line {
            Some(l) => push_rjust(out, i64::from(l), w.lineno),
            None => pad(out, w.lineno),
        }
        out.push(' ');
    }
    // The "current instruction" column is always blank for `python -m dis`.
    out.push_str("    ");
    out.push_str(if line.is_target { ">>" } else { "  " });
    out.push(' ');
    push_rjust(out, i64::from(line.offset), w.offset);
    out.push(' ');
    out.push_str(line.opname);
    if let Some(arg) = line.arg {
        pad(
            out,
            OPNAME_WIDTH.saturating_sub(line.opname.chars().count()),
        );
        out.push(' ');
        push_rjust(out, arg, OPARG_WIDTH);
        if !line.argrepr.is_empty() {
            out.push_str(" (");
            out.push_str(line.argrepr);
            out.push(')');
        }
    }
    // `.rstrip()`: only the padding can trail (a bare opname or an empty line-number field).
    let kept = out[start..].trim_end_matches(' ').len();
    out.truncate(start + kept);
    out.push('\n');
}
