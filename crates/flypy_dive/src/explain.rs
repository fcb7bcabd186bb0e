//! The explanation: a plain account of why one variant is faster than another, written from
//! one comparison's measured numbers only. Every number it prints is a field of the
//! [`Comparison`] or its variants, in the unit and rounding printed here (the JSON output
//! carries those fields; a test of the binary checks each printed number against it). It is
//! structured text ([`flypy_markup::Block`]): the terminal wraps it, the JSON and the HTML
//! report carry it whole, with each number beside its value.

use flypy_markup::number::{count, fixed, grouped, sig, signed};
use flypy_markup::{Block, Line};

use crate::model::{Comparison, OpDiff, Variant};

/// The explanation of one comparison.
pub fn explain(c: &Comparison, variants: &[Variant], iterations: Option<u64>) -> Vec<Block> {
    let (s, f) = (&variants[c.slower], &variants[c.faster]);
    let unit = if iterations.is_some() {
        "iteration"
    } else {
        "call"
    };
    let mut out = Vec::new();
    // Time first: what the reader came for.
    let head = match c.time_ratio {
        Some(r) if r.significant() => Line::new()
            .text(format!("{} takes ", s.label))
            .number_in(r.ratio, sig(r.ratio, 3), "×")
            .text(format!(" the time of {} (95% CI ", f.label))
            .number(r.low, sig(r.low, 3))
            .text("–")
            .number_in(r.high, sig(r.high, 3), "×")
            .text(")."),
        Some(r) => Line::new()
            .text(format!(
                "{} and {}: no significant difference in time (ratio ",
                s.label, f.label
            ))
            .number_in(r.ratio, sig(r.ratio, 3), "×")
            .text(", 95% CI ")
            .number(r.low, sig(r.low, 3))
            .text("–")
            .number_in(r.high, sig(r.high, 3), "×")
            .text(", p = ")
            .number(r.p_value, sig(r.p_value, 2))
            .text(")."),
        None => Line::new().text(format!("{} against {}:", s.label, f.label)),
    };
    out.push(Block::paragraph(head));
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
        out.push(Block::paragraph(
            Line::new()
                .text(format!("Per {unit}, {} executes ", s.label))
                .number(sb, per(sb))
                .text(format!(" bytecode instructions and {} ", f.label))
                .number(fb, per(fb))
                .text("."),
        ));
    }
    let each: Vec<&OpDiff> = c.ops.iter().filter(|o| o.per_iteration).collect();
    let once: Vec<&OpDiff> = c.ops.iter().filter(|o| !o.per_iteration).collect();
    if !each.is_empty() {
        out.push(Block::paragraph(Line::new().text(format!(
            "Instructions whose count differs per {unit} ({} − {}):",
            s.label, f.label
        ))));
        for o in &each {
            let (a, b, d) = match iterations {
                Some(_) => {
                    let d = o.diff_per_iteration.unwrap_or(0.0);
                    let (a, b) = (
                        o.slower_per_iteration.unwrap_or(0.0),
                        o.faster_per_iteration.unwrap_or(0.0),
                    );
                    ((a, fixed(a)), (b, fixed(b)), (d, signed(fixed(d), d)))
                }
                None => (
                    (o.slower_per_call, count(o.slower_per_call)),
                    (o.faster_per_call, count(o.faster_per_call)),
                    (
                        o.diff_per_call,
                        signed(count(o.diff_per_call), o.diff_per_call),
                    ),
                ),
            };
            out.push(Block::Row {
                name: Line::new().instr(&o.op),
                value: Line::new().number(d.0, d.1),
                detail: Line::new()
                    .text("(")
                    .number(a.0, a.1)
                    .text(" vs ")
                    .number(b.0, b.1)
                    .text(")"),
                note: specialized_note(o),
            });
            if let Some(sum) = &o.summary {
                out.push(Block::Remark {
                    line: Line::new().text(sum),
                    hanging: false,
                });
            }
            // What the specialized forms that ran do, in this version.
            for (name, sum) in &o.specialized_summaries {
                out.push(Block::Remark {
                    line: Line::new().instr(name).text(format!(": {sum}")),
                    hanging: true,
                });
            }
        }
    }
    if !once.is_empty() {
        let what = if iterations.is_some() {
            "Per call, not per iteration"
        } else {
            "Also per call"
        };
        let mut line = Line::new().text(format!("{what}: "));
        for (k, o) in once.iter().enumerate() {
            if k > 0 {
                line.push_text(", ");
            }
            line = line.instr(&o.op).text(" ").number(
                o.diff_per_call,
                signed(count(o.diff_per_call), o.diff_per_call),
            );
        }
        out.push(Block::paragraph(line.text(".")));
    }
    if !c.specialized_differently.is_empty() {
        let side = |label: &str, forms: &[String]| {
            let mut l = Line::new();
            if forms.is_empty() {
                l.push_text(format!("not specialized in {label}"));
                return l;
            }
            for (k, form) in forms.iter().enumerate() {
                if k > 0 {
                    l.push_text("/");
                }
                l = l.instr(form);
            }
            l.text(format!(" in {label}"))
        };
        let mut line = Line::new().text("Executed as often by both, but specialized differently: ");
        for (k, d) in c.specialized_differently.iter().enumerate() {
            if k > 0 {
                line.push_text("; ");
            }
            line = line
                .instr(&d.op)
                .text(" (")
                .then(side(&s.label, &d.slower))
                .text("; ")
                .then(side(&f.label, &d.faster))
                .text(")");
        }
        out.push(Block::paragraph(line.text(".")));
        for d in &c.specialized_differently {
            for (name, sum) in &d.summaries {
                out.push(Block::Remark {
                    line: Line::new().instr(name).text(format!(": {sum}")),
                    hanging: true,
                });
            }
        }
    }
    if c.ops.is_empty() && sb.is_some() {
        let same = "Both execute the same bytecode instructions, as many times each";
        let text = match (c.time_ratio.is_some_and(|r| r.significant()), &c.machine) {
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
        out.push(Block::paragraph(Line::new().text(text)));
    }
    if let Some(m) = &c.machine {
        let mut line = Line::new()
            .text("Machine instructions per call: ")
            .number(m.slower_per_call, grouped(m.slower_per_call))
            .text(" vs ")
            .number(m.faster_per_call, grouped(m.faster_per_call))
            .text(" (")
            .number(
                m.diff_per_call,
                signed(grouped(m.diff_per_call), m.diff_per_call),
            );
        if let Some(p) = m.diff_per_iteration {
            line = line
                .text(", ")
                .number(p, signed(fixed(p), p))
                .text(" per iteration");
        }
        line.push_text(")");
        let top: Vec<_> = m
            .functions
            .iter()
            .take(crate::compare::TOP_FUNCTIONS)
            .collect();
        if !top.is_empty() {
            line = line
                .text("; ")
                .number_in(m.top_share_percent, sig(m.top_share_percent, 3), "%")
                .text(" of the difference is in ");
            for (k, f) in top.iter().enumerate() {
                if k > 0 {
                    line.push_text(", ");
                }
                line = line.text(format!("{} ", f.function)).number(
                    f.diff_per_call,
                    signed(grouped(f.diff_per_call), f.diff_per_call),
                );
            }
        }
        out.push(Block::paragraph(line.text(".")));
    }
    // A saving is only claimed where the times differ significantly.
    let significant = c.time_ratio.is_some_and(|r| r.significant());
    if let Some(sv) = c.saving.as_ref().filter(|_| significant) {
        let mut line = Line::new()
            .text(format!("{} saves ", f.label))
            .number(sv.microseconds_per_call, sig(sv.microseconds_per_call, 3))
            .text(" µs per call (")
            .number_in(sv.percent, sig(sv.percent, 3), "%")
            .text(format!(" of {}'s time)", s.label));
        if let (Some(j), Some(g)) = (sv.joules_per_million_calls, sv.grams_co2e_per_million_calls) {
            line = line
                .text("; per million calls ")
                .number(j, sig(j, 3))
                .text(" J and ")
                .number(g, sig(g, 3))
                .text(" g CO2e");
        }
        out.push(Block::paragraph(line.text(".")));
    }
    out
}

/// "specialized: LOAD_ATTR_METHOD_NO_DICT vs -" for the 3.11+ forms that ran.
fn specialized_note(o: &OpDiff) -> Option<Line> {
    if o.slower_specialized.is_empty() && o.faster_specialized.is_empty() {
        return None;
    }
    let side = |v: &[String]| {
        let mut l = Line::new();
        if v.is_empty() {
            l.push_text("-");
        }
        for (k, form) in v.iter().enumerate() {
            if k > 0 {
                l.push_text("/");
            }
            l = l.instr(form);
        }
        l
    };
    Some(
        Line::new()
            .text("specialized: ")
            .then(side(&o.slower_specialized))
            .text(" vs ")
            .then(side(&o.faster_specialized)),
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
            level: 0.95,
            p_value: 1e-6,
            pairs: 10,
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
        let text = flypy_markup::text::lines(&explain(&c, &vs, Some(1000)), 100).join("\n");
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
            level: 0.95,
            p_value: 0.4,
            pairs: 10,
        };
        let c = compare(&vs, 0, 1, Some(ratio), None, &|_| None, 0.0);
        let text = flypy_markup::text::lines(&explain(&c, &vs, None), 100).join("\n");
        assert!(text.contains("no significant difference"), "{text}");
        assert!(text.contains("same bytecode instructions"), "{text}");
    }
}
