use super::*;
use flypy_marshal::{BigInt, PyStr};
use std::sync::Arc;

const V27: PyVersion = PyVersion::new(2, 7);
const V36: PyVersion = PyVersion::new(3, 6);
const V312: PyVersion = PyVersion::new(3, 12);

fn s(text: &str) -> Object {
    Object::Str(Arc::new(PyStr::new(text)))
}

fn tuple(items: Vec<Object>) -> Object {
    Object::Tuple(items.into())
}

#[test]
fn singletons_and_numbers() {
    assert_eq!(repr(&Object::None, V312), "None");
    assert_eq!(repr(&Object::Ellipsis, V312), "Ellipsis");
    assert_eq!(repr(&Object::Int(-5), V312), "-5");
    assert_eq!(repr(&Object::Float(1e16), V27), "1e+16");
    assert_eq!(repr(&Object::Complex(-0.0, -1.0), V312), "(-0-1j)");
    let big = Object::Long(Arc::new(BigInt {
        negative: true,
        digits: vec![0, 0, 0, 0, 0, 1],
    }));
    assert_eq!(repr(&big, V312), "-37778931862957161709568");
    assert_eq!(repr(&big, V27), "-37778931862957161709568L");
    assert_eq!(
        repr(&Object::StopIteration, V27),
        "<type 'exceptions.StopIteration'>"
    );
}

#[test]
fn containers() {
    assert_eq!(repr(&tuple(vec![]), V312), "()");
    assert_eq!(repr(&tuple(vec![Object::Int(1)]), V312), "(1,)");
    assert_eq!(
        repr(&tuple(vec![s("a"), tuple(vec![Object::None])]), V312),
        "('a', (None,))"
    );
    assert_eq!(
        repr(&tuple(vec![s("a")]), V27),
        "(u'a',)",
        "2.7 unicode in a tuple"
    );
    let empty = Object::FrozenSet(Arc::from(vec![]));
    assert_eq!(repr(&empty, V312), "frozenset()");
    assert_eq!(repr(&empty, V27), "frozenset([])");
    let two = Object::FrozenSet(Arc::from(vec![Object::Int(2), Object::Int(1)]));
    // `repr` prints sets as held (flypy holds them in CPython's iteration order); the
    // `Compiled` estimate rebuilds the table from 3.11 on (small ints in slot order).
    assert_eq!(repr(&two, V36), "frozenset({2, 1})");
    assert_eq!(repr(&two, V312), "frozenset({2, 1})");
    let mut rebuilt = String::new();
    write_repr_with(&mut rebuilt, &two, V312, SetOrder::Compiled);
    assert_eq!(rebuilt, "frozenset({1, 2})");
    assert_eq!(
        {
            let mut o = String::new();
            write_repr_with(&mut o, &two, V27, SetOrder::Loaded);
            o
        },
        "frozenset([1, 2])"
    );
    let slice = Object::Slice(Arc::new([Object::Int(1), Object::Int(2), Object::None]));
    assert_eq!(repr(&slice, PyVersion::new(3, 14)), "slice(1, 2, None)");
}

#[test]
fn digit_limit_only_when_strict() {
    // 2**15000 has 4516 decimal digits.
    let mut digits = vec![0u16; 1000];
    digits.push(1);
    let big = Object::Long(Arc::new(BigInt {
        negative: false,
        digits,
    }));
    assert_eq!(repr(&big, V312).len(), 4516);
    let mut out = String::new();
    let err = try_write_repr(&mut out, &big, V312, SetOrder::Compiled);
    assert!(matches!(
        err,
        Err(ReprError::IntTooLong { digits: 4516, .. })
    ));
    assert!(try_write_repr(&mut out, &big, V36, SetOrder::Compiled).is_ok());
}

#[test]
fn code_objects() {
    let code = Code {
        argcount: 0,
        posonlyargcount: 0,
        kwonlyargcount: 0,
        nlocals: 0,
        stacksize: 0,
        flags: 0,
        code: Arc::from(vec![]),
        consts: vec![],
        names: vec![],
        varnames: vec![],
        cellvars: vec![],
        freevars: vec![],
        localsplusnames: vec![],
        localspluskinds: vec![],
        filename: s("a \"b\".py"),
        name: s("<lambda>"),
        qualname: None,
        firstlineno: 0,
        linetable: Arc::from(vec![]),
        exceptiontable: Arc::from(vec![]),
    };
    let text = repr(&Object::Code(Arc::new(code.clone())), V312);
    let (head, tail) = text.split_once(" at 0x").expect("address");
    assert_eq!(head, "<code object <lambda>");
    assert!(tail.ends_with(", file \"a \"b\".py\", line -1>"), "{tail}");
    let mut py2 = code;
    py2.name = Object::Bytes(Arc::from(&b"f"[..]));
    py2.filename = Object::None;
    py2.firstlineno = 3;
    let text = repr(&Object::Code(Arc::new(py2)), V27);
    assert!(text.ends_with(", file \"???\", line 3>"), "{text}");
}

#[test]
fn compiled_sets_are_built_twice_from_311() {
    // `c in {'1', '2', '3'}` (ftplib): '1' and '2' share a slot. Loading the sorted elements
    // gives 2, 1, 3; the compiler builds the set once more from that order: 1, 2, 3
    // (checked with CPython 3.11-3.13, PYTHONHASHSEED=0).
    let fs = Object::FrozenSet(Arc::from(vec![s("1"), s("2"), s("3")]));
    let mut compiled = String::new();
    write_repr_with(&mut compiled, &fs, V312, SetOrder::Compiled);
    assert_eq!(compiled, "frozenset({'1', '2', '3'})");
    let mut loaded = String::new();
    write_repr_with(&mut loaded, &fs, V312, SetOrder::Loaded);
    assert_eq!(loaded, "frozenset({'2', '1', '3'})");
}
