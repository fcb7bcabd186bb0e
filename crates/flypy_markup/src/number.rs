//! How flypy prints a number, in one place, so that the explanation, the tables, the JSON's
//! text and the HTML report agree with each other.

/// A count: whole numbers as integers ("1001"), others with two decimals ("1.00", "0.33").
pub fn count(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// A per-iteration figure: always two decimals ("1.00", "0.00", "-1.00").
pub fn fixed(x: f64) -> String {
    let s = format!("{x:.2}");
    if s == "-0.00" {
        "0.00".to_owned()
    } else {
        s
    }
}

/// `shown` (how `x` is printed) with a plus sign when `x` is positive: differences read
/// "+1.00", "-3", "0".
pub fn signed(shown: String, x: f64) -> String {
    if x > 0.0 {
        format!("+{shown}")
    } else {
        shown
    }
}

/// A count of machine instructions: rounded, thousands separated ("362,649").
pub fn grouped(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if x < 0.0 && out != "0" {
        out.insert(0, '-');
    }
    out
}

/// `x` with `digits` significant digits, never in exponent form ("1.31", "0.0523", "150").
pub fn sig(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let magnitude = x.abs().log10().floor() as i32;
    let decimals = (digits - 1 - magnitude).max(0) as usize;
    let shown = format!("{x:.decimals$}");
    // 0.9996 rounds up to the next power of ten: one decimal fewer keeps `digits` digits.
    let rounded_up =
        shown.trim_start_matches('-').parse::<f64>().unwrap_or(0.0) >= 10f64.powi(magnitude + 1);
    if rounded_up && decimals > 0 {
        let decimals = decimals - 1;
        format!("{x:.decimals$}")
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(count(1001.0), "1001");
        assert_eq!(count(1.001), "1.00");
        assert_eq!(count(-2.0), "-2");
        assert_eq!(fixed(-0.001), "0.00");
        assert_eq!(signed(count(3.0), 3.0), "+3");
        assert_eq!(grouped(362649.4), "362,649");
        assert_eq!(grouped(-96088.0), "-96,088");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(-0.2), "0");
        assert_eq!(sig(1.3071, 3), "1.31");
        assert_eq!(sig(0.052345, 3), "0.0523");
        assert_eq!(sig(150.2, 3), "150");
        assert_eq!(sig(12345.0, 3), "12345");
        assert_eq!(sig(0.9996, 3), "1.00");
        assert_eq!(sig(-0.09999, 2), "-0.10");
        assert_eq!(sig(9.996, 3), "10.0");
    }
}
