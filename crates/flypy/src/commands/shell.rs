//! `flypy completions SHELL` and `flypy man [SUBCOMMAND]`: shell completion scripts and man
//! pages generated from flypy's own command-line definition (clap_complete, clap_mangen), so
//! they name every subcommand and option the binary has, and cannot fall behind it.

use std::process::ExitCode;

use anyhow::Context;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
}

#[derive(clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. E.g. bash: `flypy completions bash > ~/.local/share/bash-completion/completions/flypy`.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(clap::Args)]
pub struct ManArgs {
    /// A subcommand's own page (flypy-dive.1, …) instead of flypy.1.
    subcommand: Option<String>,
}

/// Writes the completion script of `cli` (flypy's whole definition) for the chosen shell.
pub fn completions(args: CompletionsArgs, mut cli: clap::Command) -> anyhow::Result<ExitCode> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cli, "flypy", &mut script);
    crate::output::print(script)?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the man page (roff) of `cli`, or of one of its subcommands.
pub fn man(args: ManArgs, cli: clap::Command) -> anyhow::Result<ExitCode> {
    // Subcommands' pages are named flypy-<name> and say so in their synopsis. Built first, so
    // a subcommand has the global options (`--color`) as its --help shows them.
    let mut cli = cli.version(crate::VERSION);
    cli.build();
    let page = match &args.subcommand {
        None => cli,
        Some(name) => {
            let names: Vec<String> = cli
                .get_subcommands()
                .map(|s| s.get_name().to_owned())
                .collect();
            let sub = cli
                .find_subcommand(name)
                .with_context(|| {
                    format!("no subcommand {name:?} (flypy has: {})", names.join(", "))
                })?
                .clone();
            let full = format!("flypy-{}", sub.get_name());
            sub.name(full.clone())
                .bin_name(format!("flypy {}", name))
                .display_name(full)
                // The page's header names the version; the subcommand takes no -V itself.
                .version(crate::VERSION)
                .disable_version_flag(true)
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut roff)
        .context("writing the man page")?;
    crate::output::print(roff)?;
    Ok(ExitCode::SUCCESS)
}
