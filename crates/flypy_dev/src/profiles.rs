//! The hand-kept half of the version profiles: what cannot be read off an interpreter, one
//! entry a version, each entry saying only what changed since the one before it (Rust's
//! `..PREVIOUS`). `gen_profiles` joins these with the facts each interpreter printed and writes
//! `crates/flypy_marshal/src/profile_table.rs`. Field meanings and sources:
//! `flypy_marshal::Profile`; an entry's comments give the reason for its changes.

/// One version's hand-kept values. `line_table` and `family` are Rust expressions of
/// `flypy_marshal`'s `LineTable` / `Family`, written out as they are.
#[derive(Clone, Copy, Debug)]
pub struct Hand {
    pub version: (u8, u8),
    pub family: &'static str,
    /// Inclusive; pre-release numbers count as their version. From 3.11 each minor version
    /// owns 50 numbers (`Include/internal/pycore_magic_number.h`).
    pub magic: (u16, u16),
    /// No facts (no interpreter is installed, no opcode table): `.pyc` and marshal only.
    pub marshal_only: bool,
    pub pyc_source_size: bool,
    pub pyc_flags: bool,
    pub marshal_refs: bool,
    pub marshal_slice: bool,
    pub line_table: &'static str,
    pub signed_oparg: bool,
    pub extended_arg_reset_on_noarg: bool,
    pub dis_wide_columns: bool,
    pub dis_lines_optional: bool,
    pub dis_jump_args_in_words: bool,
    pub end_async_for_jumps_back: bool,
    pub import_name_flags: bool,
    pub settrace_sees_prefixed: bool,
    pub for_iter_exit_skips_two: bool,
    pub jit_capable: bool,
    pub hash_none_constant: bool,
    pub siphash13: bool,
    pub tuple_hash_xxhash: bool,
    pub set_fill_three_fifths: bool,
    pub int_max_str_digits: bool,
    pub int_limit_message_digits: bool,
    pub compiled_set_order: bool,
}

// 2.7: magic numbers from 2.7's `Python/import.c` list (62171 2.7a0 … 62211 2.7 final).
const V2_7: Hand = Hand {
    version: (2, 7),
    family: "Family::Py27",
    magic: (62171, 62211),
    marshal_only: false,
    pyc_source_size: false,
    pyc_flags: false,
    marshal_refs: false,
    marshal_slice: false,
    line_table: "LineTable::Lnotab { signed_deltas: false, stops_at_code_end: false }",
    signed_oparg: false,
    extended_arg_reset_on_noarg: false,
    dis_wide_columns: false,
    dis_lines_optional: false,
    dis_jump_args_in_words: false,
    end_async_for_jumps_back: false,
    import_name_flags: false,
    settrace_sees_prefixed: false,
    for_iter_exit_skips_two: false,
    jit_capable: false,
    hash_none_constant: false,
    siphash13: false,
    tuple_hash_xxhash: false,
    set_fill_three_fifths: false,
    int_max_str_digits: false,
    int_limit_message_digits: false,
    compiled_set_order: false,
};
// 3.0–3.5: read from `.pyc` files only; ranges from `importlib/_bootstrap_external.py`.
const V3_0: Hand = Hand {
    version: (3, 0),
    family: "Family::Py3Bytes",
    magic: (3000, 3131),
    marshal_only: true,
    ..V2_7
};
const V3_1: Hand = Hand {
    version: (3, 1),
    magic: (3141, 3151),
    ..V3_0
};
const V3_2: Hand = Hand {
    version: (3, 2),
    magic: (3160, 3180),
    ..V3_1
};
// 3.3: the header gains the source size (importlib's `_code_to_timestamp_pyc`).
const V3_3: Hand = Hand {
    version: (3, 3),
    magic: (3190, 3230),
    pyc_source_size: true,
    ..V3_2
};
// 3.4: marshal version 3 adds FLAG_REF/TYPE_REF (`Python/marshal.c`).
const V3_4: Hand = Hand {
    version: (3, 4),
    magic: (3250, 3310),
    marshal_refs: true,
    ..V3_3
};
const V3_5: Hand = Hand {
    version: (3, 5),
    magic: (3320, 3351),
    ..V3_4
};
// 3.6: wordcode; `dis.findlinestarts` reads line deltas as signed bytes.
const V3_6: Hand = Hand {
    version: (3, 6),
    family: "Family::Wordcode",
    magic: (3360, 3379),
    marshal_only: false,
    line_table: "LineTable::Lnotab { signed_deltas: true, stops_at_code_end: false }",
    ..V3_5
};
// 3.7: PEP 552 flags word; `dis` widens its columns; sets resize at 3/5 fill
// (`Objects/setobject.c`); the int-to-str digit limit (security releases of 3.7+).
const V3_7: Hand = Hand {
    version: (3, 7),
    magic: (3390, 3394),
    pyc_flags: true,
    dis_wide_columns: true,
    set_fill_three_fifths: true,
    int_max_str_digits: true,
    ..V3_6
};
// 3.8: `findlinestarts` stops past the end of the code; tuple hash is xxHash-based.
const V3_8: Hand = Hand {
    version: (3, 8),
    magic: (3400, 3413),
    line_table: "LineTable::Lnotab { signed_deltas: true, stops_at_code_end: true }",
    tuple_hash_xxhash: true,
    ..V3_7
};
const V3_9: Hand = Hand {
    version: (3, 9),
    magic: (3420, 3425),
    ..V3_8
};
// 3.10: PEP 626 line table, lines may be None; jump arguments count code units; `dis.py`
// resets extended_arg on the no-argument branch.
const V3_10: Hand = Hand {
    version: (3, 10),
    magic: (3430, 3439),
    line_table: "LineTable::Pep626",
    dis_lines_optional: true,
    dis_jump_args_in_words: true,
    extended_arg_reset_on_noarg: true,
    ..V3_9
};
// 3.11: location table; `dis` wraps arguments to signed ints; SipHash-1-3; the digit-limit
// message says "digits"; constant frozensets keep the compiler's order.
const V3_11: Hand = Hand {
    version: (3, 11),
    family: "Family::Py311",
    magic: (3450, 3499),
    line_table: "LineTable::Locations { merges_equal_lines: false }",
    signed_oparg: true,
    siphash13: true,
    int_limit_message_digits: true,
    compiled_set_order: true,
    ..V3_10
};
// 3.12: `co_lines()` merges equal-line ranges; settrace is built on the instrumentation and
// reports the prefixed instruction (measured, flypy_bytecode::hooks); `hash(None)` is constant.
const V3_12: Hand = Hand {
    version: (3, 12),
    family: "Family::Py312",
    magic: (3500, 3549),
    line_table: "LineTable::Locations { merges_equal_lines: true }",
    settrace_sees_prefixed: true,
    hash_none_constant: true,
    ..V3_11
};
// 3.13: labels in `dis`; FOR_ITER's exit skips END_FOR and POP_TOP; the experimental JIT
// configure option exists.
const V3_13: Hand = Hand {
    version: (3, 13),
    family: "Family::Py313",
    magic: (3550, 3599),
    for_iter_exit_skips_two: true,
    jit_capable: true,
    ..V3_12
};
// 3.14: marshal version 5 (TYPE_SLICE); END_ASYNC_FOR jumps backward in `dis`; FOR_ITER's
// exit is back to one past its target (END_FOR is jumped over by the BRANCH_* events).
const V3_14: Hand = Hand {
    version: (3, 14),
    magic: (3600, 3649),
    marshal_slice: true,
    end_async_for_jumps_back: true,
    for_iter_exit_skips_two: false,
    ..V3_13
};
// 3.15: IMPORT_NAME's argument carries the lazy-import bit in `dis`.
const V3_15: Hand = Hand {
    version: (3, 15),
    magic: (3650, 3699),
    import_name_flags: true,
    ..V3_14
};

/// Every hand-kept entry, oldest first. A new version is one more entry here.
pub const HAND: &[Hand] = &[
    V2_7, V3_0, V3_1, V3_2, V3_3, V3_4, V3_5, V3_6, V3_7, V3_8, V3_9, V3_10, V3_11, V3_12, V3_13,
    V3_14, V3_15,
];
