//! The engine's error: what failed, with the chain of causes a caller prints (`{:#}` of an
//! `anyhow::Error` made from it reads as the binary's messages always have, "what: why: …").

use std::fmt::Display;

/// Something the engine could not do.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A message of the engine's own.
    #[error("{0}")]
    Message(String),
    /// What was being done when `source` failed (anyhow's `context`, kept as a chain so that
    /// the caller's `{:#}` prints both).
    #[error("{what}")]
    Context {
        what: String,
        #[source]
        source: Box<Error>,
    },
    #[error(transparent)]
    Probe(#[from] flypy_probe::ProbeError),
    #[error(transparent)]
    Dis(#[from] flypy_bytecode::dis::DisError),
    #[error(transparent)]
    Flow(#[from] flypy_bytecode::flow::FlowError),
    /// The interpreter could not be run for timing (what the user's code did is not an error
    /// of the engine: see `time::split_failure`).
    #[error(transparent)]
    Timing(flypy_probe::timing::TimingError),
    #[error(transparent)]
    Callgrind(#[from] flypy_callgrind::Error),
    #[error(transparent)]
    CallgrindDiff(#[from] flypy_callgrind::DiffError),
    #[error(transparent)]
    Stats(#[from] flypy_stats::StatsError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of the engine's own saying `what`.
    pub fn msg(what: impl Display) -> Self {
        Error::Message(what.to_string())
    }
}

/// `e` and its causes, each after a colon: what `{:#}` of an `anyhow::Error` prints, for a
/// message made of an engine error.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// `context`/`with_context` as anyhow has them, for the engine's [`Error`].
pub trait Context<T> {
    fn context(self, what: impl Display) -> Result<T>;
    fn with_context<D: Display>(self, what: impl FnOnce() -> D) -> Result<T>;
}

impl<T, E: Into<Error>> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl Display) -> Result<T> {
        self.with_context(|| what)
    }

    fn with_context<D: Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.map_err(|e| Error::Context {
            what: what().to_string(),
            source: Box::new(e.into()),
        })
    }
}

impl<T> Context<T> for Option<T> {
    fn context(self, what: impl Display) -> Result<T> {
        self.ok_or_else(|| Error::msg(what))
    }

    fn with_context<D: Display>(self, what: impl FnOnce() -> D) -> Result<T> {
        self.ok_or_else(|| Error::msg(what()))
    }
}

/// Returns early with an [`Error::Message`], as anyhow's `bail!`.
macro_rules! bail {
    ($($arg:tt)*) => {
        return Err($crate::error::Error::msg(format!($($arg)*)))
    };
}
pub(crate) use bail;
