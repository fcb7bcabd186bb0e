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

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use flypy_callgrind::CostKind;
use flypy_measure::cost::{self, check_valgrind, function_diff, Cost, CostOptions};
use flypy_probe::run::Limits;
use flypy_probe::timing::WorkerSpec;
use flypy_probe::Interpreter;

use super::ReportFormat as Format;
use super::{one_line, StatementOptions};
use crate::output;

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
    for i in 0..args.statements.len() {
        if args.format == Format::Text {
            crate::noteln!(
                "flypy: statement {} of {} under callgrind ({} and {} calls)…",
                i + 1,
                args.statements.len(),
                args.calls,
                2 * args.calls
            );
        }
        match cost::cost_of(&interp, &opts, i, &limits)? {
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
    let text = match args.format {
        Format::Text => text(&costs, &interp, &args, symbols.as_deref()),
        Format::Json => format!(
            "{}\n",
            serde_json::to_string(&serde_json::to_value(cost::document(
                &costs,
                &interp,
                &opts,
                symbols.as_deref()
            ))?)?
        ),
        Format::Html => {
            let doc =
                serde_json::to_value(cost::document(&costs, &interp, &opts, symbols.as_deref()))?;
            output::html("cost", &doc, args.html.output.as_deref())?;
            String::new()
        }
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

fn text(costs: &[Cost], interp: &Interpreter, args: &Args, symbols: Option<&str>) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "CPython {} — machine instructions per call, callgrind, ({} calls − {} calls) / {}",
        interp.full_version,
        2 * args.calls,
        args.calls,
        args.calls
    );
    if let Some(s) = symbols {
        let _ = writeln!(t, "note: {s}");
    }
    for (i, c) in costs.iter().enumerate() {
        let _ = writeln!(t, "\n#{} {}", i + 1, one_line(&c.statement));
        let _ = write!(t, "   {:.0} instructions per call", c.instructions);
        match c.bytecode {
            Some(b) if b > 0.0 => {
                let _ = writeln!(
                    t,
                    "; {b:.0} bytecode instructions per call, {:.1} machine instructions each",
                    c.instructions / b
                );
            }
            _ => {
                let _ = writeln!(t);
            }
        }
        let _ = writeln!(
            t,
            "   {:>12} {:>12}  C function (self, inclusive per call)",
            "self", "inclusive"
        );
        if let Some(ir) = c.per_call.event_index("Ir") {
            for f in c.per_call.top(ir, CostKind::SelfCost, args.top) {
                let _ = writeln!(
                    t,
                    "   {:>12.0} {:>12.0}  {}",
                    f.self_cost.get(ir).copied().unwrap_or(0.0),
                    f.inclusive.get(ir).copied().unwrap_or(0.0),
                    f.key.name
                );
            }
        }
    }
    // Every statement against the first.
    for (k, b) in costs.iter().enumerate().skip(1) {
        let a = &costs[0];
        let _ = writeln!(
            t,
            "\n#1 − #{}: {:+.0} instructions per call ({:.3}×); by C function (self):",
            k + 1,
            a.instructions - b.instructions,
            a.instructions / b.instructions
        );
        for (name, d) in function_diff(a, b).into_iter().take(args.top) {
            let _ = writeln!(t, "   {d:>+12.0}  {name}");
        }
    }
    t
}
