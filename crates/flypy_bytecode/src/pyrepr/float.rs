//! `repr` of floats and complex numbers: CPython's `'r'` format (shortest digits that
//! round-trip, David Gay's algorithm) laid out by `PyOS_double_to_string`'s rules.
//!
//! Rust's `{:e}` also prints the shortest round-tripping digits (choosing the closest on
//! ties, as Gay's mode 0 does), so only the layout is ours: exponent form when the decimal
//! exponent is below -4 or at least 16, at least two exponent digits with a sign, and `.0`
//! added to integral values for `float` but not inside `complex`.

use std::fmt::Write as _;

/// A fixed buffer `{:e}` formats into, so no heap allocation is made.
struct StackBuf {
    buf: [u8; 40],
    len: usize,
}

impl std::fmt::Write for StackBuf {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// How a sign is printed for non-negative values.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sign {
    OnlyMinus,
    Always,
}

/// Appends `x` as `repr(float)` prints it.
pub fn write_float(out: &mut String, x: f64) {
    write_r(out, x, true, Sign::OnlyMinus);
}

/// Appends `complex(re, im)` as `repr(complex)` prints it.
pub fn write_complex(out: &mut String, re: f64, im: f64) {
    if re == 0.0 && re.is_sign_positive() {
        write_r(out, im, false, Sign::OnlyMinus);
        out.push('j');
    } else {
        out.push('(');
        write_r(out, re, false, Sign::OnlyMinus);
        write_r(out, im, false, Sign::Always);
        out.push_str("j)");
    }
}

fn write_r(out: &mut String, x: f64, add_dot_0: bool, sign: Sign) {
    if x.is_nan() {
        // The sign of a NaN is never shown; `+` only when a sign is forced.
        if sign == Sign::Always {
            out.push('+');
        }
        out.push_str("nan");
        return;
    }
    if x.is_sign_negative() {
        out.push('-');
    } else if sign == Sign::Always {
        out.push('+');
    }
    if x.is_infinite() {
        out.push_str("inf");
        return;
    }
    // Fast path for integral values below 2**53: every integer there is a double, so the
    // shortest round-trip digits are the integer's own, printed without an exponent.
    let abs = x.abs();
    if abs < 9_007_199_254_740_992.0 && abs.fract() == 0.0 {
        super::int::write_u64(out, abs as u64);
        if add_dot_0 {
            out.push_str(".0");
        }
        return;
    }
    let mut sb = StackBuf {
        buf: [0; 40],
        len: 0,
    };
    if write!(sb, "{:e}", x.abs()).is_err() {
        // Cannot happen: 17 digits and an exponent fit in 40 bytes. Fall back to Display.
        let _ = write!(out, "{}", x.abs());
        return;
    }
    let text = sb.buf.get(..sb.len).unwrap_or_default();
    let (mantissa, exp) = match text.iter().position(|&b| b == b'e') {
        Some(e) => (
            text.get(..e).unwrap_or_default(),
            parse_exp(text.get(e + 1..).unwrap_or_default()),
        ),
        None => (text, 0),
    };
    // Digits without the point; decpt is where the point goes (value = 0.DIGITS * 10**decpt).
    let mut digits = [0u8; 24];
    let mut n = 0;
    for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
        if let Some(slot) = digits.get_mut(n) {
            *slot = b;
            n += 1;
        }
    }
    let digits = digits.get_mut(..n).unwrap_or_default();
    break_tie_to_even(digits, exp, x.abs());
    let digits = &*digits;
    let decpt = exp + 1;
    if decpt <= -4 || decpt > 16 {
        push_ascii(out, digits.get(..1).unwrap_or_default());
        if digits.len() > 1 {
            out.push('.');
            push_ascii(out, digits.get(1..).unwrap_or_default());
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        let _ = write!(out, "{e}");
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in 0..(-decpt) {
            out.push('0');
        }
        push_ascii(out, digits);
    } else {
        let point = decpt as usize;
        if digits.len() <= point {
            push_ascii(out, digits);
            for _ in digits.len()..point {
                out.push('0');
            }
            if add_dot_0 {
                out.push_str(".0");
            }
        } else {
            push_ascii(out, digits.get(..point).unwrap_or_default());
            out.push('.');
            push_ascii(out, digits.get(point..).unwrap_or_default());
        }
    }
}

/// Gay's shortest mode breaks an exact tie between two equally short, equally close digit
/// strings towards the even last digit (`-871574867011786.25` → `…786.2`); Rust's shortest
/// formatting may take the other one. A tie means the exact value of `x` is a decimal of one
/// digit more ending in 5; then the even neighbour is used when it reads back as `x`.
fn break_tie_to_even(digits: &mut [u8], exp: i32, x: f64) {
    let n = digits.len();
    let Some(&last) = digits.last() else {
        return;
    };
    if (last - b'0').is_multiple_of(2) {
        return;
    }
    let Some(exact) = exact_short_decimal(x) else {
        return;
    };
    if exact % 10 != 5 || decimal_len(exact) != n + 1 {
        return;
    }
    let lower = exact / 10;
    let even = if lower % 2 == 0 { lower } else { lower + 1 };
    if decimal_len(even) != n {
        return; // rounding up carried into a new digit: keep Rust's choice
    }
    let mut text = String::with_capacity(n + 12);
    let _ = write!(text, "0.{even}e{}", exp + 1);
    if text.parse::<f64>().ok() != Some(x) {
        return;
    }
    let mut v = even;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// The significant digits of finite `|x|`'s exact decimal value (`x = D * 10**k` with `D` not
/// a multiple of 10), when they fit in a u64; a tie needs at most 18 of them.
fn exact_short_decimal(x: f64) -> Option<u64> {
    let (mant, exp) = super::hash::decompose(x);
    if mant == 0 {
        return None;
    }
    let tz = mant.trailing_zeros();
    let (mut m, mut e) = (u128::from(mant >> tz), exp + tz as i32);
    if e < 0 {
        // m / 2**j = m * 5**j / 10**j, and m * 5**j is odd, so it is D itself.
        let j = e.unsigned_abs();
        if j > 27 {
            return None;
        }
        return u64::try_from(m * 5u128.pow(j)).ok();
    }
    // An integer m * 2**e: take out the factors of 10 it has.
    while e > 0 && m % 5 == 0 {
        m /= 5;
        e -= 1;
    }
    if e >= 64 {
        return None;
    }
    u64::try_from(m.checked_mul(1u128 << e)?).ok()
}

fn decimal_len(v: u64) -> usize {
    v.checked_ilog10().map_or(1, |l| l as usize + 1)
}

fn parse_exp(text: &[u8]) -> i32 {
    let (neg, body) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let v = body
        .iter()
        .fold(0i32, |acc, &b| acc * 10 + i32::from(b.wrapping_sub(b'0')));
    if neg {
        -v
    } else {
        v
    }
}

fn push_ascii(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        out.push(char::from(b));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(x: f64) -> String {
        let mut s = String::new();
        write_float(&mut s, x);
        s
    }

    fn c(re: f64, im: f64) -> String {
        let mut s = String::new();
        write_complex(&mut s, re, im);
        s
    }

    #[test]
    fn float_layout() {
        assert_eq!(f(0.0), "0.0");
        assert_eq!(f(-0.0), "-0.0");
        assert_eq!(f(1.0), "1.0");
        assert_eq!(f(0.1), "0.1");
        assert_eq!(f(1e16), "1e+16");
        assert_eq!(f(1e15), "1000000000000000.0");
        assert_eq!(f(123456789012345680.0), "1.2345678901234568e+17");
        assert_eq!(f(1e-5), "1e-05");
        assert_eq!(f(0.0001), "0.0001");
        assert_eq!(f(1.5e-7), "1.5e-07");
        assert_eq!(f(1e300), "1e+300");
        assert_eq!(f(5e-324), "5e-324");
        assert_eq!(f(f64::INFINITY), "inf");
        assert_eq!(f(f64::NEG_INFINITY), "-inf");
        assert_eq!(f(-f64::NAN), "nan");
        assert_eq!(f(2.5), "2.5");
        assert_eq!(f(1.7976931348623157e308), "1.7976931348623157e+308");
        // An exact tie between two shortest strings goes to the even digit, as in Gay's dtoa.
        assert_eq!(f(-871_574_867_011_786.0 - 0.25), "-871574867011786.2");
        assert_eq!(f(1_819_892_720_938_414.0 + 0.25), "1819892720938414.2");
    }

    #[test]
    fn complex_layout() {
        assert_eq!(c(0.0, 1.0), "1j");
        assert_eq!(c(1.0, 2.0), "(1+2j)");
        assert_eq!(c(-0.0, -1.0), "(-0-1j)");
        assert_eq!(c(0.0, -0.0), "-0j");
        assert_eq!(c(f64::NAN, f64::INFINITY), "(nan+infj)");
        assert_eq!(c(1.0, f64::NAN), "(1+nanj)");
        assert_eq!(c(0.0, 1e16), "1e+16j");
        assert_eq!(c(1.5, -0.25), "(1.5-0.25j)");
    }
}
