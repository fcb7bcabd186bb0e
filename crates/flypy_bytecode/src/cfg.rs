//! Basic blocks: runs of instructions that, barring an exception raised part-way, execute
//! together, so they execute equally often. The base of control-flow graphs and of counting
//! executions from edges rather than from every instruction.
//!
//! A block starts at the first instruction, at every jump target and exception handler, after
//! every jump and every instruction that ends a frame's straight line (return, raise,
//! re-raise), and at every `RESUME` (where a call starts or a generator re-enters). Ops whose
//! exit the interpreter takes differently from what `dis` says sit in blocks of their own, so
//! the partition holds whatever the version does there: an exhausted `FOR_ITER` jumps past the
//! `END_FOR` it names on 3.12, and past it and the `POP_TOP` after it on 3.13 (measured), so
//! `END_FOR` and the instruction after it are single blocks; `SEND`/`END_SEND` likewise.

use std::ops::Range;

use crate::instruction::Instruction;

/// Ops after which execution does not fall through to the next instruction.
const ENDS_STRAIGHT_LINE: &[&str] = &[
    "RETURN_VALUE",
    "RETURN_CONST",
    "RAISE_VARARGS",
    "RERAISE",
    "END_FINALLY",
    "BREAK_LOOP",
    "CONTINUE_LOOP",
];

/// Ops a version's runtime may skip or jump past although `dis` shows them as targets.
const OWN_BLOCK: &[&str] = &["END_FOR", "END_SEND", "POP_ITER"];

/// The basic blocks of `instrs` (one code object's instructions, in order), as index ranges
/// into `instrs`, in order; `handlers` are the exception handlers' offsets (3.11+ exception
/// table targets; earlier versions' handlers are jump targets already).
pub fn basic_blocks(instrs: &[Instruction], handlers: &[u32]) -> Vec<Range<usize>> {
    let targets: std::collections::BTreeSet<u32> = instrs
        .iter()
        .filter_map(|i| i.jump_target)
        .chain(handlers.iter().copied())
        .collect();
    let mut leader = vec![false; instrs.len()];
    for (k, ins) in instrs.iter().enumerate() {
        let own = OWN_BLOCK.contains(&ins.opname);
        if k == 0 || targets.contains(&ins.offset) || ins.opname == "RESUME" || own {
            leader[k] = true;
        }
        let ends = own || ins.jump_target.is_some() || ENDS_STRAIGHT_LINE.contains(&ins.opname);
        if ends {
            if let Some(next) = leader.get_mut(k + 1) {
                *next = true;
            }
        }
        if ins.opname == "END_FOR" {
            if let Some(after) = leader.get_mut(k + 2) {
                *after = true;
            }
        }
    }
    let mut starts: Vec<usize> = leader
        .iter()
        .enumerate()
        .filter_map(|(k, &is)| is.then_some(k))
        .collect();
    starts.push(instrs.len());
    starts.windows(2).map(|w| w[0]..w[1]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruction::bare as ins;

    #[test]
    fn a_loop_splits_at_its_header_exit_and_back_edge() {
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
            ins(20, "LOAD_CONST", None),
        ];
        assert_eq!(
            basic_blocks(&code, &[]),
            vec![0..3, 3..4, 4..7, 7..8, 8..9, 9..10, 10..11]
        );
        assert_eq!(basic_blocks(&code, &[16]), basic_blocks(&code, &[]));
        assert_eq!(basic_blocks(&code[..2], &[2]), vec![0..1, 1..2]);
        assert!(basic_blocks(&[], &[]).is_empty());
    }
}
