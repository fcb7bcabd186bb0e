//! Profiles made here and now by valgrind, when it is installed: the parsed totals must match
//! what the file states, and the functions' self costs must add up to them. Each test says
//! on stderr what it skipped and why (`cargo test -- --nocapture` shows it).

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use flypy_callgrind::{parse_file, CostKind, Profile};

fn on_path(program: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn valgrind_or_skip(test: &str) -> Option<PathBuf> {
    let found = on_path("valgrind");
    if found.is_none() {
        eprintln!("{test}: SKIPPED: valgrind is not on PATH, no real profile made");
    }
    found
}

/// Runs `program args` under callgrind with `options` and parses the profile.
fn profile(valgrind: &Path, options: &[&str], program: &Path, args: &[&str]) -> (Profile, PathBuf) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary directory: {e}"));
    let out = dir.path().join("callgrind.out");
    let output = Command::new(valgrind)
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .args(options)
        .arg(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running valgrind: {e}"));
    assert!(
        output.status.success(),
        "valgrind failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let size = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
    let started = std::time::Instant::now();
    let parsed = parse_file(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    eprintln!(
        "{} {options:?}: {size} bytes parsed in {:?}, {} functions, {} call edges",
        program.display(),
        started.elapsed(),
        parsed.functions.len(),
        parsed.calls.len()
    );
    // Keep the directory alive until parsed; return a path for messages only.
    (parsed, out)
}

/// What every real profile must satisfy.
fn check_consistent(p: &Profile) {
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    for part in &p.parts {
        // Callgrind closes every part with `totals:`; its `summary:` may be a little larger
        // (with --cache-sim=yes), never smaller.
        assert_eq!(
            part.stated_totals.as_ref(),
            Some(&part.totals),
            "part at line {}",
            part.first_line
        );
        if let Some(summary) = &part.summary {
            assert!(
                summary.iter().zip(&part.totals).all(|(s, t)| s >= t),
                "{summary:?}"
            );
        }
    }
    for event in 0..p.events.len() {
        let self_sum: u64 = p.functions.iter().map(|f| f.self_cost[event]).sum();
        assert_eq!(self_sum, p.totals[event], "{}", p.events[event]);
        let parts_sum: u64 = p.parts.iter().map(|part| part.totals[event]).sum();
        assert_eq!(parts_sum, p.totals[event], "{}", p.events[event]);
    }
    for (i, f) in p.functions.iter().enumerate() {
        for event in 0..p.events.len() {
            let calls: u64 = p.calls_from(i).map(|c| c.inclusive[event]).sum();
            assert_eq!(f.inclusive[event], f.self_cost[event] + calls, "{}", f.key);
        }
    }
}

#[test]
fn bin_true_with_cache_and_branch_simulation() {
    let Some(valgrind) = valgrind_or_skip("bin_true_with_cache_and_branch_simulation") else {
        return;
    };
    // 13 events; callgrind leaves trailing zero costs out of many lines.
    let (p, _) = profile(
        &valgrind,
        &["--dump-instr=yes", "--cache-sim=yes", "--branch-sim=yes"],
        Path::new("/bin/true"),
        &[],
    );
    assert!(p.events.len() > 1, "{:?}", p.events);
    assert_eq!(p.events.first().map(String::as_str), Some("Ir"));
    check_consistent(&p);
}

#[test]
fn bin_true_in_several_parts() {
    let Some(valgrind) = valgrind_or_skip("bin_true_in_several_parts") else {
        return;
    };
    let (p, _) = profile(
        &valgrind,
        &["--combine-dumps=yes", "--dump-every-bb=10000"],
        Path::new("/bin/true"),
        &[],
    );
    assert!(p.parts.len() >= 2, "{} parts", p.parts.len());
    check_consistent(&p);
}

/// The interpreter itself: `python3` on PATH may be a pyenv shim (a shell script that execs
/// the interpreter, which callgrind would not follow), so ask it where it really is.
fn real_python() -> Option<PathBuf> {
    let python = on_path("python3")?;
    let output = Command::new(python)
        .args(["-c", "import sys; print(sys.executable)"])
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    path.is_file().then_some(path)
}

fn python_run(test: &str, options: &[&str]) {
    let Some(valgrind) = valgrind_or_skip(test) else {
        return;
    };
    let Some(python) = real_python() else {
        eprintln!("{test}: SKIPPED: no working python3 on PATH");
        return;
    };
    let (p, out) = profile(&valgrind, options, &python, &["-c", "sum(range(10000))"]);
    check_consistent(&p);
    let Some(ir) = p.event_index("Ir") else {
        panic!("{}: no Ir event: {:?}", out.display(), p.events);
    };
    assert!(p.totals[ir] > 1_000_000, "{:?}", p.totals);
    // Whether the interpreter has symbols: callgrind names functions of a stripped binary
    // by address ("0x00000000004c4f10").
    let interpreter_named = p.functions.iter().any(|f| {
        (f.key.object.contains("python") || f.key.object.contains("libpython"))
            && !f.key.name.starts_with("0x")
    });
    let eval = p
        .functions
        .iter()
        .find(|f| f.key.name.contains("EvalFrame"));
    if interpreter_named {
        let Some(eval) = eval else {
            panic!(
                "{}: {} has symbols but no *EvalFrame* function",
                out.display(),
                python.display()
            );
        };
        assert!(eval.inclusive[ir] > 0);
        eprintln!(
            "{test}: {} has symbols; found {}",
            python.display(),
            eval.key
        );
    } else {
        eprintln!(
            "{test}: SKIPPED the EvalFrame check: {} has no symbols (totals checked only)",
            python.display()
        );
    }
    let top: Vec<String> = p
        .top(ir, CostKind::SelfCost, 5)
        .iter()
        .map(|f| format!("{} {}", f.self_cost[ir], f.key.name))
        .collect();
    eprintln!("{test}: top self Ir: {top:?}");
}

#[test]
fn python_profile_with_line_positions() {
    python_run("python_profile_with_line_positions", &[]);
}

#[test]
fn python_profile_with_instr_positions() {
    python_run("python_profile_with_instr_positions", &["--dump-instr=yes"]);
}
