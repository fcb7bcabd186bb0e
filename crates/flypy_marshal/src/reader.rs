//! The marshal reader: CPython's `r_object` for every format from 2.7's to 3.15's.
//!
//! Version differences handled here and nowhere else:
//! - 2.7: `s`/`t` are byte strings (`t` also joins the interned list that `R` indexes), `u`
//!   is unicode; `l` longs stay [`Object::Long`] whatever their size, because Python 2 prints
//!   them with an `L` suffix; no back-references.
//! - 3.4+ (marshal version 3 and 4): FLAG_REF / `r` references, ASCII and short-ASCII strings,
//!   small tuples.
//! - 3.14+ (version 5): slices.
//! - Code object layouts: 2.7; 3.0–3.7 (adds kwonlyargcount); 3.8–3.10 (adds
//!   posonlyargcount); 3.11+ (locals-plus names and kinds, qualname, exception table).

use crate::error::{MarshalError, MarshalErrorKind as K};
use crate::object::{BigInt, Code, Object, PyStr};
use crate::profile::LineTable;
use crate::version::PyVersion;
use std::sync::Arc;

/// CPython's own limit (`MAX_MARSHAL_STACK_DEPTH`): deeper data is rejected, as CPython does.
pub const MAX_DEPTH: u32 = 2000;

const FLAG_REF: u8 = 0x80;

/// Stack headroom kept for one level of reading, and the size of each extra stack segment.
const STACK_RED_ZONE: usize = 64 * 1024;
const STACK_GROWTH: usize = 2 * 1024 * 1024;

// Locals-plus kinds (3.11+ `CO_FAST_*`).
const CO_FAST_LOCAL: u8 = 0x20;
const CO_FAST_CELL: u8 = 0x40;
const CO_FAST_FREE: u8 = 0x80;

/// Reads one marshalled object written by CPython `version`.
pub fn loads(data: &[u8], version: PyVersion) -> Result<Object, MarshalError> {
    loads_at(data, version, 0)
}

/// As [`loads`], reporting offsets as if `data` started at `base` of a larger file.
pub(crate) fn loads_at(
    data: &[u8],
    version: PyVersion,
    base: usize,
) -> Result<Object, MarshalError> {
    let mut r = Reader {
        data,
        pos: 0,
        base,
        version,
        refs: Vec::new(),
        interned: Vec::new(),
        depth: 0,
    };
    r.object()
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    base: usize,
    version: PyVersion,
    /// FLAG_REF table; `None` marks a slot reserved for an object still being read.
    refs: Vec<Option<Object>>,
    /// 2.7's interned strings, indexed by `R`.
    interned: Vec<Object>,
    depth: u32,
}

impl<'a> Reader<'a> {
    fn err(&self, kind: K, at: usize) -> MarshalError {
        MarshalError::new(kind, self.base + at)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], MarshalError> {
        let data = self.data;
        match self
            .pos
            .checked_add(n)
            .and_then(|end| data.get(self.pos..end))
        {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => Err(self.err(
                K::Truncated {
                    wanted: n - (data.len() - self.pos.min(data.len())),
                },
                data.len(),
            )),
        }
    }

    fn byte(&mut self) -> Result<u8, MarshalError> {
        Ok(self.take(1)?[0])
    }

    fn i32(&mut self) -> Result<i32, MarshalError> {
        let b = self.take(4)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u32_field(&mut self) -> Result<u32, MarshalError> {
        // Code object counters are C ints; negative ones only occur in corrupt data, and
        // are kept as their bit pattern rather than rejected, as CPython keeps them.
        Ok(self.i32()? as u32)
    }

    /// A length prefix (`i32`) that must be non-negative and leave at least `min_each`
    /// bytes per item in the rest of the input, so allocation stays bounded by input size.
    fn length(&mut self, min_each: usize) -> Result<usize, MarshalError> {
        let at = self.pos;
        let n = self.i32()?;
        self.check_length(i64::from(n), min_each, at)
    }

    fn short_length(&mut self) -> Result<usize, MarshalError> {
        Ok(usize::from(self.byte()?))
    }

    /// Checks a length `n` read at `at` against the rest of the input: byte strings
    /// (`min_each == 1`) that run past the end are truncated; containers whose element count
    /// could not fit (`min_each` bytes per element) have an impossible length.
    fn check_length(&self, n: i64, min_each: usize, at: usize) -> Result<usize, MarshalError> {
        let Ok(count) = usize::try_from(n) else {
            return Err(self.err(K::BadLength { length: n }, at));
        };
        let rest = self.data.len() - self.pos;
        if count.saturating_mul(min_each) <= rest {
            return Ok(count);
        }
        Err(if min_each == 1 {
            self.err(
                K::Truncated {
                    wanted: count - rest,
                },
                self.data.len(),
            )
        } else {
            self.err(K::BadLength { length: n }, at)
        })
    }

    /// An element count (`i32`): at least one byte per element must follow.
    fn count(&mut self) -> Result<usize, MarshalError> {
        let at = self.pos;
        let n = self.i32()?;
        match usize::try_from(n) {
            Ok(count) if count <= self.data.len() - self.pos => Ok(count),
            _ => Err(self.err(
                K::BadLength {
                    length: i64::from(n),
                },
                at,
            )),
        }
    }

    fn object(&mut self) -> Result<Object, MarshalError> {
        let at = self.pos;
        self.nested(at, |r| r.object_inner(at))
    }

    /// Runs `read` one nesting level deeper: bounded as CPython bounds it, and, since
    /// legitimate nesting is shallow but CPython accepts up to MAX_DEPTH levels, on a stack
    /// grown on demand rather than overflowing a small (test or worker) thread stack.
    fn nested<T>(
        &mut self,
        at: usize,
        read: impl FnOnce(&mut Self) -> Result<T, MarshalError>,
    ) -> Result<T, MarshalError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err(K::TooDeep, at));
        }
        // Asking for the stack pointer at every level cost more than the reading itself at
        // shallow depths; every 8th level is enough, since 8 levels of frames are far below
        // the red zone.
        let result = if self.depth.is_multiple_of(8) {
            stacker::maybe_grow(STACK_RED_ZONE, STACK_GROWTH, || read(self))
        } else {
            read(self)
        };
        self.depth -= 1;
        result
    }

    /// A tuple's items after its type code: `(` has an `i32` count, `)` (3.4+) a one-byte one.
    fn tuple_items(&mut self, small: bool) -> Result<Vec<Object>, MarshalError> {
        let n = if small {
            let at = self.pos;
            let n = self.short_length()?;
            if n > self.data.len() - self.pos {
                return Err(self.err(K::BadLength { length: n as i64 }, at));
            }
            n
        } else {
            self.count()?
        };
        self.items(n)
    }

    /// An object that must not be NULL.
    fn value(&mut self) -> Result<Object, MarshalError> {
        let at = self.pos;
        match self.object()? {
            Object::Null => Err(self.err(K::UnexpectedNull, at)),
            v => Ok(v),
        }
    }

    fn object_inner(&mut self, at: usize) -> Result<Object, MarshalError> {
        let raw = self.byte()?;
        let py3 = self.version.major >= 3;
        let refs_ok = self.version.profile().marshal_refs;
        let flag = raw & FLAG_REF != 0 && refs_ok;
        let code = if refs_ok { raw & !FLAG_REF } else { raw };
        let not_in_version = |r: &Self| Err(r.err(K::TypeNotInVersion { code }, at));

        // Containers reserve their reference slot before their contents, as CPython does,
        // so indices match the writer's; a reference to an unfinished one is an error.
        let slot = if flag && matches!(code, b'(' | b')' | b'[' | b'{' | b'<' | b'>' | b'c' | b':')
        {
            self.refs.push(None);
            Some(self.refs.len() - 1)
        } else {
            None
        };

        let obj = match code {
            b'0' => return Ok(Object::Null),
            b'N' => return Ok(Object::None),
            b'F' => return Ok(Object::False),
            b'T' => return Ok(Object::True),
            b'S' => return Ok(Object::StopIteration),
            b'.' => return Ok(Object::Ellipsis),
            b'i' => Object::Int(i64::from(self.i32()?)),
            b'I' => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Object::Int(i64::from_le_bytes(a))
            }
            b'l' => self.long()?,
            b'f' => Object::Float(self.text_float()?),
            b'g' => Object::Float(self.binary_float()?),
            b'x' => Object::Complex(self.text_float()?, self.text_float()?),
            b'y' => Object::Complex(self.binary_float()?, self.binary_float()?),
            b's' => {
                let n = self.length(1)?;
                Object::Bytes(self.take(n)?.into())
            }
            b't' if !py3 => {
                let n = self.length(1)?;
                let s = Object::Bytes(self.take(n)?.into());
                self.interned.push(s.clone());
                s
            }
            b'R' if !py3 => {
                let i = self.i32()?;
                return usize::try_from(i)
                    .ok()
                    .and_then(|i| self.interned.get(i))
                    .cloned()
                    .ok_or_else(|| {
                        self.err(
                            K::BadReference {
                                index: i64::from(i),
                            },
                            at,
                        )
                    });
            }
            b'u' | b't' => {
                let n = self.length(1)?;
                let start = self.pos;
                let bytes = self.take(n)?;
                let text = std::str::from_utf8(bytes).map_err(|_| bytes);
                if text.is_err() && !is_wtf8(bytes) {
                    return Err(self.err(K::BadUtf8, start));
                }
                Object::Str(Arc::new(PyStr::from_checked(text)))
            }
            b'a' | b'A' | b'z' | b'Z' if refs_ok => {
                let n = if matches!(code, b'a' | b'A') {
                    self.length(1)?
                } else {
                    self.short_length()?
                };
                let bytes = self.take(n)?;
                // CPython builds these as one-byte-kind strings: bytes are Latin-1 code points.
                Object::Str(Arc::new(latin1(bytes)))
            }
            b'(' => Object::Tuple(self.tuple_items(false)?.into()),
            b')' if refs_ok => Object::Tuple(self.tuple_items(true)?.into()),
            b'[' => {
                let n = self.count()?;
                Object::List(self.sequence(n)?)
            }
            b'<' => {
                let n = self.count()?;
                Object::Set(self.sequence(n)?)
            }
            b'>' => {
                let n = self.count()?;
                Object::FrozenSet(self.sequence(n)?)
            }
            b'{' => self.dict()?,
            b'c' => Object::Code(Arc::new(self.code()?)),
            b'r' if refs_ok => {
                let i = self.i32()?;
                return usize::try_from(i)
                    .ok()
                    .and_then(|i| self.refs.get(i))
                    .and_then(|o| o.clone())
                    .ok_or_else(|| {
                        self.err(
                            K::BadReference {
                                index: i64::from(i),
                            },
                            at,
                        )
                    });
            }
            b':' if self.version.profile().marshal_slice => {
                let start = self.value()?;
                let stop = self.value()?;
                let step = self.value()?;
                Object::Slice(Arc::new([start, stop, step]))
            }
            b'a' | b'A' | b'z' | b'Z' | b')' | b'r' | b':' | b'R' => return not_in_version(self),
            _ => return Err(self.err(K::UnknownType { code: raw }, at)),
        };
        if flag {
            match slot {
                Some(i) => self.refs[i] = Some(obj.clone()),
                None => self.refs.push(Some(obj.clone())),
            }
        }
        Ok(obj)
    }

    fn sequence(&mut self, n: usize) -> Result<Arc<[Object]>, MarshalError> {
        Ok(self.items(n)?.into())
    }

    fn items(&mut self, n: usize) -> Result<Vec<Object>, MarshalError> {
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.value()?);
        }
        Ok(items)
    }

    fn dict(&mut self) -> Result<Object, MarshalError> {
        let mut items = Vec::new();
        loop {
            let key = self.object()?;
            if matches!(key, Object::Null) {
                break;
            }
            let value = self.value()?;
            items.push((key, value));
        }
        Ok(Object::Dict(items.into()))
    }

    fn long(&mut self) -> Result<Object, MarshalError> {
        let at = self.pos;
        let n = self.i32()?;
        let negative = n < 0;
        let count = self.check_length(i64::from(n).abs(), 2, at)?;
        let mut digits = Vec::with_capacity(count);
        for _ in 0..count {
            let d_at = self.pos;
            let b = self.take(2)?;
            let d = u16::from_le_bytes([b[0], b[1]]);
            if d > 0x7FFF {
                return Err(self.err(K::BadLongDigit, d_at));
            }
            digits.push(d);
        }
        if digits.last() == Some(&0) {
            return Err(self.err(K::BadLongDigit, self.pos - 2));
        }
        // Python 2 keeps `long` distinct from `int` (repr `10L`); Python 3 has one int type.
        if self.version.major >= 3 && digits.len() <= 5 {
            let magnitude = digits
                .iter()
                .rev()
                .fold(0i128, |acc, &d| (acc << 15) | i128::from(d));
            let value = if negative { -magnitude } else { magnitude };
            if let Ok(v) = i64::try_from(value) {
                return Ok(Object::Int(v));
            }
        }
        Ok(Object::Long(Arc::new(BigInt { negative, digits })))
    }

    fn text_float(&mut self) -> Result<f64, MarshalError> {
        let n = self.short_length()?;
        let at = self.pos;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes)
            .ok()
            .and_then(parse_python_float)
            .ok_or_else(|| self.err(K::BadFloat, at))
    }

    fn binary_float(&mut self) -> Result<f64, MarshalError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(f64::from_le_bytes(a))
    }

    fn tuple_field(&mut self, field: &'static str) -> Result<Vec<Object>, MarshalError> {
        let at = self.pos;
        // The common case, a tuple nothing else refers to (no FLAG_REF), is read straight into
        // the Vec the code object keeps, rather than into a shared tuple that is then copied.
        let small = self.version.profile().marshal_refs && self.data.get(at) == Some(&b')');
        if small || self.data.get(at) == Some(&b'(') {
            self.pos += 1;
            return self.nested(at, |r| r.tuple_items(small));
        }
        match self.value()? {
            Object::Tuple(items) => Ok(items.to_vec()),
            _ => Err(self.err(
                K::BadCodeField {
                    field,
                    expected: "a tuple",
                },
                at,
            )),
        }
    }

    fn bytes_field(&mut self, field: &'static str) -> Result<Arc<[u8]>, MarshalError> {
        let at = self.pos;
        match self.value()? {
            Object::Bytes(b) => Ok(b),
            _ => Err(self.err(
                K::BadCodeField {
                    field,
                    expected: "bytes",
                },
                at,
            )),
        }
    }

    fn code(&mut self) -> Result<Code, MarshalError> {
        let v = self.version;
        let p = v.profile();
        let argcount = self.u32_field()?;
        let posonlyargcount = if p.co_posonlyargcount {
            self.u32_field()?
        } else {
            0
        };
        let kwonlyargcount = if v.major >= 3 { self.u32_field()? } else { 0 };
        let stored_nlocals = if p.co_qualname {
            None
        } else {
            Some(self.u32_field()?)
        };
        let stacksize = self.u32_field()?;
        let flags = self.u32_field()?;
        let code = self.bytes_field("co_code")?;
        let consts = self.tuple_field("co_consts")?;
        let names = self.tuple_field("co_names")?;
        // 3.11's layout: localsplus names and kinds, then qualname and exception table.
        if p.co_qualname {
            let localsplusnames = self.tuple_field("co_localsplusnames")?;
            let kinds_at = self.pos;
            let kinds = self.bytes_field("co_localspluskinds")?;
            if kinds.len() != localsplusnames.len() {
                return Err(self.err(
                    K::BadCodeField {
                        field: "co_localspluskinds",
                        expected: "as long as co_localsplusnames",
                    },
                    kinds_at,
                ));
            }
            let pick = |bit: u8| -> Vec<Object> {
                localsplusnames
                    .iter()
                    .zip(kinds.iter())
                    .filter(|(_, k)| *k & bit != 0)
                    .map(|(n, _)| n.clone())
                    .collect()
            };
            let varnames = pick(CO_FAST_LOCAL);
            let cellvars = pick(CO_FAST_CELL);
            let freevars = pick(CO_FAST_FREE);
            let filename = self.value()?;
            let name = self.value()?;
            let qualname = self.value()?;
            let firstlineno = self.u32_field()?;
            let linetable = self.bytes_field("co_linetable")?;
            let exceptiontable = self.bytes_field("co_exceptiontable")?;
            Ok(Code {
                argcount,
                posonlyargcount,
                kwonlyargcount,
                nlocals: varnames.len() as u32,
                stacksize,
                flags,
                code,
                consts,
                names,
                varnames,
                cellvars,
                freevars,
                localsplusnames,
                localspluskinds: kinds.to_vec(),
                filename,
                name,
                qualname: Some(qualname),
                firstlineno,
                linetable,
                exceptiontable,
            })
        } else {
            let varnames = self.tuple_field("co_varnames")?;
            let freevars = self.tuple_field("co_freevars")?;
            let cellvars = self.tuple_field("co_cellvars")?;
            let filename = self.value()?;
            let name = self.value()?;
            let firstlineno = self.u32_field()?;
            let linetable =
                self.bytes_field(if !matches!(p.line_table, LineTable::Lnotab { .. }) {
                    "co_linetable"
                } else {
                    "co_lnotab"
                })?;
            let localsplusnames = varnames
                .iter()
                .chain(cellvars.iter())
                .chain(freevars.iter())
                .cloned()
                .collect();
            Ok(Code {
                argcount,
                posonlyargcount,
                kwonlyargcount,
                nlocals: stored_nlocals.unwrap_or(0),
                stacksize,
                flags,
                code,
                consts,
                names,
                varnames,
                cellvars,
                freevars,
                localsplusnames,
                localspluskinds: Vec::new(),
                filename,
                name,
                qualname: None,
                firstlineno,
                linetable,
                exceptiontable: Arc::from(Vec::new()),
            })
        }
    }
}

/// Python's `float()` of the text marshal version 0/1 writes (`repr` digits, `inf`, `nan`).
fn parse_python_float(s: &str) -> Option<f64> {
    let t = s.trim();
    match t.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" | "+nan" => Some(f64::NAN),
        "-nan" => Some(-f64::NAN),
        _ if t
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
            && !t.is_empty() =>
        {
            t.parse().ok()
        }
        _ => None,
    }
}

fn latin1(bytes: &[u8]) -> PyStr {
    if bytes.is_ascii() {
        return PyStr::from_checked(std::str::from_utf8(bytes).map_err(|_| bytes));
    }
    let s: String = bytes.iter().map(|&b| char::from(b)).collect();
    PyStr::new(&s)
}

/// True when `bytes` is UTF-8 in which surrogate code points may appear (what CPython's
/// `surrogatepass` decoder accepts).
fn is_wtf8(bytes: &[u8]) -> bool {
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let (len, lo, hi) = match b {
            0x00..=0x7F => {
                i += 1;
                continue;
            }
            0xC2..=0xDF => (2, 0x80, 0xBF),
            0xE0 => (3, 0xA0, 0xBF),
            // 0xED would be limited to 0x80..=0x9F in strict UTF-8; surrogates are allowed.
            0xE1..=0xEF => (3, 0x80, 0xBF),
            0xF0 => (4, 0x90, 0xBF),
            0xF1..=0xF3 => (4, 0x80, 0xBF),
            0xF4 => (4, 0x80, 0x8F),
            _ => return false,
        };
        let Some(tail) = bytes.get(i + 1..i + len) else {
            return false;
        };
        if !(lo..=hi).contains(&tail[0]) || tail[1..].iter().any(|t| t & 0xC0 != 0x80) {
            return false;
        }
        i += len;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const V27: PyVersion = PyVersion::new(2, 7);
    const V312: PyVersion = PyVersion::new(3, 12);

    #[test]
    fn scalars() {
        assert!(matches!(
            loads(b"i\x05\x00\x00\x00", V312),
            Ok(Object::Int(5))
        ));
        assert!(matches!(loads(b"N", V312), Ok(Object::None)));
        // 2**62 as three... five digits: a long that fits i64 becomes Int on 3.x only.
        let long = b"l\x01\x00\x00\x00\x07\x00";
        assert!(matches!(loads(long, V312), Ok(Object::Int(7))));
        assert!(matches!(loads(long, V27), Ok(Object::Long(_))));
        let neg = b"l\xfe\xff\xff\xff\x00\x00\x01\x00";
        assert!(matches!(loads(neg, V312), Ok(Object::Int(-32768))));
    }

    #[test]
    fn strings_and_refs() {
        // ['ab', ref 0] written with FLAG_REF on the string.
        let data = b"[\x02\x00\x00\x00\xda\x02abr\x00\x00\x00\x00";
        let Ok(Object::List(items)) = loads(data, V312) else {
            panic!("list expected")
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(&items[1], Object::Str(s) if s.as_str() == Some("ab")));
        // A lone surrogate (U+D800) decodes.
        let Ok(Object::Str(s)) = loads(b"u\x03\x00\x00\x00\xed\xa0\x80", V312) else {
            panic!("str expected")
        };
        assert_eq!(s.code_points().collect::<Vec<_>>(), vec![0xD800]);
        // Latin-1 bytes in an ASCII-typed string are code points, as CPython reads them.
        let Ok(Object::Str(s)) = loads(b"z\x01\xe9", V312) else {
            panic!("str expected")
        };
        assert_eq!(s.as_str(), Some("\u{e9}"));
    }

    #[test]
    fn errors_name_offsets() {
        let e = loads(b"(\x02\x00\x00\x00N", V312).expect_err("must fail");
        assert!(matches!(e.kind, K::BadLength { length: 2 }), "{e}");
        let e = loads(b"s\x05\x00\x00\x00ab", V312).expect_err("must fail");
        assert!(matches!(e.kind, K::Truncated { wanted: 3 }), "{e}");
        let e = loads(b"r\x00\x00\x00\x00", V312).expect_err("must fail");
        assert!(matches!(e.kind, K::BadReference { index: 0 }), "{e}");
        let e = loads(b"[\x01\x00\x00\x00W", V312).expect_err("must fail");
        assert_eq!((e.kind, e.offset), (K::UnknownType { code: b'W' }, 5));
        let e = loads(b"z\x01a", V27).expect_err("must fail");
        assert!(matches!(e.kind, K::TypeNotInVersion { code: b'z' }), "{e}");
    }

    #[test]
    fn nesting_is_bounded() {
        let mut deep = b")\x01".repeat(MAX_DEPTH as usize + 1);
        deep.push(b'N');
        let e = loads(&deep, V312).expect_err("must fail");
        assert_eq!(e.kind, K::TooDeep);
        let mut ok = b")\x01".repeat(MAX_DEPTH as usize - 1);
        ok.push(b'N');
        assert!(loads(&ok, V312).is_ok());
    }
}
