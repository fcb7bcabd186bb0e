//! The opcode numbers and per-op facts `dis` 3.11/3.12 singles out by name, looked up once per
//! disassembly from the version's table rather than hard-coded.

use crate::dis::linebuf::{padded_name, padded_names, PaddedName};
use crate::table::OpcodeTable;

/// Ops whose argument `dis` describes specially, plus per-op backward-jump flags.
pub(super) struct Ops {
    pub table: &'static OpcodeTable,
    /// 3.12 rules (hasarg, jump caches, COMPARE_OP `>> 4`, LOAD_ATTR/LOAD_SUPER_ATTR bits…).
    pub v312: bool,
    pub load_const: Option<u8>,
    pub load_global: Option<u8>,
    pub load_attr: Option<u8>,
    pub load_super_attr: Option<u8>,
    pub format_value: Option<u8>,
    pub make_function: Option<u8>,
    pub binary_op: Option<u8>,
    pub intrinsic_1: Option<u8>,
    pub intrinsic_2: Option<u8>,
    /// `dis._is_backward_jump(op)`: `'JUMP_BACKWARD' in opname[op]`.
    pub backward: [bool; 256],
    /// The printed name of each op (`specialized_opname`) as a padded block, and CACHE's.
    pub padded: Vec<Option<PaddedName>>,
    pub padded_cache: Option<PaddedName>,
}

impl Ops {
    pub fn new(table: &'static OpcodeTable, v312: bool) -> Self {
        let find = |name: &str| {
            (0..=255u8).find(|&op| table.opname(op) == name && !table.opname(op).starts_with('<'))
        };
        let mut backward = [false; 256];
        for (op, b) in backward.iter_mut().enumerate() {
            *b = table
                .opname
                .get(op)
                .is_some_and(|n| n.contains("JUMP_BACKWARD"));
        }
        Self {
            table,
            v312,
            load_const: find("LOAD_CONST"),
            load_global: find("LOAD_GLOBAL"),
            load_attr: find("LOAD_ATTR"),
            load_super_attr: find("LOAD_SUPER_ATTR"),
            format_value: find("FORMAT_VALUE"),
            make_function: find("MAKE_FUNCTION"),
            binary_op: find("BINARY_OP"),
            intrinsic_1: find("CALL_INTRINSIC_1"),
            intrinsic_2: find("CALL_INTRINSIC_2"),
            backward,
            padded: padded_names(&table.specialized_opname),
            padded_cache: padded_name("CACHE"),
        }
    }

    pub fn deopt(&self, op: u8) -> u8 {
        self.table.deopt[usize::from(op)]
    }
}
