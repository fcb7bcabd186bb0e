//! Oracle test: `unicode::is_printable` against every installed interpreter's own
//! `str.isprintable()` for every code point (via `tools/unicode_printable.py --dump`), and the
//! 2.7 rule against 2.7's `repr` of single code points.

mod primitives_support;

use flypy_bytecode::unicode::{is_printable, unidata_version};
use flypy_marshal::PyVersion;
use primitives_support::{find_python, run_file, run_script, VERSIONS};
use serde_json::Value;
use std::path::Path;

#[test]
fn printable_tables_match_each_interpreter() {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/unicode_printable.py");
    for &(major, minor) in VERSIONS.iter().filter(|v| v.0 == 3) {
        let Some(py) = find_python(major, minor) else {
            eprintln!("skipped: python{major}.{minor} not found");
            continue;
        };
        let v = PyVersion::new(major, minor);
        let out = run_file(&py, &tool, &["--dump"]);
        let facts: Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(unidata_version(v), facts["unidata"].as_str(), "{v}");
        let mut want = vec![true; 0x110000];
        for r in facts["ranges"].as_array().expect("ranges") {
            let (a, b) = (r[0].as_u64().expect("a"), r[1].as_u64().expect("b"));
            for cp in a..=b {
                want[cp as usize] = false;
            }
        }
        let mismatches = (0..0x110000u32)
            .filter(|&cp| is_printable(v, cp) != want[cp as usize])
            .count();
        assert_eq!(mismatches, 0, "python{v}: code points differing");
        eprintln!(
            "python{v}: all 1114112 code points match (Unicode {})",
            facts["unidata"]
        );
    }
}

#[test]
fn py27_repr_escapes_everything_but_printable_ascii() {
    let Some(py) = find_python(2, 7) else {
        eprintln!("skipped: python2.7 not found");
        return;
    };
    // Which of the first 0x3000 code points 2.7's unicode repr leaves unescaped.
    let script = "import sys\nsys.stdout.write(''.join('1' if '\\\\' not in repr(unichr(c))[2:-1] or unichr(c) == u'\\\\' else '0' for c in range(0x3000)))";
    let out = run_script(&py, script, &[]);
    let v = PyVersion::new(2, 7);
    for (cp, flag) in out.iter().enumerate() {
        assert_eq!(is_printable(v, cp as u32), *flag == b'1', "U+{cp:04X}");
    }
    eprintln!("python2.7: first 0x3000 code points match");
}
