//! Bad input through the real binary: at least 1,000 mutated `.pyc` files (truncated, bytes
//! flipped, lengths made absurd, magic numbers unknown) and hostile nesting. Every run must
//! end quickly with exit code 0 (the mutation left a valid file) or 2 with exactly one error
//! line naming the file; never a panic, a signal or a hang.

use flypy_testkit::Rng;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use assert_cmd::cargo::CommandCargoExt;

/// `.pyc` files of the repository's own examples, compiled by the python3 every machine has.
fn seed_pycs(dir: &Path) -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let sources = [
        root.join("examples/list_init.py"),
        root.join("crates/flypy_probe/src/helper/compile.py"),
        root.join("tools/unicode_printable.py"),
    ];
    let mut out = Vec::new();
    for (i, src) in sources.iter().enumerate() {
        let target = dir.join(format!("seed{i}.pyc"));
        let status = Command::new("python3")
            .args(["-c", "import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)"])
            .arg(src)
            .arg(&target)
            .status()
            .expect("python3 runs");
        assert!(status.success(), "compiling {}", src.display());
        out.push(std::fs::read(&target).expect("seed pyc"));
    }
    out
}

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut data = seed.to_vec();
    match rng.index(6) {
        // Truncated anywhere, header included.
        0 => data.truncate(rng.index(data.len())),
        // A few bytes flipped in the marshal data.
        1 => {
            for _ in 0..=rng.index(4) {
                let i = 16 + rng.index(data.len() - 16);
                data[i] ^= 1 << rng.index(8);
            }
        }
        // A random byte anywhere replaced.
        2 => {
            let i = rng.index(data.len());
            data[i] = rng.next_u64() as u8;
        }
        // An absurd 32-bit length or count after a type code.
        3 => {
            let i = 16 + rng.index(data.len() - 20);
            let huge = [0xFFu8, 0xFF, 0xFF, 0x7F];
            let neg = [0x00u8, 0x00, 0x00, 0x80];
            data[i + 1..i + 5].copy_from_slice(if rng.index(2) == 0 { &huge } else { &neg });
        }
        // An unknown or foreign magic number.
        4 => {
            let magic = (rng.next_u64() % 65536) as u16;
            data[..2].copy_from_slice(&magic.to_le_bytes());
        }
        // A back-reference index pointing anywhere.
        _ => {
            let i = 16 + rng.index(data.len() - 20);
            data[i] = b'r';
            let idx = (rng.next_u64() % 5000) as u32;
            data[i + 1..i + 5].copy_from_slice(&idx.to_le_bytes());
        }
    }
    data
}

/// Runs `flypy dis FILE`, killing it if it takes more than `limit`.
fn run(file: &Path, limit: Duration) -> (Option<i32>, String) {
    let mut child = Command::cargo_bin("flypy")
        .expect("binary")
        .arg("dis")
        .arg(file)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                e.read_to_string(&mut err).expect("stderr");
            }
            return (status.code(), err);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!(
                "{}: flypy dis still running after {limit:?}",
                file.display()
            );
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn check(file: &Path, code: Option<i32>, stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{}: panic: {stderr}",
        file.display()
    );
    match code {
        Some(0) => {}
        Some(2) => {
            let lines: Vec<&str> = stderr.lines().collect();
            assert_eq!(
                lines.len(),
                1,
                "{}: want one error line: {stderr}",
                file.display()
            );
            let prefix = format!("flypy: error: {}: ", file.display());
            assert!(
                lines[0].starts_with(&prefix),
                "{}: {stderr}",
                file.display()
            );
        }
        other => panic!("{}: exit {other:?}: {stderr}", file.display()),
    }
}

#[test]
fn a_thousand_mutated_pycs_fail_cleanly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seeds = seed_pycs(dir.path());
    let mut rng = Rng(0x5EED_F1A9_0000_0001);
    let mut marshal_errors = 0;
    for n in 0..1000 {
        let seed = &seeds[n % seeds.len()];
        let file: PathBuf = dir.path().join(format!("m{n:04}.pyc"));
        std::fs::write(&file, mutate(&mut rng, seed)).expect("write");
        let (code, stderr) = run(&file, Duration::from_secs(20));
        check(&file, code, &stderr);
        if stderr.contains("byte offset") {
            marshal_errors += 1;
        }
    }
    // The mutations must mostly reach the reader's error paths (about half leave valid data).
    assert!(
        marshal_errors > 300,
        "only {marshal_errors} errors named a byte offset"
    );
}

#[test]
fn hostile_nesting_and_sizes_are_bounded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let header = |body: &[u8]| {
        // A 3.12 timestamp header.
        let mut d = vec![0xcb, 0x0d, b'\r', b'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        d.extend_from_slice(body);
        d
    };
    let mut deep = b")\x01".repeat(1_000_000);
    deep.push(b'N');
    let mut many_refs = b"(\x00\x00\x10\x00".to_vec(); // a tuple of 2**20 items...
    many_refs.extend_from_slice(&b"r\x00\x00\x00\x00".repeat(1 << 20)); // ...each a bad ref
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("deep.pyc", header(&deep), "nested too deeply"),
        (
            "huge_len.pyc",
            header(b"s\xff\xff\xff\x7f"),
            "file ends early",
        ),
        (
            "neg_len.pyc",
            header(b"(\xff\xff\xff\xff"),
            "impossible length",
        ),
        ("refs.pyc", header(&many_refs), "invalid back-reference"),
        (
            "magic.pyc",
            b"\x01\x02\r\n\0\0\0\0\0\0\0\0".to_vec(),
            "unknown magic number",
        ),
        ("empty.pyc", Vec::new(), "file ends early"),
    ];
    for (name, data, want) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, data).expect("write");
        let (code, stderr) = run(&file, Duration::from_secs(20));
        check(&file, code, &stderr);
        assert_eq!(code, Some(2), "{name}");
        assert!(stderr.contains(want), "{name}: {stderr}");
    }
}

/// Issue 13: a closed stderr (`flypy dis DIR 2>&1 | head -c1`) is as quiet as a closed stdout:
/// no panic (exit 101), the exit code of the input error.
#[test]
fn a_closed_stderr_is_no_panic() {
    let dir = tempfile::tempdir().expect("dir");
    for i in 0..50 {
        std::fs::write(dir.path().join(format!("x{i}.pyc")), b"not a pyc").expect("write");
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flypy"))
        .arg("dis")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    drop(child.stderr.take());
    let status = child.wait().expect("waits");
    assert_eq!(status.code(), Some(2), "{status}");
}

/// Issue 13: a device, FIFO or directory where a file is expected is refused by name, before
/// anything is read (`time --load /dev/zero` once grew to 24 GB).
#[test]
fn devices_and_fifos_are_refused_not_read() {
    let dir = tempfile::tempdir().expect("dir");
    let zero_pyc = dir.path().join("zero.pyc");
    let zero_py = dir.path().join("zero.py");
    std::os::unix::fs::symlink("/dev/zero", &zero_pyc).expect("symlink");
    std::os::unix::fs::symlink("/dev/zero", &zero_py).expect("symlink");
    let fifo = dir.path().join("fifo.py");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let cases: Vec<(Vec<std::ffi::OsString>, &str)> = vec![
        (
            vec!["time".into(), "--load".into(), "/dev/zero".into()],
            "a character device",
        ),
        (vec!["dis".into(), zero_pyc.into()], "a character device"),
        (vec!["dis".into(), zero_py.into()], "a character device"),
        (vec!["dis".into(), fifo.clone().into()], "a FIFO"),
        (vec!["trace".into(), fifo.into()], "a FIFO"),
        (vec!["trace".into(), dir.path().into()], "a directory"),
    ];
    for (args, says) in cases {
        let err = refused(&args);
        assert!(
            err.contains(&format!("not a regular file ({says})")),
            "{args:?}: {err}"
        );
    }
}

/// Issue 13: an "interpreter" that hangs on start does not hang flypy: the probe has a
/// deadline, and the error names the interpreter.
#[test]
fn an_interpreter_that_hangs_is_reported_not_waited_for() {
    let dir = tempfile::tempdir().expect("dir");
    let fake = dir.path().join("python3.99");
    std::fs::write(&fake, "#!/bin/sh\nexec sleep 1000\n").expect("write");
    let made = std::process::Command::new("chmod")
        .arg("+x")
        .arg(&fake)
        .status()
        .expect("chmod");
    assert!(made.success());
    let t = std::time::Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flypy"))
        .args(["trace", "--python"])
        .arg(&fake)
        .args(["-c", "pass"])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("did not answer within"), "{err}");
    assert!(err.contains("python3.99"), "{err}");
    assert!(
        t.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        t.elapsed()
    );
}

/// Issue 13: counts, times and powers that cannot be are refused before anything runs, naming
/// the option (exit 2, clap's usage error), never a raw Duration error or a hang.
#[test]
fn impossible_option_values_are_refused_by_name() {
    let cases: [(&[&str], &str); 11] = [
        (&["trace", "--timeout", "0", "-c", "pass"], "--timeout"),
        (&["trace", "--timeout=-1", "-c", "pass"], "--timeout"),
        (&["trace", "--timeout", "nan", "-c", "pass"], "--timeout"),
        (&["time", "--processes", "0", "pass"], "--processes"),
        (&["time", "--values", "0", "pass"], "--values"),
        (&["time", "--until", "0", "pass"], "--until"),
        (&["time", "--cpu-watts=-3", "pass"], "--cpu-watts"),
        // Above what flypy takes: refused before measuring, not after.
        (&["time", "--cpu-watts", "5000", "pass"], "--cpu-watts"),
        (&["dive", "--cpu-watts", "5000"], "--cpu-watts"),
        (&["dive", "--iterations", "0"], "--iterations"),
        (&["cost", "--calls", "0", "pass"], "--calls"),
    ];
    for (args, names) in cases {
        let err = refused(args);
        assert!(
            err.contains("invalid value") && err.contains(names),
            "{args:?}: {err}"
        );
    }
}

/// Issue 13: `dive nope.py` is a missing case file, not an inline statement; a directory with
/// nothing to disassemble says so instead of printing nothing with exit 0.
#[test]
fn a_missing_case_file_and_an_empty_directory_are_said_to_be() {
    let dir = tempfile::tempdir().expect("dir");
    let cases: Vec<(Vec<std::ffi::OsString>, String)> = vec![
        (
            vec!["dive".into(), "nope.py".into()],
            "nope.py: cannot read it".to_owned(),
        ),
        (
            vec!["dis".into(), dir.path().into()],
            format!("no .py or .pyc files in {}", dir.path().display()),
        ),
    ];
    for (args, says) in cases {
        let err = refused(&args);
        assert!(err.contains(&says), "{args:?}: {err}");
    }
}

/// Issue 13, item 12: a pyperf file whose values are not times (a string, a null, a negative
/// number, not a list) is refused naming the benchmark, the run and the value (exit 2), as a
/// negative value was; before, what was not a number was silently left out.
#[test]
fn pyperf_values_that_are_not_times_are_refused_naming_them() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("bench.json");
    for (values, says) in [
        ("[0.1, 0.12]", None),
        ("[0.1, \"fast\"]", Some("st, run 2: \"fast\" is not a time")),
        ("[0.1, null]", Some("st, run 2: null is not a time")),
        ("[0.1, -1]", Some("st, run 2: -1 is not a time")),
        ("\"abc\"", Some("st, run 2: values is \"abc\", not a list")),
    ] {
        std::fs::write(
            &file,
            format!(
                "{{\"version\": \"1.0\", \"metadata\": {{\"unit\": \"second\", \"name\": \"st\"}}, \
                 \"benchmarks\": [{{\"runs\": [{{\"warmups\": [[1, 0.1]], \"values\": [0.1, 0.12, \
                 0.11]}}, {{\"values\": {values}}}]}}]}}"
            ),
        )
        .expect("write");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_flypy"))
            .args(["time", "--load"])
            .arg(&file)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        match says {
            None => assert!(out.status.success(), "{values}: {err}"),
            Some(says) => {
                assert_eq!(out.status.code(), Some(2), "{values}: {err}");
                assert!(err.contains(says) && err.contains("bench.json"), "{err}");
            }
        }
    }
}

/// Issue 13, item 11: a symlink loop is said to be one (not "not a .py or .pyc file" or the
/// system's "too many levels of symbolic links"), wherever flypy takes a file, exit 2.
#[test]
fn a_symlink_loop_is_said_to_be_one() {
    let dir = tempfile::tempdir().expect("dir");
    for name in ["loop", "loop.py", "loop.json"] {
        std::os::unix::fs::symlink(name, dir.path().join(name)).expect("symlink");
    }
    let at = |name: &str| dir.path().join(name).into_os_string();
    let cases: Vec<Vec<std::ffi::OsString>> = vec![
        vec!["dis".into(), at("loop")],
        vec!["dis".into(), at("loop.py")],
        vec!["dive".into(), at("loop.py")],
        vec!["trace".into(), at("loop.py")],
        vec!["time".into(), "--load".into(), at("loop.json")],
    ];
    for args in cases {
        let err = refused(&args);
        assert!(
            err.contains("loop") && err.contains(": a symlink loop"),
            "{args:?}: {err}"
        );
    }
}

/// Issue 13, item 11: one unreadable folder in a tree given to `dis` is an error line of its
/// own; the files that can be read are still disassembled (exit 2). Root reads any folder, so
/// as root flypy runs without the capabilities that let it (setpriv).
#[test]
fn an_unreadable_subdirectory_does_not_stop_dis_of_the_rest() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    for sub in ["good", "locked"] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        std::fs::write(dir.path().join(sub).join("m.py"), "x = 1\n").expect("write");
    }
    let locked = dir.path().join("locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // Still readable to this process: it has the capabilities that override permissions.
    let mut cmd = if std::fs::read_dir(&locked).is_ok() {
        let mut c = std::process::Command::new("setpriv");
        c.args([
            "--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search",
            env!("CARGO_BIN_EXE_flypy"),
        ]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_flypy"))
    };
    let out = cmd.arg("dis").arg(dir.path()).output();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let out = out.expect("flypy runs (as root: setpriv, from util-linux, is needed)");
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: cannot read directory", locked.display())),
        "{stderr}"
    );
    assert!(
        stdout.contains("good/m.py") && stdout.contains("STORE_NAME"),
        "{stdout}"
    );
    assert!(!stdout.contains("locked/m.py"), "{stdout}");
}

/// The stderr of `flypy ARGS`, which must have refused its input (exit 2).
fn refused<S: AsRef<std::ffi::OsStr> + std::fmt::Debug>(args: &[S]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_flypy"))
        .args(args)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    err
}
