//! CPython's set hash table, simulated: given elements in insertion order and their hashes,
//! the order a set iterates (and `repr` lists) them in, and `frozenset.__hash__`. The hashes
//! come from the caller ([`super::hash`] or [`super::setorder`]), so this module needs neither:
//! a frozenset's hash needs the table, and the table needs its elements' hashes.
//!
//! The table starts with 8 slots. An element goes to the first free slot of its probe
//! sequence, which starts at `hash & mask`. 2.7 probes `i = 5*i + perturb + 1` (unmasked
//! `i`, index `i & mask`, perturb starting at the hash and shifted by 5 after each step);
//! 3.x first tries the 9 slots after `i` when they do not run past the end (linear probing),
//! then shifts perturb and jumps to `(5*i + 1 + perturb) & mask`. After an insertion that
//! fills too much of the table (2.7/3.6: fill*3 >= 2*(mask+1) resp. 2*mask; 3.7+: fill*5 >=
//! 3*mask) the table is rebuilt with the smallest power of two above 4×used (2×used beyond
//! 50000), re-inserting the old slots in index order.

use flypy_marshal::{Object, PyVersion};

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

struct Table {
    py2: bool,
    /// Element index and its hash (as CPython's unsigned `size_t`), per slot.
    slots: Vec<Option<(usize, u64)>>,
    used: usize,
}

impl Table {
    fn new(py2: bool, size: usize) -> Self {
        Self {
            py2,
            slots: vec![None; size],
            used: 0,
        }
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The slot the element goes to: the first free one on its probe sequence, or the
    /// slot holding an equal element.
    fn probe(&self, h: u64, same: impl Fn(usize) -> bool) -> Option<usize> {
        let mask = self.mask();
        let mut perturb = h;
        let mut i = (h as usize) & mask;
        if self.py2 {
            // `i` accumulates unmasked; only the index is masked.
            let mut acc = h as usize & mask;
            loop {
                match self.slots.get(acc & mask)? {
                    None => return Some(acc & mask),
                    Some((e, eh)) if *eh == h && same(*e) => return Some(acc & mask),
                    Some(_) => {}
                }
                acc = acc
                    .wrapping_mul(5)
                    .wrapping_add(perturb as usize)
                    .wrapping_add(1);
                perturb >>= PERTURB_SHIFT;
            }
        }
        loop {
            let run = if i + LINEAR_PROBES <= mask {
                LINEAR_PROBES
            } else {
                0
            };
            for j in i..=i + run {
                match self.slots.get(j)? {
                    None => return Some(j),
                    Some((e, eh)) if *eh == h && same(*e) => return Some(j),
                    Some(_) => {}
                }
            }
            perturb >>= PERTURB_SHIFT;
            i = (i
                .wrapping_mul(5)
                .wrapping_add(1)
                .wrapping_add(perturb as usize))
                & mask;
        }
    }

    fn needs_resize(&self, version: PyVersion) -> bool {
        let fill = self.used;
        let mask = self.mask();
        if self.py2 {
            fill * 3 >= (mask + 1) * 2
        } else if version.profile().set_fill_three_fifths {
            fill * 5 >= mask * 3
        } else {
            fill * 3 >= mask * 2
        }
    }

    fn resize(&mut self) {
        let minused = if self.used > 50_000 {
            self.used * 2
        } else {
            self.used * 4
        };
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![None; size]);
        for (e, h) in old.into_iter().flatten() {
            if let Some(slot) = self.probe(h, |_| false) {
                if let Some(s) = self.slots.get_mut(slot) {
                    *s = Some((e, h));
                }
            }
        }
    }
}

/// The order `version` iterates a set built by adding `items` (with these `hashes`) in this
/// order, as indices into `items` (duplicates dropped).
pub fn iteration_order(items: &[Object], hashes: &[u64], version: PyVersion) -> Option<Vec<usize>> {
    let table = build(items, hashes, version)?;
    Some(table.slots.iter().flatten().map(|&(e, _)| e).collect())
}

fn build(items: &[Object], hashes: &[u64], version: PyVersion) -> Option<Table> {
    let mut table = Table::new(version.major < 3, MIN_SIZE);
    for (idx, (item, &h)) in items.iter().zip(hashes).enumerate() {
        let slot = table.probe(h, |e| items.get(e).is_some_and(|o| py_eq(o, item)))?;
        let cell = table.slots.get_mut(slot)?;
        if cell.is_some() {
            continue;
        }
        *cell = Some((idx, h));
        table.used += 1;
        if table.needs_resize(version) {
            table.resize();
        }
    }
    Some(table)
}

/// `frozenset.__hash__` of these elements: order-independent, from the elements' hashes.
pub fn frozenset_hash(items: &[Object], hashes: &[u64], version: PyVersion) -> Option<i64> {
    let table = build(items, hashes, version)?;
    let hashes = table.slots.iter().flatten().map(|&(_, h)| h);
    let n = table.used as u64;
    let h: u64 = if version.major < 3 {
        let mut acc = 1_927_868_237u64.wrapping_mul(n + 1);
        for eh in hashes {
            acc ^= (eh ^ (eh << 16) ^ 89_869_747).wrapping_mul(3_644_798_167);
        }
        acc.wrapping_mul(69_069).wrapping_add(907_133_923)
    } else {
        let mut acc = 0u64;
        for eh in hashes {
            acc ^= ((eh ^ 89_869_747) ^ (eh << 16)).wrapping_mul(3_644_798_167);
        }
        acc ^= (n + 1).wrapping_mul(1_927_868_237);
        acc ^= (acc >> 11) ^ (acc >> 25);
        acc.wrapping_mul(69_069).wrapping_add(907_133_923)
    };
    Some(if h == u64::MAX { 590_923_713 } else { h as i64 })
}

/// Python equality between constants with equal hashes: numbers by value across types,
/// everything else structurally.
fn py_eq(a: &Object, b: &Object) -> bool {
    match (num(a), num(b)) {
        (Some(x), Some(y)) => return x == y,
        (Some(_), None) | (None, Some(_)) => return false,
        _ => {}
    }
    match (a, b) {
        (Object::None, Object::None) | (Object::Ellipsis, Object::Ellipsis) => true,
        (Object::Str(x), Object::Str(y)) => x.as_bytes() == y.as_bytes(),
        (Object::Bytes(x), Object::Bytes(y)) => x == y,
        (Object::Tuple(x), Object::Tuple(y)) | (Object::FrozenSet(x), Object::FrozenSet(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| py_eq(p, q))
        }
        (Object::Long(x), Object::Long(y)) => x == y,
        _ => false,
    }
}

/// Numeric value for equality (a complex's parts; big ints compare structurally instead).
fn num(o: &Object) -> Option<(f64, f64, Option<i64>)> {
    match o {
        Object::False => Some((0.0, 0.0, Some(0))),
        Object::True => Some((1.0, 0.0, Some(1))),
        Object::Int(v) => Some((*v as f64, 0.0, Some(*v))),
        Object::Long(b) => super::int::big_to_i64(b).map(|v| (v as f64, 0.0, Some(v))),
        Object::Float(x) => Some((*x, 0.0, exact_int(*x))),
        Object::Complex(re, im) => Some((*re, *im, if *im == 0.0 { exact_int(*re) } else { None })),
        _ => None,
    }
}

fn exact_int(x: f64) -> Option<i64> {
    if x.fract() == 0.0 && x.abs() < 9.2e18 {
        Some(x as i64)
    } else {
        None
    }
}
