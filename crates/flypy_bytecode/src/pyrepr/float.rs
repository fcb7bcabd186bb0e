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
    let digits = digits.get(..n).unwrap_or_default();
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
