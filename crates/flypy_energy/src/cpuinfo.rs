//! What `/proc/cpuinfo` says about the CPU: its model name (to look up its power in
//! [`crate::cpu_table`]) and how many cores and hardware threads there are.
//!
//! The text is parsed leniently: a field that is missing (ARM kernels print no `model name`,
//! some hypervisors print no topology) is `None`, never an error, because the caller then
//! falls back to a generic figure and says so.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const DEFAULT_PATH: &str = "/proc/cpuinfo";

#[derive(Debug, thiserror::Error)]
#[error("{path}: {source}")]
pub struct CpuInfoError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CpuInfo {
    /// The first non-empty `model name`, as the kernel prints it (`Intel(R) Xeon(R) ...`).
    pub model_name: Option<String>,
    /// `GenuineIntel`, `AuthenticAMD`...
    pub vendor_id: Option<String>,
    /// Hardware threads: the number of `processor` entries.
    pub logical_cpus: usize,
    /// Physical cores: `cpu cores` summed over distinct `physical id`s, when both are printed.
    pub physical_cores: Option<usize>,
}

impl CpuInfo {
    /// Parses the text of `/proc/cpuinfo`: blocks of `key<TAB>: value` lines, one block per
    /// logical CPU, separated by blank lines.
    pub fn parse(text: &str) -> CpuInfo {
        let mut info = CpuInfo::default();
        let mut topology = Topology::default();
        for line in text.lines() {
            if line.trim().is_empty() {
                topology.end_entry();
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            match key {
                "processor" => {
                    // Some kernels (s390, old ARM) print no blank line between entries.
                    topology.end_entry();
                    topology.in_entry = true;
                    info.logical_cpus += 1;
                }
                "model name" if info.model_name.is_none() && !value.is_empty() => {
                    info.model_name = Some(value.to_string());
                }
                "vendor_id" if info.vendor_id.is_none() && !value.is_empty() => {
                    info.vendor_id = Some(value.to_string());
                }
                "physical id" => topology.socket = Some(value.to_string()),
                "cpu cores" => topology.cores = value.parse().ok(),
                _ => {}
            }
        }
        topology.end_entry();
        info.physical_cores = topology.physical_cores();
        info
    }

    /// This machine's `/proc/cpuinfo`.
    pub fn read() -> Result<CpuInfo, CpuInfoError> {
        Self::read_from(Path::new(DEFAULT_PATH))
    }

    pub fn read_from(path: &Path) -> Result<CpuInfo, CpuInfoError> {
        std::fs::read_to_string(path)
            .map(|text| Self::parse(&text))
            .map_err(|source| CpuInfoError {
                path: path.to_path_buf(),
                source,
            })
    }
}

/// Collects `physical id` and `cpu cores` entry by entry. A partial topology gives no core
/// count: a guessed one would be worse than none.
#[derive(Default)]
struct Topology {
    /// physical id -> cpu cores.
    cores_by_socket: BTreeMap<String, usize>,
    /// An entry lacked one of the two fields.
    incomplete: bool,
    in_entry: bool,
    socket: Option<String>,
    cores: Option<usize>,
}

impl Topology {
    fn end_entry(&mut self) {
        if self.in_entry {
            match (self.socket.take(), self.cores.take()) {
                (Some(socket), Some(cores)) => {
                    self.cores_by_socket.insert(socket, cores);
                }
                _ => self.incomplete = true,
            }
        }
        self.in_entry = false;
    }

    fn physical_cores(&self) -> Option<usize> {
        (!self.incomplete && !self.cores_by_socket.is_empty())
            .then(|| self.cores_by_socket.values().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two entries of a two-socket Skylake-SP server (trimmed: flags and bugs lines shortened).
    const INTEL_TWO_SOCKETS: &str = "\
processor\t: 0
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 85
model name\t: Intel(R) Xeon(R) Platinum 8180 CPU @ 2.50GHz
stepping\t: 4
microcode\t: 0x2006e05
cpu MHz\t\t: 2500.000
cache size\t: 39424 KB
physical id\t: 0
siblings\t: 56
core id\t\t: 0
cpu cores\t: 28
apicid\t\t: 0
fpu\t\t: yes
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr
bogomips\t: 5000.00
address sizes\t: 46 bits physical, 48 bits virtual
power management:

processor\t: 1
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 85
model name\t: Intel(R) Xeon(R) Platinum 8180 CPU @ 2.50GHz
physical id\t: 1
siblings\t: 56
core id\t\t: 0
cpu cores\t: 28
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr
power management:

";

    /// An AMD EPYC Milan guest with 4 vCPUs on one socket, 2 cores with SMT.
    const AMD_EPYC: &str = "\
processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 1
model name\t: AMD EPYC 7763 64-Core Processor
stepping\t: 1
physical id\t: 0
siblings\t: 4
core id\t\t: 0
cpu cores\t: 2
flags\t\t: fpu vme de pse tsc msr pae mce

processor\t: 1
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7763 64-Core Processor
physical id\t: 0
siblings\t: 4
core id\t\t: 0
cpu cores\t: 2

processor\t: 2
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7763 64-Core Processor
physical id\t: 0
siblings\t: 4
core id\t\t: 1
cpu cores\t: 2

processor\t: 3
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7763 64-Core Processor
physical id\t: 0
siblings\t: 4
core id\t\t: 1
cpu cores\t: 2
";

    /// An arm64 kernel prints no model name and no topology.
    const ARM64: &str = "\
processor\t: 0
BogoMIPS\t: 50.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1

processor\t: 1
BogoMIPS\t: 50.00
CPU implementer\t: 0x41
";

    #[test]
    fn intel_two_sockets() {
        let info = CpuInfo::parse(INTEL_TWO_SOCKETS);
        assert_eq!(
            info.model_name.as_deref(),
            Some("Intel(R) Xeon(R) Platinum 8180 CPU @ 2.50GHz")
        );
        assert_eq!(info.vendor_id.as_deref(), Some("GenuineIntel"));
        assert_eq!(info.logical_cpus, 2);
        // Two sockets of 28 cores each.
        assert_eq!(info.physical_cores, Some(56));
    }

    #[test]
    fn amd_guest_with_smt() {
        let info = CpuInfo::parse(AMD_EPYC);
        assert_eq!(
            info.model_name.as_deref(),
            Some("AMD EPYC 7763 64-Core Processor")
        );
        assert_eq!(info.vendor_id.as_deref(), Some("AuthenticAMD"));
        assert_eq!(info.logical_cpus, 4);
        assert_eq!(info.physical_cores, Some(2));
    }

    #[test]
    fn arm64_has_no_model_name() {
        let info = CpuInfo::parse(ARM64);
        assert_eq!(info.model_name, None);
        assert_eq!(info.vendor_id, None);
        assert_eq!(info.logical_cpus, 2);
        assert_eq!(info.physical_cores, None);
    }

    #[test]
    fn entries_without_blank_lines_and_empty_text() {
        let info = CpuInfo::parse(
            "processor: 0\nmodel name: X\nphysical id: 0\ncpu cores: 1\nprocessor: 1\nphysical id: 0\ncpu cores: 1\n",
        );
        assert_eq!(info.logical_cpus, 2);
        assert_eq!(info.physical_cores, Some(1));
        assert_eq!(CpuInfo::parse(""), CpuInfo::default());
    }

    #[test]
    fn partial_topology_gives_no_core_count() {
        // A guessed core count would be worse than none: the second entry lacks topology.
        let info = CpuInfo::parse("processor: 0\nphysical id: 0\ncpu cores: 4\n\nprocessor: 1\n\n");
        assert_eq!(info.physical_cores, None);
    }

    #[test]
    fn reads_a_file_and_names_a_missing_one() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("cpuinfo");
        std::fs::write(&path, AMD_EPYC).expect("write");
        assert_eq!(
            CpuInfo::read_from(&path).expect("reads"),
            CpuInfo::parse(AMD_EPYC)
        );
        let err = CpuInfo::read_from(&tmp.path().join("absent")).expect_err("missing");
        assert!(err.to_string().contains("absent"), "{err}");
    }

    #[test]
    fn this_machine_if_linux() {
        // Only checks that the real file parses into something sane; its contents vary.
        if let Ok(info) = CpuInfo::read() {
            assert!(info.logical_cpus >= 1, "{info:?}");
        } else {
            println!("skipped: no /proc/cpuinfo here");
        }
    }
}
