//! The committed opcode facts: one JSON file per Python version, printed by
//! `tools/opcode_facts.py` under that version's interpreter.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, ensure, Context, Result};
use serde::Deserialize;

/// What one interpreter's `opcode` and `dis` modules say. Category lists are `None` when the
/// version has no such list (e.g. `hasjump` before 3.13), as opposed to an empty list.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    pub version: (u8, u8),
    pub full_version: String,
    pub opname: Vec<String>,
    pub defined: Vec<u8>,
    pub have_argument: u8,
    pub extended_arg: u8,
    pub cmp_op: Vec<String>,
    pub hasarg: Option<Vec<u8>>,
    pub hasconst: Option<Vec<u8>>,
    pub hasname: Option<Vec<u8>>,
    pub hasjrel: Option<Vec<u8>>,
    pub hasjabs: Option<Vec<u8>>,
    pub hasjump: Option<Vec<u8>>,
    pub haslocal: Option<Vec<u8>>,
    pub hasfree: Option<Vec<u8>>,
    pub hascompare: Option<Vec<u8>>,
    pub hasnargs: Option<Vec<u8>>,
    pub hasexc: Option<Vec<u8>>,
    /// Base opname → CACHE code units (3.11+; only ops with caches).
    pub inline_cache_entries: BTreeMap<String, u8>,
    /// Base opname → its named cache fields and their sizes, in order.
    pub cache_format: BTreeMap<String, Vec<(String, u8)>>,
    pub nb_ops: Option<Vec<(String, String)>>,
    pub intrinsic_1_descs: Option<Vec<String>>,
    pub intrinsic_2_descs: Option<Vec<String>>,
    pub common_constants: Option<Vec<String>>,
    pub special_method_names: Option<Vec<String>>,
    pub function_attr_flags: Option<Vec<String>>,
    pub specialized_opname: Vec<String>,
    pub specializations: BTreeMap<String, Vec<String>>,
    pub deopt: Vec<u8>,
    /// The magic number this interpreter writes into its `.pyc` files
    /// (`importlib.util.MAGIC_NUMBER`, 2.7: `imp.get_magic()`).
    pub magic_number: u16,
    /// Version differences the interpreter shows by itself (see `interpreter_features` in
    /// tools/opcode_facts.py).
    pub features: Features,
}

/// Each is `hasattr(…)` on the running interpreter, or a parameter of its `dis.dis`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Features {
    pub co_qualname: bool,
    pub co_posonlyargcount: bool,
    pub co_exceptiontable: bool,
    pub co_positions: bool,
    pub co_lines: bool,
    pub f_trace_opcodes: bool,
    pub sys_monitoring: bool,
    pub branch_left_right: bool,
    pub dis_adaptive: bool,
    pub dis_show_positions: bool,
    pub dis_recursive: bool,
    pub co_has_docstring_flag: bool,
}

impl Facts {
    pub fn parse(text: &str, origin: &Path) -> Result<Self> {
        let facts: Facts = serde_json::from_str(text)
            .with_context(|| format!("{}: not valid opcode facts", origin.display()))?;
        facts
            .validate()
            .with_context(|| format!("{}: inconsistent opcode facts", origin.display()))?;
        Ok(facts)
    }

    /// The invariants the generated tables rely on; a new CPython that breaks one should fail
    /// here, loudly, rather than produce a subtly wrong table.
    fn validate(&self) -> Result<()> {
        ensure!(
            self.opname.len() == 256,
            "opname has {} entries",
            self.opname.len()
        );
        ensure!(
            self.specialized_opname.len() == 256,
            "specialized_opname has {} entries",
            self.specialized_opname.len()
        );
        ensure!(
            self.deopt.len() == 256,
            "deopt has {} entries",
            self.deopt.len()
        );
        for (name, n) in &self.inline_cache_entries {
            let op = self.base_op(name)?;
            let layout: u32 = self.cache_format.get(name).map_or(0, |fields| {
                fields.iter().map(|(_, size)| u32::from(*size)).sum()
            });
            ensure!(
                layout == u32::from(*n),
                "{name} (op {op}) has {n} cache entries but its cache format sums to {layout}"
            );
        }
        for (base, family) in &self.specializations {
            let base_op = self.base_op(base)?;
            for name in family {
                let Some(op) = self.specialized_opname.iter().position(|n| n == name) else {
                    bail!("specialization {name} of {base} has no opcode");
                };
                ensure!(
                    self.deopt.get(op) == Some(&base_op),
                    "{name} (op {op}) should deoptimise to {base} (op {base_op})"
                );
            }
        }
        Ok(())
    }

    /// `opmap[name]` for a base (non-specialized) opcode.
    pub fn base_op(&self, name: &str) -> Result<u8> {
        self.defined
            .iter()
            .copied()
            .find(|&op| self.opname.get(usize::from(op)).is_some_and(|n| n == name))
            .with_context(|| format!("{name} is not an opcode of {}", self.label()))
    }

    /// Equal apart from the patch release they were read from: opcodes are frozen within a
    /// minor version (a change would need a new magic number).
    pub fn same_opcodes(&self, other: &Facts) -> bool {
        let mut other = other.clone();
        other.full_version.clone_from(&self.full_version);
        *self == other
    }

    pub fn label(&self) -> String {
        format!("{}.{}", self.version.0, self.version.1)
    }
}

/// The facts folder: `crates/flypy_dev/facts`.
pub fn facts_dir() -> PathBuf {
    crate::workspace_root().join("crates/flypy_dev/facts")
}

/// The facts file of `version`.
pub fn facts_path(version: (u8, u8)) -> PathBuf {
    facts_dir().join(format!("{}.{}.json", version.0, version.1))
}

/// Every committed facts file, ordered by version.
pub fn load_all() -> Result<Vec<Facts>> {
    let dir = facts_dir();
    let mut all = Vec::new();
    let entries = std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let facts = Facts::parse(&text, &path)?;
        let expected = facts_path(facts.version);
        ensure!(
            path.file_name() == expected.file_name(),
            "{} holds the facts of {}",
            path.display(),
            facts.label()
        );
        all.push(facts);
    }
    ensure!(!all.is_empty(), "no facts in {}", dir.display());
    all.sort_by_key(|f| f.version);
    Ok(all)
}
