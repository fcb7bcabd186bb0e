//! `dis` for 3.11–3.12: location tables, inline caches, exception tables, `>>` markers.
//!
//! [`write_dis`] prints what `python3.X -m dis FILE` prints for the module code (dis's
//! `_disassemble_recursive`: the code, then each code constant under a "Disassembly of" header,
//! depth first); [`instructions`] gives the structured form of one code object. Both walk the
//! same per-code [`analysis::Analysis`] and the same argument resolution ([`operand`]). As in
//! dis, the listing marks exception handlers `>>` but `get_instructions` (hence
//! [`instructions`]) does not count them as jump targets.

mod analysis;
mod operand;
mod ops;
#[cfg(test)]
mod tests;
mod text;

use super::linebuf::LineBuf;
use super::{DisError, DisOptions};
use crate::decode::RawInstr;
use crate::instruction::{Instruction, Positions};
use crate::table::OpcodeTable;
use crate::{lines, pyrepr, tables};
use analysis::{Analysis, Buffers, LineCursor};
use flypy_marshal::{Code, Family, Object, PyVersion};
use operand::{ConstReprs, NameCache, Operand};
use ops::Ops;
use std::sync::OnceLock;
use text::{Line, Widths};

fn table_for(version: PyVersion) -> Result<&'static OpcodeTable, DisError> {
    tables::for_version(version).ok_or(DisError::UnsupportedVersion(version))
}

pub(crate) fn write_dis(
    out: &mut Vec<u8>,
    code: &Code,
    version: PyVersion,
    opts: &DisOptions,
) -> Result<(), DisError> {
    write_dis_with(out, code, version, table_for(version)?, opts)
}

pub(crate) fn instructions(code: &Code, version: PyVersion) -> Result<Vec<Instruction>, DisError> {
    instructions_with(code, version, table_for(version)?)
}

/// [`write_dis`] with an explicit opcode table.
pub(crate) fn write_dis_with(
    out: &mut Vec<u8>,
    code: &Code,
    version: PyVersion,
    table: &'static OpcodeTable,
    opts: &DisOptions,
) -> Result<(), DisError> {
    let owned;
    let ops = match shared_ops(table, version) {
        Some(ops) => ops,
        None => {
            owned = Ops::new(table, version.profile().family != Family::Py311);
            &owned
        }
    };
    let mut scratch = Scratch {
        argrepr: String::new(),
        line: LineBuf::new(),
        consts: ConstReprs::new(code),
        names: NameCache::new(code),
        buffers: Buffers::default(),
    };
    out.reserve(estimated_len(code, opts));
    disassemble(out, code, version, ops, opts, &mut scratch)?;
    // Depth first, constants in order: a stack of the code constants still to print, pushed
    // in reverse so they pop in order (no recursion, so deep nesting cannot overflow).
    let mut pending: Vec<&Object> = Vec::new();
    push_code_consts(&mut pending, code);
    // One buffer for every header's repr, instead of a string grown afresh for each.
    let mut header = String::new();
    while let Some(obj) = pending.pop() {
        let Object::Code(inner) = obj else { continue };
        header.clear();
        pyrepr::write_repr(&mut header, obj, version);
        out.extend_from_slice(b"\nDisassembly of ");
        out.extend_from_slice(header.as_bytes());
        out.extend_from_slice(b":\n");
        disassemble(out, inner, version, ops, opts, &mut scratch)?;
        push_code_consts(&mut pending, inner);
    }
    Ok(())
}

/// The per-opcode facts for the generated table of 3.11 or 3.12, worked out once per process
/// rather than once per file; `None` for any other table (tests' own).
fn shared_ops(table: &'static OpcodeTable, version: PyVersion) -> Option<&'static Ops> {
    static SHARED: [OnceLock<Ops>; 2] = [OnceLock::new(), OnceLock::new()];
    if version.major != 3 || !std::ptr::eq(tables::for_version(version)?, table) {
        return None;
    }
    let slot = SHARED.get(usize::from(version.minor.checked_sub(11)?))?;
    Some(slot.get_or_init(|| Ops::new(table, version.profile().family != Family::Py311)))
}

/// About how long the whole listing will be, so the output grows once rather than by
/// doublings: the 3.12 stdlib averages 11 bytes of text per byte of bytecode (CACHE units
/// print nothing), about twice that with caches shown. A little over is cheaper than a
/// doubling.
fn estimated_len(code: &Code, opts: &DisOptions) -> usize {
    let per_byte = if opts.show_caches { 28 } else { 14 };
    let mut total = 0usize;
    let mut pending = vec![code];
    while let Some(c) = pending.pop() {
        total = total.saturating_add(c.code.len());
        pending.extend(c.consts.iter().filter_map(|k| match k {
            Object::Code(inner) => Some(&**inner),
            _ => None,
        }));
    }
    total.saturating_mul(per_byte)
}

fn push_code_consts<'a>(pending: &mut Vec<&'a Object>, code: &'a Code) {
    pending.extend(
        code.consts
            .iter()
            .rev()
            .filter(|c| matches!(c, Object::Code(_))),
    );
}

/// Buffers reused from one code object to the next.
struct Scratch<'c> {
    /// CACHE lines' argument descriptions.
    argrepr: String,
    line: LineBuf,
    consts: ConstReprs,
    names: NameCache<'c>,
    buffers: Buffers,
}

/// `dis.disassemble(co)`: one code object's listing and exception table.
fn disassemble<'c>(
    out: &mut Vec<u8>,
    code: &'c Code,
    version: PyVersion,
    ops: &Ops,
    opts: &DisOptions,
    scratch: &mut Scratch<'c>,
) -> Result<(), DisError> {
    let a = Analysis::new(
        code,
        version,
        ops,
        std::mem::take(&mut scratch.buffers),
        true,
    )?;
    let widths = Widths {
        lineno: a.lineno_width,
        offset: a.offset_width,
    };
    let mut line_starts = LineCursor::new(&a.line_starts);
    let Scratch {
        argrepr,
        line,
        consts,
        names,
        ..
    } = scratch;
    consts.reset(code);
    names.reset(code);
    for ins in &a.instrs {
        let operand = operand::resolve(ins, code, version, ops, names)
            .map_err(|bad| bad.into_error(code, ins.offset))?;
        let starts_line = line_starts.at(ins.offset);
        if widths.lineno > 0 && starts_line.is_some() && ins.offset > 0 {
            out.push(b'\n');
        }
        text::write_line(
            out,
            line,
            widths,
            &Line {
                starts_line,
                is_target: a.is_target(ins.offset),
                offset: ins.offset,
                opname: ops.table.specialized_opname[usize::from(ins.opcode)],
                padded: ops
                    .padded
                    .get(usize::from(ins.opcode))
                    .and_then(Option::as_ref),
                arg: ins.arg_value(version),
            },
            |out| operand.write_repr(out, consts, version),
        );
        if opts.show_caches && ins.cache_units > 0 {
            write_caches(out, line, code, ins, ops, widths, argrepr);
        }
    }
    if !a.exceptions.is_empty() {
        out.extend_from_slice(b"ExceptionTable:\n");
        for e in &a.exceptions {
            out.extend_from_slice(b"  ");
            operand::push_int(out, i64::from(e.start));
            out.extend_from_slice(b" to ");
            operand::push_int(out, i64::from(e.end) - 2);
            out.extend_from_slice(b" -> ");
            operand::push_int(out, i64::from(e.target));
            out.extend_from_slice(b" [");
            operand::push_int(out, i64::from(e.depth));
            out.push(b']');
            if e.lasti {
                out.extend_from_slice(b" lasti");
            }
            out.push(b'\n');
        }
    }
    scratch.buffers = a.recycle();
    Ok(())
}

/// The cache fields after `ins` as (name, size in units, byte offset of the first unit), in
/// order, following `_cache_format` of the deoptimised op.
fn cache_fields(ins: &RawInstr, ops: &Ops, mut f: impl FnMut(&'static str, u32, u32)) {
    let deop = ops.deopt(ins.opcode);
    let mut offset = ins.offset.saturating_add(2);
    for &(name, size) in ops.table.cache_format[usize::from(deop)] {
        f(name, u32::from(size), offset);
        offset = offset.saturating_add(2 * u32::from(size));
    }
}

/// The bytes `code[offset : offset + 2 * size]` (shorter, or empty, at the end of the code).
fn cache_bytes(code: &Code, offset: u32, size: u32) -> &[u8] {
    let start = (offset as usize).min(code.code.len());
    let end = (offset as usize)
        .saturating_add(2 * size as usize)
        .min(code.code.len());
    code.code.get(start..end).unwrap_or(&[])
}

/// The CACHE lines `show_caches=True` adds after `ins`.
fn write_caches(
    out: &mut Vec<u8>,
    line: &mut LineBuf,
    code: &Code,
    ins: &RawInstr,
    ops: &Ops,
    widths: Widths,
    argrepr: &mut String,
) {
    // 3.11 names a field only when the op is quickened (stored op differs from its base).
    let named = ops.v312 || ops.deopt(ins.opcode) != ins.opcode;
    cache_fields(ins, ops, |name, size, first| {
        for i in 0..size {
            argrepr.clear();
            if i == 0 && named && !name.is_empty() {
                argrepr.push_str(name);
                argrepr.push_str(": ");
                // `int.from_bytes(data, sys.byteorder)`: little-endian on every host flypy
                // reads code for; fields are at most 4 units, so 8 bytes fit a u64.
                let value = cache_bytes(code, first, size)
                    .iter()
                    .rev()
                    .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
                argrepr.push_str(&value.to_string());
            }
            text::write_line(
                out,
                line,
                widths,
                &Line {
                    starts_line: None,
                    is_target: false,
                    offset: first.saturating_add(2 * i),
                    opname: "CACHE",
                    padded: ops.padded_cache.as_ref(),
                    arg: Some(0),
                },
                |out| out.extend_from_slice(argrepr.as_bytes()),
            );
        }
    });
}

/// [`instructions`] with an explicit opcode table.
pub(crate) fn instructions_with(
    code: &Code,
    version: PyVersion,
    table: &'static OpcodeTable,
) -> Result<Vec<Instruction>, DisError> {
    let ops = Ops::new(table, version.profile().family != Family::Py311);
    let a = Analysis::new(code, version, &ops, Buffers::default(), false)?;
    let positions = lines::co_positions(code, version);
    let ranges = lines::co_lines(code, version);
    let mut range_idx = 0usize;
    let mut starts = LineCursor::new(&a.line_starts);
    let mut consts = ConstReprs::new(code);
    let mut names = NameCache::new(code);
    let mut out = Vec::with_capacity(a.instrs.len());
    for ins in &a.instrs {
        let operand: Operand<'_> = operand::resolve(ins, code, version, &ops, &mut names)
            .map_err(|bad| bad.into_error(code, ins.offset))?;
        let argrepr = operand.repr_string(&mut consts, version);
        while ranges.get(range_idx).is_some_and(|r| r.end <= ins.offset) {
            range_idx += 1;
        }
        let line = ranges
            .get(range_idx)
            .filter(|r| r.start <= ins.offset)
            .and_then(|r| r.line);
        let mut cache_info = Vec::new();
        if ins.cache_units > 0 {
            cache_fields(ins, &ops, |name, size, first| {
                let bytes = cache_bytes(code, first, size).to_vec();
                cache_info.push((name, u16::try_from(size).unwrap_or(u16::MAX), bytes));
            });
        }
        out.push(Instruction {
            offset: ins.offset,
            opcode: ins.opcode,
            opname: table.specialized_opname[usize::from(ins.opcode)],
            arg: ins.arg,
            argval: operand.argval(),
            argrepr,
            starts_line: starts.at(ins.offset),
            line,
            positions: positions
                .get(ins.offset as usize / 2)
                .copied()
                .unwrap_or(Positions::default()),
            is_jump_target: a.is_target(ins.offset),
            jump_target: operand.jump_target(),
            label: None,
            cache_info,
        });
    }
    Ok(out)
}
