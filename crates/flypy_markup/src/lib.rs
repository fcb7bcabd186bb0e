//! Structured text. flypy's explanations are written once, as [`Block`]s of [`Span`]s that
//! keep each number with its value and each instruction name as a reference, and every view
//! renders them its own way: the terminal wraps them at `--width` ([`text`]), the JSON carries
//! them unwrapped and structured, the HTML report marks numbers and instructions up. Number
//! formatting ([`number`]) and wrapping ([`wrap`]) live here so that every view prints a number
//! the same way.

pub mod number;
pub mod text;
pub mod wrap;

use serde::Serialize;

/// A piece of a line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Span {
    /// Words.
    Text { text: String },
    /// A measured or derived number: its value, how it is printed, and its unit (`"×"`,
    /// `"µs"`, `"%"`, …) when it has one. `shown` is what the text says, so a reader can match
    /// the words to the value.
    Number {
        value: f64,
        shown: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        unit: Option<String>,
    },
    /// The name of a bytecode instruction (an opname such as `LIST_APPEND`).
    Instr { opname: String },
}

impl Span {
    /// What the span says.
    pub fn as_str(&self) -> &str {
        match self {
            Span::Text { text } => text,
            Span::Number { shown, .. } => shown,
            Span::Instr { opname } => opname,
        }
    }
}

/// A run of spans read as one piece of text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Line(pub Vec<Span>);

impl Line {
    pub fn new() -> Self {
        Line(Vec::new())
    }

    /// Appends words.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.push_text(text);
        self
    }

    /// Appends a number printed as `shown`.
    pub fn number(mut self, value: f64, shown: impl Into<String>) -> Self {
        self.0.push(Span::Number {
            value,
            shown: shown.into(),
            unit: None,
        });
        self
    }

    /// Appends a number printed as `shown`, followed by its unit.
    pub fn number_in(mut self, value: f64, shown: impl Into<String>, unit: &str) -> Self {
        self.0.push(Span::Number {
            value,
            shown: shown.into(),
            unit: Some(unit.to_owned()),
        });
        self
    }

    /// Appends an instruction's name.
    pub fn instr(mut self, opname: impl Into<String>) -> Self {
        self.0.push(Span::Instr {
            opname: opname.into(),
        });
        self
    }

    /// Appends another line's spans.
    pub fn then(mut self, other: Line) -> Self {
        self.0.extend(other.0);
        self
    }

    /// Appends words in place (merged into a preceding text span, so the structure stays small).
    pub fn push_text(&mut self, text: impl Into<String>) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        if let Some(Span::Text { text: last }) = self.0.last_mut() {
            last.push_str(&text);
        } else {
            self.0.push(Span::Text { text });
        }
    }

    /// The line as plain text: every span as it is printed, unit after its number.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for s in &self.0 {
            out.push_str(s.as_str());
            if let Span::Number { unit: Some(u), .. } = s {
                out.push_str(u);
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|s| s.as_str().is_empty())
    }

    /// The numbers in the line, in order.
    pub fn numbers(&self) -> impl Iterator<Item = f64> + '_ {
        self.0.iter().filter_map(|s| match s {
            Span::Number { value, .. } => Some(*value),
            _ => None,
        })
    }
}

/// One block of an explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph.
    Paragraph { line: Line },
    /// A row of a table of instructions: the instruction, the difference, the detail (both
    /// sides' figures) and, when there is one, a note (what the specializing interpreter made
    /// of it). Consecutive rows form one table, aligned by the text view.
    Row {
        name: Line,
        value: Line,
        detail: Line,
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<Line>,
    },
    /// A remark about the row above it: what an instruction does. `hanging` remarks indent the
    /// lines after their first further, for those that begin with a name.
    Remark { line: Line, hanging: bool },
}

impl Block {
    pub fn paragraph(line: Line) -> Self {
        Block::Paragraph { line }
    }

    /// The lines of the block, in order.
    pub fn lines(&self) -> Vec<&Line> {
        match self {
            Block::Paragraph { line } | Block::Remark { line, .. } => vec![line],
            Block::Row {
                name,
                value,
                detail,
                note,
            } => [name, value, detail].into_iter().chain(note).collect(),
        }
    }
}
