pub mod cases;
pub mod cost;
pub mod dis;
mod dis_json;
pub mod dive;
pub mod explain;
pub mod pythons;
mod quickened;
pub mod time;
pub mod trace;

/// `--format` values shared by the commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Exit code when the user's code failed (the CLI contract).
pub const EXIT_USER_CODE: u8 = 3;

/// What `flypy time` and `flypy cost` take besides the statements themselves.
#[derive(clap::Args)]
pub struct StatementOptions {
    /// Code run before the statements, in the same scope (as timeit's setup).
    #[arg(long, short = 's', default_value = "pass")]
    pub setup: String,
    /// Interpreter: a path, a command, or a version such as 3.12.
    #[arg(long)]
    pub python: Option<String>,
    /// Run the statements at module level (their names global) instead of inside a function
    /// (as timeit compiles them).
    #[arg(long)]
    pub module_level: bool,
}

/// A statement on one line, for headings (at most 60 characters).
pub fn one_line(stmt: &str) -> String {
    let flat = stmt.replace('\n', "; ");
    if flat.chars().count() > 60 {
        format!("{}…", flat.chars().take(59).collect::<String>())
    } else {
        flat
    }
}
