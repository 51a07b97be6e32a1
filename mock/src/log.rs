//! The request log: every request that reached the server, and what became of it.

use std::collections::VecDeque;
use std::net::SocketAddr;

use crate::faults::FaultKind;

/// One request as the server received it, and its fate.
///
/// The log keeps credentials too (`Authorization` headers, token request bodies): it
/// exists to let tests assert exactly what reached the server. It is bounded: at most
/// [`request_log_capacity`](crate::MockAtlasBuilder::request_log_capacity) entries
/// (the oldest go first), each with at most
/// [`log_body_prefix`](crate::MockAtlasBuilder::log_body_prefix) bytes of its body.
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
    /// The headers, names lower-cased, values trimmed (lossy UTF-8), grouped by name in
    /// the order each name first appeared.
    pub headers: Vec<(String, String)>,
    /// The first bytes of the body (empty when none was sent, or when it was never
    /// read: a [`FaultKind::DropBeforeRead`], or a request refused on its head alone,
    /// such as a 401).
    pub body: Vec<u8>,
    /// The length of the whole body as received (0 when it was never read).
    pub body_len: usize,
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

/// The log itself: the latest `capacity` entries.
#[derive(Debug)]
pub(crate) struct RequestLog {
    entries: VecDeque<RecordedRequest>,
    capacity: usize,
    next_seq: usize,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> RequestLog {
        RequestLog {
            entries: VecDeque::new(),
            capacity,
            next_seq: 0,
        }
    }

    pub(crate) fn push(&mut self, mut entry: RecordedRequest) {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        if self.capacity == 0 {
            return;
        }
        while self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub(crate) fn snapshot(&self) -> Vec<RecordedRequest> {
        self.entries.iter().cloned().collect()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> RecordedRequest {
        RecordedRequest {
            seq: 0,
            peer: SocketAddr::from(([127, 0, 0, 1], 1)),
            method: "GET".into(),
            path: "/".into(),
            query: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            body_len: 0,
            fault: None,
            processed: true,
            status: Some(200),
            answered: true,
        }
    }

    #[test]
    fn keeps_the_latest_entries_and_counts_on() {
        let mut log = RequestLog::new(2);
        for _ in 0..5 {
            log.push(entry());
        }
        let seqs: Vec<usize> = log.snapshot().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [3, 4]);
        log.clear();
        log.push(entry());
        assert_eq!(log.snapshot()[0].seq, 5);
        let mut none = RequestLog::new(0);
        none.push(entry());
        assert!(none.snapshot().is_empty());
    }
}
