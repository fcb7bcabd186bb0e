//! One line of `Instruction._disassemble` (3.11/3.12): fields joined by spaces, right-stripped.

use super::operand::{digit_count, push_digits};

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

const SPACES: &str = "                                ";

fn pad(out: &mut String, mut n: usize) {
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// `0..10000` right-justified in 4 columns, back to back: nearly every offset, argument and
/// line number `dis` prints is one of these, so a column is one copy.
static PADDED4: &str = {
    static BYTES: [u8; 40000] = {
        let mut b = [b' '; 40000];
        let mut n = 0;
        while n < 10000 {
            let mut m = n;
            let mut col = 3;
            loop {
                b[n * 4 + col] = b'0' + (m % 10) as u8;
                m /= 10;
                if m == 0 {
                    break;
                }
                col -= 1;
            }
            n += 1;
        }
        b
    };
    match std::str::from_utf8(&BYTES) {
        Ok(s) => s,
        Err(_) => panic!("ASCII digits and spaces are UTF-8"),
    }
};

/// Right-justifies the decimal `n` in `width` columns.
fn push_rjust(out: &mut String, n: i64, width: usize) {
    if (3..=5).contains(&width) {
        if let Some(text) = usize::try_from(n)
            .ok()
            .filter(|&u| u < 10000 && (width > 3 || u < 1000))
            .and_then(|u| PADDED4.get(u * 4 + 4 - width.min(4)..u * 4 + 4))
        {
            if width == 5 {
                out.push(' ');
            }
            out.push_str(text);
            return;
        }
    }
    let len = digit_count(n.unsigned_abs()) + usize::from(n < 0);
    pad(out, width.saturating_sub(len));
    if n < 0 {
        out.push('-');
    }
    push_digits(out, n.unsigned_abs());
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
