//! `flypy dis` end to end: text snapshots of committed `.pyc` fixtures (read without any
//! interpreter), and `--format json` against each installed interpreter's own `dis.Bytecode`
//! (which, unlike `get_instructions` in 3.13, numbers labels as the text output does, exception
//! handlers included).

use assert_cmd::cargo::CommandCargoExt;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `flypy ARGS` in the repository's root: exit code, stdout, stderr.
fn flypy(args: &[&str]) -> (i32, String, String) {
    crate::common::outcome(crate::common::command().current_dir(root()).args(args))
}

use flypy_testkit::mask_addresses as mask;

#[test]
fn pyc_fixtures_disassemble_without_an_interpreter() {
    for tag in ["27", "38", "312", "313", "314"] {
        let path = format!("crates/flypy/tests/fixtures/list_init.cpython-{tag}.pyc");
        // An empty PATH: no interpreter can be involved.
        let out = Command::cargo_bin("flypy")
            .expect("binary")
            .current_dir(root())
            .env("PATH", "")
            .args(["dis", &path])
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = mask(&String::from_utf8_lossy(&out.stdout));
        insta::assert_snapshot!(format!("list_init_{tag}"), text);
    }
}

#[test]
fn several_files_get_headers_and_errors_name_the_file() {
    let (code, out, err) = flypy(&[
        "dis",
        "crates/flypy/tests/fixtures/list_init.cpython-38.pyc",
        "crates/flypy/tests/fixtures/make_fixtures.py.missing.pyc",
        "crates/flypy/tests/fixtures/list_init.cpython-27.pyc",
    ]);
    assert_eq!(code, 2);
    assert!(out.starts_with(
        "==> crates/flypy/tests/fixtures/list_init.cpython-38.pyc (CPython 3.8) <==\n"
    ));
    assert!(out
        .contains("==> crates/flypy/tests/fixtures/list_init.cpython-27.pyc (CPython 2.7) <==\n"));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(
        "flypy: error: crates/flypy/tests/fixtures/make_fixtures.py.missing.pyc: cannot read it"
    ));
}

/// The interpreter's own view of every instruction of every code object in `path`.
const BYTECODE: &str = r#"
import dis, json, sys
code = compile(open(sys.argv[1], "rb").read(), sys.argv[1], "exec")
out = []
def walk(c):
    out.append([[i.offset, i.opname, i.arg, i.argrepr] for i in dis.Bytecode(c)])
    for k in c.co_consts:
        if hasattr(k, "co_code"):
            walk(k)
walk(code)
print(json.dumps(out))
"#;

fn flatten(code: &Value, out: &mut Vec<Value>) {
    let instrs: Vec<Value> = code["instructions"]
        .as_array()
        .expect("instructions")
        .iter()
        .map(|i| serde_json::json!([i["offset"], i["opname"], i["arg"], i["argrepr"]]))
        .collect();
    out.push(Value::Array(instrs));
    for child in code["code_objects"].as_array().expect("children") {
        flatten(child, out);
    }
}

#[test]
fn json_instructions_match_each_interpreters_dis_bytecode() {
    let mut by_version = std::collections::BTreeMap::new();
    for interp in flypy_probe::discover() {
        by_version.entry(interp.version).or_insert(interp.path);
    }
    let mut checked = 0;
    for (version, python) in &by_version {
        if !version.at_least(3, 6) {
            eprintln!("skipped {version}: dis.Bytecode does not exist before 3.4");
            continue;
        }
        let python = python.to_string_lossy().into_owned();
        let (code, out, err) = flypy(&[
            "dis",
            "--python",
            &python,
            "--format",
            "json",
            "examples/list_init.py",
        ]);
        assert_eq!(code, 0, "{version}: {err}");
        let doc: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(doc["schema"], "flypy.dis/1");
        let mut got = Vec::new();
        flatten(&doc["files"][0]["code"], &mut got);
        let want = Command::new(&python)
            .current_dir(root())
            .args(["-c", BYTECODE, "examples/list_init.py"])
            .output()
            .expect("python runs");
        let want: Vec<Value> = serde_json::from_slice(&want.stdout).expect("python json");
        let (got, want) = (
            Value::Array(got).to_string(),
            Value::Array(want).to_string(),
        );
        assert_eq!(mask(&got), mask(&want), "{version}");
        checked += 1;
    }
    assert!(checked > 0, "no interpreter 3.6+ found");
}
