use std::sync::Arc;

/// A value as marshal stores it. Shared sub-objects (marshal's FLAG_REF / `r` references)
/// are shared through `Arc`, so memory stays proportional to the input even when a file
/// references one object many times.
#[derive(Clone, Debug)]
pub enum Object {
    /// marshal's `0` (TYPE_NULL): only meaningful inside dicts and code layouts.
    Null,
    None,
    False,
    True,
    StopIteration,
    Ellipsis,
    /// Any integer that fits in i64 (`i`, `I`, and small `l` longs are all normalised here).
    Int(i64),
    /// Integers beyond i64.
    Long(Arc<BigInt>),
    Float(f64),
    Complex(f64, f64),
    /// Python 3 `bytes`; Python 2 `str` (marshal `s`, `t`, and `R` string refs).
    Bytes(Arc<[u8]>),
    /// Python 3 `str`; Python 2 `unicode`.
    Str(Arc<PyStr>),
    Tuple(Arc<[Object]>),
    List(Arc<[Object]>),
    Dict(Arc<[(Object, Object)]>),
    Set(Arc<[Object]>),
    /// Elements in marshal order, which is the iteration order of the set that was dumped.
    FrozenSet(Arc<[Object]>),
    /// 3.14+ `slice(start, stop, step)` constants.
    Slice(Arc<[Object; 3]>),
    Code(Arc<Code>),
}

impl Object {
    /// The code object, when this is one.
    pub fn as_code(&self) -> Option<&Arc<Code>> {
        match self {
            Self::Code(c) => Some(c),
            _ => None,
        }
    }

    /// The text of a name-like object: a `str` (lone surrogates replaced), or a Python 2
    /// byte string read as UTF-8 (invalid bytes replaced). `None` for anything else.
    pub fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Self::Str(s) => Some(match s.as_str() {
                Some(t) => std::borrow::Cow::Borrowed(t),
                None => std::borrow::Cow::Owned(s.to_string_lossy()),
            }),
            Self::Bytes(b) => Some(String::from_utf8_lossy(b)),
            _ => None,
        }
    }
}

/// An arbitrary-precision integer as marshal stores it: sign and base-2**15 digits,
/// least significant first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BigInt {
    pub negative: bool,
    pub digits: Vec<u16>,
}

/// A Python text string. Marshal writes them as UTF-8 with `surrogatepass`, so a string may
/// hold lone surrogates, which Rust's `str` cannot: the bytes are kept as written (generalised
/// UTF-8, "WTF-8") and decoded on demand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyStr(Text);

/// Valid UTF-8 is kept as `str` (so `as_str` costs nothing); anything else as bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Text {
    Utf8(Box<str>),
    Wtf8(Box<[u8]>),
}

impl PyStr {
    /// Wraps marshal's bytes for a text string.
    pub fn from_wtf8(bytes: Box<[u8]>) -> Self {
        match String::from_utf8(bytes.into_vec()) {
            Ok(s) => Self(Text::Utf8(s.into_boxed_str())),
            Err(e) => Self(Text::Wtf8(e.into_bytes().into_boxed_slice())),
        }
    }

    /// From bytes already checked: `Ok` text is valid UTF-8, `Err` bytes are not.
    pub(crate) fn from_checked(text: Result<&str, &[u8]>) -> Self {
        match text {
            Ok(s) => Self(Text::Utf8(s.into())),
            Err(b) => Self(Text::Wtf8(b.into())),
        }
    }

    pub fn new(s: &str) -> Self {
        Self(Text::Utf8(s.into()))
    }

    /// The raw generalised-UTF-8 bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Text::Utf8(s) => s.as_bytes(),
            Text::Wtf8(b) => b,
        }
    }

    /// The text, when it has no lone surrogates.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Text::Utf8(s) => Some(s),
            Text::Wtf8(_) => None,
        }
    }

    /// The code points, lone surrogates included. Bytes that are not even generalised
    /// UTF-8 (only a corrupt file has them) come out as U+FFFD, one per byte.
    pub fn code_points(&self) -> impl Iterator<Item = u32> + '_ {
        Wtf8Chars {
            bytes: self.as_bytes(),
            pos: 0,
        }
    }

    /// The text with any lone surrogate replaced by U+FFFD: for names and file names.
    pub fn to_string_lossy(&self) -> String {
        match self.as_str() {
            Some(s) => s.to_owned(),
            None => self
                .code_points()
                .map(|c| char::from_u32(c).unwrap_or('\u{FFFD}'))
                .collect(),
        }
    }
}

struct Wtf8Chars<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Iterator for Wtf8Chars<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let rest = self.bytes.get(self.pos..)?;
        let first = *rest.first()?;
        let (len, init) = match first {
            0x00..=0x7F => (1, u32::from(first)),
            0xC2..=0xDF => (2, u32::from(first & 0x1F)),
            0xE0..=0xEF => (3, u32::from(first & 0x0F)),
            0xF0..=0xF4 => (4, u32::from(first & 0x07)),
            _ => {
                self.pos += 1;
                return Some(0xFFFD);
            }
        };
        let Some(tail) = rest.get(1..len) else {
            self.pos += 1;
            return Some(0xFFFD);
        };
        if tail.iter().any(|b| b & 0xC0 != 0x80) {
            self.pos += 1;
            return Some(0xFFFD);
        }
        let cp = tail
            .iter()
            .fold(init, |acc, b| (acc << 6) | u32::from(b & 0x3F));
        self.pos += len;
        Some(cp)
    }
}

/// A code object in a version-neutral shape. Fields a version does not have are empty or
/// zero; the reader fills the derived views so consumers need not know the layout.
#[derive(Clone, Debug)]
pub struct Code {
    pub argcount: u32,
    /// 3.8+.
    pub posonlyargcount: u32,
    /// 3.0+.
    pub kwonlyargcount: u32,
    /// Before 3.11 as stored; 3.11+ derived: the number of plain locals.
    pub nlocals: u32,
    pub stacksize: u32,
    pub flags: u32,
    /// `co_code`: the bytecode as written (never the adaptive form).
    pub code: Arc<[u8]>,
    pub consts: Vec<Object>,
    /// `co_names`. Normally `Str` (3.x) or `Bytes` (2.7); kept as objects because a hostile
    /// file can put anything there.
    pub names: Vec<Object>,
    /// `co_varnames`: before 3.11 as stored; 3.11+ derived from the locals-plus kinds.
    pub varnames: Vec<Object>,
    /// `co_cellvars`: before 3.11 as stored; 3.11+ derived.
    pub cellvars: Vec<Object>,
    /// `co_freevars`: before 3.11 as stored; 3.11+ derived.
    pub freevars: Vec<Object>,
    /// 3.11+ `co_localsplusnames` as stored; before 3.11, varnames ++ cellvars ++ freevars.
    pub localsplusnames: Vec<Object>,
    /// 3.11+ `co_localspluskinds` as stored (CO_FAST_* bits); empty before 3.11.
    pub localspluskinds: Vec<u8>,
    pub filename: Object,
    pub name: Object,
    /// 3.11+ `co_qualname`; `None` before.
    pub qualname: Option<Object>,
    pub firstlineno: u32,
    /// `co_lnotab` up to 3.9, `co_linetable` from 3.10 (the 3.10 format, then 3.11+'s
    /// location table).
    pub linetable: Arc<[u8]>,
    /// 3.11+ `co_exceptiontable`; empty before.
    pub exceptiontable: Arc<[u8]>,
}

impl Code {
    /// This code object and every one nested in it, with `co_filename` set to `name` (as the
    /// same kind of string the tree had: `str`, or a Python 2 byte string). For code compiled
    /// from a temporary file on the user's behalf (`-c CODE`), so it shows the name the
    /// program runs under.
    pub fn with_filename(&self, name: &str) -> Code {
        let filename = match self.filename {
            Object::Bytes(_) => Object::Bytes(Arc::from(name.as_bytes())),
            _ => Object::Str(Arc::new(PyStr::new(name))),
        };
        self.renamed(&filename)
    }

    fn renamed(&self, filename: &Object) -> Code {
        let consts = self
            .consts
            .iter()
            .map(|c| match c {
                Object::Code(inner) => Object::Code(Arc::new(inner.renamed(filename))),
                other => other.clone(),
            })
            .collect();
        Code {
            consts,
            filename: filename.clone(),
            ..self.clone()
        }
    }

    /// This code object, then every code object nested in its constants, depth first in
    /// `co_consts` order: the order flypy's run helper numbers a program's code objects in.
    pub fn preorder(&self) -> Vec<&Code> {
        let mut found = Vec::new();
        let mut stack = vec![self];
        while let Some(c) = stack.pop() {
            found.push(c);
            let nested: Vec<&Code> = c
                .consts
                .iter()
                .filter_map(Object::as_code)
                .map(|a| &**a)
                .collect();
            stack.extend(nested.into_iter().rev());
        }
        found
    }
}
