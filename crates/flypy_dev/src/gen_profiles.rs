//! Facts + hand-kept entries → `crates/flypy_marshal/src/profile_table.rs`: the version
//! profiles, `SUPPORTED` (the versions with facts) and, inside each profile, the magic-number
//! range. Fails when the two halves disagree, so a new interpreter cannot slip in half-described.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{bail, ensure, Result};

use crate::facts::Facts;
use crate::profiles::{Hand, HAND};

/// The generated file.
pub fn table_path() -> PathBuf {
    crate::workspace_root().join("crates/flypy_marshal/src/profile_table.rs")
}

/// The generated file's (path, unformatted Rust source).
pub fn generate(all: &[Facts]) -> Result<(PathBuf, String)> {
    for f in all {
        ensure!(
            HAND.iter().any(|h| h.version == f.version),
            "facts of {} but no entry in crates/flypy_dev/src/profiles.rs",
            f.label()
        );
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (`cargo dev generate-all`) from crates/flypy_dev/facts/*.json\n\
         // and crates/flypy_dev/src/profiles.rs.",
        crate::gen_tables::GENERATED_MARK
    );
    out.push_str(
        "//! The version profiles (see `profile.rs`).\n\n\
         use crate::profile::{Family, LineTable, Profile};\nuse crate::version::PyVersion;\n\n",
    );
    let supported: Vec<String> = all
        .iter()
        .map(|f| format!("({}, {})", f.version.0, f.version.1))
        .collect();
    out.push_str(
        "/// The CPython versions flypy reads and disassembles, oldest first: the versions with\n\
         /// facts. The one list tests and tools walk, so a missing interpreter is reported as\n\
         /// skipped.\n",
    );
    let _ = writeln!(
        out,
        "pub const SUPPORTED: &[(u8, u8)] = &[{}];\n",
        supported.join(", ")
    );
    out.push_str("/// Every profile, oldest first.\npub(crate) static PROFILES: &[Profile] = &[\n");
    for hand in HAND {
        let facts = all.iter().find(|f| f.version == hand.version);
        out.push_str(&entry(hand, facts)?);
    }
    out.push_str("];\n");
    Ok((table_path(), out))
}

/// What a version's interpreter says of itself; all false for a version without facts (3.0–3.5
/// lack every one of these).
#[derive(Default)]
struct Read {
    co_posonlyargcount: bool,
    co_qualname: bool,
    exception_table: bool,
    positions: bool,
    co_lines: bool,
    inline_caches: bool,
    hasarg_list: bool,
    dis_recursive: bool,
    dis_make_function_flags: bool,
    dis_show_positions: bool,
    settrace_opcode_events: bool,
    sys_monitoring: bool,
    branch_left_right: bool,
    adaptive: bool,
    co_has_docstring_flag: bool,
}

fn read(f: &Facts) -> Read {
    let x = &f.features;
    Read {
        co_posonlyargcount: x.co_posonlyargcount,
        co_qualname: x.co_qualname,
        exception_table: x.co_exceptiontable,
        positions: x.co_positions,
        co_lines: x.co_lines,
        inline_caches: !f.inline_cache_entries.is_empty(),
        hasarg_list: f.hasarg.is_some(),
        dis_recursive: x.dis_recursive,
        dis_make_function_flags: f.function_attr_flags.as_ref().is_some_and(|v| v.len() == 4),
        dis_show_positions: x.dis_show_positions,
        settrace_opcode_events: x.f_trace_opcodes,
        sys_monitoring: x.sys_monitoring,
        branch_left_right: x.branch_left_right,
        adaptive: x.dis_adaptive,
        co_has_docstring_flag: x.co_has_docstring_flag,
    }
}

fn entry(h: &Hand, facts: Option<&Facts>) -> Result<String> {
    let label = format!("{}.{}", h.version.0, h.version.1);
    let r = match facts {
        Some(f) => {
            ensure!(
                !h.marshal_only,
                "{label} has facts but is marked marshal_only"
            );
            ensure!(
                (h.magic.0..=h.magic.1).contains(&f.magic_number),
                "{label}'s interpreter writes magic {} outside its range {:?}",
                f.magic_number,
                h.magic
            );
            ensure!(
                f.features.co_qualname == f.features.co_exceptiontable,
                "{label}: co_qualname and co_exceptiontable no longer come together; \
                 the marshal reader's code layout needs a feature of its own"
            );
            read(f)
        }
        None if h.marshal_only => Read::default(),
        None => bail!("{label} has no facts: run `cargo dev refresh-facts` with its interpreter"),
    };
    let lnotab = h.line_table.starts_with("LineTable::Lnotab");
    let locations = h.line_table.starts_with("LineTable::Locations");
    ensure!(
        facts.is_none() || (lnotab != r.co_lines && locations == r.positions),
        "{label}: line_table {} disagrees with the interpreter (co_lines {}, co_positions {})",
        h.line_table,
        r.co_lines,
        r.positions
    );
    let mut s = String::new();
    let _ = writeln!(s, "Profile {{");
    let _ = writeln!(
        s,
        "version: PyVersion::new({}, {}),",
        h.version.0, h.version.1
    );
    let _ = writeln!(s, "family: {},", h.family);
    let _ = writeln!(s, "magic: ({}, {}),", h.magic.0, h.magic.1);
    let fields: &[(&str, bool)] = &[
        ("disassembled", facts.is_some()),
        ("pyc_source_size", h.pyc_source_size),
        ("pyc_flags", h.pyc_flags),
        ("marshal_refs", h.marshal_refs),
        ("marshal_slice", h.marshal_slice),
        ("co_posonlyargcount", r.co_posonlyargcount),
        ("co_qualname", r.co_qualname),
        ("exception_table", r.exception_table),
        ("positions", r.positions),
        ("co_has_docstring_flag", r.co_has_docstring_flag),
    ];
    for (name, value) in fields {
        let _ = writeln!(s, "{name}: {value},");
    }
    let _ = writeln!(s, "line_table: {},", h.line_table);
    let fields: &[(&str, bool)] = &[
        ("inline_caches", r.inline_caches),
        ("signed_oparg", h.signed_oparg),
        ("hasarg_list", r.hasarg_list),
        ("extended_arg_reset_on_noarg", h.extended_arg_reset_on_noarg),
        ("dis_recursive", r.dis_recursive),
        ("dis_wide_columns", h.dis_wide_columns),
        ("dis_lines_optional", h.dis_lines_optional),
        ("dis_jump_args_in_words", h.dis_jump_args_in_words),
        ("dis_make_function_flags", r.dis_make_function_flags),
        ("dis_show_positions", r.dis_show_positions),
        ("end_async_for_jumps_back", h.end_async_for_jumps_back),
        ("import_name_flags", h.import_name_flags),
        ("settrace_opcode_events", r.settrace_opcode_events),
        ("settrace_sees_prefixed", h.settrace_sees_prefixed),
        ("sys_monitoring", r.sys_monitoring),
        ("branch_left_right", r.branch_left_right),
        ("for_iter_exit_skips_two", h.for_iter_exit_skips_two),
        ("adaptive", r.adaptive),
        ("jit_capable", h.jit_capable),
        ("hash_none_constant", h.hash_none_constant),
        ("siphash13", h.siphash13),
        ("tuple_hash_xxhash", h.tuple_hash_xxhash),
        ("set_fill_three_fifths", h.set_fill_three_fifths),
        ("int_max_str_digits", h.int_max_str_digits),
        ("int_limit_message_digits", h.int_limit_message_digits),
        ("compiled_set_order", h.compiled_set_order),
    ];
    for (name, value) in fields {
        let _ = writeln!(s, "{name}: {value},");
    }
    s.push_str("},\n");
    Ok(s)
}
