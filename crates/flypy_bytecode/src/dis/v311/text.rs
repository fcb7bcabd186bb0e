//! One line of `Instruction._disassemble` (3.11/3.12): fields joined by spaces, right-stripped.
//!
//! The columns before the argument description are ASCII and short, so they are assembled in
//! a fixed buffer and appended with one copy (most of a listing's cost is otherwise the many
//! tiny appends). Lines go to a byte buffer that the caller checks as UTF-8 once per code
//! object rather than once per line.

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

/// An opname followed by spaces to 32 bytes, for names of at most [`PADDED_NAME_MAX`] bytes:
/// copied as one fixed-size block, it is the name column and its padding at once.
pub(super) type PaddedName = [u8; 32];
const PADDED_NAME_MAX: usize = 24;

pub(super) fn padded_name(name: &str) -> Option<PaddedName> {
    let mut block = [b' '; 32];
    block
        .get_mut(..name.len())?
        .copy_from_slice(name.as_bytes());
    (name.len() <= PADDED_NAME_MAX && name.is_ascii()).then_some(block)
}

/// The parts of one listed instruction.
pub(super) struct Line<'a> {
    pub starts_line: Option<u32>,
    pub is_target: bool,
    pub offset: u32,
    pub opname: &'a str,
    /// `padded_name(opname)`, when the caller has it at hand.
    pub padded: Option<&'a PaddedName>,
    pub arg: Option<i64>,
    pub argrepr: &'a str,
}

/// `0..10000` right-justified in 4 columns: nearly every offset, argument and line number
/// `dis` prints is one of these, so a column is a fixed-size copy.
static PADDED4: [[u8; 4]; 10000] = {
    let mut table = [[b' '; 4]; 10000];
    let mut n = 0;
    while n < 10000 {
        let mut m = n;
        let mut col = 3;
        loop {
            table[n][col] = b'0' + (m % 10) as u8;
            m /= 10;
            if m == 0 {
                break;
            }
            col -= 1;
        }
        n += 1;
    }
    table
};

const SPACES32: [u8; 32] = [b' '; 32];

/// The ASCII columns of a line; `fits` turns false if they would not fit (absurd widths),
/// and the caller then takes the general path. Kept by the caller from line to line, so the
/// buffer is initialised once per listing.
pub(super) struct Prefix {
    /// 160 bytes of columns plus room for one [`SPACES32`] block past them.
    buf: [u8; 192],
    len: usize,
    fits: bool,
}

impl Prefix {
    pub fn new() -> Self {
        Self {
            buf: [b' '; 192],
            len: 0,
            fits: true,
        }
    }

    fn put(&mut self, bytes: &[u8]) {
        match self.buf.get_mut(self.len..self.len + bytes.len()) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len += bytes.len();
            }
            None => self.fits = false,
        }
    }

    fn spaces(&mut self, n: usize) {
        // Short runs: store a fixed 32-byte block of spaces (a couple of vector stores, not
        // a memset call) and keep only `n` of them; later columns overwrite the rest.
        if n <= SPACES32.len() {
            if let Some(dst) = self.buf.get_mut(self.len..self.len + SPACES32.len()) {
                dst.copy_from_slice(&SPACES32);
                self.len += n;
                return;
            }
        }
        match self.buf.get_mut(self.len..self.len + n) {
            Some(dst) => {
                dst.fill(b' ');
                self.len += n;
            }
            None => self.fits = false,
        }
    }

    /// `repr(n).rjust(width)`.
    fn rjust(&mut self, n: i64, width: usize) {
        if let Some(cell) = usize::try_from(n).ok().and_then(|u| PADDED4.get(u)) {
            if width >= 4 {
                self.spaces(width - 4);
                self.put(cell);
                return;
            }
            if width == 3 && n < 1000 {
                self.put(&cell[1..]);
                return;
            }
        }
        let mut digits = String::new();
        if n < 0 {
            digits.push('-');
        }
        push_digits(&mut digits, n.unsigned_abs());
        self.spaces(width.saturating_sub(digits.len()));
        self.put(digits.as_bytes());
    }
}

/// Appends the line and its newline.
pub(super) fn write_line(out: &mut Vec<u8>, p: &mut Prefix, w: Widths, line: &Line<'_>) {
    p.len = 0;
    p.fits = true;
    if w.lineno > 0 {
        match line.starts_line {
            Some(l) => p.rjust(i64::from(l), w.lineno),
            None => p.spaces(w.lineno),
        }
        p.put(b" ");
    }
    // The "current instruction" column is always blank for `python -m dis`.
    p.put(if line.is_target {
        b"    >> "
    } else {
        b"       "
    });
    p.rjust(i64::from(line.offset), w.offset);
    p.put(b" ");
    let name_len = line.opname.len();
    match (line.padded, p.buf.get_mut(p.len..p.len + 32)) {
        (Some(block), Some(dst)) => {
            dst.copy_from_slice(block);
            // The block's spaces are the ljust padding and the separator.
            p.len += if line.arg.is_some() {
                name_len.max(OPNAME_WIDTH) + 1
            } else {
                name_len
            };
        }
        _ => {
            p.put(line.opname.as_bytes());
            if line.arg.is_some() {
                p.spaces(OPNAME_WIDTH.saturating_sub(name_len) + 1);
            }
        }
    }
    if let Some(arg) = line.arg {
        p.rjust(arg, OPARG_WIDTH);
    }
    // `.rstrip()`: only padding can trail here (a line with no argument description).
    let kept = p.buf.get(..p.len).map_or(0, |b| {
        b.len() - b.iter().rev().take_while(|&&c| c == b' ').count()
    });
    match p.buf.get(..kept) {
        Some(_) if p.fits && kept <= 64 => {
            // A fixed-size copy (vector moves, no memcpy call), then the excess dropped.
            let before = out.len();
            if let Some(block) = p.buf.get(..64) {
                out.extend_from_slice(block);
            }
            out.truncate(before + kept);
        }
        Some(prefix) if p.fits => out.extend_from_slice(prefix),
        _ => {
            let mut text = String::new();
            write_line_general(&mut text, w, line);
            out.extend_from_slice(text.as_bytes());
            return;
        }
    }
    if line.arg.is_some() && !line.argrepr.is_empty() {
        out.extend_from_slice(b" (");
        out.extend_from_slice(line.argrepr.as_bytes());
        out.push(b')');
    }
    out.push(b'\n');
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Right-justifies the decimal `n` in `width` columns.
fn push_rjust(out: &mut String, n: i64, width: usize) {
    let len = digit_count(n.unsigned_abs()) + usize::from(n < 0);
    pad(out, width.saturating_sub(len));
    if n < 0 {
        out.push('-');
    }
    push_digits(out, n.unsigned_abs());
}

/// [`write_line`] for columns too wide for the fixed buffer (or an opname that is not ASCII).
fn write_line_general(out: &mut String, w: Widths, line: &Line<'_>) {
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
        if !line.argrepr.is_empty() {
            out.push_str(" (");
            out.push_str(line.argrepr);
            out.push(')');
        }
    }
    let kept = out[start..].trim_end().len();
    out.truncate(start + kept);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast and the general path agree, for ordinary and oversized columns.
    #[test]
    fn both_paths_print_the_same() {
        let cases = [
            (
                Widths {
                    lineno: 3,
                    offset: 4,
                },
                Some(12),
                true,
                8,
                "LOAD_CONST",
                Some(1),
                "None",
            ),
            (
                Widths {
                    lineno: 0,
                    offset: 4,
                },
                None,
                false,
                0,
                "RESUME",
                Some(0),
                "",
            ),
            (
                Widths {
                    lineno: 4,
                    offset: 5,
                },
                Some(1234),
                false,
                12345,
                "POP_TOP",
                None,
                "",
            ),
            (
                Widths {
                    lineno: 3,
                    offset: 4,
                },
                None,
                false,
                20,
                "JUMP_BACKWARD",
                Some(-7),
                "to 8",
            ),
            (
                Widths {
                    lineno: 3,
                    offset: 4,
                },
                Some(999),
                true,
                99999,
                "X",
                Some(1 << 40),
                "x",
            ),
            (
                Widths {
                    lineno: 150,
                    offset: 4,
                },
                Some(1),
                false,
                2,
                "NOP",
                None,
                "",
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
                    argrepr,
                };
                let (mut fast, mut general) = (Vec::new(), String::new());
                write_line(&mut fast, &mut Prefix::new(), w, &line);
                write_line_general(&mut general, w, &line);
                assert_eq!(String::from_utf8(fast).expect("utf-8"), general);
            }
        }
        let mut out = Vec::new();
        write_line(
            &mut out,
            &mut Prefix::new(),
            Widths {
                lineno: 3,
                offset: 4,
            },
            &Line {
                starts_line: Some(7),
                is_target: true,
                offset: 10,
                opname: "LOAD_FAST",
                padded: padded_name("LOAD_FAST").as_ref(),
                arg: Some(0),
                argrepr: "x",
            },
        );
        assert_eq!(out, b"  7     >>   10 LOAD_FAST                0 (x)\n");
    }
}
