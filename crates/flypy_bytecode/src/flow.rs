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
//! entered, less the exceptions raised at the block's earlier instructions.
//!
//! What the interpreter does that `dis` does not say is modelled per version and checked
//! against per-instruction counting by the tests: an exhausted `FOR_ITER` goes past the
//! `END_FOR` it names on 3.12 and from 3.14, and past it and the `POP_TOP` after it on 3.13;
//! from 3.14 its way out is counted (its event names a destination past `POP_ITER`, where
//! it does not land).

use std::collections::BTreeMap;
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

/// Ops that leave the frame: their block has no edge to another.
const LEAVES_FRAME: &[&str] = &[
    "RETURN_VALUE",
    "RETURN_CONST",
    "YIELD_VALUE",
    "RAISE_VARARGS",
    "RERAISE",
];

/// Jumps that raise a JUMP event.
const COUNTED_JUMPS: &[&str] = &["JUMP_FORWARD", "JUMP_BACKWARD"];

/// Conditional jumps that raise BRANCH events (BRANCH_LEFT/RIGHT from 3.14).
const COUNTED_BRANCHES: &[&str] = &[
    "POP_JUMP_IF_FALSE",
    "POP_JUMP_IF_TRUE",
    "POP_JUMP_IF_NONE",
    "POP_JUMP_IF_NOT_NONE",
];

/// Jumps that always jump (the rest with a target may fall through).
fn unconditional(opname: &str) -> bool {
    opname.starts_with("JUMP") && !opname.starts_with("JUMP_IF")
}

/// An edge between blocks whose count is solved from the blocks' balance.
struct Edge {
    from: usize,
    to: usize,
    count: Option<i128>,
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
/// `events` counted on `version`; `table` is the code object's exception table.
pub fn derive_counts(
    instrs: &[Instruction],
    table: &[ExceptionEntry],
    version: PyVersion,
    events: &Events,
) -> Result<Vec<u64>, FlowError> {
    // Where an offset (an instruction's or one of its caches') belongs.
    let index_of = |offset: u32| -> Result<usize, FlowError> {
        instrs
            .partition_point(|i| i.offset <= offset)
            .checked_sub(1)
            .ok_or(FlowError::NoInstruction(offset))
    };
    // Every place control enters from outside the straight line starts a block.
    let mut leaders: Vec<u32> = table.iter().map(|e| e.target).collect();
    for &(kind, offset) in events.keys() {
        if matches!(
            kind,
            EventKind::Start | EventKind::Arrive | EventKind::Handled
        ) {
            leaders.push(offset);
        }
    }
    let blocks: Vec<Range<usize>> = basic_blocks(instrs, &leaders);
    let mut block_of = vec![0usize; instrs.len()];
    for (b, r) in blocks.iter().enumerate() {
        for k in r.clone() {
            block_of[k] = b;
        }
    }
    let block_at = |offset: u32| -> Result<usize, FlowError> {
        let k = index_of(offset)?;
        let b = block_of[k];
        if blocks[b].start != k || instrs[k].offset != offset {
            return Err(FlowError::InsideBlock(offset));
        }
        Ok(b)
    };
    let n = blocks.len();
    // Known flow into and out of each block, and the edges still to solve.
    let mut inflow = vec![0i128; n];
    let mut outflow = vec![0i128; n];
    // Exceptions raised at each instruction, as executions (a throw() raises without one).
    let mut raised = vec![0i128; instrs.len()];
    let mut edges: Vec<Edge> = Vec::new();
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
        }
    }
    // The instructions before the RESUME that starts a call (3.11+) run before any hook sees
    // the frame: they are left at zero (flypy trace says what they are), and whatever they
    // fall into counts only what the hooks saw enter it. An exception raised there (3.15's
    // generator expressions call GET_ITER before RETURN_GENERATOR) leaves nothing counted.
    let prologue_end =
        start_resume(instrs.iter().map(|i| (i.opname, i.arg))).map_or(0, |k| block_of[k]);
    for r in blocks.iter().take(prologue_end) {
        for k in r.clone() {
            raised[k] = 0;
        }
    }
    for (b, r) in blocks.iter().enumerate() {
        outflow[b] += r.clone().map(|k| raised[k]).sum::<i128>();
    }
    // Edges no event counts.
    for (b, r) in blocks.iter().enumerate() {
        let Some(last) = r.end.checked_sub(1).and_then(|k| instrs.get(k)) else {
            continue;
        };
        let next = (b + 1 < n).then_some(b + 1);
        let op = last.opname;
        let mut add = |to: Option<usize>| {
            if let Some(to) = to {
                edges.push(Edge {
                    from: b,
                    to,
                    count: (b < prologue_end).then_some(0),
                });
            }
        };
        if LEAVES_FRAME.contains(&op) || COUNTED_JUMPS.contains(&op) {
            continue;
        }
        if COUNTED_BRANCHES.contains(&op) {
            continue;
        }
        if op == "FOR_ITER" {
            // The way into the body is never counted; the way out is from 3.14.
            add(next);
            if !version.at_least(3, 14) {
                add(Some(block_at(loop_exit(instrs, r.end - 1, version)?)?));
            }
            continue;
        }
        // 3.14's END_ASYNC_FOR names the END_SEND it comes from, not a place it goes.
        let target = last.jump_target.filter(|_| op != "END_ASYNC_FOR");
        match target {
            Some(target) if unconditional(op) => add(Some(block_at(target)?)),
            Some(target) => {
                add(next);
                add(Some(block_at(target)?));
            }
            None => add(next),
        }
    }
    let count = solve(&blocks, instrs, &inflow, &outflow, &mut edges, prologue_end)?;
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
    let past = if version.at_least(3, 13) && !version.at_least(3, 14) {
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
/// solving one unknown at a time.
fn solve(
    blocks: &[Range<usize>],
    instrs: &[Instruction],
    inflow: &[i128],
    outflow: &[i128],
    edges: &mut [Edge],
    prologue_end: usize,
) -> Result<Vec<i128>, FlowError> {
    let n = blocks.len();
    let mut count: Vec<Option<i128>> = (0..n).map(|b| (b < prologue_end).then_some(0)).collect();
    let mut ins: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut outs: Vec<Vec<usize>> = vec![Vec::new(); n];
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
}
