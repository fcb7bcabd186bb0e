//! Special functions behind the distributions: log-gamma, log-beta, and the regularized
//! incomplete beta and gamma functions.
//!
//! The incomplete functions return a pair `(P, Q)` with `P + Q = 1`, each computed so that it
//! keeps its *relative* accuracy even when it is tiny: whichever of the two the series or
//! continued fraction produces directly is the small one (or at worst of order one), and the
//! other is `1 - it`. The distributions need exactly that to give accurate far tails and
//! accurate values next to the median.

use crate::dd::Dd;

/// `ln(2π) / 2`.
const HALF_LN_TWO_PI: f64 = 0.918_938_533_204_672_8;

/// `ln Γ(1/2) = ln(√π)`, exact to the last bit (used by the normal distribution).
pub(crate) const LN_GAMMA_HALF: f64 = 0.572_364_942_924_700_1;

/// Below this argument log-gamma shifts the argument up with the recurrence before using the
/// Stirling series; at 10 the series' first omitted term is below 1e-17.
const STIRLING_MIN: f64 = 10.0;

/// Stops a continued fraction once a step changes the value by less than this factor.
const CONVERGED: f64 = f64::EPSILON;

/// Stops the double-double continued fraction: well below f64 precision, because near
/// `x = (a+1)/(a+b+2)` it converges slowly and many steps of one f64 ulp could still add up.
const CONVERGED_DD: f64 = 1e-20;

/// Stands in for a zero denominator in the modified Lentz method (Thompson & Barnett 1986).
const TINY: f64 = 1e-300;

/// `ln Γ(x) - ((x - 1/2) ln x - x + ln(2π)/2)` for `x >= 10`: the Stirling series
/// `Σ B₂ₖ / (2k (2k-1) x^(2k-1))`, Bernoulli numbers B₂..B₁₆ (Abramowitz & Stegun 6.1.40).
fn stirling_tail(x: f64) -> f64 {
    let r = 1.0 / x;
    let r2 = r * r;
    let series = 1.0 / 12.0
        + r2 * (-1.0 / 360.0
            + r2 * (1.0 / 1260.0
                + r2 * (-1.0 / 1680.0
                    + r2 * (1.0 / 1188.0
                        + r2 * (-691.0 / 360_360.0
                            + r2 * (1.0 / 156.0 + r2 * (-3617.0 / 122_400.0)))))));
    r * series
}

/// Natural logarithm of the gamma function for `x > 0`.
///
/// Stirling's series for `x >= 10`; below that the recurrence `Γ(x) = Γ(x + k) / (x (x+1) ...
/// (x+k-1))` moves the argument up first. Absolute error is a few 1e-15, which is what the
/// callers need: they only use it inside exponents.
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return f64::NAN;
    }
    if x.is_infinite() {
        return f64::INFINITY;
    }
    let mut shifted = x;
    let mut product = 1.0;
    while shifted < STIRLING_MIN {
        product *= shifted;
        shifted += 1.0;
    }
    let stirling =
        (shifted - 0.5) * shifted.ln() - shifted + HALF_LN_TWO_PI + stirling_tail(shifted);
    stirling - product.ln()
}

/// `ln Γ(q) - ln Γ(p + q)` for `q >= 10`, without subtracting two large log-gammas.
///
/// From Stirling's formula for both terms, regrouped so that nothing cancels:
/// `-(q - 1/2) ln(1 + p/q) - p ln(p + q) + p + tail(q) - tail(p + q)`. This is what keeps
/// the Student t distribution accurate at a million degrees of freedom, where the plain
/// difference of `ln Γ(5e5)` and `ln Γ(5e5 + 1/2)` would lose nine digits.
fn ln_gamma_ratio_large(p: f64, q: f64) -> f64 {
    -(q - 0.5) * (p / q).ln_1p() - p * (p + q).ln() + p + stirling_tail(q) - stirling_tail(p + q)
}

/// Natural logarithm of the beta function `B(a, b) = Γ(a) Γ(b) / Γ(a + b)`, `a, b > 0`.
///
/// Accurate in absolute terms (a few 1e-15) for all sizes of the arguments: when one or both
/// are large, Stirling's formula is applied to the whole combination rather than to each
/// log-gamma (see [`ln_gamma_ratio_large`]).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() || a <= 0.0 || b <= 0.0 {
        return f64::NAN;
    }
    let (p, q) = if a <= b { (a, b) } else { (b, a) };
    if q < STIRLING_MIN {
        ln_gamma(p) + ln_gamma(q) - ln_gamma(p + q)
    } else if p < STIRLING_MIN {
        ln_gamma(p) + ln_gamma_ratio_large(p, q)
    } else {
        // Both large: (p-1/2) ln p + (q-1/2) ln q - (p+q-1/2) ln(p+q) regrouped as
        // (p-1/2) ln(p/(p+q)) + q ln(q/(p+q)) - ln(q)/2.
        HALF_LN_TWO_PI - 0.5 * q.ln() - (p - 0.5) * (q / p).ln_1p() - q * (p / q).ln_1p()
            + stirling_tail(p)
            + stirling_tail(q)
            - stirling_tail(p + q)
    }
}

/// Natural logarithm of `x`, given also `y = 1 - x` computed separately: near `x = 1` the
/// logarithm comes from `ln(1 - y)`, which keeps the digits that `x` itself has lost.
fn ln_of(x: f64, y: f64) -> f64 {
    if x > 0.5 {
        (-y).ln_1p()
    } else {
        x.ln()
    }
}

/// Continued fraction for the incomplete beta function (Numerical Recipes §6.4):
/// `I_x(a, b) = x^a (1-x)^b / (a B(a, b)) · 1/(1 + d₁/(1 + d₂/(1 + ...)))` with
/// `d₂ₘ₊₁ = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1))` and `d₂ₘ = m(b-m) x / ((a+2m-1)(a+2m))`.
/// Returns the value of `1/(1 + d₁/(1 + ...))`, evaluated forward by the modified Lentz
/// method (Lentz 1976; Thompson & Barnett 1986).
///
/// It converges quickly for `x < (a+1)/(a+b+2)`, needing about `√max(a, b)` terms near that
/// point. Everything is in double-double arithmetic ([`Dd`]), including `x` itself (passed
/// as `1 - y` when close to 1) and the sums `a + m`: when `x` is within `ε` of 1 the terms
/// cancel to relative size `ε`, which in f64 costs `log10(1/ε)` digits.
fn beta_continued_fraction(a: f64, b: f64, x: Dd) -> f64 {
    let max_terms = 1000 + (50.0 * a.max(b).sqrt()) as usize;
    let tiny = Dd::from_f64(TINY);
    let guard = |v: Dd| if v.hi.abs() < TINY { tiny } else { v };
    let a_plus_b = Dd::sum(a, b);
    // Lentz: value = Π (c_j d_j), c_j = 1 + d_j / c_{j-1}, d_j = 1 / (1 + d_j d_{j-1}).
    let mut value = Dd::ONE;
    let mut c = Dd::ONE;
    let mut d = Dd::from_f64(0.0);
    let mut previous_settled = false;
    for j in 1..=max_terms {
        let m = (j / 2) as f64;
        let a_2m = Dd::sum(a, 2.0 * m);
        let coefficient = if j % 2 == 1 {
            let numerator = Dd::sum(a, m) * (a_plus_b + Dd::from_f64(m)) * x;
            -(numerator / (a_2m * (a_2m + Dd::ONE)))
        } else {
            let numerator = Dd::from_f64(m) * Dd::sum(b, -m) * x;
            numerator / ((a_2m - Dd::ONE) * a_2m)
        };
        d = Dd::ONE / guard(Dd::ONE + coefficient * d);
        c = guard(Dd::ONE + coefficient / c);
        let step = c * d;
        value = value * step;
        // Converged only when an odd and an even step both leave the value unchanged: for
        // large `a` the even coefficients are tiny (about m²/a²), so an even step alone is
        // always close to 1 while the odd steps still move the value.
        let settled = (step - Dd::ONE).abs().hi <= CONVERGED_DD;
        if settled && previous_settled {
            break;
        }
        previous_settled = settled;
    }
    (Dd::ONE / value).to_f64()
}

/// `x` as a double-double, given also its complement `y = 1 - x` with its full relative
/// precision: near 1, `1 - y` carries the digits that the f64 `x` has lost.
fn dd_of(x: f64, y: f64) -> Dd {
    if x > 0.5 {
        Dd::sum(1.0, -y)
    } else {
        Dd::from_f64(x)
    }
}

/// Regularized incomplete beta function and its complement, `(I_x(a, b), 1 - I_x(a, b))`,
/// for `a, b > 0` and `x` in `[0, 1]`.
///
/// Relative accuracy is about 1e-14 when one of `a`, `b` is small (as for the t
/// distribution, `b = 1/2`, at any `a`); when both are large it degrades slowly, to about
/// 1e-12 when both are in the thousands, because the prefactor `x^a (1-x)^b / B(a, b)` is
/// then the exponential of a difference of large logarithms.
///
/// NaN arguments or arguments out of range give `(NaN, NaN)`.
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> (f64, f64) {
    if !(0.0..=1.0).contains(&x) {
        return (f64::NAN, f64::NAN);
    }
    let y = 1.0 - x;
    incomplete_beta_with(a, b, x, y, ln_of(x, y), ln_of(y, x))
}

/// [`incomplete_beta`] with `x`, `y = 1 - x` and their logarithms supplied by the caller, who
/// can often compute them without the rounding of `1 - x` (the Student t distribution
/// computes both from `t²/ν`). `x` may have underflowed to zero while `ln_x` is still finite.
pub(crate) fn incomplete_beta_with(
    a: f64,
    b: f64,
    x: f64,
    y: f64,
    ln_x: f64,
    ln_y: f64,
) -> (f64, f64) {
    if a.is_nan() || b.is_nan() || a <= 0.0 || b <= 0.0 || x.is_nan() || y.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if ln_x == f64::NEG_INFINITY {
        return (0.0, 1.0);
    }
    if ln_y == f64::NEG_INFINITY {
        return (1.0, 0.0);
    }
    // x^a y^b / B(a, b), in logarithms so that neither power under- or overflows on its own.
    let front = (a * ln_x + b * ln_y - ln_beta(a, b)).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        let p = (front * beta_continued_fraction(a, b, dd_of(x, y)) / a).min(1.0);
        (p, 1.0 - p)
    } else {
        // Symmetry I_x(a, b) = 1 - I_{1-x}(b, a): the fraction converges on this side.
        let q = (front * beta_continued_fraction(b, a, dd_of(y, x)) / b).min(1.0);
        (1.0 - q, q)
    }
}

/// Regularized incomplete gamma functions `(P(a, x), Q(a, x))`, `a > 0`, `x >= 0`, given
/// `ln Γ(a)` (so that callers with a known constant, such as `a = 1/2`, lose nothing there).
///
/// Series for `P` when `x < a + 1`, Legendre's continued fraction for `Q` otherwise
/// (Numerical Recipes §6.2).
pub(crate) fn incomplete_gamma_with(a: f64, x: f64, ln_gamma_a: f64) -> (f64, f64) {
    if a.is_nan() || x.is_nan() || a <= 0.0 || x < 0.0 {
        return (f64::NAN, f64::NAN);
    }
    if x == 0.0 {
        return (0.0, 1.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0);
    }
    let front = (a * x.ln() - x - ln_gamma_a).exp();
    if x < a + 1.0 {
        // γ(a, x) = e^-x x^a Σₙ xⁿ / (a (a+1) ... (a+n)); terms shrink once n > x - a.
        let mut term = 1.0 / a;
        let mut sum = term;
        let mut denominator = a;
        for _ in 0..10_000 {
            denominator += 1.0;
            term *= x / denominator;
            sum += term;
            if term.abs() <= sum.abs() * CONVERGED {
                break;
            }
        }
        let p = (front * sum).min(1.0);
        (p, 1.0 - p)
    } else {
        // Γ(a, x) = e^-x x^a · 1/(x+1-a - 1(1-a)/(x+3-a - 2(2-a)/(x+5-a - ...))), Lentz.
        let mut denominator = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / denominator;
        let mut value = d;
        for i in 1..10_000 {
            let i = i as f64;
            let numerator = -i * (i - a);
            denominator += 2.0;
            d = numerator * d + denominator;
            if d.abs() < TINY {
                d = TINY;
            }
            c = denominator + numerator / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let step = c * d;
            value *= step;
            if (step - 1.0).abs() <= CONVERGED {
                break;
            }
        }
        let q = (front * value).min(1.0);
        (1.0 - q, q)
    }
}

/// Regularized incomplete gamma functions `(P(a, x), Q(a, x))` for `a > 0`, `x >= 0`. Only the
/// normal distribution (`a = 1/2`) uses these, so they stay private: for large `a` the
/// prefactor `x^a e^-x / Γ(a)` loses digits (about 1e-12 relative at `a` = 1000).
#[cfg(test)]
fn incomplete_gamma(a: f64, x: f64) -> (f64, f64) {
    incomplete_gamma_with(a, x, ln_gamma(a))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_gamma_at_known_points() {
        assert!((ln_gamma(1.0)).abs() < 1e-14);
        assert!((ln_gamma(2.0)).abs() < 1e-14);
        assert!((ln_gamma(0.5) - LN_GAMMA_HALF).abs() < 1e-14);
        // ln(9!) = ln(362880)
        assert!((ln_gamma(10.0) - 362_880f64.ln()).abs() < 1e-13);
        // ln Γ(30) = ln(29!)
        let ln_fact_29: f64 = (1..=29).map(|k| (k as f64).ln()).sum();
        assert!((ln_gamma(30.0) - ln_fact_29).abs() < 1e-12);
    }

    #[test]
    fn ln_beta_agrees_across_its_branches() {
        // The branch for large arguments against plain log-gammas where both are exact enough.
        for &(a, b) in &[(12.5, 0.5), (3.0, 40.0), (15.0, 25.0), (10.0, 10.0)] {
            let plain = ln_gamma(a) + ln_gamma(b) - ln_gamma(a + b);
            assert!((ln_beta(a, b) - plain).abs() < 1e-12, "{a} {b}");
        }
    }

    #[test]
    fn incomplete_beta_closed_forms() {
        // I_x(a, 1) = x^a and I_x(1, b) = 1 - (1-x)^b.
        for &x in &[0.01, 0.3, 0.5, 0.9, 0.999] {
            let (p, q) = incomplete_beta(2.5, 1.0, x);
            assert!((p - x.powf(2.5)).abs() <= 1e-14 * x.powf(2.5), "{x}");
            assert!((p + q - 1.0).abs() < 1e-15);
            let (p, _) = incomplete_beta(1.0, 3.0, x);
            let expected = 1.0 - (1.0 - x).powi(3);
            assert!((p - expected).abs() <= 1e-14 * expected, "{x}");
        }
    }

    #[test]
    fn incomplete_gamma_closed_form() {
        // P(1, x) = 1 - e^-x.
        for &x in &[0.001, 0.5, 1.0, 3.0, 20.0] {
            let (p, q) = incomplete_gamma(1.0, x);
            assert!((q - (-x).exp()).abs() <= 1e-14 * (-x).exp(), "{x}");
            assert!((p - (-(-x).exp_m1()).abs()).abs() <= 1e-14, "{x}");
        }
    }
}
