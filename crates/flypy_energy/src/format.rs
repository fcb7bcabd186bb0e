//! Numbers and joules for people: shared by the estimate's description and the model's
//! errors, so neither of those modules needs the other.

/// Magnitudes from which [`format_number`] writes an exponent: past them a fixed-point number
/// is a wall of digits (`--calls-per-day 1e300` once printed kWh with 300 of them).
const EXPONENT_FROM: f64 = 1e12;

/// `x` for people: with `decimals` decimals (`None`: as few as show it exactly), or, when it
/// is huge, with an exponent and four significant digits (`1.000e300`). For figures that
/// follow from what a user typed (calls per day, values in pyperf files), which may be absurd.
pub fn format_number(x: f64, decimals: Option<usize>) -> String {
    match decimals {
        _ if x.is_finite() && x.abs() >= EXPONENT_FROM => format!("{x:.3e}"),
        Some(d) => format!("{x:.d$}"),
        None => format!("{x}"),
    }
}

/// Joules with an SI prefix and three significant digits: `2.40 µJ`, `13.5 mJ`, `1.00 J`;
/// past the largest prefix, joules with an exponent (`1.00e300 J`).
pub fn format_joules(joules: f64) -> String {
    const UNITS: [(f64, &str); 11] = [
        (1e18, "EJ"),
        (1e15, "PJ"),
        (1e12, "TJ"),
        (1e9, "GJ"),
        (1e6, "MJ"),
        (1e3, "kJ"),
        (1.0, "J"),
        (1e-3, "mJ"),
        (1e-6, "µJ"),
        (1e-9, "nJ"),
        (1e-12, "pJ"),
    ];
    if !joules.is_finite() {
        return format!("{joules} J");
    }
    if joules == 0.0 {
        return "0 J".to_string();
    }
    // Round to three significant digits first, so that the unit and the decimals are chosen
    // for the number shown: 999.96 µJ shows as 1.00 mJ, 99.996 µJ as 100 µJ.
    let rounded = format!("{joules:.2e}").parse::<f64>().unwrap_or(joules);
    let magnitude = rounded.abs();
    if magnitude >= 1e21 {
        return format!("{rounded:.2e} J");
    }
    let (scale, unit) = UNITS
        .iter()
        .find(|(scale, _)| magnitude >= *scale)
        .copied()
        .unwrap_or((1e-12, "pJ"));
    let value = rounded / scale;
    format!(
        "{value:.prec$} {unit}",
        prec = decimals_for_three_digits(value)
    )
}

/// Decimals that show three significant digits of `value` (which is below 1000). The
/// thresholds sit a hair under 100 and 10 because `rounded / scale` can land a few ulps short
/// (1e-4 / 1e-6 is 99.99999999999999).
fn decimals_for_three_digits(value: f64) -> usize {
    match value.abs() {
        v if v >= 99.9999 => 0,
        v if v >= 9.99999 => 1,
        _ => 2,
    }
}

/// Watts to at most three significant digits, without trailing zeros: `6.75`, `7.5`, `12.5`.
pub fn format_watts(watts: f64) -> String {
    let rounded = format!("{watts:.2e}").parse::<f64>().unwrap_or(watts);
    let text = format!(
        "{rounded:.prec$}",
        prec = decimals_for_three_digits(rounded)
    );
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}
