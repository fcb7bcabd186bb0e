//! The `flypy` command line: argument parsing, output streams and exit codes. The work itself
//! lives in the library crates.

// Messages to stderr go through note!/noteln!: a closed stderr is no panic.
#![deny(clippy::print_stderr)]

mod commands;
mod exit;
mod output;
mod progress;
mod signals;

use std::process::ExitCode;

// Disassembly allocates many small strings and vectors; mimalloc serves them markedly faster
// than the system allocator (measured with callgrind on a stdlib corpus, docs/decisions.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// `flypy --version`: the crate's version and, when built from a git checkout, the commit
/// (build.rs).
pub(crate) const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), env!("FLYPY_VERSION_SUFFIX"));

/// Flying Python: reverse-engineer the performance of Python code.
#[derive(Parser)]
#[command(name = "flypy", version = VERSION, about)]
struct Cli {
    /// When to use bold and colour on stdout: auto (when stdout is a terminal that takes escape
    /// codes and NO_COLOR is unset), always, never.
    #[arg(long, value_enum, global = true, default_value_t)]
    color: output::Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Two or more ways of writing one thing, side by side from source to machine, and why
    /// one is faster, in numbers from this run (default: building a list, loop vs comprehension).
    Dive(commands::dive::Args),
    /// List the built-in cases `flypy dive --case NAME` runs, with the question each answers.
    Cases(commands::cases::Args),
    /// What an opcode does and costs, in a given version: flypy's own opcode reference.
    Explain(commands::explain::Args),
    /// List the CPython interpreters flypy finds (PATH, pyenv, virtualenv/conda, provisioned).
    Pythons(commands::pythons::Args),
    /// Disassemble `.py` (compiled by the target interpreter) and `.pyc` files (any version,
    /// no interpreter needed) exactly as that CPython's own `dis` prints them.
    Dis(commands::dis::Args),
    /// Run a program and count how many times each instruction of its own code executed,
    /// joined with flypy's disassembly; totals per opcode and per source line.
    Trace(commands::trace::Args),
    /// Machine instructions per call of statements (valgrind callgrind, differential), the
    /// interpreter's C functions they go to, and their difference between statements.
    Cost(commands::cost::Args),
    /// Time statements (compiled as timeit does) in several worker processes: mean, median,
    /// confidence intervals, ratios with their significance, energy per call; pyperf's JSON.
    Time(commands::time::Args),
    /// Draw the HTML page of a document saved with `--format json` (dive, trace, cost, time).
    Report(commands::report::Args),
    /// Print a shell completion script (bash, zsh, fish), generated from flypy's own options.
    Completions(commands::shell::CompletionsArgs),
    /// Print the man page (roff) of flypy or of one subcommand: `flypy man > flypy.1`.
    Man(commands::shell::ManArgs),
}

fn main() -> ExitCode {
    // clap colours its own help and errors; it is told --color before it parses (the value
    // is read again, checked, by the parse itself).
    let early = output::Color::from_args(std::env::args_os());
    let matches = Cli::command().color(early.for_clap()).get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    output::set_color(cli.color);
    if let Err(e) = signals::install() {
        crate::noteln!(
            "flypy: error: cannot set up its temporary folder and signal handling: {e:#}"
        );
        return exit::input();
    }
    let result = run(cli);
    flypy_probe::session::end();
    result
}

fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Dive(args) => commands::dive::run(args),
        Command::Cases(args) => commands::cases::run(args),
        Command::Explain(args) => commands::explain::run(args),
        Command::Pythons(args) => commands::pythons::run(args),
        Command::Dis(args) => commands::dis::run(args),
        Command::Trace(args) => commands::trace::run(args),
        Command::Cost(args) => commands::cost::run(args),
        Command::Time(args) => commands::time::run(args),
        Command::Report(args) => commands::report::run(args),
        Command::Completions(args) => commands::shell::completions(args, Cli::command()),
        Command::Man(args) => commands::shell::man(args, Cli::command()),
    };
    match result {
        Ok(code) => code,
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            crate::noteln!("flypy: error: {err:#}");
            exit::input()
        }
    }
}
