//! Helpers shared by the fuzz targets in `fuzz_targets/`. The macro targets call
//! `atlas-macros-impl`, the `#[atlas_endpoint]` macro's logic as an ordinary library, so
//! that it runs outside a compiler (proc_macro2 then uses its fallback).

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
