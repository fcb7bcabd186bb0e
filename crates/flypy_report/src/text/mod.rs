//! The text view: what each command prints on a terminal. Only this view wraps (at
//! [`Text::width`]) and only it uses escape codes (bold headings, [`Text::bold`]); the binary
//! decides both from its arguments and the terminal.

mod cases;
mod cost;
mod dis;
mod dive;
mod line;
mod pythons;
mod time;
mod trace;

use std::io::Write;

pub use line::one_line;

use crate::document::Document;
use crate::export::Exporter;
use crate::ReportError;

pub struct Text {
    /// Columns the dive is laid out in (`--width`; the other commands' text does not wrap).
    pub width: usize,
    /// Bold headings (a terminal that takes escape codes, NO_COLOR unset).
    pub bold: bool,
}

impl Default for Text {
    /// What flypy is laid out for, without escape codes.
    fn default() -> Self {
        Text {
            width: 100,
            bold: false,
        }
    }
}

impl Exporter for Text {
    fn export(&self, doc: &Document, out: &mut dyn Write) -> Result<(), ReportError> {
        let text = match doc {
            // Written as it is made: the listing can be large.
            Document::DisFile(f) => return dis::write(f, out),
            Document::Trace(t) => trace::text(t),
            Document::Time(t) => time::text(t.variants, t.about),
            Document::Cost(c) => cost::text(c),
            Document::Dive(d) => dive::text(d, self.width, self.bold),
            Document::Pythons(p) => pythons::text(p)?,
            Document::Cases(c) => cases::text(c),
            // The case file as it is written.
            Document::Case(c) => c.source.to_owned(),
        };
        out.write_all(text.as_bytes())?;
        Ok(())
    }
}
