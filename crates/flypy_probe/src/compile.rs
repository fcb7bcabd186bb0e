use std::io::{Seek, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::Stdio;

use crate::{Interpreter, ProbeError};
use flypy_marshal::{Object, PyVersion};

/// Why the interpreter could not compile one file (a SyntaxError, an undecodable file…).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct CompileFailure {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    /// Line and column as the exception gives them (CPython uses -1 for "unknown" at times).
    pub lineno: Option<i64>,
    pub offset: Option<i64>,
}

impl std::fmt::Display for CompileFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.lineno, self.offset) {
            (Some(l), Some(c)) => write!(f, "line {l}, column {c}: ")?,
            (Some(l), None) => write!(f, "line {l}: ")?,
            _ => {}
        }
        write!(f, "{}: {}", self.kind, self.message)
    }
}

/// A module compiled by the target interpreter.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// `marshal.dumps` of the module code object.
    pub marshal: Vec<u8>,
    /// 3.11+: which tuples of the marshal data are frozenset constants sent in iteration
    /// order, since marshal would sort them (see [`flypy_marshal::restore_frozensets`]).
    pub frozensets: Vec<usize>,
}

/// Why compiled code could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Marshal(#[from] flypy_marshal::MarshalError),
    #[error(transparent)]
    SetOrder(#[from] flypy_marshal::SetOrderError),
}

impl Compiled {
    /// The module code object as the compiling interpreter holds it: marshal data read by
    /// flypy, with frozenset constants in the compiler's iteration order.
    pub fn load(&self, version: PyVersion) -> Result<Object, LoadError> {
        let obj = flypy_marshal::loads(&self.marshal, version)?;
        Ok(flypy_marshal::restore_frozensets(&obj, &self.frozensets)?)
    }
}

/// Per file: the compiled module, or why it did not compile.
pub type CompileOutcome = Result<Compiled, CompileFailure>;

/// How much of the compile helper's stderr is kept (its last lines explain a failure).
const STDERR_KEPT: usize = 64 * 1024;

/// How long compiling `files` files may take: a minute, and two seconds a file (CPython
/// compiles its whole standard library, ~2,000 files, in well under a minute), so that an
/// interpreter that hangs cannot hang flypy.
fn compile_deadline(files: usize) -> std::time::Duration {
    let files = u64::try_from(files).unwrap_or(u64::MAX);
    std::time::Duration::from_secs(60u64.saturating_add(files.saturating_mul(2)))
}

/// Compiles every file in one run of `interp`, exactly as `python -m dis FILE` compiles it
/// (same read mode, the path as given for the file name), and returns the marshalled code.
pub fn compile_files(
    interp: &Interpreter,
    paths: &[PathBuf],
) -> Result<Vec<CompileOutcome>, ProbeError> {
    let channel = tempfile::NamedTempFile::new().map_err(ProbeError::Channel)?;
    let helper_err = |detail: String| ProbeError::Helper {
        path: interp.path.clone(),
        helper: "compile",
        detail,
    };
    // The paths go in through a file as stdin, not a pipe: a pipe's writer could block for ever
    // on an interpreter that does not read.
    let mut request = Vec::new();
    for p in paths {
        request.extend_from_slice(p.as_os_str().as_bytes());
        request.push(0);
    }
    let mut requests = tempfile::tempfile().map_err(ProbeError::Channel)?;
    requests
        .write_all(&request)
        .and_then(|()| requests.seek(std::io::SeekFrom::Start(0)).map(drop))
        .map_err(ProbeError::Channel)?;
    let started = std::time::Instant::now();
    let child = interp
        .command()
        .args(["-B", "-c", include_str!("helper/compile.py")])
        .arg(channel.path())
        .stdin(Stdio::from(requests))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        // Its own process group (with the children it forks), stopped on a signal to flypy.
        .process_group(0)
        .spawn()
        .map_err(|source| ProbeError::Spawn {
            path: interp.path.clone(),
            source,
        })?;
    let limit = compile_deadline(paths.len());
    let done = crate::supervise::supervise(child, started, limit, STDERR_KEPT)
        .map_err(|e| helper_err(e.to_string()))?;
    if done.timed_out {
        return Err(helper_err(format!(
            "did not finish compiling {} file(s) within {} s",
            paths.len(),
            limit.as_secs()
        )));
    }
    if !done.status.success() {
        let stderr = String::from_utf8_lossy(&done.stderr.kept);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        return Err(helper_err(format!(
            "{}: {}",
            done.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )));
    }
    let data = std::fs::read(channel.path()).map_err(ProbeError::Channel)?;
    let outcomes = parse_records(&data).map_err(helper_err)?;
    if outcomes.len() != paths.len() {
        return Err(helper_err(format!(
            "answered {} of {} files",
            outcomes.len(),
            paths.len()
        )));
    }
    Ok(outcomes)
}

/// The channel's records: a tag byte, a little-endian u32 length, the payload.
fn parse_records(mut data: &[u8]) -> Result<Vec<CompileOutcome>, String> {
    let mut out = Vec::new();
    while let Some((&tag, rest)) = data.split_first() {
        let len_bytes: [u8; 4] = rest
            .get(..4)
            .and_then(|b| b.try_into().ok())
            .ok_or("truncated record header")?;
        let len = u32::from_le_bytes(len_bytes) as usize;
        let payload = rest.get(4..4 + len).ok_or("truncated record")?;
        out.push(match tag {
            b'O' => Ok(Compiled {
                marshal: payload.to_vec(),
                frozensets: Vec::new(),
            }),
            b'S' => {
                let marks: Vec<usize> = serde_json::from_slice(payload)
                    .map_err(|e| format!("bad frozenset record: {e}"))?;
                match out.last_mut() {
                    Some(Ok(Compiled { frozensets, .. })) => *frozensets = marks,
                    _ => return Err("set-order record without code".to_owned()),
                }
                data = rest.get(4 + len..).unwrap_or_default();
                continue;
            }
            b'E' => {
                Err(serde_json::from_slice(payload)
                    .map_err(|e| format!("bad error record: {e}"))?)
            }
            other => return Err(format!("unknown record tag {other:#x}")),
        });
        data = rest.get(4 + len..).unwrap_or_default();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiles_and_reports_syntax_errors() {
        let interp = crate::resolve(None).expect("python3 on PATH");
        let dir = tempfile::tempdir().expect("tempdir");
        let good = dir.path().join("good.py");
        let bad = dir.path().join("bad.py");
        std::fs::write(&good, "x = [i for i in range(3)]\n").expect("write");
        std::fs::write(&bad, "x = (\n").expect("write");
        // CPython reports an unknown encoding at line 0, column -1.
        let coding = dir.path().join("coding.py");
        std::fs::write(&coding, "# -*- coding: uft-8 -*-\nx = 1\n").expect("write");
        let out = compile_files(&interp, &[good, bad, coding]).expect("helper runs");
        assert_eq!(out.len(), 3);
        let failure = out[2].as_ref().expect_err("unknown encoding");
        assert_eq!(failure.kind, "SyntaxError");
        let compiled = out[0].as_ref().expect("good compiles");
        let code = compiled.load(interp.version).expect("reads back");
        assert!(code.as_code().is_some());
        let failure = out[1].as_ref().expect_err("bad fails");
        assert_eq!(failure.kind, "SyntaxError");
        assert_eq!(failure.lineno, Some(1));
    }

    /// The frozenset of a compiled `in {...}` test comes back in the order the compiling
    /// process iterates it (3.11+ marshal writes it sorted instead).
    #[test]
    fn frozensets_keep_the_compilers_iteration_order() {
        let interp = crate::resolve(None).expect("python3 on PATH");
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("sets.py");
        let text = "def f(x):\n    return x in {'zeta', 'alpha', 'mid', 3, 'q', 'r', 's', 'b'}\n";
        std::fs::write(&src, text).expect("write");
        let out = compile_files(&interp, std::slice::from_ref(&src)).expect("helper runs");
        let code = out[0]
            .as_ref()
            .expect("compiles")
            .load(interp.version)
            .expect("loads");
        let func = code
            .as_code()
            .and_then(|c| c.consts.iter().find_map(|k| k.as_code()));
        let set = func
            .and_then(|f| f.consts.iter().find(|k| matches!(k, Object::FrozenSet(_))))
            .expect("a frozenset constant");
        let Object::FrozenSet(items) = set else {
            return;
        };
        let got: Vec<String> = items
            .iter()
            .map(|x| match x {
                Object::Int(i) => i.to_string(),
                other => other.as_text().map(|t| t.into_owned()).unwrap_or_default(),
            })
            .collect();
        let probe = "import sys\nc = compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')\n\
            f = [k for k in c.co_consts if hasattr(k, 'co_code')][0]\n\
            s = [k for k in f.co_consts if isinstance(k, frozenset)][0]\n\
            print(' '.join(str(x) for x in s))";
        let want = interp
            .command()
            .args(["-c", probe])
            .arg(&src)
            .output()
            .expect("python");
        let want = String::from_utf8_lossy(&want.stdout).trim().to_owned();
        assert_eq!(got.join(" "), want);
    }

    #[test]
    fn records_parse_and_reject_truncation() {
        let mut data = b"O".to_vec();
        data.extend_from_slice(&3u32.to_le_bytes());
        data.extend_from_slice(b"abc");
        assert_eq!(parse_records(&data).expect("ok").len(), 1);
        data.pop();
        assert!(parse_records(&data).is_err());
    }
}
