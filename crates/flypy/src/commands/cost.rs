//! `flypy cost STMT... [--setup CODE]`: machine instructions per call of each statement, and
//! the interpreter's C functions they go to, from valgrind's callgrind.
//!
//! Differential: each statement runs N times in one process and 2N times in another, both under
//! callgrind, with the same environment block (flypy's fixed PYTHONHASHSEED), the same
//! arguments' lengths, and a working folder nobody writes to during the runs; the difference
//! over N is one call's cost, start-up and teardown cancelled. Statements are compiled as
//! `timeit` compiles them (helper/timeit.py). Executed bytecode instructions per call come
//! from the same differential on `flypy trace`'s counts of timeit's code. The measuring is
//! flypy_measure::cost's.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use flypy_measure::cost::{self, check_valgrind, CostOptions};
use flypy_measure::progress::Event;
use flypy_probe::run::Limits;
use flypy_probe::timing::WorkerSpec;
use flypy_report::Document;

use super::ReportFormat as Format;
use super::StatementOptions;

#[derive(clap::Args)]
pub struct Args {
    /// Statements to measure (two or more are compared function by function).
    #[arg(required = true)]
    statements: Vec<String>,
    #[command(flatten)]
    opts: StatementOptions,
    /// N: calls in the first run (the second makes 2N).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u64).range(1..))]
    calls: u64,
    /// C functions to list per statement.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Seconds one run under valgrind may take.
    #[arg(long, default_value_t = 600.0, value_parser = super::seconds)]
    timeout: f64,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    html: super::HtmlOutput,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.calls == 0 {
        bail!("--calls must be at least 1");
    }
    // Of several installations of a version, one with symbols (callgrind names C functions).
    let resolved =
        flypy_probe::resolve_for(args.opts.python.as_deref(), flypy_probe::Need::Symbols)?;
    let interp = resolved.interpreter;
    if let Some(choice) = &resolved.choice {
        crate::noteln!("flypy: CPython {}: {choice}", interp.version);
    }
    if !interp.version.disassembled()
        || interp.version.profile().family == flypy_marshal::Family::Py27
    {
        bail!(
            "flypy cost needs CPython 3.6 or later, not {}",
            interp.version
        );
    }
    let limits = Limits {
        timeout: Duration::try_from_secs_f64(args.timeout).context("--timeout")?,
        ..Limits::default()
    };
    // Code that does not compile is reported before valgrind is asked for or runs (a
    // callgrind run takes seconds), naming its part.
    let spec = WorkerSpec::new(&args.statements, &args.opts.setup, args.opts.module_level);
    let check = flypy_probe::timing::check(&interp, &spec, &limits);
    if let Err(failed) = flypy_measure::time::split_failure(check)? {
        return super::user_failure(failed);
    }
    check_valgrind()?;
    let opts = CostOptions {
        statements: args.statements.clone(),
        setup: args.opts.setup.clone(),
        module_level: args.opts.module_level,
        calls: args.calls,
    };
    let mut costs = Vec::new();
    let progress = crate::progress::steps_on_terminal();
    for i in 0..args.statements.len() {
        progress.report(Event::Part {
            what: "under callgrind: statement",
            k: i + 1,
            n: args.statements.len(),
        });
        let cost = cost::cost_of(&interp, &opts, i, &limits);
        progress.report(Event::Done);
        match cost? {
            Ok(c) => costs.push(c),
            Err(failed) => return super::user_failure(failed),
        }
    }
    let symbols = match interp.symbols {
        Some(false) => Some(format!(
            "{} has no symbols: C functions show as addresses (pyenv builds have them)",
            interp.path.display()
        )),
        _ => None,
    };
    let doc = Document::Cost(flypy_report::Cost {
        doc: cost::document(&costs, &interp, &opts, symbols.as_deref()),
        costs: &costs,
        calls: args.calls,
        top: args.top,
    });
    args.format
        .write(&doc, &flypy_report::Text::default(), "cost", &args.html)?;
    Ok(ExitCode::SUCCESS)
}
