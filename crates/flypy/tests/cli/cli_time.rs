//! `flypy time` end to end: statistics of real timings, ratios and their significance, the
//! energy figures with their method, pyperf's JSON both ways (checked with pyperf itself when
//! the test venv has it), and the exit codes of the CLI contract.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::common::command as flypy;

const QUICK: [&str; 6] = ["--processes", "3", "--values", "3", "--min-time", "0.005"];

#[test]
fn two_statements_get_statistics_a_ratio_and_energy() {
    let out = flypy()
        .args(["time", "--format", "json", "--calls-per-day", "1000000"])
        .args(QUICK)
        .args(["-s", "n = 2000", "sum(list(range(n)))", "n + 1"])
        .output()
        .expect("runs");
    let doc: Value = flypy_testkit::json_of(&out, "flypy time");
    assert_eq!(doc["schema"], "flypy.time/1");
    // What the workers ran with (docs/json.md): flypy always gives them a hash seed, the
    // user's or its own.
    assert!(
        doc["run_env"]["env"]["PYTHONHASHSEED"].is_string(),
        "{}",
        doc["run_env"]
    );
    assert!(doc["how"]
        .as_str()
        .unwrap_or_default()
        .contains("as timeit does"));
    let slow = &doc["statements"][0];
    assert_eq!(slow["values"].as_array().map(Vec::len), Some(9));
    let ratio = &slow["ratio_to_fastest"];
    let r = ratio["ratio"].as_f64().expect("a ratio");
    let (lo, hi) = (ratio["ci95"][0].as_f64(), ratio["ci95"][1].as_f64());
    assert!(
        lo.is_some_and(|l| l <= r) && hi.is_some_and(|h| h >= r),
        "{ratio}"
    );
    assert!(
        r > 10.0,
        "summing 2000 numbers is far slower than one addition: {r}"
    );
    let energy = &slow["energy"];
    assert!(energy["joules_per_call"].as_f64().unwrap_or(0.0) > 0.0);
    assert!(energy["method"]["kind"].is_string(), "{energy}");
    assert!(slow["projection"]["kg_co2e_per_year"].as_f64().is_some());
    assert!(doc["statements"][1]["ratio_to_fastest"].is_null());
}

/// A pyperf file of one benchmark with these runs' values.
fn pyperf_file(dir: &Path, name: &str, runs: &[[f64; 3]]) -> PathBuf {
    let runs: Vec<Value> = runs
        .iter()
        .map(|v| json!({"metadata": {"date": "2026-01-01 00:00:00"}, "warmups": [[8, v[0]]], "values": v}))
        .collect();
    let doc = json!({"version": "1.0",
                     "metadata": {"name": name, "loops": 8, "unit": "second"},
                     "benchmarks": [{"runs": runs}]});
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, doc.to_string()).expect("write");
    path
}

#[test]
fn pyperf_files_are_read_and_equal_timings_are_no_significant_difference() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runs = [
        [1.0e-5, 1.1e-5, 0.9e-5],
        [1.2e-5, 1.0e-5, 1.1e-5],
        [0.95e-5, 1.05e-5, 1.0e-5],
    ];
    let a = pyperf_file(dir.path(), "a", &runs);
    let b = pyperf_file(dir.path(), "b", &runs);
    let out = flypy()
        .arg("time")
        .arg("--load")
        .arg(&a)
        .arg("--load")
        .arg(&b)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no significant difference"), "{text}");
    assert!(
        text.contains("9 values (8 loops each) from 3 processes"),
        "{text}"
    );
    // Twice as slow in every run: significant, and exactly 2.
    let slower: Vec<[f64; 3]> = runs.iter().map(|r| r.map(|v| v * 2.0)).collect();
    let c = pyperf_file(dir.path(), "c", &slower);
    let out = flypy()
        .args(["time", "--format", "json"])
        .arg("--load")
        .arg(&c)
        .arg("--load")
        .arg(&a)
        .output()
        .expect("runs");
    let doc: Value = flypy_testkit::json_of(&out, "flypy time --load");
    let r = &doc["statements"][0]["ratio_to_fastest"];
    assert!(
        (r["ratio"].as_f64().unwrap_or(0.0) - 2.0).abs() < 1e-12,
        "{r}"
    );
    assert_eq!(r["p_value"], 0.0);
    // Loaded times were not run by flypy: what they ran with is not claimed.
    assert_eq!(doc["run_env"], Value::Null);
}

#[test]
fn bad_files_and_failing_statements_get_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"version\": \"2\"}").expect("write");
    let out = flypy()
        .arg("time")
        .arg("--load")
        .arg(&junk)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a pyperf file"));
    let out = flypy()
        .args(["time"])
        .args(QUICK)
        .args(["pass", "1/0"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("statement 2 raised ZeroDivisionError"),
        "{err}"
    );
    let out = flypy()
        .args(["time"])
        .args(QUICK)
        .args(["x = ("])
        .output()
        .expect("runs");
    // Code that does not compile is bad input (issue 13): exit 2, naming the statement.
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("statement 1: CPython"));
}

/// The test venv's interpreter with pyperf from PyPI (scripts/test-all makes it).
fn pyperf_python() -> Option<PathBuf> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/test-venv/bin/python");
    let ok = std::process::Command::new(&python)
        .args(["-c", "import pyperf"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

#[test]
fn pyperf_reads_flypys_files_and_flypy_reads_pyperfs() {
    let Some(python) = pyperf_python() else {
        eprintln!("skipped: no target/test-venv with pyperf (scripts/test-all makes it)");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let out = flypy()
        .args(["time", "--format", "pyperf", "--python"])
        .arg(&python)
        .args(QUICK)
        .args(["-s", "n = 500", "sum(range(n))", "n * (n - 1) // 2"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = dir.path().join("flypy.json");
    std::fs::write(&ours, &out.stdout).expect("write");
    let stats = std::process::Command::new(&python)
        .args(["-m", "pyperf", "stats"])
        .arg(&ours)
        .output()
        .expect("pyperf runs");
    let text = String::from_utf8_lossy(&stats.stdout);
    assert!(
        stats.status.success(),
        "{}",
        String::from_utf8_lossy(&stats.stderr)
    );
    assert!(
        text.contains("sum(range(n))") && text.contains("Mean +- std dev"),
        "{text}"
    );
    let compare = std::process::Command::new(&python)
        .args(["-m", "pyperf", "compare_to"])
        .arg(&ours)
        .arg(&ours)
        .output()
        .expect("pyperf runs");
    let text = String::from_utf8_lossy(&compare.stdout);
    assert!(
        compare.status.success(),
        "{}",
        String::from_utf8_lossy(&compare.stderr)
    );
    assert!(text.contains("n * (n - 1) // 2"), "{text}");
    // pyperf's own timing, read by flypy.
    let theirs = dir.path().join("pyperf.json");
    let run = std::process::Command::new(&python)
        .args([
            "-m", "pyperf", "timeit", "--quiet", "-p", "2", "-n", "2", "-l", "100", "-o",
        ])
        .arg(&theirs)
        .args(["-s", "n = 500", "sum(range(n))"])
        .output()
        .expect("pyperf runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let out = flypy()
        .args(["time", "--format", "json", "--load"])
        .arg(&theirs)
        .output()
        .expect("runs");
    let doc: Value = flypy_testkit::json_of(&out, "flypy time --load");
    assert_eq!(
        doc["statements"][0]["values"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(doc["statements"][0]["loops"], 100);
}
