//! `opcode._cache_format`: the named fields of each base opcode's inline cache, which
//! `dis -C` prints as `(name: value)` on the first CACHE line of each field. The opcode
//! table carries only the total size per opcode; the field names live here, per version.

use flypy_marshal::PyVersion;

type Layout = &'static [(&'static str, u8)];

const COUNTER: Layout = &[("counter", 1)];

/// 3.13 `Lib/opcode.py` `_cache_format`.
fn layout_313(opname: &str) -> Layout {
    match opname {
        "LOAD_GLOBAL" => &[
            ("counter", 1),
            ("index", 1),
            ("module_keys_version", 1),
            ("builtin_keys_version", 1),
        ],
        "LOAD_ATTR" => &[
            ("counter", 1),
            ("version", 2),
            ("keys_version", 2),
            ("descr", 4),
        ],
        "STORE_ATTR" => &[("counter", 1), ("version", 2), ("index", 1)],
        "CALL" => &[("counter", 1), ("func_version", 2)],
        "TO_BOOL" => &[("counter", 1), ("version", 2)],
        "BINARY_OP"
        | "UNPACK_SEQUENCE"
        | "COMPARE_OP"
        | "CONTAINS_OP"
        | "BINARY_SUBSCR"
        | "FOR_ITER"
        | "LOAD_SUPER_ATTR"
        | "STORE_SUBSCR"
        | "SEND"
        | "JUMP_BACKWARD"
        | "POP_JUMP_IF_TRUE"
        | "POP_JUMP_IF_FALSE"
        | "POP_JUMP_IF_NONE"
        | "POP_JUMP_IF_NOT_NONE" => COUNTER,
        _ => &[],
    }
}

/// 3.14 (Debian 3.14.10): BINARY_SUBSCR folded into BINARY_OP, which gained a `descr`;
/// CALL_KW specialises.
fn layout_314(opname: &str) -> Layout {
    match opname {
        "BINARY_OP" => &[("counter", 1), ("descr", 4)],
        "CALL_KW" => &[("counter", 1), ("func_version", 2)],
        "BINARY_SUBSCR" => &[],
        _ => layout_313(opname),
    }
}

/// 3.15 (Debian 3.15.2): GET_ITER, CALL_FUNCTION_EX and RESUME gained counters.
fn layout_315(opname: &str) -> Layout {
    match opname {
        "GET_ITER" | "CALL_FUNCTION_EX" | "RESUME" => COUNTER,
        _ => layout_314(opname),
    }
}

/// The cache fields of base opcode `opname` under `version` (empty when it has none).
pub(super) fn layout(version: PyVersion, opname: &str) -> Layout {
    if version.at_least(3, 15) {
        layout_315(opname)
    } else if version.at_least(3, 14) {
        layout_314(opname)
    } else {
        layout_313(opname)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The layouts above against each interpreter's own `opcode._cache_format`.
    #[test]
    fn layouts_match_the_interpreters() {
        let home = std::env::var("HOME").unwrap_or_default();
        let pythons = [
            (
                (3, 13),
                "/root/.pyenv/versions/3.13.0/bin/python3.13".to_owned(),
            ),
            (
                (3, 14),
                format!("{home}/.cache/flypy/pythons/bin/python3.14"),
            ),
            (
                (3, 15),
                format!("{home}/.cache/flypy/pythons/bin/python3.15"),
            ),
        ];
        let script = "import opcode\nfor k, v in sorted(opcode._cache_format.items()):\n    print(k, ' '.join('%s=%d' % kv for kv in v.items()))";
        let names = [
            "LOAD_GLOBAL",
            "BINARY_OP",
            "UNPACK_SEQUENCE",
            "COMPARE_OP",
            "CONTAINS_OP",
            "BINARY_SUBSCR",
            "FOR_ITER",
            "GET_ITER",
            "LOAD_SUPER_ATTR",
            "LOAD_ATTR",
            "STORE_ATTR",
            "CALL",
            "CALL_KW",
            "CALL_FUNCTION_EX",
            "STORE_SUBSCR",
            "SEND",
            "JUMP_BACKWARD",
            "TO_BOOL",
            "POP_JUMP_IF_TRUE",
            "POP_JUMP_IF_FALSE",
            "POP_JUMP_IF_NONE",
            "POP_JUMP_IF_NOT_NONE",
            "RESUME",
        ];
        for ((major, minor), py) in pythons {
            let Ok(out) = std::process::Command::new(&py)
                .args(["-c", script])
                .output()
            else {
                eprintln!("skipped {major}.{minor}: no {py}");
                continue;
            };
            let want = String::from_utf8_lossy(&out.stdout).into_owned();
            let v = PyVersion::new(major, minor);
            let mut got = String::new();
            let mut sorted = names.to_vec();
            sorted.sort_unstable();
            for n in sorted {
                let l = layout(v, n);
                if !l.is_empty() {
                    let fields: Vec<String> = l.iter().map(|(k, s)| format!("{k}={s}")).collect();
                    got.push_str(&format!("{n} {}\n", fields.join(" ")));
                }
            }
            assert_eq!(got, want, "{major}.{minor}");
        }
    }
}
