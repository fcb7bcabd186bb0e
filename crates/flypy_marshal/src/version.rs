use std::fmt;

/// A CPython language version, `major.minor`. The one place where "which CPython" is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PyVersion {
    pub major: u8,
    pub minor: u8,
}

impl PyVersion {
    pub const fn new(major: u8, minor: u8) -> Self {
        Self { major, minor }
    }

    /// `"3.12"` → `PyVersion { major: 3, minor: 12 }`.
    pub fn parse(s: &str) -> Option<Self> {
        let (a, b) = s.trim().split_once('.')?;
        Some(Self::new(a.parse().ok()?, b.parse().ok()?))
    }

    /// True when this version is `major.minor` or newer.
    pub const fn at_least(self, major: u8, minor: u8) -> bool {
        self.major > major || (self.major == major && self.minor >= minor)
    }
}

impl fmt::Display for PyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        let v = PyVersion::parse("3.12").expect("valid");
        assert_eq!(v, PyVersion::new(3, 12));
        assert!(v.at_least(3, 11) && v.at_least(3, 12) && !v.at_least(3, 13));
        assert!(PyVersion::new(2, 7) < PyVersion::new(3, 6));
        assert_eq!(PyVersion::parse("3"), None);
        assert_eq!(v.to_string(), "3.12");
    }
}
