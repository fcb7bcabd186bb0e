//! `flypy dis`: a `.py` is compiled by the target interpreter, a `.pyc` is read in pure Rust
//! whatever its version, a directory is walked; files are disassembled in parallel and printed
//! in a stable order.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context};
use flypy_bytecode::dis::DisOptions;
use flypy_marshal::PyVersion;
use flypy_measure::progress::{Event, NoProgress, Progress};
use flypy_measure::source::{
    self, collect, compile_sources, dis_json, load_compiled, read_pyc_file, Loaded, SourceKind,
};
use flypy_probe::CompileOutcome;
use flypy_report::{DisFile, Document, Exporter, Json, Text};
use rayon::prelude::*;

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
        return Ok(crate::exit::input());
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
    let text = Text::default();
    let exporter: &(dyn Exporter + Sync) = match args.format {
        Format::Text => &text,
        Format::Json => &Json,
    };
    let pool = pool()?;
    let stdout = std::io::stdout();
    // Small pieces are gathered; a file's listing (usually far larger) goes straight through.
    let mut out = std::io::BufWriter::with_capacity(64 << 10, stdout.lock());
    let mut json_files = Vec::new();
    let mut failures = 0usize;
    // A tree of files takes seconds: how far it is, on a terminal, when the listings go
    // elsewhere (on the same terminal they show how far it is themselves).
    let progress: Box<dyn Progress> =
        if files.len() > CHUNK && !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            crate::progress::steps_on_terminal()
        } else {
            Box::new(NoProgress)
        };
    for start in (0..files.len()).step_by(CHUNK) {
        let end = (start + CHUNK).min(files.len());
        progress.report(Event::Part {
            what: "disassembling files",
            k: end,
            n: files.len(),
        });
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
                    render(&loaded, &opts, exporter, many).map_err(|e| (path.clone(), e))
                })
                .collect()
        });
        for result in results {
            match result {
                Ok(text) if args.format == Format::Json => json_files.push(text),
                Ok(text) => out.write_all(&text)?,
                Err((path, e)) => {
                    failures += 1;
                    // Keep stdout and stderr in step for a reader of both; the error on a
                    // line of its own, not after the progress.
                    progress.report(Event::Done);
                    out.flush()?;
                    crate::noteln!("flypy: error: {}: {e}", path.display());
                }
            }
        }
    }
    progress.report(Event::Done);
    if args.format == Format::Json {
        out.write_all(&dis_json::document(&json_files))?;
    }
    out.flush()?;
    Ok(if failures > 0 || !unreadable.is_empty() {
        crate::exit::input()
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
    if source::source_kind(path) != Some(SourceKind::Py) {
        bail!("{}: --adaptive needs a .py file to run", path.display());
    }
    if args.format == Format::Json {
        bail!("--adaptive has a text form only, for now");
    }
    let interp = flypy_probe::resolve(args.python.as_deref())?;
    let version = interp.version;
    let module = source::compile_module(&interp, path)?;
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
        return Ok(crate::exit::user_code());
    }
    let quick = flypy_measure::quickened::quickened_tree(module, &run.adaptive)?;
    let opts = DisOptions {
        show_caches: args.show_caches,
        show_offsets: args.show_offsets,
        show_positions: args.show_positions,
    };
    // The quickened tree shown as the one file given, compiled from source.
    let quick = Loaded {
        path: path.clone(),
        version,
        code: flypy_marshal::Object::Code(std::sync::Arc::new(quick)),
        from_pyc: false,
    };
    let text = render(&quick, &opts, &Text::default(), false).map_err(anyhow::Error::msg)?;
    let mut out = std::io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(if run.ending.is_success() {
        std::process::ExitCode::SUCCESS
    } else {
        crate::exit::user_code()
    })
}

/// Worker threads with room for deeply nested code objects and constants.
fn pool() -> anyhow::Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(64 * 1024 * 1024)
        .build()
        .context("starting worker threads")
}

/// One file's output (see [`flypy_report::DisFile`]): its listing, or its serialised `files`
/// entry.
fn render(
    l: &Loaded,
    opts: &DisOptions,
    exporter: &(dyn Exporter + Sync),
    many: bool,
) -> Result<Vec<u8>, String> {
    let Some(code) = l.code.as_code() else {
        return Err("the marshalled object is not a code object".to_owned());
    };
    let file = DisFile {
        loaded: l,
        code,
        options: opts,
        many,
    };
    let mut out = Vec::new();
    exporter
        .export(&Document::DisFile(file), &mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}
