//! Welch's unequal-variance t-test for the difference of two means.

use serde::Serialize;

use crate::dist::StudentT;
use crate::error::StatsError;
use crate::summary::Summary;

/// Result of Welch's t-test of `mean(a) = mean(b)` against `mean(a) != mean(b)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WelchTest {
    /// `(mean_a - mean_b) / √(s_a²/n_a + s_b²/n_b)`, Welch (1947). Infinite when both
    /// samples are constant and their means differ (JSON shows it as `null` then).
    pub statistic: f64,
    /// Welch–Satterthwaite degrees of freedom,
    /// `(v_a + v_b)² / (v_a²/(n_a-1) + v_b²/(n_b-1))` with `v = s²/n` (Satterthwaite 1946).
    pub df: f64,
    /// Two-sided p-value `P(|T_df| >= |statistic|)`.
    pub p_value: f64,
}

impl WelchTest {
    /// Welch's test on two raw samples (each needs n >= 2).
    pub fn of(a: &[f64], b: &[f64]) -> Result<Self, StatsError> {
        Self::from_summaries(&Summary::of(a)?, &Summary::of(b)?)
    }

    /// Welch's test from two summaries (each needs n >= 2).
    ///
    /// Both samples constant (both standard errors zero) is decided, not divided by zero:
    /// equal means give statistic 0 and p-value 1 (nothing suggests a difference); different
    /// means give an infinite statistic and p-value 0 (the difference is certain as far as the
    /// data can tell). The degrees of freedom are then `n_a + n_b - 2`, the largest value the
    /// Welch–Satterthwaite formula can take.
    pub fn from_summaries(a: &Summary, b: &Summary) -> Result<Self, StatsError> {
        let se_a = standard_error(a, "Welch's t-test")?;
        let se_b = standard_error(b, "Welch's t-test")?;
        let df = satterthwaite_df(se_a, a.n(), se_b, b.n());
        let difference = a.mean() - b.mean();
        let se = se_a.hypot(se_b);
        if se == 0.0 {
            let statistic = if difference == 0.0 {
                0.0
            } else {
                difference.signum() * f64::INFINITY
            };
            let p_value = if difference == 0.0 { 1.0 } else { 0.0 };
            return Ok(Self {
                statistic,
                df,
                p_value,
            });
        }
        let statistic = difference / se;
        let p_value = StudentT::new(df)?.two_sided_p(statistic);
        Ok(Self {
            statistic,
            df,
            p_value,
        })
    }
}

/// The standard error of the mean, or the error saying that `what` needs two samples.
pub(crate) fn standard_error(s: &Summary, what: &'static str) -> Result<f64, StatsError> {
    s.std_error().ok_or(StatsError::TooFewSamples {
        what,
        needed: 2,
        got: s.n(),
    })
}

/// Welch–Satterthwaite degrees of freedom of `σ_a² + σ_b²` where `σ_a²` is an estimate with
/// `n_a - 1` degrees of freedom and `σ_b²` one with `n_b - 1` (Satterthwaite 1946, Welch 1947):
/// `1 / (w²/(n_a-1) + (1-w)²/(n_b-1))` with `w = σ_a²/(σ_a² + σ_b²)`, the same value as the
/// textbook form but free of overflow and underflow. Both zero gives `n_a + n_b - 2`.
pub(crate) fn satterthwaite_df(sigma_a: f64, n_a: usize, sigma_b: f64, n_b: usize) -> f64 {
    let total = sigma_a.hypot(sigma_b);
    if total == 0.0 {
        return (n_a + n_b) as f64 - 2.0;
    }
    let w_a = (sigma_a / total) * (sigma_a / total);
    let w_b = (sigma_b / total) * (sigma_b / total);
    1.0 / (w_a * w_a / (n_a as f64 - 1.0) + w_b * w_b / (n_b as f64 - 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_two_samples_each() {
        let err = WelchTest::of(&[1.0], &[1.0, 2.0]).expect_err("must be an error");
        assert!(matches!(
            err,
            StatsError::TooFewSamples {
                needed: 2,
                got: 1,
                ..
            }
        ));
        assert!(WelchTest::of(&[1.0, 2.0], &[]).is_err());
    }

    #[test]
    fn constant_samples() {
        let same = WelchTest::of(&[2.0; 5], &[2.0; 3]).expect("valid input");
        assert_eq!((same.statistic, same.df, same.p_value), (0.0, 6.0, 1.0));
        let apart = WelchTest::of(&[1.0; 5], &[2.0; 3]).expect("valid input");
        assert_eq!((apart.statistic, apart.p_value), (f64::NEG_INFINITY, 0.0));
        // One constant sample: the other carries all the variance and its df.
        let one = WelchTest::of(&[1.0; 5], &[2.0, 3.0, 4.0]).expect("valid input");
        assert!((one.df - 2.0).abs() < 1e-12);
    }

    #[test]
    fn symmetric() {
        let a = [1.0, 2.5, 3.0, 2.2];
        let b = [2.0, 2.1, 4.0, 3.3, 5.0];
        let ab = WelchTest::of(&a, &b).expect("valid input");
        let ba = WelchTest::of(&b, &a).expect("valid input");
        assert_eq!(ab.statistic, -ba.statistic);
        assert_eq!(ab.p_value, ba.p_value);
        assert_eq!(ab.df, ba.df);
    }
}
