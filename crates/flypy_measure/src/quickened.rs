//! The program's code tree as the run left it: code objects numbered in pre-order (the module,
//! then each code constant depth first in `co_consts` order, as the run helper numbers them),
//! and the tree with each code object's bytecode replaced by its quickened form.

use std::collections::BTreeMap;
use std::sync::Arc;

use flypy_marshal::{Code, Object};
use flypy_probe::run::AdaptiveCode;

use crate::error::{bail, Result};

/// `module` with every code object's `co_code` replaced by its quickened bytecode from
/// `adaptive` (matched by pre-order index; each must be as long as the code it replaces).
pub fn quickened_tree(module: &Code, adaptive: &[AdaptiveCode]) -> Result<Code> {
    let by_index: BTreeMap<usize, &[u8]> = adaptive
        .iter()
        .map(|a| (a.index, a.code.as_slice()))
        .collect();
    let mut next = 0usize;
    replace(module, &mut next, &by_index)
}

fn replace(code: &Code, next: &mut usize, quick: &BTreeMap<usize, &[u8]>) -> Result<Code> {
    let mine = *next;
    *next += 1;
    let mut out = code.clone();
    if let Some(bytes) = quick.get(&mine) {
        if bytes.len() != code.code.len() {
            bail!(
                "the quickened code of code object {mine} is {} bytes, its bytecode {}",
                bytes.len(),
                code.code.len()
            );
        }
        out.code = bytes.to_vec().into();
    }
    out.consts = code
        .consts
        .iter()
        .map(|k| match k {
            Object::Code(inner) => Ok(Object::Code(Arc::new(replace(inner, next, quick)?))),
            other => Ok(other.clone()),
        })
        .collect::<Result<_>>()?;
    Ok(out)
}
