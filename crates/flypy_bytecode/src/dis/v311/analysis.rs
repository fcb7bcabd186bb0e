//! What `dis` works out once per code object before printing: the instructions
//! (`_unpack_opargs`), jump targets (`findlabels` plus exception handlers), line starts
//! (`findlinestarts`), the exception table and the column widths.

use super::ops::Ops;
use crate::decode::{decode, RawInstr};
use crate::dis::DisError;
use crate::exception_table::{self, ExceptionEntry};
use crate::lines;
use crate::table::OpFlags;
use flypy_marshal::{Code, PyVersion};

/// Per code object buffers, reused from one code object to the next.
#[derive(Default)]
pub(super) struct Buffers {
    is_target: Vec<bool>,
    line_starts: Vec<(u32, u32)>,
}

pub(super) struct Analysis {
    pub instrs: Vec<RawInstr>,
    /// `labels` as a set over code units: `is_target[offset / 2]`.
    is_target: Vec<bool>,
    /// `dict(findlinestarts(co))` in offset order (strictly increasing offsets).
    pub line_starts: Vec<(u32, u32)>,
    pub exceptions: Vec<ExceptionEntry>,
    /// 0 when the code has no line starts (the column is omitted).
    pub lineno_width: usize,
    pub offset_width: usize,
}

impl Analysis {
    /// Analyses `code`, in buffers left by the previous code object (see
    /// [`Analysis::recycle`]). `handlers_are_targets`: `disassemble` marks exception handlers
    /// as jump targets, `get_instructions` (which passes no exception entries) does not.
    pub fn new(
        code: &Code,
        version: PyVersion,
        ops: &Ops,
        buffers: Buffers,
        handlers_are_targets: bool,
    ) -> Result<Self, DisError> {
        let Buffers {
            mut is_target,
            mut line_starts,
        } = buffers;
        let instrs = decode(&code.code, version, ops.table)
            .map_err(|e| malformed(code, e.kind.to_string(), e.offset))?;
        let exceptions = exception_table::parse(&code.exceptiontable)
            .map_err(|e| malformed(code, format!("exception table: {}", e.kind), e.offset))?;
        is_target.clear();
        is_target.resize(code.code.len() / 2 + 1, false);
        let mut mark = |label: i64| {
            // Only even offsets inside the code can be an instruction's; others never match.
            if let Some(slot) = usize::try_from(label / 2)
                .ok()
                .filter(|_| label >= 0)
                .and_then(|i| is_target.get_mut(i))
            {
                *slot = true;
            }
        };
        for ins in &instrs {
            if let Some(label) = label_of(ins, version, ops) {
                mark(label);
            }
        }
        for e in exceptions.iter().filter(|_| handlers_are_targets) {
            // `for i in range(start, end): labels.add(target)`: empty ranges add nothing.
            if e.start < e.end {
                mark(i64::from(e.target));
            }
        }
        lines::line_starts_into(
            &mut line_starts,
            &code.linetable,
            code.firstlineno,
            code.code.len(),
            version,
        );
        dedup_starts(&mut line_starts);
        let lineno_width = match line_starts.iter().map(|&(_, l)| l).max() {
            None => 0,
            Some(max) if max >= 1000 => decimal_width(i64::from(max)),
            Some(_) => 3,
        };
        // `maxoffset = len(code) - 2`.
        let max_offset = i64::try_from(code.code.len()).unwrap_or(i64::MAX) - 2;
        let offset_width = if max_offset >= 10000 {
            decimal_width(max_offset)
        } else {
            4
        };
        Ok(Self {
            instrs,
            is_target,
            line_starts,
            exceptions,
            lineno_width,
            offset_width,
        })
    }

    /// The buffers, for the next code object.
    pub fn recycle(self) -> Buffers {
        Buffers {
            is_target: self.is_target,
            line_starts: self.line_starts,
        }
    }

    pub fn is_target(&self, offset: u32) -> bool {
        offset.is_multiple_of(2)
            && self
                .is_target
                .get(offset as usize / 2)
                .copied()
                .unwrap_or(false)
    }
}

/// A cursor over the line starts for instructions visited in increasing offset order.
pub(super) struct LineCursor<'a> {
    starts: &'a [(u32, u32)],
    pos: usize,
}

impl<'a> LineCursor<'a> {
    pub fn new(starts: &'a [(u32, u32)]) -> Self {
        Self { starts, pos: 0 }
    }

    /// `linestarts.get(offset)`; offsets must not decrease between calls.
    pub fn at(&mut self, offset: u32) -> Option<u32> {
        while self.starts.get(self.pos).is_some_and(|s| s.0 < offset) {
            self.pos += 1;
        }
        match self.starts.get(self.pos) {
            Some(&(start, line)) if start == offset => Some(line),
            _ => None,
        }
    }
}

/// `dict()` of the pairs: a repeated offset keeps its last line. (co_lines ranges are never
/// empty, so repeats do not occur in practice, but the dict's rule is the one to follow.)
fn dedup_starts(starts: &mut Vec<(u32, u32)>) {
    starts.dedup_by(|later, earlier| {
        if later.0 == earlier.0 {
            earlier.1 = later.1;
            true
        } else {
            false
        }
    });
}

/// The jump target `findlabels` records for `ins`, if any.
fn label_of(ins: &RawInstr, version: PyVersion, ops: &Ops) -> Option<i64> {
    let arg = ins.arg_value(version)?;
    // 3.11's findlabels tests the op as stored, 3.12's the deoptimised op (and adds its caches).
    let op = if ops.v312 {
        ops.deopt(ins.opcode)
    } else {
        ins.opcode
    };
    let flags = ops.table.flags(op);
    if flags.has(OpFlags::JREL) {
        let signed = if ops.backward[usize::from(op)] {
            -arg
        } else {
            arg
        };
        let mut label = i64::from(ins.offset) + 2 + signed * 2;
        if ops.v312 {
            label += 2 * i64::from(ins.cache_units);
        }
        Some(label)
    } else if flags.has(OpFlags::JABS) {
        Some(arg * 2)
    } else {
        None
    }
}

pub(super) fn decimal_width(n: i64) -> usize {
    let mut width = if n < 0 { 2 } else { 1 };
    let mut m = n.unsigned_abs();
    while m >= 10 {
        m /= 10;
        width += 1;
    }
    width
}

pub(super) fn malformed(code: &Code, what: String, offset: u32) -> DisError {
    let name = match &code.name {
        flypy_marshal::Object::Str(s) => s.to_string_lossy(),
        _ => String::from("?"),
    };
    DisError::Malformed { name, what, offset }
}
