//! What a user who installed flypy sees of the tool itself (issue 17): `--version` names the
//! commit it was built from.

use crate::common::{command, outcome};

/// `flypy --version`: the crate version, and the git commit of these sources when they are a
/// checkout (build.rs); `git` asked here independently.
#[test]
fn version_names_the_commit() {
    let (code, out, err) = outcome(command().arg("--version"));
    assert_eq!(code, 0, "{err}");
    let want = format!("flypy {}", env!("CARGO_PKG_VERSION"));
    assert!(out.starts_with(&want), "{out:?}");
    let head = std::process::Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short=12",
            "HEAD",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    match head {
        Some(rev) => assert_eq!(out.trim_end(), format!("{want} (git {rev})")),
        None => {
            println!("SKIPPED the commit check: these sources are not a git checkout");
            assert_eq!(out.trim_end(), want);
        }
    }
}

/// `flypy … | head -1`: a reader that goes away ends flypy quietly, exit 0, no panic or error
/// text, whether it left before flypy wrote anything (the read end closed at once) or after the
/// first line. `dis DIR` streams file by file; the dive, help and version print at the end.
#[test]
fn a_closed_pipe_ends_flypy_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    let stdlib = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, os; print(os.path.dirname(json.__file__))",
        ])
        .output()
        .expect("python3 runs");
    let json_dir = String::from_utf8_lossy(&stdlib.stdout).trim().to_owned();
    let runs: [&[&str]; 5] = [
        &["dive", "--quick"],
        &["dis", &json_dir],
        &["dis", "--help"],
        &["--version"],
        &["cases"],
    ];
    for args in runs {
        for read_first_line in [false, true] {
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flypy"))
                .args(args)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("flypy starts");
            let stdout = child.stdout.take().expect("stdout");
            if read_first_line {
                let mut line = String::new();
                BufReader::new(stdout)
                    .read_line(&mut line)
                    .expect("reads a line");
                assert!(!line.is_empty(), "flypy {args:?} printed nothing");
            } else {
                drop(stdout);
            }
            let out = child.wait_with_output().expect("flypy ends");
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(0),
                "flypy {args:?} (first line read: {read_first_line}): {err}"
            );
            assert!(
                !err.contains("panicked") && !err.contains("error") && !err.contains("Broken pipe"),
                "flypy {args:?} (first line read: {read_first_line}): {err}"
            );
        }
    }
}

/// The subcommands `flypy --help` lists (its "Commands:" section), `help` left out.
fn subcommands() -> Vec<String> {
    let (code, help, err) = outcome(command().arg("--help"));
    assert_eq!(code, 0, "{err}");
    let names: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    assert!(names.len() >= 10, "{help}");
    names
}

/// Completion scripts for bash, zsh and fish and the man pages name every subcommand; each
/// subcommand has its own page that names its options as `--help` does.
#[test]
fn completions_and_man_pages_name_every_subcommand() {
    let names = subcommands();
    for shell in ["bash", "zsh", "fish"] {
        let (code, script, err) = outcome(command().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        for n in &names {
            assert!(script.contains(n.as_str()), "{shell}: no {n}");
        }
    }
    let (code, page, err) = outcome(command().arg("man"));
    assert_eq!(code, 0, "{err}");
    assert!(page.contains(".TH flypy 1"), "{page}");
    for n in &names {
        // Listed in SUBCOMMANDS as a reference to its own page, flypy-<name>(1).
        assert!(page.contains(&format!("flypy\\-{n}(1)")), "man: no {n}");
        let (code, sub, err) = outcome(command().args(["man", n]));
        assert_eq!(code, 0, "man {n}: {err}");
        assert!(sub.contains(&format!(".TH flypy-{n} 1")), "man {n}");
        // Every long option its --help names.
        let (_, help, _) = outcome(command().args([n.as_str(), "--help"]));
        for opt in help
            .split_whitespace()
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .map(|w| w.trim_end_matches([',', '.', ']', ')', '=']))
            .filter(|w| {
                w.chars()
                    .skip(2)
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        {
            if opt == "--version" {
                continue;
            }
            let roff = opt.replace('-', "\\-");
            assert!(sub.contains(&roff), "man {n}: no {opt}");
        }
    }
    let (code, _, err) = outcome(command().args(["man", "nope"]));
    assert_eq!(code, 2);
    assert!(err.contains("no subcommand \"nope\""), "{err}");
}

/// The dive's text output, run as `flypy ARGS` with `env`, stdout a pipe.
fn dive_text(args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = command();
    cmd.args(args)
        .args(["dive", "--quick"])
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (code, out, err) = outcome(&mut cmd);
    assert_eq!(code, 0, "{args:?} {env:?}: {err}");
    out
}

/// `--color always|never|auto` and NO_COLOR: bold headings only where asked for or where stdout
/// is a terminal that takes them; the flag wins over NO_COLOR; a bad value is a usage error.
#[test]
fn color_follows_the_flag_then_no_color_then_the_terminal() {
    const BOLD: &str = "\x1b[1m";
    assert!(dive_text(&["--color", "always"], &[]).contains(BOLD));
    assert!(dive_text(&["--color=always"], &[("NO_COLOR", "1")]).contains(BOLD));
    assert!(!dive_text(&["--color", "never"], &[]).contains('\x1b'));
    assert!(!dive_text(&[], &[]).contains('\x1b'), "auto, into a pipe");
    let (code, _, err) = outcome(command().args(["--color", "sometimes", "cases"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("sometimes"), "{err}");
    // auto on a terminal: script(1) gives flypy a pseudo-terminal for stdout and stderr.
    let script = std::path::Path::new("/usr/bin/script");
    if !script.exists() {
        println!("SKIPPED the terminal checks: /usr/bin/script (util-linux) is missing");
        return;
    }
    let on_terminal = |env: &[(&str, &str)], extra: &str| -> String {
        let line = format!("{} {extra} dive --quick", env!("CARGO_BIN_EXE_flypy"));
        let mut cmd = std::process::Command::new(script);
        cmd.args(["-q", "-e", "-c", &line, "/dev/null"])
            .env_remove("NO_COLOR")
            .env("TERM", "xterm");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("script runs");
        assert!(
            out.status.success(),
            "{env:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(on_terminal(&[], "").contains(BOLD), "auto on a terminal");
    assert!(!on_terminal(&[("NO_COLOR", "1")], "").contains(BOLD));
    assert!(!on_terminal(&[("TERM", "dumb")], "").contains(BOLD));
    assert!(!on_terminal(&[], "--color never").contains(BOLD));
    // Progress (on the same terminal, it being stderr too) is erased in place by the end.
    let shown = on_terminal(&[], "");
    assert!(shown.contains("\r\x1b[Kflypy: compiling…"), "{shown:?}");
}

/// Progress: on stderr when it is a terminal (drawn in place, erased at the end), nothing when
/// it is a pipe, for the commands whose steps take seconds.
#[test]
fn progress_only_on_a_terminal() {
    let runs: [&[&str]; 2] = [&["trace", "-c", "x = sum(range(10))"], &["dive", "--quick"]];
    for args in runs {
        let (code, _, err) = outcome(command().args(args));
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(!err.contains("flypy: "), "{args:?} into a pipe: {err:?}");
    }
    let script = std::path::Path::new("/usr/bin/script");
    if !script.exists() {
        println!("SKIPPED the terminal checks: /usr/bin/script (util-linux) is missing");
        return;
    }
    let line = format!(
        "{} trace -c 'x = sum(range(10))' >/dev/null",
        env!("CARGO_BIN_EXE_flypy")
    );
    let out = std::process::Command::new(script)
        .args(["-q", "-e", "-c", &line, "/dev/null"])
        .env("TERM", "xterm")
        .output()
        .expect("script runs");
    assert!(out.status.success());
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains("\r\x1b[Kflypy: compiling…\r\x1b[Kflypy: running the program, counting…"),
        "{shown:?}"
    );
    assert!(shown.ends_with("\r\x1b[K"), "erased at the end: {shown:?}");
}
