//! Checks against the real 3.13–3.15 interpreters that need neither the marshal reader nor
//! pyrepr: `testdata/dump.py` gives each fixture's code objects (constants other than code
//! objects and singletons replaced by None, so no `repr` is needed) and what dis prints for
//! exactly that code; and hostile code objects that must never panic.

use super::*;
use crate::dis::text_with;
use flypy_testkit::Rng;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

fn python(minor: u8) -> Option<PathBuf> {
    let p = if minor == 13 {
        PathBuf::from("/root/.pyenv/versions/3.13.0/bin/python3.13")
    } else {
        PathBuf::from(std::env::var_os("HOME")?)
            .join(format!(".cache/flypy/pythons/bin/python3.{minor}"))
    };
    p.is_file().then_some(p)
}

fn build_table(version: PyVersion) -> &'static OpcodeTable {
    crate::tables::for_version(version).expect("generated table")
}

fn hex(v: &Value) -> Vec<u8> {
    let s = v.as_str().unwrap_or("");
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap_or(0))
        .collect()
}

fn pystr(s: &str) -> Object {
    Object::Str(Arc::new(flypy_marshal::PyStr::new(s)))
}

fn strs(v: &Value) -> Vec<Object> {
    v.as_array()
        .map(|a| a.iter().map(|s| pystr(s.as_str().unwrap_or(""))).collect())
        .unwrap_or_default()
}

fn build_code(c: &Value) -> Code {
    let consts = c["consts"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|k| match k.as_str() {
                    Some("None") => Object::None,
                    Some("True") => Object::True,
                    Some("False") => Object::False,
                    Some("Ellipsis") => Object::Ellipsis,
                    _ => Object::Code(Arc::new(build_code(k))),
                })
                .collect()
        })
        .unwrap_or_default();
    Code {
        argcount: 0,
        posonlyargcount: 0,
        kwonlyargcount: 0,
        nlocals: 0,
        stacksize: 0,
        flags: 0,
        code: hex(&c["code"]).into(),
        consts,
        names: strs(&c["names"]),
        varnames: Vec::new(),
        cellvars: Vec::new(),
        freevars: Vec::new(),
        localsplusnames: strs(&c["localsplusnames"]),
        localspluskinds: Vec::new(),
        filename: pystr(c["filename"].as_str().unwrap_or("")),
        name: pystr(c["name"].as_str().unwrap_or("")),
        qualname: None,
        firstlineno: c["firstlineno"].as_u64().unwrap_or(0) as u32,
        linetable: hex(&c["linetable"]).into(),
        exceptiontable: hex(&c["exceptiontable"]).into(),
    }
}

/// Code object reprs come from pyrepr, which these tests do not exercise (until it lands,
/// its stub says `<repr not implemented>`; the only such constants here are code objects).
fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text.replace("<repr not implemented>", "<code>");
    while let Some(i) = rest.find("<code object ") {
        out.push_str(&rest[..i]);
        out.push_str("<code>");
        let tail = &rest[i..];
        // `<code object NAME at 0x.., file "F", line N>`: NAME may hold `>` itself.
        let end = tail
            .find(", line ")
            .and_then(|l| tail[l..].find('>').map(|e| l + e + 1))
            .unwrap_or(tail.len());
        rest = tail[end..].to_owned();
    }
    out.push_str(&rest);
    out
}

fn fixtures() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oracle_v313");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "py"));
    files.sort();
    files
}

#[test]
fn stripped_fixtures_match_the_interpreters() {
    let mut failures = Vec::new();
    for minor in [13u8, 14, 15] {
        let Some(py) = python(minor) else {
            eprintln!("skipped 3.{minor}: interpreter not found");
            continue;
        };
        failures.extend(check_version(&py, minor));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn check_version(py: &PathBuf, minor: u8) -> Vec<String> {
    let files = fixtures();
    assert!(!files.is_empty());
    let out = Command::new(py)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/dis/v313/testdata/dump.py"
        ))
        .args(&files)
        .output()
        .expect("runs python");
    let doc: Value = flypy_testkit::json_of(&out, "the helper");
    let version = PyVersion::new(3, minor);
    let table = build_table(version);
    let mut failures = Vec::new();
    for f in doc["files"].as_array().expect("files") {
        let code = build_code(&f["code"]);
        failures.extend(check_instructions(&code, &f["code"], version, table));
        let Some(texts) = f["dis"].as_object() else {
            continue;
        };
        for (key, want) in texts {
            let flag = |i: usize| key.as_bytes().get(i) == Some(&b'1');
            let o = DisOptions {
                show_caches: flag(0),
                show_offsets: flag(1),
                show_positions: flag(2),
            };
            let want = want.as_str().expect("text");
            let mut got = String::new();
            text_with(super::write_dis_with, &mut got, &code, version, table, &o)
                .expect("disassembles");
            let (g, w) = (normalise(&got), normalise(want));
            if g != w {
                let first = g
                    .lines()
                    .zip(w.lines())
                    .enumerate()
                    .find(|(_, (a, b))| a != b)
                    .map(|(i, (a, b))| format!("line {}: got {a:?} want {b:?}", i + 1))
                    .unwrap_or_else(|| "lengths differ".to_owned());
                failures.push(format!("3.{minor} {} [{key}]: {first}", f["path"]));
            }
        }
    }
    failures
}

/// `instructions_with` of `code` and of each nested code object against `dis.Bytecode`.
fn check_instructions(
    code: &Code,
    dumped: &Value,
    version: PyVersion,
    table: &'static OpcodeTable,
) -> Vec<String> {
    let mut failures = Vec::new();
    let got = instructions_with(code, version, table).expect("instructions");
    let want = dumped["instructions"].as_array().expect("instructions");
    if got.len() != want.len() {
        return vec![format!(
            "{version} {}: {} instructions, dis has {}",
            code_name(code),
            got.len(),
            want.len()
        )];
    }
    for (g, w) in got.iter().zip(want) {
        let hexed: Vec<Value> = g
            .cache_info
            .iter()
            .map(|(n, s, d)| {
                let h: String = d.iter().map(|b| format!("{b:02x}")).collect();
                serde_json::json!([n, s, h])
            })
            .collect();
        let p = g.positions;
        let mine = serde_json::json!({
            "offset": g.offset,
            "opcode": g.opcode,
            "opname": g.opname,
            "arg": g.arg.map(|a| a as i32),
            "argrepr": normalise(&g.argrepr),
            "starts_line": g.starts_line,
            "line": g.line,
            "positions": [p.lineno, p.end_lineno, p.col_offset, p.end_col_offset],
            "label": g.label,
            "jump_target": g.jump_target,
            "cache_info": hexed,
        });
        let mut w = w.clone();
        if let Some(a) = w["argrepr"].as_str().map(normalise) {
            w["argrepr"] = Value::String(a);
        }
        if mine != w {
            failures.push(format!(
                "{version} {}: flypy {mine}\n  dis {w}",
                code_name(code)
            ));
            break;
        }
    }
    let nested = code.consts.iter().filter_map(|c| match c {
        Object::Code(c) => Some(c),
        _ => None,
    });
    let dumped_nested = dumped["consts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c.is_object());
    for (c, d) in nested.zip(dumped_nested) {
        failures.extend(check_instructions(c, d, version, table));
    }
    failures
}

fn noise_code(n: &mut Rng, depth: u32) -> Code {
    let len = (n.next_u64() % 120) as usize;
    // Mostly small arguments and prefixes, so lookups land both in and out of range.
    let mut code = n.bytes(len);
    for (i, b) in code.iter_mut().enumerate() {
        if i % 2 == 1 && !n.next_u64().is_multiple_of(4) {
            *b %= 8;
        }
    }
    let mut consts = vec![Object::None, Object::True];
    if depth < 3 && n.next_u64().is_multiple_of(2) {
        consts.push(Object::Code(Arc::new(noise_code(n, depth + 1))));
    }
    let lt_len = (n.next_u64() % 40) as usize;
    let et_len = (n.next_u64() % 24) as usize;
    Code {
        argcount: 0,
        posonlyargcount: 0,
        kwonlyargcount: 0,
        nlocals: 0,
        stacksize: 0,
        flags: 0,
        code: code.into(),
        consts,
        names: vec![pystr("a"), pystr(""), Object::Int(3)],
        varnames: Vec::new(),
        cellvars: Vec::new(),
        freevars: Vec::new(),
        localsplusnames: vec![pystr("x"), pystr("y")],
        localspluskinds: Vec::new(),
        filename: pystr("f.py"),
        name: pystr("noise"),
        qualname: None,
        firstlineno: (n.next_u64() % 5) as u32,
        linetable: n.bytes(lt_len).into(),
        exceptiontable: n.bytes(et_len).into(),
    }
}

/// Hostile code objects end in text or `DisError`, never a panic.
#[test]
fn noise_never_panics() {
    let tables: Vec<(PyVersion, &'static OpcodeTable)> = [13u8, 14, 15]
        .into_iter()
        .map(|minor| {
            let v = PyVersion::new(3, minor);
            (v, build_table(v))
        })
        .collect();
    let mut n = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut ok, mut err) = (0, 0);
    for (version, table) in tables {
        for _ in 0..3000 {
            let code = noise_code(&mut n, 0);
            let o = DisOptions {
                show_caches: n.next_u64().is_multiple_of(2),
                show_offsets: n.next_u64().is_multiple_of(2),
                show_positions: n.next_u64().is_multiple_of(2),
            };
            let mut out = String::new();
            match text_with(super::write_dis_with, &mut out, &code, version, table, &o) {
                Ok(()) => ok += 1,
                Err(_) => err += 1,
            }
            let _ = instructions_with(&code, version, table);
        }
    }
    eprintln!("noise: {ok} disassembled, {err} rejected");
}

/// `repr` of an int past the 4300-digit limit raises ValueError, so dis stops; flypy
/// reports it instead of printing a number CPython never shows.
#[test]
fn int_past_the_digit_limit_is_an_error() {
    let v = PyVersion::new(3, 13);
    let table = build_table(v);
    let op = |name: &str| table.opcode(name).expect("opcode");
    let big = Object::Long(Arc::new(flypy_marshal::BigInt {
        negative: false,
        digits: vec![0x7fff; 1200],
    }));
    let mut code = noise_code(&mut Rng(1), 3);
    code.code = vec![op("LOAD_CONST"), 0, op("RETURN_VALUE"), 0].into();
    code.consts = vec![big];
    code.exceptiontable = Vec::new().into();
    let err = text_with(
        super::write_dis_with,
        &mut String::new(),
        &code,
        v,
        table,
        &DisOptions::default(),
    )
    .expect_err("repr raises");
    assert!(err.to_string().contains("4300"), "{err}");
    code.consts = vec![Object::Int(7)];
    let mut out = String::new();
    text_with(
        super::write_dis_with,
        &mut out,
        &code,
        v,
        table,
        &DisOptions::default(),
    )
    .expect("small int");
    assert!(out.contains("LOAD_CONST               0 (7)"), "{out}");
}

/// Bytecode no compiler emits but dis prints: negative arguments (EXTENDED_ARG wrap-around)
/// indexing from the end, jumps outside the code, caches cut off by the end.
#[test]
fn crafted_code_matches_the_interpreters() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/dis/v313/testdata");
    let mut failures = Vec::new();
    let mut compared = 0;
    for minor in [13u8, 14, 15] {
        let Some(py) = python(minor) else {
            eprintln!("skipped 3.{minor}: interpreter not found");
            continue;
        };
        let out = Command::new(py)
            .arg(format!("{dir}/crafted.py"))
            .arg(dir)
            .output()
            .expect("runs python");
        let cases: Value = flypy_testkit::json_of(&out, "the helper");
        let version = PyVersion::new(3, minor);
        let table = build_table(version);
        for c in cases.as_array().expect("cases") {
            let code = build_code(&c["code"]);
            let o = DisOptions {
                show_caches: true,
                show_offsets: true,
                show_positions: false,
            };
            let mut got = String::new();
            if let Err(e) = text_with(super::write_dis_with, &mut got, &code, version, table, &o) {
                got = format!("error: {e}");
            }
            compared += 1;
            if got != c["dis"].as_str().unwrap_or_default() {
                failures.push(format!(
                    "3.{minor} {}:\n{got}\nwant:\n{}",
                    c["case"], c["dis"]
                ));
            }
        }
    }
    eprintln!("{compared} crafted code objects compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
