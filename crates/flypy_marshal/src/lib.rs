//! CPython `.pyc` headers and `marshal` data, for every CPython from 2.7 and 3.0 to 3.15,
//! decoded into a version-neutral [`Object`] tree whose code objects are [`Code`].
//!
//! Everything here reads untrusted bytes: errors carry the byte offset, nothing panics on
//! input-derived data, and recursion and allocation are bounded by the input's size.

mod error;
mod object;
mod profile;
mod profile_lookup;
mod profile_table;
mod pyc;
mod reader;
mod set_order;
mod version;

pub use error::{MarshalError, MarshalErrorKind};
pub use object::{BigInt, Code, Object, PyStr};
pub use profile::{Family, LineTable, Profile};
pub use profile_lookup::{profile, profile_or_nearest, version_for_magic};
pub use profile_table::SUPPORTED;
pub use pyc::{read_pyc, Pyc, Validation};
pub use reader::{loads, MAX_DEPTH};
pub use set_order::{map_frozensets, restore_frozensets, SetOrderError};
pub use version::PyVersion;
