//! The dive: the variants of a case side by side, from disassembly to machine instructions,
//! and an explanation of why one is faster written from the measured numbers. This crate holds
//! what needs no interpreter: the built-in cases and the case-file format ([`case`]), the
//! measurement model the JSON output has ([`model`]), which variants are compared and what
//! differs ([`compare`]), the explanation's text ([`explain`]) and what changed between
//! versions ([`versions`]). The `flypy` binary measures and fills the model.

pub mod case;
pub mod compare;
pub mod explain;
pub mod model;
pub mod text;
pub mod versions;
