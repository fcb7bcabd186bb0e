use clap::Parser;

/// Flying Python: reverse-engineer the performance of Python code.
#[derive(Parser)]
#[command(name = "flypy", version)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
}
