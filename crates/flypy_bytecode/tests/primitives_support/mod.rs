//! Shared helpers for the primitives oracle tests: finding the real interpreters.
#![allow(dead_code)]

/// Every version the project targets, oldest first.
pub use flypy_marshal::SUPPORTED as VERSIONS;
use std::path::PathBuf;
use std::process::Command;

/// The interpreter for `major.minor`: pyenv's, then the provisioned 3.14/3.15, then PATH.
pub fn find_python(major: u8, minor: u8) -> Option<PathBuf> {
    let exe = format!("python{major}.{minor}");
    let mut candidates = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/root/.pyenv/versions") {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(&format!("{major}.{minor}.")) {
                candidates.push(e.path().join("bin").join(&exe));
            }
        }
    }
    let cache = std::env::var_os("FLYPY_CACHE")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/flypy")));
    if let Some(c) = cache {
        candidates.push(c.join("pythons/bin").join(&exe));
    }
    candidates
        .into_iter()
        .find(|c| c.is_file() && runs(c, major, minor))
}

fn runs(path: &PathBuf, major: u8, minor: u8) -> bool {
    Command::new(path)
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
        .is_ok_and(|o| {
            o.status.success()
                && String::from_utf8_lossy(&o.stdout).trim() == format!("{major}.{minor}")
        })
}

/// Runs `script` under `python` with `args`, returning stdout; panics with stderr on failure.
pub fn run_script(python: &PathBuf, script: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", python.display()));
    assert!(
        out.status.success(),
        "{} failed: {}",
        python.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

pub fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// Runs the script file `path` under `python` with `args`, returning stdout.
pub fn run_file(python: &PathBuf, path: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let out = Command::new(python)
        .arg(path)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", python.display()));
    assert!(
        out.status.success(),
        "{} {} failed: {}",
        python.display(),
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}
