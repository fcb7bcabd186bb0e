//! Numbers and subpositions of the format: decimal or `0x` hexadecimal unsigned 64-bit values,
//! and positions that may be relative (`+n`, `-n`, `*`) to the previous cost line's.

use crate::error::{excerpt, ErrorKind};

/// Splits a line at the format's spaces (blank and tab). Any run counts as one separator.
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split([' ', '\t']).filter(|token| !token.is_empty())
}

/// An unsigned number: `123` or `0x7b`. Written by hand because `str::parse` also accepts a
/// leading `+`, which in this format means "relative" and must not pass as a number.
pub(crate) fn parse_number(token: &str, expected: &'static str) -> Result<u64, ErrorKind> {
    if token.is_empty() {
        return Err(ErrorKind::Missing { expected });
    }
    let (digits, radix) = match token
        .strip_prefix("0x")
        .or_else(|| token.strip_prefix("0X"))
    {
        Some(hex) => (hex, 16),
        None => (token, 10),
    };
    if digits.is_empty() {
        return Err(expected_error(expected, token));
    }
    let mut value: u64 = 0;
    for c in digits.chars() {
        let digit = c
            .to_digit(radix)
            .ok_or_else(|| expected_error(expected, token))?;
        value = value
            .checked_mul(u64::from(radix))
            .and_then(|v| v.checked_add(u64::from(digit)))
            .ok_or_else(|| ErrorKind::NumberTooLarge {
                found: excerpt(token),
            })?;
    }
    Ok(value)
}

/// A subposition: absolute, or relative to `base` (the same column of the previous cost line).
pub(crate) fn parse_subposition(token: &str, base: u64) -> Result<u64, ErrorKind> {
    const EXPECTED: &str = "a position (number, `+n`, `-n` or `*`)";
    if token == "*" {
        return Ok(base);
    }
    if let Some(delta) = token.strip_prefix('+') {
        let delta = parse_number(delta, EXPECTED).map_err(|e| relabel(e, token))?;
        return base
            .checked_add(delta)
            .ok_or_else(|| ErrorKind::PositionTooLarge {
                found: excerpt(token),
                base,
            });
    }
    if let Some(delta) = token.strip_prefix('-') {
        let delta = parse_number(delta, EXPECTED).map_err(|e| relabel(e, token))?;
        return base
            .checked_sub(delta)
            .ok_or_else(|| ErrorKind::PositionBelowZero {
                found: excerpt(token),
                base,
            });
    }
    parse_number(token, EXPECTED)
}

/// Errors about the digits after a sign should show the whole token the user sees.
fn relabel(error: ErrorKind, token: &str) -> ErrorKind {
    match error {
        ErrorKind::Expected { expected, .. } | ErrorKind::Missing { expected } => {
            expected_error(expected, token)
        }
        ErrorKind::NumberTooLarge { .. } => ErrorKind::NumberTooLarge {
            found: excerpt(token),
        },
        other => other,
    }
}

fn expected_error(expected: &'static str, token: &str) -> ErrorKind {
    ErrorKind::Expected {
        expected,
        found: excerpt(token),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number("0", "n"), Ok(0));
        assert_eq!(parse_number("18446744073709551615", "n"), Ok(u64::MAX));
        assert_eq!(parse_number("0xffffffffffffffff", "n"), Ok(u64::MAX));
        assert_eq!(parse_number("0X1A", "n"), Ok(26));
        assert!(matches!(
            parse_number("18446744073709551616", "n"),
            Err(ErrorKind::NumberTooLarge { .. })
        ));
        assert_eq!(
            parse_number("", "n"),
            Err(ErrorKind::Missing { expected: "n" })
        );
        for bad in ["+1", "-1", "0x", "1a", "x1", "١"] {
            assert!(
                matches!(parse_number(bad, "n"), Err(ErrorKind::Expected { .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn subpositions() {
        assert_eq!(parse_subposition("*", 7), Ok(7));
        assert_eq!(parse_subposition("+3", 7), Ok(10));
        assert_eq!(parse_subposition("-7", 7), Ok(0));
        assert_eq!(parse_subposition("+0x10", 0x20), Ok(0x30));
        assert_eq!(parse_subposition("-0x10", 0x20), Ok(0x10));
        assert_eq!(parse_subposition("0x400", 7), Ok(0x400));
        assert!(matches!(
            parse_subposition("-8", 7),
            Err(ErrorKind::PositionBelowZero { base: 7, .. })
        ));
        assert!(matches!(
            parse_subposition("+1", u64::MAX),
            Err(ErrorKind::PositionTooLarge { .. })
        ));
        for bad in ["+", "-", "**", "+-1", "--1", "+x"] {
            assert!(
                matches!(parse_subposition(bad, 5), Err(ErrorKind::Expected { .. })),
                "{bad:?}"
            );
        }
    }
}
