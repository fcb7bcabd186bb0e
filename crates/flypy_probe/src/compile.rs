use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::Stdio;

use crate::{Interpreter, ProbeError};

/// Why the interpreter could not compile one file (a SyntaxError, an undecodable file…).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct CompileFailure {
    #[serde(rename = "type")]
    pub kind: String,
    pub message: String,
    pub lineno: Option<u64>,
    pub offset: Option<u64>,
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

/// Per file: the marshal bytes of the module code object, or why it did not compile.
pub type CompileOutcome = Result<Vec<u8>, CompileFailure>;

/// Compiles every file in one run of `interp`, exactly as `python -m dis FILE` compiles it
/// (same read mode, the path as given for the file name), and returns the marshalled code.
pub fn compile_files(
    interp: &Interpreter,
    paths: &[PathBuf],
) -> Result<Vec<CompileOutcome>, ProbeError> {
    let channel = tempfile::NamedTempFile::new().map_err(ProbeError::Channel)?;
    let helper_err = |detail: String| ProbeError::Helper {
        path: interp.path.clone(),
        detail,
    };
    let mut child = interp
        .command()
        .args(["-S", "-B", "-c", include_str!("helper/compile.py")])
        .arg(channel.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|source| ProbeError::Spawn {
            path: interp.path.clone(),
            source,
        })?;
    let mut request = Vec::new();
    for p in paths {
        request.extend_from_slice(p.as_os_str().as_bytes());
        request.push(0);
    }
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(&request)
            .map_err(|e| helper_err(format!("sending paths: {e}")))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| helper_err(e.to_string()))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
        return Err(helper_err(format!(
            "{}: {}",
            output.status,
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
            b'O' => Ok(payload.to_vec()),
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
        let out = compile_files(&interp, &[good, bad]).expect("helper runs");
        assert_eq!(out.len(), 2);
        let marshalled = out[0].as_ref().expect("good compiles");
        // A code object: marshal type 'c', possibly with FLAG_REF.
        assert_eq!(marshalled.first().map(|b| b & 0x7f), Some(b'c'));
        let failure = out[1].as_ref().expect_err("bad fails");
        assert_eq!(failure.kind, "SyntaxError");
        assert_eq!(failure.lineno, Some(1));
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
