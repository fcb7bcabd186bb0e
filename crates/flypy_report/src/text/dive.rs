//! The dive as text: at most `--width` columns, bold headings when the binary asks for them
//! (a terminal that takes escape codes, NO_COLOR unset).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use flypy_dive::explain::explain;
use flypy_dive::model::Variant;
use flypy_markup::number::{count, fixed, grouped, sig};
use flypy_markup::wrap::wrap;

use flypy_measure::dive::{Dive, Prepared};
use flypy_measure::dive_doc::{counted, version_changes};

/// One interpreter's dive, or a table across several.
pub(super) fn text(view: &crate::document::Dive, width: usize, bold: bool) -> String {
    let style = Style { on: bold };
    match view.dives {
        [d] => one(d, view.case, width, &style),
        dives => across(dives, view.case, width, &style),
    }
}

/// Whether headings are bold.
struct Style {
    on: bool,
}

impl Style {
    fn heading(&self, t: &mut String, title: &str, width: usize) {
        let rule = "─".repeat(width.saturating_sub(title.chars().count() + 4));
        if self.on {
            let _ = writeln!(t, "\n\x1b[1m── {title} \x1b[0m{rule}");
        } else {
            let _ = writeln!(t, "\n── {title} {rule}");
        }
    }
}

/// One interpreter's dive as text.
fn one(d: &Dive, case: &Prepared, w: usize, style: &Style) -> String {
    let mut t = String::new();
    let _ = writeln!(t, "flypy dive · {} · CPython {}", case.name, d.python);
    for l in wrap(&case.about.question, w, "", "") {
        let _ = writeln!(t, "{l}");
    }
    if !case.about.description.is_empty() {
        for l in wrap(&case.about.description, w, "", "") {
            let _ = writeln!(t, "{l}");
        }
    }
    let per = match d.iterations {
        _ if d.static_only => "disassembly only (see the notes)".to_owned(),
        Some(n) => format!("{n} iterations per call"),
        None => "no iteration count given (counts are per call; --iterations N)".to_owned(),
    };
    let _ = writeln!(t, "{} variants; {per}.", d.variants.len());
    // Variants that compute different things: before anything compares them.
    if let Some(n) = &d.results_differ {
        for l in wrap(&format!("note: {n}"), w, "", "      ") {
            let _ = writeln!(t, "{l}");
        }
    }
    style.heading(&mut t, "Variants", w);
    // One column for every label (the longest sets it, up to half the width; a longer label
    // has its line to itself, its text under it).
    let longest = d
        .variants
        .iter()
        .map(|v| v.label.chars().count() + 1)
        .max()
        .unwrap_or(0);
    let pad = longest.clamp(18, w / 2);
    for v in &d.variants {
        let doc = wrap(&one_line(&v.doc), w.saturating_sub(pad + 3), "", "");
        let mut doc = doc.into_iter();
        if v.label.chars().count() >= pad {
            let _ = writeln!(t, "  {}", v.label);
        } else {
            let first = doc.next().unwrap_or_default();
            let _ = writeln!(t, "{}", format!("  {:<pad$} {first}", v.label).trim_end());
        }
        for l in doc {
            let _ = writeln!(t, "  {:<pad$} {l}", "");
        }
    }
    if !d.static_only {
        style.heading(&mut t, "Side by side", w);
        t.push_str(&summary_table(d, w));
        if counted(d) {
            style.heading(&mut t, executed_title(d), w);
            t.push_str(&ops_table(d, w));
        }
    }
    style.heading(&mut t, "What the compiler made (flypy's disassembly)", w);
    for v in &d.variants {
        let _ = writeln!(t, "{}:", v.function);
        if v.disassembly.is_empty() {
            let _ = writeln!(t, "  (not compiled by this version: see the notes)");
        }
        for line in v.disassembly.lines() {
            for l in fold_dis_line(line, w) {
                let _ = writeln!(t, "{l}");
            }
        }
        if let Some(spec) = specialized_line(v) {
            for l in wrap(&spec, w, "  specialized: ", "    ") {
                let _ = writeln!(t, "{l}");
            }
        }
        t.push('\n');
    }
    if d.variants.iter().any(|v| v.machine.is_some()) {
        style.heading(
            &mut t,
            "Machine level: C functions (self instructions per call)",
            w,
        );
        for v in &d.variants {
            let Some(m) = &v.machine else { continue };
            let _ = writeln!(
                t,
                "{}: {} machine instructions per call",
                v.label,
                grouped(m.instructions_per_call)
            );
            for f in m.functions.iter().take(5) {
                let name: String = f.function.chars().take(w.saturating_sub(16)).collect();
                let _ = writeln!(t, "  {:>12}  {name}", grouped(f.self_per_call));
            }
        }
    }
    if !d.comparisons.is_empty() {
        style.heading(&mut t, "Why", w);
        for (k, c) in d.comparisons.iter().enumerate() {
            if k > 0 {
                t.push('\n');
            }
            for l in flypy_markup::text::lines(&explain(c, &d.variants, d.iterations), w) {
                let _ = writeln!(t, "{l}");
            }
        }
    }
    style.heading(&mut t, "How this was measured", w);
    for l in methods(d) {
        for l in wrap(&l, w, "  ", "    ") {
            let _ = writeln!(t, "{l}");
        }
    }
    for n in d
        .notes
        .iter()
        .filter(|n| Some(*n) != d.results_differ.as_ref())
    {
        for l in wrap(&format!("note: {n}"), w, "", "      ") {
            let _ = writeln!(t, "{l}");
        }
    }
    t
}

/// A disassembly line in lines of at most `w` columns, continuations indented by 8: a long line
/// (a nested code object's repr) breaks before the repr (with its opening parenthesis), never
/// inside it; a repr longer than a whole line stands on a line of its own, over the width.
/// Other text longer than a line is cut where the line ends.
fn fold_dis_line(line: &str, w: usize) -> Vec<String> {
    const LEAD: &str = "        ";
    let line = line.trim_end();
    // Pieces: (text, breakable). A repr runs from "<code object " to the ", line N>" closing it.
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("<code object ") {
        let end = rest[start..]
            .find(", line ")
            .and_then(|l| rest[start + l..].find('>').map(|g| start + l + g + 1));
        let Some(mut end) = end else { break };
        // So does the punctuation right after it (the closing parenthesis, the header's colon).
        end += rest[end..]
            .bytes()
            .take_while(|b| matches!(b, b')' | b':' | b','))
            .count();
        // An opening parenthesis right before the repr goes with it.
        let start = if rest[..start].ends_with('(') {
            start - 1
        } else {
            start
        };
        pieces.push((rest[..start].to_owned(), true));
        pieces.push((rest[start..end].to_owned(), false));
        rest = &rest[end..];
    }
    pieces.push((rest.to_owned(), true));
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let room = |out: &Vec<String>| if out.is_empty() { w } else { w - LEAD.len() };
    for (text, breakable) in pieces {
        let mut text = text.as_str();
        loop {
            let used = cur.chars().count();
            let left = room(&out).saturating_sub(used);
            let n = text.chars().count();
            if n <= left {
                cur.push_str(text);
                break;
            }
            if !breakable {
                if used > LEAD.len() || (out.is_empty() && used > 0) {
                    // Start the repr on a line of its own.
                    out.push(cur.trim_end().to_owned());
                    cur = LEAD.to_owned();
                    continue;
                }
                cur.push_str(text);
                break;
            }
            let cut = text.char_indices().nth(left).map_or(text.len(), |(i, _)| i);
            cur.push_str(&text[..cut]);
            out.push(cur.trim_end().to_owned());
            cur = LEAD.to_owned();
            text = &text[cut..];
            if text.is_empty() {
                break;
            }
        }
    }
    if !cur.trim().is_empty() || out.is_empty() {
        out.push(cur.trim_end().to_owned());
    }
    out
}

fn executed_title(d: &Dive) -> &'static str {
    if d.iterations.is_some() {
        "Executed bytecode instructions per iteration (* = differs)"
    } else {
        "Executed bytecode instructions per call (* = differs)"
    }
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

fn specialized_line(v: &Variant) -> Option<String> {
    let parts: Vec<String> = v
        .specialized
        .iter()
        .map(|(base, forms)| format!("{base} → {}", forms.join("/")))
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// A table row: its name, one cell per column, and whether it is marked `*` where its visible
/// cells differ (`marked`; the mark is decided per table, from the cells it shows).
struct Row {
    name: String,
    cells: Vec<String>,
    marked: bool,
}

impl Row {
    fn plain(name: impl Into<String>, cells: Vec<String>) -> Self {
        Row {
            name: name.into(),
            cells,
            marked: false,
        }
    }
}

/// `label` in lines of at most `n` columns, broken after an underscore where one fits (else at
/// `n`): the whole name, never cut.
fn label_lines(label: &str, n: usize) -> Vec<String> {
    let n = n.max(1);
    let mut out = Vec::new();
    let mut rest: Vec<char> = label.chars().collect();
    while rest.len() > n {
        let at = rest[..n]
            .iter()
            .rposition(|&c| c == '_')
            .map_or(n, |k| k + 1);
        out.push(rest[..at].iter().collect());
        rest.drain(..at);
    }
    out.push(rest.into_iter().collect());
    out
}

/// Rows under column labels, in as few side-by-side tables as fit in `w` columns (as many
/// columns per table as the widest cell allows, the tables balanced): a row name column first,
/// labels over several lines rather than cut, a marked row starred where the cells of that
/// table differ.
fn tables(rows: &[Row], labels: &[&str], w: usize) -> String {
    let n = labels.len().max(1);
    let name_w = rows
        .iter()
        .map(|r| r.name.chars().count() + if r.marked { 2 } else { 0 })
        .max()
        .unwrap_or(0);
    let label_w = (name_w + 2).clamp(22, w / 2);
    let widest = rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    let min_col = (widest + 2).max(10);
    let room = w.saturating_sub(label_w);
    let per = (room / min_col).max(1);
    let groups = n.div_ceil(per);
    let per = n.div_ceil(groups);
    let fit = |s: &str, n: usize| -> String {
        if s.chars().count() > n {
            let mut c: String = s.chars().take(n.saturating_sub(1)).collect();
            c.push('…');
            c
        } else {
            s.to_owned()
        }
    };
    let mut t = String::new();
    for (k, start) in (0..labels.len()).step_by(per).enumerate() {
        let g = start..(start + per).min(labels.len());
        let col = (room / g.len()).clamp(min_col, 19.max(min_col));
        if k > 0 {
            t.push('\n');
        }
        let heads: Vec<Vec<String>> = labels[g.clone()]
            .iter()
            .map(|l| label_lines(l, col - 1))
            .collect();
        let height = heads.iter().map(Vec::len).max().unwrap_or(1);
        for line in 0..height {
            let mut s = format!("{:<label_w$}", "");
            for h in &heads {
                // Bottom-aligned: a shorter label's lines are its last ones.
                let pad = height - h.len();
                let part = if line >= pad {
                    h[line - pad].as_str()
                } else {
                    ""
                };
                let _ = write!(s, "{part:>col$}");
            }
            t.push_str(s.trim_end());
            t.push('\n');
        }
        for r in rows {
            let cells = r.cells.get(g.clone()).unwrap_or_default();
            let name = if r.marked {
                let differs = cells.iter().any(|c| c != &cells[0]);
                format!("{}{}", if differs { "* " } else { "  " }, r.name)
            } else {
                r.name.clone()
            };
            let mut line = format!("{:<label_w$}", fit(&name, label_w - 1));
            for c in cells {
                let _ = write!(line, "{c:>col$}");
            }
            t.push_str(line.trim_end());
            t.push('\n');
        }
    }
    t
}

fn summary_table(d: &Dive, w: usize) -> String {
    let vs = &d.variants;
    let labels: Vec<&str> = vs.iter().map(|v| v.label.as_str()).collect();
    let mut rows: Vec<Row> = Vec::new();
    let cell = |f: &dyn Fn(&Variant) -> Option<String>| -> Vec<String> {
        vs.iter()
            .map(|v| f(v).unwrap_or_else(|| "–".to_owned()))
            .collect()
    };
    rows.push(Row::plain(
        "time per call (µs)",
        cell(&|v| v.time.as_ref().map(|t| sig(t.mean_us, 4))),
    ));
    rows.push(Row::plain(
        "  95% CI (µs)",
        cell(&|v| {
            v.time
                .as_ref()
                .map(|t| format!("{}–{}", sig(t.ci_low_s * 1e6, 3), sig(t.ci_high_s * 1e6, 3)))
        }),
    ));
    rows.push(Row::plain(
        "× fastest",
        cell(&|v| {
            v.time.as_ref().map(|t| match &t.ratio_to_fastest {
                Some(r) => format!("{}×", sig(r.ratio, 3)),
                None => "fastest".to_owned(),
            })
        }),
    ));
    if counted(d) {
        rows.push(Row::plain(
            "bytecode / call",
            cell(&|v| v.bytecode_per_call().map(count)),
        ));
        if let Some(n) = d.iterations {
            rows.push(Row::plain(
                "bytecode / iteration",
                cell(&|v| v.bytecode_per_call().map(|b| fixed(b / n as f64))),
            ));
        }
    }
    if vs.iter().any(|v| v.machine.is_some()) {
        rows.push(Row::plain(
            "machine instr / call",
            cell(&|v| v.machine.as_ref().map(|m| grouped(m.instructions_per_call))),
        ));
        if let Some(n) = d.iterations {
            rows.push(Row::plain(
                "  per iteration",
                cell(&|v| {
                    v.machine
                        .as_ref()
                        .map(|m| sig(m.instructions_per_call / n as f64, 4))
                }),
            ));
        }
    }
    rows.push(Row::plain(
        "energy / 1M calls (J)",
        cell(&|v| {
            v.energy
                .as_ref()
                .map(|e| sig(e.joules_per_million_calls, 3))
        }),
    ));
    rows.push(Row::plain(
        "CO2e / 1M calls (g)",
        cell(&|v| {
            v.energy
                .as_ref()
                .map(|e| sig(e.grams_co2e_per_million_calls, 3))
        }),
    ));
    tables(&rows, &labels, w)
}

/// Per opname, each variant's executed count per iteration; opnames no variant executes at
/// least half a time per iteration follow with their counts per call. Without an iteration
/// count, everything per call.
fn ops_table(d: &Dive, w: usize) -> String {
    let mut names: BTreeMap<&str, f64> = BTreeMap::new();
    for v in &d.variants {
        for (op, n) in v.ops_per_call.iter().flatten() {
            let e = names.entry(op.as_str()).or_default();
            *e = e.max(*n);
        }
    }
    let mut ops: Vec<(&str, f64)> = names.into_iter().collect();
    ops.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    let div = d.iterations.map_or(1.0, |n| n as f64);
    let get = |v: &Variant, op: &str| {
        v.ops_per_call
            .as_ref()
            .and_then(|m| m.get(op))
            .copied()
            .unwrap_or(0.0)
    };
    let vs = &d.variants;
    let labels: Vec<&str> = vs.iter().map(|v| v.label.as_str()).collect();
    let mut rows: Vec<Row> = Vec::new();
    let mut once_started = false;
    for (op, max) in &ops {
        let per_iteration =
            d.iterations.is_some() && max / div >= flypy_dive::compare::PER_ITERATION;
        if d.iterations.is_some() && !per_iteration && !once_started {
            rows.push(Row::plain("  (per call:)", vec![String::new(); vs.len()]));
            once_started = true;
        }
        let cells = vs
            .iter()
            .map(|v| {
                if per_iteration {
                    fixed(get(v, op) / div)
                } else {
                    count(get(v, op))
                }
            })
            .collect();
        rows.push(Row {
            name: (*op).to_owned(),
            cells,
            marked: true,
        });
    }
    rows.push(Row::plain(
        format!(
            "  total per {}",
            if d.iterations.is_some() {
                "iteration"
            } else {
                "call"
            }
        ),
        vs.iter()
            .map(|v| {
                let b = v.bytecode_per_call().unwrap_or(0.0);
                if d.iterations.is_some() {
                    fixed(b / div)
                } else {
                    count(b)
                }
            })
            .collect(),
    ));
    tables(&rows, &labels, w)
}

fn methods(d: &Dive) -> Vec<String> {
    let m = &d.methods;
    let mut out = vec![format!("disassembly: {}", m.disassembly)];
    let mut add = |name: &str, v: &Option<String>| {
        if let Some(v) = v {
            out.push(format!("{name}: {v}"));
        }
    };
    add("executed instructions", &m.counting);
    add("specialization", &m.specialization);
    add("time", &m.timing);
    add("machine instructions", &m.machine);
    add("energy", &m.energy);
    out.push(format!("CO2e: {}", m.region));
    out
}

/// Several interpreters: one table of ratios and per-iteration counts by version, and what
/// changed between consecutive versions, from the counts.
fn across(dives: &[Dive], case: &Prepared, w: usize, style: &Style) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "flypy dive · {} · {} interpreters",
        case.name,
        dives.len()
    );
    for l in wrap(&case.about.question, w, "", "") {
        let _ = writeln!(t, "{l}");
    }
    // Variants that compute different things: before anything compares them.
    for d in dives {
        if let Some(n) = &d.results_differ {
            for l in wrap(
                &format!("note: CPython {}: {n}", d.version),
                w,
                "",
                "      ",
            ) {
                let _ = writeln!(t, "{l}");
            }
        }
    }
    let labels: Vec<String> = dives
        .iter()
        .flat_map(|d| d.variants.iter().map(|v| v.label.clone()))
        .fold(Vec::new(), |mut acc, l| {
            if !acc.contains(&l) {
                acc.push(l);
            }
            acc
        });
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let find = |d: &Dive, l: &str| d.variants.iter().find(|v| v.label == l).cloned();
    style.heading(&mut t, "Time, × the fastest variant of each version", w);
    let rows: Vec<Row> = dives
        .iter()
        .map(|d| {
            let cells = labels
                .iter()
                .map(|l| match find(d, l).and_then(|v| v.time) {
                    Some(time) => match time.ratio_to_fastest {
                        Some(r) => format!("{}×", sig(r.ratio, 3)),
                        None => "1 (fastest)".to_owned(),
                    },
                    None => "–".to_owned(),
                })
                .collect();
            Row::plain(format!("CPython {}", d.python), cells)
        })
        .collect();
    t.push_str(&tables(&rows, &label_refs, w));
    let per = if dives.iter().any(|d| d.iterations.is_some()) {
        "iteration"
    } else {
        "call"
    };
    style.heading(
        &mut t,
        &format!("Executed bytecode instructions per {per}"),
        w,
    );
    let rows: Vec<Row> = dives
        .iter()
        .map(|d| {
            let cells = labels
                .iter()
                .map(|l| {
                    find(d, l)
                        .and_then(|v| v.bytecode_per_call())
                        .map_or("–".to_owned(), |b| match d.iterations {
                            Some(n) => fixed(b / n as f64),
                            None => count(b),
                        })
                })
                .collect();
            Row::plain(format!("CPython {}", d.python), cells)
        })
        .collect();
    t.push_str(&tables(&rows, &label_refs, w));
    style.heading(
        &mut t,
        "What changed between versions (measured: counts, specialized forms)",
        w,
    );
    for (a, b, lines) in version_changes(dives) {
        if lines.is_empty() {
            let _ = writeln!(
                t,
                "{} → {}: the same instructions, as many times each",
                a.version, b.version
            );
            continue;
        }
        let _ = writeln!(t, "{} → {}:", a.version, b.version);
        for l in lines {
            for l in wrap(&l, w, "  ", "      ") {
                let _ = writeln!(t, "{l}");
            }
        }
    }
    // Each note once, with the versions it applies to.
    let mut notes: Vec<(String, Vec<String>)> = Vec::new();
    for d in dives {
        for n in d
            .notes
            .iter()
            .filter(|n| Some(*n) != d.results_differ.as_ref())
        {
            match notes.iter_mut().find(|(text, _)| text == n) {
                Some((_, versions)) => versions.push(d.version.clone()),
                None => notes.push((n.clone(), vec![d.version.clone()])),
            }
        }
    }
    for (n, versions) in notes {
        let line = format!("note: CPython {}: {n}", versions.join(", "));
        for l in wrap(&line, w, "", "      ") {
            let _ = writeln!(t, "{l}");
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12, item 10: labels over 18 characters are not cut (`in_global_frozens…`), and a
    /// table split for width marks only rows whose cells in that table differ.
    #[test]
    fn long_labels_whole_and_split_tables_mark_what_they_show() {
        assert_eq!(
            label_lines("in_global_frozenset_lookup", 14),
            ["in_global_", "frozenset_", "lookup"]
        );
        assert_eq!(label_lines("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        let labels = ["in_global_frozenset_lookup", "b", "c", "d", "e"];
        let rows = vec![Row {
            name: "LOAD_FAST".to_owned(),
            cells: ["1.00", "1.00", "1.00", "2.00", "1.00"]
                .map(str::to_owned)
                .to_vec(),
            marked: true,
        }];
        // Five variants fit one table at 100 columns.
        let one = tables(&rows, &labels, 100);
        assert!(!one.contains('…'), "{one}");
        assert_eq!(one.matches("* LOAD_FAST").count(), 1, "{one}");
        let head: String = one
            .lines()
            .take_while(|l| !l.contains("LOAD_FAST"))
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(head, "in_global_frozenset_lookup", "{one}");
        // Narrow: split; the star only in the table whose cells differ.
        let split = tables(&rows, &labels, 60);
        let marks: Vec<&str> = split.lines().filter(|l| l.contains("LOAD_FAST")).collect();
        assert_eq!(marks.len(), 2, "{split}");
        assert!(marks[0].starts_with("  LOAD_FAST"), "{split}");
        assert!(marks[1].starts_with("* LOAD_FAST"), "{split}");
        assert!(split.lines().all(|l| l.chars().count() <= 60), "{split}");
    }

    /// Issue 12, item 7: a code object's repr is never cut in the middle; the line breaks
    /// before it, and lines that fit are left alone.
    #[test]
    fn dis_lines_never_break_a_code_object_repr() {
        let repr = "<code object <listcomp> at 0x7f4f3847f770, file \"<case list-init>\", line 27>";
        let line = format!(" 27           2 LOAD_CONST               1 ({repr})");
        let folded = fold_dis_line(&line, 100);
        assert_eq!(
            folded,
            [
                " 27           2 LOAD_CONST               1".to_owned(),
                format!("        ({repr})"),
            ]
        );
        let header = format!("Disassembly of {repr}:");
        assert_eq!(fold_dis_line(&header, 100), vec![header.clone()]);
        let folded = fold_dis_line(&header, 80);
        assert_eq!(
            folded,
            ["Disassembly of".to_owned(), format!("        {repr}:")]
        );
        // Longer than a whole line: on a line of its own, whole.
        let long = format!(
            " 3  LOAD_CONST 1 (<code object f at 0x1, file \"/a/very/{}/case.py\", line 3>)",
            "long/".repeat(30)
        );
        let folded = fold_dis_line(&long, 100);
        assert_eq!(folded.len(), 2, "{folded:?}");
        assert!(
            folded[1].trim_start().starts_with("(<code object f"),
            "{folded:?}"
        );
        assert!(folded[1].ends_with("line 3>)"), "{folded:?}");
        assert!(folded[0].chars().count() <= 100);
        // Plain lines: as they were.
        assert_eq!(fold_dis_line("  2 RETURN_VALUE", 60), ["  2 RETURN_VALUE"]);
    }
}
