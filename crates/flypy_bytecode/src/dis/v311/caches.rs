//! The layout of each opcode's inline cache (`opcode._cache_format`) for 3.11 and 3.12: which
//! named fields, how many code units each. `dis` prints one CACHE line per unit and names the
//! first unit of each field; the JSON form carries each field's raw bytes.
//!
//! The opcode table only records how many units follow an op (`_inline_cache_entries`); the
//! field names are `dis` presentation facts, so they live beside the formatter that uses them.

/// (field name, size in code units), in the order the fields sit after the instruction.
pub(super) type Layout = &'static [(&'static str, u8)];

const COUNTER: Layout = &[("counter", 1)];

/// 3.11.x `opcode._cache_format`.
fn layout_311(opname: &str) -> Option<Layout> {
    Some(match opname {
        "LOAD_GLOBAL" => &[
            ("counter", 1),
            ("index", 1),
            ("module_keys_version", 2),
            ("builtin_keys_version", 1),
        ],
        "BINARY_OP" | "UNPACK_SEQUENCE" | "PRECALL" | "STORE_SUBSCR" => COUNTER,
        "COMPARE_OP" => &[("counter", 1), ("mask", 1)],
        "BINARY_SUBSCR" => &[("counter", 1), ("type_version", 2), ("func_version", 1)],
        "LOAD_ATTR" | "STORE_ATTR" => &[("counter", 1), ("version", 2), ("index", 1)],
        "LOAD_METHOD" => &[
            ("counter", 1),
            ("type_version", 2),
            ("dict_offset", 1),
            ("keys_version", 2),
            ("descr", 4),
        ],
        "CALL" => &[("counter", 1), ("func_version", 2), ("min_args", 1)],
        _ => return None,
    })
}

/// 3.12.x `opcode._cache_format`.
fn layout_312(opname: &str) -> Option<Layout> {
    Some(match opname {
        "LOAD_GLOBAL" => &[
            ("counter", 1),
            ("index", 1),
            ("module_keys_version", 1),
            ("builtin_keys_version", 1),
        ],
        "BINARY_OP" | "UNPACK_SEQUENCE" | "COMPARE_OP" | "BINARY_SUBSCR" | "FOR_ITER"
        | "LOAD_SUPER_ATTR" | "STORE_SUBSCR" | "SEND" => COUNTER,
        "LOAD_ATTR" => &[
            ("counter", 1),
            ("version", 2),
            ("keys_version", 2),
            ("descr", 4),
        ],
        "STORE_ATTR" => &[("counter", 1), ("version", 2), ("index", 1)],
        "CALL" => &[("counter", 1), ("func_version", 2)],
        _ => return None,
    })
}

/// The cache layout of the (deoptimised) op named `opname`, `None` when it has no cache.
pub(super) fn layout(v312: bool, opname: &str) -> Option<Layout> {
    if v312 {
        layout_312(opname)
    } else {
        layout_311(opname)
    }
}

/// Every op name with a layout in the version: for checking the data against an interpreter.
#[cfg(test)]
pub(super) const NAMES_311: &[&str] = &[
    "LOAD_GLOBAL",
    "BINARY_OP",
    "UNPACK_SEQUENCE",
    "COMPARE_OP",
    "BINARY_SUBSCR",
    "LOAD_ATTR",
    "STORE_ATTR",
    "LOAD_METHOD",
    "CALL",
    "PRECALL",
    "STORE_SUBSCR",
];
#[cfg(test)]
pub(super) const NAMES_312: &[&str] = &[
    "LOAD_GLOBAL",
    "BINARY_OP",
    "UNPACK_SEQUENCE",
    "COMPARE_OP",
    "BINARY_SUBSCR",
    "FOR_ITER",
    "LOAD_SUPER_ATTR",
    "LOAD_ATTR",
    "STORE_ATTR",
    "CALL",
    "STORE_SUBSCR",
    "SEND",
];
