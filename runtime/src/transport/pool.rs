//! Idle HTTP/1.1 connections kept for reuse, by scheme, host and port.
//!
//! A connection goes back only after its response body was read to the end, so a reused
//! one never carries a stale answer. Reuse is newest first (the connection least likely
//! to have been closed by the server), connections idle longer than [`MAX_IDLE`] are
//! dropped, and one is handed out only once its socket shows that the server has not
//! closed it meanwhile ([`Probe`]): nothing reads a connection between calls.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;

use super::probe::Probe;
use super::rt;

/// hyper's sending half of one HTTP/1.1 connection.
pub(super) type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// One HTTP/1.1 connection: its connection task runs on the shared runtime and ends
/// when this is dropped.
pub(super) struct Connection {
    pub sender: Sender,
    probe: Probe,
}

impl Connection {
    pub fn new(sender: Sender, probe: Probe) -> Self {
        Connection { sender, probe }
    }

    /// Whether a request may be written to it: hyper has not seen it close, and its
    /// socket holds no end of stream, reset or stray bytes.
    fn is_reusable(&self) -> bool {
        !self.sender.is_closed() && self.probe.is_open()
    }
}

/// How long an idle connection is kept (ureq's default, which this transport replaced).
pub(super) const MAX_IDLE: Duration = Duration::from_secs(15);
/// Idle connections kept per host (ureq's default too): more concurrent calls than this
/// open connections that close when done, rather than holding a server's worker each
/// (thread-per-connection servers starve new connections while idle ones hold them).
pub(super) const MAX_IDLE_PER_HOST: usize = 3;

/// Where a connection goes: connections are shared only between identical keys.
///
/// It holds the request's own `Authority` (a reference count on the URL's bytes, not a
/// copy), so making one costs no allocation on every call.
#[derive(Debug, Clone, Eq)]
pub(super) struct Key {
    pub https: bool,
    authority: http::uri::Authority,
    /// Where the host is in the authority's text, brackets of an IPv6 address excluded.
    host: std::ops::Range<usize>,
    pub port: u16,
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        // `Authority`'s own equality ignores case, a byte at a time; the same client
        // spells its host the same way each call, so the exact comparison settles it.
        self.https == other.https
            && self.port == other.port
            && (self.authority.as_str() == other.authority.as_str()
                || self.authority == other.authority)
    }
}

impl Key {
    /// The key of `authority` (which holds no `user@`) over `https` or not; `None` when
    /// it names no host.
    pub fn new(https: bool, authority: http::uri::Authority) -> Option<Key> {
        let text = authority.as_str();
        // `[v6]:port`, `[v6]`, `host:port` or `host`: the parse is the authority's own.
        // Byte searches: `str::find(char)` sets up a general searcher, several times the
        // cost for an authority's few bytes, on every call.
        let (host, port) = match text.strip_prefix('[') {
            Some(rest) => {
                let close = rest.bytes().position(|b| b == b']')?;
                (1..close + 1, rest[close + 1..].strip_prefix(':'))
            }
            None => match text.bytes().rposition(|b| b == b':') {
                Some(colon) => (0..colon, Some(&text[colon + 1..])),
                None => (0..text.len(), None),
            },
        };
        let port = match port {
            Some(p) => p.parse().ok()?,
            None if https => 443,
            None => 80,
        };
        (!host.is_empty()).then_some(Key {
            https,
            authority,
            host,
            port,
        })
    }

    /// The host as the URL spells it, without IPv6 brackets.
    pub fn host(&self) -> &str {
        &self.authority.as_str()[self.host.clone()]
    }

    /// The authority as the URL spells it, for `Host`.
    pub fn authority(&self) -> &str {
        self.authority.as_str()
    }
}

#[cfg(test)]
mod key_tests {
    use super::Key;

    fn key(https: bool, authority: &str) -> Option<(String, u16)> {
        Key::new(https, authority.parse().unwrap()).map(|k| (k.host().to_owned(), k.port))
    }

    #[test]
    fn hosts_and_ports_as_the_url_spells_them() {
        assert_eq!(
            key(true, "cloud.mongodb.com"),
            Some(("cloud.mongodb.com".into(), 443))
        );
        assert_eq!(
            key(false, "127.0.0.1:8080"),
            Some(("127.0.0.1".into(), 8080))
        );
        assert_eq!(key(false, "h"), Some(("h".into(), 80)));
        assert_eq!(key(true, "[::1]:9"), Some(("::1".into(), 9)));
        assert_eq!(key(true, "[fe80::1]"), Some(("fe80::1".into(), 443)));
        // As http::Uri reads them.
        for authority in ["cloud.mongodb.com", "127.0.0.1:8080", "[::1]:9"] {
            let a: http::uri::Authority = authority.parse().unwrap();
            let k = Key::new(true, a.clone()).unwrap();
            assert_eq!(
                k.host(),
                a.host().trim_start_matches('[').trim_end_matches(']')
            );
            assert_eq!(k.port, a.port_u16().unwrap_or(443));
        }
    }
}

struct Idle {
    connection: Connection,
    /// When it has been idle [`MAX_IDLE`]: a comparison on each check, not a subtraction.
    until: Instant,
}

/// Idle connections by host. A client talks to one host or two (Atlas, a token
/// endpoint), so a short list searched in order beats hashing the key on every call.
#[derive(Default)]
pub(super) struct Pool {
    idle: Mutex<Vec<(Key, Vec<Idle>)>>,
}

impl Pool {
    /// The most recently used open connection to `key`, if any, as of `now`. Those found
    /// closed or idle too long on the way are dropped.
    pub fn take(&self, key: &Key, now: Instant) -> Option<Connection> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let at = idle.iter().position(|(k, _)| k == key)?;
        let list = &mut idle[at].1;
        // The host's list stays, empty or not: the connection taken usually comes back
        // at the end of the call, and a host's list is one of a client's one or two.
        loop {
            let entry = list.pop()?;
            if now < entry.until && entry.connection.is_reusable() {
                return Some(entry.connection);
            }
        }
    }

    /// Keeps `connection` for reuse, unless it closed or the host has enough.
    pub fn put(&self, key: &Key, connection: Connection) {
        if connection.sender.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let at = match idle.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                // A new host: first let go of the lists of hosts left with none idle.
                idle.retain(|(_, list)| !list.is_empty());
                idle.push((key.clone(), Vec::with_capacity(MAX_IDLE_PER_HOST)));
                idle.len() - 1
            }
        };
        let now = Instant::now();
        let list = &mut idle[at].1;
        list.retain(|e| now < e.until && !e.connection.sender.is_closed());
        // A time too far off to represent is never reached: the connection is not kept.
        if let Some(until) = now.checked_add(MAX_IDLE)
            && list.len() < MAX_IDLE_PER_HOST
        {
            list.push(Idle { connection, until });
        }
    }

    /// Idle connections held now, for `Debug`.
    pub fn idle_count(&self) -> usize {
        let idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        idle.iter().map(|(_, list)| list.len()).sum()
    }
}

impl Drop for Pool {
    /// The last transport holding the pool is gone: close its idle connections now.
    fn drop(&mut self) {
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(PoisonError::into_inner));
        if idle.iter().any(|(_, list)| !list.is_empty()) {
            drop(idle);
            rt::settle();
        }
    }
}
