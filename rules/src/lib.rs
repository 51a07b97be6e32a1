//! Rules with one home for two crates: `#[atlas_endpoint]` (atlas-macros) refuses a
//! declaration that breaks them at compile time, and atlas-runtime refuses a call that
//! breaks them before any I/O. A proc-macro crate cannot export anything but macros, so
//! the rule cannot live in atlas-macros for the runtime to call; it lives here, and both
//! depend on it (as ruma's macros and types share `ruma-identifiers-validation`).
//!
//! Use it through atlas-runtime; its contents are not a stable interface of their own.

pub mod headers;
