//! `#[atlas_endpoint]`'s work on `proc_macro2` tokens, from arguments and item to the
//! expansion: parse, check (`model`), emit (`expand`).

use proc_macro2::TokenStream as TokenStream2;
use quote::{ToTokens, quote};

use crate::{args, ctxt, expand, model};

/// Expands `#[atlas_endpoint(args)]` on `item`: the item, what it generates, and every
/// error as `compile_error!`.
pub fn expand_endpoint(args: TokenStream2, item: TokenStream2) -> TokenStream2 {
    let cx = ctxt::Ctxt::default();
    let args = args::parse(&cx, args);
    let mut input: syn::DeriveInput = match syn::parse2(item.clone()) {
        Ok(input) => input,
        Err(e) => {
            let e = e.to_compile_error();
            return quote!(#item #e);
        }
    };

    let empty = syn::Fields::Unit;
    let fields = match &input.data {
        syn::Data::Struct(s) => match &s.fields {
            syn::Fields::Unnamed(f) => {
                cx.error_spanned_by(
                    f,
                    "#[atlas_endpoint] needs named fields (or none): each field is a parameter named after its API name",
                );
                &empty
            }
            fields => fields,
        },
        syn::Data::Enum(e) => {
            cx.error_spanned_by(
                e.enum_token,
                "#[atlas_endpoint] goes on a struct whose fields are the request's parameters, not on an enum",
            );
            &empty
        }
        syn::Data::Union(u) => {
            cx.error_spanned_by(
                u.union_token,
                "#[atlas_endpoint] goes on a struct whose fields are the request's parameters, not on a union",
            );
            &empty
        }
    };
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[atlas_endpoint] does not support generic parameters: use owned field types",
        );
    }

    let fields_ok =
        matches!(&input.data, syn::Data::Struct(s) if !matches!(s.fields, syn::Fields::Unnamed(_)));
    let model = model::build(&cx, &args, fields, fields_ok);
    let krate: syn::Path = args
        .krate
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(::atlas_runtime));
    let unit = matches!(fields, syn::Fields::Unit);
    let formats: Vec<String> = args.formats.iter().map(|(f, _)| f.clone()).collect();
    let streamed = !formats.is_empty() && !formats.iter().any(|f| f == "json");
    if streamed {
        if let Some(ty) = &args.response {
            cx.error_spanned_by(
                ty,
                "a csv or gzip answer is streamed, not decoded: `send` returns a Download; drop `response`, or add `json` to `format(…)`",
            );
        }
        if let Some(key) = &args.paginated {
            cx.error_spanned_by(key, "a csv or gzip answer has no pages: drop `paginated`");
        }
    }
    let response = args
        .response
        .as_ref()
        .map_or_else(|| quote!(()), |t| t.to_token_stream());
    let expand_input = expand::Input {
        krate: &krate,
        ident: &input.ident,
        vis: &input.vis,
        version: args.version.as_ref().map(syn::LitStr::value),
        operation_id: args.operation_id.as_ref().map(syn::LitStr::value),
        response,
        page_item: model.page_item,
        idempotent: args.idempotent.is_some(),
        named_new: args.named_new.is_some(),
        unit,
        formats,
        streamed,
        meta: expand::Meta {
            tag: args.tag.as_ref().map(syn::LitStr::value),
            short_id: args.short_id.as_ref().map(syn::LitStr::value),
            docs: args.docs.as_ref().map(syn::LitStr::value),
            sunset: args.sunset.as_ref().map(syn::LitStr::value),
            roles: args.roles.iter().map(syn::LitStr::value).collect(),
        },
    };
    let generated = if !cx.has_errors() {
        expand::endpoint(&expand_input, &model)
    } else if fields_ok && input.generics.params.is_empty() {
        // What callers use, so that the declaration's errors are the only ones (the way
        // thiserror emits its fallback impls).
        expand::fallback(&expand_input, &model)
    } else {
        quote!()
    };
    strip_helper_attributes(&mut input);
    // The operation's reference page, once, from `docs = "…"`: the declaration need not
    // write it again in its doc comment.
    if let Some(url) = &args.docs {
        let line = format!("Reference: <{}>.", url.value());
        input.attrs.push(syn::parse_quote!(#[doc = ""]));
        input.attrs.push(syn::parse_quote!(#[doc = #line]));
    }
    // Adding a parameter must not break callers' struct literals: outside the declaring
    // crate a request is built with `new` and the setters only.
    if matches!(input.data, syn::Data::Struct(_))
        && !input
            .attrs
            .iter()
            .any(|a| a.path().is_ident("non_exhaustive"))
    {
        input.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
    let errors = cx.into_compile_errors();
    quote! {
        #input
        #generated
        #errors
    }
}

/// Removes `#[atlas(…)]` from fields (only this macro reads them), and `#[serde(…)]` when
/// no serde derive on the struct would read them (the body writer already copied them).
fn strip_helper_attributes(input: &mut syn::DeriveInput) {
    let derives_serde = input.attrs.iter().any(|a| {
        a.path().is_ident("derive") && {
            let text = a.meta.to_token_stream().to_string();
            text.contains("Serialize") || text.contains("Deserialize")
        }
    });
    let keep = |a: &syn::Attribute| {
        !(a.path().is_ident("atlas") || (!derives_serde && a.path().is_ident("serde")))
    };
    match &mut input.data {
        syn::Data::Struct(s) => {
            for f in s.fields.iter_mut() {
                f.attrs.retain(keep);
            }
        }
        syn::Data::Enum(e) => {
            for v in &mut e.variants {
                for f in v.fields.iter_mut() {
                    f.attrs.retain(keep);
                }
            }
        }
        syn::Data::Union(u) => {
            for f in u.fields.named.iter_mut() {
                f.attrs.retain(keep);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The doc lines of the struct the macro emits (its output's first item).
    fn doc_lines(output: &TokenStream2) -> Vec<String> {
        let mut item = TokenStream2::new();
        for token in output.clone() {
            let body = matches!(&token, proc_macro2::TokenTree::Group(g)
                if g.delimiter() == proc_macro2::Delimiter::Brace);
            item.extend([token]);
            if body {
                break;
            }
        }
        let item: syn::DeriveInput =
            syn::parse2(item).expect("the expansion starts with the struct");
        assert_eq!(item.ident, "ListThings");
        item.attrs
            .iter()
            .filter(|a| a.path().is_ident("doc"))
            .map(|a| match &a.meta {
                syn::Meta::NameValue(nv) => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => s.value(),
                    other => panic!("doc = {}", other.to_token_stream()),
                },
                other => panic!("{}", other.to_token_stream()),
            })
            .collect()
    }

    /// Issue 22 §2: the operation's page is written once, as `docs = …`; the macro puts it
    /// in the docs after the declaration's own lines.
    #[test]
    fn docs_argument_becomes_the_reference_line() {
        let url = "https://example.invalid/docs/listThings";
        let output = expand_endpoint(
            quote!(GET, "/orgs/{orgId}/things", version = "2023-01-01", docs = #url),
            quote! {
                /// `GET /api/atlas/v2/orgs/{orgId}/things`, version `2023-01-01`.
                pub struct ListThings {
                    pub org_id: String,
                }
            },
        );
        let docs = doc_lines(&output);
        assert_eq!(
            docs.last().map(String::as_str),
            Some("Reference: <https://example.invalid/docs/listThings>."),
            "{docs:?}"
        );
        assert_eq!(
            docs.iter().filter(|l| l.contains(url)).count(),
            1,
            "{docs:?}"
        );

        // Without `docs`, no reference line.
        let output = expand_endpoint(
            quote!(GET, "/orgs/{orgId}/things", version = "2023-01-01"),
            quote! {
                /// Things.
                pub struct ListThings {
                    pub org_id: String,
                }
            },
        );
        assert!(
            doc_lines(&output).iter().all(|l| !l.contains("Reference")),
            "{output}"
        );
    }
}
