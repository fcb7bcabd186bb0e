//! `flypy cost STMT... [--setup CODE]`: machine instructions per call of each statement, and
//! the interpreter's C functions they go to, from valgrind's callgrind.
//!
//! Differential: each statement runs N times in one process and 2N times in another, both under
//! callgrind, with the same environment block (flypy's fixed PYTHONHASHSEED), the same
//! arguments' lengths, and a working folder nobody writes to during the runs; the difference
//! over N is one call's cost, start-up and teardown cancelled. Statements are compiled as
//! `timeit` compiles them (helper/timeit.py). Executed bytecode instructions per call come
//! from the same differential on `flypy trace`'s counts of timeit's code.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{bail, Context};
use flypy_callgrind::{CostKind, PerCall};
use flypy_probe::run::{Ending, Limits, Program};
use flypy_probe::timing::{time_worker_under, TimingError, WorkerSpec};
use flypy_probe::Interpreter;
use serde_json::json;

use super::Format;
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
}

/// One statement's cost per call.
struct Cost {
    statement: String,
    per_call: PerCall,
    /// Machine instructions per call (the `Ir` event).
    instructions: f64,
    /// Executed bytecode instructions per call, when the interpreter can count them.
    bytecode: Option<f64>,
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
    if !interp.version.at_least(3, 6) {
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
        match cost_of(&interp, &args, i, &limits)? {
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
            serde_json::to_string(&json_doc(&costs, &interp, &args, symbols.as_deref()))?
        ),
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Whether valgrind is there and works: not installed, broken (it runs but fails) and hanging
/// are three different answers.
pub(crate) fn check_valgrind() -> anyhow::Result<()> {
    let asked = flypy_probe::session::output_within(
        Command::new("valgrind").arg("--version"),
        Duration::from_secs(20),
    );
    match asked {
        Ok(Some(out)) if out.status.success() => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => bail!(
            "valgrind is not installed (or not on PATH); flypy cost counts machine instructions \
             with its callgrind tool. Install it: `apt-get install valgrind` (Debian, Ubuntu), \
             `dnf install valgrind` (Fedora); there is no valgrind for macOS on Apple silicon"
        ),
        Err(e) => bail!("valgrind cannot be started: {e}"),
        Ok(None) => bail!("valgrind --version did not answer within 20 s: valgrind is broken here"),
        Ok(Some(out)) => {
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err.lines().last().unwrap_or("no message");
            bail!(
                "valgrind is installed but does not work: `valgrind --version` {} ({last})",
                out.status
            )
        }
    }
}

/// Statement `i`'s cost per call, or how the user's code failed.
fn cost_of(
    interp: &Interpreter,
    args: &Args,
    i: usize,
    limits: &Limits,
) -> anyhow::Result<Result<Cost, TimingError>> {
    let per_call = match machine_cost(
        interp,
        &args.statements,
        &args.opts.setup,
        args.opts.module_level,
        args.calls,
        i,
        limits,
    )? {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let ir = per_call
        .event_index("Ir")
        .context("callgrind's profile has no Ir (instructions) event")?;
    let instructions = per_call.totals.get(ir).copied().unwrap_or(0.0);
    let bytecode = bytecode_per_call(interp, args, i, limits)?;
    Ok(Ok(Cost {
        statement: args.statements[i].clone(),
        per_call,
        instructions,
        bytecode,
    }))
}

/// Statement `i` of `statements` under callgrind, N and 2N calls: its cost per call by C
/// function, or how the user's code failed.
pub(crate) fn machine_cost(
    interp: &Interpreter,
    statements: &[String],
    setup: &str,
    module_level: bool,
    calls: u64,
    i: usize,
    limits: &Limits,
) -> anyhow::Result<Result<PerCall, TimingError>> {
    // The folder the interpreter starts in is on sys.path ('' with -c): one nobody writes to,
    // so both runs see the same directory listings. Profiles go elsewhere.
    let quiet = tempfile::tempdir().context("temporary folder")?;
    let out = tempfile::tempdir().context("temporary folder")?;
    // The helper's spec and report: the same paths in both runs (their characters change what
    // the interpreter executes, by a few instructions that the subtraction then cancels).
    let work = tempfile::tempdir().context("temporary folder")?;
    let mut profiles = Vec::new();
    for calls in [calls, 2 * calls] {
        let run_dir = out.path().join(calls.to_string());
        std::fs::create_dir(&run_dir).context("temporary folder")?;
        let mut valgrind = Command::new("valgrind");
        valgrind
            .arg("--tool=callgrind")
            // No gdb server: its FIFOs would be left behind whenever a run is killed.
            .arg("--vgdb=no")
            // valgrind's own messages to a file, not into the program's stderr (a killed run
            // would otherwise show the user its whole log).
            .arg(format!(
                "--log-file={}",
                run_dir.join("valgrind.%p").display()
            ))
            .arg(format!(
                "--callgrind-out-file={}",
                run_dir.join("callgrind.%p").display()
            ))
            .current_dir(quiet.path());
        if is_script(&interp.path) {
            // A wrapper script (the provisioned 3.14/3.15) execs the interpreter: follow the
            // exec. Its profile replaces the script's, under the same process id.
            valgrind.arg("--trace-children=yes");
        }
        let mut spec = WorkerSpec {
            values: 1,
            order: vec![i],
            report_times: false,
            ..WorkerSpec::new(statements, setup, module_level)
        };
        if let Some(n) = spec.loops.get_mut(i) {
            *n = calls;
        }
        let run = time_worker_under(interp, Some(&valgrind), Some(work.path()), &spec, limits);
        let worker = match flypy_measure::time::split_failure(run)? {
            Ok(w) => w,
            Err(e) => return Ok(Err(e)),
        };
        // Processes the statement starts have profiles of their own; this is the worker's.
        let file = run_dir.join(format!("callgrind.{}", worker.pid));
        let profile = flypy_callgrind::parse_file(&file)
            .with_context(|| format!("reading callgrind's profile {}", file.display()))?;
        profiles.push(profile);
    }
    let (small, big) = (&profiles[0], &profiles[1]);
    let per_call = big
        .subtract(small)
        .and_then(|d| d.per_call(calls))
        .context("subtracting the two runs")?;
    Ok(Ok(per_call))
}

/// Executed bytecode instructions per call of statement `i`: timeit's code for the statement,
/// written out by the interpreter's own `timeit`, traced for N and 2N calls.
fn bytecode_per_call(
    interp: &Interpreter,
    args: &Args,
    i: usize,
    limits: &Limits,
) -> anyhow::Result<Option<f64>> {
    if !interp.version.at_least(3, 7) {
        return Ok(None);
    }
    let counting = flypy_measure::trace::default_counting(interp.version);
    let dir = tempfile::tempdir().context("temporary folder")?;
    let program = timeit_program(
        interp,
        &args.statements[i],
        &args.opts.setup,
        args.opts.module_level,
    )?;
    let mut totals = Vec::new();
    for calls in [args.calls, 2 * args.calls] {
        let source = program(calls);
        let path = dir.path().join(format!("timed_{calls}.py"));
        std::fs::write(&path, &source).context("writing the timed program")?;
        let module = flypy_measure::source::compile_module(interp, &path)?;
        let module = module
            .as_code()
            .context("the compiled program is not a code object")?;
        let timed = Program::Code(source);
        let counted =
            flypy_measure::trace::count_run(interp, module, &timed, limits, counting, true)?;
        if counted.outcome.ending != Ending::Finished {
            bail!(
                "the traced run of statement {} {}",
                i + 1,
                counted.outcome.ending.describe()
            );
        }
        let counts = counted.counts;
        totals.push(
            counts
                .iter()
                .flat_map(|c| c.counts.iter().map(|(_, n)| *n))
                .sum::<u64>(),
        );
    }
    Ok(Some(
        (totals[1] as f64 - totals[0] as f64) / args.calls as f64,
    ))
}

/// A maker of programs that run `stmt` a given number of times as timeit would: the
/// interpreter's own `timeit.template` (it differs between versions; asked for once), or a
/// module-level loop.
fn timeit_program(
    interp: &Interpreter,
    stmt: &str,
    setup: &str,
    module_level: bool,
) -> anyhow::Result<Box<dyn Fn(u64) -> String>> {
    if module_level {
        let body: String = stmt.lines().map(|l| format!("    {l}\n")).collect();
        let setup = setup.to_owned();
        return Ok(Box::new(move |calls| {
            format!("{setup}\nfor _i in range({calls}):\n{body}    pass\n")
        }));
    }
    let out = interp
        .command()
        .arg("-c")
        .arg(
            "import sys, timeit\n\
             print(timeit.template.format(stmt=timeit.reindent(sys.argv[1], 8), \
             setup=timeit.reindent(sys.argv[2], 4), init=''))",
        )
        .arg(stmt)
        .arg(setup)
        .output()
        .context("asking the interpreter for timeit's template")?;
    if !out.status.success() {
        bail!(
            "the interpreter's timeit could not build the timed function: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let inner = String::from_utf8_lossy(&out.stdout).into_owned();
    Ok(Box::new(move |calls| {
        format!(
            "{inner}\nimport itertools, time\ninner(itertools.repeat(None, {calls}), time.perf_counter)\n"
        )
    }))
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

/// Per C function, statement a's self instructions per call minus b's, largest first.
fn function_diff(a: &Cost, b: &Cost) -> Vec<(String, f64)> {
    let mut by: BTreeMap<String, f64> = BTreeMap::new();
    for (cost, sign) in [(a, 1.0), (b, -1.0)] {
        let Some(ir) = cost.per_call.event_index("Ir") else {
            continue;
        };
        for f in &cost.per_call.functions {
            *by.entry(f.key.name.clone()).or_default() +=
                sign * f.self_cost.get(ir).copied().unwrap_or(0.0);
        }
    }
    let mut out: Vec<(String, f64)> = by.into_iter().filter(|(_, d)| d.abs() >= 0.5).collect();
    out.sort_by(|x, y| y.1.abs().total_cmp(&x.1.abs()).then(x.0.cmp(&y.0)));
    out
}

/// Whether `path` is a script (`#!`) rather than an executable binary.
fn is_script(path: &std::path::Path) -> bool {
    let mut head = [0u8; 2];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok_and(|()| &head == b"#!")
}

fn json_doc(
    costs: &[Cost],
    interp: &Interpreter,
    args: &Args,
    symbols: Option<&str>,
) -> serde_json::Value {
    let statements: Vec<_> = costs
        .iter()
        .map(|c| {
            json!({
                "statement": c.statement,
                "instructions_per_call": c.instructions,
                "bytecode_per_call": c.bytecode,
                "per_call": c.per_call,
            })
        })
        .collect();
    let by_function = |b: &Cost| {
        function_diff(&costs[0], b)
            .into_iter()
            .map(|(name, d)| json!({"function": name, "self_per_call": d}))
            .collect::<Vec<_>>()
    };
    let diffs: Vec<_> = costs
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, b)| {
            json!({
                "minuend": 1,
                "subtrahend": k + 1,
                "instructions_per_call": costs[0].instructions - b.instructions,
                "by_function": by_function(b),
            })
        })
        .collect();
    // Kept for readers of the first schema: #1 − #2, as diffs_from_first has it.
    let diff = diffs.first().map(|d| d["by_function"].clone());
    json!({
        "schema": "flypy.cost/1",
        "python": interp.full_version,
        "method": format!("valgrind callgrind; ({} calls − {} calls) / {}, statements compiled as timeit does", 2 * args.calls, args.calls, args.calls),
        "symbols": symbols,
        "statements": statements,
        "diff_1_minus_2": diff,
        "diffs_from_first": diffs,
    })
}
