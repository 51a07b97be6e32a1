//! Turning an endpoint into an `http::Request`, without any I/O.
//!
//! This is the sans-IO half of a call: [`build_request`] validates, builds the URL (every
//! path value percent-encoded as one segment, so no value can change the route), sets the
//! versioned media types and serializes the body. Any transport can send the result; the
//! [`Client`](crate::Client) adds credentials and sends it through its
//! [`Transport`](crate::transport::Transport).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

use crate::endpoint::{Endpoint, EndpointInfo, Location};
use crate::error::{Error, RequestError};
use crate::format::Format;
use crate::options::RequestOptions;
use crate::validate::{Rule, ValidationError, Violation, is_valid_version};
use crate::value::{ParamValues, PathSegment};

/// The prefix of every Administration API v2 path.
pub const API_PREFIX: &str = "/api/atlas/v2";

/// Atlas's public cloud.
pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";

/// The version sent for endpoints declared without one.
///
/// The newest version date in the official spec this crate was built against. Atlas
/// serves each operation at the newest version not after the requested date, so this
/// reaches every operation (Service Accounts resolve to `2024-08-05`).
pub const DEFAULT_API_VERSION: &str = "2025-03-12";

/// Everything outside the endpoint that shapes its request: where it goes and who sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// Scheme and host, without a trailing slash (`https://cloud.mongodb.com`).
    pub base_url: String,
    /// Version for endpoints declared without one.
    pub default_version: String,
    /// The `User-Agent` header.
    pub user_agent: String,
}

impl Default for RequestContext {
    fn default() -> Self {
        RequestContext {
            base_url: DEFAULT_BASE_URL.to_string(),
            default_version: DEFAULT_API_VERSION.to_string(),
            user_agent: crate::client::default_user_agent(None),
        }
    }
}

/// Characters left as they are in a path segment or query component: RFC 3986
/// unreserved ones. Everything else is escaped, so `/`, `?`, `#`, `%`, spaces and
/// non-ASCII never reach the server raw.
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// For values declared `encoded`: like [`COMPONENT`] but `%` escapes are kept.
const ENCODED_COMPONENT: &AsciiSet = &COMPONENT.remove(b'%');

/// Which bytes [`COMPONENT`] leaves as they are (RFC 3986 unreserved), one lookup a byte.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] =
            matches!(b as u8, b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// Appends `text` to `out`, percent-encoded by `set` (which escapes at most what
/// [`COMPONENT`] does).
///
/// Most values (ids, names, numbers) hold nothing to escape: those are checked in one
/// pass of table lookups and copied whole, where the encoder tests them a byte at a time
/// at about twice the cost, on every call. Anything else goes through the encoder, with `set`.
fn push_encoded(out: &mut String, text: &str, set: &'static AsciiSet) {
    // No early exit: a plain loop of lookups, cheaper than a branch a byte.
    let mut plain = true;
    for b in text.bytes() {
        plain &= UNRESERVED[usize::from(b)];
    }
    if plain {
        out.push_str(text);
    } else {
        out.extend(utf8_percent_encode(text, set));
    }
}

/// Builds the path below [`API_PREFIX`].
#[derive(Debug, Default)]
pub struct PathWriter {
    path: String,
}

impl PathWriter {
    /// Literal template text, copied as is.
    pub fn literal(&mut self, text: &str) {
        self.path.push_str(text);
    }

    /// A path value, percent-encoded as one segment.
    pub fn segment<T: PathSegment + ?Sized>(&mut self, value: &T) {
        push_encoded(&mut self.path, &value.to_segment(), COMPONENT);
    }

    /// A path value that is already percent-encoded (`192.0.2.0%2F24`): its `%` escapes
    /// are kept, anything else unsafe is still escaped. Validation has refused raw `/`,
    /// `?`, `#`, broken escapes, and values that decode to `?`, `#` or a dot segment.
    pub fn encoded_segment<T: PathSegment + ?Sized>(&mut self, value: &T) {
        push_encoded(&mut self.path, &value.to_segment(), ENCODED_COMPONENT);
    }

    /// The path so far.
    pub fn as_str(&self) -> &str {
        &self.path
    }
}

/// The encoded path an endpoint writes, below `/api/atlas/v2` (no validation).
pub(crate) fn path_of<E: Endpoint + ?Sized>(endpoint: &E) -> String {
    let mut path = PathWriter {
        path: String::with_capacity(128),
    };
    endpoint.write_path(&mut path);
    path.path
}

/// Builds the query string.
#[derive(Debug, Default)]
pub struct QueryWriter {
    query: String,
}

impl QueryWriter {
    /// Appends `name=value` for each value (none for `None`, one per item of a sequence).
    pub fn param<T: ParamValues + ?Sized>(&mut self, name: &str, value: &T) {
        value.each_value(&mut |v| self.pair(name, v));
    }

    /// Appends one encoded `name=value`.
    pub fn pair(&mut self, name: &str, value: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        push_encoded(&mut self.query, name, COMPONENT);
        self.query.push('=');
        push_encoded(&mut self.query, value, COMPONENT);
    }

    /// The query so far, without `?`.
    pub fn as_str(&self) -> &str {
        &self.query
    }
}

/// Collects an endpoint's own headers.
#[derive(Debug, Default)]
pub struct HeaderWriter {
    headers: Vec<(&'static str, String)>,
}

impl HeaderWriter {
    /// Adds the header once per value (none for `None`).
    pub fn param<T: ParamValues + ?Sized>(&mut self, name: &'static str, value: &T) {
        value.each_value(&mut |v| self.headers.push((name, v.to_string())));
    }
}

/// Holds the serialized JSON body.
#[derive(Debug, Default)]
pub struct BodyWriter {
    body: Option<Vec<u8>>,
}

impl BodyWriter {
    /// Serializes `value` as the body.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), serde_json::Error> {
        self.body = Some(serde_json::to_vec(value)?);
        Ok(())
    }

    /// Starts a JSON object body, written member by member and closed by
    /// [`end_object`](Self::end_object): what `#[atlas_endpoint]` writes for a body of
    /// fields, so that a declaration needs no `Serialize` impl of its own.
    ///
    /// ```
    /// # use atlas_runtime::request::BodyWriter;
    /// let mut body = BodyWriter::default();
    /// body.begin_object();
    /// body.member("name", "Cluster0")?;
    /// body.optional_member("diskSizeGB", &None::<f64>)?;
    /// body.end_object();
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn begin_object(&mut self) {
        self.body = Some(object_start());
    }

    /// Adds `"name": value` to the object begun by [`begin_object`](Self::begin_object).
    pub fn member<T: Serialize + ?Sized>(
        &mut self,
        name: &str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        let body = self.body.get_or_insert_with(object_start);
        if body.len() > 1 {
            body.push(b',');
        }
        push_json_name(body, name)?;
        body.push(b':');
        serde_json::to_writer(&mut *body, value)
    }

    /// [`member`](Self::member) for `Some`; `None` is left out (a `null` would clear the
    /// member in Atlas).
    pub fn optional_member<T: Serialize>(
        &mut self,
        name: &str,
        value: &Option<T>,
    ) -> Result<(), serde_json::Error> {
        match value {
            Some(value) => self.member(name, value),
            None => Ok(()),
        }
    }

    /// [`member`](Self::member) for a [`Patch`](crate::Patch) that changes something:
    /// `Patch::Clear` is sent as `null`, `Patch::Unchanged` is left out.
    pub fn patch_member<T: Serialize>(
        &mut self,
        name: &str,
        value: &crate::Patch<T>,
    ) -> Result<(), serde_json::Error> {
        if value.is_unchanged() {
            return Ok(());
        }
        self.member(name, value)
    }

    /// Closes the object begun by [`begin_object`](Self::begin_object).
    pub fn end_object(&mut self) {
        if let Some(body) = &mut self.body {
            body.push(b'}');
        }
    }
}

/// `{`, in room for a typical body, so that writing one member at a time does not grow
/// the buffer member by member.
fn object_start() -> Vec<u8> {
    let mut body = Vec::with_capacity(128);
    body.push(b'{');
    body
}

/// The requests of one call's attempts: the first as built, each later one (a retry, a
/// resend after a 401) made again by `again`. The common call, answered at once, sends
/// the request it built, never a copy of it.
pub(crate) struct Outgoing<'a> {
    first: std::cell::Cell<Option<http::Request<Vec<u8>>>>,
    again: &'a dyn Fn() -> Result<http::Request<Vec<u8>>, Error>,
}

impl<'a> Outgoing<'a> {
    pub(crate) fn new(
        first: http::Request<Vec<u8>>,
        again: &'a dyn Fn() -> Result<http::Request<Vec<u8>>, Error>,
    ) -> Self {
        Outgoing {
            first: std::cell::Cell::new(Some(first)),
            again,
        }
    }

    /// The request for the next send.
    pub(crate) fn next(&self) -> Result<http::Request<Vec<u8>>, Error> {
        match self.first.take() {
            Some(request) => Ok(request),
            None => (self.again)(),
        }
    }
}

/// A copy of a request, body included: for callers that hand the client a request
/// already built, each send of it.
pub(crate) fn copy_request(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// The JSON media type of a version: `application/vnd.atlas.2024-08-05+json`.
pub fn media_type(version: &str) -> String {
    media_type_for(version, Format::Json)
}

/// The media type of a version in a format: `application/vnd.atlas.2023-02-01+gzip`.
pub fn media_type_for(version: &str, format: Format) -> String {
    format!("application/vnd.atlas.{version}+{format}")
}

/// The version a call uses: the call's override, else the declaration's, else the client's.
pub fn resolve_version<'a, E: Endpoint + ?Sized>(
    context: &'a RequestContext,
    options: &'a RequestOptions,
) -> &'a str {
    options
        .version
        .as_deref()
        .or(E::INFO.version)
        .unwrap_or(&context.default_version)
}

/// The outcome of a call's validation with the version it will send checked too, every
/// violation at once: for typed calls and [`RawCall`](crate::raw::RawCall) alike.
pub(crate) fn with_version_check(
    endpoint: &'static str,
    version: &str,
    validated: Result<(), ValidationError>,
) -> Result<(), Error> {
    if !is_valid_version(version) {
        let mut violations = validated.err().map(|e| e.violations).unwrap_or_default();
        violations.push(Violation {
            param: "version",
            location: Location::Header,
            rule: Rule::Version,
            value: Some(version.to_string()),
        });
        return Err(Error::Validation(ValidationError {
            endpoint,
            violations,
        }));
    }
    validated.map_err(Error::Validation)
}

/// Validates `endpoint` and builds its request: URL, `Accept`, `Content-Type`,
/// `User-Agent`, its own headers and body. Adds no credentials and does no I/O.
///
/// # Errors
/// [`Error::Validation`] for bad input (every violation at once), [`Error::Request`] when
/// the body cannot be serialized or the request cannot be assembled.
pub fn build_request<E: Endpoint + ?Sized>(
    endpoint: &E,
    context: &RequestContext,
    options: &RequestOptions,
) -> Result<http::Request<Vec<u8>>, Error> {
    let info = &E::INFO;
    let version = resolve_version::<E>(context, options);
    with_version_check(info.type_name, version, endpoint.validate())?;

    // Room for a typical path (the longest of the spec's are about 120 bytes).
    let mut path = PathWriter {
        path: String::with_capacity(128),
    };
    endpoint.write_path(&mut path);
    let mut query = QueryWriter::default();
    endpoint.write_query(&mut query);
    let mut body = BodyWriter::default();
    endpoint
        .write_body(&mut body)
        .map_err(|e| Error::Request(RequestError::body(info.type_name, e)))?;
    let mut headers = HeaderWriter::default();
    endpoint.write_headers(&mut headers);
    assemble(
        info,
        version,
        context,
        options,
        Parts {
            path: &path.path,
            query,
            headers: headers
                .headers
                .iter()
                .map(|(name, value)| (*name, value.as_str())),
            body: body.body,
        },
    )
}

/// `name` as a JSON string, as `serde_json` writes it. A name without `"`, `\` or a
/// control character (every member name of the spec) needs no escape and is copied
/// between quotes; any other goes through `serde_json`.
fn push_json_name(body: &mut Vec<u8>, name: &str) -> Result<(), serde_json::Error> {
    if needs_escape(name.as_bytes()) {
        return serde_json::to_writer(body, name);
    }
    body.reserve(name.len() + 2);
    body.push(b'"');
    body.extend_from_slice(name.as_bytes());
    body.push(b'"');
    Ok(())
}

/// Whether `text` holds a byte JSON escapes in a string: `"`, `\\` or a control
/// character. Eight bytes at a time (the last eight overlapping the ones before), as a
/// name's few bytes are too few for the vectorised loop the compiler would write.
fn needs_escape(text: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // The high bit of a byte set when some byte of `w` is below `n` (n <= 0x80), or is
    // zero: exact for whether any byte is (a false mark only follows a true one).
    let below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGH;
    let word = |w: u64| {
        below(w, 0x20)
            | below(w ^ (ONES * u64::from(b'"')), 1)
            | below(w ^ (ONES * u64::from(b'\\')), 1)
    };
    if text.len() < 8 {
        return text.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
    }
    let at = |i: usize| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&text[i..i + 8]);
        u64::from_ne_bytes(bytes)
    };
    let mut marks = word(at(text.len() - 8));
    let mut i = 0;
    while i + 8 < text.len() {
        marks |= word(at(i));
        i += 8;
    }
    marks != 0
}

/// What a call has written, for [`assemble`]: its path (encoded), its query, its own
/// headers and its body.
pub(crate) struct Parts<'a, H> {
    pub(crate) path: &'a str,
    pub(crate) query: QueryWriter,
    pub(crate) headers: H,
    pub(crate) body: Option<Vec<u8>>,
}

/// The request from a validated call's parts, the one place typed calls and
/// [`RawCall`](crate::raw::RawCall)s become HTTP: the URL with the client's query options,
/// `Accept` for the version and form, `User-Agent`, `Content-Type` on a body (always JSON,
/// whatever the answer's form), the call's headers, then the caller's (never one the
/// client owns).
pub(crate) fn assemble<'a>(
    info: &EndpointInfo,
    version: &str,
    context: &RequestContext,
    options: &RequestOptions,
    parts: Parts<'a, impl Iterator<Item = (&'a str, &'a str)>>,
) -> Result<http::Request<Vec<u8>>, Error> {
    let Parts {
        path,
        mut query,
        headers,
        body,
    } = parts;
    if options.envelope {
        query.pair("envelope", "true");
    }
    if options.pretty {
        query.pair("pretty", "true");
    }
    let base_url = context.base_url.trim_end_matches('/');
    // The base URL's scheme and host are parsed once per thread; only the rest is new.
    let origin = origin(base_url);
    let base = if origin.is_some() { "" } else { base_url };
    let mut url =
        String::with_capacity(base.len() + API_PREFIX.len() + path.len() + query.query.len() + 1);
    url.push_str(base);
    url.push_str(API_PREFIX);
    url.push_str(path);
    if !query.query.is_empty() {
        url.push('?');
        url.push_str(&query.query);
    }

    let format = info.format_for(options);
    if !info.offers(format) {
        return Err(Error::Request(RequestError::format_not_offered(
            info, format,
        )));
    }
    for (name, _) in &options.headers {
        // The rule is atlas-rules', shared with the macro's check of header fields.
        if let Some(why) = atlas_rules::headers::refused_header(name) {
            return Err(Error::Request(RequestError::refused_header(
                info.type_name,
                name,
                why,
            )));
        }
    }
    let has_body = body.is_some();
    let own_headers = headers.size_hint().0;
    let assembled = (|| -> Result<http::Request<Vec<u8>>, http::Error> {
        let mut request = http::Request::new(body.unwrap_or_default());
        *request.method_mut() = info.method.to_http();
        *request.uri_mut() = match origin {
            Some((scheme, authority)) => {
                let mut parts = http::uri::Parts::default();
                parts.scheme = Some(scheme);
                parts.authority = Some(authority);
                parts.path_and_query = Some(http::uri::PathAndQuery::try_from(url)?);
                http::Uri::from_parts(parts)?
            }
            None => http::Uri::try_from(url)?,
        };
        let h = request.headers_mut();
        // Room for every header the request will carry, so that the map never grows on
        // the way: the three below, `Authorization` (signing), `Content-Length` and
        // `Host` (the transport), and the call's and caller's own. Growing rehashes it.
        h.reserve(6 + own_headers + options.headers.len());
        let accept = crate::header_cache::media_type(version, format)?;
        // A JSON answer (most calls) is asked for in the body's own media type: one lookup.
        let content_type = match (has_body, format) {
            (false, _) => None,
            (true, Format::Json) => Some(accept.clone()),
            (true, _) => Some(crate::header_cache::media_type(version, Format::Json)?),
        };
        h.insert(http::header::ACCEPT, accept);
        h.insert(
            http::header::USER_AGENT,
            crate::header_cache::value(&context.user_agent)?,
        );
        if let Some(content_type) = content_type {
            h.insert(http::header::CONTENT_TYPE, content_type);
        }
        for (name, value) in headers {
            h.append(
                http::HeaderName::from_bytes(name.as_bytes())?,
                http::HeaderValue::from_str(value)?,
            );
        }
        for (name, value) in &options.headers {
            h.append(
                http::HeaderName::from_bytes(name.as_bytes())?,
                http::HeaderValue::from_str(value)?,
            );
        }
        Ok(request)
    })();
    assembled.map_err(|e| Error::Request(RequestError::assemble(info.type_name, e)))
}

/// The scheme and authority of `base_url` when it is only those (`https://host:port`),
/// parsed once per thread: every call to a host shares them, and parsing them again is a
/// quarter of parsing the URL. `None` for anything else, which is parsed whole each call.
fn origin(base_url: &str) -> Option<(http::uri::Scheme, http::uri::Authority)> {
    type Origin = (Box<str>, http::uri::Scheme, http::uri::Authority);
    /// Enough for the hosts one program calls; past it, the oldest goes.
    const ENTRIES: usize = 8;
    thread_local! {
        static ORIGINS: std::cell::RefCell<Vec<Origin>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    ORIGINS
        .try_with(|origins| {
            let mut origins = origins.borrow_mut();
            if let Some((_, scheme, authority)) = origins.iter().find(|(b, ..)| **b == *base_url) {
                return Some((scheme.clone(), authority.clone()));
            }
            let parts = http::Uri::try_from(base_url).ok()?.into_parts();
            let bare = parts
                .path_and_query
                .as_ref()
                .is_none_or(|p| p.as_str().is_empty() || p.as_str() == "/");
            let (Some(scheme), Some(authority), true) = (parts.scheme, parts.authority, bare)
            else {
                return None;
            };
            if origins.len() == ENTRIES {
                origins.remove(0);
            }
            origins.push((base_url.into(), scheme.clone(), authority.clone()));
            Some((scheme, authority))
        })
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_are_written_as_serde_json_writes_them() {
        for name in [
            "secretExpiresAfterHours",
            "",
            "a b",
            "quote\"d",
            "back\\slash",
            "tab\there",
            "nul\u{0}",
            "del\u{7f}",
            "é中",
            "$ref",
            "aVeryLongMemberNameOfThirtyTwoB",
            "aVeryLongMemberNameOfThirtyTwoBy\"",
            "\u{1f}aVeryLongMemberNameOfThirtyTwoBy",
            "aVeryLongMemberName\\OfThirtyTwoBy",
            "ÿÿÿÿÿÿÿÿÿÿ\u{80}\u{7f}",
        ] {
            let mut ours = Vec::new();
            push_json_name(&mut ours, name).unwrap();
            assert_eq!(ours, serde_json::to_vec(name).unwrap(), "{name:?}");
        }
    }

    #[test]
    fn segments_cannot_change_the_route() {
        for (value, want) in [
            ("../x", "..%2Fx"),
            ("a/b", "a%2Fb"),
            ("a?b#c", "a%3Fb%23c"),
            ("a b", "a%20b"),
            ("é", "%C3%A9"),
            ("100%", "100%25"),
        ] {
            let mut p = PathWriter::default();
            p.segment(value);
            assert_eq!(p.as_str(), want, "{value}");
        }
    }

    /// Member by member, the body is what serde's derive writes for the same struct.
    #[test]
    fn object_bodies_match_serde() {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Twin<'a> {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            disk_size_gb: Option<f64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            note: Option<&'a str>,
            #[serde(skip_serializing_if = "crate::Patch::is_unchanged")]
            labels: crate::Patch<Vec<&'a str>>,
            #[serde(skip_serializing_if = "crate::Patch::is_unchanged")]
            comment: crate::Patch<&'a str>,
            #[serde(skip_serializing_if = "crate::Patch::is_unchanged")]
            tag: crate::Patch<&'a str>,
        }
        let twin = Twin {
            name: "a \"quoted\" name\n",
            disk_size_gb: None,
            note: Some("é"),
            labels: crate::Patch::Set(vec!["x", "y"]),
            comment: crate::Patch::Clear,
            tag: crate::Patch::Unchanged,
        };
        let mut body = BodyWriter::default();
        body.begin_object();
        body.member("name", twin.name).unwrap();
        body.optional_member("diskSizeGb", &twin.disk_size_gb)
            .unwrap();
        body.optional_member("note", &twin.note).unwrap();
        body.patch_member("labels", &twin.labels).unwrap();
        body.patch_member("comment", &twin.comment).unwrap();
        body.patch_member("tag", &twin.tag).unwrap();
        body.end_object();
        assert_eq!(body.body.unwrap(), serde_json::to_vec(&twin).unwrap());

        // Every member left out: still an object.
        let mut empty = BodyWriter::default();
        empty.begin_object();
        empty.optional_member("note", &None::<String>).unwrap();
        empty.end_object();
        assert_eq!(empty.body.unwrap(), b"{}");
    }

    /// The shortcut copies exactly the bytes the encoder would leave as they are.
    #[test]
    fn unreserved_is_what_component_leaves() {
        for b in 0..=255u8 {
            let raw = [b];
            let encoded: String = percent_encoding::percent_encode(&raw, COMPONENT).collect();
            assert_eq!(
                UNRESERVED[usize::from(b)],
                encoded.as_bytes() == raw,
                "{b:#04x}"
            );
        }
        let mut p = PathWriter::default();
        p.segment("32b6e34b3d91647abb20e7b8");
        p.segment("a-b.c_d~e");
        assert_eq!(p.as_str(), "32b6e34b3d91647abb20e7b8a-b.c_d~e");
    }

    #[test]
    fn encoded_segments_keep_escapes() {
        let mut p = PathWriter::default();
        p.encoded_segment("192.0.2.0%2F24");
        assert_eq!(p.as_str(), "192.0.2.0%2F24");
    }

    #[test]
    fn query_pairs() {
        let mut q = QueryWriter::default();
        q.param("itemsPerPage", &Some(500));
        q.param("skipped", &None::<i32>);
        q.param("tag", &vec!["a b", "c&d"]);
        assert_eq!(q.as_str(), "itemsPerPage=500&tag=a%20b&tag=c%26d");
    }

    /// The URL made from a cached origin is the one parsed whole; a base URL that is
    /// more than an origin is parsed whole.
    #[test]
    fn urls_from_cached_origins() {
        for base in [
            "https://cloud.mongodb.com",
            "http://127.0.0.1:8080",
            "http://[::1]:9",
        ] {
            let (scheme, authority) = origin(base).unwrap();
            assert_eq!(format!("{scheme}://{authority}"), base);
            assert_eq!(origin(base), Some((scheme, authority)));
        }
        assert_eq!(origin("https://h/prefix"), None);
        assert_eq!(origin("not a url"), None);
    }

    #[test]
    fn media_types() {
        assert_eq!(
            media_type("2024-08-05"),
            "application/vnd.atlas.2024-08-05+json"
        );
        assert_eq!(media_type("preview"), "application/vnd.atlas.preview+json");
    }
}
