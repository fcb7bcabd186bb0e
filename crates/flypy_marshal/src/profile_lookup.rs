//! Finding a version's [`Profile`] in the generated table (and a `.pyc` magic number's version).

use crate::profile::Profile;
use crate::profile_table::PROFILES;
use crate::version::PyVersion;

/// The profile of `version`, `None` for a version flypy has no profile for.
pub fn profile(version: PyVersion) -> Option<&'static Profile> {
    PROFILES.iter().find(|p| p.version == version)
}

/// The profile of `version`, or of the newest profiled version before it (a future 3.16 reads
/// as 3.15 until it has a profile of its own), or the oldest profile. Code paths that take any
/// version and used to ask `version.at_least(…)` ask this one, so they behave as before.
pub fn profile_or_nearest(version: PyVersion) -> &'static Profile {
    let mut best = &PROFILES[0];
    for p in PROFILES {
        if p.version <= version && p.version.major == version.major {
            best = p;
        }
    }
    best
}

impl PyVersion {
    /// [`profile_or_nearest`] of this version.
    pub fn profile(self) -> &'static Profile {
        profile_or_nearest(self)
    }

    /// Whether flypy disassembles this version: it has the version's tables, or the version is
    /// newer than every profile of its major version and read as the newest (a 3.16 as 3.15).
    /// Not 3.0-3.5 (read as `.pyc` files only) or anything older than 2.7.
    pub fn disassembled(self) -> bool {
        let p = self.profile();
        p.version <= self && p.disassembled
    }
}

/// The CPython version whose `.pyc` files start with `magic`.
pub fn version_for_magic(magic: u16) -> Option<PyVersion> {
    PROFILES
        .iter()
        .find(|p| (p.magic.0..=p.magic.1).contains(&magic))
        .map(|p| p.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_supported_version_has_a_disassembled_profile() {
        for &(major, minor) in crate::SUPPORTED {
            let p = profile(PyVersion::new(major, minor)).expect("profile");
            assert!(p.disassembled, "{major}.{minor}");
        }
        assert!(profile(PyVersion::new(3, 5)).is_some_and(|p| !p.disassembled));
    }

    #[test]
    fn disassembled_versions_include_a_future_one_read_as_the_newest() {
        let v = PyVersion::new;
        assert!(v(2, 7).disassembled() && v(3, 6).disassembled() && v(3, 15).disassembled());
        assert!(
            v(3, 16).disassembled(),
            "read as 3.15, as at_least(3, 6) did"
        );
        assert!(!v(3, 5).disassembled() && !v(3, 0).disassembled() && !v(2, 6).disassembled());
    }

    #[test]
    fn nearest_profile_of_an_unknown_version() {
        assert_eq!(
            PyVersion::new(3, 99).profile().version,
            PyVersion::new(3, 15)
        );
        assert_eq!(PyVersion::new(2, 9).profile().version, PyVersion::new(2, 7));
        assert_eq!(PyVersion::new(2, 6).profile().version, PyVersion::new(2, 7));
    }

    #[test]
    fn magic_ranges_do_not_overlap() {
        for (i, a) in PROFILES.iter().enumerate() {
            assert!(a.magic.0 <= a.magic.1, "{}", a.version);
            for b in &PROFILES[i + 1..] {
                assert!(
                    a.magic.1 < b.magic.0 || b.magic.1 < a.magic.0,
                    "{} {}",
                    a.version,
                    b.version
                );
            }
        }
    }
}
