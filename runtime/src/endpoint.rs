//! What an endpoint is: the trait `#[atlas_endpoint]` implements and the metadata it carries.
//!
//! An endpoint only *describes* a request. Building the HTTP request, sending it and
//! decoding the answer live elsewhere ([`crate::request`], [`crate::Client`],
//! [`crate::response`]), so the generated code stays data plus a few calls.

use serde::de::DeserializeOwned;

use crate::pattern::Pattern;
use crate::request::{BodyWriter, HeaderWriter, PathWriter, QueryWriter};
use crate::validate::ValidationError;

/// An Atlas Administration API operation.
///
/// Implemented by `#[atlas_endpoint]`; implement it by hand only if you must: the macro
/// also checks the declaration against the template at compile time.
pub trait Endpoint {
    /// What a successful call returns; `()` for operations without a body (204), which
    /// ignores any body.
    type Response: DeserializeOwned + 'static;

    /// Method, template, version and every parameter with its rules.
    const INFO: EndpointInfo;

    /// Checks every input against its rules, reporting all violations at once.
    ///
    /// [`Client::send`](crate::Client::send) calls this before any I/O.
    fn validate(&self) -> Result<(), ValidationError>;

    /// Writes the path below `/api/atlas/v2`, one encoded segment per path value.
    fn write_path(&self, path: &mut PathWriter);

    /// Appends this endpoint's query parameters.
    fn write_query(&self, _query: &mut QueryWriter) {}

    /// Adds this endpoint's own headers (parameters declared `#[atlas(header = "…")]`).
    fn write_headers(&self, _headers: &mut HeaderWriter) {}

    /// Serializes the JSON body, if the operation has one.
    fn write_body(&self, _body: &mut BodyWriter) -> Result<(), serde_json::Error> {
        Ok(())
    }
}

/// The HTTP methods: the five the Atlas Administration API uses, and the others RFC 9110
/// defines, so that a request the client is handed ([`Client::execute`](crate::Client::execute))
/// is always reported by its own method. An extension method (one HTTP does not define) has
/// no value here: the client refuses it before any I/O.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`
    Head,
    /// `OPTIONS`
    Options,
    /// `TRACE`
    Trace,
    /// `CONNECT`
    Connect,
}

impl Method {
    /// The method's name as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
            Method::Connect => "CONNECT",
        }
    }

    /// The method of an `http` request; `None` for an extension method.
    pub fn from_http(method: &http::Method) -> Option<Method> {
        Some(match *method {
            http::Method::GET => Method::Get,
            http::Method::POST => Method::Post,
            http::Method::PUT => Method::Put,
            http::Method::PATCH => Method::Patch,
            http::Method::DELETE => Method::Delete,
            http::Method::HEAD => Method::Head,
            http::Method::OPTIONS => Method::Options,
            http::Method::TRACE => Method::Trace,
            http::Method::CONNECT => Method::Connect,
            _ => return None,
        })
    }

    /// Whether repeating the request leaves the server as one request would (RFC 9110).
    ///
    /// POST and PATCH are not: a lost answer to "create a secret" must not create two.
    pub const fn is_idempotent(self) -> bool {
        matches!(
            self,
            Method::Get
                | Method::Put
                | Method::Delete
                | Method::Head
                | Method::Options
                | Method::Trace
        )
    }

    /// The success statuses Atlas documents for this method.
    pub const fn success_statuses(self) -> &'static [u16] {
        match self {
            Method::Get => &[200],
            Method::Post => &[200, 201, 202, 204],
            Method::Put => &[200, 201, 202, 204],
            Method::Patch => &[200, 202, 204],
            Method::Delete => &[200, 202, 204],
            Method::Head | Method::Options | Method::Trace | Method::Connect => &[200, 204],
        }
    }

    pub(crate) fn to_http(self) -> http::Method {
        match self {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Patch => http::Method::PATCH,
            Method::Delete => http::Method::DELETE,
            Method::Head => http::Method::HEAD,
            Method::Options => http::Method::OPTIONS,
            Method::Trace => http::Method::TRACE,
            Method::Connect => http::Method::CONNECT,
        }
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything known about an endpoint without an instance of it.
///
/// Read by validation, by documentation and by the conformance check against the official
/// OpenAPI spec.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct EndpointInfo {
    /// HTTP method.
    pub method: Method,
    /// Path template relative to `/api/atlas/v2`, e.g. `/orgs/{orgId}/serviceAccounts`.
    pub template: &'static str,
    /// API version (`YYYY-MM-DD` or `preview`); `None` means the client's default.
    pub version: Option<&'static str>,
    /// The spec's `operationId`, when declared.
    pub operation_id: Option<&'static str>,
    /// Name of the Rust type declaring the endpoint.
    pub type_name: &'static str,
    /// Every parameter, in field order.
    pub params: &'static [ParamInfo],
    /// How the request body is made.
    pub body: BodyKind,
    /// Declared safe to repeat (`idempotent`), whatever the method: failures after the
    /// request may have reached Atlas are then retried.
    pub idempotent: bool,
    /// The answer's forms (`format = "gzip"`, `format(json, csv)`), the default first;
    /// empty means JSON only.
    pub formats: &'static [crate::format::Format],
    /// The spec's tag (`Service Accounts`): the CLI's command group, in lowerCamel.
    pub tag: Option<&'static str>,
    /// The spec's short operation id (`x-xgen-operation-id-override`, `createOrgSecret`):
    /// the CLI's command name; the full [`operation_id`](Self::operation_id) is its alias.
    pub short_id: Option<&'static str>,
    /// The operation's documentation page.
    pub docs: Option<&'static str>,
    /// The date (`YYYY-MM-DD`) this version stops answering, when announced.
    pub sunset: Option<&'static str>,
    /// The roles that may call the operation, as the spec names them.
    pub roles: &'static [&'static str],
}

impl EndpointInfo {
    /// For generated code, through `__private::endpoint_info`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) const fn new(
        method: Method,
        template: &'static str,
        version: Option<&'static str>,
        operation_id: Option<&'static str>,
        type_name: &'static str,
        params: &'static [ParamInfo],
        body: BodyKind,
        idempotent: bool,
    ) -> Self {
        EndpointInfo {
            method,
            template,
            version,
            operation_id,
            type_name,
            params,
            body,
            idempotent,
            formats: &[],
            tag: None,
            short_id: None,
            docs: None,
            sunset: None,
            roles: &[],
        }
    }

    /// This metadata with what tools show and route by: tag, short id, docs URL, sunset
    /// date and roles (the attribute's `tag`, `short_id`, `docs`, `sunset`, `roles`).
    pub const fn with_meta(
        mut self,
        tag: Option<&'static str>,
        short_id: Option<&'static str>,
        docs: Option<&'static str>,
        sunset: Option<&'static str>,
        roles: &'static [&'static str],
    ) -> Self {
        self.tag = tag;
        self.short_id = short_id;
        self.docs = docs;
        self.sunset = sunset;
        self.roles = roles;
        self
    }

    /// This metadata with the answer's forms, the default first.
    pub const fn with_formats(mut self, formats: &'static [crate::format::Format]) -> Self {
        self.formats = formats;
        self
    }

    /// The form asked for when a call names none: the first declared, else JSON.
    pub fn default_format(&self) -> crate::format::Format {
        self.formats
            .first()
            .copied()
            .unwrap_or(crate::format::Format::Json)
    }

    /// The form a call asks for: the one its options name, else the default. What
    /// `Accept` says, and what an error later reports as sent.
    pub(crate) fn format_for(
        &self,
        options: &crate::options::RequestOptions,
    ) -> crate::format::Format {
        options.format.unwrap_or_else(|| self.default_format())
    }

    /// Whether the operation answers in `format`.
    pub fn offers(&self, format: crate::format::Format) -> bool {
        if self.formats.is_empty() {
            format == crate::format::Format::Json
        } else {
            self.formats.contains(&format)
        }
    }

    /// Whether a failure after the request may have reached Atlas can be retried: the
    /// method is idempotent, or the declaration says so.
    pub fn may_repeat(&self) -> bool {
        self.idempotent || self.method.is_idempotent()
    }

    /// The parameter with this API name (`orgId`), if any.
    pub fn param(&self, api_name: &str) -> Option<&'static ParamInfo> {
        self.params.iter().find(|p| p.api_name == api_name)
    }

    /// The parameters in one location, in field order.
    pub fn params_in(&self, location: Location) -> impl Iterator<Item = &'static ParamInfo> {
        self.params.iter().filter(move |p| p.location == location)
    }
}

/// How an endpoint's request body is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyKind {
    /// No body.
    None,
    /// A JSON object whose members are the fields not bound elsewhere.
    Object,
    /// One field marked `#[atlas(body)]` is the whole JSON body (an array body is a `Vec`).
    Whole,
}

/// Where a parameter travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Location {
    /// A `{placeholder}` of the path template.
    Path,
    /// A query-string parameter.
    Query,
    /// A request header.
    Header,
    /// A member of the JSON object body.
    Body,
    /// The whole JSON body.
    WholeBody,
}

impl Location {
    /// A lower-case word for messages (`path`, `query`, …).
    pub const fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
            Location::Body => "body",
            Location::WholeBody => "whole body",
        }
    }
}

/// One parameter of an endpoint.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ParamInfo {
    /// The Rust field name.
    pub field: &'static str,
    /// The name Atlas uses (`orgId`, `itemsPerPage`, `secretExpiresAfterHours`).
    pub api_name: &'static str,
    /// Where it travels.
    pub location: Location,
    /// Whether the caller must give it (its type is not an `Option` and has no default).
    pub required: bool,
    /// Whether its value must never be shown (validation errors print `<redacted>`).
    pub sensitive: bool,
    /// For path values that are sent already percent-encoded (`192.0.2.0%2F24`).
    pub encoded: bool,
    /// Rules checked by `validate()`, as declared.
    pub constraints: &'static [Constraint],
    /// The rule the field's type carries (an id type such as
    /// [`OrgId`](crate::OrgId)), checked before `constraints`; see [`Self::patterns`].
    pub type_pattern: Option<Pattern>,
    /// What the value is, read from the field's type: how a tool parses it from text.
    pub kind: ValueKind,
}

/// The shape of a parameter's value, for tools that read it from text (the CLI's flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueKind {
    /// Text (also id types, and enums sent by name in a query).
    Text,
    /// A whole number.
    Integer,
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Bool,
    /// A sequence of values of one kind (a repeated query parameter, a JSON array).
    Array(&'static ValueKind),
    /// Anything else: a JSON value (objects, enums in a body, nested types).
    Json,
}

impl ValueKind {
    /// A lower-case word for help texts: `string`, `integer`, `strings`, …
    pub const fn as_str(self) -> &'static str {
        match self {
            ValueKind::Text => "string",
            ValueKind::Integer => "integer",
            ValueKind::Number => "number",
            ValueKind::Bool => "bool",
            ValueKind::Array(item) => match item {
                ValueKind::Text => "strings",
                ValueKind::Integer => "integers",
                ValueKind::Number => "numbers",
                ValueKind::Bool => "bools",
                _ => "array",
            },
            ValueKind::Json => "json",
        }
    }
}

impl ParamInfo {
    /// For generated code, through `__private::param_info`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) const fn new(
        field: &'static str,
        api_name: &'static str,
        location: Location,
        required: bool,
        sensitive: bool,
        encoded: bool,
        constraints: &'static [Constraint],
    ) -> Self {
        ParamInfo {
            field,
            api_name,
            location,
            required,
            sensitive,
            encoded,
            constraints,
            type_pattern: None,
            kind: ValueKind::Text,
        }
    }

    /// This parameter with the shape of its value (the macro reads it from the type).
    pub const fn with_kind(mut self, kind: ValueKind) -> Self {
        self.kind = kind;
        self
    }

    /// This parameter with the rule its type carries (the macro passes
    /// `<T as PathSegment>::PATTERN` or `<T as ParamValues>::PATTERN`): a field in its
    /// own right, so that a declaration lists its constraints once whether or not the
    /// type carries one.
    pub const fn with_type_pattern(mut self, pattern: Option<Pattern>) -> Self {
        self.type_pattern = pattern;
        self
    }

    /// The patterns this parameter must match: its type's first, then the declared ones.
    pub fn patterns(&self) -> impl Iterator<Item = &Pattern> {
        self.type_pattern
            .iter()
            .chain(self.constraints.iter().filter_map(|c| match c {
                Constraint::Pattern(p) => Some(p),
                _ => None,
            }))
    }
}

/// A rule on a parameter's value.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Constraint {
    /// The value (each item, for sequences) must contain a match of the pattern.
    Pattern(Pattern),
    /// A numeric value must lie within the bounds.
    Range {
        /// Lower bound.
        min: Option<Bound>,
        /// Upper bound.
        max: Option<Bound>,
    },
    /// The length (characters of a string, items of a sequence) must lie within the bounds.
    Length {
        /// Fewest allowed.
        min: Option<usize>,
        /// Most allowed.
        max: Option<usize>,
    },
}

/// One end of a numeric range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: Number,
    /// Whether the limit itself is excluded (`exclusiveMinimum`).
    pub exclusive: bool,
}

/// A number as written in a declaration or held by a field.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// Integers of every width.
    Int(i128),
    /// Floating point.
    Float(f64),
}

impl Number {
    fn as_f64(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// Integers compare exactly; anything with a float compares as `f64`.
impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<std::cmp::Ordering> {
        match (*self, *other) {
            (Number::Int(a), Number::Int(b)) => Some(a.cmp(&b)),
            (a, b) => a.as_f64().partial_cmp(&b.as_f64()),
        }
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}
