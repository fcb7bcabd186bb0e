//! Which variants are compared and how: each variant against the next faster one, with every
//! opname whose executed count differs (per call and per iteration), the C functions whose
//! machine instructions differ, and what the faster one saves.

use std::collections::BTreeSet;

use crate::model::{
    Comparison, FunctionDiff, MachineDiff, OpDiff, Ratio, Saving, SpecializationDiff, Variant,
};

/// Counts closer than this are equal: per-call counts are exact integers divided by the
/// number of counted calls.
const SAME: f64 = 1e-9;

/// Variants from slowest to fastest: by mean time where every variant was timed, else by
/// executed bytecode per call where every variant was counted, else as given.
pub fn slowest_first(variants: &[Variant]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..variants.len()).collect();
    if variants.iter().all(|v| v.time.is_some()) {
        let t = |i: &usize| variants[*i].time.as_ref().map_or(0.0, |t| t.mean_s);
        order.sort_by(|a, b| t(b).total_cmp(&t(a)));
    } else if variants.iter().all(|v| v.ops_per_call.is_some()) {
        let c = |i: &usize| variants[*i].bytecode_per_call().unwrap_or(0.0);
        order.sort_by(|a, b| c(b).total_cmp(&c(a)));
    }
    order
}

/// The comparison of `slower` against `faster`. `ratio` is the slower's time over the faster's
/// (paired), `iterations` the case's iterations per call, `summary` flypy's one-line account
/// of an opname, `co2e_per_joule` grams CO2e per joule for the savings.
pub fn compare(
    variants: &[Variant],
    slower: usize,
    faster: usize,
    ratio: Option<Ratio>,
    iterations: Option<u64>,
    summary: &dyn Fn(&str) -> Option<String>,
    co2e_grams_per_joule: f64,
) -> Comparison {
    let (s, f) = (&variants[slower], &variants[faster]);
    let per_it = |x: f64| iterations.filter(|&n| n > 0).map(|n| x / n as f64);
    // The specialized forms of `op` that ran in each variant, and what each does.
    let forms = |op: &str| {
        let slower = s.specialized.get(op).cloned().unwrap_or_default();
        let faster = f.specialized.get(op).cloned().unwrap_or_default();
        let summaries: std::collections::BTreeMap<String, String> = slower
            .iter()
            .chain(&faster)
            .filter_map(|name| summary(name).map(|sum| (name.clone(), sum)))
            .collect();
        (slower, faster, summaries)
    };
    let mut ops = Vec::new();
    let mut specialized_differently = Vec::new();
    if let (Some(a), Some(b)) = (&s.ops_per_call, &f.ops_per_call) {
        let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
        for op in names {
            let (x, y) = (
                a.get(op).copied().unwrap_or(0.0),
                b.get(op).copied().unwrap_or(0.0),
            );
            let d = x - y;
            if d.abs() <= SAME {
                let (p, q) = (s.specialized.get(op), f.specialized.get(op));
                if x > 0.0 && p != q {
                    let (slower, faster, summaries) = forms(op);
                    specialized_differently.push(SpecializationDiff {
                        op: op.clone(),
                        slower,
                        faster,
                        summaries,
                    });
                }
                continue;
            }
            let (slower_specialized, faster_specialized, specialized_summaries) = forms(op);
            ops.push(OpDiff {
                op: op.clone(),
                slower_per_call: x,
                faster_per_call: y,
                diff_per_call: d,
                slower_per_iteration: per_it(x),
                faster_per_iteration: per_it(y),
                diff_per_iteration: per_it(d),
                per_iteration: per_it(d).is_some_and(|p| p.abs() >= PER_ITERATION),
                summary: summary(op),
                slower_specialized,
                faster_specialized,
                specialized_summaries,
            });
        }
    }
    ops.sort_by(|p, q| {
        q.diff_per_call
            .abs()
            .total_cmp(&p.diff_per_call.abs())
            .then_with(|| p.op.cmp(&q.op))
    });
    let machine = match (&s.machine, &f.machine) {
        (Some(a), Some(b)) => {
            let mut by: std::collections::BTreeMap<&str, f64> = Default::default();
            for (m, sign) in [(a, 1.0), (b, -1.0)] {
                for func in &m.functions {
                    *by.entry(func.function.as_str()).or_default() += sign * func.self_per_call;
                }
            }
            let mut functions: Vec<FunctionDiff> = by
                .into_iter()
                .filter(|(_, d)| d.abs() >= 0.5)
                .map(|(name, d)| FunctionDiff {
                    function: name.to_owned(),
                    diff_per_call: d,
                })
                .collect();
            functions.sort_by(|p, q| {
                q.diff_per_call
                    .abs()
                    .total_cmp(&p.diff_per_call.abs())
                    .then_with(|| p.function.cmp(&q.function))
            });
            let diff = a.instructions_per_call - b.instructions_per_call;
            let top: f64 = functions
                .iter()
                .take(TOP_FUNCTIONS)
                .map(|f| f.diff_per_call)
                .sum();
            Some(MachineDiff {
                slower_per_call: a.instructions_per_call,
                faster_per_call: b.instructions_per_call,
                diff_per_call: diff,
                diff_per_iteration: per_it(diff),
                top_share_percent: if diff.abs() > SAME {
                    100.0 * top / diff
                } else {
                    0.0
                },
                functions,
            })
        }
        _ => None,
    };
    let saving = match (&s.time, &f.time) {
        (Some(a), Some(b)) => {
            let seconds = a.mean_s - b.mean_s;
            let joules = match (&s.energy, &f.energy) {
                (Some(x), Some(y)) => Some(x.joules_per_million_calls - y.joules_per_million_calls),
                _ => None,
            };
            Some(Saving {
                microseconds_per_call: seconds * 1e6,
                percent: if a.mean_s > 0.0 {
                    100.0 * seconds / a.mean_s
                } else {
                    0.0
                },
                joules_per_million_calls: joules,
                grams_co2e_per_million_calls: joules.map(|j| j * co2e_grams_per_joule),
            })
        }
        _ => None,
    };
    let bc = |v: &Variant| v.bytecode_per_call();
    Comparison {
        slower,
        faster,
        time_ratio: ratio,
        slower_bytecode_per_call: bc(s),
        faster_bytecode_per_call: bc(f),
        slower_bytecode_per_iteration: bc(s).and_then(per_it),
        faster_bytecode_per_iteration: bc(f).and_then(per_it),
        ops,
        specialized_differently,
        machine,
        saving,
    }
}

/// A difference of at least this many instructions per iteration (once every 20 iterations)
/// is reported per iteration: it scales with the work, as a branch taken by 10% of the
/// elements does; smaller ones are paid per call (set-up, teardown, a comprehension's frame).
pub const PER_ITERATION: f64 = 0.05;

/// C functions named in an explanation's machine-level sentence.
pub const TOP_FUNCTIONS: usize = 3;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{FunctionCost, Machine, Timing};
    use std::collections::BTreeMap;

    pub(crate) fn variant(label: &str, ops: &[(&str, f64)], mean_s: f64) -> Variant {
        Variant {
            function: format!("variant_{label}"),
            label: label.into(),
            ops_per_call: Some(ops.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()),
            time: Some(Timing {
                mean_s,
                mean_us: mean_s * 1e6,
                ..Timing::default()
            }),
            ..Variant::default()
        }
    }

    #[test]
    fn differing_ops_per_iteration_and_per_call() {
        let loop_ = variant(
            "loop",
            &[
                ("FOR_ITER", 1001.0),
                ("LOAD_FAST", 2002.0),
                ("CALL", 1001.0),
                ("LOAD_ATTR", 1000.0),
                ("POP_TOP", 1000.0),
                ("RETURN_VALUE", 1.0),
            ],
            30e-6,
        );
        let comp = variant(
            "comp",
            &[
                ("FOR_ITER", 1001.0),
                ("LOAD_FAST", 1001.0),
                ("CALL", 1.0),
                ("LIST_APPEND", 1000.0),
                ("SWAP", 3.0),
                ("RETURN_VALUE", 1.0),
            ],
            20e-6,
        );
        let vs = vec![comp, loop_];
        assert_eq!(slowest_first(&vs), vec![1, 0]);
        let c = compare(
            &vs,
            1,
            0,
            None,
            Some(1000),
            &|op| Some(format!("about {op}")),
            0.0,
        );
        let names: Vec<&str> = c.ops.iter().map(|o| o.op.as_str()).collect();
        assert_eq!(
            names,
            [
                "LOAD_FAST",
                "CALL",
                "LIST_APPEND",
                "LOAD_ATTR",
                "POP_TOP",
                "SWAP"
            ]
        );
        let swap = &c.ops[5];
        assert!(!swap.per_iteration);
        assert_eq!(swap.diff_per_call, -3.0);
        assert!(c.ops[0].per_iteration);
        assert_eq!(c.ops[0].diff_per_iteration, Some(1.001));
        assert_eq!(c.ops[2].diff_per_call, -1000.0);
        assert_eq!(c.slower_bytecode_per_iteration, Some(6.005));
        let s = c.saving.expect("both timed");
        assert!((s.microseconds_per_call - 10.0).abs() < 1e-9);
        assert!((s.percent - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.joules_per_million_calls, None);
    }

    #[test]
    fn machine_diff_by_function() {
        let mut a = variant("a", &[], 2.0);
        let mut b = variant("b", &[], 1.0);
        let f = |name: &str, s: f64| FunctionCost {
            function: name.into(),
            self_per_call: s,
            inclusive_per_call: s,
        };
        a.machine = Some(Machine {
            instructions_per_call: 1000.0,
            functions: vec![f("eval", 800.0), f("list_append", 100.0), f("same", 100.0)],
        });
        b.machine = Some(Machine {
            instructions_per_call: 600.0,
            functions: vec![f("eval", 500.0), f("same", 100.0)],
        });
        let c = compare(&[a, b], 0, 1, None, None, &|_| None, 0.0);
        let m = c.machine.expect("both costed");
        assert_eq!(m.diff_per_call, 400.0);
        let fs: Vec<(&str, f64)> = m
            .functions
            .iter()
            .map(|f| (f.function.as_str(), f.diff_per_call))
            .collect();
        assert_eq!(fs, [("eval", 300.0), ("list_append", 100.0)]);
        assert_eq!(m.top_share_percent, 100.0);
        assert_eq!(m.diff_per_iteration, None);
        let _ = BTreeMap::<String, f64>::new();
    }
}
