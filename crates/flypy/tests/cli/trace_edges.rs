//! Counting from control-flow events (`flypy trace --method edges`, the default on 3.12+)
//! gives exactly the counts of counting every instruction (`--method monitoring`), on a program
//! with every kind of control flow (fixtures/control_flow.py: loops with break, continue and
//! else, short-circuits, exceptions raised part-way through blocks and in callees, re-raises,
//! generators driven by send, throw and close, delegation, async for and with, match,
//! closures, recursion, iterators that raise StopIteration), on every installed CPython 3.12+;
//! with flypy's C callbacks (helper/tally.c) and with the Python ones it falls back to
//! (`FLYPY_TALLY=off`).

use assert_cmd::Command;
use serde_json::Value;

fn trace(python: &str, method: &str, tally: &str) -> Value {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/control_flow.py"
    );
    let out = Command::cargo_bin("flypy")
        .expect("the flypy binary")
        .args([
            "trace", "--format", "json", "--python", python, "--method", method,
        ])
        .arg(fixture)
        .env("FLYPY_TALLY", tally)
        .output()
        .expect("runs");
    flypy_testkit::json_of(&out, &format!("flypy trace --method {method} on {python}"))
}

#[test]
fn derived_counts_equal_instruction_counts() {
    let (mut checked, mut skipped) = (Vec::new(), Vec::new());
    for interp in flypy_probe::discover() {
        let v = interp.version;
        if !v.at_least(3, 12) {
            skipped.push(format!("{v} (no sys.monitoring before 3.12)"));
            continue;
        }
        let python = interp.path.to_string_lossy().into_owned();
        let edges = trace(&python, "edges", "");
        let each = trace(&python, "monitoring", "");
        let slow = trace(&python, "edges", "off");
        assert_eq!(edges["succeeded"], true, "{v}: {}", edges["stderr"]);
        for (run, callbacks) in [(&edges, "C"), (&each, "C"), (&slow, "Python")] {
            assert_eq!(run["callbacks"], callbacks, "{v}: {}", run["method"]);
        }
        assert_eq!(
            edges["code"], slow["code"],
            "{v}: C and Python callbacks differ"
        );
        let method = edges["method"].as_str().unwrap_or_default();
        assert!(
            method.contains("control-flow"),
            "{v}: counted with {method}"
        );
        assert!(
            edges["executed"].as_u64().unwrap_or(0) > 5000,
            "{v}: the fixture ran"
        );
        for (a, b) in edges["code"]
            .as_array()
            .expect("code")
            .iter()
            .zip(each["code"].as_array().expect("code"))
        {
            assert_eq!(a, b, "{v}: {} differs", a["qualname"]);
        }
        assert_eq!(edges["executed"], each["executed"], "{v}");
        assert_eq!(edges["by_opcode"], each["by_opcode"], "{v}");
        checked.push(v.to_string());
    }
    eprintln!(
        "derived counts checked on: {}; skipped: {}",
        checked.join(", "),
        skipped.join(", ")
    );
}
