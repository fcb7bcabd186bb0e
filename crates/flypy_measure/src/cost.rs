//! Machine instructions per call of statements, from valgrind's callgrind.
//!
//! Differential: each statement runs N times in one process and 2N times in another, both under
//! callgrind, with the same environment block (flypy's fixed PYTHONHASHSEED), the same
//! arguments' lengths, and a working folder nobody writes to during the runs; the difference
//! over N is one call's cost, start-up and teardown cancelled. Statements are compiled as
//! `timeit` compiles them (helper/timeit.py). Executed bytecode instructions per call come
//! from the same differential on the trace's counts of timeit's code.

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use flypy_callgrind::PerCall;
use flypy_probe::run::{Ending, Limits, Program};
use flypy_probe::timing::{time_worker_under, TimingError, WorkerSpec};
use flypy_probe::Interpreter;
use serde::Serialize;

use crate::error::{bail, Context, Result};

/// The statements to cost and how.
pub struct CostOptions {
    /// Statements to measure (two or more are compared function by function).
    pub statements: Vec<String>,
    /// Code run before the statements, in the same scope (as timeit's setup).
    pub setup: String,
    /// Run the statements at module level (their names global) instead of inside a function.
    pub module_level: bool,
    /// N: calls in the first run (the second makes 2N).
    pub calls: u64,
}

/// One statement's cost per call.
pub struct Cost {
    pub statement: String,
    pub per_call: PerCall,
    /// Machine instructions per call (the `Ir` event).
    pub instructions: f64,
    /// Executed bytecode instructions per call, when the interpreter can count them.
    pub bytecode: Option<f64>,
}

/// Whether valgrind is there and works: not installed, broken (it runs but fails) and hanging
/// are three different answers.
pub fn check_valgrind() -> Result<()> {
    let asked = flypy_probe::supervise::output_within(
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
pub fn cost_of(
    interp: &Interpreter,
    args: &CostOptions,
    i: usize,
    limits: &Limits,
) -> Result<Result<Cost, TimingError>> {
    let per_call = match machine_cost(
        interp,
        &args.statements,
        &args.setup,
        args.module_level,
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
pub fn machine_cost(
    interp: &Interpreter,
    statements: &[String],
    setup: &str,
    module_level: bool,
    calls: u64,
    i: usize,
    limits: &Limits,
) -> Result<Result<PerCall, TimingError>> {
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
        let worker = match crate::time::split_failure(run)? {
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
    args: &CostOptions,
    i: usize,
    limits: &Limits,
) -> Result<Option<f64>> {
    if !interp.version.profile().settrace_opcode_events {
        return Ok(None);
    }
    let counting = crate::trace::default_counting(interp.version);
    let dir = tempfile::tempdir().context("temporary folder")?;
    let program = timeit_program(interp, &args.statements[i], &args.setup, args.module_level)?;
    let mut totals = Vec::new();
    for calls in [args.calls, 2 * args.calls] {
        let source = program(calls);
        let path = dir.path().join(format!("timed_{calls}.py"));
        std::fs::write(&path, &source).context("writing the timed program")?;
        let module = crate::source::compile_module(interp, &path)?;
        let module = module
            .as_code()
            .context("the compiled program is not a code object")?;
        let timed = Program::Code(source);
        let counted = crate::trace::count_run(
            interp,
            module,
            &timed,
            limits,
            counting,
            true,
            &crate::progress::NoProgress,
        )?;
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

/// Prints the interpreter's own `timeit.template` filled with a statement (argv 1) and its
/// setup (argv 2): the timed function `inner(_it, _timer)` as timeit compiles it.
const TIMEIT_TEMPLATE: &str = include_str!("helper/timeit_template.py");

/// A maker of programs that run `stmt` a given number of times as timeit would: the
/// interpreter's own `timeit.template` (it differs between versions; asked for once), or a
/// module-level loop.
fn timeit_program(
    interp: &Interpreter,
    stmt: &str,
    setup: &str,
    module_level: bool,
) -> Result<Box<dyn Fn(u64) -> String>> {
    // The two programs below are templates filled per run (the statement's lines, the number
    // of calls), so they stay `format!`s rather than helper files.
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
        .arg(TIMEIT_TEMPLATE)
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

/// Per C function, statement a's self instructions per call minus b's, largest first.
pub fn function_diff(a: &Cost, b: &Cost) -> Vec<(String, f64)> {
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

/// The `flypy.cost/1` document (docs/json.md). Printed through `serde_json::to_value`, whose
/// maps keep their keys sorted, as the hand-built document had them.
#[derive(Serialize)]
pub struct CostDoc<'a> {
    pub schema: &'static str,
    pub python: &'a str,
    pub method: String,
    /// Why C functions show as addresses, when they do.
    pub symbols: Option<&'a str>,
    pub statements: Vec<StatementCost<'a>>,
    /// Kept for readers of the first schema: #1 − #2, as `diffs_from_first` has it.
    pub diff_1_minus_2: Option<Vec<FunctionDelta>>,
    pub diffs_from_first: Vec<CostDiff>,
    /// What the costed runs ran with (interpreter, options, `PYTHON*` variables).
    pub run_env: flypy_probe::run::RunEnv,
}

/// One statement of [`CostDoc`].
#[derive(Serialize)]
pub struct StatementCost<'a> {
    pub statement: &'a str,
    pub instructions_per_call: f64,
    pub bytecode_per_call: Option<f64>,
    pub per_call: &'a PerCall,
}

/// Statement 1's cost per call minus another's.
#[derive(Serialize)]
pub struct CostDiff {
    pub minuend: usize,
    pub subtrahend: usize,
    pub instructions_per_call: f64,
    pub by_function: Vec<FunctionDelta>,
}

/// One C function's self instructions per call, statement 1's minus the other's.
#[derive(Clone, Serialize)]
pub struct FunctionDelta {
    pub function: String,
    pub self_per_call: f64,
}

/// The [`CostDoc`] of costed statements.
pub fn document<'a>(
    costs: &'a [Cost],
    interp: &'a Interpreter,
    args: &CostOptions,
    symbols: Option<&'a str>,
) -> CostDoc<'a> {
    let statements = costs
        .iter()
        .map(|c| StatementCost {
            statement: &c.statement,
            instructions_per_call: c.instructions,
            bytecode_per_call: c.bytecode,
            per_call: &c.per_call,
        })
        .collect();
    let diffs: Vec<CostDiff> = costs
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, b)| CostDiff {
            minuend: 1,
            subtrahend: k + 1,
            instructions_per_call: costs[0].instructions - b.instructions,
            by_function: function_diff(&costs[0], b)
                .into_iter()
                .map(|(function, self_per_call)| FunctionDelta {
                    function,
                    self_per_call,
                })
                .collect(),
        })
        .collect();
    CostDoc {
        schema: "flypy.cost/1",
        python: &interp.full_version,
        method: format!(
            "valgrind callgrind; ({} calls − {} calls) / {}, statements compiled as timeit does",
            2 * args.calls,
            args.calls,
            args.calls
        ),
        symbols,
        statements,
        diff_1_minus_2: diffs.first().map(|d| d.by_function.clone()),
        diffs_from_first: diffs,
        run_env: flypy_probe::run::run_env(interp),
    }
}
