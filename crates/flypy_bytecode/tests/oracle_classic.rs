//! Oracle test for the 2.7 and 3.6–3.10 formatter: each installed interpreter compiles the
//! snippets in `tests/oracle_classic/` (and a generated function big enough for EXTENDED_ARG,
//! 4-digit line numbers and 5-digit offsets), flypy disassembles the marshalled code, and the
//! text must equal `python -m dis FILE` byte for byte (PYTHONHASHSEED=0 on both sides, code
//! object addresses normalised).

use flypy_bytecode::dis::{dis_text, DisOptions};
use flypy_marshal::PyVersion;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSIONS: [&str; 6] = ["2.7", "3.6", "3.7", "3.8", "3.9", "3.10"];

/// `(path, minimum version)` of every committed snippet; the minimum is its first line's
/// `# flypy-oracle: min X.Y`.
fn snippets() -> Vec<(PathBuf, PyVersion)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle_classic");
    let mut out: Vec<(PathBuf, PyVersion)> = std::fs::read_dir(&dir)
        .expect("snippet folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("snippet text");
            let min = text
                .lines()
                .next()
                .and_then(|l| l.strip_prefix("# flypy-oracle: min "))
                .and_then(PyVersion::parse)
                .unwrap_or_else(|| panic!("{}: no `# flypy-oracle: min X.Y` line", p.display()));
            (p, min)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 5, "snippets missing from {}", dir.display());
    out
}

/// Thousands of constants and names (EXTENDED_ARG on 3.x), a jump over more than 65535 bytes
/// (EXTENDED_ARG and `L` arguments on 2.7), lines past 1000 and offsets past 10000: once in
/// a function (shown by 3.7+ only) and once at module level (shown by every version).
fn big_source() -> String {
    let mut s = String::from("def big(x):\n    if x:\n");
    for i in 0..7000 {
        let _ = writeln!(s, "        v{i} = x + {i}");
    }
    s.push_str("    return x\n\nif big:\n");
    for i in 0..7000 {
        let _ = writeln!(s, "    g{i} = big + {i}.5");
    }
    s
}

/// What this build lacks to disassemble `version` faithfully, if anything: the generated
/// opcode table, or constant reprs (pyrepr lands on its own branch).
fn missing_piece(version: PyVersion) -> Option<&'static str> {
    if flypy_bytecode::tables::for_version(version).is_none() {
        return Some("no opcode table in this build");
    }
    let probe = flypy_marshal::Object::Int(1);
    if flypy_bytecode::pyrepr::repr(&probe, version) != "1" {
        return Some("no constant repr in this build");
    }
    None
}

fn normalise(text: &str) -> String {
    // ` at 0x` followed by hex digits, as the oracle script does.
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find(" at 0x") {
        out.push_str(&rest[..pos]);
        out.push_str(" at 0x?");
        rest = rest[pos + 6..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

fn expected(python: &Path, file: &Path) -> String {
    let out = Command::new(python)
        .args(["-m", "dis"])
        .arg(file)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .expect("python -m dis runs");
    assert!(
        out.status.success(),
        "{} -m dis {}: {}",
        python.display(),
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn snippets_match_python_m_dis() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let big = tmp.path().join("big.py");
    std::fs::write(&big, big_source()).expect("write big.py");
    let mut compared = 0;
    for spec in VERSIONS {
        let Ok(interp) = flypy_probe::resolve(Some(spec)) else {
            eprintln!("skipped: python{spec} not found");
            continue;
        };
        let version = interp.version;
        if let Some(missing) = missing_piece(version) {
            eprintln!("skipped: {version}: {missing}");
            continue;
        }
        let mut files: Vec<PathBuf> = snippets()
            .into_iter()
            .filter(|(_, min)| version >= *min)
            .map(|(p, _)| p)
            .collect();
        files.push(big.clone());
        let compiled = flypy_probe::compile_files(&interp, &files).expect("compile helper");
        for (file, outcome) in files.iter().zip(compiled) {
            let compiled = outcome.unwrap_or_else(|e| panic!("{version} {}: {e}", file.display()));
            let obj = compiled.load(version).expect("marshal loads");
            let code = obj.as_code().expect("a code object");
            let got = dis_text(code, version, &DisOptions::default())
                .unwrap_or_else(|e| panic!("{version} {}: {e}", file.display()));
            let want = expected(&interp.path, file);
            let (got, want) = (normalise(&got), normalise(&want));
            if got != want {
                let line = got
                    .lines()
                    .zip(want.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
                panic!(
                    "{version} {}: first difference at line {}\n flypy: {:?}\npython: {:?}",
                    file.display(),
                    line + 1,
                    got.lines().nth(line),
                    want.lines().nth(line)
                );
            }
            compared += 1;
        }
        eprintln!("{version}: {} files match python -m dis", files.len());
    }
    eprintln!("{compared} files compared");
}
