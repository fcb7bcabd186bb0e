use std::fmt;

/// Why a `.pyc` file or marshal stream could not be read, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("byte offset {offset}: {kind}")]
pub struct MarshalError {
    pub kind: MarshalErrorKind,
    /// Offset in the input (the whole file for [`crate::read_pyc`]) where the problem is.
    pub offset: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarshalErrorKind {
    /// The input ended inside an object or header.
    Truncated { wanted: usize },
    /// The first two bytes are not a known CPython magic number followed by `\r\n`.
    UnknownMagic { magic: u16 },
    /// The magic number's trailing bytes are not `\r\n`.
    BadMagicTail,
    /// A type code no CPython writes.
    UnknownType { code: u8 },
    /// A type this version's marshal does not have.
    TypeNotInVersion { code: u8 },
    /// A length that is negative or larger than the rest of the input could hold.
    BadLength { length: i64 },
    /// A back-reference to an object that does not exist (yet).
    BadReference { index: i64 },
    /// Objects nested deeper than CPython's own marshal allows.
    TooDeep,
    /// A long integer digit ≥ 2**15, or a zero top digit.
    BadLongDigit,
    /// A text float that does not parse.
    BadFloat,
    /// Text that is not (generalised) UTF-8.
    BadUtf8,
    /// A NULL where an object is needed.
    UnexpectedNull,
    /// A code object field of the wrong type.
    BadCodeField {
        field: &'static str,
        expected: &'static str,
    },
}

impl fmt::Display for MarshalErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { wanted } => write!(f, "file ends early (needed {wanted} more bytes)"),
            Self::UnknownMagic { magic } => write!(
                f,
                "unknown magic number {magic} (not a .pyc of CPython 2.7 or 3.0-3.15)"
            ),
            Self::BadMagicTail => write!(f, "magic number is not followed by \\r\\n"),
            Self::UnknownType { code } => write!(f, "unknown marshal type code 0x{code:02x}"),
            Self::TypeNotInVersion { code } => write!(
                f,
                "marshal type code {:?} does not exist in this version",
                char::from(*code)
            ),
            Self::BadLength { length } => write!(f, "impossible length {length}"),
            Self::BadReference { index } => write!(f, "invalid back-reference {index}"),
            Self::TooDeep => write!(f, "objects nested too deeply"),
            Self::BadLongDigit => write!(f, "bad long integer digit"),
            Self::BadFloat => write!(f, "unparseable float"),
            Self::BadUtf8 => write!(f, "string is not valid UTF-8"),
            Self::UnexpectedNull => write!(f, "NULL object where a value is needed"),
            Self::BadCodeField { field, expected } => {
                write!(f, "code object field {field} is not {expected}")
            }
        }
    }
}

impl MarshalError {
    pub(crate) fn new(kind: MarshalErrorKind, offset: usize) -> Self {
        Self { kind, offset }
    }
}
