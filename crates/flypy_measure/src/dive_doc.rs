//! The dive's document, `flypy.dive/1` (docs/dive.md): the case, every interpreter's dive with
//! its explanation (blocks and their unwrapped text, nothing depending on a terminal), and what
//! changed between consecutive measured versions. A type, like the other commands' documents,
//! printed through `serde_json::to_value` so its keys are sorted as they always were.

use flypy_markup::Block;
use serde::Serialize;

use crate::dive::{Dive, Prepared};

#[derive(Serialize)]
pub struct DiveDoc<'a> {
    pub schema: &'static str,
    pub case: CaseDoc<'a>,
    pub quick: bool,
    pub pythons: Vec<DiveRun<'a>>,
    pub version_changes: Vec<VersionChange>,
}

#[derive(Serialize)]
pub struct CaseDoc<'a> {
    pub name: &'a str,
    pub question: &'a str,
    pub description: &'a str,
    pub statements: Option<&'a [String]>,
}

/// One interpreter's dive and the explanation of each of its comparisons.
#[derive(Serialize)]
pub struct DiveRun<'a> {
    #[serde(flatten)]
    pub dive: &'a Dive,
    pub explanation: Vec<Explanation>,
}

#[derive(Serialize)]
pub struct Explanation {
    pub slower: usize,
    pub faster: usize,
    /// Each block on one line, unwrapped.
    pub text: Vec<String>,
    pub blocks: Vec<Block>,
}

#[derive(Serialize)]
pub struct VersionChange {
    pub from: String,
    pub to: String,
    pub changes: Vec<String>,
}

/// The document of `dives` of `case`.
pub fn document<'a>(dives: &'a [Dive], case: &'a Prepared, quick: bool) -> DiveDoc<'a> {
    let pythons = dives
        .iter()
        .map(|d| DiveRun {
            dive: d,
            explanation: d
                .comparisons
                .iter()
                .map(|c| {
                    let blocks = flypy_dive::explain::explain(c, &d.variants, d.iterations);
                    Explanation {
                        slower: c.slower,
                        faster: c.faster,
                        text: flypy_markup::text::unwrapped(&blocks),
                        blocks,
                    }
                })
                .collect(),
        })
        .collect();
    DiveDoc {
        schema: "flypy.dive/1",
        case: CaseDoc {
            name: &case.name,
            question: &case.about.question,
            description: &case.about.description,
            statements: case.statements.as_deref(),
        },
        quick,
        pythons,
        version_changes: version_changes(dives)
            .into_iter()
            .map(|(a, b, changes)| VersionChange {
                from: a.version.clone(),
                to: b.version.clone(),
                changes,
            })
            .collect(),
    }
}

/// Whether executed instructions were counted (3.7+; before, the notes say why not).
pub fn counted(d: &Dive) -> bool {
    d.variants.iter().any(|v| v.ops_per_call.is_some())
}

/// What changed between consecutive measured versions (static-only ones have no counts).
pub fn version_changes(dives: &[Dive]) -> Vec<(&Dive, &Dive, Vec<String>)> {
    let counted: Vec<&Dive> = dives.iter().filter(|d| counted(d)).collect();
    counted
        .windows(2)
        .map(|p| {
            let lines =
                flypy_dive::versions::changes(&p[0].variants, &p[1].variants, p[1].iterations);
            (p[0], p[1], lines)
        })
        .collect()
}
