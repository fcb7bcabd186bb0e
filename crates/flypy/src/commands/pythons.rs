//! `flypy pythons`: the CPython interpreters flypy finds, and how.

use std::process::ExitCode;

use super::Format;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let found = flypy_probe::discover();
    let doc = flypy_measure::doc::PythonsDoc::new(&found);
    args.format.write(&flypy_report::Document::Pythons(doc))?;
    Ok(ExitCode::SUCCESS)
}
