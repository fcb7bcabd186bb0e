//! Properties that must hold for any input: inverses invert, intervals nest and contain their
//! estimates, identical samples never differ, swapping or rescaling the samples changes
//! nothing it should not.

use flypy_stats::{
    Comparison, FiellerInterval, RatioEstimate, StandardNormal, StudentT, Summary, Verdict,
    WelchTest,
};
use proptest::collection::vec;
use proptest::prelude::*;

/// Timing-like samples: positive, around 1e-6..1e-4 s.
fn timings(len: std::ops::Range<usize>) -> impl Strategy<Value = Vec<f64>> {
    vec(1e-6f64..1e-4, len)
}

/// `|got - want| <= tolerance * |want|`.
fn close(got: f64, want: f64, tolerance: f64) -> bool {
    (got - want).abs() <= tolerance * want.abs()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// CDF(quantile(p)) = p for df from 0.37 to 1.2e6 and p from 1e-12 to 1/2, to 1e-13
    /// relative plus what the rounding of the quantile itself can move the CDF
    /// (`|t| pdf(t) / p` ulps, the condition number).
    #[test]
    fn t_cdf_inverts_quantile(ln_df in -1.0f64..14.0, log_p in -12.0f64..-0.302) {
        let t = StudentT::new(ln_df.exp()).expect("valid input");
        let p = 10f64.powf(log_p);
        let q = t.quantile(p).expect("valid input");
        prop_assert!(q < 0.0);
        let condition = 1.0 + q.abs() * t.pdf(q) / p;
        prop_assert!(close(t.cdf(q), p, 1e-13 * condition), "df={} p={p} q={q}", t.df());
    }

    /// The upper half mirrors the lower exactly (1 - u is exact for u >= 1/2).
    #[test]
    fn t_quantile_is_symmetric(ln_df in -1.0f64..14.0, u in 0.5f64..1.0) {
        let t = StudentT::new(ln_df.exp()).expect("valid input");
        let upper = t.quantile(u).expect("valid input");
        let lower = t.quantile(1.0 - u).expect("valid input");
        prop_assert_eq!(upper, -lower);
        prop_assert!((t.cdf(-3.0 * u) + t.sf(-3.0 * u) - 1.0).abs() <= f64::EPSILON);
    }

    /// The t quantile grows with the confidence and shrinks with the degrees of freedom.
    #[test]
    fn t_quantile_is_monotone(df in 0.5f64..1e4, p in 1e-9f64..0.499) {
        let t = StudentT::new(df).expect("valid input");
        let more = StudentT::new(df * 1.5).expect("valid input");
        let q = t.quantile(p).expect("valid input");
        prop_assert!(t.quantile(p * 0.9).expect("valid input") < q);
        prop_assert!(more.quantile(p).expect("valid input") > q);
        prop_assert!(StandardNormal.quantile(p).expect("valid input") > q);
    }

    #[test]
    fn normal_cdf_inverts_quantile(log_p in -300.0f64..-0.302) {
        let p = 10f64.powf(log_p);
        let z = StandardNormal.quantile(p).expect("valid input");
        let condition = 1.0 + z.abs() * StandardNormal.pdf(z) / p;
        prop_assert!(close(StandardNormal.cdf(z), p, 1e-13 * condition), "p={p} z={z}");
    }

    #[test]
    fn summary_is_ordered(samples in timings(1..80)) {
        let s = Summary::of(&samples).expect("valid input");
        prop_assert!(s.min() <= s.median() && s.median() <= s.max());
        prop_assert!(s.min() <= s.mean() && s.mean() <= s.max());
        prop_assert_eq!(s.n(), samples.len());
    }

    /// Intervals contain the mean, are symmetric about it, and nest by level.
    #[test]
    fn mean_intervals_nest(samples in timings(2..80)) {
        let s = Summary::of(&samples).expect("valid input");
        let ci90 = s.ci(0.9).expect("valid input");
        let ci95 = s.ci95().expect("n >= 2");
        let ci99 = s.ci(0.99).expect("valid input");
        prop_assert!(ci95.contains(s.mean()));
        prop_assert!(ci99.lower <= ci95.lower && ci95.lower <= ci90.lower);
        prop_assert!(ci90.upper <= ci95.upper && ci95.upper <= ci99.upper);
        let below = s.mean() - ci95.lower;
        let above = ci95.upper - s.mean();
        prop_assert!((below - above).abs() <= 1e-12 * s.mean());
    }

    /// A sample compared with itself: ratio exactly 1, inside both intervals, p = 1,
    /// no significant difference.
    #[test]
    fn identical_samples_do_not_differ(samples in timings(2..60)) {
        let c = Comparison::of(&samples, &samples).expect("valid input");
        prop_assert_eq!(c.verdict(), Verdict::NoSignificantDifference);
        prop_assert_eq!(c.ratio().ratio, 1.0);
        prop_assert_eq!(c.welch().statistic, 0.0);
        prop_assert_eq!(c.welch().p_value, 1.0);
        if let FiellerInterval::Bounded(ci) = c.ratio().fieller {
            prop_assert!(ci.contains(1.0));
        }
        prop_assert!(c.ratio().log_delta.expect("a positive ratio").contains(1.0));
    }

    /// Swapping the samples negates the statistic, keeps p and df, mirrors the verdict and
    /// inverts Fieller's interval (the confidence set of b/a is the reciprocal of a/b's:
    /// same quadratic, and the same df because its components are (s_a/a)² and (s_b/b)²).
    #[test]
    fn swapping_mirrors(a in timings(2..40), b in timings(2..40)) {
        let ab = Comparison::of(&a, &b).expect("valid input");
        let ba = Comparison::of(&b, &a).expect("valid input");
        prop_assert_eq!(ab.welch().statistic, -ba.welch().statistic);
        prop_assert_eq!(ab.welch().p_value, ba.welch().p_value);
        prop_assert!(close(ab.ratio().df, ba.ratio().df, 1e-12));
        let mirrored = match ab.verdict() {
            Verdict::Faster => Verdict::Slower,
            Verdict::Slower => Verdict::Faster,
            Verdict::NoSignificantDifference => Verdict::NoSignificantDifference,
        };
        prop_assert_eq!(ba.verdict(), mirrored);
        match (ab.ratio().fieller, ba.ratio().fieller) {
            (FiellerInterval::Bounded(x), FiellerInterval::Bounded(y)) => {
                // A bound near 0 is a difference of nearly equal inputs: its error is relative
                // to the interval's size, not to itself (3.9e-7 off by 7.6e-17 was a failure).
                let scale = x.upper.abs().max(x.lower.abs());
                let near = |got: f64, want: f64| (got - want).abs() <= 1e-11 * want.abs() + 1e-14 * scale;
                prop_assert!(near(x.lower, 1.0 / y.upper), "{x:?} {y:?}");
                prop_assert!(near(x.upper, 1.0 / y.lower), "{x:?} {y:?}");
            }
            // The outside of a range around 0 inverts to a bounded interval.
            (FiellerInterval::Unbounded { excluded: Some(x) }, FiellerInterval::Bounded(y)) => {
                prop_assert!(close(x.lower, 1.0 / y.lower, 1e-11), "{x:?} {y:?}");
                prop_assert!(close(x.upper, 1.0 / y.upper, 1e-11), "{x:?} {y:?}");
            }
            _ => {}
        }
    }

    /// Fieller's interval always contains the ratio; the verdict agrees with the interval
    /// and with the p-value.
    #[test]
    fn verdict_follows_the_rule(a in timings(2..40), b in timings(2..40), alpha in 0.001f64..0.5) {
        let c = Comparison::with_alpha(&a, &b, alpha).expect("valid input");
        let r = c.ratio();
        let p = c.welch().p_value;
        match c.verdict() {
            Verdict::Faster => {
                prop_assert!(p < alpha && !r.fieller.contains(1.0) && r.ratio < 1.0);
                if let Some(ci) = r.fieller.bounded() {
                    prop_assert!(ci.upper < 1.0);
                }
            }
            Verdict::Slower => {
                prop_assert!(p < alpha && !r.fieller.contains(1.0) && r.ratio > 1.0);
                if let Some(ci) = r.fieller.bounded() {
                    prop_assert!(ci.lower > 1.0);
                }
            }
            Verdict::NoSignificantDifference => {
                prop_assert!(p >= alpha || r.fieller.contains(1.0));
            }
        }
        prop_assert!(r.fieller.contains(r.ratio));
    }

    /// Measuring in other units (a power of two, so exactly) changes no conclusion.
    #[test]
    fn units_do_not_matter(a in timings(2..30), b in timings(2..30), k in -60i32..60) {
        let scale = 2f64.powi(k);
        let scaled = |x: &[f64]| x.iter().map(|v| v * scale).collect::<Vec<_>>();
        let plain = Comparison::of(&a, &b).expect("valid input");
        let other = Comparison::of(&scaled(&a), &scaled(&b)).expect("valid input");
        prop_assert_eq!(plain.verdict(), other.verdict());
        prop_assert!(close(plain.ratio().ratio, other.ratio().ratio, 1e-15));
        prop_assert!(close(plain.welch().p_value, other.welch().p_value, 1e-12));
        prop_assert!(close(plain.a().mean() * scale, other.a().mean(), 1e-15));
    }

    /// A clear shift is found, in the right direction.
    #[test]
    fn clear_differences_are_found(base in timings(10..40), factor in 1.5f64..4.0) {
        let slow: Vec<f64> = base.iter().map(|x| x * factor + 1e-4).collect();
        let verdict = |a: &[f64], b: &[f64]| Comparison::of(a, b).expect("valid input").verdict();
        prop_assert_eq!(verdict(&base, &slow), Verdict::Faster);
        prop_assert_eq!(verdict(&slow, &base), Verdict::Slower);
    }

    /// Welch's df lies between min(n_a, n_b) - 1 and n_a + n_b - 2 (Welch 1947).
    #[test]
    fn welch_df_is_bounded(a in timings(2..40), b in timings(2..40)) {
        let w = WelchTest::of(&a, &b).expect("valid input");
        let low = (a.len().min(b.len()) - 1) as f64;
        let high = (a.len() + b.len() - 2) as f64;
        prop_assert!(w.df >= low * (1.0 - 1e-12) && w.df <= high * (1.0 + 1e-12), "{}", w.df);
        prop_assert!((0.0..=1.0).contains(&w.p_value));
    }

    /// The delta-method interval on the log ratio is multiplicatively symmetric.
    #[test]
    fn log_delta_is_symmetric_in_log(a in timings(2..30), b in timings(2..30)) {
        let a = Summary::of(&a).expect("valid input");
        let b = Summary::of(&b).expect("valid input");
        let r = RatioEstimate::of(&a, &b, 0.95).expect("valid input");
        let ci = r.log_delta.expect("a positive ratio");
        prop_assert!(close(ci.upper / r.ratio, r.ratio / ci.lower, 1e-12));
    }
}
