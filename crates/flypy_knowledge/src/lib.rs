//! flypy's own opcode reference: what every opcode of every supported CPython (2.7, 3.6–3.15)
//! does and costs, and what changed about it from version to version.
//!
//! The reference is three plain-text data files compiled into the crate:
//! `data/classic.md` (base opcodes that exist in some version up to 3.10), `data/modern.md`
//! (base opcodes new in 3.11+) and `data/specialized.md` (3.11+ specialized instructions).
//! Each entry looks like this:
//!
//! ```text
//! ## LOAD_ATTR
//! summary: One sentence, at most 110 characters, true for every version.
//! stack: obj -> obj.attr
//! Body paragraphs separated by blank lines.
//!
//! @3.11: A note: what is true from 3.11 on (notes in increasing version order).
//! ```
//!
//! The files are parsed once, on first use. Malformed data never panics: the entry concerned
//! is skipped and the problem is listed by [`data_errors`] (a test fails on any).
//!
//! Which opcodes exist in which version comes from flypy's generated opcode tables
//! ([`flypy_bytecode::tables`]), not from the data files.

mod parse;
mod render;

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::OnceLock;

use flypy_bytecode::{tables, OpcodeTable};
use flypy_marshal::{Family, PyVersion};

pub use render::render_text;

/// The CPython versions covered, oldest first.
pub const SUPPORTED: &[(u8, u8)] = flypy_marshal::SUPPORTED;

/// One of the three data files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DataFile {
    /// Base opcodes that exist in at least one of 2.7, 3.6–3.10.
    Classic,
    /// Base opcodes that exist only in 3.11+.
    Modern,
    /// Specialized instructions (3.11+) that are never a base opcode.
    Specialized,
}

impl DataFile {
    pub const ALL: [DataFile; 3] = [DataFile::Classic, DataFile::Modern, DataFile::Specialized];

    /// The file's path inside the crate, e.g. `data/classic.md`.
    pub fn path(self) -> &'static str {
        match self {
            DataFile::Classic => "data/classic.md",
            DataFile::Modern => "data/modern.md",
            DataFile::Specialized => "data/specialized.md",
        }
    }

    fn text(self) -> &'static str {
        match self {
            DataFile::Classic => include_str!("../data/classic.md"),
            DataFile::Modern => include_str!("../data/modern.md"),
            DataFile::Specialized => include_str!("../data/specialized.md"),
        }
    }

    /// The file that should describe `name` (by the split rule above), `None` for a name that
    /// is no opcode of any supported version. A base opcode is one in a version's `opmap`
    /// (3.14+ `dis.opname` also lists the specialized instructions, which are not base ones).
    pub fn for_name(name: &str) -> Option<DataFile> {
        let mut base = false;
        let mut any = false;
        for &(major, minor) in SUPPORTED {
            let Some(t) = table((major, minor)) else {
                continue;
            };
            if t.opcode(name).is_some() {
                let classic = flypy_marshal::profile(PyVersion::new(major, minor))
                    .is_some_and(|p| matches!(p.family, Family::Py27 | Family::Wordcode));
                if classic {
                    return Some(DataFile::Classic);
                }
                base = true;
            }
            any |= t.specialized_opname.contains(&name);
        }
        if base {
            Some(DataFile::Modern)
        } else if any && !name.starts_with('<') {
            Some(DataFile::Specialized)
        } else {
            None
        }
    }
}

impl fmt::Display for DataFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

/// A problem in a data file, with its place.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {message}", file.path())]
pub struct DataError {
    pub file: DataFile,
    /// 1-based line number.
    pub line: usize,
    pub message: String,
}

impl DataError {
    fn new(file: DataFile, line: usize, message: impl Into<String>) -> Self {
        Self {
            file,
            line,
            message: message.into(),
        }
    }
}

/// What is true about an opcode from one version on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The version from which the note applies.
    pub version: (u8, u8),
    /// The note's text, one paragraph (lines joined with single spaces).
    pub text: String,
    /// Line of the `@X.Y:` in its data file.
    pub line: usize,
}

/// One opcode's description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The opname, exactly as `dis` spells it.
    pub name: &'static str,
    /// One sentence, true in every version the opcode exists in.
    pub summary: &'static str,
    /// Stack effect `before -> after`, when the data gives one.
    pub stack: Option<&'static str>,
    /// Body paragraphs, each with its lines joined with single spaces.
    pub body: Vec<String>,
    /// Version notes, in increasing version order.
    pub notes: Vec<Note>,
    /// Where the entry is defined.
    pub file: DataFile,
    /// Line of its `## NAME`.
    pub line: usize,
}

struct Knowledge {
    entries: HashMap<&'static str, Entry>,
    errors: Vec<DataError>,
}

fn knowledge() -> &'static Knowledge {
    static KNOWLEDGE: OnceLock<Knowledge> = OnceLock::new();
    KNOWLEDGE.get_or_init(|| {
        let mut seen = HashMap::new();
        let (mut entries, mut errors) = (Vec::new(), Vec::new());
        for file in DataFile::ALL {
            parse::parse_file(file, file.text(), &mut seen, &mut entries, &mut errors);
        }
        Knowledge {
            entries: entries.into_iter().map(|e| (e.name, e)).collect(),
            errors,
        }
    })
}

/// Every problem found in the data files (empty when they are well-formed).
pub fn data_errors() -> &'static [DataError] {
    &knowledge().errors
}

/// The description of opcode `name` (exact spelling), if the data has one.
pub fn entry(name: &str) -> Option<&'static Entry> {
    knowledge().entries.get(name)
}

/// Every entry of the data files, in name order.
pub fn entries() -> Vec<&'static Entry> {
    let mut all: Vec<&'static Entry> = knowledge().entries.values().collect();
    all.sort_by_key(|e| e.name);
    all
}

fn table(v: (u8, u8)) -> Option<&'static OpcodeTable> {
    tables::for_version(PyVersion::new(v.0, v.1))
}

fn is_name(s: &str) -> bool {
    !s.starts_with('<')
}

/// The supported versions in which `name` is an opcode, base or specialized, oldest first.
pub fn versions_of(name: &str) -> Vec<(u8, u8)> {
    SUPPORTED
        .iter()
        .copied()
        .filter(|&v| {
            table(v).is_some_and(|t| {
                is_name(name) && (t.opname.contains(&name) || t.specialized_opname.contains(&name))
            })
        })
        .collect()
}

/// Every opcode name (base and specialized) of every supported version.
pub fn all_names() -> BTreeSet<&'static str> {
    names().clone()
}

/// [`all_names`], computed once.
fn names() -> &'static BTreeSet<&'static str> {
    static NAMES: OnceLock<BTreeSet<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        SUPPORTED
            .iter()
            .filter_map(|&v| table(v))
            .flat_map(|t| t.opname.iter().chain(t.specialized_opname.iter()))
            .copied()
            .filter(|s| is_name(s))
            .collect()
    })
}

/// Versions as compact ranges: `2.7, 3.6–3.10, 3.12`.
pub fn format_versions(versions: &[(u8, u8)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < versions.len() {
        let start = versions[i];
        let mut end = start;
        while i + 1 < versions.len()
            && versions[i + 1].0 == end.0
            && versions[i + 1].1 == end.1.wrapping_add(1)
        {
            i += 1;
            end = versions[i];
        }
        if start == end {
            parts.push(format!("{}.{}", start.0, start.1));
        } else {
            parts.push(format!("{}.{}–{}.{}", start.0, start.1, end.0, end.1));
        }
        i += 1;
    }
    parts.join(", ")
}

/// What an opcode is in one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// A base opcode with this number.
    Base { opcode: u8 },
    /// A specialized instruction (3.11+) with this number, which deoptimises to `base`.
    Specialized { opcode: u8, base: &'static str },
}

/// Everything the reference says about one opcode, gathered for display.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    pub name: &'static str,
    /// The description; `None` while the data has no entry for this opcode.
    pub entry: Option<&'static Entry>,
    /// The versions the opcode exists in, oldest first.
    pub versions: Vec<(u8, u8)>,
    /// The version asked about, if any.
    pub version: Option<(u8, u8)>,
    /// What the opcode is in `version` (`None` when no version was given).
    pub form: Option<Form>,
    /// In `version`: the specialized instructions that deoptimise to this base opcode.
    pub specializations: Vec<&'static str>,
    /// The notes that apply: those from `version` or earlier, or all when no version was given.
    pub notes: Vec<&'static Note>,
}

impl Explanation {
    /// The versions as compact ranges, e.g. `2.7, 3.6–3.10`.
    pub fn versions_text(&self) -> String {
        format_versions(&self.versions)
    }
}

/// Why [`explain`] could not explain a name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KnowledgeError {
    #[error(
        "{name} is no opcode of any CPython flypy knows (2.7, 3.6–3.15){}",
        did_you_mean(suggestions)
    )]
    UnknownName {
        name: String,
        suggestions: Vec<&'static str>,
    },
    #[error("{name} does not exist in CPython {}.{}; it exists in {exists_in}", version.0, version.1)]
    NotInVersion {
        name: String,
        version: (u8, u8),
        exists_in: String,
    },
    #[error("flypy has no opcode table for CPython {}.{} (it knows 2.7 and 3.6–3.15)", version.0, version.1)]
    UnsupportedVersion { version: (u8, u8) },
}

fn did_you_mean(suggestions: &[&str]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        many => format!("; did you mean one of {}?", many.join(", ")),
    }
}

/// Gathers what the reference says about opcode `name`, optionally in one `version`.
pub fn explain(name: &str, version: Option<(u8, u8)>) -> Result<Explanation, KnowledgeError> {
    let versions = versions_of(name);
    let Some(&interned) = names().get(name) else {
        return Err(KnowledgeError::UnknownName {
            name: name.to_string(),
            suggestions: suggest(name),
        });
    };
    let entry = entry(interned);
    let notes_upto = |v: Option<(u8, u8)>| -> Vec<&'static Note> {
        entry
            .map(|e| {
                e.notes
                    .iter()
                    .filter(|n| v.is_none_or(|v| n.version <= v))
                    .collect()
            })
            .unwrap_or_default()
    };
    let Some(v) = version else {
        return Ok(Explanation {
            name: interned,
            entry,
            versions,
            version: None,
            form: None,
            specializations: Vec::new(),
            notes: notes_upto(None),
        });
    };
    let Some(t) = table(v) else {
        return Err(KnowledgeError::UnsupportedVersion { version: v });
    };
    if !versions.contains(&v) {
        return Err(KnowledgeError::NotInVersion {
            name: interned.to_string(),
            version: v,
            exists_in: format_versions(&versions),
        });
    }
    let (form, specializations) = match t.opcode(interned) {
        Some(op) => {
            let specs = (0..=u8::MAX)
                .filter(|&s| s != op && t.deopt(s) == op)
                .map(|s| t.specialized_opname(s))
                .filter(|s| is_name(s) && *s != interned)
                .collect();
            (Form::Base { opcode: op }, specs)
        }
        None => {
            let op = (0..=u8::MAX).find(|&op| t.specialized_opname(op) == interned);
            let Some(op) = op else {
                // versions_of said it exists, so this cannot happen; answer as unknown anyway.
                return Err(KnowledgeError::NotInVersion {
                    name: interned.to_string(),
                    version: v,
                    exists_in: format_versions(&versions),
                });
            };
            let base = t.opname(t.deopt(op));
            (Form::Specialized { opcode: op, base }, Vec::new())
        }
    };
    Ok(Explanation {
        name: interned,
        entry,
        versions,
        version: Some(v),
        form: Some(form),
        specializations,
        notes: notes_upto(Some(v)),
    })
}

/// Close names for a misspelt one: the same name in other case, then names at edit distance
/// at most 2, then (for longer input) names containing it; at most 8.
pub fn suggest(name: &str) -> Vec<&'static str> {
    let upper = name.to_ascii_uppercase();
    let names = names();
    if let Some(&exact) = names.get(upper.as_str()) {
        return vec![exact];
    }
    let mut scored: Vec<(usize, &'static str)> = names
        .iter()
        .filter_map(|&n| {
            let d = edit_distance(&upper, n);
            (d <= 2).then_some((d, n))
        })
        .collect();
    scored.sort();
    let mut out: Vec<&'static str> = scored.into_iter().map(|(_, n)| n).collect();
    if upper.len() >= 4 {
        for &n in names {
            if n.contains(upper.as_str()) && !out.contains(&n) {
                out.push(n);
            }
        }
    }
    out.truncate(8);
    out
}

fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ranges_are_compact() {
        assert_eq!(
            format_versions(&[(2, 7), (3, 6), (3, 7), (3, 8), (3, 10)]),
            "2.7, 3.6–3.8, 3.10"
        );
        assert_eq!(format_versions(&[]), "");
        assert_eq!(format_versions(&[(3, 11)]), "3.11");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("LOAD_ATRR", "LOAD_ATTR"), 1);
        assert_eq!(edit_distance("LOAD_ATR", "LOAD_ATTR"), 1);
        assert_eq!(edit_distance("LAOD_ATTR", "LOAD_ATTR"), 2);
        assert_eq!(edit_distance("", "AB"), 2);
        assert_eq!(edit_distance("CALL", "CALL"), 0);
    }

    #[test]
    fn split_rule() {
        assert_eq!(DataFile::for_name("LOAD_ATTR"), Some(DataFile::Classic));
        assert_eq!(DataFile::for_name("PRINT_ITEM"), Some(DataFile::Classic));
        assert_eq!(DataFile::for_name("RESUME"), Some(DataFile::Modern));
        assert_eq!(
            DataFile::for_name("LOAD_ATTR_INSTANCE_VALUE"),
            Some(DataFile::Specialized)
        );
        assert_eq!(DataFile::for_name("NOT_AN_OPCODE"), None);
        assert_eq!(DataFile::for_name("<0>"), None);
    }

    #[test]
    fn base_opcodes_are_the_defined_ones() {
        // Up to 3.13 `opname` lists exactly the base opcodes; 3.14+ adds specialized ones.
        for &v in SUPPORTED {
            let t = table(v).expect("table");
            for op in 0..=u8::MAX {
                let name = t.opname(op);
                if is_name(name) && v <= (3, 13) {
                    assert_eq!(t.opcode(name), Some(op), "{name} in {v:?}");
                }
            }
        }
        assert!(table((3, 14))
            .expect("3.14")
            .opname
            .contains(&"LOAD_ATTR_INSTANCE_VALUE"));
    }

    #[test]
    fn versions_come_from_the_tables() {
        assert_eq!(format_versions(&versions_of("PRINT_ITEM")), "2.7");
        assert_eq!(
            format_versions(&versions_of("CALL_FUNCTION")),
            "2.7, 3.6–3.10"
        );
        assert!(versions_of("<0>").is_empty());
        assert!(all_names().contains("LOAD_ATTR_INSTANCE_VALUE"));
    }

    #[test]
    fn explains_forms_in_a_version() {
        let e = explain("LOAD_ATTR_INSTANCE_VALUE", Some((3, 12))).expect("exists in 3.12");
        assert!(matches!(
            e.form,
            Some(Form::Specialized {
                base: "LOAD_ATTR",
                ..
            })
        ));
        let e = explain("LOAD_ATTR", Some((3, 12))).expect("exists in 3.12");
        assert!(
            matches!(e.form, Some(Form::Base { opcode: 106 })),
            "{:?}",
            e.form
        );
        assert!(e.specializations.contains(&"LOAD_ATTR_INSTANCE_VALUE"));
        assert!(!e.specializations.contains(&"LOAD_ATTR"));
        let e = explain("LOAD_ATTR", Some((3, 10))).expect("exists in 3.10");
        assert!(e.specializations.is_empty());
    }

    #[test]
    fn explains_errors() {
        let err = explain("PRINT_ITEM", Some((3, 12))).expect_err("gone");
        assert_eq!(
            err.to_string(),
            "PRINT_ITEM does not exist in CPython 3.12; it exists in 2.7"
        );
        let err = explain("LOAD_ATTR", Some((3, 5))).expect_err("unsupported");
        assert!(matches!(
            err,
            KnowledgeError::UnsupportedVersion { version: (3, 5) }
        ));
        let err = explain("load_attr", None).expect_err("case");
        assert!(err.to_string().contains("did you mean LOAD_ATTR?"), "{err}");
        let KnowledgeError::UnknownName { suggestions, .. } =
            explain("LOAD_ATRR", None).expect_err("typo")
        else {
            panic!("expected UnknownName");
        };
        assert_eq!(suggestions.first(), Some(&"LOAD_ATTR"));
        let KnowledgeError::UnknownName { suggestions, .. } =
            explain("XYZZY_PLUGH", None).expect_err("junk")
        else {
            panic!("expected UnknownName");
        };
        assert!(suggestions.is_empty());
    }
}
