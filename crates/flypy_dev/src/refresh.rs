//! `refresh-facts`: rerun `tools/opcode_facts.py` on every interpreter found and update (or
//! compare) the committed facts.

use std::collections::BTreeMap;
use std::process::Stdio;

use anyhow::{bail, Context, Result};
use flypy_probe::Interpreter;

use crate::facts::{facts_path, Facts};
use crate::output::shown;

/// The versions to ask interpreters about: every hand-kept profile entry with an opcode table
/// (not `SUPPORTED`, which is generated from the facts this fills in, so a new version's first
/// facts could never be written).
fn wanted() -> Vec<(u8, u8)> {
    crate::profiles::HAND
        .iter()
        .filter(|h| !h.marshal_only)
        .map(|h| h.version)
        .collect()
}

/// `3.11.7` → `[3, 11, 7]`, for picking the newest patch release of a version.
fn release(full_version: &str) -> Vec<u32> {
    full_version
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|part| part.parse().ok())
        .collect()
}

/// One interpreter per supported version: the newest patch release of a plain (not
/// free-threaded) build, since its `dis` is the one a user of that version most likely has.
fn pick_interpreters() -> BTreeMap<(u8, u8), Interpreter> {
    let mut chosen: BTreeMap<(u8, u8), Interpreter> = BTreeMap::new();
    for interp in flypy_probe::discover() {
        let key = (interp.version.major, interp.version.minor);
        if !wanted().contains(&key) {
            println!(
                "skipped {} ({}): not a version flypy supports",
                interp.version,
                interp.path.display()
            );
            continue;
        }
        if interp.free_threaded {
            println!(
                "skipped {} ({}): free-threaded build",
                interp.version,
                interp.path.display()
            );
            continue;
        }
        let newer = chosen
            .get(&key)
            .is_none_or(|old| release(&interp.full_version) > release(&old.full_version));
        if newer {
            chosen.insert(key, interp);
        }
    }
    chosen
}

/// The facts `interp` prints (text as printed, and parsed), checked to be consistent.
fn facts_of(interp: &Interpreter) -> Result<(String, Facts)> {
    let script = crate::workspace_root().join("tools/opcode_facts.py");
    let out = interp
        .command()
        .arg("-S")
        .arg(&script)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", interp.path.display()))?;
    if !out.status.success() {
        bail!(
            "{} {} failed: {}",
            interp.path.display(),
            shown(&script),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let text = String::from_utf8(out.stdout).context("facts are not UTF-8")?;
    let facts = Facts::parse(&text, &interp.path)?;
    let expected = (interp.version.major, interp.version.minor);
    if facts.version != expected {
        bail!(
            "{} reported facts of {} but is {}",
            interp.path.display(),
            facts.label(),
            interp.version
        );
    }
    Ok((text, facts))
}

pub fn refresh_facts(check: bool) -> Result<()> {
    let chosen = pick_interpreters();
    let mut differing = Vec::new();
    for version in wanted() {
        let Some(interp) = chosen.get(&version) else {
            println!(
                "skipped {}.{}: no interpreter found (committed facts kept)",
                version.0, version.1
            );
            continue;
        };
        let (text, new_facts) = facts_of(interp)?;
        let path = facts_path(version);
        let old = std::fs::read_to_string(&path).ok();
        let old_facts = old.as_deref().and_then(|t| Facts::parse(t, &path).ok());
        if old.as_deref() == Some(text.as_str()) {
            println!("{}: unchanged ({})", shown(&path), interp.path.display());
        } else if check && old_facts.is_some_and(|f| f.same_opcodes(&new_facts)) {
            // Another patch release of the same minor version: its opcodes cannot differ.
            println!(
                "{}: same opcodes; only the patch release differs ({} found)",
                shown(&path),
                new_facts.full_version
            );
        } else if check {
            differing.push(shown(&path));
        } else {
            std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
            println!("wrote {} ({})", shown(&path), interp.path.display());
        }
    }
    if !differing.is_empty() {
        bail!(
            "facts differ from the interpreters: {}; run `cargo dev refresh-facts`",
            differing.join(", ")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The oracle for the committed facts: every interpreter present must print the same
    /// opcode facts (up to its patch release) as the file generate-all reads.
    #[test]
    fn committed_facts_match_installed_interpreters() {
        let chosen = pick_interpreters();
        assert!(!chosen.is_empty(), "no interpreter found");
        for (version, interp) in &chosen {
            let (_, live) = facts_of(interp).expect("facts");
            let path = facts_path(*version);
            let committed = std::fs::read_to_string(&path).expect("committed facts");
            let committed = Facts::parse(&committed, &path).expect("parse committed");
            assert!(
                committed.same_opcodes(&live),
                "{} differs from {}; run `cargo dev refresh-facts`",
                shown(&path),
                interp.path.display()
            );
            eprintln!("{}: matches {}", shown(&path), interp.path.display());
        }
        for version in wanted().iter().filter(|v| !chosen.contains_key(v)) {
            eprintln!("skipped {}.{}: no interpreter found", version.0, version.1);
        }
    }

    #[test]
    fn newest_patch_release_wins() {
        assert!(release("3.11.7") > release("3.11.2"));
        assert!(release("3.11.10") > release("3.11.9"));
        assert_eq!(release("3.15.0a1"), vec![3, 15, 0, 1]);
    }
}
