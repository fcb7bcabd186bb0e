//! Writing generated files, or (`--check`) comparing them with the committed ones.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// Formats Rust source with the toolchain's rustfmt, so generated files are exactly what
/// `cargo fmt --check` accepts and the generator need not imitate its layout rules.
pub fn rustfmt(source: &str) -> Result<String> {
    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running rustfmt (install it with `rustup component add rustfmt`)")?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(source.as_bytes())
            .context("writing to rustfmt")?;
    }
    let out = child.wait_with_output().context("waiting for rustfmt")?;
    if !out.status.success() {
        bail!(
            "rustfmt rejected generated code: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).context("rustfmt printed non-UTF-8")
}

/// What differs between `files` and the disk.
pub struct Diff {
    pub changed: Vec<PathBuf>,
    pub stale: Vec<PathBuf>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.stale.is_empty()
    }
}

/// Compares `files` with the disk. `stale` lists files in `dir` that carry `mark` on their
/// first line (generated earlier) but are no longer generated.
pub fn diff(files: &[(PathBuf, String)], dir: &Path, mark: &str) -> Result<Diff> {
    let changed = files
        .iter()
        .filter(|(path, text)| std::fs::read_to_string(path).ok().as_deref() != Some(text))
        .map(|(path, _)| path.clone())
        .collect();
    let mut stale = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries {
            let path = entry?.path();
            if files.iter().any(|(p, _)| p == &path) {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            if text.starts_with(mark) {
                stale.push(path);
            }
        }
    }
    stale.sort();
    Ok(Diff { changed, stale })
}

/// Writes what differs and removes stale files; prints each change.
pub fn apply(files: &[(PathBuf, String)], diff: &Diff) -> Result<()> {
    for (path, text) in files.iter().filter(|(p, _)| diff.changed.contains(p)) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", shown(path));
    }
    for path in &diff.stale {
        std::fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
        println!("removed {}", shown(path));
    }
    Ok(())
}

/// Fails naming every file that differs.
pub fn check(diff: &Diff, fix: &str) -> Result<()> {
    if diff.is_empty() {
        return Ok(());
    }
    let mut names: Vec<String> = diff
        .changed
        .iter()
        .map(|p| format!("{} differs", shown(p)))
        .collect();
    names.extend(
        diff.stale
            .iter()
            .map(|p| format!("{} is no longer generated", shown(p))),
    );
    bail!("{}; run `{fix}`", names.join(", "))
}

/// A path relative to the workspace root, for messages.
pub fn shown(path: &Path) -> String {
    path.strip_prefix(crate::workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARK: &str = "// @generated test";

    #[test]
    fn diff_finds_changed_new_and_stale_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let p = |name: &str| dir.path().join(name);
        std::fs::write(p("same.rs"), format!("{MARK}\nsame")).expect("write");
        std::fs::write(p("changed.rs"), format!("{MARK}\nold")).expect("write");
        std::fs::write(p("stale.rs"), format!("{MARK}\ngone")).expect("write");
        std::fs::write(p("by_hand.rs"), "// written by a person").expect("write");
        let files = vec![
            (p("same.rs"), format!("{MARK}\nsame")),
            (p("changed.rs"), format!("{MARK}\nnew")),
            (p("added.rs"), format!("{MARK}\nadded")),
        ];
        let d = diff(&files, dir.path(), MARK).expect("diff");
        assert_eq!(d.changed, [p("changed.rs"), p("added.rs")]);
        assert_eq!(d.stale, [p("stale.rs")]);
        let err = check(&d, "regen").expect_err("differs").to_string();
        assert!(err.contains("changed.rs differs"), "{err}");
        assert!(err.contains("stale.rs is no longer generated"), "{err}");

        apply(&files, &d).expect("apply");
        let again = diff(&files, dir.path(), MARK).expect("diff");
        assert!(again.is_empty());
        assert!(p("by_hand.rs").exists());
        check(&again, "regen").expect("clean");
    }
}
