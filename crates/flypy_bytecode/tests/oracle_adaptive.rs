//! The specialized view: a function's quickened bytecode (`_co_code_adaptive`, after it ran
//! warm) put in place of `co_code` and formatted by flypy must print exactly what
//! `dis.dis(code, adaptive=True)` prints, on every installed 3.11+.

use std::process::Command;

use flypy_bytecode::dis::{dis_text, DisOptions};
use serde_json::Value;

const SOURCE: &str = r#"
class P:
    def __init__(self, x):
        self.x = x

def work(items, n):
    out = []
    t = 0
    for i in range(n):
        out.append(i)
        t += items[i % len(items)].x
        t = t + 1.5
        if i in (3, 4):
            t -= 1
    return len(out), t, str(t)

def calls(items):
    s = 0
    for p in items:
        s += abs(p.x) + max(p.x, 2)
    return s
"#;

/// Warms the functions, then prints each one's adaptive code and its adaptive `dis`.
const WARM: &str = r#"
import dis, io, json, sys
source = open(sys.argv[1]).read()
ns = {}
exec(compile(source, sys.argv[1], "exec"), ns)
items = [ns["P"](i) for i in range(10)]
for _ in range(300):
    ns["work"](items, 50)
    ns["calls"](items)
out = {}
for name in ("work", "calls"):
    code = ns[name].__code__
    text = io.StringIO()
    dis.dis(code, adaptive=True, file=text)
    out[name] = {"adaptive": code._co_code_adaptive.hex(), "dis": text.getvalue()}
print(json.dumps(out))
"#;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn quickened_code_prints_as_dis_adaptive() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("warm.py");
    std::fs::write(&file, SOURCE).expect("write");
    let mut checked = Vec::new();
    for interp in flypy_probe::discover() {
        let v = interp.version;
        if !v.at_least(3, 11) {
            continue;
        }
        let module = flypy_probe::compile_files(&interp, std::slice::from_ref(&file))
            .expect("compile helper")
            .remove(0)
            .expect("compiles")
            .load(v)
            .expect("loads");
        let module = module.as_code().expect("code");
        let out = Command::new(&interp.path)
            .arg("-c")
            .arg(WARM)
            .arg(&file)
            .output()
            .expect("runs");
        let doc: Value = flypy_testkit::json_of(&out, &v.to_string());
        for name in ["work", "calls"] {
            let plain = dis_text(
                flypy_testkit::function(module, name),
                v,
                &DisOptions::default(),
            )
            .expect("formats");
            let mut code = flypy_testkit::function(module, name).clone();
            code.code = unhex(doc[name]["adaptive"].as_str().expect("hex")).into();
            let got = dis_text(&code, v, &DisOptions::default()).expect("formats");
            let want = doc[name]["dis"].as_str().expect("text");
            assert_eq!(
                flypy_testkit::mask_addresses(&got),
                flypy_testkit::mask_addresses(want),
                "{v} {name}"
            );
            // Not vacuous: the warm run did specialize something.
            assert_ne!(got, plain, "{v} {name}: nothing specialized");
        }
        checked.push(v.to_string());
    }
    eprintln!("adaptive view checked on: {}", checked.join(", "));
}
