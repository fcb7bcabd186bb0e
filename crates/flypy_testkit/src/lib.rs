//! Helpers shared by the tests of several flypy crates, so each exists once.

/// `text` with every code object address (` at 0x` and hex digits) replaced by ` at 0x?`:
/// addresses differ between runs of CPython, so the oracle compares without them.
pub fn mask_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" at 0x") {
        out.push_str(&rest[..i]);
        out.push_str(" at 0x?");
        rest = rest[i + " at 0x".len()..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

/// The function named `name` among the code constants of `module` (a test's own source, so a
/// missing one is the test's mistake).
pub fn function<'a>(module: &'a flypy_marshal::Code, name: &str) -> &'a flypy_marshal::Code {
    module
        .consts
        .iter()
        .filter_map(flypy_marshal::Object::as_code)
        .find(|c| c.name.as_text().as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no function {name} in the test's source"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_every_address() {
        let s = "(<code object f at 0x7f3a, file \"x\", line 1>) at 0xZ at 0x1";
        assert_eq!(
            mask_addresses(s),
            "(<code object f at 0x?, file \"x\", line 1>) at 0x?Z at 0x?"
        );
        assert_eq!(mask_addresses("none here"), "none here");
    }
}
