//! Reading names out of `#[serde(...)]` attributes, for the derives that must name things
//! as serde does (`QueryValue`, `Decode`): one parser, so both read the same forms.

use proc_macro2::TokenStream;
use syn::LitStr;

use crate::ctxt::{Ctxt, suggest};

/// `rename_all` rules, as serde spells them.
pub const RULES: &[&str] = &[
    "lowercase",
    "UPPERCASE",
    "PascalCase",
    "camelCase",
    "snake_case",
    "SCREAMING_SNAKE_CASE",
    "kebab-case",
    "SCREAMING-KEBAB-CASE",
];

/// Reports a `rename_all` rule serde does not know, on its token, with the closest one.
pub fn check_rule(cx: &Ctxt, lit: &LitStr) {
    if RULES.contains(&lit.value().as_str()) {
        return;
    }
    let hint = match suggest(&lit.value(), RULES) {
        Some(s) => format!("; did you mean \"{s}\"?"),
        None => format!("; expected one of {}", RULES.join(", ")),
    };
    cx.error_spanned_by(
        lit,
        format!("unknown rename_all rule {:?}{hint}", lit.value()),
    );
}

/// Which side of a `key(serialize = "…", deserialize = "…")` pair to read.
#[derive(Clone, Copy)]
pub enum Side {
    Serialize,
    Deserialize,
}

impl Side {
    fn key(self) -> &'static str {
        match self {
            Side::Serialize => "serialize",
            Side::Deserialize => "deserialize",
        }
    }
}

/// For each of `keys`, the name `#[serde(key = "x")]` or `#[serde(key(side = "x"))]`
/// gives. Every other key is shown to `other` (its value is then skipped), so a caller
/// can refuse what it does not read; parse errors go to `cx`.
pub fn names(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    keys: &[&str],
    side: Side,
    mut other: impl FnMut(&syn::Path),
) -> Vec<Option<LitStr>> {
    let mut found = vec![None; keys.len()];
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let result = attr.parse_nested_meta(|meta| {
            if let Some(k) = keys.iter().position(|k| meta.path.is_ident(k)) {
                if meta.input.peek(syn::Token![=]) {
                    found[k] = Some(meta.value()?.parse::<LitStr>()?);
                } else {
                    meta.parse_nested_meta(|m| {
                        let lit = m.value()?.parse::<LitStr>()?;
                        if m.path.is_ident(side.key()) {
                            found[k] = Some(lit);
                        }
                        Ok(())
                    })?;
                }
                return Ok(());
            }
            other(&meta.path);
            skip_value(&meta)
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    found
}

/// Reads past the value of a `key = value` or `key(…)` the caller does not need, so that
/// the rest of the attribute is read.
pub fn skip_value(meta: &syn::meta::ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        let _ = meta.value()?.parse::<syn::Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        let _ = content.parse::<TokenStream>()?;
    }
    Ok(())
}
