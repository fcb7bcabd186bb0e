//! flypy's views. One [`Exporter`] trait writes a [`Document`] (a command's typed document,
//! with what its text needs beside it): [`Text`], [`Json`], [`Pyperf`] (time only) and
//! [`Html`]; the binary picks one by `--format` (docs/engine.md, "Target shape").
//!
//! The HTML page is that of a `dive`, `trace`, `cost` or `time` document. The exporter reads
//! the command's JSON document (`docs/json.md`), exactly what
//! `--format json` prints, so every number the page shows is one the JSON holds; each carries
//! its JSON pointer in `data-ptr` for the browser test to check. One file, offline: styles and
//! a small script inlined, SVG drawn here, and a Content-Security-Policy that forbids any
//! request (`docs/engine.md`, "HTML report").

mod charts;
mod cost;
mod dive;
mod document;
mod explanation;
mod export;
pub mod layout;
pub mod limits;
mod listing;
mod markup;
mod pyperf;
pub mod text;
mod time;
mod trace;

pub use document::{Cost, DisFile, Dive, Document, Time, Trace};
pub use export::{Exporter, Html, Json};
pub use pyperf::Pyperf;
use serde_json::Value;
pub use text::Text;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(
        "not a document flypy draws: schema {0:?} (HTML is made for dive, trace, cost and time)"
    )]
    Schema(String),
    #[error("the {what} document has no {field}")]
    Missing {
        what: &'static str,
        field: &'static str,
    },
    #[error(transparent)]
    Dis(#[from] flypy_bytecode::dis::DisError),
    #[error("{format} is made for {made_for}, not a {schema} document")]
    NotFor {
        format: &'static str,
        made_for: &'static str,
        schema: &'static str,
    },
    #[error(transparent)]
    DisEntry(#[from] flypy_measure::source::dis_json::EntryError),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The HTML page of `doc`, a flypy JSON document.
pub fn html(doc: &Value) -> Result<String, ReportError> {
    let schema = doc.get("schema").and_then(Value::as_str).unwrap_or("");
    let kind = schema.split('/').next().unwrap_or("");
    let page = match kind {
        "flypy.dive" => dive::page(doc),
        "flypy.trace" => trace::page(doc),
        "flypy.cost" => cost::page(doc),
        "flypy.time" => time::page(doc),
        _ => Err(ReportError::Schema(schema.to_owned())),
    }?;
    // The page states its own size (to the kB: the number changes it by a few bytes).
    let kb = page.len().div_ceil(1024);
    Ok(page.replacen("__FLYPY_PAGE_KB__", &kb.to_string(), 1))
}

/// Where `--format html` writes without `-o`: `flypy-<command>.html` in the current folder.
pub fn default_file_name(command: &str) -> String {
    format!("flypy-{command}.html")
}
