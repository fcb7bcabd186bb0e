//! Statistics for `flypy time`: summaries of timing samples with confidence intervals, and
//! comparisons of two samples (ratio of means with Fieller's interval, Welch's t-test, and a
//! verdict that says "no significant difference" when that is what the data say).
//!
//! Everything is pure Rust with no numerical dependencies: the Student t and normal
//! distributions come from the regularized incomplete beta and gamma functions in
//! [`special`], checked against scipy in `tests/` (see `tests/fixtures/make_reference.py`).
//!
//! ```
//! use flypy_stats::{Comparison, Summary, Verdict};
//!
//! let a = [1.02e-5, 1.01e-5, 1.05e-5, 0.99e-5, 1.00e-5];
//! let b = [1.31e-5, 1.29e-5, 1.35e-5, 1.30e-5, 1.28e-5];
//! let s = Summary::of(&a)?;
//! assert!(s.ci95().is_some_and(|ci| ci.contains(s.mean())));
//! let c = Comparison::of(&a, &b)?;
//! assert_eq!(c.verdict(), Verdict::Faster);
//! # Ok::<(), flypy_stats::StatsError>(())
//! ```

mod compare;
mod dd;
pub mod dist;
mod error;
mod paired;
mod ratio;
pub mod special;
mod summary;
mod welch;

pub use compare::{Comparison, Verdict};
pub use dist::{StandardNormal, StudentT};
pub use error::StatsError;
pub use paired::Ratio;
pub use ratio::{ExcludedRange, FiellerInterval, RatioEstimate};
pub use summary::{ConfidenceInterval, Summary, DEFAULT_LEVEL};
pub use welch::WelchTest;
