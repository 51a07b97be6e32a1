//! The rules that more than one crate applies, each in one place: `#[atlas_endpoint]`
//! (atlas-macros) refuses a declaration that breaks them at compile time, atlas-runtime
//! refuses a call that breaks them before any I/O, and the generator (atlas-codegen), the
//! CLI (atlas-rs) and the fuzz targets name and redact with the same functions. A
//! proc-macro crate cannot export anything but macros, so a rule cannot live in
//! atlas-macros for the others to call; it lives here, without dependencies, and they all
//! depend on it (as ruma's macros and types share `ruma-identifiers-validation`).
//!
//! | rule | module |
//! |---|---|
//! | header names a field or a call may not set | [`headers`] |
//! | snake/camel case, `atlas api` group and command names | [`names`] |
//! | JSON members that hold secrets | [`sensitive`] |
//! | a compiled pattern's table format and its matcher | [`pattern`] |
//! | an API version is a real date or `preview` | [`version`] |
//! | loading the spec and following its `$ref`s (feature `spec`) | `spec` |
//!
//! Use it through atlas-runtime; its contents are not a stable interface of their own.

pub mod headers;
pub mod names;
pub mod pattern;
pub mod sensitive;
pub mod version;

#[cfg(feature = "spec")]
pub mod spec;
