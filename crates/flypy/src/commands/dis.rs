//! `flypy dis`: a `.py` is compiled by the target interpreter, a `.pyc` is read in pure Rust
//! whatever its version, a directory is walked; files are disassembled in parallel and printed
//! in a stable order.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use flypy_bytecode::dis::{write_dis_bytes, DisOptions};
use flypy_marshal::{Object, PyVersion};
use flypy_probe::CompileOutcome;
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
    /// Run the one `.py` file given (3.11+), then show the bytecode as the specializing
    /// interpreter left it, as `dis.dis(code, adaptive=True)` does. The program's own output
    /// goes to stderr.
    #[arg(long)]
    adaptive: bool,
    /// Stop the program run by `--adaptive` after this many seconds.
    #[arg(long, default_value_t = 60.0, requires = "adaptive", value_parser = super::seconds)]
    timeout: f64,
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

/// Files formatted together before their text is written: enough that worker threads seldom
/// wait for the writer (96 cost about 20% more CPU on the 3.12 stdlib), few enough that memory
/// stays bounded (about 200 MB there; a chunk's text and trees are freed and their memory reused
/// by the next, instead of holding a whole tree's worth of fresh pages).
const CHUNK: usize = 256;

pub fn run(args: Args) -> anyhow::Result<std::process::ExitCode> {
    if args.adaptive {
        return run_adaptive(&args);
    }
    let (files, unreadable) = collect(&args.paths)?;
    for (path, e) in &unreadable {
        crate::noteln!("flypy: error: {}: {e}", path.display());
    }
    if files.is_empty() && !unreadable.is_empty() {
        return Ok(std::process::ExitCode::from(crate::EXIT_INPUT));
    }
    if files.is_empty() {
        bail!(
            "no .py or .pyc files in {}",
            args.paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let opts = DisOptions {
        show_caches: args.show_caches,
        show_offsets: args.show_offsets,
        show_positions: args.show_positions,
    };
    let many = files.len() > 1 || args.paths.iter().any(|p| p.is_dir());
    let mut compiled = compile_sources(&files, args.python.as_deref())?;
    let pool = pool()?;
    let stdout = std::io::stdout();
    // Small pieces are gathered; a file's listing (usually far larger) goes straight through.
    let mut out = std::io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let mut json_files = Vec::new();
    let mut failures = 0usize;
    for start in (0..files.len()).step_by(CHUNK) {
        let end = (start + CHUNK).min(files.len());
        let work: Vec<(usize, Option<(PyVersion, CompileOutcome)>)> = (start..end)
            .map(|i| (i, compiled.get_mut(i).and_then(Option::take)))
            .collect();
        // Reading and formatting in parallel; results come back in input order. Each worker
        // frees its own file's tree (freeing on another thread costs the allocator more) and
        // hands back the file's finished output, header included, so the writer copies nothing.
        let results: Vec<Result<Vec<u8>, (PathBuf, String)>> = pool.install(|| {
            work.into_par_iter()
                .map(|(i, compiled)| {
                    let path = &files[i].0;
                    let loaded = match compiled {
                        Some((version, outcome)) => load_compiled(path, version, outcome),
                        None => read_pyc_file(path),
                    }
                    .map_err(|e| (path.clone(), e))?;
                    render(&loaded, &opts, args.format, many).map_err(|e| (path.clone(), e))
                })
                .collect()
        });
        for result in results {
            match result {
                Ok(text) if args.format == Format::Json => json_files.push(text),
                Ok(text) => out.write_all(&text)?,
                Err((path, e)) => {
                    failures += 1;
                    // Keep stdout and stderr in step for a reader of both.
                    out.flush()?;
                    crate::noteln!("flypy: error: {}: {e}", path.display());
                }
            }
        }
    }
    if args.format == Format::Json {
        out.write_all(&dis_json::document(&json_files))?;
    }
    out.flush()?;
    Ok(if failures > 0 || !unreadable.is_empty() {
        std::process::ExitCode::from(crate::EXIT_INPUT)
    } else {
        std::process::ExitCode::SUCCESS
    })
}

/// `--adaptive`: runs the script, then prints its code tree with each code object's quickened
/// bytecode in place of the compiled one.
fn run_adaptive(args: &Args) -> anyhow::Result<std::process::ExitCode> {
    use flypy_probe::run::{run_counted, Counting, Limits, Program};
    use std::io::Write as _;
    let [path] = args.paths.as_slice() else {
        bail!("--adaptive runs one .py file (it shows the bytecode as that run left it)");
    };
    if !matches!(source_kind(path), Some(Source::Py)) {
        bail!("{}: --adaptive needs a .py file to run", path.display());
    }
    if args.format == Format::Json {
        bail!("--adaptive has a text form only, for now");
    }
    let interp = flypy_probe::resolve(args.python.as_deref())?;
    let version = interp.version;
    let module = compile_module(&interp, path)?;
    let module = module
        .as_code()
        .context("the compiled module is not a code object")?;
    let limits = Limits {
        timeout: std::time::Duration::try_from_secs_f64(args.timeout).context("--timeout")?,
        ..Limits::default()
    };
    let program = Program::Script {
        path: path.clone(),
        args: Vec::new(),
    };
    let run = run_counted(&interp, &program, &limits, Counting::Adaptive)?;
    let mut err = std::io::stderr().lock();
    err.write_all(&run.stdout.kept)?;
    err.write_all(&run.stderr.kept)?;
    if !run.ending.is_success() {
        writeln!(err, "flypy: the program {}", run.ending.describe())?;
    }
    if run.adaptive.is_empty() {
        writeln!(
            err,
            "flypy: the run ended before its bytecode could be read"
        )?;
        return Ok(std::process::ExitCode::from(3));
    }
    let quick = super::quickened::quickened_tree(module, &run.adaptive)?;
    let opts = DisOptions {
        show_caches: args.show_caches,
        show_offsets: args.show_offsets,
        show_positions: args.show_positions,
    };
    let mut text = Vec::new();
    write_dis_bytes(&mut text, &quick, version, &opts)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(if run.ending.is_success() {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(3)
    })
}

/// Worker threads with room for deeply nested code objects and constants.
fn pool() -> anyhow::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(64 * 1024 * 1024)
        .build()
        .context("starting worker threads")
}

/// One file's output: with several files, its `==> path <==` header and a blank line after.
/// Text for `--format text`, one serialised `files` entry for JSON.
fn render(l: &Loaded, opts: &DisOptions, format: Format, many: bool) -> Result<Vec<u8>, String> {
    let Some(code) = l.code.as_code() else {
        return Err("the marshalled object is not a code object".to_owned());
    };
    match format {
        Format::Text => {
            let mut text = Vec::new();
            if many {
                text =
                    format!("==> {} (CPython {}) <==\n", l.path.display(), l.version).into_bytes();
            }
            write_dis_bytes(&mut text, code, l.version, opts).map_err(|e| e.to_string())?;
            if many {
                text.push(b'\n');
            }
            Ok(text)
        }
        Format::Json => dis_json::file(l, code)
            .map(String::into_bytes)
            .map_err(|e| e.to_string()),
    }
}

/// The files named, with directories walked (sorted, so output is reproducible) for `.py`
/// and `.pyc` files.
/// The files to disassemble, in order, and the folders (or entries) that could not be read
/// while walking a directory: each of those is an error line of its own, the files found are
/// still shown.
type Collected = (Vec<(PathBuf, Source)>, Vec<(PathBuf, String)>);

fn collect(paths: &[PathBuf]) -> anyhow::Result<Collected> {
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
                if crate::input::is_symlink_loop(&e) {
                    bail!("{}: {}", p.display(), crate::input::cannot_read(&e));
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
                crate::input::check_regular(p)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?;
            }
            files.push((p.clone(), kind));
        }
    }
    Ok((files, unreadable))
}

fn source_kind(p: &Path) -> Option<Source> {
    match p.extension().and_then(|e| e.to_str()) {
        Some("py") | Some("pyw") => Some(Source::Py),
        Some("pyc") | Some("pyo") => Some(Source::Pyc),
        _ => None,
    }
}

/// The `.py` and `.pyc` files below `dir` (symlinks not followed); a folder or entry that
/// cannot be read goes to `unreadable` and the walk goes on.
fn walk(dir: &Path, out: &mut Vec<(PathBuf, Source)>, unreadable: &mut Vec<(PathBuf, String)>) {
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

/// Compiles every `.py` among `files` in one run of the target interpreter (start-up is paid
/// once); the outcome of file `i` is at index `i`, `None` for `.pyc` files.
fn compile_sources(
    files: &[(PathBuf, Source)],
    python: Option<&str>,
) -> anyhow::Result<Vec<Option<(PyVersion, CompileOutcome)>>> {
    let mut out: Vec<Option<(PyVersion, CompileOutcome)>> = files.iter().map(|_| None).collect();
    let py: Vec<usize> = (0..files.len())
        .filter(|&i| matches!(files[i].1, Source::Py))
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
/// commands that also run it).
pub(super) fn compile_module(
    interp: &flypy_probe::Interpreter,
    path: &Path,
) -> anyhow::Result<Object> {
    compile_module_as(interp, path, None)
}

/// [`compile_module`], naming the code `shown` (its `co_filename`, and the file in errors)
/// instead of the temporary file flypy wrote it to: `<string>` for `-c CODE`, as Python names it.
pub(super) fn compile_module_as(
    interp: &flypy_probe::Interpreter,
    path: &Path,
    shown: Option<&str>,
) -> anyhow::Result<Object> {
    let outcome = flypy_probe::compile_files(interp, &[path.to_owned()])?
        .into_iter()
        .next()
        .context("the compile helper gave no answer")?;
    let name = shown.map_or_else(|| path.display().to_string(), str::to_owned);
    let code = load_compiled(path, interp.version, outcome)
        .map(|loaded| loaded.code)
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))?;
    Ok(match (shown, code.as_code()) {
        (Some(shown), Some(c)) => Object::Code(std::sync::Arc::new(c.with_filename(shown))),
        _ => code,
    })
}

fn load_compiled(
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

fn read_pyc_file(path: &Path) -> Result<Loaded, String> {
    let data = crate::input::read_bounded(path)?;
    let pyc = flypy_marshal::read_pyc(&data).map_err(|e| e.to_string())?;
    Ok(Loaded {
        path: path.to_owned(),
        version: pyc.version,
        // Sets print in the order the loaded (not the compiled) set iterates, as dis shows.
        code: flypy_bytecode::pyrepr::in_loaded_order(&pyc.code, pyc.version),
        from_pyc: true,
    })
}
