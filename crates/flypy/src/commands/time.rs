//! `flypy time STMT... [--setup CODE]`: how long each statement takes per call, with
//! confidence intervals, and how the statements compare, measured in several worker processes
//! of the target interpreter (helper/timeit.py compiles each statement inside a function as
//! `timeit` does). `--format pyperf` writes pyperf's JSON; `--load FILE` reads pyperf files.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use flypy_measure::time::{self, TimeOptions};
use flypy_report::Document;

use super::StatementOptions;
use crate::output;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TimeFormat {
    #[default]
    Text,
    Json,
    /// pyperf's JSON (a benchmark suite), for `python -m pyperf stats|compare_to`.
    Pyperf,
    /// One self-contained HTML file (charts), offline.
    Html,
}

#[derive(clap::Args)]
pub struct Args {
    /// Statements to time (each one a variant; two or more are compared).
    #[arg(required_unless_present = "load")]
    statements: Vec<String>,
    #[command(flatten)]
    opts: StatementOptions,
    /// Worker processes (more when --until asks for them).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..))]
    processes: u32,
    /// Timed values per statement in each process.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    values: u32,
    /// Warm-up values per statement in each process (not used in the statistics).
    #[arg(long, default_value_t = 1)]
    warmups: u32,
    /// Seconds one value should take (the loop count is calibrated to it).
    #[arg(long, default_value_t = 0.05, value_parser = super::seconds)]
    min_time: f64,
    /// Keep adding processes until every ratio's 95% CI is within this many percent of the
    /// ratio (e.g. 1), or --max-time passes.
    #[arg(long, value_parser = super::positive)]
    until: Option<f64>,
    /// Wall-time budget in seconds for --until.
    #[arg(long, default_value_t = 120.0, value_parser = super::seconds)]
    max_time: f64,
    /// Seconds one worker process may take.
    #[arg(long, default_value_t = 120.0, value_parser = super::seconds)]
    timeout: f64,
    /// Read pyperf JSON files instead of running statements (one benchmark or a suite each).
    #[arg(long, conflicts_with = "statements")]
    load: Vec<std::path::PathBuf>,
    /// Per-core active power in watts for the energy estimate, instead of flypy's CPU table.
    #[arg(long, value_parser = super::watts)]
    cpu_watts: Option<f64>,
    /// Grid region for CO2e (ISO country code, e.g. DE, US, FR; default: world average).
    #[arg(long)]
    region: Option<String>,
    /// Calls per day: energy and CO2e per year of each statement, and what the faster saves.
    #[arg(long, value_parser = super::positive)]
    calls_per_day: Option<f64>,
    #[arg(long, value_enum, default_value_t)]
    format: TimeFormat,
    #[command(flatten)]
    html: super::HtmlOutput,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let region = match &args.region {
        Some(code) => flypy_energy::region(code)?,
        None => flypy_energy::world(),
    };
    if let Some(c) = args.calls_per_day {
        if !(c.is_finite() && c > 0.0) {
            bail!("--calls-per-day must be a positive number");
        }
    }
    let (variants, mut about) = if args.load.is_empty() {
        let interp = flypy_probe::resolve(args.opts.python.as_deref())?;
        let opts = TimeOptions {
            statements: args.statements.clone(),
            setup: args.opts.setup.clone(),
            module_level: args.opts.module_level,
            processes: args.processes,
            values: args.values,
            warmups: args.warmups,
            min_time: args.min_time,
            until: args.until,
            max_time: Duration::try_from_secs_f64(args.max_time).context("--max-time")?,
            timeout: Duration::try_from_secs_f64(args.timeout).context("--timeout")?,
            cpu_watts: args.cpu_watts,
        };
        let progress = crate::progress::on_terminal(crate::progress::Terminal::workers);
        match time::measure(&interp, &opts, progress.as_ref())? {
            Ok(measured) => measured,
            Err(failed) => return super::user_failure(failed),
        }
    } else {
        time::load_pyperf(&args.load)?
    };
    about.region = region;
    about.calls_per_day = args.calls_per_day;
    let doc = Document::Time(flypy_report::Time {
        doc: time::document(&variants, &about),
        variants: &variants,
        about: &about,
    });
    match args.format {
        TimeFormat::Text => output::export(&flypy_report::Text::default(), &doc)?,
        TimeFormat::Json => output::export(&flypy_report::Json, &doc)?,
        TimeFormat::Pyperf => output::export(&flypy_report::Pyperf, &doc)?,
        TimeFormat::Html => output::html("time", &doc, args.html.output.as_deref())?,
    }
    Ok(ExitCode::SUCCESS)
}
