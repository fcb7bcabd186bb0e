//! `flypy cases`: the built-in cases `flypy dive --case NAME` runs, each with its question.

use std::fmt::Write as _;
use std::process::ExitCode;

use flypy_dive::case;
use serde_json::json;

use super::Format;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Show this case's source (the variants as written; with --format json, its name,
    /// question and description with the source).
    #[arg(long)]
    show: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(name) = &args.show {
        let c = case::find(name)?;
        match args.format {
            Format::Text => output::print(c.source)?,
            Format::Json => {
                let mut doc = summary(c.name, &case::about(c.source).unwrap_or_default());
                doc["schema"] = json!("flypy.case/1");
                doc["file"] = json!(c.file);
                doc["source"] = json!(c.source);
                output::print(&format!("{}\n", serde_json::to_string(&doc)?))?;
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<(&str, case::About)> = case::BUILTIN
        .iter()
        .map(|c| (c.name, case::about(c.source).unwrap_or_default()))
        .collect();
    let text = match args.format {
        Format::Text => {
            let mut t = String::new();
            for (name, about) in &rows {
                let default = if *name == case::DEFAULT_CASE {
                    " (default)"
                } else {
                    ""
                };
                let _ = writeln!(t, "{:<18} {}{default}", name, about.question);
            }
            let _ = writeln!(
                t,
                "\nflypy dive --case NAME runs one; flypy cases --show NAME prints its variants.\n\
                 A case file of your own has the same shape: flypy dive FILE.py"
            );
            t
        }
        Format::Json => {
            let cases: Vec<_> = rows.iter().map(|(name, a)| summary(name, a)).collect();
            format!(
                "{}\n",
                serde_json::to_string(&json!({"schema": "flypy.cases/1", "cases": cases}))?
            )
        }
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A case's name, question and description, and whether it is the default, as JSON (the
/// listing's entries; `--show` adds the source).
fn summary(name: &str, about: &case::About) -> serde_json::Value {
    json!({"name": name, "question": about.question, "description": about.description,
           "default": name == case::DEFAULT_CASE})
}
