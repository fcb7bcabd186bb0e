//! `flypy time STMT... [--setup CODE]`: how long each statement takes per call, with
//! confidence intervals, and how the statements compare, measured in several worker processes
//! of the target interpreter (helper/timeit.py compiles each statement inside a function as
//! `timeit` does). `--format pyperf` writes pyperf's JSON; `--load FILE` reads pyperf files.

use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use flypy_measure::progress::{NoProgress, Progress};
use flypy_measure::time::{self, fastest, paired_ratio, About, TimeOptions, Variant};

use super::{one_line, StatementOptions};
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
        let terminal = crate::progress::Terminal::workers();
        let progress: &dyn Progress = if args.format == TimeFormat::Text
            && std::io::IsTerminal::is_terminal(&std::io::stderr())
        {
            &terminal
        } else {
            &NoProgress
        };
        match time::measure(&interp, &opts, progress)? {
            Ok(measured) => measured,
            Err(failed) => return super::user_failure(failed),
        }
    } else {
        time::load_pyperf(&args.load)?
    };
    about.region = region;
    about.calls_per_day = args.calls_per_day;
    let text = match args.format {
        TimeFormat::Text => text(&variants, &about),
        TimeFormat::Json => format!(
            "{}\n",
            serde_json::to_string(&serde_json::to_value(time::document(&variants, &about))?)?
        ),
        TimeFormat::Pyperf => format!(
            "{}\n",
            serde_json::to_string(&time::pyperf_document(&variants, &about))?
        ),
        TimeFormat::Html => {
            let doc = serde_json::to_value(time::document(&variants, &about))?;
            output::html("time", &doc, args.html.output.as_deref())?;
            String::new()
        }
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// A duration in seconds with a unit that keeps three or four significant digits.
fn seconds(s: f64) -> String {
    let (scale, unit) = match s.abs() {
        x if x >= 1.0 => (1.0, "s"),
        x if x >= 1e-3 => (1e3, "ms"),
        x if x >= 1e-6 => (1e6, "µs"),
        _ => (1e9, "ns"),
    };
    let v = s * scale;
    let digits = if v >= 100.0 {
        1
    } else if v >= 10.0 {
        2
    } else {
        3
    };
    format!("{} {unit}", number(v, digits))
}

/// A figure with `decimals` decimals, or with an exponent when it is huge (what a user typed
/// or a pyperf file held may be absurd: no 300-digit numbers).
fn number(x: f64, decimals: usize) -> String {
    flypy_energy::format_number(x, Some(decimals))
}

fn text(variants: &[Variant], about: &About) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "{} — {}", about.python, about.how);
    let _ = writeln!(
        t,
        "timer: {}; setup: {}",
        about.timer,
        one_line(&about.setup)
    );
    for (i, v) in variants.iter().enumerate() {
        let _ = writeln!(t, "\n#{} {}", i + 1, one_line(&v.name));
        match flypy_stats::Summary::of(&v.values()) {
            Ok(s) => {
                let ci = s
                    .ci95()
                    .map(|c| format!(" (95% CI {} – {})", seconds(c.lower), seconds(c.upper)))
                    .unwrap_or_default();
                let stdev = s.stdev().map(seconds).unwrap_or_else(|| "-".to_owned());
                let _ = writeln!(
                    t,
                    "   mean {}{ci}, median {}, stdev {stdev}, min {}, max {}",
                    seconds(s.mean()),
                    seconds(s.median()),
                    seconds(s.min()),
                    seconds(s.max())
                );
                let _ = writeln!(
                    t,
                    "   {} values ({} loops each) from {} processes",
                    s.n(),
                    v.loops,
                    v.runs.len()
                );
            }
            Err(e) => {
                let _ = writeln!(t, "   no statistics: {e}");
            }
        }
    }
    if variants.len() >= 2 {
        let fastest = fastest(variants);
        let _ = writeln!(
            t,
            "\nCompared with the fastest (#{}), per process, 95% CI across processes:",
            fastest + 1
        );
        for (i, v) in variants.iter().enumerate().filter(|(i, _)| *i != fastest) {
            match paired_ratio(v, &variants[fastest]) {
                Some(r) => {
                    let verdict = if !r.significant() {
                        "no significant difference".to_owned()
                    } else {
                        format!("#{} is slower", i + 1)
                    };
                    let _ = writeln!(
                        t,
                        "   #{} / #{} = {}× (95% CI {}–{}), p {}: {verdict}",
                        i + 1,
                        fastest + 1,
                        number(r.ratio, 3),
                        number(r.low, 3),
                        number(r.high, 3),
                        p_text(r.p_value)
                    );
                }
                None => {
                    let _ = writeln!(
                        t,
                        "   #{} / #{}: no interval (needs two or more processes)",
                        i + 1,
                        fastest + 1
                    );
                }
            }
        }
    }
    energy_text(&mut t, variants, about);
    t
}

/// Energy per call of each statement and, with a call rate, per year and what the fastest
/// saves; every figure with its method and source.
fn energy_text(t: &mut String, variants: &[Variant], about: &About) {
    let estimates: Vec<&flypy_energy::EnergyEstimate> =
        variants.iter().filter_map(|v| v.energy.as_ref()).collect();
    let Some(first) = estimates.first() else {
        return;
    };
    let _ = writeln!(t, "\nEnergy per call ({})", first.method.summary());
    for (i, v) in variants.iter().enumerate() {
        if let Some(e) = &v.energy {
            let _ = writeln!(
                t,
                "   #{} {} per call, {} per million calls",
                i + 1,
                flypy_energy::format_joules(e.joules_per_call),
                flypy_energy::format_joules(e.joules_per_call * 1e6)
            );
        }
    }
    for a in &first.assumptions {
        let _ = writeln!(t, "   assumes: {a}");
    }
    let Some(calls) = about.calls_per_day else {
        return;
    };
    let _ = writeln!(
        t,
        "\nAt {} calls a day, a year, in {}:",
        flypy_energy::format_number(calls, None),
        about.region.describe()
    );
    for (i, v) in variants.iter().enumerate() {
        if let Some(p) = v
            .energy
            .as_ref()
            .and_then(|e| flypy_energy::project(e, calls, about.region).ok())
        {
            let _ = writeln!(
                t,
                "   #{} {} kWh, {} kg CO2e",
                i + 1,
                number(p.kwh_per_year, 4),
                number(p.kg_co2e_per_year, 4)
            );
        }
    }
    let fastest = fastest(variants);
    if let Some(best) = variants[fastest].energy.as_ref() {
        for (i, v) in variants.iter().enumerate().filter(|(i, _)| *i != fastest) {
            if let Some(s) = v
                .energy
                .as_ref()
                .and_then(|e| flypy_energy::savings(best, e, calls, about.region).ok())
            {
                let _ = writeln!(
                    t,
                    "   #{} instead of #{} saves {} kWh and {} kg CO2e a year",
                    fastest + 1,
                    i + 1,
                    number(s.kwh_per_year, 4),
                    number(s.kg_co2e_per_year, 4)
                );
            }
        }
    }
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("= {p:.3}")
    }
}
