//! CPython's `hash()` of constant values under `PYTHONHASHSEED=0`, per version: what decides
//! where a set element lands in the hash table, hence the order `repr` lists a frozenset in.
//!
//! With seed 0 CPython zeroes its hash secret, so `str`/`bytes` hashing is keyed SipHash with
//! a zero key: SipHash-2-4 in 3.4–3.10, SipHash-1-3 from 3.11 (`sys.hash_info.algorithm`).
//! 2.7 uses its multiplicative string hash with a zero prefix and suffix. Numbers hash by
//! value so equal numbers of different types agree: modulo 2**61-1 in Python 3, the C long
//! value (longs modulo 2**64-1) in 2.7. Values whose hash is an address (`None` before 3.12,
//! `Ellipsis`, code objects) have no predictable hash: `None` is returned for them.

use flypy_marshal::{BigInt, Object, PyStr, PyVersion};

/// Python 3's numeric hash modulus, 2**61 - 1.
const MODULUS: u64 = (1 << 61) - 1;
const HASH_BITS: u32 = 61;
const HASH_INF: i64 = 314_159;
const HASH_IMAG: u64 = 1_000_003;

/// `hash(obj)` as `version` computes it with `PYTHONHASHSEED=0`, or `None` when it is not
/// predictable (address-based) or the object is unhashable.
pub fn hash(obj: &Object, version: PyVersion) -> Option<i64> {
    let py2 = version.major < 3;
    Some(match obj {
        Object::False => 0,
        Object::True => 1,
        Object::None if version.profile().hash_none_constant => 0xFCA8_6420,
        Object::Int(v) if py2 => fix_minus_one(*v),
        Object::Int(v) => hash_i64(*v),
        Object::Long(big) if py2 => hash_long_py2(big),
        Object::Long(big) => hash_big(big),
        Object::Float(x) if py2 => hash_float_py2(*x)?,
        Object::Float(x) => hash_float(*x)?,
        Object::Complex(re, im) => {
            let (hr, hi) = if py2 {
                (hash_float_py2(*re)?, hash_float_py2(*im)?)
            } else {
                (hash_float(*re)?, hash_float(*im)?)
            };
            let combined = (hr as u64).wrapping_add(HASH_IMAG.wrapping_mul(hi as u64));
            fix_minus_one(combined as i64)
        }
        Object::Bytes(b) if py2 => hash_bytes_py2(b),
        Object::Bytes(b) => hash_bytes(b, version),
        Object::Str(s) if py2 => hash_unicode_py2(s),
        Object::Str(s) => hash_str(s, version),
        Object::Tuple(items) => hash_tuple(items, version)?,
        Object::FrozenSet(items) => {
            super::settable::frozenset_hash(items, &element_hashes(items, version)?, version)?
        }
        _ => return None,
    })
}

/// CPython reserves -1 for errors, so a hash of -1 becomes -2.
fn fix_minus_one(h: i64) -> i64 {
    if h == -1 {
        -2
    } else {
        h
    }
}

fn hash_i64(v: i64) -> i64 {
    let m = (v.unsigned_abs() % MODULUS) as i64;
    fix_minus_one(if v < 0 { -m } else { m })
}

/// `|v| mod (2**61-1)` with v's sign: what CPython's digit loop computes.
fn hash_big(big: &BigInt) -> i64 {
    let mut x: u64 = 0;
    for &d in big.digits.iter().rev() {
        x = ((u128::from(x) << 15 | u128::from(d & 0x7FFF)) % u128::from(MODULUS)) as u64;
    }
    let m = x as i64;
    fix_minus_one(if big.negative { -m } else { m })
}

/// 2.7 `long_hash`: the magnitude modulo 2**64-1, kept in 1..=2**64-1 when non-zero.
fn hash_long_py2(big: &BigInt) -> i64 {
    let mut x: u64 = 0;
    for &d in big.digits.iter().rev() {
        let d = u64::from(d & 0x7FFF);
        x = x.rotate_left(15);
        let (sum, overflow) = x.overflowing_add(d);
        x = if overflow { sum + 1 } else { sum };
    }
    let signed = if big.negative { x.wrapping_neg() } else { x };
    fix_minus_one(signed as i64)
}

/// Splits finite `|x|` into its integer mantissa and power of two: `|x| = mant * 2**exp`.
pub(super) fn decompose(x: f64) -> (u64, i32) {
    let bits = x.abs().to_bits();
    let exp_bits = ((bits >> 52) & 0x7FF) as i32;
    let frac = bits & ((1 << 52) - 1);
    if exp_bits == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp_bits - 1075)
    }
}

/// Python 3 `_Py_HashDouble`: the value modulo 2**61-1 (as a rational), so integral floats
/// hash like ints. NaN hashes by identity from 3.10 (unpredictable), to 0 before.
fn hash_float(x: f64) -> Option<i64> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 { HASH_INF } else { -HASH_INF });
    }
    if x == 0.0 {
        return Some(0);
    }
    let (mant, exp) = decompose(x);
    // 2**61 ≡ 1, so multiplying by 2**exp is a rotation by exp mod 61 within 61 bits.
    let rot = exp.rem_euclid(HASH_BITS as i32) as u32;
    let m = mant % MODULUS;
    let r = ((u128::from(m) << rot) % u128::from(MODULUS)) as i64;
    Some(fix_minus_one(if x < 0.0 { -r } else { r }))
}

/// 2.7 `_Py_HashDouble`: integral values hash as the equal int/long, others from the
/// `frexp` mantissa split in two 31-bit halves.
fn hash_float_py2(x: f64) -> Option<i64> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 { 314_159 } else { -271_828 });
    }
    if x.fract() == 0.0 {
        let half = (i64::MAX / 2) as f64;
        if x > half || -x > half {
            let (mant, exp) = decompose(x);
            let digits = mantissa_digits(mant, exp);
            return Some(hash_long_py2(&BigInt {
                negative: x < 0.0,
                digits,
            }));
        }
        return Some(fix_minus_one(x as i64));
    }
    // frexp: x = m * 2**e with 0.5 <= |m| < 1.
    let (mant, exp) = decompose(x);
    let shift = 64 - mant.leading_zeros() as i32;
    let e = exp + shift;
    let m = (mant as f64) / 2f64.powi(shift) * if x < 0.0 { -1.0 } else { 1.0 };
    let v = m * 2_147_483_648.0;
    let hipart = v as i64;
    let v2 = (v - hipart as f64) * 2_147_483_648.0;
    let h = hipart
        .wrapping_add(v2 as i64)
        .wrapping_add(i64::from(e) << 15);
    Some(fix_minus_one(h))
}

/// Base-2**15 digits of `mant * 2**exp` (exp >= 0 here: the value is integral and large).
fn mantissa_digits(mant: u64, exp: i32) -> Vec<u16> {
    let shift = exp.max(0) as usize;
    let mut digits = vec![0u16; shift / 15];
    let mut v = u128::from(mant) << (shift % 15);
    while v != 0 {
        digits.push((v & 0x7FFF) as u16);
        v >>= 15;
    }
    digits
}

/// 2.7 `string_hash` with a zero secret: FNV-like, 0 for the empty string.
fn hash_units_py2(first: Option<u32>, units: impl Iterator<Item = u32>, len: usize) -> i64 {
    let Some(first) = first else {
        return 0;
    };
    let mut x: i64 = i64::from(first) << 7;
    for u in units {
        x = 1_000_003i64.wrapping_mul(x) ^ i64::from(u);
    }
    x ^= len as i64;
    fix_minus_one(x)
}

fn hash_bytes_py2(b: &[u8]) -> i64 {
    hash_units_py2(
        b.first().map(|&c| u32::from(c)),
        b.iter().map(|&c| u32::from(c)),
        b.len(),
    )
}

fn hash_unicode_py2(s: &PyStr) -> i64 {
    let len = s.code_points().count();
    hash_units_py2(s.code_points().next(), s.code_points(), len)
}

/// Python 3 `bytes` hash: keyed SipHash of the bytes, 0 for empty.
fn hash_bytes(b: &[u8], version: PyVersion) -> i64 {
    if b.is_empty() {
        return 0;
    }
    let rounds = if version.profile().siphash13 { 1 } else { 2 };
    fix_minus_one(siphash(b, rounds) as i64)
}

/// Python 3 `str` hash: SipHash of the PEP 393 storage (1, 2 or 4 bytes per code point by
/// the widest code point, little-endian), 0 for empty.
fn hash_str(s: &PyStr, version: PyVersion) -> i64 {
    // ASCII text is stored one byte per code point: hash the bytes as they are.
    if s.as_bytes().is_ascii() {
        return hash_bytes(s.as_bytes(), version);
    }
    let max = s.code_points().max().unwrap_or(0);
    let data: Vec<u8> = if max < 0x100 {
        s.code_points().map(|c| c as u8).collect()
    } else if max < 0x10000 {
        s.code_points()
            .flat_map(|c| (c as u16).to_le_bytes())
            .collect()
    } else {
        s.code_points().flat_map(u32::to_le_bytes).collect()
    };
    hash_bytes(&data, version)
}

/// The hashes of `items` as the set table holds them, `None` when one is not predictable.
pub fn element_hashes(items: &[Object], version: PyVersion) -> Option<Vec<u64>> {
    items
        .iter()
        .map(|o| hash(o, version).map(|h| h as u64))
        .collect()
}

/// `tuple.__hash__`: xxHash-based from 3.8, the multiplicative scheme before.
fn hash_tuple(items: &[Object], version: PyVersion) -> Option<i64> {
    if version.profile().tuple_hash_xxhash {
        const P1: u64 = 11_400_714_785_074_694_791;
        const P2: u64 = 14_029_467_366_897_019_727;
        const P5: u64 = 2_870_177_450_012_600_261;
        let mut acc = P5;
        for item in items {
            let lane = hash(item, version)? as u64;
            acc = acc.wrapping_add(lane.wrapping_mul(P2));
            acc = acc.rotate_left(31);
            acc = acc.wrapping_mul(P1);
        }
        acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3_527_539));
        Some(if acc == u64::MAX {
            1_546_275_796
        } else {
            acc as i64
        })
    } else {
        let mut x: u64 = 0x345678;
        let mut mult: u64 = 1_000_003;
        let mut len = items.len() as u64;
        for item in items {
            len -= 1;
            let y = hash(item, version)? as u64;
            x = (x ^ y).wrapping_mul(mult);
            mult = mult.wrapping_add(82_520 + len + len);
        }
        x = x.wrapping_add(97_531);
        Some(fix_minus_one(x as i64))
    }
}

/// SipHash with a zero key and `c` compression rounds (2 or 1), 4 or 3 finalisation rounds.
fn siphash(data: &[u8], c: usize) -> u64 {
    let d = if c == 2 { 4 } else { 3 };
    let (k0, k1) = (0u64, 0u64);
    let mut v = [
        k0 ^ 0x736f_6d65_7073_6575,
        k1 ^ 0x646f_7261_6e64_6f6d,
        k0 ^ 0x6c79_6765_6e65_7261,
        k1 ^ 0x7465_6462_7974_6573,
    ];
    let round = |v: &mut [u64; 4]| {
        v[0] = v[0].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(13);
        v[1] ^= v[0];
        v[0] = v[0].rotate_left(32);
        v[2] = v[2].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(16);
        v[3] ^= v[2];
        v[0] = v[0].wrapping_add(v[3]);
        v[3] = v[3].rotate_left(21);
        v[3] ^= v[0];
        v[2] = v[2].wrapping_add(v[1]);
        v[1] = v[1].rotate_left(17);
        v[1] ^= v[2];
        v[2] = v[2].rotate_left(32);
    };
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let m = u64::from_le_bytes(word);
        v[3] ^= m;
        for _ in 0..c {
            round(&mut v);
        }
        v[0] ^= m;
    }
    let mut last = [0u8; 8];
    for (slot, &b) in last.iter_mut().zip(chunks.remainder()) {
        *slot = b;
    }
    let b = u64::from_le_bytes(last) | ((data.len() as u64) << 56);
    v[3] ^= b;
    for _ in 0..c {
        round(&mut v);
    }
    v[0] ^= b;
    v[2] ^= 0xff;
    for _ in 0..d {
        round(&mut v);
    }
    v[0] ^ v[1] ^ v[2] ^ v[3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn s(text: &str) -> Object {
        Object::Str(Arc::new(PyStr::new(text)))
    }

    const V27: PyVersion = PyVersion::new(2, 7);
    const V310: PyVersion = PyVersion::new(3, 10);
    const V312: PyVersion = PyVersion::new(3, 12);

    // Expected values printed by the real interpreters with PYTHONHASHSEED=0.
    #[test]
    fn strings() {
        assert_eq!(hash(&s("a"), V310), Some(-7_583_489_610_679_606_711));
        assert_eq!(hash(&s("a"), V312), Some(4_644_417_185_603_328_019));
        assert_eq!(hash(&s(""), V312), Some(0));
    }

    fn big(negative: bool, pow2: usize) -> Object {
        let mut digits = vec![0u16; pow2 / 15];
        digits.push(1 << (pow2 % 15));
        Object::Long(Arc::new(BigInt { negative, digits }))
    }

    #[test]
    fn numbers() {
        assert_eq!(hash(&Object::Int(-1), V312), Some(-2));
        assert_eq!(hash(&Object::Int(i64::MIN), V312), Some(-4));
        assert_eq!(
            hash(&Object::Float(1.5), V312),
            Some(1_152_921_504_606_846_977)
        );
        assert_eq!(hash(&Object::Float(-2.0), V312), Some(-2));
        assert_eq!(
            hash(&Object::Float(1e300), V312),
            Some(1_224_995_262_755_759_164)
        );
        assert_eq!(
            hash(&Object::Float(0.1), V312),
            Some(230_584_300_921_369_408)
        );
        assert_eq!(hash(&big(false, 100), V312), Some(549_755_813_888));
        assert_eq!(hash(&big(true, 100), V312), Some(-549_755_813_888));
        assert_eq!(hash(&Object::Complex(1.0, 2.0), V312), Some(2_000_007));
        assert_eq!(hash(&Object::None, V310), None);
        assert_eq!(hash(&Object::None, V312), Some(4_238_894_112));
    }

    #[test]
    fn numbers_27() {
        assert_eq!(hash(&Object::Float(1.5), V27), Some(1_610_645_504));
        assert_eq!(hash(&Object::Float(-2.0), V27), Some(-2));
        assert_eq!(
            hash(&Object::Float(1e300), V27),
            Some(8_474_648_701_417_850_880)
        );
        assert_eq!(
            hash(&Object::Float(-1e300), V27),
            Some(-8_474_648_701_417_850_880)
        );
        assert_eq!(hash(&Object::Float(0.1), V27), Some(2_576_882_278));
        assert_eq!(hash(&big(false, 100), V27), Some(68_719_476_736));
        assert_eq!(hash(&big(true, 100), V27), Some(-68_719_476_736));
        assert_eq!(hash(&Object::Complex(1.0, 2.0), V27), Some(2_000_007));
    }

    #[test]
    fn strings_bytes_tuples_frozensets() {
        let e_a = s("\u{e9}a");
        assert_eq!(hash(&e_a, V27), Some(29_824_178_921_268_248));
        assert_eq!(hash(&e_a, V310), Some(-8_116_163_087_453_035_501));
        assert_eq!(hash(&e_a, V312), Some(1_878_941_200_683_983_304));
        let xy = Object::Bytes(Arc::from(&b"xy"[..]));
        assert_eq!(hash(&xy, V27), Some(15_360_092_280_138_515));
        assert_eq!(hash(&xy, V310), Some(-3_011_726_315_591_293_687));
        assert_eq!(hash(&xy, V312), Some(3_581_425_560_630_879_266));
        let t = Object::Tuple(Arc::from(vec![Object::Int(1), Object::Int(2)]));
        assert_eq!(hash(&t, V27), Some(3_713_081_631_934_410_656));
        assert_eq!(hash(&t, V312), Some(-3_550_055_125_485_641_917));
        let fs = |a: Object| Object::FrozenSet(Arc::from(vec![Object::Int(1), a]));
        assert_eq!(
            hash(&fs(Object::Bytes(Arc::from(&b"a"[..]))), V27),
            Some(7_072_990_772_568_064_799)
        );
        assert_eq!(hash(&fs(s("a")), V310), Some(7_389_960_485_943_444_585));
        assert_eq!(hash(&fs(s("a")), V312), Some(6_198_228_035_823_778_356));
    }
}
