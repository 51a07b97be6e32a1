//! The input format of the response targets: an HTTP response as text, so that seeds are
//! readable and a crash input can be read as is.
//!
//! ```text
//! 201                      <- status (3 digits, 100..=999); anything else: input skipped
//! Retry-After: 120         <- header lines `name: value`, up to an empty line;
//! RateLimit-Limit: 100        names or values that http refuses are dropped
//!
//! {"id": "…"}              <- the body: every byte after the empty line
//! ```
//!
//! Lines end with `\n` (a `\r` before it is dropped). Without an empty line, every line
//! after the status is a header and the body is empty.

use http::{HeaderName, HeaderValue, StatusCode};

/// A response read from fuzz input.
#[derive(Debug)]
pub struct RawResponse<'a> {
    /// The status, 100..=999.
    pub status: u16,
    /// Header lines as given (name, value), including those http refuses.
    pub headers: Vec<(&'a [u8], &'a [u8])>,
    /// The body.
    pub body: &'a [u8],
}

/// Reads `data`; `None` when the first line is not a status http accepts.
pub fn parse(data: &[u8]) -> Option<RawResponse<'_>> {
    let (status_line, mut rest) = split_line(data)?;
    let status_text = std::str::from_utf8(status_line).ok()?;
    if status_text.len() != 3 || !status_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let status: u16 = status_text.parse().ok()?;
    StatusCode::from_u16(status).ok()?;
    let mut headers = Vec::new();
    let mut body: &[u8] = &[];
    while !rest.is_empty() {
        let (line, after) = split_line(rest).unwrap_or((rest, &[]));
        rest = after;
        if line.is_empty() {
            body = rest;
            break;
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(i) => (&line[..i], &line[i + 1..]),
            None => (line, &[][..]),
        };
        let value = value.trim_ascii_start();
        headers.push((name, value));
    }
    Some(RawResponse {
        status,
        headers,
        body,
    })
}

/// The line before the first `\n` (without a trailing `\r`) and what follows it; the
/// whole of `data` and nothing when there is no `\n`. `None` for empty `data`.
fn split_line(data: &[u8]) -> Option<(&[u8], &[u8])> {
    if data.is_empty() {
        return None;
    }
    let (line, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    Some((line.strip_suffix(b"\r").unwrap_or(line), rest))
}

impl RawResponse<'_> {
    /// The headers http accepts, in order (repeated names appended).
    pub fn header_map(&self) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in &self.headers {
            if let (Ok(name), Ok(value)) =
                (HeaderName::from_bytes(name), HeaderValue::from_bytes(value))
            {
                map.append(name, value);
            }
        }
        map
    }

    /// An `http::Response` with this status and these headers, and `body`.
    pub fn response(&self, status: u16, body: Vec<u8>) -> http::Response<Vec<u8>> {
        let mut response = http::Response::new(body);
        *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        *response.headers_mut() = self.header_map();
        response
    }
}
