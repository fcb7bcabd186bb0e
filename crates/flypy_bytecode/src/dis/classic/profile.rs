//! What distinguishes the `dis.py` of 2.7, 3.6, 3.7, 3.8, 3.9 and 3.10 from one another,
//! decided once per run so the per-instruction code only reads flags.

use crate::dis::DisError;
use crate::table::OpcodeTable;
use crate::tables;
use flypy_marshal::{Family, PyVersion};

pub(super) struct Profile {
    pub version: PyVersion,
    pub table: &'static OpcodeTable,
    /// 2.7's `disassemble` loop: print-statement spacing, `(to N)` only for relative jumps,
    /// long-integer `L` suffixes after EXTENDED_ARG, labels found without EXTENDED_ARG.
    pub py2: bool,
    /// 3.7+ `_disassemble_recursive`: nested code objects follow under a header.
    pub recurse: bool,
    /// 3.7+: the line-number column widens for lines ≥ 1000 and the offset column for code
    /// whose last offset is ≥ 10000.
    pub wide_columns: bool,
    /// 3.10: `show_lineno = bool(linestarts)`, so a code object without line starts has no
    /// line-number column at all (before, `linestarts is not None` was always true).
    pub lines_optional: bool,
    /// 3.10: jump arguments count 2-byte code units, and absolute jumps print `to N`.
    pub word_jumps: bool,
    /// `opmap['FORMAT_VALUE']` (3.6+).
    pub format_value: Option<u8>,
    /// `opmap['MAKE_FUNCTION']` when dis describes its flags (3.8.? on; 3.8.18 does).
    pub make_function: Option<u8>,
}

impl Profile {
    pub fn new(version: PyVersion) -> Result<Self, DisError> {
        let supported = flypy_marshal::profile(version)
            .is_some_and(|p| matches!(p.family, Family::Py27 | Family::Wordcode));
        let table = tables::for_version(version)
            .filter(|_| supported)
            .ok_or(DisError::UnsupportedVersion(version))?;
        Ok(Self::with_table(version, table))
    }

    /// The profile of `version` (2.7 or 3.6–3.10) with its opcode `table`.
    pub fn with_table(version: PyVersion, table: &'static OpcodeTable) -> Self {
        let py2 = version.major < 3;
        let p = version.profile();
        Self {
            version,
            table,
            py2,
            recurse: p.dis_recursive,
            wide_columns: p.dis_wide_columns,
            lines_optional: p.dis_lines_optional,
            word_jumps: p.dis_jump_args_in_words,
            format_value: if py2 {
                None
            } else {
                table.opcode("FORMAT_VALUE")
            },
            make_function: if p.dis_make_function_flags {
                table.opcode("MAKE_FUNCTION")
            } else {
                None
            },
        }
    }
}
