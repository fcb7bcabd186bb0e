//! What joules per call add up to: per million calls, per year at a call rate, in kWh and in
//! kgCO2e at a region's grid intensity; and what the cheaper of two statements saves.
//!
//! A year is 365 days; 1 kWh is 3.6 MJ. Every result keeps the energy [`Method`] and the
//! [`Region`] (with its source and year) it was computed from.

use crate::carbon::Region;
use crate::estimate::{EnergyEstimate, Method};
use serde::Serialize;

pub const DAYS_PER_YEAR: f64 = 365.0;
pub const JOULES_PER_KWH: f64 = 3.6e6;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProjectionError {
    #[error("{value} calls a day: must be a finite number, not negative")]
    InvalidCallsPerDay { value: f64 },
    #[error("{value} J per call: must be a finite number, not negative")]
    InvalidJoules { value: f64 },
    #[error("the two figures were obtained differently and cannot be subtracted: first {first}; second {second}")]
    DifferentMethods { first: String, second: String },
}

pub fn joules_per_million_calls(joules_per_call: f64) -> f64 {
    joules_per_call * 1e6
}

/// `joules_per_call × calls_per_day × 365 / 3.6e6`.
pub fn kwh_per_year(joules_per_call: f64, calls_per_day: f64) -> f64 {
    joules_per_call * calls_per_day * DAYS_PER_YEAR / JOULES_PER_KWH
}

/// kWh × g/kWh, in kilograms.
pub fn kg_co2e(kwh: f64, region: &Region) -> f64 {
    kwh * region.g_co2e_per_kwh / 1000.0
}

/// One statement at one call rate in one region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Projection {
    pub calls_per_day: f64,
    pub joules_per_call: f64,
    pub joules_per_million_calls: f64,
    pub kwh_per_year: f64,
    pub kg_co2e_per_year: f64,
    pub method: Method,
    pub region: Region,
    pub assumptions: Vec<String>,
}

pub fn project(
    estimate: &EnergyEstimate,
    calls_per_day: f64,
    region: &Region,
) -> Result<Projection, ProjectionError> {
    check_calls(calls_per_day)?;
    check_joules(estimate.joules_per_call)?;
    let kwh = kwh_per_year(estimate.joules_per_call, calls_per_day);
    Ok(Projection {
        calls_per_day,
        joules_per_call: estimate.joules_per_call,
        joules_per_million_calls: joules_per_million_calls(estimate.joules_per_call),
        kwh_per_year: kwh,
        kg_co2e_per_year: kg_co2e(kwh, region),
        method: estimate.method.clone(),
        region: *region,
        assumptions: with_projection_assumptions(&estimate.assumptions, calls_per_day, region),
    })
}

/// Which of two statements uses less energy per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    First,
    Second,
    /// Equal figures: nothing is saved.
    Neither,
}

/// What running the cheaper statement instead of the other saves, per year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Savings {
    /// The one with fewer joules per call. Under one CPU-time model that is exactly the one
    /// with less CPU time per call: the faster one.
    pub faster: Which,
    pub calls_per_day: f64,
    pub joules_per_call_saved: f64,
    pub joules_per_million_calls_saved: f64,
    pub kwh_per_year: f64,
    pub kg_co2e_per_year: f64,
    pub method: Method,
    pub region: Region,
    pub assumptions: Vec<String>,
}

/// The difference between two statements' figures, which must come from the same method with
/// the same numbers (a measured figure minus a modelled one means nothing).
pub fn savings(
    first: &EnergyEstimate,
    second: &EnergyEstimate,
    calls_per_day: f64,
    region: &Region,
) -> Result<Savings, ProjectionError> {
    check_calls(calls_per_day)?;
    check_joules(first.joules_per_call)?;
    check_joules(second.joules_per_call)?;
    if first.method != second.method {
        return Err(ProjectionError::DifferentMethods {
            first: first.method.summary(),
            second: second.method.summary(),
        });
    }
    let (a, b) = (first.joules_per_call, second.joules_per_call);
    let faster = if a < b {
        Which::First
    } else if b < a {
        Which::Second
    } else {
        Which::Neither
    };
    let saved = (a - b).abs();
    let kwh = kwh_per_year(saved, calls_per_day);
    Ok(Savings {
        faster,
        calls_per_day,
        joules_per_call_saved: saved,
        joules_per_million_calls_saved: joules_per_million_calls(saved),
        kwh_per_year: kwh,
        kg_co2e_per_year: kg_co2e(kwh, region),
        method: first.method.clone(),
        region: *region,
        assumptions: with_projection_assumptions(&first.assumptions, calls_per_day, region),
    })
}

fn check_calls(calls_per_day: f64) -> Result<(), ProjectionError> {
    if calls_per_day.is_finite() && calls_per_day >= 0.0 {
        Ok(())
    } else {
        Err(ProjectionError::InvalidCallsPerDay {
            value: calls_per_day,
        })
    }
}

fn check_joules(joules: f64) -> Result<(), ProjectionError> {
    if joules.is_finite() && joules >= 0.0 {
        Ok(())
    } else {
        Err(ProjectionError::InvalidJoules { value: joules })
    }
}

fn with_projection_assumptions(
    energy: &[String],
    calls_per_day: f64,
    region: &Region,
) -> Vec<String> {
    let mut out = energy.to_vec();
    out.push(format!(
        "{calls_per_day} calls a day, every day of a 365-day year"
    ));
    out.push(format!(
        "carbon at the {} grid's yearly average for {} ({} gCO2e/kWh, {}); the hour-by-hour and \
         marginal intensity differ",
        region.name, region.year, region.g_co2e_per_kwh, region.source
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::carbon::{region, world};
    use crate::model::PowerModel;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() <= 1e-12 * expected.abs().max(1e-300)
    }

    fn user_estimate(joules_per_call: f64) -> EnergyEstimate {
        // With 1 W per core, J per call = CPU seconds per call.
        EnergyEstimate::modelled(joules_per_call, &PowerModel::user(1.0).expect("1 W"))
            .expect("estimate")
    }

    #[test]
    fn one_statement_a_year_at_the_world_average() {
        // 3.6 mJ per call x 1_000_000 calls a day = 3_600 J a day;
        // x 365 days = 1_314_000 J = 1_314_000 / 3_600_000 = 0.365 kWh;
        // x 472.94 g/kWh = 172.6231 g = 0.1726231 kg.
        let p = project(&user_estimate(3.6e-3), 1e6, world()).expect("projection");
        assert!(close(p.kwh_per_year, 0.365), "{}", p.kwh_per_year);
        assert!(
            close(p.kg_co2e_per_year, 0.1726231),
            "{}",
            p.kg_co2e_per_year
        );
        // 3.6 mJ x 1e6 = 3_600 J per million calls.
        assert!(close(p.joules_per_million_calls, 3600.0));
        assert_eq!(p.region.code, "WORLD");
        assert_eq!(
            p.method,
            Method::UserWatts {
                watts_per_core: 1.0
            }
        );
        assert!(p.assumptions.iter().any(|a| a.contains("365-day year")));
        assert!(p
            .assumptions
            .iter()
            .any(|a| a.contains("472.94 gCO2e/kWh, Ember, Yearly Electricity Data")));
    }

    #[test]
    fn a_table_model_in_france() {
        // Xeon Platinum 8380: 270 W / 40 cores = 6.75 W; 2 µs of CPU a call -> 13.5 µJ.
        // 13.5 µJ x 1e9 calls a day = 13_500 J a day; x 365 = 4_927_500 J;
        // / 3.6e6 = 1.36875 kWh; x 44.18 g/kWh = 60.471375 g = 0.060471375 kg.
        let model =
            PowerModel::for_model_name(Some("Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz"));
        let estimate = EnergyEstimate::modelled(2e-6, &model).expect("estimate");
        let p = project(&estimate, 1e9, region("FR").expect("FR")).expect("projection");
        assert!(close(p.kwh_per_year, 1.36875), "{}", p.kwh_per_year);
        assert!(
            close(p.kg_co2e_per_year, 0.060471375),
            "{}",
            p.kg_co2e_per_year
        );
        assert!(close(p.joules_per_million_calls, 13.5));
    }

    #[test]
    fn the_faster_statement_saves_the_difference() {
        // 10 µJ vs 4 µJ: 6 µJ saved a call; x 1e8 calls a day = 600 J a day;
        // x 365 = 219_000 J = 0.0608333... kWh; x 342.06 g/kWh (Germany) = 20.80865 g.
        let s = savings(
            &user_estimate(10e-6),
            &user_estimate(4e-6),
            1e8,
            region("de").expect("DE"),
        )
        .expect("savings");
        assert_eq!(s.faster, Which::Second);
        assert!(close(s.joules_per_call_saved, 6e-6));
        assert!(close(s.joules_per_million_calls_saved, 6.0));
        assert!(
            close(s.kwh_per_year, 219_000.0 / 3.6e6),
            "{}",
            s.kwh_per_year
        );
        assert!(
            close(s.kg_co2e_per_year, 0.02080865),
            "{}",
            s.kg_co2e_per_year
        );
        let reversed =
            savings(&user_estimate(4e-6), &user_estimate(10e-6), 1e8, world()).expect("savings");
        assert_eq!(reversed.faster, Which::First);
        let same =
            savings(&user_estimate(4e-6), &user_estimate(4e-6), 1e8, world()).expect("savings");
        assert_eq!(same.faster, Which::Neither);
        assert_eq!(same.kwh_per_year, 0.0);
    }

    #[test]
    fn figures_from_different_methods_are_not_subtracted() {
        let generic =
            EnergyEstimate::modelled(1e-6, &PowerModel::for_model_name(None)).expect("estimate");
        let err = savings(&user_estimate(1e-6), &generic, 1.0, world()).expect_err("different");
        assert!(
            matches!(err, ProjectionError::DifferentMethods { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("--cpu-watts"), "{err}");
    }

    #[test]
    fn bad_inputs_are_refused() {
        for calls in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                project(&user_estimate(1e-6), calls, world()),
                Err(ProjectionError::InvalidCallsPerDay { .. })
            ));
        }
        let mut broken = user_estimate(1e-6);
        broken.joules_per_call = f64::NAN;
        assert!(matches!(
            project(&broken, 1.0, world()),
            Err(ProjectionError::InvalidJoules { .. })
        ));
        assert!(project(&user_estimate(0.0), 0.0, world()).is_ok());
    }

    #[test]
    fn projection_json_names_method_and_region_source() {
        let p = project(&user_estimate(1e-6), 1e6, region("SE").expect("SE")).expect("p");
        let json = serde_json::to_value(&p).expect("json");
        assert_eq!(json["method"]["kind"], "user_watts");
        assert_eq!(json["region"]["code"], "SE");
        assert_eq!(json["region"]["year"], 2024);
        assert_eq!(json["region"]["source"], "Ember, Yearly Electricity Data");
    }

    proptest::proptest! {
        /// Savings are the difference of the two projections, whatever the order.
        #[test]
        fn savings_are_the_difference_of_projections(
            a in 0.0f64..1e-2, b in 0.0f64..1e-2, calls in 0.0f64..1e12,
        ) {
            let (ea, eb) = (user_estimate(a), user_estimate(b));
            let s = savings(&ea, &eb, calls, world()).expect("savings");
            let pa = project(&ea, calls, world()).expect("a");
            let pb = project(&eb, calls, world()).expect("b");
            let diff = (pa.kwh_per_year - pb.kwh_per_year).abs();
            proptest::prop_assert!((s.kwh_per_year - diff).abs() <= 1e-9 * pa.kwh_per_year.max(pb.kwh_per_year).max(1e-300));
            proptest::prop_assert!(s.kwh_per_year >= 0.0);
        }
    }
}
