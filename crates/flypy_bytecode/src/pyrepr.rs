//! Python's own `repr` of constants, per version (str, bytes, int, float, complex, tuple, frozenset, code).

use flypy_marshal::{Object, PyVersion};

/// `repr(obj)` as CPython `version` prints it. (Interface only: the pyrepr branch implements
/// it; until then only the singletons are spelled.)
pub fn repr(obj: &Object, version: PyVersion) -> String {
    let _ = version;
    match obj {
        Object::None => "None".to_owned(),
        Object::True => "True".to_owned(),
        Object::False => "False".to_owned(),
        Object::Ellipsis => "Ellipsis".to_owned(),
        _ => String::from("<repr not implemented>"),
    }
}
