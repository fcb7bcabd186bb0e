//! `flypy cases` as text: each built-in case with its question, and how to run one.

use std::fmt::Write as _;

use flypy_measure::doc::CasesDoc;

pub(super) fn text(doc: &CasesDoc) -> String {
    let mut t = String::new();
    for c in &doc.cases {
        let default = if c.default { " (default)" } else { "" };
        let _ = writeln!(t, "{:<18} {}{default}", c.name, c.question);
    }
    let _ = writeln!(
        t,
        "\nflypy dive --case NAME runs one; flypy cases --show NAME prints its variants.\n\
         A case file of your own has the same shape: flypy dive FILE.py"
    );
    t
}
