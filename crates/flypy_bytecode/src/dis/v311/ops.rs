//! The opcode numbers and per-op facts `dis` 3.11/3.12 singles out by name, looked up once per
//! disassembly from the version's table rather than hard-coded.

use crate::dis::linebuf::{padded_name, padded_names, PaddedName};
use crate::table::{OpFlags, OpcodeTable};

/// How `dis` resolves an op's argument: `_get_instructions_bytes`' chain of tests, decided
/// once per op (by its deoptimised form) instead of once per instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ArgKind {
    Plain,
    /// 3.11: a hasconst op other than LOAD_CONST (KW_NAMES) resolves to `dis.UNKNOWN`.
    Unknown,
    Const,
    /// A `co_names` entry at `arg` divided by `div`, with `prefix` when the low bit is set.
    Name {
        div: i64,
        prefix: &'static str,
    },
    JumpAbs,
    JumpRel {
        backward: bool,
    },
    Local,
    Compare,
    Format,
    MakeFunction,
    BinaryOp,
    Intrinsic1,
    Intrinsic2,
}

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
    /// Indexed by the deoptimised op.
    pub kind: [ArgKind; 256],
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
        let mut ops = Self {
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
            kind: [ArgKind::Plain; 256],
        };
        for op in 0..=255u8 {
            ops.kind[usize::from(op)] = ops.classify(op);
        }
        ops
    }

    /// The first test of `_get_instructions_bytes` (3.11/3.12) that `deop` passes.
    fn classify(&self, deop: u8) -> ArgKind {
        let flags = self.table.flags(deop);
        let is = |op: Option<u8>| op == Some(deop);
        if flags.has(OpFlags::CONST) {
            // 3.11 dereferences only LOAD_CONST; 3.12 any hasconst op.
            return if !self.v312 && !is(self.load_const) {
                ArgKind::Unknown
            } else {
                ArgKind::Const
            };
        }
        if flags.has(OpFlags::NAME) {
            let (div, prefix) = if is(self.load_global) {
                (2, "NULL + ")
            } else if self.v312 && is(self.load_attr) {
                (2, "NULL|self + ")
            } else if self.v312 && is(self.load_super_attr) {
                (4, "NULL|self + ")
            } else {
                (1, "")
            };
            return ArgKind::Name { div, prefix };
        }
        if flags.has(OpFlags::JABS) {
            return ArgKind::JumpAbs;
        }
        if flags.has(OpFlags::JREL) {
            return ArgKind::JumpRel {
                backward: self.backward[usize::from(deop)],
            };
        }
        if flags.has(OpFlags::LOCAL) || flags.has(OpFlags::FREE) {
            return ArgKind::Local;
        }
        if flags.has(OpFlags::COMPARE) {
            return ArgKind::Compare;
        }
        if is(self.format_value) {
            ArgKind::Format
        } else if is(self.make_function) {
            ArgKind::MakeFunction
        } else if is(self.binary_op) {
            ArgKind::BinaryOp
        } else if self.v312 && is(self.intrinsic_1) {
            ArgKind::Intrinsic1
        } else if self.v312 && is(self.intrinsic_2) {
            ArgKind::Intrinsic2
        } else {
            ArgKind::Plain
        }
    }

    pub fn deopt(&self, op: u8) -> u8 {
        self.table.deopt[usize::from(op)]
    }
}
