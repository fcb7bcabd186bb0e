//! Developer tasks for the flypy workspace (`cargo dev …`, an alias in .cargo/config.toml).
//!
//! - `generate-all [--check]`: the opcode tables in crates/flypy_bytecode/src/tables from the
//!   committed facts in crates/flypy_dev/facts, and the version profiles (with `SUPPORTED` and
//!   the magic-number ranges) in crates/flypy_marshal/src/profile_table.rs from those facts and
//!   the hand-kept entries in src/profiles.rs; `--check` only compares.
//! - `refresh-facts [--check]`: rerun tools/opcode_facts.py on every interpreter found and
//!   update (or compare) the facts.

mod facts;
mod gen_profiles;
mod gen_tables;
mod output;
mod profiles;
mod refresh;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo dev", about = "flypy developer tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerate every generated file (the opcode tables, the version profiles) from the
    /// committed facts and the hand-kept profile entries.
    GenerateAll {
        /// Change nothing; fail naming each file that differs from what would be generated.
        #[arg(long)]
        check: bool,
    },
    /// Rerun tools/opcode_facts.py on every interpreter found and update the facts.
    RefreshFacts {
        /// Change nothing; fail naming each facts file an interpreter disagrees with.
        #[arg(long)]
        check: bool,
    },
}

/// The workspace root (this crate lives in `crates/flypy_dev`).
pub fn workspace_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

fn generate_all(check: bool) -> Result<()> {
    let all = facts::load_all()?;
    let mut files = Vec::new();
    for (path, source) in gen_tables::generate(&all) {
        files.push((path, output::rustfmt(&source)?));
    }
    let mut diff = output::diff(
        &files,
        &gen_tables::tables_dir(),
        gen_tables::GENERATED_MARK,
    )?;
    let (path, source) = gen_profiles::generate(&all)?;
    let profiles = vec![(path, output::rustfmt(&source)?)];
    let profiles_dir = gen_profiles::table_path()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let more = output::diff(&profiles, &profiles_dir, gen_tables::GENERATED_MARK)?;
    diff.changed.extend(more.changed);
    diff.stale.extend(more.stale);
    files.extend(profiles);
    if check {
        output::check(&diff, "cargo dev generate-all")
    } else {
        output::apply(&files, &diff)?;
        if diff.is_empty() {
            println!("generated files are up to date");
        }
        Ok(())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.task {
        Task::GenerateAll { check } => generate_all(check),
        Task::RefreshFacts { check } => refresh::refresh_facts(check),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("cargo dev: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
