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
    /// The command flypy runs: the interpreter itself, also when it was named through a wrapper
    /// script that runs it unchanged (see [`Interpreter::via`]).
    pub path: PathBuf,
    /// The wrapper script the interpreter was named by (a pyenv shim, a launcher) when flypy runs
    /// `sys.executable` directly instead: only when that runs the same interpreter with the same
    /// version, files, `sys.path` and flags (a wrapper that sets up a loader or an environment,
    /// like the provisioned 3.14/3.15, is followed as it is). `None`: `path` is what was named.
    pub via: Option<PathBuf>,
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

#[derive(serde::Deserialize, PartialEq)]
struct Described {
    version: String,
    full_version: String,
    implementation: String,
    executable: String,
    #[serde(default)]
    prefix: String,
    debug: bool,
    free_threaded: bool,
    #[serde(default)]
    code_files: Vec<PathBuf>,
    #[serde(default)]
    sys_path: Vec<String>,
    #[serde(default)]
    flags: String,
}

/// Runs `path` with the embedded describe helper.
fn describe(path: &Path) -> Result<Described, ProbeError> {
    let channel = tempfile::NamedTempFile::new().map_err(ProbeError::Channel)?;
    // A deadline: an "interpreter" that hangs on start (a wrapper script gone wrong) must not
    // hang flypy; discovery skips it, an explicit --python reports it.
    let output = crate::supervise::output_within(
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
    serde_json::from_str(&text).map_err(|e| not_python(format!("bad answer: {e}")))
}

/// Whether `path` is a script (`#!`) rather than an executable binary.
pub fn is_script(path: &Path) -> bool {
    let mut head = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| &head == b"#!")
}

/// The interpreter a wrapper script at `path` runs, when running it directly is the same
/// interpreter: `sys.executable` as the wrapper's interpreter reported it (`via_wrapper`),
/// probed on its own, describes itself identically (version, prefix, machine-code files,
/// `sys.path`, flags). A wrapper that needs its own loader or environment (the provisioned
/// 3.14/3.15 run their interpreter through their tree's dynamic loader) does not qualify.
fn direct_executable(path: &Path, via_wrapper: &Described) -> Option<PathBuf> {
    if !is_script(path) {
        return None;
    }
    let exe = PathBuf::from(&via_wrapper.executable);
    if !exe.is_absolute() || is_script(&exe) {
        return None;
    }
    let same_file = match (path.canonicalize(), exe.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => return None,
    };
    if same_file {
        return None;
    }
    let direct = describe(&exe).ok()?;
    (direct == *via_wrapper).then_some(exe)
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
        let d = describe(path)?;
        let not_python = |detail: String| ProbeError::NotPython {
            path: path.to_owned(),
            detail,
        };
        let version = PyVersion::parse(&d.version)
            .ok_or_else(|| not_python(format!("bad version {:?}", d.version)))?;
        if d.implementation != "CPython" {
            return Err(ProbeError::NotCPython {
                path: path.to_owned(),
                implementation: d.implementation,
            });
        }
        // A wrapper script (a pyenv shim: bash, and pyenv's own commands, at every start) is
        // resolved to the interpreter it runs, so that runs and callgrind see only CPython.
        let (path, via) = match direct_executable(path, &d) {
            Some(exe) => (exe, Some(path.to_owned())),
            None => (path.to_owned(), None),
        };
        Ok(Self {
            path,
            via,
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A real interpreter binary (not a script), from python3 on PATH.
    fn real_python() -> PathBuf {
        let found = crate::resolve(None).expect("python3 on PATH");
        let exe = PathBuf::from(&found.executable);
        assert!(!is_script(&exe), "{exe:?}");
        exe
    }

    fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join(name);
        std::fs::write(&path, body).expect("write the wrapper");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .expect("make it executable");
        path
    }

    #[test]
    fn a_shim_resolves_to_the_interpreter_it_runs() {
        // Like pyenv's shims: a bash script that execs the interpreter unchanged.
        let real = real_python();
        let dir = tempfile::tempdir().expect("temporary folder");
        let shim = script(
            dir.path(),
            "python3",
            &format!("#!/usr/bin/env bash\nset -e\nexec {:?} \"$@\"\n", real),
        );
        let found = Interpreter::probe(&shim, Discovery::Explicit).expect("the shim runs");
        assert_eq!(found.path, real, "{found:?}");
        assert_eq!(found.via.as_deref(), Some(shim.as_path()));
        assert!(!is_script(&found.path));
    }

    #[test]
    fn a_wrapper_that_changes_the_environment_is_followed_as_it_is() {
        // A wrapper that sets PYTHONPATH runs the interpreter differently from running it
        // directly: flypy keeps running the wrapper.
        let real = real_python();
        let dir = tempfile::tempdir().expect("temporary folder");
        let wrapper = script(
            dir.path(),
            "python3",
            &format!(
                "#!/bin/sh\nPYTHONPATH={:?} exec {:?} \"$@\"\n",
                dir.path(),
                real
            ),
        );
        let found = Interpreter::probe(&wrapper, Discovery::Explicit).expect("it runs");
        assert_eq!(found.path, wrapper);
        assert_eq!(found.via, None);
    }

    #[test]
    fn a_wrapper_whose_executable_cannot_run_alone_is_followed_as_it_is() {
        // The provisioned 3.14/3.15 run their interpreter through their own loader: its
        // sys.executable fails alone. Here the wrapper makes sys.executable name a program that
        // is not the interpreter (`false`: a binary that fails).
        let real = real_python();
        let dir = tempfile::tempdir().expect("temporary folder");
        let wrapper = script(
            dir.path(),
            "python3",
            &format!(
                "#!/usr/bin/env bash\nexec -a /bin/false {:?} \"$@\"\n",
                real
            ),
        );
        let found = Interpreter::probe(&wrapper, Discovery::Explicit).expect("it runs");
        assert_eq!(found.path, wrapper, "{found:?}");
        assert_eq!(found.via, None);
    }
}
