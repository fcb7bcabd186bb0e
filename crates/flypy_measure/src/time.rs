//! Timing statements: calibration of the loop count, worker processes of the target
//! interpreter (each timing every statement, in rotated order), the ratios of their times from
//! the workers that timed both, and each statement's share of the energy the package used
//! (RAPL where readable, else modelled from time). Also reading pyperf's JSON (writing it is a
//! view: flypy_report's pyperf exporter).

use std::time::{Duration, Instant};

use flypy_probe::run::Limits;
use flypy_probe::timing::{time_worker, TimingError, WorkerSpec};
use flypy_probe::Interpreter;
use serde::Serialize;

use crate::error::{bail, Context, Error, Result};
use crate::progress::{Event, Progress};

/// What to time and how long, as `flypy time` takes it.
pub struct TimeOptions {
    /// Statements to time (each one a variant; two or more are compared).
    pub statements: Vec<String>,
    /// Code run before the statements, in the same scope (as timeit's setup).
    pub setup: String,
    /// Run the statements at module level (their names global) instead of inside a function.
    pub module_level: bool,
    /// Worker processes (more when `until` asks for them).
    pub processes: u32,
    /// Timed values per statement in each process.
    pub values: u32,
    /// Warm-up values per statement in each process (not used in the statistics).
    pub warmups: u32,
    /// Seconds one value should take (the loop count is calibrated to it).
    pub min_time: f64,
    /// Keep adding processes until every ratio's 95% CI is within this many percent of the
    /// ratio, or `max_time` passes.
    pub until: Option<f64>,
    /// Wall-time budget for `until`.
    pub max_time: Duration,
    /// How long one worker process may take.
    pub timeout: Duration,
    /// Per-core active power in watts for the energy estimate, instead of flypy's CPU table.
    pub cpu_watts: Option<f64>,
}

/// A timing worker's result with flypy's own failures (the interpreter could not be run) as
/// the outer error, and what the user's code did (did not compile, raised, exited) as the
/// inner one, for the caller to report with the exit code it deserves.
pub fn split_failure<T>(r: Result<T, TimingError>) -> Result<Result<T, TimingError>> {
    match r {
        Err(e @ TimingError::Probe(_)) => Err(Error::Timing(e)),
        other => Ok(other),
    }
}

/// One statement's timings across all workers.
pub struct Variant {
    pub name: String,
    pub loops: u64,
    /// Joules per call, with how they were obtained (not for pyperf files).
    pub energy: Option<flypy_energy::EnergyEstimate>,
    /// Per worker: seconds per loop of each value.
    pub runs: Vec<Run>,
}

pub struct Run {
    pub warmups: Vec<f64>,
    pub values: Vec<f64>,
    /// When the worker started, for pyperf's run metadata.
    pub date: String,
    pub duration: f64,
}

impl Variant {
    pub fn values(&self) -> Vec<f64> {
        self.runs
            .iter()
            .flat_map(|r| r.values.iter().copied())
            .collect()
    }
}

/// What the measurement was, said with the numbers.
pub struct About {
    pub python: String,
    pub how: String,
    pub timer: String,
    pub setup: String,
    pub region: &'static flypy_energy::Region,
    pub calls_per_day: Option<f64>,
    /// What the workers ran with; `None` for times loaded from pyperf files.
    pub run_env: Option<flypy_probe::run::RunEnv>,
}

/// Calibrates, then runs worker processes (each timing every statement, in a rotated order so
/// no statement always goes first) until the planned number is done, or, with --until, until
/// the ratios are as precise as asked or the budget is spent. Each worker done is reported to
/// `progress`, and the end of the workers.
pub fn measure(
    interp: &Interpreter,
    args: &TimeOptions,
    progress: &dyn Progress,
) -> Result<Result<(Vec<Variant>, About), TimingError>> {
    // 2.7 has no time.perf_counter: its helper times with timeit's default timer, and says so.
    if !interp.version.disassembled() {
        bail!(
            "flypy time needs CPython 2.7 or 3.6 or later, not {}",
            interp.version
        );
    }
    if args.min_time <= 0.0 || !args.min_time.is_finite() {
        bail!("--min-time must be a positive number of seconds");
    }
    let n = args.statements.len();
    let limits = Limits {
        timeout: args.timeout,
        ..Limits::default()
    };
    let mut spec = WorkerSpec {
        warmups: 1,
        min_time: args.min_time,
        ..WorkerSpec::new(&args.statements, &args.setup, args.module_level)
    };
    // Code that does not compile is reported before anything is measured, naming its part.
    if let Err(e) = split_failure(flypy_probe::timing::check(interp, &spec, &limits))? {
        return Ok(Err(e));
    }
    let started = Instant::now();
    let calibration = match split_failure(time_worker(interp, &spec, &limits))? {
        Ok(w) => w,
        Err(e) => return Ok(Err(e)),
    };
    spec.loops = calibration.statements.iter().map(|s| s.loops).collect();
    spec.values = args.values;
    spec.warmups = args.warmups;
    let mut variants: Vec<Variant> = args
        .statements
        .iter()
        .zip(&spec.loops)
        .map(|(s, &loops)| Variant {
            name: s.clone(),
            loops,
            energy: None,
            runs: Vec::new(),
        })
        .collect();
    let budget = args.max_time;
    // RAPL where this machine lets flypy read it; else the energy is modelled from time.
    let rapl = flypy_energy::Rapl::open_default().ok();
    let (mut rapl_joules, mut rapl_calls, mut rapl_zones) =
        (vec![0.0; n], vec![0u64; n], Vec::new());
    let mut k = 0usize;
    loop {
        let planned = k < args.processes as usize;
        let wanted = match args.until {
            Some(pct) => !precise_enough(&variants, pct) && started.elapsed() < budget,
            None => false,
        };
        if !planned && !wanted {
            break;
        }
        spec.order = (0..n).map(|i| (i + k) % n).collect();
        let date = now_text();
        let before = rapl.as_ref().and_then(|r| r.snapshot().ok());
        let worker = match split_failure(time_worker(interp, &spec, &limits))? {
            Ok(w) => w,
            Err(e) => return Ok(Err(e)),
        };
        if let (Some(r), Some(before)) = (rapl.as_ref(), before) {
            // The package's energy over the worker, shared among the statements by the time
            // their values took (start-up and the rest of the worker are not theirs).
            if let Some(e) = r
                .snapshot()
                .ok()
                .and_then(|after| flypy_energy::rapl::energy_between(&before, &after).ok())
            {
                let wall = worker.wall.as_secs_f64();
                for (i, times) in worker.statements.iter().enumerate() {
                    let spent: f64 = times.values.iter().sum();
                    if wall > 0.0 {
                        rapl_joules[i] += e.joules() * spent / wall;
                        rapl_calls[i] += times.values.len() as u64 * times.loops;
                    }
                }
                rapl_zones = e.zone_names();
            }
        }
        for (v, times) in variants.iter_mut().zip(&worker.statements) {
            let per_loop = |s: &f64| s / v.loops as f64;
            v.runs.push(Run {
                warmups: times.warmups.iter().map(per_loop).collect(),
                values: times.values.iter().map(per_loop).collect(),
                date: date.clone(),
                duration: worker.wall.as_secs_f64(),
            });
        }
        k += 1;
        progress.report(Event::Workers {
            done: k,
            planned: args.processes as usize,
        });
    }
    progress.report(Event::WorkersEnded);
    let model = flypy_energy::PowerModel::choose(
        args.cpu_watts,
        flypy_energy::CpuInfo::read().ok().as_ref(),
    )
    .map_err(Error::msg)?;
    for (i, v) in variants.iter_mut().enumerate() {
        v.energy = if rapl.is_some() && rapl_calls[i] > 0 && rapl_joules[i] > 0.0 {
            Some(flypy_energy::EnergyEstimate {
                joules_per_call: rapl_joules[i] / rapl_calls[i] as f64,
                method: flypy_energy::Method::Rapl {
                    zones: rapl_zones.clone(),
                },
                assumptions: vec![
                    "RAPL package energy over each worker process, shared among the statements \
                     by the time their timed values took"
                        .to_owned(),
                    "includes idle power and every other process on the package meanwhile; \
                     memory (DRAM) and the rest of the machine are not included"
                        .to_owned(),
                ],
            })
        } else {
            // Time per call as CPU time: the statement runs on one core, busy throughout.
            flypy_stats::Summary::of(&v.values())
                .ok()
                .and_then(|s| flypy_energy::EnergyEstimate::modelled(s.mean(), &model).ok())
                .map(|mut e| {
                    e.assumptions.push(
                        "the time per call is taken as CPU time on one core (a CPU-bound \
                         statement in one thread)"
                            .to_owned(),
                    );
                    e
                })
        };
    }
    let scope = if args.module_level {
        "each statement run at module level (its names global)"
    } else {
        "each statement compiled inside a function, as timeit does (--module-level for global scope)"
    };
    let about = About {
        python: format!("CPython {}", interp.full_version),
        how: format!(
            "{scope}; {k} worker processes, each {} warm-up and {} timed values per statement, \
             values interleaved, statements in rotated order; the garbage collector off while \
             timing, as timeit does",
            args.warmups, args.values
        ),
        timer: calibration.timer,
        setup: args.setup.clone(),
        region: flypy_energy::world(),
        calls_per_day: None,
        run_env: Some(flypy_probe::run::run_env(interp)),
    };
    Ok(Ok((variants, about)))
}

/// Whether every statement's ratio to the first has a 95% CI within `pct` percent.
fn precise_enough(variants: &[Variant], pct: f64) -> bool {
    let Some(base) = variants.first() else {
        return true;
    };
    variants
        .iter()
        .skip(1)
        .all(|v| paired_ratio(v, base).is_some_and(|r| r.precision_percent() <= pct))
}

/// The ratio of two statements' times from the workers that timed both: per worker, the
/// ratio of the mean values; across workers, the geometric mean with a 95% Student-t interval
/// on the logarithms, and a paired t-test of "no difference" (processes are the independent
/// units; values within one process are not independent).
pub fn paired_ratio(a: &Variant, b: &Variant) -> Option<flypy_stats::Ratio> {
    let logs: Vec<f64> = a
        .runs
        .iter()
        .zip(&b.runs)
        .filter(|(x, y)| !x.values.is_empty() && !y.values.is_empty())
        .map(|(x, y)| (mean(&x.values) / mean(&y.values)).ln())
        .filter(|l| l.is_finite())
        .collect();
    flypy_stats::Ratio::of_logs(&logs, 0.95).ok()
}

/// Each process's mean value of a statement (processes are the independent units).
fn process_means(v: &Variant) -> Vec<f64> {
    v.runs
        .iter()
        .filter(|r| !r.values.is_empty())
        .map(|r| mean(&r.values))
        .collect()
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn now_text() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0);
    // pyperf writes local ISO dates; flypy writes UTC ones in the same layout.
    let days = (secs / 86400.0).floor() as i64;
    let rem = secs - days as f64 * 86400.0;
    let (y, m, d) = civil_from_days(days);
    let (h, mi, s) = (
        (rem / 3600.0) as u32,
        ((rem % 3600.0) / 60.0) as u32,
        rem % 60.0,
    );
    format!("{y:04}-{m:02}-{d:02} {h:02}:{mi:02}:{s:09.6}")
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The statement with the smallest mean.
pub fn fastest(variants: &[Variant]) -> usize {
    let means: Vec<f64> = variants.iter().map(|v| mean(&v.values())).collect();
    (0..variants.len())
        .min_by(|&a, &b| means[a].total_cmp(&means[b]))
        .unwrap_or(0)
}

/// The `flypy.time/1` document (docs/json.md). Printed through `serde_json::to_value`, whose
/// maps keep their keys sorted, as the hand-built document had them.
#[derive(Serialize)]
pub struct TimeDoc<'a> {
    pub schema: &'static str,
    pub python: &'a str,
    pub how: &'a str,
    pub timer: &'a str,
    pub setup: &'a str,
    pub statements: Vec<StatementDoc<'a>>,
    /// What the workers ran with (null for times loaded from pyperf files).
    pub run_env: Option<&'a flypy_probe::run::RunEnv>,
}

/// One statement of [`TimeDoc`].
#[derive(Serialize)]
pub struct StatementDoc<'a> {
    pub energy: Option<&'a flypy_energy::EnergyEstimate>,
    pub projection: Option<flypy_energy::Projection>,
    pub statement: &'a str,
    pub loops: u64,
    pub unit: &'static str,
    pub summary: Option<flypy_stats::Summary>,
    pub values: Vec<f64>,
    pub ratio_to_fastest: Option<RatioDoc>,
}

/// A statement's time over the fastest's, from the workers that timed both; and the same
/// question with the processes taken as independent samples of each statement.
#[derive(Serialize)]
pub struct RatioDoc {
    /// The fastest statement, numbered from 1.
    pub to: usize,
    pub ratio: f64,
    pub ci95: [f64; 2],
    pub p_value: f64,
    pub processes: usize,
    pub method: &'static str,
    pub independent: Option<flypy_stats::Comparison>,
    pub independent_method: &'static str,
}

/// The [`TimeDoc`] of timed (or loaded) statements.
pub fn document<'a>(variants: &'a [Variant], about: &'a About) -> TimeDoc<'a> {
    let fastest = fastest(variants);
    let mut out = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let summary = flypy_stats::Summary::of(&v.values()).ok();
        let ratio = (i != fastest)
            .then(|| paired_ratio(v, &variants[fastest]))
            .flatten()
            .map(|r| RatioDoc {
                to: fastest + 1,
                ratio: r.ratio,
                ci95: [r.low, r.high],
                p_value: r.p_value,
                processes: r.pairs,
                method: "per-process ratio of means; geometric mean, Student t on logs; paired t-test",
                // The same question with the processes taken as independent samples of each
                // statement (their means): Welch's test and Fieller's interval.
                independent: flypy_stats::Comparison::of(
                    &process_means(v),
                    &process_means(&variants[fastest]),
                )
                .ok(),
                independent_method: "per-process means as independent samples; ratio of means with Fieller's interval; Welch's t-test",
            });
        let projection = about.calls_per_day.and_then(|c| {
            v.energy
                .as_ref()
                .and_then(|e| flypy_energy::project(e, c, about.region).ok())
        });
        out.push(StatementDoc {
            energy: v.energy.as_ref(),
            projection,
            statement: &v.name,
            loops: v.loops,
            unit: "seconds per call",
            summary,
            values: v.values(),
            ratio_to_fastest: ratio,
        });
    }
    TimeDoc {
        schema: "flypy.time/1",
        python: &about.python,
        how: &about.how,
        timer: &about.timer,
        setup: &about.setup,
        statements: out,
        run_env: about.run_env.as_ref(),
    }
}

/// Statements' timings from pyperf JSON files (each a benchmark or a suite).
pub fn load_pyperf(paths: &[std::path::PathBuf]) -> Result<(Vec<Variant>, About)> {
    let mut variants = Vec::new();
    let mut pythons = Vec::new();
    for path in paths {
        let text = crate::input::read_text_bounded(path)
            .map_err(|e| Error::msg(format!("{}: {e}", path.display())))?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
        if doc["version"].as_str() != Some("1.0") {
            bail!("{}: not a pyperf file (version 1.0)", path.display());
        }
        let common = &doc["metadata"];
        if let Some(p) = common["python_version"].as_str() {
            pythons.push(p.to_owned());
        }
        let benchmarks = doc["benchmarks"]
            .as_array()
            .with_context(|| format!("{}: no benchmarks", path.display()))?;
        for (k, b) in benchmarks.iter().enumerate() {
            let meta = |key: &str| b["metadata"].get(key).or_else(|| common.get(key));
            if let Some(unit) = meta("unit").and_then(|u| u.as_str()) {
                if unit != "second" {
                    bail!(
                        "{}: benchmark {} is in {unit}, not seconds",
                        path.display(),
                        k + 1
                    );
                }
            }
            let name = meta("name")
                .and_then(|n| n.as_str())
                .map_or_else(|| format!("{} #{}", path.display(), k + 1), str::to_owned);
            let mut runs = Vec::new();
            let mut loops = meta("loops").and_then(|l| l.as_u64()).unwrap_or(1);
            for (j, r) in b["runs"].as_array().into_iter().flatten().enumerate() {
                // Every value a time (a number of seconds, not negative): a string, a null or a
                // negative number is refused naming where it is, not skipped.
                let where_ = || format!("{}: {name}, run {}", path.display(), j + 1);
                let time = |x: &serde_json::Value| -> Result<f64> {
                    x.as_f64()
                        .filter(|v| v.is_finite() && *v >= 0.0)
                        .with_context(|| {
                            format!("{}: {x} is not a time (seconds, 0 or more)", where_())
                        })
                };
                let list = |key: &str| -> Result<&[serde_json::Value]> {
                    match &r[key] {
                        serde_json::Value::Null => Ok(&[]),
                        serde_json::Value::Array(a) => Ok(a.as_slice()),
                        other => bail!("{}: {key} is {other}, not a list", where_()),
                    }
                };
                let mut warmups = Vec::new();
                for w in list("warmups")? {
                    // [loops, value] pairs.
                    if let Some(l) = w.get(0).and_then(|l| l.as_u64()) {
                        loops = l;
                    }
                    warmups.push(time(w.get(1).unwrap_or(&serde_json::Value::Null))?);
                }
                let values = list("values")?
                    .iter()
                    .map(time)
                    .collect::<Result<Vec<f64>>>()?;
                runs.push(Run {
                    warmups,
                    values,
                    date: r["metadata"]["date"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    duration: r["metadata"]["duration"].as_f64().unwrap_or(0.0),
                });
            }
            variants.push(Variant {
                name,
                loops,
                energy: None,
                runs,
            });
        }
    }
    if variants.is_empty() {
        bail!("no benchmarks in the files given");
    }
    pythons.dedup();
    let about = About {
        python: if pythons.is_empty() {
            "(python not recorded)".to_owned()
        } else {
            pythons.join(", ")
        },
        how: format!(
            "read from pyperf files: {}",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        timer: "as recorded by pyperf".to_owned(),
        setup: String::new(),
        region: flypy_energy::world(),
        calls_per_day: None,
        // Not run by flypy: what those processes ran with is not known here.
        run_env: None,
    };
    Ok((variants, about))
}
