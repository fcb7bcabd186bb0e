//! Wrapping at a width: only the terminal view wraps; the JSON and HTML carry text whole.

/// `text` wrapped at `width` columns, the first line after `first`, the others after `rest`.
/// Words are split at any whitespace (a newline in the text does not break the layout); a
/// word longer than the width gets a line of its own rather than being cut.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_width() {
        let w = wrap("aa bb cc dd", 5, "", "  ");
        assert_eq!(w, ["aa bb", "  cc", "  dd"]);
        assert_eq!(wrap("", 10, "x", ""), ["x"]);
        assert_eq!(wrap("abcdefgh ij", 4, "", ""), ["abcdefgh", "ij"]);
        assert_eq!(wrap("a\nb\tc", 10, "", ""), ["a b c"]);
    }
}
