//! 3.11+ exception tables (`co_exceptiontable`), parsed as `dis._parse_exception_table` does.
//!
//! Each entry is four varints (start, length, target in code units, then `depth << 1 | lasti`).
//! These varints are big-endian in 6-bit groups (bit 6 = more follow; the first byte of an
//! entry also has bit 7 set, which dis ignores) — unlike the location table's little-endian ones.

use crate::decode::{DecodeError, DecodeErrorKind};

/// One handler range, offsets in bytes, `end` exclusive (dis's `_ExceptionTableEntry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ExceptionEntry {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub depth: u32,
    pub lasti: bool,
}

/// Parses `bytes` like dis: a table cut off inside an entry ends the list (dis stops at the
/// StopIteration), dropping the partial entry. Values beyond 32 bits are an error.
pub fn parse(bytes: &[u8]) -> Result<Vec<ExceptionEntry>, DecodeError> {
    let mut out = Vec::with_capacity(bytes.len() / 4);
    let mut pos = 0usize;
    loop {
        let entry_pos = pos;
        let Some(start) = varint(bytes, &mut pos)? else {
            break;
        };
        let Some(length) = varint(bytes, &mut pos)? else {
            break;
        };
        let Some(target) = varint(bytes, &mut pos)? else {
            break;
        };
        let Some(dl) = varint(bytes, &mut pos)? else {
            break;
        };
        let overflow = || DecodeError::new(DecodeErrorKind::ExceptionTableOverflow, entry_pos);
        let start = start.checked_mul(2).ok_or_else(overflow)?;
        let length = length.checked_mul(2).ok_or_else(overflow)?;
        out.push(ExceptionEntry {
            start,
            end: start.checked_add(length).ok_or_else(overflow)?,
            target: target.checked_mul(2).ok_or_else(overflow)?,
            depth: dl >> 1,
            lasti: dl & 1 != 0,
        });
    }
    Ok(out)
}

/// dis's `_parse_varint`; `None` when the bytes run out.
fn varint(bytes: &[u8], pos: &mut usize) -> Result<Option<u32>, DecodeError> {
    let start = *pos;
    let Some(&first) = bytes.get(*pos) else {
        return Ok(None);
    };
    *pos += 1;
    let mut b = first;
    let mut val = u32::from(b & 63);
    while b & 64 != 0 {
        let Some(&next) = bytes.get(*pos) else {
            return Ok(None);
        };
        *pos += 1;
        b = next;
        if val > (u32::MAX >> 6) {
            return Err(DecodeError::new(
                DecodeErrorKind::ExceptionTableOverflow,
                start,
            ));
        }
        val = (val << 6) | u32::from(b & 63);
    }
    Ok(Some(val))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_entries_and_stops_at_a_partial_one() {
        // start 2, length 0x45 (two groups: 1, 5), target 10, depth 1 with lasti.
        let table = [0x82, 0x41, 0x05, 0x0a, 0x03, 0x80];
        let got = parse(&table).expect("parses");
        assert_eq!(
            got,
            vec![ExceptionEntry {
                start: 4,
                end: 4 + 0x45 * 2,
                target: 20,
                depth: 1,
                lasti: true
            }]
        );
        assert_eq!(parse(&[]).expect("empty"), vec![]);
        // A varint cut off after its continuation bit.
        assert_eq!(parse(&[0xc1]).expect("cut"), vec![]);
    }

    #[test]
    fn oversized_values_are_errors_not_panics() {
        let table = [0xff, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x3f, 0, 0, 0];
        let err = parse(&table).expect_err("too wide");
        assert_eq!(err.kind, DecodeErrorKind::ExceptionTableOverflow);
    }
}
