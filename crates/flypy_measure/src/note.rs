//! Notes to the user from inside a measurement that are not progress (a fallback taken, a slower
//! path chosen: trace's counting with Python callbacks): written to stderr as the binary's own
//! are, a closed stderr ignored. Progress goes through [`crate::progress::Progress`] instead.

/// [`std::writeln!`] to stderr, ignoring a stderr whose reader has gone.
macro_rules! noteln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use noteln;
