//! Parsing `#[atlas_endpoint(METHOD, "TEMPLATE", key = value, …)]`.
//!
//! Parsing never stops at the first problem: each bad argument is recorded in the
//! [`Ctxt`] and skipped, so one build reports every mistake.

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{ParseStream, Parser};
use syn::{Ident, LitStr, Token};

use crate::ctxt::{Ctxt, suggest};
use crate::fields::PatternArg;

pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];
const KEYS: &[&str] = &[
    "version",
    "response",
    "pattern",
    "operation_id",
    "crate",
    "paginated",
    "idempotent",
    "named_new",
    "format",
    "tag",
    "short_id",
    "docs",
    "sunset",
    "roles",
];

/// The answer forms a declaration can name (`+json`, `+csv`, `+gzip` media types).
pub const FORMATS: &[&str] = &["json", "csv", "gzip"];

/// The attribute's arguments, as far as they could be read.
pub struct Args {
    pub method: Option<(String, Ident)>,
    pub template: Option<LitStr>,
    pub version: Option<LitStr>,
    pub response: Option<syn::Type>,
    /// `pattern(name = "regex", …)`.
    pub patterns: Vec<(Ident, PatternArg)>,
    pub operation_id: Option<LitStr>,
    pub krate: Option<syn::Path>,
    /// `paginated`: the response is `Paginated<T>`, with `pageNum`/`itemsPerPage`.
    pub paginated: Option<Ident>,
    /// `idempotent`: safe to repeat whatever the method.
    pub idempotent: Option<Ident>,
    /// `named_new`: `new` takes the required values by name, in a `<Type>Required` struct
    /// (what atlas-codegen declares above three of them).
    pub named_new: Option<Ident>,
    /// `format = "gzip"` or `format(json, csv)`: the answer's forms, the default first.
    pub formats: Vec<(String, Span)>,
    /// Where `format` was written, for messages.
    pub format_key: Option<Ident>,
    /// `tag = "Service Accounts"`: the spec's tag, the CLI's command group.
    pub tag: Option<LitStr>,
    /// `short_id = "createOrgSecret"`: the spec's operation-id override, the CLI's command.
    pub short_id: Option<LitStr>,
    /// `docs = "https://…"`: the operation's documentation page.
    pub docs: Option<LitStr>,
    /// `sunset = "YYYY-MM-DD"`: when this version stops answering.
    pub sunset: Option<LitStr>,
    /// `roles("Organization Owner", …)`: the roles that may call it.
    pub roles: Vec<LitStr>,
    /// Where `roles` was written, for messages.
    pub roles_key: Option<Ident>,
}

pub fn parse(cx: &Ctxt, tokens: TokenStream) -> Args {
    let mut args = Args {
        method: None,
        template: None,
        version: None,
        response: None,
        patterns: Vec::new(),
        operation_id: None,
        krate: None,
        paginated: None,
        idempotent: None,
        named_new: None,
        formats: Vec::new(),
        format_key: None,
        tag: None,
        short_id: None,
        docs: None,
        sunset: None,
        roles: Vec::new(),
        roles_key: None,
    };
    let parser = |input: ParseStream| {
        parse_all(cx, input, &mut args);
        Ok(())
    };
    if let Err(e) = parser.parse2(tokens) {
        cx.syn_error(e);
    }
    if args.method.is_none() && !cx.has_errors() {
        cx.error_at(
            Span::call_site(),
            "expected the HTTP method first: #[atlas_endpoint(POST, \"/orgs/{orgId}/…\")]",
        );
    }
    args
}

fn parse_all(cx: &Ctxt, input: ParseStream, args: &mut Args) {
    let errors_before = cx.error_count();
    let mut position = 0;
    while !input.is_empty() {
        if let Err(e) = parse_one(cx, input, args, position) {
            cx.syn_error(e);
            skip_to_comma(input);
        }
        position += 1;
        if input.is_empty() {
            break;
        }
        if let Err(e) = input.parse::<Token![,]>() {
            cx.syn_error(e);
            skip_to_comma(input);
            let _ = input.parse::<Token![,]>();
        }
    }
    if args.template.is_none() && args.method.is_some() && cx.error_count() == errors_before {
        cx.error_at(
            Span::call_site(),
            "expected the path template after the method: #[atlas_endpoint(GET, \"/orgs/{orgId}\")]",
        );
    }
}

fn skip_to_comma(input: ParseStream) {
    while !input.is_empty() && !input.peek(Token![,]) {
        let _ = input.parse::<TokenTree>();
    }
}

fn parse_one(cx: &Ctxt, input: ParseStream, args: &mut Args, position: usize) -> syn::Result<()> {
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        if args.template.is_some() {
            cx.error_spanned_by(&lit, "a second path template; an endpoint has one");
        } else {
            if args.method.is_none() {
                cx.error_spanned_by(
                    &lit,
                    "expected the HTTP method before the path template, e.g. GET or POST",
                );
            }
            args.template = Some(lit);
        }
        return Ok(());
    }
    let key = Ident::parse_any(input)?;
    let name = key.to_string();
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        return parse_keyed(cx, input, args, &key, &name);
    }
    if input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        if name == "pattern" {
            parse_patterns(cx, &content, args);
        } else if name == "format" {
            if args.format_key.is_some() {
                cx.error_spanned_by(&key, "`format` is given twice");
            }
            args.format_key = Some(key.clone());
            let names = content.parse_terminated(Ident::parse_any, Token![,])?;
            for f in names {
                add_format(cx, args, &f.to_string(), f.span());
            }
        } else if name == "roles" {
            if args.roles_key.is_some() {
                cx.error_spanned_by(&key, "`roles` is given twice");
            }
            args.roles_key = Some(key.clone());
            let roles =
                content.parse_terminated(|i: ParseStream| i.parse::<LitStr>(), Token![,])?;
            if roles.is_empty() {
                cx.error_spanned_by(
                    &key,
                    "name at least one role: roles(\"Organization Owner\")",
                );
            }
            for role in roles {
                let v = role.value();
                if v.trim().is_empty() || v.chars().any(char::is_control) {
                    cx.error_spanned_by(&role, "a role is a name such as \"Organization Owner\"");
                } else if args.roles.iter().any(|r| r.value() == v) {
                    cx.error_spanned_by(&role, format!("role {v:?} is given twice"));
                } else {
                    args.roles.push(role);
                }
            }
        } else {
            unknown_key(cx, &key, &name);
        }
        return Ok(());
    }
    // A bare word: the method, in first position.
    if position == 0 && args.method.is_none() {
        if METHODS.contains(&name.as_str()) {
            args.method = Some((name, key));
        } else {
            let upper = name.to_ascii_uppercase();
            let hint = if METHODS.contains(&upper.as_str()) {
                format!("; write it in capitals: {upper}")
            } else {
                String::new()
            };
            cx.error_spanned_by(
                &key,
                format!(
                    "unknown HTTP method `{name}`: expected one of {}{hint}",
                    METHODS.join(", ")
                ),
            );
            // Keep going as if a method was given, so later checks still run.
            args.method = Some(("POST".into(), Ident::new("POST", key.span())));
        }
        return Ok(());
    }
    if name == "paginated" || name == "idempotent" || name == "named_new" {
        let slot = match name.as_str() {
            "paginated" => &mut args.paginated,
            "idempotent" => &mut args.idempotent,
            _ => &mut args.named_new,
        };
        if slot.is_some() {
            cx.error_spanned_by(&key, format!("`{name}` is given twice"));
        }
        *slot = Some(key);
        return Ok(());
    }
    if KEYS.contains(&name.as_str()) {
        cx.error_spanned_by(&key, format!("`{name}` needs a value: `{name} = …`"));
    } else {
        unknown_key(cx, &key, &name);
    }
    Ok(())
}

fn add_format(cx: &Ctxt, args: &mut Args, name: &str, span: Span) {
    if !FORMATS.contains(&name) {
        let hint = match suggest(name, FORMATS) {
            Some(s) => format!("; did you mean `{s}`?"),
            None => String::new(),
        };
        cx.error_at(
            span,
            format!(
                "unknown format `{name}`: Atlas answers in {}{hint}",
                FORMATS.join(", ")
            ),
        );
    } else if args.formats.iter().any(|(f, _)| f == name) {
        cx.error_at(span, format!("format `{name}` is given twice"));
    } else {
        args.formats.push((name.to_string(), span));
    }
}

fn unknown_key(cx: &Ctxt, key: &Ident, name: &str) {
    let hint = match suggest(name, KEYS) {
        Some(s) => format!("; did you mean `{s}`?"),
        None => format!("; expected one of {}", KEYS.join(", ")),
    };
    cx.error_spanned_by(key, format!("unknown argument `{name}`{hint}"));
}

fn parse_keyed(
    cx: &Ctxt,
    input: ParseStream,
    args: &mut Args,
    key: &Ident,
    name: &str,
) -> syn::Result<()> {
    let duplicate = |taken: bool| {
        if taken {
            cx.error_spanned_by(key, format!("`{name}` is given twice"));
        }
    };
    match name {
        "version" => {
            let lit: LitStr = input.parse()?;
            duplicate(args.version.is_some());
            if !is_valid_version(&lit.value()) {
                cx.error_spanned_by(
                    &lit,
                    format!(
                        "malformed version {:?}: expected a date YYYY-MM-DD (e.g. \"2024-08-05\") or \"preview\"",
                        lit.value()
                    ),
                );
            }
            args.version = Some(lit);
        }
        "format" => {
            let lit: LitStr = input.parse()?;
            duplicate(args.format_key.is_some());
            args.format_key = Some(key.clone());
            add_format(cx, args, &lit.value(), lit.span());
        }
        "response" => {
            if input.is_empty() || input.peek(Token![,]) {
                cx.error_spanned_by(
                    key,
                    "expected a type after `response =`, e.g. `response = ServiceAccount`",
                );
                return Ok(());
            }
            let ty: syn::Type = input.parse()?;
            duplicate(args.response.is_some());
            args.response = Some(ty);
        }
        "operation_id" => {
            let lit: LitStr = input.parse()?;
            duplicate(args.operation_id.is_some());
            if !is_camel_name(&lit.value()) {
                cx.error_spanned_by(
                    &lit,
                    "an operationId is a camelCase name, e.g. \"createOrgServiceAccountSecret\"",
                );
            }
            args.operation_id = Some(lit);
        }
        "tag" => {
            let lit: LitStr = input.parse()?;
            duplicate(args.tag.is_some());
            let v = lit.value();
            if v.trim().is_empty() || v.chars().any(char::is_control) {
                cx.error_spanned_by(
                    &lit,
                    "a tag is the spec's tag name, e.g. \"Service Accounts\"",
                );
            }
            args.tag = Some(lit);
        }
        "short_id" => {
            let lit: LitStr = input.parse()?;
            duplicate(args.short_id.is_some());
            if !is_camel_name(&lit.value()) {
                cx.error_spanned_by(
                    &lit,
                    "a short id is the spec's camelCase operation-id override, e.g. \"createOrgSecret\"",
                );
            }
            args.short_id = Some(lit);
        }
        "docs" => {
            let lit: LitStr = input.parse()?;
            duplicate(args.docs.is_some());
            let v = lit.value();
            if !v.starts_with("https://")
                || v.len() <= "https://".len()
                || v.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                cx.error_spanned_by(&lit, "`docs` is an https:// URL without spaces");
            }
            args.docs = Some(lit);
        }
        "sunset" => {
            let lit: LitStr = input.parse()?;
            duplicate(args.sunset.is_some());
            let v = lit.value();
            if v == "preview" || !is_valid_version(&v) {
                cx.error_spanned_by(
                    &lit,
                    format!("malformed sunset date {v:?}: expected a date YYYY-MM-DD (e.g. \"2026-03-01\")"),
                );
            }
            args.sunset = Some(lit);
        }
        "roles" => {
            cx.error_spanned_by(key, "write roles as roles(\"Organization Owner\", …)");
            skip_to_comma(input);
        }
        "crate" => {
            let lit: LitStr = input.parse()?;
            duplicate(args.krate.is_some());
            match lit.parse::<syn::Path>() {
                Ok(p) => args.krate = Some(p),
                Err(_) => {
                    cx.error_spanned_by(&lit, "expected a path, e.g. crate = \"::atlas_runtime\"")
                }
            }
        }
        "pattern" => {
            cx.error_spanned_by(key, "write path patterns as pattern(name = \"regex\", …)");
            skip_to_comma(input);
        }
        _ => {
            unknown_key(cx, key, name);
            skip_to_comma(input);
        }
    }
    Ok(())
}

fn parse_patterns(cx: &Ctxt, content: ParseStream, args: &mut Args) {
    while !content.is_empty() {
        let one = (|| -> syn::Result<(Ident, PatternArg)> {
            let name = Ident::parse_any(content)?;
            content.parse::<Token![=]>()?;
            Ok((name, PatternArg::parse(content)?))
        })();
        match one {
            Ok((name, lit)) => {
                if args.patterns.iter().any(|(n, _)| *n == name) {
                    cx.error_spanned_by(&name, format!("pattern for `{name}` is given twice"));
                }
                args.patterns.push((name, lit));
            }
            Err(e) => {
                cx.syn_error(e);
                skip_to_comma(content);
            }
        }
        if content.is_empty() {
            break;
        }
        if let Err(e) = content.parse::<Token![,]>() {
            cx.syn_error(e);
            skip_to_comma(content);
            let _ = content.parse::<Token![,]>();
        }
    }
}

/// A name made of ASCII letters, digits and `_`, as operation ids are.
fn is_camel_name(v: &str) -> bool {
    !v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The version rule is atlas-rules', shared with the runtime's check of a call's version.
pub use atlas_rules::version::is_valid_version;

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn errors(tokens: TokenStream) -> Vec<String> {
        let cx = Ctxt::default();
        let _ = parse(&cx, tokens);
        let errs = cx.into_compile_errors().to_string();
        errs.split("compile_error !")
            .skip(1)
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn full_form() {
        let cx = Ctxt::default();
        let a = parse(
            &cx,
            quote!(
                POST,
                "/orgs/{orgId}",
                version = "2024-08-05",
                response = Foo,
                pattern(orgId = "^x$"),
                operation_id = "createX",
                crate = "::atlas_runtime"
            ),
        );
        assert!(!cx.has_errors());
        assert_eq!(a.method.unwrap().0, "POST");
        assert_eq!(a.template.unwrap().value(), "/orgs/{orgId}");
        assert_eq!(a.version.unwrap().value(), "2024-08-05");
        assert_eq!(a.patterns.len(), 1);
        assert!(a.response.is_some() && a.krate.is_some() && a.operation_id.is_some());
    }

    #[test]
    fn named_patterns() {
        let cx = Ctxt::default();
        let a = parse(
            &cx,
            quote!(GET, "/a/{x}/{y}", pattern(x = crate::X_PATTERN, y = "^y$")),
        );
        assert!(!cx.has_errors());
        assert!(matches!(&a.patterns[0].1, PatternArg::Named(p) if p.segments.len() == 2));
        assert!(matches!(&a.patterns[1].1, PatternArg::Lit(l) if l.value() == "^y$"));
        let e = errors(quote!(GET, "/a/{x}", pattern(x = 5)));
        assert!(e[0].contains("the name of a `Pattern` constant"), "{e:?}");
    }

    #[test]
    fn every_error_at_once() {
        let e = errors(quote!(
            FETCH,
            "/x",
            verison = "2024-08-05",
            version = "2024-13-01",
            foo = 1
        ));
        assert_eq!(e.len(), 4, "{e:?}");
        assert!(e[0].contains("unknown HTTP method"));
        assert!(e[1].contains("did you mean `version`"));
        assert!(e[2].contains("malformed version"));
        assert!(e[3].contains("unknown argument `foo`"));
    }

    #[test]
    fn lowercase_method_hint() {
        let e = errors(quote!(post, "/x"));
        assert!(e[0].contains("write it in capitals: POST"), "{e:?}");
    }
}
