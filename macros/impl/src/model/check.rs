//! The rules of a declaration that `build` enforces, one function each, named after the
//! rule (as serde_derive's `internals/check.rs`). Each reports what breaks its rule to
//! the [`Ctxt`], on the token to change; `build` calls them in the order the problems are
//! reported.

use proc_macro2::Span;
use syn::{Ident, LitStr};

use super::{Binding, Field, GENERATED_METHODS, Location, listing};
use crate::ctxt::Ctxt;
use crate::fields::{FieldAttrs, Role};
use crate::template::snake_case;

/// `#[atlas(path = "name")]` names a placeholder of the template: its index. A wrong name
/// is reported only when the template itself is sound.
pub(super) fn path_name_is_a_placeholder(
    cx: &Ctxt,
    lit: &LitStr,
    wanted: &str,
    binding: &mut Binding,
) -> Option<usize> {
    let found = binding.placeholders.iter().position(|p| *p == wanted);
    if found.is_none() && binding.template_ok {
        binding.failed = true;
        cx.error_spanned_by(
            lit,
            format!(
                "`{wanted}` is not a placeholder of the path template{}",
                listing(&binding.placeholders)
            ),
        );
    }
    found
}

/// A field marked `#[atlas(path)]` without a name is named after a placeholder (reported
/// only when the template itself is sound).
pub(super) fn path_field_matches_a_placeholder(
    cx: &Ctxt,
    span: Span,
    name: &str,
    binding: &mut Binding,
) {
    if !binding.template_ok {
        return;
    }
    binding.failed = true;
    cx.error_at(
        span,
        format!(
            "field `{name}` matches no placeholder of the path template{}; \
             name one: #[atlas(path = \"…\")]",
            listing(&binding.placeholders)
        ),
    );
}

/// A placeholder is bound to one field: whether `placeholder`, now bound to `bound`, is
/// free for `ident`.
pub(super) fn placeholder_is_free(
    cx: &Ctxt,
    placeholder: &str,
    bound: Option<&Ident>,
    ident: &Ident,
) -> bool {
    match bound {
        Some(other) => {
            cx.error_spanned_by(
                ident,
                format!("placeholder `{{{placeholder}}}` is already bound to field `{other}`"),
            );
            false
        }
        None => true,
    }
}

/// `encoded` is for path values.
pub(super) fn encoded_only_on_path(cx: &Ctxt, attrs: &FieldAttrs, location: Location) {
    if let Some(span) = attrs.encoded
        && location != Location::Path
    {
        cx.error_at(span, "`encoded` applies to path fields only");
    }
}

/// `send_null` is for an `Option` member of the JSON body (not a `Patch`, which says null
/// itself).
pub(super) fn send_null_only_on_optional_body_member(
    cx: &Ctxt,
    attrs: &FieldAttrs,
    location: Location,
    optional: bool,
    patch: bool,
) {
    let Some(span) = attrs.send_null else {
        return;
    };
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

/// A path value is always required: not an `Option`.
pub(super) fn path_value_not_optional(
    cx: &Ctxt,
    ty: &syn::Type,
    location: Location,
    optional: bool,
) {
    if location == Location::Path && optional {
        cx.error_spanned_by(
            ty,
            "a path value is always required: use the plain type, not `Option`",
        );
    }
}

/// A path value is always required: no `default`.
pub(super) fn path_value_without_default(
    cx: &Ctxt,
    ident: &Ident,
    attrs: &FieldAttrs,
    location: Location,
) {
    if location == Location::Path && attrs.default {
        cx.error_spanned_by(
            ident,
            "a path value is always required: `default` would send an empty one",
        );
    }
}

/// A header field names a header a request may set. The rule is atlas-rules', shared with
/// the runtime's check of per-call headers.
pub(super) fn header_may_be_set_by_a_field(cx: &Ctxt, attrs: &FieldAttrs, api_name: &str) {
    if let Some((Role::Header(lit), _)) = &attrs.role
        && let Some(why) = atlas_rules::headers::refused_header(api_name)
    {
        cx.error_spanned_by(
            lit,
            format!("a field cannot set `{api_name}`: {}", why.reason()),
        );
    }
}

/// An optional field's setter is named after it: not after a generated method.
pub(super) fn optional_field_setter_does_not_clash(
    cx: &Ctxt,
    ident: &Ident,
    name: &str,
    optional: bool,
    attrs: &FieldAttrs,
) {
    if (optional || attrs.default) && GENERATED_METHODS.contains(&name) {
        cx.error_spanned_by(
            ident,
            format!(
                "an optional field named `{name}` would get a setter that clashes with the generated `{name}` method; rename the field and set its API name (#[atlas(query = \"{name}\")] or #[serde(rename = \"{name}\")])"
            ),
        );
    }
}

/// One query parameter or header, one field (names compared ignoring ASCII case).
pub(super) fn one_field_per_parameter(
    cx: &Ctxt,
    ident: &Ident,
    location: Location,
    api_name: &str,
    earlier: &[Field],
) {
    if matches!(location, Location::Query | Location::Header)
        && let Some(other) = earlier
            .iter()
            .find(|o| o.location == location && o.api_name.eq_ignore_ascii_case(api_name))
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
}

/// Every placeholder has its field (skipped when the template, or binding a path field,
/// already failed).
pub(super) fn every_placeholder_has_a_field(
    cx: &Ctxt,
    template: Option<&LitStr>,
    binding: &Binding,
) {
    let Some(t) = template.filter(|_| binding.template_ok && !binding.failed) else {
        return;
    };
    for (p, bound) in binding.placeholders.iter().zip(&binding.bound) {
        if bound.is_none() {
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

/// `pattern(name = "…")` in the attribute names a placeholder: its index.
pub(super) fn pattern_names_a_placeholder(
    cx: &Ctxt,
    name: &Ident,
    placeholders: &[&str],
) -> Option<usize> {
    let key = name.to_string();
    let found = placeholders.iter().position(|p| *p == key);
    if found.is_none() {
        cx.error_spanned_by(
            name,
            format!(
                "`{key}` is not a placeholder of the path template{}",
                listing(placeholders)
            ),
        );
    }
    found
}

/// An endpoint has one body: one field at most is `#[atlas(body)]`.
pub(super) fn one_whole_body(cx: &Ctxt, whole: &[&Field]) {
    for f in whole.iter().skip(1) {
        cx.error_at(
            f.attrs.role.as_ref().map_or(f.ident.span(), |r| r.1),
            format!(
                "two fields are the whole body (`{}` and `{}`): an endpoint has one body",
                whole[0].ident, f.ident
            ),
        );
    }
}

/// Beside a whole body, no field is a body member.
pub(super) fn no_member_beside_the_whole_body(cx: &Ctxt, whole: &Field, members: &[&Field]) {
    for f in members {
        cx.error_spanned_by(
            f.ident,
            format!(
                "field `{}` would be a body member, but `{}` is the whole body; \
                 mark it #[atlas(query)], #[atlas(header = \"…\")] or bind it to the path",
                f.ident, whole.ident
            ),
        );
    }
}

/// GET and DELETE requests carry no body: no field is a body member (fields whose
/// attributes could not be read are not reported again).
pub(super) fn no_body_on_get_or_delete(cx: &Ctxt, method: &str, members: &[&Field]) {
    if !matches!(method, "GET" | "DELETE") {
        return;
    }
    for f in members.iter().filter(|f| !f.attrs.broken) {
        cx.error_spanned_by(
            f.ident,
            format!(
                "{method} requests carry no body, so field `{}` needs a place: \
                 #[atlas(query)], #[atlas(header = \"…\")], a path placeholder, \
                 or #[atlas(body)] for an operation the spec gives a body",
                f.ident
            ),
        );
    }
}

/// `in_body` goes on a path value, whose body member it fills.
pub(super) fn in_body_only_on_path_values(cx: &Ctxt, fields: &[Field]) {
    for f in fields.iter().filter(|f| f.location != Location::Path) {
        if let Some(span) = f.attrs.in_body {
            cx.error_at(
                span,
                "`in_body` goes on a path value: the body member it fills is sent from the path",
            );
        }
    }
}

/// Only a GET can be `paginated`: each page would repeat any other method.
pub(super) fn paginated_only_on_get(cx: &Ctxt, key: &Ident, method: &str) {
    if method != "GET" {
        cx.error_spanned_by(
            key,
            format!("only a GET can be `paginated`: each page would repeat this {method}"),
        );
    }
}

/// A `paginated` endpoint answers `Paginated<Item>`.
pub(super) fn paginated_response_is_paginated(
    cx: &Ctxt,
    key: &Ident,
    page_item: Option<&syn::Type>,
) {
    if page_item.is_none() {
        cx.error_spanned_by(
            key,
            "a `paginated` endpoint needs `response = Paginated<Item>` (atlas_runtime::Paginated)",
        );
    }
}

/// A `paginated` endpoint has the optional query fields `pageNum` and `itemsPerPage`.
pub(super) fn paginated_has_page_fields(cx: &Ctxt, key: &Ident, fields: &[Field]) {
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
