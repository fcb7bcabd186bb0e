//! `flypy cases`: the built-in cases `flypy dive --case NAME` runs, each with its question.

use std::fmt::Write as _;
use std::process::ExitCode;

use flypy_dive::case;
use flypy_measure::doc::{CaseDoc, CaseSummary, CasesDoc};

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
                let about = case::about(c.source).unwrap_or_default();
                let doc = CaseDoc {
                    schema: "flypy.case/1",
                    summary: CaseSummary::new(c.name, &about),
                    file: c.file,
                    source: c.source,
                };
                // Through a Value: its maps sort their keys, as the schema's documents had.
                let doc = serde_json::to_value(&doc)?;
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
            let doc = CasesDoc {
                schema: "flypy.cases/1",
                cases: rows
                    .iter()
                    .map(|(name, a)| CaseSummary::new(name, a))
                    .collect(),
            };
            format!("{}\n", serde_json::to_string(&serde_json::to_value(&doc)?)?)
        }
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}
