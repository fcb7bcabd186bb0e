//! Reading valgrind callgrind profiles (the "Callgrind Format Specification", format version
//! 1): what each function of a program cost by itself and with its callees, who called whom
//! how often, and the difference of two profiles by function.
//!
//! The input is untrusted (a file a child process wrote): parsing never panics, reads the
//! input once, line by line, and reports the first problem with its 1-based line number.
//!
//! Decisions, where the specification leaves room:
//! - A function is (object, source file, name): the `ob=` and the file (`fl=`, `fi=` or `fe=`)
//!   current at its `fn=` line. Inlined code (`fi=`/`fe=` inside a function) stays charged to
//!   the function, as callgrind means it.
//! - A call's target object and file default to the current `ob=` and source file; `cob=`,
//!   `cfi=`/`cfl=` and `cfn=` apply to the next `calls=` only.
//! - A relative position (`+n`, `-n`, `*`) is relative to the same column of the previous
//!   cost line; the target position on `calls=`/`jump=`/`jcnd=` lines is read relative to it
//!   but does not replace it (this is how callgrind writes them).
//! - `totals:` must equal the sum of the part's cost lines, else it is an error: the file is
//!   corrupt or misread, and its numbers would be wrong. `summary:` may not be smaller (an
//!   error) but may be larger: the format allows costs outside cost lines, and callgrind's
//!   summary is a few instructions larger with `--cache-sim=yes`. When a larger summary comes
//!   without the closing `totals:` line, the part is probably cut short: a warning in
//!   [`Profile::warnings`].
//! - Several parts in one file (`--combine-dumps=yes`) are summed; they must count the same
//!   events. A part that leaves out `events:` or `positions:` keeps the previous part's.
//! - Unknown `key:` header lines and `key=` body lines are skipped with a warning, so newer
//!   writers do not break reading; anything else unrecognised is an error.
//! - Names that are not valid UTF-8 are read lossily.
//! - Limits against hostile input: lines of at most 4 MiB, at most 64 events (callgrind
//!   writes at most about 20). Memory is otherwise proportional to the input's size.

mod diff;
mod error;
mod lines;
mod names;
mod numbers;
mod parser;
mod profile;

pub use diff::{DiffError, FunctionDiff, FunctionPerCall, PerCall, ProfileDiff};
pub use error::{Error, ErrorKind};
pub use profile::{Call, CostKind, FunctionCost, FunctionKey, Header, Part, Profile, Warning};

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// Reads a profile from any buffered reader, streaming.
pub fn parse_reader<R: BufRead>(reader: R) -> Result<Profile, Error> {
    parser::parse(reader)
}

/// Reads a profile held in memory as bytes (need not be UTF-8).
pub fn parse_bytes(data: &[u8]) -> Result<Profile, Error> {
    parser::parse(data)
}

/// Reads a profile held in memory as text.
pub fn parse_str(text: &str) -> Result<Profile, Error> {
    parser::parse(text.as_bytes())
}

/// Reads the profile file at `path`, streaming (profiles of a CPython run are tens of MB).
pub fn parse_file(path: impl AsRef<Path>) -> Result<Profile, Error> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|source| Error::Open {
        path: path.to_owned(),
        source,
    })?;
    parser::parse(BufReader::with_capacity(1 << 18, file))
}
