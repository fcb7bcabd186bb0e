//! Descriptive statistics of one sample, with the Student t confidence interval of its mean.

use serde::Serialize;

use crate::dist::StudentT;
use crate::error::StatsError;

/// The confidence level of [`Summary::ci95`].
pub const DEFAULT_LEVEL: f64 = 0.95;

/// A two-sided confidence interval `[lower, upper]` at confidence `level` (e.g. 0.95).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ConfidenceInterval {
    pub level: f64,
    pub lower: f64,
    pub upper: f64,
}

impl ConfidenceInterval {
    /// Whether `x` lies in the closed interval.
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }
}

/// Mean, median, spread and extremes of one sample, and the 95% confidence interval of its
/// mean. Built only by [`Summary::of`], so the fields always agree with each other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    n: usize,
    mean: f64,
    median: f64,
    /// Sample standard deviation (divisor n - 1); `None` for a single sample.
    stdev: Option<f64>,
    min: f64,
    max: f64,
    /// Standard error of the mean, `stdev / √n`; `None` for a single sample.
    std_error: Option<f64>,
    /// 95% confidence interval of the mean; `None` for a single sample.
    ci95: Option<ConfidenceInterval>,
}

impl Summary {
    /// Summarizes `samples`, which must be non-empty and all finite. A single sample gives a
    /// summary without spread, standard error or interval (they need n >= 2).
    pub fn of(samples: &[f64]) -> Result<Self, StatsError> {
        if samples.is_empty() {
            return Err(StatsError::Empty);
        }
        if let Some((index, &value)) = samples.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(StatsError::NonFinite { index, value });
        }
        let n = samples.len();
        let mut sorted = samples.to_vec();
        sorted.sort_by(f64::total_cmp);
        let min = sorted[0];
        let max = sorted[n - 1];
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            // Halving each first cannot overflow, unlike halving the sum.
            0.5 * sorted[n / 2 - 1] + 0.5 * sorted[n / 2]
        };
        let (mean, stdev) = mean_and_stdev(samples, min.abs().max(max.abs()));
        let mut summary = Self {
            n,
            mean,
            median,
            stdev,
            min,
            max,
            std_error: stdev.map(|s| s / (n as f64).sqrt()),
            ci95: None,
        };
        summary.ci95 = summary.ci(DEFAULT_LEVEL).ok();
        Ok(summary)
    }

    /// The confidence interval of the mean at `level` (0 < level < 1):
    /// `mean ± t_{(1+level)/2, n-1} · stdev/√n`, Student (1908). Needs n >= 2.
    pub fn ci(&self, level: f64) -> Result<ConfidenceInterval, StatsError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(StatsError::InvalidLevel(level));
        }
        let std_error = self.std_error.ok_or(StatsError::TooFewSamples {
            what: "a confidence interval of the mean",
            needed: 2,
            got: self.n,
        })?;
        let margin = t_critical(level, self.n as f64 - 1.0)? * std_error;
        Ok(ConfidenceInterval {
            level,
            lower: self.mean - margin,
            upper: self.mean + margin,
        })
    }

    pub fn n(&self) -> usize {
        self.n
    }
    pub fn mean(&self) -> f64 {
        self.mean
    }
    pub fn median(&self) -> f64 {
        self.median
    }
    /// Sample standard deviation (divisor n - 1); `None` when n = 1.
    pub fn stdev(&self) -> Option<f64> {
        self.stdev
    }
    pub fn min(&self) -> f64 {
        self.min
    }
    pub fn max(&self) -> f64 {
        self.max
    }
    /// Standard error of the mean; `None` when n = 1.
    pub fn std_error(&self) -> Option<f64> {
        self.std_error
    }
    /// The 95% confidence interval of the mean; `None` when n = 1.
    pub fn ci95(&self) -> Option<ConfidenceInterval> {
        self.ci95
    }
}

/// The two-sided critical value `t` with `P(|T| > t) = 1 - level` at `df` degrees of
/// freedom. Computed as `-quantile((1 - level)/2)`, which keeps its precision for levels close
/// to 1 (`1 - level` is exact there).
pub(crate) fn t_critical(level: f64, df: f64) -> Result<f64, StatsError> {
    Ok(-StudentT::new(df)?.quantile(0.5 * (1.0 - level))?)
}

/// Mean and sample standard deviation of finite values whose largest magnitude is `largest`.
///
/// The values are first scaled by a power of two near `largest` (exact, and it keeps sums and
/// squares from overflowing or underflowing whatever the units). The mean is a compensated
/// sum (Neumaier 1974) corrected by the exactly computed mean residual; the variance is the
/// corrected two-pass formula `(Σ d² - (Σ d)²/n) / (n - 1)` with `d = x - mean` (Chan, Golub
/// & LeVeque 1983), which is as accurate as the data allow.
fn mean_and_stdev(samples: &[f64], largest: f64) -> (f64, Option<f64>) {
    let scale = if largest > 0.0 {
        power_of_two(largest.log2().floor())
    } else {
        1.0
    };
    let n = samples.len() as f64;
    let scaled = samples.iter().map(|&x| x / scale);
    let rough = compensated_sum(scaled.clone()) / n;
    // Σ (y - rough) with every difference split exactly into its rounded value and error
    // (Knuth's two-sum), so the correction is the true one: it makes the mean of equal
    // values exactly that value, which the division above alone does not.
    let residuals = scaled.clone().flat_map(|y| {
        let d = y - rough;
        let v = d - y;
        [d, (y - (d - v)) + (-rough - v)]
    });
    let mean = rough + compensated_sum(residuals) / n;
    let stdev = (samples.len() >= 2).then(|| {
        let deviations = compensated_sum(scaled.clone().map(|y| y - mean));
        let squares = compensated_sum(scaled.map(|y| (y - mean) * (y - mean)));
        let variance = ((squares - deviations * deviations / n) / (n - 1.0)).max(0.0);
        variance.sqrt() * scale
    });
    (mean * scale, stdev)
}

/// `2^k` for integral `k`, clamped to the normal range of f64 (so it is never zero or
/// infinite, and dividing by it is exact for every normal value).
fn power_of_two(k: f64) -> f64 {
    let exponent = k.clamp(-1022.0, 1023.0) as i64 + 1023;
    f64::from_bits((exponent as u64) << 52)
}

/// Neumaier's improved Kahan summation: the rounding error of every addition is carried
/// along and added back at the end.
fn compensated_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut sum = 0.0_f64;
    let mut carried = 0.0_f64;
    for x in values {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            carried += (sum - t) + x;
        } else {
            carried += (x - t) + sum;
        }
        sum = t;
    }
    sum + carried
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors() {
        assert_eq!(Summary::of(&[]), Err(StatsError::Empty));
        assert_eq!(
            Summary::of(&[1.0, f64::INFINITY]),
            Err(StatsError::NonFinite {
                index: 1,
                value: f64::INFINITY
            })
        );
        assert!(matches!(
            Summary::of(&[f64::NAN]),
            Err(StatsError::NonFinite { index: 0, .. })
        ));
        let one = Summary::of(&[2.5]).expect("valid input");
        assert_eq!(
            (one.mean(), one.median(), one.min(), one.max()),
            (2.5, 2.5, 2.5, 2.5)
        );
        assert_eq!(
            (one.stdev(), one.std_error(), one.ci95()),
            (None, None, None)
        );
        let err = one.ci(0.9).expect_err("must be an error");
        assert!(matches!(
            err,
            StatsError::TooFewSamples {
                needed: 2,
                got: 1,
                ..
            }
        ));
        assert!(
            err.to_string().contains("at least 2 samples, got 1"),
            "{err}"
        );
        let two = Summary::of(&[1.0, 2.0]).expect("valid input");
        for level in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
            assert!(matches!(two.ci(level), Err(StatsError::InvalidLevel(_))));
        }
    }

    #[test]
    fn constant_sample_has_zero_width_interval() {
        let s = Summary::of(&[3e-6; 7]).expect("valid input");
        assert_eq!(s.mean(), 3e-6);
        assert_eq!(s.stdev(), Some(0.0));
        let ci = s.ci95().expect("n >= 2");
        assert_eq!((ci.lower, ci.upper), (3e-6, 3e-6));
    }

    #[test]
    fn extreme_magnitudes_do_not_overflow() {
        let s = Summary::of(&[1e308, -1e308, 1.5e308, 1.7e308]).expect("valid input");
        assert!(s.mean().is_finite() && s.stdev().expect("n >= 2").is_finite());
        assert!((s.mean() - 0.8e308).abs() < 1e293);
        let tiny = Summary::of(&[1e-310, 3e-310]).expect("valid input");
        assert!((tiny.mean() - 2e-310).abs() < 1e-320);
        assert!(tiny.stdev().expect("n >= 2") > 0.0);
    }

    #[test]
    fn mean_survives_cancellation() {
        // Naive summation gives 0 here.
        let s = Summary::of(&[1e16, 1.0, -1e16, 1.0]).expect("valid input");
        assert_eq!(s.mean(), 0.5);
    }
}
