//! Paths and text that are not plain ASCII UTF-8 (issue 13 item 15): a non-UTF-8 script path
//! and arguments for `flypy trace`, and case file path for `flypy dive`, as `flypy dis` takes
//! them; and 3.6 under `LANG=C` (ASCII
//! file system encoding, no coercion of the C locale to UTF-8): non-ASCII paths and setup are
//! handled as `python3.6 -m dis` and a plain 3.6 handle them.

use assert_cmd::Command;
use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;

use crate::common::command as flypy;

#[test]
fn trace_takes_a_non_utf8_script_path_and_arguments() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join(OsStr::from_bytes(b"argv\xff.py"));
    std::fs::write(&script, "import sys\nprint(ascii(sys.argv))\n").expect("write");
    let out = flypy()
        .arg("trace")
        .arg(&script)
        .arg(OsStr::from_bytes(b"arg\xfe"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The program sees what Python gives any script: the bytes as surrogate escapes.
    assert!(stdout.contains(r"argv\udcff.py', 'arg\udcfe']"), "{stdout}");
    assert!(stdout.contains("Executed instructions:"), "{stdout}");
}

#[test]
fn python_3_6_under_lang_c_handles_non_ascii_paths_and_setup() {
    let Some(py36) = flypy_probe::discover()
        .into_iter()
        .find(|i| i.version.major == 3 && i.version.minor == 6)
    else {
        eprintln!("skipped: no CPython 3.6 here");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("naïve.py");
    std::fs::write(&path, "x = 1\n").expect("write");
    let c = |cmd: &mut Command| {
        cmd.env("LANG", "C")
            .env("LC_ALL", "C")
            .env_remove("LC_CTYPE");
    };
    let mut dis = flypy();
    c(&mut dis);
    let out = dis
        .args(["dis", "--python"])
        .arg(&py36.path)
        .arg(&path)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("STORE_NAME"),
        "dis: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut time = flypy();
    c(&mut time);
    let out = time
        .args(["time", "--format", "json", "--python"])
        .arg(&py36.path)
        .args(["-s", "x = 'é'", "len(x)"])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "time: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn dive_takes_a_non_utf8_case_file_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let case = dir.path().join(OsStr::from_bytes(b"case\xff.py"));
    std::fs::write(
        &case,
        "def setup():\n    return {'n': 50}\ndef variant_a(n):\n    return list(range(n))\n\
         def variant_b(n):\n    return [i for i in range(n)]\n",
    )
    .expect("write");
    let out = flypy()
        .args(["dive", "--quick"])
        .arg(&case)
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Shown as text can show it: the byte that is not UTF-8 as U+FFFD.
    assert!(stdout.contains("case\u{fffd}.py"), "{stdout}");
    assert!(stdout.contains("bytecode / call"), "{stdout}");
    // An inline statement is code, which is text: one that is not is refused by name.
    let out = flypy()
        .args(["dive", "--quick", "x = 1"])
        .arg(OsStr::from_bytes(b"y = b'\xff'"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("statement 2 is not valid UTF-8"),
        "{stderr}"
    );
}
