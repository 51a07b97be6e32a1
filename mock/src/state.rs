//! What the server threads share: options, clock, data, nonces, limits, faults, log.

use std::sync::atomic::AtomicUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::auth::digest::NonceStore;
use crate::clock::Clock;
use crate::config::Config;
use crate::faults::FaultSet;
use crate::log::RequestLog;
use crate::ratelimit::{Limits, RateTable, SlidingWindow, TokenBucket};
use crate::script::Scripts;
use crate::store::Store;

/// The emulator's shared state.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: Config,
    pub(crate) clock: Clock,
    /// The server's URL, `http://127.0.0.1:<port>`, for pagination links.
    pub(crate) base_url: String,
    pub(crate) store: Mutex<Store>,
    pub(crate) nonces: Mutex<NonceStore>,
    pub(crate) bucket: Option<Mutex<TokenBucket>>,
    /// The endpoint sets and their buckets.
    pub(crate) limits: Limits,
    /// 429s answered by a bucket (the endpoint sets' or the single one).
    pub(crate) rate_limited: AtomicUsize,
    pub(crate) faults: Mutex<FaultSet>,
    pub(crate) log: Mutex<RequestLog>,
    /// Requests that reached the token endpoint, however they were answered (the log is
    /// capped; this is not).
    pub(crate) token_requests: AtomicUsize,
    /// Connections closed to make room for a newcomer (counted once the socket is shut).
    pub(crate) evicted: AtomicUsize,
    /// Connections being served now (a socket held open).
    pub(crate) open: AtomicUsize,
    /// Answers scripted by the test, by operation.
    pub(crate) scripts: Scripts,
}

/// Locks a mutex, ignoring poisoning: every critical section leaves the data consistent
/// (and handler panics are caught before they could poison anything).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(config: Config, base_url: String, table: RateTable) -> Shared {
        let window = config
            .token_endpoint_limit
            .map(|(max, window)| SlidingWindow::new(max, window));
        let failed_window = config
            .failed_token_limit
            .map(|(max, window)| SlidingWindow::new(max, window));
        let bucket = config
            .rate_limit
            .map(|(capacity, refill)| Mutex::new(TokenBucket::new(capacity, refill)));
        Shared {
            nonces: Mutex::new(NonceStore::new(config.nonce_lifetime)),
            store: Mutex::new(Store::new(window, failed_window)),
            bucket,
            limits: Limits::new(table, config.rate_limit_time_scale),
            rate_limited: AtomicUsize::new(0),
            clock: Clock::default(),
            base_url,
            faults: Mutex::new(FaultSet::default()),
            log: Mutex::new(RequestLog::new(config.log_capacity)),
            token_requests: AtomicUsize::new(0),
            evicted: AtomicUsize::new(0),
            open: AtomicUsize::new(0),
            scripts: Scripts::default(),
            config,
        }
    }
}
