//! `flypy trace (SCRIPT [ARGS] | -c CODE)`: how many times each instruction of the program's
//! own code ran, joined with flypy's disassembly of the same source; totals per opcode and
//! per source line.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use flypy_bytecode::dis::instructions;
use flypy_bytecode::flow;
use flypy_marshal::{Code, Object, PyVersion};
use flypy_probe::run::{
    run_counted, run_counted_planned, CodeCounts, CodeEdges, Counting, Ending, Limits, Program,
};
use serde_json::json;

use super::quickened::quickened_tree;
use super::ReportFormat as Format;
use super::EXIT_USER_CODE;
use crate::output;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// `sys.settrace` opcode events (3.7+).
    Settrace,
    /// `sys.monitoring` INSTRUCTION events (3.12+).
    Monitoring,
    /// `sys.monitoring` control-flow events only, every instruction's count derived from
    /// them on flypy's control-flow graph (3.12+; the fastest).
    Edges,
}

#[derive(clap::Args)]
pub struct Args {
    /// Interpreter to run under: a path, a command, or a version such as 3.12.
    #[arg(long)]
    python: Option<String>,
    /// How to count (default: edges on 3.12+, settrace before).
    #[arg(long, value_enum)]
    method: Option<Method>,
    /// Stop the program after this many seconds.
    #[arg(long, default_value_t = 60.0, value_parser = super::seconds)]
    timeout: f64,
    /// Address-space limit of the program, in MiB.
    #[arg(long)]
    memory_mib: Option<u64>,
    /// Also show what the 3.11+ specializing interpreter turned each instruction into, from a
    /// second run without counting (instrumentation would change what specializes).
    #[arg(long)]
    adaptive: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    html: super::HtmlOutput,
    /// Program text to run instead of a script.
    #[arg(short = 'c', conflicts_with = "script")]
    code: Option<String>,
    /// The script and its arguments (paths and arguments need not be UTF-8).
    #[arg(required_unless_present = "code", trailing_var_arg = true)]
    script: Vec<std::ffi::OsString>,
}

/// One instruction of the listing with its count.
pub(crate) struct Row {
    pub(crate) line: Option<u32>,
    pub(crate) offset: u32,
    pub(crate) opname: &'static str,
    pub(crate) arg: Option<u32>,
    pub(crate) argrepr: String,
    /// `None` for an instruction the hooks cannot observe (see [`prologue`]).
    pub(crate) count: Option<u64>,
    /// With `--adaptive`: the specialized instruction the run left here, when it is not the
    /// instruction as compiled.
    pub(crate) specialized: Option<&'static str>,
}

/// One code object of the program with its counted instructions.
pub(crate) struct Listing {
    pub(crate) qualname: String,
    pub(crate) firstlineno: u32,
    pub(crate) rows: Vec<Row>,
}

impl Listing {
    fn total(&self) -> u64 {
        self.rows.iter().filter_map(|r| r.count).sum()
    }
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let interp = flypy_probe::resolve(args.python.as_deref())?;
    let version = interp.version;
    let counting = match args.method {
        Some(Method::Settrace) => Counting::Settrace,
        Some(Method::Monitoring) => Counting::Monitoring,
        Some(Method::Edges) => Counting::Edges,
        None => default_counting(version),
    };
    // The program's source, compiled by the interpreter for flypy's own disassembly.
    let dir = tempfile::tempdir().context("temporary folder")?;
    let (program, source_path) = match &args.code {
        Some(code) => {
            let path = dir.path().join("code.py");
            std::fs::write(&path, code).context("writing the code to a temporary file")?;
            (Program::Code(code.clone()), path)
        }
        None => {
            let (script, rest) = args
                .script
                .split_first()
                .context("a script or -c CODE is needed")?;
            let path = PathBuf::from(script);
            crate::input::check_regular(&path)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let program = Program::Script {
                path: path.clone(),
                args: rest.to_vec(),
            };
            (program, path)
        }
    };
    // `-c` code runs as "<string>"; flypy's listing names it so too, not its temporary file.
    let shown = args.code.as_ref().map(|_| "<string>");
    let module = super::dis::compile_module_as(&interp, &source_path, shown)?;
    let module = module
        .as_code()
        .context("the compiled module is not a code object")?;
    let timeout = Duration::try_from_secs_f64(args.timeout).context("--timeout")?;
    let limits = Limits {
        timeout,
        memory: args.memory_mib.map(|m| m.saturating_mul(1 << 20)),
        ..Limits::default()
    };
    // Asked for edges: say why they failed. By default: count every instruction.
    let strict = args.method == Some(Method::Edges);
    let Counted {
        outcome,
        counts,
        counting,
        fallback,
    } = count_run(&interp, module, &program, &limits, counting, strict)?;
    if let Some(why) = fallback {
        crate::noteln!(
            "flypy: note: {why}\nflypy: note: counting every instruction instead, in a second run"
        );
    }
    let mut listings = join(module, &counts, version)?;
    // A program that took the helper down with it left no counts: unknown, not zero.
    let known = outcome.ending.reported();
    if let Some(why) = &outcome.incomplete {
        crate::noteln!(
            "flypy: warning: the counts are incomplete, lower bounds: {why} (from then on, \
             what ran was not all counted)"
        );
    }
    if !known {
        for r in listings.iter_mut().flat_map(|l| l.rows.iter_mut()) {
            r.count = None;
        }
    }
    if args.adaptive {
        let warm = run_counted(&interp, &program, &limits, Counting::Adaptive)?;
        if warm.ending != outcome.ending {
            crate::noteln!(
                "flypy: note: the run for the specialized view {} (the counted run {})",
                warm.ending.describe(),
                outcome.ending.describe()
            );
        }
        specialize(&mut listings, module, &warm.adaptive, version)?;
    }
    let method = describe(counting);
    let text = match args.format {
        Format::Text => text(&listings, &interp.full_version, method, &outcome.ending),
        Format::Json | Format::Html => {
            let mut doc = json_doc(&listings, &interp, counting, &outcome, known);
            // The HTML report's additive fields: source, positions, blocks and edges.
            let source = String::from_utf8_lossy(&std::fs::read(&source_path)?).into_owned();
            flypy_report::additions::trace(&mut doc, module, version, &source)?;
            if args.format == Format::Html {
                output::html("trace", &doc, args.html.output.as_deref())?;
                String::new()
            } else {
                format!("{}\n", serde_json::to_string(&doc)?)
            }
        }
    };
    if args.format == Format::Text {
        // The program's own output first, as it would have appeared.
        pass_through(&mut std::io::stderr().lock(), &outcome.stderr, "stderr")?;
        pass_through(&mut std::io::stdout().lock(), &outcome.stdout, "stdout")?;
    }
    output::print(&text)?;
    if outcome.ending.is_success() {
        Ok(ExitCode::SUCCESS)
    } else {
        crate::noteln!("flypy: the program {}", outcome.ending.describe());
        if let Ending::Exception { traceback, .. } = &outcome.ending {
            crate::note!("{traceback}");
        }
        Ok(ExitCode::from(EXIT_USER_CODE))
    }
}

/// How a version counts by default: control-flow events on 3.12+, opcode trace events before.
pub(crate) fn default_counting(version: PyVersion) -> Counting {
    if version.at_least(3, 12) {
        Counting::Edges
    } else {
        Counting::Settrace
    }
}

/// The counting method, as the output names it.
pub(crate) fn describe(counting: Counting) -> &'static str {
    match counting {
        Counting::Monitoring => "sys.monitoring INSTRUCTION events",
        Counting::Edges => "sys.monitoring control-flow events, derived on flypy's CFG",
        _ => "sys.settrace opcode events",
    }
}

/// A counted run and every instruction's count.
pub(crate) struct Counted {
    pub(crate) outcome: flypy_probe::run::RunOutcome,
    pub(crate) counts: Vec<CodeCounts>,
    /// How they were counted in the end.
    pub(crate) counting: Counting,
    /// Why derived counts could not be had, when a second run counted every instruction.
    pub(crate) fallback: Option<String>,
}

/// Runs `program` counting as `counting` says. With control-flow events every instruction's
/// count is derived; when the events cannot be explained that is an error if `strict`, else a
/// second run counts every instruction and `fallback` says why.
pub(crate) fn count_run(
    interp: &flypy_probe::Interpreter,
    module: &Code,
    program: &Program,
    limits: &Limits,
    counting: Counting,
    strict: bool,
) -> anyhow::Result<Counted> {
    let plan = (counting == Counting::Edges)
        .then(|| edge_plan(module, interp.version))
        .transpose()?;
    let outcome = run_counted_planned(interp, program, limits, counting, plan.as_deref())?;
    if let Some(why) = &outcome.python_callbacks {
        // Once: a dive counts many runs, and the reason is the interpreter's.
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            crate::noteln!(
                "flypy: note: counting with Python callbacks, not flypy's C ones ({why}): \
                 the same counts, a slower run"
            );
        });
    }
    if let Some(why) = outcome.incomplete.as_ref().filter(|_| strict) {
        anyhow::bail!("the counts are incomplete: {why}");
    }
    if counting != Counting::Edges {
        let mut counts = outcome.counts.clone();
        if counting == Counting::Settrace {
            after_extended_args(module, &mut counts, interp.version)?;
        }
        return Ok(Counted {
            outcome,
            counts,
            counting,
            fallback: None,
        });
    }
    // Events that stopped part-way would derive wrong counts, not fewer: count every
    // instruction instead (that run says what it missed).
    let derived = match &outcome.incomplete {
        Some(why) => Err(anyhow::anyhow!(
            "the control-flow events are incomplete: {why}"
        )),
        None => derived_counts(module, &outcome.edges, interp.version),
    };
    match derived {
        Ok(counts) => Ok(Counted {
            outcome,
            counts,
            counting,
            fallback: None,
        }),
        Err(e) if strict => Err(e),
        Err(e) => {
            let outcome = run_counted(interp, program, limits, Counting::Monitoring)?;
            let counts = outcome.counts.clone();
            Ok(Counted {
                outcome,
                counts,
                counting: Counting::Monitoring,
                fallback: Some(format!("{e:#}")),
            })
        }
    }
}

/// Each code object's counts as `sys.settrace` reports them, made counts of what ran
/// (`flypy_bytecode::hooks::settrace_counts`: 3.7–3.11 put an EXTENDED_ARG-prefixed
/// instruction's events on its prefix).
fn after_extended_args(
    module: &Code,
    counts: &mut [CodeCounts],
    version: PyVersion,
) -> anyhow::Result<()> {
    let codes = module.preorder();
    for c in counts.iter_mut() {
        if let Some(code) = c.index.and_then(|i| codes.get(i)) {
            c.counts = flypy_bytecode::hooks::settrace_counts(code, version, &c.counts)?;
        }
    }
    Ok(())
}

/// Which control-flow events the helper keeps in each code object of the program
/// (`flypy_bytecode::flow::plan`), as JSON for `run_counted_planned`.
fn edge_plan(module: &Code, version: PyVersion) -> anyhow::Result<String> {
    let mut plans = serde_json::Map::new();
    for (i, code) in module.preorder().into_iter().enumerate() {
        let p = flow::plan_code(code, version).with_context(|| {
            format!(
                "choosing the events to count in {} (line {})",
                text_of(&code.name),
                code.firstlineno
            )
        })?;
        plans.insert(
            i.to_string(),
            json!({"jump": p.jump, "branch": p.branch, "exit": p.exit, "count": p.count}),
        );
    }
    Ok(serde_json::Value::Object(plans).to_string())
}

/// Every instruction's count, derived from the control-flow events counted in each code
/// object of the program (`flypy_bytecode::flow`).
pub fn derived_counts(
    module: &Code,
    edges: &[CodeEdges],
    version: PyVersion,
) -> anyhow::Result<Vec<CodeCounts>> {
    let codes = module.preorder();
    let mut out = Vec::new();
    for e in edges {
        let Some(code) = e.index.and_then(|i| codes.get(i)) else {
            continue;
        };
        let events = flow::events_by_name(e.events.iter().map(|(k, o, n)| (k.as_str(), *o, *n)))?;
        let counts = flow::derive_code_counts(code, version, &events).with_context(|| {
            format!(
                "deriving the counts of {} (line {}) from its control-flow events",
                e.qualname.as_deref().unwrap_or(&e.name),
                e.firstlineno
            )
        })?;
        out.push(CodeCounts {
            index: e.index,
            filename: e.filename.clone(),
            name: e.name.clone(),
            qualname: e.qualname.clone(),
            firstlineno: e.firstlineno,
            counts,
        });
    }
    Ok(out)
}

/// Writes what was kept of one of the program's streams, and how much more there was.
fn pass_through(
    w: &mut impl std::io::Write,
    c: &flypy_probe::run::Captured,
    name: &str,
) -> std::io::Result<()> {
    w.write_all(&c.kept)?;
    if c.truncated() {
        let more = c.total - c.kept.len() as u64;
        writeln!(w, "[flypy: {name}: {more} more bytes not shown]")?;
    }
    if c.held_open {
        writeln!(
            w,
            "[flypy: {name}: still held open {:.0} s after the program ended (by a process it started in a session of its own, which flypy cannot stop); not read further]",
            flypy_probe::run::HELD_OPEN_GRACE.as_secs_f64()
        )?;
    }
    w.flush()
}

pub(crate) fn text_of(o: &Object) -> String {
    o.as_text().map(|t| t.into_owned()).unwrap_or_default()
}

/// Every code object of the program with each instruction's count (0 for those that never
/// ran); the counts name their code object by its pre-order index, checked by name and line.
pub(crate) fn join(
    module: &Code,
    counts: &[CodeCounts],
    version: PyVersion,
) -> anyhow::Result<Vec<Listing>> {
    let codes = module.preorder();
    let mut by_index: BTreeMap<usize, &CodeCounts> = BTreeMap::new();
    for c in counts {
        let Some(i) = c.index else { continue };
        let code = codes.get(i).with_context(|| {
            format!("counts for code object {i}, which the source does not have")
        })?;
        if text_of(&code.name) != c.name || code.firstlineno != c.firstlineno {
            bail!(
                "the counted code object {} (line {}) is not flypy's {} (line {}): the source changed while it ran?",
                c.name,
                c.firstlineno,
                text_of(&code.name),
                code.firstlineno
            );
        }
        by_index.insert(i, c);
    }
    let mut listings = Vec::new();
    for (i, code) in codes.iter().enumerate() {
        let counted: BTreeMap<u32, u64> = by_index
            .get(&i)
            .map(|c| c.counts.iter().copied().collect())
            .unwrap_or_default();
        let mut rows: Vec<Row> = instructions(code, version)?
            .into_iter()
            .map(|ins| Row {
                line: ins.line,
                offset: ins.offset,
                opname: ins.opname,
                arg: ins.arg,
                count: Some(counted.get(&ins.offset).copied().unwrap_or(0)),
                argrepr: ins.argrepr,
                specialized: None,
            })
            .collect();
        prologue(&mut rows, code.flags);
        let qualname = code
            .qualname
            .as_ref()
            .map(text_of)
            .unwrap_or_else(|| text_of(&code.name));
        listings.push(Listing {
            qualname,
            firstlineno: code.firstlineno,
            rows,
        });
    }
    Ok(listings)
}

/// Marks each row with the specialized instruction the run left at its offset (the quickened
/// bytecode keeps every instruction's offset and size).
pub(crate) fn specialize(
    listings: &mut [Listing],
    module: &Code,
    adaptive: &[flypy_probe::run::AdaptiveCode],
    version: PyVersion,
) -> anyhow::Result<()> {
    let quick = quickened_tree(module, adaptive)?;
    for (code, listing) in quick.preorder().into_iter().zip(listings.iter_mut()) {
        let names: BTreeMap<u32, &'static str> = instructions(code, version)?
            .into_iter()
            .map(|i| (i.offset, i.opname))
            .collect();
        for r in &mut listing.rows {
            r.specialized = names.get(&r.offset).copied().filter(|n| *n != r.opname);
        }
    }
    Ok(())
}

/// CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR.
const GENERATOR_FLAGS: u32 = 0x20 | 0x80 | 0x200;

/// 3.11+: the instructions before the RESUME that starts a call (MAKE_CELL, COPY_FREE_VARS,
/// RETURN_GENERATOR, POP_TOP) run before tracing can see the frame. In a plain function they
/// run straight through once per call, as often as that RESUME; in a generator or coroutine
/// some run when it is created and some when it first starts, which no hook reports: those
/// are shown as not observed rather than as a guess.
fn prologue(rows: &mut [Row], flags: u32) {
    let Some(start) = flypy_bytecode::flow::start_resume(rows.iter().map(|r| (r.opname, r.arg)))
    else {
        return;
    };
    let calls = rows.get(start).and_then(|r| r.count);
    for r in rows.iter_mut().take(start).filter(|r| r.count == Some(0)) {
        r.count = if flags & GENERATOR_FLAGS != 0 {
            None
        } else {
            calls
        };
    }
}

/// A heat marker: eighths of a block by the count's share of the hottest instruction's.
fn heat(count: u64, max: u64) -> &'static str {
    const BARS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    if count == 0 || max == 0 {
        return BARS[0];
    }
    let eighths = (count.saturating_mul(8)).div_ceil(max).clamp(1, 8);
    BARS[eighths as usize]
}

fn text(listings: &[Listing], full_version: &str, method: &str, ending: &Ending) -> String {
    let mut t = String::new();
    let total: u64 = listings.iter().map(Listing::total).sum();
    let max = listings
        .iter()
        .flat_map(|l| l.rows.iter().filter_map(|r| r.count))
        .max()
        .unwrap_or(0);
    if !ending.reported() {
        let _ = writeln!(
            t,
            "Executed instructions: unknown (CPython {full_version}, counted with {method}; the program {}, and its counts were lost with it)",
            ending.describe()
        );
    } else {
        let _ = writeln!(
            t,
            "Executed instructions: {total} (CPython {full_version}, counted with {method}; the program {})",
            ending.describe()
        );
    }
    let mut order: Vec<&Listing> = listings.iter().collect();
    order.sort_by(|a, b| {
        b.total()
            .cmp(&a.total())
            .then(a.firstlineno.cmp(&b.firstlineno))
    });
    for l in order {
        let executed = if ending.reported() {
            format!("{} executed", l.total())
        } else {
            "counts unknown".to_owned()
        };
        let _ = writeln!(t, "\n{} (line {}): {executed}", l.qualname, l.firstlineno);
        let _ = writeln!(
            t,
            "{:>12}   {:>5} {:>6}  instruction",
            "count", "line", "offset"
        );
        for r in &l.rows {
            let line = r.line.map(|n| n.to_string()).unwrap_or_default();
            let arg = r.arg.map(|a| a.to_string()).unwrap_or_default();
            let repr = if r.argrepr.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.argrepr)
            };
            let count = match r.count {
                Some(c) => c.to_string(),
                None if ending.reported() => "not seen".to_owned(),
                None => "unknown".to_owned(),
            };
            let special = r
                .specialized
                .map(|s| format!("  -> {s}"))
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "{:>12} {} {:>5} {:>6}  {:<24}{:>5}{}{}",
                count,
                heat(r.count.unwrap_or(0), max),
                line,
                r.offset,
                r.opname,
                arg,
                repr,
                special
            );
        }
    }
    if !ending.reported() {
        return t;
    }
    let (ops, lines) = totals(listings);
    let _ = writeln!(t, "\nBy opcode:");
    for (name, n) in ops {
        let _ = writeln!(t, "{n:>12}  {name}");
    }
    let _ = writeln!(t, "\nBy source line:");
    for (line, n) in lines {
        let _ = writeln!(t, "{n:>12}  line {line}");
    }
    t
}

/// Executions per opcode, most first.
type ByOpcode = Vec<(&'static str, u64)>;
/// Executions per source line, in line order.
type ByLine = Vec<(u32, u64)>;

/// Executions per opcode and per source line, zeros left out.
fn totals(listings: &[Listing]) -> (ByOpcode, ByLine) {
    let mut ops: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut lines: BTreeMap<u32, u64> = BTreeMap::new();
    for r in listings.iter().flat_map(|l| &l.rows) {
        let Some(n) = r.count.filter(|&n| n > 0) else {
            continue;
        };
        *ops.entry(r.opname).or_default() += n;
        if let Some(line) = r.line {
            *lines.entry(line).or_default() += n;
        }
    }
    let mut ops: Vec<_> = ops.into_iter().collect();
    ops.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    (ops, lines.into_iter().collect())
}

fn json_doc(
    listings: &[Listing],
    interp: &flypy_probe::Interpreter,
    counting: Counting,
    outcome: &flypy_probe::run::RunOutcome,
    known: bool,
) -> serde_json::Value {
    // Unknown counts are null, never 0.
    let executed = |n: u64| known.then_some(n);
    let (ops, lines) = totals(listings);
    let code: Vec<_> = listings
        .iter()
        .map(|l| {
            json!({
                "qualname": l.qualname,
                "firstlineno": l.firstlineno,
                "executed": executed(l.total()),
                "instructions": l.rows.iter().map(|r| json!({
                    "offset": r.offset, "opname": r.opname, "arg": r.arg,
                    "argrepr": r.argrepr, "line": r.line, "count": r.count,
                    "specialized": r.specialized,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "schema": "flypy.trace/1",
        "python": interp.full_version,
        "method": describe(counting),
        // settrace's tracer is a Python function whatever counts behind it.
        "callbacks": if counting == Counting::Settrace || outcome.python_callbacks.is_some() {
            "Python"
        } else {
            "C"
        },
        "ending": outcome.ending.describe(),
        "succeeded": outcome.ending.is_success(),
        "stdout": String::from_utf8_lossy(&outcome.stdout.kept),
        "stdout_bytes": outcome.stdout.total,
        "stderr": String::from_utf8_lossy(&outcome.stderr.kept),
        "stderr_bytes": outcome.stderr.total,
        "counts_known": known,
        "incomplete": outcome.incomplete,
        "executed": executed(listings.iter().map(Listing::total).sum::<u64>()),
        "code": code,
        "by_opcode": ops.iter().map(|(n, c)| json!({"opname": n, "count": c})).collect::<Vec<_>>(),
        "by_line": lines.iter().map(|(l, c)| json!({"line": l, "count": c})).collect::<Vec<_>>(),
    })
}
