//! A loopback Atlas stand-in that authenticates API keys with HTTP Digest as Atlas does
//! (`MD5`, `qop="auth"`, realm `MMS Public API`), verifying every signature with md-5,
//! and counting requests and challenges.
//!
//! Each 401 carries a new nonce; a signed request is accepted when its nonce was issued
//! here, its nonce count is higher than any seen with that nonce (no replays), and its
//! response hash is right.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crate::baseline::{digest_param, digest_response};
use crate::server::{Server, respond};
use crate::{MEDIA_TYPE, SECRET_JSON};

/// The public key (Digest user name).
pub const PUBLIC_KEY: &str = "abcdefgh";
/// The private key (Digest password).
pub const PRIVATE_KEY: &str = "2f7c3b9e-0d1a-4c5e-9f8b-7a6d5c4b3a21";
/// Atlas's realm.
pub const REALM: &str = "MMS Public API";

#[derive(Default)]
struct State {
    next_nonce: AtomicU64,
    /// Nonce → the highest nonce count accepted with it.
    nonces: Mutex<HashMap<String, u32>>,
    challenges: AtomicU64,
    accepted: AtomicU64,
}

/// The server and its counters.
pub struct DigestServer {
    server: Server,
    state: Arc<State>,
}

/// What a run cost, server-side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestCounts {
    /// Every request received.
    pub requests: u64,
    /// Requests answered 401 with a challenge.
    pub challenges: u64,
    /// Requests accepted (signature verified).
    pub accepted: u64,
}

impl DigestServer {
    /// Starts the server.
    pub fn start() -> DigestServer {
        let state = Arc::new(State::default());
        let shared = state.clone();
        let server = Server::start(move |request, out| {
            if verify(
                &shared,
                request.method,
                request.target,
                request.header("authorization"),
            ) {
                shared.accepted.fetch_add(1, Ordering::Relaxed);
                respond(
                    out,
                    201,
                    &[("Content-Type", MEDIA_TYPE)],
                    SECRET_JSON.as_bytes(),
                );
            } else {
                shared.challenges.fetch_add(1, Ordering::Relaxed);
                let nonce = format!(
                    "bench-nonce-{:08}",
                    shared.next_nonce.fetch_add(1, Ordering::Relaxed)
                );
                {
                    let mut nonces = shared.nonces.lock().unwrap_or_else(PoisonError::into_inner);
                    // Probe-then-sign makes a nonce per call: keep the table small.
                    if nonces.len() > 4096 {
                        nonces.clear();
                    }
                    nonces.insert(nonce.clone(), 0);
                }
                let challenge = format!(
                    r#"Digest realm="{REALM}", domain="", nonce="{nonce}", algorithm=MD5, qop="auth", stale=false"#
                );
                respond(
                    out,
                    401,
                    &[
                        ("Content-Type", "application/json"),
                        ("WWW-Authenticate", &challenge),
                    ],
                    br#"{"detail":"You are not authorized for this resource.","error":401,"errorCode":"NOT_AUTHORIZED","parameters":[],"reason":"Unauthorized"}"#,
                );
            }
        });
        DigestServer { server, state }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        self.server.url()
    }

    /// The counters so far.
    pub fn counts(&self) -> DigestCounts {
        DigestCounts {
            requests: self.server.requests(),
            challenges: self.state.challenges.load(Ordering::Acquire),
            accepted: self.state.accepted.load(Ordering::Acquire),
        }
    }
}

fn verify(state: &State, method: &str, target: &str, authorization: Option<&str>) -> bool {
    let Some(auth) = authorization else {
        return false;
    };
    let p = |name| digest_param(auth, name);
    let (Some(user), Some(realm), Some(nonce), Some(uri), Some(response)) = (
        p("username"),
        p("realm"),
        p("nonce"),
        p("uri"),
        p("response"),
    ) else {
        return false;
    };
    let (Some(nc_text), Some(cnonce)) = (p("nc"), p("cnonce")) else {
        return false;
    };
    if user != PUBLIC_KEY || realm != REALM || uri != target || p("qop") != Some("auth") {
        return false;
    }
    if p("algorithm").is_some_and(|a| !a.eq_ignore_ascii_case("MD5")) {
        return false;
    }
    let Ok(nc) = u32::from_str_radix(nc_text, 16) else {
        return false;
    };
    let expected = digest_response(
        user,
        realm,
        PRIVATE_KEY,
        method,
        uri,
        nonce,
        nc_text,
        cnonce,
    );
    if expected != response {
        return false;
    }
    let mut nonces = state.nonces.lock().unwrap_or_else(PoisonError::into_inner);
    match nonces.get_mut(nonce) {
        Some(last) if nc > *last => {
            *last = nc;
            true
        }
        _ => false,
    }
}
