//! Finding CPython interpreters and asking them for what only they can give. Everything runs
//! in a child process, without a shell; results come back on a channel file of their own,
//! never parsed out of the child's stdout.

mod compile;
mod discover;
pub mod elf;
mod interpreter;
pub mod run;
pub mod session;
pub mod supervise;
pub mod timing;

pub use compile::{compile_files, CompileFailure, CompileOutcome, Compiled, LoadError};
pub use discover::{
    discover, discover_by_version, pick, provisioned_dir, resolve, resolve_for, Need, Resolved,
};
pub use interpreter::{is_script, Discovery, Interpreter};

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("no Python interpreter matches {spec:?} (looked on PATH, in pyenv and in {provisioned}); `flypy pythons` lists the ones found")]
    NotFound { spec: String, provisioned: String },
    #[error("{path}: could not run it: {source}")]
    Spawn {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: is not a working Python interpreter: {detail}")]
    NotPython { path: PathBuf, detail: String },
    #[error("{path}: is {implementation}, not CPython; flypy reads CPython bytecode only")]
    NotCPython {
        path: PathBuf,
        implementation: String,
    },
    /// One of flypy's helper programs (`helper`: "compile", "run", "timing") failed.
    #[error("{path}: flypy's {helper} helper failed: {detail}")]
    Helper {
        path: PathBuf,
        helper: &'static str,
        detail: String,
    },
    #[error("temporary channel file: {0}")]
    Channel(std::io::Error),
    #[error("CPython {version}: {method} cannot count executed instructions exactly: {reason}")]
    CountingUnsupported {
        version: flypy_marshal::PyVersion,
        method: &'static str,
        reason: &'static str,
    },
}
