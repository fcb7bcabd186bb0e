//! `dis`-identical disassembly. One formatter per family of versions whose `dis.py` share a
//! shape; this module is the one place that dispatches on the version.

mod classic;
mod v311;
mod v313;

use crate::instruction::Instruction;
use flypy_marshal::{Code, PyVersion};

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
    let mut out = String::new();
    write_dis_text(&mut out, code, version, opts)?;
    Ok(out)
}

/// [`dis_text`] appended to `out`: a caller that frames many listings (the CLI's per-file
/// headers) builds each file's output in one buffer instead of copying it again.
pub fn write_dis_text(
    out: &mut String,
    code: &Code,
    version: PyVersion,
    opts: &DisOptions,
) -> Result<(), DisError> {
    match (version.major, version.minor) {
        (2, 7) | (3, 6..=10) => classic::write_dis(out, code, version, opts),
        (3, 11..=12) => v311::write_dis(out, code, version, opts),
        (3, 13..=15) => v313::write_dis(out, code, version, opts),
        _ => Err(DisError::UnsupportedVersion(version)),
    }
}

/// The instructions of one code object (not its nested code objects) as that version's
/// `dis.get_instructions(code)` describes them: the structured form behind `--format json`.
pub fn instructions(code: &Code, version: PyVersion) -> Result<Vec<Instruction>, DisError> {
    match (version.major, version.minor) {
        (2, 7) | (3, 6..=10) => classic::instructions(code, version),
        (3, 11..=12) => v311::instructions(code, version),
        (3, 13..=15) => v313::instructions(code, version),
        _ => Err(DisError::UnsupportedVersion(version)),
    }
}
