//! Random code objects, disassembled by flypy and by each installed interpreter's own `dis`
//! (the interpreter builds the same code object with `types.CodeType` / `code.replace`).
//! The opcode tables are flypy's generated ones; the stdlib-wide oracle lives in
//! `tests/oracle_classic.rs`.

use super::profile::Profile;
use super::{instructions_with, write_tree};
use crate::dis::DisError;
use crate::table::{OpFlags, OpcodeTable};
use crate::tables;
use flypy_marshal::{Code, Object, PyStr, PyVersion};
use flypy_testkit::Rng;
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;

const BUILD_AND_DIS: &str = include_str!("tests/build_and_dis.py");
const VERSIONS: [(u8, u8); 6] = [(2, 7), (3, 6), (3, 7), (3, 8), (3, 9), (3, 10)];
/// The constants build_and_dis.py can make (their reprs need no pyrepr beyond singletons).
const CONSTS: [Object; 4] = [Object::None, Object::True, Object::False, Object::Ellipsis];

fn find_python(major: u8, minor: u8) -> Option<PathBuf> {
    let prefix = format!("{major}.{minor}.");
    let entries = std::fs::read_dir("/root/.pyenv/versions").ok()?;
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path().join(format!("bin/python{major}.{minor}")))
        .find(|p| p.is_file())
}

fn run(python: &PathBuf, script: &str, stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new(python)
        .args(["-S", "-c", script])
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONIOENCODING", "utf-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin)
        .expect("write stdin");
    let out = child.wait_with_output().expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

struct Program {
    code: Vec<u8>,
    consts: Vec<usize>,
    names: Vec<String>,
    varnames: Vec<String>,
    cellvars: Vec<String>,
    freevars: Vec<String>,
    firstlineno: u32,
    lines: Vec<u8>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Program {
    fn to_json(&self) -> Value {
        json!({
            "code": hex(&self.code), "lines": hex(&self.lines), "consts": self.consts,
            "names": self.names, "varnames": self.varnames, "cellvars": self.cellvars,
            "freevars": self.freevars, "firstlineno": self.firstlineno,
        })
    }

    /// The code object as flypy's marshal reader would give it (2.7 names are byte strings).
    fn to_code(&self, py2: bool) -> Code {
        let strs = |v: &[String]| -> Vec<Object> {
            v.iter()
                .map(|s| {
                    if py2 {
                        Object::Bytes(s.as_bytes().into())
                    } else {
                        Object::Str(Arc::new(PyStr::new(s)))
                    }
                })
                .collect()
        };
        Code {
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
            nlocals: self.varnames.len() as u32,
            stacksize: 0,
            flags: 0,
            code: self.code.clone().into(),
            consts: self.consts.iter().map(|&i| CONSTS[i].clone()).collect(),
            names: strs(&self.names),
            varnames: strs(&self.varnames),
            cellvars: strs(&self.cellvars),
            freevars: strs(&self.freevars),
            localsplusnames: Vec::new(),
            localspluskinds: Vec::new(),
            filename: Object::Str(Arc::new(PyStr::new("f"))),
            name: Object::Str(Arc::new(PyStr::new("n"))),
            qualname: None,
            firstlineno: self.firstlineno,
            linetable: self.lines.clone().into(),
            exceptiontable: Vec::new().into(),
        }
    }
}

fn names(rng: &mut Rng, prefix: &str, py2: bool) -> Vec<String> {
    let n = 1 + rng.below(4);
    (0..n)
        .map(|i| match rng.below(8) {
            0 => String::new(),
            1 if !py2 => format!("é{prefix}{i}"),
            _ => format!("{prefix}{i}"),
        })
        .collect()
}

/// A random but valid-for-dis code object: every index in range, jumps anywhere.
fn program(rng: &mut Rng, version: PyVersion, table: &OpcodeTable, n_instr: usize) -> Program {
    let py2 = version.major < 3;
    let defined: Vec<u8> = (0..=255u8)
        .filter(|&op| table.flags(op).has(OpFlags::DEFINED))
        .collect();
    let mut p = Program {
        code: Vec::new(),
        consts: (0..1 + rng.below(4))
            .map(|_| rng.below(4) as usize)
            .collect(),
        names: names(rng, "g", py2),
        varnames: names(rng, "v", py2),
        cellvars: names(rng, "c", py2),
        freevars: names(rng, "f", py2),
        firstlineno: if rng.chance(20) {
            990
        } else {
            1 + rng.below(50) as u32
        },
        lines: Vec::new(),
    };
    let unit: u64 = if py2 { 3 } else { 2 };
    let span = n_instr as u64 * unit + 8;
    let emit = |code: &mut Vec<u8>, op: u8, arg: Option<u64>| {
        let Some(arg) = arg else {
            code.push(op);
            if !py2 {
                code.push(0);
            }
            return;
        };
        let (bits, mask) = if py2 { (16, 0xffff) } else { (8, 0xff) };
        // EXTENDED_ARG prefixes for the high parts, highest first.
        let mut high = Vec::new();
        let mut rest = arg >> bits;
        while rest > 0 {
            high.push(rest & mask);
            rest >>= bits;
        }
        for h in high.iter().rev() {
            code.push(table.extended_arg);
            code.push((h & 0xff) as u8);
            if py2 {
                code.push((h >> 8) as u8);
            }
        }
        code.push(op);
        code.push((arg & 0xff) as u8);
        if py2 {
            code.push(((arg >> 8) & 0xff) as u8);
        }
    };
    for _ in 0..n_instr {
        let op = defined[rng.below(defined.len() as u64) as usize];
        if op < table.have_argument {
            emit(&mut p.code, op, None);
            continue;
        }
        let f = table.flags(op);
        let cells = (p.cellvars.len() + p.freevars.len()) as u64;
        let arg = if op == table.extended_arg {
            // Only 0, which leaves the next argument in range (and makes it a 2.7 long).
            0
        } else if f.has(OpFlags::CONST) {
            rng.below(p.consts.len() as u64)
        } else if f.has(OpFlags::NAME) {
            rng.below(p.names.len() as u64)
        } else if f.has(OpFlags::LOCAL) {
            rng.below(p.varnames.len() as u64)
        } else if f.has(OpFlags::FREE) {
            rng.below(cells)
        } else if f.has(OpFlags::COMPARE) {
            rng.below(table.cmp_op.len() as u64)
        } else if f.has(OpFlags::JREL) || f.has(OpFlags::JABS) {
            if rng.chance(5) {
                rng.below(200_000)
            } else {
                rng.below(span)
            }
        } else if rng.chance(5) {
            rng.below(1 << 24)
        } else {
            rng.below(if py2 { 300 } else { 256 })
        };
        emit(&mut p.code, op, Some(arg));
    }
    p.lines = line_table(rng, version, p.code.len() as u64, p.firstlineno);
    p
}

fn line_table(rng: &mut Rng, version: PyVersion, code_len: u64, first: u32) -> Vec<u8> {
    let mut out = Vec::new();
    if rng.chance(10) {
        return out;
    }
    let mut line = i64::from(first);
    let pairs = rng.below(12);
    for _ in 0..pairs {
        let bdelta = if rng.chance(20) {
            0
        } else {
            rng.below(code_len.min(40) + 1) as u8
        };
        let ldelta: i64 = if version.major < 3 {
            let range = if rng.chance(10) { 256 } else { 10 };
            rng.below(range) as i64
        } else if version.at_least(3, 10) && rng.chance(10) {
            -128
        } else if rng.chance(10) {
            100
        } else {
            rng.below(30) as i64 - 10
        };
        if ldelta != -128 {
            if line + ldelta < 1 {
                continue;
            }
            line += ldelta;
        }
        out.push(bdelta);
        out.push(ldelta as u8);
    }
    // 3.10's PyLineTable_NextAddressRange skips empty ranges without checking for the end
    // of the table, so trailing ones read past it (no compiler writes them).
    while version.at_least(3, 10) && out.len() >= 2 && out[out.len() - 2] == 0 {
        out.truncate(out.len() - 2);
    }
    out
}

#[test]
fn random_code_objects_match_each_interpreter() {
    for (major, minor) in VERSIONS {
        let Some(python) = find_python(major, minor) else {
            eprintln!("skipped: python{major}.{minor} not found");
            continue;
        };
        let version = PyVersion::new(major, minor);
        let table = tables::for_version(version).expect("a generated table");
        let profile = Profile::with_table(version, table);
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15 ^ u64::from(minor));
        let mut programs: Vec<Program> = (0..300)
            .map(|_| {
                let n = 1 + rng.below(40) as usize;
                program(&mut rng, version, table, n)
            })
            .collect();
        // Long enough for 3.7+'s wider offset column.
        programs.push(program(&mut rng, version, table, 5200));
        let request = Value::Array(programs.iter().map(Program::to_json).collect());
        let answer = run(&python, BUILD_AND_DIS, request.to_string().as_bytes());
        let expected: Vec<(String, Option<Vec<Value>>)> =
            serde_json::from_slice(&answer).expect("answer json");
        assert_eq!(expected.len(), programs.len());
        for (i, (p, (want, want_instrs))) in programs.iter().zip(&expected).enumerate() {
            assert!(
                !want.starts_with("<<"),
                "{version} #{i}: python failed: {want}"
            );
            let code = p.to_code(major < 3);
            if let Some(want_instrs) = want_instrs {
                let got: Vec<Value> = instructions_with(&code, &profile)
                    .expect("flypy decodes")
                    .iter()
                    .map(|ins| {
                        json!([
                            ins.offset,
                            ins.opname,
                            ins.arg,
                            ins.argrepr,
                            ins.starts_line,
                            ins.is_jump_target
                        ])
                    })
                    .collect();
                assert_eq!(&got, want_instrs, "{version} #{i} instructions");
            }
            let mut got = String::new();
            write_tree(&mut got, &code, &profile).expect("flypy disassembles");
            if &got != want {
                let first = got
                    .lines()
                    .zip(want.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                panic!(
                    "{version} #{i} differs at line {first}:\n flypy: {:?}\npython: {:?}\nprogram: {}",
                    got.lines().nth(first),
                    want.lines().nth(first),
                    p.to_json()
                );
            }
        }
        eprintln!("{version}: {} random code objects match", programs.len());
    }
}

/// A one-instruction-kind code object for the malformed-input checks.
fn tiny(code: &[u8], consts: usize, names: usize) -> Program {
    Program {
        code: code.to_vec(),
        consts: vec![0; consts],
        names: (0..names).map(|i| format!("n{i}")).collect(),
        varnames: Vec::new(),
        cellvars: Vec::new(),
        freevars: Vec::new(),
        firstlineno: 1,
        lines: Vec::new(),
    }
}

fn malformed_what(result: Result<(), DisError>) -> String {
    match result {
        Err(DisError::Malformed { what, .. }) => what,
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn out_of_range_arguments_are_errors_not_panics() {
    let version = PyVersion::new(3, 9);
    let table = tables::for_version(version).expect("a generated table");
    let profile = Profile::new(version).expect("3.9 is supported");
    let op = |name: &str| {
        (0..=255u8)
            .find(|&o| table.opname(o) == name)
            .expect("opcode")
    };
    let dis = |p: Program| {
        let mut out = String::new();
        write_tree(&mut out, &p.to_code(false), &profile)
    };
    // dis raises IndexError for each of these; flypy names the table and the index.
    let load_const = tiny(&[op("LOAD_CONST"), 3], 2, 0);
    assert!(malformed_what(dis(load_const)).contains("co_consts index 3"));
    let load_name = tiny(&[op("LOAD_NAME"), 1], 1, 1);
    assert!(malformed_what(dis(load_name)).contains("co_names index 1"));
    let compare = tiny(&[op("COMPARE_OP"), 200], 0, 0);
    assert!(malformed_what(dis(compare)).contains("cmp_op index 200"));
    let load_deref = tiny(&[op("LOAD_DEREF"), 0], 0, 0);
    assert!(malformed_what(dis(load_deref)).contains("cell and free variable"));
    // An argument cut off by the end of the code.
    let cut = tiny(&[op("POP_TOP"), 0, op("LOAD_CONST")], 1, 0);
    assert!(malformed_what(dis(cut)).contains("cut off"));
    // A name that is not a string.
    let mut not_str = tiny(&[op("LOAD_NAME"), 0], 0, 1).to_code(false);
    not_str.names = vec![Object::Int(7)];
    let mut out = String::new();
    assert!(malformed_what(write_tree(&mut out, &not_str, &profile)).contains("not a string"));
}
