//! The runner against every way user code can end, on a real interpreter; each test ends in
//! bounded time.

use std::time::{Duration, Instant};

use flypy_probe::run::{run, Ending, Limits, Program};
use flypy_probe::Interpreter;

fn python() -> Interpreter {
    flypy_probe::resolve(None).expect("python3 on PATH (the one interpreter CI promises)")
}

fn code(source: &str, limits: Limits) -> flypy_probe::run::RunOutcome {
    run(&python(), &Program::Code(source.to_owned()), &limits).expect("the runner runs")
}

fn quick() -> Limits {
    Limits {
        timeout: Duration::from_secs(20),
        ..Limits::default()
    }
}

#[test]
fn output_is_kept_and_the_report_does_not_mix_with_it() {
    let o = code(
        "import sys\nprint('hello')\nsys.stderr.write('warn\\n')\nprint('{\"ending\": \"exit\"}')",
        quick(),
    );
    assert_eq!(o.ending, Ending::Finished);
    assert_eq!(o.stdout.kept, b"hello\n{\"ending\": \"exit\"}\n");
    assert_eq!(o.stderr.kept, b"warn\n");
}

#[test]
fn an_exception_is_reported_with_its_traceback() {
    let o = code(
        "def f():\n    raise ValueError('bad value')\nf()\n",
        quick(),
    );
    let Ending::Exception {
        type_name,
        message,
        traceback,
    } = &o.ending
    else {
        panic!("{:?}", o.ending);
    };
    assert_eq!(type_name, "ValueError");
    assert_eq!(message, "bad value");
    assert!(traceback.contains("line 2, in f"), "{traceback}");
    assert_eq!(o.ending.describe(), "raised ValueError: bad value");
}

#[test]
fn sys_exit_statuses() {
    assert_eq!(
        code("import sys; sys.exit(3)", quick()).ending,
        Ending::Exit(3)
    );
    assert_eq!(
        code("import sys; sys.exit(0)", quick()).ending,
        Ending::Finished
    );
    assert_eq!(code("raise SystemExit", quick()).ending, Ending::Finished);
    let o = code("import sys; sys.exit('giving up')", quick());
    assert_eq!(o.ending, Ending::Exit(1));
    assert_eq!(o.stderr.kept, b"giving up\n");
}

#[test]
fn os_exit_is_seen_as_the_process_ending() {
    let o = code(
        "import os; print('before', flush=True); os._exit(7)",
        quick(),
    );
    assert_eq!(o.ending, Ending::ProcessExit(7));
    assert_eq!(o.stdout.kept, b"before\n");
}

#[test]
fn a_segfault_is_a_signal() {
    let o = code("import ctypes; ctypes.string_at(0)", quick());
    assert_eq!(o.ending, Ending::Signal(11), "{:?}", o.stderr);
    assert!(o.ending.describe().contains("segmentation fault"));
}

#[test]
fn an_infinite_loop_and_what_it_started_are_stopped_at_the_timeout() {
    let limits = Limits {
        timeout: Duration::from_secs(2),
        ..Limits::default()
    };
    let t = Instant::now();
    // A child process that would outlive the program holds the output pipe open: it must be
    // stopped too, or reading the output would never end.
    let o = code(
        "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\nwhile True: pass\n",
        limits,
    );
    assert_eq!(o.ending, Ending::Timeout(Duration::from_secs(2)));
    assert!(t.elapsed() < Duration::from_secs(15), "{:?}", t.elapsed());
}

#[test]
fn a_flood_of_output_is_counted_not_kept() {
    let limits = Limits {
        output: 1000,
        ..quick()
    };
    let o = code(
        "import sys\nblock = 'x' * (1 << 20)\nfor _ in range(100):\n    sys.stdout.write(block)\n",
        limits,
    );
    assert_eq!(o.ending, Ending::Finished);
    assert_eq!(o.stdout.kept.len(), 1000);
    assert_eq!(o.stdout.total, 100 << 20);
    assert!(o.stdout.truncated());
}

#[test]
fn the_memory_limit_turns_into_memory_error() {
    let limits = Limits {
        memory: Some(512 << 20),
        ..quick()
    };
    let o = code("x = bytearray(2 << 30)", limits);
    match &o.ending {
        Ending::Exception { type_name, .. } => assert_eq!(type_name, "MemoryError"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn syntax_errors_name_the_place() {
    let o = code("x = 1\ny = (\n", quick());
    let Ending::SyntaxError { line, .. } = o.ending else {
        panic!("{:?}", o.ending);
    };
    assert!(line.is_some());
}

#[test]
fn scripts_get_their_arguments_and_their_folder_on_the_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("helper_mod.py"), "VALUE = 42\n").expect("write");
    let script = dir.path().join("main.py");
    std::fs::write(
        &script,
        "import sys, helper_mod\nprint(sys.argv[1:], helper_mod.VALUE, __name__)\n",
    )
    .expect("write");
    let o = run(
        &python(),
        &Program::Script {
            path: script,
            args: vec!["a b".into(), "--c".into()],
        },
        &quick(),
    )
    .expect("runs");
    assert_eq!(o.ending, Ending::Finished, "{:?}", o.stderr);
    assert_eq!(o.stdout.kept, b"['a b', '--c'] 42 __main__\n");
}

#[test]
fn every_interpreter_present_reports_endings() {
    let mut seen = Vec::new();
    for i in flypy_probe::discover() {
        let ends = |src: &str| {
            run(&i, &Program::Code(src.into()), &quick())
                .expect("runs")
                .ending
        };
        assert_eq!(ends("x = 1"), Ending::Finished, "{}", i.path.display());
        assert_eq!(
            ends("import sys; sys.exit(4)"),
            Ending::Exit(4),
            "{}",
            i.path.display()
        );
        assert!(
            matches!(ends("1/0"), Ending::Exception { ref type_name, .. } if type_name == "ZeroDivisionError"),
            "{}",
            i.path.display()
        );
        seen.push(i.version.to_string());
    }
    eprintln!("runner checked on: {}", seen.join(", "));
}
