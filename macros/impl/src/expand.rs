//! Code emission. Generated code is data (`INFO`) plus one runtime call per field and
//! rule; everything with logic lives in `atlas_runtime`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::fields::NumberLit;
use crate::model::{
    BodyKind, Field, FieldPattern, Location, Model, is_integer, is_string, option_inner,
};
use crate::template::Piece;

pub struct Input<'a> {
    pub krate: &'a syn::Path,
    pub ident: &'a syn::Ident,
    pub vis: &'a syn::Visibility,
    pub version: Option<String>,
    pub operation_id: Option<String>,
    pub response: TokenStream,
    /// The `T` of `response = Paginated<T>`.
    pub page_item: Option<&'a syn::Type>,
    /// Declared `idempotent`.
    pub idempotent: bool,
    /// `named_new`: `new` takes a `<Type>Required` struct.
    pub named_new: bool,
    pub unit: bool,
    /// `format(…)`: the answer's forms, the default first; empty for JSON only.
    pub formats: Vec<String>,
    /// No `json` among the forms: `send` streams a `Download`.
    pub streamed: bool,
    /// `tag`, `short_id`, `docs`, `sunset`, `roles`: for tools (the CLI), not for sending.
    pub meta: Meta,
}

/// The optional descriptive keys of a declaration.
#[derive(Default)]
pub struct Meta {
    pub tag: Option<String>,
    pub short_id: Option<String>,
    pub docs: Option<String>,
    pub sunset: Option<String>,
    pub roles: Vec<String>,
}

/// What `send` returns, and how it gets it.
fn send_signature(input: &Input) -> (TokenStream, TokenStream) {
    let rt = &private_alias();
    if input.streamed {
        (
            quote!(#rt::Download),
            quote!(client.download(self, &#rt::RequestOptions::default())),
        )
    } else {
        let response = &input.response;
        (quote!(#response), quote!(client.send(self)))
    }
}

/// `download(&client, format)` for operations with a csv or gzip form.
fn download_method(input: &Input) -> TokenStream {
    if input.formats.iter().all(|f| f == "json") {
        return quote!();
    }
    let rt = &private_alias();
    let vis = input.vis;
    quote! {
        /// Sends this call asking for the answer in `format` (one of the declared forms)
        /// and hands back the answer to stream: `Download::write_to`
        /// a file, or read it.
        ///
        /// # Errors
        /// `atlas_runtime::Error`: its variant says how far the call got; a format the
        /// operation does not offer is an `Error::Request`, before any I/O.
        #[inline]
        #vis fn download(
            &self,
            client: &#rt::Client,
            format: #rt::Format,
        ) -> #rt::Result<#rt::Download, #rt::Error> {
            client.download(self, &#rt::RequestOptions::default().format(format))
        }
    }
}

pub fn endpoint(input: &Input, model: &Model) -> TokenStream {
    let Input { ident, vis, .. } = input;
    let rt = &private_alias();
    let response = &input.response;
    let (send_output, send_body) = send_signature(input);
    let download = download_method(input);
    let info = info(input, model);
    let validate = validate(rt, model);
    let write_path = write_path(rt, model);
    let write_query = write_params(rt, model, Location::Query);
    let write_headers = write_params(rt, model, Location::Header);
    let write_body = write_body(rt, model);
    let constructor = constructor(input, model);
    let setters = setters(input.vis, model);
    let paged = paged(input, model);
    let path_segments = path_segments(rt, model);
    let header_values = header_values(rt, model);

    let body = quote! {
        impl #rt::Endpoint for #ident {
            type Response = #response;
            const INFO: #rt::EndpointInfo = #info;
            #validate
            #write_path
            #write_query
            #write_headers
            #write_body
        }

        impl #ident {
            /// Method, template, version and parameters of this endpoint.
            pub const INFO: #rt::EndpointInfo = <Self as #rt::Endpoint>::INFO;

            #constructor
            #setters
            #path_segments
            #header_values

            /// Validates this call, sends it and decodes the answer.
            ///
            /// Invalid input is refused before any I/O, with every violation at once.
            ///
            /// # Errors
            /// `atlas_runtime::Error`: its variant says how far the call got.
            #[inline]
            #vis fn send(&self, client: &#rt::Client) -> #rt::Result<#send_output, #rt::Error> {
                #send_body
            }

            #download
        }

        #paged
    };
    let required = required_struct(input, model);
    let scoped = in_scope(input.krate, body);
    quote!(#required #scoped)
}

/// How the expansion names `atlas_runtime::__private`: one short path, imported once per
/// declaration by [`in_scope`], instead of `::atlas_runtime::__private::…` at every use.
fn private_alias() -> syn::Path {
    syn::parse_quote!(__atlas)
}

/// `items` in an anonymous `const` block that imports the runtime's private module as
/// [`private_alias`] and `Some`/`None` under names a caller cannot shadow: the
/// expansion's paths are a few tokens each (fewer tokens to parse, resolve and lower).
fn in_scope(krate: &syn::Path, items: TokenStream) -> TokenStream {
    quote! {
        const _: () = {
            use #krate::__private as __atlas;
            use __atlas::Option::{None as __None, Some as __Some};
            #items
        };
    }
}

/// After a declaration error: the constructor, the setters and `send`, so that the
/// caller's uses of them compile and the declaration's own errors are the only ones
/// reported. The compilation fails on those errors, so `send` is never run.
pub fn fallback(input: &Input, model: &Model) -> TokenStream {
    let Input { ident, vis, .. } = input;
    let rt = &private_alias();
    let (send_output, _) = send_signature(input);
    let constructor = constructor(input, model);
    let setters = setters(input.vis, model);
    let body = quote! {
        impl #ident {
            #constructor
            #setters

            /// Not available: the declaration has errors.
            #[allow(unused_variables, clippy::needless_pass_by_ref_mut)]
            #[inline]
            #vis fn send(&self, client: &#rt::Client) -> #rt::Result<#send_output, #rt::Error> {
                ::core::unreachable!("#[atlas_endpoint] reported errors for this declaration")
            }
        }
    };
    let required = required_struct(input, model);
    let scoped = in_scope(input.krate, body);
    quote!(#required #scoped)
}

/// `Paged`, `.pages()` and `.items()` for lists: a `Paginated<T>` response with optional
/// `pageNum` and `itemsPerPage` query parameters.
fn paged(input: &Input, model: &Model) -> TokenStream {
    let Some(item) = input.page_item else {
        return quote!();
    };
    let find = |name: &str| {
        model
            .fields
            .iter()
            .find(|f| f.location == Location::Query && f.api_name == name && f.optional)
            .map(|f| f.ident)
    };
    let (Some(page), Some(size)) = (find("pageNum"), find("itemsPerPage")) else {
        return quote!();
    };
    let Input { ident, vis, .. } = input;
    let rt = &private_alias();
    quote! {
        impl #rt::Paged for #ident {
            type Item = #item;
            #[inline]
            fn page_num(&self) -> #rt::Option<i32> {
                self.#page
            }
            #[inline]
            fn set_page_num(&mut self, page: i32) {
                self.#page = __Some(page);
            }
            #[inline]
            fn items_per_page(&self) -> #rt::Option<i32> {
                self.#size
            }
            #[inline]
            fn set_items_per_page(&mut self, size: i32) {
                self.#size = __Some(size);
            }
        }

        impl #ident {
            /// Lazily fetches every page, from `pageNum` (default 1), asking for
            /// `itemsPerPage` items (default 500, Atlas's maximum). An error ends the
            /// walk and is yielded after the pages before it.
            #[inline]
            #vis fn pages<'c>(&self, client: &'c #rt::Client) -> #rt::Pages<'c, Self> {
                #rt::Pages::new(client, self)
            }

            /// Lazily yields every item of every page; an error is yielded after the
            /// items of the pages before it, and ends the walk.
            #[inline]
            #vis fn items<'c>(&self, client: &'c #rt::Client) -> #rt::Items<'c, Self> {
                #rt::Items::new(client, self)
            }
        }
    }
}

fn info(input: &Input, model: &Model) -> TokenStream {
    let rt = &private_alias();
    let method = format_ident!(
        "{}",
        match model.method.as_str() {
            "GET" => "Get",
            "PUT" => "Put",
            "PATCH" => "Patch",
            "DELETE" => "Delete",
            _ => "Post",
        }
    );
    let template = model
        .template
        .as_ref()
        .map(|t| t.value())
        .unwrap_or_default();
    let version = opt_str(&input.version);
    let operation_id = opt_str(&input.operation_id);
    let type_name = input.ident.to_string();
    let params = model.fields.iter().map(|f| param_info(rt, f));
    let idempotent = input.idempotent;
    let formats = if input.formats.is_empty() {
        quote!()
    } else {
        let arms = input.formats.iter().map(|f| {
            format_ident!(
                "{}",
                match f.as_str() {
                    "csv" => "Csv",
                    "gzip" => "Gzip",
                    _ => "Json",
                }
            )
        });
        quote!(.with_formats(&[#(#rt::Format::#arms),*]))
    };
    let m = &input.meta;
    let meta = if m.tag.is_none()
        && m.short_id.is_none()
        && m.docs.is_none()
        && m.sunset.is_none()
        && m.roles.is_empty()
    {
        quote!()
    } else {
        let (tag, short_id, docs, sunset) = (
            opt_str(&m.tag),
            opt_str(&m.short_id),
            opt_str(&m.docs),
            opt_str(&m.sunset),
        );
        let roles = &m.roles;
        quote!(.with_meta(#tag, #short_id, #docs, #sunset, &[#(#roles),*]))
    };
    let body = format_ident!(
        "{}",
        match model.body {
            BodyKind::None => "None",
            BodyKind::Object => "Object",
            BodyKind::Whole => "Whole",
        }
    );
    quote! {
        #rt::endpoint_info(
            #rt::Method::#method,
            #template,
            #version,
            #operation_id,
            #type_name,
            &[#(#params),*],
            #rt::BodyKind::#body,
            #idempotent,
        )#formats #meta
    }
}

fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(__Some(#s)),
        None => quote!(__None),
    }
}

fn param_info(rt: &syn::Path, f: &Field) -> TokenStream {
    let field = f.ident.to_string();
    let field = field.strip_prefix("r#").unwrap_or(&field);
    let api_name = &f.api_name;
    let location = location_ident(f.location);
    let required = f.required();
    let sensitive = f.attrs.sensitive;
    let encoded = f.attrs.encoded.is_some();
    // `Text` is `param_info`'s default: no call for it.
    let kind = value_kind(rt, f.ty).map(|kind| quote!(.with_kind(#kind)));
    let mut constraints: Vec<TokenStream> = f
        .patterns
        .iter()
        .map(|p| match p {
            FieldPattern::Compiled(lit, p) => {
                let tables = p.to_tokens(rt, lit);
                quote!(#rt::Constraint::Pattern(#tables))
            }
            // Spanned on the name: a constant that is not a `Pattern` is reported there.
            FieldPattern::Named(path) => {
                quote_spanned!(path.span()=> #rt::Constraint::Pattern(#path))
            }
        })
        .collect();
    if let Some(r) = &f.attrs.range {
        let bound = |b: &Option<(NumberLit, bool)>| match b {
            Some((n, exclusive)) => {
                let value = number(rt, n);
                quote!(__Some(#rt::Bound { value: #value, exclusive: #exclusive }))
            }
            None => quote!(__None),
        };
        let (min, max) = (bound(&r.min), bound(&r.max));
        constraints.push(quote!(#rt::Constraint::Range { min: #min, max: #max }));
    }
    if let Some(l) = &f.attrs.length {
        let opt = |v: Option<usize>| match v {
            Some(n) => quote!(__Some(#n)),
            None => quote!(__None),
        };
        let (min, max) = (opt(l.min), opt(l.max));
        constraints.push(quote!(#rt::Constraint::Length { min: #min, max: #max }));
    }
    // A type that carries its rule (an id): in its own field, checked first, as
    // `pattern(…)` would be.
    let ty = f.ty;
    let type_pattern = match f.location {
        Location::Path => quote!(.with_type_pattern(<#ty as #rt::PathSegment>::PATTERN)),
        Location::Query | Location::Header => {
            quote!(.with_type_pattern(<#ty as #rt::ParamValues>::PATTERN))
        }
        Location::Body if is_id_type(ty) => {
            quote!(.with_type_pattern(<#ty as #rt::ParamValues>::PATTERN))
        }
        Location::Body | Location::WholeBody => quote!(),
    };
    quote! {
        #rt::param_info(
            #field, #api_name, #rt::Location::#location,
            #required, #sensitive, #encoded, &[#(#constraints),*],
        )#kind #type_pattern
    }
}

/// How a tool reads a value of this type from text: by its spelling, through `Option`,
/// `Patch` and `Vec`; a type the macro does not know is JSON. `None` for text.
fn value_kind(rt: &syn::Path, ty: &syn::Type) -> Option<TokenStream> {
    let inner = option_inner(ty)
        .or_else(|| crate::model::single_type_argument(ty, "Patch"))
        .unwrap_or(ty);
    if let Some(item) = crate::model::single_type_argument(inner, "Vec") {
        let item = value_kind(rt, item).unwrap_or_else(|| quote!(#rt::ValueKind::Text));
        return Some(quote!(#rt::ValueKind::Array(&#item)));
    }
    let name = match inner {
        syn::Type::Path(p) if p.qself.is_none() => p
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default(),
        syn::Type::Reference(r) if matches!(&*r.elem, syn::Type::Path(p) if p.path.is_ident("str")) => {
            "str".into()
        }
        _ => String::new(),
    };
    let kind = match name.as_str() {
        _ if is_integer(inner) => "Integer",
        "f32" | "f64" => "Number",
        "bool" => "Bool",
        "String" | "str" | "Cow" | "OrgId" | "GroupId" | "ClientId" | "ObjectId" => return None,
        _ => "Json",
    };
    let kind = format_ident!("{kind}");
    Some(quote!(#rt::ValueKind::#kind))
}

fn number(rt: &syn::Path, n: &NumberLit) -> TokenStream {
    let sign = if n.negative { quote!(-) } else { quote!() };
    match &n.lit {
        syn::Lit::Float(f) => {
            let v = f.base10_digits();
            let lit = proc_macro2::Literal::f64_unsuffixed(v.parse().unwrap_or(0.0));
            quote!(#rt::Number::Float(#sign #lit))
        }
        other => {
            let v = match other {
                syn::Lit::Int(i) => i.base10_digits().parse::<i128>().unwrap_or(0),
                _ => 0,
            };
            let lit = proc_macro2::Literal::i128_unsuffixed(v);
            quote!(#rt::Number::Int(#sign #lit))
        }
    }
}

fn location_ident(l: Location) -> syn::Ident {
    format_ident!(
        "{}",
        match l {
            Location::Path => "Path",
            Location::Query => "Query",
            Location::Header => "Header",
            Location::Body => "Body",
            Location::WholeBody => "WholeBody",
        }
    )
}

fn validate(rt: &syn::Path, model: &Model) -> TokenStream {
    let mut checks = Vec::new();
    let mut segment = 0usize;
    for (i, f) in model.fields.iter().enumerate() {
        let ident = f.ident;
        let ty = f.ty;
        // Turbofish with the field's own type: a rule that cannot apply to it is reported
        // on the type, in the user's code.
        if f.location == Location::Path {
            checks.push(quote!(#rt::check_path(&mut __v, &__params[#i], &__segments[#segment]);));
            segment += 1;
        } else if !f.patterns.is_empty() {
            checks.push(quote!(#rt::check_pattern::<#ty>(&mut __v, &__params[#i], &self.#ident);));
        } else if matches!(f.location, Location::Query | Location::Header)
            || (f.location == Location::Body && is_id_type(ty))
        {
            // An id type's rule (the trait's provided method decides at compile time
            // whether the type carries one).
            checks.push(quote!(<#ty as #rt::ParamValues>::__check_carried(&self.#ident, &mut __v, &__params[#i]);));
        }
        if f.attrs.range.is_some() {
            checks.push(quote!(#rt::check_range::<#ty>(&mut __v, &__params[#i], &self.#ident);));
        }
        if f.attrs.length.is_some() {
            checks.push(quote!(#rt::check_length::<#ty>(&mut __v, &__params[#i], &self.#ident);));
        }
        if let Some(check) = &f.attrs.validate_with {
            checks.push(quote!(#check(&self.#ident, &__params[#i], &mut __v);));
        }
    }
    let segments = if segment > 0 {
        quote!(let __segments = self.__atlas_path_segments();)
    } else {
        quote!()
    };
    if model.fields.iter().any(|f| f.location == Location::Header) {
        checks.push(quote! {
            for (__i, __value) in self.__atlas_header_values() {
                #rt::check_header(&mut __v, &__params[__i], &__value);
            }
        });
    }
    let params = if checks.is_empty() {
        quote!()
    } else {
        quote!(let __params = <Self as #rt::Endpoint>::INFO.params;)
    };
    let mutability = if checks.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    quote! {
        #[inline]
        fn validate(&self) -> #rt::Result<(), #rt::ValidationError> {
            #params
            #segments
            let #mutability __v = #rt::Validator::new();
            #(#checks)*
            __v.finish(<Self as #rt::Endpoint>::INFO.type_name)
        }
    }
}

/// Every header value with its parameter's index: the one place a header field's type
/// meets `ParamValues`, shared by validation and writing.
fn header_values(rt: &syn::Path, model: &Model) -> TokenStream {
    let pushes: Vec<TokenStream> = model
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.location == Location::Header)
        .map(|(i, f)| {
            let ident = f.ident;
            let ty = f.ty;
            quote!(<#ty as #rt::ParamValues>::__push_values(&self.#ident, &mut __out, #i);)
        })
        .collect();
    if pushes.is_empty() {
        return quote!();
    }
    quote! {
        #[doc(hidden)]
        #[inline]
        fn __atlas_header_values(&self) -> #rt::Vec<(usize, #rt::String)> {
            let mut __out = #rt::Vec::new();
            #(#pushes)*
            __out
        }
    }
}

/// The text of every path value, in template order: the one place a path field's type
/// meets `PathSegment`, so a type that cannot be a segment is reported once, on the type.
fn path_segments(rt: &syn::Path, model: &Model) -> TokenStream {
    let path_fields: Vec<&Field> = model
        .fields
        .iter()
        .filter(|f| f.location == Location::Path)
        .collect();
    if path_fields.is_empty() {
        return quote!();
    }
    let n = path_fields.len();
    let values = path_fields.iter().map(|f| {
        let ident = f.ident;
        let ty = f.ty;
        quote!(<#ty as #rt::PathSegment>::to_segment(&self.#ident))
    });
    quote! {
        #[doc(hidden)]
        #[inline]
        fn __atlas_path_segments(&self) -> [#rt::Cow<'_, str>; #n] {
            [#(#values),*]
        }
    }
}

fn write_path(rt: &syn::Path, model: &Model) -> TokenStream {
    let path_fields: Vec<&Field> = model
        .fields
        .iter()
        .filter(|f| f.location == Location::Path)
        .collect();
    let steps = model.pieces.iter().map(|p| match p {
        Piece::Literal(text) => quote!(__path.literal(#text);),
        Piece::Placeholder(name) => match path_fields.iter().position(|f| f.api_name == *name) {
            Some(k) if path_fields[k].attrs.encoded.is_some() => {
                quote!(__path.encoded_segment(&__segments[#k]);)
            }
            Some(k) => quote!(__path.segment(&__segments[#k]);),
            None => quote!(),
        },
    });
    let segments = if path_fields.is_empty() {
        quote!()
    } else {
        quote!(let __segments = self.__atlas_path_segments();)
    };
    quote! {
        #[inline]
        fn write_path(&self, __path: &mut #rt::PathWriter) {
            #segments
            #(#steps)*
        }
    }
}

fn write_params(rt: &syn::Path, model: &Model, location: Location) -> TokenStream {
    let steps: Vec<TokenStream> = model
        .fields
        .iter()
        .filter(|f| f.location == location)
        .map(|f| {
            let ident = f.ident;
            let ty = f.ty;
            let name = &f.api_name;
            // The trait's provided method, not a closure per parameter: its body is
            // type-checked once, in the runtime, not once per declaration.
            quote!(<#ty as #rt::ParamValues>::__write_query(&self.#ident, __w, #name);)
        })
        .collect();
    if steps.is_empty() {
        return quote!();
    }
    if location == Location::Query {
        quote! {
            #[inline]
            fn write_query(&self, __w: &mut #rt::QueryWriter) { #(#steps)* }
        }
    } else {
        quote! {
            #[inline]
            fn write_headers(&self, __w: &mut #rt::HeaderWriter) {
                let __params = <Self as #rt::Endpoint>::INFO.params;
                for (__i, __value) in self.__atlas_header_values() {
                    __w.param(__params[__i].api_name, &__value);
                }
            }
        }
    }
}

fn write_body(rt: &syn::Path, model: &Model) -> TokenStream {
    let result = quote!(#rt::Result<(), #rt::serde_json::Error>);
    match model.body {
        BodyKind::None => quote!(),
        BodyKind::Whole => {
            let Some(f) = model
                .fields
                .iter()
                .find(|f| f.location == Location::WholeBody)
            else {
                return quote!();
            };
            let ident = f.ident;
            quote! {
                #[inline]
                fn write_body(&self, __body: &mut #rt::BodyWriter) -> #result {
                    __body.json(&self.#ident)
                }
            }
        }
        BodyKind::Object => {
            // Body members, and path values the body repeats (`in_body`).
            let members: Vec<&Field> = model
                .fields
                .iter()
                .filter(|f| {
                    f.location == Location::Body
                        || (f.location == Location::Path && f.attrs.in_body.is_some())
                })
                .collect();
            let serde: Vec<MemberSerde> = members.iter().map(|f| MemberSerde::read(f)).collect();
            if serde.iter().all(|m| !m.needs_serde) {
                let steps = members.iter().zip(&serde).map(|(f, m)| lean_member(f, m));
                return quote! {
                    #[inline]
                    fn write_body(&self, __body: &mut #rt::BodyWriter) -> #result {
                        __body.begin_object();
                        #(#steps)*
                        __body.end_object();
                        #rt::Result::Ok(())
                    }
                };
            }
            // A member with a serde attribute the steps above do not read
            // (`serialize_with`, `flatten`, …): serde's derive, which reads them all.
            let serde_path = format!("{}::serde", quote!(#rt)).replace(' ', "");
            let patch_path = format!("{}::Patch::is_unchanged", quote!(#rt)).replace(' ', "");
            let none_path = format!("{}::Option::is_none", quote!(#rt)).replace(' ', "");
            let decls = members.iter().zip(&serde).map(|(f, m)| {
                let ident = f.ident;
                let ty = f.ty;
                let attrs = &f.serde_attrs;
                let name = &f.api_name;
                let rename = if f.location == Location::Path {
                    quote!(#[serde(rename = #name)])
                } else {
                    quote!()
                };
                // Leaving a member out is the default: `None` and `Patch::Unchanged` are not
                // sent (a `null` would clear the field), unless the member says otherwise.
                let skip = if m.decides_skip {
                    quote!()
                } else if f.patch {
                    quote!(#[serde(skip_serializing_if = #patch_path)])
                } else if f.optional && f.attrs.send_null.is_none() {
                    quote!(#[serde(skip_serializing_if = #none_path)])
                } else {
                    quote!()
                };
                quote!(#(#attrs)* #rename #skip #ident: &'__atlas #ty)
            });
            let inits = members.iter().map(|f| {
                let ident = f.ident;
                quote!(#ident: &self.#ident)
            });
            quote! {
                #[inline]
                fn write_body(&self, __body: &mut #rt::BodyWriter) -> #result {
                    // `dead_code`: a `skip_serializing` member is carried, never read.
                    #[allow(dead_code)]
                    #[derive(#rt::serde::Serialize)]
                    #[serde(crate = #serde_path, rename_all = "camelCase")]
                    struct __AtlasBody<'__atlas> { #(#decls),* }
                    __body.json(&__AtlasBody { #(#inits),* })
                }
            }
        }
    }
}

/// What a body member's own `#[serde(…)]` attributes say about writing it: read once, for
/// the member-by-member writer and for serde's derive alike.
struct MemberSerde {
    /// `skip` or `skip_serializing`: never sent.
    skip: bool,
    /// `skip_serializing_if = "path"`.
    skip_if: Option<syn::ExprPath>,
    /// The member decides itself when it is left out (one of the two above).
    decides_skip: bool,
    /// An attribute only serde's derive reads (`serialize_with`, `flatten`, …).
    needs_serde: bool,
}

impl MemberSerde {
    fn read(f: &Field) -> Self {
        let mut m = MemberSerde {
            skip: false,
            skip_if: None,
            decides_skip: false,
            needs_serde: false,
        };
        for attr in &f.serde_attrs {
            let read = attr.parse_nested_meta(|meta| {
                let key = meta
                    .path
                    .get_ident()
                    .map(ToString::to_string)
                    .unwrap_or_default();
                match key.as_str() {
                    "skip" | "skip_serializing" => {
                        m.skip = true;
                        m.decides_skip = true;
                    }
                    "skip_serializing_if" => {
                        m.decides_skip = true;
                        let lit: syn::LitStr = meta.value()?.parse()?;
                        m.skip_if = Some(lit.parse()?);
                        return Ok(());
                    }
                    // Read by the macro already (the API name), or by deserializing only.
                    "rename" | "alias" | "default" | "skip_deserializing" => {}
                    _ => m.needs_serde = true,
                }
                crate::serde_attr::skip_value(&meta)
            });
            if read.is_err() {
                m.needs_serde = true;
            }
        }
        m
    }
}

/// The step that writes one body member through `BodyWriter`, as serde's derive would
/// with the member's own attributes: `None` (and `Patch::Unchanged`) left out unless
/// `send_null`, `skip_serializing_if` obeyed, `skip`/`skip_serializing` never sent.
fn lean_member(f: &Field, m: &MemberSerde) -> TokenStream {
    if m.skip {
        return quote!();
    }
    let ident = f.ident;
    let name = &f.api_name;
    // Spanned on the type: a member type that cannot be serialized is reported there.
    let span = f.ty.span();
    match &m.skip_if {
        Some(path) => quote_spanned! {span=>
            if !#path(&self.#ident) {
                __body.member(#name, &self.#ident)?;
            }
        },
        None if f.patch => quote_spanned!(span=> __body.patch_member(#name, &self.#ident)?;),
        None if f.optional && f.attrs.send_null.is_none() => {
            quote_spanned!(span=> __body.optional_member(#name, &self.#ident)?;)
        }
        None => quote_spanned!(span=> __body.member(#name, &self.#ident)?;),
    }
}

fn constructor(input: &Input, model: &Model) -> TokenStream {
    let rt = &private_alias();
    let vis = input.vis;
    if input.named_new {
        return named_constructor(input, model);
    }
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for f in &model.fields {
        let ident = f.ident;
        let ty = f.ty;
        if f.required() {
            // A path value takes what converts to it: `&str` for a `String` or an id type
            // (`OrgId`); integers stay plain so that literals infer.
            if f.location == Location::Path && !is_string(ty) && !is_integer(ty) {
                params.push(quote!(#ident: impl #rt::Into<#ty>));
                inits.push(quote!(#ident: #ident.into()));
            } else if is_string(ty) {
                params.push(quote!(#ident: impl #rt::Into<#rt::String>));
                inits.push(quote!(#ident: #ident.into()));
            } else {
                params.push(quote!(#ident: #ty));
                inits.push(quote!(#ident));
            }
        } else if f.optional {
            inits.push(quote!(#ident: __None));
        } else {
            inits.push(quote!(#ident: <#ty as #rt::Default>::default()));
        }
    }
    let build = if input.unit {
        quote!(Self)
    } else {
        quote!(Self { #(#inits),* })
    };
    quote! {
        /// Creates the call from its required fields; set optional ones with the
        /// chainable setters.
        #[must_use]
        #[inline]
        #vis fn new(#(#params),*) -> Self {
            #build
        }
    }
}

/// `new(Required { … })` for `named_new`: a struct named `<Type>Required` holds the
/// required values by name, so that no two can be swapped (six `i32`s in a row, or a
/// username beside a project id, are too easy to swap in a positional call).
fn named_constructor(input: &Input, model: &Model) -> TokenStream {
    let rt = &private_alias();
    let vis = input.vis;
    let required_ident = quote::format_ident!("{}Required", input.ident);
    let mut inits = Vec::new();
    for f in &model.fields {
        let field = f.ident;
        let ty = f.ty;
        if f.required() {
            inits.push(quote!(#field: required.#field));
        } else if f.optional {
            inits.push(quote!(#field: __None));
        } else {
            inits.push(quote!(#field: <#ty as #rt::Default>::default()));
        }
    }
    quote! {
        /// Creates the call from its required values, given by name; set optional ones
        /// with the chainable setters.
        #[must_use]
        #[inline]
        #vis fn new(required: #required_ident) -> Self {
            Self { #(#inits),* }
        }
    }
}

/// The `<Type>Required` struct of [`named_constructor`], beside the request type (outside
/// the expansion's private scope, so that callers can name it); nothing without `named_new`.
pub fn required_struct(input: &Input, model: &Model) -> TokenStream {
    if !input.named_new {
        return quote!();
    }
    let vis = input.vis;
    let ident = input.ident;
    let required_ident = quote::format_ident!("{}Required", ident);
    let members = model.fields.iter().filter(|f| f.required()).map(|f| {
        let field = f.ident;
        let ty = f.ty;
        let doc = format!("`{}` ({}).", f.api_name, location_word(f.location));
        quote!(#[doc = #doc] pub #field: #ty)
    });
    let doc = format!(
        "The required values of [`{ident}`], by name: `{ident}::new({required_ident} {{ … }})`."
    );
    quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #vis struct #required_ident {
            #(#members),*
        }
    }
}

fn setters(vis: &syn::Visibility, model: &Model) -> TokenStream {
    let rt = &private_alias();
    // A setter named like a generated method is a declaration error; leave it out so the
    // fallback does not add a second one.
    let setters = model
        .fields
        .iter()
        .filter(|f| {
            !f.required()
                && !crate::model::GENERATED_METHODS.contains(&f.ident.to_string().as_str())
        })
        .map(|f| {
            let ident = f.ident;
            let doc = format!("Sets `{}` ({}).", f.api_name, location_word(f.location));
            match option_inner(f.ty) {
                Some(inner) if is_string(inner) => quote! {
                    #[doc = #doc]
                    #[must_use]
                    #[inline]
                    #vis fn #ident(mut self, value: impl #rt::Into<#rt::String>) -> Self {
                        self.#ident = __Some(value.into());
                        self
                    }
                },
                Some(inner) => quote! {
                    #[doc = #doc]
                    #[must_use]
                    #[inline]
                    #vis fn #ident(mut self, value: #inner) -> Self {
                        self.#ident = __Some(value);
                        self
                    }
                },
                None => {
                    // `impl Into`: a `Patch<String>` takes a `String` (set) or `Patch::Clear`,
                    // a `Vec<T>` takes an array.
                    let ty = f.ty;
                    quote! {
                        #[doc = #doc]
                        #[must_use]
                        #[inline]
                        #vis fn #ident(mut self, value: impl #rt::Into<#ty>) -> Self {
                            self.#ident = value.into();
                            self
                        }
                    }
                }
            }
        });
    quote!(#(#setters)*)
}

/// Whether a body member's type is one of the runtime's id types (maybe in an `Option`),
/// which carry their pattern: such a member is checked as an id parameter is. Read from
/// the type's last name, as the macro reads `String` and `Option`.
fn is_id_type(ty: &syn::Type) -> bool {
    let inner = option_inner(ty).unwrap_or(ty);
    let syn::Type::Path(path) = inner else {
        return false;
    };
    path.path.segments.last().is_some_and(|s| {
        matches!(s.arguments, syn::PathArguments::None)
            && ["OrgId", "GroupId", "ClientId", "ObjectId"]
                .iter()
                .any(|id| s.ident == id)
    })
}

fn location_word(l: Location) -> &'static str {
    match l {
        Location::Path => "path",
        Location::Query => "query",
        Location::Header => "header",
        Location::Body => "body member",
        Location::WholeBody => "the whole body",
    }
}
