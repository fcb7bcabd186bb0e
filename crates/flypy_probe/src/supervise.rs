//! Seeing a child process to its end: its output drained within bounds, its time limited,
//! its process group killed afterwards, registered with the session while it runs. The one
//! place flypy waits for a child; `run` (programs), `interpreter` (probes) and `timing` use it.
//! A module of its own so that the session (which only registers and kills) and the runners
//! do not import each other.

use std::io::Read;
use std::time::{Duration, Instant};

use nix::sys::wait::{waitid, Id, WaitPidFlag, WaitStatus};

/// One output stream of the program: what was kept and how much there was.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Captured {
    pub kept: Vec<u8>,
    pub total: u64,
    /// Still open [`HELD_OPEN_GRACE`] after the program ended (a process it started in a
    /// session of its own, out of reach of the process group, kept it): reading stopped there.
    pub held_open: bool,
}

/// How long output is still read after the program ended, for what it wrote last.
pub const HELD_OPEN_GRACE: Duration = Duration::from_secs(1);

impl Captured {
    pub fn truncated(&self) -> bool {
        self.total > self.kept.len() as u64
    }
}

/// When the program ended, for the drains' deadline (`None` while it runs).
#[derive(Default)]
struct Ended(std::sync::Mutex<Option<Instant>>);

impl Ended {
    fn now(&self) {
        if let Ok(mut e) = self.0.lock() {
            e.get_or_insert_with(Instant::now);
        }
    }

    /// Whether the grace after the end is over.
    fn past_grace(&self) -> bool {
        self.0
            .lock()
            .ok()
            .and_then(|e| *e)
            .is_some_and(|t| t.elapsed() >= HELD_OPEN_GRACE)
    }
}

/// Drains `stream` to its end, keeping the first `limit` bytes; stops [`HELD_OPEN_GRACE`] after
/// the program ended if something else still holds the stream open. Reads only when `poll`
/// says there is something (or the end), so the deadline is checked at least every 100 ms.
fn drain<S: Read + std::os::fd::AsFd>(mut stream: S, limit: usize, ended: &Ended) -> Captured {
    use nix::poll::{poll, PollFd, PollFlags, PollTimeout};
    let mut kept = Vec::new();
    let mut total = 0u64;
    let mut held_open = false;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let ready = {
            let mut fds = [PollFd::new(stream.as_fd(), PollFlags::POLLIN)];
            poll(&mut fds, PollTimeout::from(100u16))
        };
        match ready {
            Ok(0) => {
                if ended.past_grace() {
                    held_open = true;
                    break;
                }
                continue;
            }
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => break,
            Ok(_) => {}
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                total += n as u64;
                let room = limit.saturating_sub(kept.len());
                kept.extend_from_slice(buf.get(..n.min(room)).unwrap_or_default());
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    Captured {
        kept,
        total,
        held_open,
    }
}

/// How a supervised child ended.
pub(crate) struct Supervised {
    pub(crate) status: std::process::ExitStatus,
    pub(crate) timed_out: bool,
    pub(crate) stdout: Captured,
    pub(crate) stderr: Captured,
}

/// Sees `child` (started at `started` as the leader of its own process group, stdout and
/// stderr piped) to its end or to `limit`: registered with the session while it runs (a signal
/// to flypy stops it), its streams drained (the first `keep` bytes of each kept, reading cut
/// [`HELD_OPEN_GRACE`] after it ends), and whatever it left in its group killed. The one place
/// flypy waits for a child.
pub(crate) fn supervise(
    mut child: std::process::Child,
    started: Instant,
    limit: Duration,
    keep: usize,
) -> std::io::Result<Supervised> {
    // Registered until it is over, so that a signal to flypy stops it too.
    let group = crate::session::Group::track(child.id());
    let ended = std::sync::Arc::new(Ended::default());
    let out = child.stdout.take().map(|s| {
        let ended = ended.clone();
        std::thread::spawn(move || drain(s, keep, &ended))
    });
    let err = child.stderr.take().map(|s| {
        let ended = ended.clone();
        std::thread::spawn(move || drain(s, keep, &ended))
    });
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let timed_out = loop {
        // WNOWAIT: an exited leader stays a zombie, so its group id cannot be reused by an
        // unrelated process before the group is killed below.
        let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT;
        match waitid(Id::Pid(pid), flags) {
            Ok(WaitStatus::StillAlive) if started.elapsed() >= limit => break true,
            Ok(WaitStatus::StillAlive) => std::thread::sleep(Duration::from_millis(5)),
            Ok(_) => break false,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(e) => {
                group.kill();
                drop(group);
                let _ = child.wait();
                return Err(std::io::Error::from(e));
            }
        }
    };
    // Whatever the program left running in its group (a daemon it started) goes too, so the
    // output pipes close and the drains end.
    group.kill();
    drop(group);
    crate::session::hold_if_abandoned();
    ended.now();
    let status = child.wait()?;
    let join = |h: Option<std::thread::JoinHandle<Captured>>| {
        h.and_then(|h| h.join().ok()).unwrap_or_default()
    };
    Ok(Supervised {
        status,
        timed_out,
        stdout: join(out),
        stderr: join(err),
    })
}

/// Runs `cmd` (stdin closed, stdout and stderr collected) in a process group of its own,
/// registered as every child is, and waits at most `limit`: `Ok(None)` when it was still
/// running then (its group is killed). For the small commands flypy runs to ask something
/// (`valgrind --version`, an interpreter's description), which must not hang flypy.
pub fn output_within(
    cmd: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::io::Result<Option<std::process::Output>> {
    use std::os::unix::process::CommandExt;
    use std::process::Stdio;
    crate::session::die_with_flypy(cmd);
    let started = std::time::Instant::now();
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()?;
    let done = supervise(child, started, limit, 1 << 20)?;
    Ok((!done.timed_out).then_some(std::process::Output {
        status: done.status,
        stdout: done.stdout.kept,
        stderr: done.stderr.kept,
    }))
}
