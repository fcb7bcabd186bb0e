//! The explanation: a plain account of why one variant is faster than another, written from
//! one comparison's measured numbers only. Every number it prints is a field of the
//! [`Comparison`] or its variants, in the unit and rounding printed here (the JSON output
//! carries those fields; a test of the binary checks each printed number against it).

use crate::model::{Comparison, OpDiff, Variant};
use crate::text::{count, fixed, grouped, sig, signed, wrap};

/// The explanation of one comparison, as lines of at most `width` columns.
pub fn explain(
    c: &Comparison,
    variants: &[Variant],
    iterations: Option<u64>,
    width: usize,
) -> Vec<String> {
    let (s, f) = (&variants[c.slower], &variants[c.faster]);
    let unit = if iterations.is_some() {
        "iteration"
    } else {
        "call"
    };
    let mut out = Vec::new();
    let para = |text: String, out: &mut Vec<String>| {
        out.extend(wrap(&text, width, "", "  "));
    };
    // Time first: what the reader came for.
    let head = match c.time_ratio {
        Some(r) if r.significant => format!(
            "{} takes {}× the time of {} (95% CI {}–{}×).",
            s.label,
            sig(r.ratio, 3),
            f.label,
            sig(r.low, 3),
            sig(r.high, 3)
        ),
        Some(r) => format!(
            "{} and {}: no significant difference in time (ratio {}×, 95% CI {}–{}×, p = {}).",
            s.label,
            f.label,
            sig(r.ratio, 3),
            sig(r.low, 3),
            sig(r.high, 3),
            sig(r.p_value, 2)
        ),
        None => format!("{} against {}:", s.label, f.label),
    };
    para(head, &mut out);
    let (sb, fb) = match iterations {
        Some(_) => (
            c.slower_bytecode_per_iteration,
            c.faster_bytecode_per_iteration,
        ),
        None => (c.slower_bytecode_per_call, c.faster_bytecode_per_call),
    };
    let per = |x: f64| {
        if iterations.is_some() {
            fixed(x)
        } else {
            count(x)
        }
    };
    if let (Some(sb), Some(fb)) = (sb, fb) {
        para(
            format!(
                "Per {unit}, {} executes {} bytecode instructions and {} {}.",
                s.label,
                per(sb),
                f.label,
                per(fb)
            ),
            &mut out,
        );
    }
    let each: Vec<&OpDiff> = c.ops.iter().filter(|o| o.per_iteration).collect();
    let once: Vec<&OpDiff> = c.ops.iter().filter(|o| !o.per_iteration).collect();
    if !each.is_empty() {
        para(
            format!(
                "Instructions whose count differs per {unit} ({} − {}):",
                s.label, f.label
            ),
            &mut out,
        );
        let name_w = each.iter().map(|o| o.op.len()).max().unwrap_or(0).max(24);
        for o in &each {
            let (a, b, d) = match iterations {
                Some(_) => {
                    let d = o.diff_per_iteration.unwrap_or(0.0);
                    (
                        fixed(o.slower_per_iteration.unwrap_or(0.0)),
                        fixed(o.faster_per_iteration.unwrap_or(0.0)),
                        signed(fixed(d), d),
                    )
                }
                None => (
                    count(o.slower_per_call),
                    count(o.faster_per_call),
                    signed(count(o.diff_per_call), o.diff_per_call),
                ),
            };
            let line = format!("  {:<name_w$} {:>8}  ({a} vs {b})", o.op, d);
            let spec = specialized_note(o);
            if spec.is_empty() {
                out.push(line);
            } else if line.chars().count() + 2 + spec.chars().count() <= width {
                out.push(format!("{line}  {spec}"));
            } else {
                out.push(line);
                out.extend(wrap(&spec, width, "      ", "        "));
            }
            if let Some(sum) = &o.summary {
                out.extend(wrap(sum, width, "      ", "      "));
            }
            // What the specialized forms that ran do, in this version.
            for (name, sum) in &o.specialized_summaries {
                out.extend(wrap(&format!("{name}: {sum}"), width, "      ", "        "));
            }
        }
    }
    if !once.is_empty() {
        let list: Vec<String> = once
            .iter()
            .map(|o| {
                format!(
                    "{} {}",
                    o.op,
                    signed(count(o.diff_per_call), o.diff_per_call)
                )
            })
            .collect();
        let what = if iterations.is_some() {
            "Per call, not per iteration"
        } else {
            "Also per call"
        };
        para(format!("{what}: {}.", list.join(", ")), &mut out);
    }
    if !c.specialized_differently.is_empty() {
        let side = |label: &str, forms: &[String]| {
            if forms.is_empty() {
                format!("not specialized in {label}")
            } else {
                format!("{} in {label}", forms.join("/"))
            }
        };
        let list: Vec<String> = c
            .specialized_differently
            .iter()
            .map(|d| {
                format!(
                    "{} ({}; {})",
                    d.op,
                    side(&s.label, &d.slower),
                    side(&f.label, &d.faster)
                )
            })
            .collect();
        para(
            format!(
                "Executed as often by both, but specialized differently: {}.",
                list.join("; ")
            ),
            &mut out,
        );
        for d in &c.specialized_differently {
            for (name, sum) in &d.summaries {
                out.extend(wrap(&format!("{name}: {sum}"), width, "      ", "        "));
            }
        }
    }
    if c.ops.is_empty() && sb.is_some() {
        let same = "Both execute the same bytecode instructions, as many times each";
        let text = match (c.time_ratio.is_some_and(|r| r.significant), &c.machine) {
            (true, Some(_)) => format!(
                "{same}: the difference is in what those instructions do in C (machine \
                 instructions below)."
            ),
            (true, None) => format!(
                "{same}: the difference is in what those instructions do in C (flypy dive \
                 without --quick counts the machine instructions)."
            ),
            (false, _) => format!("{same}."),
        };
        para(text, &mut out);
    }
    if let Some(m) = &c.machine {
        let mut text = format!(
            "Machine instructions per call: {} vs {} ({}",
            grouped(m.slower_per_call),
            grouped(m.faster_per_call),
            signed(grouped(m.diff_per_call), m.diff_per_call)
        );
        if let Some(p) = m.diff_per_iteration {
            text.push_str(&format!(", {} per iteration", signed(fixed(p), p)));
        }
        text.push(')');
        let top: Vec<String> = m
            .functions
            .iter()
            .take(crate::compare::TOP_FUNCTIONS)
            .map(|f| {
                format!(
                    "{} {}",
                    f.function,
                    signed(grouped(f.diff_per_call), f.diff_per_call)
                )
            })
            .collect();
        if !top.is_empty() {
            text.push_str(&format!(
                "; {}% of the difference is in {}",
                sig(m.top_share_percent, 3),
                top.join(", ")
            ));
        }
        text.push('.');
        para(text, &mut out);
    }
    // A saving is only claimed where the times differ significantly.
    let significant = c.time_ratio.is_some_and(|r| r.significant);
    if let Some(sv) = c.saving.as_ref().filter(|_| significant) {
        let mut text = format!(
            "{} saves {} µs per call ({}% of {}'s time)",
            f.label,
            sig(sv.microseconds_per_call, 3),
            sig(sv.percent, 3),
            s.label
        );
        if let (Some(j), Some(g)) = (sv.joules_per_million_calls, sv.grams_co2e_per_million_calls) {
            text.push_str(&format!(
                "; per million calls {} J and {} g CO2e",
                sig(j, 3),
                sig(g, 3)
            ));
        }
        text.push('.');
        para(text, &mut out);
    }
    out
}

/// "(specialized: LOAD_ATTR_METHOD_NO_DICT vs —)" for the 3.11+ forms that ran.
fn specialized_note(o: &OpDiff) -> String {
    if o.slower_specialized.is_empty() && o.faster_specialized.is_empty() {
        return String::new();
    }
    let side = |v: &[String]| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join("/")
        }
    };
    format!(
        "specialized: {} vs {}",
        side(&o.slower_specialized),
        side(&o.faster_specialized)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::compare;
    use crate::compare::tests::variant;
    use crate::model::Ratio;

    #[test]
    fn names_each_differing_instruction_once_with_its_numbers() {
        let vs = vec![
            variant(
                "loop_append",
                &[
                    ("LOAD_ATTR", 1000.0),
                    ("CALL", 1001.0),
                    ("FOR_ITER", 1001.0),
                    ("BUILD_LIST", 1.0),
                ],
                26e-6,
            ),
            variant(
                "comprehension",
                &[
                    ("LIST_APPEND", 1000.0),
                    ("CALL", 1.0),
                    ("FOR_ITER", 1001.0),
                    ("SWAP", 2.0),
                    ("BUILD_LIST", 1.0),
                ],
                20e-6,
            ),
        ];
        let ratio = Ratio {
            ratio: 1.3,
            low: 1.28,
            high: 1.32,
            p_value: 1e-6,
            significant: true,
        };
        let c = compare(
            &vs,
            0,
            1,
            Some(ratio),
            Some(1000),
            &|op| Some(format!("What {op} does.")),
            0.0,
        );
        let text = explain(&c, &vs, Some(1000), 100).join("\n");
        assert!(
            text.contains("loop_append takes 1.30× the time of comprehension (95% CI 1.28–1.32×)."),
            "{text}"
        );
        assert!(text.contains("Per iteration, loop_append executes 3.00 bytecode instructions and comprehension 2.00."), "{text}");
        assert!(
            text.contains("  LOAD_ATTR                   +1.00  (1.00 vs 0.00)"),
            "{text}"
        );
        assert!(
            text.contains("  LIST_APPEND                 -1.00  (0.00 vs 1.00)"),
            "{text}"
        );
        assert!(
            text.contains("Per call, not per iteration: SWAP -2."),
            "{text}"
        );
        assert!(
            !text.contains("FOR_ITER") && !text.contains("BUILD_LIST"),
            "{text}"
        );
        assert!(text.lines().all(|l| l.chars().count() <= 100));
    }

    #[test]
    fn no_significant_difference_is_said() {
        let vs = vec![
            variant("a", &[("X", 1.0)], 1e-6),
            variant("b", &[("X", 1.0)], 1e-6),
        ];
        let ratio = Ratio {
            ratio: 1.01,
            low: 0.98,
            high: 1.04,
            p_value: 0.4,
            significant: false,
        };
        let c = compare(&vs, 0, 1, Some(ratio), None, &|_| None, 0.0);
        let text = explain(&c, &vs, None, 100).join("\n");
        assert!(text.contains("no significant difference"), "{text}");
        assert!(text.contains("same bytecode instructions"), "{text}");
    }
}
