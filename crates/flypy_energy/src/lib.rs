//! What a Python statement's CPU time means in energy and CO2e, said honestly: every figure
//! carries the method that produced it and the source of every number it used.
//!
//! - [`rapl`]: measured package energy from the Linux powercap interface (Intel RAPL, and AMD
//!   CPUs through the same `intel-rapl` zones), where the counters exist and are readable.
//! - [`cpuinfo`] + [`model`] + [`cpu_table`]: where they are not (VMs, containers, non-root on
//!   kernels patched for CVE-2020-8694), an estimate: CPU time × per-core power, the per-core
//!   power from a shipped table of vendor TDPs, a user's `--cpu-watts`, or a flagged generic
//!   assumption.
//! - [`carbon`]: grid carbon intensity by country (Ember's yearly figures, with their year).
//! - [`projection`]: joules per call → kWh and kgCO2e per year at a call rate, and what the
//!   cheaper of two statements saves.
//! - [`estimate`]: the reporting types ([`EnergyEstimate`], [`Method`]) that tie a figure to
//!   how it was obtained, with a one-line [`EnergyEstimate::describe`] for the terminal.

pub mod carbon;
pub mod cpu_table;
pub mod cpuinfo;
pub mod estimate;
pub mod format;
pub mod model;
pub mod projection;
pub mod rapl;

pub use carbon::{region, regions, world, CarbonError, Region};
pub use cpuinfo::{CpuInfo, CpuInfoError};
pub use estimate::{EnergyEstimate, EstimateError, Method};
pub use format::{format_joules, format_number};
pub use model::{ModelError, PowerBasis, PowerModel};
pub use projection::{project, savings, Projection, ProjectionError, Savings, Which};
pub use rapl::{Rapl, RaplEnergy, RaplError, Snapshot, SysfsReader, Zone, ZoneKind};
