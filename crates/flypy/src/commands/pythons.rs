use std::fmt::Write as _;
use std::process::ExitCode;

use super::Format;
use crate::output;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let found = flypy_probe::discover();
    let text = match args.format {
        Format::Json => {
            let doc = flypy_measure::doc::PythonsDoc::new(&found);
            // Through a Value: its maps sort their keys, as the schema's documents always had.
            format!(
                "{}\n",
                serde_json::to_string_pretty(&serde_json::to_value(&doc)?)?
            )
        }
        Format::Text => {
            let mut t = String::new();
            writeln!(
                t,
                "{:<8}{:<10}{:<14}{:<13}{:<9}PATH",
                "VERSION", "FULL", "BUILD", "FOUND BY", "SYMBOLS"
            )?;
            for i in &found {
                let mut build = Vec::new();
                if i.debug {
                    build.push("debug");
                }
                if i.free_threaded {
                    build.push("free-threaded");
                }
                let build = if build.is_empty() {
                    "release".to_owned()
                } else {
                    build.join(",")
                };
                let how = serde_json::to_value(i.found_by)?;
                writeln!(
                    t,
                    "{:<8}{:<10}{:<14}{:<13}{:<9}{}",
                    i.version.to_string(),
                    i.full_version,
                    build,
                    how.as_str().unwrap_or("?"),
                    // Whether callgrind can name the interpreter's C functions.
                    match i.symbols {
                        Some(true) => "yes",
                        Some(false) => "no",
                        None => "unknown",
                    },
                    i.path.display()
                )?;
            }
            if found.is_empty() {
                writeln!(
                    t,
                    "(no CPython found on PATH, in pyenv or in {})",
                    flypy_probe::provisioned_dir().display()
                )?;
            }
            t
        }
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}
