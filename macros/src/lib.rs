//! `#[atlas_endpoint]`: declares a MongoDB Atlas Administration API v2 operation on a
//! request struct. Use it through `atlas_runtime::atlas_endpoint`, where it is documented.
//!
//! The crate is split the serde_derive way: `args` and `fields` parse, `template` and
//! `model` check, `pattern` compiles regexes to character runs or DFA tables, `expand` emits. Every
//! problem is collected in a `ctxt::Ctxt` and reported at once, on its own token, and
//! the struct is always emitted so the rest of the crate still compiles.

mod args;
mod ctxt;
mod entry;
mod expand;
mod fields;
mod model;
mod pattern;
mod template;

use proc_macro::TokenStream;

/// See `atlas_runtime::atlas_endpoint` for the full documentation.
#[proc_macro_attribute]
pub fn atlas_endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand_endpoint(args.into(), item.into()).into()
}
