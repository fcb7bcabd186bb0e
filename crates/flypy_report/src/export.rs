//! The one way a document becomes output: an [`Exporter`] writes a [`Document`]. Text is
//! `crate::text` and pyperf's JSON `crate::pyperf`; here are the JSON and the HTML page, the
//! page drawn from the document's JSON form, so that what it shows is what `--format json`
//! prints.

use std::io::Write;

use flypy_measure::source::dis_json;
use serde_json::Value;

use crate::document::Document;
use crate::ReportError;

/// A view of a command's document: text, JSON, pyperf's JSON, HTML.
pub trait Exporter {
    fn export(&self, doc: &Document, out: &mut dyn Write) -> Result<(), ReportError>;
}

/// The document as `docs/json.md` describes it, on one line (`flypy pythons`: indented, as it
/// has always been printed), and a newline; of a dis file, its entry of `files` (see
/// [`crate::document::DisFile`]).
pub struct Json;

impl Exporter for Json {
    fn export(&self, doc: &Document, out: &mut dyn Write) -> Result<(), ReportError> {
        if let Document::DisFile(f) = doc {
            // An entry of the `files` array, the frame around it being the binary's.
            let entry = dis_json::file(f.loaded, f.code)?;
            out.write_all(entry.as_bytes())?;
            return Ok(());
        }
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
        if let Document::DisFile(_) = doc {
            // A listing is not a page flypy draws (and `value` of it would have no schema).
            return Err(ReportError::Schema(doc.schema().to_owned()));
        }
        let page = crate::html(&value(doc)?)?;
        out.write_all(page.as_bytes())?;
        Ok(())
    }
}

/// The document's JSON form. Through a `Value`: its maps sort their keys, as the schemas'
/// documents always had them.
pub(crate) fn value(doc: &Document) -> Result<Value, ReportError> {
    Ok(match doc {
        Document::DisFile(f) => serde_json::from_str(&dis_json::file(f.loaded, f.code)?)?,
        Document::Trace(t) => serde_json::to_value(&t.doc)?,
        Document::Time(t) => serde_json::to_value(&t.doc)?,
        Document::Cost(c) => serde_json::to_value(&c.doc)?,
        Document::Dive(d) => serde_json::to_value(&d.doc)?,
        Document::Pythons(p) => serde_json::to_value(p)?,
        Document::Cases(c) => serde_json::to_value(c)?,
        Document::Case(c) => serde_json::to_value(c)?,
    })
}
