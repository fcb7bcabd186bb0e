//! `dis` for 2.7 and 3.6–3.10: lnotab/linetable lines, `>>` jump markers, no caches.

use super::{DisError, DisOptions};
use crate::instruction::Instruction;
use flypy_marshal::{Code, PyVersion};

pub(crate) fn write_dis(
    _out: &mut String,
    _code: &Code,
    version: PyVersion,
    _opts: &DisOptions,
) -> Result<(), DisError> {
    Err(DisError::UnsupportedVersion(version))
}

pub(crate) fn instructions(_code: &Code, version: PyVersion) -> Result<Vec<Instruction>, DisError> {
    Err(DisError::UnsupportedVersion(version))
}
