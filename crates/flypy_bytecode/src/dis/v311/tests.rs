//! Unit tests against the real 3.11/3.12 `dis`: `tests_dump.py` dumps the raw fields of the
//! code objects compiled from a source (built here by hand, so hostile variants are easy to
//! make) and what `dis` prints for them.

use super::instructions_with;
use crate::dis::text_with;
use crate::dis::DisOptions;
use crate::instruction::ArgVal;
use crate::table::OpcodeTable;
use flypy_marshal::{Code, Object, PyStr, PyVersion};
use flypy_testkit::Rng;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

fn python(minor: u8) -> Option<PathBuf> {
    let dir = std::fs::read_dir("/root/.pyenv/versions").ok()?;
    dir.flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(&format!("3.{minor}.")))
        })
        .map(|p| p.join("bin").join(format!("python3.{minor}")))
        .find(|p| p.is_file())
}

fn interpreter(minor: u8) -> Option<flypy_probe::Interpreter> {
    let Some(py) = python(minor) else {
        eprintln!("skipped: no python3.{minor}");
        return None;
    };
    Some(flypy_probe::Interpreter::probe(&py, flypy_probe::Discovery::Explicit).expect("probes"))
}

fn dump(minor: u8, source: &str) -> Option<Value> {
    let Some(py) = python(minor) else {
        eprintln!("skipped: no python3.{minor}");
        return None;
    };
    let out = Command::new(py)
        .env("PYTHONHASHSEED", "0")
        .arg("-c")
        .arg(include_str!("tests_dump.py"))
        .arg(source)
        .output()
        .expect("runs the interpreter");
    Some(flypy_testkit::json_of(&out, &format!("3.{minor}")))
}

fn bytes_of(v: &Value) -> Vec<u8> {
    let hex = v.as_str().expect("hex");
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex digit"))
        .collect()
}

fn table(minor: u8) -> &'static OpcodeTable {
    crate::tables::for_version(PyVersion::new(3, minor)).expect("a generated table")
}

fn py_str(v: &Value) -> Object {
    Object::Str(Arc::new(PyStr::new(v.as_str().expect("str"))))
}

fn const_of(k: &Value) -> Object {
    if let Some(inner) = k.get("code") {
        Object::Code(Arc::new(code_of(inner)))
    } else if let Some(i) = k.get("int") {
        Object::Int(i.as_i64().expect("small int"))
    } else if let Some(s) = k.get("str") {
        py_str(s)
    } else if let Some(items) = k.get("tuple") {
        Object::Tuple(
            items
                .as_array()
                .expect("items")
                .iter()
                .map(const_of)
                .collect(),
        )
    } else {
        match k.get("single").and_then(Value::as_str) {
            Some("None") => Object::None,
            Some("True") => Object::True,
            Some("False") => Object::False,
            other => panic!("fixture constant {other:?} {k}"),
        }
    }
}

fn code_of(c: &Value) -> Code {
    let consts = c["consts"]
        .as_array()
        .expect("consts")
        .iter()
        .map(const_of)
        .collect();
    let names = |key: &str| -> Vec<Object> {
        c[key]
            .as_array()
            .expect("names")
            .iter()
            .map(py_str)
            .collect()
    };
    Code {
        argcount: 0,
        posonlyargcount: 0,
        kwonlyargcount: 0,
        nlocals: 0,
        stacksize: 0,
        flags: 0,
        code: bytes_of(&c["code"]).into(),
        consts,
        names: names("names"),
        varnames: Vec::new(),
        cellvars: Vec::new(),
        freevars: Vec::new(),
        localsplusnames: names("localsplusnames"),
        localspluskinds: Vec::new(),
        filename: py_str(&c["filename"]),
        name: py_str(&c["name"]),
        qualname: Some(py_str(&c["qualname"])),
        firstlineno: u32::try_from(c["firstlineno"].as_u64().expect("line")).expect("u32"),
        linetable: bytes_of(&c["linetable"]).into(),
        exceptiontable: bytes_of(&c["exceptiontable"]).into(),
    }
}

use flypy_testkit::mask_addresses as normalise;

/// `write_dis_with`'s listing of `code`, with or without CACHE lines.
fn listing(
    code: &Code,
    version: PyVersion,
    table: &'static OpcodeTable,
    show_caches: bool,
) -> Result<String, crate::dis::DisError> {
    let mut out = String::new();
    let opts = DisOptions {
        show_caches,
        ..DisOptions::default()
    };
    text_with(super::write_dis_with, &mut out, code, version, table, &opts)?;
    Ok(out)
}

fn check(minor: u8, source: &str) {
    let Some(d) = dump(minor, source) else { return };
    let version = PyVersion::new(3, minor);
    let table = table(minor);
    let code = code_of(&d["code"]);
    for (key, show_caches) in [("dis", false), ("dis_caches", true)] {
        let out = listing(&code, version, table, show_caches).expect("disassembles");
        if std::env::var_os("V311_SHOW").is_some() {
            eprintln!("{out}");
        }
        let want = normalise(d[key].as_str().expect("text"));
        let got = normalise(&out);
        if want != got {
            for (i, (w, g)) in want.lines().zip(got.lines()).enumerate() {
                if w != g {
                    panic!("3.{minor} {key} line {i}:\nwant {w:?}\ngot  {g:?}\n\n{got}");
                }
            }
            panic!(
                "3.{minor} {key}: lengths differ ({} vs {} lines)\n{got}",
                want.lines().count(),
                got.lines().count()
            );
        }
    }
}

/// Statements with every kind of argument the formatter resolves (constants limited to the
/// kinds `tests_dump.py` can rebuild: None, bools, ints, str, tuples, code).
const CONTROL_FLOW: &str = r#"
import os.path as p
from q import r, s
x = None
for i in y:
    if i is None and z or not w:
        x = True
    while x:
        x = False
        if x in y: break
    else:
        continue
try:
    w[x] += z
except E as e:
    del e
finally:
    x = x @ y
with q as r, t:
    r.s(a, *b, **c)
def f(a, /, b, *, c=None, **k):
    global g
    g = a < b >= c != k
    def inner():
        nonlocal a
        a = b
        return f"{a!r:{b}}{c!s}{k}"
    return inner
async def co(a):
    async with a as b:
        async for c in b:
            await c
    return [x async for x in a]
def gen(a):
    yield from (y for y in a if y)
    return {k: v for k, v in a}
class C(B, metaclass=M):
    def m(self):
        return super().m(self.x, self.y.z())
match x:
    case [a, *rest] if a: pass
    case {"k": v, **kw}: pass
    case P(x=0, y=Q()): pass
    case _: pass
"#;

#[test]
fn matches_dis_on_control_flow() {
    check(11, CONTROL_FLOW);
    check(12, CONTROL_FLOW);
}

#[test]
fn structured_form_agrees_with_the_text() {
    let src = "for i in y:\n    if i: break\nx = a.b(c)\ntry:\n    f(k=1)\nexcept E:\n    (a,\n     b) = f'{x!r:>3}'\n";
    for minor in [11u8, 12] {
        let Some(d) = dump(minor, src) else { continue };
        let version = PyVersion::new(3, minor);
        let table = table(minor);
        let code = code_of(&d["code"]);
        let ins = instructions_with(&code, version, table).expect("instructions");
        // Field for field against `dis.get_instructions`.
        let want = d["instructions"].as_array().expect("instructions");
        assert_eq!(want.len(), ins.len(), "3.{minor}");
        for (w, i) in want.iter().zip(&ins) {
            let num = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok());
            let p = &w[6];
            let got = (
                i.offset,
                i.opname,
                i.arg,
                i.argrepr.as_str(),
                i.starts_line,
                i.is_jump_target,
                [
                    i.positions.lineno,
                    i.positions.end_lineno,
                    i.positions.col_offset,
                    i.positions.end_col_offset,
                ],
            );
            let expected = (
                num(&w[0]).expect("offset"),
                w[1].as_str().expect("opname"),
                num(&w[2]),
                w[3].as_str().expect("argrepr"),
                num(&w[4]),
                w[5].as_bool().expect("bool"),
                [num(&p[0]), num(&p[1]), num(&p[2]), num(&p[3])],
            );
            assert_eq!(got, expected, "3.{minor}");
        }
        let text = d["dis"].as_str().expect("text");
        // Every listed instruction, in order, with the same offset, name and argrepr.
        let listed: Vec<&str> = text
            .lines()
            .take_while(|l| *l != "ExceptionTable:")
            .filter(|l| !l.trim().is_empty())
            .collect();
        assert_eq!(listed.len(), ins.len(), "3.{minor}");
        for (line, i) in listed.iter().zip(&ins) {
            assert!(
                line.contains(&format!(" {} {}", i.offset, i.opname))
                    || line.contains(&format!("{:>4} {}", i.offset, i.opname)),
                "{line} vs {i:?}"
            );
            if !i.argrepr.is_empty() {
                assert!(
                    line.ends_with(&format!("({})", i.argrepr)),
                    "{line} vs {i:?}"
                );
            }
        }
        let jump = ins
            .iter()
            .find(|i| i.opname == "FOR_ITER")
            .expect("a FOR_ITER");
        let target = jump.jump_target.expect("a target");
        assert!(matches!(jump.argval, ArgVal::Jump(t) if t == target));
        assert!(ins.iter().any(|i| i.offset == target && i.is_jump_target));
        let call = ins.iter().find(|i| i.opname == "CALL").expect("a CALL");
        let units: u16 = call.cache_info.iter().map(|c| c.1).sum();
        assert_eq!(
            u32::from(units),
            u32::from(table.cache_entries[usize::from(call.opcode)])
        );
    }
}

#[test]
fn malformed_indices_are_errors_not_panics() {
    let Some(d) = dump(12, "x = y") else { return };
    let table = table(12);
    let version = PyVersion::new(3, 12);
    let mut code = code_of(&d["code"]);
    code.names.clear();
    let mut out = String::new();
    let err = text_with(
        super::write_dis_with,
        &mut out,
        &code,
        version,
        table,
        &DisOptions::default(),
    );
    assert!(err.is_err(), "{out}");
    // Truncated code: an argument op cut off by the end.
    let mut code = code_of(&d["code"]);
    let mut bytes = code.code.to_vec();
    bytes.push(100);
    code.code = bytes.into();
    assert!(text_with(
        super::write_dis_with,
        &mut out,
        &code,
        version,
        table,
        &DisOptions::default()
    )
    .is_err());
}

/// The oracle fixtures (`tests/oracle_v311/`) through the crate-internal entry point;
/// `tests/oracle_v311.rs` runs the same files through the public `dis_text`.
#[test]
fn fixtures_match_python_dis() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle_v311");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for minor in [11u8, 12] {
        let Some(interp) = interpreter(minor) else {
            continue;
        };
        let version = PyVersion::new(3, minor);
        let table = table(minor);
        let files: Vec<PathBuf> = files
            .iter()
            .filter(|p| minor >= 12 || !p.to_string_lossy().contains("py312_"))
            .cloned()
            .collect();
        let outcomes = flypy_probe::compile_files(&interp, &files).expect("compiles");
        for (path, outcome) in files.iter().zip(outcomes) {
            let compiled = outcome.expect("valid source");
            let obj = compiled.load(version).expect("marshal");
            let code = obj.as_code().expect("code");
            for show_caches in [false, true] {
                let mut cmd = interp.command();
                if show_caches {
                    cmd.arg("-c").arg(
                        "import dis, sys\nwith open(sys.argv[1], 'rb') as f: src = f.read()\n\
                         dis.dis(compile(src, sys.argv[1], 'exec'), show_caches=True)",
                    );
                } else {
                    cmd.args(["-m", "dis"]);
                }
                let out = cmd.arg(path).output().expect("runs");
                let want = normalise(&String::from_utf8_lossy(&out.stdout));
                let mut got = String::new();
                let opts = DisOptions {
                    show_caches,
                    ..DisOptions::default()
                };
                text_with(super::write_dis_with, &mut got, code, version, table, &opts)
                    .expect("disassembles");
                let got = normalise(&got);
                if want != got {
                    let line = want
                        .lines()
                        .zip(got.lines())
                        .find(|(w, g)| w != g)
                        .map(|(w, g)| format!("\n  want {w:?}\n  got  {g:?}"))
                        .unwrap_or_else(|| {
                            format!(" {} vs {} lines", want.lines().count(), got.lines().count())
                        });
                    failures.push(format!(
                        "3.{minor} {} caches={show_caches}:{line}",
                        path.display()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Ad-hoc stdlib sweep without the binary (run with `--ignored`; FLYPY_SWEEP=N samples
/// every Nth file, default 10; FLYPY_SWEEP_CACHES=1 for show_caches).
#[test]
#[ignore]
fn sweep_stdlib() {
    const EXPECT: &str = r#"
import dis, io, sys
out = open(sys.argv[1], 'w', encoding='utf-8', errors='surrogateescape')
for path in sys.stdin.read().split('\0'):
    if not path:
        continue
    buf = io.StringIO()
    try:
        with open(path, 'rb') as f:
            src = f.read()
        dis.dis(compile(src, path, 'exec'), file=buf, show_caches=bool(int(sys.argv[2])))
        text = buf.getvalue()
    except Exception as e:
        text = 'ERROR %r' % e
    out.write(text + '\0')
"#;
    let step: usize = std::env::var("FLYPY_SWEEP")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let caches = std::env::var("FLYPY_SWEEP_CACHES").is_ok_and(|v| v == "1");
    let mut failures = 0;
    let mut compared = 0;
    for minor in [11u8, 12] {
        let Some(interp) = interpreter(minor) else {
            continue;
        };
        let version = PyVersion::new(3, minor);
        let table = table(minor);
        let root = python(minor)
            .and_then(|p| Some(p.parent()?.parent()?.join(format!("lib/python3.{minor}"))))
            .expect("stdlib");
        let mut files = Vec::new();
        let mut stack = vec![PathBuf::from(&root)];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if n != "site-packages" && n != "__pycache__" {
                        stack.push(p);
                    }
                } else if p.extension().is_some_and(|x| x == "py") {
                    files.push(p);
                }
            }
        }
        files.sort();
        let files: Vec<PathBuf> = files.into_iter().step_by(step).collect();
        let chan = std::env::temp_dir().join(format!("v311sweep{minor}"));
        let mut child = interp
            .command()
            .arg("-c")
            .arg(EXPECT)
            .arg(&chan)
            .arg(if caches { "1" } else { "0" })
            .stdin(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("stdin");
            for f in &files {
                stdin.write_all(f.to_string_lossy().as_bytes()).expect("w");
                stdin.write_all(b"\0").expect("w");
            }
        }
        child.wait().expect("wait");
        let expected = std::fs::read(&chan).expect("chan");
        let expected: Vec<String> = expected
            .split(|&b| b == 0)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect();
        let (files, expected): (Vec<PathBuf>, Vec<&String>) = files
            .iter()
            .cloned()
            .zip(&expected)
            .filter(|(_, w)| !w.starts_with("ERROR"))
            .unzip();
        let outcomes = flypy_probe::compile_files(&interp, &files).expect("compile");
        let opts = DisOptions {
            show_caches: caches,
            ..DisOptions::default()
        };
        for ((path, outcome), want) in files.iter().zip(outcomes).zip(expected) {
            let Ok(compiled) = outcome else { continue };
            let obj = compiled.load(version).expect("marshal");
            let code = obj.as_code().expect("code");
            let mut got = String::new();
            let r = text_with(super::write_dis_with, &mut got, code, version, table, &opts);
            compared += 1;
            let (want, got) = (normalise(want), normalise(&got));
            if r.is_err() || want != got {
                failures += 1;
                let line = want
                    .lines()
                    .zip(got.lines())
                    .find(|(w, g)| w != g)
                    .map(|(w, g)| format!("\n  want {w:?}\n  got  {g:?}"))
                    .unwrap_or_default();
                eprintln!("3.{minor} {} {r:?}{line}", path.display());
            }
        }
    }
    eprintln!("compared {compared}, differing {failures}");
    assert_eq!(failures, 0);
}

/// The formatter alone on the 3.12 stdlib, one thread (run with `--ignored --nocapture` in
/// release): marshal reading and output are excluded, to separate this module's cost from
/// the rest of `flypy dis`.
#[test]
#[ignore]
fn bench_formatter() {
    let Some(interp) = interpreter(12) else {
        return;
    };
    let version = PyVersion::new(3, 12);
    let root = python(12)
        .and_then(|p| Some(p.parent()?.parent()?.join("lib/python3.12")))
        .expect("stdlib");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                if !p.ends_with("site-packages") && !p.ends_with("__pycache__") {
                    stack.push(p);
                }
            } else if p.extension().is_some_and(|x| x == "py")
                // Their SyntaxError has offset -1, which the compile helper cannot report.
                && !p.to_string_lossy().contains("bad_coding")
            {
                files.push(p);
            }
        }
    }
    let codes: Vec<Object> = flypy_probe::compile_files(&interp, &files)
        .expect("compile")
        .into_iter()
        .filter_map(|o| o.ok()?.load(version).ok())
        .collect();
    let table = table(12);
    let rounds: u32 = std::env::var("FLYPY_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    // CPU time of this thread (ns on CPU, from schedstat): steadier than wall time on a
    // shared machine.
    let cpu_ns = || -> f64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse().ok())
            .unwrap_or(0.0)
    };
    let cpu_start = cpu_ns();
    let start = std::time::Instant::now();
    let mut bytes = 0usize;
    for _ in 0..rounds {
        bytes = 0;
        for obj in &codes {
            let mut out = String::new();
            let code = obj.as_code().expect("code");
            text_with(
                super::write_dis_with,
                &mut out,
                code,
                version,
                table,
                &DisOptions::default(),
            )
            .expect("dis");
            bytes += out.len();
        }
    }
    let secs = start.elapsed().as_secs_f64() / f64::from(rounds);
    let cpu = (cpu_ns() - cpu_start) / 1e9 / f64::from(rounds);
    eprintln!(
        "{} modules, {:.1} MB of text in {cpu:.3} s CPU, {secs:.3} s wall ({:.0} MB/s CPU)",
        codes.len(),
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / cpu
    );
}

/// Hostile variants of real code objects (bytes flipped in the code, line and exception
/// tables; names, constants and locals cut short; EXTENDED_ARG chains) give text or an
/// error, never a panic.
#[test]
fn mutated_code_never_panics() {
    for minor in [11u8, 12] {
        let Some(d) = dump(minor, CONTROL_FLOW) else {
            continue;
        };
        let version = PyVersion::new(3, minor);
        let table = table(minor);
        let original = code_of(&d["code"]);
        let mut rng = Rng(0x5eed ^ u64::from(minor));
        let (mut ok, mut err) = (0, 0);
        for round in 0..1500 {
            let mut code = original.clone();
            let mut bytes = code.code.to_vec();
            for _ in 0..=rng.index(6) {
                let i = rng.index(bytes.len());
                if let Some(b) = bytes.get_mut(i) {
                    *b = match rng.index(4) {
                        0 => table.extended_arg,
                        _ => rng.next_u64() as u8,
                    };
                }
            }
            if round % 7 == 0 {
                bytes.truncate(rng.index(bytes.len() + 1));
            }
            code.code = bytes.into();
            let mut lt = code.linetable.to_vec();
            if round % 3 == 0 && !lt.is_empty() {
                let i = rng.index(lt.len());
                lt[i] = rng.next_u64() as u8;
            }
            code.linetable = lt.into();
            let mut et = code.exceptiontable.to_vec();
            if round % 2 == 0 {
                et.push(rng.next_u64() as u8);
                if !et.is_empty() {
                    let i = rng.index(et.len());
                    et[i] = rng.next_u64() as u8;
                }
            }
            code.exceptiontable = et.into();
            match round % 5 {
                0 => code.names.truncate(rng.index(code.names.len() + 1)),
                1 => code.consts.truncate(rng.index(code.consts.len() + 1)),
                2 => code
                    .localsplusnames
                    .truncate(rng.index(code.localsplusnames.len() + 1)),
                3 => code.names.push(Object::Int(7)),
                _ => {}
            }
            for show_caches in [false, true] {
                match listing(&code, version, table, show_caches) {
                    Ok(_) => ok += 1,
                    Err(_) => err += 1,
                }
            }
            let _ = instructions_with(&code, version, table);
        }
        // Both outcomes occur, so the mutations reach the error paths and the happy path.
        assert!(ok > 0 && err > 0, "3.{minor}: {ok} listings, {err} errors");
    }
}
