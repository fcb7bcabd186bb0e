//! The 3.13–3.15 formatter against the real interpreters: each fixture in `oracle_v313/` is
//! compiled by the interpreter (as `python -m dis` compiles it), read back with the marshal
//! reader (frozensets in the compiler's order), disassembled by flypy and compared byte for byte with `python -m dis [-C] [-O]
//! [-P] FILE` (PYTHONHASHSEED=0 on both sides, only ` at 0x…` addresses normalised).
//! Versions without an interpreter are reported as skipped.

use flypy_bytecode::dis::{dis_text, DisOptions};
use std::path::PathBuf;

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle_v313");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "py"));
    files.sort();
    files
}

use flypy_testkit::mask_addresses as normalise;

fn first_difference(got: &str, want: &str) -> String {
    got.lines()
        .zip(want.lines())
        .enumerate()
        .find(|(_, (a, b))| a != b)
        .map(|(i, (a, b))| format!("line {}:\n  flypy: {a:?}\n  dis:   {b:?}", i + 1))
        .unwrap_or_else(|| {
            format!(
                "{} lines from flypy, {} from dis",
                got.lines().count(),
                want.lines().count()
            )
        })
}

#[test]
fn fixtures_match_python_m_dis() {
    let files = fixtures();
    assert!(files.len() >= 9, "fixtures missing: {files:?}");
    let mut failures = Vec::new();
    let mut compared = 0;
    for minor in [13u8, 14, 15] {
        let interp = match flypy_probe::resolve(Some(&format!("3.{minor}"))) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("skipped 3.{minor}: {e}");
                continue;
            }
        };
        let version = interp.version;
        let outcomes = flypy_probe::compile_files(&interp, &files).expect("compile helper runs");
        let mut flag_sets: Vec<Vec<&str>> = vec![vec![], vec!["-C"], vec!["-O"], vec!["-C", "-O"]];
        if minor >= 14 {
            flag_sets.extend([vec!["-P"], vec!["-C", "-O", "-P"]]);
        }
        for (path, outcome) in files.iter().zip(outcomes) {
            let compiled = outcome.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let obj = compiled.load(version).expect("marshal reads it");
            let code = obj.as_code().expect("a code object");
            for flags in &flag_sets {
                let out = interp
                    .command()
                    .env("PYTHONHASHSEED", "0")
                    .args(["-m", "dis"])
                    .args(flags)
                    .arg(path)
                    .output()
                    .expect("python -m dis runs");
                assert!(
                    out.status.success(),
                    "{} {flags:?}: {}",
                    path.display(),
                    String::from_utf8_lossy(&out.stderr)
                );
                let want = normalise(&String::from_utf8_lossy(&out.stdout));
                let opts = DisOptions {
                    show_caches: flags.contains(&"-C"),
                    show_offsets: flags.contains(&"-O"),
                    show_positions: flags.contains(&"-P"),
                };
                let got = match dis_text(code, version, &opts) {
                    Ok(t) => normalise(&t),
                    Err(e) => format!("error: {e}"),
                };
                compared += 1;
                if got != want {
                    failures.push(format!(
                        "{version} {} {flags:?}: {}",
                        path.display(),
                        first_difference(&got, &want)
                    ));
                }
            }
        }
        eprintln!("3.{minor}: {} files compared", files.len());
    }
    eprintln!(
        "{compared} disassemblies compared, {} differ",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
