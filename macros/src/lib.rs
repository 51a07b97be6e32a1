//! `#[atlas_endpoint]`: declares a MongoDB Atlas Administration API v2 operation on a
//! request struct. Use it through `atlas_runtime::atlas_endpoint`, where it is documented.
//!
//! A shim: a proc-macro crate can export nothing but its macros and runs only inside a
//! compiler, so the logic is the ordinary library `atlas-macros-impl` (also used by the
//! fuzz targets and `scripts/expand-macros`). Each macro here converts its tokens and
//! calls it.

use proc_macro::TokenStream;

/// See `atlas_runtime::atlas_endpoint` for the full documentation.
#[proc_macro_attribute]
pub fn atlas_endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    atlas_macros_impl::atlas_endpoint(args.into(), item.into()).into()
}

/// See `atlas_runtime::pattern!`: a `Pattern` compiled at build time.
#[proc_macro]
pub fn pattern(input: TokenStream) -> TokenStream {
    atlas_macros_impl::pattern(input.into()).into()
}

/// See `atlas_runtime::Decode`: `serde::Deserialize` for a struct read from a JSON object.
#[proc_macro_derive(Decode, attributes(serde))]
pub fn derive_decode(item: TokenStream) -> TokenStream {
    atlas_macros_impl::derive_decode(item.into()).into()
}

/// See `atlas_runtime::QueryValue`: `ParamText` from serde names.
#[proc_macro_derive(QueryValue, attributes(serde))]
pub fn derive_query_value(item: TokenStream) -> TokenStream {
    atlas_macros_impl::derive_query_value(item.into()).into()
}
