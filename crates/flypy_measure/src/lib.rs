//! flypy's engine: everything that measures Python code (compiling and walking sources,
//! counting executed bytecode), with plain option structs and typed results, and no
//! command-line type anywhere (docs/engine.md). The `flypy` binary turns its arguments into
//! these options and the results into text or JSON.

pub mod cost;
pub mod dive;
pub mod dive_doc;
pub mod doc;
pub mod error;
pub mod input;
mod note;
pub mod progress;
pub mod quickened;
pub mod source;
pub mod time;
pub mod trace;

pub use error::{Context, Error, Result};
