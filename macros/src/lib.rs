//! `#[atlas_endpoint]`: declares a MongoDB Atlas Administration API v2 operation on a
//! request struct. Use it through `atlas_runtime::atlas_endpoint`, where it is documented.
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

use proc_macro::TokenStream;

/// See `atlas_runtime::atlas_endpoint` for the full documentation.
#[proc_macro_attribute]
pub fn atlas_endpoint(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand_endpoint(args.into(), item.into()).into()
}

/// See `atlas_runtime::pattern!`: a `Pattern` compiled at build time.
#[proc_macro]
pub fn pattern(input: TokenStream) -> TokenStream {
    let lit: syn::LitStr = match syn::parse(input) {
        Ok(lit) => lit,
        Err(e) => {
            return syn::Error::new(e.span(), "expected one string literal: pattern!(\"^…$\")")
                .to_compile_error()
                .into();
        }
    };
    match pattern::compile(&lit.value()) {
        Ok(p) => p
            .to_tokens(&syn::parse_quote!(::atlas_runtime::__private), &lit)
            .into(),
        Err(message) => syn::Error::new(lit.span(), message)
            .to_compile_error()
            .into(),
    }
}

/// See `atlas_runtime::QueryValue`: `ParamText` from serde names.
#[proc_macro_derive(Decode, attributes(serde))]
pub fn derive_decode(item: TokenStream) -> TokenStream {
    decode::derive(item.into()).into()
}

#[proc_macro_derive(QueryValue, attributes(serde))]
pub fn derive_query_value(item: TokenStream) -> TokenStream {
    query_value::derive(item.into()).into()
}
