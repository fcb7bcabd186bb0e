//! What several of the binary's test files share: running flypy, and the interpreters to run
//! it against.

use std::process::{Command, Output};

/// A command that runs the flypy binary under test (what each test adds arguments and
/// environment to).
pub fn command() -> assert_cmd::Command {
    assert_cmd::Command::new(env!("CARGO_BIN_EXE_flypy"))
}

/// What `flypy` did: its exit code (-1 when a signal ended it), stdout and stderr.
pub fn outcome(flypy: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = flypy.output().expect("flypy runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `flypy ARGS`, NO_COLOR set, its output.
pub fn flypy(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flypy"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("flypy runs")
}

/// Its stdout, after checking that it succeeded (its stderr is shown, after `context`, when
/// it did not).
pub fn stdout_of(out: &Output, context: &str) -> String {
    assert!(
        out.status.success(),
        "{context}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// One interpreter per version, oldest first; each version flypy knows that is missing is
/// said on stderr under `label`, never skipped silently.
pub fn interpreters(label: &str) -> Vec<flypy_probe::Interpreter> {
    let out: Vec<_> = flypy_probe::discover_by_version()
        .into_values()
        .filter_map(|found| found.into_iter().next())
        .collect();
    for v in [
        "2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.15",
    ] {
        if !out.iter().any(|i| i.version.to_string() == v) {
            eprintln!("{label}: skipped CPython {v}: not installed");
        }
    }
    assert!(!out.is_empty(), "no CPython interpreter found");
    out
}
