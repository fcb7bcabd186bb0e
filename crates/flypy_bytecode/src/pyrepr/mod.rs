//! Python's own `repr` of constants, per version (str, bytes, int, float, complex, tuple,
//! frozenset, code, slice, ...): `dis` prints every constant's argument with `repr`.
//!
//! Everything appends to a caller's `String` ([`write_repr`]) so a formatter can build a
//! whole listing in one buffer.
//!
//! Set order: `repr` lists a (frozen)set in its hash-table order. marshal writes the elements
//! in that order up to 3.10, but sorted by their marshalled bytes from 3.11 (bpo-37596), and
//! reading inserts them one by one into a new table, whose order can differ from the dumped
//! one when elements collide. [`SetOrder`] chooses which object's order to reproduce.
//!
//! The compiler's own order is not a function of the source alone: creating a code object
//! interns its string constants, and a frozenset constant is rebuilt (re-inserted in its
//! iteration order) when interning swapped one of its strings for an already interned equal
//! one. So the same `x in {'a', 'b', ...}` compiled twice in one 3.6-3.10 process can iterate
//! differently the second time, and a process that compiled other files first (or skipped
//! `site` with -S) can disagree with a fresh `python -m dis FILE`.

mod decimal;
mod float;
mod hash;
mod int;
mod setorder;
mod settable;
mod text;

use flypy_marshal::{Code, Object, PyVersion};

pub use hash::hash;

/// The `int` → `str` digit limit of CPython 3.11 and the 3.7.14 / 3.8.14 / 3.9.14 / 3.10.7
/// security releases (`sys.int_info.default_max_str_digits`).
pub const INT_MAX_STR_DIGITS: usize = 4300;

/// Which set's iteration order a (frozen)set constant is listed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SetOrder {
    /// The elements as they are held: flypy keeps every frozenset in the order CPython
    /// iterates it (`flypy_probe::Compiled::load` for compiled source, [`in_loaded_order`] for
    /// a `.pyc`), so this is what `dis` output uses.
    #[default]
    AsStored,
    /// The set the compiler built, as `python -m dis file.py` shows it when the elements come
    /// from an in-process `marshal.dumps` of that code: up to 3.10 marshal wrote exactly its
    /// order; from 3.11 marshal sorted the elements, and the compiler's insertion order is
    /// lost. The estimate models the compiler: a table built from the elements (taking the
    /// sorted order for the lost source order), then rebuilt from that table's order as
    /// constant merging often does. Measured on the standard library's frozenset constants it
    /// is off for about one in six; which of one or two builds the compiler did even depends
    /// on which strings the compiling process had interned before (seen on 3.9 and 3.12).
    /// flypy's compile helper reports the real order instead; see [`SetOrder::AsStored`].
    Compiled,
    /// The set `marshal.loads` builds (a `.pyc` loaded and disassembled): the elements
    /// inserted in marshal order into a fresh table.
    Loaded,
}

/// `obj` (a code object read from a `.pyc`) with every frozenset in the order CPython gives
/// it when `marshal.loads` inserts the elements as read — what `dis` of a loaded `.pyc` shows.
/// Sets whose element hashes flypy cannot predict keep the marshal order.
pub fn in_loaded_order(obj: &Object, version: PyVersion) -> Object {
    let reordered = flypy_marshal::map_frozensets(obj, &mut |items| {
        Ok::<_, std::convert::Infallible>(
            setorder::iteration_order(items, version)
                .filter(|order| !order.iter().copied().eq(0..items.len()))
                .map(|order| {
                    order
                        .into_iter()
                        .filter_map(|i| items.get(i).cloned())
                        .collect()
                }),
        )
    });
    match reordered {
        Ok(o) => o,
        Err(never) => match never {},
    }
}

/// Why `repr` itself would raise in CPython.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReprError {
    /// An int with more decimal digits than [`INT_MAX_STR_DIGITS`] (3.7+): `repr` raises
    /// ValueError, so `dis` stops with a traceback.
    #[error("{message}")]
    IntTooLong { digits: usize, message: String },
}

/// `repr(obj)` as CPython `version` prints it (sets in [`SetOrder::AsStored`] order; an int
/// beyond the digit limit is printed in full rather than failing).
pub fn repr(obj: &Object, version: PyVersion) -> String {
    let mut out = String::new();
    write_repr(&mut out, obj, version);
    out
}

/// Appends `repr(obj)` to `out`; see [`repr`].
pub fn write_repr(out: &mut String, obj: &Object, version: PyVersion) {
    Writer {
        version,
        order: SetOrder::AsStored,
        strict: false,
        error: None,
    }
    .object(out, obj);
}

/// Appends `repr(obj)` to `out` with sets in `order`; like [`write_repr`].
pub fn write_repr_with(out: &mut String, obj: &Object, version: PyVersion, order: SetOrder) {
    Writer {
        version,
        order,
        strict: false,
        error: None,
    }
    .object(out, obj);
}

/// Like [`write_repr_with`], but fails where CPython's `repr` raises (an int beyond the
/// 3.7+ digit limit). `out` may hold a partial text on error.
pub fn try_write_repr(
    out: &mut String,
    obj: &Object,
    version: PyVersion,
    order: SetOrder,
) -> Result<(), ReprError> {
    let mut w = Writer {
        version,
        order,
        strict: true,
        error: None,
    };
    w.object(out, obj);
    match w.error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

struct Writer {
    version: PyVersion,
    order: SetOrder,
    strict: bool,
    error: Option<ReprError>,
}

impl Writer {
    fn py2(&self) -> bool {
        self.version.major < 3
    }

    fn object(&mut self, out: &mut String, obj: &Object) {
        if self.error.is_some() {
            return;
        }
        match obj {
            Object::Null => out.push_str("<NULL>"),
            Object::None => out.push_str("None"),
            Object::False => out.push_str("False"),
            Object::True => out.push_str("True"),
            Object::Ellipsis => out.push_str("Ellipsis"),
            Object::StopIteration => out.push_str(if self.py2() {
                "<type 'exceptions.StopIteration'>"
            } else {
                "<class 'StopIteration'>"
            }),
            Object::Int(v) => int::write_i64(out, *v),
            Object::Long(big) => self.long(out, big),
            Object::Float(x) => float::write_float(out, *x),
            Object::Complex(re, im) => float::write_complex(out, *re, *im),
            Object::Bytes(b) => text::write_bytes(out, b, self.version),
            Object::Str(s) => text::write_str(out, s, self.version),
            Object::Tuple(items) => {
                out.push('(');
                self.items(out, items);
                if items.len() == 1 {
                    out.push(',');
                }
                out.push(')');
            }
            Object::List(items) => {
                out.push('[');
                self.items(out, items);
                out.push(']');
            }
            Object::Dict(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.object(out, k);
                    out.push_str(": ");
                    self.object(out, v);
                }
                out.push('}');
            }
            Object::Set(items) => self.set(out, items, "set"),
            Object::FrozenSet(items) => self.set(out, items, "frozenset"),
            Object::Slice(parts) => {
                out.push_str("slice(");
                self.items(out, parts.as_slice());
                out.push(')');
            }
            Object::Code(code) => self.code(out, code),
        }
    }

    fn items(&mut self, out: &mut String, items: &[Object]) {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.object(out, item);
        }
    }

    fn long(&mut self, out: &mut String, big: &flypy_marshal::BigInt) {
        let start = out.len();
        let digits = int::write_big(out, big);
        if self.py2() {
            out.push('L');
        } else if self.strict
            && self.version.profile().int_max_str_digits
            && digits > INT_MAX_STR_DIGITS
        {
            out.truncate(start);
            let unit = if self.version.profile().int_limit_message_digits {
                " digits"
            } else {
                ""
            };
            self.error = Some(ReprError::IntTooLong {
                digits,
                message: format!(
                    "Exceeds the limit ({INT_MAX_STR_DIGITS}{unit}) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"
                ),
            });
        }
    }

    /// `set([...])` / `frozenset([...])` in 2.7 (`set([])` when empty), `{...}` /
    /// `frozenset({...})` in 3.x (`set()` / `frozenset()` when empty).
    fn set(&mut self, out: &mut String, items: &[Object], type_name: &str) {
        if items.is_empty() && !self.py2() {
            out.push_str(type_name);
            out.push_str("()");
            return;
        }
        let order = match self.order {
            SetOrder::Compiled if self.version.profile().compiled_set_order => {
                setorder::compiled_order(items, self.version)
            }
            SetOrder::Loaded => setorder::iteration_order(items, self.version),
            SetOrder::Compiled | SetOrder::AsStored => None,
        };
        let wrapped = self.py2() || type_name == "frozenset";
        if wrapped {
            out.push_str(type_name);
            out.push_str(if self.py2() { "([" } else { "({" });
        } else {
            out.push('{');
        }
        match order {
            Some(idx) => {
                for (n, i) in idx.into_iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    if let Some(item) = items.get(i) {
                        self.object(out, item);
                    }
                }
            }
            None => self.items(out, items),
        }
        out.push(if self.py2() { ']' } else { '}' });
        if wrapped {
            out.push(')');
        }
    }

    /// `code.__repr__`: `<code object NAME at 0x..., file "FILE", line N>`. The file name is
    /// inserted as is (no escaping); a first line of 0 prints as -1. 2.7 cuts the name at
    /// 100 and the file at 300 bytes and prints `"???"` for a non-string; 3.x prints `???`
    /// without quotes.
    fn code(&mut self, out: &mut String, code: &Code) {
        let line = if code.firstlineno == 0 {
            -1
        } else {
            i64::from(code.firstlineno as i32)
        };
        out.push_str("<code object ");
        if self.py2() {
            push_c_string(out, &code.name, 100);
            out.push_str(" at ");
            push_address(out, code);
            out.push_str(", file \"");
            push_c_string(out, &code.filename, 300);
            out.push('"');
        } else {
            match &code.name {
                Object::Str(s) => push_lossy(out, s),
                _ => out.push_str("???"),
            }
            out.push_str(" at ");
            push_address(out, code);
            match &code.filename {
                Object::Str(s) => {
                    out.push_str(", file \"");
                    push_lossy(out, s);
                    out.push('"');
                }
                _ => out.push_str(", file ???"),
            }
        }
        out.push_str(", line ");
        int::write_i64(out, line);
        out.push('>');
    }
}

/// A C `%.Ns` of a 2.7 string: up to `max` bytes, stopping at a NUL; `???` for non-strings.
fn push_c_string(out: &mut String, obj: &Object, max: usize) {
    match obj {
        Object::Bytes(b) => {
            let end = b
                .iter()
                .take(max)
                .position(|&c| c == 0)
                .unwrap_or(b.len().min(max));
            out.push_str(&String::from_utf8_lossy(b.get(..end).unwrap_or_default()));
        }
        _ => out.push_str("???"),
    }
}

/// A stable stand-in for the object's address (`%p`), distinct per name and line.
fn push_address(out: &mut String, code: &Code) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let name: &[u8] = match &code.name {
        Object::Str(s) => s.as_bytes(),
        Object::Bytes(b) => b,
        _ => &[],
    };
    // FNV-1a over the name's bytes, then the line's.
    for &b in name {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    for b in code.firstlineno.to_le_bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let addr = 0x7f00_0000_0000u64 | ((h & 0x00ff_ffff_fff0) >> 4 << 4);
    // `%p`: 0x and lowercase hex; the top nibble is 7, so always 12 digits.
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(14);
    out.push_str("0x");
    for shift in (0..48).step_by(4).rev() {
        out.push(char::from(HEX[((addr >> shift) & 15) as usize]));
    }
}

/// A str as `%U` prints it: as is, lone surrogates replaced.
fn push_lossy(out: &mut String, s: &flypy_marshal::PyStr) {
    match s.as_str() {
        Some(t) => out.push_str(t),
        None => out.push_str(&s.to_string_lossy()),
    }
}

#[cfg(test)]
mod tests;
