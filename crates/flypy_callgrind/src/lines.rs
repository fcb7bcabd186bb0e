//! Streaming a profile line by line as bytes, with a cap on a line's length so that a file
//! without newlines cannot make us buffer all of it as one line.

use std::io::{self, BufRead};

/// Longer than any line callgrind writes (the longest are C++ symbol names, a few KB) by a
/// wide margin, small enough to bound memory on hostile input.
pub(crate) const MAX_LINE_BYTES: usize = 4 << 20;

pub(crate) enum Line {
    /// The line is in the buffer, without its `\n`.
    Read,
    TooLong,
    End,
}

/// Reads the next line into `buf` (cleared first).
pub(crate) fn next_line<R: BufRead>(reader: &mut R, buf: &mut Vec<u8>) -> io::Result<Line> {
    buf.clear();
    let mut read_any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(if read_any { Line::Read } else { Line::End });
        }
        read_any = true;
        let (take, consume, done) = match available.iter().position(|&b| b == b'\n') {
            Some(newline) => (newline, newline + 1, true),
            None => (available.len(), available.len(), false),
        };
        if buf.len() + take > MAX_LINE_BYTES {
            return Ok(Line::TooLong);
        }
        buf.extend_from_slice(&available[..take]);
        reader.consume(consume);
        if done {
            return Ok(Line::Read);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(mut input: &[u8]) -> Vec<String> {
        let mut buf = Vec::new();
        let mut out = Vec::new();
        loop {
            match next_line(&mut input, &mut buf) {
                Ok(Line::Read) => out.push(String::from_utf8_lossy(&buf).into_owned()),
                Ok(Line::TooLong) => {
                    // The parser stops at the first over-long line; so does this.
                    out.push("<too long>".into());
                    return out;
                }
                Ok(Line::End) | Err(_) => return out,
            }
        }
    }

    #[test]
    fn splits_lines() {
        assert_eq!(all_lines(b""), Vec::<String>::new());
        assert_eq!(all_lines(b"a\nb"), ["a", "b"]);
        assert_eq!(all_lines(b"a\n\nb\n"), ["a", "", "b"]);
        let long = vec![b'x'; MAX_LINE_BYTES + 1];
        assert_eq!(all_lines(&long), ["<too long>"]);
    }
}
