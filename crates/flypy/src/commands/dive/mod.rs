//! `flypy dive`: two or more ways of writing one thing, side by side from source to machine,
//! and why one is faster, in numbers from this run. The case (built-in, a case file, or inline
//! statements) becomes a module whose `variant_*` functions are measured by the other
//! commands' machinery: flypy's disassembly, exact executed-instruction counts (trace), what
//! the 3.11+ interpreter specialized, timings in worker processes (time), machine
//! instructions by C function (cost, callgrind), and energy. `flypy_dive` compares and explains.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{bail, Context};
use flypy_dive::case;
use flypy_measure::dive::{self as measure, Prepared};
use flypy_probe::Interpreter;
use flypy_report::Document;

use super::ReportFormat as Format;
use crate::output;
use std::os::unix::ffi::OsStrExt;

#[derive(clap::Args)]
pub struct Args {
    /// Inline statements to compare (each one a variant), or one case file (`.py` with
    /// `variant_*` functions and an optional `setup()`). Nothing: the built-in default case.
    /// (A case file's path may be any bytes, as `flypy dis` takes paths.)
    statements: Vec<std::ffi::OsString>,
    /// A built-in case (`flypy cases` lists them).
    #[arg(long, conflicts_with = "statements")]
    case: Option<String>,
    /// Setup code for inline statements, run once before them in the same scope (as timeit's).
    #[arg(long, short = 's')]
    setup: Option<String>,
    /// Iterations one call handles, for per-iteration counts (case files say it with
    /// `ITERATIONS = N`; this overrides it).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    iterations: Option<u64>,
    /// Interpreter: a path, a command, or a version such as 3.12.
    #[arg(long, conflicts_with = "pythons")]
    python: Option<String>,
    /// Every interpreter found (`all`) or a comma-separated list (`3.11,3.12,3.13`): one table
    /// across versions.
    #[arg(long)]
    pythons: Option<String>,
    /// A fast pass: fewer timing processes and samples, no callgrind (a few seconds).
    #[arg(long)]
    quick: bool,
    /// Grid region for CO2e (ISO country code, e.g. DE, US, FR; default: world average).
    #[arg(long)]
    region: Option<String>,
    /// Per-core active power in watts for the energy estimate, instead of flypy's CPU table.
    #[arg(long, value_parser = crate::commands::watts)]
    cpu_watts: Option<f64>,
    /// Seconds one run of the case (counted, timed or under callgrind ×10) may take.
    #[arg(long, default_value_t = 120.0, value_parser = crate::commands::seconds)]
    timeout: f64,
    /// Output width in columns (at most 100 is what flypy is laid out for).
    #[arg(long, default_value_t = 100)]
    width: usize,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    html: super::HtmlOutput,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.width < 60 {
        bail!("--width must be at least 60 columns");
    }
    let region = match &args.region {
        Some(code) => flypy_energy::region(code)?,
        None => flypy_energy::world(),
    };
    let interpreters = interpreters(&args)?;
    let first = interpreters
        .first()
        .context("no interpreter to run the dive on")?;
    let texts = args.texts()?;
    if let [_, _, ..] = texts.as_slice() {
        check_statements(&args, &texts, &interpreters)?;
    }
    let prepared = prepare(&args, &texts, &first.0)?;
    let options = measure::Options {
        quick: args.quick,
        cpu_watts: args.cpu_watts,
        region,
        lenient: interpreters.len() > 1,
        timeout: std::time::Duration::try_from_secs_f64(args.timeout)
            .ok()
            .filter(|t| !t.is_zero())
            .context("--timeout must be a positive number of seconds")?,
    };
    // On a terminal whatever the format (a JSON or HTML dive takes as long); never in a pipe
    // or a log.
    let progress_on = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let progress = crate::progress::steps_on_terminal();
    let progress = progress.as_ref();
    let mut dives = Vec::new();
    for (k, (interp, notes)) in interpreters.iter().enumerate() {
        if progress_on && interpreters.len() > 1 {
            crate::noteln!(
                "flypy: CPython {} ({} of {})",
                interp.full_version,
                k + 1,
                interpreters.len()
            );
        }
        // Across several interpreters, whatever goes wrong says on which.
        let which = || {
            format!(
                "CPython {} ({})",
                interp.full_version,
                interp.path.display()
            )
        };
        let measured = measure::dive(interp, notes, &prepared, &options, progress);
        let measured = if interpreters.len() > 1 {
            measured.with_context(which)?
        } else {
            measured?
        };
        match measured {
            Ok(d) => dives.push(d),
            Err(failed) if interpreters.len() > 1 => {
                crate::noteln!("flypy: {}: {failed}", which());
                return Ok(crate::exit::user_code());
            }
            Err(failed) => {
                crate::noteln!("flypy: {failed}");
                return Ok(crate::exit::user_code());
            }
        }
    }
    let doc = Document::Dive(flypy_report::Dive {
        doc: flypy_measure::dive_doc::document(&dives, &prepared, options.quick),
        dives: &dives,
        case: &prepared,
    });
    let text = flypy_report::Text {
        width: args.width,
        bold: output::styled(),
    };
    args.format.write(&doc, &text, "dive", &args.html)?;
    Ok(ExitCode::SUCCESS)
}

/// The interpreters to dive on (`--python`, `--pythons`, or `python3` on PATH), each with what
/// the reader should know about how it was picked: of several installations of a version, the
/// first with symbols (the machine level names C functions only with them); a wrapper script
/// (a pyenv shim) resolved to the interpreter it runs.
fn interpreters(args: &Args) -> anyhow::Result<Vec<(Interpreter, Vec<String>)>> {
    use flypy_probe::{resolve_for, Need, Resolved};
    let resolved: Vec<Resolved> = match args.pythons.as_deref() {
        None => vec![resolve_for(args.python.as_deref(), Need::Symbols)?],
        Some("all") => {
            let by_version = flypy_probe::discover_by_version();
            if by_version.is_empty() {
                bail!("no CPython interpreters found (flypy pythons says where it looks)");
            }
            by_version
                .into_values()
                .filter_map(|found| flypy_probe::pick(found, Need::Symbols))
                .collect()
        }
        Some(list) => {
            // Each interpreter once, however often it is named (`3.12,3.12`, or `3.12` and the
            // path it resolves to).
            let mut seen = std::collections::HashSet::new();
            let mut out = Vec::new();
            for spec in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                let r = resolve_for(Some(spec), Need::Symbols)?;
                if seen.insert(r.interpreter.path.clone()) {
                    out.push(r);
                }
            }
            out
        }
    };
    Ok(resolved
        .into_iter()
        .map(|r| {
            let mut notes: Vec<String> = r.choice.into_iter().collect();
            if let Some(via) = &r.interpreter.via {
                notes.push(format!(
                    "{} is a wrapper script; flypy runs the interpreter it starts, {}, directly \
                     (the same version, files, sys.path and flags)",
                    via.display(),
                    r.interpreter.path.display()
                ));
            }
            (r.interpreter, notes)
        })
        .collect())
}

/// Inline statements and their setup compiled first, as `flypy time` compiles them, so that a
/// mistake is reported before anything runs, naming the part and its own line (not one of the
/// case module they become). Across several interpreters a part that one version rejects is
/// shown as such for that version; only a part that none of them compiles is refused.
fn check_statements(
    args: &Args,
    statements: &[String],
    interpreters: &[(Interpreter, Vec<String>)],
) -> anyhow::Result<()> {
    use flypy_probe::timing::{check_all, Part, WorkerSpec};
    let setup = args.setup.as_deref().unwrap_or("pass");
    let spec = WorkerSpec::new(statements, setup, false);
    let limits = flypy_probe::run::Limits::default();
    // Per part, the interpreters that cannot compile it, with why.
    let mut rejected: BTreeMap<(bool, usize), Vec<(&Interpreter, String)>> = BTreeMap::new();
    for (interp, _) in interpreters {
        for failed in flypy_measure::time::split_failure(check_all(interp, &spec, &limits))?? {
            // The setup first, then the statements in order.
            let key = match failed.part() {
                Some(Part::Statement(i)) => (true, i),
                _ => (false, 0),
            };
            rejected
                .entry(key)
                .or_default()
                .push((interp, failed.to_string()));
        }
    }
    let everywhere = rejected
        .into_values()
        .find(|by| by.len() == interpreters.len());
    match everywhere.as_deref() {
        Some([(_, failed)]) => bail!("{failed}"),
        Some([(interp, failed), ..]) => bail!(
            "no interpreter of --pythons compiles it; CPython {} ({}): {failed}",
            interp.full_version,
            interp.path.display()
        ),
        _ => Ok(()),
    }
}

impl Args {
    /// One argument ending in `.py`: a case file, whose path may be any bytes.
    fn case_file(&self) -> Option<&Path> {
        match self.statements.as_slice() {
            [one] if one.as_bytes().ends_with(b".py") => Some(Path::new(one)),
            _ => None,
        }
    }

    /// The arguments as inline statements: text (none when the argument is a case file).
    fn texts(&self) -> anyhow::Result<Vec<String>> {
        if self.case_file().is_some() {
            return Ok(Vec::new());
        }
        self.statements
            .iter()
            .enumerate()
            .map(|(i, s)| {
                s.to_str()
                    .map(str::to_owned)
                    .with_context(|| format!("statement {} is not valid UTF-8", i + 1))
            })
            .collect()
    }
}

/// The case module: built-in, a case file, or inline statements made into one.
fn prepare(args: &Args, texts: &[String], interp: &Interpreter) -> anyhow::Result<Prepared> {
    if let Some(name) = &args.case {
        let c = case::find(name)?;
        return builtin(c, args.iterations);
    }
    // One argument ending in .py is a case file: read it, or say why not (a missing file, a
    // directory or a FIFO is not taken for an inline statement).
    let prepared = if let Some(path) = args.case_file() {
        let file = path.display().to_string();
        let bytes =
            flypy_measure::input::read_bounded(path).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        let source = decoded(bytes, interp).map_err(|e| anyhow::anyhow!("{file}: {e}"))?;
        if !case::mentions_variants(&source) {
            bail!(
                "{file}: a case file needs module-level functions named variant_* (def or \
                 lambda: the ways of writing the thing compared), and may have a setup() \
                 returning their arguments as a dict"
            );
        }
        Prepared {
            about: case::about(&source).unwrap_or_else(|| case::About {
                question: format!("Which variant of {file} is fastest, and why?"),
                description: String::new(),
            }),
            name: file,
            source,
            iterations: args.iterations,
            statements: None,
        }
    } else {
        match texts {
            [] => builtin(
                case::builtin(case::DEFAULT_CASE).context("the default case is missing")?,
                args.iterations,
            )?,
            [_] => bail!(
                "give two or more statements to compare (or a case file ending in .py, or \
                 --case NAME; `flypy cases` lists the built-in ones)"
            ),
            stmts => {
                let setup = args.setup.clone().unwrap_or_else(|| "pass".to_owned());
                let locals = measure::setup_locals(interp, &setup)?;
                Prepared {
                    name: "inline".to_owned(),
                    about: case::About {
                        question: "Which of these statements is fastest, and why?".to_owned(),
                        description: format!("setup: {}", flypy_report::text::one_line(&setup)),
                    },
                    source: case::from_statements(&setup, stmts, &locals),
                    iterations: args.iterations,
                    statements: Some(stmts.to_vec()),
                }
            }
        }
    };
    if args.setup.is_some() && prepared.statements.is_none() {
        bail!("--setup is for inline statements; a case file has its own setup()");
    }
    Ok(prepared)
}

fn builtin(c: &case::BuiltinCase, iterations: Option<u64>) -> anyhow::Result<Prepared> {
    Ok(Prepared {
        name: c.name.to_owned(),
        about: case::about(c.source).context("a built-in case has no docstring")?,
        source: c.source.to_owned(),
        iterations,
        statements: None,
    })
}

/// A case file's text, decoded as its PEP 263 declaration says (UTF-8 without one), declaring
/// UTF-8 instead (which is how flypy writes it for the interpreter): UTF-8 and Latin-1 here,
/// any other codec by the interpreter, which knows them all.
fn decoded(bytes: Vec<u8>, interp: &Interpreter) -> Result<String, String> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let declared = case::coding(&bytes);
    let bom = bytes.starts_with(BOM);
    let text = match declared.as_ref().map(|c| c.normal.as_str()) {
        Some(other) if bom && other != "utf-8" => {
            return Err(format!(
                "it starts with a UTF-8 byte order mark but declares the encoding {}",
                declared.as_ref().map_or(other, |c| c.name.as_str())
            ))
        }
        None | Some("utf-8") => String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            format!(
                "not UTF-8 (line {line}, byte {at}){}; declare its encoding on line 1 or 2 \
                 (PEP 263: # -*- coding: latin-1 -*-)",
                if declared.is_some() {
                    ", which it declares"
                } else {
                    ", and it declares no other encoding"
                }
            )
        })?,
        Some("iso-8859-1") => bytes.iter().map(|&b| char::from(b)).collect(),
        Some(other) => decode_with(interp, &bytes, other)?,
    };
    // No byte order mark: 3.6 and 3.7 compile as their `python -m dis` reads (text mode), which
    // takes it for a character; 2.7 gets one back when it needs it (measure::for_version).
    Ok(case::declare_utf8(text.trim_start_matches('\u{feff}')))
}

/// `bytes` decoded by `interp`'s codec `encoding` (strictly, as its tokenizer decodes).
fn decode_with(interp: &Interpreter, bytes: &[u8], encoding: &str) -> Result<String, String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
    let raw = dir.path().join("case.raw");
    std::fs::write(&raw, bytes).map_err(|e| format!("temporary file: {e}"))?;
    let limits = flypy_probe::run::Limits {
        timeout: std::time::Duration::from_secs(30),
        ..flypy_probe::run::Limits::default()
    };
    let run = flypy_probe::run::run_helper(
        interp,
        flypy_measure::source::DECODE_HELPER,
        &[raw.into_os_string(), encoding.into()],
        &limits,
    )
    .map_err(|e| format!("decoding it as {encoding}: {e}"))?;
    #[derive(serde::Deserialize)]
    struct Decoded {
        text: Option<String>,
        error: Option<String>,
    }
    let answer: Decoded = serde_json::from_str(&run.report)
        .map_err(|_| format!("decoding it as {encoding}: the interpreter gave no answer"))?;
    match (answer.text, answer.error) {
        (Some(text), _) => Ok(text),
        (None, e) => Err(format!(
            "cannot decode it as {encoding}, the encoding it declares: {}",
            e.unwrap_or_default()
        )),
    }
}
