//! What a dive compares: a case — a Python module whose `variant_*` functions are the ways of
//! writing one thing, with an optional `setup()` that builds their arguments once. Built-in
//! cases ship inside flypy; a user's case file has the same shape; inline statements are
//! turned into one (each statement becomes the body of a variant function whose parameters
//! are the names the setup code binds, so they are fast locals, as timeit makes them).

/// A built-in case: its name on the command line and its source.
#[derive(Debug)]
pub struct BuiltinCase {
    pub name: &'static str,
    pub file: &'static str,
    pub source: &'static str,
}

macro_rules! builtin {
    ($name:literal, $file:literal) => {
        BuiltinCase {
            name: $name,
            file: $file,
            source: include_str!(concat!("../cases/", $file)),
        }
    };
}

/// Every built-in case, the default first.
pub static BUILTIN: &[BuiltinCase] = &[
    builtin!("list-init", "list_init.py"),
    builtin!("string-building", "string_building.py"),
    builtin!("dict-building", "dict_building.py"),
    builtin!("membership", "membership.py"),
    builtin!("name-lookup", "name_lookup.py"),
    builtin!("method-hoisting", "method_hoisting.py"),
    builtin!("sum-generator", "sum_generator.py"),
    builtin!("map-lambda", "map_lambda.py"),
    builtin!("try-vs-if", "try_vs_if.py"),
    builtin!("string-formatting", "string_formatting.py"),
    builtin!("while-vs-for", "while_vs_for.py"),
    builtin!("extend-vs-append", "extend_vs_append.py"),
];

/// The case `flypy dive` runs without arguments.
pub const DEFAULT_CASE: &str = "list-init";

/// The built-in case called `name` (`_` and `-` alike).
pub fn builtin(name: &str) -> Option<&'static BuiltinCase> {
    let wanted = name.replace('_', "-");
    BUILTIN.iter().find(|c| c.name == wanted)
}

/// A case name flypy does not have.
#[derive(Debug, thiserror::Error)]
#[error("no built-in case {name:?}; the cases are: {known}")]
pub struct UnknownCase {
    pub name: String,
    pub known: String,
}

/// The built-in case called `name`, or an error listing the ones there are.
pub fn find(name: &str) -> Result<&'static BuiltinCase, UnknownCase> {
    builtin(name).ok_or_else(|| UnknownCase {
        name: name.to_owned(),
        known: BUILTIN
            .iter()
            .map(|c| c.name)
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// A case's module docstring: its first line is the question it answers, the rest says more.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct About {
    pub question: String,
    pub description: String,
}

/// Reads the module docstring at the top of `source` (a triple-quoted string before any code;
/// comments, blank lines and an encoding line may precede it). `None` when there is none.
pub fn about(source: &str) -> Option<About> {
    let mut rest = source.trim_start_matches('\u{feff}');
    loop {
        let trimmed = rest.trim_start();
        if let Some(comment) = trimmed.strip_prefix('#') {
            rest = comment.split_once('\n').map_or("", |(_, r)| r);
        } else {
            rest = trimmed;
            break;
        }
    }
    // Raw and unicode prefixes change nothing for the first line's text we show.
    let rest = rest
        .strip_prefix(['r', 'R', 'u', 'U'])
        .filter(|r| r.starts_with("\"\"\"") || r.starts_with("'''"))
        .unwrap_or(rest);
    let quote = if rest.starts_with("\"\"\"") {
        "\"\"\""
    } else if rest.starts_with("'''") {
        "'''"
    } else {
        return None;
    };
    let body = &rest[3..];
    let end = body.find(quote)?;
    let text = &body[..end];
    let mut lines = text.lines().map(str::trim);
    let question = lines.next().unwrap_or_default().to_owned();
    let description = lines
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(About {
        question,
        description,
    })
}

/// A PEP 263 encoding declaration (`# -*- coding: latin-1 -*-` on line 1, or on line 2 below a
/// comment or blank line 1): the name as written, normalized as CPython's tokenizer does
/// (`utf-8` and `iso-8859-1` for their aliases), and the byte range of the name in `source`.
#[derive(Debug, PartialEq, Eq)]
pub struct Coding {
    pub name: String,
    pub normal: String,
    pub range: std::ops::Range<usize>,
}

/// The encoding `source` declares, if it declares one.
pub fn coding(source: &[u8]) -> Option<Coding> {
    // A UTF-8 byte order mark may come before it.
    let mut offset = if source.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let body = &source[offset..];
    for (k, line) in body.split_inclusive(|&b| b == b'\n').take(2).enumerate() {
        if let Some(c) = coding_in_line(line, offset) {
            return Some(c);
        }
        // Line 2 counts only below a line 1 that is a comment or blank.
        let first = line.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\x0c'));
        if k == 0 && !matches!(first, None | Some(b'#' | b'\r' | b'\n')) {
            return None;
        }
        offset += line.len();
    }
    None
}

/// `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)` on one line.
fn coding_in_line(line: &[u8], offset: usize) -> Option<Coding> {
    let start = line
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\x0c'))?;
    if line.get(start) != Some(&b'#') {
        return None;
    }
    let mut at = start;
    while let Some(k) = find_bytes(&line[at..], b"coding") {
        let after = at + k + b"coding".len();
        at += k + 1;
        if !matches!(line.get(after), Some(b':' | b'=')) {
            continue;
        }
        let begin = after
            + 1
            + line[after + 1..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
        let len = line[begin..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            .count();
        if len == 0 {
            continue;
        }
        let name = String::from_utf8_lossy(&line[begin..begin + len]).into_owned();
        return Some(Coding {
            normal: normal_coding(&name),
            name,
            range: offset + begin..offset + begin + len,
        });
    }
    None
}

fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// CPython's `get_normal_name` (the tokenizer's names for UTF-8 and Latin-1), and the codecs'
/// other aliases of those two; other names as written (the interpreter decodes those).
fn normal_coding(name: &str) -> String {
    let n = name.to_ascii_lowercase().replace('_', "-");
    let is = |base: &str| n == base || n.starts_with(&format!("{base}-"));
    if is("utf-8") || ["utf8", "u8", "utf"].contains(&n.as_str()) {
        "utf-8".to_owned()
    } else if is("latin-1")
        || is("iso-8859-1")
        || is("iso-latin-1")
        || ["latin1", "l1", "iso8859-1", "8859", "cp819", "latin"].contains(&n.as_str())
    {
        "iso-8859-1".to_owned()
    } else {
        name.to_owned()
    }
}

/// `text` (decoded from the encoding its declaration names) declaring UTF-8 instead, in the
/// same lines: what flypy writes for the interpreter, which then decodes it as flypy read it.
pub fn declare_utf8(text: &str) -> String {
    match coding(text.as_bytes()) {
        Some(c) => format!("{}utf-8{}", &text[..c.range.start], &text[c.range.end..]),
        None => text.to_owned(),
    }
}

/// The module a list of inline statements becomes: `setup()` runs the setup code and returns
/// its local names; statement *i* is the body of `variant_<i>`, whose parameters are those
/// names (`setup_locals`, in order), so that inside it they are fast locals exactly as
/// `timeit` makes them.
pub fn from_statements(setup: &str, statements: &[String], setup_locals: &[String]) -> String {
    let mut out = String::from(
        "\"\"\"Which of these statements is fastest, and why?\n\nStatements given on flypy's \
         command line, each run inside a function as timeit runs it.\n\"\"\"\n\n\n",
    );
    out.push_str("def setup():\n");
    out.push_str(&indent(setup));
    out.push_str("    return dict(locals())\n");
    let params = setup_locals.join(", ");
    for (i, stmt) in statements.iter().enumerate() {
        out.push_str(&format!("\n\ndef variant_s{}({params}):\n", i + 1));
        out.push_str(&indent(stmt));
    }
    out
}

/// The setup function alone, compiled first to learn which local names it binds.
pub fn setup_probe(setup: &str) -> String {
    format!("def setup():\n{}", indent(setup))
}

fn indent(code: &str) -> String {
    let mut out = String::new();
    for line in code.lines() {
        if line.trim().is_empty() {
            out.push('\n');
        } else {
            out.push_str("    ");
            out.push_str(line);
            out.push('\n');
        }
    }
    if out.trim().is_empty() {
        out.push_str("    pass\n");
    }
    out
}

/// The top-level blocks of `source`: each starts at a line that begins in column 0 (not a
/// comment, not a continuation of a bracket or a string) and runs to the next. A version that
/// rejects the whole file can still compile each variant on its own with the rest (see
/// [`without_other_variants`]).
fn top_level_starts(source: &str) -> Vec<usize> {
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let first = line.chars().next();
        let code_start = matches!(first, Some(c) if !c.is_whitespace() && c != '#' && c != ')' && c != ']' && c != '}');
        if code_start {
            starts.push(offset);
        }
        offset += line.len();
    }
    starts
}

/// The top-level block that holds line `line` (counted from 1) of `source`, when it is a
/// variant (a `def`, or an assignment such as a lambda's) or `setup`: which part of a case file a compile error is in. `None` for a line
/// elsewhere (module code, another function, past the end).
pub fn part_at(source: &str, line: usize) -> Option<&str> {
    let offset: usize = source
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    if offset >= source.len() {
        return None;
    }
    let start = top_level_starts(source)
        .into_iter()
        .take_while(|&s| s <= offset)
        .last()?;
    let head = source.get(start..)?;
    let setup = head
        .strip_prefix("def setup")
        .is_some_and(|r| r.starts_with(['(', ' ']));
    if setup {
        return Some("setup");
    }
    // A variant's block: `def variant_*` or `variant_* = lambda …`.
    block_variant(head)
}

/// `source` with every variant block (`def variant_*`, `variant_* = …`) except `keep` blanked out (replaced by empty
/// lines, so line numbers stay). Decorators directly above a variant go with it. Used to
/// compile one variant at a time on an interpreter that rejects another variant's syntax.
pub fn without_other_variants(source: &str, keep: &str) -> String {
    without_variants(source, &|name| name != keep)
}

/// The variant a top-level block defines: `def variant_x(` or `variant_x = …` (a lambda, most
/// often), `async def` and `class` too (the run says what is wrong with those).
fn block_variant(head: &str) -> Option<&str> {
    let rest = head
        .strip_prefix("def ")
        .or_else(|| head.strip_prefix("async def "))
        .or_else(|| head.strip_prefix("class "))
        .unwrap_or(head);
    let name_end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..name_end];
    if !name.starts_with("variant_") {
        return None;
    }
    let after = rest[name_end..].trim_start();
    let assigned = after.starts_with('=') && !after.starts_with("==");
    (rest.len() != head.len() || assigned).then_some(name)
}

/// Each top-level block of `source` (its decorators with the statement they decorate), as
/// (start, end, the variant it defines).
fn blocks(source: &str) -> Vec<(usize, usize, Option<&str>)> {
    let starts = top_level_starts(source);
    let mut out = Vec::new();
    let mut i = 0;
    while i < starts.len() {
        let begin = starts[i];
        // A block is its decorators and the statement they decorate.
        let mut j = i;
        while j < starts.len() && source[starts[j]..].starts_with('@') {
            j += 1;
        }
        let end = starts.get(j + 1).copied().unwrap_or(source.len());
        let head = source
            .get(starts.get(j).copied().unwrap_or(begin)..end)
            .unwrap_or("");
        out.push((begin, end, block_variant(head)));
        i = j + 1;
    }
    out
}

/// The variants defined at the top level of `source` (a `def variant_*`, or `variant_* = …`),
/// each with the line its statement starts on (a lambda's code object has that line): what a
/// version that cannot compile the whole case can compile one at a time.
pub fn variant_blocks(source: &str) -> Vec<(String, u32)> {
    blocks(source)
        .into_iter()
        .filter_map(|(begin, end, name)| {
            let name = name?;
            // The line of the statement, after its decorators.
            let head = source.get(begin..end).unwrap_or("");
            let decorators = head
                .lines()
                .take_while(|l| l.starts_with('@') || l.starts_with(char::is_whitespace))
                .count();
            let line = source[..begin].matches('\n').count() + 1 + decorators;
            Some((name.to_owned(), u32::try_from(line).unwrap_or(u32::MAX)))
        })
        .collect()
}

/// `source` with the variant blocks whose names `drop` picks blanked out, as
/// [`without_other_variants`] does: to measure the variants a version can compile.
pub fn without_variants(source: &str, drop: &dyn Fn(&str) -> bool) -> String {
    let found = blocks(source);
    let Some(&(first, _, _)) = found.first() else {
        return source.to_owned();
    };
    let mut out = String::with_capacity(source.len());
    out.push_str(&source[..first]);
    for (begin, end, name) in found {
        let block = &source[begin..end];
        match name {
            Some(n) if drop(n) => {
                out.extend(block.split_inclusive('\n').map(|l| {
                    if l.ends_with('\n') {
                        "\n"
                    } else {
                        ""
                    }
                }));
            }
            _ => out.push_str(block),
        }
    }
    out
}

/// Whether `source` looks like a case: some line defines or assigns a `variant_*` name (at
/// module level or under an `if`), so that a script that is no case is not run as one.
pub fn mentions_variants(source: &str) -> bool {
    source.lines().any(|l| {
        let l = l.trim_start();
        [
            "def variant_",
            "async def variant_",
            "class variant_",
            "variant_",
        ]
        .iter()
        .any(|p| l.starts_with(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_case_has_a_question_and_variants() {
        assert!(BUILTIN.len() >= 12);
        for c in BUILTIN {
            let a = about(c.source).unwrap_or_else(|| panic!("{} has no docstring", c.name));
            assert!(a.question.ends_with('?'), "{}: {:?}", c.name, a.question);
            assert!(
                c.source.matches("\ndef variant_").count() >= 2,
                "{} has fewer than two variants",
                c.name
            );
        }
        assert_eq!(BUILTIN[0].name, DEFAULT_CASE);
        assert!(builtin("list_init").is_some());
        assert!(builtin("nope").is_none());
    }

    #[test]
    fn docstring_after_comments_and_prefixes() {
        let a = about("# -*- coding: utf-8 -*-\n\nr'''Why?\n\n  More\n  text.\n'''\nx = 1\n");
        assert_eq!(
            a,
            Some(About {
                question: "Why?".into(),
                description: "More text.".into()
            })
        );
        assert_eq!(about("x = 1\n\"\"\"late\"\"\"\n"), None);
        assert_eq!(about("\"\"\"unterminated\n"), None);
    }

    #[test]
    fn statements_become_variants_with_setup_names_as_parameters() {
        let src = from_statements(
            "n = 1000",
            &[
                "r = []\nfor i in range(n): r.append(i)".into(),
                "[i for i in range(n)]".into(),
            ],
            &["n".into()],
        );
        assert!(src.contains("def setup():\n    n = 1000\n    return dict(locals())\n"));
        assert!(
            src.contains("def variant_s1(n):\n    r = []\n    for i in range(n): r.append(i)\n")
        );
        assert!(src.contains("def variant_s2(n):\n    [i for i in range(n)]\n"));
        assert_eq!(setup_probe(""), "def setup():\n    pass\n");
    }

    #[test]
    fn the_part_a_line_is_in() {
        let src = "N = 3\n\ndef setup():\n    return {}\n\ndef variant_a(n):\n    x = (\n\n\
                   def helper():\n    pass\n";
        assert_eq!(part_at(src, 1), None);
        assert_eq!(part_at(src, 4), Some("setup"));
        assert_eq!(part_at(src, 6), Some("variant_a"));
        assert_eq!(part_at(src, 8), Some("variant_a"));
        assert_eq!(part_at(src, 10), None);
        assert_eq!(part_at(src, 0), None);
        assert_eq!(part_at(src, 99), None);
        let src = "def setup():\n    pass\nvariant_b = lambda n: (\n    n +\n)\nsetuptools = 1\n";
        assert_eq!(part_at(src, 2), Some("setup"));
        assert_eq!(part_at(src, 4), Some("variant_b"));
        assert_eq!(part_at(src, 6), None);
    }

    #[test]
    fn other_variants_are_blanked_keeping_lines() {
        let src = "\"\"\"Q?\"\"\"\nN = 3\n\n\ndef setup():\n    return {}\n\n\n\
                   def variant_a(n):\n    return [*range(n)]\n\n\n@dec\ndef variant_b(n):\n    \
                   return list(range(n))\n";
        let only_b = without_other_variants(src, "variant_b");
        assert_eq!(only_b.lines().count(), src.lines().count());
        assert!(!only_b.contains("[*range(n)]"));
        assert!(only_b.contains("@dec\ndef variant_b(n):"));
        assert!(only_b.contains("def setup():"));
        let only_a = without_other_variants(src, "variant_a");
        assert!(only_a.contains("[*range(n)]"));
        assert!(!only_a.contains("variant_b"));
    }

    #[test]
    fn chosen_variants_are_blanked_keeping_lines() {
        let src =
            "def setup():\n    return {}\n\n\ndef variant_a(n):\n    return [*range(n)]\n\n\n\
                   def variant_b(n):\n    return list(range(n))\n\n\ndef variant_c(n):\n    \
                   return [i for i in range(n)]\n";
        let without_a = without_variants(src, &|n| n == "variant_a");
        assert_eq!(without_a.lines().count(), src.lines().count());
        assert!(!without_a.contains("variant_a") && !without_a.contains("[*range(n)]"));
        assert!(without_a.contains("def variant_b(n):") && without_a.contains("def variant_c(n):"));
        assert_eq!(without_variants(src, &|_| false), src);
    }

    #[test]
    fn lambda_variants_are_blocks_of_their_own() {
        let src = "def setup():\n    return {}\n\n\nvariant_a = lambda n: [*range(n)]\n\
                   variant_b = lambda n: list(range(n))\n\n@dec\ndef variant_c(n):\n    \
                   return n\nx = variant_a == 1\n";
        assert_eq!(
            variant_blocks(src),
            [
                ("variant_a".to_owned(), 5),
                ("variant_b".to_owned(), 6),
                ("variant_c".to_owned(), 9)
            ]
        );
        let without_a = without_other_variants(src, "variant_b");
        assert_eq!(without_a.lines().count(), src.lines().count());
        assert!(!without_a.contains("[*range(n)]") && !without_a.contains("variant_c"));
        assert!(without_a.contains("variant_b = lambda n"));
        assert!(mentions_variants("if X:\n    variant_a = f\n"));
        assert!(!mentions_variants("def helper():\n    pass\n# variant_a\n"));
    }

    #[test]
    fn encoding_declarations_as_pep_263_reads_them() {
        let c = coding(b"# -*- coding: Latin_1 -*-\nx = 1\n").expect("declared");
        assert_eq!(
            (c.name.as_str(), c.normal.as_str()),
            ("Latin_1", "iso-8859-1")
        );
        assert_eq!(c.range, 14..21);
        let c = coding(b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n").expect("2");
        assert_eq!((c.name.as_str(), c.normal.as_str()), ("cp1252", "cp1252"));
        assert_eq!(
            coding(b"x = 1\n# coding: latin-1\n"),
            None,
            "line 2 below code"
        );
        assert_eq!(coding(b"\n\n# coding: latin-1\n"), None, "line 3");
        assert_eq!(coding(b"x = '# coding: latin-1'\n"), None, "not a comment");
        assert_eq!(
            coding(b"# coding=utf8\n").map(|c| c.normal),
            Some("utf-8".into())
        );
        assert_eq!(
            coding(b"\xef\xbb\xbf# coding: l1\n").map(|c| c.range),
            Some(13..15)
        );
        assert_eq!(
            declare_utf8("# -*- coding: cp1252 -*-\ns = 'caf\u{e9}'\n"),
            "# -*- coding: utf-8 -*-\ns = 'caf\u{e9}'\n"
        );
    }
}
