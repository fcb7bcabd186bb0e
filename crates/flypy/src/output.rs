//! Writing to stdout: buffered, and a closed pipe (`flypy dis x.pyc | head`) ends the
//! program quietly with exit code 0 instead of an error.

use std::io::{self, Write};

/// True when `err` comes from writing to a pipe whose reader has gone.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Whether a stream takes escape codes (bold, erasing a line): it is a terminal, and `TERM`
/// does not say it is a dumb one (`TERM=dumb`: Emacs' shell buffer, some CI logs, which show
/// the codes as garbage).
pub fn takes_escapes(stream: &impl io::IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// `--color`: when stdout gets bold and colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Color {
    /// When stdout is a terminal that takes escape codes and NO_COLOR is unset or empty
    /// (no-color.org).
    #[default]
    Auto,
    /// Always, even into a pipe or a file (and whatever NO_COLOR says: the flag is the
    /// nearer wish).
    Always,
    Never,
}

static COLOR: std::sync::OnceLock<Color> = std::sync::OnceLock::new();

impl Color {
    /// `--color` as given on the command line (`--color X` or `--color=X`, before any `--`),
    /// `Auto` when absent or not one of the values (the parse itself reports a bad one).
    pub fn from_args(args: impl IntoIterator<Item = std::ffi::OsString>) -> Color {
        let mut wanted = None;
        let mut args = args.into_iter().skip(1);
        while let Some(arg) = args.next() {
            let value = match arg.to_str() {
                Some("--") => break,
                Some("--color") => args.next(),
                Some(a) => a.strip_prefix("--color=").map(std::ffi::OsString::from),
                None => None,
            };
            if let Some(v) = value {
                wanted = <Color as clap::ValueEnum>::from_str(&v.to_string_lossy(), false).ok();
            }
        }
        wanted.unwrap_or_default()
    }

    /// The same choice for clap's own help and errors.
    pub fn for_clap(self) -> clap::ColorChoice {
        match self {
            Color::Auto => clap::ColorChoice::Auto,
            Color::Always => clap::ColorChoice::Always,
            Color::Never => clap::ColorChoice::Never,
        }
    }
}

/// Records `--color` for [`styled`]; once, at the start.
pub fn set_color(color: Color) {
    let _ = COLOR.set(color);
}

/// Whether stdout gets bold and colour, by `--color`.
pub fn styled() -> bool {
    match COLOR.get().copied().unwrap_or_default() {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            !no_color && takes_escapes(&io::stdout())
        }
    }
}

/// Writes all of `text` (text, or bytes such as a generated script) to stdout and flushes.
pub fn print(text: impl AsRef<[u8]>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_ref())?;
    out.flush()
}

/// Writes to stderr like `crate::note!`, but a closed stderr (`flypy dis DIR 2>&1 | head -c1`) is
/// ignored instead of a panic: messages there are for a reader who may have gone.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// [`note!`] with a newline, like `crate::noteln!`.
#[macro_export]
macro_rules! noteln {
    () => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr());
    }};
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Writes `doc` to stdout through `exporter`.
pub fn export(
    exporter: &dyn flypy_report::Exporter,
    doc: &flypy_report::Document,
) -> anyhow::Result<()> {
    let mut text = Vec::new();
    exporter.export(doc, &mut text)?;
    let mut out = io::stdout().lock();
    out.write_all(&text)?;
    out.flush()?;
    Ok(())
}

/// Writes the HTML page of `doc` to `out`, or to `flypy-<command>.html` in the current folder,
/// whose path it then prints.
pub fn html(
    command: &str,
    doc: &flypy_report::Document,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    let mut page = Vec::new();
    flypy_report::Exporter::export(&flypy_report::Html, doc, &mut page)?;
    html_page(command, &page, out)
}

/// Writes an HTML page to `out`, or to `flypy-<command>.html` in the current folder, whose
/// path it then prints.
pub fn html_page(command: &str, page: &[u8], out: Option<&std::path::Path>) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let default = std::path::PathBuf::from(flypy_report::default_file_name(command));
    let path = out.unwrap_or(&default);
    std::fs::write(path, page)
        .with_context(|| format!("writing the HTML report to {}", path.display()))?;
    if out.is_none() {
        print(format!("{}\n", path.display()))?;
    }
    Ok(())
}
