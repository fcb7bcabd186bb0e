//! What an exporter is given: a command's typed document (`flypy_measure`'s, exactly what
//! `--format json` serializes) and, beside it, the engine's values the text view reads and
//! the JSON does not carry. Borrowed, not copied: the document types stay the engine's
//! (docs/decisions.md, "The layout after issue 14"), and their schemas do not change for a view.

use flypy_marshal::Code;
use flypy_measure::cost::CostDoc;
use flypy_measure::dive_doc::DiveDoc;
use flypy_measure::doc::{CaseDoc, CasesDoc, PythonsDoc};
use flypy_measure::time::TimeDoc;
use flypy_measure::trace::{Listing, TraceDoc};

/// A command's result, for any exporter.
pub enum Document<'a> {
    DisFile(DisFile<'a>),
    Trace(Trace<'a>),
    Time(Time<'a>),
    Cost(Cost<'a>),
    Dive(Dive<'a>),
    Pythons(PythonsDoc<'a>),
    Cases(CasesDoc<'a>),
    /// One case with its source (`flypy cases --show NAME`).
    Case(CaseDoc<'a>),
}

/// One file of `flypy dis`. Its `flypy.dis/1` document is written file by file, the files
/// formatted in parallel (a tree such as the standard library is never held whole), so the
/// view is per file: the text's listing, or the JSON's entry of `files`, which the binary
/// frames with `flypy_measure::source::dis_json::document`.
pub struct DisFile<'a> {
    pub loaded: &'a flypy_measure::source::Loaded,
    /// `loaded`'s code object.
    pub code: &'a Code,
    pub options: &'a flypy_bytecode::dis::DisOptions,
    /// Several files: the text puts a header before each listing and a blank line after it.
    pub many: bool,
}

/// `flypy trace`: the document and the listings it was made from (the text sorts and marks
/// them).
pub struct Trace<'a> {
    pub doc: TraceDoc<'a>,
    pub listings: &'a [Listing],
    pub ending: &'a flypy_probe::run::Ending,
}

/// `flypy time`: the document and the timed statements (the text and pyperf's JSON read every
/// worker's values, which the document summarizes).
pub struct Time<'a> {
    pub doc: TimeDoc<'a>,
    pub variants: &'a [flypy_measure::time::Variant],
    pub about: &'a flypy_measure::time::About,
}

/// `flypy cost`: the document and the costs it was made from.
pub struct Cost<'a> {
    pub doc: CostDoc<'a>,
    pub costs: &'a [flypy_measure::cost::Cost],
    /// N, the calls of the first run (the text's heading shows the differential).
    pub calls: u64,
    /// C functions the text lists per statement (`--top`); the JSON holds them all.
    pub top: usize,
}

/// `flypy dive`: the document and the dives and case it was made from.
pub struct Dive<'a> {
    pub doc: DiveDoc<'a>,
    pub dives: &'a [flypy_measure::dive::Dive],
    pub case: &'a flypy_measure::dive::Prepared,
}

impl Document<'_> {
    /// The schema of the document, for messages.
    pub fn schema(&self) -> &'static str {
        match self {
            Document::DisFile(_) => "flypy.dis/1",
            Document::Trace(t) => t.doc.schema,
            Document::Time(t) => t.doc.schema,
            Document::Cost(c) => c.doc.schema,
            Document::Dive(d) => d.doc.schema,
            Document::Pythons(p) => p.schema,
            Document::Cases(c) => c.schema,
            Document::Case(c) => c.schema,
        }
    }
}
