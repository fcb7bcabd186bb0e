//! The text of one code object's disassembly, appended straight to the output.
//!
//! 3.6+ `Instruction._disassemble` joins its fields with single spaces and strips the end; 2.7
//! prints each field with `print x,`, whose soft spaces give the same separators but keep
//! the opname's padding at the end of a line without an argument.

use super::analysis::{Analysis, Arg};
use super::profile::Profile;
use crate::dis::DisError;
use crate::pyrepr;

/// `_OPNAME_WIDTH` and `_OPARG_WIDTH` (and 2.7's `ljust(20)`, `rjust(5)`).
const OPNAME_WIDTH: usize = 20;
const OPARG_WIDTH: usize = 5;

/// `MAKE_FUNCTION_FLAGS` (3.8+), one per bit from the lowest.
const MAKE_FUNCTION_FLAGS: [&str; 4] = ["defaults", "kwdefaults", "annotations", "closure"];

/// `FORMAT_VALUE_CONVERTERS` names, indexed by `arg & 3`.
const CONVERSIONS: [&str; 4] = ["", "str", "repr", "ascii"];

/// `disassemble(co)` of one code object (3.6+ through `_disassemble_bytes`).
pub(super) fn write_code(
    out: &mut String,
    analysis: &Analysis<'_>,
    profile: &Profile,
) -> Result<(), DisError> {
    let show_lineno = !profile.lines_optional || analysis.has_line_starts();
    let lineno_width = if !show_lineno {
        0
    } else if profile.wide_columns {
        analysis
            .max_line()
            .filter(|&m| m >= 1000)
            .map_or(3, |m| decimal_len(u64::from(m)))
    } else {
        3
    };
    let offset_width = if profile.wide_columns {
        let max_offset = analysis.code.code.len().saturating_sub(2) as u64;
        if max_offset >= 10000 {
            decimal_len(max_offset)
        } else {
            4
        }
    } else {
        4
    };
    out.reserve(analysis.instrs.len() * 48);
    let mut starts = analysis.line_starts();
    for (index, ins) in analysis.instrs.iter().enumerate() {
        let starts_line = if show_lineno {
            starts.at(ins.offset)
        } else {
            None
        };
        let arg = analysis.resolve(ins, profile)?;
        if starts_line.is_some() && ins.offset > 0 {
            out.push('\n');
        }
        if lineno_width > 0 {
            match starts_line {
                Some(line) => push_number(out, u64::from(line), lineno_width, false),
                None => push_spaces(out, lineno_width),
            }
        }
        // The separator after the line number (when there is one), the current-instruction
        // column (always blank here) and the jump-target marker.
        let marker = if analysis.is_label(ins.offset) {
            "     >> "
        } else {
            "        "
        };
        out.push_str(
            marker
                .get(usize::from(lineno_width == 0)..)
                .unwrap_or(marker),
        );
        push_number(out, u64::from(ins.offset), offset_width, false);
        out.push(' ');
        let opname = profile.table.opname(ins.opcode);
        out.push_str(opname);
        if let Some(raw) = ins.arg {
            push_spaces(out, OPNAME_WIDTH.saturating_sub(opname.len()) + 1);
            let long = profile.py2 && analysis.is_long_arg(index);
            push_number(out, u64::from(raw), OPARG_WIDTH, long);
            let mark = out.len();
            out.push_str(" (");
            if write_argrepr(out, &arg, profile, long) {
                out.push(')');
            } else {
                // Nothing to describe: the line ends with the argument (3.6+ `rstrip`).
                out.truncate(mark);
            }
        } else if profile.py2 {
            push_spaces(out, OPNAME_WIDTH.saturating_sub(opname.len()));
        }
        out.push('\n');
    }
    Ok(())
}

/// Enough blanks for any padding a column needs in one `push_str`.
const SPACES: &str = "                                ";

fn push_spaces(out: &mut String, mut n: usize) {
    while n > 0 {
        let chunk = n.min(SPACES.len());
        out.push_str(SPACES.get(..chunk).unwrap_or_default());
        n -= chunk;
    }
}

fn push_digit(out: &mut String, d: u64) {
    out.push(char::from(b'0' + (d % 10) as u8));
}

/// `repr(n).rjust(width)`, with 2.7's `L` for a long.
fn push_number(out: &mut String, n: u64, width: usize, long: bool) {
    let len = decimal_len(n);
    let shown = len + usize::from(long);
    if width > shown {
        push_spaces(out, width - shown);
    }
    // Offsets, arguments and line numbers are nearly always below 10000.
    match len {
        1 => push_digit(out, n),
        2 => {
            push_digit(out, n / 10);
            push_digit(out, n);
        }
        3 => {
            push_digit(out, n / 100);
            push_digit(out, n / 10);
            push_digit(out, n);
        }
        4 => {
            push_digit(out, n / 1000);
            push_digit(out, n / 100);
            push_digit(out, n / 10);
            push_digit(out, n);
        }
        _ => {
            let mut p = 10u64.pow(u32::try_from(len - 1).unwrap_or(0));
            while p > 0 {
                push_digit(out, n / p);
                p /= 10;
            }
        }
    }
    if long {
        out.push('L');
    }
}

/// Appends the `argrepr` of `arg` and says whether dis shows it in parentheses: 3.6+ shows
/// only a non-empty `argrepr`; 2.7 shows every kind it describes, even an empty name.
/// `long` is 2.7's `L` suffix on a jump target computed from a long argument.
pub(super) fn write_argrepr(
    out: &mut String,
    arg: &Arg<'_>,
    profile: &Profile,
    long: bool,
) -> bool {
    let start = out.len();
    match *arg {
        Arg::None | Arg::Plain(_) | Arg::Jump { shown: false, .. } => return false,
        Arg::Const(obj) => pyrepr::write_repr(out, obj, profile.version),
        Arg::Name(ref name) => out.push_str(name),
        Arg::Jump { target, .. } => {
            out.push_str("to ");
            push_number(out, target, 0, long);
        }
        Arg::Compare(op) => out.push_str(op),
        Arg::FormatValue(a) => {
            out.push_str(CONVERSIONS.get((a & 3) as usize).copied().unwrap_or(""));
            if a & 4 != 0 {
                if out.len() > start {
                    out.push_str(", ");
                }
                out.push_str("with format");
            }
        }
        Arg::MakeFunction(a) => {
            for (bit, flag) in MAKE_FUNCTION_FLAGS.iter().enumerate() {
                if a & (1 << bit) != 0 {
                    if out.len() > start {
                        out.push_str(", ");
                    }
                    out.push_str(flag);
                }
            }
        }
    }
    profile.py2 || out.len() > start
}

fn decimal_len(n: u64) -> usize {
    let mut len = 1;
    let mut v = n;
    while v >= 10 {
        v /= 10;
        len += 1;
    }
    len
}
