//! Generated opcode tables, one module per distinct table (see crates/flypy_dev).

use crate::table::OpcodeTable;
use flypy_marshal::PyVersion;

/// The opcode table of CPython `version`, `None` for versions flypy has no table for.
/// (Until the generated tables land, no version has one.)
pub fn for_version(version: PyVersion) -> Option<&'static OpcodeTable> {
    let _ = version;
    None
}
