//! The reporting types: an energy figure per call that cannot be separated from how it was
//! obtained. [`EnergyEstimate`] serialises to JSON with its [`Method`] and assumptions, and
//! [`EnergyEstimate::describe`] gives the one line a terminal report prints.

use crate::format::{format_joules, format_watts};
use crate::model::{ModelError, PowerBasis, PowerModel};
use crate::rapl::RaplEnergy;
use serde::Serialize;
use std::time::Duration;

/// How a joules-per-call figure was obtained, with the source of every number it used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Method {
    /// Measured: RAPL package energy over a run, divided by the run's calls.
    Rapl { zones: Vec<String> },
    /// Estimated: CPU time × per-core power from this CPU's row in flypy's table.
    Model {
        cpu: String,
        watts_per_core: f64,
        source: String,
    },
    /// Estimated: CPU time × a generic per-core figure, because the CPU is not in the table.
    Generic {
        cpu: Option<String>,
        watts_per_core: f64,
        source: String,
    },
    /// Estimated: CPU time × the per-core power the user gave (`--cpu-watts`).
    UserWatts { watts_per_core: f64 },
}

impl Method {
    pub fn is_measured(&self) -> bool {
        matches!(self, Method::Rapl { .. })
    }

    /// How the figure was obtained, without the figure: the tail of [`EnergyEstimate::describe`].
    pub fn summary(&self) -> String {
        match self {
            Method::Rapl { zones } => format!(
                "measured: RAPL package energy ({}) over the run / calls; includes everything \
                 else those packages did meanwhile",
                zones.join(", ")
            ),
            Method::Model {
                watts_per_core,
                source,
                ..
            } => format!(
                "estimate: CPU time x {} W per core ({source}); not measured",
                format_watts(*watts_per_core)
            ),
            Method::Generic {
                watts_per_core,
                source,
                ..
            } => format!(
                "estimate: CPU time x {} W per core ({source}); not measured",
                format_watts(*watts_per_core)
            ),
            Method::UserWatts { watts_per_core } => format!(
                "estimate: CPU time x {} W per core (given with --cpu-watts); not measured",
                format_watts(*watts_per_core)
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EstimateError {
    #[error("no calls were run: energy per call needs at least one")]
    ZeroCalls,
    #[error("RAPL counted no energy over {elapsed:?}: the run was shorter than the counters' update interval (about a millisecond); run more calls")]
    BelowResolution { elapsed: Duration },
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// Joules per call, with the method and the assumptions behind them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnergyEstimate {
    pub joules_per_call: f64,
    pub method: Method,
    pub assumptions: Vec<String>,
}

impl EnergyEstimate {
    /// Estimated from CPU time per call with a power model.
    pub fn modelled(cpu_seconds_per_call: f64, model: &PowerModel) -> Result<Self, EstimateError> {
        let joules_per_call = model.joules(cpu_seconds_per_call)?;
        let method = match &model.basis {
            PowerBasis::Table { cpu, .. } => Method::Model {
                cpu: cpu.clone(),
                watts_per_core: model.watts_per_core,
                source: model.source(),
            },
            PowerBasis::Generic { cpu } => Method::Generic {
                cpu: cpu.clone(),
                watts_per_core: model.watts_per_core,
                source: model.source(),
            },
            PowerBasis::User => Method::UserWatts {
                watts_per_core: model.watts_per_core,
            },
        };
        Ok(EnergyEstimate {
            joules_per_call,
            method,
            assumptions: model.assumptions(),
        })
    }

    /// Measured: the package energy of a run of `calls` calls, shared evenly among them.
    pub fn measured(energy: &RaplEnergy, calls: u64) -> Result<Self, EstimateError> {
        if calls == 0 {
            return Err(EstimateError::ZeroCalls);
        }
        if energy.microjoules == 0 {
            // Zero is not a measurement of a free statement: the counter did not tick.
            return Err(EstimateError::BelowResolution {
                elapsed: energy.elapsed,
            });
        }
        Ok(EnergyEstimate {
            joules_per_call: energy.joules() / calls as f64,
            method: Method::Rapl {
                zones: energy.zone_names(),
            },
            assumptions: vec![
                "RAPL package energy: includes idle power and every other process on these \
                 packages during the run"
                    .to_string(),
                "memory (DRAM), GPUs, disks and the rest of the machine are not included"
                    .to_string(),
                "RAPL counters update about once a millisecond; short runs are coarse".to_string(),
            ],
        })
    }

    /// How the figure was obtained and what it assumes, each said once: the method's summary,
    /// then `assumes:` and every assumption the summary does not already state.
    pub fn account(&self) -> String {
        let summary = self.method.summary();
        let mut said: Vec<&str> = summary.split("; ").collect();
        let mut rest: Vec<&str> = Vec::new();
        for clause in self.assumptions.iter().flat_map(|a| a.split("; ")) {
            if !said.contains(&clause) {
                said.push(clause);
                rest.push(clause);
            }
        }
        if rest.is_empty() {
            summary
        } else {
            format!("{summary}; assumes: {}", rest.join("; "))
        }
    }

    /// One honest line for the terminal: the figure, then how it was obtained, e.g.
    /// `13.5 mJ per call; estimate: CPU time x 6.75 W per core (Intel ARK: ...); not measured`.
    pub fn describe(&self) -> String {
        format!(
            "{} per call; {}",
            format_joules(self.joules_per_call),
            self.method.summary()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::format_number;
    use crate::rapl::ZoneEnergy;

    fn rapl_energy(microjoules: u64) -> RaplEnergy {
        RaplEnergy {
            microjoules,
            zones: vec![ZoneEnergy {
                id: "intel-rapl:0".to_string(),
                name: "package-0".to_string(),
                microjoules,
            }],
            elapsed: Duration::from_millis(250),
        }
    }

    #[test]
    fn table_model_describes_its_source() {
        let model =
            PowerModel::for_model_name(Some("Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz"));
        // 2 µs of CPU per call x 6.75 W = 13.5 µJ per call.
        let estimate = EnergyEstimate::modelled(2e-6, &model).expect("estimate");
        assert!((estimate.joules_per_call - 13.5e-6).abs() < 1e-18);
        assert_eq!(
            estimate.describe(),
            "13.5 µJ per call; estimate: CPU time x 6.75 W per core (Intel ARK: Xeon Platinum \
             8380, 270 W TDP, 40 cores); not measured"
        );
        assert!(!estimate.method.is_measured());
    }

    #[test]
    fn generic_and_user_models_say_so() {
        let generic = EnergyEstimate::modelled(1e-6, &PowerModel::for_model_name(Some("AMD EPYC")))
            .expect("estimate");
        // 1 µs x 7.5 W = 7.5 µJ
        assert_eq!(
            generic.describe(),
            "7.50 µJ per call; estimate: CPU time x 7.5 W per core (generic assumption: the \
             median rated power per core of the 45 CPUs in flypy's table; this CPU (AMD EPYC) \
             is not in it); not measured"
        );
        let user = EnergyEstimate::modelled(0.004, &PowerModel::user(12.5).expect("watts"))
            .expect("estimate");
        // 4 ms x 12.5 W = 50 mJ
        assert_eq!(
            user.describe(),
            "50.0 mJ per call; estimate: CPU time x 12.5 W per core (given with --cpu-watts); \
             not measured"
        );
        assert!(EnergyEstimate::modelled(-1.0, &PowerModel::user(1.0).expect("watts")).is_err());
    }

    #[test]
    fn rapl_measurement_is_shared_among_calls() {
        // 3 J over 1_000_000 calls = 3 µJ per call.
        let estimate = EnergyEstimate::measured(&rapl_energy(3_000_000), 1_000_000).expect("ok");
        assert_eq!(estimate.joules_per_call, 3e-6);
        assert!(estimate.method.is_measured());
        assert_eq!(
            estimate.describe(),
            "3.00 µJ per call; measured: RAPL package energy (package-0) over the run / calls; \
             includes everything else those packages did meanwhile"
        );
        assert_eq!(
            EnergyEstimate::measured(&rapl_energy(5), 0),
            Err(EstimateError::ZeroCalls)
        );
        assert!(matches!(
            EnergyEstimate::measured(&rapl_energy(0), 10),
            Err(EstimateError::BelowResolution { .. })
        ));
    }

    /// Issue 12, item 11: the dive printed "not measured; energy = CPU time x per-core power;
    /// not measured;": the account says each thing once, for every kind of method.
    #[test]
    fn energy_account_says_each_thing_once() {
        let models = [
            PowerModel::for_model_name(Some("AMD EPYC")),
            PowerModel::for_model_name(Some("AMD EPYC 9654 96-Core Processor")),
            PowerModel::choose(Some(5.0), None).expect("user watts"),
        ];
        for model in &models {
            let e = EnergyEstimate::modelled(1e-6, model).expect("an estimate");
            let account = e.account();
            let clauses: Vec<&str> = account.split("; ").collect();
            for (i, c) in clauses.iter().enumerate() {
                assert!(!clauses[..i].contains(c), "{c:?} twice in {account}");
            }
            assert_eq!(account.matches("not measured").count(), 1, "{account}");
            assert_eq!(account.matches("CPU time x").count(), 1, "{account}");
            assert!(account.contains("; assumes: "), "{account}");
        }
    }

    #[test]
    fn json_carries_method_and_assumptions() {
        let model = PowerModel::for_model_name(Some("AMD EPYC 7763 64-Core Processor"));
        let estimate = EnergyEstimate::modelled(1e-3, &model).expect("estimate");
        let json = serde_json::to_value(&estimate).expect("json");
        assert_eq!(json["method"]["kind"], "model");
        assert_eq!(json["method"]["watts_per_core"], 4.375);
        assert_eq!(
            json["method"]["source"],
            "AMD product specifications: EPYC 7763, 280 W default TDP, 64 cores"
        );
        assert!(json["assumptions"]
            .as_array()
            .is_some_and(|a| !a.is_empty()));
        let rapl = EnergyEstimate::measured(&rapl_energy(10), 1).expect("ok");
        let json = serde_json::to_value(&rapl).expect("json");
        assert_eq!(json["method"]["kind"], "rapl");
        assert_eq!(json["method"]["zones"][0], "package-0");
        let user = EnergyEstimate::modelled(1.0, &PowerModel::user(2.0).expect("w")).expect("ok");
        assert_eq!(
            serde_json::to_value(&user).expect("json")["method"]["kind"],
            "user_watts"
        );
    }

    #[test]
    fn joules_formatting() {
        assert_eq!(format_joules(2.4e-6), "2.40 µJ");
        assert_eq!(format_joules(0.0135), "13.5 mJ");
        assert_eq!(format_joules(1.0), "1.00 J");
        assert_eq!(format_joules(999.96e-6), "1.00 mJ");
        assert_eq!(format_joules(99.996e-6), "100 µJ");
        assert_eq!(format_joules(9.9996), "10.0 J");
        assert_eq!(format_joules(1e-4), "100 µJ");
        assert_eq!(format_joules(f64::NAN), "NaN J");
        assert_eq!(format_joules(123_456.0), "123 kJ");
        assert_eq!(format_joules(5e-14), "0.05 pJ");
        assert_eq!(format_joules(0.0), "0 J");
        assert_eq!(format_joules(-2e-3), "-2.00 mJ");
        // Huge figures keep units, then an exponent, never hundreds of digits.
        assert_eq!(format_joules(123_456_789.0), "123 MJ");
        assert_eq!(format_joules(4.5e20), "450 EJ");
        assert_eq!(format_joules(1e300), "1.00e300 J");
        assert_eq!(format_number(1e300, Some(4)), "1.000e300");
        assert_eq!(format_number(-2.5e15, None), "-2.500e15");
        assert_eq!(format_number(0.012345, Some(4)), "0.0123");
        assert_eq!(format_number(1e6, None), "1000000");
    }

    #[test]
    fn watts_formatting() {
        assert_eq!(format_watts(6.75), "6.75");
        assert_eq!(format_watts(7.5), "7.5");
        assert_eq!(format_watts(12.5), "12.5");
        assert_eq!(format_watts(3.515625), "3.52");
        assert_eq!(format_watts(300.0), "300");
        assert_eq!(format_watts(10.0), "10");
        assert_eq!(format_watts(9.996), "10");
        assert_eq!(format_watts(15.8333), "15.8");
    }
}
