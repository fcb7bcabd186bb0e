//! The line-by-line state machine that turns callgrind text into a [`Profile`].
//!
//! One pass, constant work per line apart from hash lookups on `fn=`/`calls=` lines, so a
//! profile of tens of megabytes reads in well under a second.

use std::collections::HashMap;
use std::io::BufRead;

use crate::error::{excerpt, Error, ErrorKind};
use crate::lines::{next_line, Line, MAX_LINE_BYTES};
use crate::names::Names;
use crate::numbers::{parse_number, parse_subposition, tokens};
use crate::profile::{Call, FunctionCost, FunctionKey, Header, Part, Profile, Warning};

/// The most event columns a profile may have.
pub(crate) const MAX_EVENTS: usize = 64;

/// Reads a whole profile from `reader`.
pub(crate) fn parse<R: BufRead>(mut reader: R) -> Result<Profile, Error> {
    let mut parser = Parser::default();
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        match next_line(&mut reader, &mut buf) {
            Ok(Line::End) => break,
            Ok(Line::Read) => {
                line_no += 1;
                // Names are paths and symbols: not always UTF-8 on Unix, and never worth
                // refusing a profile for. Everything the format itself uses is ASCII.
                let text = String::from_utf8_lossy(&buf);
                parser.line(line_no, &text)?;
            }
            Ok(Line::TooLong) => {
                return Err(Error::Syntax {
                    line: line_no + 1,
                    kind: ErrorKind::LineTooLong {
                        limit: MAX_LINE_BYTES,
                    },
                })
            }
            Err(source) => {
                return Err(Error::Read {
                    line: line_no,
                    source,
                })
            }
        }
    }
    parser.finish()
}

/// A call whose cost line has not been read yet.
#[derive(Debug)]
struct PendingCall {
    line: usize,
    count: u64,
    caller: usize,
    callee: usize,
}

/// The state that a new part starts afresh.
#[derive(Debug)]
struct PartState {
    number: Option<String>,
    first_line: usize,
    /// `positions:` column names; `line` unless the header says otherwise.
    positions: Vec<String>,
    positions_given: bool,
    events_given: bool,
    summary: Option<(usize, Vec<u64>)>,
    stated_totals: Option<(usize, Vec<u64>)>,
    /// Cost, call or jump lines, or `totals:`, were read: a header line now starts a new part.
    has_body: bool,
    totals: Vec<u64>,
    /// The previous cost line's position per column, the base of relative positions.
    last_position: Vec<u64>,
    object: usize,
    /// The source file of the next cost lines (`fl=`, `fi=`, `fe=`).
    file: usize,
    /// The current `fn=`: its (object, file, name) indices, and its index in `functions`
    /// once a cost or call line needed it. Resolved lazily so that `fn=` lines that only
    /// define name ids (allowed right after the header) do not make functions appear.
    function: Option<((usize, usize, usize), Option<usize>)>,
    call_object: Option<usize>,
    call_file: Option<usize>,
    call_function: Option<usize>,
}

impl PartState {
    fn new(
        first_line: usize,
        positions: Vec<String>,
        events: usize,
        unnamed: (usize, usize),
    ) -> Self {
        let columns = positions.len();
        PartState {
            number: None,
            first_line,
            positions,
            positions_given: false,
            events_given: false,
            summary: None,
            stated_totals: None,
            has_body: false,
            totals: vec![0; events],
            last_position: vec![0; columns],
            object: unnamed.0,
            file: unnamed.1,
            function: None,
            call_object: None,
            call_file: None,
            call_function: None,
        }
    }
}

#[derive(Debug)]
struct Parser {
    names: Names,
    header: Header,
    /// Empty until the first `events:` line.
    events: Vec<String>,
    part: PartState,
    parts: Vec<Part>,
    /// (object, file, function) name indices to index in `functions`.
    function_index: HashMap<(usize, usize, usize), usize>,
    functions: Vec<FunctionCost>,
    /// Name indices of each function, parallel to `functions`, filled in at the end.
    function_names: Vec<(usize, usize, usize)>,
    call_index: HashMap<(usize, usize), usize>,
    calls: Vec<Call>,
    totals: Vec<u64>,
    pending_call: Option<PendingCall>,
    warnings: Vec<Warning>,
    warnings_dropped: usize,
    /// Reused for each cost line's costs.
    costs: Vec<u64>,
}

impl Default for Parser {
    fn default() -> Self {
        let mut names = Names::default();
        let unnamed = (names.objects.intern(""), names.files.intern(""));
        Parser {
            names,
            header: Header::default(),
            events: Vec::new(),
            part: PartState::new(1, vec!["line".to_owned()], 0, unnamed),
            parts: Vec::new(),
            function_index: HashMap::new(),
            functions: Vec::new(),
            function_names: Vec::new(),
            call_index: HashMap::new(),
            calls: Vec::new(),
            totals: Vec::new(),
            pending_call: None,
            warnings: Vec::new(),
            warnings_dropped: 0,
            costs: Vec::new(),
        }
    }
}

/// What kind of line this is, from its first characters.
enum LineKind<'a> {
    Skip,
    Cost(&'a str),
    Spec(&'a str, &'a str),
    Header(&'a str, &'a str),
}

fn classify(text: &str) -> Result<LineKind<'_>, ErrorKind> {
    let text = text.trim_matches([' ', '\t', '\r']);
    let Some(first) = text.bytes().next() else {
        return Ok(LineKind::Skip);
    };
    match first {
        b'#' => Ok(LineKind::Skip),
        b'0'..=b'9' | b'+' | b'-' | b'*' => Ok(LineKind::Cost(text)),
        _ => {
            let key_end = text
                .bytes()
                .position(|b| !(b.is_ascii_alphanumeric() || b == b'_'))
                .unwrap_or(text.len());
            let (key, rest) = text.split_at(key_end);
            match rest.as_bytes().first() {
                Some(b'=') if key_end > 0 => Ok(LineKind::Spec(key, &rest[1..])),
                Some(b':') if key_end > 0 => Ok(LineKind::Header(key, &rest[1..])),
                _ => Err(ErrorKind::Unrecognised {
                    found: excerpt(text),
                }),
            }
        }
    }
}

impl Parser {
    fn line(&mut self, line_no: usize, text: &str) -> Result<(), Error> {
        let at_line = |kind| Error::Syntax {
            line: line_no,
            kind,
        };
        let kind = classify(text).map_err(at_line)?;
        if let Some(pending) = &self.pending_call {
            match kind {
                LineKind::Skip | LineKind::Cost(_) => {}
                LineKind::Spec(..) | LineKind::Header(..) => {
                    return Err(at_line(ErrorKind::MissingCallCost {
                        calls_line: pending.line,
                        found: format!("`{}`", excerpt(text.trim())),
                    }))
                }
            }
        }
        match kind {
            LineKind::Skip => Ok(()),
            LineKind::Cost(text) => self.cost_line(text).map_err(at_line),
            LineKind::Spec(key, value) => self.spec_line(line_no, key, value).map_err(at_line),
            LineKind::Header(key, value) => {
                if self.starts_next_part(key) {
                    self.finish_part()?;
                    let unnamed = (self.names.objects.intern(""), self.names.files.intern(""));
                    // A part that does not restate `positions:` keeps the previous part's.
                    let positions = self.part.positions.clone();
                    self.part = PartState::new(line_no, positions, self.events.len(), unnamed);
                }
                self.header_line(line_no, key, value).map_err(at_line)
            }
        }
    }

    /// A part header line after a body, or a second `part:`, begins the next part.
    /// `summary:` and `totals:` never do: `totals:` ends a part, after its body.
    fn starts_next_part(&self, key: &str) -> bool {
        let part_header = matches!(
            key,
            "version"
                | "creator"
                | "pid"
                | "thread"
                | "cmd"
                | "part"
                | "desc"
                | "event"
                | "events"
                | "positions"
        );
        part_header && (self.part.has_body || (key == "part" && self.part.number.is_some()))
    }

    fn warn(&mut self, line: usize, message: String) {
        if self.warnings.len() < Profile::MAX_WARNINGS {
            self.warnings.push(Warning { line, message });
        } else {
            self.warnings_dropped += 1;
        }
    }

    // ---- header lines -------------------------------------------------------------------

    fn header_line(&mut self, line_no: usize, key: &str, value: &str) -> Result<(), ErrorKind> {
        let value = value.trim_matches([' ', '\t']);
        match key {
            "version" => {
                if value != "1" && value != "0" {
                    self.warn(
                        line_no,
                        format!(
                            "format version `{}` is not 1; read as version 1",
                            excerpt(value)
                        ),
                    );
                }
                self.header.version.get_or_insert_with(|| value.to_owned());
            }
            "creator" => {
                self.header.creator.get_or_insert_with(|| value.to_owned());
            }
            "pid" => {
                self.header.pid.get_or_insert_with(|| value.to_owned());
            }
            "cmd" => {
                self.header.cmd.get_or_insert_with(|| value.to_owned());
            }
            "part" => self.part.number = Some(value.to_owned()),
            // Descriptions, long event names and thread ids change no cost.
            "desc" | "event" | "thread" => {}
            "events" => self.events_line(value)?,
            "positions" => self.positions_line(value)?,
            "summary" => {
                if self.part.summary.is_some() {
                    return Err(ErrorKind::DuplicateHeader { key: "summary" });
                }
                self.part.summary = Some((line_no, parse_costs(value)?));
            }
            "totals" => {
                if self.part.stated_totals.is_some() {
                    return Err(ErrorKind::DuplicateHeader { key: "totals" });
                }
                self.part.stated_totals = Some((line_no, parse_costs(value)?));
                self.part.has_body = true;
            }
            _ => self.warn(
                line_no,
                format!("unknown header line `{}:` ignored", excerpt(key)),
            ),
        }
        Ok(())
    }

    fn events_line(&mut self, value: &str) -> Result<(), ErrorKind> {
        if self.part.events_given {
            return Err(ErrorKind::DuplicateHeader { key: "events" });
        }
        let mut names: Vec<String> = Vec::new();
        for name in tokens(value) {
            // Every function and call keeps one counter per event: a cap keeps a small
            // hostile file from asking for gigabytes. Callgrind writes at most about 20.
            if names.len() == MAX_EVENTS {
                return Err(ErrorKind::TooManyEvents { limit: MAX_EVENTS });
            }
            if names.iter().any(|n| n == name) {
                return Err(ErrorKind::DuplicateEvent {
                    name: excerpt(name),
                });
            }
            names.push(name.to_owned());
        }
        if names.is_empty() {
            return Err(ErrorKind::NoEventNames);
        }
        if self.events.is_empty() {
            // No function exists yet: they are made by cost and call lines, which need events.
            let n = names.len();
            self.totals = vec![0; n];
            self.part.totals = vec![0; n];
            self.events = names;
        } else if self.events != names {
            // Every cost vector of the profile is in one event order; a file mixing lists is
            // hand-made, and summing `Ir` of one part with `Dr` of another would be wrong.
            return Err(ErrorKind::EventsChanged {
                before: self.events.join(" "),
                now: excerpt(&names.join(" ")),
            });
        }
        self.part.events_given = true;
        Ok(())
    }

    fn positions_line(&mut self, value: &str) -> Result<(), ErrorKind> {
        if self.part.positions_given {
            return Err(ErrorKind::DuplicateHeader { key: "positions" });
        }
        let mut columns: Vec<String> = Vec::new();
        for name in tokens(value) {
            if !matches!(name, "instr" | "bb" | "line") || columns.iter().any(|c| c == name) {
                return Err(ErrorKind::BadPositions {
                    found: excerpt(value),
                });
            }
            columns.push(name.to_owned());
        }
        if columns.is_empty() {
            return Err(ErrorKind::BadPositions {
                found: excerpt(value),
            });
        }
        self.part.last_position = vec![0; columns.len()];
        self.part.positions = columns;
        self.part.positions_given = true;
        Ok(())
    }

    // ---- position specifications and calls ----------------------------------------------

    fn spec_line(&mut self, line_no: usize, key: &str, value: &str) -> Result<(), ErrorKind> {
        match key {
            "ob" => self.part.object = self.names.objects.resolve(key, value)?,
            "fl" | "fi" | "fe" => self.part.file = self.names.files.resolve(key, value)?,
            "fn" => {
                let name = self.names.functions.resolve(key, value)?;
                self.part.function = Some(((self.part.object, self.part.file, name), None));
            }
            "cob" => self.part.call_object = Some(self.names.objects.resolve(key, value)?),
            "cfi" | "cfl" => self.part.call_file = Some(self.names.files.resolve(key, value)?),
            "cfn" => self.part.call_function = Some(self.names.functions.resolve(key, value)?),
            // Jump targets: only their names' ids matter here, for later references.
            "jfi" => {
                self.names.files.resolve(key, value)?;
            }
            "jfn" => {
                self.names.functions.resolve(key, value)?;
            }
            "calls" => self.calls_line(line_no, value)?,
            "jump" | "jcnd" => self.jump_line(key, value)?,
            _ => self.warn(line_no, format!("unknown line `{}=` ignored", excerpt(key))),
        }
        Ok(())
    }

    /// The index of the current `fn=` function, adding it when new.
    fn current_function(&mut self) -> Result<usize, ErrorKind> {
        match self.part.function {
            None => Err(ErrorKind::CostOutsideFunction),
            Some((_, Some(index))) => Ok(index),
            Some(((object, file, name), None)) => {
                let index = self.function(object, file, name);
                self.part.function = Some(((object, file, name), Some(index)));
                Ok(index)
            }
        }
    }

    /// The index of function (object, file, name), adding it when new.
    fn function(&mut self, object: usize, file: usize, name: usize) -> usize {
        let next = self.functions.len();
        let index = *self
            .function_index
            .entry((object, file, name))
            .or_insert(next);
        if index == next {
            let events = self.events.len();
            self.functions.push(FunctionCost {
                key: FunctionKey {
                    name: String::new(),
                    file: String::new(),
                    object: String::new(),
                },
                self_cost: vec![0; events],
                inclusive: vec![0; events],
                called: 0,
            });
            self.function_names.push((object, file, name));
        }
        index
    }

    fn calls_line(&mut self, line_no: usize, value: &str) -> Result<(), ErrorKind> {
        if self.events.is_empty() {
            return Err(ErrorKind::CostBeforeEvents);
        }
        let caller = self.current_function()?;
        let callee_name = self
            .part
            .call_function
            .ok_or(ErrorKind::CallWithoutTarget)?;
        let mut fields = tokens(value);
        let count = parse_number(fields.next().unwrap_or(""), "a call count")?;
        self.target_position(fields)?;
        // The called object and file default to the caller's current ones (callgrind leaves
        // them out when equal, and the current file includes an inlined `fi=` file).
        let object = self.part.call_object.unwrap_or(self.part.object);
        let file = self.part.call_file.unwrap_or(self.part.file);
        let callee = self.function(object, file, callee_name);
        // The called-position lines apply to one call only.
        self.part.call_object = None;
        self.part.call_file = None;
        self.part.call_function = None;
        self.part.has_body = true;
        self.pending_call = Some(PendingCall {
            line: line_no,
            count,
            caller,
            callee,
        });
        Ok(())
    }

    /// `jump=COUNT TARGET` or `jcnd=EXECUTED JUMPED TARGET` (callgrind writes
    /// `EXECUTED/JUMPED`). They carry no cost; they are checked and skipped.
    fn jump_line(&mut self, key: &str, value: &str) -> Result<(), ErrorKind> {
        if self.events.is_empty() {
            return Err(ErrorKind::CostBeforeEvents);
        }
        let mut fields = tokens(value);
        let first = fields.next().unwrap_or("");
        if key == "jcnd" {
            match first.split_once('/') {
                Some((executed, jumped)) => {
                    parse_number(executed, "an execution count")?;
                    parse_number(jumped, "a jump count")?;
                }
                None => {
                    parse_number(first, "an execution count")?;
                    parse_number(fields.next().unwrap_or(""), "a jump count")?;
                }
            }
        } else {
            parse_number(first, "a jump count")?;
        }
        self.target_position(fields)?;
        self.part.has_body = true;
        Ok(())
    }

    /// Checks the target position of a call or jump. It is relative to the previous cost
    /// line like any position but does not become the base of the next one: callgrind writes
    /// the source position on the following line relative to the same base (`* 200`).
    /// Tokens beyond the position columns are ignored (some producers, e.g. xdebug, write
    /// `calls=1 0 0` with a single `line` column).
    fn target_position<'a>(
        &self,
        mut fields: impl Iterator<Item = &'a str>,
    ) -> Result<(), ErrorKind> {
        let first = fields.next().ok_or(ErrorKind::Missing {
            expected: "a target position after the count",
        })?;
        let bases = &self.part.last_position;
        for (token, base) in std::iter::once(first).chain(fields).zip(bases.iter()) {
            parse_subposition(token, *base)?;
        }
        Ok(())
    }

    // ---- cost lines -----------------------------------------------------------------------

    fn cost_line(&mut self, text: &str) -> Result<(), ErrorKind> {
        if self.events.is_empty() {
            return Err(ErrorKind::CostBeforeEvents);
        }
        let mut fields = tokens(text);
        let columns = self.part.positions.len();
        for column in 0..columns {
            let token = fields.next().ok_or_else(|| ErrorKind::TooFewPositions {
                expected: columns,
                names: self.part.positions.join(" "),
                found: column,
            })?;
            let base = self.part.last_position[column];
            self.part.last_position[column] = parse_subposition(token, base)?;
        }
        let events = self.events.len();
        self.costs.clear();
        self.costs.resize(events, 0);
        for (n, token) in fields.enumerate() {
            let slot = self
                .costs
                .get_mut(n)
                .ok_or(ErrorKind::TooManyCosts { events })?;
            *slot = parse_number(token, "a cost (number)")?;
        }
        self.part.has_body = true;
        match self.pending_call.take() {
            Some(call) => self.add_call_cost(call),
            None => self.add_self_cost(),
        }
    }

    fn add_self_cost(&mut self) -> Result<(), ErrorKind> {
        let function = self.current_function()?;
        let f = self
            .functions
            .get_mut(function)
            .ok_or(ErrorKind::CostOutsideFunction)?;
        add_into(&mut f.self_cost, &self.costs)?;
        add_into(&mut f.inclusive, &self.costs)?;
        add_into(&mut self.part.totals, &self.costs)?;
        add_into(&mut self.totals, &self.costs)
    }

    fn add_call_cost(&mut self, call: PendingCall) -> Result<(), ErrorKind> {
        let next = self.calls.len();
        let index = *self
            .call_index
            .entry((call.caller, call.callee))
            .or_insert(next);
        if index == next {
            self.calls.push(Call {
                caller: call.caller,
                callee: call.callee,
                count: 0,
                inclusive: vec![0; self.events.len()],
            });
        }
        if let Some(edge) = self.calls.get_mut(index) {
            edge.count = edge
                .count
                .checked_add(call.count)
                .ok_or(ErrorKind::CostOverflow)?;
            add_into(&mut edge.inclusive, &self.costs)?;
        }
        if let Some(caller) = self.functions.get_mut(call.caller) {
            add_into(&mut caller.inclusive, &self.costs)?;
        }
        if let Some(callee) = self.functions.get_mut(call.callee) {
            callee.called = callee
                .called
                .checked_add(call.count)
                .ok_or(ErrorKind::CostOverflow)?;
        }
        Ok(())
    }

    // ---- ends of parts and of the file ----------------------------------------------------

    /// Checks the part's `totals:` and `summary:` against its cost lines and records it.
    fn finish_part(&mut self) -> Result<(), Error> {
        if !self.part.events_given && !self.part.has_body {
            // A header with nothing to count (e.g. only `version:`/`creator:`) is not a part.
            return Ok(());
        }
        let stated_totals = match self.part.stated_totals.take() {
            Some((line, stated)) => {
                let stated = self.padded(line, &stated)?;
                self.check(
                    line,
                    &stated,
                    |s, c| s == c,
                    |event, stated, computed| ErrorKind::TotalsMismatch {
                        event,
                        stated,
                        computed,
                    },
                )?;
                Some(stated)
            }
            None => None,
        };
        let summary = match self.part.summary.take() {
            Some((line, stated)) => {
                let stated = self.padded(line, &stated)?;
                self.check(
                    line,
                    &stated,
                    |s, c| s >= c,
                    |event, stated, computed| ErrorKind::SummaryTooSmall {
                        event,
                        stated,
                        computed,
                    },
                )?;
                // The format allows a summary larger than the cost lines (costs outside
                // them), and callgrind writes one a few instructions larger when simulating
                // caches. Without the closing `totals:` line, though, a larger summary is
                // what a truncated dump looks like, so say so.
                if stated != self.part.totals && stated_totals.is_none() {
                    let message = format!(
                        "`summary:` ({}) is larger than the sum of the part's cost lines ({}) and no `totals:` line follows them: the profile may be incomplete",
                        join(&stated),
                        join(&self.part.totals)
                    );
                    self.warn(line, message);
                }
                Some(stated)
            }
            None => None,
        };
        self.parts.push(Part {
            number: self.part.number.take(),
            first_line: self.part.first_line,
            positions: self.part.positions.clone(),
            totals: self.part.totals.clone(),
            summary,
            stated_totals,
        });
        Ok(())
    }

    /// A stated cost vector padded with zeros to the number of events.
    fn padded(&self, line: usize, stated: &[u64]) -> Result<Vec<u64>, Error> {
        let events = self.events.len();
        if events == 0 {
            return Err(Error::Syntax {
                line,
                kind: ErrorKind::CostBeforeEvents,
            });
        }
        if stated.len() > events {
            return Err(Error::Syntax {
                line,
                kind: ErrorKind::TooManyCosts { events },
            });
        }
        let mut padded = stated.to_vec();
        padded.resize(events, 0);
        Ok(padded)
    }

    fn check(
        &self,
        line: usize,
        stated: &[u64],
        ok: impl Fn(u64, u64) -> bool,
        error: impl Fn(String, u64, u64) -> ErrorKind,
    ) -> Result<(), Error> {
        let computed = &self.part.totals;
        for ((event, &s), &c) in self.events.iter().zip(stated).zip(computed) {
            if !ok(s, c) {
                return Err(Error::Syntax {
                    line,
                    kind: error(event.clone(), s, c),
                });
            }
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Profile, Error> {
        if let Some(pending) = &self.pending_call {
            return Err(Error::Syntax {
                line: pending.line,
                kind: ErrorKind::MissingCallCost {
                    calls_line: pending.line,
                    found: "the end of the input".to_owned(),
                },
            });
        }
        if self.events.is_empty() {
            return Err(Error::NoEvents);
        }
        self.finish_part()?;
        for (function, &(object, file, name)) in self.functions.iter_mut().zip(&self.function_names)
        {
            function.key = FunctionKey {
                name: self.names.functions.get(name).to_owned(),
                file: self.names.files.get(file).to_owned(),
                object: self.names.objects.get(object).to_owned(),
            };
        }
        Ok(Profile {
            header: self.header,
            events: self.events,
            totals: self.totals,
            parts: self.parts,
            functions: self.functions,
            calls: self.calls,
            warnings: self.warnings,
            warnings_dropped: self.warnings_dropped,
        })
    }
}

/// The costs of a `summary:` or `totals:` line.
fn parse_costs(value: &str) -> Result<Vec<u64>, ErrorKind> {
    tokens(value)
        .map(|token| parse_number(token, "a cost (number)"))
        .collect()
}

fn add_into(sum: &mut [u64], costs: &[u64]) -> Result<(), ErrorKind> {
    for (s, &c) in sum.iter_mut().zip(costs) {
        *s = s.checked_add(c).ok_or(ErrorKind::CostOverflow)?;
    }
    Ok(())
}

fn join(costs: &[u64]) -> String {
    costs
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}
