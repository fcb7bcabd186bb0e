//! Frozenset constants in the order CPython iterates them.
//!
//! From 3.11, marshal writes a frozenset's elements sorted (for reproducible `.pyc` files), so
//! the order read back is not the order in which `dis`, run in the process that compiled the
//! source, prints the set. flypy's compile helper (`flypy_probe`'s `compile.py`) therefore
//! sends each frozenset constant as a tuple in iteration order and names those tuples;
//! [`restore_frozensets`] turns them back. [`map_frozensets`] is the walk `.pyc` reading uses
//! to put sets in the order `marshal.loads` would give them.

use crate::object::{Code, Object};
use std::sync::Arc;

/// The report does not fit the object tree it is said to describe.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("frozenset report does not match the code object: {0}")]
pub struct SetOrderError(&'static str);

/// What a [`rebuild`] callback answers: a replacement container, or `None` to keep it.
type Rebuilt<E> = Result<Option<Object>, E>;

/// The callback of [`rebuild`].
type RebuildFn<'a, E> = dyn FnMut(Kind, usize, &[Object]) -> Rebuilt<E> + 'a;

/// What a [`map_frozensets`] callback answers: the set's new items, or `None` to keep them.
type NewItems<E> = Result<Option<Vec<Object>>, E>;

/// Which container a [`rebuild`] callback is given.
#[derive(Clone, Copy)]
enum Kind {
    Tuple,
    FrozenSet,
}

impl Kind {
    fn build(self, items: Vec<Object>) -> Object {
        match self {
            Kind::Tuple => Object::Tuple(items.into()),
            Kind::FrozenSet => Object::FrozenSet(items.into()),
        }
    }
}

/// Rebuilds `obj` depth first in marshal order (code constants, then items; a container's
/// items before the container), letting `f` make each tuple and frozenset from its rebuilt
/// items. `f` also gets the container's number: tuples and frozensets counted in pre-order,
/// the constants list of a code object not counted. `f` answers `None` to leave a container
/// as it is; `None` from `rebuild` means nothing changed, so untouched subtrees stay shared.
fn rebuild<E>(obj: &Object, counter: &mut usize, f: &mut RebuildFn<'_, E>) -> Rebuilt<E> {
    // The items with their rebuilt replacements, or `None` when none changed.
    let mut items_of = |items: &[Object], counter: &mut usize| -> Result<Option<Vec<Object>>, E> {
        let mut changed: Option<Vec<Object>> = None;
        for (i, x) in items.iter().enumerate() {
            if let Some(new) = rebuild(x, counter, f)? {
                changed.get_or_insert_with(|| items.to_vec())[i] = new;
            }
        }
        Ok(changed)
    };
    let (kind, items) = match obj {
        Object::Tuple(items) => (Kind::Tuple, items),
        Object::FrozenSet(items) => (Kind::FrozenSet, items),
        Object::Code(code) => {
            return Ok(items_of(&code.consts, counter)?.map(|consts| {
                Object::Code(Arc::new(Code {
                    consts,
                    ..Code::clone(code)
                }))
            }))
        }
        _ => return Ok(None),
    };
    let number = *counter;
    *counter += 1;
    Ok(match items_of(items, counter)? {
        Some(walked) => Some(match f(kind, number, &walked)? {
            Some(new) => new,
            None => kind.build(walked),
        }),
        None => f(kind, number, items)?,
    })
}

/// Turns the tuples numbered in `marks` (ascending; numbering as the compile helper does it)
/// back into frozensets with their items in the same order.
pub fn restore_frozensets(obj: &Object, marks: &[usize]) -> Result<Object, SetOrderError> {
    if marks.is_empty() {
        return Ok(obj.clone());
    }
    let mut found = 0usize;
    let out = rebuild(obj, &mut 0, &mut |kind, number, items| {
        Ok(match kind {
            Kind::Tuple if marks.binary_search(&number).is_ok() => {
                found += 1;
                Some(Object::FrozenSet(items.into()))
            }
            _ => None,
        })
    })?;
    if found != marks.len() {
        return Err(SetOrderError("it names tuples the code does not have"));
    }
    Ok(out.unwrap_or_else(|| obj.clone()))
}

/// `obj` with every frozenset's items replaced by `f(items)` when it answers `Some` (see
/// [`rebuild`] for the order of the walk). Only what changes is rebuilt.
pub fn map_frozensets<E>(
    obj: &Object,
    f: &mut dyn FnMut(&[Object]) -> NewItems<E>,
) -> Result<Object, E> {
    // Most code has no frozenset constant: a plain scan settles that for less than the walk.
    if !has_frozenset(obj) {
        return Ok(obj.clone());
    }
    let out = rebuild(obj, &mut 0, &mut |kind, _, items| {
        Ok(match kind {
            Kind::Tuple => None,
            Kind::FrozenSet => f(items)?.map(|new| Object::FrozenSet(new.into())),
        })
    })?;
    Ok(out.unwrap_or_else(|| obj.clone()))
}

/// Whether a frozenset occurs anywhere in `obj` (an explicit stack: nesting can be deep).
fn has_frozenset(obj: &Object) -> bool {
    let mut stack = vec![obj];
    while let Some(o) = stack.pop() {
        match o {
            Object::FrozenSet(_) => return true,
            Object::Tuple(items) => stack.extend(items.iter()),
            Object::Code(code) => stack.extend(code.consts.iter()),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints(o: &Object) -> Vec<i64> {
        match o {
            Object::FrozenSet(v) | Object::Tuple(v) => v
                .iter()
                .filter_map(|x| match x {
                    Object::Int(i) => Some(*i),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn marked_tuples_become_frozensets() {
        let inner = Object::Tuple(vec![Object::Int(2), Object::Int(1)].into());
        let outer = Object::Tuple(vec![inner, Object::Tuple(vec![Object::Int(7)].into())].into());
        // Numbering: outer 0, inner 1, (7,) 2.
        let out = restore_frozensets(&outer, &[1]).expect("fits");
        let Object::Tuple(items) = &out else {
            panic!("tuple")
        };
        assert!(matches!(items[0], Object::FrozenSet(_)));
        assert_eq!(ints(&items[0]), vec![2, 1]);
        assert!(matches!(items[1], Object::Tuple(_)));
        assert!(restore_frozensets(&outer, &[3]).is_err());
    }

    #[test]
    fn map_frozensets_reorders_sets_only() {
        let set = Object::FrozenSet(vec![Object::Int(1), Object::Int(2)].into());
        let outer = Object::Tuple(vec![set, Object::Int(3)].into());
        let out = map_frozensets(&outer, &mut |items| {
            Ok::<_, ()>(Some(items.iter().rev().cloned().collect()))
        })
        .expect("infallible");
        let Object::Tuple(items) = &out else {
            panic!("tuple")
        };
        assert_eq!(ints(&items[0]), vec![2, 1]);
    }
}
