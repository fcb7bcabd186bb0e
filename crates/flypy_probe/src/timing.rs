//! Timing Python statements in a worker process of the target interpreter, as the standard
//! library's `timeit` does (helper/timeit.py): one worker gives, per statement, its loop count,
//! warm-up values and values (seconds per value, all loops). Calibration (a loop count of 0)
//! doubles the loops until a value takes `min_time`.

use std::ffi::OsString;

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

/// Why a worker gave no times.
#[derive(Debug, thiserror::Error)]
pub enum TimingError {
    #[error(transparent)]
    Probe(#[from] ProbeError),
    #[error("statement {which} is not valid Python: {message} (line {line})", which = .statement + 1)]
    Syntax {
        statement: usize,
        message: String,
        line: i64,
    },
    #[error("{} raised {type_name}: {message}\n{traceback}", which(*.statement))]
    Raised {
        statement: Option<usize>,
        type_name: String,
        message: String,
        traceback: String,
    },
    #[error("{} called sys.exit({status})", which(*.statement))]
    Exited {
        statement: Option<usize>,
        status: i64,
    },
    #[error("the worker did not finish within {0:?} (a statement that never ends? --timeout sets the limit)")]
    Timeout(std::time::Duration),
    #[error("the worker process ended without a report ({how}); its stderr: {stderr}")]
    Died { how: String, stderr: String },
}

fn which(statement: Option<usize>) -> String {
    match statement {
        Some(i) => format!("statement {}", i + 1),
        None => "the setup".to_owned(),
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
    status: Option<i64>,
}

/// Runs one worker under `interp`.
pub fn time_worker(
    interp: &Interpreter,
    spec: &WorkerSpec,
    limits: &Limits,
) -> Result<WorkerTimes, TimingError> {
    time_worker_under(interp, None, None, spec, limits)
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
    let own = tempfile::tempdir().map_err(ProbeError::Channel)?;
    let spec_file = work.unwrap_or(own.path()).join("spec.json");
    let text = serde_json::to_string(spec).map_err(|e| ProbeError::Helper {
        path: interp.path.clone(),
        helper: "timing",
        detail: format!("timing spec: {e}"),
    })?;
    std::fs::write(&spec_file, text).map_err(ProbeError::Channel)?;
    let args: Vec<OsString> = vec![spec_file.into_os_string()];
    let helper = include_str!("helper/timeit.py");
    let done = run_helper_under(interp, wrapper, work, helper, &args, limits)?;
    if done.timed_out {
        return Err(TimingError::Timeout(limits.timeout));
    }
    let died = |how: String, stderr: &Captured| TimingError::Died {
        how,
        stderr: String::from_utf8_lossy(&stderr.kept).trim().to_owned(),
    };
    if done.report.is_empty() {
        use std::os::unix::process::ExitStatusExt;
        let how = match (done.status.code(), done.status.signal()) {
            (_, Some(sig)) => format!("killed by signal {sig}"),
            (Some(code), _) => format!("exit status {code}"),
            _ => "no status".to_owned(),
        };
        return Err(died(how, &done.stderr));
    }
    let r: Report = serde_json::from_str(&done.report).map_err(|e| ProbeError::Helper {
        path: interp.path.clone(),
        helper: "timing",
        detail: format!("bad timing report: {e}"),
    })?;
    match r.ending.as_str() {
        "finished" if r.results.len() == spec.statements.len() => Ok(WorkerTimes {
            statements: r.results,
            timer: r.timer,
            wall: done.wall,
            pid: done.pid,
        }),
        "syntax-error" => Err(TimingError::Syntax {
            statement: r.statement.unwrap_or(0),
            message: r.message.unwrap_or_default(),
            line: r.line.unwrap_or(0),
        }),
        "exception" => Err(TimingError::Raised {
            statement: r.statement,
            type_name: r.type_name.unwrap_or_default(),
            message: r.message.unwrap_or_default(),
            traceback: r.traceback.unwrap_or_default(),
        }),
        "exit" => Err(TimingError::Exited {
            statement: r.statement,
            status: r.status.unwrap_or(1),
        }),
        other => Err(died(format!("unexpected report {other:?}"), &done.stderr)),
    }
}
