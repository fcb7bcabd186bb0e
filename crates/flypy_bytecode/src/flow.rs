//! Every instruction's execution count, derived from counts of control-flow events only
//! (3.12+ `sys.monitoring`: entries, jumps, branches, returns and yields, raises and handled
//! exceptions) on the code object's basic blocks ([`crate::cfg`]).
//!
//! Each block runs as often as control enters it, and control leaves it as often: through its
//! measured edges (a counted jump or branch, a return, a yield), through an exception raised
//! part-way (counted where it was raised), or through an edge no event reports (falling
//! through to the next block, a jump the interpreter does not instrument, a loop's way into
//! its body, which is switched off for speed). Those unmeasured edges are solved from the
//! blocks' balance, one equation at a time, the way counts are recovered from a spanning
//! tree's complement in edge profiling. An instruction then ran as often as its block was
//! entered, less the exceptions raised at the block's earlier instructions. Which events are
//! counted at all is chosen per code object before the run ([`plan`]): only the chords of a
//! maximum-weight spanning tree, so that most events (a loop's jump back, a return) are
//! switched off and derived.
//!
//! What the interpreter does that `dis` does not say is modelled per version and checked
//! against per-instruction counting by the tests: an exhausted `FOR_ITER` goes past the
//! `END_FOR` it names on 3.12 and from 3.14, and past it and the `POP_TOP` after it on 3.13;
//! from 3.14 its way out is counted (its event names a destination past `POP_ITER`, where
//! it does not land).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use flypy_marshal::{Code, PyVersion};

use crate::cfg::basic_blocks;
use crate::exception_table::ExceptionEntry;
use crate::instruction::Instruction;

/// What one kind of control-flow event counts, per byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    /// PY_START / PY_RESUME: control entered the frame at this RESUME.
    Start,
    /// PY_RETURN / PY_YIELD: control left the frame at this instruction.
    Exit,
    /// JUMP from this instruction to its target.
    Jump,
    /// BRANCH (3.12–3.13) left this conditional instruction, either way.
    Branch,
    /// BRANCH_RIGHT (3.14+) left this conditional instruction by its jump.
    Right,
    /// BRANCH_LEFT (3.14+) left this conditional instruction for the next one.
    Left,
    /// A counted branch (BRANCH, BRANCH_RIGHT) arrived at this offset.
    Arrive,
    /// RAISE with the frame's `f_lasti` here (the instruction or one of its caches): the
    /// exception leaves the straight line there.
    Raise,
    /// RAISE of a StopIteration, which `FOR_ITER` and `SEND` consume on the spot (a loop's
    /// or a delegation's end) and anything else raises like [`EventKind::Raise`].
    Stop,
    /// RERAISE at this instruction.
    Reraise,
    /// PY_THROW: `throw()` raised into the frame here; the RAISE that follows at the same
    /// place executes nothing.
    Throw,
    /// EXCEPTION_HANDLED: control entered this exception handler.
    Handled,
    /// INSTRUCTION at this offset: a counter the [`Plan`] placed (see [`Plan::count`]).
    Count,
    /// A RecursionError was raised in the run: at the recursion limit the hooks' callbacks
    /// cannot run, so events may be missing (offset 0, times 1). Nothing is derived.
    Lost,
    /// The helper followed this code object's [`Plan`] (offset 0, times 1): the events it
    /// does not keep were switched off. Without it every event was counted.
    Planned,
}

impl EventKind {
    /// The helper's name for the kind.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "start" => Self::Start,
            "exit" => Self::Exit,
            "jump" => Self::Jump,
            "branch" => Self::Branch,
            "right" => Self::Right,
            "left" => Self::Left,
            "arrive" => Self::Arrive,
            "raise" => Self::Raise,
            "stop" => Self::Stop,
            "reraise" => Self::Reraise,
            "throw" => Self::Throw,
            "handled" => Self::Handled,
            "count" => Self::Count,
            "planned" => Self::Planned,
            "lost" => Self::Lost,
            _ => return None,
        })
    }
}

/// The event counts of one code object: (kind, offset) -> times.
pub type Events = BTreeMap<(EventKind, u32), u64>;

/// [`Events`] from (kind by the helper's name, offset, times).
pub fn events_by_name<'a>(
    named: impl IntoIterator<Item = (&'a str, u32, u64)>,
) -> Result<Events, FlowError> {
    let mut events = Events::new();
    for (name, offset, times) in named {
        let kind =
            EventKind::from_name(name).ok_or_else(|| FlowError::UnknownEvent(name.to_owned()))?;
        *events.entry((kind, offset)).or_default() += times;
    }
    Ok(events)
}

#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Dis(#[from] crate::dis::DisError),
    #[error("the exception table: {0}")]
    ExceptionTable(#[from] crate::decode::DecodeError),
    #[error("the program raised RecursionError: at the recursion limit the hooks' callbacks cannot run, so events may be missing")]
    Lost,
    #[error("an event of an unknown kind {0:?}")]
    UnknownEvent(String),
    #[error("an event at offset {0}, where the code object has no instruction")]
    NoInstruction(u32),
    #[error("control arrives at offset {0}, inside a block: flypy's control-flow graph does not match this interpreter")]
    InsideBlock(u32),
    #[error("the counts of {0} block(s) cannot be derived from the events (first at offset {1})")]
    Underdetermined(usize, u32),
    #[error("the events do not balance at the block at offset {0} (derived {1} against {2}): flypy's model of this interpreter's control flow is wrong here")]
    Unbalanced(u32, i128, i128),
}

/// Ops that leave the frame: their block has no edge to another block (an exit's edge goes
/// out of the frame, see [`EXITS`]).
const LEAVES_FRAME: &[&str] = &[
    "RETURN_VALUE",
    "RETURN_CONST",
    "YIELD_VALUE",
    "RAISE_VARARGS",
    "RERAISE",
];

/// Ops that raise PY_RETURN or PY_YIELD.
const EXITS: &[&str] = &["RETURN_VALUE", "RETURN_CONST", "YIELD_VALUE"];

/// Jumps that raise a JUMP event.
const COUNTED_JUMPS: &[&str] = &["JUMP_FORWARD", "JUMP_BACKWARD"];

/// Conditional jumps that raise BRANCH events (BRANCH_LEFT/RIGHT from 3.14).
const COUNTED_BRANCHES: &[&str] = &[
    "POP_JUMP_IF_FALSE",
    "POP_JUMP_IF_TRUE",
    "POP_JUMP_IF_NONE",
    "POP_JUMP_IF_NOT_NONE",
];

/// Instructions a counter (an INSTRUCTION event) is never placed on: no INSTRUCTION event
/// reports a RESUME (measured, see docs/decisions.md), the rest are skipped or reported on
/// another instruction's behalf by some version (END_FOR, END_SEND, POP_ITER, NOT_TAKEN), are
/// not instructions of their own (EXTENDED_ARG, CACHE) or run before any hook sees the frame.
const NOT_COUNTED: &[&str] = &[
    "RESUME",
    "END_FOR",
    "END_SEND",
    "POP_ITER",
    "NOT_TAKEN",
    "EXTENDED_ARG",
    "CACHE",
    "RETURN_GENERATOR",
];

/// Jumps that always jump (the rest with a target may fall through).
fn unconditional(opname: &str) -> bool {
    opname.starts_with("JUMP") && !opname.starts_with("JUMP_IF")
}

/// Which control-flow events the helper keeps for one code object, by byte offset. It
/// switches every other one off where it first fires (`sys.monitoring.DISABLE`), and flypy
/// derives what they would have counted. Entries (PY_START, PY_RESUME) and exceptions are
/// always counted; so are a FOR_ITER's way out from 3.14 and, from 3.14, conditional jumps
/// (BRANCH_LEFT/RIGHT keep what they had before plans).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Plan {
    /// JUMP events kept at these jumps.
    pub jump: BTreeSet<u32>,
    /// BRANCH events (3.12–3.13) kept at these conditional jumps.
    pub branch: BTreeSet<u32>,
    /// PY_RETURN and PY_YIELD kept at these instructions.
    pub exit: BTreeSet<u32>,
    /// INSTRUCTION events kept at these instructions: each counts its block (less the
    /// exceptions raised before it there).
    pub count: BTreeSet<u32>,
}

impl Plan {
    /// Every jump, conditional jump and exit counted, no INSTRUCTION events: what the helper
    /// does without a plan.
    pub fn everything(instrs: &[Instruction]) -> Self {
        let at = |ops: &[&str]| -> BTreeSet<u32> {
            instrs
                .iter()
                .filter(|i| ops.contains(&i.opname))
                .map(|i| i.offset)
                .collect()
        };
        Plan {
            jump: at(COUNTED_JUMPS),
            branch: at(COUNTED_BRANCHES),
            exit: at(EXITS),
            count: BTreeSet::new(),
        }
    }
}

/// An edge between blocks whose count is solved from the blocks' balance.
struct Edge {
    from: usize,
    to: usize,
    count: Option<i128>,
}

/// What counts an edge of the graph when its event is kept: the instruction (an index) whose
/// JUMP, BRANCH or PY_RETURN/PY_YIELD would report it, or nothing (`Plain`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Via {
    Plain,
    Jump(usize),
    Branch(usize),
    Exit(usize),
}

/// One code object's control-flow graph: its basic blocks and the edges between them; an
/// edge to `blocks.len()` leaves the frame.
struct Graph {
    blocks: Vec<Range<usize>>,
    block_of: Vec<usize>,
    /// The blocks before this one run before any hook sees the frame.
    prologue_end: usize,
    edges: Vec<(usize, usize, Via)>,
}

/// The graph of `instrs` on `version`; `leaders` start blocks besides the exception handlers
/// and what [`basic_blocks`] splits at.
fn graph(
    instrs: &[Instruction],
    table: &[ExceptionEntry],
    version: PyVersion,
    leaders: &[u32],
) -> Result<Graph, FlowError> {
    let mut all: Vec<u32> = table.iter().map(|e| e.target).collect();
    all.extend_from_slice(leaders);
    let blocks: Vec<Range<usize>> = basic_blocks(instrs, &all);
    let mut block_of = vec![0usize; instrs.len()];
    for (b, r) in blocks.iter().enumerate() {
        for k in r.clone() {
            block_of[k] = b;
        }
    }
    let n = blocks.len();
    let block_at = |offset: u32| block_at(instrs, &blocks, &block_of, offset);
    let prologue_end =
        start_resume(instrs.iter().map(|i| (i.opname, i.arg))).map_or(0, |k| block_of[k]);
    let mut edges = Vec::new();
    for (b, r) in blocks.iter().enumerate() {
        let Some(k) = r.end.checked_sub(1) else {
            continue;
        };
        let last = &instrs[k];
        let next = (b + 1 < n).then_some(b + 1);
        let op = last.opname;
        let mut add = |to: Option<usize>, via: Via| {
            if let Some(to) = to {
                edges.push((b, to, via));
            }
        };
        if EXITS.contains(&op) {
            add(Some(n), Via::Exit(k));
            continue;
        }
        if LEAVES_FRAME.contains(&op) {
            continue;
        }
        if COUNTED_JUMPS.contains(&op) {
            let target = last
                .jump_target
                .ok_or(FlowError::NoInstruction(last.offset))?;
            add(Some(block_at(target)?), Via::Jump(k));
            continue;
        }
        if COUNTED_BRANCHES.contains(&op) {
            let target = last
                .jump_target
                .ok_or(FlowError::NoInstruction(last.offset))?;
            add(next, Via::Branch(k));
            add(Some(block_at(target)?), Via::Branch(k));
            continue;
        }
        if op == "FOR_ITER" {
            // The way into the body is never counted; the way out is from 3.14.
            add(next, Via::Plain);
            if !version.profile().branch_left_right {
                add(Some(block_at(loop_exit(instrs, k, version)?)?), Via::Plain);
            }
            continue;
        }
        // 3.14's END_ASYNC_FOR names the END_SEND it comes from, not a place it goes.
        let target = last.jump_target.filter(|_| op != "END_ASYNC_FOR");
        match target {
            Some(target) if unconditional(op) => add(Some(block_at(target)?), Via::Plain),
            Some(target) => {
                add(next, Via::Plain);
                add(Some(block_at(target)?), Via::Plain);
            }
            None => add(next, Via::Plain),
        }
    }
    Ok(Graph {
        blocks,
        block_of,
        prologue_end,
        edges,
    })
}

/// Basic blocks (index ranges) and the edges between them (block indices).
pub(crate) type BlockEdges = (Vec<Range<usize>>, Vec<(usize, usize)>);

/// The blocks and edges of [`graph`] with no leaders besides what [`basic_blocks`] splits at,
/// for drawing (`crate::cfg_graph`); an edge to `blocks.len()` leaves the frame.
pub(crate) fn block_edges(
    instrs: &[Instruction],
    table: &[ExceptionEntry],
    version: PyVersion,
) -> Result<BlockEdges, FlowError> {
    let g = graph(instrs, table, version, &[])?;
    Ok((g.blocks, g.edges.iter().map(|&(a, b, _)| (a, b)).collect()))
}

/// The block starting at `offset`.
fn block_at(
    instrs: &[Instruction],
    blocks: &[Range<usize>],
    block_of: &[usize],
    offset: u32,
) -> Result<usize, FlowError> {
    let k = index_of(instrs, offset)?;
    let b = block_of[k];
    if blocks[b].start != k || instrs[k].offset != offset {
        return Err(FlowError::InsideBlock(offset));
    }
    Ok(b)
}

/// The instruction an offset (an instruction's or one of its caches') belongs to.
fn index_of(instrs: &[Instruction], offset: u32) -> Result<usize, FlowError> {
    instrs
        .partition_point(|i| i.offset <= offset)
        .checked_sub(1)
        .ok_or(FlowError::NoInstruction(offset))
}

/// Whether the event counting `via` is kept by `plan`; a `Plain` edge has none.
fn kept(instrs: &[Instruction], plan: &Plan, via: Via, version: PyVersion) -> bool {
    match via {
        Via::Plain => false,
        Via::Jump(k) => plan.jump.contains(&instrs[k].offset),
        // From 3.14 conditional jumps are always counted (BRANCH_LEFT/RIGHT).
        Via::Branch(k) => {
            version.profile().branch_left_right || plan.branch.contains(&instrs[k].offset)
        }
        Via::Exit(k) => plan.exit.contains(&instrs[k].offset),
    }
}

/// Which events to keep in `code` on `version` ([`plan`]).
pub fn plan_code(code: &Code, version: PyVersion) -> Result<Plan, FlowError> {
    let instrs = crate::dis::instructions(code, version)?;
    let table = crate::exception_table::parse(&code.exceptiontable)?;
    plan(&instrs, &table, version)
}

/// Which events to keep so that every count can still be derived, at the least expected
/// cost (Ball and Larus, "Optimally profiling and tracing programs", 1994): the edges of a
/// maximum-weight spanning tree of the graph (the frame's outside one of its nodes) go
/// uncounted and every other edge (a chord) is counted; flow balance then solves the tree
/// from its leaves in. An edge's weight estimates how often it runs: 10 to the power of its
/// loop depth (a loop's back edge and way in stay in the tree; an arm of a conditional
/// weighs half its block). A chord is counted by its own event (JUMP, PY_RETURN/PY_YIELD) or
/// by an INSTRUCTION event in the block it enters (when that is its only way in) or leaves
/// (when it is its only way out), else, for an arm of a conditional, by the BRANCH event
/// counting both arms (3.12–3.13). When the choice cannot be derived after all, every event
/// is kept ([`Plan::everything`]).
pub fn plan(
    instrs: &[Instruction],
    table: &[ExceptionEntry],
    version: PyVersion,
) -> Result<Plan, FlowError> {
    let everything = Plan::everything(instrs);
    let g = graph(instrs, table, version, &[])?;
    let n = g.blocks.len();
    let (mut into, mut out_of) = (vec![0usize; n + 1], vec![0usize; n + 1]);
    for &(from, to, _) in &g.edges {
        out_of[from] += 1;
        into[to] += 1;
    }
    // Where a block's counter would go: its first instruction INSTRUCTION events report.
    // No INSTRUCTION counters for now: once the program calls sys.settrace (even settrace(None)
    // after), no INSTRUCTION event is reported any more while JUMP and BRANCH still are
    // (measured on 3.12.1, 3.13.0, 3.14; test_scope), so a counter would silently undercount.
    // Also, from 3.14, with INSTRUCTION events on a FOR_ITER's way out was not reported (no
    // BRANCH_RIGHT; measured on 3.14 and 3.15). Derivation still reads counters
    // ([`EventKind::Count`]) should a plan place them.
    let counters = false;
    let counter = |b: usize| -> Option<u32> {
        if !counters || b >= n || b < g.prologue_end {
            return None;
        }
        g.blocks[b]
            .clone()
            .map(|k| &instrs[k])
            .find(|i| !NOT_COUNTED.contains(&i.opname))
            .map(|i| i.offset)
    };
    // Loop depth: how many loops (a header, from it to its last jump back) span the block's
    // start.
    let mut loops: BTreeMap<u32, u32> = BTreeMap::new();
    for i in instrs
        .iter()
        .filter(|i| i.opname.starts_with("JUMP_BACKWARD"))
    {
        if let Some(t) = i.jump_target {
            let end = loops.entry(t).or_insert(i.offset);
            *end = (*end).max(i.offset);
        }
    }
    let backs: Vec<(u32, u32)> = loops.into_iter().collect();
    let depth = |b: usize| -> u32 {
        let at = instrs[g.blocks[b].start].offset;
        let d = backs.iter().filter(|&&(t, o)| t <= at && at <= o).count();
        u32::try_from(d.min(12)).unwrap_or(12)
    };
    // How to count an edge (None: it cannot be counted).
    let measure = |from: usize, to: usize, via: Via| -> Option<Plan> {
        let mut p = Plan::default();
        match via {
            Via::Jump(k) => {
                p.jump.insert(instrs[k].offset);
            }
            Via::Exit(k) => {
                p.exit.insert(instrs[k].offset);
            }
            _ => {
                if let Some(c) = counter(to).filter(|_| into[to] == 1) {
                    p.count.insert(c);
                } else if let Via::Branch(k) = via {
                    p.branch.insert(instrs[k].offset);
                } else if let Some(c) = counter(from).filter(|_| out_of[from] == 1) {
                    p.count.insert(c);
                } else {
                    return None;
                }
            }
        }
        Some(p)
    };
    let mut candidates: Vec<(u64, usize)> = Vec::new();
    for (e, &(from, to, via)) in g.edges.iter().enumerate() {
        // From 3.14 conditional jumps are always counted.
        if from < g.prologue_end
            || version.profile().branch_left_right && matches!(via, Via::Branch(_))
        {
            continue;
        }
        // Among equals, an edge only an INSTRUCTION counter could count goes into the tree
        // first: a JUMP event costs a few ns less (3.12.1/3.13.0: +39/+43 ns against +44/+46
        // ns an event with an empty callback, measured).
        let weight = match measure(from, to, via) {
            None => u64::MAX,
            Some(p) => {
                let base = 4 * 10u64.pow(depth(from));
                let base = if matches!(via, Via::Branch(_)) {
                    base / 2
                } else {
                    base
                };
                base + u64::from(!p.count.is_empty())
            }
        };
        candidates.push((weight, e));
    }
    // Heaviest first; among equals, the later edge (a loop's back edge comes after its body).
    candidates.sort_by(|a, b| b.cmp(a));
    let mut parent: Vec<usize> = (0..=n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut chosen = Plan::default();
    for (_, e) in candidates {
        let (from, to, via) = g.edges[e];
        let (a, b) = (root(&mut parent, from), root(&mut parent, to));
        if a != b {
            parent[a] = b;
            continue;
        }
        let Some(p) = measure(from, to, via) else {
            return Ok(everything);
        };
        chosen.jump.extend(p.jump);
        chosen.branch.extend(p.branch);
        chosen.exit.extend(p.exit);
        chosen.count.extend(p.count);
    }
    if version.profile().branch_left_right {
        chosen.branch = everything.branch.clone();
    }
    // Check that everything can be derived from what the plan keeps.
    let probe: Events = chosen
        .count
        .iter()
        .map(|&o| ((EventKind::Count, o), 0))
        .collect();
    match derive_planned(instrs, table, version, &probe, &chosen) {
        Ok(_) => Ok(chosen),
        Err(_) => Ok(everything),
    }
}

/// Each instruction of `code` that ran, as (byte offset, times), from `events` counted on
/// `version`.
pub fn derive_code_counts(
    code: &Code,
    version: PyVersion,
    events: &Events,
) -> Result<Vec<(u32, u64)>, FlowError> {
    let instrs = crate::dis::instructions(code, version)?;
    let table = crate::exception_table::parse(&code.exceptiontable)?;
    let counts = derive_counts(&instrs, &table, version, events)?;
    Ok(instrs
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n > 0)
        .map(|(i, n)| (i.offset, n))
        .collect())
}

/// Per instruction of `instrs` (one code object's, in order), how many times it ran, from
/// `events` counted on `version`; `table` is the code object's exception table. The events
/// kept are those of the code object's [`plan`] when they say so ([`EventKind::Planned`]),
/// else every one ([`Plan::everything`]).
pub fn derive_counts(
    instrs: &[Instruction],
    table: &[ExceptionEntry],
    version: PyVersion,
    events: &Events,
) -> Result<Vec<u64>, FlowError> {
    if events.contains_key(&(EventKind::Lost, 0)) {
        return Err(FlowError::Lost);
    }
    let plan = if events.contains_key(&(EventKind::Planned, 0)) {
        plan(instrs, table, version)?
    } else {
        Plan::everything(instrs)
    };
    derive_planned(instrs, table, version, events, &plan)
}

/// [`derive_counts`] from the events `plan` keeps.
fn derive_planned(
    instrs: &[Instruction],
    table: &[ExceptionEntry],
    version: PyVersion,
    events: &Events,
    plan: &Plan,
) -> Result<Vec<u64>, FlowError> {
    // Every place control enters from outside the straight line starts a block.
    let leaders: Vec<u32> = events
        .keys()
        .filter(|(kind, _)| {
            matches!(
                kind,
                EventKind::Start | EventKind::Arrive | EventKind::Handled
            )
        })
        .map(|&(_, offset)| offset)
        .collect();
    let Graph {
        blocks,
        block_of,
        prologue_end,
        edges: graph_edges,
    } = graph(instrs, table, version, &leaders)?;
    let index_of = |offset: u32| index_of(instrs, offset);
    let block_at = |offset: u32| block_at(instrs, &blocks, &block_of, offset);
    let n = blocks.len();
    // Known flow into and out of each block, and the edges still to solve.
    let mut inflow = vec![0i128; n];
    let mut outflow = vec![0i128; n];
    // Exceptions raised at each instruction, as executions (a throw() raises without one).
    let mut raised = vec![0i128; instrs.len()];
    // Blocks counted by an INSTRUCTION event: (instruction, times).
    let mut counted: Vec<(usize, i128)> = Vec::new();
    for (&(kind, offset), &times) in events {
        let times = i128::from(times);
        match kind {
            EventKind::Start | EventKind::Handled | EventKind::Arrive => {
                inflow[block_at(offset)?] += times;
            }
            EventKind::Exit | EventKind::Branch => {
                outflow[block_of[index_of(offset)?]] += times;
            }
            EventKind::Right => {
                let k = index_of(offset)?;
                outflow[block_of[k]] += times;
                // A FOR_ITER's way out arrives where the version lands it; other branches'
                // arrivals are counted where they arrive.
                if instrs[k].opname == "FOR_ITER" {
                    inflow[block_at(loop_exit(instrs, k, version)?)?] += times;
                }
            }
            EventKind::Jump => {
                let k = index_of(offset)?;
                outflow[block_of[k]] += times;
                let target = instrs[k]
                    .jump_target
                    .ok_or(FlowError::NoInstruction(offset))?;
                inflow[block_at(target)?] += times;
            }
            EventKind::Left => {
                let k = index_of(offset)?;
                outflow[block_of[k]] += times;
                let next = instrs.get(k + 1).ok_or(FlowError::NoInstruction(offset))?;
                inflow[block_at(next.offset)?] += times;
            }
            // A RESUME raises before its PY_START/PY_RESUME (a signal handler's exception,
            // 3.13's throw()): it had not started, so it leaves nothing it counted.
            EventKind::Raise | EventKind::Reraise | EventKind::Stop => {
                let k = index_of(offset)?;
                let consumed =
                    kind == EventKind::Stop && matches!(instrs[k].opname, "FOR_ITER" | "SEND");
                if !consumed && instrs[k].opname != "RESUME" {
                    raised[k] += times;
                }
            }
            EventKind::Throw => {
                let k = index_of(offset)?;
                if instrs[k].opname != "RESUME" {
                    raised[k] -= times;
                }
            }
            EventKind::Count => {
                let k = index_of(offset)?;
                if instrs[k].offset != offset || !plan.count.contains(&offset) {
                    return Err(FlowError::NoInstruction(offset));
                }
                counted.push((k, times));
            }
            EventKind::Planned | EventKind::Lost => {}
        }
    }
    // The instructions before the RESUME that starts a call (3.11+) run before any hook sees
    // the frame: they are left at zero (flypy trace says what they are), and whatever they
    // fall into counts only what the hooks saw enter it. An exception raised there (3.15's
    // generator expressions call GET_ITER before RETURN_GENERATOR) leaves nothing counted.
    for r in blocks.iter().take(prologue_end) {
        for k in r.clone() {
            raised[k] = 0;
        }
    }
    for (b, r) in blocks.iter().enumerate() {
        outflow[b] += r.clone().map(|k| raised[k]).sum::<i128>();
    }
    // A block counted at one of its instructions ran that often and as often as exceptions
    // left it before there.
    let mut fixed: Vec<Option<i128>> = vec![None; n];
    for &(k, times) in &counted {
        let b = block_of[k];
        fixed[b] = Some(times + (blocks[b].start..k).map(|j| raised[j]).sum::<i128>());
    }
    // A planned counter that never fired: its block never ran.
    for &offset in &plan.count {
        let k = index_of(offset)?;
        let b = block_of[k];
        if fixed[b].is_none() && instrs[k].offset == offset {
            fixed[b] = Some(0);
        }
    }
    // Edges no kept event counts.
    let mut edges: Vec<Edge> = graph_edges
        .iter()
        .filter(|&&(_, _, via)| !kept(instrs, plan, via, version))
        .map(|&(from, to, _)| Edge {
            from,
            to,
            count: (from < prologue_end).then_some(0),
        })
        .collect();
    let count = solve(
        &blocks,
        instrs,
        &inflow,
        &outflow,
        &fixed,
        &mut edges,
        prologue_end,
    )?;
    // An instruction ran as often as its block was entered, less the raises before it.
    let mut out = vec![0u64; instrs.len()];
    for (b, r) in blocks.iter().enumerate() {
        let mut left = count[b];
        for k in r.clone() {
            out[k] = u64::try_from(left)
                .map_err(|_| FlowError::Unbalanced(instrs[k].offset, left, 0))?;
            left -= raised[k];
        }
    }
    Ok(out)
}
/// The RESUME where the hooks first see a call of this code, given each instruction's opname
/// and argument in order: the first RESUME of a call (argument's low bits 0) after the
/// RETURN_GENERATOR of a generator (3.15's generator expressions run a RESUME and GET_ITER
/// before it, in the caller's call, unseen), else the first one. What comes before it runs
/// before any hook sees the frame.
pub fn start_resume<'a>(
    ops: impl Iterator<Item = (&'a str, Option<u32>)> + Clone,
) -> Option<usize> {
    let from = ops
        .clone()
        .position(|(op, _)| op == "RETURN_GENERATOR")
        .unwrap_or(0);
    ops.skip(from)
        .position(|(op, arg)| op == "RESUME" && arg.is_some_and(|a| a & 3 == 0))
        .map(|k| k + from)
}

/// Where an exhausted `FOR_ITER` (`instrs[k]`) lands: past the `END_FOR` it names on 3.12 and
/// from 3.14 (where `POP_ITER` follows), past `END_FOR` and `POP_TOP` on 3.13.
fn loop_exit(instrs: &[Instruction], k: usize, version: PyVersion) -> Result<u32, FlowError> {
    let ins = &instrs[k];
    let target = ins
        .jump_target
        .ok_or(FlowError::NoInstruction(ins.offset))?;
    let past = if version.profile().for_iter_exit_skips_two {
        2
    } else {
        1
    };
    let at = instrs.partition_point(|i| i.offset < target) + past;
    instrs
        .get(at)
        .map(|i| i.offset)
        .ok_or(FlowError::NoInstruction(target))
}

/// Each block's count from the balance `inflow + edges in = count = outflow + edges out`,
/// solving one unknown at a time; `fixed` are the counts measured. An edge to
/// `blocks.len()` leaves the frame: the outside's balance is never needed (the unknown edges
/// form a forest, and a tree's leaves are not all outside).
fn solve(
    blocks: &[Range<usize>],
    instrs: &[Instruction],
    inflow: &[i128],
    outflow: &[i128],
    fixed: &[Option<i128>],
    edges: &mut [Edge],
    prologue_end: usize,
) -> Result<Vec<i128>, FlowError> {
    let n = blocks.len();
    let mut count: Vec<Option<i128>> = (0..n)
        .map(|b| if b < prologue_end { Some(0) } else { fixed[b] })
        .collect();
    let mut ins: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    for (e, edge) in edges.iter().enumerate() {
        outs[edge.from].push(e);
        ins[edge.to].push(e);
    }
    let offset = |b: usize| instrs[blocks[b].start].offset;
    loop {
        let mut progress = false;
        for b in 0..n {
            for (side, base) in [(&ins[b], inflow[b]), (&outs[b], outflow[b])] {
                let unknown: Vec<usize> = side
                    .iter()
                    .copied()
                    .filter(|&e| edges[e].count.is_none())
                    .collect();
                let known: i128 = base + side.iter().filter_map(|&e| edges[e].count).sum::<i128>();
                match (count[b], unknown.as_slice()) {
                    (None, []) => {
                        count[b] = Some(known);
                        progress = true;
                    }
                    (Some(c), [e]) => {
                        edges[*e].count = Some(c - known);
                        progress = true;
                    }
                    (Some(c), []) if c != known => {
                        return Err(FlowError::Unbalanced(offset(b), c, known));
                    }
                    _ => {}
                }
            }
        }
        if !progress {
            break;
        }
    }
    let unsolved: Vec<usize> = (0..n).filter(|&b| count[b].is_none()).collect();
    if let Some(&first) = unsolved.first() {
        return Err(FlowError::Underdetermined(unsolved.len(), offset(first)));
    }
    if let Some(e) = edges.iter().find(|e| e.count.is_some_and(|c| c < 0)) {
        return Err(FlowError::Unbalanced(
            offset(e.from),
            e.count.unwrap_or(0),
            0,
        ));
    }
    Ok(count.into_iter().map(|c| c.unwrap_or(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruction::bare as ins;

    fn v(minor: u8) -> PyVersion {
        PyVersion::new(3, minor)
    }

    /// `for x in it: pass` then `return`, as 3.12 compiles it (3.13 adds the POP_TOP).
    fn a_loop(with_pop_top: bool) -> Vec<Instruction> {
        let mut code = vec![
            ins(0, "RESUME", None),
            ins(2, "LOAD_FAST", None),
            ins(4, "GET_ITER", None),
            ins(6, "FOR_ITER", Some(14)),
            ins(10, "STORE_FAST", None),
            ins(12, "JUMP_BACKWARD", Some(6)),
            ins(14, "END_FOR", None),
        ];
        let mut at = 16;
        if with_pop_top {
            code.push(ins(16, "POP_TOP", None));
            at = 18;
        }
        code.push(ins(at, "RETURN_CONST", None));
        code
    }

    fn events(list: &[(EventKind, u32, u64)]) -> Events {
        list.iter().map(|&(k, o, n)| ((k, o), n)).collect()
    }

    #[test]
    fn a_loops_iterations_come_from_its_jump_back() {
        // Two calls, ten iterations in all.
        let e = events(&[
            (EventKind::Start, 0, 2),
            (EventKind::Jump, 12, 10),
            (EventKind::Exit, 16, 2),
        ]);
        let counts = derive_counts(&a_loop(false), &[], v(12), &e).expect("derived");
        assert_eq!(counts, vec![2, 2, 2, 12, 10, 10, 0, 2]);
        // 3.13 lands past END_FOR and POP_TOP.
        let e = events(&[
            (EventKind::Start, 0, 2),
            (EventKind::Jump, 12, 10),
            (EventKind::Exit, 18, 2),
        ]);
        let counts = derive_counts(&a_loop(true), &[], v(13), &e).expect("derived");
        assert_eq!(counts, vec![2, 2, 2, 12, 10, 10, 0, 0, 2]);
        // 3.14 counts the way out, which lands on what follows END_FOR.
        let e = events(&[
            (EventKind::Start, 0, 2),
            (EventKind::Jump, 12, 10),
            (EventKind::Right, 6, 2),
            (EventKind::Exit, 18, 2),
        ]);
        let counts = derive_counts(&a_loop(true), &[], v(14), &e).expect("derived");
        assert_eq!(counts, vec![2, 2, 2, 12, 10, 10, 0, 2, 2]);
    }

    #[test]
    fn a_raise_part_way_stops_the_rest_of_its_block() {
        let code = [
            ins(0, "RESUME", None),
            ins(2, "LOAD_GLOBAL", None),
            ins(12, "CALL", None),
            ins(20, "POP_TOP", None),
            ins(22, "RETURN_CONST", None),
            ins(24, "PUSH_EXC_INFO", None),
            ins(26, "POP_EXCEPT", None),
            ins(28, "RETURN_CONST", None),
        ];
        let table = [ExceptionEntry {
            start: 2,
            end: 22,
            target: 24,
            depth: 0,
            lasti: false,
        }];
        // Five calls; the callee raised in three, reported at one of CALL's caches.
        let e = events(&[
            (EventKind::Start, 0, 5),
            (EventKind::Raise, 18, 3),
            (EventKind::Handled, 24, 3),
            (EventKind::Exit, 22, 2),
            (EventKind::Exit, 28, 3),
        ]);
        let counts = derive_counts(&code, &table, v(12), &e).expect("derived");
        assert_eq!(counts, vec![5, 5, 5, 2, 2, 3, 3, 3]);
        // A StopIteration is consumed by FOR_ITER and SEND only; elsewhere it raises.
        let stop = events(&[
            (EventKind::Start, 0, 5),
            (EventKind::Stop, 12, 3),
            (EventKind::Handled, 24, 3),
            (EventKind::Exit, 22, 2),
            (EventKind::Exit, 28, 3),
        ]);
        assert_eq!(
            derive_counts(&code, &table, v(12), &stop).expect("derived"),
            counts
        );
    }

    #[test]
    fn events_the_model_cannot_explain_are_errors() {
        let e = events(&[(EventKind::Start, 0, 1), (EventKind::Exit, 16, 5)]);
        assert!(matches!(
            derive_counts(&a_loop(false), &[], v(12), &e),
            Err(FlowError::Unbalanced(..))
        ));
        // An arrival from nowhere.
        let e = events(&[(EventKind::Start, 0, 1), (EventKind::Arrive, 12, 1)]);
        assert!(derive_counts(&a_loop(false), &[], v(12), &e).is_err());
        let e = events(&[(EventKind::Start, 0, 1), (EventKind::Jump, 40, 1)]);
        assert!(derive_counts(&a_loop(false), &[], v(12), &e).is_err());
        // A loop whose jump back raises no event, and nothing else counted inside it.
        let mut uncounted = a_loop(false);
        uncounted[5].opname = "JUMP_BACKWARD_NO_INTERRUPT";
        let e = events(&[(EventKind::Start, 0, 1), (EventKind::Exit, 16, 1)]);
        assert!(matches!(
            derive_counts(&uncounted, &[], v(12), &e),
            Err(FlowError::Underdetermined(..))
        ));
    }

    /// `for x in it: if x: a() else: b()` then `return`, as 3.12 compiles it (roughly).
    fn a_loop_with_if_else() -> Vec<Instruction> {
        vec![
            ins(0, "RESUME", None),
            ins(2, "LOAD_FAST", None),
            ins(4, "GET_ITER", None),
            ins(6, "FOR_ITER", Some(30)),
            ins(10, "STORE_FAST", None),
            ins(12, "LOAD_FAST", None),
            ins(14, "POP_JUMP_IF_FALSE", Some(22)),
            ins(16, "LOAD_CONST", None),
            ins(18, "POP_TOP", None),
            ins(20, "JUMP_BACKWARD", Some(6)),
            ins(22, "LOAD_CONST", None),
            ins(24, "POP_TOP", None),
            ins(26, "JUMP_BACKWARD", Some(6)),
            ins(28, "NOP", None),
            ins(30, "END_FOR", None),
            ins(32, "RETURN_CONST", None),
        ]
    }

    #[test]
    fn a_plan_counts_each_iteration_once_and_derives_the_rest() {
        let code = a_loop_with_if_else();
        let p = plan(&code, &[], v(12)).expect("a plan");
        // The jumps back and the return are derived; the arms are counted by the branch.
        assert!(p.jump.is_empty(), "{p:?}");
        assert!(p.exit.is_empty(), "{p:?}");
        assert!(p.count.is_empty(), "{p:?}");
        assert_eq!(p.branch, [14].into_iter().collect());
        // One call, 3 iterations by the first arm and 4 by the second.
        let e = events(&[
            (EventKind::Start, 0, 1),
            (EventKind::Branch, 14, 7),
            (EventKind::Arrive, 16, 3),
            (EventKind::Arrive, 22, 4),
            (EventKind::Planned, 0, 1),
        ]);
        let counts = derive_counts(&code, &[], v(12), &e).expect("derived");
        assert_eq!(counts, vec![1, 1, 1, 8, 7, 7, 7, 3, 3, 3, 4, 4, 4, 0, 0, 1]);
        // The same from every event (no plan).
        let all = events(&[
            (EventKind::Start, 0, 1),
            (EventKind::Branch, 14, 7),
            (EventKind::Arrive, 16, 3),
            (EventKind::Arrive, 22, 4),
            (EventKind::Jump, 20, 3),
            (EventKind::Jump, 26, 4),
            (EventKind::Exit, 32, 1),
        ]);
        assert_eq!(
            derive_counts(&code, &[], v(12), &all).expect("derived"),
            counts
        );
        // Counters a plan places are read; one that contradicts the entries is an error.
        let mut counted = p.clone();
        counted.branch.clear();
        counted.count = [16, 22].into_iter().collect();
        let by_counters = events(&[
            (EventKind::Start, 0, 1),
            (EventKind::Count, 16, 3),
            (EventKind::Count, 22, 4),
        ]);
        assert_eq!(
            derive_planned(&code, &[], v(12), &by_counters, &counted).expect("derived"),
            counts
        );
        counted.count.insert(10);
        let wrong = events(&[
            (EventKind::Start, 0, 1),
            (EventKind::Count, 16, 3),
            (EventKind::Count, 22, 4),
            (EventKind::Count, 10, 9),
        ]);
        assert!(derive_planned(&code, &[], v(12), &wrong, &counted).is_err());
    }

    #[test]
    fn a_plan_counts_a_plain_function_by_its_entries_only() {
        let code = [
            ins(0, "RESUME", None),
            ins(2, "LOAD_FAST", None),
            ins(4, "RETURN_VALUE", None),
        ];
        let p = plan(&code, &[], v(13)).expect("a plan");
        assert_eq!(p, Plan::default());
        let e = events(&[(EventKind::Start, 0, 5), (EventKind::Planned, 0, 1)]);
        assert_eq!(
            derive_counts(&code, &[], v(13), &e).expect("derived"),
            vec![5, 5, 5]
        );
        // From 3.14 no counters: a loop is counted at its jump back.
        let p = plan(&a_loop(true), &[], v(14)).expect("a plan");
        assert!(p.count.is_empty() && p.jump.contains(&12), "{p:?}");
    }
}
