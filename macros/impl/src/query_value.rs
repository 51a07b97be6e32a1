//! `#[derive(QueryValue)]`: `ParamText` for an enum of unit variants, each sent as its
//! serde name, so a query enum is declared once (its serde attributes) and not again by
//! hand.

use proc_macro2::TokenStream;
use quote::quote;
use syn::LitStr;

use crate::ctxt::Ctxt;
use crate::serde_attr::{self, Side};

pub fn derive(item: TokenStream) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(item) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let cx = Ctxt::default();
    let syn::Data::Enum(data) = &input.data else {
        cx.error_spanned_by(
            &input.ident,
            "#[derive(QueryValue)] goes on an enum of unit variants (the values a parameter can take)",
        );
        return cx.into_compile_errors();
    };
    let rule = serde_name(&cx, &input.attrs, "rename_all");
    if let Some(lit) = &rule {
        serde_attr::check_rule(&cx, lit);
    }
    let mut arms = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, syn::Fields::Unit) {
            cx.error_spanned_by(
                &v.fields,
                "a query value is one name: #[derive(QueryValue)] takes unit variants only",
            );
            continue;
        }
        let name = match serde_name(&cx, &v.attrs, "rename") {
            Some(lit) => lit.value(),
            None => apply(
                rule.as_ref().map(LitStr::value).as_deref(),
                &v.ident.to_string(),
            ),
        };
        let ident = &v.ident;
        arms.push(quote!(Self::#ident => #name));
    }
    if cx.has_errors() {
        return cx.into_compile_errors();
    }
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let body = if arms.is_empty() {
        quote!(match *self {})
    } else {
        quote!(::std::borrow::Cow::Borrowed(match self { #(#arms),* }))
    };
    quote! {
        impl #impl_generics ::atlas_runtime::implement::ParamText for #ident #ty_generics #where_clause {
            fn param_text(&self) -> ::std::borrow::Cow<'_, str> {
                #body
            }
        }
    }
}

/// `#[serde(key = "x")]` or `#[serde(key(serialize = "x"))]`.
fn serde_name(cx: &Ctxt, attrs: &[syn::Attribute], key: &str) -> Option<LitStr> {
    serde_attr::names(cx, attrs, &[key], Side::Serialize, |_| {}).remove(0)
}

/// A variant name (`PascalCase`) under a serde `rename_all` rule, as serde spells it.
fn apply(rule: Option<&str>, variant: &str) -> String {
    let snake = || {
        let mut out = String::new();
        for (i, c) in variant.char_indices() {
            if c.is_uppercase() && i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        out
    };
    match rule {
        Some("lowercase") => variant.to_ascii_lowercase(),
        Some("UPPERCASE") => variant.to_ascii_uppercase(),
        Some("camelCase") => {
            let mut chars = variant.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_lowercase().to_string() + chars.as_str()
            })
        }
        Some("snake_case") => snake(),
        Some("SCREAMING_SNAKE_CASE") => snake().to_ascii_uppercase(),
        Some("kebab-case") => snake().replace('_', "-"),
        Some("SCREAMING-KEBAB-CASE") => snake().replace('_', "-").to_ascii_uppercase(),
        _ => variant.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_rules() {
        assert_eq!(apply(None, "OneMinute"), "OneMinute");
        assert_eq!(apply(Some("lowercase"), "OneMinute"), "oneminute");
        assert_eq!(apply(Some("UPPERCASE"), "OneMinute"), "ONEMINUTE");
        assert_eq!(apply(Some("camelCase"), "OneMinute"), "oneMinute");
        assert_eq!(apply(Some("snake_case"), "OneMinute"), "one_minute");
        assert_eq!(
            apply(Some("SCREAMING_SNAKE_CASE"), "OneMinute"),
            "ONE_MINUTE"
        );
        assert_eq!(apply(Some("kebab-case"), "OneMinute"), "one-minute");
        assert_eq!(
            apply(Some("SCREAMING-KEBAB-CASE"), "OneMinute"),
            "ONE-MINUTE"
        );
    }
}
