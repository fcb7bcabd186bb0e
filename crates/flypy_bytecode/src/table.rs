//! The shape of one CPython version's opcode facts. The data itself is generated (see
//! `crates/flypy_dev`) from each interpreter's own `opcode` and `dis` modules, one module per
//! distinct table under `tables/`.

/// Bit flags: which `dis` category lists (`hasconst`, `hasjrel`, …) an opcode is in. The lists
/// hold base opcodes only, so (like `dis`) test the flags of `deopt(op)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct OpFlags(pub u16);

impl OpFlags {
    /// Takes an argument (`op >= HAVE_ARGUMENT` before 3.12, `hasarg` from 3.12).
    pub const ARG: u16 = 1 << 0;
    pub const CONST: u16 = 1 << 1;
    pub const NAME: u16 = 1 << 2;
    pub const JREL: u16 = 1 << 3;
    pub const JABS: u16 = 1 << 4;
    pub const LOCAL: u16 = 1 << 5;
    pub const FREE: u16 = 1 << 6;
    pub const COMPARE: u16 = 1 << 7;
    /// `hasnargs` (3.6–3.?).
    pub const NARGS: u16 = 1 << 8;
    /// `hasexc` (3.12+ pseudo-ops).
    pub const EXC: u16 = 1 << 9;
    /// The opcode number is defined in this version's `opmap`.
    pub const DEFINED: u16 = 1 << 10;
    /// `hasjump` (3.13+, where `hasjrel` is the same list and `hasjabs` is empty).
    pub const JUMP: u16 = 1 << 11;

    pub const fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
}

/// Every fact `dis` of one version needs about its opcodes. Static, generated data.
#[derive(Debug)]
pub struct OpcodeTable {
    /// `(major, minor)` this table was generated from (the first of `versions`).
    pub version: (u8, u8),
    /// Every version whose facts are identical and so share this table.
    pub versions: &'static [(u8, u8)],
    /// `opname[op]`: `"<N>"` for unused numbers, exactly as `dis.opname` has it.
    pub opname: [&'static str; 256],
    /// 3.11+ `dis._all_opname`: `opname` with the specialized instructions' names filled in
    /// (what `dis(adaptive=True)` prints); equal to `opname` before 3.11.
    pub specialized_opname: [&'static str; 256],
    pub flags: [OpFlags; 256],
    /// 3.11+ `_inline_cache_entries` (code units of CACHE after the op); 0 before. A
    /// specialized op has the entries of the base op it deoptimises to.
    pub cache_entries: [u8; 256],
    /// 3.11+ `_cache_format[opname]` as (field, code units) in order, the named CACHE entries
    /// `show_caches` prints; empty for ops without caches. A specialized op has the layout of
    /// the base op it deoptimises to, as `dis` looks it up by `opname[deop]`.
    pub cache_format: [&'static [(&'static str, u8)]; 256],
    /// 3.11+: specialized opcode → the base opcode it deoptimises to (`_PyOpcode_Deopt`,
    /// `dis._deoptop`); identity for every base opcode and for versions without specialization.
    pub deopt: [u8; 256],
    /// `HAVE_ARGUMENT` (still defined, and meaningful for decoding, before 3.12).
    pub have_argument: u8,
    pub extended_arg: u8,
    /// `dis.cmp_op`.
    pub cmp_op: &'static [&'static str],
    /// 3.11+ `_nb_ops` as (name, symbol) pairs, e.g. `("NB_ADD", "+")`.
    pub nb_ops: &'static [(&'static str, &'static str)],
    /// 3.12+ `_intrinsic_1_descs` / `_intrinsic_2_descs`.
    pub intrinsic1: &'static [&'static str],
    pub intrinsic2: &'static [&'static str],
    /// 3.14+ `_common_constants` reprs (LOAD_COMMON_CONSTANT), e.g. `"AssertionError"`.
    pub common_constants: &'static [&'static str],
    /// 3.14+ `_special_method_names` (LOAD_SPECIAL).
    pub special_method_names: &'static [&'static str],
    /// The names `dis` gives the function-attribute flag bits, bit 0 first: 3.8–3.12
    /// `MAKE_FUNCTION_FLAGS` (MAKE_FUNCTION), 3.13+ `FUNCTION_ATTR_FLAGS`
    /// (SET_FUNCTION_ATTRIBUTE; 3.14 adds `annotate`); empty where `dis` has neither.
    pub function_attr_flags: &'static [&'static str],
}

impl OpcodeTable {
    pub fn opname(&self, op: u8) -> &'static str {
        self.opname[usize::from(op)]
    }

    pub fn flags(&self, op: u8) -> OpFlags {
        self.flags[usize::from(op)]
    }

    /// `dis._all_opname[op]`: the name `--adaptive` shows, specialized or not.
    pub fn specialized_opname(&self, op: u8) -> &'static str {
        self.specialized_opname[usize::from(op)]
    }

    /// `dis._deoptop(op)`.
    pub fn deopt(&self, op: u8) -> u8 {
        self.deopt[usize::from(op)]
    }

    /// `opmap[name]`: the number of a (base) opcode this version defines.
    pub fn opcode(&self, name: &str) -> Option<u8> {
        (0..=u8::MAX).find(|&op| self.flags(op).has(OpFlags::DEFINED) && self.opname(op) == name)
    }
}
