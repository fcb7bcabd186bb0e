//! `dis` for 3.13–3.15: `L1:` labels, `-C/-O/-P` options, 3.14+ opcodes.
//!
//! The shape follows each version's `dis.py`: [`analysis`] is what `disassemble` computes up
//! front (`findlinestarts`, `_make_labels_map`, `_parse_exception_table`), [`argres`] is
//! `ArgResolver`, [`format`] is `Formatter`, and [`ops`] turns the opcode table into the
//! per-opcode decisions `ArgResolver` makes by name.

mod analysis;
mod argres;
mod format;
mod ops;
#[cfg(test)]
mod tests;

use super::linebuf::{self, LineBuf};
use super::{DisError, DisOptions};
use crate::instruction::{Instruction, Positions};
use crate::lines::co_positions;
use crate::table::OpcodeTable;
use analysis::{Analysis, Step};
use argres::Resolver;
use flypy_marshal::{Code, Object, PyVersion};
use format::{Formatter, Line};
use ops::Ctx;
use std::sync::OnceLock;

pub(crate) fn write_dis(
    out: &mut Vec<u8>,
    code: &Code,
    version: PyVersion,
    opts: &DisOptions,
) -> Result<(), DisError> {
    let table = crate::tables::for_version(version).ok_or(DisError::UnsupportedVersion(version))?;
    write_dis_with(out, code, version, table, opts)
}

pub(crate) fn instructions(code: &Code, version: PyVersion) -> Result<Vec<Instruction>, DisError> {
    let table = crate::tables::for_version(version).ok_or(DisError::UnsupportedVersion(version))?;
    instructions_with(code, version, table)
}

fn code_name(code: &Code) -> String {
    match &code.name {
        Object::Str(s) => s.to_string_lossy(),
        other => format!("{other:?}"),
    }
}

/// The per-opcode decisions for the generated table of 3.13, 3.14 or 3.15, worked out once
/// per process rather than once per file; `None` for any other table (tests' own).
fn shared_ctx(table: &'static OpcodeTable, version: PyVersion) -> Option<&'static Ctx> {
    static SHARED: [OnceLock<Ctx>; 3] = [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    if version.major != 3 || !std::ptr::eq(crate::tables::for_version(version)?, table) {
        return None;
    }
    let slot = SHARED.get(usize::from(version.minor.checked_sub(13)?))?;
    Some(slot.get_or_init(|| Ctx::new(table, version)))
}

/// `_disassemble_recursive(co)`: the code object, then each code constant depth-first, each
/// under a blank line and `Disassembly of <repr>:`. Iterative so that deeply nested input
/// cannot exhaust the stack.
pub(crate) fn write_dis_with(
    out: &mut Vec<u8>,
    code: &Code,
    version: PyVersion,
    table: &'static OpcodeTable,
    opts: &DisOptions,
) -> Result<(), DisError> {
    let owned;
    let ctx = match shared_ctx(table, version) {
        Some(c) => c,
        None => {
            owned = Ctx::new(table, version);
            &owned
        }
    };
    let opts = DisOptions {
        show_caches: opts.show_caches,
        show_offsets: opts.show_offsets,
        // -P is new in 3.14.
        show_positions: opts.show_positions && version.profile().dis_show_positions,
    };
    out.reserve(estimated_len(code, &opts));
    let mut lb = LineBuf::new();
    disassemble(out, &mut lb, ctx, code, &opts)?;
    let mut stack: Vec<(&Code, usize)> = vec![(code, 0)];
    // One buffer for every header's repr, instead of a string grown afresh for each.
    let mut header = String::new();
    while let Some((co, next)) = stack.last_mut() {
        let co: &Code = co;
        let found = co
            .consts
            .iter()
            .enumerate()
            .skip(*next)
            .find_map(|(i, c)| match c {
                Object::Code(child) => Some((i, c, child)),
                _ => None,
            });
        let Some((i, obj, child)) = found else {
            stack.pop();
            continue;
        };
        *next = i + 1;
        header.clear();
        crate::pyrepr::write_repr(&mut header, obj, version);
        out.extend_from_slice(b"\nDisassembly of ");
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(b":\n");
        disassemble(out, &mut lb, ctx, child, &opts)?;
        stack.push((child, 0));
    }
    Ok(())
}

/// About how much text the whole tree makes, so the output grows once rather than by
/// repeated doubling (measured on the 3.13 stdlib: 10.7 bytes of text per byte of bytecode;
/// CACHE lines and positions add more). Untouched reserve costs no memory traffic.
fn estimated_len(code: &Code, opts: &DisOptions) -> usize {
    let per_byte =
        12 + if opts.show_caches { 16 } else { 0 } + if opts.show_positions { 8 } else { 0 };
    let mut total = 0usize;
    let mut stack = vec![code];
    while let Some(co) = stack.pop() {
        total = total.saturating_add(co.code.len().saturating_mul(per_byte));
        stack.extend(co.consts.iter().filter_map(|c| match c {
            Object::Code(child) => Some(&**child),
            _ => None,
        }));
    }
    total
}

/// `disassemble(co)`: one code object's instructions and exception table.
fn disassemble(
    out: &mut Vec<u8>,
    lb: &mut LineBuf,
    ctx: &Ctx,
    code: &Code,
    opts: &DisOptions,
) -> Result<(), DisError> {
    let a = Analysis::new(ctx, code, true)?;
    let positions = if opts.show_positions {
        co_positions(code, ctx.version)
    } else {
        Vec::new()
    };
    let fmt = Formatter {
        lineno_width: if opts.show_positions {
            format::positions_width(&positions)
        } else {
            a.lineno_width()
        },
        offset_width: if opts.show_offsets {
            let last = i64::try_from(code.code.len()).unwrap_or(i64::MAX) - 2;
            linebuf::int_len(last.max(9999))
        } else {
            0
        },
        label_width: 4 + linebuf::int_len(i64::try_from(a.labels.len()).unwrap_or(i64::MAX)),
        show_positions: opts.show_positions,
    };
    let mut res = Resolver::new(ctx, code);
    let mut argrepr = String::new();
    let mut cache_repr = String::new();
    for step in a.steps() {
        argrepr.clear();
        let raw = step.raw;
        let arg = raw.arg_value(ctx.version);
        res.resolve::<false>(&a, raw.opcode, arg, raw.offset, &mut argrepr)?;
        let pos = position_at(&positions, raw.offset);
        fmt.line(
            out,
            lb,
            &Line {
                starts_line: step.starts_line,
                line: step.line,
                label: step.label,
                offset: raw.offset,
                opname: ctx.table.specialized_opname(raw.opcode),
                padded: ctx
                    .padded
                    .get(usize::from(raw.opcode))
                    .and_then(Option::as_ref),
                arg,
                argrepr: &argrepr,
                positions: pos,
            },
        );
        if opts.show_caches {
            write_caches(out, lb, ctx, &fmt, code, &step, pos, &mut cache_repr);
        }
    }
    fmt.exception_table(out, &a);
    Ok(())
}

/// The `co_positions()` entry of the code unit at `offset` (dis consumes one per instruction
/// and one per cache unit, so the n-th entry belongs to offset 2n).
fn position_at(positions: &[Positions], offset: u32) -> Positions {
    positions
        .get((offset / 2) as usize)
        .copied()
        .unwrap_or_default()
}

/// The `(name, size, data)` entries of `cache_info` for the instruction at `offset`: 3.13
/// slices every entry's data from the first cache unit, 3.14+ from the entry's own units.
fn cache_entries<'c>(
    ctx: &Ctx,
    code: &'c [u8],
    op: u8,
    offset: u32,
) -> impl Iterator<Item = (&'static str, u8, &'c [u8])> + 'c {
    let deop = ctx.deopt(op);
    let layout: &'static [(&'static str, u8)] = if ctx.table.cache_entries[usize::from(deop)] > 0 {
        ctx.cache_layout[usize::from(deop)]
    } else {
        &[]
    };
    let advances = ctx.cache_data_advances;
    let mut at = offset as usize + 2;
    layout.iter().map(move |&(name, size)| {
        let len = usize::from(size) * 2;
        let start = at.min(code.len());
        let end = (at + len).min(code.len());
        if advances {
            at += len;
        }
        (name, size, code.get(start..end).unwrap_or_default())
    })
}

/// `int.from_bytes(data, "little")` for the at most 8 bytes a cache entry has.
fn le_value(data: &[u8]) -> u128 {
    data.iter()
        .take(16)
        .rev()
        .fold(0u128, |acc, &b| (acc << 8) | u128::from(b))
}

/// `Formatter.print_instruction`'s CACHE lines.
#[allow(clippy::too_many_arguments)]
fn write_caches(
    out: &mut Vec<u8>,
    lb: &mut LineBuf,
    ctx: &Ctx,
    fmt: &Formatter,
    code: &Code,
    step: &Step,
    pos: Positions,
    buf: &mut String,
) {
    let mut offset = step.raw.offset;
    for (name, size, data) in cache_entries(ctx, &code.code, step.raw.opcode, step.raw.offset) {
        for i in 0..size {
            offset = offset.saturating_add(2);
            buf.clear();
            if i == 0 {
                use std::fmt::Write;
                // Writing to a String cannot fail.
                let _ = write!(buf, "{name}: {}", le_value(data));
            }
            fmt.line(
                out,
                lb,
                &Line {
                    starts_line: false,
                    line: None,
                    label: None,
                    offset,
                    opname: "CACHE",
                    padded: ctx.padded_cache.as_ref(),
                    arg: Some(0),
                    argrepr: buf,
                    positions: pos,
                },
            );
        }
    }
}

/// `Bytecode(code)` iterated: the instructions with their labels (exception-table targets
/// included, as in the text), positions and cache data.
pub(crate) fn instructions_with(
    code: &Code,
    version: PyVersion,
    table: &'static OpcodeTable,
) -> Result<Vec<Instruction>, DisError> {
    let ctx = Ctx::new(table, version);
    let a = Analysis::new(&ctx, code, true)?;
    let positions = co_positions(code, version);
    let mut res = Resolver::new(&ctx, code);
    let mut out = Vec::with_capacity(a.raw.len());
    for step in a.steps() {
        let raw = step.raw;
        let arg = raw.arg_value(version);
        let mut argrepr = String::new();
        let argval = res.resolve::<true>(&a, raw.opcode, arg, raw.offset, &mut argrepr)?;
        let deop = ctx.deopt(raw.opcode);
        let jump_target = match arg {
            Some(arg) if ctx.is_jump(deop) => ctx
                .jump_target(raw.opcode, arg, raw.offset)
                .and_then(|t| u32::try_from(t).ok()),
            _ => None,
        };
        out.push(Instruction {
            offset: raw.offset,
            opcode: raw.opcode,
            opname: table.specialized_opname(raw.opcode),
            arg: raw.arg,
            argval,
            argrepr,
            starts_line: if step.starts_line { step.line } else { None },
            line: step.line,
            positions: position_at(&positions, raw.offset),
            is_jump_target: step.label.is_some(),
            jump_target,
            label: step.label.and_then(|l| u32::try_from(l).ok()),
            cache_info: cache_entries(&ctx, &code.code, raw.opcode, raw.offset)
                .map(|(name, size, data)| (name, u16::from(size), data.to_vec()))
                .collect(),
        });
    }
    Ok(out)
}
