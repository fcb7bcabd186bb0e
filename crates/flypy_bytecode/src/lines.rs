//! Line tables: 2.7–3.9 `co_lnotab`, 3.10 `co_linetable`, 3.11+ location tables with columns.
//!
//! The `&Code` functions are thin wrappers; the `*_raw` cores take the table bytes,
//! `co_firstlineno` and `len(co_code)` so they can be checked against dumps from real
//! interpreters without a marshal reader. The formats (CPython's `Objects/lnotab_notes.txt`,
//! `Objects/locations.md`):
//!
//! - lnotab (≤3.9): byte pairs (address delta, line delta); the line delta is unsigned before
//!   3.6 and a signed byte from 3.6.
//! - 3.10 linetable: byte pairs (address delta in bytes, signed line delta); a line delta of
//!   -128 means "no line".
//! - 3.11+ location table: entries of 1–8 code units, first byte `1cccclll` (code, length-1)
//!   followed by code-specific data; varints here are little-endian 6-bit groups.
//!
//! Line numbers are Python ints in CPython; a hostile table can drive them below zero, which
//! these functions report as "no line" rather than inventing a number.

use crate::instruction::Positions;
use flypy_marshal::{Code, LineTable, PyVersion};

/// One `co_lines()` range: bytes `start..end` belong to `line`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LineRange {
    pub start: u32,
    pub end: u32,
    pub line: Option<u32>,
}

/// What `code.co_lines()` yields on 3.10+; for 2.7–3.9, the ranges between consecutive
/// [`lnotab_line_starts`] (the last one running to the end of the code).
pub fn co_lines(code: &Code, version: PyVersion) -> Vec<LineRange> {
    co_lines_raw(&code.linetable, code.firstlineno, code.code.len(), version)
}

/// What `code.co_positions()` yields on 3.11+: one entry per code unit (2 bytes). Before 3.11
/// only `lineno` is set; 2.7 gives one entry per byte, since its instructions have odd offsets.
pub fn co_positions(code: &Code, version: PyVersion) -> Vec<Positions> {
    co_positions_raw(&code.linetable, code.firstlineno, code.code.len(), version)
}

/// `dis.findlinestarts` of 2.7–3.9: (offset, line) pairs. For 3.10+ the same function of
/// `co_lines()` as 3.10–3.12's dis (ranges without a line are skipped).
pub fn lnotab_line_starts(code: &Code, version: PyVersion) -> Vec<(u32, u32)> {
    line_starts_raw(&code.linetable, code.firstlineno, code.code.len(), version)
}

fn line_of(line: i64) -> Option<u32> {
    u32::try_from(line).ok()
}

fn offset_of(addr: u64) -> u32 {
    u32::try_from(addr).unwrap_or(u32::MAX)
}

/// `dis.findlinestarts` for any version (see [`lnotab_line_starts`]).
pub fn line_starts_raw(
    table: &[u8],
    firstlineno: u32,
    code_len: usize,
    version: PyVersion,
) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    line_starts_into(&mut out, table, firstlineno, code_len, version);
    out
}

/// [`line_starts_raw`] into `out` (cleared first), so a caller listing many code objects
/// reuses one buffer.
pub fn line_starts_into(
    out: &mut Vec<(u32, u32)>,
    table: &[u8],
    firstlineno: u32,
    code_len: usize,
    version: PyVersion,
) {
    out.clear();
    let line_table = version.profile().line_table;
    if !matches!(line_table, LineTable::Lnotab { .. }) {
        let mut last = None;
        let each = |start: u32, _end: u32, line: Option<u32>| {
            if line.is_some() && line != last {
                last = line;
                out.push((start, line.unwrap_or_default()));
            }
        };
        if matches!(line_table, LineTable::Locations { .. }) {
            walk_311(table, firstlineno, each);
        } else {
            walk_310(table, firstlineno, each);
        }
        return;
    }
    let LineTable::Lnotab {
        signed_deltas: signed,
        // 3.8 added: stop once the address passes the end of the bytecode.
        stops_at_code_end: stop_at_end,
    } = line_table
    else {
        return;
    };
    let code_len = code_len as u64;
    out.reserve(table.len() / 2 + 1);
    let mut push = |addr: u64, line: i64| {
        if let Some(line) = line_of(line) {
            out.push((offset_of(addr), line));
        }
    };
    let mut last: Option<i64> = None;
    let mut line = i64::from(firstlineno);
    let mut addr: u64 = 0;
    // zip() of the two slices: a trailing odd byte is ignored.
    for pair in table.chunks_exact(2) {
        let (byte_incr, line_incr) = (pair[0], pair[1]);
        if byte_incr != 0 {
            if last != Some(line) {
                push(addr, line);
                last = Some(line);
            }
            addr += u64::from(byte_incr);
            if stop_at_end && addr >= code_len {
                return;
            }
        }
        line += if signed {
            i64::from(line_incr as i8)
        } else {
            i64::from(line_incr)
        };
    }
    if last != Some(line) {
        push(addr, line);
    }
}

/// `co_lines()` for any version (see [`co_lines`]).
pub fn co_lines_raw(
    table: &[u8],
    firstlineno: u32,
    code_len: usize,
    version: PyVersion,
) -> Vec<LineRange> {
    match version.profile().line_table {
        LineTable::Locations { merges_equal_lines } => {
            lines_311(table, firstlineno, merges_equal_lines)
        }
        LineTable::Pep626 => lines_310(table, firstlineno),
        LineTable::Lnotab { .. } => {
            let starts = line_starts_raw(table, firstlineno, code_len, version);
            let end = u32::try_from(code_len).unwrap_or(u32::MAX);
            let mut out = Vec::with_capacity(starts.len());
            for (i, &(start, line)) in starts.iter().enumerate() {
                let next = starts.get(i + 1).map_or(end, |s| s.0);
                if next > start {
                    out.push(LineRange {
                        start,
                        end: next,
                        line: Some(line),
                    });
                }
            }
            out
        }
    }
}

/// 3.10 `lineiter_next`: each pair advances the end by its address delta; pairs with a zero
/// delta only move the line, folded into the next non-empty range.
fn lines_310(table: &[u8], firstlineno: u32) -> Vec<LineRange> {
    let mut out = Vec::with_capacity(table.len() / 2);
    walk_310(table, firstlineno, |start, end, line| {
        out.push(LineRange { start, end, line })
    });
    out
}

/// [`lines_310`]'s ranges, each handed to `f(start, end, line)` as it is read.
fn walk_310(table: &[u8], firstlineno: u32, mut f: impl FnMut(u32, u32, Option<u32>)) {
    let mut line = i64::from(firstlineno);
    let mut end: u64 = 0;
    for pair in table.chunks_exact(2) {
        let start = end;
        end += u64::from(pair[0]);
        let ldelta = pair[1] as i8;
        let cur_line = if ldelta == -128 {
            None
        } else {
            line += i64::from(ldelta);
            line_of(line)
        };
        if end != start {
            f(offset_of(start), offset_of(end), cur_line);
        }
    }
}

/// Reads a little-endian 6-bit-group varint of the location table.
fn read_varint(table: &[u8], pos: &mut usize) -> Option<u64> {
    let mut b = *table.get(*pos)?;
    *pos += 1;
    let mut val = u64::from(b & 63);
    let mut shift = 0u32;
    while b & 64 != 0 {
        b = *table.get(*pos)?;
        *pos += 1;
        shift += 6;
        if shift >= 64 {
            return None;
        }
        val |= u64::from(b & 63) << shift;
    }
    Some(val)
}

fn read_signed_varint(table: &[u8], pos: &mut usize) -> Option<i64> {
    let u = read_varint(table, pos)?;
    let mag = i64::try_from(u >> 1).unwrap_or(i64::MAX);
    Some(if u & 1 != 0 { -mag } else { mag })
}

/// Location-table codes (`_PyCodeLocationInfoKind`).
const LOC_NO_COLUMNS: u8 = 13;
const LOC_LONG: u8 = 14;
const LOC_NONE: u8 = 15;

/// 3.11+ `lineiter_next`: one range per entry; from 3.12 consecutive entries with the same
/// line are merged (3.11 yields them separately). Line deltas come from `get_line_delta`; the
/// next entry is the next byte with the high bit set, as `advance` scans.
fn lines_311(table: &[u8], firstlineno: u32, merge: bool) -> Vec<LineRange> {
    let mut out: Vec<LineRange> = Vec::with_capacity(table.len() / 2);
    walk_311(table, firstlineno, |start, end, line| {
        match out.last_mut() {
            Some(prev) if merge && prev.line == line && prev.end == start => prev.end = end,
            _ => out.push(LineRange { start, end, line }),
        }
    });
    out
}

/// The location table's entries as unmerged ranges, each handed to `f(start, end, line)`.
fn walk_311(table: &[u8], firstlineno: u32, mut f: impl FnMut(u32, u32, Option<u32>)) {
    let mut computed = i64::from(firstlineno);
    // Offsets saturate at u32::MAX, as `offset_of` does; only an absurd table gets there.
    let mut end: u32 = 0;
    let mut pos = 0usize;
    let n = table.len();
    while pos < n {
        let first = table[pos];
        let code = (first >> 3) & 15;
        let delta = match code {
            LOC_NO_COLUMNS | LOC_LONG => {
                let mut p = pos + 1;
                read_signed_varint(table, &mut p).unwrap_or(0)
            }
            10..=12 => i64::from(code - 10),
            _ => 0,
        };
        computed = computed.saturating_add(delta);
        let line = if first >> 3 == 0x1f {
            None
        } else {
            line_of(computed)
        };
        let start = end;
        end = end.saturating_add((u32::from(first & 7) + 1) * 2);
        pos += 1;
        while pos < n && table[pos] & 128 == 0 {
            pos += 1;
        }
        f(start, end, line);
    }
}

/// `f(start, line)` for each `co_lines()` range whose line differs from the previous range's
/// (the first range always counts; "no line" is a line value here): the walk both
/// `findlinestarts` variants filter, without building the ranges. Merging equal neighbours
/// cannot change it, so 3.11 and 3.12+ share it.
pub fn line_changes(code: &Code, version: PyVersion, f: impl FnMut(u32, Option<u32>)) {
    line_changes_raw(
        &code.linetable,
        code.firstlineno,
        code.code.len(),
        version,
        f,
    )
}

/// [`line_changes`] on the raw table.
pub fn line_changes_raw(
    table: &[u8],
    firstlineno: u32,
    code_len: usize,
    version: PyVersion,
    mut f: impl FnMut(u32, Option<u32>),
) {
    let mut last: Option<Option<u32>> = None;
    let mut each = |start: u32, _end: u32, line: Option<u32>| {
        if last != Some(line) {
            last = Some(line);
            f(start, line);
        }
    };
    match version.profile().line_table {
        LineTable::Locations { .. } => walk_311(table, firstlineno, each),
        LineTable::Pep626 => walk_310(table, firstlineno, each),
        LineTable::Lnotab { .. } => {
            for r in co_lines_raw(table, firstlineno, code_len, version) {
                each(r.start, r.end, r.line);
            }
        }
    }
}

/// `co_positions()` for any version (see [`co_positions`]).
pub fn co_positions_raw(
    table: &[u8],
    firstlineno: u32,
    code_len: usize,
    version: PyVersion,
) -> Vec<Positions> {
    if version.profile().positions {
        return positions_311(table, firstlineno);
    }
    let unit: usize = if version.major < 3 { 1 } else { 2 };
    let n = code_len.div_ceil(unit);
    let mut out = vec![Positions::default(); n];
    for r in co_lines_raw(table, firstlineno, code_len, version) {
        let first = (r.start as usize).div_ceil(unit);
        let last = (r.end as usize).div_ceil(unit).min(n);
        if let Some(slots) = out.get_mut(first..last) {
            for p in slots {
                p.lineno = r.line;
            }
        }
    }
    out
}

/// 3.11+ `positionsiter_next` with `advance_with_locations`.
fn positions_311(table: &[u8], firstlineno: u32) -> Vec<Positions> {
    let mut out = Vec::with_capacity(table.len() * 2);
    let mut computed = i64::from(firstlineno);
    let mut pos = 0usize;
    let col = |c: i64| u32::try_from(c).ok();
    while let Some(&first) = table.get(pos) {
        pos += 1;
        let code = (first >> 3) & 15;
        let units = usize::from(first & 7) + 1;
        let p = match code {
            LOC_NONE => Positions::default(),
            LOC_LONG => {
                let (Some(dl), Some(de), Some(c), Some(ec)) = (
                    read_signed_varint(table, &mut pos),
                    read_varint(table, &mut pos),
                    read_varint(table, &mut pos),
                    read_varint(table, &mut pos),
                ) else {
                    break;
                };
                computed = computed.saturating_add(dl);
                let end = computed.saturating_add(i64::try_from(de).unwrap_or(i64::MAX));
                Positions {
                    lineno: line_of(computed),
                    end_lineno: line_of(end),
                    col_offset: col(i64::try_from(c).unwrap_or(0) - 1),
                    end_col_offset: col(i64::try_from(ec).unwrap_or(0) - 1),
                }
            }
            LOC_NO_COLUMNS => {
                let Some(dl) = read_signed_varint(table, &mut pos) else {
                    break;
                };
                computed = computed.saturating_add(dl);
                Positions {
                    lineno: line_of(computed),
                    end_lineno: line_of(computed),
                    col_offset: None,
                    end_col_offset: None,
                }
            }
            10..=12 => {
                let (Some(&c), Some(&ec)) = (table.get(pos), table.get(pos + 1)) else {
                    break;
                };
                pos += 2;
                computed += i64::from(code - 10);
                Positions {
                    lineno: line_of(computed),
                    end_lineno: line_of(computed),
                    col_offset: Some(u32::from(c)),
                    end_col_offset: Some(u32::from(ec)),
                }
            }
            _ => {
                let Some(&second) = table.get(pos) else {
                    break;
                };
                pos += 1;
                let c = u32::from(code) << 3 | u32::from(second >> 4);
                Positions {
                    lineno: line_of(computed),
                    end_lineno: line_of(computed),
                    col_offset: Some(c),
                    end_col_offset: Some(c + u32::from(second & 15)),
                }
            }
        };
        out.extend(std::iter::repeat_n(p, units));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lnotab_signedness_and_end_check_follow_the_version() {
        // addr +6 line +1; addr +4 line -1 (0xff); 3.6+ signed, 2.7 unsigned.
        let table = [6, 1, 4, 0xff];
        let v36 = line_starts_raw(&table, 10, 20, PyVersion::new(3, 6));
        assert_eq!(v36, vec![(0, 10), (6, 11), (10, 10)]);
        let v27 = line_starts_raw(&table, 10, 20, PyVersion::new(2, 7));
        assert_eq!(v27, vec![(0, 10), (6, 11), (10, 266)]);
        // 3.8+ stops once the address reaches the code length.
        let v38 = line_starts_raw(&table, 10, 10, PyVersion::new(3, 8));
        assert_eq!(v38, vec![(0, 10), (6, 11)]);
        let ranges = co_lines_raw(&table, 10, 20, PyVersion::new(3, 6));
        assert_eq!(ranges.len(), 3);
        assert_eq!(
            ranges[2],
            LineRange {
                start: 10,
                end: 20,
                line: Some(10)
            }
        );
    }
}
