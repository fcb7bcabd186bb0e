//! flypy's reports. Today: the HTML page of a `dive`, `trace`, `cost` or `time` document.
//!
//! The exporter reads the command's JSON document (`docs/json.md`), exactly what
//! `--format json` prints, so every number the page shows is one the JSON holds; each carries
//! its JSON pointer in `data-ptr` for the browser test to check. One file, offline: styles and
//! a small script inlined, SVG drawn here, and a Content-Security-Policy that forbids any
//! request (`docs/engine.md`, "HTML report").

mod charts;
mod cost;
mod dive;
mod explanation;
pub mod layout;
pub mod limits;
mod listing;
mod markup;
mod time;
mod trace;

use serde_json::Value;

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
