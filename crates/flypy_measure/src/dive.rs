//! One interpreter's dive: compile the case, count what each variant executes, see what
//! specialized, time the variants, cost them under callgrind, and compare. The four measuring
//! modules (source, trace, time, cost) are called as plain functions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Duration;

use flypy_bytecode::dis::{dis_text, DisOptions};
use flypy_dive::compare;
use flypy_dive::model::{
    CodeGraph, Comparison, Energy, FunctionCost, GraphBlock, GraphEdge, InstructionCount, Machine,
    Timing, Variant,
};
use flypy_marshal::{Code, Object, PyVersion};
use flypy_probe::run::{run_counted, Counting, Ending, Limits, Program, RunOutcome};
use flypy_probe::timing::{Part, TimingError};
use flypy_probe::Interpreter;
use serde::Serialize;

use crate::error::{bail, chain, Context, Error, Result};
use crate::progress::{Event, Progress};
use crate::trace::text_of;
use crate::{cost, time, trace};

/// What is compared: the case module's source and what it is about.
pub struct Prepared {
    /// Built-in case name, the case file's path, or "inline".
    pub name: String,
    pub about: flypy_dive::case::About,
    pub source: String,
    /// Iterations per call from the command line (inline statements); a case file's
    /// `ITERATIONS` is read when it runs.
    pub iterations: Option<u64>,
    /// For inline statements: each statement, shown instead of a docstring.
    pub statements: Option<Vec<String>>,
}

/// How one interpreter's dive measures (how it is shown is the exporter's).
pub struct Options {
    pub quick: bool,
    pub cpu_watts: Option<f64>,
    pub region: &'static flypy_energy::Region,
    /// Several interpreters: one that cannot compile the case gets its static parts.
    pub lenient: bool,
    /// How long one run may take (callgrind runs get ten times as long).
    pub timeout: Duration,
}

/// Calls of each variant in the counted run (counts per call are their total over this).
const COUNTED_CALLS: u32 = 3;
/// Calls of each variant before its quickened bytecode is read (enough to warm every
/// instruction of a loop past the specializing interpreter's thresholds).
const WARM_CALLS: u32 = 50;
/// Calls under callgrind (N; the second run makes 2N), at most; fewer for slow variants (see
/// [`cost_calls`]).
const COST_CALLS: u64 = 100;
/// The module name the case is imported under by the timing and cost workers.
const MODULE: &str = "flypy_case";

/// Everything one interpreter's dive found.
#[derive(Serialize)]
pub struct Dive {
    pub python: String,
    pub version: String,
    pub path: String,
    /// The case's source as this interpreter compiled it (without flypy's driver): what the
    /// instructions' positions point into.
    pub source: String,
    /// Only the disassembly (2.7 and 3.6, or a case this version cannot run).
    pub static_only: bool,
    /// What this interpreter could not give, and anything else the reader should know.
    pub notes: Vec<String>,
    pub iterations: Option<u64>,
    /// Whether every variant returned the same value (`None`: not run).
    pub results_equal: Option<bool>,
    /// When they differ: the variants (labels) returning equal values, one group per value, in
    /// the variants' order.
    pub result_groups: Option<Vec<Vec<String>>>,
    /// When they differ, the note saying so (the first of `notes`; the text shows it on top).
    #[serde(skip)]
    pub results_differ: Option<String>,
    pub variants: Vec<Variant>,
    /// Variant indexes from slowest to fastest.
    pub order: Vec<usize>,
    pub comparisons: Vec<Comparison>,
    pub methods: Methods,
    pub confidence_level_percent: u32,
    /// What this interpreter's runs ran with (interpreter, options, `PYTHON*` variables).
    pub run_env: flypy_probe::run::RunEnv,
}

/// How each kind of number was obtained.
#[derive(Serialize, Default)]
pub struct Methods {
    pub disassembly: String,
    pub counting: Option<String>,
    pub specialization: Option<String>,
    pub timing: Option<String>,
    pub machine: Option<String>,
    pub energy: Option<String>,
    pub region: String,
}

/// Setup code's local names: what its variants take as parameters (compiled, not run).
pub fn setup_locals(interp: &Interpreter, setup: &str) -> Result<Vec<String>> {
    let dir = tempfile::tempdir().context("temporary folder")?;
    let path = dir.path().join("setup.py");
    std::fs::write(&path, flypy_dive::case::setup_probe(setup)).context("writing the setup")?;
    let module = crate::source::compile_module(interp, &path)
        .context("compiling --setup as the body of a function")?;
    let module = module.as_code().context("not a code object")?;
    let setup_code = module
        .consts
        .iter()
        .filter_map(Object::as_code)
        .find(|c| text_of(&c.name) == "setup")
        .context("the compiled setup has no function")?;
    Ok(setup_code.varnames.iter().map(text_of).collect())
}

/// A variant function found in the compiled module.
struct Found<'a> {
    code: &'a Code,
    name: String,
    /// setup()'s entries passed positionally, in order, then those passed by keyword.
    params: Vec<String>,
    keyword: Vec<String>,
}

impl Found<'_> {
    /// The call that measures it: `variant_x(n, k=k)`.
    fn call(&self) -> String {
        let args: Vec<String> = self
            .params
            .iter()
            .cloned()
            .chain(self.keyword.iter().map(|k| format!("{k}={k}")))
            .collect();
        format!("{}({})", self.name, args.join(", "))
    }
}

/// The variant functions a static look at the compiled module finds (for a version that cannot
/// compile the whole case, so cannot run it): those of the top-level blocks
/// [`flypy_dive::case::variant_blocks`] found, a `def variant_*` by its name, a lambda assigned
/// to `variant_*` by its line (variants defined under an `if` are not found this way). Their
/// parameters are all passed positionally.
fn variants_of<'a>(module: &'a Code, blocks: &[(String, u32)]) -> Vec<Found<'a>> {
    let consts: Vec<&Code> = module
        .consts
        .iter()
        .filter_map(Object::as_code)
        .map(|c| &**c)
        .collect();
    blocks
        .iter()
        .filter_map(|(name, line)| {
            let code = consts
                .iter()
                .find(|c| text_of(&c.name) == *name)
                .or_else(|| {
                    consts
                        .iter()
                        .find(|c| text_of(&c.name) == "<lambda>" && c.firstlineno == *line)
                })?;
            Some(Found {
                code,
                name: name.clone(),
                params: code
                    .varnames
                    .iter()
                    .take(code.argcount as usize)
                    .map(text_of)
                    .collect(),
                keyword: Vec::new(),
            })
        })
        .collect()
}

/// What the driver's `list` run reports (see `driver.py`).
#[derive(serde::Deserialize)]
struct Listing {
    variants: Vec<Listed>,
    iterations: Option<ListedIterations>,
    /// Variants whose single calls returned equal values, one group of indexes per value
    /// (absent when a variant could not be called).
    groups: Option<Vec<Vec<usize>>>,
}

#[derive(serde::Deserialize)]
struct Listed {
    name: String,
    /// `function`, `class` or `other` (then `type` names what it is).
    kind: String,
    #[serde(default, rename = "type")]
    type_name: String,
    #[serde(default)]
    code_name: String,
    #[serde(default)]
    line: u32,
    #[serde(default)]
    file: String,
    /// Its bytecode, hex: tells apart two lambdas on one line.
    #[serde(default)]
    code: String,
    #[serde(default)]
    positional: Vec<String>,
    #[serde(default)]
    keyword: Vec<String>,
    #[serde(default)]
    missing: Vec<String>,
    /// Another variant bound to the same code.
    same_as: Option<String>,
    /// setup()'s entries its first call changed.
    #[serde(default)]
    changes: Vec<String>,
}

#[derive(serde::Deserialize)]
struct ListedIterations {
    repr: String,
    #[serde(rename = "type")]
    type_name: String,
    value: Option<serde_json::Value>,
}

/// The variants the driver listed, each matched with its code object in the compiled module
/// (by name and first line, and by bytecode when several share those), or why the case's
/// variants cannot be measured (a class, something not a function, a parameter setup() does
/// not give, two names for one function, a function from another file).
fn found_variants<'a>(module: &'a Code, listing: &Listing, case: &str) -> Result<Vec<Found<'a>>> {
    let tree = module.preorder();
    let mut used: Vec<*const Code> = Vec::new();
    let mut out = Vec::new();
    for v in &listing.variants {
        let name = &v.name;
        match v.kind.as_str() {
            "function" => {}
            "class" => bail!(
                "{case}: {name} is a class; a variant is a function (def or lambda) taking \
                 setup()'s data as its parameters"
            ),
            _ => bail!(
                "{case}: {name} is {} {}, not a function; every module-level name starting with \
                 variant_ is a variant, a function (def or lambda)",
                article(&v.type_name),
                v.type_name
            ),
        }
        if let Some(other) = &v.same_as {
            bail!(
                "{case}: {other} and {name} are the same function ({} at line {}); each variant \
                 needs code of its own, or its counts would be the other's",
                v.code_name,
                v.line
            );
        }
        let candidates: Vec<&Code> = tree
            .iter()
            .copied()
            .filter(|c| text_of(&c.name) == v.code_name && c.firstlineno == v.line)
            .filter(|c| !used.contains(&std::ptr::from_ref(*c)))
            .collect();
        let code = match candidates.as_slice() {
            [one] => Some(*one),
            several => several.iter().copied().find(|c| hex(&c.code) == v.code),
        };
        let Some(code) = code else {
            bail!(
                "{case}: {name} is {} from {} (line {}), not a function of the case; a variant \
                 must be defined in the case file",
                v.code_name,
                v.file,
                v.line
            );
        };
        if !v.missing.is_empty() {
            bail!(
                "{case}: {name} needs {}, which setup() does not return (return it from setup(), \
                 or give the parameter a default)",
                v.missing.join(", ")
            );
        }
        // CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR (the same bits on every version).
        if code.flags & 0x20 != 0 {
            bail!(
                "{case}: {name} is a generator function (it has yield): a call only creates the \
                 generator and runs none of its body; a variant returns its result (list(...) \
                 of the generator, say)"
            );
        }
        if code.flags & (0x80 | 0x200) != 0 {
            bail!(
                "{case}: {name} is an async function: a call only creates the coroutine and runs \
                 none of its body; a variant is a plain function"
            );
        }
        used.push(std::ptr::from_ref(code));
        out.push(Found {
            code,
            name: name.clone(),
            params: v.positional.clone(),
            keyword: v.keyword.clone(),
        });
    }
    Ok(out)
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The case's `ITERATIONS`, which must be a positive int when it is there.
fn listed_iterations(listing: &Listing, case: &str) -> Result<Option<u64>> {
    let Some(it) = &listing.iterations else {
        return Ok(None);
    };
    match it.value.as_ref().map(|v| (v, v.as_u64())) {
        Some((_, Some(n))) if n > 0 => Ok(Some(n)),
        Some((big, None)) if big.as_i64().is_none() && !big.to_string().starts_with('-') => bail!(
            "{case}: ITERATIONS = {} is larger than flypy counts to (2^64 - 1)",
            it.repr
        ),
        _ => bail!(
            "{case}: ITERATIONS = {} ({}) is not a positive int; it is how many iterations one \
             call of a variant handles (per-iteration counts are per call / ITERATIONS)",
            it.repr,
            it.type_name
        ),
    }
}

/// The name the case module runs under when flypy runs it (not `__main__`, so the case's own
/// `if __name__ == "__main__":` block stays out of the measured run); the driver runs only then
/// (the timing workers import the module as `flypy_case`).
const RUN_AS: &str = "__flypy_case__";

/// The driver appended to the case module (`driver.py`): it runs only when flypy runs the
/// module as [`RUN_AS`] (the timing workers import the module); it lists the variants and calls
/// each once (`list`), or calls them for the counted and warming runs, and reports in a file of
/// its own (the case's output cannot cut it short).
const DRIVER: &str = concat!("\n\n", include_str!("helper/driver.py"));

/// The name the user knows the case module by, shown wherever the temporary file flypy runs it
/// from would appear (code object reprs in the disassembly, errors, tracebacks): a case file's
/// own path as given, else `<case NAME>` (a built-in case, or `<case inline>` for statements).
pub struct Shown {
    /// The temporary folder's path, as the interpreter sees it.
    dir: String,
    name: String,
    /// Lines of the case's own source: a traceback frame past them is the driver's.
    source_lines: usize,
    /// Inline statements: where each part starts in the case module they become (the line of
    /// its `def`), its function's name and what the user calls it (`setup`, `statement K`), so
    /// that tracebacks and compile errors show the user's own line numbers.
    parts: Vec<(usize, String, String)>,
}

impl Shown {
    pub fn new(dir: &Path, case: &Prepared) -> Self {
        let name = if case.statements.is_none() && case.name.ends_with(".py") {
            case.name.clone()
        } else {
            format!("<case {}>", case.name)
        };
        let mut parts = Vec::new();
        if case.statements.is_some() {
            for (i, line) in case.source.lines().enumerate() {
                let Some(function) = line.strip_prefix("def ").and_then(|r| r.split('(').next())
                else {
                    continue;
                };
                let label = match function.strip_prefix("variant_s") {
                    Some(k) => format!("statement {k}"),
                    None if function == "setup" => "setup".to_owned(),
                    None => continue,
                };
                parts.push((i + 1, function.to_owned(), label));
            }
        }
        Shown {
            dir: dir.display().to_string(),
            name,
            source_lines: case.source.lines().count(),
            parts,
        }
    }

    /// A traceback frame's line (`  File "<case inline>", line 17, in variant_s2`) of an
    /// inline case as the user wrote it (`  File "<statement 2>", line 1`), naming the
    /// function only when it is one the user defined; `None` for other frames.
    fn own_frame(&self, line: &str) -> Option<String> {
        let rest = line.strip_prefix(&format!("  File \"{}\", line ", self.name))?;
        let (number, function) = rest.split_once(", in ")?;
        let number: usize = number.parse().ok()?;
        let (own, outer, label) = self.own_line(number)?;
        let named = if function == outer {
            String::new()
        } else {
            format!(", in {function}")
        };
        Some(format!("  File \"<{label}>\", line {own}{named}"))
    }

    /// Line `number` of an inline case's module as the user's: the line within its part, the
    /// part's function and its name.
    fn own_line(&self, number: usize) -> Option<(usize, &str, &str)> {
        let (start, outer, label) = self.parts.iter().rev().find(|(at, ..)| *at < number)?;
        Some((number - start, outer, label))
    }

    /// A compile error of the case as the user would want it: their names for the case file,
    /// and the part (a variant, `setup`) the error's line is in: `case.py, in variant_a: …`.
    fn compile_error(&self, error: &str, case: &Prepared) -> String {
        let text = self.text(error);
        let part = error_line(&text).and_then(|(_, n)| flypy_dive::case::part_at(&case.source, n));
        match part {
            Some(part) if self.parts.is_empty() => {
                let at = format!("{}: ", self.name);
                text.replacen(&at, &format!("{}, in {part}: ", self.name), 1)
            }
            _ => self.own_place(&text),
        }
    }

    /// A compile error of an inline case's module (`…: line 13, column 8: SyntaxError: …`)
    /// at the user's own place (`…: statement 1, line 1, column 4: …`): a part's lines are
    /// the body of its function, indented by four columns.
    fn own_place(&self, error: &str) -> String {
        let place = error_line(error).and_then(|(at, number)| {
            let rest = &error[at + "line ".len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let (own, _, label) = self.own_line(number)?;
            let mut shown = format!("{label}, line {own}");
            let mut end = at + "line ".len() + digits;
            if let Some(col) = rest[digits..].strip_prefix(", column ") {
                let width = col.bytes().take_while(u8::is_ascii_digit).count();
                let column: usize = col.get(..width)?.parse().ok()?;
                shown.push_str(&format!(", column {}", column.saturating_sub(4).max(1)));
                end += ", column ".len() + width;
            }
            Some((at, end, shown))
        });
        match place {
            Some((at, end, shown)) => format!("{}{shown}{}", &error[..at], &error[end..]),
            None => error.to_owned(),
        }
    }

    /// `text` with every path of a case module in the temporary folder (`flypy_case.py`, and
    /// `flypy_case_N.py` of the variants compiled one by one) replaced by the user's name.
    pub fn text(&self, text: &str) -> String {
        let prefix = format!("{}/{MODULE}", self.dir);
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(&prefix) {
            out.push_str(&rest[..at]);
            let after = &rest[at + prefix.len()..];
            let digits = after
                .strip_prefix('_')
                .map_or(0, |d| 1 + d.bytes().take_while(u8::is_ascii_digit).count());
            let tail = &after[digits.min(after.len())..];
            if (digits != 1) && tail.starts_with(".py") {
                out.push_str(&self.name);
                rest = &tail[3..];
            } else {
                out.push_str(&prefix);
                rest = after;
            }
        }
        out.push_str(rest);
        out
    }

    /// A traceback of the case's run as the user would want it: their names for the case file,
    /// and without the frames of flypy's own code (the run helper's `main`, the driver appended
    /// to the case), which name nothing the user wrote.
    pub fn traceback(&self, traceback: &str) -> String {
        let text = self.text(traceback);
        let own = format!("  File \"{}\", line ", self.name);
        let mut out: Vec<String> = Vec::new();
        let mut skipping = false;
        for (k, line) in text.lines().enumerate() {
            if line.starts_with("  File ") {
                // The timing worker shows the code it times as `<setup>` and `<statement N>`:
                // in a dive that is flypy's import of the case and its call of the variant.
                let helper = (k == 1
                    && line.starts_with("  File \"<string>\"")
                    && line.ends_with(" in main"))
                    || line.starts_with("  File \"<setup>\"")
                    || line.starts_with("  File \"<statement ");
                let driver = line
                    .strip_prefix(own.as_str())
                    .and_then(|r| r.split(',').next())
                    .and_then(|n| n.parse::<usize>().ok())
                    .is_some_and(|n| n > self.source_lines);
                skipping = helper || driver;
            } else if !line.starts_with("    ") {
                skipping = false;
            }
            if !skipping {
                out.push(self.own_frame(line).unwrap_or_else(|| line.to_owned()));
            }
        }
        out.join("\n")
    }
}

/// Where a compile error says `line N`, and N.
fn error_line(error: &str) -> Option<(usize, usize)> {
    let at = error.find("line ")?;
    let rest = &error[at + "line ".len()..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    Some((at, rest.get(..digits)?.parse().ok()?))
}

/// The dive on `interp`, or how the user's code failed; its steps reported to `progress`.
pub fn dive(
    interp: &Interpreter,
    notes: &[String],
    case: &Prepared,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<Result<Dive, String>> {
    let version = interp.version;
    let dir = tempfile::tempdir().context("temporary folder")?;
    let path = dir.path().join(format!("{MODULE}.py"));
    std::fs::write(
        &path,
        for_version(format!("{}{DRIVER}", case.source), version),
    )
    .context("writing the case")?;
    let shown = Shown::new(dir.path(), case);
    let mut dive = Dive {
        python: interp.full_version.clone(),
        version: version.to_string(),
        path: interp.path.display().to_string(),
        source: case.source.clone(),
        static_only: false,
        notes: notes.to_vec(),
        iterations: case.iterations,
        results_equal: None,
        result_groups: None,
        results_differ: None,
        variants: Vec::new(),
        order: Vec::new(),
        comparisons: Vec::new(),
        methods: Methods {
            disassembly: format!(
                "flypy's disassembly of the code CPython {} compiled (identical to its dis)",
                interp.full_version
            ),
            region: opts.region.describe(),
            ..Methods::default()
        },
        confidence_level_percent: 95,
        run_env: flypy_probe::run::run_env(interp),
    };
    progress.report(Event::Step("compiling"));
    let compiled = crate::source::compile_module(interp, &path);
    let module = match compiled {
        Ok(m) => m,
        Err(e) => {
            // A version may reject one variant's syntax (`[*r]` on 2.7, `:=` on 3.7): each
            // variant is compiled on its own, and two or more that compile are measured
            // without the others, on every version. Fewer: one of several interpreters, or
            // 2.7 and 3.6, show what compiles; a single 3.7+ reports the error.
            let show_static = opts.lenient || !version.profile().settrace_opcode_events;
            dive.static_only = true;
            let why = chain(&e).replace(&format!("{}: ", path.display()), "");
            let why = shown.own_place(&shown.text(&why));
            dive.notes.push(format!(
                "cannot compile the whole case ({why}); each variant was compiled on its own"
            ));
            static_variants(interp, case, &mut dive)?;
            // Two or more variants that compile are measured without the others.
            let failing: Vec<String> = dive
                .variants
                .iter()
                .filter(|v| v.disassembly.is_empty())
                .map(|v| v.function.clone())
                .collect();
            let compiled = dive.variants.len() - failing.len();
            if !failing.is_empty() && compiled >= 2 {
                let reduced = Prepared {
                    name: case.name.clone(),
                    about: case.about.clone(),
                    source: flypy_dive::case::without_variants(&case.source, &|n| {
                        failing.iter().any(|f| f == n)
                    }),
                    iterations: case.iterations,
                    statements: case.statements.clone(),
                };
                let mut notes = notes.to_vec();
                notes.extend(
                    dive.notes
                        .iter()
                        .filter(|n| failing.iter().any(|f| n.starts_with(&format!("{f}: "))))
                        .map(|n| format!("{n}; measured without it")),
                );
                match self::dive(interp, &notes, &reduced, opts, progress) {
                    Ok(Ok(measured)) => return Ok(Ok(measured)),
                    failed if !show_static => return failed,
                    _ => {}
                }
            }
            if !show_static {
                bail!("{}", shown.compile_error(&chain(&e), case));
            }
            return Ok(Ok(dive));
        }
    };
    let module = module
        .as_code()
        .context("the compiled case is not a code object")?;
    let limits = Limits {
        timeout: opts.timeout,
        ..Limits::default()
    };
    // What the variants are, and one call of each (uncounted): their results, whether a call
    // changes setup()'s data, ITERATIONS.
    progress.report(Event::Step("running the variants"));
    let listing = match listed(interp, &path, &limits, &shown)? {
        Ok(l) => l,
        Err(failed) => return Ok(Err(failed)),
    };
    let found = found_variants(module, &listing.0, &case.name)?;
    if found.len() < 2 {
        bail!(
            "{}: needs at least two variant_* functions, found {}",
            case.name,
            found.len()
        );
    }
    if dive.iterations.is_none() {
        dive.iterations = listed_iterations(&listing.0, &case.name)?;
    }
    for (i, f) in found.iter().enumerate() {
        let mut v = compiled_variant(f, i, case, version)?;
        v.disassembly = shown.text(&v.disassembly);
        dive.variants.push(v);
    }
    note_listing(&listing.0, &listing.1, case, &mut dive);
    let names: Vec<String> = found.iter().map(|f| f.name.clone()).collect();
    if version.profile().settrace_opcode_events {
        // Executed instructions, exactly.
        progress.report(Event::Step("counting executed instructions"));
        let (listings, counting) =
            match counted(interp, module, &path, &names, &limits, &shown, &mut dive)? {
                Ok(x) => x,
                Err(failed) => return Ok(Err(failed)),
            };
        let mut listings = listings;
        if version.profile().adaptive {
            progress.report(Event::Step("reading what specialized"));
            let program = Program::Module {
                name: RUN_AS.to_owned(),
                path: path.clone(),
                args: vec![WARM_CALLS.to_string(), names.join(",")],
            };
            let warm = run_counted(interp, &program, &limits, Counting::Adaptive)?;
            if warm.ending.is_success() {
                trace::specialize(&mut listings, module, &warm.adaptive, version)?;
                dive.methods.specialization = Some(format!(
                    "the quickened bytecode after {WARM_CALLS} calls of each variant, read from the \
                     code objects (as dis(adaptive=True) shows it)"
                ));
            } else {
                dive.notes.push(format!(
                    "the run for the specialized view {}",
                    shown.text(&warm.ending.describe())
                ));
            }
        }
        let pre = module.preorder();
        for (f, v) in found.iter().zip(dive.variants.iter_mut()) {
            let start = pre
                .iter()
                .position(|c| std::ptr::eq(*c, f.code))
                .context("a variant is not in the module's code tree")?;
            let size = f.code.preorder().len();
            let mut ops: BTreeMap<String, f64> = BTreeMap::new();
            let mut spec: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
            for listing in listings.get(start..start + size).unwrap_or_default() {
                v.graphs.push(per_call_graph(listing, v.instructions.len()));
                for r in &listing.rows {
                    v.instructions.push(InstructionCount {
                        code: listing.qualname.clone(),
                        firstlineno: listing.firstlineno,
                        line: r.line,
                        offset: r.offset,
                        opname: r.opname.to_owned(),
                        argrepr: r.argrepr.clone(),
                        per_call: r.count.map(|n| n as f64 / f64::from(COUNTED_CALLS)),
                        specialized: r.specialized.map(str::to_owned),
                        positions: r.positions,
                        jump_target: r.jump_target,
                    });
                    let Some(n) = r.count else { continue };
                    if n == 0 {
                        continue;
                    }
                    *ops.entry(r.opname.to_owned()).or_default() +=
                        n as f64 / f64::from(COUNTED_CALLS);
                    if let Some(s) = r.specialized {
                        spec.entry(r.opname.to_owned())
                            .or_default()
                            .insert(s.to_owned());
                    }
                }
            }
            v.ops_per_call = Some(ops);
            v.specialized = spec
                .into_iter()
                .map(|(k, s)| (k, s.into_iter().collect()))
                .collect();
        }
        dive.methods.counting = Some(format!(
            "{counting}; per call = the count over {COUNTED_CALLS} calls of each variant / \
             {COUNTED_CALLS}, the variant's own code objects only; instructions as compiled (a \
             specialized form may also do the next one's work, e.g. 3.12's CALL_NO_KW_LIST_APPEND \
             skips its POP_TOP)"
        ));
    } else {
        // No opcode trace events before 3.7: nothing counts executed instructions. Time and
        // callgrind need none.
        dive.notes.push(
            "executed bytecode instructions: not countable before 3.7 (no opcode trace events); \
             time and machine instructions need none"
                .to_owned(),
        );
    }
    // Time.
    progress.report(Event::Step("timing (worker processes)"));
    let setup = timing_setup(dir.path(), &found, module)?;
    let statements: Vec<String> = dive.variants.iter().map(|v| v.call.clone()).collect();
    let topts = time::TimeOptions {
        statements: statements.clone(),
        setup: setup.clone(),
        module_level: false,
        processes: if opts.quick { 4 } else { 12 },
        values: if opts.quick { 3 } else { 5 },
        warmups: 1,
        min_time: if opts.quick { 0.01 } else { 0.05 },
        until: None,
        max_time: Duration::from_secs(120),
        timeout: opts.timeout,
        cpu_watts: opts.cpu_watts,
    };
    let (timed, about) = match time::measure(interp, &topts, progress)? {
        Ok(t) => t,
        Err(e) => return Ok(Err(timing_failure(&e, &dive.variants, &shown))),
    };
    let grams_per_joule = opts.region.g_co2e_per_kwh / 3.6e6;
    let fastest = time::fastest(&timed);
    for (i, (v, t)) in dive.variants.iter_mut().zip(&timed).enumerate() {
        let values = t.values();
        let s = flypy_stats::Summary::of(&values).context("no timed values")?;
        let ci = s.ci(0.95).ok();
        v.time = Some(Timing {
            mean_s: s.mean(),
            ci_low_s: ci.map_or(s.mean(), |c| c.lower),
            ci_high_s: ci.map_or(s.mean(), |c| c.upper),
            median_s: s.median(),
            stdev_s: s.stdev().unwrap_or(0.0),
            values: s.n(),
            processes: t.runs.len(),
            values_s: t.runs.iter().map(|r| r.values.clone()).collect(),
            mean_us: s.mean() * 1e6,
            ratio_to_fastest: (i != fastest)
                .then(|| time::paired_ratio(t, &timed[fastest]))
                .flatten(),
        });
        v.energy = t.energy.as_ref().map(|e| Energy {
            joules_per_call: e.joules_per_call,
            joules_per_million_calls: e.joules_per_call * 1e6,
            grams_co2e_per_million_calls: e.joules_per_call * 1e6 * grams_per_joule,
            method: e.account(),
        });
    }
    // flypy time's account, less its first clause (about statements given to it directly).
    let how = about
        .how
        .split_once("; ")
        .map_or(about.how.as_str(), |(_, rest)| rest);
    dive.methods.timing = Some(format!(
        "each variant called as written above (variant_x(args)) inside timeit's loop, its \
         arguments built once by setup(); {how}; timer {}",
        about.timer
    ));
    dive.methods.energy = dive
        .variants
        .first()
        .and_then(|v| v.energy.as_ref())
        .map(|e| e.method.clone());
    // Machine instructions.
    if opts.quick {
        dive.notes
            .push("--quick: no callgrind (machine instructions and C functions)".to_owned());
    } else if let Err(e) = cost::check_valgrind() {
        dive.notes.push(chain(&e));
    } else {
        progress.report(Event::Step("counting machine instructions (callgrind)"));
        let slowest = dive
            .variants
            .iter()
            .filter_map(|v| v.time.as_ref())
            .map(|t| t.mean_s)
            .fold(0.0, f64::max);
        let calls = cost_calls(slowest);
        match machine(interp, &statements, &setup, calls, &limits)? {
            Ok(machines) => {
                for (v, m) in dive.variants.iter_mut().zip(machines) {
                    v.machine = Some(m);
                }
                dive.methods.machine = Some(format!(
                    "valgrind callgrind, ({} calls − {} calls) / {}, each call timeit's loop \
                     step and one call of the variant function; self instructions per C function",
                    2 * calls,
                    calls,
                    calls
                ));
                if interp.symbols == Some(false) {
                    dive.notes.push(format!(
                        "{} has no symbols: C functions show as addresses",
                        interp.path.display()
                    ));
                }
            }
            Err(e) => return Ok(Err(timing_failure(&e, &dive.variants, &shown))),
        }
    }
    // Compare: each variant against the next faster one.
    dive.order = compare::slowest_first(&dive.variants);
    let iterations = dive.iterations;
    let summary = |op: &str| flypy_knowledge::entry(op).map(|e| e.summary.to_owned());
    for pair in dive.order.windows(2) {
        let (s, f) = (pair[0], pair[1]);
        let r = time::paired_ratio(&timed[s], &timed[f]);
        dive.comparisons.push(compare::compare(
            &dive.variants,
            s,
            f,
            r,
            iterations,
            &summary,
            grams_per_joule,
        ));
    }
    progress.report(Event::Done);
    Ok(Ok(dive))
}

/// A timing or callgrind worker's failure named as the dive names things: the variants, and
/// the case's setup (the workers' setup imports the case and calls its setup()), not
/// "statement 2".
fn timing_failure(e: &TimingError, variants: &[Variant], shown: &Shown) -> String {
    let name = |part| match part {
        Part::Setup => "the case's setup (its import, or setup())".to_owned(),
        Part::Statement(i) => variants
            .get(i)
            .map_or_else(|| format!("variant {}", i + 1), |v| v.function.clone()),
    };
    shown.traceback(&e.describe(&name))
}

/// A counted code object's control-flow graph with its counts per call (the counted run's
/// over [`COUNTED_CALLS`]), its instructions starting at `first_instruction` of its variant's.
fn per_call_graph(listing: &trace::Listing, first_instruction: usize) -> CodeGraph {
    let per_call = |n: Option<u64>| n.map(|n| n as f64 / f64::from(COUNTED_CALLS));
    let mut g = CodeGraph {
        code: listing.qualname.clone(),
        firstlineno: listing.firstlineno,
        first_instruction,
        ..CodeGraph::default()
    };
    match &listing.graph {
        Ok(graph) => {
            g.blocks = graph
                .blocks
                .iter()
                .map(|b| GraphBlock {
                    first: b.first,
                    end: b.end,
                    offset: b.offset,
                    per_call: per_call(b.count),
                })
                .collect();
            g.edges = graph
                .edges
                .iter()
                .map(|e| GraphEdge {
                    from: e.from,
                    to: e.to,
                    kind: e.kind,
                    per_call: per_call(e.count),
                })
                .collect();
        }
        Err(why) => g.graph_error = Some(why.clone()),
    }
    g
}

/// The counted run: every variant called [`COUNTED_CALLS`] times; each instruction's count,
/// joined with flypy's disassembly. Edges on 3.12+ (per-instruction counting when the events
/// cannot be explained), opcode trace events on 3.7–3.11.
#[allow(clippy::type_complexity)]
fn counted(
    interp: &Interpreter,
    module: &Code,
    path: &Path,
    names: &[String],
    limits: &Limits,
    shown: &Shown,
    dive: &mut Dive,
) -> Result<Result<(Vec<trace::Listing>, &'static str), String>> {
    let version = interp.version;
    let program = Program::Module {
        name: RUN_AS.to_owned(),
        path: path.to_owned(),
        args: vec![COUNTED_CALLS.to_string(), names.join(",")],
    };
    let trace::Counted {
        outcome,
        counts,
        counting,
        fallback,
    } = trace::count_run(
        interp,
        module,
        &program,
        limits,
        trace::default_counting(version),
        false,
        // The dive's own step ("counting executed instructions") says what this run is.
        &crate::progress::NoProgress,
    )?;
    if !outcome.ending.is_success() {
        return Ok(Err(failure(&outcome.ending, shown)));
    }
    if let Some(why) = fallback {
        dive.notes.push(format!(
            "{why}; counted every instruction instead ({})",
            trace::describe(counting)
        ));
    }
    if let Some(why) = &outcome.incomplete {
        dive.notes.push(format!("the counts are incomplete: {why}"));
    }
    Ok(Ok((
        // A successful run: every count known.
        trace::join(module, &counts, version, true)?,
        trace::describe(counting),
    )))
}

/// The driver's `list` run (uncounted): the variants, each called once; and the run's outcome
/// (what the case wrote while it ran).
fn listed(
    interp: &Interpreter,
    path: &Path,
    limits: &Limits,
    shown: &Shown,
) -> Result<Result<(Listing, RunOutcome), String>> {
    let report = path.with_file_name("listed-report");
    let program = Program::Module {
        name: RUN_AS.to_owned(),
        path: path.to_owned(),
        args: vec![
            "list".to_owned(),
            String::new(),
            report.display().to_string(),
        ],
    };
    let outcome = flypy_probe::run::run(interp, &program, limits)?;
    if !outcome.ending.is_success() {
        return Ok(Err(failure(&outcome.ending, shown)));
    }
    let text =
        std::fs::read_to_string(&report).context("the case's run finished without its report")?;
    let listing = serde_json::from_str(&text).context("reading the driver's report")?;
    Ok(Ok((listing, outcome)))
}

/// What the listing run found that the reader should know: whether the variants return the
/// same value (said first), which of them change setup()'s data, what the case wrote.
fn note_listing(listing: &Listing, outcome: &RunOutcome, case: &Prepared, dive: &mut Dive) {
    let groups = listing.groups.clone().unwrap_or_default();
    dive.results_equal = Some(groups.len() <= 1);
    if groups.len() > 1 {
        let labels: Vec<Vec<String>> = groups
            .iter()
            .map(|g| {
                g.iter()
                    .filter_map(|&k| dive.variants.get(k).map(|v| v.label.clone()))
                    .collect::<Vec<_>>()
            })
            .filter(|g| !g.is_empty())
            .collect();
        let note = flypy_dive::text::results_differ(&labels);
        // First: whatever else the dive says compares things that may not be alike.
        dive.notes.insert(0, note.clone());
        dive.results_differ = Some(note);
        dive.result_groups = Some(labels);
    }
    for v in listing.variants.iter().filter(|v| !v.changes.is_empty()) {
        let (who, whose, kind) = match &case.statements {
            Some(_) => (
                format!("statement {}", v.name.trim_start_matches("variant_s")),
                "the setup binds once for every call",
                "statement",
            ),
            None => (v.name.clone(), "setup() gives every call", "variant"),
        };
        dive.notes.push(format!(
            "{who} changes {}, which {whose}: its later calls, and the variants after it, get \
             other data than its first call did; copy it inside the {kind} if it must change it",
            v.changes.join(", ")
        ));
    }
    if outcome.stdout.total > 0 || outcome.stderr.total > 0 {
        dive.notes.push(format!(
            "the case wrote {} bytes to stdout and {} to stderr while it ran (not shown)",
            outcome.stdout.total, outcome.stderr.total
        ));
    }
}

fn failure(ending: &Ending, shown: &Shown) -> String {
    let who = match ending {
        // As the user sees it: an inline statement's frame is "<statement N>" there.
        Ending::Exception { traceback, .. } => culprit(&shown.traceback(traceback)),
        _ => None,
    };
    let who = who.unwrap_or_else(|| "the case".to_owned());
    let mut s = format!("{who} {}", shown.text(&ending.describe()));
    if let Ending::Exception { traceback, .. } = ending {
        s.push('\n');
        s.push_str(shown.traceback(traceback).trim_end());
    }
    s
}

/// Which part of the case a traceback's outermost frame is in (the run's own frames are not in
/// it, so that is what the driver called): `statement N` for an inline statement, the
/// variant's name for a case file's `def variant_*`; `None` otherwise (a lambda, setup()).
fn culprit(traceback: &str) -> Option<String> {
    let frame = traceback
        .lines()
        .find(|l| l.trim_start().starts_with("File \""))?;
    if let Some(rest) = frame.split("File \"<statement ").nth(1) {
        let n: String = rest.chars().take_while(char::is_ascii_digit).collect();
        return (!n.is_empty()).then(|| format!("statement {n}"));
    }
    let name = frame.rsplit_once(", in ")?.1.trim();
    name.starts_with("variant_").then(|| name.to_owned())
}

/// timeit's setup for the variants: import the case module, build setup()'s arguments once,
/// and bind each variant and each argument to a local name, so the timed statement is the
/// plain call `variant_x(n)`.
fn timing_setup(dir: &Path, found: &[Found<'_>], module: &Code) -> Result<String> {
    let has_setup = module
        .consts
        .iter()
        .filter_map(Object::as_code)
        .any(|c| text_of(&c.name) == "setup");
    let dir = serde_json::to_string(&dir.display().to_string())?;
    // A template filled per run (the folder, the case's setup and variants): a `format!`, not a
    // helper file.
    let mut s =
        format!(
        "import sys\nsys.path.insert(0, {dir})\nimport {MODULE} as _flypy_case\n_flypy_kw = {}\n",
        if has_setup { "_flypy_case.setup()" } else { "{}" }
    );
    let mut params = BTreeSet::new();
    for f in found {
        s.push_str(&format!("{0} = _flypy_case.{0}\n", f.name));
        params.extend(f.params.iter().chain(&f.keyword).cloned());
    }
    for p in params {
        s.push_str(&format!(
            "{p} = _flypy_kw[{}]\n",
            serde_json::to_string(&p)?
        ));
    }
    Ok(s)
}

type CostResult = Result<Result<flypy_callgrind::PerCall, TimingError>>;

/// N for callgrind: enough calls that the difference of the two runs is mostly the variant
/// (at most [`COST_CALLS`]), few enough that a slow variant does not take minutes under
/// valgrind (about 20 ms of native time for N, at least 5 calls).
fn cost_calls(slowest_mean_s: f64) -> u64 {
    if slowest_mean_s.is_nan() || slowest_mean_s <= 0.0 {
        return COST_CALLS;
    }
    ((0.02 / slowest_mean_s).round() as u64).clamp(5, COST_CALLS)
}

/// Every variant under callgrind, as many at a time as this machine has cores (callgrind runs
/// one thread per process).
fn machine(
    interp: &Interpreter,
    statements: &[String],
    setup: &str,
    calls: u64,
    limits: &Limits,
) -> Result<Result<Vec<Machine>, TimingError>> {
    let limits = Limits {
        timeout: limits.timeout * 10,
        ..*limits
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(statements.len());
    let done: std::sync::Mutex<Vec<Option<CostResult>>> =
        std::sync::Mutex::new((0..statements.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= statements.len() {
                    break;
                }
                let r = cost::machine_cost(interp, statements, setup, false, calls, i, &limits);
                if let Ok(mut slots) = done.lock() {
                    slots[i] = Some(r);
                }
            });
        }
    });
    let results: Vec<CostResult> = done
        .into_inner()
        .map_err(|_| Error::msg("a callgrind run panicked"))?
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Error::msg("a callgrind run did not finish"))))
        .collect();
    let mut out = Vec::new();
    for r in results {
        let per_call = match r? {
            Ok(p) => p,
            Err(e) => return Ok(Err(e)),
        };
        let ir = per_call
            .event_index("Ir")
            .context("callgrind's profile has no Ir (instructions) event")?;
        let mut functions: Vec<FunctionCost> = per_call
            .functions
            .iter()
            .map(|f| FunctionCost {
                function: f.key.name.clone(),
                self_per_call: f.self_cost.get(ir).copied().unwrap_or(0.0),
                inclusive_per_call: f.inclusive.get(ir).copied().unwrap_or(0.0),
            })
            .filter(|f| f.self_per_call.abs() >= 0.5)
            .collect();
        functions.sort_by(|a, b| {
            b.self_per_call
                .total_cmp(&a.self_per_call)
                .then_with(|| a.function.cmp(&b.function))
        });
        out.push(Machine {
            instructions_per_call: per_call.totals.get(ir).copied().unwrap_or(0.0),
            functions,
        });
    }
    Ok(Ok(out))
}

/// A variant as compiled: its names, what it is (the inline statement, or its docstring's first
/// line), the call that measures it, and its disassembly. `i` is its place in the case.
fn compiled_variant(
    f: &Found<'_>,
    i: usize,
    case: &Prepared,
    version: PyVersion,
) -> Result<Variant> {
    let doc = match &case.statements {
        // variant_s<k> is statement k (the others may have been left out).
        Some(stmts) => f
            .name
            .strip_prefix("variant_s")
            .and_then(|k| k.parse::<usize>().ok())
            .and_then(|k| stmts.get(k.wrapping_sub(1)))
            .or(stmts.get(i))
            .cloned()
            .unwrap_or_default(),
        None => docstring(f.code, version).unwrap_or_default(),
    };
    Ok(Variant {
        function: f.name.clone(),
        label: f.name.trim_start_matches("variant_").to_owned(),
        doc,
        call: f.call(),
        disassembly: dis_text(f.code, version, &DisOptions::default())?,
        ..Variant::default()
    })
}

/// The first line of a function's docstring (its first constant, when that is a string and
/// the version stores docstrings there).
fn docstring(code: &Code, version: PyVersion) -> Option<String> {
    // 3.14+ keeps no docstring in co_consts when there is none, and marks one with a flag
    // (CO_HAS_DOCSTRING, 0x4000000); before, co_consts[0] is the docstring or None.
    if version.profile().co_has_docstring_flag && code.flags & 0x0400_0000 == 0 {
        return None;
    }
    let first = code.consts.first()?;
    let doc = first.as_text()?;
    Some(doc.lines().next().unwrap_or("").trim().to_owned())
}

/// 2.7 or a version that rejects the case as a whole: each variant compiled on its own (the
/// others blanked out), its disassembly or why it cannot be compiled.
fn static_variants(interp: &Interpreter, case: &Prepared, dive: &mut Dive) -> Result<()> {
    let blocks = flypy_dive::case::variant_blocks(&case.source);
    let dir = tempfile::tempdir().context("temporary folder")?;
    let shown = Shown::new(dir.path(), case);
    for (i, (name, _)) in blocks.iter().enumerate() {
        let path = dir.path().join(format!("{MODULE}_{i}.py"));
        std::fs::write(
            &path,
            for_version(
                flypy_dive::case::without_other_variants(&case.source, name),
                interp.version,
            ),
        )
        .context("writing the case")?;
        let mut v = Variant {
            function: name.clone(),
            label: name.trim_start_matches("variant_").to_owned(),
            ..Variant::default()
        };
        match crate::source::compile_module(interp, &path) {
            Ok(module) => {
                let module = module.as_code().context("not a code object")?;
                if let Some(f) = variants_of(module, &blocks)
                    .into_iter()
                    .find(|f| &f.name == name)
                {
                    v = compiled_variant(&f, i, case, interp.version)?;
                    v.disassembly = shown.text(&v.disassembly);
                }
            }
            Err(e) => {
                v.doc = format!("(CPython {} cannot compile it)", interp.version);
                // Where and what, at the user's own line: "line 6, column 12: SyntaxError: …"
                // (a variant's file keeps the case's lines; an inline statement's place is its
                // own), without the temporary file's name.
                let why = shown.compile_error(&chain(&e), case);
                let why = why
                    .find("cannot compile it: ")
                    .map_or(why.as_str(), |at| &why[at + "cannot compile it: ".len()..]);
                dive.notes
                    .push(format!("{name}: cannot compile it ({why})"));
            }
        }
        dive.variants.push(v);
    }
    Ok(())
}

/// The case module's text (UTF-8) as `version` reads it: 2.7 takes a file that declares no
/// encoding for ASCII, unless a UTF-8 byte order mark starts it.
fn for_version(text: String, version: PyVersion) -> String {
    if version.major < 3 && !text.is_ascii() && flypy_dive::case::coding(text.as_bytes()).is_none()
    {
        format!("\u{feff}{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The steps a quick dive reports, in order, on python3 (the one interpreter CI promises):
    /// the timing workers counted within the timing step, and the end.
    #[test]
    fn a_dive_reports_its_steps_in_order() {
        let interp = flypy_probe::resolve(None).expect("python3 on PATH");
        let case = flypy_dive::case::builtin("list-init").expect("the default case");
        let prepared = Prepared {
            name: case.name.to_owned(),
            about: flypy_dive::case::about(case.source).unwrap_or_default(),
            source: case.source.to_owned(),
            iterations: None,
            statements: None,
        };
        let opts = Options {
            quick: true,
            cpu_watts: None,
            region: flypy_energy::world(),
            lenient: false,
            timeout: Duration::from_secs(60),
        };
        let recorded = crate::progress::tests::Recorded::default();
        let dive = dive(&interp, &[], &prepared, &opts, &recorded).expect("the dive runs");
        assert!(dive.is_ok(), "{:?}", dive.err());
        let mut want = vec![
            Event::Step("compiling"),
            Event::Step("running the variants"),
            Event::Step("counting executed instructions"),
        ];
        if interp.version.profile().adaptive {
            want.push(Event::Step("reading what specialized"));
        }
        want.push(Event::Step("timing (worker processes)"));
        // --quick: 4 workers, and no callgrind.
        want.extend((1..=4).map(|done| Event::Workers { done, planned: 4 }));
        want.extend([Event::WorkersEnded, Event::Done]);
        assert_eq!(recorded.0.into_inner(), want);
    }

    #[test]
    fn a_failure_names_the_statement_or_variant_it_is_in() {
        let inline = "Traceback (most recent call last):\n  File \"<statement 2>\", line 1\n    1/0\nZeroDivisionError: division by zero\n";
        assert_eq!(culprit(inline).as_deref(), Some("statement 2"));
        let file = "Traceback (most recent call last):\n  File \"c.py\", line 4, in variant_b\n    helper()\n  File \"c.py\", line 9, in helper\nValueError\n";
        assert_eq!(culprit(file).as_deref(), Some("variant_b"));
        let lambda = "Traceback (most recent call last):\n  File \"c.py\", line 4, in <lambda>\nValueError\n";
        assert_eq!(culprit(lambda), None);
    }

    #[test]
    fn temporary_case_paths_show_the_users_name() {
        let shown = Shown {
            dir: "/tmp/.tmpAB12".to_owned(),
            name: "<case list-init>".to_owned(),
            source_lines: 10,
            parts: Vec::new(),
        };
        assert_eq!(
            shown.text(
                "file \"/tmp/.tmpAB12/flypy_case.py\", line 3; /tmp/.tmpAB12/flypy_case_2.py: x"
            ),
            "file \"<case list-init>\", line 3; <case list-init>: x"
        );
        // Other files in the folder stay as they are.
        assert_eq!(
            shown.text("/tmp/.tmpAB12/flypy_case_.py /tmp/.tmpAB12/flypy_cases.py"),
            "/tmp/.tmpAB12/flypy_case_.py /tmp/.tmpAB12/flypy_cases.py"
        );
        let tb = "Traceback (most recent call last):\n  File \"<string>\", line 64, in main\n  \
                  File \"/tmp/.tmpAB12/flypy_case.py\", line 48, in <module>\n    _flypy_drive()\n  \
                  File \"/tmp/.tmpAB12/flypy_case.py\", line 2, in variant_a\n    return 1/0\n    \
                  ~^~\nZeroDivisionError: division by zero";
        assert_eq!(
            shown.traceback(tb),
            "Traceback (most recent call last):\n  File \"<case list-init>\", line 2, in \
             variant_a\n    return 1/0\n    ~^~\nZeroDivisionError: division by zero"
        );
    }

    #[test]
    fn inline_statements_show_their_own_lines() {
        let shown = Shown {
            dir: "/tmp/.tmpAB12".to_owned(),
            name: "<case inline>".to_owned(),
            source_lines: 20,
            parts: vec![
                (7, "setup".to_owned(), "setup".to_owned()),
                (12, "variant_s1".to_owned(), "statement 1".to_owned()),
                (16, "variant_s2".to_owned(), "statement 2".to_owned()),
            ],
        };
        assert_eq!(
            shown.own_place("python 3.7 cannot compile it: line 13, column 8: SyntaxError: x"),
            "python 3.7 cannot compile it: statement 1, line 1, column 4: SyntaxError: x"
        );
        assert_eq!(shown.own_place("line 9: E"), "setup, line 2: E");
        assert_eq!(shown.own_place("no place: E"), "no place: E");
        assert_eq!(
            shown
                .own_frame("  File \"<case inline>\", line 18, in f")
                .as_deref(),
            Some("  File \"<statement 2>\", line 2, in f")
        );
        assert_eq!(
            shown
                .own_frame("  File \"<case inline>\", line 17, in variant_s2")
                .as_deref(),
            Some("  File \"<statement 2>\", line 1")
        );
    }

    #[test]
    fn callgrind_calls_shrink_for_slow_variants() {
        assert_eq!(cost_calls(20e-6), COST_CALLS);
        assert_eq!(cost_calls(1e-3), 20);
        assert_eq!(cost_calls(0.1), 5);
        assert_eq!(cost_calls(0.0), COST_CALLS);
        assert_eq!(cost_calls(f64::NAN), COST_CALLS);
    }
}
