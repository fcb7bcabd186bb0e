//! The order a set of constants is shown in: simulated with [`super::settable`] from the
//! elements' hashes ([`super::hash`]).

use flypy_marshal::{Object, PyVersion};

use super::hash::element_hashes;
use super::settable;

/// The order `version` iterates a set built by adding `items` in this order, as indices into
/// `items` (duplicates dropped), or `None` when an element's hash is not predictable.
pub fn iteration_order(items: &[Object], version: PyVersion) -> Option<Vec<usize>> {
    settable::iteration_order(items, &element_hashes(items, version)?, version)
}

/// The best estimate of the order of the frozenset the compiler made, from its elements in
/// sorted (3.11+ marshal) order. The compiler builds the set from the elements in source
/// order, then (3.8+, merging constants) builds it again from the first set's iteration
/// order. The source order is lost; taking the sorted order for it is exact whenever the
/// source listed the elements sorted (as people often do) or no two of them collide.
pub fn compiled_order(items: &[Object], version: PyVersion) -> Option<Vec<usize>> {
    let first = iteration_order(items, version)?;
    let reordered: Vec<Object> = first
        .iter()
        .filter_map(|&i| items.get(i).cloned())
        .collect();
    let second = iteration_order(&reordered, version)?;
    Some(
        second
            .into_iter()
            .filter_map(|j| first.get(j).copied())
            .collect(),
    )
}
