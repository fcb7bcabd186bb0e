use std::collections::HashSet;
use std::env;
use std::path::{Path, PathBuf};

use flypy_marshal::PyVersion;

use crate::{Discovery, Interpreter, ProbeError};

/// Where `scripts/provision-pythons` puts interpreters that pyenv cannot give us
/// (Debian's 3.14 and 3.15): `${FLYPY_CACHE:-$HOME/.cache/flypy}/pythons`.
pub fn provisioned_dir() -> PathBuf {
    match env::var_os("FLYPY_CACHE") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir).join("pythons"),
        _ => home().join(".cache/flypy/pythons"),
    }
}

fn home() -> PathBuf {
    env::var_os("HOME").map_or_else(|| PathBuf::from("/"), PathBuf::from)
}

fn pyenv_root() -> PathBuf {
    match env::var_os("PYENV_ROOT") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => home().join(".pyenv"),
    }
}

/// pyenv's shims pick a version from pyenv's own settings, so a shim named `python3.12`
/// fails unless 3.12 is selected: flypy goes to pyenv's versions directly instead.
fn is_shim_dir(dir: &Path) -> bool {
    dir.ends_with("shims") && dir.starts_with(pyenv_root())
}

/// `python`, `python3`, `python3.12`, `python2.7`: the names CPython installs.
fn is_python_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("python") else {
        return false;
    };
    rest.is_empty()
        || rest
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

fn is_executable_file(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

fn path_dirs() -> Vec<PathBuf> {
    env::var_os("PATH")
        .map(|p| env::split_paths(&p).collect())
        .unwrap_or_default()
}

fn pythons_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_str().is_some_and(is_python_name))
        .map(|e| e.path())
        .filter(|p| is_executable_file(p))
        .collect();
    found.sort();
    found
}

/// Each pyenv version's own `pythonX.Y` (from the folder name, e.g. `3.12.1` → `python3.12`).
fn pyenv_pythons() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(pyenv_root().join("versions")) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let mut parts = name.split('.');
            let short = format!("python{}.{}", parts.next()?, parts.next()?);
            let exe = e.path().join("bin").join(short);
            is_executable_file(&exe).then_some(exe)
        })
        .collect();
    found.sort();
    found
}

fn candidates() -> Vec<(PathBuf, Discovery)> {
    let mut out = Vec::new();
    for dir in path_dirs().iter().filter(|d| !is_shim_dir(d)) {
        out.extend(pythons_in(dir).into_iter().map(|p| (p, Discovery::Path)));
    }
    for var in ["VIRTUAL_ENV", "CONDA_PREFIX"] {
        if let Some(prefix) = env::var_os(var) {
            let exe = PathBuf::from(prefix).join("bin/python");
            if is_executable_file(&exe) {
                out.push((exe, Discovery::Env));
            }
        }
    }
    out.extend(pyenv_pythons().into_iter().map(|p| (p, Discovery::Pyenv)));
    out.extend(
        pythons_in(&provisioned_dir().join("bin"))
            .into_iter()
            .map(|p| (p, Discovery::Provisioned)),
    );
    out
}

/// Every CPython interpreter flypy can find, one per installation, ordered by version.
/// Probing runs in parallel: each costs an interpreter start-up.
pub fn discover() -> Vec<Interpreter> {
    let mut seen_paths = HashSet::new();
    let unique: Vec<(PathBuf, Discovery)> = candidates()
        .into_iter()
        .filter(|(p, _)| seen_paths.insert(p.canonicalize().unwrap_or_else(|_| p.clone())))
        .collect();
    let probed: Vec<Interpreter> = std::thread::scope(|scope| {
        let handles: Vec<_> = unique
            .iter()
            .map(|(path, how)| scope.spawn(move || Interpreter::probe(path, *how).ok()))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .collect()
    });
    // One entry per installation: `python3` and `python3.11` in one folder are one interpreter.
    let mut seen_installs = HashSet::new();
    let mut found: Vec<Interpreter> = probed
        .into_iter()
        .filter(|i| seen_installs.insert((i.executable.clone(), i.version)))
        .collect();
    found.sort_by(|a, b| a.version.cmp(&b.version).then(a.path.cmp(&b.path)));
    found
}

/// The interpreter `--python SPEC` names: a path, a version such as `3.12` (looked up on PATH,
/// then pyenv, then the provisioned folder), or a command on PATH. `None` means `python3`.
pub fn resolve(spec: Option<&str>) -> Result<Interpreter, ProbeError> {
    let spec = spec.unwrap_or("python3");
    let not_found = || ProbeError::NotFound {
        spec: spec.to_owned(),
        provisioned: provisioned_dir().join("bin").display().to_string(),
    };
    if spec.contains('/') {
        return Interpreter::probe(Path::new(spec), Discovery::Explicit);
    }
    if let Some(version) = PyVersion::parse(spec) {
        let name = format!("python{version}");
        let on_path = path_dirs()
            .into_iter()
            .filter(|d| !is_shim_dir(d))
            .map(|d| d.join(&name))
            .filter(|p| is_executable_file(p))
            .map(|p| (p, Discovery::Path));
        let elsewhere = candidates()
            .into_iter()
            .filter(|(p, how)| *how != Discovery::Path && p.ends_with(&name));
        for (path, how) in on_path.chain(elsewhere) {
            if let Ok(found) = Interpreter::probe(&path, how) {
                if found.version == version {
                    return Ok(found);
                }
            }
        }
        return Err(not_found());
    }
    let path = path_dirs()
        .into_iter()
        .map(|d| d.join(spec))
        .find(|p| is_executable_file(p))
        .ok_or_else(not_found)?;
    Interpreter::probe(&path, Discovery::Path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_names() {
        for ok in ["python", "python3", "python3.12", "python2.7"] {
            assert!(is_python_name(ok), "{ok}");
        }
        for bad in [
            "python3-config",
            "python3.12m",
            "pythonw",
            "python3.",
            "ipython",
        ] {
            assert!(!is_python_name(bad), "{bad}");
        }
    }

    #[test]
    fn finds_the_default_python3() {
        // Only 3.11 is promised on a fresh machine, as `python3` on PATH.
        let found = resolve(None).expect("python3 on PATH");
        assert!(found.version.at_least(3, 0), "{found:?}");
        assert_eq!(found.implementation, "CPython");
    }

    #[test]
    fn unknown_version_is_a_clear_error() {
        let err = resolve(Some("3.99")).expect_err("no such python");
        assert!(err
            .to_string()
            .contains("no Python interpreter matches \"3.99\""));
    }
}
