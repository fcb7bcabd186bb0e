//! What a parsed profile holds: costs per function (self and inclusive), the calls between
//! functions, and what the file said about itself.

use std::cmp::Ordering;
use std::fmt;

use serde::Serialize;

/// A function's identity. Callgrind can report the same name in several objects or source
/// files (static functions, inlined copies, `main` of two programs), so the name alone is not
/// enough. `file` is the source file current at the `fn=` line (the function's own file; code
/// inlined from other files, `fi=`/`fe=`, stays charged to the function). An empty `object` or
/// `file` means the profile did not name one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FunctionKey {
    pub name: String,
    pub file: String,
    pub object: String,
}

impl fmt::Display for FunctionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}", self.name, self.file)?;
        if !self.object.is_empty() {
            write!(f, " in {}", self.object)?;
        }
        write!(f, ")")
    }
}

/// One function's costs, one entry per event in [`Profile::events`] order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunctionCost {
    #[serde(flatten)]
    pub key: FunctionKey,
    /// The cost of the function's own code: its cost lines that are not the cost of a call.
    #[serde(rename = "self")]
    pub self_cost: Vec<u64>,
    /// Self cost plus the inclusive cost of every call it makes, as the profile states it on
    /// the line after each `calls=` (what `callgrind_annotate --inclusive=yes` prints).
    /// Exact for functions outside call cycles. Inside a cycle — recursion, which callgrind
    /// shows as `f` calling `f'2` and deeper levels `f'2` calling `f'2` or going round
    /// through other `'2` functions, as in CPython's evaluation loop — the deeper levels are
    /// counted again at every level, so it can exceed the profile's total. Self costs are
    /// always exact.
    pub inclusive: Vec<u64>,
    /// How many times it was called (sum of `calls=` counts into it) by the profiled code.
    pub called: u64,
}

/// Calls from one function to another, summed over call sites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    /// Index into [`Profile::functions`].
    pub caller: usize,
    /// Index into [`Profile::functions`].
    pub callee: usize,
    pub count: u64,
    /// The inclusive cost of these calls, per event.
    pub inclusive: Vec<u64>,
}

/// What the file says about the run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Header {
    pub version: Option<String>,
    pub creator: Option<String>,
    pub pid: Option<String>,
    pub cmd: Option<String>,
}

/// One part (dump) of the file. Callgrind writes several into one file with
/// `--combine-dumps=yes`; usually there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    /// The `part:` value, if given.
    pub number: Option<String>,
    /// The line the part starts on.
    pub first_line: usize,
    /// The `positions:` columns of its cost lines (`line`, `instr`, `bb`).
    pub positions: Vec<String>,
    /// The sum of its self costs, per event.
    pub totals: Vec<u64>,
    /// Its `summary:` line, if any, padded with zeros to the number of events.
    pub summary: Option<Vec<u64>>,
    /// Its `totals:` line, if any, padded with zeros to the number of events.
    pub stated_totals: Option<Vec<u64>>,
}

/// Something odd but not fatal in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Which of a function's costs to rank by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostKind {
    SelfCost,
    Inclusive,
}

/// A parsed profile, all parts together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub header: Header,
    /// The event names (`Ir`, ...), the order of every cost vector here.
    pub events: Vec<String>,
    /// Sum of all self costs, per event. Equal to the `totals:` line(s) when present.
    pub totals: Vec<u64>,
    pub parts: Vec<Part>,
    /// Every function with a cost or `calls=` line of its own, or called, in order of first
    /// appearance.
    pub functions: Vec<FunctionCost>,
    pub calls: Vec<Call>,
    /// At most [`Profile::MAX_WARNINGS`]; `warnings_dropped` counts the rest.
    pub warnings: Vec<Warning>,
    pub warnings_dropped: usize,
}

impl Profile {
    pub const MAX_WARNINGS: usize = 100;

    /// The column of an event name in the cost vectors.
    pub fn event_index(&self, event: &str) -> Option<usize> {
        self.events.iter().position(|e| e == event)
    }

    /// The `n` functions with the highest cost of event column `event`, highest first; ties in
    /// name order so the output is stable. An out-of-range column counts as cost 0.
    pub fn top(&self, event: usize, kind: CostKind, n: usize) -> Vec<&FunctionCost> {
        let cost = |f: &FunctionCost| {
            let costs = match kind {
                CostKind::SelfCost => &f.self_cost,
                CostKind::Inclusive => &f.inclusive,
            };
            costs.get(event).copied().unwrap_or(0)
        };
        let mut ranked: Vec<&FunctionCost> = self.functions.iter().collect();
        ranked.sort_by(|a, b| cost(b).cmp(&cost(a)).then_with(|| a.key.cmp(&b.key)));
        ranked.truncate(n);
        ranked
    }

    /// The functions named exactly `name`, in any file or object.
    pub fn functions_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a FunctionCost> {
        self.functions.iter().filter(move |f| f.key.name == name)
    }

    /// The calls made by function `index` (into [`Profile::functions`]).
    pub fn calls_from(&self, index: usize) -> impl Iterator<Item = &Call> {
        self.calls.iter().filter(move |c| c.caller == index)
    }

    /// The calls made to function `index` (into [`Profile::functions`]).
    pub fn calls_to(&self, index: usize) -> impl Iterator<Item = &Call> {
        self.calls.iter().filter(move |c| c.callee == index)
    }
}

/// Ranks by magnitude, largest first, then by key: for differences the large negative ones
/// matter as much as the large positive ones.
pub(crate) fn by_magnitude<T: PartialOrd + Copy>(
    a: (T, &FunctionKey),
    b: (T, &FunctionKey),
    abs: impl Fn(T) -> T,
) -> Ordering {
    abs(b.0)
        .partial_cmp(&abs(a.0))
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.1.cmp(b.1))
}
