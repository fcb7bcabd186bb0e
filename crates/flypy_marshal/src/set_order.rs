//! Frozenset constants in the order the compiling interpreter iterates them.
//!
//! From 3.11, marshal writes a frozenset's elements sorted by their marshalled bytes (for
//! reproducible `.pyc` files), so the order read back is not the order in which `dis`, run in
//! the process that compiled the source, prints the set. flypy's compile helper reports that
//! order (see `flypy_probe`'s `compile.py`); [`apply_set_orders`] puts it back.

use crate::object::{Code, Object};
use std::sync::Arc;

/// The report does not fit the object tree it is said to describe.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("frozenset order report does not match the code object: {0}")]
pub struct SetOrderError(&'static str);

/// Reorders every frozenset of two or more elements in `obj` — visited depth first, constants
/// and elements in marshal order — by `orders`: for each such set, the iteration position of
/// each element as read.
pub fn apply_set_orders(obj: &Object, orders: &[Vec<usize>]) -> Result<Object, SetOrderError> {
    if orders.is_empty() {
        return Ok(obj.clone());
    }
    let mut rest = orders.iter();
    let out = map_frozensets(obj, &mut |items| {
        if items.len() < 2 {
            return Ok(items);
        }
        let order = rest
            .next()
            .ok_or(SetOrderError("fewer orders than frozensets"))?;
        if order.len() != items.len() {
            return Err(SetOrderError("an order of the wrong length"));
        }
        let mut slots: Vec<Option<Object>> = vec![None; items.len()];
        for (item, &pos) in items.into_iter().zip(order) {
            match slots.get_mut(pos) {
                Some(slot @ None) => *slot = Some(item),
                _ => return Err(SetOrderError("an order that is not a permutation")),
            }
        }
        Ok(slots.into_iter().flatten().collect())
    })?;
    if rest.next().is_some() {
        return Err(SetOrderError("more orders than frozensets"));
    }
    Ok(out)
}

/// Rebuilds `obj` with every frozenset's elements replaced by `f(elements)`, visiting depth
/// first in marshal order (code constants, tuple items, set elements; a set's elements before
/// the set itself). Code objects and tuples are rebuilt; everything else is shared.
pub fn map_frozensets<E>(
    obj: &Object,
    f: &mut dyn FnMut(Vec<Object>) -> Result<Vec<Object>, E>,
) -> Result<Object, E> {
    Ok(match obj {
        Object::FrozenSet(items) => {
            let walked = items
                .iter()
                .map(|x| map_frozensets(x, f))
                .collect::<Result<Vec<_>, _>>()?;
            Object::FrozenSet(f(walked)?.into())
        }
        Object::Tuple(items) => Object::Tuple(
            items
                .iter()
                .map(|x| map_frozensets(x, f))
                .collect::<Result<Vec<_>, _>>()?
                .into(),
        ),
        Object::Code(code) => {
            let consts = code
                .consts
                .iter()
                .map(|x| map_frozensets(x, f))
                .collect::<Result<Vec<_>, _>>()?;
            Object::Code(Arc::new(Code {
                consts,
                ..Code::clone(code)
            }))
        }
        other => other.clone(),
    })
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
    fn reorders_nested_sets_depth_first() {
        let inner = Object::FrozenSet(vec![Object::Int(1), Object::Int(2)].into());
        let outer =
            Object::Tuple(vec![inner, Object::FrozenSet(vec![Object::Int(7)].into())].into());
        let out = apply_set_orders(&outer, &[vec![1, 0]]).expect("fits");
        let Object::Tuple(items) = &out else {
            panic!("tuple")
        };
        assert_eq!(ints(&items[0]), vec![2, 1]);
        assert!(apply_set_orders(&outer, &[vec![0, 0]]).is_err());
        assert!(apply_set_orders(&outer, &[vec![0, 1], vec![0, 1]]).is_err());
        assert!(apply_set_orders(&outer, &[vec![0]]).is_err());
    }
}
