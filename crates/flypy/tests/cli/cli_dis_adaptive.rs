//! `flypy dis --adaptive SCRIPT.py` against the interpreter itself: the same script run the
//! same way (its module code exec'd in a fresh namespace), then `dis.dis(code, adaptive=True)`.
//! Specialization is deterministic for a deterministic program, so the two runs agree.

use assert_cmd::Command;

const SCRIPT: &str = r#"
class P:
    def __init__(self, x):
        self.x = x

def work(items):
    t = 0
    for p in items:
        t += p.x
    return [str(i) for i in range(t % 50)]

items = [P(i) for i in range(20)]
for _ in range(100):
    work(items)
"#;

const ORACLE: &str = r#"
import dis, sys, types
path = sys.argv[1]
code = compile(open(path).read(), path, "exec")
main = types.ModuleType("__main__")
main.__file__ = path
sys.modules["__main__"] = main
exec(code, main.__dict__)
dis.dis(code, adaptive=True)
"#;

#[test]
fn quickened_module_prints_as_dis_adaptive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("warm.py");
    std::fs::write(&script, SCRIPT).expect("write");
    let mut checked = Vec::new();
    for interp in flypy_probe::discover() {
        let v = interp.version;
        if !v.at_least(3, 11) {
            continue;
        }
        let ours = Command::cargo_bin("flypy")
            .expect("flypy")
            .args(["dis", "--adaptive", "--python"])
            .arg(&interp.path)
            .arg(&script)
            .output()
            .expect("runs");
        assert!(
            ours.status.success(),
            "{v}: {}",
            String::from_utf8_lossy(&ours.stderr)
        );
        let theirs = interp
            .command()
            .arg("-c")
            .arg(ORACLE)
            .arg(&script)
            .output()
            .expect("runs");
        assert!(
            theirs.status.success(),
            "{v}: {}",
            String::from_utf8_lossy(&theirs.stderr)
        );
        let ours = flypy_testkit::mask_addresses(&String::from_utf8_lossy(&ours.stdout));
        let theirs = flypy_testkit::mask_addresses(&String::from_utf8_lossy(&theirs.stdout));
        assert_eq!(ours, theirs, "{v}");
        assert!(
            ours.contains("LOAD_ATTR_INSTANCE_VALUE"),
            "{v}: nothing specialized?\n{ours}"
        );
        checked.push(v.to_string());
    }
    eprintln!("dis --adaptive checked on: {}", checked.join(", "));
}

#[test]
fn adaptive_needs_one_py_file() {
    let out = Command::cargo_bin("flypy")
        .expect("flypy")
        .args(["dis", "--adaptive", "a.py", "b.py"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}
