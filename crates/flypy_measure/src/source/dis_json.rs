//! `flypy dis --format json`: the code object tree with every instruction, schema
//! `flypy.dis/1` (docs/json.md). Each file's entry is a typed document, serialised through
//! `serde_json::to_value` (whose maps keep their keys sorted, as the hand-built entries had
//! them); the document around the entries is written as bytes, file by file, so that a large
//! tree is never held as one value.

use flypy_bytecode::dis::{instructions, DisError};
use flypy_bytecode::{exception_table, pyrepr, ArgVal, Instruction, Positions};
use flypy_marshal::{Code, Object, PyVersion};
use serde::Serialize;

use super::Loaded;

/// Why a file's entry could not be made.
#[derive(Debug, thiserror::Error)]
pub enum EntryError {
    #[error(transparent)]
    Dis(#[from] DisError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

/// One file of the `files` array.
#[derive(Serialize)]
pub struct FileDoc {
    pub path: String,
    pub python: String,
    /// `py` (compiled by the interpreter) or `pyc` (read by flypy).
    pub source: &'static str,
    pub code: CodeDoc,
}

/// A code object with its instructions and the code objects among its constants.
#[derive(Serialize)]
pub struct CodeDoc {
    pub name: Option<String>,
    pub qualname: Option<String>,
    pub filename: Option<String>,
    pub firstlineno: u32,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub nlocals: u32,
    pub stacksize: u32,
    pub flags: u32,
    pub names: Vec<Option<String>>,
    pub varnames: Vec<Option<String>>,
    pub cellvars: Vec<Option<String>>,
    pub freevars: Vec<Option<String>>,
    pub consts: Vec<String>,
    pub instructions: Vec<InstructionDoc>,
    pub exception_table: Vec<exception_table::ExceptionEntry>,
    pub code_objects: Vec<CodeDoc>,
}

/// One instruction, as `dis.get_instructions` describes it.
#[derive(Serialize)]
pub struct InstructionDoc {
    pub offset: u32,
    pub opcode: u8,
    pub opname: &'static str,
    pub arg: Option<u32>,
    pub argval: ArgValDoc,
    pub argrepr: String,
    pub line: Option<u32>,
    pub starts_line: Option<u32>,
    pub positions: Positions,
    pub is_jump_target: bool,
    pub jump_target: Option<u32>,
    pub label: Option<u32>,
    pub cache_entries: Vec<CacheDoc>,
}

/// The resolved argument: null, a number, a name or text, a jump target, or a constant as
/// `{"const": repr}`.
#[derive(Serialize)]
#[serde(untagged)]
pub enum ArgValDoc {
    None,
    Int(i64),
    Const { r#const: String },
    Text(String),
    Jump(u32),
}

/// An inline cache entry (3.11+) with its bytes in hex.
#[derive(Serialize)]
pub struct CacheDoc {
    pub name: &'static str,
    pub size: u16,
    pub data: String,
}

/// One file's entry of the `files` array, serialised.
pub fn file(l: &Loaded, code: &Code) -> Result<String, EntryError> {
    let doc = FileDoc {
        path: l.path.display().to_string(),
        python: l.version.to_string(),
        source: if l.from_pyc { "pyc" } else { "py" },
        code: code_object(code, l.version)?,
    };
    Ok(serde_json::to_value(&doc)?.to_string())
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

fn text(o: &Object) -> Option<String> {
    o.as_text().map(|t| t.into_owned())
}

fn texts(v: &[Object]) -> Vec<Option<String>> {
    v.iter().map(text).collect()
}

fn code_object(code: &Code, version: PyVersion) -> Result<CodeDoc, DisError> {
    let instrs = instructions(code, version)?
        .iter()
        .map(|i| instruction(i, version))
        .collect();
    let mut children = Vec::new();
    for c in &code.consts {
        if let Some(child) = c.as_code() {
            children.push(code_object(child, version)?);
        }
    }
    Ok(CodeDoc {
        name: text(&code.name),
        qualname: code.qualname.as_ref().and_then(text),
        filename: text(&code.filename),
        firstlineno: code.firstlineno,
        argcount: code.argcount,
        posonlyargcount: code.posonlyargcount,
        kwonlyargcount: code.kwonlyargcount,
        nlocals: code.nlocals,
        stacksize: code.stacksize,
        flags: code.flags,
        names: texts(&code.names),
        varnames: texts(&code.varnames),
        cellvars: texts(&code.cellvars),
        freevars: texts(&code.freevars),
        consts: code
            .consts
            .iter()
            .map(|c| pyrepr::repr(c, version))
            .collect(),
        instructions: instrs,
        // A corrupt exception table is shown as far as it parses, as dis does.
        exception_table: exception_table::parse(&code.exceptiontable).unwrap_or_default(),
        code_objects: children,
    })
}

fn instruction(i: &Instruction, version: PyVersion) -> InstructionDoc {
    let argval = match &i.argval {
        ArgVal::None => ArgValDoc::None,
        ArgVal::Int(n) => ArgValDoc::Int(*n),
        ArgVal::Const(c) => ArgValDoc::Const {
            r#const: pyrepr::repr(c, version),
        },
        ArgVal::Name(n) | ArgVal::Text(n) => ArgValDoc::Text(n.clone()),
        ArgVal::Jump(t) => ArgValDoc::Jump(*t),
    };
    InstructionDoc {
        offset: i.offset,
        opcode: i.opcode,
        opname: i.opname,
        arg: i.arg,
        argval,
        argrepr: i.argrepr.clone(),
        line: i.line,
        starts_line: i.starts_line,
        positions: i.positions,
        is_jump_target: i.is_jump_target,
        jump_target: i.jump_target,
        label: i.label,
        cache_entries: i
            .cache_info
            .iter()
            .map(|(name, size, data)| CacheDoc {
                name,
                size: *size,
                data: data.iter().map(|b| format!("{b:02x}")).collect(),
            })
            .collect(),
    }
}
