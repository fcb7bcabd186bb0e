//! `.pyc` headers: magic number → version, and the header's layout per version (8 bytes up
//! to 3.2, 12 from 3.3 with the source size, 16 from 3.7 with PEP 552's flags word).

use crate::error::{MarshalError, MarshalErrorKind as K};
use crate::object::Object;
use crate::profile_lookup::version_for_magic;
use crate::reader::loads_at;
use crate::version::PyVersion;

/// How a 3.7+ `.pyc` is validated against its source (PEP 552).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validation {
    /// Source modification time and size (all versions; before 3.3 no size).
    Timestamp {
        mtime: u32,
        source_size: Option<u32>,
    },
    /// A SipHash of the source; `check_source` is the PEP 552 `check_source` flag.
    Hash {
        source_hash: u64,
        check_source: bool,
    },
}

/// A parsed `.pyc` file.
#[derive(Clone, Debug)]
pub struct Pyc {
    pub version: PyVersion,
    pub magic: u16,
    /// PEP 552 flags word (3.7+; 0 before).
    pub flags: u32,
    pub validation: Validation,
    /// Bytes before the marshal data.
    pub header_len: usize,
    /// The module's code object (normally [`Object::Code`]).
    pub code: Object,
}

/// Reads a whole `.pyc` file: header, then the marshalled code object. Error offsets are
/// offsets in `data`.
pub fn read_pyc(data: &[u8]) -> Result<Pyc, MarshalError> {
    let truncated = |wanted: usize| MarshalError::new(K::Truncated { wanted }, data.len());
    let word = |at: usize| -> Result<u32, MarshalError> {
        data.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| truncated(at + 4 - data.len().min(at + 4)))
    };
    let first = word(0)?;
    let magic = (first & 0xFFFF) as u16;
    let version =
        version_for_magic(magic).ok_or_else(|| MarshalError::new(K::UnknownMagic { magic }, 0))?;
    if first >> 16 != u32::from(u16::from_le_bytes(*b"\r\n")) {
        return Err(MarshalError::new(K::BadMagicTail, 2));
    }
    let profile = version.profile();
    let (flags, validation, header_len) = if profile.pyc_flags {
        let flags = word(4)?;
        let validation = if flags & 1 != 0 {
            let lo = u64::from(word(8)?);
            let hi = u64::from(word(12)?);
            Validation::Hash {
                source_hash: lo | (hi << 32),
                check_source: flags & 2 != 0,
            }
        } else {
            Validation::Timestamp {
                mtime: word(8)?,
                source_size: Some(word(12)?),
            }
        };
        (flags, validation, 16)
    } else if profile.pyc_source_size {
        let validation = Validation::Timestamp {
            mtime: word(4)?,
            source_size: Some(word(8)?),
        };
        (0, validation, 12)
    } else {
        let validation = Validation::Timestamp {
            mtime: word(4)?,
            source_size: None,
        };
        (0, validation, 8)
    };
    let body = data.get(header_len..).unwrap_or_default();
    let code = loads_at(body, version, header_len)?;
    Ok(Pyc {
        version,
        magic,
        flags,
        validation,
        header_len,
        code,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_of_installed_versions() {
        // Final releases' numbers, as `importlib.util.MAGIC_NUMBER` reports them.
        for (magic, v) in [
            (62211, (2, 7)),
            (3379, (3, 6)),
            (3394, (3, 7)),
            (3413, (3, 8)),
            (3425, (3, 9)),
            (3439, (3, 10)),
            (3495, (3, 11)),
            (3531, (3, 12)),
            (3571, (3, 13)),
            (3627, (3, 14)),
            (3656, (3, 15)),
        ] {
            assert_eq!(
                version_for_magic(magic),
                Some(PyVersion::new(v.0, v.1)),
                "{magic}"
            );
        }
        assert_eq!(version_for_magic(3140), None);
        assert_eq!(version_for_magic(20121), None);
    }

    #[test]
    fn header_errors() {
        let e = read_pyc(b"\x0d\x0d").expect_err("must fail");
        assert!(matches!(e.kind, K::Truncated { .. }), "{e}");
        let e = read_pyc(b"\x00\x00\r\n").expect_err("must fail");
        assert_eq!(e.kind, K::UnknownMagic { magic: 0 });
        let e = read_pyc(b"\xcb\x0d\r\x00").expect_err("must fail");
        assert_eq!((e.kind, e.offset), (K::BadMagicTail, 2));
        // A 3.12 header with hash-based flags and a body of `None`.
        let mut pyc = vec![0xcb, 0x0d, b'\r', b'\n', 3, 0, 0, 0];
        pyc.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8]);
        pyc.push(b'N');
        let p = read_pyc(&pyc).expect("valid");
        assert_eq!(p.version, PyVersion::new(3, 12));
        assert_eq!(
            p.validation,
            Validation::Hash {
                source_hash: 0x0807060504030201,
                check_source: true
            }
        );
        // Marshal errors are reported at file offsets.
        pyc.pop();
        pyc.push(b'W');
        assert_eq!(read_pyc(&pyc).expect_err("must fail").offset, 16);
    }
}
