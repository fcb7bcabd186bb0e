//! The parser of the data files (format: see the crate documentation). It never panics: every
//! problem becomes a [`DataError`] naming the file and line, and the entry it concerns is
//! skipped (a note or paragraph with a problem is dropped, the rest of the entry kept).

use std::collections::HashMap;

use crate::{DataError, DataFile, Entry, Note, SUPPORTED};

/// Longest allowed `summary:` text, in characters.
pub const MAX_SUMMARY_CHARS: usize = 110;

/// A paragraph being collected: body text or a note.
enum Para {
    Body(Vec<&'static str>),
    Note {
        version: (u8, u8),
        line: usize,
        lines: Vec<&'static str>,
    },
}

/// One entry being collected.
struct Builder {
    name: &'static str,
    line: usize,
    summary: Option<&'static str>,
    stack: Option<&'static str>,
    body: Vec<String>,
    notes: Vec<Note>,
    para: Option<Para>,
    /// A body or note line has been seen (so `summary:` / `stack:` may no longer appear).
    started: bool,
}

impl Builder {
    fn close_para(&mut self, file: DataFile, errors: &mut Vec<DataError>) {
        match self.para.take() {
            None => {}
            Some(Para::Body(lines)) => self.body.push(join(&lines)),
            Some(Para::Note {
                version,
                line,
                lines,
            }) => {
                let text = join(&lines);
                if text.is_empty() {
                    errors.push(DataError::new(file, line, "note has no text"));
                } else {
                    self.notes.push(Note {
                        version,
                        text,
                        line,
                    });
                }
            }
        }
    }
}

fn join(lines: &[&str]) -> String {
    let words: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    words.join(" ")
}

/// `3.12` → `(3, 12)` when it is one of the supported versions.
fn parse_version(s: &str) -> Option<(u8, u8)> {
    let (a, b) = s.split_once('.')?;
    let v = (a.parse().ok()?, b.parse().ok()?);
    SUPPORTED.contains(&v).then_some(v)
}

/// An opname: an upper-case letter, then upper-case letters, digits, `_` and `+` (Python 2's
/// `SLICE+1`).
fn valid_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_uppercase())
        && bytes.all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_' || b == b'+')
}

/// Parses one data file. `seen` maps every entry name already parsed (in this or an earlier
/// file) to where it was defined, to detect duplicates across files.
pub fn parse_file(
    file: DataFile,
    text: &'static str,
    seen: &mut HashMap<&'static str, (DataFile, usize)>,
    entries: &mut Vec<Entry>,
    errors: &mut Vec<DataError>,
) {
    let mut cur: Option<Builder> = None;
    // True while skipping the lines of an entry whose header was rejected.
    let mut skipping = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix("## ") {
            if let Some(b) = cur.take() {
                finish(file, b, seen, entries, errors);
            }
            let name = rest.trim();
            skipping = true;
            if !valid_name(name) {
                let msg = format!("`## {name}`: an entry name is an opname like LOAD_ATTR");
                errors.push(DataError::new(file, line_no, msg));
            } else if let Some(&(f, l)) = seen.get(name) {
                let msg = format!("duplicate entry {name} (first defined at {}:{l})", f.path());
                errors.push(DataError::new(file, line_no, msg));
            } else {
                seen.insert(name, (file, line_no));
                skipping = false;
                cur = Some(Builder {
                    name,
                    line: line_no,
                    summary: None,
                    stack: None,
                    body: Vec::new(),
                    notes: Vec::new(),
                    para: None,
                    started: false,
                });
            }
            continue;
        }
        if line.starts_with('#') {
            let msg = "lines starting with `#` are not allowed (only `## NAME` headers)";
            errors.push(DataError::new(file, line_no, msg));
            continue;
        }
        if skipping {
            continue;
        }
        let Some(b) = cur.as_mut() else {
            if !line.trim().is_empty() {
                errors.push(DataError::new(
                    file,
                    line_no,
                    "text before the first `## NAME`",
                ));
            }
            continue;
        };
        if line.trim().is_empty() {
            b.close_para(file, errors);
            continue;
        }
        if let Some(s) = line.strip_prefix("summary:") {
            if b.summary.is_some() || b.started {
                let msg = format!(
                    "{}: `summary:` must be the line right after `## NAME`",
                    b.name
                );
                errors.push(DataError::new(file, line_no, msg));
                continue;
            }
            let s = s.trim_start();
            if s.is_empty() {
                errors.push(DataError::new(
                    file,
                    line_no,
                    format!("{}: empty summary", b.name),
                ));
            } else if s.ends_with(char::is_whitespace) {
                let msg = format!("{}: summary has trailing whitespace", b.name);
                errors.push(DataError::new(file, line_no, msg));
            } else if s.chars().count() > MAX_SUMMARY_CHARS {
                let msg = format!(
                    "{}: summary is {} characters, more than {MAX_SUMMARY_CHARS}",
                    b.name,
                    s.chars().count()
                );
                errors.push(DataError::new(file, line_no, msg));
            } else {
                b.summary = Some(s);
            }
            continue;
        }
        if let Some(s) = line.strip_prefix("stack:") {
            let s = s.trim();
            if b.stack.is_some() || b.started {
                let msg = format!("{}: `stack:` must directly follow the summary", b.name);
                errors.push(DataError::new(file, line_no, msg));
            } else if !s.contains("->") {
                let msg = format!("{}: stack effect `{s}` is not `before -> after`", b.name);
                errors.push(DataError::new(file, line_no, msg));
            } else {
                b.stack = Some(s);
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix('@') {
            b.close_para(file, errors);
            b.started = true;
            let Some((v, text)) = rest.split_once(':') else {
                let msg = format!("{}: a note starts `@X.Y:`", b.name);
                errors.push(DataError::new(file, line_no, msg));
                b.para = Some(Para::Body(Vec::new())); // swallow the paragraph
                continue;
            };
            let Some(version) = parse_version(v.trim()) else {
                let msg = format!(
                    "{}: note version `{}` is not one of 2.7, 3.6 … 3.15",
                    b.name,
                    v.trim()
                );
                errors.push(DataError::new(file, line_no, msg));
                b.para = Some(Para::Body(Vec::new()));
                continue;
            };
            if let Some(last) = b.notes.last() {
                if last.version >= version {
                    let msg = format!(
                        "{}: note @{}.{} after @{}.{} (notes must be in increasing version order)",
                        b.name, version.0, version.1, last.version.0, last.version.1
                    );
                    errors.push(DataError::new(file, line_no, msg));
                }
            }
            b.para = Some(Para::Note {
                version,
                line: line_no,
                lines: vec![text],
            });
            continue;
        }
        match b.para.as_mut() {
            Some(Para::Body(lines)) | Some(Para::Note { lines, .. }) => lines.push(line),
            None => {
                b.started = true;
                if !b.notes.is_empty() {
                    let msg = format!("{}: body paragraph after the notes", b.name);
                    errors.push(DataError::new(file, line_no, msg));
                }
                b.para = Some(Para::Body(vec![line]));
            }
        }
    }
    if let Some(b) = cur.take() {
        finish(file, b, seen, entries, errors);
    }
}

fn finish(
    file: DataFile,
    mut b: Builder,
    seen: &mut HashMap<&'static str, (DataFile, usize)>,
    entries: &mut Vec<Entry>,
    errors: &mut Vec<DataError>,
) {
    b.close_para(file, errors);
    // Drop an empty paragraph left by a rejected note header.
    b.body.retain(|p| !p.is_empty());
    let Some(summary) = b.summary else {
        let msg = format!("{}: missing `summary:` line", b.name);
        errors.push(DataError::new(file, b.line, msg));
        seen.remove(b.name);
        return;
    };
    entries.push(Entry {
        name: b.name,
        summary,
        stack: b.stack,
        body: b.body,
        notes: b.notes,
        file,
        line: b.line,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &'static str) -> (Vec<Entry>, Vec<String>) {
        let mut seen = HashMap::new();
        let (mut entries, mut errors) = (Vec::new(), Vec::new());
        parse_file(
            DataFile::Classic,
            text,
            &mut seen,
            &mut entries,
            &mut errors,
        );
        (entries, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn parses_a_full_entry() {
        let (entries, errors) = parse(
            "## LOAD_ATTR\nsummary: Loads an attribute.\nstack: obj -> obj.attr\nFirst\nparagraph.\n\n\
             Second.\n\n@3.11: Specializes.\nMore.\n@3.12: Method bit.\n\n## NOP\nsummary: Does nothing.\n",
        );
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(entries.len(), 2);
        let e = &entries[0];
        assert_eq!(
            (e.name, e.summary, e.stack),
            ("LOAD_ATTR", "Loads an attribute.", Some("obj -> obj.attr"))
        );
        assert_eq!(e.body, ["First paragraph.", "Second."]);
        assert_eq!(e.notes.len(), 2);
        assert_eq!(
            (e.notes[0].version, e.notes[0].text.as_str()),
            ((3, 11), "Specializes. More.")
        );
        assert_eq!((e.notes[1].version, e.notes[1].line), ((3, 12), 11));
        assert_eq!(entries[1].line, 13);
    }

    #[test]
    fn accepts_python2_slice_names_and_rejects_others() {
        let (entries, errors) =
            parse("## SLICE+1\nsummary: Slices.\n\n## load_attr\nsummary: x.\n");
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].name, "SLICE+1");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("data/classic.md:4: `## load_attr`"));
    }

    #[test]
    fn reports_malformed_data_with_file_and_line() {
        let long = "## A\nsummary: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n";
        let (entries, errors) = parse(long);
        assert!(entries.is_empty());
        assert!(
            errors[0].starts_with("data/classic.md:2: A: summary is 115 characters"),
            "{errors:?}"
        );

        let (entries, errors) = parse("## A\nsummary: a.\n\n## A\nsummary: b.\n");
        assert_eq!(entries.len(), 1);
        assert_eq!(
            errors,
            ["data/classic.md:4: duplicate entry A (first defined at data/classic.md:1)"]
        );

        let (entries, errors) = parse("## A\nJust a body.\n");
        assert!(entries.is_empty());
        assert_eq!(errors, ["data/classic.md:1: A: missing `summary:` line"]);

        let (_, errors) = parse("## A\nsummary: a.\n@3.5: old.\n\n@3.12: x.\n@3.11: y.\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("data/classic.md:3: A: note version `3.5`"));
        assert!(errors[1].starts_with("data/classic.md:6: A: note @3.11 after @3.12"));

        let (_, errors) = parse("# comment\n## A\nsummary: a.\n\n@3.11: y.\n\nlate body\n");
        assert!(errors[0].starts_with("data/classic.md:1: lines starting with `#`"));
        assert_eq!(
            errors[1],
            "data/classic.md:7: A: body paragraph after the notes"
        );

        let (_, errors) = parse("## A\nsummary: a. \n");
        assert_eq!(
            errors[0],
            "data/classic.md:2: A: summary has trailing whitespace"
        );
    }
}
