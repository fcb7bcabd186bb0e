//! `repr` of text and byte strings: quote choice and escapes, per version.
//!
//! Every version picks the quote the same way (`"` only when the text has a `'` and no `"`)
//! and backslash-escapes that quote, the backslash, `\t`, `\n`, `\r`. They differ in what
//! else is escaped: Python 3 `str` keeps every code point its Unicode database calls
//! printable; Python 3 `bytes`, Python 2 `str` and Python 2 `unicode` keep only printable
//! ASCII, escaping the rest as `\xNN` (and 2.7 `unicode` as `\uNNNN` / `\UNNNNNNNN` above
//! 0xFF).

use flypy_marshal::{PyStr, PyVersion};

use crate::unicode::is_printable;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Which quote `repr` uses for a string with these characters.
fn pick_quote(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double {
        '"'
    } else {
        '\''
    }
}

/// Appends `\x`, `\u` or `\U` and `digits` lowercase hex digits of `cp`.
fn push_hex_escape(out: &mut String, marker: char, cp: u32, digits: u32) {
    out.push('\\');
    out.push(marker);
    for i in (0..digits).rev() {
        let nibble = (cp >> (4 * i)) & 0xF;
        out.push(char::from(HEX[nibble as usize]));
    }
}

/// Appends the escape for the ASCII-range specials all versions share, returning false when
/// `cp` is not one of them.
fn push_common_escape(out: &mut String, cp: u32, quote: char) -> bool {
    match cp {
        0x5C => out.push_str("\\\\"),
        0x09 => out.push_str("\\t"),
        0x0A => out.push_str("\\n"),
        0x0D => out.push_str("\\r"),
        _ if cp == u32::from(quote) => {
            out.push('\\');
            out.push(quote);
        }
        _ => return false,
    }
    true
}

/// True for the bytes every string repr copies as they are: printable ASCII except the
/// backslash and both quotes (those need a look at the quote choice).
fn plain_ascii(b: u8) -> bool {
    (0x20..0x7F).contains(&b) && b != b'\\' && b != b'\'' && b != b'"'
}

/// What one pass over a string's bytes tells about its repr.
struct Scan {
    single: bool,
    double: bool,
    /// Every byte is printable ASCII other than the backslash (quotes allowed).
    printable_ascii: bool,
}

fn scan(bytes: &[u8]) -> Scan {
    let mut s = Scan {
        single: false,
        double: false,
        printable_ascii: true,
    };
    for &b in bytes {
        s.single |= b == b'\'';
        s.double |= b == b'"';
        s.printable_ascii &= (0x20..0x7F).contains(&b) && b != b'\\';
    }
    s
}

/// Python 3 `str.__repr__` (and 2.7 `unicode.__repr__` with `u` prefix), appended to `out`.
pub fn write_str(out: &mut String, s: &PyStr, version: PyVersion) {
    let bytes = s.as_bytes();
    let scan = scan(bytes);
    let quote = pick_quote(scan.single, scan.double);
    if version.major < 3 {
        out.push('u');
    }
    out.push(quote);
    // Fast path: the common printable-ASCII constant is copied in one go, unless it holds
    // both quotes (then the chosen one is escaped).
    if scan.printable_ascii && !(scan.single && scan.double) {
        if let Some(text) = s.as_str() {
            out.push_str(text);
            out.push(quote);
            return;
        }
    }
    out.reserve(bytes.len());
    if let Some(mut text) = s.as_str() {
        // Runs of plain ASCII (most of a docstring) are copied whole; each other character
        // is spelled on its own.
        while !text.is_empty() {
            let run = text.bytes().take_while(|&b| plain_ascii(b)).count();
            let (plain, rest) = text.split_at(run);
            out.push_str(plain);
            let mut chars = rest.chars();
            if let Some(ch) = chars.next() {
                write_code_point(out, ch as u32, Some(ch), quote, version);
            }
            text = chars.as_str();
        }
    } else {
        for cp in s.code_points() {
            write_code_point(out, cp, char::from_u32(cp), quote, version);
        }
    }
    out.push(quote);
}

fn write_code_point(out: &mut String, cp: u32, ch: Option<char>, quote: char, version: PyVersion) {
    if cp < 0x80 {
        if let Ok(b) = u8::try_from(cp) {
            if plain_ascii(b) {
                out.push(char::from(b));
                return;
            }
        }
    }
    if push_common_escape(out, cp, quote) {
        return;
    }
    if version.major >= 3 && cp >= 0x80 && is_printable(version, cp) {
        if let Some(c) = ch {
            out.push(c);
            return;
        }
    }
    if cp == u32::from(b'\'') || cp == u32::from(b'"') {
        // The quote not chosen is printed as is.
        out.push(char::from(cp as u8));
    } else if cp <= 0xFF {
        push_hex_escape(out, 'x', cp, 2);
    } else if cp <= 0xFFFF {
        push_hex_escape(out, 'u', cp, 4);
    } else {
        push_hex_escape(out, 'U', cp, 8);
    }
}

/// Python 3 `bytes.__repr__` (with `b` prefix) or Python 2 `str.__repr__` (without).
pub fn write_bytes(out: &mut String, bytes: &[u8], version: PyVersion) {
    let scan = scan(bytes);
    let quote = pick_quote(scan.single, scan.double);
    if version.major >= 3 {
        out.push('b');
    }
    out.push(quote);
    if scan.printable_ascii && !(scan.single && scan.double) {
        if let Ok(text) = std::str::from_utf8(bytes) {
            out.push_str(text);
            out.push(quote);
            return;
        }
    }
    out.reserve(bytes.len());
    for &b in bytes {
        if plain_ascii(b) {
            out.push(char::from(b));
        } else if push_common_escape(out, u32::from(b), quote) {
        } else if b == b'\'' || b == b'"' {
            out.push(char::from(b));
        } else {
            push_hex_escape(out, 'x', u32::from(b), 2);
        }
    }
    out.push(quote);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s3(text: &str) -> String {
        let mut out = String::new();
        write_str(&mut out, &PyStr::new(text), PyVersion::new(3, 12));
        out
    }

    fn wtf8(bytes: &[u8], version: PyVersion) -> String {
        let mut out = String::new();
        write_str(&mut out, &PyStr::from_wtf8(bytes.into()), version);
        out
    }

    fn b(bytes: &[u8], version: PyVersion) -> String {
        let mut out = String::new();
        write_bytes(&mut out, bytes, version);
        out
    }

    #[test]
    fn python3_quotes_and_escapes() {
        assert_eq!(s3("abc"), "'abc'");
        assert_eq!(s3(""), "''");
        assert_eq!(s3("it's"), "\"it's\"");
        assert_eq!(s3("'\""), "'\\'\"'");
        assert_eq!(s3("say \"hi\""), "'say \"hi\"'");
        assert_eq!(s3("a\\b\n\r\t"), "'a\\\\b\\n\\r\\t'");
        assert_eq!(s3("\0\x1f\x7f"), "'\\x00\\x1f\\x7f'");
        assert_eq!(s3("é\u{a0}\u{ad}"), "'é\\xa0\\xad'");
        assert_eq!(s3("\u{2028}中"), "'\\u2028中'");
        assert_eq!(s3("\u{e0001}😀"), "'\\U000e0001😀'");
    }

    #[test]
    fn lone_surrogates_are_escaped() {
        let v = PyVersion::new(3, 12);
        assert_eq!(wtf8(b"a\xed\xa0\x80b", v), "'a\\ud800b'");
        assert_eq!(wtf8(b"\xed\xbf\xbf", v), "'\\udfff'");
        assert_eq!(
            wtf8(b"\xed\xa0\x80\xed\xb0\x80", PyVersion::new(2, 7)),
            "u'\\ud800\\udc00'"
        );
    }

    #[test]
    fn python27_unicode_escapes_all_non_ascii() {
        let v = PyVersion::new(2, 7);
        assert_eq!(
            wtf8("é中😀\x7f'".as_bytes(), v),
            "u\"\\xe9\\u4e2d\\U0001f600\\x7f'\""
        );
    }

    #[test]
    fn bytes_both_ways() {
        assert_eq!(
            b(b"a'\x00\xff\\", PyVersion::new(3, 6)),
            "b\"a'\\x00\\xff\\\\\""
        );
        assert_eq!(b(b"a'\"", PyVersion::new(2, 7)), "'a\\'\"'");
        assert_eq!(b(b"", PyVersion::new(3, 11)), "b''");
    }
}
