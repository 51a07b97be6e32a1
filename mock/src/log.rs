//! The request log: every request that reached the server, and what became of it.

use std::net::SocketAddr;

use crate::faults::FaultKind;

/// One request as the server received it, and its fate.
///
/// The log keeps everything, credentials included (`Authorization` headers, token
/// request bodies): it exists to let tests assert exactly what reached the server.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Position in the log, from 0.
    pub seq: usize,
    /// The client's address.
    pub peer: SocketAddr,
    /// The method, as sent.
    pub method: String,
    /// The path, as sent (still percent-encoded), without the query.
    pub path: String,
    /// The query string, as sent, without `?` (empty when there was none).
    pub query: String,
    /// The headers, in order, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (empty when none was sent, or when it was never read: see `fault`).
    pub body: Vec<u8>,
    /// The fault that hit it, if any.
    pub fault: Option<FaultKind>,
    /// Whether the emulator processed it (its effects, e.g. a new secret, are in the
    /// state). False for [`FaultKind::Respond`] and [`FaultKind::DropBeforeRead`], and for
    /// requests that could not be parsed.
    pub processed: bool,
    /// The status of the response the server produced, whether or not it was sent;
    /// `None` when none was produced ([`FaultKind::DropBeforeRead`]).
    pub status: Option<u16>,
    /// Whether the server sent a complete response (false when a fault withheld or cut
    /// it short, or the request could not be read).
    pub answered: bool,
}

impl RecordedRequest {
    /// The first value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (lossy UTF-8).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// The log itself.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    entries: Vec<RecordedRequest>,
    next_seq: usize,
}

impl RequestLog {
    pub(crate) fn push(&mut self, mut entry: RecordedRequest) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        self.entries.push(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.entries.clone()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
