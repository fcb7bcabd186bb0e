//! Spot checks of the generated tables against facts read off each real interpreter
//! (`python -c 'import opcode; ...'`), so a generator bug that shifts or drops entries fails
//! here even when the facts files and the tables agree with each other.

use super::for_version;
use crate::table::{OpFlags, OpcodeTable};
use flypy_marshal::PyVersion;

fn table(major: u8, minor: u8) -> &'static OpcodeTable {
    for_version(PyVersion::new(major, minor))
        .unwrap_or_else(|| panic!("no opcode table for {major}.{minor}"))
}

fn op(t: &OpcodeTable, name: &str) -> u8 {
    t.opcode(name)
        .unwrap_or_else(|| panic!("{name} not in {:?}", t.version))
}

fn caches(t: &OpcodeTable, name: &str) -> u8 {
    t.cache_entries[usize::from(op(t, name))]
}

#[test]
fn every_supported_version_has_a_table() {
    let mut versions = vec![(2, 7)];
    versions.extend((6..=15).map(|minor| (3, minor)));
    for (major, minor) in versions {
        let t = table(major, minor);
        assert!(t.versions.contains(&(major, minor)), "{major}.{minor}");
        assert_eq!(t.opname(t.extended_arg), "EXTENDED_ARG");
    }
    assert!(for_version(PyVersion::new(3, 5)).is_none());
    assert!(for_version(PyVersion::new(3, 99)).is_none());
}

#[test]
fn python_2_7() {
    let t = table(2, 7);
    assert_eq!((t.have_argument, t.extended_arg), (90, 145));
    assert_eq!(op(t, "LOAD_CONST"), 100);
    assert_eq!(op(t, "LOAD_GLOBAL"), 116);
    assert_eq!(t.cmp_op.len(), 12);
    assert_eq!(t.cmp_op[2], "==");
    assert_eq!(t.opname(0), "STOP_CODE");
    assert!(t.flags(100).has(OpFlags::CONST) && t.flags(100).has(OpFlags::ARG));
    assert!(t.flags(110).has(OpFlags::JREL));
    assert!(!t.flags(89).has(OpFlags::ARG) && t.flags(90).has(OpFlags::ARG));
    assert!(t.cache_entries.iter().all(|&n| n == 0));
}

#[test]
fn python_3_6_to_3_10() {
    for minor in 6..=10 {
        let t = table(3, minor);
        assert_eq!((t.have_argument, t.extended_arg), (90, 144), "3.{minor}");
        assert_eq!(op(t, "LOAD_CONST"), 100);
        assert_eq!(op(t, "JUMP_FORWARD"), 110);
        assert!(t.flags(110).has(OpFlags::JREL));
        // cmp_op lost its exception-match entries in 3.9.
        assert_eq!(t.cmp_op.len(), if minor <= 8 { 12 } else { 6 }, "3.{minor}");
        assert!(t.nb_ops.is_empty() && t.intrinsic1.is_empty());
        // MAKE_FUNCTION_FLAGS appeared in 3.8's dis.
        let flags = if minor >= 8 { 4 } else { 0 };
        assert_eq!(t.function_attr_flags.len(), flags, "3.{minor}");
        assert_eq!(t.specialized_opname, t.opname);
    }
    assert_eq!(op(table(3, 6), "CALL_FUNCTION"), 131);
}

#[test]
fn python_3_11() {
    let t = table(3, 11);
    assert_eq!(op(t, "CACHE"), 0);
    assert_eq!(caches(t, "LOAD_GLOBAL"), 5);
    assert_eq!(caches(t, "LOAD_ATTR"), 4);
    assert_eq!(caches(t, "CALL"), 4);
    assert_eq!(caches(t, "BINARY_OP"), 1);
    assert_eq!(t.nb_ops[0], ("NB_ADD", "+"));
    assert_eq!(t.specialized_opname(55), "LOAD_GLOBAL_MODULE");
    assert_eq!(t.deopt(55), op(t, "LOAD_GLOBAL"));
    assert_eq!(t.cache_entries[55], 5);
    let load_global = usize::from(op(t, "LOAD_GLOBAL"));
    assert_eq!(
        t.cache_format[load_global],
        &[
            ("counter", 1),
            ("index", 1),
            ("module_keys_version", 2),
            ("builtin_keys_version", 1)
        ]
    );
}

#[test]
fn python_3_12() {
    let t = table(3, 12);
    assert_eq!(caches(t, "LOAD_GLOBAL"), 4);
    assert_eq!(caches(t, "LOAD_ATTR"), 9);
    assert_eq!(caches(t, "CALL"), 3);
    assert_eq!(t.specialized_opname(112), "LOAD_GLOBAL_MODULE");
    assert_eq!(t.deopt(112), 116);
    assert_eq!(t.intrinsic1[1], "INTRINSIC_PRINT");
    assert_eq!(t.intrinsic2.len(), 5);
    assert!(t.common_constants.is_empty());
}

#[test]
fn python_3_13_to_3_15() {
    // (minor, HAVE_ARGUMENT, EXTENDED_ARG, LOAD_CONST, LOAD_GLOBAL, JUMP_FORWARD,
    //  LOAD_GLOBAL_MODULE, BINARY_OP caches, intrinsic2 count)
    let expected = [
        (13, 44, 71, 83, 91, 79, 204, 1, 6),
        (14, 43, 69, 82, 92, 77, 193, 5, 6),
        (15, 41, 67, 81, 91, 76, 197, 5, 6),
    ];
    for (minor, have_arg, ext, load_const, load_global, jump_fwd, lg_module, bo, i2) in expected {
        let t = table(3, minor);
        assert_eq!(
            (t.have_argument, t.extended_arg),
            (have_arg, ext),
            "3.{minor}"
        );
        assert_eq!(op(t, "LOAD_CONST"), load_const, "3.{minor}");
        assert_eq!(op(t, "LOAD_GLOBAL"), load_global, "3.{minor}");
        assert_eq!(op(t, "JUMP_FORWARD"), jump_fwd, "3.{minor}");
        assert!(t.flags(jump_fwd).has(OpFlags::JUMP) && t.flags(jump_fwd).has(OpFlags::JREL));
        assert_eq!(t.specialized_opname(lg_module), "LOAD_GLOBAL_MODULE");
        assert_eq!(t.deopt(lg_module), load_global);
        assert_eq!(caches(t, "LOAD_GLOBAL"), 4);
        assert_eq!(caches(t, "BINARY_OP"), bo, "3.{minor}");
        assert_eq!(t.intrinsic2.len(), i2);
    }
    assert_eq!(table(3, 13).function_attr_flags.len(), 4);
    for minor in [14, 15] {
        let t = table(3, minor);
        assert_eq!(t.function_attr_flags[4], "annotate");
        assert_eq!(t.common_constants[0], "AssertionError");
        assert_eq!(t.special_method_names[0], "__enter__");
    }
}
