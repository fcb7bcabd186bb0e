//! The one error type of the crate.

/// Why a statistic could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    #[error("no samples: a summary needs at least one value")]
    Empty,
    #[error("sample {index} is {value}: every sample must be a finite number")]
    NonFinite { index: usize, value: f64 },
    #[error(
        "{what} needs at least {needed} samples, got {got} (with one sample the spread, \
         and so any interval or test, is undefined)"
    )]
    TooFewSamples {
        what: &'static str,
        needed: usize,
        got: usize,
    },
    #[error("confidence level {0} must be strictly between 0 and 1 (e.g. 0.95)")]
    InvalidLevel(f64),
    #[error("significance level alpha {0} must be strictly between 0 and 1 (e.g. 0.05)")]
    InvalidAlpha(f64),
    #[error("probability {0} must be between 0 and 1")]
    InvalidProbability(f64),
    #[error("degrees of freedom {0} must be positive (or +infinity for the normal limit)")]
    InvalidDegreesOfFreedom(f64),
    #[error("the denominator's mean is zero: the ratio of means is undefined")]
    ZeroDenominator,
    #[error("the ratio of means {0} is not positive: its logarithm (delta method) is undefined")]
    NonPositiveRatio(f64),
}
