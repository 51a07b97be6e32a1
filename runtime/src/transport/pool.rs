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
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Key {
    pub https: bool,
    authority: http::uri::Authority,
    pub port: u16,
}

impl Key {
    /// The key of `authority` over `https` or not; `None` when it names no host.
    pub fn new(https: bool, authority: http::uri::Authority) -> Option<Key> {
        let port = authority.port_u16().unwrap_or(if https { 443 } else { 80 });
        let key = Key {
            https,
            authority,
            port,
        };
        (!key.host().is_empty()).then_some(key)
    }

    /// The host as the URL spells it, without IPv6 brackets.
    pub fn host(&self) -> &str {
        let host = self.authority.host();
        host.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host)
    }

    /// The authority as the URL spells it, for `Host`.
    pub fn authority(&self) -> &str {
        self.authority.as_str()
    }
}

struct Idle {
    connection: Connection,
    since: Instant,
}

/// Idle connections by host. A client talks to one host or two (Atlas, a token
/// endpoint), so a short list searched in order beats hashing the key on every call.
#[derive(Default)]
pub(super) struct Pool {
    idle: Mutex<Vec<(Key, Vec<Idle>)>>,
}

impl Pool {
    /// The most recently used open connection to `key`, if any. Those found closed on
    /// the way are dropped.
    pub fn take(&self, key: &Key) -> Option<Connection> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        let at = idle.iter().position(|(k, _)| k == key)?;
        let list = &mut idle[at].1;
        let found = loop {
            let Some(entry) = list.pop() else { break None };
            if entry.since.elapsed() < MAX_IDLE && entry.connection.is_reusable() {
                break Some(entry.connection);
            }
        };
        if list.is_empty() {
            idle.swap_remove(at);
        }
        found
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
                idle.push((key.clone(), Vec::with_capacity(MAX_IDLE_PER_HOST)));
                idle.len() - 1
            }
        };
        let list = &mut idle[at].1;
        list.retain(|e| e.since.elapsed() < MAX_IDLE && !e.connection.sender.is_closed());
        if list.len() < MAX_IDLE_PER_HOST {
            list.push(Idle {
                connection,
                since: Instant::now(),
            });
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
        if !idle.is_empty() {
            drop(idle);
            rt::settle();
        }
    }
}
