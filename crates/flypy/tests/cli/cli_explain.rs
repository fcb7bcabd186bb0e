//! `flypy explain OPNAME [--python PY]`: flypy's opcode reference on the command line.

/// `flypy explain ARGS`: exit code, stdout, stderr.
fn explain(args: &[&str]) -> (i32, String, String) {
    crate::common::outcome(crate::common::command().arg("explain").args(args))
}

#[test]
fn an_opcode_in_one_version() {
    let (code, out, _) = explain(&["list_append", "--python", "3.12"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!(out);
    let (code, out, _) = explain(&["CALL_NO_KW_LIST_APPEND", "--python", "3.12"]);
    assert_eq!(code, 0);
    assert!(out.contains("a specialized form of CALL"), "{out}");
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
}

#[test]
fn across_versions_and_mistakes() {
    let (code, out, _) = explain(&["PRINT_ITEM"]);
    assert_eq!(code, 0);
    assert!(out.contains("exists in:  2.7"), "{out}");
    let (code, _, err) = explain(&["PRECALL", "--python", "3.13"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("does not exist in CPython 3.13; it exists in 3.11"),
        "{err}"
    );
    let (code, _, err) = explain(&["LOAD_ATRT"]);
    assert_eq!(code, 2);
    assert!(err.contains("LOAD_ATTR"), "a suggestion: {err}");
    let (code, _, err) = explain(&["LOAD_ATTR", "--python", "3.5"]);
    assert_eq!(code, 2, "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
