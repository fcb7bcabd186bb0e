//! `flypy cases`: the built-in cases `flypy dive --case NAME` runs, each with its question.

use std::process::ExitCode;

use flypy_dive::case;
use flypy_measure::doc::{CaseDoc, CaseSummary, CasesDoc};
use flypy_report::Document;

use super::Format;

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
        let about = case::about(c.source).unwrap_or_default();
        let doc = CaseDoc {
            schema: "flypy.case/1",
            summary: CaseSummary::new(c.name, &about),
            file: c.file,
            source: c.source,
        };
        args.format.write(&Document::Case(doc))?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows: Vec<(&str, case::About)> = case::BUILTIN
        .iter()
        .map(|c| (c.name, case::about(c.source).unwrap_or_default()))
        .collect();
    let doc = CasesDoc {
        schema: "flypy.cases/1",
        cases: rows
            .iter()
            .map(|(name, a)| CaseSummary::new(name, a))
            .collect(),
    };
    args.format.write(&Document::Cases(doc))?;
    Ok(ExitCode::SUCCESS)
}
