//! The git revision `flypy --version` names: the commit the binary was built from, so a report
//! or a bug can be traced to the exact code. Read with git at build time when the sources are a
//! git checkout (a worktree too); built from a tarball or an sdist, there is none and the
//! version stands alone. Cargo reruns this when HEAD or the branch it points to moves.

use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

fn main() {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| std::path::PathBuf::from("."), std::path::PathBuf::from);
    let suffix = match git(&dir, &["rev-parse", "--short=12", "HEAD"]) {
        Some(rev) => {
            // What moves on a commit or checkout: HEAD itself, the branch file, packed refs, and
            // the folder of branches (where a packed branch's first loose ref appears).
            for path in ["HEAD", "packed-refs", "refs/heads"]
                .into_iter()
                .map(str::to_owned)
                .chain(git(&dir, &["symbolic-ref", "-q", "HEAD"]))
            {
                // Only files that exist: cargo reruns every build for a missing one (a branch
                // whose ref is packed; packed-refs before the first `git gc`). A packed ref
                // that is later written loose, or the reverse, changes packed-refs or HEAD too.
                if let Some(file) = git(
                    &dir,
                    &["rev-parse", "--path-format=absolute", "--git-path", &path],
                )
                .filter(|f| Path::new(f).exists())
                {
                    println!("cargo:rerun-if-changed={file}");
                }
            }
            format!(" (git {rev})")
        }
        None => String::new(),
    };
    println!("cargo:rustc-env=FLYPY_VERSION_SUFFIX={suffix}");
}
