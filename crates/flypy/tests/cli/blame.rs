//! Issue 13, item 10: errors blame the part that has the mistake (the setup, statement N, the
//! variant), at the part's own line, before anything is measured; code that does not compile
//! is bad input (exit 2) in every command, code that raises is exit 3. Against every
//! interpreter present, one per version.

use crate::common::flypy;
use std::process::Output;

fn interpreters() -> Vec<flypy_probe::Interpreter> {
    crate::common::interpreters("blame tests")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A case file `name` with `source` in a folder of its own (removed when the first value is
/// dropped), and its path.
fn case_file(name: &str, source: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, source).expect("write the case file");
    (dir, path.display().to_string())
}

/// The exit code is `code`, stderr says all of `says` and none of `never` (nor a panic).
fn expect(out: &Output, code: i32, says: &[&str], never: &[&str], context: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{context}: {err}");
    for s in says {
        assert!(err.contains(s), "{context}: {s:?} not in:\n{err}");
    }
    for s in never.iter().chain(&["panicked"]) {
        assert!(!err.contains(s), "{context}: {s:?} in:\n{err}");
    }
}

/// `time -s 'x='` blames the setup, not statement 1; a statement's mistake is at its own
/// line, not one of timeit's function; exit 2 in time, cost and dive alike, and cost says so
/// before any callgrind run.
#[test]
fn code_that_does_not_compile_is_named_at_its_own_line_and_exits_2() {
    for interp in interpreters() {
        let py = interp.path.display().to_string();
        let v = interp.version.to_string();
        let setup_error = format!("the setup (--setup): CPython {v} cannot compile it: line 2");
        let statement_error = format!("statement 2: CPython {v} cannot compile it: line 3");
        let bad_statement = "a = 1\nb = 2\nc = (1 +";
        let mut commands = vec!["time", "dive"];
        if interp.version.at_least(3, 6) {
            commands.push("cost");
        }
        for command in commands {
            let context = format!("{command} on {v}");
            let out = flypy(&[command, "--python", &py, "-s", "n = 1\nx =", "pass", "n"]);
            expect(&out, 2, &[&setup_error, "SyntaxError"], &[], &context);
            let out = flypy(&[command, "--python", &py, "pass", bad_statement]);
            // Said before anything is measured: cost runs no callgrind first.
            expect(&out, 2, &[&statement_error], &["under callgrind"], &context);
        }
        // A statement that compiles alone but not after the setup, in timeit's function.
        if interp.version.at_least(3, 6) {
            let out = flypy(&["time", "--python", &py, "-s", "a = 1", "global a\na = 2"]);
            let says = ["statement 1: CPython", "global declaration"];
            expect(&out, 2, &says, &[], &v);
        }
        let out = flypy(&["trace", "--python", &py, "-c", "x ="]);
        let context = format!("trace on {v}");
        expect(&out, 2, &["cannot compile it: line 1"], &[], &context);
    }
}

/// A case file that does not compile: its own path and line, and the variant the line is in
/// (3.7+; 2.7 and 3.6 show the variants they can compile, by design, tested in cli_dive).
#[test]
fn a_case_file_that_does_not_compile_names_the_variant() {
    let (_dir, case) = case_file(
        "broken.py",
        "def setup():\n    return {'n': 1}\n\ndef variant_a(n):\n    return n\n\n\
         def variant_b(n):\n    x = (n +\n    return n\n",
    );
    for interp in interpreters() {
        if !interp.version.at_least(3, 7) {
            eprintln!(
                "blame tests: {} shows the variants it compiles",
                interp.version
            );
            continue;
        }
        let py = interp.path.display().to_string();
        let out = flypy(&["dive", "--quick", "--python", &py, &case]);
        let says = [format!("{case}, in variant_b: "), "line ".to_owned()];
        let says: Vec<&str> = says.iter().map(String::as_str).collect();
        expect(&out, 2, &says, &["flypy_case"], &interp.version.to_string());
    }
}

/// A setup that raises is the setup's failure, not statement 1's, and the traceback shows the
/// user's parts at their own lines, without flypy's and timeit's frames (exit 3).
#[test]
fn a_raising_setup_or_statement_is_named_with_its_own_traceback() {
    for interp in interpreters() {
        let py = interp.path.display().to_string();
        let v = interp.version.to_string();
        let out = flypy(&["time", "--python", &py, "-s", "n = 1\n1/0", "pass", "n"]);
        let says = [
            "the setup (--setup) raised ZeroDivisionError",
            "File \"<setup>\", line 2\n    1/0",
        ];
        expect(&out, 3, &says, &["statement 1"], &v);
        let statement = "def f():\n    return 1/0\nf()";
        let out = flypy(&[
            "time",
            "--python",
            &py,
            "--processes",
            "1",
            "pass",
            statement,
        ]);
        let says = [
            "statement 2 raised ZeroDivisionError",
            "File \"<statement 2>\", line 3\n    f()\n  File \"<statement 2>\", line 2, in f",
        ];
        // Without flypy's and timeit's own frames.
        let never = ["in main", "calibrate", "<timeit-src>", "in inner"];
        expect(&out, 3, &says, &never, &v);
        let module_level = [
            "time",
            "--python",
            &py,
            "--processes",
            "1",
            "--module-level",
            "-s",
            "import sys",
            "pass",
            "x = 1\nsys.exit(4)",
        ];
        let says = ["statement 2 called sys.exit(4)"];
        expect(&flypy(&module_level), 3, &says, &[], &v);
    }
}

/// An inline statement's failure in a dive is at its own line (`<statement 2>`, line 2), not
/// the line of the case module flypy made of it.
#[test]
fn dive_inline_statements_fail_at_their_own_lines() {
    for interp in interpreters() {
        let py = interp.path.display().to_string();
        let v = interp.version.to_string();
        let out = flypy(&[
            "dive",
            "--quick",
            "--python",
            &py,
            "-s",
            "n = 1",
            "pass",
            "n = 2\n1/0",
        ]);
        let says = [
            "statement 2 raised ZeroDivisionError",
            "File \"<statement 2>\", line 2",
        ];
        expect(&out, 3, &says, &["<case inline>", "the case raised"], &v);
    }
}

/// A variant that fails only once it is timed (after the counted run), by raising or by
/// ending the process, is named as the variant, not as "statement 2" of the timing worker.
#[test]
fn dive_timing_errors_name_the_variant() {
    let late = |then: &str| {
        format!(
            "import os\nCALLS = [0]\n\ndef setup():\n    return {{'n': 10}}\n\n\
             def variant_a(n):\n    return n\n\ndef variant_late(n):\n    CALLS[0] += 1\n    \
             if CALLS[0] > 1000:\n        {then}\n    return n\n"
        )
    };
    let (_dir, raises) = case_file("late.py", &late("raise ValueError('tired')"));
    let (_dir2, exits) = case_file("gone.py", &late("os._exit(0)"));
    for interp in interpreters() {
        let py = interp.path.display().to_string();
        let v = interp.version.to_string();
        let out = flypy(&["dive", "--quick", "--python", &py, &raises]);
        let says = [
            "variant_late raised ValueError: tired",
            "late.py\", line 13",
        ];
        expect(&out, 3, &says, &["statement 2"], &v);
        let out = flypy(&["dive", "--quick", "--python", &py, &exits]);
        let says = ["variant_late ended the worker process without a report"];
        expect(&out, 3, &says, &["statement 2"], &v);
    }
}

/// A statement that ends the timing worker's process (`os._exit`) is named.
#[test]
fn a_statement_that_ends_the_worker_is_named() {
    for interp in interpreters() {
        let py = interp.path.display().to_string();
        let out = flypy(&["time", "--python", &py, "pass", "import os; os._exit(0)"]);
        let says = ["statement 2 ended the worker process without a report (exit status 0)"];
        expect(&out, 3, &says, &["its stderr"], &interp.version.to_string());
    }
}

/// With several interpreters, a failure says on which one.
#[test]
fn pythons_mode_errors_name_the_interpreter() {
    let all = interpreters();
    let measured: Vec<_> = all.iter().filter(|i| i.version.at_least(3, 7)).collect();
    let [first, .., last] = measured.as_slice() else {
        eprintln!("blame tests: skipped --pythons: fewer than two CPython 3.7+");
        return;
    };
    let list = format!("{},{}", first.path.display(), last.path.display());
    let out = flypy(&["dive", "--quick", "--pythons", &list, "pass", "1/0"]);
    let names = format!("CPython {} ({})", first.full_version, first.path.display());
    expect(&out, 3, &[&names, "ZeroDivisionError"], &[], "--pythons");
    // A statement no interpreter compiles is bad input, said with the first's message, even
    // when another statement is the first one fails on (a walrus before 3.8).
    let out = flypy(&["dive", "--quick", "--pythons", &list, "[y := 1]", "x = ("]);
    let says = [
        "no interpreter of --pythons compiles it",
        &names,
        "statement 2",
    ];
    expect(&out, 2, &says, &[], "--pythons, bad statement");
}

/// A statement that never ends is named at the timeout (the worker says which part it runs
/// before each value, and that is read after the timeout too), not "the worker".
#[test]
fn a_statement_that_never_ends_is_named_at_the_timeout() {
    // One version is enough: the naming is flypy's, the worker the same on every version.
    let interp = interpreters().pop().expect("an interpreter");
    let py = interp.path.display().to_string();
    let out = flypy(&[
        "time",
        "--python",
        &py,
        "--timeout",
        "3",
        "x = 1",
        "while True: pass",
    ]);
    expect(
        &out,
        3,
        &["statement 2 did not finish within 3s"],
        &["the worker did not finish"],
        "time --timeout 3",
    );
}
