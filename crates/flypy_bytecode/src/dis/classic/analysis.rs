//! The per-code-object facts both the text and the structured output need, computed once:
//! decoded instructions, jump targets (`findlabels`), line starts (`findlinestarts`), and the
//! resolution of each argument to what `dis` shows for it.

use super::profile::Profile;
use crate::decode::{decode, RawInstr};
use crate::dis::DisError;
use crate::lines;
use crate::table::OpFlags;
use flypy_marshal::{Code, Object};
use std::borrow::Cow;

/// An argument resolved as `_get_instructions_bytes` (3.6+) or 2.7's `disassemble` resolves it.
pub(super) enum Arg<'a> {
    /// The instruction takes no argument.
    None,
    /// A number shown without an `argrepr`.
    Plain(u32),
    Const(&'a Object),
    /// A name from co_names, co_varnames, or the cell and free variables.
    Name(Cow<'a, str>),
    /// A jump; `shown` when dis prints `to N` for it (relative jumps; 3.10 absolute ones too).
    Jump {
        target: u64,
        shown: bool,
    },
    Compare(&'static str),
    FormatValue(u32),
    MakeFunction(u32),
}

pub(super) struct Analysis<'a> {
    pub code: &'a Code,
    pub instrs: Vec<RawInstr>,
    /// `labels[offset]`: some jump targets that offset (targets past the end are dropped:
    /// no instruction starts there).
    labels: Vec<bool>,
    /// `findlinestarts` in offset order (offsets strictly increase).
    linestarts: Vec<(u32, u32)>,
    /// 2.7: `long_arg[i]` when instruction i's argument follows an EXTENDED_ARG, which makes
    /// it a Python 2 `long` that `repr` prints with an `L`.
    long_arg: Vec<bool>,
}

impl<'a> Analysis<'a> {
    pub fn new(code: &'a Code, profile: &Profile) -> Result<Self, DisError> {
        let instrs = decode(&code.code, profile.version, profile.table)
            .map_err(|e| malformed(code, e.kind.to_string(), e.offset))?;
        let mut labels = vec![false; code.code.len()];
        let mut long_arg = Vec::new();
        let mut after_extended = false;
        for (i, ins) in instrs.iter().enumerate() {
            let Some(arg) = ins.arg else { continue };
            let flags = profile.table.flags(ins.opcode);
            // 2.7's findlabels reads each op's own two bytes, ignoring EXTENDED_ARG.
            let arg = if profile.py2 { arg & 0xffff } else { arg };
            let target = if flags.has(OpFlags::JREL) {
                Some(rel_target(ins, arg, profile))
            } else if flags.has(OpFlags::JABS) {
                Some(abs_target(arg, profile))
            } else {
                None
            };
            if let Some(slot) = target
                .and_then(|t| usize::try_from(t).ok())
                .and_then(|t| labels.get_mut(t))
            {
                *slot = true;
            }
            if profile.py2 {
                if after_extended {
                    if long_arg.is_empty() {
                        long_arg = vec![false; instrs.len()];
                    }
                    if let Some(slot) = long_arg.get_mut(i) {
                        *slot = true;
                    }
                }
                after_extended = ins.opcode == profile.table.extended_arg;
            }
        }
        Ok(Self {
            code,
            instrs,
            labels,
            linestarts: lines::lnotab_line_starts(code, profile.version),
            long_arg,
        })
    }

    pub fn is_label(&self, offset: u32) -> bool {
        usize::try_from(offset)
            .ok()
            .and_then(|o| self.labels.get(o))
            .is_some_and(|&b| b)
    }

    /// True when instruction `index` has a 2.7 `long` argument.
    pub fn is_long_arg(&self, index: usize) -> bool {
        self.long_arg.get(index).is_some_and(|&b| b)
    }

    pub fn has_line_starts(&self) -> bool {
        !self.linestarts.is_empty()
    }

    /// `max(linestarts.values())`, over every start (even those past the last instruction).
    pub fn max_line(&self) -> Option<u32> {
        self.linestarts.iter().map(|&(_, l)| l).max()
    }

    /// A cursor answering "which line starts at this offset" for increasing offsets.
    pub fn line_starts(&self) -> LineStarts<'_> {
        LineStarts {
            starts: &self.linestarts,
            next: 0,
        }
    }

    /// What dis makes of `ins`'s argument.
    pub fn resolve(&self, ins: &RawInstr, profile: &Profile) -> Result<Arg<'a>, DisError> {
        let Some(arg) = ins.arg else {
            return Ok(Arg::None);
        };
        let code = self.code;
        let flags = profile.table.flags(ins.opcode);
        let index = usize::try_from(arg).unwrap_or(usize::MAX);
        let out_of_range =
            |what: &str| malformed(code, format!("{what} index {arg} out of range"), ins.offset);
        let word_jumps = profile.word_jumps;
        let name_of = |obj: &'a Object, offset: u32| {
            name_text(obj, profile.py2)
                .ok_or_else(|| malformed(code, String::from("a name that is not a string"), offset))
        };
        Ok(if flags.has(OpFlags::CONST) {
            let obj = code
                .consts
                .get(index)
                .ok_or_else(|| out_of_range("co_consts"))?;
            Arg::Const(obj)
        } else if flags.has(OpFlags::NAME) {
            let name = code
                .names
                .get(index)
                .ok_or_else(|| out_of_range("co_names"))?;
            Arg::Name(name_of(name, ins.offset)?)
        } else if word_jumps && flags.has(OpFlags::JABS) {
            Arg::Jump {
                target: abs_target(arg, profile),
                shown: true,
            }
        } else if flags.has(OpFlags::JREL) {
            Arg::Jump {
                target: rel_target(ins, arg, profile),
                shown: true,
            }
        } else if flags.has(OpFlags::LOCAL) {
            let name = code
                .varnames
                .get(index)
                .ok_or_else(|| out_of_range("co_varnames"))?;
            Arg::Name(name_of(name, ins.offset)?)
        } else if flags.has(OpFlags::COMPARE) {
            Arg::Compare(
                profile
                    .table
                    .cmp_op
                    .get(index)
                    .ok_or_else(|| out_of_range("cmp_op"))?,
            )
        } else if flags.has(OpFlags::FREE) {
            // co_cellvars + co_freevars, indexed without building the concatenation.
            let cell = match index.checked_sub(code.cellvars.len()) {
                None => code.cellvars.get(index),
                Some(i) => code.freevars.get(i),
            };
            let name = cell.ok_or_else(|| out_of_range("cell and free variable"))?;
            Arg::Name(name_of(name, ins.offset)?)
        } else if Some(ins.opcode) == profile.format_value {
            Arg::FormatValue(arg)
        } else if Some(ins.opcode) == profile.make_function {
            Arg::MakeFunction(arg)
        } else if flags.has(OpFlags::JABS) {
            // Before 3.10 dis leaves absolute jumps as plain numbers; the target is still
            // worth knowing for the structured form.
            Arg::Jump {
                target: abs_target(arg, profile),
                shown: false,
            }
        } else {
            Arg::Plain(arg)
        })
    }
}

/// `offset + size + arg` (3.10: the argument counts 2-byte units).
fn rel_target(ins: &RawInstr, arg: u32, profile: &Profile) -> u64 {
    let scale = if profile.word_jumps { 2 } else { 1 };
    u64::from(ins.offset) + u64::from(ins.size) + u64::from(arg) * scale
}

fn abs_target(arg: u32, profile: &Profile) -> u64 {
    let scale = if profile.word_jumps { 2 } else { 1 };
    u64::from(arg) * scale
}

pub(super) fn malformed(code: &Code, what: String, offset: u32) -> DisError {
    let name = match &code.name {
        Object::Str(s) => s.to_string_lossy(),
        Object::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        _ => String::from("?"),
    };
    DisError::Malformed { name, what, offset }
}

/// See [`Analysis::line_starts`].
pub(super) struct LineStarts<'s> {
    starts: &'s [(u32, u32)],
    next: usize,
}

impl LineStarts<'_> {
    /// The line starting at `offset`; offsets must be asked in increasing order.
    pub fn at(&mut self, offset: u32) -> Option<u32> {
        while let Some(&(start, line)) = self.starts.get(self.next) {
            if start > offset {
                return None;
            }
            self.next += 1;
            if start == offset {
                return Some(line);
            }
        }
        None
    }
}

/// A name as dis prints it: 3.x names are `str`; 2.7 names are byte strings printed as they
/// are (shown here as UTF-8, replacing what is not), or `unicode`.
pub(super) fn name_text(obj: &Object, py2: bool) -> Option<Cow<'_, str>> {
    match obj {
        Object::Str(s) => Some(match s.as_str() {
            Some(t) => Cow::Borrowed(t),
            None => Cow::Owned(s.to_string_lossy()),
        }),
        Object::Bytes(b) if py2 => Some(String::from_utf8_lossy(b)),
        _ => None,
    }
}
