//! Oracle test for the generated opcode tables: real code compiled by every installed
//! interpreter, decoded with `tables::for_version` + `decode`, must give the same
//! (offset, opname, argument) sequence as that interpreter's own `dis`.

mod primitives_support;

use std::path::Path;
use std::sync::Arc;

use flypy_bytecode::decode::decode;
use flypy_bytecode::tables::for_version;
use flypy_marshal::{loads, Code, PyVersion};
use primitives_support::{find_python, hex, run_file, VERSIONS};
use serde_json::Value;

fn collect(code: &Arc<Code>, out: &mut Vec<Arc<Code>>) {
    out.push(Arc::clone(code));
    for c in code.consts.iter().filter_map(|o| o.as_code()) {
        collect(c, out);
    }
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
        let files: Value = serde_json::from_slice(&out).expect("json");
        let mut instrs = 0;
        for file in files.as_array().expect("list") {
            let name = file["name"].as_str().expect("name");
            let data = hex(file["marshal"].as_str().expect("marshal"));
            let top = loads(&data, v).expect("marshal");
            let mut codes = Vec::new();
            collect(top.as_code().expect("code object"), &mut codes);
            let want = file["codes"].as_array().expect("codes");
            assert_eq!(codes.len(), want.len(), "python{v} {name}: code objects");
            for (code, want) in codes.iter().zip(want) {
                let got: Vec<Value> = decode(&code.code, v, table)
                    .expect("decode")
                    .iter()
                    .map(|i| {
                        let arg = i.arg_value(v).map_or(Value::Null, Value::from);
                        serde_json::json!([i.offset, table.specialized_opname(i.opcode), arg])
                    })
                    .collect();
                let want = want.as_array().expect("instructions");
                assert_eq!(&got, want, "python{v} {name}: {:?}", code.name);
                instrs += got.len();
            }
        }
        eprintln!("python{v}: {instrs} instructions match dis");
        tested += 1;
    }
    assert!(tested > 0, "no interpreter found");
}
