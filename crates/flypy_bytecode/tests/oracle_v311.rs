//! Oracle: flypy's 3.11/3.12 `dis` text against the interpreters' own `python -m dis FILE`
//! (and `dis.dis(code, show_caches=True)`) on the tricky files in `tests/oracle_v311/`, with
//! PYTHONHASHSEED=0 on both sides and only ` at 0x…` addresses normalised. Versions without
//! an installed interpreter are skipped, and say so.

use flypy_bytecode::dis::{dis_text, DisOptions};
use flypy_marshal::PyVersion;
use std::path::{Path, PathBuf};

/// dis with show_caches, compiling exactly as `python -m dis FILE` does (bytes, path as given).
const SHOW_CACHES: &str = "import dis, sys\n\
with open(sys.argv[1], 'rb') as f:\n    src = f.read()\n\
dis.dis(compile(src, sys.argv[1], 'exec'), show_caches=True)\n";

use flypy_testkit::mask_addresses as normalise;

fn fixtures(minor: u8) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle_v311");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        // `py312_*` files use syntax 3.11 rejects.
        .filter(|p| {
            minor >= 12
                || !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("py312_"))
        })
        .collect();
    files.sort();
    files
}

fn expected(interp: &flypy_probe::Interpreter, path: &Path, show_caches: bool) -> String {
    let mut cmd = interp.command();
    cmd.env("PYTHONHASHSEED", "0");
    if show_caches {
        cmd.arg("-c").arg(SHOW_CACHES);
    } else {
        cmd.args(["-m", "dis"]);
    }
    let out = cmd.arg(path).output().expect("runs the interpreter");
    assert!(
        out.status.success(),
        "{} on {}: {}",
        interp.path.display(),
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The first differing line, for the failure message.
fn first_difference(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i), g.get(i));
        if a != b {
            return format!("line {}:\n  python: {a:?}\n  flypy:  {b:?}", i + 1);
        }
    }
    String::from("(identical lines, different line endings)")
}

#[test]
fn dis_text_matches_python_dis() {
    let mut failures = Vec::new();
    let mut compared = 0;
    for minor in [11u8, 12] {
        let version = PyVersion::new(3, minor);
        let interp = match flypy_probe::resolve(Some(&version.to_string())) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("skipped {version}: {e}");
                continue;
            }
        };
        let files = fixtures(minor);
        let outcomes = flypy_probe::compile_files(&interp, &files).expect("compile helper");
        for (path, outcome) in files.iter().zip(outcomes) {
            let compiled = outcome.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let obj = compiled.load(version).expect("marshal");
            let code = obj.as_code().expect("a code object");
            for show_caches in [false, true] {
                let opts = DisOptions {
                    show_caches,
                    ..DisOptions::default()
                };
                let got = dis_text(code, version, &opts)
                    .unwrap_or_else(|e| panic!("{version} {}: {e}", path.display()));
                let want = normalise(&expected(&interp, path, show_caches));
                let got = normalise(&got);
                compared += 1;
                if want != got {
                    failures.push(format!(
                        "{version} {} (show_caches={show_caches}) {}",
                        path.display(),
                        first_difference(&want, &got)
                    ));
                }
            }
        }
    }
    eprintln!("compared {compared} listings");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn normalise_replaces_addresses_only() {
    assert_eq!(
        normalise("<code object f at 0x7f3a9c, file \"x\"> at 0xzz"),
        "<code object f at 0x?, file \"x\"> at 0x?zz"
    );
}
