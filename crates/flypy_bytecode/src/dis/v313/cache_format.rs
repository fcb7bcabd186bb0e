//! `opcode._cache_format`: the named fields of each base opcode's inline cache, which
//! `dis -C` prints as `(name: value)` on the first CACHE line of each field. The opcode
//! table carries only the total size per opcode; the field names live here, per version.

use flypy_marshal::PyVersion;

type Layout = &'static [(&'static str, u8)];

const COUNTER: Layout = &[("counter", 1)];

/// 3.13 `Lib/opcode.py` `_cache_format`.
fn layout_313(opname: &str) -> Layout {
    match opname {
        "LOAD_GLOBAL" => &[
            ("counter", 1),
            ("index", 1),
            ("module_keys_version", 1),
            ("builtin_keys_version", 1),
        ],
        "LOAD_ATTR" => &[
            ("counter", 1),
            ("version", 2),
            ("keys_version", 2),
            ("descr", 4),
        ],
        "STORE_ATTR" => &[("counter", 1), ("version", 2), ("index", 1)],
        "CALL" => &[("counter", 1), ("func_version", 2)],
        "TO_BOOL" => &[("counter", 1), ("version", 2)],
        "BINARY_OP"
        | "UNPACK_SEQUENCE"
        | "COMPARE_OP"
        | "CONTAINS_OP"
        | "BINARY_SUBSCR"
        | "FOR_ITER"
        | "LOAD_SUPER_ATTR"
        | "STORE_SUBSCR"
        | "SEND"
        | "JUMP_BACKWARD"
        | "POP_JUMP_IF_TRUE"
        | "POP_JUMP_IF_FALSE"
        | "POP_JUMP_IF_NONE"
        | "POP_JUMP_IF_NOT_NONE" => COUNTER,
        _ => &[],
    }
}

/// The cache fields of base opcode `opname` under `version` (empty when it has none).
pub(super) fn layout(version: PyVersion, opname: &str) -> Layout {
    let _ = version;
    layout_313(opname)
}
