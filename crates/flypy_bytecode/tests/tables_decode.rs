//! Oracle test for the generated opcode tables: real code compiled by every installed
//! interpreter, decoded with `tables::for_version` + `decode`, must give the same
//! (offset, opname, argument) sequence as that interpreter's own `dis`.

mod primitives_support;

use std::path::Path;
use std::sync::Arc;

use flypy_bytecode::decode::decode;
use flypy_bytecode::tables::for_version;
use flypy_bytecode::OpcodeTable;
use flypy_marshal::{loads, Code, PyVersion};
use primitives_support::{find_python, hex, run_file, VERSIONS};
use serde_json::Value;

fn collect(code: &Arc<Code>, out: &mut Vec<Arc<Code>>) {
    out.push(Arc::clone(code));
    for c in code.consts.iter().filter_map(|o| o.as_code()) {
        collect(c, out);
    }
}

/// (offset, name as dis shows it, argument) for each instruction `decode` yields.
fn described(code: &[u8], v: PyVersion, table: &OpcodeTable) -> Vec<Value> {
    decode(code, v, table)
        .expect("decode")
        .iter()
        .map(|i| {
            let arg = i.arg_value(v).map_or(Value::Null, Value::from);
            serde_json::json!([i.offset, table.specialized_opname(i.opcode), arg])
        })
        .collect()
}

#[test]
fn tables_decode_real_code_as_dis_does() {
    let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tables_support/instrs_dump.py");
    let mut tested = 0;
    for &(major, minor) in VERSIONS {
        let Some(py) = find_python(major, minor) else {
            eprintln!("skipped: python{major}.{minor} not found");
            continue;
        };
        let v = PyVersion::new(major, minor);
        let table = for_version(v).expect("a table for every supported version");
        let out = run_file(&py, &helper, &[]);
        let facts: Value = serde_json::from_slice(&out).expect("json");
        let mut instrs = 0;
        for file in facts["files"].as_array().expect("list") {
            let name = file["name"].as_str().expect("name");
            let data = hex(file["marshal"].as_str().expect("marshal"));
            let top = loads(&data, v).expect("marshal");
            let mut codes = Vec::new();
            collect(top.as_code().expect("code object"), &mut codes);
            let want = file["codes"].as_array().expect("codes");
            assert_eq!(codes.len(), want.len(), "python{v} {name}: code objects");
            for (code, want) in codes.iter().zip(want) {
                let got = described(&code.code, v, table);
                let want = want.as_array().expect("instructions");
                assert_eq!(&got, want, "python{v} {name}: {:?}", code.name);
                instrs += got.len();
            }
        }
        let mut adaptive = String::new();
        if let Some(hot) = facts["adaptive"].as_object() {
            let data = hex(hot["code"].as_str().expect("code"));
            let got = described(&data, v, table);
            assert_eq!(
                &got,
                hot["instrs"].as_array().expect("instrs"),
                "python{v} adaptive"
            );
            let specialized = got
                .iter()
                .filter(|i| {
                    let name = i[1].as_str().unwrap_or_default();
                    table.opcode(name).is_none()
                })
                .count();
            assert!(specialized > 0, "python{v}: nothing specialized");
            adaptive = format!(", and adaptive code with {specialized} specialized ops");
        }
        eprintln!("python{v}: {instrs} instructions match dis{adaptive}");
        tested += 1;
    }
    assert!(tested > 0, "no interpreter found");
}
