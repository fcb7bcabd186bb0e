//! `flypy trace` as text: each code object's instructions with their counts and a heat
//! marker, hottest first, then totals per opcode and per source line.

use std::fmt::Write as _;

use flypy_measure::trace::{totals, Listing};

use crate::document::Trace;

/// A heat marker: eighths of a block by the count's share of the hottest instruction's.
fn heat(count: u64, max: u64) -> &'static str {
    const BARS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    if count == 0 || max == 0 {
        return BARS[0];
    }
    let eighths = (count.saturating_mul(8)).div_ceil(max).clamp(1, 8);
    BARS[eighths as usize]
}

pub(super) fn text(view: &Trace) -> String {
    let (listings, ending) = (view.listings, view.ending);
    let (full_version, method) = (view.doc.python, view.doc.method);
    let mut t = String::new();
    let total: u64 = listings.iter().map(Listing::total).sum();
    let max = listings
        .iter()
        .flat_map(|l| l.rows.iter().filter_map(|r| r.count))
        .max()
        .unwrap_or(0);
    if !ending.reported() {
        let _ = writeln!(
            t,
            "Executed instructions: unknown (CPython {full_version}, counted with {method}; the program {}, and its counts were lost with it)",
            ending.describe()
        );
    } else {
        let _ = writeln!(
            t,
            "Executed instructions: {total} (CPython {full_version}, counted with {method}; the program {})",
            ending.describe()
        );
    }
    let mut order: Vec<&Listing> = listings.iter().collect();
    order.sort_by(|a, b| {
        b.total()
            .cmp(&a.total())
            .then(a.firstlineno.cmp(&b.firstlineno))
    });
    for l in order {
        let executed = if ending.reported() {
            format!("{} executed", l.total())
        } else {
            "counts unknown".to_owned()
        };
        let _ = writeln!(t, "\n{} (line {}): {executed}", l.qualname, l.firstlineno);
        let _ = writeln!(
            t,
            "{:>12}   {:>5} {:>6}  instruction",
            "count", "line", "offset"
        );
        for r in &l.rows {
            let line = r.line.map(|n| n.to_string()).unwrap_or_default();
            let arg = r.arg.map(|a| a.to_string()).unwrap_or_default();
            let repr = if r.argrepr.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.argrepr)
            };
            let count = match r.count {
                Some(c) => c.to_string(),
                None if ending.reported() => "not seen".to_owned(),
                None => "unknown".to_owned(),
            };
            let special = r
                .specialized
                .map(|s| format!("  -> {s}"))
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "{:>12} {} {:>5} {:>6}  {:<24}{:>5}{}{}",
                count,
                heat(r.count.unwrap_or(0), max),
                line,
                r.offset,
                r.opname,
                arg,
                repr,
                special
            );
        }
    }
    if !ending.reported() {
        return t;
    }
    let (ops, lines) = totals(listings);
    let _ = writeln!(t, "\nBy opcode:");
    for (name, n) in ops {
        let _ = writeln!(t, "{n:>12}  {name}");
    }
    let _ = writeln!(t, "\nBy source line:");
    for (line, n) in lines {
        let _ = writeln!(t, "{n:>12}  line {line}");
    }
    t
}
