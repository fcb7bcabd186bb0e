//! `flypy time --format pyperf`: pyperf's JSON, for `python -m pyperf stats|compare_to`. A
//! view of the time document only: pyperf's files hold timings, nothing else flypy measures.

use std::io::Write;

use serde_json::json;

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

/// pyperf's JSON: a suite with one benchmark per statement, one run per worker process
/// (values and warm-ups in seconds per loop, warm-ups as [loops, value] pairs).
fn suite(
    variants: &[flypy_measure::time::Variant],
    about: &flypy_measure::time::About,
) -> serde_json::Value {
    let benchmarks: Vec<_> = variants
        .iter()
        .map(|v| {
            let runs: Vec<_> = v
                .runs
                .iter()
                .map(|r| {
                    json!({
                        "metadata": {"date": r.date, "duration": r.duration},
                        "warmups": r.warmups.iter().map(|w| json!([v.loops, w])).collect::<Vec<_>>(),
                        "values": r.values,
                    })
                })
                .collect();
            json!({
                "metadata": {"name": v.name, "loops": v.loops, "timeit_stmt": v.name,
                             "timeit_setup": about.setup},
                "runs": runs,
            })
        })
        .collect();
    json!({
        "version": "1.0",
        "metadata": {"python_version": about.python, "timer": about.timer, "unit": "second",
                     "description": about.how},
        "benchmarks": benchmarks,
    })
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
