//! `flypy dis --format json`: the code object tree with every instruction, schema
//! `flypy.dis/1` (docs/json.md).

use flypy_bytecode::dis::{instructions, DisError};
use flypy_bytecode::{exception_table, pyrepr, ArgVal, Instruction};
use flypy_marshal::{Code, Object, PyVersion};
use serde_json::{json, Value};

use super::Loaded;

/// One file's entry of the `files` array, serialised.
pub fn file(l: &Loaded, code: &Code) -> Result<String, DisError> {
    let value = json!({
        "path": l.path.display().to_string(),
        "python": l.version.to_string(),
        "source": if l.from_pyc { "pyc" } else { "py" },
        "code": code_object(code, l.version)?,
    });
    Ok(value.to_string())
}

/// The whole document around already serialised file entries.
pub fn document(files: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"{\"schema\":\"flypy.dis/1\",\"files\":[".to_vec();
    for (i, f) in files.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(f);
    }
    out.extend_from_slice(b"]}\n");
    out
}

fn text(o: &Object) -> Value {
    match o.as_text() {
        Some(t) => Value::String(t.into_owned()),
        None => Value::Null,
    }
}

fn texts(v: &[Object]) -> Value {
    Value::Array(v.iter().map(text).collect())
}

fn code_object(code: &Code, version: PyVersion) -> Result<Value, DisError> {
    let instrs: Vec<Value> = instructions(code, version)?
        .iter()
        .map(|i| instruction(i, version))
        .collect();
    // A corrupt exception table is shown as far as it parses, as dis does.
    let table: Vec<Value> = exception_table::parse(&code.exceptiontable)
        .unwrap_or_default()
        .iter()
        .map(|e| {
            json!({"start": e.start, "end": e.end, "target": e.target, "depth": e.depth, "lasti": e.lasti})
        })
        .collect();
    let mut children = Vec::new();
    for c in &code.consts {
        if let Some(child) = c.as_code() {
            children.push(code_object(child, version)?);
        }
    }
    Ok(json!({
        "name": text(&code.name),
        "qualname": code.qualname.as_ref().map(text),
        "filename": text(&code.filename),
        "firstlineno": code.firstlineno,
        "argcount": code.argcount,
        "posonlyargcount": code.posonlyargcount,
        "kwonlyargcount": code.kwonlyargcount,
        "nlocals": code.nlocals,
        "stacksize": code.stacksize,
        "flags": code.flags,
        "names": texts(&code.names),
        "varnames": texts(&code.varnames),
        "cellvars": texts(&code.cellvars),
        "freevars": texts(&code.freevars),
        "consts": code.consts.iter().map(|c| pyrepr::repr(c, version)).collect::<Vec<_>>(),
        "instructions": instrs,
        "exception_table": table,
        "code_objects": children,
    }))
}

fn instruction(i: &Instruction, version: PyVersion) -> Value {
    let argval = match &i.argval {
        ArgVal::None => Value::Null,
        ArgVal::Int(n) => json!(n),
        ArgVal::Const(c) => json!({ "const": pyrepr::repr(c, version) }),
        ArgVal::Name(n) | ArgVal::Text(n) => json!(n),
        ArgVal::Jump(t) => json!(t),
    };
    let caches: Vec<Value> = i
        .cache_info
        .iter()
        .map(|(name, size, data)| {
            let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
            json!({"name": name, "size": size, "data": hex})
        })
        .collect();
    json!({
        "offset": i.offset,
        "opcode": i.opcode,
        "opname": i.opname,
        "arg": i.arg,
        "argval": argval,
        "argrepr": i.argrepr,
        "line": i.line,
        "starts_line": i.starts_line,
        "positions": i.positions,
        "is_jump_target": i.is_jump_target,
        "jump_target": i.jump_target,
        "label": i.label,
        "cache_entries": caches,
    })
}
