//! `flypy trace` end to end: counts joined with the disassembly, the program's output kept,
//! and the exit codes of the CLI contract.

use serde_json::Value;

use crate::common::command as flypy;

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

/// Issue 12: on 3.7–3.11 an instruction behind EXTENDED_ARG read 0 (its opcode event lands on
/// the prefix); the loop's FOR_ITER, conditional jump and jump back get their real counts.
#[test]
fn extended_arg_prefixed_instructions_get_their_counts() {
    let body: String = (0..60).map(|k| format!("            t += {k}\n")).collect();
    let source =
        format!("def f(n):\n    t = 0\n    for i in range(n):\n        if i % 2:\n{body}    return t\nprint(f(10))\n");
    let (mut checked, mut skipped) = (Vec::new(), Vec::new());
    for interp in flypy_probe::discover() {
        if !interp.version.at_least(3, 7) {
            skipped.push(interp.version.to_string());
            continue;
        }
        let out = flypy()
            .args(["trace", "--format", "json", "--python"])
            .arg(&interp.path)
            .args(["-c", &source])
            .output()
            .expect("runs");
        let doc: Value = flypy_testkit::json_of(&out, "flypy trace");
        let f = doc["code"]
            .as_array()
            .expect("code")
            .iter()
            .find(|c| c["qualname"] == "f")
            .expect("f listed");
        let rows = f["instructions"].as_array().expect("instructions");
        let v = interp.version;
        let mut prefixed = 0;
        for (k, row) in rows.iter().enumerate() {
            if row["opname"] != "EXTENDED_ARG" {
                continue;
            }
            let Some(next) = rows[k + 1..].iter().find(|r| r["opname"] != "EXTENDED_ARG") else {
                continue;
            };
            prefixed += 1;
            assert_eq!(
                next["count"], row["count"],
                "{v}: {} at {} behind EXTENDED_ARG",
                next["opname"], next["offset"]
            );
        }
        let count_of = |op: &str| {
            rows.iter()
                .find(|r| r["opname"] == op)
                .map(|r| r["count"].clone())
        };
        assert_eq!(count_of("FOR_ITER"), Some(Value::from(11)), "{v}: FOR_ITER");
        if v.at_least(3, 8) && !v.at_least(3, 10) || v.minor == 11 {
            assert!(prefixed > 0, "{v}: the loop should need EXTENDED_ARG");
        }
        checked.push(v.to_string());
    }
    say_checked(&checked, &skipped);
}

/// Issue 12: after os._exit, a crash or a timeout the counts are unknown, not 0.
#[test]
fn counts_are_unknown_when_the_program_takes_the_helper_down() {
    let out = flypy()
        .args(["trace", "-c", "import os\nos._exit(4)\n"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Executed instructions: unknown ("),
        "{text}"
    );
    assert!(!text.contains("By opcode"), "{text}");
    let out = flypy()
        .args([
            "trace",
            "--format",
            "json",
            "--timeout",
            "1",
            "-c",
            "while True: pass",
        ])
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(doc["counts_known"], false);
    assert!(doc["executed"].is_null());
    assert!(doc["code"][0]["instructions"][1]["count"].is_null());
}

/// Issue 12: sys.exit's argument read as CPython reads it (False is 0, True is 1, an int
/// beyond a C long is -1, so status 255), never a failure of flypy's helper.
#[test]
fn sys_exit_statuses_are_those_python_gives() {
    let cases: [(&str, i32, &str); 4] = [
        ("sys.exit(False)", 0, "the program finished"),
        ("sys.exit(True)", 3, "exited with sys.exit(1)"),
        ("sys.exit(2**70)", 3, "exited with status 255"),
        ("sys.exit(256)", 0, "the program finished"),
    ];
    for (call, code, says) in cases {
        let out = flypy()
            .args(["trace", "-c", &format!("import sys\n{call}\n")])
            .output()
            .expect("runs");
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.status.code(), Some(code), "{call}: {all}");
        assert!(all.contains(says), "{call}: {all}");
        assert!(!all.contains("helper failed"), "{call}: {all}");
    }
}

/// Issue 12: an exception whose __str__ raises is reported as Python would, and the counts
/// are kept; the traceback has the user's frames and names, not flypy's helper or temp files.
#[test]
fn an_exception_that_cannot_print_itself_keeps_the_counts_and_the_users_traceback() {
    let code = "class Boom(Exception):\n    def __str__(self):\n        raise RuntimeError\n\ndef f():\n    raise Boom\n\nf()\n";
    let out = flypy().args(["trace", "-c", code]).output().expect("runs");
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("raised Boom: <exception str() failed>"),
        "{err}"
    );
    assert!(
        text.contains("\nf (line 5): 4 executed") || text.contains("\nf (line 5): 3 executed"),
        "{text}"
    );
    assert!(err.contains("File \"<string>\", line 6, in f"), "{err}");
    assert!(
        err.contains("File \"<string>\", line 8, in <module>"),
        "{err}"
    );
    assert!(!err.contains("in main"), "{err}");
    assert!(!format!("{text}{err}").contains("/tmp"), "{text}{err}");
    // The listing names -c code as Python does.
    assert!(text.contains("file \"<string>\", line 5>"), "{text}");
}

/// Issue 13: a process the program starts in a session of its own (out of reach of the
/// program's process group) and that keeps stdout open does not hold flypy up: reading stops a
/// moment after the program ends, and flypy says so.
#[test]
fn output_held_open_by_a_detached_process_does_not_hold_flypy() {
    let dir = tempfile::tempdir().expect("dir");
    let pid_file = dir.path().join("sleeper");
    let code = format!(
        "import subprocess\np = subprocess.Popen(['sleep', '60'], start_new_session=True)\nopen({:?}, 'w').write(str(p.pid))\nprint('started')\n",
        pid_file.display().to_string()
    );
    let t = std::time::Instant::now();
    let out = flypy()
        .args(["trace", "--timeout", "30", "-c", &code])
        .output()
        .expect("runs");
    let took = t.elapsed();
    // The sleeper is the test's to stop (flypy cannot reach it).
    if let Ok(pid) = std::fs::read_to_string(&pid_file) {
        let _ = std::process::Command::new("kill").arg(pid.trim()).status();
    }
    assert!(out.status.success());
    assert!(took < std::time::Duration::from_secs(15), "{took:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("started\n"), "{text}");
    assert!(text.contains("[flypy: stdout: still held open"), "{text}");
}

/// Issue 13: settrace counting keyed each event by its code object, hashing the whole code
/// object (~220 us an event for a 20,000-line function, growing with its size): a 40,000-line
/// function took minutes. Keyed by identity it takes seconds; the timeout is ten times that.
#[test]
fn settrace_counting_does_not_grow_with_the_code_objects_size() {
    let body: String = (0..40_000).map(|k| format!("    x += {k}\n")).collect();
    let source = format!("def f():\n    x = 0\n{body}    return x\nf()\n");
    let Some(interp) = flypy_probe::discover()
        .into_iter()
        .find(|i| i.version.at_least(3, 7))
    else {
        eprintln!("skipped: no CPython 3.7+");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let script = dir.path().join("long.py");
    std::fs::write(&script, source).expect("write");
    let out = flypy()
        .args([
            "trace",
            "--method",
            "settrace",
            "--timeout",
            "60",
            "--python",
        ])
        .arg(&interp.path)
        .arg(&script)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}: {}",
        interp.version,
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("\nf (line 1): "), "{text:.300}");
}

/// Issue 13: `--python 3.12.1` picks that release (and a release not installed is not found).
#[test]
fn python_accepts_an_exact_release() {
    let Some(interp) = flypy_probe::discover()
        .into_iter()
        .find(|i| i.version.at_least(3, 7) && i.full_version.split('.').count() == 3)
    else {
        eprintln!("skipped: no CPython 3.7+ with an X.Y.Z version");
        return;
    };
    let out = flypy()
        .args(["trace", "--python", &interp.full_version, "-c", "pass"])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains(&format!("(CPython {},", interp.full_version)),
        "{text}"
    );
    let missing = format!("{}.{}.999", interp.version.major, interp.version.minor);
    let out = flypy()
        .args(["trace", "--python", &missing, "-c", "pass"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

/// `flypy trace --format json --python PY [--method M] -c CODE`, as JSON, and its stderr.
fn trace_json(python: &std::path::Path, method: Option<&str>, code: &str) -> (Value, String) {
    let mut cmd = flypy();
    cmd.args(["trace", "--format", "json", "--python"])
        .arg(python);
    if let Some(m) = method {
        cmd.args(["--method", m]);
    }
    let out = cmd.args(["-c", code]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    (doc, stderr)
}

/// Issue 13 item 15: a program that stops flypy's counting part-way (sys.settrace replaces
/// the settrace counter and, once a tracer is set, stops sys.monitoring's INSTRUCTION events;
/// freeing flypy's sys.monitoring tool stops its events) gets counts said to be incomplete,
/// and the run is not reported as raising from flypy's helper. A program that profiles itself
/// with cProfile (sys.monitoring's PROFILER_ID from 3.12) runs as it would.
#[test]
fn a_program_that_stops_the_counting_gets_counts_said_to_be_incomplete() {
    let tracer =
        "import sys\nsys.settrace(lambda *a: None)\nsys.settrace(None)\nfor i in range(10): pass\n";
    let frees = "import sys\nsys.monitoring.free_tool_id(4)\nfor i in range(10): pass\n";
    let profiles = "import cProfile\ncProfile.run('sum(range(10))')\n";
    let (mut checked, mut skipped) = (Vec::new(), Vec::new());
    for interp in flypy_probe::discover() {
        let v = interp.version;
        if !v.at_least(3, 7) {
            skipped.push(v.to_string());
            continue;
        }
        let mut cases = vec![(Some("settrace"), tracer)];
        if v.at_least(3, 12) {
            // By default (edges), events that stopped are not derived from: every instruction
            // is counted in a second run, which says what it missed.
            cases.extend([
                (Some("monitoring"), tracer),
                (None, frees),
                (Some("monitoring"), frees),
            ]);
        }
        for (method, code) in cases {
            let (doc, stderr) = trace_json(&interp.path, method, code);
            let method = method.unwrap_or("default");
            assert_eq!(doc["succeeded"], true, "{v} {method}: {stderr}");
            let why = doc["incomplete"].as_str().unwrap_or_default();
            assert!(why.contains("the program"), "{v} {method}: {doc}");
            assert!(
                stderr.contains("the counts are incomplete"),
                "{v} {method}: {stderr}"
            );
        }
        let (doc, stderr) = trace_json(&interp.path, None, "for i in range(10): pass\n");
        assert_eq!(doc["incomplete"], Value::Null, "{v}: {stderr}");
        if v.at_least(3, 12) {
            let (doc, stderr) = trace_json(&interp.path, None, profiles);
            assert_eq!(doc["succeeded"], true, "{v}: {stderr}");
            assert!(
                doc["stdout"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("function calls"),
                "{v}: {doc}"
            );
        }
        checked.push(v.to_string());
    }
    say_checked(&checked, &skipped);
}

/// From 3.13 a `-c` program's traceback shows its source lines, as `python -c` does, not the
/// lines of flypy's helper (itself run with -c).
#[test]
fn dash_c_tracebacks_show_the_programs_own_lines() {
    let mut checked = Vec::new();
    for interp in flypy_probe::discover() {
        if !interp.version.at_least(3, 7) {
            continue; // no exact counting there (a test of its own)
        }
        let (doc, stderr) = trace_json(&interp.path, None, "x = 1\n1 / 0\n");
        assert_eq!(doc["succeeded"], false, "{}", interp.version);
        assert!(stderr.contains("ZeroDivisionError"), "{stderr}");
        assert!(!stderr.contains("argv:"), "{}: {stderr}", interp.version);
        if interp.version.at_least(3, 13) {
            assert!(
                stderr.contains("    1 / 0\n"),
                "{}: {stderr}",
                interp.version
            );
        }
        checked.push(interp.version.to_string());
    }
    eprintln!("checked on {}", checked.join(", "));
}

/// Which versions a test checked, and which it skipped (none silently).
fn say_checked(checked: &[String], skipped: &[String]) {
    eprintln!(
        "checked on {}; skipped {}",
        checked.join(", "),
        skipped.join(", ")
    );
}

/// Issue 14: a trace's `run_env` is what the program ran with. `PYTHON_JIT=1` in flypy's
/// environment reaches the program on 3.14+ (its JIT is then on) and `run_env` says so;
/// `PYTHONMALLOC`, absent from flypy's environment, is not claimed; flypy's own hash seed is;
/// and `run_env.env` is exactly the `PYTHON*` variables the program itself sees.
#[test]
fn run_env_is_what_the_program_ran_with() {
    let Some(jit) = crate::common::interpreters("run_env")
        .into_iter()
        .find(|i| i.version.profile().jit_capable)
    else {
        eprintln!("run_env: skipped: no CPython 3.14+ (the JIT's versions) installed");
        return;
    };
    let code = "import json, os, sys\n\
                jit = getattr(sys, '_jit', None)\n\
                env = dict((k, v) for k, v in os.environ.items() if k.startswith('PYTHON'))\n\
                on = jit.is_enabled() if jit and jit.is_available() else None\n\
                print(json.dumps({'env': env, 'jit': on}))\n";
    let out = flypy()
        .args(["trace", "--format", "json", "--python"])
        .arg(&jit.path)
        .args(["-c", code])
        .env("PYTHON_JIT", "1")
        .env_remove("PYTHONMALLOC")
        .output()
        .expect("runs");
    let doc: Value = flypy_testkit::json_of(&out, "flypy");
    let run_env = &doc["run_env"];
    assert_eq!(run_env["env"]["PYTHON_JIT"], "1", "{run_env}");
    assert_eq!(run_env["env"]["PYTHONHASHSEED"], "0", "{run_env}");
    assert!(run_env["env"].get("PYTHONMALLOC").is_none(), "{run_env}");
    assert_eq!(run_env["flags"], serde_json::json!([]), "{run_env}");
    assert_eq!(run_env["version"], jit.full_version.as_str());
    assert_eq!(run_env["path"], jit.path.display().to_string());
    let seen: Value =
        serde_json::from_str(doc["stdout"].as_str().expect("stdout")).expect("the program's JSON");
    assert_eq!(seen["env"], run_env["env"], "what the program saw");
    // A build without the JIT (no sys._jit, or one that says it is not available) gives null;
    // one with it has it on.
    assert_ne!(seen["jit"], false, "PYTHON_JIT=1 did not turn the JIT on");
}
