//! HTTP/1.1 on a byte stream: reading a request (head, then body: `Content-Length` or
//! chunked), and writing a response, whole or deliberately cut short.
//!
//! Reading is split in two so that a fault can be decided from the request line and the
//! headers before the body is touched ([`FaultKind::DropBeforeRead`](crate::FaultKind)).

use std::io::{self, BufRead, Read};
use std::net::SocketAddr;

use crate::errors::reason;

/// Largest request head (request line and headers) accepted.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted.
pub(crate) const MAX_BODY: usize = 8 * 1024 * 1024;

/// The request line and headers of a request.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub(crate) method: String,
    /// The request target as sent (path and query, still percent-encoded).
    pub(crate) target: String,
    /// The path part of the target, still percent-encoded.
    pub(crate) path: String,
    /// The query part of the target without `?`, still percent-encoded.
    pub(crate) query: String,
    pub(crate) http10: bool,
    pub(crate) headers: Vec<(String, String)>,
}

/// A whole request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) head: Head,
    pub(crate) body: Vec<u8>,
    pub(crate) peer: SocketAddr,
}

impl Head {
    /// The first value of a header, by case-insensitive name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, by case-insensitive name.
    fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the `Connection` header holds `token`.
    fn connection_has(&self, token: &str) -> bool {
        self.header_values("connection")
            .flat_map(|v| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    /// Whether the connection stays open after this exchange.
    pub(crate) fn keep_alive(&self) -> bool {
        if self.http10 {
            self.connection_has("keep-alive")
        } else {
            !self.connection_has("close")
        }
    }

    /// Whether the client waits for `100 Continue` before sending the body.
    pub(crate) fn expects_continue(&self) -> bool {
        !self.http10
            && self
                .header("expect")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    }

    /// How the body is framed.
    pub(crate) fn framing(&self) -> Result<Framing, ReadError> {
        let te: Vec<&str> = self.header_values("transfer-encoding").collect();
        let lengths: Vec<&str> = self.header_values("content-length").collect();
        if !te.is_empty() {
            if !lengths.is_empty() {
                return Err(ReadError::Malformed(
                    "both Transfer-Encoding and Content-Length".into(),
                ));
            }
            let last = te
                .iter()
                .flat_map(|v| v.split(','))
                .map(str::trim)
                .rfind(|t| !t.is_empty())
                .unwrap_or("");
            return if last.eq_ignore_ascii_case("chunked") {
                Ok(Framing::Chunked)
            } else {
                Err(ReadError::Malformed(format!(
                    "unsupported Transfer-Encoding {last:?}"
                )))
            };
        }
        let mut length: Option<u64> = None;
        for value in lengths.iter().flat_map(|v| v.split(',')) {
            let value = value.trim();
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ReadError::Malformed(format!(
                    "invalid Content-Length {value:?}"
                )));
            }
            let n: u64 = value
                .parse()
                .map_err(|_| ReadError::TooLarge("the body is too large".into()))?;
            if length.is_some_and(|l| l != n) {
                return Err(ReadError::Malformed(
                    "conflicting Content-Length values".into(),
                ));
            }
            length = Some(n);
        }
        match length {
            Some(n) if n > MAX_BODY as u64 => {
                Err(ReadError::TooLarge("the body is too large".into()))
            }
            Some(n) => Ok(Framing::Length(n as usize)),
            None => Ok(Framing::Length(0)),
        }
    }
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.head.header(name)
    }
}

/// How a request body is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    Length(usize),
    Chunked,
}

/// Why a request could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed (or went idle) before sending a byte of a new request.
    Closed,
    /// The connection failed, or closed, mid-request.
    Io,
    /// Not HTTP/1.x as the emulator understands it: answered with 400.
    Malformed(String),
    /// Over the emulator's limits: answered with 413 (body) or 431 (head).
    TooLarge(String),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

/// Reads one line (up to `\n`), counting against `budget`.
fn read_line(r: &mut impl BufRead, budget: &mut usize) -> Result<Vec<u8>, ReadError> {
    let mut line = Vec::new();
    let n = r
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut line)?;
    if n > *budget {
        return Err(ReadError::TooLarge("the request head is too large".into()));
    }
    *budget -= n;
    if line.last() != Some(&b'\n') {
        return Err(ReadError::Io);
    }
    line.pop();
    if line.last() == Some(&b'\r') {
        line.pop();
    }
    Ok(line)
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Reads a request line and headers. [`ReadError::Closed`] when the peer closes or idles
/// out cleanly between requests.
pub(crate) fn read_head(r: &mut impl BufRead) -> Result<Head, ReadError> {
    // Between requests, an EOF or an idle timeout is the normal end of a connection.
    match r.fill_buf() {
        Ok([]) => return Err(ReadError::Closed),
        Ok(_) => {}
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock
                    | io::ErrorKind::TimedOut
                    | io::ErrorKind::ConnectionReset
                    | io::ErrorKind::ConnectionAborted
            ) =>
        {
            return Err(ReadError::Closed);
        }
        Err(_) => return Err(ReadError::Io),
    }
    let mut budget = MAX_HEAD;
    // RFC 9112 §2.2: ignore empty lines before the request line.
    let mut line = read_line(r, &mut budget)?;
    let mut skipped = 0;
    while line.is_empty() && skipped < 4 {
        line = read_line(r, &mut budget)?;
        skipped += 1;
    }
    let line = String::from_utf8(line)
        .map_err(|_| ReadError::Malformed("the request line is not UTF-8".into()))?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed(format!(
            "malformed request line {line:?}"
        )));
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(ReadError::Malformed(format!("invalid method {method:?}")));
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => {
            return Err(ReadError::Malformed(format!(
                "unsupported protocol {version:?}"
            )));
        }
    };
    if target.is_empty() || target.bytes().any(|b| b <= b' ' || b == 0x7f || b >= 0x80) {
        return Err(ReadError::Malformed(format!(
            "invalid request target {target:?}"
        )));
    }
    // Absolute form (a proxy request): keep the path and query only.
    let origin = if let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    {
        match rest.find('/') {
            Some(i) => &rest[i..],
            None => "/",
        }
    } else {
        target
    };
    if !origin.starts_with('/') && origin != "*" {
        return Err(ReadError::Malformed(format!(
            "invalid request target {target:?}"
        )));
    }
    let origin = origin.split('#').next().unwrap_or(origin);
    let (path, query) = match origin.split_once('?') {
        Some((p, q)) => (p, q),
        None => (origin, ""),
    };

    let mut headers = Vec::new();
    loop {
        let line = read_line(r, &mut budget)?;
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            return Err(ReadError::Malformed("obsolete header folding".into()));
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return Err(ReadError::Malformed("a header line without a colon".into()));
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        if name.is_empty() || !name.iter().all(|&b| is_tchar(b)) {
            return Err(ReadError::Malformed("an invalid header name".into()));
        }
        if headers.len() >= 200 {
            return Err(ReadError::TooLarge("too many headers".into()));
        }
        // Header values are Latin-1 at worst (obs-text); keep what UTF-8 allows.
        let value = String::from_utf8_lossy(value).trim().to_owned();
        headers.push((String::from_utf8_lossy(name).into_owned(), value));
    }
    Ok(Head {
        method: method.to_owned(),
        target: origin.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        http10,
        headers,
    })
}

/// Reads the body that `framing` announces.
pub(crate) fn read_body(r: &mut impl BufRead, framing: Framing) -> Result<Vec<u8>, ReadError> {
    match framing {
        Framing::Length(n) => {
            let mut body = vec![0u8; n];
            r.read_exact(&mut body)?;
            Ok(body)
        }
        Framing::Chunked => {
            let mut body = Vec::new();
            let mut budget = MAX_HEAD;
            loop {
                let line = read_line(r, &mut budget)?;
                let line = String::from_utf8_lossy(&line);
                let size = line.split(';').next().unwrap_or("").trim();
                let size = usize::from_str_radix(size, 16)
                    .map_err(|_| ReadError::Malformed(format!("invalid chunk size {size:?}")))?;
                if size == 0 {
                    // Trailers, up to the empty line.
                    while !read_line(r, &mut budget)?.is_empty() {}
                    return Ok(body);
                }
                if body.len().saturating_add(size) > MAX_BODY {
                    return Err(ReadError::TooLarge("the body is too large".into()));
                }
                let start = body.len();
                body.resize(start + size, 0);
                r.read_exact(&mut body[start..])?;
                if !read_line(r, &mut budget)?.is_empty() {
                    return Err(ReadError::Malformed("a chunk longer than its size".into()));
                }
            }
        }
    }
}

/// A response before it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    pub(crate) fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> Response {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub(crate) fn body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }

    /// Statuses that never carry a body.
    fn bodiless(&self) -> bool {
        self.status == 204 || self.status == 304 || (100..200).contains(&self.status)
    }

    /// The bytes on the wire. `declared` overrides `Content-Length` (for a truncated
    /// body); `keep_alive` decides the `Connection` header.
    pub(crate) fn to_bytes(&self, keep_alive: bool, declared: Option<usize>) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status)).into_bytes();
        for (name, value) in &self.headers {
            if name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("connection")
                || name.eq_ignore_ascii_case("transfer-encoding")
            {
                continue;
            }
            // A header value never carries a line break onto the wire.
            let value: String = value.chars().filter(|c| *c != '\r' && *c != '\n').collect();
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        if !self.bodiless() || declared.is_some() {
            let length = declared.unwrap_or(self.body.len());
            out.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
        }
        let connection = if keep_alive { "keep-alive" } else { "close" };
        out.extend_from_slice(format!("Connection: {connection}\r\n\r\n").as_bytes());
        if !self.bodiless() || declared.is_some() {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    fn parse(raw: &str) -> Result<(Head, Vec<u8>), ReadError> {
        let mut r = BufReader::new(raw.as_bytes());
        let head = read_head(&mut r)?;
        let framing = head.framing()?;
        let body = read_body(&mut r, framing)?;
        Ok((head, body))
    }

    #[test]
    fn reads_a_request_with_a_body() {
        let (head, body) =
            parse("POST /api/x?pretty=true HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}")
                .unwrap();
        assert_eq!(head.method, "POST");
        assert_eq!(head.path, "/api/x");
        assert_eq!(head.query, "pretty=true");
        assert_eq!(head.header("HOST"), Some("a"));
        assert_eq!(body, b"{}");
        assert!(head.keep_alive());
    }

    #[test]
    fn reads_chunked_bodies() {
        let (_, body) = parse(
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\nT: v\r\n\r\n",
        )
        .unwrap();
        assert_eq!(body, b"abcde");
    }

    #[test]
    fn refuses_malformed_heads() {
        for raw in [
            "GET\r\n\r\n",
            "GET / HTTP/2.0\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\n folded: x\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",
            "GET nopath HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                matches!(parse(raw), Err(ReadError::Malformed(_))),
                "{raw:?} was accepted"
            );
        }
        assert!(matches!(parse(""), Err(ReadError::Closed)));
        let huge = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(MAX_HEAD));
        assert!(matches!(parse(&huge), Err(ReadError::TooLarge(_))));
    }

    #[test]
    fn http10_closes_unless_asked() {
        let (head, _) = parse("GET / HTTP/1.0\r\n\r\n").unwrap();
        assert!(!head.keep_alive());
        let (head, _) = parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").unwrap();
        assert!(!head.keep_alive());
    }

    #[test]
    fn writes_responses() {
        let r = Response::new(200).header("X", "a\r\nb").body("hi");
        let text = String::from_utf8(r.to_bytes(true, None)).unwrap();
        assert_eq!(
            text,
            "HTTP/1.1 200 OK\r\nX: ab\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nhi"
        );
        let text = String::from_utf8(Response::new(204).to_bytes(false, None)).unwrap();
        assert_eq!(text, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    }
}
