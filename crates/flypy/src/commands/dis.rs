//! `flypy dis`: a `.py` is compiled by the target interpreter, a `.pyc` is read in pure Rust
//! whatever its version, a directory is walked; files are disassembled in parallel and printed
//! in a stable order.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use flypy_bytecode::dis::{dis_text, DisOptions};
use flypy_marshal::{Object, PyVersion};
use rayon::prelude::*;

use super::dis_json;
use super::Format;

#[derive(clap::Args)]
pub struct Args {
    /// Interpreter that compiles `.py` files: a path, a command, or a version such as 3.12
    /// (found on PATH or in pyenv). Default: `python3` on PATH. `.pyc` files need none.
    #[arg(long)]
    python: Option<String>,
    /// Show inline CACHE entries (3.11+), as `dis --show-caches` / `-C`.
    #[arg(long, short = 'C')]
    show_caches: bool,
    /// Show instruction offsets even where that version's dis would not (3.13+ `-O`).
    #[arg(long, short = 'O')]
    show_offsets: bool,
    /// Show source positions (3.13+ `-P`).
    #[arg(long, short = 'P')]
    show_positions: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    /// `.py` or `.pyc` files, or directories to walk for them.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// One file to disassemble and where its code comes from.
enum Source {
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

pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    let files = collect(&args.paths)?;
    let opts = DisOptions {
        show_caches: args.show_caches,
        show_offsets: args.show_offsets,
        show_positions: args.show_positions,
    };
    let mut failures = 0usize;
    let loaded = load_all(&files, args.python.as_deref(), &mut failures)?;
    let many = files.len() > 1 || args.paths.iter().any(|p| p.is_dir());

    // Formatting is the expensive part: do it in parallel, keep the input order.
    let results: Vec<Result<String, String>> = pool()?.install(|| {
        loaded
            .par_iter()
            .map(|(_, l)| render(l, &opts, args.format))
            .collect()
    });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
    let mut json_files = Vec::new();
    for ((_, l), result) in loaded.iter().zip(&results) {
        match result {
            Ok(text) if args.format == Format::Json => json_files.push(text.as_str()),
            Ok(text) => {
                if many {
                    writeln!(out, "==> {} (CPython {}) <==", l.path.display(), l.version)?;
                    out.write_all(text.as_bytes())?;
                    out.write_all(b"\n")?;
                } else {
                    out.write_all(text.as_bytes())?;
                }
            }
            Err(e) => {
                failures += 1;
                eprintln!("flypy: error: {}: {e}", l.path.display());
            }
        }
    }
    if args.format == Format::Json {
        out.write_all(dis_json::document(&json_files).as_bytes())?;
    }
    out.flush()?;
    // The process ends here: freeing every code object tree one by one would only cost time.
    std::mem::forget(results);
    std::mem::forget(loaded);
    Ok(if failures > 0 {
        std::process::ExitCode::from(crate::EXIT_INPUT)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// Worker threads with room for deeply nested code objects and constants.
fn pool() -> anyhow::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(64 * 1024 * 1024)
        .build()
        .context("starting worker threads")
}

fn render(l: &Loaded, opts: &DisOptions, format: Format) -> Result<String, String> {
    let Some(code) = l.code.as_code() else {
        return Err("the marshalled object is not a code object".to_owned());
    };
    match format {
        Format::Text => dis_text(code, l.version, opts).map_err(|e| e.to_string()),
        Format::Json => dis_json::file(l, code).map_err(|e| e.to_string()),
    }
}

/// The files named, with directories walked (sorted, so output is reproducible) for `.py`
/// and `.pyc` files.
fn collect(paths: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, Source)>> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            walk(p, &mut found)
                .with_context(|| format!("{}: cannot read directory", p.display()))?;
            found.sort_by(|a, b| a.0.cmp(&b.0));
            files.extend(found);
        } else {
            let kind = source_kind(p).with_context(|| {
                format!(
                    "{}: not a .py or .pyc file (flypy dis reads those)",
                    p.display()
                )
            })?;
            files.push((p.clone(), kind));
        }
    }
    Ok(files)
}

fn source_kind(p: &Path) -> Option<Source> {
    match p.extension().and_then(|e| e.to_str()) {
        Some("py") | Some("pyw") => Some(Source::Py),
        Some("pyc") | Some("pyo") => Some(Source::Pyc),
        _ => None,
    }
}

fn walk(dir: &Path, out: &mut Vec<(PathBuf, Source)>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let ty = entry.file_type()?;
        if ty.is_dir() {
            walk(&path, out)?;
        } else if ty.is_file() {
            if let Some(kind) = source_kind(&path) {
                out.push((path, kind));
            }
        }
    }
    Ok(())
}

/// Reads every `.pyc` (in parallel) and compiles every `.py` (one interpreter run for all of
/// them). Files that fail are reported on stderr and counted; the others go on.
fn load_all(
    files: &[(PathBuf, Source)],
    python: Option<&str>,
    failures: &mut usize,
) -> anyhow::Result<Vec<(usize, Loaded)>> {
    let mut loaded: Vec<(usize, Result<Loaded, String>)> = Vec::with_capacity(files.len());
    let py: Vec<(usize, &PathBuf)> = files
        .iter()
        .enumerate()
        .filter(|(_, (_, k))| matches!(k, Source::Py))
        .map(|(i, (p, _))| (i, p))
        .collect();
    if !py.is_empty() {
        let interp = flypy_probe::resolve(python)?;
        if !interp.implementation.eq_ignore_ascii_case("cpython") {
            bail!(
                "{} is {} {}, not CPython: flypy disassembles CPython bytecode",
                interp.path.display(),
                interp.implementation,
                interp.full_version
            );
        }
        let paths: Vec<PathBuf> = py.iter().map(|(_, p)| (*p).clone()).collect();
        let outcomes = flypy_probe::compile_files(&interp, &paths)?;
        let decoded: Vec<(usize, Result<Loaded, String>)> = py
            .par_iter()
            .zip(outcomes.into_par_iter())
            .map(|((i, path), outcome)| {
                let result = match outcome {
                    Ok(compiled) => compiled
                        .load(interp.version)
                        .map(|code| Loaded {
                            path: (*path).clone(),
                            version: interp.version,
                            code,
                            from_pyc: false,
                        })
                        .map_err(|e| {
                            format!("reading the code python {} compiled: {e}", interp.version)
                        }),
                    Err(failure) => Err(format!(
                        "python {} cannot compile it: {failure}",
                        interp.version
                    )),
                };
                (*i, result)
            })
            .collect();
        loaded.extend(decoded);
    }
    let pycs: Vec<(usize, Result<Loaded, String>)> = files
        .par_iter()
        .enumerate()
        .filter(|(_, (_, k))| matches!(k, Source::Pyc))
        .map(|(i, (path, _))| (i, read_pyc_file(path)))
        .collect();
    loaded.extend(pycs);
    loaded.sort_by_key(|(i, _)| *i);
    let mut ok = Vec::with_capacity(loaded.len());
    for (i, result) in loaded {
        match result {
            Ok(l) => ok.push((i, l)),
            Err(e) => {
                *failures += 1;
                if let Some((path, _)) = files.get(i) {
                    eprintln!("flypy: error: {}: {e}", path.display());
                }
            }
        }
    }
    Ok(ok)
}

fn read_pyc_file(path: &Path) -> Result<Loaded, String> {
    let data = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    let pyc = flypy_marshal::read_pyc(&data).map_err(|e| e.to_string())?;
    Ok(Loaded {
        path: path.to_owned(),
        version: pyc.version,
        // Sets print in the order the loaded (not the compiled) set iterates, as dis shows.
        code: flypy_bytecode::pyrepr::in_loaded_order(&pyc.code, pyc.version),
        from_pyc: true,
    })
}
