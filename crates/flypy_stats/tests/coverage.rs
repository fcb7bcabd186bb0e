//! Do the intervals and tests mean what they say? Monte Carlo on normal samples from a fixed
//! seed (deterministic, no flakiness): a 95% interval must cover the true value about 95% of
//! the time, and a test at alpha = 0.05 must reject a true null about 5% of the time.
//!
//! With 4000 trials the binomial standard deviation of a 95% rate is 0.34 points; the bounds
//! below are about ±3 of those (Welch's test and Fieller's interval are approximations through
//! the Welch–Satterthwaite df, so they are allowed a little more).

use flypy_stats::{Comparison, StandardNormal, Summary, Verdict, WelchTest};

const TRIALS: usize = 4000;

/// xorshift64* (Vigna 2016) with normal deviates by inversion through our own quantile.
struct Rng(u64);

impl Rng {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        (bits as f64 + 0.5) / (1u64 << 53) as f64
    }

    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        mean + sd
            * StandardNormal
                .quantile(self.uniform())
                .expect("valid input")
    }

    fn sample(&mut self, n: usize, mean: f64, sd: f64) -> Vec<f64> {
        (0..n).map(|_| self.normal(mean, sd)).collect()
    }
}

fn rate(hits: usize) -> f64 {
    hits as f64 / TRIALS as f64
}

#[test]
fn mean_interval_covers_95_percent() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for n in [2, 3, 5, 30] {
        let covered = (0..TRIALS)
            .filter(|_| {
                let s = Summary::of(&rng.sample(n, 1e-5, 2e-7)).expect("valid input");
                s.ci95().expect("n >= 2").contains(1e-5)
            })
            .count();
        let r = rate(covered);
        assert!((0.94..=0.96).contains(&r), "n={n}: 95% CI covered {r}");
    }
}

#[test]
fn welch_rejects_a_true_null_5_percent() {
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    // Unequal sizes and variances: where the pooled t-test would be wrong and Welch's is not.
    for (na, sa, nb, sb) in [(5, 1.0, 20, 3.0), (10, 1.0, 10, 1.0), (4, 2.0, 40, 0.5)] {
        let rejected = (0..TRIALS)
            .filter(|_| {
                let a = rng.sample(na, 10.0, sa);
                let b = rng.sample(nb, 10.0, sb);
                WelchTest::of(&a, &b).expect("valid input").p_value < 0.05
            })
            .count();
        let r = rate(rejected);
        assert!((0.035..=0.065).contains(&r), "{na}/{nb}: rejected {r}");
    }
}

#[test]
fn fieller_covers_the_true_ratio() {
    let mut rng = Rng(0x94D0_49BB_1331_11EB);
    // True ratio 0.8. The last case has a denominator so noisy (n = 3, 60%) that Fieller's
    // set is often unbounded; its coverage still holds, the delta method's does not.
    for (n, noise_a, noise_b) in [
        (4, 0.1, 0.1),
        (10, 0.05, 0.05),
        (30, 0.2, 0.2),
        (3, 0.1, 0.6),
    ] {
        let (mut covered, mut delta_covered, mut unbounded) = (0, 0, 0);
        for _ in 0..TRIALS {
            let a = Summary::of(&rng.sample(n, 8e-6, 8e-6 * noise_a)).expect("valid input");
            let b = Summary::of(&rng.sample(n, 1e-5, 1e-5 * noise_b)).expect("valid input");
            let c = Comparison::from_summaries(a, b, 0.05).expect("valid input");
            covered += usize::from(c.ratio().fieller.contains(0.8));
            unbounded += usize::from(c.ratio().fieller.bounded().is_none());
            delta_covered += usize::from(c.ratio().log_delta.is_some_and(|ci| ci.contains(0.8)));
        }
        let r = rate(covered);
        // With n = 3 and one variance far larger, the Welch–Satterthwaite df (at ρ̂ or even
        // at the true ρ) is a little optimistic: 94.1% coverage in a 200,000-trial run of
        // this case, against 96.2% with the conservative df = n - 1. A property of the
        // approximation, not of the code; hence the wider bound there.
        let low = if n == 3 { 0.925 } else { 0.935 };
        assert!((low..=0.965).contains(&r), "n={n}: Fieller covered {r}");
        println!("n={n}: Fieller covered {r}, unbounded {}", rate(unbounded));
        let r = rate(delta_covered);
        println!("n={n}: delta method covered {r}");
        if noise_b < 0.5 {
            assert!(
                (0.93..=0.97).contains(&r),
                "n={n}: delta method covered {r}"
            );
        }
    }
}

#[test]
fn verdict_false_alarms_stay_below_alpha() {
    let mut rng = Rng(0xBF58_476D_1CE4_E5B9);
    let alarms = (0..TRIALS)
        .filter(|_| {
            let a = rng.sample(20, 1.2e-5, 3e-7);
            let b = rng.sample(25, 1.2e-5, 6e-7);
            Comparison::of(&a, &b).expect("valid input").verdict()
                != Verdict::NoSignificantDifference
        })
        .count();
    let r = rate(alarms);
    assert!(
        r <= 0.065,
        "same distribution called different {r} of the time"
    );
}
