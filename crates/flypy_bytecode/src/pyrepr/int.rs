//! Decimal text of integers: `i64` directly, marshal's base-2**15 big integers by
//! converting to base 10**9 limbs (CPython's own scheme), so a constant of thousands of
//! digits costs microseconds.

use flypy_marshal::BigInt;

const LIMB: u64 = 1_000_000_000;

/// Appends the decimal digits of `digits` (base 2**15, least significant first), with a
/// `-` when `negative` and the magnitude is non-zero. Returns the number of decimal digits
/// written (without the sign), which the 3.11+ digit limit is checked against.
pub fn write_big(out: &mut String, big: &BigInt) -> usize {
    // Regroup the 15-bit digits into 30-bit words, most significant first.
    let words = to_words30(&big.digits);
    let mut limbs: Vec<u32> = Vec::with_capacity(words.len() * 30 / 29 + 1);
    for &w in &words {
        let mut carry = u64::from(w);
        for limb in limbs.iter_mut() {
            let t = (u64::from(*limb) << 30) | carry;
            carry = t / LIMB;
            // The remainder is below 10**9, so it fits.
            *limb = (t - carry * LIMB) as u32;
        }
        while carry != 0 {
            limbs.push((carry % LIMB) as u32);
            carry /= LIMB;
        }
    }
    let Some((&top, rest)) = limbs.split_last() else {
        out.push('0');
        return 1;
    };
    if big.negative {
        out.push('-');
    }
    let mut buf = itoa_buf();
    let head = format_u64(&mut buf, u64::from(top));
    let head_len = head.len();
    out.push_str(head);
    out.reserve(rest.len() * 9);
    for &limb in rest.iter().rev() {
        let text = format_u64(&mut buf, u64::from(limb));
        for _ in text.len()..9 {
            out.push('0');
        }
        out.push_str(text);
    }
    head_len + rest.len() * 9
}

/// The value as i64 when it fits (marshal may store a small number as a long).
pub fn big_to_i64(big: &BigInt) -> Option<i64> {
    let mut mag: u64 = 0;
    for &d in big.digits.iter().rev() {
        if mag >> 49 != 0 {
            return None;
        }
        mag = (mag << 15) | u64::from(d & 0x7FFF);
    }
    if big.negative {
        0i64.checked_sub_unsigned(mag)
    } else {
        i64::try_from(mag).ok()
    }
}

/// Regroups base-2**15 digits (least significant first) into base-2**30 words, most
/// significant first, without leading zero words.
fn to_words30(digits: &[u16]) -> Vec<u32> {
    let mut words: Vec<u32> = digits
        .chunks(2)
        .map(|pair| {
            let lo = u32::from(pair.first().copied().unwrap_or(0) & 0x7FFF);
            let hi = u32::from(pair.get(1).copied().unwrap_or(0) & 0x7FFF);
            lo | (hi << 15)
        })
        .collect();
    while words.last() == Some(&0) {
        words.pop();
    }
    words.reverse();
    words
}

/// A stack buffer for one `u64` in decimal.
pub type ItoaBuf = [u8; 20];

pub fn itoa_buf() -> ItoaBuf {
    [0; 20]
}

/// The decimal digits of `n`, written into the end of `buf`.
pub fn format_u64(buf: &mut ItoaBuf, mut n: u64) -> &str {
    let mut pos = buf.len();
    loop {
        pos -= 1;
        if let Some(slot) = buf.get_mut(pos) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || pos == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    std::str::from_utf8(buf.get(pos..).unwrap_or_default()).unwrap_or_default()
}

/// Appends `n` in decimal.
pub fn write_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    let mut buf = itoa_buf();
    out.push_str(format_u64(&mut buf, n.unsigned_abs()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big_from_u128(negative: bool, mut v: u128) -> BigInt {
        let mut digits = Vec::new();
        while v != 0 {
            digits.push((v & 0x7FFF) as u16);
            v >>= 15;
        }
        BigInt { negative, digits }
    }

    fn text(b: &BigInt) -> String {
        let mut s = String::new();
        write_big(&mut s, b);
        s
    }

    #[test]
    fn matches_native_formatting() {
        for v in [
            0u128,
            1,
            999_999_999,
            1_000_000_000,
            u128::from(u64::MAX),
            u128::MAX,
            10u128.pow(27),
            10u128.pow(27) - 1,
        ] {
            assert_eq!(text(&big_from_u128(false, v)), v.to_string());
            let neg = if v == 0 {
                "0".to_owned()
            } else {
                format!("-{v}")
            };
            assert_eq!(text(&big_from_u128(true, v)), neg);
        }
    }

    #[test]
    fn powers_of_two_of_many_digits() {
        // 2**300 has a known decimal form (checked with Python).
        let mut digits = vec![0u16; 20];
        digits.push(1);
        let b = BigInt {
            negative: false,
            digits,
        };
        assert_eq!(
            text(&b),
            "2037035976334486086268445688409378161051468393665936250636140449354381299763336706183397376"
        );
    }

    #[test]
    fn i64_round_trip() {
        assert_eq!(
            big_to_i64(&big_from_u128(true, 1u128 << 63)),
            Some(i64::MIN)
        );
        assert_eq!(big_to_i64(&big_from_u128(false, 1u128 << 63)), None);
        assert_eq!(big_to_i64(&big_from_u128(false, 12345)), Some(12345));
        let mut s = String::new();
        write_i64(&mut s, i64::MIN);
        assert_eq!(s, i64::MIN.to_string());
    }
}
