//! The emulator's view of one HTTP exchange: the request as the handlers read it and the
//! response they produce, independent of the server that carries them (hyper, in
//! [`super::service`]).

use std::net::SocketAddr;

/// Largest request head (request line and headers) accepted: hyper answers 431 above.
pub(crate) const MAX_HEAD: usize = 64 * 1024;
/// Largest request body accepted: 413 above.
pub(crate) const MAX_BODY: usize = 8 * 1024 * 1024;

/// The request line and headers of a request.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub(crate) method: String,
    /// The request target in origin form (path and query, still percent-encoded).
    pub(crate) target: String,
    /// The path part of the target, still percent-encoded.
    pub(crate) path: String,
    /// The query part of the target without `?`, still percent-encoded.
    pub(crate) query: String,
    /// Whether the request was HTTP/1.0.
    pub(crate) http10: bool,
    /// The headers, names lower-cased.
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
    pub(crate) fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
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

    /// Whether the client asked to keep the connection open after this exchange.
    pub(crate) fn keep_alive(&self) -> bool {
        if self.http10 {
            self.connection_has("keep-alive")
        } else {
            !self.connection_has("close")
        }
    }
}

impl Request {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.head.header(name)
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(http10: bool, headers: &[(&str, &str)]) -> Head {
        Head {
            method: "GET".into(),
            target: "/".into(),
            path: "/".into(),
            query: String::new(),
            http10,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    #[test]
    fn keep_alive_follows_the_version_and_connection() {
        assert!(head(false, &[]).keep_alive());
        assert!(!head(false, &[("connection", "Upgrade, close")]).keep_alive());
        assert!(!head(true, &[]).keep_alive());
        assert!(head(true, &[("connection", "keep-alive")]).keep_alive());
        assert_eq!(
            head(false, &[("accept", "a"), ("Accept", "b")]).header("ACCEPT"),
            Some("a")
        );
    }
}
