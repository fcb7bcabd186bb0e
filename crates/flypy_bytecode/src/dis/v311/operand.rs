//! `argval`/`argrepr` as 3.11/3.12 `_get_instructions_bytes` computes them, without
//! allocating: [`resolve`] classifies the argument, [`Operand::write_repr`] spells it.

use super::analysis::malformed;
use super::ops::{ArgKind, Ops};
use crate::decode::RawInstr;
use crate::dis::DisError;
use crate::instruction::ArgVal;
use crate::pyrepr;
use flypy_marshal::{Code, Object, PyVersion};
use std::borrow::Cow;

/// `FORMAT_VALUE_CONVERTERS` names, indexed by `arg & 3`.
const FORMAT_CONVERTERS: [&str; 4] = ["", "str", "repr", "ascii"];

/// What an instruction's argument refers to.
#[derive(Clone, Copy, Debug)]
pub(super) enum Operand<'c> {
    /// No argument.
    Absent,
    /// `argval = arg`, no argrepr.
    Plain(i64),
    /// 3.11 KW_NAMES: a hasconst op other than LOAD_CONST resolves to `dis.UNKNOWN`, no argrepr.
    Unknown,
    /// `co_consts[i]`.
    Const(usize, &'c Object),
    /// A name (`co_names` or a local/cell/free name) with an optional prefix for the low bit.
    Name { name: &'c str, prefix: &'static str },
    /// A jump to this offset (may be negative in malformed code, as dis computes it).
    Jump(i64),
    /// A fixed description: compare op, binary op symbol, intrinsic name.
    Text(&'static str),
    /// FORMAT_VALUE flags.
    Format(i64),
    /// MAKE_FUNCTION flags, named by `MAKE_FUNCTION_FLAGS` bit 0 first.
    MakeFunction(i64, &'static [&'static str]),
}

/// Python's `seq[i]` for a list of `len` items: negative indices count from the end.
fn py_index(len: usize, i: i64) -> Option<usize> {
    let len_i = i64::try_from(len).ok()?;
    let idx = if i < 0 { i.checked_add(len_i)? } else { i };
    usize::try_from(idx).ok().filter(|&u| u < len)
}

/// Per code object memo of the names' text (`co_names` and `co_localsplusnames`), so a name
/// used by many instructions is checked for UTF-8 once.
pub(super) struct NameCache<'c> {
    names: Vec<Option<Cow<'c, str>>>,
    locals: Vec<Option<Cow<'c, str>>>,
}

impl<'c> NameCache<'c> {
    pub fn new(code: &'c Code) -> Self {
        let mut cache = Self {
            names: Vec::new(),
            locals: Vec::new(),
        };
        cache.reset(code);
        cache
    }

    /// Empties the memo for another code object, keeping the buffers.
    pub fn reset(&mut self, code: &'c Code) {
        self.names.clear();
        self.names.resize(code.names.len(), None);
        self.locals.clear();
        self.locals.resize(code.localsplusnames.len(), None);
    }
}

/// Why dis could not describe an argument (it would raise): kept small so the common path
/// carries no error payload; [`Bad::into_error`] spells it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Bad {
    OutOfRange { what: &'static str, index: i64 },
    NameNotStr,
}

impl Bad {
    #[cold]
    pub fn into_error(self, code: &Code, offset: u32) -> DisError {
        match self {
            Bad::OutOfRange { what, index } => {
                malformed(code, format!("{what} index {index} out of range"), offset)
            }
            Bad::NameNotStr => malformed(code, "a name that is not a str".into(), offset),
        }
    }
}

/// The text of name `i` of `objs`, memoised in `slots`. Only `str` works in dis's argrepr
/// (anything else makes it raise while formatting); lone surrogates print as U+FFFD.
fn name_text<'a, 'c>(
    objs: &'c [Object],
    slots: &'a mut [Option<Cow<'c, str>>],
    i: usize,
) -> Result<&'a str, Bad> {
    let (Some(obj), Some(slot)) = (objs.get(i), slots.get_mut(i)) else {
        return Err(Bad::OutOfRange {
            what: "name",
            index: i64::try_from(i).unwrap_or(i64::MAX),
        });
    };
    if slot.is_none() {
        let Object::Str(s) = obj else {
            return Err(Bad::NameNotStr);
        };
        *slot = Some(match s.as_str() {
            Some(t) => Cow::Borrowed(t),
            None => Cow::Owned(s.to_string_lossy()),
        });
    }
    Ok(slot.as_deref().unwrap_or(""))
}

/// Resolves `ins` as dis does.
pub(super) fn resolve<'a, 'c: 'a>(
    ins: &RawInstr,
    code: &'c Code,
    version: PyVersion,
    ops: &Ops,
    cache: &'a mut NameCache<'c>,
) -> Result<Operand<'a>, Bad> {
    let Some(arg) = ins.arg_value(version) else {
        return Ok(Operand::Absent);
    };
    let deop = ops.deopt(ins.opcode);
    let oob = |what: &'static str| Bad::OutOfRange { what, index: arg };
    let table_text = |texts: &'static [&'static str], what: &'static str| {
        py_index(texts.len(), arg)
            .and_then(|i| texts.get(i))
            .map(|t| Operand::Text(t))
            .ok_or_else(|| oob(what))
    };
    Ok(match ops.kind[usize::from(deop)] {
        ArgKind::Plain => Operand::Plain(arg),
        ArgKind::Unknown => Operand::Unknown,
        ArgKind::Const => {
            let i = py_index(code.consts.len(), arg).ok_or_else(|| oob("constant"))?;
            let obj = code.consts.get(i).ok_or_else(|| oob("constant"))?;
            Operand::Const(i, obj)
        }
        ArgKind::Name { div, prefix } => {
            let i = py_index(code.names.len(), arg.div_euclid(div)).ok_or_else(|| oob("name"))?;
            let name = name_text(&code.names, &mut cache.names, i)?;
            let prefix = if arg & 1 != 0 && !name.is_empty() {
                prefix
            } else {
                ""
            };
            Operand::Name { name, prefix }
        }
        ArgKind::JumpAbs => Operand::Jump(arg * 2),
        ArgKind::JumpRel { backward } => {
            let signed = if backward { -arg } else { arg };
            let mut target = i64::from(ins.offset) + 2 + signed * 2;
            if ops.v312 {
                target += 2 * i64::from(ins.cache_units);
            }
            Operand::Jump(target)
        }
        ArgKind::Local => {
            // `co._varname_from_oparg`: PyTuple_GetItem, which does not wrap negative indices.
            let i = usize::try_from(arg)
                .ok()
                .filter(|&i| i < code.localsplusnames.len())
                .ok_or_else(|| oob("local variable"))?;
            let name = name_text(&code.localsplusnames, &mut cache.locals, i)?;
            Operand::Name { name, prefix: "" }
        }
        ArgKind::Compare => {
            let i = if ops.v312 { arg >> 4 } else { arg };
            let name = py_index(ops.table.cmp_op.len(), i)
                .and_then(|i| ops.table.cmp_op.get(i))
                .ok_or_else(|| oob("comparison"))?;
            Operand::Text(name)
        }
        ArgKind::Format => Operand::Format(arg),
        ArgKind::MakeFunction => Operand::MakeFunction(arg, ops.table.function_attr_flags),
        ArgKind::BinaryOp => {
            let (_, symbol) = py_index(ops.table.nb_ops.len(), arg)
                .and_then(|i| ops.table.nb_ops.get(i))
                .ok_or_else(|| oob("binary operator"))?;
            Operand::Text(symbol)
        }
        ArgKind::Intrinsic1 => table_text(ops.table.intrinsic1, "intrinsic")?,
        ArgKind::Intrinsic2 => table_text(ops.table.intrinsic2, "intrinsic")?,
    })
}

/// Per code object memo of constant reprs: a constant loaded many times is spelled once.
/// The texts share one buffer; `spans[i]` is where constant `i`'s repr sits in it.
pub(super) struct ConstReprs {
    spans: Vec<Option<(usize, usize)>>,
    text: String,
}

impl ConstReprs {
    pub fn new(code: &Code) -> Self {
        let mut memo = Self {
            spans: Vec::new(),
            text: String::new(),
        };
        memo.reset(code);
        memo
    }

    /// Empties the memo for another code object, keeping the buffers.
    pub fn reset(&mut self, code: &Code) {
        self.spans.clear();
        self.spans.resize(code.consts.len(), None);
        self.text.clear();
    }

    fn get(&mut self, i: usize, obj: &Object, version: PyVersion) -> &str {
        let Some(slot) = self.spans.get_mut(i) else {
            return "";
        };
        let (start, end) = match *slot {
            Some(span) => span,
            None => {
                let start = self.text.len();
                pyrepr::write_repr(&mut self.text, obj, version);
                let span = (start, self.text.len());
                *slot = Some(span);
                span
            }
        };
        self.text.get(start..end).unwrap_or("")
    }
}

impl Operand<'_> {
    /// Appends `argrepr` to `out`.
    pub fn write_repr(&self, out: &mut Vec<u8>, consts: &mut ConstReprs, version: PyVersion) {
        fn put(out: &mut Vec<u8>, s: &str) {
            out.extend_from_slice(s.as_bytes());
        }
        match *self {
            Operand::Absent | Operand::Plain(_) | Operand::Unknown => {}
            Operand::Const(i, obj) => put(out, consts.get(i, obj, version)),
            Operand::Name { name, prefix } => {
                put(out, prefix);
                put(out, name);
            }
            Operand::Jump(target) => {
                put(out, "to ");
                push_int(out, target);
            }
            Operand::Text(t) => put(out, t),
            Operand::Format(arg) => {
                let conv = FORMAT_CONVERTERS[(arg & 3) as usize];
                put(out, conv);
                if arg & 4 != 0 {
                    if !conv.is_empty() {
                        put(out, ", ");
                    }
                    put(out, "with format");
                }
            }
            Operand::MakeFunction(arg, names) => {
                let mut first = true;
                for (bit, name) in names.iter().enumerate().take(63) {
                    if arg & (1i64 << bit) != 0 {
                        if !first {
                            put(out, ", ");
                        }
                        put(out, name);
                        first = false;
                    }
                }
            }
        }
    }

    /// `argrepr` as a string, for the structured form.
    pub fn repr_string(&self, consts: &mut ConstReprs, version: PyVersion) -> String {
        let mut bytes = Vec::new();
        self.write_repr(&mut bytes, consts, version);
        // Every piece is a str, so this never replaces anything.
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// `argval` for the structured form.
    pub fn argval(&self) -> ArgVal {
        match *self {
            Operand::Absent | Operand::Unknown => ArgVal::None,
            Operand::Plain(a) | Operand::MakeFunction(a, _) => ArgVal::Int(a),
            Operand::Const(_, obj) => ArgVal::Const(obj.clone()),
            Operand::Name { name, .. } => ArgVal::Name(name.to_owned()),
            Operand::Jump(t) => match u32::try_from(t) {
                Ok(t) => ArgVal::Jump(t),
                Err(_) => ArgVal::Int(t),
            },
            Operand::Text(t) => ArgVal::Text(t.to_owned()),
            Operand::Format(arg) => {
                let conv = FORMAT_CONVERTERS[(arg & 3) as usize];
                let conv = if conv.is_empty() { "None" } else { conv };
                let with = if arg & 4 != 0 { "True" } else { "False" };
                ArgVal::Text(format!("({conv}, {with})"))
            }
        }
    }

    pub fn jump_target(&self) -> Option<u32> {
        match *self {
            Operand::Jump(t) => u32::try_from(t).ok(),
            _ => None,
        }
    }
}

pub(super) use crate::dis::linebuf::push_int;
