//! One code object's control-flow graph as a picture needs it: flypy's own basic blocks
//! ([`crate::cfg::basic_blocks`], through the graph `flow` derives counts on), the edges between
//! them, an exception edge from every block an exception-table entry covers to its handler, and
//! each edge's count where the blocks' exact counts determine it by flow conservation.
//!
//! Block counts are exact (a block's first instruction's count). An edge count is derived only
//! when a conservation equation leaves it the one unknown (or the equation's remainder is 0,
//! which makes every unknown in it 0); everything else stays `None`: unknown, never guessed.

use crate::cfg::basic_blocks;
use crate::exception_table::ExceptionEntry;
use crate::flow::{block_edges, BlockEdges, FlowError};
use crate::instruction::Instruction;
use flypy_marshal::PyVersion;

/// A basic block: instructions `first..end` (indices into the code object's instructions).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Block {
    pub first: usize,
    pub end: usize,
    /// Offset of its first instruction.
    pub offset: u32,
    /// How many times it ran: its first instruction's count (`None`: unknown).
    pub count: Option<u64>,
}

/// How control goes along an edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EdgeKind {
    /// To the next block in code order (fall through, or a branch not taken).
    Next,
    /// To a jump target elsewhere.
    Jump,
    /// To an exception handler (3.11+ exception table).
    Exception,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// Times control went this way, when conservation determines it; `None`: unknown.
    pub count: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CodeGraph {
    pub blocks: Vec<Block>,
    pub edges: Vec<Edge>,
}

/// The graph of `instrs` on `version`, `counts[k]` being how often `instrs[k]` ran (`None`
/// where unknown; an empty slice when nothing was counted).
pub fn graph(
    instrs: &[Instruction],
    table: &[ExceptionEntry],
    version: PyVersion,
    counts: &[Option<u64>],
) -> Result<CodeGraph, FlowError> {
    // Where flypy derives counts from control-flow events (sys.monitoring, 3.12+): the graph
    // it derives them on (it knows where an exhausted FOR_ITER really lands); before, and
    // should that fail, the edges `dis` states.
    let (ranges, plain) = match block_edges(instrs, table, version) {
        Ok(g) if version.profile().sys_monitoring => g,
        _ => stated_edges(instrs, table),
    };
    let n = ranges.len();
    let count_at = |k: usize| counts.get(k).copied().flatten();
    let blocks: Vec<Block> = ranges
        .iter()
        .map(|r| Block {
            first: r.start,
            end: r.end,
            offset: instrs.get(r.start).map_or(0, |i| i.offset),
            count: count_at(r.start),
        })
        .collect();
    let mut edges: Vec<Edge> = Vec::new();
    for (from, to) in plain {
        // Leaving the frame is not drawn: it has no block to point at.
        if to >= n || edges.iter().any(|e| e.from == from && e.to == to) {
            continue;
        }
        let kind = if to == from + 1 {
            EdgeKind::Next
        } else {
            EdgeKind::Jump
        };
        edges.push(Edge {
            from,
            to,
            kind,
            count: None,
        });
    }
    for entry in table {
        let Some(to) = blocks.iter().position(|b| b.offset == entry.target) else {
            continue;
        };
        for (from, r) in ranges.iter().enumerate() {
            let covered = instrs[r.clone()]
                .iter()
                .any(|i| i.offset >= entry.start && i.offset < entry.end);
            if covered && !edges.iter().any(|e| e.from == from && e.to == to) {
                edges.push(Edge {
                    from,
                    to,
                    kind: EdgeKind::Exception,
                    count: None,
                });
            }
        }
    }
    conserve(instrs, &blocks, &mut edges, &count_at);
    Ok(CodeGraph { blocks, edges })
}

/// Jumps that never fall through.
const UNCONDITIONAL: &[&str] = &[
    "JUMP_FORWARD",
    "JUMP_ABSOLUTE",
    "JUMP_BACKWARD",
    "JUMP_BACKWARD_NO_INTERRUPT",
    "JUMP",
    "JUMP_NO_INTERRUPT",
    "CONTINUE_LOOP",
];

/// Ops after which nothing in the frame runs next.
const NO_SUCCESSOR: &[&str] = &[
    "RETURN_VALUE",
    "RETURN_CONST",
    "RAISE_VARARGS",
    "RERAISE",
    "BREAK_LOOP",
];

/// The blocks of [`basic_blocks`] and the edges the instructions state: to the next block
/// unless the last one is an unconditional jump or ends the frame, and to its jump target.
fn stated_edges(instrs: &[Instruction], table: &[ExceptionEntry]) -> BlockEdges {
    let handlers: Vec<u32> = table.iter().map(|e| e.target).collect();
    let blocks = basic_blocks(instrs, &handlers);
    let block_at = |offset: u32| {
        blocks
            .iter()
            .position(|r| instrs.get(r.start).is_some_and(|i| i.offset == offset))
    };
    let mut edges = Vec::new();
    for (b, r) in blocks.iter().enumerate() {
        let Some(last) = r.end.checked_sub(1).and_then(|k| instrs.get(k)) else {
            continue;
        };
        if NO_SUCCESSOR.contains(&last.opname) {
            continue;
        }
        if !UNCONDITIONAL.contains(&last.opname) && b + 1 < blocks.len() {
            edges.push((b, b + 1));
        }
        if let Some(to) = last.jump_target.and_then(block_at) {
            edges.push((b, to));
        }
    }
    (blocks, edges)
}

/// Fills in the edge counts flow conservation determines.
///
/// In: what enters a block is its count, except for the first block and a block starting
/// with `RESUME` (entered from outside the frame too). Out: what leaves a block by its normal
/// edges is its last instruction's count, when that equals the first's (else an exception left
/// part-way, and how many times is not known).
fn conserve(
    instrs: &[Instruction],
    blocks: &[Block],
    edges: &mut [Edge],
    count_at: &dyn Fn(usize) -> Option<u64>,
) {
    let mut equations: Vec<(Vec<usize>, u64)> = Vec::new();
    for (b, block) in blocks.iter().enumerate() {
        let resumes = instrs
            .get(block.first)
            .is_some_and(|i| i.opname == "RESUME");
        if b > 0 && !resumes {
            if let Some(c) = block.count {
                let ins: Vec<usize> = (0..edges.len()).filter(|&e| edges[e].to == b).collect();
                if !ins.is_empty() {
                    equations.push((ins, c));
                }
            }
        }
        let last = block.end.checked_sub(1).and_then(count_at);
        if let (Some(first), Some(last)) = (block.count, last) {
            let outs: Vec<usize> = (0..edges.len())
                .filter(|&e| edges[e].from == b && edges[e].kind != EdgeKind::Exception)
                .collect();
            if first == last && !outs.is_empty() {
                equations.push((outs, last));
            }
        }
    }
    loop {
        let mut changed = false;
        for (members, total) in &equations {
            let known: u64 = members.iter().filter_map(|&e| edges[e].count).sum();
            let unknown: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&e| edges[e].count.is_none())
                .collect();
            // Counts that do not balance mean an assumption failed: leave the rest unknown.
            let Some(rest) = total.checked_sub(known) else {
                continue;
            };
            if unknown.len() == 1 || (rest == 0 && !unknown.is_empty()) {
                for e in unknown {
                    edges[e].count = Some(rest);
                }
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruction::bare as ins;

    #[test]
    fn a_loop_gets_its_edges_counted_from_its_blocks() {
        let code = [
            ins(0, "RESUME", None),
            ins(2, "LOAD_CONST", None),
            ins(4, "GET_ITER", None),
            ins(6, "FOR_ITER", Some(14)),
            ins(8, "STORE_FAST", None),
            ins(10, "NOP", None),
            ins(12, "JUMP_BACKWARD", Some(6)),
            ins(14, "END_FOR", None),
            ins(16, "LOAD_CONST", None),
            ins(18, "RETURN_VALUE", None),
        ];
        let counts = [1, 1, 1, 4, 3, 3, 3, 1, 1, 1].map(Some);
        let g = graph(&code, &[], PyVersion::new(3, 12), &counts).expect("a graph");
        assert_eq!(g.blocks.len(), 6);
        let count = |from, to| {
            g.edges
                .iter()
                .find(|e| e.from == from && e.to == to)
                .and_then(|e| e.count)
        };
        assert_eq!(count(0, 1), Some(1));
        assert_eq!(count(1, 2), Some(3));
        assert_eq!(count(2, 1), Some(3));
        // Unknown counts stay unknown.
        let g = graph(&code, &[], PyVersion::new(3, 12), &[]).expect("a graph");
        assert!(g.edges.iter().all(|e| e.count.is_none()));
    }
}
