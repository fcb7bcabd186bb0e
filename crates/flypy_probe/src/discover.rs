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
    let probed = probe_all(&unique);
    // One entry per installation: `python3` and `python3.11` in one folder are one interpreter.
    let mut seen_installs = HashSet::new();
    let mut found: Vec<Interpreter> = probed
        .into_iter()
        .filter(|i| seen_installs.insert((i.executable.clone(), i.version)))
        .collect();
    found.sort_by(|a, b| a.version.cmp(&b.version).then(a.path.cmp(&b.path)));
    found
}

/// [`discover`]'s interpreters grouped by version (major, minor), oldest first, each group
/// ordered as `discover` orders it.
pub fn discover_by_version() -> std::collections::BTreeMap<(u8, u8), Vec<Interpreter>> {
    let mut by_version: std::collections::BTreeMap<_, Vec<_>> = Default::default();
    for i in discover() {
        by_version
            .entry((i.version.major, i.version.minor))
            .or_default()
            .push(i);
    }
    by_version
}

/// What a command needs of its interpreter, when several installations of one version exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// Any: the first found (PATH, then pyenv, then the provisioned folder).
    Any,
    /// Callgrind names C functions only with symbols: the first found that has them, else the
    /// first found.
    Symbols,
}

/// An interpreter `--python` named, and, when several matched, which was picked and why.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub interpreter: Interpreter,
    /// One sentence: the one picked and the others passed over (`None`: only one matched).
    pub choice: Option<String>,
}

/// The interpreter `--python SPEC` names: a path, a version such as `3.12` (looked up on PATH,
/// then pyenv, then the provisioned folder), or a command on PATH. `None` means `python3`.
pub fn resolve(spec: Option<&str>) -> Result<Interpreter, ProbeError> {
    resolve_for(spec, Need::Any).map(|r| r.interpreter)
}

/// [`resolve`] for a command that needs something of the interpreter: for a version, every
/// installation of it is probed and the first that has what `need` asks for is picked (the
/// first found when none has); [`Resolved::choice`] says which, when there were several.
pub fn resolve_for(spec: Option<&str>, need: Need) -> Result<Resolved, ProbeError> {
    let spec = spec.unwrap_or("python3");
    let not_found = || ProbeError::NotFound {
        spec: spec.to_owned(),
        provisioned: provisioned_dir().join("bin").display().to_string(),
    };
    let only = |interpreter| Resolved {
        interpreter,
        choice: None,
    };
    if spec.contains('/') {
        return Interpreter::probe(Path::new(spec), Discovery::Explicit).map(only);
    }
    // "3.12.1": that exact release of 3.12.
    let (minor_spec, exact) = match spec.split('.').collect::<Vec<_>>()[..] {
        [a, b, c]
            if [a, b, c]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|d| d.is_ascii_digit())) =>
        {
            (format!("{a}.{b}"), Some(spec))
        }
        _ => (spec.to_owned(), None),
    };
    let release = |i: &Interpreter| exact.is_none_or(|e| i.full_version == e);
    if let Some(version) = PyVersion::parse(&minor_spec) {
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
        let mut seen = HashSet::new();
        let all: Vec<(PathBuf, Discovery)> = on_path
            .chain(elsewhere)
            .filter(|(p, _)| seen.insert(p.canonicalize().unwrap_or_else(|_| p.clone())))
            .collect();
        if need == Need::Any {
            for (path, how) in all {
                if let Ok(found) = Interpreter::probe(&path, how) {
                    if found.version == version && release(&found) {
                        return Ok(only(found));
                    }
                }
            }
            return Err(not_found());
        }
        let found: Vec<Interpreter> = probe_all(&all)
            .into_iter()
            .filter(|i| i.version == version && release(i))
            .collect();
        return pick(found, need).ok_or_else(not_found);
    }
    let path = path_dirs()
        .into_iter()
        .map(|d| d.join(spec))
        .find(|p| is_executable_file(p))
        .ok_or_else(not_found)?;
    Interpreter::probe(&path, Discovery::Path).map(only)
}

/// Probes every candidate in parallel (each costs an interpreter start-up); the ones that are
/// CPython, in the candidates' order.
fn probe_all(all: &[(PathBuf, Discovery)]) -> Vec<Interpreter> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = all
            .iter()
            .map(|(path, how)| scope.spawn(move || Interpreter::probe(path, *how).ok()))
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().ok().flatten())
            .collect()
    })
}

/// Of installations of one version (in the order found), the one `need` prefers, and a sentence
/// naming it and the others when there were several (the same installation found twice, e.g.
/// as `python3` and `python3.11` of one folder, counts once).
pub fn pick(found: Vec<Interpreter>, need: Need) -> Option<Resolved> {
    let mut seen = HashSet::new();
    let mut found: Vec<Interpreter> = found
        .into_iter()
        .filter(|i| seen.insert(i.executable.clone()))
        .collect();
    let k = match need {
        Need::Symbols => found.iter().position(|i| i.symbols == Some(true)),
        Need::Any => None,
    }
    .unwrap_or(0);
    if k >= found.len() {
        return None;
    }
    let interpreter = found.remove(k);
    let describe = |i: &Interpreter| {
        let symbols = match i.symbols {
            Some(true) => "with symbols",
            Some(false) => "no symbols",
            None => "symbols unknown",
        };
        format!("{} ({}, {symbols})", i.path.display(), i.full_version)
    };
    let choice = (!found.is_empty()).then(|| {
        let why = match need {
            Need::Symbols if interpreter.symbols == Some(true) => {
                "the first found with symbols, which callgrind needs to name C functions"
            }
            Need::Symbols => "the first found; none has symbols",
            Need::Any => "the first found",
        };
        format!(
            "of {} installations, using {}, {why}; passed over: {}",
            found.len() + 1,
            describe(&interpreter),
            found.iter().map(describe).collect::<Vec<_>>().join(", ")
        )
    });
    Some(Resolved {
        interpreter,
        choice,
    })
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

    fn install(path: &str, full: &str, symbols: Option<bool>) -> Interpreter {
        Interpreter {
            path: PathBuf::from(path),
            via: None,
            version: PyVersion::parse(&full[..4]).expect("a version"),
            full_version: full.to_owned(),
            implementation: "CPython".to_owned(),
            executable: path.to_owned(),
            debug: false,
            free_threaded: false,
            found_by: Discovery::Path,
            code_files: Vec::new(),
            symbols,
        }
    }

    #[test]
    fn several_installations_prefer_symbols_and_say_which() {
        // Debian's /usr/bin/python3.11 (stripped) comes first on PATH; pyenv's has symbols.
        let found = || {
            vec![
                install("/usr/bin/python3.11", "3.11.2", Some(false)),
                install(
                    "/root/.pyenv/versions/3.11.7/bin/python3.11",
                    "3.11.7",
                    Some(true),
                ),
            ]
        };
        let r = pick(found(), Need::Symbols).expect("one is picked");
        assert_eq!(r.interpreter.full_version, "3.11.7");
        let choice = r.choice.expect("several: the choice is said");
        assert!(
            choice.contains(
                "using /root/.pyenv/versions/3.11.7/bin/python3.11 (3.11.7, with symbols)"
            ) && choice.contains("passed over: /usr/bin/python3.11 (3.11.2, no symbols)"),
            "{choice}"
        );
        // Without the need, the first found; with none having symbols, the first found too.
        assert_eq!(
            pick(found(), Need::Any)
                .expect("one")
                .interpreter
                .full_version,
            "3.11.2"
        );
        let stripped = vec![
            install("/usr/bin/python3.11", "3.11.2", Some(false)),
            install("/opt/python3.11", "3.11.4", None),
        ];
        let r = pick(stripped, Need::Symbols).expect("one is picked");
        assert_eq!(r.interpreter.full_version, "3.11.2");
        assert!(r.choice.expect("said").contains("none has symbols"));
        // One installation (found twice): nothing to say.
        let twice = vec![
            install("/usr/bin/python3.11", "3.11.2", Some(false)),
            install("/usr/bin/python3.11", "3.11.2", Some(false)),
        ];
        assert_eq!(pick(twice, Need::Symbols).expect("one").choice, None);
        assert!(pick(Vec::new(), Need::Symbols).is_none());
    }

    #[test]
    fn unknown_version_is_a_clear_error() {
        let err = resolve(Some("3.99")).expect_err("no such python");
        assert!(err
            .to_string()
            .contains("no Python interpreter matches \"3.99\""));
    }
}
