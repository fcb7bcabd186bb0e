//! The standard normal and Student's t distributions: density, CDF, survival function and
//! quantile (inverse CDF).
//!
//! Both are symmetric about zero, so everything is computed from two pieces for `s = |x|`:
//! the *tail* `P(X < -s)` and the *central* part `P(-s < X < 0) = 1/2 - tail`, each with its
//! own relative accuracy (see [`crate::special`]). The CDF of a negative argument is the tail,
//! of a positive one `1/2 + central`; the quantile solves `tail(s) = p` for small `p` and
//! `central(s) = 1/2 - p` near the median (`1/2 - p` is exact there), so both the far tails
//! and probabilities next to 1/2 invert to full relative precision.

use crate::error::StatsError;
use crate::special::{incomplete_beta_with, incomplete_gamma_with, ln_beta, LN_GAMMA_HALF};

/// `ln(2π) / 2`.
const HALF_LN_TWO_PI: f64 = 0.918_938_533_204_672_8;

/// Above this many degrees of freedom the t distribution is computed from its large-ν
/// expansion around the normal (see [`t_parts_asymptotic`]), whose omitted term is then below
/// 1e-16 of the tail for every tail f64 can hold; below it from the incomplete beta function
/// (checked against mpmath up to ν = 1e16; beyond ~1e150 its coefficients would overflow).
const T_ASYMPTOTIC_DF: f64 = 1e14;

/// The standard normal distribution N(0, 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StandardNormal;

impl StandardNormal {
    /// Density `φ(z) = exp(-z²/2) / √(2π)`.
    pub fn pdf(self, z: f64) -> f64 {
        (-0.5 * z * z - HALF_LN_TWO_PI).exp()
    }

    /// `Φ(z) = P(Z <= z)`.
    pub fn cdf(self, z: f64) -> f64 {
        cdf_from_parts(z, normal_parts(z.abs()))
    }

    /// `1 - Φ(z) = P(Z > z)`, accurate in the far upper tail.
    pub fn sf(self, z: f64) -> f64 {
        self.cdf(-z)
    }

    /// The `z` with `Φ(z) = p`; `p = 0` and `p = 1` give minus and plus infinity.
    pub fn quantile(self, p: f64) -> Result<f64, StatsError> {
        quantile(p, normal_guess, normal_parts, |s| self.pdf(s))
    }
}

/// `(P(Z < -s), P(-s < Z < 0))` for `s >= 0`.
///
/// `Φ(-s) = erfc(s/√2)/2 = Q(1/2, s²/2)/2`, the regularized upper incomplete gamma function
/// (Abramowitz & Stegun §7.1 and §6.5); `s²/2` avoids the rounding of dividing by `√2`.
fn normal_parts(s: f64) -> (f64, f64) {
    if s.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    let (p, q) = incomplete_gamma_with(0.5, 0.5 * s * s, LN_GAMMA_HALF);
    (0.5 * q, 0.5 * p)
}

/// Starting point for the normal quantile: Abramowitz & Stegun 26.2.23 (absolute error below
/// 4.5e-4), for `0 < p <= 1/2`, as `|z|`.
fn normal_guess(p: f64) -> f64 {
    let t = (-2.0 * p.ln()).sqrt();
    let s = t
        - (2.515_517 + t * (0.802_853 + t * 0.010_328))
            / (1.0 + t * (1.432_788 + t * (0.189_269 + t * 0.001_308)));
    s.max(0.0)
}

/// Student's t distribution with `df` degrees of freedom (`df > 0`, not necessarily an
/// integer; `+∞` is the standard normal).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StudentT {
    df: f64,
}

impl StudentT {
    pub fn new(df: f64) -> Result<Self, StatsError> {
        if df.is_nan() || df <= 0.0 {
            return Err(StatsError::InvalidDegreesOfFreedom(df));
        }
        Ok(Self { df })
    }

    pub fn df(self) -> f64 {
        self.df
    }

    /// Density `(1 + t²/ν)^(-(ν+1)/2) / (√ν B(ν/2, 1/2))`.
    pub fn pdf(self, t: f64) -> f64 {
        let nu = self.df;
        if nu.is_infinite() {
            return StandardNormal.pdf(t);
        }
        let r = t * t / nu;
        let ln_core = if r.is_finite() {
            r.ln_1p()
        } else {
            2.0 * t.abs().ln() - nu.ln()
        };
        (-0.5 * (nu + 1.0) * ln_core - 0.5 * nu.ln() - ln_beta(0.5 * nu, 0.5)).exp()
    }

    /// `P(T <= t)`.
    pub fn cdf(self, t: f64) -> f64 {
        cdf_from_parts(t, t_parts(t.abs(), self.df))
    }

    /// `P(T > t)`, accurate in the far upper tail.
    pub fn sf(self, t: f64) -> f64 {
        self.cdf(-t)
    }

    /// `P(|T| >= |t|)`, the two-sided p-value of a t statistic.
    pub fn two_sided_p(self, t: f64) -> f64 {
        let (tail, _) = t_parts(t.abs(), self.df);
        (2.0 * tail).min(1.0)
    }

    /// The `t` with `P(T <= t) = p`; `p = 0` and `p = 1` give minus and plus infinity.
    pub fn quantile(self, p: f64) -> Result<f64, StatsError> {
        let nu = self.df;
        quantile(p, |p| t_guess(p, nu), |s| t_parts(s, nu), |s| self.pdf(s))
    }
}

/// `(P(T < -s), P(-s < T < 0))` for `s >= 0`.
///
/// With `x = ν/(ν+s²)`, `P(T < -s) = I_x(ν/2, 1/2) / 2`, the classical relation of Student's
/// t to the incomplete beta function (Abramowitz & Stegun §26.7). Both `x` and
/// `1 - x = s²/(ν+s²)` are computed from `r = s²/ν` directly, so
/// neither is the rounded difference of the other.
fn t_parts(s: f64, nu: f64) -> (f64, f64) {
    if s.is_nan() || nu.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if s.is_infinite() {
        return (0.0, 0.5);
    }
    if nu > T_ASYMPTOTIC_DF {
        return t_parts_asymptotic(s, nu);
    }
    let r = (s / nu.sqrt()) * (s / nu.sqrt());
    let (x, y, ln_x, ln_y) = if r.is_finite() && r > 1e-300 {
        let ln_x = -r.ln_1p();
        let ln_y = if r < 1.0 {
            r.ln() + ln_x
        } else {
            -(1.0 / r).ln_1p()
        };
        (1.0 / (1.0 + r), r / (1.0 + r), ln_x, ln_y)
    } else {
        // r over- or underflows: work from ln r alone.
        let ln_r = 2.0 * s.ln() - nu.ln();
        if ln_r > 0.0 {
            let ln_x = -ln_r;
            (ln_x.exp(), 1.0, ln_x, 0.0)
        } else {
            (1.0, ln_r.exp(), 0.0, ln_r)
        }
    };
    let (i, j) = incomplete_beta_with(0.5 * nu, 0.5, x, y, ln_x, ln_y);
    (0.5 * i, 0.5 * j)
}

/// The t distribution for very large ν from the first term of its expansion around the
/// normal (Fisher 1925): `F(-s) = Φ(-s) + φ(s) (s³ + s) / (4ν) + O(ν⁻²)`. The omitted term,
/// relative to the tail, grows like `s⁸/ν²`: 1e-14 at s = 30 for ν = 1e12 (measured against
/// mpmath), so above [`T_ASYMPTOTIC_DF`] it is below 1e-16 down to the smallest normal f64.
fn t_parts_asymptotic(s: f64, nu: f64) -> (f64, f64) {
    let (tail, central) = normal_parts(s);
    let correction = StandardNormal.pdf(s) * (s * s * s + s) / (4.0 * nu);
    (tail + correction, central - correction)
}

/// Starting point for the t quantile at `0 < p <= 1/2`, as `|t|`: the better, judged by the
/// tail probability it gives, of the Cornish–Fisher expansion around the normal quantile
/// (Abramowitz & Stegun 26.7.5; good for moderate and large ν) and the power-law tail
/// `P(T < -s) ≈ ν^(ν/2-1) s^-ν / B(ν/2, 1/2)` solved for `s` (good for small ν and small p).
fn t_guess(p: f64, nu: f64) -> f64 {
    let z = normal_guess(p);
    let z2 = z * z;
    let cornish_fisher = z
        + z * (z2 + 1.0) / (4.0 * nu)
        + z * (3.0 + z2 * (16.0 + 5.0 * z2)) / (96.0 * nu * nu)
        + z * (-15.0 + z2 * (17.0 + z2 * (19.0 + 3.0 * z2))) / (384.0 * nu * nu * nu);
    let ln_power_law = 0.5 * nu.ln() - (nu.ln() + ln_beta(0.5 * nu, 0.5) + p.ln()) / nu;
    let power_law = ln_power_law.exp();
    let miss = |s: f64| {
        if !(s.is_finite() && s > 0.0) {
            return f64::INFINITY;
        }
        let (tail, _) = t_parts(s, nu);
        (tail.ln() - p.ln()).abs()
    };
    if miss(power_law) < miss(cornish_fisher) {
        power_law
    } else {
        cornish_fisher
    }
}

/// CDF at `x` from the parts at `|x|`.
fn cdf_from_parts(x: f64, (tail, central): (f64, f64)) -> f64 {
    if x.is_nan() {
        f64::NAN
    } else if x < 0.0 {
        tail
    } else {
        0.5 + central
    }
}

/// Inverse of a symmetric CDF given its parts and density.
fn quantile(
    p: f64,
    guess: impl Fn(f64) -> f64,
    parts: impl Fn(f64) -> (f64, f64),
    density: impl Fn(f64) -> f64,
) -> Result<f64, StatsError> {
    if !(0.0..=1.0).contains(&p) {
        return Err(StatsError::InvalidProbability(p));
    }
    if p == 0.0 {
        return Ok(f64::NEG_INFINITY);
    }
    if p == 1.0 {
        return Ok(f64::INFINITY);
    }
    if p == 0.5 {
        return Ok(0.0);
    }
    // For p > 1/2, 1 - p is exact (Sterbenz), so the upper half is the mirror of the lower.
    let lower = p.min(1.0 - p);
    let s = solve_magnitude(lower, guess(lower), &parts, &density);
    Ok(if p < 0.5 { -s } else { s })
}

/// The `s > 0` with `tail(s) = p`, `0 < p < 1/2`: Newton's method, safeguarded by a bracket
/// that every evaluation narrows and by bisection whenever a step would leave it.
///
/// In the tails (`p < 1/4`) Newton works on `ln tail(s) - ln p`, which is close to linear in
/// `ln s` for heavy tails and so converges in a few steps even from a poor start; near the
/// median it works on `(1/2 - p) - central(s)`, whose value keeps its relative precision.
fn solve_magnitude(
    p: f64,
    start: f64,
    parts: &impl Fn(f64) -> (f64, f64),
    density: &impl Fn(f64) -> f64,
) -> f64 {
    let in_tail = p < 0.25;
    let ln_p = p.ln();
    let half_minus_p = 0.5 - p;
    // Bracket: residual > 0 at `low` (s too small), < 0 at `high`.
    let mut low = 0.0_f64;
    let mut high = f64::INFINITY;
    let mut s = if start.is_finite() && start > 0.0 {
        start
    } else {
        1.0
    };
    for _ in 0..200 {
        if s.is_infinite() {
            // Very heavy tails (ν well below 1): the quantile exceeds the largest f64.
            return s;
        }
        let (tail, central) = parts(s);
        let (residual, step) = if in_tail {
            // d/ds ln tail(s) = -density / tail.
            let residual = tail.ln() - ln_p;
            (residual, residual * tail / density(s))
        } else {
            let residual = half_minus_p - central;
            (residual, residual / density(s))
        };
        if residual == 0.0 {
            return s;
        }
        if residual > 0.0 {
            low = s;
        } else {
            high = s;
        }
        let mut next = s + step;
        if !(next.is_finite() && next > low && next < high) {
            next = if high.is_infinite() {
                4.0 * s.max(1.0)
            } else if low > 0.0 && high > 4.0 * low {
                (low * high).sqrt()
            } else {
                0.5 * (low + high)
            };
        }
        let bracket_closed = high.is_finite() && high - low <= 2.0 * f64::EPSILON * high;
        if (next - s).abs() <= 2.0 * f64::EPSILON * s || bracket_closed {
            return next;
        }
        s = next;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_arguments() {
        assert!(StudentT::new(0.0).is_err());
        assert!(StudentT::new(-1.0).is_err());
        assert!(StudentT::new(f64::NAN).is_err());
        let t = StudentT::new(3.0).expect("valid input");
        assert_eq!(t.quantile(1.5), Err(StatsError::InvalidProbability(1.5)));
        assert!(t.quantile(f64::NAN).is_err());
        assert_eq!(t.quantile(0.0), Ok(f64::NEG_INFINITY));
        assert_eq!(t.quantile(1.0), Ok(f64::INFINITY));
        assert_eq!(t.quantile(0.5), Ok(0.0));
    }

    #[test]
    fn closed_forms() {
        // ν = 1 is Cauchy: F(t) = 1/2 + atan(t)/π; ν = 2: F(t) = 1/2 + t / (2 √(2 + t²)).
        let cauchy = StudentT::new(1.0).expect("valid input");
        let two = StudentT::new(2.0).expect("valid input");
        for t in [-1e6_f64, -30.0, -2.0, -0.3, 0.0, 0.001, 1.0, 7.5, 1e4] {
            let expected = if t < 0.0 {
                (-1.0 / t).atan() / std::f64::consts::PI
            } else {
                0.5 + t.atan() / std::f64::consts::PI
            };
            let got = cauchy.cdf(t);
            assert!(
                (got - expected).abs() <= 1e-14 * expected,
                "{t}: {got} {expected}"
            );
            // 1/2 - |t| / (2√(2+t²)) without cancelling, for the lower tail.
            let root = (2.0 + t * t).sqrt();
            let expected = if t < 0.0 {
                1.0 / (root * (root - t))
            } else {
                0.5 + t / (2.0 * root)
            };
            let got = two.cdf(t);
            assert!(
                (got - expected).abs() <= 1e-12 * expected,
                "{t}: {got} {expected}"
            );
        }
    }

    #[test]
    fn infinite_df_is_normal() {
        let t = StudentT::new(f64::INFINITY).expect("valid input");
        for &x in &[-5.0, -1.0, 0.2, 3.0] {
            assert_eq!(t.cdf(x), StandardNormal.cdf(x));
        }
    }

    #[test]
    fn infinities_and_nan() {
        let t = StudentT::new(4.0).expect("valid input");
        assert_eq!(t.cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(t.cdf(f64::INFINITY), 1.0);
        assert!(t.cdf(f64::NAN).is_nan());
        assert_eq!(StandardNormal.cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(StandardNormal.cdf(f64::INFINITY), 1.0);
        assert_eq!(StandardNormal.cdf(-40.0), 0.0);
    }
}
