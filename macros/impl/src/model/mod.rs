//! From parsed input to a checked model of the endpoint: every placeholder bound to one
//! field, every field given a location and API name, every rule compiled. All problems go
//! to the [`Ctxt`]; what could be understood is still returned.

use syn::{Fields, Ident, LitStr};

use crate::args::Args;
use crate::ctxt::Ctxt;
use crate::fields::{self, FieldAttrs, PatternArg, Role};
use crate::pattern::{self, CompiledPattern};
use crate::template::{self, Piece, camel_case, snake_case};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Location {
    Path,
    Query,
    Header,
    Body,
    WholeBody,
}

pub struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a syn::Type,
    pub api_name: String,
    pub location: Location,
    pub attrs: FieldAttrs,
    /// Syntactically `Option<…>`.
    pub optional: bool,
    /// Syntactically `Patch<…>`: left unchanged unless set.
    pub patch: bool,
    /// A query `Vec`: empty unless set, like an `Option`.
    pub repeated_query: bool,
    pub patterns: Vec<FieldPattern>,
    /// The field's `#[serde(…)]` attributes, honoured for body members.
    pub serde_attrs: Vec<&'a syn::Attribute>,
}

/// A pattern rule of a field: compiled here, or a named `Pattern` constant.
pub enum FieldPattern {
    Compiled(LitStr, CompiledPattern),
    Named(syn::Path),
}

impl Field<'_> {
    pub fn required(&self) -> bool {
        !self.optional && !self.patch && !self.attrs.default && !self.repeated_query
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Object,
    Whole,
}

pub struct Model<'a> {
    /// For `paginated` endpoints: the `T` of `response = Paginated<T>`.
    pub page_item: Option<&'a syn::Type>,
    pub method: String,
    pub template: Option<LitStr>,
    pub pieces: Vec<Piece>,
    pub fields: Vec<Field<'a>>,
    pub body: BodyKind,
}

/// Names of generated methods a setter would clash with.
pub const GENERATED_METHODS: &[&str] = &["new", "send", "pages", "items", "download"];

/// `fields_ok` is false when the item's fields could not be read (a tuple struct, an
/// enum): checks that would only echo that are skipped.
pub fn build<'a>(cx: &Ctxt, args: &'a Args, item_fields: &'a Fields, fields_ok: bool) -> Model<'a> {
    let method = args
        .method
        .as_ref()
        .map(|(m, _)| m.clone())
        .unwrap_or_else(|| "GET".into());

    // The template. When it is broken, or missing, checks that depend on its
    // placeholders are skipped: they would only echo the template's own error.
    let mut pieces = Vec::new();
    let mut template_ok = false;
    if let Some(t) = &args.template {
        let (p, problems) = template::parse(&t.value());
        template_ok = problems.is_empty();
        for problem in problems {
            cx.error_spanned_by(t, problem);
        }
        pieces = p;
    }
    let mut path_binding_failed = false;
    let placeholders: Vec<&str> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Placeholder(n) => Some(n.as_str()),
            Piece::Literal(_) => None,
        })
        .collect();

    // Fields and their explicit roles.
    let mut fields: Vec<Field> = Vec::new();
    let mut bound: Vec<Option<&Ident>> = vec![None; placeholders.len()];
    for f in item_fields.iter() {
        let Some(ident) = f.ident.as_ref() else {
            continue;
        };
        let attrs = fields::parse(cx, &f.attrs);
        let serde_attrs: Vec<&syn::Attribute> = f
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("serde"))
            .collect();
        let name = ident.to_string();
        let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
        let by_name = placeholders
            .iter()
            .position(|p| snake_case(p) == name || *p == name);

        let (location, api_name, placeholder) = match &attrs.role {
            Some((Role::Path(Some(lit)), _)) => {
                let wanted = lit.value();
                match placeholders.iter().position(|p| *p == wanted) {
                    Some(i) => (Location::Path, wanted, Some(i)),
                    None => {
                        if template_ok {
                            path_binding_failed = true;
                            cx.error_spanned_by(
                                lit,
                                format!(
                                    "`{wanted}` is not a placeholder of the path template{}",
                                    listing(&placeholders)
                                ),
                            );
                        }
                        (Location::Path, wanted, None)
                    }
                }
            }
            Some((Role::Path(None), span)) => match by_name {
                Some(i) => (Location::Path, placeholders[i].to_string(), Some(i)),
                None if !template_ok => (Location::Path, camel_case(&name), None),
                None => {
                    path_binding_failed = true;
                    cx.error_at(
                        *span,
                        format!(
                            "field `{name}` matches no placeholder of the path template{}; \
                             name one: #[atlas(path = \"…\")]",
                            listing(&placeholders)
                        ),
                    );
                    (Location::Path, camel_case(&name), None)
                }
            },
            Some((Role::Query(lit), _)) => (
                Location::Query,
                lit.as_ref()
                    .map(LitStr::value)
                    .unwrap_or_else(|| camel_case(&name)),
                None,
            ),
            Some((Role::Header(lit), _)) => (Location::Header, lit.value(), None),
            Some((Role::Body, _)) => (Location::WholeBody, camel_case(&name), None),
            None => match by_name {
                Some(i) => (Location::Path, placeholders[i].to_string(), Some(i)),
                None => (
                    Location::Body,
                    serde_rename(&serde_attrs).unwrap_or_else(|| camel_case(&name)),
                    None,
                ),
            },
        };
        if let Some(i) = placeholder {
            match bound[i] {
                Some(other) => cx.error_spanned_by(
                    ident,
                    format!(
                        "placeholder `{{{}}}` is already bound to field `{other}`",
                        placeholders[i]
                    ),
                ),
                None => bound[i] = Some(ident),
            }
        }
        if let Some(span) = attrs.encoded
            && location != Location::Path
        {
            cx.error_at(span, "`encoded` applies to path fields only");
        }
        let optional = option_inner(&f.ty).is_some();
        let patch = single_type_argument(&f.ty, "Patch").is_some();
        if let Some(span) = attrs.send_null {
            if !matches!(location, Location::Body) {
                cx.error_at(span, "`send_null` applies to members of the JSON body only");
            } else if patch {
                cx.error_at(
                    span,
                    "a `Patch` already sends null for `Patch::Clear` and leaves the member out for `Patch::Unchanged`: remove `send_null`",
                );
            } else if !optional {
                cx.error_at(
                    span,
                    "`send_null` is for an `Option` member (None is then sent as null); this member is always sent",
                );
            }
        }
        if location == Location::Path && optional {
            cx.error_spanned_by(
                &f.ty,
                "a path value is always required: use the plain type, not `Option`",
            );
        }
        if location == Location::Path && attrs.default {
            cx.error_spanned_by(
                ident,
                "a path value is always required: `default` would send an empty one",
            );
        }
        // The rule is atlas-rules', shared with the runtime's check of per-call headers.
        if let Some((Role::Header(lit), _)) = &attrs.role
            && let Some(why) = atlas_rules::headers::refused_header(&api_name)
        {
            cx.error_spanned_by(
                lit,
                format!("a field cannot set `{api_name}`: {}", why.reason()),
            );
        }
        if (optional || attrs.default) && GENERATED_METHODS.contains(&name.as_str()) {
            cx.error_spanned_by(
                ident,
                format!(
                    "an optional field named `{name}` would get a setter that clashes with the generated `{name}` method; rename the field and set its API name (#[atlas(query = \"{name}\")] or #[serde(rename = \"{name}\")])"
                ),
            );
        }
        if matches!(location, Location::Query | Location::Header)
            && let Some(other) = fields
                .iter()
                .find(|o| o.location == location && o.api_name.eq_ignore_ascii_case(&api_name))
        {
            cx.error_spanned_by(
                ident,
                format!(
                    "`{api_name}` is already sent by field `{}`: one {} parameter, one field",
                    other.ident,
                    if location == Location::Query {
                        "query"
                    } else {
                        "header"
                    }
                ),
            );
        }
        let mut patterns = Vec::new();
        for arg in &attrs.patterns {
            if let Some(p) = field_pattern(cx, arg) {
                patterns.push(p);
            }
        }
        let repeated_query = location == Location::Query && is_vec(&f.ty);
        fields.push(Field {
            ident,
            ty: &f.ty,
            api_name,
            location,
            attrs,
            optional,
            patch,
            repeated_query,
            patterns,
            serde_attrs,
        });
    }

    // Every placeholder has its field.
    if let Some(t) = args
        .template
        .as_ref()
        .filter(|_| template_ok && fields_ok && !path_binding_failed)
    {
        for (i, p) in placeholders.iter().enumerate() {
            if bound[i].is_none() {
                cx.error_spanned_by(
                    t,
                    format!(
                        "placeholder `{{{p}}}` has no field: add `pub {}: String` or mark a field #[atlas(path = \"{p}\")]",
                        snake_case(p)
                    ),
                );
            }
        }
    }

    // Path patterns from the attribute.
    for (name, arg) in &args.patterns {
        let key = name.to_string();
        let Some(i) = placeholders.iter().position(|p| *p == key) else {
            cx.error_spanned_by(
                name,
                format!(
                    "`{key}` is not a placeholder of the path template{}",
                    listing(&placeholders)
                ),
            );
            field_pattern(cx, arg);
            continue;
        };
        let compiled = field_pattern(cx, arg);
        if let (Some(p), Some(field)) = (
            compiled,
            bound[i].and_then(|id| fields.iter_mut().find(|f| f.ident == id)),
        ) {
            field.patterns.insert(0, p);
        }
    }

    // The body.
    let whole: Vec<usize> = (0..fields.len())
        .filter(|&i| fields[i].location == Location::WholeBody)
        .collect();
    let members: Vec<usize> = (0..fields.len())
        .filter(|&i| fields[i].location == Location::Body)
        .collect();
    for &i in whole.iter().skip(1) {
        cx.error_at(
            fields[i]
                .attrs
                .role
                .as_ref()
                .map_or(fields[i].ident.span(), |r| r.1),
            format!(
                "two fields are the whole body (`{}` and `{}`): an endpoint has one body",
                fields[whole[0]].ident, fields[i].ident
            ),
        );
    }
    if let Some(&w) = whole.first() {
        for &i in &members {
            cx.error_spanned_by(
                fields[i].ident,
                format!(
                    "field `{}` would be a body member, but `{}` is the whole body; \
                     mark it #[atlas(query)], #[atlas(header = \"…\")] or bind it to the path",
                    fields[i].ident, fields[w].ident
                ),
            );
        }
    } else if matches!(method.as_str(), "GET" | "DELETE") && template_ok {
        for &i in members.iter().filter(|&&i| !fields[i].attrs.broken) {
            cx.error_spanned_by(
                fields[i].ident,
                format!(
                    "{method} requests carry no body, so field `{}` needs a place: \
                     #[atlas(query)], #[atlas(header = \"…\")], a path placeholder, \
                     or #[atlas(body)] for an operation the spec gives a body",
                    fields[i].ident
                ),
            );
        }
    }
    // `in_body` goes on a path value, whose body member it fills.
    let mut in_body = false;
    for f in fields.iter().filter(|f| f.attrs.in_body.is_some()) {
        if f.location == Location::Path {
            in_body = true;
        } else if let Some(span) = f.attrs.in_body {
            cx.error_at(
                span,
                "`in_body` goes on a path value: the body member it fills is sent from the path",
            );
        }
    }
    let body = if !whole.is_empty() {
        BodyKind::Whole
    } else if !members.is_empty() || in_body {
        BodyKind::Object
    } else {
        BodyKind::None
    };

    // Pagination, when asked for.
    let mut page_item = None;
    if let Some(key) = &args.paginated {
        if method != "GET" {
            cx.error_spanned_by(
                key,
                format!("only a GET can be `paginated`: each page would repeat this {method}"),
            );
        }
        page_item = args.response.as_ref().and_then(paginated_item);
        if page_item.is_none() {
            cx.error_spanned_by(
                key,
                "a `paginated` endpoint needs `response = Paginated<Item>` (atlas_runtime::Paginated)",
            );
        }
        for name in ["pageNum", "itemsPerPage"] {
            let found = fields
                .iter()
                .any(|f| f.location == Location::Query && f.api_name == name && f.optional);
            if !found {
                cx.error_spanned_by(
                    key,
                    format!(
                        "a `paginated` endpoint needs an `Option<i32>` query field `{name}`: \
                         #[atlas(query)] pub {}: Option<i32>",
                        snake_case(name)
                    ),
                );
            }
        }
    }

    Model {
        page_item,
        method,
        template: args.template.clone(),
        pieces,
        fields,
        body,
    }
}

fn field_pattern(cx: &Ctxt, arg: &PatternArg) -> Option<FieldPattern> {
    match arg {
        PatternArg::Named(path) => Some(FieldPattern::Named(path.clone())),
        PatternArg::Lit(lit) => match pattern::compile(&lit.value()) {
            Ok(p) => Some(FieldPattern::Compiled(lit.clone(), p)),
            Err(message) => {
                cx.error_spanned_by(lit, message);
                None
            }
        },
    }
}

fn listing(placeholders: &[&str]) -> String {
    if placeholders.is_empty() {
        " (it has none)".into()
    } else {
        let names: Vec<String> = placeholders.iter().map(|p| format!("{{{p}}}")).collect();
        format!(" (it has {})", names.join(", "))
    }
}

/// `#[serde(rename = "x")]` or `#[serde(rename(serialize = "x"))]`, for metadata.
fn serde_rename(attrs: &[&syn::Attribute]) -> Option<String> {
    let mut found = None;
    for attr in attrs {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                if meta.input.peek(syn::Token![=]) {
                    found = Some(meta.value()?.parse::<LitStr>()?.value());
                } else {
                    meta.parse_nested_meta(|m| {
                        if m.path.is_ident("serialize") {
                            found = Some(m.value()?.parse::<LitStr>()?.value());
                        } else {
                            let _ = m.value()?.parse::<LitStr>()?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            } else {
                crate::serde_attr::skip_value(&meta)
            }
        });
    }
    found
}

/// The `T` of `Option<T>` (also `std::option::Option<T>`).
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    single_type_argument(ty, "Option")
}

/// The `T` of `Paginated<T>` (any path ending in `Paginated`).
pub fn paginated_item(ty: &syn::Type) -> Option<&syn::Type> {
    single_type_argument(ty, "Paginated")
}

/// The `T` of a type spelled `…::Name<T>`.
pub fn single_type_argument<'a>(ty: &'a syn::Type, name: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) if args.args.len() == 1 => Some(t),
        _ => None,
    }
}

/// Whether `ty` is spelled `Vec<…>`.
fn is_vec(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Vec"))
}

/// Whether `ty` is spelled `String` (constructors then take `impl Into<String>`).
pub fn is_string(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "String" && s.arguments.is_empty()))
}

/// Whether `ty` is spelled as a primitive integer (`u32`, `i64`, …).
pub fn is_integer(ty: &syn::Type) -> bool {
    const INTEGERS: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    matches!(ty, syn::Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| INTEGERS.iter().any(|i| s.ident == i)))
}
