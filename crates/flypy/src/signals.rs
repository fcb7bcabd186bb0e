//! Ctrl-C, SIGTERM and SIGHUP: stop every child flypy started, remove its temporary files, and
//! exit as a shell expects of a program that a signal stopped (128 + the signal: 130, 143, 129).
//! The signals are blocked in every thread and taken by one thread of their own with `sigwait`,
//! so no work is interrupted half-way in a handler; children get an empty mask back (std resets
//! it between fork and exec).

use nix::sys::signal::{SigSet, Signal};

/// Starts the session (`flypy_probe::session::begin`) and the signal thread. Call before any
/// other thread starts: threads inherit the blocked mask.
pub(crate) fn install() -> anyhow::Result<()> {
    flypy_probe::session::begin()?;
    let mut set = SigSet::empty();
    for s in [Signal::SIGINT, Signal::SIGTERM, Signal::SIGHUP] {
        set.add(s);
    }
    set.thread_block()?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || loop {
            if let Ok(sig) = set.wait() {
                flypy_probe::session::abandon();
                std::process::exit(crate::exit::signalled(sig));
            }
        })?;
    Ok(())
}
