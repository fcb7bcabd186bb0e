//! `flypy dive` end to end against real interpreters: every built-in case in --quick mode on
//! every version present, the explanation naming exactly the instructions whose measured
//! counts differ and printing only numbers found in the same run's JSON, the full dive with
//! callgrind, every interpreter at once, inline statements, case files, and bad input.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::common::command as flypy;

/// One interpreter per version, 3.7+ (what a dive measures), oldest first; prints the rest.
fn measured_interpreters() -> Vec<flypy_probe::Interpreter> {
    let out = flypy_probe::discover_by_version()
        .into_values()
        .filter_map(|found| found.into_iter().next());
    let (old, new): (Vec<_>, Vec<_>) = out.into_iter().partition(|i| !i.version.at_least(3, 7));
    for i in &old {
        eprintln!(
            "dive tests: {} gets static parts only (checked in pythons_all)",
            i.version
        );
    }
    for v in [
        "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15",
    ] {
        if !new.iter().any(|i| i.version.to_string() == v) {
            eprintln!("dive tests: skipped CPython {v}: not installed");
        }
    }
    new
}

fn dive_json(args: &[&str]) -> Value {
    let out = flypy()
        .arg("dive")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("flypy runs");
    flypy_testkit::json_of(&out, &format!("flypy dive {}", args.join(" ")))
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Every number printed in `text`: (value, decimals). A number is a run of digits (with
/// thousands commas and one decimal point) not glued to a word (`CO2e`, `variant_s1`,
/// `LOAD_CONST 1`'s neighbours are words; `+1.00`, `-3`, `1.30×`, `95%` are numbers).
fn numbers_in(text: &str) -> Vec<(f64, usize, String)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let glued =
            i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == '.');
        if !c.is_ascii_digit() || glued {
            i += 1;
            continue;
        }
        let negative = i > 0 && chars[i - 1] == '-';
        let mut j = i;
        let mut s = String::new();
        let mut decimals = 0;
        let mut after_point = false;
        while j < chars.len() {
            let ch = chars[j];
            let next_digit = chars.get(j + 1).is_some_and(|n| n.is_ascii_digit());
            if ch.is_ascii_digit() {
                s.push(ch);
                if after_point {
                    decimals += 1;
                }
            } else if ch == ',' && next_digit && !after_point {
                // thousands separator
            } else if ch == '.' && next_digit && !after_point {
                s.push('.');
                after_point = true;
            } else {
                break;
            }
            j += 1;
        }
        if let Ok(mut x) = s.parse::<f64>() {
            if negative {
                x = -x;
            }
            out.push((x, decimals, chars[i.saturating_sub(1)..j].iter().collect()));
        }
        i = j;
    }
    out
}

fn all_numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Number(n) => out.extend(n.as_f64()),
        Value::Array(a) => a.iter().for_each(|x| all_numbers(x, out)),
        Value::Object(o) => o.values().for_each(|x| all_numbers(x, out)),
        _ => {}
    }
}

/// Whether `x` printed with `decimals` decimals (or 3 significant digits, or rounded) is the
/// rounding of one of `pool`.
fn found(x: f64, decimals: usize, pool: &[f64]) -> bool {
    let tol = 0.5 * 10f64.powi(-(decimals as i32)) * (1.0 + 1e-9) + 1e-12;
    pool.iter().any(|v| (v - x).abs() <= tol)
}

/// The checks every dive's JSON must pass, for each interpreter in it.
fn check_dive(doc: &Value, context: &str) {
    assert_eq!(doc["schema"], "flypy.dive/1", "{context}");
    for run in doc["pythons"].as_array().expect("pythons") {
        let ctx = format!("{context} on CPython {}", run["python"]);
        // What this interpreter's runs ran with (docs/json.md).
        assert_eq!(run["run_env"]["version"], run["python"], "{ctx}");
        assert!(
            run["run_env"]["env"]["PYTHONHASHSEED"].is_string(),
            "{ctx}: {}",
            run["run_env"]
        );
        if run["static_only"] == true {
            continue;
        }
        let variants = run["variants"].as_array().expect("variants");
        assert!(variants.len() >= 2, "{ctx}");
        // Before 3.7 nothing counts executed instructions (no opcode trace events).
        let countable = !matches!(run["version"].as_str(), Some("2.7" | "3.6"));
        for v in variants {
            assert_eq!(
                v["ops_per_call"].is_object(),
                countable,
                "{ctx}: {} counted or not",
                v["label"]
            );
            assert!(
                v["time"]["mean_s"].as_f64().is_some_and(|t| t > 0.0),
                "{ctx}: not timed"
            );
            assert!(
                v["disassembly"].as_str().is_some_and(|d| !d.is_empty()),
                "{ctx}"
            );
        }
        // The energy method says each thing once (issue 12, item 11).
        if let Some(energy) = run["methods"]["energy"].as_str() {
            let clauses: Vec<&str> = energy.split("; ").collect();
            for (i, c) in clauses.iter().enumerate() {
                assert!(!clauses[..i].contains(c), "{ctx}: {c:?} twice in {energy}");
            }
            assert!(energy.matches("CPU time x").count() <= 1, "{ctx}: {energy}");
        }
        let iterations = run["iterations"].as_u64();
        let comparisons = run["comparisons"].as_array().expect("comparisons");
        assert_eq!(comparisons.len(), variants.len() - 1, "{ctx}");
        let explanations = run["explanation"].as_array().expect("explanation");
        assert_eq!(explanations.len(), comparisons.len(), "{ctx}");
        for (c, e) in comparisons.iter().zip(explanations) {
            let (s, f) = (
                c["slower"].as_u64().unwrap_or(0) as usize,
                c["faster"].as_u64().unwrap_or(0) as usize,
            );
            assert_eq!(
                (e["slower"].as_u64(), e["faster"].as_u64()),
                (Some(s as u64), Some(f as u64))
            );
            let lines: Vec<&str> = e["text"]
                .as_array()
                .expect("text")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let text = lines.join("\n");
            check_names_exactly_the_differing_instructions(
                &variants[s],
                &variants[f],
                iterations,
                &lines,
                &format!("{ctx}, {text}"),
            );
            // Every number printed is a number of this comparison, its two variants, or the
            // confidence level.
            let mut pool = Vec::new();
            all_numbers(c, &mut pool);
            // (the variants' summaries and counts, not their raw timed values and
            // per-instruction listings, which would match almost anything)
            for v in [&variants[s], &variants[f]] {
                let mut v = v.clone();
                if let Some(o) = v.as_object_mut() {
                    o.remove("instructions");
                    if let Some(t) = o.get_mut("time").and_then(Value::as_object_mut) {
                        t.remove("values_s");
                    }
                }
                all_numbers(&v, &mut pool);
            }
            all_numbers(&run["confidence_level_percent"], &mut pool);
            // flypy's one-line accounts of the instructions are text from its reference, kept
            // in the JSON beside each instruction; the numbers checked are the measured ones.
            let mut measured = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let ops = c["ops"].as_array().into_iter().flatten();
            let respecialized = c["specialized_differently"]
                .as_array()
                .into_iter()
                .flatten();
            for o in ops.chain(respecialized) {
                let specialized = o["specialized_summaries"]
                    .as_object()
                    .or_else(|| o["summaries"].as_object())
                    .into_iter()
                    .flatten();
                let texts = o["summary"]
                    .as_str()
                    .into_iter()
                    .chain(specialized.filter_map(|(_, v)| v.as_str()));
                for sum in texts {
                    let sum = sum.split_whitespace().collect::<Vec<_>>().join(" ");
                    measured = measured.replace(&sum, " ");
                }
            }
            for (x, d, shown) in numbers_in(&measured) {
                assert!(
                    found(x, d, &pool),
                    "{ctx}: the explanation's {shown:?} is not in the JSON:\n{text}"
                );
            }
        }
    }
}

/// The explanation's instruction lines and its once-per-call list name exactly the opnames
/// whose per-call counts differ between the two variants (recomputed here from the JSON
/// counts), each in the right group.
fn check_names_exactly_the_differing_instructions(
    slower: &Value,
    faster: &Value,
    iterations: Option<u64>,
    lines: &[&str],
    ctx: &str,
) {
    let counts = |v: &Value| -> BTreeMap<String, f64> {
        v["ops_per_call"]
            .as_object()
            .map(|o| o.iter().map(|(k, n)| (k.clone(), number(n))).collect())
            .unwrap_or_default()
    };
    let (a, b) = (counts(slower), counts(faster));
    let mut each = BTreeSet::new();
    let mut once = BTreeSet::new();
    for op in a.keys().chain(b.keys()) {
        let d = a.get(op).copied().unwrap_or(0.0) - b.get(op).copied().unwrap_or(0.0);
        if d.abs() > 1e-9 {
            match iterations {
                Some(n) if (d / n as f64).abs() >= 0.05 => each.insert(op.clone()),
                Some(_) => once.insert(op.clone()),
                None => each.insert(op.clone()),
            };
        }
    }
    let listed: BTreeSet<String> = lines
        .iter()
        // An instruction line: "  OPNAME   +1.00  (2.00 vs 1.00)…" (wrapped sentences are
        // indented too, but have no "(… vs …)" after a signed number).
        .filter(|l| l.contains("  (") && l.contains(" vs "))
        .filter_map(|l| l.strip_prefix("  "))
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let op = w.next()?;
            let d = w.next()?;
            (op.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && (d.starts_with('+') || d.starts_with('-')))
            .then(|| op.to_owned())
        })
        .collect();
    let joined = lines.join(" ");
    let marker = if iterations.is_some() {
        "Per call, not per iteration: "
    } else {
        "Also per call: "
    };
    let once_listed: BTreeSet<String> = joined
        .split_once(marker)
        .and_then(|(_, rest)| rest.split_once('.').map(|(list, _)| list.to_owned()))
        .map(|list| {
            list.split(", ")
                .filter_map(|p| p.split_whitespace().next())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(listed, each, "per-iteration instructions named: {ctx}");
    assert_eq!(once_listed, once, "once-per-call instructions named: {ctx}");
}

/// Every built-in case in --quick mode on the versions at `parity` positions (two test
/// functions share the versions, so the test harness runs them side by side).
fn every_case_quick(parity: usize) {
    let cases = dive_json_cases();
    for interp in measured_interpreters().iter().skip(parity).step_by(2) {
        for case in &cases {
            let py = interp.path.display().to_string();
            let doc = dive_json(&["--case", case, "--quick", "--python", &py]);
            check_dive(&doc, &format!("case {case}"));
            let run = &doc["pythons"][0];
            assert_eq!(run["static_only"], false);
            assert_eq!(
                run["results_equal"], true,
                "{case} on {}: variants differ",
                interp.version
            );
            assert_eq!(run["iterations"], 1000, "{case}");
            eprintln!("dive tests: {case} on {} checked", interp.version);
        }
    }
}

fn dive_json_cases() -> Vec<String> {
    let out = flypy()
        .args(["cases", "--format", "json"])
        .output()
        .expect("runs");
    let doc: Value = flypy_testkit::json_of(&out, "flypy cases");
    let names: Vec<String> = doc["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect();
    assert!(names.len() >= 12, "{names:?}");
    names
}

#[test]
fn every_case_quick_first_half_of_versions() {
    every_case_quick(0);
}

#[test]
fn every_case_quick_second_half_of_versions() {
    every_case_quick(1);
}

fn have_valgrind() -> bool {
    std::process::Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The default dive with callgrind: machine instructions per variant, C functions, and the
/// explanation's machine-level sentence with numbers from the JSON.
#[test]
fn default_dive_full() {
    if !have_valgrind() {
        eprintln!("dive tests: skipped the full dive: valgrind is not installed");
        return;
    }
    let all = measured_interpreters();
    let Some(interp) = all
        .iter()
        .find(|i| i.version.to_string() == "3.12")
        .or_else(|| all.last())
    else {
        eprintln!("dive tests: skipped the full dive: no 3.7+ interpreter");
        return;
    };
    let py = interp.path.display().to_string();
    let doc = dive_json(&["--python", &py]);
    check_dive(&doc, "default dive");
    assert_eq!(doc["case"]["name"], "list-init");
    let run = &doc["pythons"][0];
    let labels: Vec<&str> = run["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .filter_map(|v| v["label"].as_str())
        .collect();
    assert_eq!(
        labels,
        ["loop_append", "comprehension", "list_range", "star_unpack"]
    );
    for v in run["variants"].as_array().expect("variants") {
        let m = &v["machine"];
        assert!(number(&m["instructions_per_call"]) > 1000.0, "{v}");
        assert!(m["functions"].as_array().is_some_and(|f| !f.is_empty()));
    }
    // The loop against the comprehension: the loop's attribute load, call and POP_TOP per
    // element against the comprehension's LIST_APPEND, as issue #5 says they are.
    let loop_vs_comp = run["comparisons"]
        .as_array()
        .expect("comparisons")
        .iter()
        .find(|c| (c["slower"] == 0 && c["faster"] == 1) || (c["slower"] == 1 && c["faster"] == 0))
        .expect("the loop is compared with the comprehension");
    // Differences are slower − faster; read them as loop − comprehension either way (the
    // order comes from the timings).
    let sign = if loop_vs_comp["slower"] == 0 {
        1.0
    } else {
        -1.0
    };
    let per_iteration: BTreeMap<&str, f64> = loop_vs_comp["ops"]
        .as_array()
        .expect("ops")
        .iter()
        .filter(|o| o["per_iteration"] == true)
        .map(|o| {
            (
                o["op"].as_str().unwrap_or(""),
                sign * number(&o["diff_per_iteration"]).round(),
            )
        })
        .collect();
    assert_eq!(
        per_iteration.get("LIST_APPEND"),
        Some(&-1.0),
        "{per_iteration:?}"
    );
    assert_eq!(
        per_iteration.get("POP_TOP"),
        Some(&1.0),
        "{per_iteration:?}"
    );
    let attr = if interp.version.at_least(3, 12) || !interp.version.at_least(3, 7) {
        "LOAD_ATTR"
    } else {
        "LOAD_METHOD"
    };
    assert_eq!(per_iteration.get(attr), Some(&1.0), "{per_iteration:?}");
    assert!(loop_vs_comp["machine"]["diff_per_call"]
        .as_f64()
        .is_some_and(|d| sign * d > 0.0));
    let text = run["explanation"][0]["text"]
        .as_array()
        .expect("text")
        .iter()
        .filter_map(Value::as_str)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(text.contains("Machine instructions per call:"), "{text}");
}

/// `--pythons all`: every interpreter found, one per version; 2.7 and 3.6 get the disassembly
/// and a note on what they cannot give.
#[test]
fn pythons_all() {
    let out = flypy()
        .args(["pythons", "--format", "json"])
        .output()
        .expect("runs");
    let found: Value = flypy_testkit::json_of(&out, "flypy pythons");
    let versions: BTreeSet<String> = found
        .as_array()
        .or_else(|| found["interpreters"].as_array())
        .expect("interpreters")
        .iter()
        .filter_map(|i| {
            i["version"]
                .as_str()
                .map(|v| v.split('.').take(2).collect::<Vec<_>>().join("."))
        })
        .collect();
    let doc = dive_json(&["--pythons", "all", "--quick"]);
    check_dive(&doc, "--pythons all");
    let runs = doc["pythons"].as_array().expect("pythons");
    let dived: BTreeSet<String> = runs
        .iter()
        .filter_map(|r| r["version"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(dived, versions, "every interpreter present is in the table");
    for r in runs {
        let v = r["version"].as_str().unwrap_or("");
        if v == "2.7" {
            // The default case's [*range(n)] is 3.5+ syntax: 2.7 measures the other three.
            assert_eq!(r["static_only"], false, "{v}");
            assert_eq!(r["variants"].as_array().map(Vec::len), Some(3), "{v}");
            assert!(
                r["notes"]
                    .to_string()
                    .contains("variant_star_unpack: cannot compile it"),
                "{v}"
            );
            assert!(
                r["notes"].as_array().is_some_and(|n| !n.is_empty()),
                "{v} says what it cannot give"
            );
            assert!(
                r["variants"].as_array().is_some_and(|vs| vs
                    .iter()
                    .any(|x| x["disassembly"].as_str().is_some_and(|d| !d.is_empty()))),
                "{v}"
            );
        } else {
            assert_eq!(r["static_only"], false, "{v}");
        }
    }
    if dived.len() >= 2 {
        assert!(doc["version_changes"]
            .as_array()
            .is_some_and(|c| !c.is_empty()));
    }
    // The text form: one table across versions, within 100 columns.
    let out = flypy()
        .args(["dive", "--pythons", "all", "--quick"])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("What changed between versions"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
}

fn any_interpreter() -> Option<String> {
    measured_interpreters()
        .last()
        .map(|i| i.path.display().to_string())
}

#[test]
fn inline_statements_and_text_layout() {
    let Some(py) = any_interpreter() else { return };
    let doc = dive_json(&[
        "--quick",
        "--python",
        &py,
        "-s",
        "n = 200",
        "--iterations",
        "200",
        "r = []\nfor i in range(n):\n    r.append(i)",
        "[i for i in range(n)]",
    ]);
    check_dive(&doc, "inline statements");
    let labels: Vec<&str> = doc["pythons"][0]["variants"]
        .as_array()
        .expect("variants")
        .iter()
        .filter_map(|v| v["label"].as_str())
        .collect();
    assert_eq!(labels, ["s1", "s2"]);
    assert_eq!(doc["pythons"][0]["variants"][0]["call"], "variant_s1(n)");
    // Text: every section, at most 100 columns, no escape codes with NO_COLOR.
    let out = flypy()
        .args(["dive", "--quick", "--python", &py, "--case", "membership"])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    for section in [
        "── Variants",
        "── Side by side",
        "── Executed bytecode",
        "── What the compiler made",
        "── Why",
        "── How this was measured",
    ] {
        assert!(text.contains(section), "{section} missing:\n{text}");
    }
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(!text.contains('\x1b'));
}

fn case_file(dir: &Path, body: &str) -> String {
    let path = dir.join("case.py");
    std::fs::write(&path, body).expect("write");
    path.display().to_string()
}

#[test]
fn case_files_and_bad_input() {
    let Some(py) = any_interpreter() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    // A good case file, printing while it runs: measured, with a note about the output.
    let good = case_file(
        dir.path(),
        "\"\"\"Is a tuple or a list faster to build?\"\"\"\nITERATIONS = 100\n\ndef setup():\n    return {'n': 100}\n\n\
         def variant_list(n):\n    print('hi')\n    return [(i, i) for i in range(n)]\n\n\
         def variant_tuple(n):\n    print('hi')\n    return [[i, i] for i in range(n)]\n",
    );
    let doc = dive_json(&["--quick", "--python", &py, &good]);
    check_dive(&doc, "case file");
    let run = &doc["pythons"][0];
    assert_eq!(
        doc["case"]["question"],
        "Is a tuple or a list faster to build?"
    );
    assert_eq!(
        run["results_equal"], false,
        "the two return different lists"
    );
    let notes = run["notes"].to_string();
    assert!(
        notes.contains("do not all return the same value"),
        "{notes}"
    );
    assert!(notes.contains("bytes to stdout"), "{notes}");

    let fails = |body: &str, code: i32, phrases: &[&str]| {
        let file = case_file(dir.path(), body);
        let out = flypy()
            .args(["dive", "--quick", "--python", &py, "--timeout", "5", &file])
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(code), "{body}\n{err}");
        for p in phrases {
            assert!(err.contains(p), "{p:?} not in: {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
    };
    fails(
        "def variant_a(:\n    pass\ndef variant_b():\n    pass\n",
        2,
        &["case.py", "SyntaxError"],
    );
    fails(
        "def variant_a():\n    return 1/0\n\ndef variant_b():\n    return 1\n",
        3,
        &["ZeroDivisionError", "variant_a"],
    );
    fails("def setup():\n    return {}\n\ndef variant_a(n):\n    return n\n\ndef variant_b(n):\n    return n\n", 2, &["variant_a needs n, which setup() does not return"]);
    fails(
        "def variant_a():\n    while True:\n        pass\n\ndef variant_b():\n    return 1\n",
        3,
        &["still running after 5.0 s"],
    );
    fails(
        "def variant_only():\n    return 1\n",
        2,
        &["at least two variant_* functions"],
    );
    fails(
        "import sys\nsys.exit(4)\ndef variant_a():\n    pass\ndef variant_b():\n    pass\n",
        3,
        &["sys.exit(4)"],
    );
    // Not a case at all.
    let out = flypy()
        .args(["dive", "--case", "nope"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("list-init"));
}

#[test]
fn cases_listing() {
    let out = flypy()
        .arg("cases")
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stdout));
    let out = flypy()
        .args(["cases", "--show", "list-init"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("def variant_comprehension(n):"));
}

#[test]
fn numbers_are_read_as_printed() {
    let got: Vec<(f64, usize)> =
        numbers_in("CO2e 1.30× (95% CI 1,234.5–-3) LOAD_CONST x_2 +96.13 SWAP -3.")
            .into_iter()
            .map(|(x, d, _)| (x, d))
            .collect();
    assert_eq!(
        got,
        [
            (1.30, 2),
            (95.0, 0),
            (1234.5, 1),
            (-3.0, 0),
            (96.13, 2),
            (-3.0, 0)
        ]
    );
    assert!(found(1.3, 2, &[1.2999]));
    assert!(!found(1.3, 2, &[1.31]));
    assert!(found(-3.0, 0, &[-3.0]));
}

/// The dive counts with control-flow events on 3.12+ and derives every instruction's count; on
/// every built-in case (a program calling each variant once) that must equal counting every
/// instruction, instruction by instruction.
#[test]
fn builtin_cases_derived_counts_equal_per_instruction_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = dive_json_cases();
    let interps: Vec<_> = measured_interpreters()
        .into_iter()
        .filter(|i| i.version.at_least(3, 12))
        .collect();
    for case in &cases {
        let out = flypy()
            .args(["cases", "--show", case])
            .output()
            .expect("runs");
        let mut program = String::from_utf8_lossy(&out.stdout).into_owned();
        program.push_str(
            "\n\nif True:\n    _kw = setup() if 'setup' in globals() else {}\n    \
             for _name, _f in list(globals().items()):\n        \
             if _name.startswith('variant_'):\n            \
             _f(*[_kw[p] for p in _f.__code__.co_varnames[:_f.__code__.co_argcount]])\n",
        );
        let path = dir.path().join(format!("{}.py", case.replace('-', "_")));
        std::fs::write(&path, &program).expect("write");
        for interp in &interps {
            let counts = |method: &str| -> Vec<(String, u64, Value)> {
                let out = flypy()
                    .args(["trace", "--format", "json", "--method", method, "--python"])
                    .arg(&interp.path)
                    .arg(&path)
                    .output()
                    .expect("runs");
                let doc: Value = flypy_testkit::json_of(&out, &format!("trace {case} {method}"));
                doc["code"]
                    .as_array()
                    .expect("code")
                    .iter()
                    .flat_map(|c| {
                        let q = c["qualname"].as_str().unwrap_or("").to_owned();
                        c["instructions"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(move |i| {
                                (
                                    q.clone(),
                                    i["offset"].as_u64().unwrap_or(0),
                                    i["count"].clone(),
                                )
                            })
                    })
                    .collect()
            };
            let (edges, every) = (counts("edges"), counts("monitoring"));
            assert!(!edges.is_empty());
            assert_eq!(edges, every, "{case} on {}", interp.version);
        }
    }
    eprintln!(
        "dive tests: derived counts checked on {} cases × {} interpreters",
        cases.len(),
        interps.len()
    );
}

/// A static-only dive (CPython 2.7 compiles only one of the variants: its disassembly, the
/// others named as not compiled) is deterministic, so its whole text is a snapshot. (With two or
/// more that compile, those are measured: see pythons_all.)
#[test]
fn static_only_dive_text() {
    let Some(py27) = flypy_probe::discover()
        .into_iter()
        .find(|i| i.version.to_string() == "2.7")
    else {
        eprintln!("dive tests: skipped the 2.7 snapshot: CPython 2.7 is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = case_file(
        dir.path(),
        "\"\"\"How should I build a list of the numbers 0 to n-1?\"\"\"\nN = 1000\nITERATIONS = N\n\n\n\
         def setup():\n    return {\"n\": N}\n\n\n\
         def variant_comprehension(n):\n    \"\"\"list comprehension\"\"\"\n    return [i for i in range(n)]\n\n\n\
         def variant_star_unpack(n):\n    \"\"\"unpacking into a list display\"\"\"\n    return [*range(n)]\n\n\n\
         def variant_keyword_only(n, *, step=1):\n    \"\"\"keyword-only argument\"\"\"\n    return list(range(0, n, step))\n",
    );
    let out = flypy()
        .args(["dive", "--python"])
        .arg(&py27.path)
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout)
        .replace(&py27.full_version, "2.7.x")
        .replace(&file, "CASE.py");
    insta::assert_snapshot!(text);
}

/// Issue 12, item 8: with `python3` a pyenv-style shim (a bash script that execs the
/// interpreter), the dive runs the interpreter itself, not the script (callgrind would trace
/// bash and pyenv at every start), and says so.
#[test]
fn pyenv_shim_resolves_to_the_real_interpreter() {
    use std::os::unix::fs::PermissionsExt;
    let Some(real) = measured_interpreters()
        .into_iter()
        .find(|i| !flypy_probe::is_script(&i.path))
    else {
        eprintln!("dive tests: skipped the shim test: no 3.7+ interpreter binary");
        return;
    };
    let shims = tempfile::tempdir().expect("temporary folder");
    let shim = shims.path().join("python3");
    std::fs::write(
        &shim,
        format!(
            "#!/usr/bin/env bash\nset -e\nexec {:?} \"$@\"\n",
            real.executable
        ),
    )
    .expect("write the shim");
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = format!(
        "{}:{}",
        shims.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = flypy()
        .args(["dive", "--quick", "--format", "json"])
        .env("PATH", path)
        .output()
        .expect("runs");
    let doc: Value = flypy_testkit::json_of(&out, "flypy dive through a shim");
    let run = &doc["pythons"][0];
    assert_eq!(run["path"], real.executable.as_str(), "{run}");
    let notes = run["notes"].to_string();
    assert!(
        notes.contains(&format!("{} is a wrapper script", shim.display())),
        "{notes}"
    );
}

/// Issue 12, item 13: of several installations of one version, the dive takes one with symbols
/// (the machine level names C functions only with them) and says which it took.
#[test]
fn python_version_prefers_the_installation_with_symbols() {
    let all = flypy_probe::discover();
    let Some(version) = all
        .iter()
        .filter(|i| i.version.at_least(3, 7) && i.symbols == Some(false))
        .map(|i| i.version)
        .find(|v| {
            all.iter()
                .any(|j| j.version == *v && j.symbols == Some(true))
        })
    else {
        eprintln!(
            "dive tests: skipped the symbols choice: no version installed both with and \
             without symbols"
        );
        return;
    };
    let v = version.to_string();
    let doc = dive_json(&["--quick", "--python", &v, "--case", "membership"]);
    let run = &doc["pythons"][0];
    let path = run["path"].as_str().expect("path");
    let chosen = all
        .iter()
        .find(|i| i.path.display().to_string() == path)
        .expect("the interpreter used is one discovered");
    assert_eq!(chosen.symbols, Some(true), "{path}");
    let notes = run["notes"].to_string();
    assert!(
        notes.contains(&format!("installations, using {path} ("))
            && notes.contains("passed over: "),
        "{notes}"
    );
}

/// Issue 12, item 9: when variants return different values, the note comes first (in the
/// notes and on top of the text, not as the last line) and names the variants by value.
#[test]
fn results_that_differ_are_said_first_naming_the_variants() {
    let Some(py) = any_interpreter() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let file = case_file(
        dir.path(),
        "\"\"\"Pairs as tuples or lists?\"\"\"\nITERATIONS = 100\n\ndef setup():\n    return {'n': 100}\n\n\
         def variant_tuples(n):\n    return [(i, i) for i in range(n)]\n\n\
         def variant_lists(n):\n    return [[i, i] for i in range(n)]\n\n\
         def variant_tuples_again(n):\n    return list((i, i) for i in range(n))\n",
    );
    let doc = dive_json(&["--quick", "--python", &py, &file]);
    let run = &doc["pythons"][0];
    assert_eq!(run["results_equal"], false);
    assert_eq!(
        run["result_groups"],
        serde_json::json!([["tuples", "tuples_again"], ["lists"]])
    );
    let first = run["notes"][0].as_str().expect("a note");
    assert!(
        first.contains("tuples and tuples_again return one value, lists another"),
        "{first}"
    );
    let out = flypy()
        .args(["dive", "--quick", "--python", &py, &file])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let at = text
        .find("note: the variants do not all return the same value")
        .expect("the note is printed");
    let variants = text.find("── Variants").expect("the variants");
    assert!(at < variants, "the note comes before the variants:\n{text}");
    assert_eq!(
        text.matches("do not all return the same value").count(),
        1,
        "said once:\n{text}"
    );
}

/// Issue 12, item 7: the temporary file flypy runs the case from never shows: the disassembly's
/// code object reprs, errors and tracebacks name the case file as given, `<case NAME>` for a
/// built-in case and `<case inline>` for statements; a repr is never cut across lines; a
/// traceback shows the user's frames, not flypy's driver.
#[test]
fn temporary_paths_show_the_users_names() {
    let Some(py) = measured_interpreters()
        .into_iter()
        .find(|i| i.version.at_least(3, 7) && !i.version.at_least(3, 12))
        .map(|i| i.path.display().to_string())
    else {
        eprintln!("dive tests: skipped the names test: no 3.7-3.11 (comprehension code objects)");
        return;
    };
    let text = |args: &[&str], ok: bool| {
        let out = flypy()
            .arg("dive")
            .args(args)
            .env("NO_COLOR", "1")
            .output()
            .expect("runs");
        assert_eq!(
            out.status.success(),
            ok,
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let clean = |t: &str| {
        assert!(!t.contains("flypy_case"), "{t}");
        assert!(!t.contains("/tmp/"), "{t}");
    };
    let builtin = text(&["--quick", "--python", &py], true);
    clean(&builtin);
    let repr_lines: Vec<&str> = builtin
        .lines()
        .filter(|l| l.contains("<code object "))
        .collect();
    assert!(!repr_lines.is_empty(), "{builtin}");
    for l in repr_lines {
        assert!(
            l.contains("file \"<case list-init>\", line "),
            "a repr cut or not renamed: {l:?}"
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = case_file(
        dir.path(),
        "def variant_a():\n    return 1/0\n\ndef variant_b():\n    return 1\n",
    );
    let failed = text(&["--quick", "--python", &py, &file], false);
    clean(&failed.replace(&file, "CASE"));
    assert!(
        failed.contains(&format!("File \"{file}\", line 2, in variant_a")),
        "{failed}"
    );
    assert!(
        !failed.contains("_flypy_drive") && !failed.contains(" in main"),
        "{failed}"
    );
    let inline = text(
        &["--quick", "--python", &py, "-s", "n = 3", "1/0", "n + 1"],
        false,
    );
    clean(&inline);
    // An inline statement's frames are the statement's own lines (issue 13).
    assert!(
        inline.contains("File \"<statement 1>\", line 1"),
        "{inline}"
    );
    let broken = text(
        &["--quick", "--python", &py, "-s", "n = 3", "n +", "n + 1"],
        false,
    );
    clean(&broken);
}

/// Issue 12, item 10: labels over 18 characters line up in the variant list and are not cut in
/// the tables; five variants share one table at 100 columns.
#[test]
fn long_labels_line_up_and_are_not_cut() {
    let Some(py) = any_interpreter() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let mut body = String::from(
        "\"\"\"Which container?\"\"\"\nITERATIONS = 50\n\ndef setup():\n    return {'n': 50}\n",
    );
    for (name, expr) in [
        ("in_global_frozenset_lookup", "frozenset(range(n))"),
        ("in_list", "list(range(n))"),
        ("in_tuple", "tuple(range(n))"),
        ("in_dict_keys_of_a_dictionary", "dict.fromkeys(range(n))"),
        ("in_set", "set(range(n))"),
    ] {
        body.push_str(&format!(
            "\ndef variant_{name}(n):\n    \"\"\"{name} doc\"\"\"\n    c = {expr}\n    return sum(1 for i in range(n) if i in c)\n"
        ));
    }
    let file = case_file(dir.path(), &body);
    let out = flypy()
        .args(["dive", "--quick", "--python", &py, &file])
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let docs: Vec<usize> = text
        .lines()
        .filter_map(|l| l.find(" doc").map(|end| l[..end].rfind(' ').unwrap_or(0)))
        .collect();
    assert_eq!(docs.len(), 5, "{text}");
    assert!(
        docs.iter().all(|&c| c == docs[0]),
        "the docs line up: {docs:?}\n{text}"
    );
    assert!(!text.contains('…'), "nothing cut:\n{text}");
    assert_eq!(
        text.matches("time per call (µs)").count(),
        1,
        "one table:\n{text}"
    );
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
}

/// Issue 12, item 12: 2.7 and 3.6 have no opcode trace events, but timing and callgrind need
/// none: their dives give time and machine instructions, and say once that executed bytecode
/// instructions are not countable before 3.7.
#[test]
fn old_versions_get_time_and_machine_counts() {
    let old: Vec<_> = flypy_probe::discover()
        .into_iter()
        .filter(|i| !i.version.at_least(3, 7))
        .collect();
    for v in ["2.7", "3.6"] {
        if !old.iter().any(|i| i.version.to_string() == v) {
            eprintln!("dive tests: skipped CPython {v} timing: not installed");
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let file = case_file(
        dir.path(),
        "\"\"\"Loop or comprehension?\"\"\"\nITERATIONS = 100\n\ndef setup():\n    return {'n': 100}\n\n\
         def variant_loop(n):\n    r = []\n    for i in range(n):\n        r.append(i)\n    return r\n\n\
         def variant_comprehension(n):\n    return [i for i in range(n)]\n",
    );
    let full = have_valgrind();
    let mut seen = BTreeSet::new();
    for interp in old {
        if !seen.insert(interp.version) {
            continue;
        }
        let py = interp.path.display().to_string();
        let mut args = vec!["--python", py.as_str(), file.as_str()];
        if !full {
            args.insert(0, "--quick");
        }
        let doc = dive_json(&args);
        check_dive(&doc, &format!("CPython {}", interp.version));
        let run = &doc["pythons"][0];
        assert_eq!(run["static_only"], false, "{run}");
        assert_eq!(run["results_equal"], true, "{run}");
        for v in run["variants"].as_array().expect("variants") {
            assert!(v["time"]["mean_s"].as_f64().is_some_and(|t| t > 0.0), "{v}");
            assert!(v["ops_per_call"].is_null(), "{v}");
            if full {
                assert!(
                    v["machine"]["instructions_per_call"]
                        .as_f64()
                        .is_some_and(|m| m > 1000.0),
                    "{v}"
                );
            }
        }
        assert_eq!(run["comparisons"].as_array().map(Vec::len), Some(1));
        let notes = run["notes"].to_string();
        assert_eq!(
            notes.matches("not countable before 3.7").count(),
            1,
            "{notes}"
        );
    }
}

/// Issue 13: a case file's `if __name__ == "__main__":` block is not run by the dive (its work
/// was counted into the variants, and a SystemExit there aborted the dive).
#[test]
fn a_case_files_main_block_stays_out_of_the_measured_run() {
    let body = "ITERATIONS = 100\n\ndef setup():\n    return {'n': 100}\n\n\
        def variant_loop(n):\n    r = []\n    for i in range(n):\n        r.append(i)\n    return r\n\n\
        def variant_comp(n):\n    return [i for i in range(n)]\n";
    let main_block = "\nif __name__ == '__main__':\n    for _ in range(97):\n        variant_loop(100)\n    import sys\n    sys.exit(3)\n";
    let dir = tempfile::tempdir().expect("dir");
    let mut per_call = Vec::new();
    for (name, source) in [
        ("plain.py", body.to_owned()),
        ("with_main.py", format!("{body}{main_block}")),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, source).expect("write");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_flypy"))
            .args(["dive", "--quick", "--format", "json"])
            .arg(&path)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let counts: Vec<(String, serde_json::Value)> = doc["pythons"][0]["variants"]
            .as_array()
            .expect("variants")
            .iter()
            .map(|v| (v["label"].to_string(), v["ops_per_call"].clone()))
            .collect();
        per_call.push(counts);
    }
    assert_eq!(per_call[0], per_call[1]);
}

/// Issue 13: a variant that calls sys.exit, with status 0 as with any other, is the case's
/// failure (exit 3) naming the variant, not a missing report.
#[test]
fn a_variant_that_exits_is_named() {
    let dir = tempfile::tempdir().expect("dir");
    for status in ["0", "5"] {
        let path = dir.path().join(format!("exit{status}.py"));
        std::fs::write(
            &path,
            format!("def setup():\n    return {{'n': 10}}\n\ndef variant_a(n):\n    import sys\n    sys.exit({status})\n\ndef variant_b(n):\n    return n\n"),
        )
        .expect("write");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_flypy"))
            .args(["dive", "--quick"])
            .arg(&path)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "sys.exit({status}): {err}");
        assert!(
            err.contains(&format!("variant_a called sys.exit({status})")),
            "{err}"
        );
    }
}

/// Issue 13: an interpreter named twice in --pythons is dived into once.
#[test]
fn pythons_named_twice_count_once() {
    let Some(interp) = flypy_probe::discover()
        .into_iter()
        .find(|i| i.version.at_least(3, 7))
    else {
        eprintln!("skipped: no CPython 3.7+");
        return;
    };
    let v = interp.version.to_string();
    let doc = dive_json(&["--pythons", &format!("{v},{v}"), "--quick"]);
    assert_eq!(doc["pythons"].as_array().map(Vec::len), Some(1), "{v}");
}

/// `flypy dive ARGS` on `interp`: its exit code, stdout and stderr.
fn dive_on(interp: &flypy_probe::Interpreter, args: &[&str]) -> (Option<i32>, String, String) {
    let out = flypy()
        .arg("dive")
        .arg("--python")
        .arg(&interp.path)
        .args(args)
        .output()
        .expect("flypy runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `flypy dive --quick --format json ARGS` on `interp`, which must succeed.
fn quick_dive_json_on(interp: &flypy_probe::Interpreter, args: &[&str]) -> Value {
    let (code, stdout, stderr) =
        dive_on(interp, &[&["--quick", "--format", "json"], args].concat());
    assert_eq!(code, Some(0), "{} {args:?}: {stderr}", interp.version);
    serde_json::from_str(&stdout).expect("JSON")
}

/// Issue 13, item 13: a variant may be a lambda assigned to a variant_* name or a function
/// defined under an `if`, and may have parameters with defaults (a parameter setup() does not
/// give keeps its default; the ones after it are passed by keyword). On every version.
#[test]
fn lambdas_variants_under_if_and_parameters_with_defaults_are_variants() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = case_file(
        dir.path(),
        "\"\"\"Lambda or def?\"\"\"\nimport sys\nITERATIONS = 50\n\n\
         def setup():\n    return {'n': 50, 'stop': 50}\n\n\
         variant_lambda = lambda n: [i for i in range(n)]\n\n\
         if sys.version_info[0] >= 3:\n    def variant_under_if(n, step=1):\n        \
         \"\"\"under an if\"\"\"\n        return list(range(0, n, step))\nelse:\n    \
         def variant_under_if(n, step=1):\n        \"\"\"under an if\"\"\"\n        \
         return list(range(0, n, step))\n\n\
         def variant_gap(n, start=0, stop=None):\n    \"\"\"a default between\"\"\"\n    \
         return list(range(start, stop))\n",
    );
    for interp in crate::common::interpreters("case rules") {
        let v = interp.version.to_string();
        let doc = quick_dive_json_on(&interp, &[&file]);
        let run = &doc["pythons"][0];
        let variants = run["variants"].as_array().expect("variants");
        let calls: Vec<&str> = variants.iter().filter_map(|x| x["call"].as_str()).collect();
        assert_eq!(
            calls,
            [
                "variant_lambda(n)",
                "variant_under_if(n)",
                "variant_gap(n, stop=stop)"
            ],
            "{v}"
        );
        assert_eq!(run["results_equal"], true, "{v}");
        assert_eq!(run["iterations"], 50, "{v}");
        assert_eq!(variants[1]["doc"], "under an if", "{v}");
        for x in variants {
            assert!(
                x["disassembly"].as_str().is_some_and(|d| !d.is_empty()),
                "{v}: {x}"
            );
            assert!(x["time"]["mean_s"].as_f64().is_some_and(|t| t > 0.0), "{v}");
            if interp.version.at_least(3, 7) {
                assert!(
                    x["ops_per_call"].as_object().is_some_and(|o| o
                        .values()
                        .filter_map(Value::as_f64)
                        .sum::<f64>()
                        > 5.0),
                    "{v}: {x}"
                );
            }
        }
    }
}

/// Issue 13, item 13: a class (or anything else not a function) bound to a variant_* name, a
/// generator function, a parameter setup() does not give, and two names for one function are
/// refused before anything is measured, naming the variant (exit 2). On every version.
#[test]
fn a_class_or_other_non_function_as_a_variant_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = "def setup():\n    return {'n': 10}\n\ndef variant_a(n):\n    return n\n\n";
    let cases: [(&str, &str); 7] = [
        ("class variant_b:\n    pass\n", "variant_b is a class"),
        (
            "def variant_b(n):\n    yield n\n",
            "variant_b is a generator function (it has yield)",
        ),
        ("variant_b = 3\n", "variant_b is an int, not a function"),
        (
            "class K(object):\n    def m(self, n):\n        return n\nvariant_b = K().m\n",
            "method, not a function",
        ),
        (
            "def variant_b(n, m):\n    return m\n",
            "variant_b needs m, which setup() does not return",
        ),
        (
            "variant_b = variant_a\n",
            "variant_a and variant_b are the same function",
        ),
        (
            "from os.path import join as variant_b\n",
            "not a function of the case",
        ),
    ];
    for interp in crate::common::interpreters("case rules") {
        let v = interp.version.to_string();
        for (extra, said) in cases {
            let file = case_file(dir.path(), &format!("{base}{extra}"));
            let (code, _, stderr) = dive_on(&interp, &["--quick", &file]);
            assert_eq!(code, Some(2), "{v}: {extra}\n{stderr}");
            assert!(stderr.contains(said), "{v}: {said:?} not in {stderr}");
            assert!(stderr.contains("case.py"), "{v}: {stderr}");
        }
    }
}

/// Issue 12/13: a case's ITERATIONS that is not a positive int is refused, saying what it is
/// (exit 2). On every version.
#[test]
fn iterations_that_is_not_a_positive_int_is_refused_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    for interp in crate::common::interpreters("case rules") {
        let v = interp.version.to_string();
        for (value, said) in [
            ("0", "ITERATIONS = 0 (int) is not a positive int"),
            ("-5", "ITERATIONS = -5 (int)"),
            ("'100'", "ITERATIONS = '100' (str)"),
            ("2.5", "ITERATIONS = 2.5 (float)"),
            ("True", "ITERATIONS = True (bool)"),
            ("10 ** 30", "larger than flypy counts to"),
        ] {
            let file = case_file(
                dir.path(),
                &format!(
                    "ITERATIONS = {value}\n\ndef variant_a():\n    return 1\n\n\
                     def variant_b():\n    return 2\n"
                ),
            );
            let (code, _, stderr) = dive_on(&interp, &["--quick", &file]);
            assert_eq!(code, Some(2), "{v}: {value}\n{stderr}");
            assert!(stderr.contains(said), "{v}: {said:?} not in {stderr}");
        }
    }
}

/// Issue 13, item 13: a variant (or an inline statement) that changes the data setup() gives
/// every call is warned about, naming it and the data; the others are not. On every version.
#[test]
fn a_variant_that_changes_its_input_is_warned_about() {
    for interp in crate::common::interpreters("case rules") {
        let v = interp.version.to_string();
        let doc = quick_dive_json_on(
            &interp,
            &["-s", "r = [3, 1, 2]", "sorted(r)", "r.sort()", "r[:]"],
        );
        let notes = doc["pythons"][0]["notes"].to_string();
        assert!(
            notes.contains("statement 2 changes r, which the setup binds once"),
            "{v}: {notes}"
        );
        assert!(!notes.contains("statement 1 changes"), "{v}: {notes}");
        assert!(!notes.contains("statement 3 changes"), "{v}: {notes}");
    }
}

/// Issue 13, item 13: a case file in the encoding its PEP 263 declaration names (Latin-1 read by
/// flypy, Shift JIS by the interpreter's codec, UTF-8 with a byte order mark) is read as the
/// interpreter would, on every version (2.7 included, which takes undeclared files for ASCII);
/// an undeclared non-UTF-8 file and an unknown codec are errors saying so (exit 2).
#[test]
fn pep_263_encodings_of_case_files_are_read() {
    let versions = crate::common::interpreters("case rules");
    let dir = tempfile::tempdir().expect("tempdir");
    let body = |c: char| {
        format!(
            "\"\"\"Caf{c} or th{c}?\"\"\"\ndef setup():\n    return {{'s': u'caf{c}'}}\n\n\
             def variant_upper(s):\n    \"\"\"{c} upper\"\"\"\n    return s.upper()\n\n\
             def variant_lower(s):\n    \"\"\"{c} lower\"\"\"\n    return s.upper()\n"
        )
    };
    let latin1: Vec<u8> = format!("# -*- coding: latin-1 -*-\n{}", body('é'))
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1"))
        .collect();
    // 日 in Shift JIS is 0x93 0xfa.
    let sjis = format!("# coding: shift_jis\n{}", body('\u{65e5}'))
        .replace('\u{65e5}', "\u{1}")
        .into_bytes()
        .into_iter()
        .flat_map(|b| if b == 1 { vec![0x93, 0xfa] } else { vec![b] })
        .collect::<Vec<u8>>();
    let bom = [b"\xef\xbb\xbf".as_slice(), body('é').as_bytes()].concat();
    for (name, bytes, c) in [
        ("latin1.py", latin1, 'é'),
        ("sjis.py", sjis, '\u{65e5}'),
        ("bom.py", bom, 'é'),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let doc = dive_json(&["--pythons", "all", "--quick", &path.display().to_string()]);
        assert_eq!(
            doc["case"]["question"],
            format!("Caf{c} or th{c}?"),
            "{name}"
        );
        let runs = doc["pythons"].as_array().expect("pythons");
        assert_eq!(runs.len(), versions.len(), "{name}");
        for run in runs {
            let v = &run["python"];
            assert_eq!(run["static_only"], false, "{name} on {v}: {}", run["notes"]);
            assert_eq!(
                run["variants"][0]["doc"],
                format!("{c} upper"),
                "{name} on {v}"
            );
            assert_eq!(run["results_equal"], true, "{name} on {v}");
        }
    }
    let py = versions.last().expect("an interpreter");
    for (name, bytes, said) in [
        (
            "undeclared.py",
            b"s = '\xe9'\ndef variant_a():\n    pass\n".to_vec(),
            "not UTF-8 (line 1, byte 5), and it declares no other encoding",
        ),
        (
            "unknown.py",
            b"# coding: no-such-codec\ndef variant_a():\n    pass\n".to_vec(),
            "cannot decode it as no-such-codec",
        ),
        (
            "bom_and_latin1.py",
            b"\xef\xbb\xbf# coding: latin-1\ndef variant_a():\n    pass\n".to_vec(),
            "byte order mark but declares the encoding latin-1",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let (code, _, stderr) = dive_on(py, &["--quick", &path.display().to_string()]);
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(stderr.contains(said), "{said:?} not in {stderr}");
        assert!(stderr.contains(name), "{stderr}");
    }
}

/// Issue 13, item 13: `return` and `yield` in an inline statement are refused as `flypy time`
/// and timeit refuse them (the statement is compiled on its own first), naming the statement
/// (exit 2), before anything runs. On every version.
#[test]
fn return_and_yield_in_inline_statements_are_refused() {
    for interp in crate::common::interpreters("case rules") {
        let v = interp.version.to_string();
        for (stmt, keyword, line) in [
            ("return 1", "'return'", "line 1"),
            ("yield 1", "'yield'", "line 1"),
            ("r = []\nx = (yield r)", "'yield'", "line 2"),
        ] {
            let (code, _, stderr) = dive_on(&interp, &["--quick", "-s", "n = 1", "n + 1", stmt]);
            assert_eq!(code, Some(2), "{v}: {stmt}\n{stderr}");
            for said in ["statement 2: CPython", keyword, "outside function", line] {
                assert!(stderr.contains(said), "{v}: {said:?} not in {stderr}");
            }
        }
    }
}

/// Issue 13, item 13: a version that cannot compile one variant (`:=` before 3.8, or a variant
/// no version compiles) has each variant compiled on its own and the others measured, saying
/// which was left out, on 3.7+ as on 2.7 and 3.6. One variant that compiles is still an error
/// on a single 3.7+ (see case_files_and_bad_input). On every version.
#[test]
fn a_variant_a_version_cannot_compile_is_measured_without_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = case_file(
        dir.path(),
        "def setup():\n    return {'n': 10}\n\ndef variant_a(n):\n    return n\n\n\
         def variant_walrus(n):\n    return (y := n)\n\ndef variant_bad(n):\n    return n +\n\n\
         def variant_b(n):\n    return n\n",
    );
    for interp in crate::common::interpreters("case rules") {
        let v = interp.version.to_string();
        let doc = quick_dive_json_on(&interp, &[&file]);
        let run = &doc["pythons"][0];
        assert_eq!(run["static_only"], false, "{v}");
        let labels: Vec<&str> = run["variants"]
            .as_array()
            .expect("variants")
            .iter()
            .filter_map(|x| x["label"].as_str())
            .collect();
        let walrus = interp.version.at_least(3, 8);
        let expected: &[&str] = if walrus {
            &["a", "walrus", "b"]
        } else {
            &["a", "b"]
        };
        assert_eq!(labels, expected, "{v}");
        let notes = run["notes"].to_string();
        assert!(
            // At its own line of the case file (the 11th), not of a temporary file.
            notes.contains("variant_bad: cannot compile it (line 11, column"),
            "{v}: {notes}"
        );
        assert!(notes.contains("measured without it"), "{v}: {notes}");
        assert_eq!(
            notes.contains("variant_walrus: cannot compile it"),
            !walrus,
            "{v}: {notes}"
        );
    }
}
