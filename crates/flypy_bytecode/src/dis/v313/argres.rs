//! `ArgResolver.get_argval_argrepr`: what an instruction's argument means and how dis
//! shows it. Lookups follow Python's indexing rules (negative indices count from the end
//! for tuples and lists; `_varname_from_oparg` rejects them), and whatever would raise in
//! dis is reported as malformed input.

use super::analysis::{malformed, Analysis};
use super::ops::{ArgKind, Ctx};
use crate::dis::DisError;
use crate::instruction::ArgVal;
use crate::pyrepr::{self, SetOrder};
use flypy_marshal::{Code, Object};

/// `seq[i]` with Python's negative indexing.
pub(super) fn py_index<T>(seq: &[T], i: i64) -> Option<&T> {
    let len = i64::try_from(seq.len()).ok()?;
    let j = if i < 0 { i.checked_add(len)? } else { i };
    seq.get(usize::try_from(j).ok()?)
}

pub(super) struct Resolver<'a> {
    ctx: &'a Ctx,
    code: &'a Code,
    /// `repr(co_consts[i])` is `reprs[spans[i].0..spans[i].1]`, computed the first time an
    /// instruction needs it (`NOT_YET` until then): two allocations per code object rather
    /// than one per constant.
    spans: Vec<(u32, u32)>,
    reprs: String,
}

const NOT_YET: (u32, u32) = (u32::MAX, u32::MAX);

impl<'a> Resolver<'a> {
    pub fn new(ctx: &'a Ctx, code: &'a Code) -> Self {
        Self {
            ctx,
            code,
            spans: vec![NOT_YET; code.consts.len()],
            reprs: String::new(),
        }
    }

    /// Appends the argrepr of the instruction to `buf` (left empty when there is none) and,
    /// when `WANT_VAL`, returns the argval (else `ArgVal::None`, so the text path builds and
    /// drops no values).
    // Inlined so that the text path, which never builds a value, drops none either.
    #[inline(always)]
    pub fn resolve<const WANT_VAL: bool>(
        &mut self,
        a: &Analysis,
        op: u8,
        arg: Option<i64>,
        offset: u32,
        buf: &mut String,
    ) -> Result<ArgVal, DisError> {
        let want_val = WANT_VAL;
        let Some(arg) = arg else {
            return Ok(ArgVal::None);
        };
        let deop = self.ctx.deopt(op);
        let t = self.ctx.table;
        let bad = |what: &str| malformed(self.code, what, offset);
        let val = match self.ctx.kind[usize::from(deop)] {
            ArgKind::Plain => ArgVal::Int(arg),
            ArgKind::Const => {
                let len = i64::try_from(self.code.consts.len()).unwrap_or(i64::MAX);
                let idx = if arg < 0 { arg + len } else { arg };
                let found = usize::try_from(idx)
                    .ok()
                    .and_then(|i| Some((i, self.code.consts.get(i)?)));
                let Some((i, obj)) = found else {
                    return Err(bad("constant index out of range"));
                };
                let mut span = self.spans.get(i).copied().unwrap_or(NOT_YET);
                if span == NOT_YET {
                    // `repr` raises for an int past the digit limit, and so does dis.
                    let start = self.reprs.len();
                    pyrepr::try_write_repr(
                        &mut self.reprs,
                        obj,
                        self.ctx.version,
                        SetOrder::AsStored,
                    )
                    .map_err(|e| bad(&e.to_string()))?;
                    let (Ok(from), Ok(to)) =
                        (u32::try_from(start), u32::try_from(self.reprs.len()))
                    else {
                        return Err(bad("constant reprs beyond 4 GiB"));
                    };
                    span = (from, to);
                    if let Some(s) = self.spans.get_mut(i) {
                        *s = span;
                    }
                }
                buf.push_str(
                    self.reprs
                        .get(span.0 as usize..span.1 as usize)
                        .unwrap_or_default(),
                );
                if want_val {
                    ArgVal::Const(obj.clone())
                } else {
                    ArgVal::None
                }
            }
            ArgKind::Name => self.name(arg, buf, want_val, offset)?,
            kind @ (ArgKind::Global | ArgKind::Attr | ArgKind::SuperAttr | ArgKind::ImportName) => {
                let idx = if matches!(kind, ArgKind::SuperAttr | ArgKind::ImportName) {
                    arg.div_euclid(4)
                } else {
                    arg.div_euclid(2)
                };
                let v = self.name(idx, buf, want_val, offset)?;
                // `if (arg & 1) and argrepr:` (Python's & on negative ints is two's
                // complement, as i64's is).
                if !buf.is_empty() {
                    let suffix = match kind {
                        ArgKind::Global if arg & 1 != 0 => " + NULL",
                        ArgKind::Attr | ArgKind::SuperAttr if arg & 1 != 0 => " + NULL|self",
                        ArgKind::ImportName if arg & 1 != 0 => " + lazy",
                        ArgKind::ImportName if arg & 2 != 0 => " + eager",
                        _ => "",
                    };
                    buf.push_str(suffix);
                }
                v
            }
            ArgKind::Jump => {
                let target = self
                    .ctx
                    .jump_target(op, arg, offset)
                    .ok_or_else(|| bad("exception pseudo-instruction in real code"))?;
                let label = a
                    .label_of(target)
                    .ok_or_else(|| bad("jump target without a label"))?;
                buf.push_str(if self.ctx.from_word[usize::from(deop)] {
                    "from L"
                } else {
                    "to L"
                });
                crate::dis::linebuf::push_int_str(buf, label as i64);
                match u32::try_from(target) {
                    Ok(t) => ArgVal::Jump(t),
                    Err(_) => ArgVal::Int(target),
                }
            }
            ArgKind::FastPair => {
                let start = buf.len();
                self.varname(arg >> 4, buf, offset)?;
                buf.push_str(", ");
                self.varname(arg & 15, buf, offset)?;
                text_val(want_val, buf, start)
            }
            ArgKind::Local => {
                let start = buf.len();
                self.varname(arg, buf, offset)?;
                if want_val {
                    ArgVal::Name(buf.get(start..).unwrap_or_default().to_owned())
                } else {
                    ArgVal::None
                }
            }
            ArgKind::Compare => {
                let op = py_index(t.cmp_op, arg >> 5)
                    .ok_or_else(|| bad("comparison operator out of range"))?;
                if arg & 16 != 0 {
                    buf.push_str("bool(");
                    buf.push_str(op);
                    buf.push(')');
                } else {
                    buf.push_str(op);
                }
                if want_val {
                    ArgVal::Text((*op).to_owned())
                } else {
                    ArgVal::None
                }
            }
            ArgKind::ConvertValue => {
                let name = py_index(&["", "str", "repr", "ascii"], arg)
                    .ok_or_else(|| bad("CONVERT_VALUE argument out of range"))?;
                buf.push_str(name);
                if name.is_empty() || !want_val {
                    ArgVal::None
                } else {
                    ArgVal::Text((*name).to_owned())
                }
            }
            ArgKind::SetFunctionAttribute => {
                let mut first = true;
                for (i, flag) in self.ctx.function_attr_flags.iter().enumerate() {
                    // Python ints are unbounded two's complement: a negative arg has every
                    // high bit set, as an i64 does.
                    if arg & (1i64 << i) != 0 {
                        if !first {
                            buf.push_str(", ");
                        }
                        first = false;
                        buf.push_str(flag);
                    }
                }
                ArgVal::Int(arg)
            }
            ArgKind::BinaryOp => {
                let (_, sym) = py_index(t.nb_ops, arg)
                    .ok_or_else(|| bad("BINARY_OP argument out of range"))?;
                buf.push_str(sym);
                ArgVal::Int(arg)
            }
            ArgKind::Intrinsic1 => {
                let d = py_index(t.intrinsic1, arg)
                    .ok_or_else(|| bad("CALL_INTRINSIC_1 argument out of range"))?;
                buf.push_str(d);
                ArgVal::Int(arg)
            }
            ArgKind::Intrinsic2 => {
                let d = py_index(t.intrinsic2, arg)
                    .ok_or_else(|| bad("CALL_INTRINSIC_2 argument out of range"))?;
                buf.push_str(d);
                ArgVal::Int(arg)
            }
            ArgKind::CommonConstant => {
                let d = py_index(t.common_constants, arg)
                    .ok_or_else(|| bad("LOAD_COMMON_CONSTANT argument out of range"))?;
                buf.push_str(d);
                ArgVal::Int(arg)
            }
            ArgKind::Special => {
                let d = py_index(t.special_method_names, arg)
                    .ok_or_else(|| bad("LOAD_SPECIAL argument out of range"))?;
                buf.push_str(d);
                ArgVal::Int(arg)
            }
            ArgKind::IsOp => {
                buf.push_str(if arg != 0 { "is not" } else { "is" });
                ArgVal::Int(arg)
            }
            ArgKind::ContainsOp => {
                buf.push_str(if arg != 0 { "not in" } else { "in" });
                ArgVal::Int(arg)
            }
        };
        Ok(val)
    }

    /// `co_names[i]` (a tuple: negative indices count from the end).
    fn name(
        &self,
        i: i64,
        buf: &mut String,
        want_val: bool,
        offset: u32,
    ) -> Result<ArgVal, DisError> {
        let obj = py_index(&self.code.names, i)
            .ok_or_else(|| malformed(self.code, "name index out of range", offset))?;
        let start = buf.len();
        push_str_obj(self.code, obj, buf, offset)?;
        Ok(if want_val {
            ArgVal::Name(buf.get(start..).unwrap_or_default().to_owned())
        } else {
            ArgVal::None
        })
    }

    /// `co._varname_from_oparg(i)`: `co_localsplusnames[i]`, no negative indexing.
    fn varname(&self, i: i64, buf: &mut String, offset: u32) -> Result<(), DisError> {
        let obj = usize::try_from(i)
            .ok()
            .and_then(|i| self.code.localsplusnames.get(i))
            .ok_or_else(|| malformed(self.code, "local variable index out of range", offset))?;
        push_str_obj(self.code, obj, buf, offset)
    }
}

/// The text appended to `buf` since `start`, as an argval (when wanted).
fn text_val(want_val: bool, buf: &str, start: usize) -> ArgVal {
    if want_val {
        ArgVal::Text(buf.get(start..).unwrap_or_default().to_owned())
    } else {
        ArgVal::None
    }
}

/// Appends a name. CPython refuses to build a code object whose names are not strings.
fn push_str_obj(code: &Code, obj: &Object, buf: &mut String, offset: u32) -> Result<(), DisError> {
    match obj {
        Object::Str(s) => {
            match s.as_str() {
                Some(t) => buf.push_str(t),
                None => buf.push_str(&s.to_string_lossy()),
            }
            Ok(())
        }
        _ => Err(malformed(code, "a name that is not a str", offset)),
    }
}
