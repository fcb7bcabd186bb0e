//! Comparing two timing samples: which one is faster, by how much, and whether the data can
//! tell at all.

use serde::Serialize;

use crate::error::StatsError;
use crate::ratio::RatioEstimate;
use crate::summary::Summary;
use crate::welch::WelchTest;

/// What the data say about sample `a`'s times relative to sample `b`'s.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// `a` takes significantly less time than `b`.
    Faster,
    /// `a` takes significantly more time than `b`.
    Slower,
    /// The difference is not significant at the chosen alpha.
    NoSignificantDifference,
}

/// Two samples of times compared: the ratio of their means `a / b` with its confidence
/// interval at level `1 - alpha`, Welch's test, and the verdict.
///
/// The verdict is [`Verdict::NoSignificantDifference`] whenever **either** Welch's p-value is
/// at least `alpha` **or** Fieller's confidence set of the ratio at level `1 - alpha` contains
/// 1 (an unbounded set may or may not: it is the whole line, or everything outside a range).
/// Otherwise `a` is [`Verdict::Faster`] if its mean is the smaller, else [`Verdict::Slower`];
/// with a bounded interval that means the whole interval lies below, or above, 1. The two
/// criteria test the same pivot at ρ = 1, `(a - b)/√(s_a² + s_b²)`, and differ only in the
/// t quantile's degrees of freedom (the Welch test's at ρ = 1, the ratio's at ρ̂), so they
/// disagree only at the margin; requiring both means a reported difference is never
/// contradicted by the interval shown beside it. The rule is symmetric: comparing `b` with
/// `a` gives the mirrored verdict (Fieller's set for `b/a` is the reciprocal of the set for
/// `a/b`, at the same degrees of freedom). The delta-method interval is reported but does not
/// enter the verdict.
///
/// Means are of times, so "faster" means a smaller mean; both means should be positive.
///
/// Welch's test and Fieller's interval treat each sample's values as independent draws.
/// Timings taken in one worker process are not independent of each other (they share its
/// memory layout, hash seeds, CPU state), so pass one value per process, e.g. each process's
/// mean: `n` is then the number of processes, and the interval is honest about them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    a: Summary,
    b: Summary,
    alpha: f64,
    ratio: RatioEstimate,
    welch: WelchTest,
    verdict: Verdict,
}

impl Comparison {
    /// The significance level used by [`Comparison::of`].
    pub const DEFAULT_ALPHA: f64 = 0.05;

    /// Compares two samples of times at alpha = 0.05.
    pub fn of(a: &[f64], b: &[f64]) -> Result<Self, StatsError> {
        Self::with_alpha(a, b, Self::DEFAULT_ALPHA)
    }

    /// Compares two samples of times at significance level `alpha` (0 < alpha < 1).
    pub fn with_alpha(a: &[f64], b: &[f64], alpha: f64) -> Result<Self, StatsError> {
        Self::from_summaries(Summary::of(a)?, Summary::of(b)?, alpha)
    }

    /// Compares two summarized samples (each n >= 2, `b`'s mean nonzero) at `alpha`.
    pub fn from_summaries(a: Summary, b: Summary, alpha: f64) -> Result<Self, StatsError> {
        if !(alpha > 0.0 && alpha < 1.0) {
            return Err(StatsError::InvalidAlpha(alpha));
        }
        let welch = WelchTest::from_summaries(&a, &b)?;
        let ratio = RatioEstimate::of(&a, &b, 1.0 - alpha)?;
        let verdict = if welch.p_value >= alpha || ratio.fieller.contains(1.0) {
            Verdict::NoSignificantDifference
        } else if a.mean() < b.mean() {
            Verdict::Faster
        } else {
            Verdict::Slower
        };
        Ok(Self {
            a,
            b,
            alpha,
            ratio,
            welch,
            verdict,
        })
    }

    pub fn a(&self) -> &Summary {
        &self.a
    }
    pub fn b(&self) -> &Summary {
        &self.b
    }
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// The ratio of means `a / b` with its intervals at level `1 - alpha`.
    pub fn ratio(&self) -> &RatioEstimate {
        &self.ratio
    }
    pub fn welch(&self) -> &WelchTest {
        &self.welch
    }
    pub fn verdict(&self) -> Verdict {
        self.verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let fast = [1.0, 1.1, 0.9, 1.0, 1.05];
        let slow = [2.0, 2.1, 1.9, 2.0, 2.05];
        assert_eq!(
            Comparison::of(&fast, &slow).expect("valid input").verdict(),
            Verdict::Faster
        );
        assert_eq!(
            Comparison::of(&slow, &fast).expect("valid input").verdict(),
            Verdict::Slower
        );
        let noisy = [0.5, 1.6, 1.0, 0.7, 1.4];
        assert_eq!(
            Comparison::of(&fast, &noisy)
                .expect("valid input")
                .verdict(),
            Verdict::NoSignificantDifference
        );
        assert_eq!(
            Comparison::of(&[1.0; 3], &[1.0; 4])
                .expect("valid input")
                .verdict(),
            Verdict::NoSignificantDifference
        );
        assert_eq!(
            Comparison::of(&[1.0; 3], &[2.0; 4])
                .expect("valid input")
                .verdict(),
            Verdict::Faster
        );
    }

    #[test]
    fn alpha_is_checked() {
        for alpha in [0.0, 1.0, f64::NAN] {
            assert!(matches!(
                Comparison::with_alpha(&[1.0, 2.0], &[1.0, 2.0], alpha),
                Err(StatsError::InvalidAlpha(_))
            ));
        }
    }
}
