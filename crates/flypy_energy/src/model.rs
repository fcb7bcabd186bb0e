//! The energy model used when RAPL cannot be read: energy = CPU time × per-core active power.
//!
//! Where the per-core power comes from, in order of precedence:
//! 1. the user's `--cpu-watts W` (per core), when given;
//! 2. the CPU's row in [`crate::cpu_table`]: rated package power / physical cores;
//! 3. otherwise a generic figure, the median per-core power of that table (7.5 W over its 45
//!    CPUs), flagged in every report as a generic assumption, naming the CPU that was not found.
//!
//! Rated power / cores is an upper-bound-ish estimate for a loaded server, not a bound:
//! - the rating (TDP, or Intel's Processor Base Power) is what the cooler must remove with every
//!   core busy at base frequency on a heavy workload; ordinary code draws less;
//! - the package figure includes the uncore (caches, memory controllers, interconnect, EPYC's
//!   I/O die), which is shared and partly spent when idle, and all of it is charged to cores;
//! - a hardware thread is charged a whole core's share even when its SMT sibling is busy too,
//!   so two busy threads on one core count that core twice.
//!
//! It can also understate: one busy core on an otherwise idle desktop CPU boosts above base
//! frequency and may draw more than an even share of the rating. The figure is of the right
//! magnitude, not a measurement; what it is good for is comparing statements, where (under one
//! model) the energy ratio is exactly the CPU-time ratio.

use crate::cpu_table::{self, CpuPower, CPU_TABLE};
use crate::cpuinfo::CpuInfo;
use serde::Serialize;

/// The largest per-core figure accepted from a user: no CPU core draws a kilowatt, so a larger
/// number is a typing error (watts for the whole machine, or milliwatts).
pub const MAX_USER_WATTS: f64 = 1000.0;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error("--cpu-watts {}: per-core power must be a number of watts above 0 and at most {MAX_USER_WATTS}", crate::format::format_number(*.watts, None))]
    InvalidWatts { watts: f64 },
    #[error("CPU time {seconds} s: must be a finite number of seconds, not negative")]
    InvalidCpuTime { seconds: f64 },
}

/// Where a per-core figure came from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PowerBasis {
    /// The CPU's row in the shipped table. `cpu` is the model name as read.
    Table { cpu: String, row: CpuPower },
    /// Not in the table (or no model name at all): the generic figure.
    Generic { cpu: Option<String> },
    /// Given by the user (`--cpu-watts`).
    User,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PowerModel {
    pub watts_per_core: f64,
    pub basis: PowerBasis,
}

impl PowerModel {
    /// `--cpu-watts W`: the user's per-core figure.
    pub fn user(watts_per_core: f64) -> Result<Self, ModelError> {
        if !(watts_per_core.is_finite() && watts_per_core > 0.0 && watts_per_core <= MAX_USER_WATTS)
        {
            return Err(ModelError::InvalidWatts {
                watts: watts_per_core,
            });
        }
        Ok(PowerModel {
            watts_per_core,
            basis: PowerBasis::User,
        })
    }

    /// From a `/proc/cpuinfo` model name: the table's row, or the generic figure.
    pub fn for_model_name(model_name: Option<&str>) -> Self {
        match model_name.and_then(|name| Some((name, cpu_table::lookup(name)?))) {
            Some((name, row)) => PowerModel {
                watts_per_core: row.watts_per_core(),
                basis: PowerBasis::Table {
                    cpu: name.to_string(),
                    row: *row,
                },
            },
            None => PowerModel {
                watts_per_core: generic_watts_per_core(),
                basis: PowerBasis::Generic {
                    cpu: model_name.map(str::to_string),
                },
            },
        }
    }

    /// The user's figure when given, else the CPU's: the precedence `flypy` applies.
    pub fn choose(user_watts: Option<f64>, cpu: Option<&CpuInfo>) -> Result<Self, ModelError> {
        match user_watts {
            Some(watts) => Self::user(watts),
            None => Ok(Self::for_model_name(
                cpu.and_then(|info| info.model_name.as_deref()),
            )),
        }
    }

    /// Energy for `cpu_seconds` of CPU time: seconds × watts.
    pub fn joules(&self, cpu_seconds: f64) -> Result<f64, ModelError> {
        if !(cpu_seconds.is_finite() && cpu_seconds >= 0.0) {
            return Err(ModelError::InvalidCpuTime {
                seconds: cpu_seconds,
            });
        }
        Ok(cpu_seconds * self.watts_per_core)
    }

    /// Where the per-core figure comes from, in one phrase.
    pub fn source(&self) -> String {
        match &self.basis {
            PowerBasis::Table { row, .. } => row.source(),
            PowerBasis::User => "given with --cpu-watts".to_string(),
            PowerBasis::Generic { cpu } => format!(
                "generic assumption: the median rated power per core of the {} CPUs in flypy's table; {}",
                CPU_TABLE.len(),
                match cpu {
                    Some(name) => format!("this CPU ({name}) is not in it"),
                    None => "this CPU's model name is unknown".to_string(),
                }
            ),
        }
    }

    /// What a reader must know to weigh a figure from this model.
    pub fn assumptions(&self) -> Vec<String> {
        // (That energy is CPU time x per-core power, not measured, is the method's summary.)
        let mut out = vec![
            "memory, disks, network, cooling and power-supply losses are not included".to_string(),
        ];
        match &self.basis {
            PowerBasis::Table { .. } | PowerBasis::Generic { .. } => {
                out.push(
                    "per-core power = rated package power / physical cores: the uncore's share is \
                     charged to the cores, and real loads mostly draw less than the rating"
                        .to_string(),
                );
                out.push(
                    "one busy hardware thread is charged a whole core, even when its SMT sibling \
                     is busy too"
                        .to_string(),
                );
            }
            PowerBasis::User => {}
        }
        if let PowerBasis::Generic { .. } = self.basis {
            out.push(
                "the generic figure stands in for this CPU's own rating (--cpu-watts gives it)"
                    .to_string(),
            );
        }
        out
    }
}

/// The generic per-core figure: the median of [`CPU_TABLE`]'s per-core powers, so it moves
/// with the table and stays a typical current server or desktop core (7.5 W today).
pub fn generic_watts_per_core() -> f64 {
    let mut watts: Vec<f64> = CPU_TABLE.iter().map(CpuPower::watts_per_core).collect();
    watts.sort_by(f64::total_cmp);
    let mid = watts.len() / 2;
    let upper = watts.get(mid).copied();
    let lower = mid.checked_sub(1).and_then(|i| watts.get(i)).copied();
    match (watts.len() % 2, upper, lower) {
        (1, Some(m), _) => m,
        (_, Some(hi), Some(lo)) => (hi + lo) / 2.0,
        // The table is not empty (a test checks); this arm only keeps the function total.
        _ => FALLBACK_IF_TABLE_EMPTY,
    }
}

/// Never used while the table has rows; equal to the current median so that nothing changes
/// if it ever were.
const FALLBACK_IF_TABLE_EMPTY: f64 = 7.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cpu_gives_tdp_over_cores() {
        let model =
            PowerModel::for_model_name(Some("Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz"));
        // 270 W / 40 cores = 6.75 W per core.
        assert_eq!(model.watts_per_core, 6.75);
        // 2 ms of CPU time: 0.002 s x 6.75 W = 0.0135 J.
        assert_eq!(model.joules(0.002), Ok(0.002 * 6.75));
        assert!((model.joules(0.002).expect("joules") - 0.0135).abs() < 1e-15);
        assert_eq!(
            model.source(),
            "Intel ARK: Xeon Platinum 8380, 270 W TDP, 40 cores"
        );
        assert!(matches!(model.basis, PowerBasis::Table { ref cpu, .. } if cpu.contains("8380")));
    }

    #[test]
    fn amd_table_cpu() {
        let model = PowerModel::for_model_name(Some("AMD EPYC 9654 96-Core Processor"));
        // 360 W / 96 cores = 3.75 W per core; 1 s of CPU = 3.75 J.
        assert_eq!(model.watts_per_core, 3.75);
        assert_eq!(model.joules(1.0), Ok(3.75));
    }

    #[test]
    fn unknown_cpu_gets_the_flagged_generic_figure() {
        // This VM's own model name is just "AMD EPYC".
        let model = PowerModel::for_model_name(Some("AMD EPYC"));
        assert_eq!(model.watts_per_core, 7.5);
        assert_eq!(
            model.basis,
            PowerBasis::Generic {
                cpu: Some("AMD EPYC".to_string())
            }
        );
        let source = model.source();
        assert!(source.starts_with("generic assumption"), "{source}");
        assert!(source.contains("(AMD EPYC) is not in it"), "{source}");
        assert!(model
            .assumptions()
            .iter()
            .any(|a| a.contains("generic figure") && a.contains("--cpu-watts")));
        let none = PowerModel::for_model_name(None);
        assert_eq!(none.basis, PowerBasis::Generic { cpu: None });
        assert!(none.source().contains("model name is unknown"));
    }

    #[test]
    fn generic_figure_is_the_table_median() {
        // The module documentation quotes 7.5 W over 45 CPUs: this pins both, so a table edit
        // that moves them fails here until the documentation follows.
        assert_eq!(CPU_TABLE.len(), 45);
        assert_eq!(generic_watts_per_core(), 7.5);
        assert_eq!(FALLBACK_IF_TABLE_EMPTY, generic_watts_per_core());
        let below = CPU_TABLE
            .iter()
            .filter(|r| r.watts_per_core() < 7.5)
            .count();
        let above = CPU_TABLE
            .iter()
            .filter(|r| r.watts_per_core() > 7.5)
            .count();
        assert_eq!(below, above);
    }

    #[test]
    fn user_watts_take_precedence_and_are_checked() {
        let info = CpuInfo {
            model_name: Some("AMD EPYC 7763 64-Core Processor".to_string()),
            ..CpuInfo::default()
        };
        let model = PowerModel::choose(Some(12.5), Some(&info)).expect("valid");
        assert_eq!(model.basis, PowerBasis::User);
        // 0.5 s x 12.5 W = 6.25 J
        assert_eq!(model.joules(0.5), Ok(6.25));
        let from_cpu = PowerModel::choose(None, Some(&info)).expect("valid");
        // 280 W / 64 cores = 4.375 W
        assert_eq!(from_cpu.watts_per_core, 4.375);
        assert_eq!(
            PowerModel::choose(None, None)
                .expect("valid")
                .watts_per_core,
            7.5
        );
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1000.5] {
            assert!(
                matches!(PowerModel::user(bad), Err(ModelError::InvalidWatts { .. })),
                "{bad}"
            );
        }
        assert!(PowerModel::user(MAX_USER_WATTS).is_ok());
    }

    #[test]
    fn cpu_time_is_checked() {
        let model = PowerModel::user(10.0).expect("valid");
        assert_eq!(model.joules(0.0), Ok(0.0));
        for bad in [-1e-9, f64::NAN, f64::INFINITY] {
            assert!(model.joules(bad).is_err(), "{bad}");
        }
    }
}
