//! Oracle test: line tables, location tables and exception tables of a sample of each
//! installed interpreter's stdlib, decoded by flypy and compared with what the interpreter
//! itself reports (`co_lines`, `co_positions`, `dis.findlinestarts`, `_parse_exception_table`).

mod primitives_support;

use flypy_bytecode::exception_table;
use flypy_bytecode::lines::{co_lines_raw, co_positions_raw, line_starts_raw};
use flypy_marshal::PyVersion;
use primitives_support::{find_python, hex, run_script, VERSIONS};
use serde_json::Value;

const DUMP: &str = include_str!("primitives_support/lines_dump.py");

fn opt_u32(v: &Value) -> Option<u32> {
    v.as_u64().map(|n| u32::try_from(n).expect("fits"))
}

#[test]
fn lines_and_exception_tables_match_each_interpreter() {
    let mut checked = 0;
    for &(major, minor) in VERSIONS {
        let Some(py) = find_python(major, minor) else {
            eprintln!("skipped: python{major}.{minor} not found");
            continue;
        };
        let version = PyVersion::new(major, minor);
        let out = run_script(&py, DUMP, &["40"]);
        let recs: Vec<Value> = serde_json::from_slice(&out).expect("json");
        assert!(
            recs.len() > 100,
            "{version}: only {} code objects",
            recs.len()
        );
        let (mut n_lines, mut n_pos, mut n_starts, mut n_exc) = (0, 0, 0, 0);
        for r in &recs {
            let name = r["name"].as_str().unwrap_or("?");
            let table = hex(r["table"].as_str().expect("table"));
            let first = opt_u32(&r["firstlineno"]).expect("firstlineno");
            let len = r["code_len"].as_u64().expect("len") as usize;
            let ctx = format!("{version} {name} table {}", r["table"]);
            if let Some(starts) = r.get("starts") {
                let want: Vec<(u32, u32)> = starts
                    .as_array()
                    .expect("list")
                    .iter()
                    .map(|p| (opt_u32(&p[0]).expect("off"), opt_u32(&p[1]).expect("line")))
                    .collect();
                assert_eq!(line_starts_raw(&table, first, len, version), want, "{ctx}");
                n_starts += 1;
            }
            if let Some(lines) = r.get("lines") {
                let got: Vec<(u32, u32, Option<u32>)> = co_lines_raw(&table, first, len, version)
                    .iter()
                    .map(|l| (l.start, l.end, l.line))
                    .collect();
                let want: Vec<(u32, u32, Option<u32>)> = lines
                    .as_array()
                    .expect("list")
                    .iter()
                    .map(|p| {
                        (
                            opt_u32(&p[0]).expect("start"),
                            opt_u32(&p[1]).expect("end"),
                            opt_u32(&p[2]),
                        )
                    })
                    .collect();
                assert_eq!(got, want, "{ctx}");
                n_lines += 1;
            }
            if let Some(pos) = r.get("positions") {
                let got: Vec<[Option<u32>; 4]> = co_positions_raw(&table, first, len, version)
                    .iter()
                    .map(|p| [p.lineno, p.end_lineno, p.col_offset, p.end_col_offset])
                    .collect();
                let want: Vec<[Option<u32>; 4]> = pos
                    .as_array()
                    .expect("list")
                    .iter()
                    .map(|p| {
                        [
                            opt_u32(&p[0]),
                            opt_u32(&p[1]),
                            opt_u32(&p[2]),
                            opt_u32(&p[3]),
                        ]
                    })
                    .collect();
                assert_eq!(got, want, "{ctx}");
                n_pos += 1;
            }
            if let Some(exc) = r.get("exc") {
                let bytes = hex(r["exc_table"].as_str().expect("exc table"));
                let got: Vec<(u32, u32, u32, u32, bool)> = exception_table::parse(&bytes)
                    .expect("parses")
                    .iter()
                    .map(|e| (e.start, e.end, e.target, e.depth, e.lasti))
                    .collect();
                let want: Vec<(u32, u32, u32, u32, bool)> = exc
                    .as_array()
                    .expect("list")
                    .iter()
                    .map(|e| {
                        (
                            opt_u32(&e[0]).expect("start"),
                            opt_u32(&e[1]).expect("end"),
                            opt_u32(&e[2]).expect("target"),
                            opt_u32(&e[3]).expect("depth"),
                            e[4].as_bool().expect("lasti"),
                        )
                    })
                    .collect();
                assert_eq!(got, want, "{ctx}");
                n_exc += 1;
            }
        }
        eprintln!(
            "python{version}: {} code objects; matched starts {n_starts}, co_lines {n_lines}, \
             co_positions {n_pos}, exception tables {n_exc}",
            recs.len()
        );
        checked += 1;
    }
    eprintln!("{checked} interpreters checked");
}
