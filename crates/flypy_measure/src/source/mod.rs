//! Sources: the `.py` and `.pyc` files named or found below a folder, compiled by the target
//! interpreter (a `.py`) or read in pure Rust whatever their version (a `.pyc`), as code
//! objects with the version whose `dis` shows them.

pub mod dis_json;

use std::path::{Path, PathBuf};

use flypy_marshal::{Object, PyVersion};
use flypy_probe::CompileOutcome;

use crate::error::{bail, Context, Error, Result};
use crate::input;

/// Decodes a file (argv 2) with the interpreter's codec (argv 3), strictly, as its tokenizer
/// would, and writes `{"text": …}` or `{"error": …}` as JSON to argv 1: for source files in
/// an encoding only the interpreter knows (`flypy_probe::run::run_helper`).
pub const DECODE_HELPER: &str = include_str!("../helper/decode.py");

/// What a file holds, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    Py,
    Pyc,
}

/// A file's code object and the version whose `dis` it is shown as.
pub struct Loaded {
    pub path: PathBuf,
    pub version: PyVersion,
    pub code: Object,
    pub from_pyc: bool,
}

/// The files to disassemble, in order, and the folders (or entries) that could not be read
/// while walking a directory: each of those is an error line of its own, the files found are
/// still shown.
pub type Collected = (Vec<(PathBuf, SourceKind)>, Vec<(PathBuf, String)>);

/// The files named, with directories walked (sorted, so output is reproducible) for `.py`
/// and `.pyc` files.
pub fn collect(paths: &[PathBuf]) -> Result<Collected> {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found, &mut unreadable);
            found.sort_by(|a, b| a.0.cmp(&b.0));
            files.extend(found);
        } else {
            // A symlink loop is said to be one, whatever its name.
            if let Err(e) = std::fs::metadata(p) {
                if input::is_symlink_loop(&e) {
                    bail!("{}: {}", p.display(), input::cannot_read(&e));
                }
            }
            let kind = source_kind(p).with_context(|| {
                format!(
                    "{}: not a .py or .pyc file (flypy dis reads those)",
                    p.display()
                )
            })?;
            // A device, FIFO or huge file named here would be read by the interpreter without
            // end: refused up front. (A missing file gets its own error line later, as any
            // file that cannot be read, while the others are still shown.)
            if p.exists() {
                input::check_regular(p).map_err(|e| Error::msg(format!("{}: {e}", p.display())))?;
            }
            files.push((p.clone(), kind));
        }
    }
    Ok((files, unreadable))
}

/// What `p` holds, by its extension: `None` for anything but Python source and bytecode.
pub fn source_kind(p: &Path) -> Option<SourceKind> {
    match p.extension().and_then(|e| e.to_str()) {
        Some("py") | Some("pyw") => Some(SourceKind::Py),
        Some("pyc") | Some("pyo") => Some(SourceKind::Pyc),
        _ => None,
    }
}

/// The `.py` and `.pyc` files below `dir` (symlinks not followed); a folder or entry that
/// cannot be read goes to `unreadable` and the walk goes on.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, SourceKind)>, unreadable: &mut Vec<(PathBuf, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            unreadable.push((dir.to_owned(), format!("cannot read directory: {e}")));
            return;
        }
    };
    for entry in entries {
        let entry = entry.and_then(|entry| entry.file_type().map(|ty| (entry.path(), ty)));
        match entry {
            Ok((path, ty)) if ty.is_dir() => walk(&path, out, unreadable),
            Ok((path, ty)) if ty.is_file() => {
                if let Some(kind) = source_kind(&path) {
                    out.push((path, kind));
                }
            }
            Ok(_) => {}
            Err(e) => unreadable.push((dir.to_owned(), format!("cannot read an entry: {e}"))),
        }
    }
}

/// A compiled file's version and outcome, or `None` for a `.pyc` (read by flypy itself).
pub type CompiledSlot = Option<(PyVersion, CompileOutcome)>;

/// Compiles every `.py` among `files` in one run of the target interpreter (start-up is paid
/// once); the outcome of file `i` is at index `i`, `None` for `.pyc` files.
pub fn compile_sources(
    files: &[(PathBuf, SourceKind)],
    python: Option<&str>,
) -> Result<Vec<CompiledSlot>> {
    let mut out: Vec<CompiledSlot> = files.iter().map(|_| None).collect();
    let py: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].1 == SourceKind::Py)
        .collect();
    if py.is_empty() {
        return Ok(out);
    }
    let interp = flypy_probe::resolve(python)?;
    if !interp.implementation.eq_ignore_ascii_case("cpython") {
        bail!(
            "{} is {} {}, not CPython: flypy disassembles CPython bytecode",
            interp.path.display(),
            interp.implementation,
            interp.full_version
        );
    }
    let paths: Vec<PathBuf> = py.iter().map(|&i| files[i].0.clone()).collect();
    let outcomes = flypy_probe::compile_files(&interp, &paths)?;
    for (i, outcome) in py.into_iter().zip(outcomes) {
        if let Some(slot) = out.get_mut(i) {
            *slot = Some((interp.version, outcome));
        }
    }
    Ok(out)
}

/// One `.py` file compiled by `interp` and read back: its module code object (for the
/// measurements that also run it).
pub fn compile_module(interp: &flypy_probe::Interpreter, path: &Path) -> Result<Object> {
    compile_module_as(interp, path, None)
}

/// [`compile_module`], naming the code `shown` (its `co_filename`, and the file in errors)
/// instead of the temporary file flypy wrote it to: `<string>` for `-c CODE`, as Python names it.
pub fn compile_module_as(
    interp: &flypy_probe::Interpreter,
    path: &Path,
    shown: Option<&str>,
) -> Result<Object> {
    let outcome = flypy_probe::compile_files(interp, &[path.to_owned()])?
        .into_iter()
        .next()
        .context("the compile helper gave no answer")?;
    let name = shown.map_or_else(|| path.display().to_string(), str::to_owned);
    let code = load_compiled(path, interp.version, outcome)
        .map(|loaded| loaded.code)
        .map_err(|e| Error::msg(format!("{name}: {e}")))?;
    Ok(match (shown, code.as_code()) {
        (Some(shown), Some(c)) => Object::Code(std::sync::Arc::new(c.with_filename(shown))),
        _ => code,
    })
}

/// A compiled file's code, or why it did not compile or cannot be read back.
pub fn load_compiled(
    path: &Path,
    version: PyVersion,
    outcome: CompileOutcome,
) -> Result<Loaded, String> {
    match outcome {
        Ok(compiled) => compiled
            .load(version)
            .map(|code| Loaded {
                path: path.to_owned(),
                version,
                code,
                from_pyc: false,
            })
            .map_err(|e| format!("reading the code python {version} compiled: {e}")),
        Err(failure) => Err(format!("python {version} cannot compile it: {failure}")),
    }
}

/// A `.pyc` file's code, read in pure Rust whatever its version.
pub fn read_pyc_file(path: &Path) -> Result<Loaded, String> {
    let data = input::read_bounded(path)?;
    let pyc = flypy_marshal::read_pyc(&data).map_err(|e| e.to_string())?;
    Ok(Loaded {
        path: path.to_owned(),
        version: pyc.version,
        // Sets print in the order the loaded (not the compiled) set iterates, as dis shows.
        code: flypy_bytecode::pyrepr::in_loaded_order(&pyc.code, pyc.version),
        from_pyc: true,
    })
}
