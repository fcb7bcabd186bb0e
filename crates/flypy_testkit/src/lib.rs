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

/// The JSON a helper process printed, which must have succeeded (its stderr is shown, after
/// `context`, when it did not).
pub fn json_of<T: serde::de::DeserializeOwned>(out: &std::process::Output, context: &str) -> T {
    assert!(
        out.status.success(),
        "{context}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the helper prints JSON")
}

/// xorshift64*: deterministic pseudo-random numbers without a dependency, so a test that
/// mutates or invents input reproduces its failures.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// An index into something `len` long (0 when it is empty).
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// True `percent` times in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
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
