//! The one way a document becomes output: an [`Exporter`] writes a [`Document`]. Text is
//! `crate::text`; here are the machine-readable forms and the HTML page, each read from the
//! document's JSON form, so that what they show is what `--format json` prints.

use std::io::Write;

use serde_json::Value;

use crate::document::Document;
use crate::ReportError;

/// A view of a command's document: text, JSON, pyperf's JSON, HTML.
pub trait Exporter {
    fn export(&self, doc: &Document, out: &mut dyn Write) -> Result<(), ReportError>;
}

/// The document as `docs/json.md` describes it, on one line (`flypy pythons`: indented, as it
/// has always been printed), and a newline.
pub struct Json;

impl Exporter for Json {
    fn export(&self, doc: &Document, out: &mut dyn Write) -> Result<(), ReportError> {
        let value = value(doc)?;
        if let Document::Pythons(_) = doc {
            serde_json::to_writer_pretty(&mut *out, &value)?;
        } else {
            serde_json::to_writer(&mut *out, &value)?;
        }
        out.write_all(b"\n")?;
        Ok(())
    }
}

/// The one self-contained HTML page of a dive, trace, cost or time document
/// ([`crate::html`]); other documents are an error.
pub struct Html;

impl Exporter for Html {
    fn export(&self, doc: &Document, out: &mut dyn Write) -> Result<(), ReportError> {
        let page = crate::html(&value(doc)?)?;
        out.write_all(page.as_bytes())?;
        Ok(())
    }
}

/// The document's JSON form. Through a `Value`: its maps sort their keys, as the schemas'
/// documents always had them. The trace document gets the fields the HTML page draws from
/// (source, positions, blocks, edges), which its JSON carries too.
pub(crate) fn value(doc: &Document) -> Result<Value, ReportError> {
    Ok(match doc {
        Document::Trace(t) => {
            let mut value = serde_json::to_value(&t.doc)?;
            crate::additions::trace(&mut value, t.module, t.version, t.source)?;
            value
        }
        Document::Time(t) => serde_json::to_value(&t.doc)?,
        Document::Cost(c) => serde_json::to_value(&c.doc)?,
        Document::Dive(d) => serde_json::to_value(&d.doc)?,
        Document::Pythons(p) => serde_json::to_value(p)?,
        Document::Cases(c) => serde_json::to_value(c)?,
        Document::Case(c) => serde_json::to_value(c)?,
    })
}
