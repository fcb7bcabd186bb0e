//! flypy_stats against reference values computed independently by scipy, numpy and mpmath
//! (`tests/fixtures/make_reference.py` wrote `tests/fixtures/reference.json`; no Python is
//! needed to run these tests).
//!
//! Each test checks every value of its table, then fails listing all the values out of
//! tolerance, and prints the worst relative error it saw (`cargo test -- --nocapture`).

use std::collections::HashMap;
use std::sync::OnceLock;

use flypy_stats::special::incomplete_beta;
use flypy_stats::{
    Comparison, FiellerInterval, RatioEstimate, StandardNormal, StudentT, Summary, Verdict,
    WelchTest,
};
use serde::Deserialize;

/// Distributions against mpmath (40 digits): what the code is accurate to.
const DIST_VS_MPMATH: f64 = 1e-13;
/// Distributions against scipy, the accuracy the brief asks for (scipy itself is off by up
/// to ~6e-10 next to the median at df = 1, where mpmath shows flypy_stats is right).
const DIST_VS_SCIPY: f64 = 1e-9;
/// Incomplete beta against scipy.special.betainc (mostly b = 1/2 and small parameters; see
/// `special::incomplete_beta` on both parameters large).
const BETA_VS_SCIPY: f64 = 1e-12;
/// Mean, median, min, max against numpy: rounding differences only.
const LOCATION: f64 = 1e-15;
/// Mean and standard deviation against their exact values (50-digit mpmath on the same
/// doubles): within a couple of ulps.
const EXACT: f64 = 5e-16;
/// Standard deviation and standard error against numpy: numpy's plain two-pass formula
/// loses digits when the mean is large against the spread (3e-12 on "large_offset", where
/// flypy_stats matches the exact value).
const SPREAD_VS_NUMPY: f64 = 1e-11;
/// Confidence-interval bounds against scipy.stats.t.interval, relative to the half-width
/// (scipy's t quantile is good to a few 1e-13, see the t quantile table).
const CI_VS_SCIPY: f64 = 1e-12;
/// Welch's statistic and degrees of freedom against scipy.
const WELCH: f64 = 1e-13;
/// Welch's p-value against scipy (relative, so also in the far tail).
const WELCH_P: f64 = 1e-12;
/// Ratio intervals against the script's 40-digit textbook Fieller and delta formulas.
const RATIO: f64 = 1e-13;

/// Floats are stored in the fixture as their shortest round-trip decimal strings and parsed
/// here with the correctly rounded `str::parse`: serde_json's default float parser is
/// best-effort and one ulp off for about a tenth of the fixture's values, which matters for
/// ill-conditioned inputs such as samples of 1e8 plus 1e-2 of noise.
fn exact<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn exact_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let text = Option::<String>::deserialize(d)?;
    text.map(|t| t.parse().map_err(serde::de::Error::custom))
        .transpose()
}

fn exact_samples<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<HashMap<String, Vec<f64>>, D::Error> {
    let texts = HashMap::<String, Vec<String>>::deserialize(d)?;
    texts
        .into_iter()
        .map(|(name, values)| {
            let parsed = values
                .iter()
                .map(|t| t.parse())
                .collect::<Result<Vec<f64>, _>>();
            parsed.map(|v| (name, v)).map_err(serde::de::Error::custom)
        })
        .collect()
}

#[derive(Deserialize)]
struct Reference {
    t_quantile: Vec<TQuantile>,
    t_cdf: Vec<TCdf>,
    normal_quantile: Vec<NQuantile>,
    normal_cdf: Vec<NCdf>,
    incomplete_beta: Vec<Beta>,
    #[serde(deserialize_with = "exact_samples")]
    samples: HashMap<String, Vec<f64>>,
    summaries: Vec<RefSummary>,
    welch: Vec<RefWelch>,
    ratios: Vec<RefRatio>,
    comparisons: Vec<RefComparison>,
}

#[derive(Deserialize)]
struct TQuantile {
    #[serde(deserialize_with = "exact")]
    df: f64,
    #[serde(deserialize_with = "exact")]
    p: f64,
    #[serde(deserialize_with = "exact")]
    scipy: f64,
    #[serde(deserialize_with = "exact")]
    mpmath: f64,
}

#[derive(Deserialize)]
struct TCdf {
    #[serde(deserialize_with = "exact")]
    df: f64,
    #[serde(deserialize_with = "exact")]
    x: f64,
    #[serde(deserialize_with = "exact")]
    scipy: f64,
    #[serde(deserialize_with = "exact")]
    mpmath: f64,
}

#[derive(Deserialize)]
struct NQuantile {
    #[serde(deserialize_with = "exact")]
    p: f64,
    #[serde(deserialize_with = "exact")]
    scipy: f64,
    #[serde(deserialize_with = "exact")]
    mpmath: f64,
}

#[derive(Deserialize)]
struct NCdf {
    #[serde(deserialize_with = "exact")]
    x: f64,
    #[serde(deserialize_with = "exact")]
    scipy: f64,
    #[serde(deserialize_with = "exact")]
    mpmath: f64,
}

#[derive(Deserialize)]
struct Beta {
    #[serde(deserialize_with = "exact")]
    a: f64,
    #[serde(deserialize_with = "exact")]
    b: f64,
    #[serde(deserialize_with = "exact")]
    x: f64,
    #[serde(deserialize_with = "exact")]
    scipy: f64,
    #[serde(deserialize_with = "exact")]
    scipy_complement: f64,
}

#[derive(Deserialize)]
struct RefSummary {
    name: String,
    n: usize,
    #[serde(deserialize_with = "exact")]
    mean: f64,
    #[serde(deserialize_with = "exact")]
    mean_exact: f64,
    #[serde(deserialize_with = "exact")]
    median: f64,
    #[serde(deserialize_with = "exact")]
    min: f64,
    #[serde(deserialize_with = "exact")]
    max: f64,
    #[serde(deserialize_with = "exact_opt")]
    stdev: Option<f64>,
    #[serde(deserialize_with = "exact_opt")]
    stdev_exact: Option<f64>,
    #[serde(deserialize_with = "exact_opt")]
    sem: Option<f64>,
    ci: Vec<RefInterval>,
}

#[derive(Deserialize)]
struct RefInterval {
    #[serde(deserialize_with = "exact")]
    level: f64,
    #[serde(deserialize_with = "exact")]
    lower: f64,
    #[serde(deserialize_with = "exact")]
    upper: f64,
}

#[derive(Deserialize)]
struct RefWelch {
    a: String,
    b: String,
    #[serde(deserialize_with = "exact")]
    statistic: f64,
    #[serde(deserialize_with = "exact")]
    df: f64,
    #[serde(deserialize_with = "exact")]
    p_value: f64,
}

#[derive(Deserialize)]
struct RefRatio {
    a: String,
    b: String,
    #[serde(deserialize_with = "exact")]
    level: f64,
    #[serde(deserialize_with = "exact")]
    ratio: f64,
    #[serde(deserialize_with = "exact")]
    df: f64,
    fieller: RefFieller,
    log_delta: Option<RefBounds>,
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum RefFieller {
    Bounded {
        #[serde(deserialize_with = "exact")]
        lower: f64,
        #[serde(deserialize_with = "exact")]
        upper: f64,
    },
    Unbounded {
        excluded: Option<RefBounds>,
    },
}

#[derive(Deserialize)]
struct RefBounds {
    #[serde(deserialize_with = "exact")]
    lower: f64,
    #[serde(deserialize_with = "exact")]
    upper: f64,
}

#[derive(Deserialize)]
struct RefComparison {
    a: String,
    b: String,
    #[serde(deserialize_with = "exact")]
    alpha: f64,
    /// As serialized: "faster", "slower", "no_significant_difference".
    verdict: String,
}

fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/reference.json");
        let text = std::fs::read_to_string(path).expect("reference.json is readable");
        serde_json::from_str(&text).expect("reference.json parses")
    })
}

fn sample(name: &str) -> &'static [f64] {
    &reference().samples[name]
}

/// Collects comparisons of one table: counts, the worst relative error, and the failures.
struct Check {
    table: &'static str,
    count: usize,
    worst: f64,
    worst_at: String,
    failures: Vec<String>,
}

impl Check {
    fn new(table: &'static str) -> Self {
        Self {
            table,
            count: 0,
            worst: 0.0,
            worst_at: String::new(),
            failures: Vec::new(),
        }
    }

    /// `got` within `tolerance` of `want`, relative to `|want|`. Values below 1e-300 (where
    /// f64 runs out of relative precision) compare absolutely.
    fn close(&mut self, got: f64, want: f64, tolerance: f64, what: impl Fn() -> String) {
        self.count += 1;
        let error = if got == want {
            0.0
        } else {
            (got - want).abs() / want.abs().max(1e-300)
        };
        if error.is_nan() || error > tolerance {
            self.failures.push(format!(
                "{}: got {got:e}, want {want:e} (rel {error:.2e})",
                what()
            ));
        }
        if error > self.worst || error.is_nan() {
            self.worst = error;
            self.worst_at = what();
        }
    }

    /// `|got - want| <= tolerance * scale + 4 ε |want|`: relative to `scale`, beyond the
    /// rounding of `want` itself. The error reported is the part beyond that rounding.
    fn within(
        &mut self,
        got: f64,
        want: f64,
        tolerance: f64,
        scale: f64,
        what: impl Fn() -> String,
    ) {
        self.count += 1;
        let rounding = 4.0 * f64::EPSILON * want.abs();
        let difference = (got - want).abs();
        let excess = (difference - rounding).max(0.0);
        // A zero-width reference interval (constant sample) allows rounding only.
        let error = if excess == 0.0 { 0.0 } else { excess / scale };
        if error.is_nan() || error > tolerance {
            self.failures.push(format!(
                "{}: got {got:e}, want {want:e} (difference {difference:.2e}; \
                 {error:.2e} of the scale beyond rounding)",
                what()
            ));
        }
        if error > self.worst || error.is_nan() {
            self.worst = error;
            self.worst_at = what();
        }
    }

    fn that(&mut self, ok: bool, what: impl Fn() -> String) {
        self.count += 1;
        if !ok {
            self.failures.push(what());
        }
    }

    fn finish(self) {
        println!(
            "{}: {} values, worst relative error {:.2e} at {}",
            self.table, self.count, self.worst, self.worst_at
        );
        assert!(
            self.failures.is_empty(),
            "{}: {} of {} out of tolerance:\n{}",
            self.table,
            self.failures.len(),
            self.count,
            self.failures.join("\n")
        );
    }
}

/// The brief's accuracy range for comparisons with scipy.
fn in_scipy_range(df: f64, p: f64) -> bool {
    (1.0..=1e6).contains(&df) && (1e-6..=1.0 - 1e-6).contains(&p)
}

#[test]
fn t_quantile() {
    let mut vs_mpmath = Check::new("t quantile vs mpmath");
    let mut vs_scipy = Check::new("t quantile vs scipy (df 1..1e6, p 1e-6..1-1e-6)");
    for r in &reference().t_quantile {
        let got = StudentT::new(r.df)
            .expect("valid input")
            .quantile(r.p)
            .expect("valid input");
        let at = || format!("df={} p={}", r.df, r.p);
        vs_mpmath.close(got, r.mpmath, DIST_VS_MPMATH, at);
        if in_scipy_range(r.df, r.p) {
            vs_scipy.close(got, r.scipy, DIST_VS_SCIPY, at);
        }
    }
    vs_mpmath.finish();
    vs_scipy.finish();
}

#[test]
fn t_cdf() {
    let mut vs_mpmath = Check::new("t CDF vs mpmath");
    let mut vs_scipy = Check::new("t CDF vs scipy (df 1..1e6, p 1e-6..1-1e-6)");
    let mut sf = Check::new("t survival function vs mpmath (1 - CDF)");
    for r in &reference().t_cdf {
        let t = StudentT::new(r.df).expect("valid input");
        let got = t.cdf(r.x);
        let at = || format!("df={} x={}", r.df, r.x);
        vs_mpmath.close(got, r.mpmath, DIST_VS_MPMATH, at);
        if in_scipy_range(r.df, r.mpmath) {
            vs_scipy.close(got, r.scipy, DIST_VS_SCIPY, at);
        }
        // By symmetry sf(-x) = cdf(x): the same values through the other code path.
        sf.close(t.sf(-r.x), r.mpmath, DIST_VS_MPMATH, at);
    }
    vs_mpmath.finish();
    vs_scipy.finish();
    sf.finish();
}

#[test]
fn normal() {
    let mut check = Check::new("normal quantile and CDF vs mpmath and scipy");
    for r in &reference().normal_quantile {
        let got = StandardNormal.quantile(r.p).expect("valid input");
        check.close(got, r.mpmath, DIST_VS_MPMATH, || {
            format!("quantile p={}", r.p)
        });
        check.close(got, r.scipy, DIST_VS_SCIPY, || {
            format!("quantile (scipy) p={}", r.p)
        });
    }
    for r in &reference().normal_cdf {
        let got = StandardNormal.cdf(r.x);
        check.close(got, r.mpmath, DIST_VS_MPMATH, || format!("cdf x={}", r.x));
        check.close(got, r.scipy, DIST_VS_SCIPY, || {
            format!("cdf (scipy) x={}", r.x)
        });
    }
    check.finish();
}

#[test]
fn incomplete_beta_vs_scipy() {
    let mut check = Check::new("incomplete beta vs scipy");
    for r in &reference().incomplete_beta {
        let (p, q) = incomplete_beta(r.a, r.b, r.x);
        let at = || format!("a={} b={} x={}", r.a, r.b, r.x);
        check.close(p, r.scipy, BETA_VS_SCIPY, at);
        check.close(q, r.scipy_complement, BETA_VS_SCIPY, at);
    }
    check.finish();
}

#[test]
fn summaries() {
    let mut location = Check::new("summary mean/median/min/max vs numpy");
    let mut spread = Check::new("summary stdev/sem/CI vs numpy and scipy.stats.t.interval");
    let mut exact = Check::new("summary mean and stdev vs their exact values (mpmath)");
    for r in &reference().summaries {
        let s = Summary::of(sample(&r.name)).expect("valid input");
        let name = r.name.as_str();
        location.that(s.n() == r.n, || format!("{name}: n"));
        location.close(s.mean(), r.mean, LOCATION, || format!("{name}: mean"));
        exact.close(s.mean(), r.mean_exact, EXACT, || format!("{name}: mean"));
        location.close(s.median(), r.median, LOCATION, || format!("{name}: median"));
        location.close(s.min(), r.min, 0.0, || format!("{name}: min"));
        location.close(s.max(), r.max, 0.0, || format!("{name}: max"));
        match (s.stdev(), r.stdev, s.std_error(), r.sem) {
            (Some(sd), Some(want_sd), Some(se), Some(want_se)) => {
                spread.close(sd, want_sd, SPREAD_VS_NUMPY, || format!("{name}: stdev"));
                spread.close(se, want_se, SPREAD_VS_NUMPY, || format!("{name}: sem"));
                let exact_sd = r.stdev_exact.unwrap_or(f64::NAN);
                exact.close(sd, exact_sd, EXACT, || format!("{name}: stdev"));
            }
            (None, None, None, None) => {
                spread.that(s.ci95().is_none(), || format!("{name}: n=1 has no CI"));
                spread.that(s.ci(0.95).is_err(), || format!("{name}: n=1 CI errs"));
            }
            _ => spread.that(false, || format!("{name}: stdev/sem presence differs")),
        }
        for want in &r.ci {
            let ci = s.ci(want.level).expect("valid input");
            let at = |part: &str| format!("{name}: {} CI {part}", want.level);
            // Each bound to SPREAD relative to the interval's half-width, plus the rounding of
            // the bound itself: the bounds of a narrow interval far from zero (1e8 ± 4e-3)
            // are only as exact as f64 at their own magnitude, in scipy as here.
            let half = (want.upper - want.lower) / 2.0;
            for (got, bound, part) in [
                (ci.lower, want.lower, "lower"),
                (ci.upper, want.upper, "upper"),
            ] {
                spread.within(got, bound, CI_VS_SCIPY, half, || at(part));
            }
            if want.level == 0.95 {
                spread.that(s.ci95() == Some(ci), || at("ci95 field"));
            }
        }
    }
    location.finish();
    exact.finish();
    spread.finish();
}

#[test]
fn welch() {
    let mut check = Check::new("Welch's test vs scipy.stats.ttest_ind(equal_var=False)");
    for r in &reference().welch {
        let w = WelchTest::of(sample(&r.a), sample(&r.b)).expect("valid input");
        let at = |what: &str| format!("{} vs {}: {what}", r.a, r.b);
        check.close(w.statistic, r.statistic, WELCH, || at("statistic"));
        check.close(w.df, r.df, WELCH, || at("df"));
        check.close(w.p_value, r.p_value, WELCH_P, || at("p"));
    }
    check.finish();
}

#[test]
fn ratios() {
    let mut check = Check::new("ratio of means: Fieller and log delta vs textbook formulas");
    for r in &reference().ratios {
        let a = Summary::of(sample(&r.a)).expect("valid input");
        let b = Summary::of(sample(&r.b)).expect("valid input");
        let got = RatioEstimate::of(&a, &b, r.level).expect("valid input");
        let at = |what: &str| format!("{}/{} at {}: {what}", r.a, r.b, r.level);
        check.close(got.ratio, r.ratio, LOCATION * 4.0, || at("ratio"));
        check.close(got.df, r.df, WELCH, || at("df"));
        match (&got.fieller, &r.fieller) {
            (FiellerInterval::Bounded(ci), RefFieller::Bounded { lower, upper }) => {
                check.close(ci.lower, *lower, RATIO, || at("Fieller lower"));
                check.close(ci.upper, *upper, RATIO, || at("Fieller upper"));
                check.that(ci.contains(got.ratio), || at("Fieller contains the ratio"));
            }
            (
                FiellerInterval::Unbounded {
                    excluded: Some(range),
                },
                RefFieller::Unbounded {
                    excluded: Some(want),
                },
            ) => {
                check.close(range.lower, want.lower, RATIO, || {
                    at("Fieller excluded lower")
                });
                check.close(range.upper, want.upper, RATIO, || {
                    at("Fieller excluded upper")
                });
                check.that(got.fieller.contains(got.ratio), || at("contains the ratio"));
            }
            (
                FiellerInterval::Unbounded { excluded: None },
                RefFieller::Unbounded { excluded: None },
            ) => check.that(true, || at("")),
            _ => check.that(false, || at("Fieller bounded/unbounded differs")),
        }
        match (&got.log_delta, &r.log_delta) {
            (Some(ci), Some(want)) => {
                // exp(±t·se) passes on the relative error of its argument times |t·se|.
                let condition = 1.0 + (want.upper / r.ratio).ln().abs();
                check.close(ci.lower, want.lower, RATIO * condition, || {
                    at("delta lower")
                });
                check.close(ci.upper, want.upper, RATIO * condition, || {
                    at("delta upper")
                });
            }
            (None, None) => check.that(true, || at("")),
            _ => check.that(false, || at("delta presence differs")),
        }
    }
    check.finish();
}

#[test]
fn comparisons() {
    let mut check = Check::new("comparison verdicts by the documented rule");
    let mut seen = Vec::new();
    for r in &reference().comparisons {
        let c = Comparison::with_alpha(sample(&r.a), sample(&r.b), r.alpha).expect("valid input");
        seen.push(c.verdict());
        let got = serde_json::to_value(c.verdict()).expect("serializes");
        check.that(got == r.verdict.as_str(), || {
            format!(
                "{} vs {} at alpha {}: got {:?}, want {:?}",
                r.a,
                r.b,
                r.alpha,
                c.verdict(),
                r.verdict
            )
        });
    }
    for v in [
        Verdict::Faster,
        Verdict::Slower,
        Verdict::NoSignificantDifference,
    ] {
        check.that(seen.contains(&v), || {
            format!("the fixture never gives {v:?}")
        });
    }
    check.finish();
}
