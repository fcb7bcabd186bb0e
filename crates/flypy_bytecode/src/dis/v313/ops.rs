//! What one version's `ArgResolver` does with each opcode, worked out once per call from the
//! opcode table, so the per-instruction path is an array lookup instead of name comparisons.

use crate::dis::linebuf::{padded_name, padded_names, PaddedName};
use crate::table::{OpFlags, OpcodeTable};
use flypy_marshal::PyVersion;

/// Which branch of `ArgResolver.get_argval_argrepr` an opcode (deoptimised) takes, in the
/// order dis tests them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ArgKind {
    /// No special treatment: argval is the number, argrepr empty.
    Plain,
    /// `hasconst`: `repr(co_consts[arg])`.
    Const,
    /// `hasname`, plain `co_names[arg]`.
    Name,
    /// `LOAD_GLOBAL`: `co_names[arg//2]`, `+ NULL` when bit 0 is set.
    Global,
    /// `LOAD_ATTR`: `co_names[arg//2]`, `+ NULL|self` when bit 0 is set.
    Attr,
    /// `LOAD_SUPER_ATTR`: `co_names[arg//4]`, `+ NULL|self` when bit 0 is set.
    SuperAttr,
    /// 3.15 `IMPORT_NAME`: `co_names[arg//4]`, `+ lazy` (bit 0) or `+ eager` (bit 1).
    ImportName,
    /// `hasjump`/`hasexc`: `to L<n>`.
    Jump,
    /// `LOAD_FAST_LOAD_FAST` and friends: two locals packed in 4-bit halves.
    FastPair,
    /// `haslocal`/`hasfree`: `co._varname_from_oparg(arg)`.
    Local,
    /// `hascompare`: `cmp_op[arg >> 5]`, wrapped in `bool(...)` when bit 4 is set.
    Compare,
    ConvertValue,
    SetFunctionAttribute,
    BinaryOp,
    Intrinsic1,
    Intrinsic2,
    /// 3.14+.
    CommonConstant,
    /// 3.14+.
    Special,
    /// 3.14+: `is` / `is not`.
    IsOp,
    /// 3.14+: `in` / `not in`.
    ContainsOp,
}

/// Per-call facts about the table: argument kinds, backward jumps, cache layouts.
pub(super) struct Ctx {
    pub table: &'static OpcodeTable,
    pub version: PyVersion,
    /// Indexed by the deoptimised opcode.
    pub kind: [ArgKind; 256],
    /// `_is_backward_jump(deop)`: the argument counts backwards.
    pub backward: [bool; 256],
    /// `END_ASYNC_FOR` says `from L<n>` (3.14+).
    pub from_word: [bool; 256],
    /// `_cache_format[opname[deop]]`, empty for ops without caches.
    pub cache_layout: [&'static [(&'static str, u8)]; 256],
    /// 3.14+ reads each cache entry's data at its own offset; 3.13 reads every entry from the
    /// first cache unit (`code[offset + 2: offset + 2 + 2 * size]`).
    pub cache_data_advances: bool,
    /// `FUNCTION_ATTR_FLAGS` of `SET_FUNCTION_ATTRIBUTE`.
    pub function_attr_flags: &'static [&'static str],
    /// The printed name of each op (`specialized_opname`) as a padded block, and CACHE's.
    pub padded: Vec<Option<PaddedName>>,
    pub padded_cache: Option<PaddedName>,
}

impl Ctx {
    pub fn new(table: &'static OpcodeTable, version: PyVersion) -> Self {
        let mut kind = [ArgKind::Plain; 256];
        let mut backward = [false; 256];
        let mut from_word = [false; 256];
        let mut cache_layout: [&'static [(&'static str, u8)]; 256] = [&[]; 256];
        let v314 = version.profile().end_async_for_jumps_back;
        for op in 0..=255u8 {
            let i = usize::from(op);
            let name = table.opname(op);
            let f = table.flags(op);
            backward[i] = matches!(name, "JUMP_BACKWARD" | "JUMP_BACKWARD_NO_INTERRUPT")
                || (v314 && name == "END_ASYNC_FOR");
            from_word[i] = v314 && name == "END_ASYNC_FOR";
            cache_layout[i] = table.cache_format[i];
            kind[i] = if f.has(OpFlags::CONST) {
                ArgKind::Const
            } else if f.has(OpFlags::NAME) {
                match name {
                    "LOAD_GLOBAL" => ArgKind::Global,
                    "LOAD_ATTR" => ArgKind::Attr,
                    "LOAD_SUPER_ATTR" => ArgKind::SuperAttr,
                    "IMPORT_NAME" if version.profile().import_name_flags => ArgKind::ImportName,
                    _ => ArgKind::Name,
                }
            } else if f.has(OpFlags::JREL) || f.has(OpFlags::JABS) || f.has(OpFlags::EXC) {
                ArgKind::Jump
            } else if matches!(
                name,
                "LOAD_FAST_LOAD_FAST" | "STORE_FAST_LOAD_FAST" | "STORE_FAST_STORE_FAST"
            ) || (v314 && name == "LOAD_FAST_BORROW_LOAD_FAST_BORROW")
            {
                ArgKind::FastPair
            } else if f.has(OpFlags::LOCAL) || f.has(OpFlags::FREE) {
                ArgKind::Local
            } else if f.has(OpFlags::COMPARE) {
                ArgKind::Compare
            } else {
                match name {
                    "CONVERT_VALUE" => ArgKind::ConvertValue,
                    "SET_FUNCTION_ATTRIBUTE" => ArgKind::SetFunctionAttribute,
                    "BINARY_OP" => ArgKind::BinaryOp,
                    "CALL_INTRINSIC_1" => ArgKind::Intrinsic1,
                    "CALL_INTRINSIC_2" => ArgKind::Intrinsic2,
                    "LOAD_COMMON_CONSTANT" if v314 => ArgKind::CommonConstant,
                    "LOAD_SPECIAL" if v314 => ArgKind::Special,
                    "IS_OP" if v314 => ArgKind::IsOp,
                    "CONTAINS_OP" if v314 => ArgKind::ContainsOp,
                    // Including 3.14+ LOAD_SMALL_INT: not in hasconst and without a
                    // branch of its own, so dis shows no argrepr for it.
                    _ => ArgKind::Plain,
                }
            };
        }
        Self {
            padded: padded_names(&table.specialized_opname),
            padded_cache: padded_name("CACHE"),
            table,
            version,
            kind,
            backward,
            from_word,
            cache_layout,
            cache_data_advances: v314,
            function_attr_flags: table.function_attr_flags,
        }
    }

    pub fn deopt(&self, op: u8) -> u8 {
        self.table.deopt[usize::from(op)]
    }

    pub fn is_jump(&self, deop: u8) -> bool {
        let f = self.table.flags(deop);
        f.has(OpFlags::JREL) || f.has(OpFlags::JABS)
    }

    /// `_get_jump_target` / `ArgResolver.offset_from_jump_arg`: the target offset of a jump,
    /// `None` for other ops. Python ints do not overflow; i64 holds any 32-bit argument.
    pub fn jump_target(&self, op: u8, arg: i64, offset: u32) -> Option<i64> {
        let deop = self.deopt(op);
        let f = self.table.flags(deop);
        if f.has(OpFlags::JREL) {
            let signed = if self.backward[usize::from(deop)] {
                -arg
            } else {
                arg
            };
            let caches = i64::from(self.table.cache_entries[usize::from(deop)]);
            return Some(i64::from(offset) + 2 + signed * 2 + 2 * caches);
        }
        if f.has(OpFlags::JABS) {
            return Some(arg * 2);
        }
        None
    }
}
