//! The ratio of two independent means, `mean(a) / mean(b)`, with confidence intervals.
//!
//! Two methods, both at the t quantile with the degrees of freedom described at
//! [`RatioEstimate::df`]:
//!
//! - **Fieller (1954)**, the exact-in-the-normal-model method. The interval is the set of
//!   ratios ρ for which `a - ρb` is not significantly different from zero:
//!   `(a - ρb)² <= t² (s_a² + ρ² s_b²)`, with `a`, `b` the sample means and `s_a`, `s_b`
//!   their standard errors. Solving the quadratic gives, with `ρ̂ = a/b` and
//!   `g = (t s_b / b)²`,
//!   `[ρ̂ ∓ (t/|b|) √(s_a² (1-g) + ρ̂² s_b²)] / (1 - g)`.
//!   When `g >= 1` — the denominator mean is not significantly different from zero at this
//!   level — the set is not a finite interval but either the outside of one (the same two
//!   roots, now with `1 - g < 0`: every ratio except those strictly between them) or, when
//!   `s_a² (1-g) + ρ̂² s_b² <= 0`, the whole line: [`FiellerInterval::Unbounded`].
//! - **Delta method on the log ratio**: `ln ρ̂ ± t √((s_a/a)² + (s_b/b)²)`, exponentiated.
//!   Always finite and multiplicatively symmetric around ρ̂, but it hides the instability that
//!   Fieller reveals when `b` is noisy; it needs a positive ratio.

use serde::Serialize;

use crate::error::StatsError;
use crate::summary::{t_critical, ConfidenceInterval, Summary};
use crate::welch::{satterthwaite_df, standard_error};

/// Fieller's confidence set for a ratio of means.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FiellerInterval {
    /// A finite interval (it always contains the point estimate).
    Bounded(ConfidenceInterval),
    /// The denominator's mean is not significantly different from zero, so no finite
    /// interval can be given. The confidence set is every ratio except those in `excluded`
    /// (strictly between its bounds), or, when `excluded` is `None`, every ratio at all.
    Unbounded { excluded: Option<ExcludedRange> },
}

/// The open range `(lower, upper)` that an unbounded Fieller set leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ExcludedRange {
    pub lower: f64,
    pub upper: f64,
}

impl FiellerInterval {
    /// The finite interval, if there is one.
    pub fn bounded(&self) -> Option<ConfidenceInterval> {
        match self {
            Self::Bounded(ci) => Some(*ci),
            Self::Unbounded { .. } => None,
        }
    }

    /// Whether the confidence set contains the ratio `x`.
    pub fn contains(&self, x: f64) -> bool {
        match self {
            Self::Bounded(ci) => ci.contains(x),
            Self::Unbounded {
                excluded: Some(range),
            } => !(range.lower < x && x < range.upper),
            Self::Unbounded { excluded: None } => true,
        }
    }
}

/// The ratio `mean(a) / mean(b)` with its confidence intervals at one level.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RatioEstimate {
    /// `mean(a) / mean(b)`.
    pub ratio: f64,
    /// Confidence level of both intervals.
    pub level: f64,
    /// Degrees of freedom of the t quantile: Welch–Satterthwaite for the variance of
    /// `a - ρ̂ b`, i.e. [`crate::WelchTest::df`]'s formula with the components `s_a²` and
    /// `ρ̂² s_b²` (equivalently `(s_a/a)²` and `(s_b/b)²`, the components of the log-ratio
    /// variance). At `ρ̂ = 1` it equals the Welch test's df.
    pub df: f64,
    /// Fieller's interval.
    pub fieller: FiellerInterval,
    /// The delta-method interval on the log ratio; `None` when the ratio is not positive.
    pub log_delta: Option<ConfidenceInterval>,
}

impl RatioEstimate {
    /// The ratio of the means of `a` and `b` (each n >= 2, `mean(b) != 0`) with both intervals
    /// at `level` (0 < level < 1).
    pub fn of(a: &Summary, b: &Summary, level: f64) -> Result<Self, StatsError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(StatsError::InvalidLevel(level));
        }
        let se_a = standard_error(a, "a confidence interval of a ratio")?;
        let se_b = standard_error(b, "a confidence interval of a ratio")?;
        if b.mean() == 0.0 {
            return Err(StatsError::ZeroDenominator);
        }
        let ratio = a.mean() / b.mean();
        let df = satterthwaite_df(se_a, a.n(), ratio.abs() * se_b, b.n());
        let t = t_critical(level, df)?;
        Ok(Self {
            ratio,
            level,
            df,
            fieller: fieller(ratio, b.mean(), se_a, se_b, t, level),
            log_delta: (ratio > 0.0)
                .then(|| log_delta(ratio, a.mean(), b.mean(), se_a, se_b, t, level)),
        })
    }
}

/// Fieller's interval for `ρ̂ = a/b` at critical value `t` (see the module documentation).
fn fieller(ratio: f64, b: f64, se_a: f64, se_b: f64, t: f64, level: f64) -> FiellerInterval {
    let denominator_margin = t * se_b;
    let g = (denominator_margin / b) * (denominator_margin / b);
    let one_minus_g = 1.0 - g;
    if denominator_margin < b.abs() {
        let half_width = t / b.abs() * (se_a * one_minus_g.sqrt()).hypot(ratio * se_b);
        // The bounds are the roots of (1-g)ρ² - 2ρ̂ρ + (ρ̂² - m²) with m = t·s_a/|b|. The root
        // on ρ̂'s side, (ρ̂ ± w)/(1-g), adds numbers of one sign; the other is taken from the
        // product of the roots, (ρ̂² - m²)/(1-g), so that neither divides a difference of nearly
        // equal numbers by a small 1-g (g near 1: b's interval nearly reaches 0), where the
        // direct formula lost up to half the digits (a property test found 1e-9 relative).
        let margin_a = t * se_a / b.abs();
        let outer = if ratio >= 0.0 {
            ratio + half_width
        } else {
            ratio - half_width
        };
        let (far, near) = if outer != 0.0 {
            (
                outer / one_minus_g,
                (ratio - margin_a) * (ratio + margin_a) / outer,
            )
        } else {
            // ρ̂ = 0 and w = 0 (s_a = 0): both roots are 0.
            (0.0, 0.0)
        };
        return FiellerInterval::Bounded(ConfidenceInterval {
            level,
            lower: far.min(near),
            upper: far.max(near),
        });
    }
    // s_a² (1-g) + ρ̂² s_b² as a product of two factors, whose sign decides the shape.
    let from_a = se_a * (g - 1.0).sqrt();
    let from_b = (ratio * se_b).abs();
    if one_minus_g == 0.0 || from_b <= from_a {
        // No real roots (or g exactly 1, where the set is a single ray; an event of
        // probability zero, reported as the whole line).
        return FiellerInterval::Unbounded { excluded: None };
    }
    let half_width = t / b.abs() * ((from_b - from_a) * (from_b + from_a)).sqrt();
    let (r1, r2) = (
        (ratio - half_width) / one_minus_g,
        (ratio + half_width) / one_minus_g,
    );
    FiellerInterval::Unbounded {
        excluded: Some(ExcludedRange {
            lower: r1.min(r2),
            upper: r1.max(r2),
        }),
    }
}

/// The delta-method interval on `ln ρ̂`: `ρ̂ · exp(∓ t √((s_a/a)² + (s_b/b)²))`.
fn log_delta(
    ratio: f64,
    a: f64,
    b: f64,
    se_a: f64,
    se_b: f64,
    t: f64,
    level: f64,
) -> ConfidenceInterval {
    let se_log = (se_a / a).hypot(se_b / b);
    ConfidenceInterval {
        level,
        lower: ratio * (-t * se_log).exp(),
        upper: ratio * (t * se_log).exp(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(x: &[f64]) -> Summary {
        Summary::of(x).expect("valid input")
    }

    #[test]
    fn errors() {
        let two = summary(&[1.0, 2.0]);
        assert!(matches!(
            RatioEstimate::of(&summary(&[1.0]), &two, 0.95),
            Err(StatsError::TooFewSamples { .. })
        ));
        assert_eq!(
            RatioEstimate::of(&two, &summary(&[-1.0, 1.0]), 0.95),
            Err(StatsError::ZeroDenominator)
        );
        assert_eq!(
            RatioEstimate::of(&two, &two, 1.0),
            Err(StatsError::InvalidLevel(1.0))
        );
    }

    #[test]
    fn unbounded_when_denominator_is_not_clearly_nonzero() {
        let a = summary(&[1.0, 1.1, 0.9, 1.05]);
        let b = summary(&[-0.5, 0.7, 0.1, 0.2]);
        let r = RatioEstimate::of(&a, &b, 0.95).expect("valid input");
        // The numerator is clearly nonzero: the set is the outside of a range around 0.
        let FiellerInterval::Unbounded {
            excluded: Some(range),
        } = r.fieller
        else {
            panic!("{:?}", r.fieller);
        };
        assert!(range.lower < 0.0 && 0.0 < range.upper);
        assert!(!r.fieller.contains(0.0) && r.fieller.contains(r.ratio));
        assert!(r.log_delta.is_some());
        // Both means indistinguishable from zero: the whole line.
        let a = summary(&[-1.0, 1.1, 0.2]);
        let r = RatioEstimate::of(&a, &b, 0.95).expect("valid input");
        assert_eq!(r.fieller, FiellerInterval::Unbounded { excluded: None });
        assert!(r.fieller.contains(-1e300));
    }

    #[test]
    fn constant_samples_give_a_point() {
        let r =
            RatioEstimate::of(&summary(&[3.0; 4]), &summary(&[2.0; 6]), 0.95).expect("valid input");
        assert_eq!(r.df, 8.0);
        let ci = r.fieller.bounded().expect("a bounded interval");
        assert_eq!((ci.lower, ci.upper), (1.5, 1.5));
        let ci = r.log_delta.expect("a positive ratio");
        assert_eq!((ci.lower, ci.upper), (1.5, 1.5));
    }

    #[test]
    fn negative_ratio_has_no_log_interval() {
        let r = RatioEstimate::of(
            &summary(&[-3.0, -3.1, -2.9]),
            &summary(&[2.0, 2.1, 1.9]),
            0.9,
        )
        .expect("valid input");
        assert!(r.log_delta.is_none());
        assert!(r
            .fieller
            .bounded()
            .expect("a bounded interval")
            .contains(r.ratio));
    }
}
