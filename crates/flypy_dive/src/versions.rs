//! What changed between two interpreter versions, stated from the measurements: for each
//! variant both ran, the opnames whose executed count per iteration (or per call) changed, and
//! the specialized forms (3.11+) that ran in one version and not the other.

use std::collections::BTreeSet;

use crate::model::Variant;
use flypy_markup::number::{count, fixed, signed};

/// One line per variant whose executed instructions changed from `old` to `new` (variants
/// matched by label), e.g. `loop_append: per iteration CALL +1.00, CALL_METHOD -1.00; per
/// call RESUME +1`. Per-iteration changes are those of at least
/// [`crate::compare::PER_ITERATION`]; smaller ones are listed per call.
pub fn changes(old: &[Variant], new: &[Variant], iterations: Option<u64>) -> Vec<String> {
    let mut lines = Vec::new();
    for b in new {
        let Some(a) = old.iter().find(|a| a.label == b.label) else {
            continue;
        };
        let (Some(x), Some(y)) = (&a.ops_per_call, &b.ops_per_call) else {
            continue;
        };
        let names: BTreeSet<&String> = x.keys().chain(y.keys()).collect();
        let mut each = Vec::new();
        let mut once = Vec::new();
        for op in names {
            let d = y.get(op).copied().unwrap_or(0.0) - x.get(op).copied().unwrap_or(0.0);
            if d.abs() <= 1e-9 {
                continue;
            }
            match iterations.filter(|&n| n > 0).map(|n| d / n as f64) {
                Some(p) if p.abs() >= crate::compare::PER_ITERATION => {
                    each.push((op.as_str(), signed(fixed(p), p)))
                }
                _ => once.push((op.as_str(), signed(count(d), d))),
            }
        }
        // What the specializing interpreter made of them: forms that ran in one version only.
        let forms = |v: &Variant| -> BTreeSet<String> {
            v.specialized.values().flatten().cloned().collect()
        };
        let (fa, fb) = (forms(a), forms(b));
        let gained: Vec<String> = fb.difference(&fa).map(|n| format!("+{n}")).collect();
        let lost: Vec<String> = fa.difference(&fb).map(|n| format!("-{n}")).collect();
        let specialized: Vec<String> = gained.into_iter().chain(lost).collect();
        if each.is_empty() && once.is_empty() && specialized.is_empty() {
            continue;
        }
        let mut parts = Vec::new();
        let join = |v: &[(&str, String)]| {
            v.iter()
                .map(|(op, d)| format!("{op} {d}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if !each.is_empty() {
            parts.push(format!("per iteration {}", join(&each)));
        }
        if !once.is_empty() {
            parts.push(format!("per call {}", join(&once)));
        }
        if !specialized.is_empty() {
            parts.push(format!("specialized {}", specialized.join(", ")));
        }
        lines.push(format!("{}: {}", b.label, parts.join("; ")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(label: &str, ops: &[(&str, f64)]) -> Variant {
        Variant {
            label: label.into(),
            ops_per_call: Some(ops.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()),
            ..Variant::default()
        }
    }

    #[test]
    fn changed_instructions_per_iteration_and_per_call() {
        let old = [v(
            "loop",
            &[
                ("LOAD_METHOD", 1000.0),
                ("CALL_METHOD", 1000.0),
                ("POP_TOP", 1000.0),
            ],
        )];
        let new = [v(
            "loop",
            &[
                ("LOAD_ATTR", 1000.0),
                ("CALL", 1000.0),
                ("POP_TOP", 1000.0),
                ("RESUME", 1.0),
            ],
        )];
        assert_eq!(
            changes(&old, &new, Some(1000)),
            ["loop: per iteration CALL +1.00, CALL_METHOD -1.00, LOAD_ATTR +1.00, LOAD_METHOD -1.00; per call RESUME +1"]
        );
        assert!(changes(&old, &old, Some(1000)).is_empty());
        let mut warm = new[0].clone();
        warm.specialized
            .insert("CALL".into(), vec!["CALL_LIST_APPEND".into()]);
        let mut older = new[0].clone();
        older
            .specialized
            .insert("CALL".into(), vec!["CALL_NO_KW_LIST_APPEND".into()]);
        assert_eq!(
            changes(&[older], &[warm], Some(1000)),
            ["loop: specialized +CALL_LIST_APPEND, -CALL_NO_KW_LIST_APPEND"]
        );
        assert!(changes(&old, &[v("other", &[])], None).is_empty());
    }
}
