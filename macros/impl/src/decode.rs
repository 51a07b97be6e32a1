//! `#[derive(Decode)]`: `serde::Deserialize` for a struct read from a JSON object, with a
//! fraction of serde's derive's code: one map visitor whose arms call
//! `atlas_runtime::__private::decode`. It reads the serde attributes that name members
//! (`rename_all`, `rename`), skips the ones that only concern serializing, and refuses the
//! others on their token, so a type never decodes differently from what its attributes say.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::LitStr;

use crate::ctxt::Ctxt;
use crate::serde_attr::{self, Side};

/// serde attributes that change only how a value is written, so `Decode` has nothing to do
/// with them.
const SERIALIZE_ONLY: &[&str] = &["skip_serializing", "skip_serializing_if", "serialize_with"];

pub fn derive(item: TokenStream) -> TokenStream {
    let input: syn::DeriveInput = match syn::parse2(item) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let cx = Ctxt::default();
    let ident = &input.ident;
    if !input.generics.params.is_empty() {
        cx.error_spanned_by(
            &input.generics,
            "#[derive(Decode)] takes a struct without generic parameters; derive serde::Deserialize for this one",
        );
    }
    let fields = match &input.data {
        syn::Data::Struct(syn::DataStruct {
            fields: syn::Fields::Named(named),
            ..
        }) => Some(&named.named),
        _ => {
            cx.error_spanned_by(
                ident,
                "#[derive(Decode)] goes on a struct with named members (a JSON object)",
            );
            None
        }
    };
    // `tag` (with `rename`, its value) is the member serde's `Serialize` adds to a union
    // variant: decoding skips it like any member the struct does not name.
    let rule = serde_attrs(&cx, &input.attrs, &["rename_all", "tag", "rename"]).remove(0);
    if let Some(lit) = &rule {
        serde_attr::check_rule(&cx, lit);
    }
    let rule = rule.as_ref().map(LitStr::value);
    let mut names = Vec::new();
    let mut slots = Vec::new();
    let mut arms = Vec::new();
    let mut inits = Vec::new();
    for (i, field) in fields.into_iter().flatten().enumerate() {
        let Some(member) = &field.ident else { continue };
        let name = match serde_attrs(&cx, &field.attrs, &["rename"]).remove(0) {
            Some(lit) => lit.value(),
            None => apply_to_field(rule.as_deref(), &member.to_string()),
        };
        let slot = format_ident!("m{i}");
        let ty = &field.ty;
        slots.push(
            quote!(let mut #slot: ::core::option::Option<#ty> = ::core::option::Option::None;),
        );
        arms.push(quote!(#i => __decode::member(&mut #slot, &mut map, #name),));
        inits.push(if is_option(ty) {
            quote!(#member: ::core::option::Option::flatten(#slot),)
        } else {
            quote!(#member: __decode::required(#slot, #name)?,)
        });
        names.push(name);
    }
    if cx.has_errors() {
        return cx.into_compile_errors();
    }
    let expecting = format!("struct {ident}");
    quote! {
        #[automatically_derived]
        impl<'de> ::atlas_runtime::__private::serde::Deserialize<'de> for #ident {
            fn deserialize<__D: ::atlas_runtime::__private::serde::Deserializer<'de>>(
                d: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                use ::atlas_runtime::__private::{decode as __decode, serde as __serde};
                struct __Visitor;
                impl<'de> __serde::de::Visitor<'de> for __Visitor {
                    type Value = #ident;
                    #[inline]
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }
                    #[inline]
                    fn visit_map<__A: __serde::de::MapAccess<'de>>(
                        self,
                        mut map: __A,
                    ) -> ::core::result::Result<#ident, __A::Error> {
                        const MEMBERS: &[&str] = &[#(#names),*];
                        #(#slots)*
                        while let ::core::option::Option::Some(i) =
                            __serde::de::MapAccess::next_key_seed(&mut map, __decode::MemberIndex(MEMBERS))?
                        {
                            // One `?` for every arm: each is a generic match and
                            // conversion to type-check and borrow-check.
                            match i {
                                #(#arms)*
                                _ => __decode::skip(&mut map),
                            }?;
                        }
                        ::core::result::Result::Ok(#ident { #(#inits)* })
                    }
                }
                __serde::Deserializer::deserialize_map(d, __Visitor)
            }
        }
    }
}

/// Whether a member's type is written `Option<…>`: such a member may be absent, as with
/// serde's derive.
fn is_option(ty: &syn::Type) -> bool {
    let syn::Type::Path(path) = ty else {
        return false;
    };
    path.qself.is_none()
        && path.path.segments.last().is_some_and(|s| {
            s.ident == "Option" && matches!(s.arguments, syn::PathArguments::AngleBracketed(_))
        })
}

/// For each of `keys`, the name `#[serde(key = "x")]` or `#[serde(key(deserialize = "x"))]`
/// gives. Serialize-only keys are passed over; any other key is an error on its token.
fn serde_attrs(cx: &Ctxt, attrs: &[syn::Attribute], keys: &[&str]) -> Vec<Option<LitStr>> {
    serde_attr::names(cx, attrs, keys, Side::Deserialize, |path| {
        if !SERIALIZE_ONLY.iter().any(|k| path.is_ident(k)) {
            let key = path
                .get_ident()
                .map_or_else(|| "this".to_string(), |i| format!("`{i}`"));
            cx.error_at(
                meta_span(path),
                format!(
                    "#[derive(Decode)] does not read {key} in #[serde(...)]; derive serde::Deserialize for a type that needs it"
                ),
            );
        }
    })
}

fn meta_span(path: &syn::Path) -> Span {
    path.segments
        .first()
        .map_or_else(Span::call_site, |s| s.ident.span())
}

/// A member name (`snake_case`, maybe raw) under a serde `rename_all` rule, as serde's
/// derive spells it.
fn apply_to_field(rule: Option<&str>, member: &str) -> String {
    let field = member.strip_prefix("r#").unwrap_or(member);
    let pascal = || {
        let mut out = String::new();
        let mut capitalize = true;
        for c in field.chars() {
            if c == '_' {
                capitalize = true;
            } else if capitalize {
                out.push(c.to_ascii_uppercase());
                capitalize = false;
            } else {
                out.push(c);
            }
        }
        out
    };
    match rule {
        Some("UPPERCASE" | "SCREAMING_SNAKE_CASE") => field.to_ascii_uppercase(),
        Some("PascalCase") => pascal(),
        Some("camelCase") => {
            let p = pascal();
            let mut chars = p.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_lowercase().to_string() + chars.as_str()
            })
        }
        Some("kebab-case") => field.replace('_', "-"),
        Some("SCREAMING-KEBAB-CASE") => field.to_ascii_uppercase().replace('_', "-"),
        _ => field.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_field_rules() {
        assert_eq!(apply_to_field(None, "metric_name"), "metric_name");
        assert_eq!(
            apply_to_field(Some("camelCase"), "metric_name"),
            "metricName"
        );
        assert_eq!(apply_to_field(Some("camelCase"), "r#type"), "type");
        assert_eq!(apply_to_field(Some("camelCase"), "type_"), "type");
        assert_eq!(apply_to_field(Some("PascalCase"), "a_b"), "AB");
        assert_eq!(apply_to_field(Some("SCREAMING_SNAKE_CASE"), "a_b"), "A_B");
        assert_eq!(apply_to_field(Some("kebab-case"), "a_b"), "a-b");
        assert_eq!(apply_to_field(Some("SCREAMING-KEBAB-CASE"), "a_b"), "A-B");
        assert_eq!(apply_to_field(Some("lowercase"), "a_b"), "a_b");
    }
}
