//! Executed-instruction counts from the runner (`flypy_probe::run::run_counted`) on code whose
//! counts are known by construction, on every installed CPython 3.7+; on 3.12+ `sys.settrace`,
//! `sys.monitoring` and the counts derived from control-flow events must agree exactly. Instructions are found with flypy's own
//! disassembly of the same source.

use std::collections::BTreeMap;
use std::time::Duration;

use flypy_bytecode::dis::instructions;
use flypy_bytecode::flow;
use flypy_marshal::{Code, Object};
use flypy_probe::run::{run_counted, CodeCounts, CodeEdges, Counting, Ending, Limits, Program};
use flypy_probe::Interpreter;

const K: u64 = 7;
const N: u64 = 13;

/// A loop whose body is too long for one-byte jump arguments on every version (3.10 counts
/// jumps in instructions, the others in bytes or code units): its FOR_ITER, conditional jump and
/// jump back carry EXTENDED_ARG prefixes. Half its iterations run the long branch.
fn long_function() -> String {
    let body: String = (0..140)
        .map(|k| format!("            t += {k}\n"))
        .collect();
    format!(
        "def long(n):\n    t = 0\n    for i in range(n):\n        if i % 2:\n{body}    return t\n"
    )
}

fn source() -> String {
    let long = long_function();
    format!(
        r#"
def loop(n):
    t = 0
    for i in range(n):
        t += i
    return t

def gen(n):
    for i in range(n):
        yield i

def catch(n):
    c = 0
    for i in range(n):
        try:
            if i % 3 == 0:
                raise ValueError
        except ValueError:
            c += 1
    return c

def rec(n):
    if n == 0:
        return 0
    return 1 + rec(n - 1)

def comp(n):
    return [x for x in range(n)]

{long}
def thrown():
    while True:
        try:
            yield
        except ValueError:
            pass

for k in range({K}):
    loop({N})
    long({N})
    it = thrown()
    next(it)
    it.throw(ValueError)
    it.throw(ValueError)
    it.close()
    sum(gen({N}))
    catch({N})
    comp({N})
rec({N})
"#
    )
}

/// Executions of the instructions of `code` named one of `opnames`, summed (`+=` for the
/// in-place add: `INPLACE_ADD`, or 3.11+ `BINARY_OP` shown as `+=`).
fn executed(
    code: &Code,
    runs: &[CodeCounts],
    version: flypy_marshal::PyVersion,
    opnames: &[&str],
) -> u64 {
    let name = code.name.as_text().unwrap_or_default().into_owned();
    let Some(counted) = runs
        .iter()
        .find(|c| c.name == name && c.firstlineno == code.firstlineno)
    else {
        return 0;
    };
    let by_offset: BTreeMap<u32, u64> = counted.counts.iter().copied().collect();
    instructions(code, version)
        .expect("flypy disassembles it")
        .iter()
        .filter(|i| opnames.contains(&i.opname))
        .filter(|i| i.opname != "BINARY_OP" || i.argrepr == "+=")
        .map(|i| by_offset.get(&i.offset).copied().unwrap_or(0))
        .sum()
}

fn check(interp: &Interpreter, counting: Counting, module: &Code) -> Vec<CodeCounts> {
    let v = interp.version;
    let limits = Limits {
        timeout: Duration::from_secs(60),
        ..Limits::default()
    };
    let mut out = run_counted(interp, &Program::Code(source()), &limits, counting).expect("runs");
    assert_eq!(out.ending, Ending::Finished, "{v}: {:?}", out.stderr);
    if counting == Counting::Edges {
        out.counts = derived(module, &out.edges, v);
    }
    if counting == Counting::Settrace {
        let codes = module.preorder();
        for c in &mut out.counts {
            let code = c.index.and_then(|i| codes.get(i)).expect("a program code");
            c.counts = flypy_bytecode::hooks::settrace_counts(code, v, &c.counts).expect("dis");
        }
    }
    let c = &out.counts;
    let ctx = format!("{v} {counting:?}");
    let f = flypy_testkit::function(module, "loop");
    assert_eq!(
        executed(f, c, v, &["FOR_ITER"]),
        K * (N + 1),
        "{ctx}: FOR_ITER"
    );
    assert_eq!(
        executed(f, c, v, &["INPLACE_ADD", "BINARY_OP"]),
        K * N,
        "{ctx}: +="
    );
    let returns = ["RETURN_VALUE"];
    assert_eq!(executed(f, c, v, &returns), K, "{ctx}: return");
    let g = flypy_testkit::function(module, "gen");
    assert_eq!(executed(g, c, v, &["YIELD_VALUE"]), K * N, "{ctx}: yield");
    if v.at_least(3, 11) {
        // Once per call, and in a generator also once after each yield.
        assert_eq!(executed(f, c, v, &["RESUME"]), K, "{ctx}: RESUME");
        assert_eq!(
            executed(g, c, v, &["RESUME"]),
            K + K * N,
            "{ctx}: generator RESUME"
        );
    }
    if v.at_least(3, 11) {
        // throw() and close() enter a generator past its RESUME (issue 12: settrace counted
        // it on 3.13+): only the first next() runs one.
        let t = flypy_testkit::function(module, "thrown");
        assert_eq!(executed(t, c, v, &["RESUME"]), K, "{ctx}: thrown RESUME");
    }
    let h = flypy_testkit::function(module, "catch");
    assert_eq!(
        executed(h, c, v, &["RAISE_VARARGS"]),
        K * N.div_ceil(3),
        "{ctx}: raise"
    );
    assert_eq!(
        executed(h, c, v, &["INPLACE_ADD", "BINARY_OP"]),
        K * N.div_ceil(3),
        "{ctx}: c += 1"
    );
    // EXTENDED_ARG-prefixed instructions ran as often as the loop says (issue 12: they read 0
    // on 3.7-3.11, their count on the prefix).
    let l = flypy_testkit::function(module, "long");
    assert!(
        executed(l, c, v, &["EXTENDED_ARG"]) > 0,
        "{ctx}: the long loop has no EXTENDED_ARG"
    );
    assert_eq!(
        executed(l, c, v, &["FOR_ITER"]),
        K * (N + 1),
        "{ctx}: long FOR_ITER"
    );
    let n_odd = N / 2;
    assert_eq!(
        executed(l, c, v, &["INPLACE_ADD", "BINARY_OP"]),
        K * n_odd * 140,
        "{ctx}: long body"
    );
    let r = flypy_testkit::function(module, "rec");
    assert_eq!(
        executed(r, c, v, &["RETURN_VALUE", "RETURN_CONST"]),
        N + 1,
        "{ctx}: recursion returns"
    );
    // The comprehension's appends: in its own code object before 3.12, inlined from 3.12.
    let comp = flypy_testkit::function(module, "comp");
    let mut appends = executed(comp, c, v, &["LIST_APPEND"]);
    for inner in comp.consts.iter().filter_map(Object::as_code) {
        appends += executed(inner, c, v, &["LIST_APPEND"]);
    }
    assert_eq!(appends, K * N, "{ctx}: LIST_APPEND");
    blocks_count_evenly(module, &out.counts, v, &ctx);
    out.counts
}

/// The counts flypy derives from the control-flow events of each code object.
fn derived(module: &Code, edges: &[CodeEdges], v: flypy_marshal::PyVersion) -> Vec<CodeCounts> {
    let codes = module.preorder();
    edges
        .iter()
        .map(|e| {
            let code = e
                .index
                .and_then(|i| codes.get(i))
                .expect("a code object of the program");
            let events =
                flow::events_by_name(e.events.iter().map(|(k, o, n)| (k.as_str(), *o, *n)))
                    .expect("known events");
            CodeCounts {
                index: e.index,
                filename: e.filename.clone(),
                name: e.name.clone(),
                qualname: e.qualname.clone(),
                firstlineno: e.firstlineno,
                counts: flow::derive_code_counts(code, v, &events)
                    .unwrap_or_else(|err| panic!("{v} {}: {err}", e.name)),
            }
        })
        .collect()
}

/// Every instruction of a basic block ran as often as the others (no instruction of this
/// program raises part-way through a block): the property counting from edges relies on.
fn blocks_count_evenly(module: &Code, runs: &[CodeCounts], v: flypy_marshal::PyVersion, ctx: &str) {
    let mut codes = vec![module];
    let mut i = 0;
    while let Some(code) = codes.get(i).copied() {
        codes.extend(code.consts.iter().filter_map(Object::as_code).map(|c| &**c));
        i += 1;
        let name = code.name.as_text().unwrap_or_default().into_owned();
        // throw() raises at its yield, part-way through a block, on purpose.
        if name == "thrown" {
            continue;
        }
        let Some(counted) = runs
            .iter()
            .find(|c| c.name == name && c.firstlineno == code.firstlineno)
        else {
            continue;
        };
        let by_offset: BTreeMap<u32, u64> = counted.counts.iter().copied().collect();
        let instrs = instructions(code, v).expect("disassembles");
        let handlers: Vec<u32> = flypy_bytecode::exception_table::parse(&code.exceptiontable)
            .unwrap_or_default()
            .iter()
            .map(|e| e.target)
            .collect();
        for block in flypy_bytecode::cfg::basic_blocks(&instrs, &handlers) {
            let counts: Vec<(u32, &str, u64)> = instrs[block]
                .iter()
                .map(|ins| {
                    (
                        ins.offset,
                        ins.opname,
                        by_offset.get(&ins.offset).copied().unwrap_or(0),
                    )
                })
                .collect();
            // Before a generator's first RESUME no hook sees anything (see flypy trace).
            if counts.iter().all(|c| c.2 == counts[0].2) || counts.iter().all(|c| c.2 == 0) {
                continue;
            }
            let generator_prologue = code.flags & (0x20 | 0x80 | 0x200) != 0
                && counts.iter().any(|c| c.1 == "RETURN_GENERATOR");
            assert!(
                generator_prologue,
                "{ctx} {name}: a block with uneven counts: {counts:?}"
            );
        }
    }
}

#[test]
fn counts_are_exact_and_both_methods_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("counted.py");
    std::fs::write(&file, source()).expect("write");
    let (mut checked, mut skipped) = (Vec::new(), Vec::new());
    for interp in flypy_probe::discover() {
        if !interp.version.at_least(3, 7) {
            skipped.push(format!("{} (no opcode tracing before 3.7)", interp.version));
            continue;
        }
        let compiled = flypy_probe::compile_files(&interp, std::slice::from_ref(&file))
            .expect("the compile helper runs")
            .remove(0)
            .expect("it compiles");
        let module = compiled.load(interp.version).expect("flypy reads it");
        let module = module.as_code().expect("a code object");
        let v = interp.version;
        let settrace = check(&interp, Counting::Settrace, module);
        if v.at_least(3, 12) {
            let monitoring = check(&interp, Counting::Monitoring, module);
            assert_eq!(settrace, monitoring, "{v}: the two methods differ");
            let edges = check(&interp, Counting::Edges, module);
            assert_eq!(edges, monitoring, "{v}: derived counts differ");
        } else {
            let refused = run_counted(
                &interp,
                &Program::Code("x = 1".into()),
                &Limits::default(),
                Counting::Monitoring,
            );
            assert!(refused.is_err(), "{v}: sys.monitoring is new in 3.12");
        }
        checked.push(v.to_string());
    }
    eprintln!(
        "counts checked on: {}; skipped: {}",
        checked.join(", "),
        skipped.join(", ")
    );
}
