//! From parsed input to a checked model of the endpoint: every placeholder bound to one
//! field, every field given a location and API name, every rule compiled. All problems go
//! to the [`Ctxt`]; what could be understood is still returned. Each rule is a function of
//! [`check`], named after it.

mod check;

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
///
/// Reads in the order the problems are reported: the template, each field in turn (its
/// place, then the rules of one field), the placeholders left without a field, the
/// attribute's path patterns, the body, pagination. Each rule is a function of [`check`].
pub fn build<'a>(cx: &Ctxt, args: &'a Args, item_fields: &'a Fields, fields_ok: bool) -> Model<'a> {
    let method = args
        .method
        .as_ref()
        .map(|(m, _)| m.clone())
        .unwrap_or_else(|| "GET".into());
    let (pieces, template_ok) = parse_template(cx, args);
    let mut binding = Binding::new(&pieces, template_ok);

    let mut fields: Vec<Field> = Vec::new();
    for f in item_fields.iter() {
        if let Some(field) = build_field(cx, f, &mut binding, &fields) {
            fields.push(field);
        }
    }
    if fields_ok {
        check::every_placeholder_has_a_field(cx, args.template.as_ref(), &binding);
    }
    add_path_patterns(cx, args, &binding, &mut fields);
    let body = body_kind(cx, &method, template_ok, &fields);
    let page_item = page_item(cx, args, &method, &fields);

    Model {
        page_item,
        method,
        template: args.template.clone(),
        pieces,
        fields,
        body,
    }
}

/// The template's pieces, and whether it parsed without problems (each reported on it).
/// When it is broken, or missing, checks that depend on its placeholders are skipped:
/// they would only echo the template's own error.
fn parse_template(cx: &Ctxt, args: &Args) -> (Vec<Piece>, bool) {
    let Some(t) = &args.template else {
        return (Vec::new(), false);
    };
    let (pieces, problems) = template::parse(&t.value());
    let template_ok = problems.is_empty();
    for problem in problems {
        cx.error_spanned_by(t, problem);
    }
    (pieces, template_ok)
}

/// The path template's placeholders and the field bound to each.
struct Binding<'p, 'a> {
    placeholders: Vec<&'p str>,
    bound: Vec<Option<&'a Ident>>,
    /// The template parsed without problems: checks of placeholders would otherwise only
    /// echo its error.
    template_ok: bool,
    /// A path field named no placeholder: "placeholder has no field" would only echo that.
    failed: bool,
}

impl<'p, 'a> Binding<'p, 'a> {
    fn new(pieces: &'p [Piece], template_ok: bool) -> Self {
        let placeholders: Vec<&str> = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Placeholder(n) => Some(n.as_str()),
                Piece::Literal(_) => None,
            })
            .collect();
        Binding {
            bound: vec![None; placeholders.len()],
            placeholders,
            template_ok,
            failed: false,
        }
    }

    /// Binds placeholder `i` to `ident`, unless another field has it.
    fn bind(&mut self, cx: &Ctxt, i: usize, ident: &'a Ident) {
        if check::placeholder_is_free(cx, self.placeholders[i], self.bound[i], ident) {
            self.bound[i] = Some(ident);
        }
    }
}

/// One field of the item, placed and checked; `earlier` are the fields before it. `None`
/// for a field without a name (a tuple struct, already reported).
fn build_field<'a>(
    cx: &Ctxt,
    f: &'a syn::Field,
    binding: &mut Binding<'_, 'a>,
    earlier: &[Field<'a>],
) -> Option<Field<'a>> {
    let ident = f.ident.as_ref()?;
    let attrs = fields::parse(cx, &f.attrs);
    let serde_attrs: Vec<&syn::Attribute> = f
        .attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .collect();
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name).to_string();

    let (location, api_name, placeholder) = place(cx, &name, &attrs, &serde_attrs, binding);
    if let Some(i) = placeholder {
        binding.bind(cx, i, ident);
    }
    let optional = option_inner(&f.ty).is_some();
    let patch = single_type_argument(&f.ty, "Patch").is_some();
    check::encoded_only_on_path(cx, &attrs, location);
    check::send_null_only_on_optional_body_member(cx, &attrs, location, optional, patch);
    check::path_value_not_optional(cx, &f.ty, location, optional);
    check::path_value_without_default(cx, ident, &attrs, location);
    check::header_may_be_set_by_a_field(cx, &attrs, &api_name);
    check::optional_field_setter_does_not_clash(cx, ident, &name, optional, &attrs);
    check::one_field_per_parameter(cx, ident, location, &api_name, earlier);

    let mut patterns = Vec::new();
    for arg in &attrs.patterns {
        if let Some(p) = field_pattern(cx, arg) {
            patterns.push(p);
        }
    }
    let repeated_query = location == Location::Query && is_vec(&f.ty);
    Some(Field {
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
    })
}

/// Where a field goes, its API name, and the placeholder it binds: its explicit role when
/// it has one, else the placeholder its name matches, else a member of the body.
fn place(
    cx: &Ctxt,
    name: &str,
    attrs: &FieldAttrs,
    serde_attrs: &[&syn::Attribute],
    binding: &mut Binding,
) -> (Location, String, Option<usize>) {
    let by_name = binding
        .placeholders
        .iter()
        .position(|p| snake_case(p) == name || *p == name);
    match &attrs.role {
        Some((Role::Path(Some(lit)), _)) => {
            let wanted = lit.value();
            let i = check::path_name_is_a_placeholder(cx, lit, &wanted, binding);
            (Location::Path, wanted, i)
        }
        Some((Role::Path(None), span)) => match by_name {
            Some(i) => (Location::Path, binding.placeholders[i].to_string(), Some(i)),
            None => {
                check::path_field_matches_a_placeholder(cx, *span, name, binding);
                (Location::Path, camel_case(name), None)
            }
        },
        Some((Role::Query(lit), _)) => (
            Location::Query,
            lit.as_ref()
                .map(LitStr::value)
                .unwrap_or_else(|| camel_case(name)),
            None,
        ),
        Some((Role::Header(lit), _)) => (Location::Header, lit.value(), None),
        Some((Role::Body, _)) => (Location::WholeBody, camel_case(name), None),
        None => match by_name {
            Some(i) => (Location::Path, binding.placeholders[i].to_string(), Some(i)),
            None => (
                Location::Body,
                serde_rename(serde_attrs).unwrap_or_else(|| camel_case(name)),
                None,
            ),
        },
    }
}

/// The attribute's `pattern(name = "…")` rules, each put first on the field bound to its
/// placeholder. A pattern is compiled (and its errors reported) even when its name is not
/// a placeholder.
fn add_path_patterns(cx: &Ctxt, args: &Args, binding: &Binding, fields: &mut [Field]) {
    for (name, arg) in &args.patterns {
        let Some(i) = check::pattern_names_a_placeholder(cx, name, &binding.placeholders) else {
            field_pattern(cx, arg);
            continue;
        };
        let compiled = field_pattern(cx, arg);
        if let (Some(p), Some(field)) = (
            compiled,
            binding.bound[i].and_then(|id| fields.iter_mut().find(|f| f.ident == id)),
        ) {
            field.patterns.insert(0, p);
        }
    }
}

/// What the request sends as its body, after the body's rules.
fn body_kind(cx: &Ctxt, method: &str, template_ok: bool, fields: &[Field]) -> BodyKind {
    let whole: Vec<&Field> = fields
        .iter()
        .filter(|f| f.location == Location::WholeBody)
        .collect();
    let members: Vec<&Field> = fields
        .iter()
        .filter(|f| f.location == Location::Body)
        .collect();
    check::one_whole_body(cx, &whole);
    if let Some(w) = whole.first() {
        check::no_member_beside_the_whole_body(cx, w, &members);
    } else if template_ok {
        check::no_body_on_get_or_delete(cx, method, &members);
    }
    check::in_body_only_on_path_values(cx, fields);
    // `in_body` goes on a path value, whose body member it fills.
    let in_body = fields
        .iter()
        .any(|f| f.attrs.in_body.is_some() && f.location == Location::Path);
    if !whole.is_empty() {
        BodyKind::Whole
    } else if !members.is_empty() || in_body {
        BodyKind::Object
    } else {
        BodyKind::None
    }
}

/// For a `paginated` endpoint, the `T` of `response = Paginated<T>`, after pagination's
/// rules.
fn page_item<'a>(
    cx: &Ctxt,
    args: &'a Args,
    method: &str,
    fields: &[Field],
) -> Option<&'a syn::Type> {
    let key = args.paginated.as_ref()?;
    check::paginated_only_on_get(cx, key, method);
    let page_item = args.response.as_ref().and_then(paginated_item);
    check::paginated_response_is_paginated(cx, key, page_item);
    check::paginated_has_page_fields(cx, key, fields);
    page_item
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
