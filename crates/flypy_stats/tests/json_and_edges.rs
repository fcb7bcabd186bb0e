//! The JSON shape of the result types (they go into flypy's JSON output) and the edge cases:
//! errors, single samples, zero variance.

use flypy_stats::{Comparison, RatioEstimate, StatsError, StudentT, Summary, Verdict, WelchTest};
use serde_json::json;

#[test]
fn summary_json() {
    let s = Summary::of(&[1.0, 2.0, 3.0, 4.0]).expect("valid input");
    let v = serde_json::to_value(&s).expect("serializes");
    let mut keys: Vec<&str> = v
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "ci95",
            "max",
            "mean",
            "median",
            "min",
            "n",
            "std_error",
            "stdev"
        ]
    );
    assert_eq!(v["n"], 4);
    assert_eq!(v["mean"], 2.5);
    assert_eq!(v["ci95"]["level"], 0.95);
    assert!(v["ci95"]["lower"].as_f64().expect("a number") < 2.5);

    // A single sample: the spread and interval are absent (null), not made up.
    let one = serde_json::to_value(Summary::of(&[7e-6]).expect("valid input")).expect("serializes");
    assert_eq!(one["stdev"], json!(null));
    assert_eq!(one["std_error"], json!(null));
    assert_eq!(one["ci95"], json!(null));
    assert_eq!(one["mean"], 7e-6);
}

#[test]
fn comparison_json() {
    let a = [1.0e-5, 1.1e-5, 0.9e-5, 1.05e-5];
    let b = [2.0e-5, 2.1e-5, 1.9e-5, 2.05e-5];
    let v = serde_json::to_value(Comparison::of(&a, &b).expect("valid input")).expect("serializes");
    assert_eq!(v["verdict"], "faster");
    assert_eq!(v["alpha"], 0.05);
    assert_eq!(v["ratio"]["level"], 0.95);
    assert_eq!(v["ratio"]["fieller"]["kind"], "bounded");
    assert!(
        v["ratio"]["fieller"]["lower"].as_f64().expect("a number")
            < v["ratio"]["ratio"].as_f64().expect("a number")
    );
    assert!(v["ratio"]["log_delta"]["upper"].is_f64());
    for key in ["statistic", "df", "p_value"] {
        assert!(v["welch"][key].is_f64(), "{key}");
    }
    assert_eq!(v["a"]["n"], 4);

    let same =
        serde_json::to_value(Comparison::of(&a, &a).expect("valid input")).expect("serializes");
    assert_eq!(same["verdict"], "no_significant_difference");
    assert_eq!(
        serde_json::to_value(Verdict::Slower).expect("serializes"),
        "slower"
    );
}

#[test]
fn unbounded_fieller_json() {
    // The denominator's mean is not significantly different from zero.
    let a = Summary::of(&[1.0, 1.1, 0.9]).expect("valid input");
    let b = Summary::of(&[-0.4, 0.9, 0.1]).expect("valid input");
    let r = RatioEstimate::of(&a, &b, 0.95).expect("valid input");
    let v = serde_json::to_value(r).expect("serializes");
    assert_eq!(v["fieller"]["kind"], "unbounded");
    // The numerator is clearly positive: every ratio except a range around 0 remains.
    let excluded = &v["fieller"]["excluded"];
    assert!(excluded["lower"].as_f64().expect("a number") < 0.0);
    assert!(excluded["upper"].as_f64().expect("a number") > 0.0);
    // Both means indistinguishable from zero: the whole line, `excluded` null.
    let a = Summary::of(&[-1.0, 1.1, 0.2]).expect("valid input");
    let v = serde_json::to_value(RatioEstimate::of(&a, &b, 0.95).expect("valid input"))
        .expect("serializes");
    assert_eq!(v["fieller"], json!({"kind": "unbounded", "excluded": null}));
}

#[test]
fn errors_say_what_is_wrong() {
    assert_eq!(
        Summary::of(&[]).expect_err("must be an error").to_string(),
        "no samples: a summary needs at least one value"
    );
    let nan = Summary::of(&[1.0, 2.0, f64::NAN]).expect_err("must be an error");
    assert!(nan.to_string().starts_with("sample 2 is NaN"), "{nan}");
    let inf = Summary::of(&[f64::NEG_INFINITY]).expect_err("must be an error");
    assert!(inf.to_string().contains("must be a finite number"), "{inf}");
    let one = Comparison::of(&[1.0], &[1.0, 2.0]).expect_err("must be an error");
    assert!(matches!(
        one,
        StatsError::TooFewSamples {
            needed: 2,
            got: 1,
            ..
        }
    ));
    assert!(
        one.to_string().contains("needs at least 2 samples, got 1"),
        "{one}"
    );
    let zero = Comparison::of(&[1.0, 2.0], &[-1.0, 1.0]).expect_err("must be an error");
    assert_eq!(zero, StatsError::ZeroDenominator);
    assert!(StudentT::new(0.0)
        .expect_err("must be an error")
        .to_string()
        .contains("must be positive"));
}

#[test]
fn zero_variance() {
    // Constant samples (a coarse timer can give these) are decided, not divided by zero.
    let same = WelchTest::of(&[3e-6; 5], &[3e-6; 9]).expect("valid input");
    assert_eq!((same.statistic, same.p_value, same.df), (0.0, 1.0, 12.0));
    let apart = Comparison::of(&[3e-6; 5], &[4e-6; 9]).expect("valid input");
    assert_eq!(apart.welch().p_value, 0.0);
    assert_eq!(apart.verdict(), Verdict::Faster);
    let ci = apart.ratio().fieller.bounded().expect("a bounded interval");
    assert_eq!((ci.lower, ci.upper), (0.75, 0.75));
    // The infinite statistic appears as null in JSON (JSON has no infinity).
    let v = serde_json::to_value(apart).expect("serializes");
    assert_eq!(v["welch"]["statistic"], json!(null));

    // One constant sample: all the variance, and the df, come from the other.
    let one = WelchTest::of(&[3e-6; 5], &[3e-6, 3.2e-6, 2.9e-6, 3.1e-6]).expect("valid input");
    assert!((one.df - 3.0).abs() < 1e-12);
    assert!(one.p_value > 0.05);
}
