//! `flypy cases`: the built-in cases `flypy dive --case NAME` runs, each with its question.

use std::fmt::Write as _;
use std::process::ExitCode;

use flypy_dive::case;
use serde_json::json;

use super::Format;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    /// Show this case's source (the variants as written).
    #[arg(long)]
    show: Option<String>,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let Some(name) = &args.show {
        let c = case::find(name)?;
        output::print(c.source)?;
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
            let cases: Vec<_> = rows
                .iter()
                .map(|(name, a)| json!({"name": name, "question": a.question, "description": a.description, "default": *name == case::DEFAULT_CASE}))
                .collect();
            format!(
                "{}\n",
                serde_json::to_string(&json!({"schema": "flypy.cases/1", "cases": cases}))?
            )
        }
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}
