//! What a dive measured, variant by variant, in the shape the JSON output has. Every number
//! the explanation prints is one of these fields, in the unit the explanation prints it in.

use std::collections::BTreeMap;

use flypy_bytecode::cfg_graph::EdgeKind;
use flypy_bytecode::instruction::Positions;
use serde::Serialize;

/// One variant: what it is and everything measured of it. Fields are `None` where this
/// interpreter or this mode could not measure them (the notes say why).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Variant {
    /// The function's name in the case module, e.g. `variant_loop_append`.
    pub function: String,
    /// The name without `variant_`, as shown.
    pub label: String,
    /// The function's docstring (first line) or the inline statement.
    pub doc: String,
    /// The call that is timed and costed, e.g. `variant_loop_append(n)`.
    pub call: String,
    /// flypy's disassembly of the variant's code (and the code objects nested in it).
    pub disassembly: String,
    /// Every instruction of the variant's code objects with its executed count per call and
    /// the specialized form the run left there (when counted).
    pub instructions: Vec<InstructionCount>,
    /// The control-flow graph of each of its code objects, counted per call (when counted).
    pub graphs: Vec<CodeGraph>,
    /// Executed bytecode instructions per call, by (base) opname.
    pub ops_per_call: Option<BTreeMap<String, f64>>,
    /// Per base opname, the specialized instructions the 3.11+ interpreter had left at the
    /// offsets that ran, after the counted calls.
    pub specialized: BTreeMap<String, Vec<String>>,
    pub time: Option<Timing>,
    pub machine: Option<Machine>,
    pub energy: Option<Energy>,
}

impl Variant {
    /// Executed bytecode instructions per call, all opnames together.
    pub fn bytecode_per_call(&self) -> Option<f64> {
        self.ops_per_call.as_ref().map(|m| m.values().sum())
    }
}

/// One instruction of a variant's code and how often it ran.
#[derive(Clone, Debug, Default, Serialize)]
pub struct InstructionCount {
    /// The code object's qualified name and first line.
    pub code: String,
    pub firstlineno: u32,
    pub line: Option<u32>,
    pub offset: u32,
    pub opname: String,
    pub argrepr: String,
    /// Executions per call; `None` where no hook can observe the instruction (a generator's
    /// prologue).
    pub per_call: Option<f64>,
    pub specialized: Option<String>,
    /// Its source span in the case (columns too on 3.11+).
    pub positions: Positions,
    /// For a jump, the offset it jumps to.
    pub jump_target: Option<u32>,
}

/// One code object of a variant as a control-flow graph: flypy's basic blocks with how often
/// each ran per call, and the edges between them.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CodeGraph {
    /// The code object's qualified name and first line, as its instructions name it.
    pub code: String,
    pub firstlineno: u32,
    /// Where its instructions start in the variant's `instructions`: a block's `first` and
    /// `end` count from there.
    pub first_instruction: usize,
    pub blocks: Vec<GraphBlock>,
    pub edges: Vec<GraphEdge>,
    /// Why flypy could not make the graph (then `blocks` and `edges` are empty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_error: Option<String>,
}

/// A basic block: the code object's instructions `first..end`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct GraphBlock {
    pub first: usize,
    pub end: usize,
    pub offset: u32,
    /// Executions per call (its first instruction's); `None`: unknown.
    pub per_call: Option<f64>,
}

/// An edge between blocks (indices into `blocks`).
#[derive(Clone, Debug, Serialize)]
pub struct GraphEdge {
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    /// Times per call control went this way, where the block counts determine it by flow
    /// conservation; `None`: not determined.
    pub per_call: Option<f64>,
}

/// Time per call, from flypy time's workers.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timing {
    /// Mean seconds per call, and its 95% confidence interval.
    pub mean_s: f64,
    pub ci_low_s: f64,
    pub ci_high_s: f64,
    pub median_s: f64,
    pub stdev_s: f64,
    pub values: usize,
    pub processes: usize,
    /// Every timed value, seconds per call, by worker process.
    pub values_s: Vec<Vec<f64>>,
    /// Mean microseconds per call (what the text prints).
    pub mean_us: f64,
    /// This variant's time over the fastest variant's (paired by process).
    pub ratio_to_fastest: Option<Ratio>,
}

/// A ratio of times with its 95% confidence interval and paired significance test: flypy's
/// one ratio type.
pub use flypy_stats::Ratio;

/// Machine instructions per call (callgrind, differential) and the C functions they go to.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Machine {
    pub instructions_per_call: f64,
    /// Every C function with at least half an instruction per call of self cost, most first.
    pub functions: Vec<FunctionCost>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct FunctionCost {
    pub function: String,
    pub self_per_call: f64,
    pub inclusive_per_call: f64,
}

/// Energy per call, modelled or measured, with how.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Energy {
    pub joules_per_call: f64,
    pub joules_per_million_calls: f64,
    pub grams_co2e_per_million_calls: f64,
    /// How the figure was obtained and what it assumes.
    pub method: String,
}

/// One opname whose executed count differs between the two variants of a comparison.
#[derive(Clone, Debug, Default, Serialize)]
pub struct OpDiff {
    pub op: String,
    pub slower_per_call: f64,
    pub faster_per_call: f64,
    pub diff_per_call: f64,
    /// Per iteration (per call / the case's iterations), when the case says how many.
    pub slower_per_iteration: Option<f64>,
    pub faster_per_iteration: Option<f64>,
    pub diff_per_iteration: Option<f64>,
    /// Whether the difference scales with the iterations (at least
    /// [`crate::compare::PER_ITERATION`] instructions per iteration) or is paid per call.
    pub per_iteration: bool,
    /// flypy's one-line account of the instruction (`flypy explain OP`).
    pub summary: Option<String>,
    pub slower_specialized: Vec<String>,
    pub faster_specialized: Vec<String>,
    /// flypy's one-line account of each specialized form that ran, by name.
    pub specialized_summaries: std::collections::BTreeMap<String, String>,
}

/// One opname executed as often by both variants, specialized differently (e.g. CONTAINS_OP
/// on a set becomes CONTAINS_OP_SET; on a list it stays generic).
#[derive(Clone, Debug, Default, Serialize)]
pub struct SpecializationDiff {
    pub op: String,
    pub slower: Vec<String>,
    pub faster: Vec<String>,
    /// flypy's one-line account of each specialized form, by name.
    pub summaries: std::collections::BTreeMap<String, String>,
}

/// A slower variant against the next faster one.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Comparison {
    /// Indexes into the variants.
    pub slower: usize,
    pub faster: usize,
    /// The slower's time over the faster's, paired by process.
    pub time_ratio: Option<Ratio>,
    pub slower_bytecode_per_call: Option<f64>,
    pub faster_bytecode_per_call: Option<f64>,
    pub slower_bytecode_per_iteration: Option<f64>,
    pub faster_bytecode_per_iteration: Option<f64>,
    /// Every opname whose per-call count differs, largest difference first.
    pub ops: Vec<OpDiff>,
    /// Opnames both execute as often, that the 3.11+ interpreter specialized differently.
    pub specialized_differently: Vec<SpecializationDiff>,
    pub machine: Option<MachineDiff>,
    pub saving: Option<Saving>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct MachineDiff {
    pub slower_per_call: f64,
    pub faster_per_call: f64,
    pub diff_per_call: f64,
    pub diff_per_iteration: Option<f64>,
    /// Share of the difference in the listed functions, in percent.
    pub top_share_percent: f64,
    /// By C function, the slower's self instructions per call minus the faster's, largest
    /// absolute difference first (those of at least half an instruction).
    pub functions: Vec<FunctionDiff>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct FunctionDiff {
    pub function: String,
    pub diff_per_call: f64,
}

/// What the faster variant saves against the slower one.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Saving {
    pub microseconds_per_call: f64,
    /// Percent of the slower's time.
    pub percent: f64,
    pub joules_per_million_calls: Option<f64>,
    pub grams_co2e_per_million_calls: Option<f64>,
}
