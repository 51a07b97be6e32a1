//! A loopback OAuth token endpoint plus API that issues short-lived tokens and refuses
//! expired ones, counting token requests server-side; and a paced many-thread run across
//! one token expiry.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::server::{Server, respond};
use crate::{MEDIA_TYPE, SECRET_JSON};

/// The service account's client id.
pub const SA_CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";
/// The service account's secret.
pub const SA_SECRET: &str = "mdb_sa_sk_bench";

struct State {
    lifetime: Duration,
    issued: Mutex<HashMap<String, Instant>>,
    next: AtomicU64,
    token_requests: AtomicU64,
    api_requests: AtomicU64,
    rejected: AtomicU64,
}

/// The server and its counters.
pub struct TokenServer {
    server: Server,
    state: Arc<State>,
}

impl TokenServer {
    /// Starts a server whose tokens live `lifetime` (whole seconds, as `expires_in` is).
    pub fn start(lifetime: Duration) -> TokenServer {
        let state = Arc::new(State {
            lifetime,
            issued: Mutex::new(HashMap::new()),
            next: AtomicU64::new(1),
            token_requests: AtomicU64::new(0),
            api_requests: AtomicU64::new(0),
            rejected: AtomicU64::new(0),
        });
        let shared = state.clone();
        let server = Server::start(move |request, out| {
            if request.path() == "/api/oauth/token" {
                shared.token_requests.fetch_add(1, Ordering::Relaxed);
                let basic = request
                    .header("authorization")
                    .is_some_and(|a| a.starts_with("Basic "));
                let grant = request.body == b"grant_type=client_credentials";
                if !(basic && grant) {
                    respond(out, 400, &[], br#"{"error":"invalid_request"}"#);
                    return;
                }
                let token = format!("tok-{}", shared.next.fetch_add(1, Ordering::Relaxed));
                shared
                    .issued
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(token.clone(), Instant::now() + shared.lifetime);
                let body = format!(
                    r#"{{"access_token":"{token}","expires_in":{},"token_type":"Bearer"}}"#,
                    shared.lifetime.as_secs()
                );
                respond(
                    out,
                    200,
                    &[("Content-Type", "application/json")],
                    body.as_bytes(),
                );
                return;
            }
            shared.api_requests.fetch_add(1, Ordering::Relaxed);
            let valid = request
                .header("authorization")
                .and_then(|a| a.strip_prefix("Bearer "))
                .and_then(|t| {
                    shared
                        .issued
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .get(t)
                        .copied()
                })
                .is_some_and(|expires| Instant::now() < expires);
            if valid {
                respond(
                    out,
                    201,
                    &[("Content-Type", MEDIA_TYPE)],
                    SECRET_JSON.as_bytes(),
                );
            } else {
                shared.rejected.fetch_add(1, Ordering::Relaxed);
                respond(
                    out,
                    401,
                    &[("Content-Type", "application/json")],
                    br#"{"error":401,"errorCode":"NOT_AUTHORIZED","reason":"Unauthorized"}"#,
                );
            }
        });
        TokenServer { server, state }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        self.server.url()
    }

    /// Token requests so far.
    pub fn token_requests(&self) -> u64 {
        self.state.token_requests.load(Ordering::Acquire)
    }

    /// API requests so far.
    pub fn api_requests(&self) -> u64 {
        self.state.api_requests.load(Ordering::Acquire)
    }

    /// API requests refused (unknown or expired token).
    pub fn rejected(&self) -> u64 {
        self.state.rejected.load(Ordering::Acquire)
    }
}

/// What a paced run cost.
#[derive(Debug, Clone, Copy)]
pub struct TokenRun {
    /// Token requests the server received.
    pub token_requests: u64,
    /// API requests the server received.
    pub api_requests: u64,
    /// API requests refused for want of a valid token.
    pub rejected: u64,
    /// Calls that succeeded.
    pub ok: u64,
    /// Calls that failed.
    pub failed: u64,
    /// From the first call's start to the last call's end.
    pub span: Duration,
}

/// Runs `calls` calls of `call` from `threads` threads, paced evenly over `span`: every
/// thread starts its k-th call at `k/n` of the span, all threads at once (bursts of
/// `threads` concurrent calls, the worst case for a token cache), so the run crosses
/// token refreshes at known times. Counts come from `server`.
pub fn paced_run<F>(
    server: &TokenServer,
    threads: usize,
    calls: usize,
    span: Duration,
    call: F,
) -> TokenRun
where
    F: Fn() -> bool + Sync,
{
    let before = (
        server.token_requests(),
        server.api_requests(),
        server.rejected(),
    );
    let barrier = Barrier::new(threads);
    let ok = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let started = Mutex::new(None::<Instant>);
    let ended = Mutex::new(None::<Instant>);
    std::thread::scope(|scope| {
        for t in 0..threads {
            let n = calls / threads + usize::from(t < calls % threads);
            let (barrier, ok, failed, call, started, ended) =
                (&barrier, &ok, &failed, &call, &started, &ended);
            scope.spawn(move || {
                barrier.wait();
                let start = {
                    let mut s = started.lock().unwrap_or_else(PoisonError::into_inner);
                    *s.get_or_insert_with(Instant::now)
                };
                for k in 0..n {
                    let at = start + span.mul_f64(k as f64 / n as f64);
                    let now = Instant::now();
                    if at > now {
                        std::thread::sleep(at - now);
                    }
                    if call() {
                        ok.fetch_add(1, Ordering::Relaxed);
                    } else {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                let now = Instant::now();
                let mut e = ended.lock().unwrap_or_else(PoisonError::into_inner);
                if e.is_none_or(|e| e < now) {
                    *e = Some(now);
                }
            });
        }
    });
    let start = started.into_inner().unwrap_or_else(PoisonError::into_inner);
    let end = ended.into_inner().unwrap_or_else(PoisonError::into_inner);
    TokenRun {
        token_requests: server.token_requests() - before.0,
        api_requests: server.api_requests() - before.1,
        rejected: server.rejected() - before.2,
        ok: ok.into_inner(),
        failed: failed.into_inner(),
        span: match (start, end) {
            (Some(s), Some(e)) => e - s,
            _ => Duration::ZERO,
        },
    }
}
