//! Code emission. Generated code is data (`INFO`) plus one runtime call per field and
//! rule; everything with logic lives in `atlas_runtime`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::fields::NumberLit;
use crate::model::{BodyKind, Field, Location, Model, is_string, option_inner};
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
    pub unit: bool,
}

pub fn endpoint(input: &Input, model: &Model) -> TokenStream {
    let Input {
        krate, ident, vis, ..
    } = input;
    let response = &input.response;
    let info = info(input, model);
    let validate = validate(krate, model);
    let write_path = write_path(krate, model);
    let write_query = write_params(krate, model, Location::Query);
    let write_headers = write_params(krate, model, Location::Header);
    let write_body = write_body(krate, model);
    let constructor = constructor(input, model);
    let setters = setters(input.vis, model);
    let paged = paged(input, model);
    let path_segments = path_segments(krate, model);
    let header_values = header_values(krate, model);

    quote! {
        impl #krate::Endpoint for #ident {
            type Response = #response;
            const INFO: #krate::EndpointInfo = #info;
            #validate
            #write_path
            #write_query
            #write_headers
            #write_body
        }

        impl #ident {
            /// Method, template, version and parameters of this endpoint.
            pub const INFO: #krate::EndpointInfo = <Self as #krate::Endpoint>::INFO;

            #constructor
            #setters
            #path_segments
            #header_values

            /// Validates this call, sends it and decodes the answer.
            ///
            /// Invalid input is refused before any I/O, with every violation at once.
            ///
            /// # Errors
            /// [`Error`](#krate::Error): its variant says how far the call got.
            #vis fn send(&self, client: &#krate::Client) -> ::core::result::Result<#response, #krate::Error> {
                client.send(self)
            }
        }

        #paged
    }
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
    let Input {
        krate, ident, vis, ..
    } = input;
    quote! {
        impl #krate::Paged for #ident {
            type Item = #item;
            fn page_num(&self) -> ::core::option::Option<i32> {
                self.#page
            }
            fn set_page_num(&mut self, page: i32) {
                self.#page = ::core::option::Option::Some(page);
            }
            fn items_per_page(&self) -> ::core::option::Option<i32> {
                self.#size
            }
            fn set_items_per_page(&mut self, size: i32) {
                self.#size = ::core::option::Option::Some(size);
            }
        }

        impl #ident {
            /// Lazily fetches every page, from `pageNum` (default 1), asking for
            /// `itemsPerPage` items (default 500, Atlas's maximum). An error ends the
            /// walk and is yielded after the pages before it.
            #vis fn pages<'c>(&self, client: &'c #krate::Client) -> #krate::Pages<'c, Self> {
                #krate::Pages::new(client, self)
            }

            /// Lazily yields every item of every page; an error is yielded after the
            /// items of the pages before it, and ends the walk.
            #vis fn items<'c>(&self, client: &'c #krate::Client) -> #krate::Items<'c, Self> {
                #krate::Items::new(client, self)
            }
        }
    }
}

fn info(input: &Input, model: &Model) -> TokenStream {
    let krate = input.krate;
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
    let params = model.fields.iter().map(|f| param_info(krate, f));
    let idempotent = input.idempotent;
    let body = format_ident!(
        "{}",
        match model.body {
            BodyKind::None => "None",
            BodyKind::Object => "Object",
            BodyKind::Whole => "Whole",
        }
    );
    quote! {
        #krate::EndpointInfo::__new(
            #krate::Method::#method,
            #template,
            #version,
            #operation_id,
            #type_name,
            &[#(#params),*],
            #krate::BodyKind::#body,
            #idempotent,
        )
    }
}

fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

fn param_info(krate: &syn::Path, f: &Field) -> TokenStream {
    let field = f.ident.to_string();
    let field = field.strip_prefix("r#").unwrap_or(&field);
    let api_name = &f.api_name;
    let location = location_ident(f.location);
    let required = f.required();
    let sensitive = f.attrs.sensitive;
    let encoded = f.attrs.encoded.is_some();
    let mut constraints: Vec<TokenStream> = f
        .patterns
        .iter()
        .map(|(lit, p)| {
            let tables = p.to_tokens(krate, lit);
            quote!(#krate::Constraint::Pattern(#tables))
        })
        .collect();
    if let Some(r) = &f.attrs.range {
        let bound = |b: &Option<(NumberLit, bool)>| match b {
            Some((n, exclusive)) => {
                let value = number(krate, n);
                quote!(::core::option::Option::Some(#krate::Bound { value: #value, exclusive: #exclusive }))
            }
            None => quote!(::core::option::Option::None),
        };
        let (min, max) = (bound(&r.min), bound(&r.max));
        constraints.push(quote!(#krate::Constraint::Range { min: #min, max: #max }));
    }
    if let Some(l) = &f.attrs.length {
        let opt = |v: Option<usize>| match v {
            Some(n) => quote!(::core::option::Option::Some(#n)),
            None => quote!(::core::option::Option::None),
        };
        let (min, max) = (opt(l.min), opt(l.max));
        constraints.push(quote!(#krate::Constraint::Length { min: #min, max: #max }));
    }
    quote! {
        #krate::ParamInfo::__new(
            #field, #api_name, #krate::Location::#location,
            #required, #sensitive, #encoded, &[#(#constraints),*],
        )
    }
}

fn number(krate: &syn::Path, n: &NumberLit) -> TokenStream {
    let sign = if n.negative { quote!(-) } else { quote!() };
    match &n.lit {
        syn::Lit::Float(f) => {
            let v = f.base10_digits();
            let lit = proc_macro2::Literal::f64_unsuffixed(v.parse().unwrap_or(0.0));
            quote!(#krate::Number::Float(#sign #lit))
        }
        other => {
            let v = match other {
                syn::Lit::Int(i) => i.base10_digits().parse::<i128>().unwrap_or(0),
                _ => 0,
            };
            let lit = proc_macro2::Literal::i128_unsuffixed(v);
            quote!(#krate::Number::Int(#sign #lit))
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

fn validate(krate: &syn::Path, model: &Model) -> TokenStream {
    let mut checks = Vec::new();
    let mut segment = 0usize;
    for (i, f) in model.fields.iter().enumerate() {
        let ident = f.ident;
        let ty = f.ty;
        // Turbofish with the field's own type: a rule that cannot apply to it is reported
        // on the type, in the user's code.
        if f.location == Location::Path {
            checks.push(quote!(__v.path(&__params[#i], &__segments[#segment]);));
            segment += 1;
        } else {
            if !f.patterns.is_empty() {
                checks.push(quote!(__v.pattern::<#ty>(&__params[#i], &self.#ident);));
            }
        }
        if f.attrs.range.is_some() {
            checks.push(quote!(__v.range::<#ty>(&__params[#i], &self.#ident);));
        }
        if f.attrs.length.is_some() {
            checks.push(quote!(__v.length::<#ty>(&__params[#i], &self.#ident);));
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
                __v.header(&__params[__i], &__value);
            }
        });
    }
    let params = if checks.is_empty() {
        quote!()
    } else {
        quote!(let __params = <Self as #krate::Endpoint>::INFO.params;)
    };
    let mutability = if checks.is_empty() {
        quote!()
    } else {
        quote!(mut)
    };
    quote! {
        fn validate(&self) -> ::core::result::Result<(), #krate::ValidationError> {
            #params
            #segments
            let #mutability __v = #krate::Validator::new();
            #(#checks)*
            __v.finish(<Self as #krate::Endpoint>::INFO.type_name)
        }
    }
}

/// Every header value with its parameter's index: the one place a header field's type
/// meets `ParamValues`, shared by validation and writing.
fn header_values(krate: &syn::Path, model: &Model) -> TokenStream {
    let pushes: Vec<TokenStream> = model
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.location == Location::Header)
        .map(|(i, f)| {
            let ident = f.ident;
            let ty = f.ty;
            quote!(<#ty as #krate::ParamValues>::each_value(&self.#ident, &mut |__s| __out.push((#i, __s.to_string())));)
        })
        .collect();
    if pushes.is_empty() {
        return quote!();
    }
    quote! {
        #[doc(hidden)]
        fn __atlas_header_values(&self) -> ::std::vec::Vec<(usize, ::std::string::String)> {
            let mut __out = ::std::vec::Vec::new();
            #(#pushes)*
            __out
        }
    }
}

/// The text of every path value, in template order: the one place a path field's type
/// meets `PathSegment`, so a type that cannot be a segment is reported once, on the type.
fn path_segments(krate: &syn::Path, model: &Model) -> TokenStream {
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
        quote!(<#ty as #krate::PathSegment>::to_segment(&self.#ident))
    });
    quote! {
        #[doc(hidden)]
        fn __atlas_path_segments(&self) -> [::std::borrow::Cow<'_, str>; #n] {
            [#(#values),*]
        }
    }
}

fn write_path(krate: &syn::Path, model: &Model) -> TokenStream {
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
        fn write_path(&self, __path: &mut #krate::PathWriter) {
            #segments
            #(#steps)*
        }
    }
}

fn write_params(krate: &syn::Path, model: &Model, location: Location) -> TokenStream {
    let steps: Vec<TokenStream> = model
        .fields
        .iter()
        .filter(|f| f.location == location)
        .map(|f| {
            let ident = f.ident;
            let ty = f.ty;
            let name = &f.api_name;
            quote!(__w.param::<#ty>(#name, &self.#ident);)
        })
        .collect();
    if steps.is_empty() {
        return quote!();
    }
    if location == Location::Query {
        quote! {
            fn write_query(&self, __w: &mut #krate::QueryWriter) { #(#steps)* }
        }
    } else {
        quote! {
            fn write_headers(&self, __w: &mut #krate::HeaderWriter) {
                let __params = <Self as #krate::Endpoint>::INFO.params;
                for (__i, __value) in self.__atlas_header_values() {
                    __w.param(__params[__i].api_name, &__value);
                }
            }
        }
    }
}

fn write_body(krate: &syn::Path, model: &Model) -> TokenStream {
    let result = quote!(::core::result::Result<(), #krate::__private::serde_json::Error>);
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
                fn write_body(&self, __body: &mut #krate::BodyWriter) -> #result {
                    __body.json(&self.#ident)
                }
            }
        }
        BodyKind::Object => {
            let members: Vec<&Field> = model
                .fields
                .iter()
                .filter(|f| f.location == Location::Body)
                .collect();
            let serde_path = format!("{}::__private::serde", quote!(#krate)).replace(' ', "");
            let decls = members.iter().map(|f| {
                let ident = f.ident;
                let ty = f.ty;
                let attrs = &f.serde_attrs;
                quote!(#(#attrs)* #ident: &'__a #ty)
            });
            let inits = members.iter().map(|f| {
                let ident = f.ident;
                quote!(#ident: &self.#ident)
            });
            quote! {
                fn write_body(&self, __body: &mut #krate::BodyWriter) -> #result {
                    #[derive(#krate::__private::serde::Serialize)]
                    #[serde(crate = #serde_path, rename_all = "camelCase")]
                    struct __AtlasBody<'__a> { #(#decls),* }
                    __body.json(&__AtlasBody { #(#inits),* })
                }
            }
        }
    }
}

fn constructor(input: &Input, model: &Model) -> TokenStream {
    let vis = input.vis;
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for f in &model.fields {
        let ident = f.ident;
        let ty = f.ty;
        if f.required() {
            if is_string(ty) {
                params.push(quote!(#ident: impl ::core::convert::Into<::std::string::String>));
                inits.push(quote!(#ident: #ident.into()));
            } else {
                params.push(quote!(#ident: #ty));
                inits.push(quote!(#ident));
            }
        } else if f.optional {
            inits.push(quote!(#ident: ::core::option::Option::None));
        } else {
            inits.push(quote!(#ident: <#ty as ::core::default::Default>::default()));
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
        #[allow(clippy::too_many_arguments)]
        #vis fn new(#(#params),*) -> Self {
            #build
        }
    }
}

fn setters(vis: &syn::Visibility, model: &Model) -> TokenStream {
    let setters = model.fields.iter().filter(|f| !f.required()).map(|f| {
        let ident = f.ident;
        let doc = format!("Sets `{}` ({}).", f.api_name, location_word(f.location));
        match option_inner(f.ty) {
            Some(inner) if is_string(inner) => quote! {
                #[doc = #doc]
                #[must_use]
                #vis fn #ident(mut self, value: impl ::core::convert::Into<::std::string::String>) -> Self {
                    self.#ident = ::core::option::Option::Some(value.into());
                    self
                }
            },
            Some(inner) => quote! {
                #[doc = #doc]
                #[must_use]
                #vis fn #ident(mut self, value: #inner) -> Self {
                    self.#ident = ::core::option::Option::Some(value);
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
                    #vis fn #ident(mut self, value: impl ::core::convert::Into<#ty>) -> Self {
                        self.#ident = value.into();
                        self
                    }
                }
            }
        }
    });
    quote!(#(#setters)*)
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
