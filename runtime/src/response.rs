//! Turning an `http::Response` into an endpoint's result, without any I/O.
//!
//! Success statuses decode into the endpoint's `Response` type (204 or an empty body into
//! `()`); error statuses become [`ApiError`] with every field Atlas sent, and the raw
//! body when it was not JSON, so a proxy's HTML 502 never becomes an empty error.
//! `envelope=true` answers are unwrapped first, so callers see the same either way.

use std::time::Duration;

use atlas_rules::sensitive::is_sensitive_key;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::endpoint::{Endpoint, EndpointInfo};
use crate::error::{ApiError, DecodeError, Error, FieldViolation, RateLimit, excerpt};
use crate::options::RequestOptions;

/// A decoded answer with what came around it: the status and the headers
/// (`RateLimit-*`, `Deprecation`, `Sunset`, `Location`, …). From
/// [`Client::send_full`](crate::Client::send_full).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The HTTP status (the envelope's, with `envelope=true`).
    pub status: u16,
    /// Every header of the answer.
    pub headers: http::HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> Response<T> {
    /// A header's value, if present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `RateLimit-Limit` and `RateLimit-Remaining`.
    pub fn rate_limit(&self) -> RateLimit {
        rate_limit(&self.headers)
    }

    /// `Deprecation`: Atlas plans to retire this version of the operation.
    pub fn deprecation(&self) -> Option<&str> {
        self.header("deprecation")
    }

    /// `Sunset`: when this version of the operation stops answering.
    pub fn sunset(&self) -> Option<&str> {
        self.header("sunset")
    }

    /// `Location`: where a created resource lives.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }
}

/// `RateLimit-*` headers, where sent.
pub(crate) fn rate_limit(headers: &http::HeaderMap) -> RateLimit {
    let header_u64 = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
    };
    RateLimit {
        limit: header_u64("ratelimit-limit"),
        remaining: header_u64("ratelimit-remaining"),
    }
}

/// Decodes `response` into `E`'s result.
///
/// # Errors
/// [`Error::Api`] for error statuses, [`Error::Decode`] when a success body does not fit.
pub fn decode_response<E: Endpoint + ?Sized>(
    response: &http::Response<Vec<u8>>,
    options: &RequestOptions,
) -> Result<E::Response, Error> {
    decode::<E::Response>(&E::INFO, response, options)
}

/// [`decode_response`] for a type known only at run time.
///
/// # Errors
/// As [`decode_response`].
pub fn decode<T: DeserializeOwned + 'static>(
    info: &EndpointInfo,
    response: &http::Response<Vec<u8>>,
    options: &RequestOptions,
) -> Result<T, Error> {
    decode_parts(
        info,
        response.status(),
        response.headers(),
        response.body(),
        options,
    )
}

/// A success answer's body, already read and checked as a success, decoded as `T` (a
/// waiter reads a write's answer as JSON first).
pub(crate) fn decode_success_bytes<T: DeserializeOwned + 'static>(
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    decode_success(status, Content::Raw(body))
}

/// [`decode`] of an answer in parts: its body borrowed from wherever it was read into.
pub(crate) fn decode_parts<T: DeserializeOwned + 'static>(
    info: &EndpointInfo,
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
    options: &RequestOptions,
) -> Result<T, Error> {
    let http_status = status.as_u16();
    let (status, content) = if options.envelope && (200..300).contains(&http_status) {
        unwrap_envelope(http_status, body)?
    } else {
        (http_status, Content::Raw(body))
    };

    if info.method.success_statuses().contains(&status) {
        return decode_success(status, content);
    }
    if (200..300).contains(&status) {
        return Err(Error::Decode(DecodeError {
            status,
            target: std::any::type_name::<T>(),
            body_excerpt: redacted_excerpt(content.bytes().as_ref()),
            message: format!(
                "{status} is not a success status Atlas documents for {}",
                info.method
            ),
        }));
    }
    Err(Error::Api(Box::new(api_error(
        info,
        status,
        headers,
        content.bytes().as_ref(),
    ))))
}

/// A success or error body: raw bytes, or a JSON value taken out of an envelope.
enum Content<'a> {
    Raw(&'a [u8]),
    Value(serde_json::Value),
}

impl Content<'_> {
    fn bytes(&self) -> std::borrow::Cow<'_, [u8]> {
        match self {
            Content::Raw(b) => std::borrow::Cow::Borrowed(b),
            Content::Value(v) => std::borrow::Cow::Owned(serde_json::to_vec(v).unwrap_or_default()),
        }
    }
}

/// `{status, content}`, or a list whose envelope is the object itself plus `status`.
fn unwrap_envelope(http_status: u16, body: &[u8]) -> Result<(u16, Content<'_>), Error> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        Error::Decode(DecodeError {
            status: http_status,
            target: "an envelope {status, content}",
            body_excerpt: redacted_excerpt(body),
            message: e.to_string(),
        })
    })?;
    let serde_json::Value::Object(mut object) = value else {
        return Ok((http_status, Content::Raw(body)));
    };
    let status = object
        .remove("status")
        .and_then(|s| s.as_u64())
        .and_then(|s| u16::try_from(s).ok())
        .unwrap_or(http_status);
    let content = match object.remove("content") {
        Some(content) => content,
        None => serde_json::Value::Object(object),
    };
    Ok((status, Content::Value(content)))
}

fn decode_success<T: DeserializeOwned + 'static>(
    status: u16,
    content: Content<'_>,
) -> Result<T, Error> {
    // An endpoint declared without a response type ignores whatever body comes back
    // (Atlas answers some deletes with `{}` rather than 204).
    let unit = std::any::TypeId::of::<T>() == std::any::TypeId::of::<()>();
    let result = match &content {
        _ if unit => T::deserialize(serde_json::Value::Null),
        Content::Raw(b) if status == 204 || b.iter().all(u8::is_ascii_whitespace) => {
            T::deserialize(serde_json::Value::Null)
        }
        Content::Raw(b) => serde_json::from_slice(b),
        Content::Value(v) => T::deserialize(v),
    };
    result.map_err(|e| {
        Error::Decode(DecodeError {
            status,
            target: std::any::type_name::<T>(),
            body_excerpt: redacted_excerpt(content.bytes().as_ref()),
            message: e.to_string(),
        })
    })
}

/// The `ApiError` body as Atlas documents it; every member optional so that a partial
/// body still yields what it has.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiErrorBody {
    error_code: Option<String>,
    detail: Option<String>,
    reason: Option<String>,
    #[serde(default)]
    parameters: Option<Vec<serde_json::Value>>,
    bad_request_detail: Option<BadRequestDetail>,
}

#[derive(Deserialize)]
struct BadRequestDetail {
    #[serde(default)]
    fields: Option<Vec<FieldViolation>>,
}

fn api_error(info: &EndpointInfo, status: u16, headers: &http::HeaderMap, body: &[u8]) -> ApiError {
    let parsed = serde_json::from_slice::<ApiErrorBody>(body)
        .ok()
        .filter(|b| b.error_code.is_some() || b.detail.is_some() || b.reason.is_some());
    let mut error = ApiError {
        status,
        method: info.method,
        endpoint: info.type_name,
        error_code: None,
        detail: None,
        reason: None,
        parameters: Vec::new(),
        field_violations: Vec::new(),
        retry_after: headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after),
        rate_limit: rate_limit(headers),
        raw_body: None,
        attempts: Vec::new(),
        version: None,
        format: None,
    };
    match parsed {
        Some(b) => {
            error.error_code = b.error_code;
            error.detail = b.detail;
            error.reason = b.reason;
            error.parameters = b.parameters.unwrap_or_default();
            error.parameters.iter_mut().for_each(redact);
            error.field_violations = b
                .bad_request_detail
                .and_then(|d| d.fields)
                .unwrap_or_default();
        }
        None if !body.is_empty() => error.raw_body = Some(redacted_excerpt(body)),
        None => {}
    }
    error
}

/// `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let now = jiff::Timestamp::now();
    let wait = when.duration_since(now);
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

/// A body excerpt for errors, with the values of secret-bearing JSON members replaced.
///
/// A body that is not valid JSON (cut short, trailing bytes, a byte-order mark) is
/// scrubbed as text: every `"key": "value"` of a sensitive key loses its value.
pub(crate) fn redacted_excerpt(body: &[u8]) -> String {
    let json = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    match serde_json::from_slice::<serde_json::Value>(json) {
        Ok(mut value) => {
            redact(&mut value);
            excerpt(value.to_string().as_bytes())
        }
        Err(_) => excerpt(&scrub_text(body)),
    }
}

/// Replaces the value after each sensitive member name and `:` in text that may be broken
/// JSON, up to its closing quote or the end of the text. Member names are compared after
/// their escapes are decoded, so `"sec\u0072et"` is `"secret"`.
fn scrub_text(body: &[u8]) -> Vec<u8> {
    let marker = format!("\"{}\"", crate::validate::REDACTED);
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'"' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        let (end, name) = string_token(body, i);
        out.extend_from_slice(&body[i..end]);
        i = end;
        let mut j = i;
        while body.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        if body.get(j) != Some(&b':') || !is_sensitive_key(&name) {
            continue;
        }
        j += 1;
        while body.get(j).is_some_and(u8::is_ascii_whitespace) {
            j += 1;
        }
        out.extend_from_slice(&body[i..j]);
        let value_end = if body.get(j) == Some(&b'"') {
            string_token(body, j).0
        } else {
            let mut k = j;
            while k < body.len() && !matches!(body[k], b',' | b'}' | b']') {
                k += 1;
            }
            k
        };
        out.extend_from_slice(marker.as_bytes());
        i = value_end;
    }
    out
}

/// The end (past the closing quote, or the end of the text) and the decoded text of the
/// JSON string starting at `start`.
fn string_token(body: &[u8], start: usize) -> (usize, String) {
    let mut decoded = Vec::new();
    let mut k = start + 1;
    while k < body.len() && body[k] != b'"' {
        if body[k] != b'\\' {
            decoded.push(body[k]);
            k += 1;
            continue;
        }
        match body.get(k + 1) {
            Some(b'u') => {
                let hex = body
                    .get(k + 2..k + 6)
                    .and_then(|h| std::str::from_utf8(h).ok());
                match hex
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                {
                    Some(c) => {
                        decoded.extend_from_slice(c.to_string().as_bytes());
                        k += 6;
                    }
                    None => k += 2,
                }
            }
            Some(&c) => {
                decoded.push(c);
                k += 2;
            }
            None => k += 1,
        }
    }
    (
        (k + 1).min(body.len()),
        String::from_utf8_lossy(&decoded).into_owned(),
    )
}

fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_sensitive_key(k) {
                    *v = serde_json::Value::String(crate::validate::REDACTED.to_string());
                } else {
                    redact(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn broken_json_is_scrubbed_too() {
        for body in [
            &br#"{"id":"x","secret":"mdb_sa_sk_TOPSECRET123""#[..],
            br#"{"id":"x","secret" : "mdb_sa_sk_TOPSECRET123"} x"#,
            b"\xEF\xBB\xBF{\"secret\":\"mdb_sa_sk_TOPSECRET123\"}",
            br#"{"errorCode":"X","clientSecret":"TOPSECRET123"}}"#,
            br#"{"secret":"TOPSECRET123\"still"} ,"password":TOPSECRET123,"#,
            br#"{"secret":"TOPSECRET123"#,
            br#"{"sec\u0072et":"TOPSECRET123","x":1"#,
            br#"{"SECRET" : 42TOPSECRET123 , "x"#,
            br#"{"a":"b\"","password":"TOPSECRET123\\"}}"#,
        ] {
            let e = redacted_excerpt(body);
            assert!(!e.contains("TOPSECRET123"), "{e}");
            assert!(e.contains("<redacted>"), "{e}");
        }
    }

    #[test]
    fn excerpts_hide_secrets() {
        let body = br#"{"id":"x","secret":"mdb_sa_sk_topsecret","nested":[{"password":"p"}]}"#;
        let e = redacted_excerpt(body);
        assert!(!e.contains("topsecret"), "{e}");
        assert!(!e.contains("\"p\""), "{e}");
        assert!(e.contains("<redacted>"));
    }
}
