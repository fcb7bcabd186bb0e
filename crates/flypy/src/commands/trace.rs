//! `flypy trace (SCRIPT [ARGS] | -c CODE)`: how many times each instruction of the program's
//! own code ran, joined with flypy's disassembly of the same source; totals per opcode and
//! per source line.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use flypy_measure::trace::{self, describe, totals, Listing, TraceOptions, Traced};
use flypy_probe::run::{Counting, Ending, Limits, Program};

use super::ReportFormat as Format;
use crate::output;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// `sys.settrace` opcode events (3.7+).
    Settrace,
    /// `sys.monitoring` INSTRUCTION events (3.12+).
    Monitoring,
    /// `sys.monitoring` control-flow events only, every instruction's count derived from
    /// them on flypy's control-flow graph (3.12+; the fastest).
    Edges,
}

#[derive(clap::Args)]
pub struct Args {
    /// Interpreter to run under: a path, a command, or a version such as 3.12.
    #[arg(long)]
    python: Option<String>,
    /// How to count (default: edges on 3.12+, settrace before).
    #[arg(long, value_enum)]
    method: Option<Method>,
    /// Stop the program after this many seconds.
    #[arg(long, default_value_t = 60.0, value_parser = super::seconds)]
    timeout: f64,
    /// Address-space limit of the program, in MiB.
    #[arg(long)]
    memory_mib: Option<u64>,
    /// Also show what the 3.11+ specializing interpreter turned each instruction into, from a
    /// second run without counting (instrumentation would change what specializes).
    #[arg(long)]
    adaptive: bool,
    #[arg(long, value_enum, default_value_t)]
    format: Format,
    #[command(flatten)]
    html: super::HtmlOutput,
    /// Program text to run instead of a script.
    #[arg(short = 'c', conflicts_with = "script")]
    code: Option<String>,
    /// The script and its arguments (paths and arguments need not be UTF-8).
    #[arg(required_unless_present = "code", trailing_var_arg = true)]
    script: Vec<std::ffi::OsString>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let interp = flypy_probe::resolve(args.python.as_deref())?;
    let counting = match args.method {
        Some(Method::Settrace) => Counting::Settrace,
        Some(Method::Monitoring) => Counting::Monitoring,
        Some(Method::Edges) => Counting::Edges,
        None => trace::default_counting(interp.version),
    };
    let program = match &args.code {
        Some(code) => Program::Code(code.clone()),
        None => {
            let (script, rest) = args
                .script
                .split_first()
                .context("a script or -c CODE is needed")?;
            Program::Script {
                path: PathBuf::from(script),
                args: rest.to_vec(),
            }
        }
    };
    let timeout = Duration::try_from_secs_f64(args.timeout).context("--timeout")?;
    let limits = Limits {
        timeout,
        memory: args.memory_mib.map(|m| m.saturating_mul(1 << 20)),
        ..Limits::default()
    };
    let opts = TraceOptions {
        program,
        counting,
        // Asked for edges: say why they failed. By default: count every instruction.
        strict: args.method == Some(Method::Edges),
        limits,
    };
    let mut traced = trace::trace(&interp, &opts)?;
    if let Some(why) = &traced.fallback {
        crate::noteln!(
            "flypy: note: {why}\nflypy: note: counting every instruction instead, in a second run"
        );
    }
    if let Some(why) = &traced.outcome.incomplete {
        crate::noteln!(
            "flypy: warning: the counts are incomplete, lower bounds: {why} (from then on, \
             what ran was not all counted)"
        );
    }
    if args.adaptive {
        let warm = trace::specialized(&interp, &mut traced, &opts.program, &opts.limits)?;
        if warm != traced.outcome.ending {
            crate::noteln!(
                "flypy: note: the run for the specialized view {} (the counted run {})",
                warm.describe(),
                traced.outcome.ending.describe()
            );
        }
    }
    let Traced {
        source,
        listings,
        outcome,
        counting,
        known,
        ..
    } = traced;
    let method = describe(counting);
    let text = match args.format {
        Format::Text => text(&listings, &interp.full_version, method, &outcome.ending),
        Format::Json | Format::Html => {
            let doc = trace::document(&listings, &source, &interp, counting, &outcome, known);
            // Through a Value: its maps sort their keys, as the schema's documents always had.
            let doc = serde_json::to_value(&doc)?;
            if args.format == Format::Html {
                output::html("trace", &doc, args.html.output.as_deref())?;
                String::new()
            } else {
                format!("{}\n", serde_json::to_string(&doc)?)
            }
        }
    };
    if args.format == Format::Text {
        // The program's own output first, as it would have appeared.
        pass_through(&mut std::io::stderr().lock(), &outcome.stderr, "stderr")?;
        pass_through(&mut std::io::stdout().lock(), &outcome.stdout, "stdout")?;
    }
    output::print(&text)?;
    if outcome.ending.is_success() {
        Ok(ExitCode::SUCCESS)
    } else {
        crate::noteln!("flypy: the program {}", outcome.ending.describe());
        if let Ending::Exception { traceback, .. } = &outcome.ending {
            crate::note!("{traceback}");
        }
        Ok(crate::exit::user_code())
    }
}

/// Writes what was kept of one of the program's streams, and how much more there was.
fn pass_through(
    w: &mut impl std::io::Write,
    c: &flypy_probe::run::Captured,
    name: &str,
) -> std::io::Result<()> {
    w.write_all(&c.kept)?;
    if c.truncated() {
        let more = c.total - c.kept.len() as u64;
        writeln!(w, "[flypy: {name}: {more} more bytes not shown]")?;
    }
    if c.held_open {
        writeln!(
            w,
            "[flypy: {name}: still held open {:.0} s after the program ended (by a process it started in a session of its own, which flypy cannot stop); not read further]",
            flypy_probe::run::HELD_OPEN_GRACE.as_secs_f64()
        )?;
    }
    w.flush()
}

/// A heat marker: eighths of a block by the count's share of the hottest instruction's.
fn heat(count: u64, max: u64) -> &'static str {
    const BARS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
    if count == 0 || max == 0 {
        return BARS[0];
    }
    let eighths = (count.saturating_mul(8)).div_ceil(max).clamp(1, 8);
    BARS[eighths as usize]
}

fn text(listings: &[Listing], full_version: &str, method: &str, ending: &Ending) -> String {
    let mut t = String::new();
    let total: u64 = listings.iter().map(Listing::total).sum();
    let max = listings
        .iter()
        .flat_map(|l| l.rows.iter().filter_map(|r| r.count))
        .max()
        .unwrap_or(0);
    if !ending.reported() {
        let _ = writeln!(
            t,
            "Executed instructions: unknown (CPython {full_version}, counted with {method}; the program {}, and its counts were lost with it)",
            ending.describe()
        );
    } else {
        let _ = writeln!(
            t,
            "Executed instructions: {total} (CPython {full_version}, counted with {method}; the program {})",
            ending.describe()
        );
    }
    let mut order: Vec<&Listing> = listings.iter().collect();
    order.sort_by(|a, b| {
        b.total()
            .cmp(&a.total())
            .then(a.firstlineno.cmp(&b.firstlineno))
    });
    for l in order {
        let executed = if ending.reported() {
            format!("{} executed", l.total())
        } else {
            "counts unknown".to_owned()
        };
        let _ = writeln!(t, "\n{} (line {}): {executed}", l.qualname, l.firstlineno);
        let _ = writeln!(
            t,
            "{:>12}   {:>5} {:>6}  instruction",
            "count", "line", "offset"
        );
        for r in &l.rows {
            let line = r.line.map(|n| n.to_string()).unwrap_or_default();
            let arg = r.arg.map(|a| a.to_string()).unwrap_or_default();
            let repr = if r.argrepr.is_empty() {
                String::new()
            } else {
                format!(" ({})", r.argrepr)
            };
            let count = match r.count {
                Some(c) => c.to_string(),
                None if ending.reported() => "not seen".to_owned(),
                None => "unknown".to_owned(),
            };
            let special = r
                .specialized
                .map(|s| format!("  -> {s}"))
                .unwrap_or_default();
            let _ = writeln!(
                t,
                "{:>12} {} {:>5} {:>6}  {:<24}{:>5}{}{}",
                count,
                heat(r.count.unwrap_or(0), max),
                line,
                r.offset,
                r.opname,
                arg,
                repr,
                special
            );
        }
    }
    if !ending.reported() {
        return t;
    }
    let (ops, lines) = totals(listings);
    let _ = writeln!(t, "\nBy opcode:");
    for (name, n) in ops {
        let _ = writeln!(t, "{n:>12}  {name}");
    }
    let _ = writeln!(t, "\nBy source line:");
    for (line, n) in lines {
        let _ = writeln!(t, "{n:>12}  line {line}");
    }
    t
}
