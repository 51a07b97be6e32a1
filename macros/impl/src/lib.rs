//! The logic of `#[atlas_endpoint]`, `pattern!` and the `Decode` and `QueryValue` derives
//! as an ordinary library on `proc_macro2` tokens. Use the macros through
//! `atlas_runtime`, where they are documented; this crate is their implementation.
//!
//! # Why a library beside the proc-macro crate
//!
//! A `proc-macro = true` crate can export nothing but its macros, and its code runs only
//! inside a compiler. The logic therefore lives here, as `thiserror-impl` and
//! `progenitor-impl` do, and `atlas-macros` is a thin shim that converts
//! `proc_macro::TokenStream` to and from `proc_macro2` and calls the functions below.
//! Outside a compiler (proc_macro2's fallback) the same functions serve the fuzz targets
//! (`fuzz/`) and `scripts/expand-macros`, which depend on this crate like any other:
//! what they run is the macro, token for token.
//!
//! The public API is what those consumers need: the four entry points and the path
//! template's parser and name conversions. Every module is private.
//!
//! # Inside
//!
//! The crate is split the serde_derive way: `args` and `fields` parse, `template` and
//! `model` check, `pattern` compiles regexes to character runs or DFA tables, `expand` emits
//! (and, after an error, a fallback `new`/setters/`send`). `pattern!` and
//! `#[derive(QueryValue)]` (`query_value`) are the two small macros beside it. Every
//! problem is collected in a `ctxt::Ctxt` and reported at once, on its own token, and
//! the struct is always emitted so the rest of the crate still compiles.

mod args;
mod ctxt;
mod decode;
mod entry;
mod expand;
mod fields;
mod model;
mod pattern;
mod query_value;
mod serde_attr;
mod template;

use proc_macro2::TokenStream;

pub use template::{Piece, camel_case, parse as parse_template, snake_case};

/// `#[atlas_endpoint(args)]` on `item`: the item, what it generates, and every error as
/// `compile_error!` (see `atlas_runtime::atlas_endpoint`).
pub fn atlas_endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand_endpoint(args, item)
}

/// `pattern!("…")`: a `Pattern` compiled at build time (see `atlas_runtime::pattern!`).
pub fn pattern(input: TokenStream) -> TokenStream {
    let lit: syn::LitStr = match syn::parse2(input) {
        Ok(lit) => lit,
        Err(e) => {
            return syn::Error::new(e.span(), "expected one string literal: pattern!(\"^…$\")")
                .to_compile_error();
        }
    };
    match pattern::compile(&lit.value()) {
        Ok(p) => p.to_tokens(&syn::parse_quote!(::atlas_runtime::__private), &lit),
        Err(message) => syn::Error::new(lit.span(), message).to_compile_error(),
    }
}

/// `#[derive(Decode)]` on `item`: its `serde::Deserialize` impl (see `atlas_runtime::Decode`).
pub fn derive_decode(item: TokenStream) -> TokenStream {
    decode::derive(item)
}

/// `#[derive(QueryValue)]` on `item`: `ParamText` from serde names (see
/// `atlas_runtime::QueryValue`).
pub fn derive_query_value(item: TokenStream) -> TokenStream {
    query_value::derive(item)
}
