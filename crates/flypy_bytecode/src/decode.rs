//! Instruction-stream decoding: 2.7 variable-length code, 3.6+ wordcode, EXTENDED_ARG, 3.11+ inline caches.
//!
//! [`decode`] yields exactly the sequence `dis._unpack_opargs` yields for the version (2.7 has
//! no such function; its `disassemble` loop is followed instead), including each version's
//! quirks in how `EXTENDED_ARG` accumulates:
//!
//! - 2.7: 1-byte ops below `HAVE_ARGUMENT`, 3-byte ops above; `EXTENDED_ARG` sets
//!   `arg * 65536` for the next op that takes an argument (no-argument ops in between keep it).
//! - 3.6–3.9: wordcode, `extended_arg = arg << 8`; no-argument ops keep the pending prefix.
//! - 3.10: as 3.6 but a no-argument op clears the pending prefix.
//! - 3.11+: the deoptimised op decides the argument and the inline CACHE units to skip; the
//!   pending prefix wraps to a negative number once it reaches 2**31 (dis's `_INT_OVERFLOW`).

use crate::table::{OpFlags, OpcodeTable};
use flypy_marshal::PyVersion;

/// One instruction as `_unpack_opargs` yields it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawInstr {
    /// Byte offset in `co_code`.
    pub offset: u32,
    /// The opcode byte as stored (specialised ops are not deoptimised here).
    pub opcode: u8,
    /// The cumulative argument as dis computes it, `None` for ops without one. On 3.11+ dis
    /// treats it as a signed 32-bit number: a negative value is stored as its two's complement
    /// bits (see [`RawInstr::arg_value`]).
    pub arg: Option<u32>,
    /// Bytes of the instruction itself (2.7: 1 or 3; 3.6+: 2), caches excluded. Only a
    /// truncated trailing op of odd-length code is shorter.
    pub size: u32,
    /// 3.11+: CACHE code units that follow it (those of the deoptimised op, as dis skips them).
    /// This is the table's count even when the code ends early, as in dis; index with `get`.
    pub cache_units: u32,
}

impl RawInstr {
    /// The argument as the Python integer dis shows: on 3.11+ the stored bits read as `i32`.
    pub fn arg_value(&self, version: PyVersion) -> Option<i64> {
        let arg = self.arg?;
        Some(if version.profile().signed_oparg {
            // Reinterpreting the bits is the point: dis wraps the value to a signed int.
            i64::from(arg as i32)
        } else {
            i64::from(arg)
        })
    }

    /// Byte offset just past the instruction and its caches.
    pub fn next_offset(&self) -> u32 {
        self.offset
            .saturating_add(self.size)
            .saturating_add(self.cache_units.saturating_mul(2))
    }
}

/// What went wrong, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("byte offset {offset}: {kind}")]
pub struct DecodeError {
    pub kind: DecodeErrorKind,
    pub offset: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeErrorKind {
    /// The code ends inside an instruction's argument bytes (dis raises IndexError).
    #[error("instruction argument cut off by the end of the code")]
    TruncatedArgument,
    /// EXTENDED_ARG prefixes build an argument beyond 32 bits (Python would carry on with a
    /// big integer; no real code object has one).
    #[error("EXTENDED_ARG prefixes make an argument wider than 32 bits")]
    ArgumentOverflow,
    /// The code is longer than 4 GiB, beyond what offsets in u32 describe.
    #[error("code longer than 4 GiB")]
    TooLong,
    /// An exception-table varint is wider than 32 bits.
    #[error("exception table value wider than 32 bits")]
    ExceptionTableOverflow,
}

impl DecodeError {
    pub(crate) fn new(kind: DecodeErrorKind, offset: usize) -> Self {
        Self {
            kind,
            offset: u32::try_from(offset).unwrap_or(u32::MAX),
        }
    }
}

/// Decodes `code` (`co_code`) as CPython `version`'s dis does, with that version's `table`.
pub fn decode(
    code: &[u8],
    version: PyVersion,
    table: &OpcodeTable,
) -> Result<Vec<RawInstr>, DecodeError> {
    if u32::try_from(code.len()).is_err() {
        return Err(DecodeError::new(DecodeErrorKind::TooLong, 0));
    }
    if version.major < 3 {
        decode_27(code, table)
    } else if version.profile().inline_caches {
        decode_311(code, version, table)
    } else {
        decode_36(code, version, table)
    }
}

fn offset32(i: usize) -> u32 {
    // decode() rejected code longer than u32::MAX, so offsets always fit.
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// 2.7 `dis.disassemble`: `oparg = lo + hi*256 + extended_arg`, reset after every op that
/// takes an argument; EXTENDED_ARG sets `oparg * 65536`.
fn decode_27(code: &[u8], table: &OpcodeTable) -> Result<Vec<RawInstr>, DecodeError> {
    let mut out = Vec::with_capacity(code.len() / 2);
    let mut extended: u64 = 0;
    let mut i = 0usize;
    while let Some(&op) = code.get(i) {
        if op >= table.have_argument {
            let (Some(&lo), Some(&hi)) = (code.get(i + 1), code.get(i + 2)) else {
                return Err(DecodeError::new(DecodeErrorKind::TruncatedArgument, i));
            };
            let arg = (u64::from(lo) | (u64::from(hi) << 8)) + extended;
            let arg = u32::try_from(arg)
                .map_err(|_| DecodeError::new(DecodeErrorKind::ArgumentOverflow, i))?;
            extended = if op == table.extended_arg {
                u64::from(arg) << 16
            } else {
                0
            };
            out.push(RawInstr {
                offset: offset32(i),
                opcode: op,
                arg: Some(arg),
                size: 3,
                cache_units: 0,
            });
            i += 3;
        } else {
            out.push(RawInstr {
                offset: offset32(i),
                opcode: op,
                arg: None,
                size: 1,
                cache_units: 0,
            });
            i += 1;
        }
    }
    Ok(out)
}

/// 3.6–3.10 wordcode.
fn decode_36(
    code: &[u8],
    version: PyVersion,
    table: &OpcodeTable,
) -> Result<Vec<RawInstr>, DecodeError> {
    // 3.10 added `extended_arg = 0` on the no-argument branch.
    let reset_on_noarg = version.profile().extended_arg_reset_on_noarg;
    let mut out = Vec::with_capacity(code.len() / 2);
    let mut extended: u64 = 0;
    for (idx, unit) in code.chunks(2).enumerate() {
        let i = idx * 2;
        let op = unit.first().copied().unwrap_or(0);
        if op >= table.have_argument {
            let Some(&lo) = unit.get(1) else {
                return Err(DecodeError::new(DecodeErrorKind::TruncatedArgument, i));
            };
            let arg = u64::from(lo) | extended;
            let arg = u32::try_from(arg)
                .map_err(|_| DecodeError::new(DecodeErrorKind::ArgumentOverflow, i))?;
            extended = if op == table.extended_arg {
                u64::from(arg) << 8
            } else {
                0
            };
            out.push(RawInstr {
                offset: offset32(i),
                opcode: op,
                arg: Some(arg),
                size: 2,
                cache_units: 0,
            });
        } else {
            if reset_on_noarg {
                extended = 0;
            }
            out.push(RawInstr {
                offset: offset32(i),
                opcode: op,
                arg: None,
                size: offset32(unit.len()),
                cache_units: 0,
            });
        }
    }
    Ok(out)
}

/// 3.11+: `_deoptop`, inline caches, and the signed 32-bit wrap of the pending prefix.
fn decode_311(
    code: &[u8],
    version: PyVersion,
    table: &OpcodeTable,
) -> Result<Vec<RawInstr>, DecodeError> {
    const INT_OVERFLOW: i64 = 1 << 31;
    // 3.11 tests `deop >= HAVE_ARGUMENT`, 3.12+ `deop in hasarg`.
    let uses_hasarg = version.profile().hasarg_list;
    let mut out = Vec::with_capacity(code.len() / 2);
    let mut extended: i64 = 0;
    // Code units are visited in steps over each instruction's caches, as dis's loop skips
    // them; a last odd byte is a unit of its own.
    let mut i = 0usize;
    while let Some(&op) = code.get(i) {
        let deop = table.deopt[usize::from(op)];
        let caches = u32::from(table.cache_entries[usize::from(deop)]);
        let has_arg = if uses_hasarg {
            table.flags(deop).has(OpFlags::ARG)
        } else {
            deop >= table.have_argument
        };
        let lo = code.get(i + 1).copied();
        let arg = if has_arg {
            let Some(lo) = lo else {
                return Err(DecodeError::new(DecodeErrorKind::TruncatedArgument, i));
            };
            let arg = i64::from(lo) | extended;
            let arg = i32::try_from(arg)
                .map_err(|_| DecodeError::new(DecodeErrorKind::ArgumentOverflow, i))?;
            extended = if deop == table.extended_arg {
                let mut e = i64::from(arg) << 8;
                if e >= INT_OVERFLOW {
                    e -= 2 * INT_OVERFLOW;
                }
                e
            } else {
                0
            };
            // Two's complement bits of the signed value; see RawInstr::arg_value.
            Some(arg as u32)
        } else {
            extended = 0;
            None
        };
        out.push(RawInstr {
            offset: offset32(i),
            opcode: op,
            arg,
            size: if lo.is_some() { 2 } else { 1 },
            cache_units: caches,
        });
        i = i.saturating_add(2 + 2 * caches as usize);
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small hand-made table: HAVE_ARGUMENT 90, EXTENDED_ARG 144 (3.6–3.10 numbering),
    /// op 100 takes 2 cache units, op 200 is a "specialised" 100, op 9 has none.
    pub(crate) fn test_table(version: (u8, u8)) -> OpcodeTable {
        let mut flags = [OpFlags(0); 256];
        for (op, f) in flags.iter_mut().enumerate() {
            if op >= 90 && op != 200 {
                *f = OpFlags(OpFlags::ARG);
            }
        }
        let mut deopt = [0u8; 256];
        for (op, d) in deopt.iter_mut().enumerate() {
            *d = op as u8;
        }
        let mut cache_entries = [0u8; 256];
        if version >= (3, 11) {
            cache_entries[100] = 2;
            deopt[200] = 100;
        }
        OpcodeTable {
            version,
            versions: &[],
            opname: ["<op>"; 256],
            specialized_opname: ["<op>"; 256],
            cache_format: [&[]; 256],
            flags,
            cache_entries,
            deopt,
            have_argument: 90,
            extended_arg: if version == (2, 7) { 145 } else { 144 },
            cmp_op: &[],
            nb_ops: &[],
            intrinsic1: &[],
            intrinsic2: &[],
            common_constants: &[],
            special_method_names: &[],
            function_attr_flags: &[],
        }
    }

    fn ri(offset: u32, opcode: u8, arg: Option<u32>, size: u32, cache_units: u32) -> RawInstr {
        RawInstr {
            offset,
            opcode,
            arg,
            size,
            cache_units,
        }
    }

    #[test]
    fn py27_variable_length_and_extended_arg() {
        let t = test_table((2, 7));
        let v = PyVersion::new(2, 7);
        // The sequence dis printed above under 2.7: EXTENDED_ARG 1, LOAD_CONST 65536L,
        // POP_TOP, STOP_CODE, RETURN_VALUE.
        let code = [145, 1, 0, 100, 0, 0, 1, 0, 83];
        let got = decode(&code, v, &t).expect("decodes");
        assert_eq!(
            got,
            vec![
                ri(0, 145, Some(1), 3, 0),
                ri(3, 100, Some(65536), 3, 0),
                ri(6, 1, None, 1, 0),
                ri(7, 0, None, 1, 0),
                ri(8, 83, None, 1, 0),
            ]
        );
        // The prefix survives no-argument ops in between.
        let got = decode(&[145, 2, 0, 1, 100, 3, 0], v, &t).expect("decodes");
        assert_eq!(got[2], ri(4, 100, Some(2 * 65536 + 3), 3, 0));
        let err = decode(&[100, 1], v, &t).expect_err("truncated");
        assert_eq!(err.offset, 0);
        assert_eq!(err.kind, DecodeErrorKind::TruncatedArgument);
        let err = decode(&[145, 0, 1, 145, 0, 1, 100, 0, 0], v, &t).expect_err("too wide");
        assert_eq!(
            (err.kind, err.offset),
            (DecodeErrorKind::ArgumentOverflow, 6)
        );
    }

    #[test]
    fn py36_to_310_prefix_rules() {
        let code = [144, 1, 9, 0, 100, 2];
        let t = test_table((3, 9));
        let got = decode(&code, PyVersion::new(3, 9), &t).expect("decodes");
        // 3.6–3.9 keep the prefix over a no-argument op.
        assert_eq!(got[2], ri(4, 100, Some(0x102), 2, 0));
        let t = test_table((3, 10));
        let got = decode(&code, PyVersion::new(3, 10), &t).expect("decodes");
        assert_eq!(got[2], ri(4, 100, Some(2), 2, 0));
        // Odd length: a trailing no-argument op is yielded, a trailing argument op is cut off.
        let got = decode(&[9, 0, 9], PyVersion::new(3, 10), &t).expect("decodes");
        assert_eq!(got[1], ri(2, 9, None, 1, 0));
        let err = decode(&[9, 0, 100], PyVersion::new(3, 10), &t).expect_err("cut");
        assert_eq!(err.offset, 2);
        let wide = [144, 1, 144, 0, 144, 0, 144, 0, 100, 0];
        let err = decode(&wide, PyVersion::new(3, 10), &t).expect_err("wide");
        assert_eq!(
            (err.kind, err.offset),
            (DecodeErrorKind::ArgumentOverflow, 8)
        );
    }

    #[test]
    fn py311_caches_deopt_and_signed_wrap() {
        let t = test_table((3, 11));
        let v = PyVersion::new(3, 11);
        // 100 with 2 caches, then specialised 200 (deopt 100: argument and caches of 100).
        let code = [100, 1, 0, 0, 0, 0, 200, 7, 0, 0, 0, 0, 9, 0];
        let got = decode(&code, v, &t).expect("decodes");
        assert_eq!(
            got,
            vec![
                ri(0, 100, Some(1), 2, 2),
                ri(6, 200, Some(7), 2, 2),
                ri(12, 9, None, 2, 0)
            ]
        );
        // 0xff 0xff 0xff: the prefix reaches 2**31 and wraps negative, as in dis.
        let code = [144, 0xff, 144, 0xff, 144, 0xff, 144, 0xff, 90, 0x10];
        let got = decode(&code, v, &t).expect("decodes");
        assert_eq!(got[3].arg_value(v), Some(-1));
        assert_eq!(got[4].arg_value(v), Some(-240));
        // Caches running past the end are skipped silently (range() just ends).
        let got = decode(&[100, 0, 0], v, &t).expect("decodes");
        assert_eq!(got, vec![ri(0, 100, Some(0), 2, 2)]);
    }
}
