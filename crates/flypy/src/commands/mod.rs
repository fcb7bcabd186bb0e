pub mod cases;
pub mod cost;
pub mod dis;
pub mod dive;
pub mod explain;
pub mod pythons;
pub mod report;
pub mod shell;
pub mod time;
pub mod trace;

/// `--format` values shared by the commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

impl Format {
    /// Writes `doc` to stdout through this format's exporter.
    pub fn write(self, doc: &flypy_report::Document) -> anyhow::Result<()> {
        match self {
            Format::Text => crate::output::export(&flypy_report::Text::default(), doc),
            Format::Json => crate::output::export(&flypy_report::Json, doc),
        }
    }
}

/// `--format` of the commands that also draw an HTML report (trace, cost, dive).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    #[default]
    Text,
    Json,
    /// One self-contained HTML file (charts, listings, control-flow graphs), offline.
    Html,
}

impl ReportFormat {
    /// Writes `doc` as this format asks: to stdout through its exporter (`text` for text), or
    /// the HTML page to the file `html` names (by default `flypy-<command>.html`, its path
    /// printed).
    pub fn write(
        self,
        doc: &flypy_report::Document,
        text: &flypy_report::Text,
        command: &str,
        html: &HtmlOutput,
    ) -> anyhow::Result<()> {
        match self {
            ReportFormat::Text => crate::output::export(text, doc),
            ReportFormat::Json => crate::output::export(&flypy_report::Json, doc),
            ReportFormat::Html => crate::output::html(command, doc, html.output.as_deref()),
        }
    }
}

/// Where `--format html` writes.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct HtmlOutput {
    /// With --format html: the file to write (default: flypy-<command>.html here, path printed).
    #[arg(long, short = 'o')]
    pub output: Option<std::path::PathBuf>,
}

/// A number of seconds for an option: finite, above 0, at most a year (clap's parser, so a bad
/// value is a usage error naming the option, exit 2).
pub(crate) fn seconds(text: &str) -> Result<f64, String> {
    let x = positive(text)?;
    if x > 365.0 * 86400.0 {
        return Err(format!("{x} s is more than a year"));
    }
    Ok(x)
}

/// A number for an option that must be above 0 (a percentage, watts, calls per day).
pub(crate) fn positive(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if !x.is_finite() || x <= 0.0 {
        return Err(format!("{text} must be a number above 0"));
    }
    Ok(x)
}

/// Per-core watts for `--cpu-watts`: checked as flypy_energy checks it, before anything is
/// measured.
pub(crate) fn watts(text: &str) -> Result<f64, String> {
    let x = positive(text)?;
    if flypy_energy::PowerModel::user(x).is_err() {
        return Err(format!(
            "{} W per core is more than flypy takes ({} W at most)",
            flypy_energy::format_number(x, None),
            flypy_energy::model::MAX_USER_WATTS
        ));
    }
    Ok(x)
}

/// The exit for what the user's code did: code that does not compile is bad input (an error,
/// exit 2, as everywhere in flypy); code that raised or exited is exit 3.
pub(crate) fn user_failure(
    failed: flypy_probe::timing::TimingError,
) -> anyhow::Result<std::process::ExitCode> {
    if failed.is_bad_input() {
        return Err(failed.into());
    }
    crate::noteln!("flypy: {failed}");
    Ok(crate::exit::user_code())
}

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
