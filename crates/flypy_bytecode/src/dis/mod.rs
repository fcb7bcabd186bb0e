//! `dis`-identical disassembly. One formatter per family of versions whose `dis.py` share a
//! shape; this module is the one place that dispatches on the version.

mod classic;
mod linebuf;
mod v311;
mod v313;

use crate::instruction::Instruction;
use flypy_marshal::{Code, Family, PyVersion};

/// What `dis.dis` is asked to show (3.13+ `-C`, `-O`, `-P` flags; `show_caches` from 3.11).
#[derive(Clone, Copy, Debug, Default)]
pub struct DisOptions {
    pub show_caches: bool,
    pub show_offsets: bool,
    pub show_positions: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DisError {
    #[error("disassembly of CPython {0} is not supported (2.7 and 3.6-3.15 are)")]
    UnsupportedVersion(PyVersion),
    #[error("code object {name:?}: {what} at bytecode offset {offset}")]
    Malformed {
        name: String,
        what: String,
        offset: u32,
    },
}

/// Exactly what `dis.dis(code)` prints under CPython `version` (for `python -m dis FILE`,
/// `code` is the module compiled from FILE).
pub fn dis_text(code: &Code, version: PyVersion, opts: &DisOptions) -> Result<String, DisError> {
    let mut out = Vec::new();
    write_dis_bytes(&mut out, code, version, opts)?;
    // The listing is assembled from str pieces and ASCII, so this never replaces anything.
    Ok(String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// [`dis_text`] appended to `out` as UTF-8: a caller that frames many listings (the CLI's
/// per-file headers) and writes bytes builds each file's output in one buffer, with no copy
/// and no second UTF-8 check.
pub fn write_dis_bytes(
    out: &mut Vec<u8>,
    code: &Code,
    version: PyVersion,
    opts: &DisOptions,
) -> Result<(), DisError> {
    match family(version)? {
        Family::Py27 | Family::Wordcode => {
            via_string(out, |s| classic::write_dis(s, code, version, opts))
        }
        Family::Py311 | Family::Py312 => v311::write_dis(out, code, version, opts),
        Family::Py313 => v313::write_dis(out, code, version, opts),
        Family::Py3Bytes => Err(DisError::UnsupportedVersion(version)),
    }
}

/// The disassembler family of `version`: the one dispatch on versions. A version without a
/// profile (3.16 before its entry is added) is unsupported, not read as its predecessor.
fn family(version: PyVersion) -> Result<Family, DisError> {
    flypy_marshal::profile(version)
        .map(|p| p.family)
        .ok_or(DisError::UnsupportedVersion(version))
}

/// Runs a formatter that appends to a `String` on `out`'s buffer (moved, not copied, when
/// `out` already holds UTF-8, as the CLI's header does).
fn via_string(
    out: &mut Vec<u8>,
    write: impl FnOnce(&mut String) -> Result<(), DisError>,
) -> Result<(), DisError> {
    match String::from_utf8(std::mem::take(out)) {
        Ok(mut s) => {
            let result = write(&mut s);
            *out = s.into_bytes();
            result
        }
        Err(e) => {
            *out = e.into_bytes();
            let mut s = String::new();
            let result = write(&mut s);
            out.extend_from_slice(s.as_bytes());
            result
        }
    }
}

/// The instructions of one code object (not its nested code objects) as that version's
/// `dis.get_instructions(code)` describes them: the structured form behind `--format json`.
pub fn instructions(code: &Code, version: PyVersion) -> Result<Vec<Instruction>, DisError> {
    match family(version)? {
        Family::Py27 | Family::Wordcode => classic::instructions(code, version),
        Family::Py311 | Family::Py312 => v311::instructions(code, version),
        Family::Py313 => v313::instructions(code, version),
        Family::Py3Bytes => Err(DisError::UnsupportedVersion(version)),
    }
}

/// A 3.11+ formatter's `write_dis_with`.
#[cfg(test)]
type WriteWith = fn(
    &mut Vec<u8>,
    &Code,
    PyVersion,
    &'static crate::table::OpcodeTable,
    &DisOptions,
) -> Result<(), DisError>;

/// For tests that compare text: a 3.11+ formatter's `write_dis_with`, appended to a `String`.
#[cfg(test)]
pub(crate) fn text_with(
    write: WriteWith,
    out: &mut String,
    code: &Code,
    version: PyVersion,
    table: &'static crate::table::OpcodeTable,
    opts: &DisOptions,
) -> Result<(), DisError> {
    let mut bytes = Vec::new();
    let result = write(&mut bytes, code, version, table, opts);
    out.push_str(&String::from_utf8(bytes).expect("the listing is UTF-8"));
    result
}
