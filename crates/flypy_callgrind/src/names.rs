//! Name compression: `key=(id) name` defines an id, `key=(id)` refers back to it, and
//! `key=name` is a plain name. Ids are separate per kind of name — objects (`ob`, `cob`),
//! files (`fl`, `fi`, `fe`, `cfi`, `cfl`, `jfi`) and functions (`fn`, `cfn`, `jfn`) — and
//! stay valid to the end of the file, across parts.
//!
//! Names are interned: a profile repeats the same few thousand names hundreds of thousands of
//! times, and comparing small indices keeps the per-line work constant.

use std::collections::HashMap;

use crate::error::{excerpt, ErrorKind};
use crate::numbers::parse_number;

/// One kind's names: the interned strings and the id mapping of the compression.
#[derive(Debug, Default)]
pub(crate) struct NameTable {
    strings: Vec<String>,
    index_of: HashMap<String, usize>,
    by_id: HashMap<u64, usize>,
}

impl NameTable {
    /// The index of `name`, adding it when new.
    pub(crate) fn intern(&mut self, name: &str) -> usize {
        if let Some(&index) = self.index_of.get(name) {
            return index;
        }
        let index = self.strings.len();
        self.strings.push(name.to_owned());
        self.index_of.insert(name.to_owned(), index);
        index
    }

    pub(crate) fn get(&self, index: usize) -> &str {
        self.strings.get(index).map_or("", String::as_str)
    }

    /// The value of a `key=value` line as a name index, defining or following an id.
    /// `key` is only for the error message.
    pub(crate) fn resolve(&mut self, key: &str, value: &str) -> Result<usize, ErrorKind> {
        let value = value.trim_matches([' ', '\t']);
        // Only "(" followed by a digit starts an id: names such as "(below main)" that
        // callgrind itself writes begin with "(" too.
        let bytes = value.as_bytes();
        if bytes.len() < 2 || bytes[0] != b'(' || !bytes[1].is_ascii_digit() {
            return Ok(self.intern(value));
        }
        let close = value.find(')').ok_or_else(|| ErrorKind::UnclosedId {
            found: excerpt(value),
        })?;
        let id = parse_number(&value[1..close], "a name id (number)")?;
        let name = value[close + 1..].trim_start_matches([' ', '\t']);
        if name.is_empty() {
            return self
                .by_id
                .get(&id)
                .copied()
                .ok_or_else(|| ErrorKind::UndefinedName {
                    key: key.to_owned(),
                    id,
                });
        }
        let index = self.intern(name);
        match self.by_id.get(&id) {
            None => {
                self.by_id.insert(id, index);
            }
            // Callgrind repeats a definition in each part of a combined dump: the same name
            // again is fine; a different one means the file is corrupt, and guessing which
            // one later references mean would silently mix two functions' costs.
            Some(&old) if old != index => {
                return Err(ErrorKind::NameRedefined {
                    key: key.to_owned(),
                    id,
                    old: excerpt(self.get(old)),
                    new: excerpt(name),
                });
            }
            Some(_) => {}
        }
        Ok(index)
    }
}

/// The three separate name spaces of the format.
#[derive(Debug, Default)]
pub(crate) struct Names {
    pub(crate) objects: NameTable,
    pub(crate) files: NameTable,
    pub(crate) functions: NameTable,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression() {
        let mut table = NameTable::default();
        let main = table.resolve("fn", "(1) main").ok();
        assert_eq!(table.resolve("fn", "(1)").ok(), main);
        assert_eq!(table.resolve("fn", "main").ok(), main);
        assert_eq!(table.resolve("fn", "(1) main").ok(), main);
        assert_eq!(
            table.resolve("fn", "(2)f").map(|i| table.get(i).to_owned()),
            Ok("f".into())
        );
        let below = table
            .resolve("fn", "(below main)")
            .map(|i| table.get(i).to_owned());
        assert_eq!(below, Ok("(below main)".into()));
        assert!(matches!(
            table.resolve("fn", "(3)"),
            Err(ErrorKind::UndefinedName { id: 3, .. })
        ));
        assert!(matches!(
            table.resolve("fn", "(1) other"),
            Err(ErrorKind::NameRedefined { id: 1, .. })
        ));
        assert!(matches!(
            table.resolve("fn", "(12 x"),
            Err(ErrorKind::UnclosedId { .. })
        ));
        assert!(matches!(
            table.resolve("fn", "(1x) y"),
            Err(ErrorKind::Expected { .. })
        ));
    }
}
