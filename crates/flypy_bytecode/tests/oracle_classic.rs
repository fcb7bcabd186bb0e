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

use flypy_testkit::mask_addresses as normalise;

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

/// Times `dis.dis` inside the interpreter over the code of the files named on stdin (one per
/// line), the compiling excluded; prints the seconds of the fastest of three rounds.
const TIME_CPYTHON_DIS: &str = r#"
import dis, sys, time
try:
    from io import StringIO
    dis.dis(compile("0", "x", "eval"), file=StringIO())
    def run(code):
        dis.dis(code, file=StringIO())
except TypeError:
    from StringIO import StringIO
    def run(code):
        saved, sys.stdout = sys.stdout, StringIO()
        try:
            dis.dis(code)
        finally:
            sys.stdout = saved
codes = []
for path in sys.stdin.read().splitlines():
    mode = "rb" if sys.version_info[:2] >= (3, 8) else "r"
    with open(path, mode) as f:
        codes.append(compile(f.read(), path, "exec"))
best = None
for _ in range(3):
    start = time.perf_counter() if hasattr(time, "perf_counter") else time.time()
    for code in codes:
        run(code)
    end = time.perf_counter() if hasattr(time, "perf_counter") else time.time()
    best = end - start if best is None else min(best, end - start)
print(best)
"#;

/// flypy's formatter against CPython's own `dis` on the same code objects, one thread each:
/// `cargo test --release -p flypy_bytecode --test oracle_classic -- --ignored --nocapture`
/// (FLYPY_BENCH_PYTHON=3.8 picks the version; FLYPY_BENCH_FILES=N the number of stdlib files).
#[test]
#[ignore]
fn speed_against_cpython_dis() {
    let spec = std::env::var("FLYPY_BENCH_PYTHON").unwrap_or_else(|_| String::from("3.8"));
    let Ok(interp) = flypy_probe::resolve(Some(&spec)) else {
        eprintln!("skipped: python{spec} not found");
        return;
    };
    let version = interp.version;
    let limit: usize = std::env::var("FLYPY_BENCH_FILES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let stdlib = Command::new(&interp.path)
        .args(["-c", "import os; print(os.path.dirname(os.__file__))"])
        .output()
        .expect("stdlib path");
    let root = PathBuf::from(String::from_utf8_lossy(&stdlib.stdout).trim());
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("stdlib")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    files.sort();
    files.truncate(limit);
    let codes: Vec<(PathBuf, flypy_marshal::Object)> = flypy_probe::compile_files(&interp, &files)
        .expect("compile helper")
        .into_iter()
        .zip(&files)
        .filter_map(|(o, p)| Some((p.clone(), o.ok()?.load(version).ok()?)))
        .collect();
    let list: String = codes
        .iter()
        .map(|(p, _)| format!("{}\n", p.display()))
        .collect();
    let mut child = Command::new(&interp.path)
        .args(["-c", TIME_CPYTHON_DIS])
        .env("PYTHONHASHSEED", "0")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), list.as_bytes())
        .expect("file list");
    let answer = child.wait_with_output().expect("python finishes");
    let cpython: f64 = String::from_utf8_lossy(&answer.stdout)
        .trim()
        .parse()
        .expect("seconds");
    let mut best = f64::MAX;
    let mut bytes = 0;
    for _ in 0..10 {
        let start = std::time::Instant::now();
        bytes = 0;
        for (_, obj) in &codes {
            let code = obj.as_code().expect("a code object");
            bytes += dis_text(code, version, &DisOptions::default())
                .expect("disassembles")
                .len();
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    eprintln!(
        "{version}: {} files, {bytes} bytes of listing: CPython dis {cpython:.3} s, flypy {best:.4} s, {:.0}x",
        codes.len(),
        cpython / best
    );
}
