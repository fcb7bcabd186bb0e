//! Number formatting and wrapping shared by the dive's text (one way to print a count, so the
//! explanation and the tables agree with each other and with the JSON).

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

/// `text` wrapped at `width` columns, the first line after `first`, the others after `rest`.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            lines.push(std::mem::replace(&mut line, String::from(rest)));
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    if !empty || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The note for variants that do not all return the same value, naming them by group (each
/// group's variants return equal values): "loop and comprehension return one value, star
/// another".
pub fn results_differ(groups: &[Vec<String>]) -> String {
    let names = |g: &[String]| match g {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    let which = |k: usize| match k {
        0 => "one value".to_owned(),
        1 => "another".to_owned(),
        2 => "a third".to_owned(),
        3 => "a fourth".to_owned(),
        4 => "a fifth".to_owned(),
        k => format!("a {}th", k + 1),
    };
    let parts: Vec<String> = groups
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let verb = if g.len() == 1 { "returns" } else { "return" };
            if k == 0 {
                format!("{} {verb} {}", names(g), which(k))
            } else {
                format!("{} {}", names(g), which(k))
            }
        })
        .collect();
    if parts.len() < 2 {
        // The groups were not reported: still say it, without names.
        return "the variants do not all return the same value (compared with ==): they may \
                not compute the same thing"
            .to_owned();
    }
    format!(
        "the variants do not all return the same value (compared with ==): {}; they may not \
         compute the same thing",
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_differ_names_the_variants_by_value() {
        let g = |names: &[&str]| names.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            results_differ(&[g(&["loop", "comprehension"]), g(&["star"])]),
            "the variants do not all return the same value (compared with ==): loop and \
             comprehension return one value, star another; they may not compute the same thing"
        );
        assert_eq!(
            results_differ(&[g(&["a"]), g(&["b", "c", "d"]), g(&["e"])]),
            "the variants do not all return the same value (compared with ==): a returns one \
             value, b, c and d another, e a third; they may not compute the same thing"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(count(1001.0), "1001");
        assert_eq!(count(1.001), "1.00");
        assert_eq!(count(-2.0), "-2");
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

    #[test]
    fn wraps_at_width() {
        let w = wrap("aa bb cc dd", 5, "", "  ");
        assert_eq!(w, ["aa bb", "  cc", "  dd"]);
        assert_eq!(wrap("", 10, "x", ""), ["x"]);
    }
}
