//! Helpers shared by the fuzz targets in `fuzz_targets/`, and the `#[atlas_endpoint]`
//! macro's modules compiled as ordinary code, so that `expand_endpoint` and
//! `template::parse` run outside a compiler (proc_macro2 then uses its fallback).
//!
//! The macro's files are included by path, at this crate's root, because they name each
//! other as `crate::ctxt`, `crate::template`, …: their behaviour is the macro's, unchanged.

#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/args.rs"]
mod args;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/ctxt.rs"]
mod ctxt;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/entry.rs"]
mod entry;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/expand.rs"]
mod expand;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/fields.rs"]
mod fields;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/model.rs"]
mod model;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/pattern.rs"]
mod pattern;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/serde_attr.rs"]
mod serde_attr;
#[allow(dead_code, unused_imports, clippy::all)]
#[path = "../../macros/src/template.rs"]
mod template;

/// The macro's entry points on `proc_macro2` tokens.
pub mod atlas_macros {
    pub use crate::entry::expand_endpoint;
    pub use crate::template::{Piece, camel_case, parse as parse_template, snake_case};
}

pub mod response;
pub mod secrets;

/// Whether `s` is made of the characters an `http::HeaderValue` can carry and
/// `HeaderValue::to_str` gives back: visible ASCII, space and tab.
pub fn header_safe(s: &str) -> bool {
    s.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

/// How many times `needle` occurs in `haystack` (overlapping occurrences counted).
pub fn count(haystack: &str, needle: &str) -> usize {
    if needle.is_empty() {
        return 0;
    }
    haystack
        .char_indices()
        .filter(|(i, _)| haystack[*i..].starts_with(needle))
        .count()
}
