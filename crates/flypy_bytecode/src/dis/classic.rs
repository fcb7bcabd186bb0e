//! `dis` for 2.7 and 3.6–3.10: lnotab/linetable lines, `>>` jump markers, no caches.
//!
//! The six `dis.py` versions share one shape: decode, find the jump targets (`findlabels`) and
//! the line starts (`findlinestarts`) once per code object, then one text line per
//! instruction. What differs is data in [`Profile`]: column widths, which argument kinds get
//! an `argrepr`, how jump arguments count, and whether nested code objects are shown.

mod analysis;
mod profile;
#[cfg(test)]
mod tests;
mod text;

use super::{DisError, DisOptions};
use crate::instruction::{ArgVal, Instruction, Positions};
use crate::lines;
use crate::pyrepr;
use analysis::{Analysis, Arg};
use flypy_marshal::{Code, Object, PyVersion};
use profile::Profile;

/// Appends what `python -m dis` prints for the module `code` under CPython `version`.
pub(crate) fn write_dis(
    out: &mut String,
    code: &Code,
    version: PyVersion,
    _opts: &DisOptions,
) -> Result<(), DisError> {
    write_tree(out, code, &Profile::new(version)?)
}

/// `dis.dis(code)`: the code object, then (3.7+) every code object nested in it.
fn write_tree(out: &mut String, code: &Code, profile: &Profile) -> Result<(), DisError> {
    text::write_code(out, &Analysis::new(code, profile)?, profile)?;
    if !profile.recurse {
        return Ok(());
    }
    // 3.7+ `_disassemble_recursive`: depth-first, in co_consts order, each nested code object
    // under a header. An explicit stack keeps hostile nesting from exhausting the call stack.
    let mut stack: Vec<&Object> = Vec::new();
    push_nested(&mut stack, code);
    while let Some(obj) = stack.pop() {
        let Object::Code(nested) = obj else {
            continue;
        };
        out.push_str("\nDisassembly of ");
        pyrepr::write_repr(out, obj, profile.version);
        out.push_str(":\n");
        text::write_code(out, &Analysis::new(nested, profile)?, profile)?;
        push_nested(&mut stack, nested);
    }
    Ok(())
}

/// Pushes `code`'s nested code objects so that the first of them is popped first.
fn push_nested<'a>(stack: &mut Vec<&'a Object>, code: &'a Code) {
    let start = stack.len();
    stack.extend(code.consts.iter().filter(|c| matches!(c, Object::Code(_))));
    if let Some(pushed) = stack.get_mut(start..) {
        pushed.reverse();
    }
}

/// The instructions of `code` alone, as `dis.get_instructions` describes them (2.7 has no
/// such function; its instructions are described the way 3.6 would, with 2.7's argreprs).
pub(crate) fn instructions(code: &Code, version: PyVersion) -> Result<Vec<Instruction>, DisError> {
    instructions_with(code, &Profile::new(version)?)
}

fn instructions_with(code: &Code, profile: &Profile) -> Result<Vec<Instruction>, DisError> {
    let analysis = Analysis::new(code, profile)?;
    let ranges = lines::co_lines(code, profile.version);
    let mut range_idx = 0usize;
    let mut out = Vec::with_capacity(analysis.instrs.len());
    let mut starts = analysis.line_starts();
    for (index, raw) in analysis.instrs.iter().enumerate() {
        let arg = analysis.resolve(raw, profile)?;
        let mut argrepr = String::new();
        text::write_argrepr(&mut argrepr, &arg, profile, analysis.is_long_arg(index));
        while ranges.get(range_idx).is_some_and(|r| r.end <= raw.offset) {
            range_idx += 1;
        }
        let line = ranges
            .get(range_idx)
            .filter(|r| r.start <= raw.offset)
            .and_then(|r| r.line);
        let (argval, jump_target) = match arg {
            Arg::None => (ArgVal::None, None),
            Arg::Plain(n) | Arg::FormatValue(n) | Arg::MakeFunction(n) => {
                (ArgVal::Int(i64::from(n)), None)
            }
            Arg::Const(obj) => (ArgVal::Const(obj.clone()), None),
            Arg::Name(name) => (ArgVal::Name(name.into_owned()), None),
            Arg::Jump { target, .. } => {
                let t = u32::try_from(target).ok();
                (
                    t.map_or(
                        ArgVal::Int(i64::try_from(target).unwrap_or(i64::MAX)),
                        ArgVal::Jump,
                    ),
                    t,
                )
            }
            Arg::Compare(s) => (ArgVal::Text(s.to_owned()), None),
        };
        out.push(Instruction {
            offset: raw.offset,
            opcode: raw.opcode,
            opname: profile.table.opname(raw.opcode),
            arg: raw.arg,
            argval,
            argrepr,
            starts_line: starts.at(raw.offset),
            line,
            positions: Positions {
                lineno: line,
                ..Positions::default()
            },
            is_jump_target: analysis.is_label(raw.offset),
            jump_target,
            label: None,
            cache_info: Vec::new(),
        });
    }
    Ok(out)
}
