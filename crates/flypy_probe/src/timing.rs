//! Timing Python statements in a worker process of the target interpreter, as the standard
//! library's `timeit` does (helper/timeit.py): one worker gives, per statement, its loop count,
//! warm-up values and values (seconds per value, all loops). Calibration (a loop count of 0)
//! doubles the loops until a value takes `min_time`.

use std::ffi::OsString;

use crate::compile::CompileFailure;
use crate::run::{run_helper_under, Captured, Limits};
use crate::{Interpreter, ProbeError};

/// What one worker process times.
#[derive(Clone, Debug, serde::Serialize)]
pub struct WorkerSpec {
    pub statements: Vec<String>,
    pub setup: String,
    /// Run the statements at module level (their names global), not inside a function.
    pub module_level: bool,
    /// Loops per value, per statement; 0 to calibrate.
    pub loops: Vec<u64>,
    pub values: u32,
    pub warmups: u32,
    /// Seconds one value must take when calibrating.
    pub min_time: f64,
    /// The order to time the statements in (indices into `statements`).
    pub order: Vec<usize>,
    /// Whether to report the times (not under callgrind: formatting them costs instructions
    /// that differ from run to run).
    pub report_times: bool,
}

impl WorkerSpec {
    /// What times `statements` after `setup`, with nothing decided yet: the loop counts to be
    /// calibrated, no values, the statements in their own order.
    pub fn new(statements: &[String], setup: &str, module_level: bool) -> Self {
        WorkerSpec {
            statements: statements.to_vec(),
            setup: setup.to_owned(),
            module_level,
            loops: vec![0; statements.len()],
            values: 0,
            warmups: 0,
            min_time: 0.0,
            order: (0..statements.len()).collect(),
            report_times: true,
        }
    }
}

/// One statement's times in one worker.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
pub struct StatementTimes {
    pub loops: u64,
    /// Seconds of each warm-up value (all its loops).
    pub warmups: Vec<f64>,
    /// Seconds of each value (all its loops).
    pub values: Vec<f64>,
}

/// What one worker gave.
#[derive(Clone, Debug)]
pub struct WorkerTimes {
    pub statements: Vec<StatementTimes>,
    /// The clock, as the interpreter describes `time.perf_counter`.
    pub timer: String,
    /// The worker's wall time, start-up included.
    pub wall: std::time::Duration,
    /// The worker's process id (of the tool running it, with a wrapper).
    pub pid: u32,
}

/// Which part of what is timed something is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// The setup code.
    Setup,
    /// The statement of this index.
    Statement(usize),
}

impl Part {
    fn of(statement: Option<usize>) -> Self {
        statement.map_or(Part::Setup, Part::Statement)
    }
}

/// How `flypy time` and `flypy cost` call the parts: "--setup" and "statement N".
pub fn default_name(part: Part) -> String {
    match part {
        Part::Setup => "the setup (--setup)".to_owned(),
        Part::Statement(i) => format!("statement {}", i + 1),
    }
}

/// Why a worker gave no times.
#[derive(Debug, thiserror::Error)]
pub enum TimingError {
    #[error(transparent)]
    Probe(#[from] ProbeError),
    /// A part does not compile: bad input, found before anything is measured. The line and
    /// column are the part's own.
    #[error("{}", self.describe(&default_name))]
    Syntax {
        part: Part,
        /// The interpreter's version ("3.12"): what is valid Python depends on it.
        version: String,
        failure: CompileFailure,
    },
    /// The traceback shows the parts as `<setup>` and `<statement N>`, at their own lines.
    #[error("{}", self.describe(&default_name))]
    Raised {
        part: Part,
        type_name: String,
        message: String,
        traceback: String,
    },
    #[error("{}", self.describe(&default_name))]
    Exited { part: Part, status: i64 },
    #[error("the worker did not finish within {0:?} (a statement that never ends? --timeout sets the limit)")]
    Timeout(std::time::Duration),
    /// The worker ended without its report: `part` (when it was running one) ended the
    /// process (`os._exit`, a crash), or the interpreter failed.
    #[error("{}", self.describe(&default_name))]
    Died {
        part: Option<Part>,
        how: String,
        stderr: String,
    },
}

impl TimingError {
    /// Whether the input is at fault (code that does not compile), not the code's running.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, TimingError::Syntax { .. })
    }

    /// The part the error is in, if it is in one.
    pub fn part(&self) -> Option<Part> {
        match self {
            TimingError::Syntax { part, .. }
            | TimingError::Raised { part, .. }
            | TimingError::Exited { part, .. } => Some(*part),
            _ => None,
        }
    }

    /// The message, each part called by `name` (the dive calls the statements it times by
    /// its variants' names).
    pub fn describe(&self, name: &dyn Fn(Part) -> String) -> String {
        match self {
            TimingError::Syntax {
                part,
                version,
                failure,
            } => format!(
                "{}: CPython {version} cannot compile it: {failure}",
                name(*part)
            ),
            TimingError::Raised {
                part,
                type_name,
                message,
                traceback,
            } => format!(
                "{} raised {type_name}: {message}\n{}",
                name(*part),
                traceback.trim_end()
            ),
            TimingError::Exited { part, status } => {
                format!("{} called sys.exit({status})", name(*part))
            }
            TimingError::Died { part, how, stderr } => {
                let who = match part {
                    Some(part) => format!("{} ended the worker process", name(*part)),
                    None => "the worker process ended".to_owned(),
                };
                let said = if stderr.is_empty() {
                    String::new()
                } else {
                    format!("; its stderr: {stderr}")
                };
                format!("{who} without a report ({how}){said}")
            }
            other => other.to_string(),
        }
    }
}

#[derive(serde::Deserialize)]
struct Report {
    ending: String,
    statement: Option<usize>,
    #[serde(default)]
    results: Vec<StatementTimes>,
    #[serde(default)]
    timer: String,
    #[serde(rename = "type")]
    type_name: Option<String>,
    message: Option<String>,
    traceback: Option<String>,
    line: Option<i64>,
    offset: Option<i64>,
    status: Option<i64>,
    /// With a syntax error: the other parts' syntax errors.
    #[serde(default)]
    others: Vec<Report>,
}

impl Report {
    /// The syntax error this report gives, on `interp`.
    fn syntax(&self, interp: &Interpreter) -> TimingError {
        TimingError::Syntax {
            part: Part::of(self.statement),
            version: interp.version.to_string(),
            failure: CompileFailure {
                kind: self
                    .type_name
                    .clone()
                    .unwrap_or_else(|| "SyntaxError".to_owned()),
                message: self.message.clone().unwrap_or_default(),
                lineno: self.line,
                offset: self.offset,
            },
        }
    }
}

/// What a worker did: timed, or (asked only to check) compiled, with the syntax error of every
/// part that does not compile.
enum Outcome {
    Times(WorkerTimes),
    Checked(Vec<TimingError>),
}

/// Runs one worker under `interp`.
pub fn time_worker(
    interp: &Interpreter,
    spec: &WorkerSpec,
    limits: &Limits,
) -> Result<WorkerTimes, TimingError> {
    time_worker_under(interp, None, None, spec, limits)
}

/// Compiles the setup and every statement of `spec` with `interp`, running nothing, so that
/// code that does not compile is reported (naming the part, at its own line) before anything
/// is measured.
pub fn check(interp: &Interpreter, spec: &WorkerSpec, limits: &Limits) -> Result<(), TimingError> {
    match check_all(interp, spec, limits)?.into_iter().next() {
        Some(failed) => Err(failed),
        None => Ok(()),
    }
}

/// [`check`], with the syntax error of every part that does not compile (the setup's first;
/// none when all compile). Other failures (the interpreter could not be run) are the error.
pub fn check_all(
    interp: &Interpreter,
    spec: &WorkerSpec,
    limits: &Limits,
) -> Result<Vec<TimingError>, TimingError> {
    match run_worker(interp, None, None, spec, limits, true)? {
        Outcome::Checked(failures) => Ok(failures),
        Outcome::Times(_) => Ok(Vec::new()),
    }
}

/// [`time_worker`] with the interpreter run by a tool (`wrapper`: valgrind and its options,
/// for machine-instruction counts of exactly the loops `spec` asks for), its spec and report
/// files in `work` when given (see [`run_helper_under`]).
pub fn time_worker_under(
    interp: &Interpreter,
    wrapper: Option<&std::process::Command>,
    work: Option<&std::path::Path>,
    spec: &WorkerSpec,
    limits: &Limits,
) -> Result<WorkerTimes, TimingError> {
    match run_worker(interp, wrapper, work, spec, limits, false)? {
        Outcome::Times(times) => Ok(times),
        Outcome::Checked(failures) => {
            Err(failures
                .into_iter()
                .next()
                .unwrap_or_else(|| TimingError::Died {
                    part: None,
                    how: "it only checked the statements".to_owned(),
                    stderr: String::new(),
                }))
        }
    }
}

/// The helper run for times, or (`check_only`) only to compile what `spec` times. A syntax
/// error is the error of a timing run, and one of the checked run's failures.
fn run_worker(
    interp: &Interpreter,
    wrapper: Option<&std::process::Command>,
    work: Option<&std::path::Path>,
    spec: &WorkerSpec,
    limits: &Limits,
    check_only: bool,
) -> Result<Outcome, TimingError> {
    let own = tempfile::tempdir().map_err(ProbeError::Channel)?;
    let spec_file = work.unwrap_or(own.path()).join("spec.json");
    let text = serde_json::to_string(spec).map_err(|e| ProbeError::Helper {
        path: interp.path.clone(),
        helper: "timing",
        detail: format!("timing spec: {e}"),
    })?;
    std::fs::write(&spec_file, text).map_err(ProbeError::Channel)?;
    let mut args: Vec<OsString> = vec![spec_file.into_os_string()];
    if check_only {
        args.push("check".into());
    }
    let helper = include_str!("helper/timeit.py");
    let done = run_helper_under(interp, wrapper, work, helper, &args, limits)?;
    if done.timed_out {
        return Err(TimingError::Timeout(limits.timeout));
    }
    let died = |part: Option<Part>, how: String, stderr: &Captured| TimingError::Died {
        part,
        how,
        stderr: String::from_utf8_lossy(&stderr.kept).trim().to_owned(),
    };
    let ended = || {
        use std::os::unix::process::ExitStatusExt;
        match (done.status.code(), done.status.signal()) {
            (_, Some(sig)) => format!("killed by signal {sig}"),
            (Some(code), _) => format!("exit status {code}"),
            _ => "no status".to_owned(),
        }
    };
    if done.report.is_empty() {
        return Err(died(None, ended(), &done.stderr));
    }
    let r: Report = serde_json::from_str(&done.report).map_err(|e| ProbeError::Helper {
        path: interp.path.clone(),
        helper: "timing",
        detail: format!("bad timing report: {e}"),
    })?;
    match r.ending.as_str() {
        "checked" if check_only => Ok(Outcome::Checked(Vec::new())),
        "finished" if r.results.len() == spec.statements.len() => Ok(Outcome::Times(WorkerTimes {
            statements: r.results,
            timer: r.timer,
            wall: done.wall,
            pid: done.pid,
        })),
        "syntax-error" if check_only => Ok(Outcome::Checked(
            std::iter::once(&r)
                .chain(&r.others)
                .map(|f| f.syntax(interp))
                .collect(),
        )),
        "syntax-error" => Err(r.syntax(interp)),
        "exception" => Err(TimingError::Raised {
            part: Part::of(r.statement),
            type_name: r.type_name.unwrap_or_default(),
            message: r.message.unwrap_or_default(),
            traceback: r.traceback.unwrap_or_default(),
        }),
        "exit" => Err(TimingError::Exited {
            part: Part::of(r.statement),
            status: r.status.unwrap_or(1),
        }),
        // What the worker said last: it was running this statement when the process ended.
        "running" => Err(died(Some(Part::of(r.statement)), ended(), &done.stderr)),
        other => Err(died(
            None,
            format!("unexpected report {other:?}"),
            &done.stderr,
        )),
    }
}
