//! `flypy time --format pyperf`: pyperf's JSON, for `python -m pyperf stats|compare_to`. A
//! view of the time document only: pyperf's files hold timings, nothing else flypy measures.

use std::io::Write;

use crate::document::Document;
use crate::export::Exporter;
use crate::ReportError;

pub struct Pyperf;

impl Exporter for Pyperf {
    fn export(&self, doc: &Document, out: &mut dyn Write) -> Result<(), ReportError> {
        let Document::Time(t) = doc else {
            return Err(ReportError::NotFor {
                format: "pyperf",
                made_for: "the time document (flypy.time/1)",
                schema: doc.schema(),
            });
        };
        serde_json::to_writer(&mut *out, &suite(t.variants, t.about))?;
        out.write_all(b"\n")?;
        Ok(())
    }
}

// pyperf's JSON (its `pyperf/_bench.py` reads it by key): a suite with one benchmark per
// statement, one run per worker process, values and warm-ups in seconds per loop, warm-ups as
// [loops, value] pairs. Fields in alphabetical order, the order the earlier `serde_json::Value`
// printed them in, so the bytes are unchanged.

#[derive(serde::Serialize)]
struct Suite<'a> {
    benchmarks: Vec<Benchmark<'a>>,
    metadata: SuiteMetadata<'a>,
    version: &'static str,
}

#[derive(serde::Serialize)]
struct SuiteMetadata<'a> {
    description: &'a str,
    python_version: &'a str,
    timer: &'a str,
    unit: &'static str,
}

#[derive(serde::Serialize)]
struct Benchmark<'a> {
    metadata: BenchmarkMetadata<'a>,
    runs: Vec<Run<'a>>,
}

#[derive(serde::Serialize)]
struct BenchmarkMetadata<'a> {
    loops: u64,
    name: &'a str,
    timeit_setup: &'a str,
    timeit_stmt: &'a str,
}

#[derive(serde::Serialize)]
struct Run<'a> {
    metadata: RunMetadata<'a>,
    values: &'a [f64],
    warmups: Vec<(u64, f64)>,
}

#[derive(serde::Serialize)]
struct RunMetadata<'a> {
    date: &'a str,
    duration: f64,
}

/// The suite of `variants`, timed as `about` says.
fn suite<'a>(
    variants: &'a [flypy_measure::time::Variant],
    about: &'a flypy_measure::time::About,
) -> Suite<'a> {
    Suite {
        benchmarks: variants
            .iter()
            .map(|v| Benchmark {
                metadata: BenchmarkMetadata {
                    loops: v.loops,
                    name: &v.name,
                    timeit_setup: &about.setup,
                    timeit_stmt: &v.name,
                },
                runs: v
                    .runs
                    .iter()
                    .map(|r| Run {
                        metadata: RunMetadata {
                            date: &r.date,
                            duration: r.duration,
                        },
                        values: &r.values,
                        warmups: r.warmups.iter().map(|w| (v.loops, *w)).collect(),
                    })
                    .collect(),
            })
            .collect(),
        metadata: SuiteMetadata {
            description: &about.how,
            python_version: &about.python,
            timer: &about.timer,
            unit: "second",
        },
        version: "1.0",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only timings have a pyperf form; another document is refused by name, nothing written.
    #[test]
    fn pyperf_refuses_documents_other_than_time() {
        let doc = Document::Cases(flypy_measure::doc::CasesDoc {
            schema: "flypy.cases/1",
            cases: Vec::new(),
        });
        let mut out = Vec::new();
        let err = Pyperf
            .export(&doc, &mut out)
            .expect_err("a list of cases has no pyperf form");
        assert_eq!(
            err.to_string(),
            "pyperf is made for the time document (flypy.time/1), not a flypy.cases/1 document"
        );
        assert!(out.is_empty());
    }
}
