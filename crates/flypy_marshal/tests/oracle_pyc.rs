//! Oracle test: `.pyc` files written by every installed CPython (a spread sample of its own
//! standard library), read by `read_pyc`, must give the same code objects as that
//! interpreter's own `marshal` gives (every field, the bytecode and tables byte for byte, the
//! constants' kinds and values). Versions not installed are named as skipped.

use flypy_marshal::{read_pyc, Code, Object, PyVersion};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

const SAMPLE: usize = 40;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn text(o: &Object) -> Value {
    json!(o.as_text().map(|t| t.into_owned()))
}

fn const_kind(c: &Object) -> String {
    match c {
        Object::None => "None".into(),
        Object::True => "True".into(),
        Object::False => "False".into(),
        Object::Ellipsis => "Ellipsis".into(),
        Object::Int(i) if *i != i64::MIN => format!("int:{i}"),
        Object::Long(b) => {
            let small = b.digits.len() <= 5;
            let mag = b
                .digits
                .iter()
                .rev()
                .fold(0i128, |a, &d| (a << 15) | i128::from(d));
            if small && mag < (1i128 << 63) {
                format!("int:{}", if b.negative { -mag } else { mag })
            } else {
                "bigint".into()
            }
        }
        Object::Int(_) => "bigint".into(),
        Object::Float(f) => format!("float:{}", hex(&f.to_le_bytes())),
        Object::Complex(..) => "complex".into(),
        Object::Bytes(b) => format!("bytes:{}", hex(b)),
        Object::Str(s) => format!("str:{}", hex(s.as_bytes())),
        Object::Tuple(t) => format!("tuple:{}", t.len()),
        Object::FrozenSet(t) => format!("frozenset:{}", t.len()),
        Object::Code(_) => "code".into(),
        Object::Slice(_) => "slice".into(),
        other => format!("unexpected:{other:?}"),
    }
}

fn summary(code: &Code, out: &mut Vec<Value>) {
    let texts = |v: &[Object]| v.iter().map(text).collect::<Vec<_>>();
    out.push(json!({
        "name": text(&code.name),
        "qualname": code.qualname.as_ref().map(text).unwrap_or(json!("")),
        "filename": text(&code.filename),
        "firstlineno": code.firstlineno,
        "argcount": code.argcount,
        "posonlyargcount": code.posonlyargcount,
        "kwonlyargcount": code.kwonlyargcount,
        "nlocals": code.nlocals,
        "stacksize": code.stacksize,
        "flags": code.flags,
        "code": hex(&code.code),
        "consts": code.consts.iter().map(const_kind).collect::<Vec<_>>(),
        "names": texts(&code.names),
        "varnames": texts(&code.varnames),
        "cellvars": texts(&code.cellvars),
        "freevars": texts(&code.freevars),
        "linetable": hex(&code.linetable),
        "exceptiontable": hex(&code.exceptiontable),
    }));
    for c in &code.consts {
        if let Some(child) = c.as_code() {
            summary(child, out);
        }
    }
}

fn stdlib_sample(python: &Path) -> Vec<String> {
    let probe = "import sysconfig, os, json\n\
        p = sysconfig.get_paths()['stdlib']\n\
        out = []\n\
        for d, ds, fs in os.walk(p):\n\
        \x20   ds[:] = sorted(x for x in ds if x not in ('site-packages', 'dist-packages', '__pycache__'))\n\
        \x20   out.extend(os.path.join(d, f) for f in sorted(fs) if f.endswith('.py'))\n\
        print(json.dumps(sorted(out)))";
    let out = Command::new(python)
        .args(["-S", "-c", probe])
        .output()
        .expect("run python");
    let all: Vec<String> = serde_json::from_slice(&out.stdout).expect("file list");
    let step = (all.len() / SAMPLE).max(1);
    all.into_iter().step_by(step).take(SAMPLE).collect()
}

#[test]
fn pyc_files_of_every_installed_version_read_as_cpython_reads_them() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pyc_summary.py");
    let mut by_version = std::collections::BTreeMap::new();
    for interp in flypy_probe::discover() {
        by_version.entry(interp.version).or_insert(interp.path);
    }
    let wanted =
        std::iter::once(PyVersion::new(2, 7)).chain((6..=15).map(|m| PyVersion::new(3, m)));
    let mut compared = 0;
    for version in wanted {
        let Some(python) = by_version.get(&version) else {
            eprintln!("skipped: no CPython {version} found");
            continue;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let files = stdlib_sample(python);
        let out = Command::new(python)
            .env("PYTHONHASHSEED", "0")
            .arg(&script)
            .arg(dir.path())
            .args(&files)
            .output()
            .expect("run summary");
        let want: Vec<Value> = flypy_testkit::json_of(&out, &version.to_string());
        for entry in &want {
            let pyc = entry["pyc"].as_str().expect("pyc path");
            let data = std::fs::read(pyc).expect("read pyc");
            let parsed = read_pyc(&data).unwrap_or_else(|e| panic!("{version} {pyc}: {e}"));
            assert_eq!(parsed.version, version, "{pyc}: version from magic");
            let code = parsed.code.as_code().expect("module code");
            let mut got = Vec::new();
            summary(code, &mut got);
            let want_codes = entry["codes"].as_array().expect("codes");
            assert_eq!(
                got.len(),
                want_codes.len(),
                "{version} {pyc}: code object count"
            );
            for (g, w) in got.iter().zip(want_codes) {
                assert_eq!(g, w, "{version} {pyc}");
            }
            compared += 1;
        }
        eprintln!("{version}: {} .pyc files read identically", want.len());
    }
    assert!(compared > 0, "no interpreter found at all");
}
