//! Notes to the user from inside a measurement (a fallback taken, a slower path chosen):
//! written to stderr as the binary's own are, a closed stderr ignored. The `Progress` trait of
//! docs/engine.md is to replace this; until then the engine says what it used to say, where it
//! used to say it.

/// [`std::writeln!`] to stderr, ignoring a stderr whose reader has gone.
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
pub(crate) use noteln;

/// [`std::write!`] to stderr, ignoring a stderr whose reader has gone.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use note;
