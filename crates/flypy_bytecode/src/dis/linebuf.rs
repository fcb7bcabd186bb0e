//! A listing line assembled at fixed columns, for the 3.11+ formatters.
//!
//! `dis` builds each line from fields joined by spaces, most of them numbers right-justified
//! in a column whose width is fixed for the whole code object. When every field fits its
//! column, each field's position is known before the line is written, so the line is a
//! buffer of spaces with a few fixed-size stores into it, copied out at once. Most of a
//! listing's time would otherwise go to many tiny appends. A field that does not fit (a
//! number wider than its column, a negative argument) makes [`LineBuf::fits`] false and
//! the caller prints that line the general way.

/// Bytes before column 0, so a 4-byte number store for a column narrower than 4 stays inside
/// the buffer (what lands left of the column is the space `PADDED4` starts with).
const MARGIN: usize = 4;
/// Longest line the buffer holds; longer layouts take the general path.
pub(crate) const MAX_LINE: usize = 88;
const SIZE: usize = MARGIN + MAX_LINE + 32;

/// `0..10000` right-justified in 4 columns: nearly every offset, argument and line number
/// `dis` prints is one of these, so a column is one 4-byte copy.
static PADDED4: [[u8; 4]; 10000] = {
    let mut table = [[b' '; 4]; 10000];
    let mut n = 0;
    while n < 10000 {
        let mut m = n;
        let mut col = 3;
        loop {
            table[n][col] = b'0' + (m % 10) as u8;
            m /= 10;
            if m == 0 {
                break;
            }
            col -= 1;
        }
        n += 1;
    }
    table
};

/// An opname followed by spaces to 32 bytes, for ASCII names of at most [`PADDED_NAME_MAX`]
/// bytes: one fixed-size copy writes the name column and its padding at once.
pub(crate) type PaddedName = [u8; 32];
const PADDED_NAME_MAX: usize = 24;

pub(crate) fn padded_name(name: &str) -> Option<PaddedName> {
    let mut block = [b' '; 32];
    block
        .get_mut(..name.len())?
        .copy_from_slice(name.as_bytes());
    (name.len() <= PADDED_NAME_MAX && name.is_ascii()).then_some(block)
}

/// [`padded_name`] of each opcode's printed name, by opcode.
pub(crate) fn padded_names(names: &[&str]) -> Vec<Option<PaddedName>> {
    names.iter().map(|n| padded_name(n)).collect()
}

pub(crate) struct LineBuf {
    buf: [u8; SIZE],
    fits: bool,
}

impl LineBuf {
    pub fn new() -> Self {
        Self {
            buf: [b' '; SIZE],
            fits: true,
        }
    }

    /// Starts a line: all spaces.
    pub fn clear(&mut self) {
        self.buf = [b' '; SIZE];
        self.fits = true;
    }

    /// False once a field did not fit its column.
    pub fn fits(&self) -> bool {
        self.fits
    }

    /// `str(n).rjust(width)` in the column that ends (exclusive) at `end`. A column 3 wide
    /// must have a separator space (or the line's start) left of it.
    pub fn num(&mut self, end: usize, width: usize, n: i64) {
        let Ok(u) = u64::try_from(n) else {
            self.fits = false;
            return;
        };
        if end > MAX_LINE || width > end {
            self.fits = false;
            return;
        }
        let last = MARGIN + end;
        // PADDED4 has as many leading spaces as 4 minus the digits: a 3-wide column holding
        // at most 3 digits only gets a space written over the separator left of it.
        if u < 10000 && (width >= 4 || (width == 3 && u < 1000)) {
            if let (Some(cell), Some(dst)) = (
                PADDED4.get(u as usize),
                self.buf.get_mut(last.wrapping_sub(4)..last),
            ) {
                dst.copy_from_slice(cell);
                return;
            }
        }
        let mut m = u;
        let mut at = last;
        let first = MARGIN + end - width;
        while at > first {
            at -= 1;
            self.buf[at] = b'0' + (m % 10) as u8;
            m /= 10;
            if m == 0 {
                return;
            }
        }
        self.fits = false;
    }

    /// `bytes` at column `at`.
    pub fn put(&mut self, at: usize, bytes: &[u8]) {
        match self.buf.get_mut(MARGIN + at..MARGIN + at + bytes.len()) {
            Some(dst) if at + bytes.len() <= MAX_LINE => dst.copy_from_slice(bytes),
            _ => self.fits = false,
        }
    }

    /// A padded name block at column `at` (its trailing spaces are harmless: fields right
    /// of it are written after it).
    pub fn name(&mut self, at: usize, block: &PaddedName) {
        match self.buf.get_mut(MARGIN + at..MARGIN + at + 32) {
            Some(dst) => dst.copy_from_slice(block),
            None => self.fits = false,
        }
    }

    /// Appends columns `0..len` to `out`.
    pub fn emit(&self, out: &mut Vec<u8>, len: usize) {
        if len > MAX_LINE {
            return;
        }
        // A fixed-size copy (vector moves, no memcpy call), then the excess dropped.
        let before = out.len();
        if let Some(block) = self.buf.get(MARGIN..MARGIN + MAX_LINE) {
            out.extend_from_slice(block);
        }
        out.truncate(before + len);
    }
}

/// Digits (and sign) of `n`, as `len(str(n))`.
pub(crate) fn int_len(n: i64) -> usize {
    let mut len = usize::from(n < 0);
    let mut m = n.unsigned_abs();
    loop {
        len += 1;
        m /= 10;
        if m == 0 {
            return len;
        }
    }
}

/// `str(n)`, spelled in `digits`.
pub(crate) fn int_text(n: i64, digits: &mut [u8; 20]) -> &str {
    let mut m = n.unsigned_abs();
    let mut i = digits.len();
    loop {
        i -= 1;
        // `m % 10` is below 10, so the cast cannot truncate.
        digits[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    // 20 digits hold u64::MAX; i64::MIN's 19 leave room for the sign.
    if n < 0 {
        i -= 1;
        digits[i] = b'-';
    }
    std::str::from_utf8(digits.get(i..).unwrap_or_default()).unwrap_or_default()
}

/// Appends `str(n)`.
pub(crate) fn push_int(out: &mut Vec<u8>, n: i64) {
    // Most numbers dis prints (arguments, labels, lines, table entries) are small.
    if let Some(cell) = usize::try_from(n).ok().and_then(|u| PADDED4.get(u)) {
        let skip = cell.iter().take_while(|&&c| c == b' ').count();
        out.extend_from_slice(cell.get(skip..).unwrap_or_default());
        return;
    }
    out.extend_from_slice(int_text(n, &mut [0; 20]).as_bytes());
}

/// Appends `str(n)` to a `String`.
pub(crate) fn push_int_str(out: &mut String, n: i64) {
    out.push_str(int_text(n, &mut [0; 20]));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rjust(n: i64, width: usize) -> Option<String> {
        let mut b = LineBuf::new();
        b.clear();
        b.put(0, b"|");
        b.num(1 + 1 + width, width, n);
        let mut out = Vec::new();
        b.emit(&mut out, 2 + width);
        b.fits().then(|| String::from_utf8(out).expect("ascii"))
    }

    #[test]
    fn numbers_fill_their_column_or_do_not_fit() {
        for width in 1..=12usize {
            for n in [
                0i64,
                5,
                9,
                10,
                99,
                100,
                999,
                1000,
                9999,
                10000,
                123456,
                99999999999,
            ] {
                let want = format!("| {:>width$}", n, width = width);
                let fits = n.to_string().len() <= width;
                assert_eq!(rjust(n, width), fits.then_some(want), "n={n} width={width}");
            }
            assert_eq!(rjust(-1, width), None);
        }
    }

    #[test]
    fn ints_print_like_python() {
        for n in [
            0i64,
            7,
            10,
            99,
            100,
            9999,
            10000,
            -1,
            -10,
            i64::MIN,
            i64::MAX,
        ] {
            let mut out = Vec::new();
            push_int(&mut out, n);
            assert_eq!(String::from_utf8(out).expect("ascii"), n.to_string());
        }
    }

    #[test]
    fn long_layouts_do_not_fit() {
        let mut b = LineBuf::new();
        b.clear();
        b.put(MAX_LINE - 1, b"xy");
        assert!(!b.fits());
        b.clear();
        b.num(MAX_LINE + 1, 4, 1);
        assert!(!b.fits());
    }
}
