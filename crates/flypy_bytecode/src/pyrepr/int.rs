//! Decimal text of integers: `i64` directly, marshal's base-2**15 big integers through
//! base-10**9 limbs (see `decimal` for the conversion).

use flypy_marshal::BigInt;

/// Appends the decimal digits of `digits` (base 2**15, least significant first), with a
/// `-` when `negative` and the magnitude is non-zero. Returns the number of decimal digits
/// written (without the sign), which the 3.11+ digit limit is checked against.
pub fn write_big(out: &mut String, big: &BigInt) -> usize {
    let limbs = super::decimal::to_decimal(&to_words30(&big.digits));
    let Some((&top, rest)) = limbs.split_last() else {
        out.push('0');
        return 1;
    };
    if big.negative {
        out.push('-');
    }
    let head_len = write_u64(out, u64::from(top));
    out.reserve(rest.len() * 9);
    for &limb in rest.iter().rev() {
        write_nine(out, limb);
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

/// Regroups base-2**15 digits into base-2**30 words (both least significant first), without
/// leading zero words.
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
    words
}

/// "00" to "99": digits are appended from here two at a time as `&str`, which needs no UTF-8
/// validation (this is the hot path of every integer argument in a listing).
const PAIRS: &str = "0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

fn push_pair(out: &mut String, pair: u64) {
    let i = pair as usize * 2;
    out.push_str(PAIRS.get(i..i + 2).unwrap_or("??"));
}

/// Appends `n` in decimal; returns the number of digits.
pub fn write_u64(out: &mut String, mut n: u64) -> usize {
    // Base-100 digits, least significant first: a u64 has at most 10 of them.
    let mut pairs = [0u8; 10];
    let mut k = 0;
    while n >= 100 {
        if let Some(p) = pairs.get_mut(k) {
            *p = (n % 100) as u8;
        }
        n /= 100;
        k += 1;
    }
    let lead = if n >= 10 {
        push_pair(out, n);
        2
    } else {
        out.push(char::from(b'0' + n as u8));
        1
    };
    for &p in pairs.get(..k).unwrap_or_default().iter().rev() {
        push_pair(out, u64::from(p));
    }
    lead + 2 * k
}

/// Appends a base-10**9 limb as exactly nine digits, leading zeros included.
fn write_nine(out: &mut String, limb: u32) {
    let limb = u64::from(limb);
    out.push(char::from(b'0' + (limb / 100_000_000 % 10) as u8));
    let low = limb % 100_000_000;
    push_pair(out, low / 1_000_000);
    push_pair(out, low / 10_000 % 100);
    push_pair(out, low / 100 % 100);
    push_pair(out, low % 100);
}

/// Appends `n` in decimal.
pub fn write_i64(out: &mut String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    write_u64(out, n.unsigned_abs());
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
    fn u64_digits() {
        for v in [
            0u64,
            7,
            10,
            99,
            100,
            101,
            999,
            1000,
            123_456,
            10u64.pow(19),
            u64::MAX,
        ] {
            let mut s = String::new();
            let n = write_u64(&mut s, v);
            assert_eq!(s, v.to_string());
            assert_eq!(n, s.len());
        }
        let mut s = String::new();
        write_nine(&mut s, 1_002_003);
        assert_eq!(s, "001002003");
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
