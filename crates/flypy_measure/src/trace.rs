//! Counting executed bytecode: a program run under the interpreter's own hooks
//! (`sys.settrace` opcode events, `sys.monitoring` instruction or control-flow events), every
//! instruction's count derived where only control flow was counted, corrected where settrace
//! reports on the wrong instruction, and joined with flypy's disassembly into listings.

use std::collections::BTreeMap;

use flypy_bytecode::cfg_graph::{self, CodeGraph};
use flypy_bytecode::dis::instructions;
use flypy_bytecode::flow;
use flypy_bytecode::instruction::Positions;
use flypy_marshal::{Code, Object, PyVersion};
use flypy_probe::run::{
    run_counted, run_counted_planned, CodeCounts, CodeEdges, Counting, Ending, Limits, Program,
    RunOutcome,
};
use flypy_probe::Interpreter;
use serde::Serialize;

use crate::error::{bail, Context, Error, Result};
use crate::note::noteln;
use crate::progress::{Event, Progress};
use crate::quickened::quickened_tree;

/// One instruction of the listing with its count.
pub struct Row {
    pub line: Option<u32>,
    pub offset: u32,
    pub opname: &'static str,
    pub arg: Option<u32>,
    pub argrepr: String,
    /// `None` for an instruction the hooks cannot observe (see [`prologue`]).
    pub count: Option<u64>,
    /// With `--adaptive`: the specialized instruction the run left here, when it is not the
    /// instruction as compiled.
    pub specialized: Option<&'static str>,
    /// Its source span (columns too on 3.11+), for views that mark it in the source.
    pub positions: Positions,
    /// For a jump, the offset it jumps to.
    pub jump_target: Option<u32>,
}

/// One code object of the program with its counted instructions.
pub struct Listing {
    pub qualname: String,
    pub firstlineno: u32,
    pub rows: Vec<Row>,
    /// Its control-flow graph with the rows' counts, or why flypy could not make it.
    pub graph: Result<CodeGraph, String>,
}

impl Listing {
    /// Executions of all its instructions that were seen.
    pub fn total(&self) -> u64 {
        self.rows.iter().filter_map(|r| r.count).sum()
    }
}

/// What to run and how to count it.
pub struct TraceOptions {
    /// A script with its arguments, or program text (`-c`); a module is not traced.
    pub program: Program,
    pub counting: Counting,
    /// Whether derived counts that cannot be had are an error (edges asked for by name)
    /// rather than a reason to count every instruction in a second run.
    pub strict: bool,
    pub limits: Limits,
}

/// A traced program: its code, every instruction's count, and how the run went.
pub struct Traced {
    /// The module as flypy compiled it, for [`specialized`].
    pub module: std::sync::Arc<Code>,
    /// The program's source as it was compiled (undecodable bytes as U+FFFD), for views that
    /// show it beside the listing.
    pub source: String,
    pub listings: Vec<Listing>,
    pub outcome: RunOutcome,
    /// How the instructions were counted in the end.
    pub counting: Counting,
    /// Why derived counts could not be had, when a second run counted every instruction.
    pub fallback: Option<String>,
    /// False when the program took the counting helper down with it: every count is unknown
    /// (`None`), not zero.
    pub known: bool,
}

/// Compiles `opts.program` with `interp` for flypy's own disassembly, runs it counting, and
/// joins the counts with the listings.
pub fn trace(interp: &Interpreter, opts: &TraceOptions, progress: &dyn Progress) -> Result<Traced> {
    progress.report(Event::Step("compiling"));
    // The program's source, compiled by the interpreter for flypy's own disassembly.
    let dir = tempfile::tempdir().context("temporary folder")?;
    let (source_path, shown) = match &opts.program {
        Program::Code(code) => {
            let path = dir.path().join("code.py");
            std::fs::write(&path, code).context("writing the code to a temporary file")?;
            // `-c` code runs as "<string>"; flypy's listing names it so too, not its
            // temporary file.
            (path, Some("<string>"))
        }
        Program::Script { path, .. } => {
            crate::input::check_regular(path)
                .map_err(|e| Error::msg(format!("{}: {e}", path.display())))?;
            (path.clone(), None)
        }
        Program::Module { .. } => bail!("flypy traces a script or program text, not a module"),
    };
    let module = crate::source::compile_module_as(interp, &source_path, shown)?;
    let module = module
        .as_code()
        .context("the compiled module is not a code object")?;
    let source = std::fs::read(&source_path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .with_context(|| format!("reading {}", source_path.display()))?;
    let Counted {
        outcome,
        counts,
        counting,
        fallback,
    } = count_run(
        interp,
        module,
        &opts.program,
        &opts.limits,
        opts.counting,
        opts.strict,
        progress,
    )?;
    // A program that took the helper down with it left no counts: unknown, not zero.
    let known = outcome.ending.reported();
    let listings = join(module, &counts, interp.version, known)?;
    progress.report(Event::Done);
    Ok(Traced {
        module: module.clone(),
        source,
        listings,
        outcome,
        counting,
        fallback,
        known,
    })
}

/// Runs the program again without counting (instrumentation would change what specializes)
/// and marks each row with what the 3.11+ specializing interpreter turned it into; returns how
/// that run ended.
pub fn specialized(
    interp: &Interpreter,
    traced: &mut Traced,
    program: &Program,
    limits: &Limits,
) -> Result<Ending> {
    let warm = run_counted(interp, program, limits, Counting::Adaptive)?;
    specialize(
        &mut traced.listings,
        &traced.module,
        &warm.adaptive,
        interp.version,
    )?;
    Ok(warm.ending)
}

/// How a version counts by default: control-flow events on 3.12+, opcode trace events before.
pub fn default_counting(version: PyVersion) -> Counting {
    if version.profile().sys_monitoring {
        Counting::Edges
    } else {
        Counting::Settrace
    }
}

/// The counting method, as the output names it.
pub fn describe(counting: Counting) -> &'static str {
    match counting {
        Counting::Monitoring => "sys.monitoring INSTRUCTION events",
        Counting::Edges => "sys.monitoring control-flow events, derived on flypy's CFG",
        _ => "sys.settrace opcode events",
    }
}

/// A counted run and every instruction's count.
pub struct Counted {
    pub outcome: flypy_probe::run::RunOutcome,
    pub counts: Vec<CodeCounts>,
    /// How they were counted in the end.
    pub counting: Counting,
    /// Why derived counts could not be had, when a second run counted every instruction.
    pub fallback: Option<String>,
}

/// Runs `program` counting as `counting` says. With control-flow events every instruction's
/// count is derived; when the events cannot be explained that is an error if `strict`, else a
/// second run counts every instruction and `fallback` says why.
pub fn count_run(
    interp: &flypy_probe::Interpreter,
    module: &Code,
    program: &Program,
    limits: &Limits,
    counting: Counting,
    strict: bool,
    progress: &dyn Progress,
) -> Result<Counted> {
    progress.report(Event::Step("running the program, counting"));
    let plan = (counting == Counting::Edges)
        .then(|| edge_plan(module, interp.version))
        .transpose()?;
    let outcome = run_counted_planned(interp, program, limits, counting, plan.as_deref())?;
    if let Some(why) = &outcome.python_callbacks {
        // Once: a dive counts many runs, and the reason is the interpreter's.
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            noteln!(
                "flypy: note: counting with Python callbacks, not flypy's C ones ({why}): \
                 the same counts, a slower run"
            );
        });
    }
    if let Some(why) = outcome.incomplete.as_ref().filter(|_| strict) {
        bail!("the counts are incomplete: {why}");
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
        Some(why) => Err(Error::msg(format!(
            "the control-flow events are incomplete: {why}"
        ))),
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
            progress.report(Event::Step(
                "running the program again, counting every instruction",
            ));
            let outcome = run_counted(interp, program, limits, Counting::Monitoring)?;
            let counts = outcome.counts.clone();
            Ok(Counted {
                outcome,
                counts,
                counting: Counting::Monitoring,
                fallback: Some(crate::error::chain(&e)),
            })
        }
    }
}

/// Each code object's counts as `sys.settrace` reports them, made counts of what ran
/// (`flypy_bytecode::hooks::settrace_counts`: 3.7–3.11 put an EXTENDED_ARG-prefixed
/// instruction's events on its prefix).
fn after_extended_args(module: &Code, counts: &mut [CodeCounts], version: PyVersion) -> Result<()> {
    let codes = module.preorder();
    for c in counts.iter_mut() {
        if let Some(code) = c.index.and_then(|i| codes.get(i)) {
            c.counts = flypy_bytecode::hooks::settrace_counts(code, version, &c.counts)?;
        }
    }
    Ok(())
}

/// Which control-flow events the helper keeps in each code object of the program
/// (`flypy_bytecode::flow::plan`), as JSON for `run_counted_planned`: an object of plans by the
/// code object's pre-order index.
fn edge_plan(module: &Code, version: PyVersion) -> Result<String> {
    let mut plans: BTreeMap<String, flow::Plan> = BTreeMap::new();
    for (i, code) in module.preorder().into_iter().enumerate() {
        let p = flow::plan_code(code, version).with_context(|| {
            format!(
                "choosing the events to count in {} (line {})",
                text_of(&code.name),
                code.firstlineno
            )
        })?;
        plans.insert(i.to_string(), p);
    }
    serde_json::to_string(&plans).context("writing the plan of events")
}

/// Every instruction's count, derived from the control-flow events counted in each code
/// object of the program (`flypy_bytecode::flow`).
pub fn derived_counts(
    module: &Code,
    edges: &[CodeEdges],
    version: PyVersion,
) -> Result<Vec<CodeCounts>> {
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

pub fn text_of(o: &Object) -> String {
    o.as_text().map(|t| t.into_owned()).unwrap_or_default()
}

/// Every code object of the program with each instruction's count (0 for those that never
/// ran; all unknown, `None`, when not `known`: a program that took the counting helper down
/// with it left none), and its control-flow graph with those counts: blocks counted exactly,
/// edges where flow conservation determines them (`flypy_bytecode::cfg_graph`), made from the
/// same disassembly as the rows. The counts name their code object by its pre-order index,
/// checked by name and line.
pub fn join(
    module: &Code,
    counts: &[CodeCounts],
    version: PyVersion,
    known: bool,
) -> Result<Vec<Listing>> {
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
        let instrs = instructions(code, version)?;
        let mut rows: Vec<Row> = instrs
            .iter()
            .map(|ins| Row {
                line: ins.line,
                offset: ins.offset,
                opname: ins.opname,
                arg: ins.arg,
                count: Some(counted.get(&ins.offset).copied().unwrap_or(0)),
                argrepr: ins.argrepr.clone(),
                specialized: None,
                positions: ins.positions,
                jump_target: ins.jump_target,
            })
            .collect();
        prologue(&mut rows, code.flags);
        if !known {
            for r in &mut rows {
                r.count = None;
            }
        }
        let row_counts: Vec<Option<u64>> = rows.iter().map(|r| r.count).collect();
        // A graph flypy cannot make is said in the listing, not an error of the run.
        let graph = flypy_bytecode::exception_table::parse(&code.exceptiontable)
            .map_err(|e| format!("its exception table: {e}"))
            .and_then(|table| {
                cfg_graph::graph(&instrs, &table, version, &row_counts).map_err(|e| e.to_string())
            });
        let qualname = code
            .qualname
            .as_ref()
            .map(text_of)
            .unwrap_or_else(|| text_of(&code.name));
        listings.push(Listing {
            qualname,
            firstlineno: code.firstlineno,
            rows,
            graph,
        });
    }
    Ok(listings)
}

/// Marks each row with the specialized instruction the run left at its offset (the quickened
/// bytecode keeps every instruction's offset and size).
pub fn specialize(
    listings: &mut [Listing],
    module: &Code,
    adaptive: &[flypy_probe::run::AdaptiveCode],
    version: PyVersion,
) -> Result<()> {
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

/// Executions per opcode, most first.
pub type ByOpcode = Vec<(&'static str, u64)>;
/// Executions per source line, in line order.
pub type ByLine = Vec<(u32, u64)>;

/// Executions per opcode and per source line, zeros left out.
pub fn totals(listings: &[Listing]) -> (ByOpcode, ByLine) {
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

/// The `flypy.trace/1` document (docs/json.md). Printed through `serde_json::to_value`, whose
/// maps keep their keys sorted, as the hand-built document had them.
#[derive(Serialize)]
pub struct TraceDoc<'a> {
    pub schema: &'static str,
    pub python: &'a str,
    pub method: &'static str,
    /// Whether the counting callbacks were Python functions or flypy's C ones.
    pub callbacks: &'static str,
    pub ending: String,
    pub succeeded: bool,
    pub stdout: std::borrow::Cow<'a, str>,
    pub stdout_bytes: u64,
    pub stderr: std::borrow::Cow<'a, str>,
    pub stderr_bytes: u64,
    /// The program's source as it was compiled (undecodable bytes as U+FFFD), for views that
    /// show it beside the listings.
    pub source: &'a str,
    pub counts_known: bool,
    pub incomplete: Option<&'a str>,
    /// Unknown counts are null, never 0.
    pub executed: Option<u64>,
    pub code: Vec<CodeDoc<'a>>,
    pub by_opcode: Vec<OpcodeCount>,
    pub by_line: Vec<LineCount>,
    /// What the counted run ran with (interpreter, options, `PYTHON*` variables).
    pub run_env: flypy_probe::run::RunEnv,
}

/// One code object of [`TraceDoc`].
#[derive(Serialize)]
pub struct CodeDoc<'a> {
    pub qualname: &'a str,
    pub firstlineno: u32,
    pub executed: Option<u64>,
    pub instructions: Vec<InstructionDoc<'a>>,
    /// Its basic blocks and the edges between them (indices into `instructions` and
    /// `blocks`); absent when flypy could not make the graph, and `graph_error` says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<&'a [cfg_graph::Block]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub edges: Option<&'a [cfg_graph::Edge]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_error: Option<&'a str>,
}

/// One instruction of [`CodeDoc`] with its count.
#[derive(Serialize)]
pub struct InstructionDoc<'a> {
    pub offset: u32,
    pub opname: &'static str,
    pub arg: Option<u32>,
    pub argrepr: &'a str,
    pub line: Option<u32>,
    pub count: Option<u64>,
    pub specialized: Option<&'static str>,
    pub positions: Positions,
    pub jump_target: Option<u32>,
}

/// Executions of one opcode.
#[derive(Serialize)]
pub struct OpcodeCount {
    pub opname: &'static str,
    pub count: u64,
}

/// Executions of one source line.
#[derive(Serialize)]
pub struct LineCount {
    pub line: u32,
    pub count: u64,
}

/// The [`TraceDoc`] of a counted run.
pub fn document<'a>(
    listings: &'a [Listing],
    source: &'a str,
    interp: &'a flypy_probe::Interpreter,
    counting: Counting,
    outcome: &'a flypy_probe::run::RunOutcome,
    known: bool,
) -> TraceDoc<'a> {
    // Unknown counts are null, never 0.
    let executed = |n: u64| known.then_some(n);
    let (ops, lines) = totals(listings);
    let code = listings
        .iter()
        .map(|l| CodeDoc {
            qualname: &l.qualname,
            firstlineno: l.firstlineno,
            executed: executed(l.total()),
            blocks: l.graph.as_ref().ok().map(|g| &g.blocks[..]),
            edges: l.graph.as_ref().ok().map(|g| &g.edges[..]),
            graph_error: l.graph.as_ref().err().map(String::as_str),
            instructions: l
                .rows
                .iter()
                .map(|r| InstructionDoc {
                    offset: r.offset,
                    opname: r.opname,
                    arg: r.arg,
                    argrepr: &r.argrepr,
                    line: r.line,
                    count: r.count,
                    specialized: r.specialized,
                    positions: r.positions,
                    jump_target: r.jump_target,
                })
                .collect(),
        })
        .collect();
    TraceDoc {
        schema: "flypy.trace/1",
        python: &interp.full_version,
        method: describe(counting),
        // settrace's tracer is a Python function whatever counts behind it.
        callbacks: if counting == Counting::Settrace || outcome.python_callbacks.is_some() {
            "Python"
        } else {
            "C"
        },
        ending: outcome.ending.describe(),
        succeeded: outcome.ending.is_success(),
        stdout: String::from_utf8_lossy(&outcome.stdout.kept),
        stdout_bytes: outcome.stdout.total,
        stderr: String::from_utf8_lossy(&outcome.stderr.kept),
        stderr_bytes: outcome.stderr.total,
        source,
        counts_known: known,
        incomplete: outcome.incomplete.as_deref(),
        executed: executed(listings.iter().map(Listing::total).sum::<u64>()),
        code,
        by_opcode: ops
            .into_iter()
            .map(|(opname, count)| OpcodeCount { opname, count })
            .collect(),
        by_line: lines
            .into_iter()
            .map(|(line, count)| LineCount { line, count })
            .collect(),
        run_env: flypy_probe::run::run_env(interp),
    }
}
