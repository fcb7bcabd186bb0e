//! The dive's own sentences that are not part of an explanation (number formatting and
//! wrapping are `flypy_markup`'s).

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
}
