//! The ratio of two statements' times from paired measurements: each worker process times
//! both, so the ratio of its two means cancels what the process shares (memory layout, hash
//! seeds, the CPU's state). Across processes, the independent units, the logarithms of those
//! ratios are averaged: the ratio is their geometric mean, its interval Student's t on the
//! logarithms (exponentiated, so it is not symmetric about the ratio), and the test of "no
//! difference" the paired (one-sample) t-test of the logarithms against 0.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use crate::{StatsError, StudentT};

/// flypy's one ratio of two times: estimated from per-process log ratios, with its interval
/// and test. `time`, `cost` and `dive` all use it, so "significant" means one thing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// exp(mean of the log ratios): the geometric mean of the per-process ratios.
    pub ratio: f64,
    pub low: f64,
    pub high: f64,
    /// The confidence level of [`Ratio::low`]..[`Ratio::high`].
    pub level: f64,
    /// Two-sided p-value of "the ratio is 1" (the paired t-test).
    pub p_value: f64,
    /// How many processes (pairs) it rests on.
    pub pairs: usize,
}

impl Ratio {
    /// Whether the two times differ: the test rejects "the ratio is 1" at the interval's own
    /// level (p < 1 − level) and the interval leaves 1 out. Otherwise flypy says "no
    /// significant difference". (The two agree but for rounding at the boundary: both come
    /// from the same t distribution; requiring both keeps a printed interval that touches 1
    /// from being called a difference.)
    pub fn significant(&self) -> bool {
        self.p_value < 1.0 - self.level && !(self.low <= 1.0 && 1.0 <= self.high)
    }

    /// From the natural logarithms of the per-process ratios, at confidence `level`.
    pub fn of_logs(log_ratios: &[f64], level: f64) -> Result<Self, StatsError> {
        if !(level > 0.0 && level < 1.0) {
            return Err(StatsError::InvalidLevel(level));
        }
        if let Some((index, &value)) = log_ratios.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(StatsError::NonFinite { index, value });
        }
        let n = log_ratios.len();
        if n < 2 {
            return Err(StatsError::TooFewSamples {
                what: "a paired ratio's interval",
                needed: 2,
                got: n,
            });
        }
        let mean = log_ratios.iter().sum::<f64>() / n as f64;
        let var = log_ratios.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let se = (var / n as f64).sqrt();
        let t = StudentT::new((n - 1) as f64)?;
        let q = t.quantile(1.0 - (1.0 - level) / 2.0)?;
        // Identical ratios in every process: no spread, so any difference from 1 is certain.
        let p_value = if se > 0.0 {
            t.two_sided_p(mean / se)
        } else if mean == 0.0 {
            1.0
        } else {
            0.0
        };
        Ok(Ratio {
            ratio: mean.exp(),
            low: (mean - q * se).exp(),
            high: (mean + q * se).exp(),
            level,
            p_value,
            pairs: n,
        })
    }

    /// Half the interval's width in percent of the ratio, on its wider side.
    pub fn precision_percent(&self) -> f64 {
        ((self.high / self.ratio - 1.0).max(1.0 - self.low / self.ratio)) * 100.0
    }
}

/// Its fields and whether it is [`Ratio::significant`], so that readers of the JSON do not
/// restate the rule.
impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut o = s.serialize_struct("Ratio", 7)?;
        o.serialize_field("ratio", &self.ratio)?;
        o.serialize_field("low", &self.low)?;
        o.serialize_field("high", &self.high)?;
        o.serialize_field("level", &self.level)?;
        o.serialize_field("p_value", &self.p_value)?;
        o.serialize_field("pairs", &self.pairs)?;
        o.serialize_field("significant", &self.significant())?;
        o.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // logs 0.1, 0.2, 0.3: mean 0.2, sd 0.1, se 0.1/sqrt(3); t(2) 97.5% = 4.302652729911275
        // (scipy.stats.t.ppf(0.975, 2)); t = 0.2 / (0.1/sqrt(3)) = 3.4641016, two-sided p =
        // 0.07417990022744858 (scipy.stats.ttest_1samp([0.1, 0.2, 0.3], 0).pvalue).
        let r = Ratio::of_logs(&[0.1, 0.2, 0.3], 0.95).expect("computes");
        let se = 0.1 / 3f64.sqrt();
        assert!((r.ratio - 0.2f64.exp()).abs() < 1e-12);
        assert!((r.low - (0.2 - 4.302652729911275 * se).exp()).abs() < 1e-9);
        assert!((r.high - (0.2 + 4.302652729911275 * se).exp()).abs() < 1e-9);
        assert!((r.p_value - 0.07417990022744858).abs() < 1e-9);
        assert_eq!(r.pairs, 3);
    }

    #[test]
    fn no_spread_and_bad_input() {
        let same = Ratio::of_logs(&[0.0, 0.0], 0.95).expect("computes");
        assert_eq!((same.ratio, same.p_value), (1.0, 1.0));
        let certain = Ratio::of_logs(&[0.5, 0.5, 0.5], 0.95).expect("computes");
        assert_eq!(certain.p_value, 0.0);
        assert!(Ratio::of_logs(&[0.1], 0.95).is_err());
        assert!(Ratio::of_logs(&[0.1, f64::NAN], 0.95).is_err());
        assert!(Ratio::of_logs(&[0.1, 0.2], 1.5).is_err());
    }

    #[test]
    fn significant_needs_the_test_and_the_interval() {
        let r = |low, high, p_value| Ratio {
            ratio: 1.1,
            low,
            high,
            level: 0.95,
            p_value,
            pairs: 10,
        };
        assert!(r(1.05, 1.15, 0.001).significant());
        assert!(!r(0.99, 1.15, 0.001).significant());
        assert!(!r(1.05, 1.15, 0.2).significant());
        assert!(
            !r(1.0, 1.15, 0.04).significant(),
            "an interval that touches 1"
        );
        let v = serde_json::to_value(r(1.05, 1.15, 0.001)).expect("serializes");
        assert_eq!(v["significant"], true);
        assert_eq!(v["low"], 1.05);
    }
}
