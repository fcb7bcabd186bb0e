//! The real data files: well-formed, covering every opcode of every supported version, and
//! naming nothing that is not an opcode.

use std::collections::{BTreeMap, BTreeSet};

use flypy_knowledge::{all_names, data_errors, entries, entry, explain, render_text, DataFile};
use flypy_knowledge::{versions_of, KnowledgeError};

#[test]
fn data_files_parse_without_errors() {
    let errors: Vec<String> = data_errors().iter().map(ToString::to_string).collect();
    assert!(
        errors.is_empty(),
        "{} problem(s) in the data files:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

#[test]
fn every_opcode_of_every_version_has_an_entry() {
    let mut missing: BTreeMap<DataFile, BTreeSet<&str>> = BTreeMap::new();
    for name in all_names() {
        if entry(name).is_none() {
            let file = DataFile::for_name(name).expect("a table name has a file");
            missing.entry(file).or_default().insert(name);
        }
    }
    let report: Vec<String> = missing
        .iter()
        .map(|(file, names)| {
            let names: Vec<&str> = names.iter().copied().collect();
            format!("{file}: {} missing:\n  {}", names.len(), names.join(" "))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "opcodes without an entry:\n{}",
        report.join("\n")
    );
}

#[test]
fn every_entry_is_a_real_opcode_in_the_right_file() {
    let mut problems = Vec::new();
    for e in entries() {
        if versions_of(e.name).is_empty() {
            problems.push(format!(
                "{}:{}: {} is no opcode of any version",
                e.file, e.line, e.name
            ));
        } else if DataFile::for_name(e.name) != Some(e.file) {
            let want = DataFile::for_name(e.name).map_or("?", DataFile::path);
            problems.push(format!(
                "{}:{}: {} belongs in {want}",
                e.file, e.line, e.name
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Whitespace-insensitive containment (rendered text is wrapped).
fn squashed(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn renders_load_attr_in_3_12() {
    let ex = explain("LOAD_ATTR", Some((3, 12))).expect("LOAD_ATTR exists in 3.12");
    let e = ex.entry.expect("classic.md describes LOAD_ATTR");
    let text = render_text(&ex, 80);
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    let flat = squashed(&text);
    assert!(flat.contains(e.summary), "{text}");
    let note = e
        .notes
        .iter()
        .find(|n| n.version == (3, 12))
        .expect("LOAD_ATTR has a 3.12 note");
    assert!(flat.contains(&squashed(&note.text)), "{text}");
    assert!(flat.contains("exists in: 2.7, 3.6–3.15"), "{text}");
    assert!(flat.contains("LOAD_ATTR_INSTANCE_VALUE"), "{text}");
    // Notes of later versions are left out.
    assert!(!ex.notes.iter().any(|n| n.version > (3, 12)));
}

#[test]
fn unknown_names_get_suggestions() {
    let err = explain("LOAD_ATTRR", None).expect_err("misspelt");
    assert!(
        matches!(&err, KnowledgeError::UnknownName { suggestions, .. } if suggestions.contains(&"LOAD_ATTR"))
    );
    assert!(err.to_string().contains("did you mean"), "{err}");
    let err = explain("call_function", Some((3, 12))).expect_err("case");
    assert!(err.to_string().contains("CALL_FUNCTION"), "{err}");
    let err = explain("CALL_FUNCTION", Some((3, 12))).expect_err("gone in 3.11");
    assert!(err.to_string().contains("2.7, 3.6–3.10"), "{err}");
}
