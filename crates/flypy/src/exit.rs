//! The exit codes of the CLI contract (docs/decisions.md), in one place: 0 the command did what
//! was asked, 1 findings (reserved for the linter), 2 a usage or input error (also clap's), 3
//! the user's code failed (did not run to its end), and 128 + N when signal N stopped flypy, as
//! a shell expects.

use std::process::ExitCode;

/// A usage or input error: a file that cannot be read, code that does not compile.
pub const INPUT: u8 = 2;

/// The user's code failed: it raised, exited with an error, or was stopped.
pub const USER_CODE: u8 = 3;

/// Exit 2: a usage or input error.
pub fn input() -> ExitCode {
    ExitCode::from(INPUT)
}

/// Exit 3: the user's code failed.
pub fn user_code() -> ExitCode {
    ExitCode::from(USER_CODE)
}

/// The status of a process that signal `signal` stopped: 128 + its number (130 for Ctrl-C).
pub fn signalled(signal: nix::sys::signal::Signal) -> i32 {
    128 + signal as i32
}
