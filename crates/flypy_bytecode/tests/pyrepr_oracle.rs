//! Oracle test: `pyrepr` against every installed interpreter's own `repr()`.
//!
//! `pyrepr_support/gen_constants.py` builds fixed and seeded-random tricky constants (floats,
//! ints up to tens of thousands of bits, strings with surrogates and every escape class,
//! bytes, complex, tuples, code objects, slices, frozensets of mixed types and up to 600
//! elements), and marshals each with `repr()` of the object as built and of the object
//! `marshal.loads` gives back. Both are compared with `SetOrder::Compiled` and
//! `SetOrder::Loaded`. The one known-inexact case is counted, not failed: from 3.11 marshal
//! sorts set elements, so the compiler's insertion order is gone and the `Compiled` order is
//! an estimate that differs when colliding elements were inserted in another order.

#[path = "primitives_support/mod.rs"]
mod primitives_support;

use flypy_bytecode::pyrepr::{hash, try_write_repr, SetOrder};
use flypy_marshal::{loads, Object, PyVersion};
use primitives_support::{find_python, VERSIONS};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const SEED: &str = "20261125";
const COUNT: &str = "400";
/// How many standard-library modules to take the compiler's frozenset constants from.
const STDLIB_FILES: &str = "2000";

fn text_of(obj: &Object) -> String {
    match obj {
        Object::Str(s) => s.to_string_lossy(),
        Object::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => panic!("expected text, got {other:?}"),
    }
}

use flypy_testkit::mask_addresses as normalise;

/// What flypy prints for `value`, or `!ValueError: ...` where CPython's repr raises.
fn ours(value: &Object, v: PyVersion, order: SetOrder) -> String {
    let mut out = String::new();
    match try_write_repr(&mut out, value, v, order) {
        Ok(()) => out,
        Err(e) => format!("!ValueError: {e}"),
    }
}

#[derive(Default)]
struct Tally {
    checked: usize,
    failed: usize,
    estimated_misses: usize,
    estimated_total: usize,
    /// Sets holding an element whose hash is an address (None before 3.12): their table
    /// order cannot be known, only the stored order is available.
    unpredictable: usize,
}

/// True when a set's order can be reproduced: every element's hash is predictable.
fn predictable(value: &Object, v: PyVersion) -> bool {
    match value {
        Object::FrozenSet(items) | Object::Set(items) => items.iter().all(|i| hash(i, v).is_some()),
        _ => true,
    }
}

#[test]
fn repr_matches_each_interpreter() {
    let script =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/pyrepr_support/gen_constants.py");
    let mut total_failed = 0;
    for &(major, minor) in VERSIONS {
        let Some(py) = find_python(major, minor) else {
            eprintln!("skipped: python{major}.{minor} not found");
            continue;
        };
        let v = PyVersion::new(major, minor);
        let out = Command::new(&py)
            .arg(&script)
            .args([SEED, COUNT, STDLIB_FILES])
            .env("PYTHONHASHSEED", "0")
            .output()
            .expect("run generator");
        assert!(
            out.status.success(),
            "{v}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let data = loads(&out.stdout, v).unwrap_or_else(|e| panic!("{v}: loads: {e}"));
        let Object::List(entries) = data else {
            panic!("{v}: not a list")
        };
        let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
        let mut shown = 0;
        for e in entries.iter() {
            let Object::Tuple(parts) = e else {
                panic!("{v}: entry")
            };
            let [dumped, compiled, loaded, note] = &parts[..] else {
                panic!("{v}: entry size")
            };
            let Object::Bytes(dumped) = dumped else {
                panic!("{v}: dump")
            };
            let value = &loads(dumped, v).unwrap_or_else(|e| panic!("{v}: loads entry: {e}"));
            let note = text_of(note);
            let t = tallies.entry(note.clone()).or_default();
            let has_set = note.contains("frozenset") || note == "set";
            for (order, want) in [(SetOrder::Compiled, compiled), (SetOrder::Loaded, loaded)] {
                let want = normalise(&text_of(want));
                let got = normalise(&ours(value, v, order));
                t.checked += 1;
                let estimate = has_set && order == SetOrder::Compiled && v.at_least(3, 11);
                if estimate {
                    t.estimated_total += 1;
                }
                if got == want {
                    continue;
                }
                if estimate {
                    t.estimated_misses += 1;
                    continue;
                }
                // Pre-3.11 `Compiled` is the stored order itself, exact whatever the hashes.
                let from_table = order == SetOrder::Loaded || v.at_least(3, 11);
                if has_set && from_table && !predictable(value, v) {
                    t.unpredictable += 1;
                    continue;
                }
                t.failed += 1;
                if let Some(path) = std::env::var_os("PYREPR_ORACLE_DUMP") {
                    use std::io::Write as _;
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(path)
                        .expect("dump file");
                    writeln!(f, "{v} {note} {order:?}\n  want {want}\n  got  {got}").expect("dump");
                }
                if shown < 8 {
                    shown += 1;
                    let cut = |s: &str| s.chars().take(300).collect::<String>();
                    eprintln!(
                        "{v} {note} {order:?}:\n  want {}\n  got  {}",
                        cut(&want),
                        cut(&got)
                    );
                }
            }
        }
        for (note, t) in &tallies {
            let est = if t.estimated_total > 0 {
                format!(
                    ", compiled-order estimate off in {}/{}",
                    t.estimated_misses, t.estimated_total
                )
            } else {
                String::new()
            };
            eprintln!(
                "python{v} {note}: {} reprs, {} differ{est}",
                t.checked, t.failed
            );
            total_failed += t.failed;
        }
    }
    assert_eq!(total_failed, 0, "reprs differing from CPython");
}
