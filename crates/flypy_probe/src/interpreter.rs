use std::path::{Path, PathBuf};
use std::process::Command;

use flypy_marshal::PyVersion;

use crate::ProbeError;

/// Where an interpreter was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Discovery {
    /// Named by the user with `--python`.
    Explicit,
    Path,
    Pyenv,
    /// The active virtualenv or conda environment.
    Env,
    /// Provisioned by `scripts/provision-pythons` (Debian's 3.14 / 3.15).
    Provisioned,
}

/// A CPython interpreter and what flypy needs to know about it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Interpreter {
    /// The command flypy runs.
    pub path: PathBuf,
    #[serde(serialize_with = "ser_version")]
    pub version: PyVersion,
    pub full_version: String,
    pub implementation: String,
    /// `sys.executable` as the interpreter reports it.
    pub executable: String,
    pub debug: bool,
    pub free_threaded: bool,
    pub found_by: Discovery,
    /// The files the interpreter's machine code runs from (the executable and, in a shared
    /// build, libpython), from its own memory map; empty where that cannot be read.
    pub code_files: Vec<PathBuf>,
    /// Whether callgrind can name the interpreter's C functions: every code file has symbols
    /// (in the file or in a separate debug file). `None` when that cannot be told.
    pub symbols: Option<bool>,
}

fn ser_version<S: serde::Serializer>(v: &PyVersion, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

#[derive(serde::Deserialize)]
struct Described {
    version: String,
    full_version: String,
    implementation: String,
    executable: String,
    debug: bool,
    free_threaded: bool,
    #[serde(default)]
    code_files: Vec<PathBuf>,
}

/// See [`Interpreter::symbols`]: unknown when there is no code file or one cannot be read.
fn symbols_of(files: &[PathBuf]) -> Option<bool> {
    if files.is_empty() {
        return None;
    }
    let mut all = true;
    for f in files {
        all &= crate::elf::has_symbols(f).ok()?;
    }
    Some(all)
}

/// How long an interpreter may take to describe itself.
const PROBE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(15);

impl Interpreter {
    /// Runs `path` with the embedded describe helper and checks that it is CPython.
    pub fn probe(path: &Path, found_by: Discovery) -> Result<Self, ProbeError> {
        let channel = tempfile::NamedTempFile::new().map_err(ProbeError::Channel)?;
        // A deadline: an "interpreter" that hangs on start (a wrapper script gone wrong) must
        // not hang flypy; discovery skips it, an explicit --python reports it.
        let output = crate::session::output_within(
            Command::new(path)
                .args(["-S", "-c", include_str!("helper/describe.py")])
                .arg(channel.path()),
            PROBE_DEADLINE,
        )
        .map_err(|source| ProbeError::Spawn {
            path: path.to_owned(),
            source,
        })?
        .ok_or_else(|| ProbeError::NotPython {
            path: path.to_owned(),
            detail: format!("it did not answer within {} s", PROBE_DEADLINE.as_secs()),
        })?;
        let text = std::fs::read_to_string(channel.path()).unwrap_or_default();
        let not_python = |detail: String| ProbeError::NotPython {
            path: path.to_owned(),
            detail,
        };
        if !output.status.success() || text.is_empty() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let last = stderr.lines().last().unwrap_or("no output").to_owned();
            return Err(not_python(format!("{} ({last})", output.status)));
        }
        let d: Described =
            serde_json::from_str(&text).map_err(|e| not_python(format!("bad answer: {e}")))?;
        let version = PyVersion::parse(&d.version)
            .ok_or_else(|| not_python(format!("bad version {:?}", d.version)))?;
        if d.implementation != "CPython" {
            return Err(ProbeError::NotCPython {
                path: path.to_owned(),
                implementation: d.implementation,
            });
        }
        Ok(Self {
            path: path.to_owned(),
            version,
            full_version: d.full_version,
            implementation: d.implementation,
            executable: d.executable,
            debug: d.debug,
            free_threaded: d.free_threaded,
            found_by,
            symbols: symbols_of(&d.code_files),
            code_files: d.code_files,
        })
    }

    /// A command for this interpreter with the environment flypy always sets: a fixed hash
    /// seed (unless the user chose one), so set and frozenset order is reproducible.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(&self.path);
        if std::env::var_os("PYTHONHASHSEED").is_none() {
            cmd.env("PYTHONHASHSEED", "0");
        }
        crate::session::prepare(&mut cmd);
        cmd
    }
}
