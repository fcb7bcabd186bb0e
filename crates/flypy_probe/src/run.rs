//! Running the user's program in a child process of the target interpreter, safely.
//!
//! The program is passed as a file (never spliced into helper source); how it ended comes
//! back on a channel file of its own, never parsed out of its stdout. Its stdout and stderr
//! are kept (up to a limit each, with the total counted) and drained to the end so a flood
//! cannot block it. The child runs in a process group of its own, killed whole at the
//! timeout; an address-space limit turns runaway allocation into a MemoryError.

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::supervise::{supervise, Supervised};
pub use crate::supervise::{Captured, HELD_OPEN_GRACE};
use crate::{Interpreter, ProbeError};

/// What to run.
#[derive(Clone, Debug)]
pub enum Program {
    /// A script file and its arguments (`python SCRIPT ARGS`).
    Script {
        path: PathBuf,
        /// As given: arguments need not be UTF-8.
        args: Vec<std::ffi::OsString>,
    },
    /// Source text (`python -c CODE`), written to a temporary file for the child.
    Code(String),
    /// A script file run like [`Program::Script`], but as a module named `name` rather than
    /// `__main__`: its own `if __name__ == "__main__":` block does not run (a dive's case file).
    Module {
        path: PathBuf,
        args: Vec<String>,
        name: String,
    },
}

/// Whether and how executed instructions are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Counting {
    #[default]
    None,
    /// `sys.settrace` with `f_trace_opcodes` (3.7+).
    Settrace,
    /// `sys.monitoring` INSTRUCTION events (3.12+).
    Monitoring,
    /// `sys.monitoring` control-flow events only (3.12+): entries, jumps, branches, exits,
    /// raises (see [`CodeEdges`]); instructions' counts are derived from them.
    Edges,
    /// No counting; the quickened bytecode of each code object as the run left it (3.11+).
    Adaptive,
}

impl Counting {
    fn arg(self) -> &'static str {
        match self {
            Counting::None => "none",
            Counting::Settrace => "settrace",
            Counting::Monitoring => "monitoring",
            Counting::Edges => "edges",
            Counting::Adaptive => "adaptive",
        }
    }

    /// Whether the helper counts with sys.monitoring callbacks, which flypy's C [`TALLY`]
    /// makes cheap (3.12+; settrace's counter uses it too there).
    fn uses_tally(self) -> bool {
        matches!(
            self,
            Counting::Settrace | Counting::Monitoring | Counting::Edges
        )
    }
}

/// How many times each instruction of one code object of the program ran.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct CodeCounts {
    /// Position of the code object in a pre-order walk of the program's code tree (the
    /// module first, then each code constant depth first in `co_consts` order).
    pub index: Option<usize>,
    pub filename: String,
    pub name: String,
    /// 3.11+ `co_qualname`.
    pub qualname: Option<String>,
    pub firstlineno: u32,
    /// (byte offset, times executed), by offset; instructions never executed are absent.
    pub counts: Vec<(u32, u64)>,
}

/// The control-flow events of one code object of the program, counted by
/// [`Counting::Edges`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
pub struct CodeEdges {
    /// As [`CodeCounts::index`].
    pub index: Option<usize>,
    pub filename: String,
    pub name: String,
    pub qualname: Option<String>,
    pub firstlineno: u32,
    /// (kind, byte offset, times): the kinds are those of `flypy_bytecode::flow::EventKind`
    /// by the helper's names ("start", "jump", "branch", "arrive", ...).
    pub events: Vec<(String, u32, u64)>,
}

/// Limits on one run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub timeout: Duration,
    /// Address-space limit of the child, in bytes; `None` for none.
    pub memory: Option<u64>,
    /// Bytes of stdout and of stderr kept; the rest is counted and dropped.
    pub output: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            memory: None,
            output: 1 << 20,
        }
    }
}

/// How the program ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// It ran to its end (or called `sys.exit(0)`).
    Finished,
    /// `sys.exit(n)`: `n` as CPython's C int (a bool as 0 or 1, an int beyond a C long as -1,
    /// a non-integer as 1), whose low byte, the process's exit status, is not 0.
    Exit(i64),
    /// An uncaught exception.
    Exception {
        type_name: String,
        message: String,
        traceback: String,
    },
    /// The source does not compile.
    SyntaxError {
        message: String,
        line: Option<i64>,
        offset: Option<i64>,
    },
    /// The process ended without the helper's report: `os._exit(n)` or a crash in C code
    /// that still exited.
    ProcessExit(i32),
    /// Killed by a signal (a segfault, an abort, the kernel's OOM killer).
    Signal(i32),
    /// Still running at the timeout; the process group was killed.
    Timeout(Duration),
}

impl Ending {
    /// Whether the program succeeded.
    pub fn is_success(&self) -> bool {
        matches!(self, Ending::Finished)
    }

    /// Whether the helper lived to report what it counted: not after `os._exit`, a crash, a
    /// signal or the timeout (counts are then unknown, not zero).
    pub fn reported(&self) -> bool {
        !matches!(
            self,
            Ending::ProcessExit(_) | Ending::Signal(_) | Ending::Timeout(_)
        )
    }

    /// A one-line account for the user.
    pub fn describe(&self) -> String {
        match self {
            Ending::Finished => "finished".to_owned(),
            Ending::Exit(n @ 1..=255) => format!("exited with sys.exit({n})"),
            Ending::Exit(n) => format!(
                "exited with status {} (sys.exit's argument as CPython's C int: {n})",
                n & 0xFF
            ),
            Ending::Exception {
                type_name, message, ..
            } if message.is_empty() => format!("raised {type_name}"),
            Ending::Exception {
                type_name, message, ..
            } => format!("raised {type_name}: {message}"),
            Ending::SyntaxError {
                message,
                line,
                offset,
            } => {
                let at = match (line, offset) {
                    (Some(l), Some(o)) => format!(" at line {l}, column {o}"),
                    (Some(l), None) => format!(" at line {l}"),
                    _ => String::new(),
                };
                format!("does not compile: {message}{at}")
            }
            Ending::ProcessExit(n) => {
                format!("ended the process with exit status {n} before it could be observed (os._exit?)")
            }
            Ending::Signal(s) => format!("was killed by signal {s} ({})", signal_name(*s)),
            Ending::Timeout(t) => format!(
                "was still running after {:.1} s and was stopped",
                t.as_secs_f64()
            ),
        }
    }
}

fn signal_name(s: i32) -> &'static str {
    match s {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL, often the out-of-memory killer",
        11 => "SIGSEGV, a segmentation fault",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "a signal",
    }
}

/// What one run gave.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    pub ending: Ending,
    pub stdout: Captured,
    pub stderr: Captured,
    pub wall: Duration,
    /// With [`Counting`], the executed-instruction counts of every code object of the
    /// program that ran (empty when the run did not get to report).
    pub counts: Vec<CodeCounts>,
    /// With [`Counting::Edges`], the control-flow events of every code object that ran.
    pub edges: Vec<CodeEdges>,
    /// With [`Counting::Adaptive`], each code object's quickened bytecode after the run, by
    /// pre-order index (see [`CodeCounts::index`]).
    pub adaptive: Vec<AdaptiveCode>,
    /// With sys.monitoring counting: why the helper's callbacks were Python functions, not
    /// flypy's C [`TALLY`] (same counts, a slower run); `None` when they were C.
    pub python_callbacks: Option<String>,
    /// Why the counts are incomplete, when the program stopped the counting part-way (it
    /// called `sys.settrace`, or freed flypy's `sys.monitoring` tool): what was counted ran, but
    /// not everything that ran was counted.
    pub incomplete: Option<String>,
}

/// One code object's `_co_code_adaptive` after the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdaptiveCode {
    pub index: usize,
    pub code: Vec<u8>,
}

#[derive(serde::Deserialize)]
struct AdaptiveHex {
    index: usize,
    code: String,
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let digits = s.as_bytes();
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

#[derive(serde::Deserialize)]
struct Report {
    ending: String,
    status: Option<i64>,
    #[serde(rename = "type")]
    type_name: Option<String>,
    message: Option<String>,
    traceback: Option<String>,
    line: Option<i64>,
    offset: Option<i64>,
    detail: Option<String>,
    #[serde(default)]
    counts: Vec<CodeCounts>,
    #[serde(default)]
    edges: Vec<CodeEdges>,
    #[serde(default)]
    adaptive: Vec<AdaptiveHex>,
    /// Why the helper counted with Python callbacks, not flypy's C ones ([`TALLY`]).
    tally: Option<String>,
    /// Why the counts are incomplete (the program stopped the counting part-way).
    incomplete: Option<String>,
}

/// Runs `program` under `interp` within `limits`.
pub fn run(
    interp: &Interpreter,
    program: &Program,
    limits: &Limits,
) -> Result<RunOutcome, ProbeError> {
    run_counted(interp, program, limits, Counting::None)
}

/// [`run`], counting executed instructions as `counting` says.
pub fn run_counted(
    interp: &Interpreter,
    program: &Program,
    limits: &Limits,
    counting: Counting,
) -> Result<RunOutcome, ProbeError> {
    run_counted_planned(interp, program, limits, counting, None)
}

/// The environment variable naming the file of an edge plan ([`run_counted_planned`]); the
/// helper removes it before the program runs.
pub const EDGE_PLAN_VAR: &str = "FLYPY_EDGE_PLAN";

/// The environment variable naming flypy's C counting callbacks ([`TALLY`]) for the helper;
/// removed before the program runs.
pub const TALLY_VAR: &str = "FLYPY_TALLY";

/// helper/tally.c built for CPython's stable ABI (build.rs): sys.monitoring callbacks that
/// count in C, about a fifth of what a Python callback costs an event (docs/decisions.md). The
/// helper falls back to Python callbacks when it cannot load it, and says why.
pub const TALLY: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/flypy_tally.so"));

/// [`run_counted`]; with [`Counting::Edges`] and a `plan` (JSON: code object's pre-order
/// index -> {"jump", "branch", "exit", "count": [byte offsets]}, see
/// `flypy_bytecode::flow::Plan`), the helper keeps only those events of each code object the
/// plan names, switches the others off where they first fire, and reports "planned".
pub fn run_counted_planned(
    interp: &Interpreter,
    program: &Program,
    limits: &Limits,
    counting: Counting,
    plan: Option<&str>,
) -> Result<RunOutcome, ProbeError> {
    check_counting(interp, counting)?;
    let dir = tempfile::tempdir().map_err(ProbeError::Channel)?;
    let (kind, source, args): (String, PathBuf, Vec<std::ffi::OsString>) = match program {
        Program::Script { path, args } => ("script".to_owned(), path.clone(), args.clone()),
        Program::Module { path, args, name } => (
            format!("module:{name}"),
            path.clone(),
            args.iter().map(Into::into).collect(),
        ),
        Program::Code(code) => {
            let file = dir.path().join("code.py");
            std::fs::write(&file, code).map_err(ProbeError::Channel)?;
            ("code".to_owned(), file, Vec::new())
        }
    };
    let mut helper_args: Vec<std::ffi::OsString> = vec![
        limits.memory.unwrap_or(0).to_string().into(),
        kind.into(),
        counting.arg().into(),
        source.into_os_string(),
    ];
    helper_args.extend(args);
    let mut env = Vec::new();
    if let (Some(plan), Counting::Edges) = (plan, counting) {
        let file = dir.path().join("plan.json");
        std::fs::write(&file, plan).map_err(ProbeError::Channel)?;
        env.push((EDGE_PLAN_VAR, file.into_os_string()));
    }
    // FLYPY_TALLY=off in flypy's environment (inherited by the helper) keeps the Python
    // callbacks: to compare, or to rule the C ones out.
    let off = std::env::var_os(TALLY_VAR).is_some_and(|v| v == "off");
    if counting.uses_tally() && interp.version.profile().sys_monitoring && !off {
        let file = dir.path().join("_flypy_tally.so");
        std::fs::write(&file, TALLY).map_err(ProbeError::Channel)?;
        env.push((TALLY_VAR, file.into_os_string()));
    }
    let done = run_helper_with(
        interp,
        None,
        None,
        include_str!("helper/run.py"),
        &helper_args,
        limits,
        &env,
    )?;
    let mut outcome = RunOutcome {
        ending: Ending::Timeout(limits.timeout),
        stdout: done.stdout,
        stderr: done.stderr,
        wall: done.wall,
        counts: Vec::new(),
        edges: Vec::new(),
        adaptive: Vec::new(),
        python_callbacks: None,
        incomplete: None,
    };
    if !done.timed_out {
        classify(&done.report, done.status, interp, &mut outcome)?;
    }
    Ok(outcome)
}

/// How a helper process ended: its status, its streams, and its report (empty when it wrote
/// none).
pub struct HelperRun {
    /// The process id of what was started (the interpreter, or the tool running it).
    pub pid: u32,
    pub status: std::process::ExitStatus,
    pub timed_out: bool,
    pub stdout: Captured,
    pub stderr: Captured,
    pub wall: Duration,
    pub report: String,
}

/// Runs `helper` (Python source, passed with `-c`) under `interp` with the channel file's path
/// as its first argument and then `args`, within `limits`: no stdin, its own process group
/// (killed whole at the timeout and after it ends), its stdout and stderr drained and kept up
/// to the output limit each.
pub fn run_helper(
    interp: &Interpreter,
    helper: &str,
    args: &[std::ffi::OsString],
    limits: &Limits,
) -> Result<HelperRun, ProbeError> {
    run_helper_under(interp, None, None, helper, args, limits)
}

/// [`run_helper`] under a tool that runs the interpreter (`wrapper` is the tool's command
/// line, e.g. valgrind and its options), with the same environment flypy always sets; the
/// channel file goes into `work` when given (so that runs meant to cost the same see the same
/// paths: a path's characters change what the interpreter executes), else into a new
/// temporary folder.
pub fn run_helper_under(
    interp: &Interpreter,
    wrapper: Option<&Command>,
    work: Option<&std::path::Path>,
    helper: &str,
    args: &[std::ffi::OsString],
    limits: &Limits,
) -> Result<HelperRun, ProbeError> {
    run_helper_with(interp, wrapper, work, helper, args, limits, &[])
}

/// [`run_helper_under`] with `env` added to the helper's environment.
fn run_helper_with(
    interp: &Interpreter,
    wrapper: Option<&Command>,
    work: Option<&std::path::Path>,
    helper: &str,
    args: &[std::ffi::OsString],
    limits: &Limits,
    env: &[(&str, std::ffi::OsString)],
) -> Result<HelperRun, ProbeError> {
    let own = tempfile::tempdir().map_err(ProbeError::Channel)?;
    let channel = work.unwrap_or(own.path()).join("report.json");
    match std::fs::remove_file(&channel) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(ProbeError::Channel(e)),
        _ => {}
    }
    let mut cmd = helper_command(interp, wrapper, helper, &channel, args, env);
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that the timeout stops whatever it started too.
        .process_group(0);
    let started = Instant::now();
    let child = cmd.spawn().map_err(|source| ProbeError::Spawn {
        path: interp.path.clone(),
        source,
    })?;
    let pgid = child.id();
    let Supervised {
        status,
        timed_out,
        stdout,
        stderr,
    } = supervise(child, started, limits.timeout, limits.output).map_err(|source| {
        ProbeError::Spawn {
            path: interp.path.clone(),
            source,
        }
    })?;
    let wall = started.elapsed();
    // Also after a timeout: a helper that reports as it goes (the timing worker says which
    // statement it runs) leaves what it said last.
    let report = std::fs::read_to_string(&channel).unwrap_or_default();
    Ok(HelperRun {
        pid: pgid,
        status,
        timed_out,
        stdout,
        stderr,
        wall,
        report,
    })
}

/// The command of a helper run: `interp` (under `wrapper` when given) running `helper` with
/// `-c`, the channel file's path and `args` after it, with the environment flypy always sets
/// and `env`. [`run_env`] describes a measured run from this same command, so that what a
/// document says the child ran with cannot drift from what it ran with.
fn helper_command(
    interp: &Interpreter,
    wrapper: Option<&Command>,
    helper: &str,
    channel: &std::path::Path,
    args: &[std::ffi::OsString],
    env: &[(&str, std::ffi::OsString)],
) -> Command {
    let mut cmd = match wrapper {
        None => interp.command(),
        Some(w) => {
            let mut cmd = Command::new(w.get_program());
            cmd.args(w.get_args());
            for (key, value) in w.get_envs() {
                match value {
                    Some(v) => cmd.env(key, v),
                    None => cmd.env_remove(key),
                };
            }
            if let Some(dir) = w.get_current_dir() {
                cmd.current_dir(dir);
            }
            let plain = interp.command();
            for (key, value) in plain.get_envs() {
                match value {
                    Some(v) => cmd.env(key, v),
                    None => cmd.env_remove(key),
                };
            }
            cmd.arg(&interp.path);
            crate::session::die_with_flypy(&mut cmd);
            cmd
        }
    };
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.arg("-c").arg(helper).arg(channel).args(args);
    cmd
}

/// What a measured run of the program ran with: the interpreter, the options flypy gave it and
/// the environment variables that change what CPython does (`PYTHON_JIT`, `PYTHONHASHSEED`,
/// `PYTHONMALLOC`, ...). Part of what was measured, so every measuring document records it; the
/// JIT's runs (3.14+, `PYTHON_JIT=1`) are a second `RunEnv` of the same measurement.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RunEnv {
    /// The command flypy runs: the interpreter, or the wrapper script that runs it (a wrapper
    /// may set more of the environment; see [`Interpreter::via`]).
    pub path: String,
    /// The interpreter's full version.
    pub version: String,
    /// The interpreter's own command-line options, before the `-c` that runs flypy's helper.
    pub flags: Vec<String>,
    /// Every `PYTHON*` variable the child's environment has, as it has it: inherited from
    /// flypy's, or set by flypy (`PYTHONHASHSEED=0` unless the user chose a seed). flypy's own
    /// variables for its helper (`FLYPY_*`) are removed before the program runs, and other
    /// variables do not change what CPython does.
    pub env: std::collections::BTreeMap<String, String>,
}

/// The [`RunEnv`] of every measured run of `interp`: the running program's, the timing
/// workers' and, under valgrind (which sets no `PYTHON*` variable), callgrind's. Read from the
/// command those runs are built with ([`helper_command`]), with flypy's environment as it is now.
pub fn run_env(interp: &Interpreter) -> RunEnv {
    let cmd = helper_command(interp, None, "", std::path::Path::new(""), &[], &[]);
    RunEnv::of(interp, &cmd, std::env::vars_os())
}

impl RunEnv {
    /// What `cmd` (no wrapper) runs `interp` with, `inherited` being the environment it starts
    /// from (flypy never clears it).
    fn of(
        interp: &Interpreter,
        cmd: &Command,
        inherited: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
    ) -> RunEnv {
        let text = |s: &std::ffi::OsStr| s.to_string_lossy().into_owned();
        let flags = cmd
            .get_args()
            .take_while(|a| *a != "-c")
            .map(text)
            .collect();
        let mut env: std::collections::BTreeMap<std::ffi::OsString, Option<std::ffi::OsString>> =
            inherited.map(|(k, v)| (k, Some(v))).collect();
        for (key, value) in cmd.get_envs() {
            env.insert(key.to_owned(), value.map(ToOwned::to_owned));
        }
        let env = env
            .into_iter()
            .filter(|(k, _)| k.as_encoded_bytes().starts_with(b"PYTHON"))
            .filter_map(|(k, v)| Some((text(&k), text(&v?))))
            .collect();
        RunEnv {
            path: interp.path.display().to_string(),
            version: interp.full_version.clone(),
            flags,
            env,
        }
    }
}

/// Refuses a counting method that would not give exact counts on this version.
fn check_counting(interp: &Interpreter, counting: Counting) -> Result<(), ProbeError> {
    let v = interp.version;
    let refuse = |method, reason| {
        Err(ProbeError::CountingUnsupported {
            version: v,
            method,
            reason,
        })
    };
    match counting {
        Counting::None => Ok(()),
        Counting::Settrace if !v.profile().settrace_opcode_events => refuse(
            "sys.settrace",
            "opcode events (f_trace_opcodes) are new in 3.7",
        ),
        Counting::Monitoring | Counting::Edges if !v.profile().sys_monitoring => {
            refuse("sys.monitoring", "sys.monitoring is new in 3.12")
        }
        Counting::Adaptive if !v.profile().adaptive => refuse(
            "the specialized view",
            "the specializing interpreter is new in 3.11",
        ),
        _ => Ok(()),
    }
}

/// Fills `outcome` (its ending and what was counted) from the process's status and the
/// helper's report.
fn classify(
    text: &str,
    status: std::process::ExitStatus,
    interp: &Interpreter,
    outcome: &mut RunOutcome,
) -> Result<(), ProbeError> {
    if let Some(sig) = status.signal() {
        outcome.ending = Ending::Signal(sig);
        return Ok(());
    }
    if text.is_empty() {
        outcome.ending = Ending::ProcessExit(status.code().unwrap_or(-1));
        return Ok(());
    }
    let helper = |detail: String| ProbeError::Helper {
        path: interp.path.clone(),
        helper: "run",
        detail,
    };
    let r: Report = serde_json::from_str(text).map_err(|e| helper(format!("bad report: {e}")))?;
    let ending = match r.ending.as_str() {
        "finished" => Ending::Finished,
        // The status is sys.exit's argument as CPython's C int; the process would exit with
        // its low byte, so 256 ends as successfully as 0.
        "exit" => match r.status.unwrap_or(0) {
            n if n & 0xFF == 0 => Ending::Finished,
            n => Ending::Exit(n),
        },
        "exception" => Ending::Exception {
            type_name: r.type_name.unwrap_or_default(),
            message: r.message.unwrap_or_default(),
            traceback: r.traceback.unwrap_or_default(),
        },
        "syntax-error" => Ending::SyntaxError {
            message: r.message.unwrap_or_default(),
            line: r.line,
            offset: r.offset,
        },
        "setup" => return Err(helper(r.detail.unwrap_or_default())),
        other => return Err(helper(format!("unknown ending {other:?}"))),
    };
    outcome.adaptive = r
        .adaptive
        .into_iter()
        .map(|a| {
            let code = unhex(&a.code).ok_or_else(|| helper("bad adaptive code".to_owned()))?;
            Ok(AdaptiveCode {
                index: a.index,
                code,
            })
        })
        .collect::<Result<Vec<_>, ProbeError>>()?;
    outcome.ending = ending;
    outcome.counts = r.counts;
    outcome.edges = r.edges;
    outcome.python_callbacks = r.tally;
    outcome.incomplete = r.incomplete;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn interp() -> Interpreter {
        Interpreter {
            path: PathBuf::from("/opt/python3.14"),
            via: None,
            version: flypy_marshal::PyVersion::parse("3.14").expect("a version"),
            full_version: "3.14.0".to_owned(),
            implementation: "CPython".to_owned(),
            executable: "/opt/python3.14".to_owned(),
            debug: false,
            free_threaded: false,
            found_by: crate::Discovery::Explicit,
            code_files: Vec::new(),
            symbols: None,
        }
    }

    fn vars(pairs: &[(&str, &str)]) -> impl Iterator<Item = (OsString, OsString)> {
        pairs
            .iter()
            .map(|(k, v)| (OsString::from(k), OsString::from(v)))
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn the_run_env_is_the_commands_own() {
        // What the command sets wins over what it inherits, what it removes is not claimed,
        // and only PYTHON* variables are recorded.
        let mut cmd = Command::new("/opt/python3.14");
        cmd.args(["-X", "importtime", "-c", "pass", "-X"])
            .env("PYTHONHASHSEED", "0")
            .env_remove("PYTHONMALLOC");
        let inherited = vars(&[
            ("PYTHON_JIT", "1"),
            ("PYTHONHASHSEED", "7"),
            ("PYTHONMALLOC", "malloc"),
            ("HOME", "/root"),
        ]);
        let env = RunEnv::of(&interp(), &cmd, inherited);
        assert_eq!(env.flags, ["-X", "importtime"]);
        assert_eq!(
            env.env.into_iter().collect::<Vec<_>>(),
            [
                ("PYTHONHASHSEED".to_owned(), "0".to_owned()),
                ("PYTHON_JIT".to_owned(), "1".to_owned()),
            ]
        );
        assert_eq!(env.path, "/opt/python3.14");
        assert_eq!(env.version, "3.14.0");
    }
}
