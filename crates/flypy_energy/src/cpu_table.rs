//! Shipped CPU power data: rated package power and core count of common server and desktop
//! CPUs, as their vendors publish them, to turn CPU time into an energy estimate.
//!
//! Sources: Intel's product specification pages (ark.intel.com: "TDP", or "Processor Base
//! Power" for 12th-generation Core and later) and AMD's product pages (amd.com: "Default
//! TDP", "# of CPU Cores"). Every row below was checked against those figures; rows whose
//! figures could not be checked were left out rather than guessed (cloud-only parts such as
//! Xeon 8375C, EPYC 7R13 or 7B13, which vendors publish no page for, are not here). Only the
//! exact parts are listed: a `K` row does not match `KF`, an EPYC `9654` row does not match
//! `9654P`; those fall back to the generic figure, which says so.
//!
//! Rows are matched against `/proc/cpuinfo`'s `model name` by whole words, never by regular
//! expression: `Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz` is lowercased, stripped of
//! `(R)`/`(TM)` marks and split on spaces, and a row matches when its pattern's words appear
//! in it consecutively. Whole words keep `7950X` from matching `7950X3D`.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CpuPower {
    /// Words that must appear consecutively in the normalised model name.
    pub pattern: &'static str,
    /// The product as the vendor names it.
    pub name: &'static str,
    /// Rated package power, watts.
    pub tdp_watts: f64,
    /// The vendor's name for that rating.
    pub power_term: &'static str,
    /// Physical cores per package.
    pub cores: u32,
    /// What the cores are, when they are not all alike.
    pub core_note: &'static str,
    /// Where the figures are published.
    pub publisher: &'static str,
}

const INTEL_ARK: &str = "Intel ARK";
const AMD_SPECS: &str = "AMD product specifications";

const fn intel(pattern: &'static str, name: &'static str, tdp: f64, cores: u32) -> CpuPower {
    CpuPower {
        pattern,
        name,
        tdp_watts: tdp,
        power_term: "TDP",
        cores,
        core_note: "",
        publisher: INTEL_ARK,
    }
}

/// 12th-generation Core and later: Intel rates "Processor Base Power" (it replaced "TDP"),
/// and the cores are a mix of performance and efficiency cores.
const fn hybrid_core(
    pattern: &'static str,
    name: &'static str,
    cores: u32,
    note: &'static str,
) -> CpuPower {
    CpuPower {
        pattern,
        name,
        tdp_watts: 125.0,
        power_term: "Processor Base Power",
        cores,
        core_note: note,
        publisher: INTEL_ARK,
    }
}

const fn amd(pattern: &'static str, name: &'static str, tdp: f64, cores: u32) -> CpuPower {
    CpuPower {
        pattern,
        name,
        tdp_watts: tdp,
        power_term: "default TDP",
        cores,
        core_note: "",
        publisher: AMD_SPECS,
    }
}

/// The table. Each row: rated power and physical cores per package.
pub static CPU_TABLE: &[CpuPower] = &[
    // Intel Xeon Scalable, 5th generation (Emerald Rapids)
    intel("xeon platinum 8592+", "Xeon Platinum 8592+", 350.0, 64),
    // 4th generation (Sapphire Rapids)
    intel("xeon platinum 8490h", "Xeon Platinum 8490H", 350.0, 60),
    intel("xeon platinum 8480+", "Xeon Platinum 8480+", 350.0, 56),
    intel("xeon gold 6430", "Xeon Gold 6430", 270.0, 32),
    // 3rd generation (Ice Lake-SP)
    intel("xeon platinum 8380", "Xeon Platinum 8380", 270.0, 40),
    intel("xeon platinum 8358", "Xeon Platinum 8358", 250.0, 32),
    intel("xeon gold 6338", "Xeon Gold 6338", 205.0, 32),
    // 2nd generation (Cascade Lake)
    intel("xeon platinum 8280", "Xeon Platinum 8280", 205.0, 28),
    intel("xeon gold 6248r", "Xeon Gold 6248R", 205.0, 24),
    intel("xeon gold 6248", "Xeon Gold 6248", 150.0, 20),
    // 1st generation (Skylake-SP)
    intel("xeon platinum 8180", "Xeon Platinum 8180", 205.0, 28),
    intel("xeon gold 6148", "Xeon Gold 6148", 150.0, 20),
    intel("xeon gold 6130", "Xeon Gold 6130", 125.0, 16),
    // Broadwell-EP; the model name reads "Xeon(R) CPU E5-2699 v4", hence the pattern.
    intel("e5-2699 v4", "Xeon E5-2699 v4", 145.0, 22),
    intel("e5-2680 v4", "Xeon E5-2680 v4", 120.0, 14),
    // Intel Core desktop
    hybrid_core("core i9-13900k", "Core i9-13900K", 24, " (8 P + 16 E)"),
    hybrid_core("core i9-12900k", "Core i9-12900K", 16, " (8 P + 8 E)"),
    hybrid_core("core i7-12700k", "Core i7-12700K", 12, " (8 P + 4 E)"),
    intel("core i9-9900k", "Core i9-9900K", 95.0, 8),
    intel("core i7-9700k", "Core i7-9700K", 95.0, 8),
    intel("core i7-8700k", "Core i7-8700K", 95.0, 6),
    // AMD EPYC 9004 (Genoa, Bergamo)
    amd("epyc 9754", "EPYC 9754", 360.0, 128),
    amd("epyc 9654", "EPYC 9654", 360.0, 96),
    amd("epyc 9554", "EPYC 9554", 360.0, 64),
    amd("epyc 9454", "EPYC 9454", 290.0, 48),
    amd("epyc 9354", "EPYC 9354", 280.0, 32),
    // EPYC 7003 (Milan)
    amd("epyc 7763", "EPYC 7763", 280.0, 64),
    amd("epyc 7713", "EPYC 7713", 225.0, 64),
    amd("epyc 7543", "EPYC 7543", 225.0, 32),
    amd("epyc 7313", "EPYC 7313", 155.0, 16),
    // EPYC 7002 (Rome)
    amd("epyc 7742", "EPYC 7742", 225.0, 64),
    amd("epyc 7702", "EPYC 7702", 200.0, 64),
    amd("epyc 7502", "EPYC 7502", 180.0, 32),
    // Ryzen desktop
    amd("ryzen 9 9950x", "Ryzen 9 9950X", 170.0, 16),
    amd("ryzen 9 7950x", "Ryzen 9 7950X", 170.0, 16),
    amd("ryzen 9 7950x3d", "Ryzen 9 7950X3D", 120.0, 16),
    amd("ryzen 9 7900x", "Ryzen 9 7900X", 170.0, 12),
    amd("ryzen 7 7800x3d", "Ryzen 7 7800X3D", 120.0, 8),
    amd("ryzen 7 7700x", "Ryzen 7 7700X", 105.0, 8),
    amd("ryzen 5 7600x", "Ryzen 5 7600X", 105.0, 6),
    amd("ryzen 9 5950x", "Ryzen 9 5950X", 105.0, 16),
    amd("ryzen 9 5900x", "Ryzen 9 5900X", 105.0, 12),
    amd("ryzen 7 5800x", "Ryzen 7 5800X", 105.0, 8),
    amd("ryzen 5 5600x", "Ryzen 5 5600X", 65.0, 6),
    amd("ryzen 9 3950x", "Ryzen 9 3950X", 105.0, 16),
];

impl CpuPower {
    /// Rated package power shared evenly by the cores (see [`crate::model`] for what this
    /// figure does and does not mean).
    pub fn watts_per_core(&self) -> f64 {
        self.tdp_watts / f64::from(self.cores)
    }

    /// One line naming the source and the figures used, e.g.
    /// `Intel ARK: Xeon Platinum 8380, 270 W TDP, 40 cores`.
    pub fn source(&self) -> String {
        format!(
            "{}: {}, {} W {}, {} cores{}",
            self.publisher, self.name, self.tdp_watts, self.power_term, self.cores, self.core_note
        )
    }

    pub fn matches(&self, model_name: &str) -> bool {
        let words = normalise(model_name);
        let pattern: Vec<&str> = self.pattern.split_whitespace().collect();
        !pattern.is_empty()
            && words.windows(pattern.len()).any(|window| {
                window
                    .iter()
                    .map(String::as_str)
                    .eq(pattern.iter().copied())
            })
    }
}

/// The row for a `/proc/cpuinfo` model name, if the CPU is in the table.
pub fn lookup(model_name: &str) -> Option<&'static CpuPower> {
    CPU_TABLE.iter().find(|row| row.matches(model_name))
}

/// Lowercase words without trademark marks: `Intel(R) Core(TM) i9-9900K CPU` ->
/// `intel core i9-9900k cpu`.
fn normalise(model_name: &str) -> Vec<String> {
    let lower = model_name.to_lowercase();
    let mut cleaned = lower;
    for mark in ["(r)", "(tm)", "®", "™"] {
        cleaned = cleaned.replace(mark, "");
    }
    cleaned.split_whitespace().map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Model names as `/proc/cpuinfo` prints them for table rows, one per naming style.
    const REAL_LOOKING: &[(&str, &str)] = &[
        (
            "Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz",
            "Xeon Platinum 8380",
        ),
        ("Intel(R) Xeon(R) Platinum 8480+", "Xeon Platinum 8480+"),
        (
            "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz",
            "Xeon Gold 6248R",
        ),
        ("Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz", "Xeon Gold 6248"),
        (
            "Intel(R) Xeon(R) CPU E5-2699 v4 @ 2.20GHz",
            "Xeon E5-2699 v4",
        ),
        ("13th Gen Intel(R) Core(TM) i9-13900K", "Core i9-13900K"),
        ("Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", "Core i7-8700K"),
        ("AMD EPYC 7763 64-Core Processor", "EPYC 7763"),
        ("AMD EPYC 9654 96-Core Processor", "EPYC 9654"),
        ("AMD Ryzen 9 7950X 16-Core Processor", "Ryzen 9 7950X"),
        ("AMD Ryzen 9 7950X3D 16-Core Processor", "Ryzen 9 7950X3D"),
        ("AMD Ryzen 7 7800X3D 8-Core Processor", "Ryzen 7 7800X3D"),
    ];

    #[test]
    fn real_looking_model_names_find_their_row() {
        for (model, name) in REAL_LOOKING {
            let row = lookup(model).unwrap_or_else(|| panic!("{model}: not found"));
            assert_eq!(row.name, *name, "{model}");
        }
    }

    #[test]
    fn near_misses_are_not_matched() {
        for model in [
            "AMD EPYC",                              // this VM's own, bare name
            "AMD EPYC 7B13",                         // cloud part, no public page
            "AMD EPYC 9654P 96-Core Processor",      // the 1P variant is another part
            "13th Gen Intel(R) Core(TM) i9-13900KF", // another part
            "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz",
            "Intel(R) Xeon(R) Platinum 83800 CPU",
            "Intel(R) Xeon(R) CPU E5-2699 v3 @ 2.30GHz", // v3 is not v4
            "",
        ] {
            assert_eq!(lookup(model).map(|r| r.name), None, "{model}");
        }
    }

    #[test]
    fn every_row_matches_its_own_name_and_no_other_row_does() {
        for row in CPU_TABLE {
            // The name with the decoration the kernel prints around it.
            let model = match row.name.strip_prefix("Xeon E5") {
                Some(rest) => format!("Intel(R) Xeon(R) CPU E5{rest} @ 2.20GHz"),
                None => format!("Vendor(R) {}(TM) 8-Core Processor", row.name),
            };
            let hits: Vec<&str> = CPU_TABLE
                .iter()
                .filter(|r| r.matches(&model))
                .map(|r| r.name)
                .collect();
            assert_eq!(hits, vec![row.name], "{model}");
        }
    }

    #[test]
    fn rows_are_sane() {
        assert!(CPU_TABLE.len() >= 20);
        for row in CPU_TABLE {
            assert!(row.cores > 0 && row.tdp_watts > 0.0, "{row:?}");
            let per_core = row.watts_per_core();
            assert!((1.0..=30.0).contains(&per_core), "{row:?}: {per_core}");
        }
    }

    #[test]
    fn source_lines_carry_the_figures() {
        let row = lookup("Intel(R) Xeon(R) Platinum 8380 CPU @ 2.30GHz").expect("row");
        assert_eq!(
            row.source(),
            "Intel ARK: Xeon Platinum 8380, 270 W TDP, 40 cores"
        );
        // 270 W / 40 cores = 6.75 W, exact in binary.
        assert_eq!(row.watts_per_core(), 6.75);
        let row = lookup("13th Gen Intel(R) Core(TM) i9-13900K").expect("row");
        assert_eq!(
            row.source(),
            "Intel ARK: Core i9-13900K, 125 W Processor Base Power, 24 cores (8 P + 16 E)"
        );
        let row = lookup("AMD EPYC 7763 64-Core Processor").expect("row");
        assert_eq!(
            row.source(),
            "AMD product specifications: EPYC 7763, 280 W default TDP, 64 cores"
        );
        // 280 W / 64 cores = 4.375 W, exact in binary.
        assert_eq!(row.watts_per_core(), 4.375);
    }
}
