//! `flypy time` as text: each statement's time per call with its confidence interval, the
//! ratios to the fastest, and the energy estimate.

use std::fmt::Write as _;

use flypy_measure::time::{fastest, paired_ratio, About, Variant};

use super::line::one_line;

/// A duration in seconds with a unit that keeps three or four significant digits.
fn seconds(s: f64) -> String {
    let (scale, unit) = match s.abs() {
        x if x >= 1.0 => (1.0, "s"),
        x if x >= 1e-3 => (1e3, "ms"),
        x if x >= 1e-6 => (1e6, "µs"),
        _ => (1e9, "ns"),
    };
    let v = s * scale;
    let digits = if v >= 100.0 {
        1
    } else if v >= 10.0 {
        2
    } else {
        3
    };
    format!("{} {unit}", number(v, digits))
}

/// A figure with `decimals` decimals, or with an exponent when it is huge (what a user typed
/// or a pyperf file held may be absurd: no 300-digit numbers).
fn number(x: f64, decimals: usize) -> String {
    flypy_energy::format_number(x, Some(decimals))
}

pub(super) fn text(variants: &[Variant], about: &About) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "{} — {}", about.python, about.how);
    let _ = writeln!(
        t,
        "timer: {}; setup: {}",
        about.timer,
        one_line(&about.setup)
    );
    for (i, v) in variants.iter().enumerate() {
        let _ = writeln!(t, "\n#{} {}", i + 1, one_line(&v.name));
        match flypy_stats::Summary::of(&v.values()) {
            Ok(s) => {
                let ci = s
                    .ci95()
                    .map(|c| format!(" (95% CI {} – {})", seconds(c.lower), seconds(c.upper)))
                    .unwrap_or_default();
                let stdev = s.stdev().map(seconds).unwrap_or_else(|| "-".to_owned());
                let _ = writeln!(
                    t,
                    "   mean {}{ci}, median {}, stdev {stdev}, min {}, max {}",
                    seconds(s.mean()),
                    seconds(s.median()),
                    seconds(s.min()),
                    seconds(s.max())
                );
                let _ = writeln!(
                    t,
                    "   {} values ({} loops each) from {} processes",
                    s.n(),
                    v.loops,
                    v.runs.len()
                );
            }
            Err(e) => {
                let _ = writeln!(t, "   no statistics: {e}");
            }
        }
    }
    if variants.len() >= 2 {
        let fastest = fastest(variants);
        let _ = writeln!(
            t,
            "\nCompared with the fastest (#{}), per process, 95% CI across processes:",
            fastest + 1
        );
        for (i, v) in variants.iter().enumerate().filter(|(i, _)| *i != fastest) {
            match paired_ratio(v, &variants[fastest]) {
                Some(r) => {
                    let verdict = if !r.significant() {
                        "no significant difference".to_owned()
                    } else {
                        format!("#{} is slower", i + 1)
                    };
                    let _ = writeln!(
                        t,
                        "   #{} / #{} = {}× (95% CI {}–{}), p {}: {verdict}",
                        i + 1,
                        fastest + 1,
                        number(r.ratio, 3),
                        number(r.low, 3),
                        number(r.high, 3),
                        p_text(r.p_value)
                    );
                }
                None => {
                    let _ = writeln!(
                        t,
                        "   #{} / #{}: no interval (needs two or more processes)",
                        i + 1,
                        fastest + 1
                    );
                }
            }
        }
    }
    energy_text(&mut t, variants, about);
    t
}

/// Energy per call of each statement and, with a call rate, per year and what the fastest
/// saves; every figure with its method and source.
fn energy_text(t: &mut String, variants: &[Variant], about: &About) {
    let estimates: Vec<&flypy_energy::EnergyEstimate> =
        variants.iter().filter_map(|v| v.energy.as_ref()).collect();
    let Some(first) = estimates.first() else {
        return;
    };
    let _ = writeln!(t, "\nEnergy per call ({})", first.method.summary());
    for (i, v) in variants.iter().enumerate() {
        if let Some(e) = &v.energy {
            let _ = writeln!(
                t,
                "   #{} {} per call, {} per million calls",
                i + 1,
                flypy_energy::format_joules(e.joules_per_call),
                flypy_energy::format_joules(e.joules_per_call * 1e6)
            );
        }
    }
    for a in &first.assumptions {
        let _ = writeln!(t, "   assumes: {a}");
    }
    let Some(calls) = about.calls_per_day else {
        return;
    };
    let _ = writeln!(
        t,
        "\nAt {} calls a day, a year, in {}:",
        flypy_energy::format_number(calls, None),
        about.region.describe()
    );
    for (i, v) in variants.iter().enumerate() {
        if let Some(p) = v
            .energy
            .as_ref()
            .and_then(|e| flypy_energy::project(e, calls, about.region).ok())
        {
            let _ = writeln!(
                t,
                "   #{} {} kWh, {} kg CO2e",
                i + 1,
                number(p.kwh_per_year, 4),
                number(p.kg_co2e_per_year, 4)
            );
        }
    }
    let fastest = fastest(variants);
    if let Some(best) = variants[fastest].energy.as_ref() {
        for (i, v) in variants.iter().enumerate().filter(|(i, _)| *i != fastest) {
            if let Some(s) = v
                .energy
                .as_ref()
                .and_then(|e| flypy_energy::savings(best, e, calls, about.region).ok())
            {
                let _ = writeln!(
                    t,
                    "   #{} instead of #{} saves {} kWh and {} kg CO2e a year",
                    fastest + 1,
                    i + 1,
                    number(s.kwh_per_year, 4),
                    number(s.kg_co2e_per_year, 4)
                );
            }
        }
    }
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("= {p:.3}")
    }
}
