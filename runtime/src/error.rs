//! Errors, by the phase of a call in which they happen.
//!
//! The phase answers the question a caller asks first: did anything reach Atlas?
//! [`Error::Validation`] and [`Error::Request`] never did; [`Error::Transport`] says
//! whether it may have; [`Error::Api`] and [`Error::Decode`] did.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::endpoint::Method;
use crate::retry::Attempt;
use crate::validate::ValidationError;

/// Longest body excerpt kept in errors.
pub(crate) const BODY_EXCERPT_BYTES: usize = 2048;

/// What can go wrong in a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The input broke the endpoint's rules. Nothing was sent.
    Validation(ValidationError),
    /// The request could not be built (body serialization, header values). Nothing was sent.
    Request(RequestError),
    /// Credentials could not be turned into an authenticated request: the token endpoint
    /// refused, rate-limited or failed. The API call itself was not sent.
    Auth(AuthError),
    /// Connecting, TLS, a timeout or the connection failed.
    Transport(TransportError),
    /// Atlas answered with an error status.
    Api(Box<ApiError>),
    /// Atlas answered with success, but the body is not what the endpoint returns.
    Decode(DecodeError),
}

impl Error {
    /// The HTTP status Atlas answered with, if it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Auth(e) => e.status,
            _ => None,
        }
    }

    /// Atlas's `errorCode` (`RESOURCE_NOT_FOUND`, `RATE_LIMITED`, …), if it sent one.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.error_code.as_deref(),
            _ => None,
        }
    }

    /// Whether sending the same call again may succeed and cannot duplicate a write: the
    /// same rule the client's own retries follow.
    ///
    /// True for rate limits (429, or any status with a `RATE_LIMITED*` code, from the API or
    /// the token endpoint), 503, and failures before the request was sent; for other 5xx
    /// and failures after sending, only for idempotent methods (GET, PUT, DELETE).
    pub fn is_retryable(&self) -> bool {
        let idempotent = match self {
            Error::Transport(e) => e.method.is_some_and(Method::is_idempotent),
            Error::Api(e) => e.method.is_idempotent(),
            _ => false,
        };
        crate::retry::should_retry(self, idempotent)
    }

    /// Every failed attempt when the call was retried (empty when it was tried once).
    pub fn attempts(&self) -> &[Attempt] {
        match self {
            Error::Api(e) => &e.attempts,
            Error::Transport(e) => &e.attempts,
            _ => &[],
        }
    }

    /// Attaches the story of a retried call.
    pub(crate) fn with_attempts(mut self, attempts: Vec<Attempt>) -> Self {
        match &mut self {
            Error::Api(e) => e.attempts = attempts,
            Error::Transport(e) => e.attempts = attempts,
            _ => {}
        }
        self
    }

    /// How long Atlas asked to wait before retrying (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after,
            Error::Auth(e) => e.retry_after,
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => e.fmt(f),
            Error::Request(e) => e.fmt(f),
            Error::Auth(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Api(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
        }
    }
}

/// Transparent: `Display` is the phase's own message and `source()` is the phase's
/// source, so a report that walks the chain (`anyhow`, `eyre`) prints each message once.
impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Validation(e) => e.source(),
            Error::Request(e) => e.source(),
            Error::Auth(e) => e.source(),
            Error::Transport(e) => e.source(),
            Error::Api(e) => e.source(),
            Error::Decode(e) => e.source(),
        }
    }
}

impl Error {
    /// Replaces every secret the scrubber knows in every text this error carries.
    pub(crate) fn scrub(&mut self, scrubber: &crate::redact::Scrubber) {
        self.edit_received_texts(|text| scrubber.scrub(text));
    }

    /// Calls `edit` on every text in this error that a server sent (or that quotes what
    /// it sent): an API error's code, detail, reason, body, parameters (each string, keys
    /// included) and field violations, a token endpoint's message, an undecodable body's
    /// excerpt, and each attempt's failure. The texts the client writes itself are not
    /// visited.
    ///
    /// For a tool that shows errors to people: a server's text can hold terminal escapes
    /// or line breaks, which the tool can neutralise here without touching the rest of
    /// the message.
    ///
    /// ```
    /// # fn show(mut error: atlas_runtime::Error) -> String {
    /// error.edit_received_texts(|text| text.retain(|c| !c.is_control()));
    /// error.to_string()
    /// # }
    /// ```
    pub fn edit_received_texts(&mut self, mut edit: impl FnMut(&mut String)) {
        let attempts = match self {
            Error::Auth(e) => {
                edit(&mut e.message);
                return;
            }
            Error::Api(e) => {
                for text in [
                    &mut e.error_code,
                    &mut e.detail,
                    &mut e.reason,
                    &mut e.raw_body,
                ]
                .into_iter()
                .flatten()
                {
                    edit(text);
                }
                for p in &mut e.parameters {
                    edit_json_texts(p, &mut edit);
                }
                for v in &mut e.field_violations {
                    edit(&mut v.field);
                    edit(&mut v.description);
                }
                &mut e.attempts
            }
            Error::Decode(e) => {
                edit(&mut e.body_excerpt);
                edit(&mut e.message);
                return;
            }
            Error::Transport(e) => &mut e.attempts,
            _ => return,
        };
        for a in attempts {
            edit(&mut a.failure);
        }
    }
}

/// `edit` on every string inside a JSON value, keys included.
fn edit_json_texts(value: &mut serde_json::Value, edit: &mut impl FnMut(&mut String)) {
    match value {
        serde_json::Value::String(s) => edit(s),
        serde_json::Value::Array(items) => {
            for v in items {
                edit_json_texts(v, edit);
            }
        }
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (mut k, mut v) in entries {
                edit(&mut k);
                edit_json_texts(&mut v, edit);
                map.insert(k, v);
            }
        }
        _ => {}
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

/// The request could not be assembled. Nothing was sent.
#[derive(Debug)]
pub struct RequestError {
    /// The endpoint.
    pub endpoint: &'static str,
    /// What failed.
    pub message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl RequestError {
    pub(crate) fn body(endpoint: &'static str, e: serde_json::Error) -> Self {
        RequestError {
            endpoint,
            message: "the request body could not be serialized".into(),
            source: Some(Box::new(e)),
        }
    }

    /// A request whose method HTTP does not define (an extension method), refused before
    /// sending: the client would have no [`Method`] to report it by.
    pub(crate) fn extension_method(endpoint: &'static str, method: &http::Method) -> Self {
        RequestError {
            endpoint,
            message: format!(
                "the method {method} is not one HTTP defines; the client sends GET, HEAD, POST, \
                 PUT, PATCH, DELETE, OPTIONS, TRACE and CONNECT"
            ),
            source: None,
        }
    }

    /// A call at a version past its sunset, refused before sending ([`crate::sunset`]).
    pub(crate) fn sunset(endpoint: &'static str, message: String) -> Self {
        RequestError {
            endpoint,
            message,
            source: None,
        }
    }

    pub(crate) fn format_not_offered(
        info: &crate::endpoint::EndpointInfo,
        format: crate::format::Format,
    ) -> Self {
        let offered: Vec<&str> = if info.formats.is_empty() {
            vec!["json"]
        } else {
            info.formats.iter().map(|f| f.as_str()).collect()
        };
        RequestError {
            endpoint: info.type_name,
            message: format!(
                "the operation answers in {}, not {format}",
                offered.join(" or ")
            ),
            source: None,
        }
    }

    pub(crate) fn refused_header(
        endpoint: &'static str,
        name: &str,
        why: atlas_rules::headers::RefusedHeader,
    ) -> Self {
        RequestError {
            endpoint,
            message: format!(
                "RequestOptions::header cannot set `{name}`: {}",
                why.reason()
            ),
            source: None,
        }
    }

    pub(crate) fn assemble(endpoint: &'static str, e: http::Error) -> Self {
        RequestError {
            endpoint,
            message: "the request could not be assembled (URL or header value)".into(),
            source: Some(Box::new(e)),
        }
    }
}

/// The cause (a serializer's or `http`'s error) is the [`source`](std::error::Error::source),
/// not repeated here.
impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.endpoint, self.message)
    }
}

impl std::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as _)
    }
}

/// Why credentials could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// The token endpoint answered 429: wait for `retry_after`.
    RateLimited,
    /// The client id and secret were refused.
    Refused,
    /// The token endpoint issued a token type other than Bearer.
    UnsupportedTokenType,
    /// The token endpoint's answer could not be read.
    InvalidResponse,
    /// The token endpoint answered with another error status.
    Status,
    /// The token endpoint could not be reached.
    Unreachable,
}

/// Credentials could not be turned into an authenticated request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AuthError {
    /// What failed.
    pub kind: AuthErrorKind,
    /// The token endpoint's status, if it answered.
    pub status: Option<u16>,
    /// `Retry-After` of a 429.
    pub retry_after: Option<Duration>,
    /// What happened, for people.
    pub message: String,
}

impl AuthError {
    pub(crate) fn new(kind: AuthErrorKind, status: Option<u16>, message: String) -> Self {
        AuthError {
            kind,
            status,
            retry_after: None,
            message,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("authentication failed")?;
        if let Some(s) = self.status {
            write!(f, " ({s})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(d) = self.retry_after {
            write!(f, "; retry after {}s", d.as_secs())?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {}

/// Why the exchange with the server failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The host name did not resolve.
    Dns,
    /// The TCP connection could not be made.
    Connect,
    /// TLS failed.
    Tls,
    /// A timeout elapsed.
    Timeout,
    /// The connection broke or the server spoke broken HTTP.
    Io,
    /// The response body was larger than the client accepts.
    BodyTooLarge,
    /// The URL could not be used.
    InvalidUrl,
    /// The proxy refused or failed the tunnel (a `CONNECT` answered with an error, a
    /// proxy asking for credentials, a proxy that closed the connection).
    Proxy,
    /// Anything else the HTTP stack reported.
    Other,
}

/// The exchange with the server failed. The HTTP stack's own error is the
/// [`source`](std::error::Error::source), not repeated in `Display`.
#[derive(Debug)]
pub struct TransportError {
    /// What failed.
    pub kind: TransportErrorKind,
    /// Whether the request may have reached the server (and so may have taken effect).
    pub maybe_sent: bool,
    /// The method of the failed request; `None` for an extension method, which only a
    /// transport used directly sees (the client refuses one before any I/O).
    pub method: Option<Method>,
    /// Where it went, without the query string.
    pub url: String,
    /// Every attempt, when the call was retried.
    pub attempts: Vec<Attempt>,
    /// The method as it was on the request, for the message.
    wire_method: http::Method,
    source: Box<dyn std::error::Error + Send + Sync>,
}

impl TransportError {
    /// Creates one; for transports other than the built-in one.
    pub fn new(
        kind: TransportErrorKind,
        maybe_sent: bool,
        method: Method,
        url: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            kind,
            maybe_sent,
            method: Some(method),
            url: url.into(),
            attempts: Vec::new(),
            wire_method: method.to_http(),
            source: source.into(),
        }
    }

    /// One for a request as it is: reported by its own method, whatever it is.
    pub(crate) fn of_request(
        kind: TransportErrorKind,
        maybe_sent: bool,
        method: &http::Method,
        url: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        TransportError {
            method: Method::from_http(method),
            wire_method: method.clone(),
            ..TransportError::new(kind, maybe_sent, Method::Get, url, source)
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Dns => "could not resolve the host",
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Tls => "TLS failed",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Io => "the connection failed",
            TransportErrorKind::BodyTooLarge => "the response body is too large",
            TransportErrorKind::InvalidUrl => "the URL is not usable",
            TransportErrorKind::Proxy => "the proxy failed",
            TransportErrorKind::Other => "the HTTP exchange failed",
        };
        let sent = if self.maybe_sent {
            "the request may have reached the server"
        } else {
            "the request was not sent"
        };
        write!(f, "{} {}: {what} ({sent})", self.wire_method, self.url)?;
        write_attempts(f, &self.attempts)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// One field Atlas found wrong (`badRequestDetail.fields`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct FieldViolation {
    /// A path to the field in the request body.
    pub field: String,
    /// Why it is wrong.
    pub description: String,
}

/// `RateLimit-Limit` and `RateLimit-Remaining`, where Atlas sent them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed in the window.
    pub limit: Option<u64>,
    /// Requests left in the window.
    pub remaining: Option<u64>,
}

/// Atlas answered with an error status. Holds the `ApiError` body's fields, the
/// rate-limit headers and, when the body was not an `ApiError` (a proxy's HTML page), the
/// raw body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status (the envelope's `status` when `envelope=true`).
    pub status: u16,
    /// The request's method.
    pub method: Method,
    /// The endpoint (its type name).
    pub endpoint: &'static str,
    /// `errorCode`, e.g. `RESOURCE_NOT_FOUND`.
    pub error_code: Option<String>,
    /// `detail`: what went wrong, in words.
    pub detail: Option<String>,
    /// `reason`: the status's phrase, e.g. `Not Found`.
    pub reason: Option<String>,
    /// `parameters`: values Atlas names in `detail`.
    pub parameters: Vec<serde_json::Value>,
    /// `badRequestDetail.fields`.
    pub field_violations: Vec<FieldViolation>,
    /// `Retry-After`, for 429 and 503.
    pub retry_after: Option<Duration>,
    /// `RateLimit-*` headers.
    pub rate_limit: RateLimit,
    /// The body, when it was not an `ApiError` JSON object (cut at 2 KiB).
    pub raw_body: Option<String>,
    /// Every attempt, when the call was retried.
    pub attempts: Vec<Attempt>,
    /// The API version the request asked for, and whether the declaration named it
    /// (`false`: the client's default was sent). Set by the client.
    pub version: Option<(String, bool)>,
    /// The form the request asked for: the suffix of its `Accept` media type
    /// (`application/vnd.atlas.<version>+json`). Set by the client.
    pub format: Option<crate::format::Format>,
}

impl ApiError {
    /// Whether Atlas said the caller is rate-limited, whatever the status.
    pub fn is_rate_limited(&self) -> bool {
        self.status == 429
            || self
                .error_code
                .as_deref()
                .is_some_and(|c| c.starts_with("RATE_LIMITED"))
    }

    /// Whether Atlas's 406 names a version it would serve for the one sent (it serves the
    /// newest not after the date asked for): then the version was fine, and the form
    /// (`+json`, `+csv`, `+gzip`) is what it does not offer. `None` when the answer names
    /// no versions (the Service Accounts family's 406 does not).
    fn version_was_offered(&self) -> Option<bool> {
        let (sent, _) = self.version.as_ref()?;
        let offered: Vec<&str> = self
            .parameters
            .iter()
            .filter_map(serde_json::Value::as_str)
            .filter(|v| crate::validate::is_valid_version(v))
            .collect();
        if offered.is_empty() {
            return None;
        }
        Some(offered.iter().any(|v| match (sent.as_str(), *v) {
            ("preview", v) => v == "preview",
            (_, "preview") => false,
            (sent, v) => v <= sent,
        }))
    }

    fn hint(&self) -> Option<Cow<'static, str>> {
        Some(Cow::Borrowed(match self.status {
            401 => "the credentials were refused; check them",
            403 => {
                "the credentials lack a role this operation requires, or the IP access list refuses this host"
            }
            404 => "check the ids in the path",
            406 => return Some(self.hint_406()),
            410 => "this API version is retired; declare a newer one",
            _ if self.is_rate_limited() => "rate-limited: wait before retrying",
            s if s >= 500 => "a server-side failure; retrying later may succeed",
            _ => return None,
        }))
    }

    /// A 406 is the version or the form: the one Atlas's answer points to, else both.
    fn hint_406(&self) -> Cow<'static, str> {
        let suffix = self.format.map(|f| format!("`+{f}`"));
        match (&self.version, self.version_was_offered(), suffix) {
            (Some((v, _)), Some(true), Some(suffix)) => Cow::Owned(format!(
                "Atlas offers this operation at version {v}, but not as {suffix}: it answers in another form; declare it (`format = \"gzip\"`, `format = \"csv\"`) or ask for it with `RequestOptions::format`"
            )),
            (Some((_, true)), Some(false), _) => Cow::Borrowed(
                "Atlas does not offer this operation at the version sent; check the versions the spec lists for it",
            ),
            (Some((_, false)), Some(false), _) => Cow::Borrowed(
                "the declaration names no version, so the client's default was sent, which Atlas does not offer for this operation: declare `version = \"…\"` with one the spec lists",
            ),
            (Some((_, true)), None, Some(suffix)) => Cow::Owned(format!(
                "Atlas does not offer this operation at the version sent, or not as {suffix}: check the versions and forms (`format = \"…\"`) the spec lists for it"
            )),
            (Some((_, false)), None, Some(suffix)) => Cow::Owned(format!(
                "the declaration names no version, so the client's default was sent; Atlas offers this operation neither at it nor as {suffix}: declare `version = \"…\"` with one the spec lists, and `format = \"…\"` if it answers in another form"
            )),
            _ => Cow::Borrowed(
                "the API version or the form (`+json`, `+csv`, `+gzip`) asked for is not offered for this operation",
            ),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} answered {}", self.endpoint, self.status)?;
        if let Some(r) = &self.reason {
            write!(f, " {r}")?;
        }
        if let Some(c) = &self.error_code {
            write!(f, " {c}")?;
        }
        if let Some(d) = &self.detail {
            write!(f, ": {d}")?;
        }
        for v in &self.field_violations {
            write!(f, "; {}: {}", v.field, v.description)?;
        }
        if let Some(raw) = &self.raw_body {
            let one_line: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
            let cut: String = one_line.chars().take(200).collect();
            write!(f, "; body: {cut}")?;
        }
        if let (406, Some((v, _))) = (self.status, &self.version) {
            write!(f, "; version sent: {v}")?;
            if let Some(format) = self.format {
                write!(f, " as +{format}")?;
            }
        }
        if let Some(h) = self.hint() {
            write!(f, " ({h}")?;
            if let Some(d) = self.retry_after {
                write!(f, "; Retry-After {}s", d.as_secs())?;
            }
            f.write_str(")")?;
        }
        write_attempts(f, &self.attempts)
    }
}

impl std::error::Error for ApiError {}

fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: &[Attempt]) -> fmt::Result {
    if attempts.is_empty() {
        return Ok(());
    }
    write!(f, "; gave up after {} attempts:", attempts.len())?;
    for a in attempts {
        write!(f, "\n  - {a}")?;
    }
    Ok(())
}

/// A success status whose body is not what the endpoint returns.
#[derive(Debug)]
pub struct DecodeError {
    /// The HTTP status.
    pub status: u16,
    /// The type the body should have decoded into.
    pub target: &'static str,
    /// The start of the body (2 KiB at most).
    pub body_excerpt: String,
    /// What failed.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut: String = self.body_excerpt.chars().take(200).collect();
        write!(
            f,
            "status {}: could not decode the body as {}: {}; body starts: {cut:?}",
            self.status, self.target, self.message
        )
    }
}

impl std::error::Error for DecodeError {}

/// The start of a body as text, for errors.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_EXCERPT_BYTES)];
    String::from_utf8_lossy(cut).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_acceptable(sent: &str, offered: &[&str]) -> ApiError {
        ApiError {
            status: 406,
            method: Method::Get,
            endpoint: "GetThing",
            error_code: Some("INVALID_VERSION_DATE".into()),
            detail: None,
            reason: None,
            parameters: offered.iter().map(|v| serde_json::json!(v)).collect(),
            field_violations: Vec::new(),
            retry_after: None,
            rate_limit: RateLimit::default(),
            raw_body: None,
            attempts: Vec::new(),
            version: Some((sent.to_string(), true)),
            format: Some(crate::format::Format::Json),
        }
    }

    /// Atlas serves the newest version not after the date asked for: a 406 naming such a
    /// version refuses the form, not the version.
    #[test]
    fn a_406_tells_the_version_from_the_form_as_atlas_negotiates() {
        for (sent, offered, was) in [
            ("2023-02-01", &["2023-01-01", "2023-02-01"][..], Some(true)),
            ("2024-05-30", &["2023-01-01"][..], Some(true)),
            ("2022-12-31", &["2023-01-01"][..], Some(false)),
            ("preview", &["2023-01-01"][..], Some(false)),
            ("preview", &["preview"][..], Some(true)),
            ("2025-01-01", &["preview"][..], Some(false)),
            // Parameters that are no versions say nothing.
            ("2023-01-01", &["groupId", "2023-13-01"][..], None),
            ("2023-01-01", &[][..], None),
        ] {
            let e = not_acceptable(sent, offered);
            assert_eq!(e.version_was_offered(), was, "{sent} {offered:?}");
            let shown = e.to_string();
            assert_eq!(
                shown.contains("not as `+json`"),
                was != Some(false),
                "{shown}"
            );
        }
    }
}
