//! `flypy trace` end to end: counts joined with the disassembly, the program's output kept,
//! and the exit codes of the CLI contract.

use assert_cmd::Command;
use serde_json::Value;

fn flypy() -> Command {
    Command::cargo_bin("flypy").expect("the flypy binary")
}

#[test]
fn json_counts_match_the_loop() {
    let out = flypy()
        .args(["trace", "--format", "json", "-c"])
        .arg("t = 0\nfor i in range(25):\n    t += i\nprint(t)\n")
        .output()
        .expect("runs");
    let doc: Value = flypy_testkit::json_of(&out, "flypy");
    assert_eq!(doc["schema"], "flypy.trace/1");
    assert_eq!(doc["stdout"], "300\n");
    let module = &doc["code"][0];
    assert_eq!(module["qualname"], "<module>");
    let count_of = |name: &str| -> Vec<u64> {
        module["instructions"]
            .as_array()
            .expect("instructions")
            .iter()
            .filter(|i| i["opname"] == name)
            .map(|i| i["count"].as_u64().expect("count"))
            .collect()
    };
    assert_eq!(count_of("FOR_ITER"), vec![26]);
    let by_opcode = doc["by_opcode"].as_array().expect("by_opcode");
    let for_iter = by_opcode
        .iter()
        .find(|o| o["opname"] == "FOR_ITER")
        .expect("FOR_ITER total");
    assert_eq!(for_iter["count"], 26);
}

#[test]
fn text_view_keeps_the_programs_output_and_lists_hottest_code_first() {
    let out = flypy()
        .args(["trace", "-c"])
        .arg("def hot():\n    for i in range(100): pass\ndef cold(): pass\nhot()\ncold()\nprint('out')\n")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("out\n"), "{text}");
    let hot = text.find("\nhot (line 1)").expect("hot listed");
    let cold = text.find("\ncold (line 3)").expect("cold listed");
    assert!(hot < cold, "{text}");
    assert!(text.contains("By opcode:") && text.contains("By source line:"));
}

#[test]
fn a_failing_program_exits_3_and_says_how_it_ended() {
    let out = flypy()
        .args(["trace", "-c", "print('partial')\nraise KeyError('k')\n"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("partial\n"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the program raised KeyError: 'k'"), "{err}");
}

#[test]
fn a_missing_script_or_a_syntax_error_is_an_input_error() {
    let out = flypy()
        .args(["trace", "/no/such/script.py"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = flypy()
        .args(["trace", "-c", "x = ("])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot compile it"));
}

#[test]
fn adaptive_view_names_what_specialized() {
    let program = "out = []\nfor i in range(2000):\n    out.append(i)\n";
    let run = |python: Option<&str>| -> Value {
        let mut cmd = flypy();
        cmd.args(["trace", "--adaptive", "--format", "json"]);
        if let Some(p) = python {
            cmd.args(["--python", p]);
        }
        let out = cmd.args(["-c", program]).output().expect("runs");
        flypy_testkit::json_of(&out, "flypy")
    };
    let specialized = |doc: &Value| -> Vec<(String, String)> {
        doc["code"][0]["instructions"]
            .as_array()
            .expect("instructions")
            .iter()
            .filter_map(|i| {
                let s = i["specialized"].as_str()?;
                Some((i["opname"].as_str()?.to_owned(), s.to_owned()))
            })
            .collect()
    };
    // The default interpreter (3.11+ on every machine flypy supports for this).
    assert!(!specialized(&run(None)).is_empty(), "nothing specialized");
    let has_312 = flypy_probe::discover()
        .iter()
        .any(|i| i.version.to_string() == "3.12");
    if has_312 {
        let pairs = specialized(&run(Some("3.12")));
        assert!(
            pairs.contains(&("FOR_ITER".into(), "FOR_ITER_RANGE".into())),
            "{pairs:?}"
        );
        assert!(
            pairs.contains(&("CALL".into(), "CALL_NO_KW_LIST_APPEND".into())),
            "{pairs:?}"
        );
    } else {
        eprintln!("3.12 not present: its specialization names not checked");
    }
}

/// Every way the traced program can end gives exit code 3 and says how, in bounded time.
#[test]
fn every_bad_ending_exits_3_with_its_account() {
    let cases: [(&str, &[&str], &str); 5] = [
        ("import sys; sys.exit(5)", &[], "exited with sys.exit(5)"),
        ("import os; os._exit(9)", &[], "exit status 9"),
        (
            "import ctypes; ctypes.string_at(0)",
            &[],
            "segmentation fault",
        ),
        (
            "while True: pass",
            &["--timeout", "2"],
            "was still running after 2.0 s",
        ),
        (
            "x = bytearray(4 << 30)",
            &["--memory-mib", "512"],
            "raised MemoryError",
        ),
    ];
    for (code, extra, says) in cases {
        let t = std::time::Instant::now();
        let out = flypy()
            .arg("trace")
            .args(extra)
            .args(["-c", code])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(3), "{code}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{code}: {err}");
        assert!(
            t.elapsed() < std::time::Duration::from_secs(30),
            "{code}: {:?}",
            t.elapsed()
        );
    }
}

#[test]
fn a_flood_of_output_is_cut_and_counted() {
    let out = flypy()
        .args([
            "trace",
            "-c",
            "import sys\nfor _ in range(100): sys.stdout.write('x' * (1 << 20))\n",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[flypy: stdout: 103809024 more bytes not shown]"),
        "{}",
        &text[text.len().saturating_sub(300)..]
    );
}
