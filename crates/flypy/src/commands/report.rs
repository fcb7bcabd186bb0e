//! `flypy report DOC.json [-o FILE]`: the HTML page of a JSON document a dive, trace, cost or
//! time printed with `--format json` (the same page `--format html` writes, from a saved run).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// A JSON document from `flypy dive|trace|cost|time --format json` (`-`: standard input).
    document: PathBuf,
    #[command(flatten)]
    html: super::HtmlOutput,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let text = if args.document.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin()).context("reading standard input")?
    } else {
        std::fs::read_to_string(&args.document)
            .with_context(|| format!("{}", args.document.display()))?
    };
    let doc: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not JSON", args.document.display()))?;
    let kind = doc
        .get("schema")
        .and_then(serde_json::Value::as_str)
        .and_then(|s| s.strip_prefix("flypy."))
        .and_then(|s| s.split('/').next())
        .unwrap_or("report")
        .to_owned();
    // A saved document is JSON, not the engine's types: the page is drawn from it directly.
    let page = flypy_report::html(&doc)?;
    output::html_page(&kind, page.as_bytes(), args.html.output.as_deref())?;
    Ok(ExitCode::SUCCESS)
}
