//! Everything `disassemble` works out about one code object before printing: the decoded
//! instructions, line starts (`findlinestarts`), labels (`_make_labels_map`) and the
//! exception table. Computed once and shared by the text and the structured output.

use super::ops::Ctx;
use crate::decode::{decode, RawInstr};
use crate::dis::DisError;
use crate::exception_table::{self, ExceptionEntry};
use crate::lines::line_changes;
use flypy_marshal::Code;

pub(super) struct Analysis {
    pub raw: Vec<RawInstr>,
    /// `dict(findlinestarts(co))` in offset order: (offset, line or None).
    pub line_starts: Vec<(u32, Option<u32>)>,
    /// `sorted(labels)`: label `n` is `labels[n - 1]`. Offsets are Python ints: a hostile
    /// jump may point before the code or past it, and still gets a label.
    pub labels: Vec<i64>,
    pub exceptions: Vec<ExceptionEntry>,
}

pub(super) fn malformed(code: &Code, what: impl Into<String>, offset: u32) -> DisError {
    DisError::Malformed {
        name: super::code_name(code),
        what: what.into(),
        offset,
    }
}

impl Analysis {
    pub fn new(ctx: &Ctx, code: &Code, with_exceptions: bool) -> Result<Self, DisError> {
        let raw = decode(&code.code, ctx.version, ctx.table)
            .map_err(|e| malformed(code, e.kind.to_string(), e.offset))?;
        // findlinestarts: a new entry whenever the line differs from the previous range's.
        // Sized up front: growing a fresh Vec per code object cost more than the walk.
        let mut line_starts = Vec::with_capacity(code.linetable.len() / 2 + 1);
        line_changes(code, ctx.version, |start, line| {
            line_starts.push((start, line))
        });
        let exceptions = if with_exceptions {
            exception_table::parse(&code.exceptiontable)
                .map_err(|e| malformed(code, e.kind.to_string(), e.offset))?
        } else {
            Vec::new()
        };
        let mut labels = Vec::with_capacity(raw.len() / 4 + 3 * exceptions.len());
        for ins in &raw {
            if let Some(arg) = ins.arg_value(ctx.version) {
                if let Some(t) = ctx.jump_target(ins.opcode, arg, ins.offset) {
                    labels.push(t);
                }
            }
        }
        for e in &exceptions {
            labels.extend([i64::from(e.start), i64::from(e.end), i64::from(e.target)]);
        }
        labels.sort_unstable();
        labels.dedup();
        Ok(Self {
            raw,
            line_starts,
            labels,
            exceptions,
        })
    }

    /// The label number of `offset`, if it has one.
    pub fn label_of(&self, offset: i64) -> Option<usize> {
        self.labels.binary_search(&offset).ok().map(|i| i + 1)
    }

    /// `_get_lineno_width`: 0 when no line is truthy, else the widest line number (at least
    /// 3), widened to fit `  --` when some line start has no line.
    pub fn lineno_width(&self) -> usize {
        let Some(max) = self
            .line_starts
            .iter()
            .filter_map(|&(_, l)| l.filter(|&l| l != 0))
            .max()
        else {
            return 0;
        };
        let w = crate::dis::linebuf::int_len(i64::from(max)).max(3);
        if w < 4 && self.line_starts.iter().any(|&(_, l)| l.is_none()) {
            4
        } else {
            w
        }
    }

    /// Walks the instructions as `_get_instructions_bytes` does, with line and label state.
    pub fn steps(&self) -> Steps<'_> {
        Steps {
            a: self,
            i: 0,
            line_cursor: 0,
            label_cursor: 0,
            line: None,
        }
    }
}

/// One instruction with the state dis carries alongside it.
#[derive(Clone, Copy)]
pub(super) struct Step {
    pub raw: RawInstr,
    pub starts_line: bool,
    pub line: Option<u32>,
    pub label: Option<usize>,
}

pub(super) struct Steps<'a> {
    a: &'a Analysis,
    i: usize,
    line_cursor: usize,
    label_cursor: usize,
    line: Option<u32>,
}

impl Iterator for Steps<'_> {
    type Item = Step;

    fn next(&mut self) -> Option<Step> {
        let raw = *self.a.raw.get(self.i)?;
        self.i += 1;
        let off = raw.offset;
        let starts = &self.a.line_starts;
        while starts.get(self.line_cursor).is_some_and(|s| s.0 < off) {
            self.line_cursor += 1;
        }
        let starts_line = match starts.get(self.line_cursor) {
            Some(&(o, l)) if o == off => {
                self.line = l;
                true
            }
            _ => false,
        };
        let labels = &self.a.labels;
        let off64 = i64::from(off);
        while labels.get(self.label_cursor).is_some_and(|&l| l < off64) {
            self.label_cursor += 1;
        }
        let label = match labels.get(self.label_cursor) {
            Some(&l) if l == off64 => Some(self.label_cursor + 1),
            _ => None,
        };
        Some(Step {
            raw,
            starts_line,
            line: self.line,
            label,
        })
    }
}
