//! One line of `Instruction._disassemble` (3.11/3.12): fields joined by spaces, right-stripped.
//!
//! The columns before the argument description are laid out in a [`LineBuf`] when they fit
//! their widths (nearly always); the argument description is then appended straight to the
//! output by the caller's writer, so nothing is assembled twice.

use crate::dis::linebuf::{LineBuf, PaddedName};
use std::fmt::Write as _;

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

/// The parts of one listed instruction before its argument description.
pub(super) struct Line<'a> {
    pub starts_line: Option<u32>,
    pub is_target: bool,
    pub offset: u32,
    pub opname: &'a str,
    /// `padded_name(opname)`, when the caller has it at hand.
    pub padded: Option<&'a PaddedName>,
    pub arg: Option<i64>,
}

/// Appends the line and its newline; `argrepr` appends the argument description (nothing
/// for none), which is shown only for an instruction with an argument.
pub(super) fn write_line(
    out: &mut Vec<u8>,
    lb: &mut LineBuf,
    w: Widths,
    line: &Line<'_>,
    argrepr: impl FnOnce(&mut Vec<u8>),
) {
    match line.padded.and_then(|block| layout(lb, w, line, block)) {
        Some(len) => lb.emit(out, len),
        None => {
            let mut text = String::new();
            write_columns_general(&mut text, w, line);
            out.extend_from_slice(text.as_bytes());
        }
    }
    if line.arg.is_some() {
        let open = out.len();
        out.extend_from_slice(b" (");
        let before = out.len();
        argrepr(out);
        if out.len() == before {
            out.truncate(open);
        } else {
            out.push(b')');
        }
    }
    out.push(b'\n');
}

/// The columns laid out in `lb`; their length, or `None` when a field does not fit.
fn layout(lb: &mut LineBuf, w: Widths, line: &Line<'_>, block: &PaddedName) -> Option<usize> {
    lb.clear();
    let base = if w.lineno > 0 {
        if let Some(l) = line.starts_line {
            lb.num(w.lineno, w.lineno, i64::from(l));
        }
        w.lineno + 1
    } else {
        0
    };
    // "    >> " or seven spaces: the "current instruction" column is always blank for
    // `python -m dis`.
    if line.is_target {
        lb.put(base + 4, b">>");
    }
    let offset_end = base + 7 + w.offset;
    lb.num(offset_end, w.offset, i64::from(line.offset));
    let name_at = offset_end + 1;
    lb.name(name_at, block);
    let name_len = line.opname.len();
    // `.rstrip()`: without an argument the name ends the columns.
    let len = match line.arg {
        Some(arg) => {
            let end = name_at + name_len.max(OPNAME_WIDTH) + 1 + OPARG_WIDTH;
            lb.num(end, OPARG_WIDTH, arg);
            end
        }
        None => name_at + name_len,
    };
    (lb.fits() && len <= crate::dis::linebuf::MAX_LINE).then_some(len)
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Right-justifies the decimal `n` in `width` columns.
fn push_rjust(out: &mut String, n: i64, width: usize) {
    // `str(n).rjust(width)`: Rust's decimal form of an integer is Python's.
    let _ = write!(out, "{n:>width$}");
}

/// The columns of [`write_line`] for fields too wide for their columns (or an opname that is
/// not ASCII), right-stripped: with an argument description the line ends in `)`, without
/// one the columns end it.
fn write_columns_general(out: &mut String, w: Widths, line: &Line<'_>) {
    let start = out.len();
    if w.lineno > 0 {
        match line.starts_line {
            Some(l) => push_rjust(out, i64::from(l), w.lineno),
            None => pad(out, w.lineno),
        }
        out.push(' ');
    }
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
    }
    let kept = out[start..].trim_end().len();
    out.truncate(start + kept);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dis::linebuf::padded_name;

    fn both(w: Widths, line: &Line<'_>, argrepr: &str) -> (String, String) {
        let mut fast = Vec::new();
        write_line(&mut fast, &mut LineBuf::new(), w, line, |o| {
            o.extend_from_slice(argrepr.as_bytes())
        });
        let mut general = String::new();
        write_columns_general(&mut general, w, line);
        if line.arg.is_some() && !argrepr.is_empty() {
            general.push_str(" (");
            general.push_str(argrepr);
            general.push(')');
        }
        general.push('\n');
        (String::from_utf8(fast).expect("utf-8"), general)
    }

    /// The fast and the general path agree, for ordinary and oversized columns.
    #[test]
    fn both_paths_print_the_same() {
        let w = |lineno, offset| Widths { lineno, offset };
        let cases = [
            (w(3, 4), Some(12), true, 8, "LOAD_CONST", Some(1), "None"),
            (w(0, 4), None, false, 0, "RESUME", Some(0), ""),
            (w(4, 5), Some(1234), false, 12345, "POP_TOP", None, ""),
            (w(3, 4), None, false, 20, "JUMP_BACKWARD", Some(-7), "to 8"),
            (w(3, 4), Some(999), true, 99999, "X", Some(1 << 40), "x"),
            (w(150, 4), Some(1), false, 2, "NOP", None, ""),
            (
                w(3, 4),
                None,
                false,
                2,
                "LOAD_ATTR_METHOD_WITH_VALUES",
                Some(3),
                "a",
            ),
            (w(3, 4), Some(7), false, 4, "CALL", Some(123456), ""),
            (
                w(6, 6),
                Some(123456),
                false,
                654321,
                "CALL",
                Some(99999),
                "y",
            ),
        ];
        for (w, starts_line, is_target, offset, opname, arg, argrepr) in cases {
            let block = padded_name(opname);
            for padded in [None, block.as_ref()] {
                let line = Line {
                    starts_line,
                    is_target,
                    offset,
                    opname,
                    padded,
                    arg,
                };
                let (fast, general) = both(w, &line, argrepr);
                assert_eq!(fast, general);
            }
        }
        let block = padded_name("LOAD_FAST");
        let line = Line {
            starts_line: Some(7),
            is_target: true,
            offset: 10,
            opname: "LOAD_FAST",
            padded: block.as_ref(),
            arg: Some(0),
        };
        let (fast, _) = both(w(3, 4), &line, "x");
        assert_eq!(fast, "  7     >>   10 LOAD_FAST                0 (x)\n");
    }
}
