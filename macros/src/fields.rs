//! Parsing field attributes: `#[atlas(query)]`, `#[atlas(range(exclusive_min = 0))]`, …

use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::{LitStr, Token};

use crate::ctxt::{Ctxt, suggest};

const KEYS: &[&str] = &[
    "path",
    "encoded",
    "query",
    "header",
    "body",
    "range",
    "length",
    "pattern",
    "sensitive",
    "default",
];

/// Where a field was explicitly put.
pub enum Role {
    /// `#[atlas(path)]` or `#[atlas(path = "orgId")]`.
    Path(Option<LitStr>),
    /// `#[atlas(query)]` or `#[atlas(query = "name")]`.
    Query(Option<LitStr>),
    /// `#[atlas(header = "Name")]`.
    Header(LitStr),
    /// `#[atlas(body)]`: the whole JSON body.
    Body,
}

/// A number in a `range` rule.
#[derive(Clone)]
pub struct NumberLit {
    pub negative: bool,
    pub lit: syn::Lit,
}

#[derive(Default)]
pub struct RangeRule {
    pub min: Option<(NumberLit, bool)>,
    pub max: Option<(NumberLit, bool)>,
    pub span: Option<Span>,
}

#[derive(Default)]
pub struct LengthRule {
    pub min: Option<usize>,
    pub max: Option<usize>,
    pub span: Option<Span>,
}

#[derive(Default)]
pub struct FieldAttrs {
    pub role: Option<(Role, Span)>,
    pub encoded: Option<Span>,
    pub sensitive: bool,
    pub default: bool,
    pub range: Option<RangeRule>,
    pub length: Option<LengthRule>,
    pub patterns: Vec<LitStr>,
}

pub fn parse(cx: &Ctxt, attrs: &[syn::Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("atlas")) {
        let result = attr.parse_nested_meta(|meta| {
            one(cx, &meta, &mut out);
            Ok(())
        });
        if let Err(e) = result {
            cx.syn_error(e);
        }
    }
    out
}

fn one(cx: &Ctxt, meta: &ParseNestedMeta, out: &mut FieldAttrs) {
    let Some(ident) = meta.path.get_ident().cloned() else {
        cx.error_spanned_by(&meta.path, "expected a single word");
        skip(meta);
        return;
    };
    let key = ident.to_string();
    let span = ident.span();
    let mut set_role = |role: Role| {
        if out.role.is_some() {
            cx.error_at(
                span,
                "a field has one role: path, query, header or body (the default is a body member)",
            );
        } else {
            out.role = Some((role, span));
        }
    };
    let result: syn::Result<()> = (|| {
        match key.as_str() {
            "path" => set_role(Role::Path(optional_str(meta)?)),
            "query" => set_role(Role::Query(optional_str(meta)?)),
            "header" => match optional_str(meta)? {
                Some(name) => {
                    if http_token(&name.value()) {
                        set_role(Role::Header(name));
                    } else {
                        cx.error_spanned_by(&name, "not a valid header name");
                    }
                }
                None => cx.error_at(span, "name the header: #[atlas(header = \"X-Name\")]"),
            },
            "body" => set_role(Role::Body),
            "encoded" => out.encoded = Some(span),
            "sensitive" => out.sensitive = true,
            "default" => out.default = true,
            "pattern" => out.patterns.push(meta.value()?.parse()?),
            "range" => {
                let mut rule = RangeRule {
                    span: Some(span),
                    ..Default::default()
                };
                meta.parse_nested_meta(|m| {
                    let k = m
                        .path
                        .get_ident()
                        .map(|i| i.to_string())
                        .unwrap_or_default();
                    let n = number(m.value()?)?;
                    match k.as_str() {
                        "min" => rule.min = Some((n, false)),
                        "exclusive_min" => rule.min = Some((n, true)),
                        "max" => rule.max = Some((n, false)),
                        "exclusive_max" => rule.max = Some((n, true)),
                        _ => cx.error_spanned_by(
                            &m.path,
                            "expected min, max, exclusive_min or exclusive_max",
                        ),
                    }
                    Ok(())
                })?;
                if rule.min.is_none() && rule.max.is_none() {
                    cx.error_at(
                        span,
                        "a range needs min, max, exclusive_min or exclusive_max",
                    );
                }
                out.range = Some(rule);
            }
            "length" => {
                let mut rule = LengthRule {
                    span: Some(span),
                    ..Default::default()
                };
                meta.parse_nested_meta(|m| {
                    let k = m
                        .path
                        .get_ident()
                        .map(|i| i.to_string())
                        .unwrap_or_default();
                    let lit: syn::LitInt = m.value()?.parse()?;
                    let n: usize = lit.base10_parse()?;
                    match k.as_str() {
                        "min" => rule.min = Some(n),
                        "max" => rule.max = Some(n),
                        _ => cx.error_spanned_by(&m.path, "expected min or max"),
                    }
                    Ok(())
                })?;
                match (rule.min, rule.max) {
                    (None, None) => cx.error_at(span, "a length needs min or max"),
                    (Some(a), Some(b)) if a > b => {
                        cx.error_at(span, format!("length min {a} is above max {b}"))
                    }
                    _ => {}
                }
                out.length = Some(rule);
            }
            _ => {
                let hint = match suggest(&key, KEYS) {
                    Some(s) => format!("; did you mean `{s}`?"),
                    None => format!("; expected one of {}", KEYS.join(", ")),
                };
                cx.error_at(span, format!("unknown field attribute `{key}`{hint}"));
                skip(meta);
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        cx.syn_error(e);
        skip(meta);
    }
}

fn optional_str(meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        Ok(Some(meta.value()?.parse()?))
    } else {
        Ok(None)
    }
}

fn number(input: syn::parse::ParseStream) -> syn::Result<NumberLit> {
    let negative = input.parse::<Option<Token![-]>>()?.is_some();
    let lit: syn::Lit = input.parse()?;
    match lit {
        syn::Lit::Int(_) | syn::Lit::Float(_) => Ok(NumberLit { negative, lit }),
        other => Err(syn::Error::new_spanned(other, "expected a number")),
    }
}

/// Consumes whatever follows a key (`= value` or `( … )`) so parsing can go on.
fn skip(meta: &ParseNestedMeta) {
    while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        let _ = meta.input.parse::<TokenTree>();
    }
}

/// RFC 9110 token characters.
fn http_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}
