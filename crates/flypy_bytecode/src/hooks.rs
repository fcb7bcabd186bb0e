//! What the interpreter's tracing hooks report, turned into what ran: corrections that depend
//! on how a version's eval loop raises its events, kept apart from the hooks' raw counts.

use std::collections::BTreeMap;

use flypy_marshal::{Code, PyVersion};

use crate::dis::{instructions, DisError};

/// 3.6–3.11 `sys.settrace` opcode events: an instruction prefixed by `EXTENDED_ARG` gets no
/// event of its own. The prefix's handler dispatches the next instruction directly, past the
/// tracing check (ceval.c 3.7–3.10: `goto dispatch_opcode`; 3.11: `DISPATCH_GOTO()`), so the
/// event lands on the first prefix of the run, with `f_lasti` there. Jumps land on that first
/// prefix too, so the later prefixes and the prefixed instruction ran exactly as often as it:
/// they get its count added (measured on 3.7–3.11: a loop's FOR_ITER behind a prefix read 0).
/// From 3.12 the hooks report the prefixed instruction itself; nothing is changed there.
///
/// `counts` are (byte offset, times) pairs of one code object, as the helper reports them; the
/// result is sorted by offset.
pub fn settrace_counts(
    code: &Code,
    version: PyVersion,
    counts: &[(u32, u64)],
) -> Result<Vec<(u32, u64)>, DisError> {
    let mut by_offset: BTreeMap<u32, u64> = counts.iter().copied().collect();
    if version.profile().settrace_sees_prefixed {
        return Ok(by_offset.into_iter().collect());
    }
    // The count of the first prefix of the current run of EXTENDED_ARGs.
    let mut carried: Option<u64> = None;
    for ins in instructions(code, version)? {
        let prefix = ins.opname == "EXTENDED_ARG";
        match carried {
            Some(n) if n > 0 => *by_offset.entry(ins.offset).or_insert(0) += n,
            Some(_) => {}
            None if prefix => carried = by_offset.get(&ins.offset).copied(),
            None => {}
        }
        if !prefix {
            carried = None;
        } else if carried.is_none() {
            carried = Some(0);
        }
    }
    Ok(by_offset.into_iter().collect())
}
