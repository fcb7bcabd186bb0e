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
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "--short=12", "HEAD"])
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
