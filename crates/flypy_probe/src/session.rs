//! What one flypy process leaves behind, and how it leaves nothing: every child runs in a process
//! group of its own, registered here while it runs; every temporary file flypy makes lives in
//! one folder of the process's own (`TMPDIR` points there, so `tempfile` puts everything in it);
//! and every child is set to be killed by the kernel when the flypy thread that started it ends
//! ([`die_with_flypy`]), which holds even when flypy is killed with SIGKILL. So on Ctrl-C,
//! SIGTERM or SIGHUP the binary calls [`abandon`] and exits: no orphan, no temporary file.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

/// The session's folder and the `TMPDIR` the user had (given back to the programs flypy runs).
struct Session {
    dir: PathBuf,
    user_tmpdir: Option<OsString>,
}

static SESSION: OnceLock<Session> = OnceLock::new();
static GROUPS: Mutex<BTreeSet<i32>> = Mutex::new(BTreeSet::new());
static ABANDONED: AtomicBool = AtomicBool::new(false);

/// Makes the session's temporary folder and points `TMPDIR` at it. Call first thing, before any
/// thread starts (it changes the environment); a second call does nothing.
pub fn begin() -> std::io::Result<()> {
    if SESSION.get().is_some() {
        return Ok(());
    }
    let user_tmpdir = std::env::var_os("TMPDIR");
    let dir = tempfile::Builder::new().prefix("flypy-").tempdir()?.keep();
    // Edition 2021: safe; sound because no other thread exists yet (see above).
    std::env::set_var("TMPDIR", &dir);
    let _ = SESSION.set(Session { dir, user_tmpdir });
    Ok(())
}

/// The session's temporary folder, when [`begin`] made one.
pub fn dir() -> Option<&'static std::path::Path> {
    SESSION.get().map(|s| s.dir.as_path())
}

/// Removes the session's temporary folder (at the end of a normal run).
pub fn end() {
    if let Some(s) = SESSION.get() {
        let _ = std::fs::remove_dir_all(&s.dir);
    }
}

/// Stops every child process group still running and removes the temporary folder: what a
/// signal handler does before flypy exits.
pub fn abandon() {
    ABANDONED.store(true, Ordering::SeqCst);
    let groups: Vec<i32> = match GROUPS.lock() {
        Ok(g) => g.iter().copied().collect(),
        Err(poisoned) => poisoned.into_inner().iter().copied().collect(),
    };
    for g in groups {
        kill_group(g);
    }
    end();
}

/// Called by a thread whose child just ended: when that is because flypy is being stopped
/// ([`abandon`]), the thread waits for the exit instead of reporting the child's death as the
/// program's own ending.
pub fn hold_if_abandoned() {
    while ABANDONED.load(Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// Sets, on a command about to run a program for flypy, the environment the program should
/// see (the user's own `TMPDIR`, not the session's folder) and [`die_with_flypy`].
pub fn prepare(cmd: &mut std::process::Command) {
    if let Some(s) = SESSION.get() {
        match &s.user_tmpdir {
            Some(t) => cmd.env("TMPDIR", t),
            None => cmd.env_remove("TMPDIR"),
        };
    }
    die_with_flypy(cmd);
}

/// Makes the kernel kill the child (SIGKILL) when the flypy thread that starts it ends, even
/// when flypy is killed with SIGKILL (`PR_SET_PDEATHSIG`; the spawning thread waits for its
/// child, so that is when flypy ends). Done in the child between fork and exec, so it costs the
/// measured program nothing: an earlier version did it from Python with ctypes, and importing
/// ctypes in a timing worker changed the statement's machine instructions per call by 0.85%
/// (measured with callgrind on 3.12.1).
#[allow(unsafe_code)]
pub fn die_with_flypy(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    let flypy = nix::unistd::getpid();
    // SAFETY: the closure runs in the forked child before exec, where only async-signal-safe
    // calls are allowed: prctl, getppid and returning an error are (no allocation, no locks).
    unsafe {
        cmd.pre_exec(move || {
            nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)?;
            // flypy may have died between fork and prctl: then do not start at all.
            if nix::unistd::getppid() != flypy {
                return Err(std::io::Error::from(std::io::ErrorKind::Interrupted));
            }
            Ok(())
        });
    }
}

/// A child's process group, registered for [`abandon`] from creation until drop. Drop it before
/// reaping the child: while the leader is an unreaped zombie its group id cannot be reused.
pub struct Group(i32);

impl Group {
    /// Registers the group led by `pid` (a child started with `process_group(0)`).
    pub fn track(pid: u32) -> Group {
        let id = i32::try_from(pid).unwrap_or(i32::MAX);
        if let Ok(mut g) = GROUPS.lock() {
            g.insert(id);
        }
        Group(id)
    }

    /// Kills every process of the group (SIGKILL).
    pub fn kill(&self) {
        kill_group(self.0);
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        if let Ok(mut g) = GROUPS.lock() {
            g.remove(&self.0);
        }
    }
}

fn kill_group(id: i32) {
    if id > 1 {
        let _ = nix::sys::signal::killpg(
            nix::unistd::Pid::from_raw(id),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
}
