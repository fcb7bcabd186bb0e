//! `flypy trace (SCRIPT [ARGS] | -c CODE)`: how many times each instruction of the program's
//! own code ran, joined with flypy's disassembly of the same source; totals per opcode and
//! per source line.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use flypy_measure::progress::Event;
use flypy_measure::trace::{self, TraceOptions, Traced};
use flypy_probe::run::{Counting, Ending, Limits, Program};
use flypy_report::Document;

use super::ReportFormat as Format;

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
    let progress = crate::progress::steps_on_terminal();
    let mut traced = trace::trace(&interp, &opts, progress.as_ref())?;
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
        progress.report(Event::Step(
            "running the program again for the specialized view",
        ));
        let warm = trace::specialized(&interp, &mut traced, &opts.program, &opts.limits);
        progress.report(Event::Done);
        let warm = warm?;
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
    let doc = Document::Trace(flypy_report::Trace {
        doc: trace::document(&listings, &source, &interp, counting, &outcome, known),
        listings: &listings,
        ending: &outcome.ending,
    });
    if args.format == Format::Text {
        // The program's own output first, as it would have appeared.
        pass_through(&mut std::io::stderr().lock(), &outcome.stderr, "stderr")?;
        pass_through(&mut std::io::stdout().lock(), &outcome.stdout, "stdout")?;
    }
    args.format
        .write(&doc, &flypy_report::Text::default(), "trace", &args.html)?;
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
