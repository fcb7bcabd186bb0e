//! `flypy pythons` as text: one interpreter a line, under column headings.

use std::fmt::Write as _;

use flypy_measure::doc::PythonsDoc;

use crate::ReportError;

pub(super) fn text(doc: &PythonsDoc) -> Result<String, ReportError> {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "{:<8}{:<10}{:<14}{:<13}{:<9}PATH",
        "VERSION", "FULL", "BUILD", "FOUND BY", "SYMBOLS"
    );
    for i in doc.interpreters {
        let mut build = Vec::new();
        if i.debug {
            build.push("debug");
        }
        if i.free_threaded {
            build.push("free-threaded");
        }
        let build = if build.is_empty() {
            "release".to_owned()
        } else {
            build.join(",")
        };
        // The name the JSON gives it.
        let how = serde_json::to_value(i.found_by)?;
        let _ = writeln!(
            t,
            "{:<8}{:<10}{:<14}{:<13}{:<9}{}",
            i.version.to_string(),
            i.full_version,
            build,
            how.as_str().unwrap_or("?"),
            // Whether callgrind can name the interpreter's C functions.
            match i.symbols {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unknown",
            },
            i.path.display()
        );
    }
    if doc.interpreters.is_empty() {
        let _ = writeln!(
            t,
            "(no CPython found on PATH, in pyenv or in {})",
            doc.provisioned_dir.display()
        );
    }
    Ok(t)
}
