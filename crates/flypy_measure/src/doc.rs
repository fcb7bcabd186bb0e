//! Typed documents of the commands whose results are not a measurement of the engine's own:
//! the interpreters found (`flypy.pythons/1`) and the built-in cases (`flypy.cases/1`,
//! `flypy.case/1`), docs/json.md. Each is printed through `serde_json::to_value`, whose maps
//! keep their keys sorted, as the hand-built documents had them.

use serde::Serialize;

/// `flypy pythons --format json`.
#[derive(Serialize)]
pub struct PythonsDoc<'a> {
    pub schema: &'static str,
    pub provisioned_dir: std::path::PathBuf,
    pub interpreters: &'a [flypy_probe::Interpreter],
}

impl<'a> PythonsDoc<'a> {
    pub fn new(interpreters: &'a [flypy_probe::Interpreter]) -> Self {
        PythonsDoc {
            schema: "flypy.pythons/1",
            provisioned_dir: flypy_probe::provisioned_dir(),
            interpreters,
        }
    }
}

/// A built-in case's name, question and description, and whether it is the default: an entry
/// of [`CasesDoc`].
#[derive(Serialize)]
pub struct CaseSummary<'a> {
    pub name: &'a str,
    pub question: &'a str,
    pub description: &'a str,
    pub default: bool,
}

impl<'a> CaseSummary<'a> {
    pub fn new(name: &'a str, about: &'a flypy_dive::case::About) -> Self {
        CaseSummary {
            name,
            question: &about.question,
            description: &about.description,
            default: name == flypy_dive::case::DEFAULT_CASE,
        }
    }
}

/// `flypy cases --format json`: every built-in case.
#[derive(Serialize)]
pub struct CasesDoc<'a> {
    pub schema: &'static str,
    pub cases: Vec<CaseSummary<'a>>,
}

/// `flypy cases --show NAME --format json`: one case with its file name and source.
#[derive(Serialize)]
pub struct CaseDoc<'a> {
    pub schema: &'static str,
    #[serde(flatten)]
    pub summary: CaseSummary<'a>,
    pub file: &'a str,
    pub source: &'a str,
}
