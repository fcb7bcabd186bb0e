//! Property tests: the reader never panics on any bytes, errors point inside the input, and
//! values written in marshal's format read back as written.

use flypy_marshal::{loads, read_pyc, Object, PyVersion, SUPPORTED as VERSIONS};
use proptest::prelude::*;

/// A small value tree and its marshal bytes (version 4 format: 3.4+).
#[derive(Clone, Debug)]
enum Val {
    Int(i32),
    Float(f64),
    Bytes(Vec<u8>),
    Str(String),
    Tuple(Vec<Val>),
}

fn write(v: &Val, out: &mut Vec<u8>) {
    match v {
        Val::Int(i) => {
            out.push(b'i');
            out.extend_from_slice(&i.to_le_bytes());
        }
        Val::Float(f) => {
            out.push(b'g');
            out.extend_from_slice(&f.to_le_bytes());
        }
        Val::Bytes(b) => {
            out.push(b's');
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(b);
        }
        Val::Str(s) => {
            out.push(b'u');
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        }
        Val::Tuple(items) => {
            out.push(b'(');
            out.extend_from_slice(&(items.len() as u32).to_le_bytes());
            for i in items {
                write(i, out);
            }
        }
    }
}

fn same(v: &Val, o: &Object) -> bool {
    match (v, o) {
        (Val::Int(a), Object::Int(b)) => i64::from(*a) == *b,
        (Val::Float(a), Object::Float(b)) => a.to_bits() == b.to_bits(),
        (Val::Bytes(a), Object::Bytes(b)) => a[..] == b[..],
        (Val::Str(a), Object::Str(b)) => b.as_str() == Some(a.as_str()),
        (Val::Tuple(a), Object::Tuple(b)) => {
            a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| same(x, y))
        }
        _ => false,
    }
}

fn val() -> impl Strategy<Value = Val> {
    let leaf = prop_oneof![
        any::<i32>().prop_map(Val::Int),
        any::<f64>().prop_map(Val::Float),
        proptest::collection::vec(any::<u8>(), 0..20).prop_map(Val::Bytes),
        ".{0,12}".prop_map(Val::Str),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        proptest::collection::vec(inner, 0..8).prop_map(Val::Tuple)
    })
}

proptest! {
    #[test]
    fn any_bytes_read_or_fail_cleanly(data in proptest::collection::vec(any::<u8>(), 0..512),
                                      v in 0usize..VERSIONS.len()) {
        let (major, minor) = VERSIONS[v];
        if let Err(e) = loads(&data, PyVersion::new(major, minor)) {
            prop_assert!(e.offset <= data.len(), "{e} for {} bytes", data.len());
        }
        if let Err(e) = read_pyc(&data) {
            prop_assert!(e.offset <= data.len(), "{e} for {} bytes", data.len());
        }
    }

    #[test]
    fn written_values_read_back(v in val()) {
        let mut bytes = Vec::new();
        write(&v, &mut bytes);
        let got = loads(&bytes, PyVersion::new(3, 12)).expect("valid marshal data");
        prop_assert!(same(&v, &got), "{v:?} read as {got:?}");
        // Every proper prefix is truncated data, never a panic or a wrong success.
        for cut in 0..bytes.len() {
            prop_assert!(loads(&bytes[..cut], PyVersion::new(3, 12)).is_err());
        }
    }
}
