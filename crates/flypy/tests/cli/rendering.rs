//! Issue 13, item 14: what flypy prints is readable wherever it goes: no escape codes for a
//! terminal that cannot take them (`TERM=dumb`), JSON when JSON is asked for, and huge
//! figures with units and exponents instead of hundreds of digits.

use crate::common::{flypy, interpreters, stdout_of};
use std::process::Command;

/// `flypy ARGS` with stdout and stderr on a pseudo-terminal (so flypy sees a terminal), `TERM`
/// set to `term`: everything it wrote there. Python's `pty` module makes the terminal.
fn on_a_terminal(term: &str, args: &[&str]) -> String {
    let driver = "import os, pty, sys\n\
        pid, fd = pty.fork()\n\
        if pid == 0:\n    os.execv(sys.argv[1], sys.argv[1:])\n\
        out = b''\n\
        while True:\n    try:\n        chunk = os.read(fd, 65536)\n    except OSError:\n        break\n    \
        if not chunk:\n        break\n    out += chunk\n\
        _, status = os.waitpid(pid, 0)\n\
        sys.stdout.buffer.write(out)\n\
        sys.exit(os.WEXITSTATUS(status))\n";
    let out = Command::new("python3")
        .args(["-c", driver, env!("CARGO_BIN_EXE_flypy")])
        .args(args)
        .env("TERM", term)
        .env_remove("NO_COLOR")
        .output()
        .expect("python3 runs flypy on a pseudo-terminal");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "flypy {args:?} on TERM={term}: {text}"
    );
    text
}

/// `TERM=dumb` (Emacs' shell, some CI logs) gets neither bold headings nor the progress line's
/// erase codes; a terminal that takes them still gets them (so the pseudo-terminal works).
/// Across every interpreter present at once (`--pythons all`): what is printed does not
/// depend on the version.
#[test]
fn term_dumb_gets_no_escape_codes() {
    let dumb = on_a_terminal("dumb", &["dive", "--quick", "--pythons", "all"]);
    assert!(dumb.contains("flypy dive"), "{dumb}");
    assert!(
        !dumb.contains('\x1b'),
        "escape codes for TERM=dumb:\n{dumb:?}"
    );
    let any = interpreters("rendering tests")
        .into_iter()
        .find(|i| i.version.at_least(3, 7))
        .expect("a CPython 3.7+");
    let python = any.path.display().to_string();
    let xterm = on_a_terminal("xterm", &["dive", "--quick", "--python", &python]);
    assert!(
        xterm.contains("\x1b[1m"),
        "no bold for TERM=xterm:\n{xterm:?}"
    );
}

/// `cases --show NAME --format json` is a JSON document with the source the text form prints,
/// for every built-in case.
#[test]
fn cases_show_json_is_json() {
    let listing: serde_json::Value = flypy_testkit::json_of(
        &flypy(&["cases", "--format", "json"]),
        "flypy cases --format json",
    );
    let cases = listing["cases"].as_array().expect("cases");
    assert!(cases.len() >= 12);
    for case in cases {
        let name = case["name"].as_str().expect("a name");
        let doc: serde_json::Value =
            flypy_testkit::json_of(&flypy(&["cases", "--show", name, "--format", "json"]), name);
        assert_eq!(doc["schema"], "flypy.case/1", "{name}");
        assert_eq!(doc["name"], name);
        assert_eq!(doc["question"], case["question"], "{name}");
        let text = flypy(&["cases", "--show", name]);
        assert_eq!(
            doc["source"].as_str(),
            Some(String::from_utf8_lossy(&text.stdout).as_ref()),
            "{name}"
        );
    }
}

/// The longest run of digits in `text`.
fn longest_digits(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit())
        .map(str::len)
        .max()
        .unwrap_or(0)
}

/// Absurd figures (1e300 calls a day, pyperf values of 1e300 s) come out with units and
/// exponents, never as walls of digits; so does an absurd --cpu-watts in its error.
#[test]
fn huge_values_get_exponents_not_walls_of_digits() {
    let quick = ["--processes", "2", "--values", "2", "--min-time", "0.001"];
    for interp in interpreters("rendering tests") {
        let py = interp.path.display().to_string();
        let v = interp.version.to_string();
        let mut args = vec!["time", "--python", &py, "--calls-per-day", "1e300"];
        args.extend(quick);
        args.extend(["pass", "x = 1"]);
        let text = stdout_of(&flypy(&args), &v);
        assert!(text.contains("At 1.000e300 calls a day"), "{v}: {text}");
        let per_year: Vec<&str> = text.lines().filter(|l| l.contains(" kWh")).collect();
        assert!(
            !per_year.is_empty() && per_year.iter().all(|l| l.contains("e2")),
            "{v}: kWh a year with an exponent: {text}"
        );
        assert!(longest_digits(&text) < 16, "{v}: {text}");
        let mut args = vec!["time", "--python", &py, "--cpu-watts", "1e300"];
        args.extend(quick);
        args.push("pass");
        let out = flypy(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{v}: {err}");
        assert!(
            err.contains("--cpu-watts") && err.contains("1.000e300 W per core"),
            "{v}: {err}"
        );
        assert!(longest_digits(&err) < 16, "{v}: {err}");
    }
    // pyperf files can hold anything: seconds of 1e300 and 1e-300 per loop.
    let dir = tempfile::tempdir().expect("dir");
    let mut args = vec!["time".to_owned()];
    for (name, value) in [("huge", 1e300), ("tiny", 1e-300)] {
        let runs: Vec<serde_json::Value> = (1..=3)
            .map(|k| serde_json::json!({"values": [value * f64::from(k), value, value]}))
            .collect();
        let doc = serde_json::json!({"version": "1.0",
            "metadata": {"name": name, "loops": 1, "unit": "second"},
            "benchmarks": [{"runs": runs}]});
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, doc.to_string()).expect("write");
        args.extend(["--load".to_owned(), path.display().to_string()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let text = stdout_of(&flypy(&args), "pyperf files");
    assert!(text.contains("e300 s"), "{text}");
    assert!(longest_digits(&text) < 16, "{text}");
}

/// Issue 14: the JSON does not depend on the terminal. The dive's explanation is there as
/// blocks (numbers with their values) and one unwrapped string per block, whatever `--width`
/// says; each string is its block's spans as printed, and each number's text is its value.
#[test]
fn the_dive_json_is_not_wrapped_at_the_width() {
    let any = interpreters("rendering tests")
        .into_iter()
        .find(|i| i.version.at_least(3, 7))
        .expect("a CPython 3.7+");
    let python = any.path.display().to_string();
    let out = flypy(&[
        "dive", "--quick", "--python", &python, "--format", "json", "--width", "60",
    ]);
    let doc: serde_json::Value = flypy_testkit::json_of(&out, "flypy dive --format json");
    let mut longest = 0;
    for run in doc["pythons"].as_array().expect("pythons") {
        for e in run["explanation"].as_array().expect("explanation") {
            let texts = e["text"].as_array().expect("text");
            let blocks = e["blocks"].as_array().expect("blocks");
            assert_eq!(texts.len(), blocks.len(), "{e}");
            for (t, b) in texts.iter().zip(blocks) {
                let t = t.as_str().expect("a string");
                longest = longest.max(t.chars().count());
                let mut parts = Vec::new();
                for key in ["line", "name", "value", "detail", "note"] {
                    let Some(spans) = b[key].as_array() else {
                        continue;
                    };
                    let mut said = String::new();
                    for s in spans {
                        let shown = s["text"]
                            .as_str()
                            .or(s["shown"].as_str())
                            .or(s["opname"].as_str())
                            .expect("a span says something");
                        said.push_str(shown);
                        if let Some(u) = s["unit"].as_str() {
                            said.push_str(u);
                        }
                        if s["kind"] == "number" {
                            let value = s["value"].as_f64().expect("a value");
                            let read: f64 = shown.replace([',', '+'], "").parse().expect(shown);
                            let tolerance = 0.51 * 10f64.powi(-(decimals(shown) as i32));
                            assert!(
                                (read - value).abs() <= tolerance.max(value.abs() * 0.006),
                                "{shown:?} is not {value}"
                            );
                        }
                    }
                    parts.push(said);
                }
                let said = parts.join(" ");
                // Rows are aligned in the text; their words are the spans'.
                let words = |x: &str| x.split_whitespace().collect::<Vec<_>>().join(" ");
                assert_eq!(words(t), words(&said), "{b}");
            }
        }
    }
    assert!(
        longest > 60,
        "nothing longer than the width: the text was wrapped?"
    );
}

/// How many digits a printed number has after its point.
fn decimals(shown: &str) -> usize {
    shown.split_once('.').map_or(0, |(_, d)| d.len())
}
