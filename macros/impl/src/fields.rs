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
    "validate_with",
    "send_null",
    "in_body",
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
}

#[derive(Default)]
pub struct LengthRule {
    pub min: Option<usize>,
    pub max: Option<usize>,
}

/// A pattern as written: a regex literal, or the path of a `Pattern` constant (made with
/// `pattern!`), which the compiler checks is one.
#[derive(Clone)]
pub enum PatternArg {
    Lit(LitStr),
    Named(syn::Path),
}

impl PatternArg {
    /// A string literal, or else a path; anything else is an error on it.
    pub fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        if input.peek(LitStr) {
            return Ok(PatternArg::Lit(input.parse()?));
        }
        let path: syn::Path = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected a regex in quotes or the name of a `Pattern` constant made with atlas_runtime::pattern!",
            )
        })?;
        Ok(PatternArg::Named(path))
    }
}

#[derive(Default)]
pub struct FieldAttrs {
    /// Some attribute of the field could not be read: skip checks that would only echo it.
    pub broken: bool,
    pub role: Option<(Role, Span)>,
    pub encoded: Option<Span>,
    /// `send_null`: an `Option` body member sends `null` for `None` instead of leaving the
    /// member out.
    pub send_null: Option<Span>,
    /// `in_body`: a path value the body repeats as a member of the same name, sent from
    /// the path so that the caller gives it once.
    pub in_body: Option<Span>,
    pub sensitive: bool,
    pub default: bool,
    pub range: Option<RangeRule>,
    pub length: Option<LengthRule>,
    pub patterns: Vec<PatternArg>,
    /// `validate_with = "path::to::fn"`: a check of the caller's own.
    pub validate_with: Option<syn::Path>,
}

pub fn parse(cx: &Ctxt, attrs: &[syn::Attribute]) -> FieldAttrs {
    let errors_before = cx.error_count();
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
    out.broken = cx.error_count() > errors_before;
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
            "encoded" | "sensitive" | "default" | "send_null" | "in_body"
                if !meta.input.is_empty() && !meta.input.peek(Token![,]) =>
            {
                cx.error_at(
                    span,
                    format!("`{key}` takes no value: write #[atlas({key})]"),
                );
                skip(meta);
            }
            "encoded" => out.encoded = Some(span),
            "send_null" => out.send_null = Some(span),
            "in_body" => out.in_body = Some(span),
            "sensitive" => out.sensitive = true,
            "default" => out.default = true,
            "validate_with" => {
                let lit: LitStr = meta.value()?.parse()?;
                match lit.parse::<syn::Path>() {
                    Ok(path) if out.validate_with.is_none() => out.validate_with = Some(path),
                    Ok(_) => cx.error_spanned_by(&lit, "`validate_with` is given twice"),
                    Err(_) => cx.error_spanned_by(
                        &lit,
                        "expected the path of a function, e.g. validate_with = \"check_entries\"",
                    ),
                }
            }
            "pattern" => out.patterns.push(PatternArg::parse(meta.value()?)?),
            "range" => {
                let mut rule = RangeRule::default();
                let bounds = bounds(cx, meta, span, "range", RANGE_KEYS)?;
                for (key, value) in bounds {
                    let n = match number_of(&value) {
                        Ok(n) => n,
                        Err(e) => {
                            cx.syn_error(e);
                            continue;
                        }
                    };
                    let slot = if key.starts_with("exclusive_") {
                        key.trim_start_matches("exclusive_")
                    } else {
                        key.as_str()
                    };
                    let exclusive = key.starts_with("exclusive_");
                    let target = if slot == "min" {
                        &mut rule.min
                    } else {
                        &mut rule.max
                    };
                    if target.is_some() {
                        cx.error_spanned_by(
                            &value,
                            format!("a range has one {slot}imum: `{key}` repeats it"),
                        );
                    } else {
                        *target = Some((n, exclusive));
                    }
                }
                if let (Some((a, _)), Some((b, _))) = (&rule.min, &rule.max)
                    && a.value() > b.value()
                {
                    cx.error_at(
                        span,
                        "this range is empty: its minimum is above its maximum",
                    );
                }
                out.range = Some(rule);
            }
            "length" => {
                let mut rule = LengthRule::default();
                for (key, value) in bounds(cx, meta, span, "length", LENGTH_KEYS)? {
                    let n = match &value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Int(i),
                            ..
                        }) => i.base10_parse::<usize>().ok(),
                        _ => None,
                    };
                    let Some(n) = n else {
                        cx.error_spanned_by(
                            &value,
                            "a length is a whole number of characters or items, 0 or more",
                        );
                        continue;
                    };
                    let target = if key == "min" {
                        &mut rule.min
                    } else {
                        &mut rule.max
                    };
                    if target.is_some() {
                        cx.error_spanned_by(&value, format!("`{key}` is given twice"));
                    } else {
                        *target = Some(n);
                    }
                }
                if let (Some(a), Some(b)) = (rule.min, rule.max)
                    && a > b
                {
                    cx.error_at(
                        span,
                        format!("this length is empty: min {a} is above max {b}"),
                    );
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

const RANGE_KEYS: &[&str] = &["min", "max", "exclusive_min", "exclusive_max"];
const LENGTH_KEYS: &[&str] = &["min", "max"];

/// `name(key = value, …)`: every well-formed pair with a known key; the rest reported.
fn bounds(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    span: Span,
    rule: &str,
    keys: &[&str],
) -> syn::Result<Vec<(String, syn::Expr)>> {
    let example = if rule == "range" {
        "range(min = 1, max = 500)"
    } else {
        "length(min = 1, max = 64)"
    };
    if !meta.input.peek(syn::token::Paren) {
        cx.error_at(span, format!("write the bounds in parentheses: {example}"));
        skip(meta);
        return Ok(Vec::new());
    }
    let content;
    syn::parenthesized!(content in meta.input);
    let errors_before = cx.error_count();
    let mut out = Vec::new();
    while !content.is_empty() {
        let key: syn::Ident = content.parse()?;
        content.parse::<Token![=]>()?;
        let value: syn::Expr = content.parse()?;
        let name = key.to_string();
        if keys.contains(&name.as_str()) {
            out.push((name, value));
        } else {
            let hint = match suggest(&name, keys) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => format!("; expected {}", keys.join(", ")),
            };
            cx.error_spanned_by(&key, format!("unknown {rule} bound `{name}`{hint}"));
        }
        if content.is_empty() {
            break;
        }
        content.parse::<Token![,]>()?;
    }
    if out.is_empty() && cx.error_count() == errors_before {
        cx.error_at(
            span,
            format!("a {rule} needs at least one bound: {example}"),
        );
    }
    Ok(out)
}

/// A number literal, possibly negative.
fn number_of(expr: &syn::Expr) -> syn::Result<NumberLit> {
    match expr {
        syn::Expr::Lit(syn::ExprLit { lit, .. })
            if matches!(lit, syn::Lit::Int(_) | syn::Lit::Float(_)) =>
        {
            // Bounds become `i128` or finite `f64` constants: refuse what cannot.
            let representable = match lit {
                syn::Lit::Int(i) => i.base10_parse::<i128>().is_ok(),
                syn::Lit::Float(f) => f.base10_parse::<f64>().is_ok_and(f64::is_finite),
                _ => false,
            };
            if !representable {
                return Err(syn::Error::new_spanned(
                    lit,
                    "this bound is out of range: integers must fit in i128, floats must be finite f64",
                ));
            }
            Ok(NumberLit {
                negative: false,
                lit: lit.clone(),
            })
        }
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => number_of(expr).map(|n| NumberLit {
            negative: !n.negative,
            lit: n.lit,
        }),
        other => Err(syn::Error::new_spanned(other, "expected a number")),
    }
}

impl NumberLit {
    /// The value, for comparisons between bounds.
    pub fn value(&self) -> f64 {
        let v = match &self.lit {
            syn::Lit::Int(i) => i.base10_parse::<f64>().unwrap_or(0.0),
            syn::Lit::Float(f) => f.base10_parse::<f64>().unwrap_or(0.0),
            _ => 0.0,
        };
        if self.negative { -v } else { v }
    }
}

fn optional_str(meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        Ok(Some(meta.value()?.parse()?))
    } else {
        Ok(None)
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
