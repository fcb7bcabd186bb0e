//! What can go wrong reading a profile. Every syntax error carries the 1-based line number,
//! because a profile is tens of megabytes and "malformed" alone helps nobody.

use std::path::PathBuf;

/// Why a profile could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: cannot read it: {source}")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("reading the profile failed after line {line}: {source}")]
    Read { line: usize, source: std::io::Error },
    #[error("line {line}: {kind}")]
    Syntax { line: usize, kind: ErrorKind },
    /// Nothing told us what the cost columns are, so no cost can be read. Also what an empty
    /// file gives (callgrind leaves one behind when it did not follow the process, e.g. when
    /// the command was a shell script that `exec`s the real interpreter).
    #[error("no `events:` line: the input is empty or not a callgrind profile")]
    NoEvents,
}

impl Error {
    /// The 1-based line the error is about, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Syntax { line, .. } | Error::Read { line, .. } => Some(*line),
            Error::Open { .. } | Error::NoEvents => None,
        }
    }
}

/// What is wrong on a given line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error("expected {expected}, found `{found}`")]
    Expected {
        expected: &'static str,
        found: String,
    },
    #[error("expected {expected}, found nothing")]
    Missing { expected: &'static str },
    #[error("number `{found}` does not fit in 64 bits")]
    NumberTooLarge { found: String },
    #[error("relative position `{found}` goes below 0 (the previous position is {base})")]
    PositionBelowZero { found: String, base: u64 },
    #[error("relative position `{found}` goes beyond 2^64-1 (the previous position is {base})")]
    PositionTooLarge { found: String, base: u64 },
    #[error("expected {expected} position column(s) (`positions:` {names}), found {found}")]
    TooFewPositions {
        expected: usize,
        names: String,
        found: usize,
    },
    #[error("more than {events} cost column(s) on the line, but `events:` lists {events}")]
    TooManyCosts { events: usize },
    #[error("costs before any `events:` line says what they count")]
    CostBeforeEvents,
    #[error("a cost line before any `fn=` line: there is no function to charge it to")]
    CostOutsideFunction,
    #[error("`calls=` without a `cfn=` line naming the called function before it")]
    CallWithoutTarget,
    #[error("expected the cost line of the `calls=` on line {calls_line}, found {found}")]
    MissingCallCost { calls_line: usize, found: String },
    #[error("`{key}=({id})` refers to an id that no earlier `{key}=({id}) name` defined")]
    UndefinedName { key: String, id: u64 },
    #[error("`{key}=({id}) {new}` redefines id {id}, which already names `{old}`")]
    NameRedefined {
        key: String,
        id: u64,
        old: String,
        new: String,
    },
    #[error("the name id in `{found}` has no closing `)`")]
    UnclosedId { found: String },
    #[error("`events:` lists no event names")]
    NoEventNames,
    #[error("`events:` lists more than {limit} events")]
    TooManyEvents { limit: usize },
    #[error("event `{name}` is listed twice in `events:`")]
    DuplicateEvent { name: String },
    #[error("`positions:` expects `instr`, `bb` and/or `line` (each once), found `{found}`")]
    BadPositions { found: String },
    #[error("`{key}:` appears twice in the same part")]
    DuplicateHeader { key: &'static str },
    #[error("this part's events `{now}` differ from the earlier part's `{before}`; mixing event lists is not supported")]
    EventsChanged { before: String, now: String },
    #[error(
        "`totals:` says {event} = {stated}, but the cost lines of the part add up to {computed}"
    )]
    TotalsMismatch {
        event: String,
        stated: u64,
        computed: u64,
    },
    #[error("`summary:` says {event} = {stated}, less than the {computed} the cost lines of the part add up to")]
    SummaryTooSmall {
        event: String,
        stated: u64,
        computed: u64,
    },
    #[error("costs add up to more than 2^64-1")]
    CostOverflow,
    #[error("the line is longer than {limit} bytes")]
    LineTooLong { limit: usize },
    #[error("not a callgrind line: `{found}`")]
    Unrecognised { found: String },
}

/// A short, printable excerpt of untrusted text for an error message (whole lines can be
/// megabytes long).
pub(crate) fn excerpt(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}
