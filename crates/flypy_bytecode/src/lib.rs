//! CPython bytecode for 2.7 and 3.6–3.15: opcode tables (generated data), decoding,
//! line/location and exception tables, and text identical to each version's own `dis`.

pub mod cfg;
pub mod cfg_graph;
pub mod decode;
pub mod dis;
pub mod exception_table;
pub mod flow;
pub mod hooks;
pub mod instruction;
pub mod lines;
pub mod pyrepr;
pub mod table;
pub mod tables;
pub mod unicode;

pub use instruction::{ArgVal, Instruction, Positions};
pub use table::{OpFlags, OpcodeTable};
