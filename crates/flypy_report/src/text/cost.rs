//! `flypy cost` as text: machine instructions per call of each statement, the C functions
//! they go to, and each statement against the first.

use std::fmt::Write as _;

use flypy_callgrind::CostKind;
use flypy_measure::cost::function_diff;

use super::line::one_line;
use crate::document::Cost;

pub(super) fn text(view: &Cost) -> String {
    let costs = view.costs;
    let calls = view.calls;
    let mut t = String::new();
    let _ = writeln!(
        t,
        "CPython {} — machine instructions per call, callgrind, ({} calls − {} calls) / {}",
        view.doc.python,
        2 * calls,
        calls,
        calls
    );
    if let Some(s) = view.doc.symbols {
        let _ = writeln!(t, "note: {s}");
    }
    for (i, c) in costs.iter().enumerate() {
        let _ = writeln!(t, "\n#{} {}", i + 1, one_line(&c.statement));
        let _ = write!(t, "   {:.0} instructions per call", c.instructions);
        match c.bytecode {
            Some(b) if b > 0.0 => {
                let _ = writeln!(
                    t,
                    "; {b:.0} bytecode instructions per call, {:.1} machine instructions each",
                    c.instructions / b
                );
            }
            _ => {
                let _ = writeln!(t);
            }
        }
        let _ = writeln!(
            t,
            "   {:>12} {:>12}  C function (self, inclusive per call)",
            "self", "inclusive"
        );
        if let Some(ir) = c.per_call.event_index("Ir") {
            for f in c.per_call.top(ir, CostKind::SelfCost, view.top) {
                let _ = writeln!(
                    t,
                    "   {:>12.0} {:>12.0}  {}",
                    f.self_cost.get(ir).copied().unwrap_or(0.0),
                    f.inclusive.get(ir).copied().unwrap_or(0.0),
                    f.key.name
                );
            }
        }
    }
    // Every statement against the first.
    for (k, b) in costs.iter().enumerate().skip(1) {
        let a = &costs[0];
        let _ = writeln!(
            t,
            "\n#1 − #{}: {:+.0} instructions per call ({:.3}×); by C function (self):",
            k + 1,
            a.instructions - b.instructions,
            a.instructions / b.instructions
        );
        for (name, d) in function_diff(a, b).into_iter().take(view.top) {
            let _ = writeln!(t, "   {d:>+12.0}  {name}");
        }
    }
    t
}
