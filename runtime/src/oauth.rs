//! Service-account access tokens (OAuth 2.0 client credentials), as Atlas issues them.
//!
//! One token per client, cached and refreshed before it expires; when many threads need
//! a token at once exactly one request goes out and the others wait for its outcome
//! (success or failure: the token endpoint is never hammered). A [`TokenStore`] lets a
//! fleet of processes share one token and stay under Atlas's 100-live-tokens limit.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use crate::error::{AuthError, AuthErrorKind, Error};
use crate::response::{parse_retry_after, redacted_excerpt};
use crate::store::{Lease, LeaseGuard, TokenKey};
use crate::transport::Exchange as Sender;

/// Default time before expiry at which a token is replaced.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The longest lifetime a token is trusted for, whatever `expires_in` says: Atlas issues
/// one-hour tokens, and a server's `expires_in` of 10^19 s must not overflow a clock.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The largest access token accepted (Atlas's are about 1 KiB). A larger one is refused
/// when it arrives, not discovered later as a header no server takes.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// How long one [`TokenStore::lease`] call may wait before the store is read again.
const LEASE_POLL: Duration = Duration::from_millis(50);

/// How many earlier tokens are remembered for scrubbing errors.
const REMEMBERED_TOKENS: usize = 4;

/// An access token and when it stops working. `Debug` never shows the value.
#[derive(Clone)]
pub struct AccessToken {
    value: SecretString,
    issued_at: SystemTime,
    expires_at: SystemTime,
}

impl AccessToken {
    /// A token issued at `issued_at`, valid until `expires_at`.
    pub fn new(value: impl Into<String>, issued_at: SystemTime, expires_at: SystemTime) -> Self {
        AccessToken {
            value: SecretString::from(value.into()),
            issued_at,
            expires_at,
        }
    }

    /// The token itself; handle with care.
    pub fn secret(&self) -> &SecretString {
        &self.value
    }

    /// When Atlas stops accepting it.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// When it was requested: with [`expires_at`](Self::expires_at), its lifetime.
    pub fn issued_at(&self) -> SystemTime {
        self.issued_at
    }

    pub(crate) fn same_as(&self, other: &AccessToken) -> bool {
        self.value.expose_secret() == other.value.expose_secret()
    }

    /// Usable for at least `margin` more, the margin shortened to half the lifetime for
    /// short-lived tokens (a 60 s margin must not make a 60 s token useless).
    fn fresh(&self, margin: Duration) -> bool {
        let lifetime = self
            .expires_at
            .duration_since(self.issued_at)
            .unwrap_or_default();
        SystemTime::now()
            .checked_add(margin.min(lifetime / 2))
            .is_some_and(|t| t < self.expires_at)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &crate::validate::REDACTED)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Where access tokens are kept between calls, and how processes that share them agree on
/// which one asks Atlas for the next.
///
/// The default keeps them in memory, per [`Client`](crate::Client).
/// [`FileTokenStore`](crate::FileTokenStore) shares them among the processes of a host,
/// `RedisTokenStore` (feature `redis`) among hosts. Implement it over a cache or a secret
/// manager of your own the same way.
///
/// The client calls the `_for` methods and [`lease`](TokenStore::lease), with a
/// [`TokenKey`] naming the token endpoint as well as the client id; their defaults call
/// the three required methods with the client id alone, so a store written for those keeps
/// working. Every method should return in bounded time: the client bounds its own waits
/// ([`lease_wait`](TokenStore::lease_wait)), not a method that blocks for ever.
pub trait TokenStore: Send + Sync {
    /// The token held for `client_id`, if any (fresh or not).
    fn load(&self, client_id: &str) -> Option<AccessToken>;
    /// Keeps `token` for `client_id`, replacing any other.
    fn save(&self, client_id: &str, token: &AccessToken);
    /// Forgets `token` for `client_id`, but only if it is still the one held: another
    /// process may already have stored a newer one.
    fn discard(&self, client_id: &str, token: &AccessToken);

    /// The token held for `key`, if any (fresh or not). Default: [`load`](Self::load)
    /// with the client id.
    fn load_for(&self, key: &TokenKey) -> Option<AccessToken> {
        self.load(key.client_id())
    }
    /// Keeps `token` for `key`. Default: [`save`](Self::save) with the client id.
    fn save_for(&self, key: &TokenKey, token: &AccessToken) {
        self.save(key.client_id(), token);
    }
    /// Forgets `token` for `key` if it is still the one held. Default:
    /// [`discard`](Self::discard) with the client id.
    fn discard_for(&self, key: &TokenKey, token: &AccessToken) {
        self.discard(key.client_id(), token);
    }

    /// Tries, for at most about `wait`, to become the one process that asks Atlas for
    /// `key`'s next token. The client holds the lease while it fetches and saves, then
    /// drops it; on [`Lease::Busy`] it reads the store and asks again until
    /// [`lease_wait`](Self::lease_wait) has passed, then fetches its own token.
    ///
    /// Default: held at once, with nothing to release — a store that only this process
    /// uses needs no more than the client's own single flight.
    fn lease(&self, key: &TokenKey, wait: Duration) -> Lease {
        let _ = (key, wait);
        Lease::Held(LeaseGuard::local())
    }

    /// How long, in all, a client waits for another process's token request before
    /// asking Atlas itself. Default: zero (nobody else fetches for this store).
    fn lease_wait(&self) -> Duration {
        Duration::ZERO
    }
}

/// The default [`TokenStore`]: one token per client id, in this process's memory.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Vec<(String, AccessToken)>>,
}

impl TokenStore for MemoryTokenStore {
    fn load(&self, client_id: &str) -> Option<AccessToken> {
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens
            .iter()
            .find(|(id, _)| id == client_id)
            .map(|(_, t)| t.clone())
    }

    fn save(&self, client_id: &str, token: &AccessToken) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.retain(|(id, _)| id != client_id);
        tokens.push((client_id.to_string(), token.clone()));
    }

    fn discard(&self, client_id: &str, token: &AccessToken) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.retain(|(id, t)| !(id == client_id && t.same_as(token)));
    }
}

/// The outcome of the last token request, for threads that waited on it.
#[derive(Default)]
struct Flight {
    in_progress: bool,
    /// Bumped when a request ends.
    generation: u64,
    /// Set when the last request failed.
    last_error: Option<AuthError>,
}

/// Obtains, caches, refreshes and revokes a service account's tokens.
pub(crate) struct TokenManager {
    client_id: String,
    /// What the store is asked for: the token endpoint and the client id.
    key: TokenKey,
    client_secret: SecretString,
    token_url: String,
    revoke_url: String,
    user_agent: String,
    margin: Duration,
    store: Arc<dyn TokenStore>,
    flight: Mutex<Flight>,
    landed: Condvar,
    /// The last tokens obtained, newest last: what an error could echo.
    recent: Mutex<Vec<SecretString>>,
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("client_id", &self.client_id)
            .field("token_url", &self.token_url)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

/// The token endpoint's answer (RFC 6749 §5.1).
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    expires_in: Option<u64>,
    token_type: String,
}

/// The token endpoint's error (RFC 6749 §5.2).
#[derive(Deserialize)]
struct TokenErrorResponse {
    error: Option<String>,
    error_description: Option<String>,
}

impl TokenManager {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        client_id: String,
        client_secret: SecretString,
        token_url: String,
        revoke_url: String,
        user_agent: String,
        margin: Duration,
        store: Arc<dyn TokenStore>,
    ) -> Self {
        TokenManager {
            key: TokenKey::new(token_url.clone(), client_id.clone()),
            client_id,
            client_secret,
            token_url,
            revoke_url,
            user_agent,
            margin,
            store,
            flight: Mutex::new(Flight::default()),
            landed: Condvar::new(),
            recent: Mutex::new(Vec::new()),
        }
    }

    /// The tokens held now and lately, for scrubbing errors.
    pub(crate) fn known_tokens(&self) -> Vec<SecretString> {
        let mut known = self
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if let Some(t) = self.store.load_for(&self.key) {
            known.push(t.value);
        }
        known
    }

    fn remember(&self, token: &AccessToken) {
        let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
        if recent.len() >= REMEMBERED_TOKENS {
            recent.remove(0);
        }
        recent.push(token.value.clone());
    }

    /// A token with more than the refresh margin to live, fetching one if needed.
    ///
    /// Concurrent callers share one request; if it fails they all get its error.
    pub(crate) fn token(&self, send: Sender) -> Result<AccessToken, Error> {
        // The common case without the flight's lock: a store that does I/O (a file,
        // Redis) is not read under a lock that every thread of the client shares.
        if let Some(t) = self.fresh_in_store() {
            return Ok(t);
        }
        let mut flight = self.flight.lock().unwrap_or_else(PoisonError::into_inner);
        let mut waited_for = None;
        loop {
            if let Some(t) = self.fresh_in_store() {
                return Ok(t);
            }
            if let Some(generation) = waited_for
                && flight.generation != generation
                && let Some(e) = &flight.last_error
            {
                return Err(Error::Auth(e.clone()));
            }
            if !flight.in_progress {
                break;
            }
            waited_for = Some(flight.generation);
            flight = self
                .landed
                .wait(flight)
                .unwrap_or_else(PoisonError::into_inner);
        }
        flight.in_progress = true;
        drop(flight);

        // Whatever happens next, even a panic in the transport or the store, the flight
        // lands and waiters wake: the guard's drop does it.
        let mut landing = Landing {
            manager: self,
            error: Some(AuthError::new(
                AuthErrorKind::Unreachable,
                None,
                "the token request ended abnormally (a panic in the token store or transport)"
                    .into(),
            )),
        };
        let outcome = self.fetch_shared(send);
        landing.error = match &outcome {
            Err(Error::Auth(e)) => Some(e.clone()),
            Err(other) => Some(AuthError::new(
                AuthErrorKind::Unreachable,
                None,
                other.to_string(),
            )),
            Ok(_) => None,
        };
        drop(landing);
        outcome
    }

    /// The stored token, if it has more than the refresh margin to live.
    fn fresh_in_store(&self) -> Option<AccessToken> {
        self.store
            .load_for(&self.key)
            .filter(|t| t.fresh(self.margin))
    }

    /// Fetches a token, unless another process sharing the store saves one first: the
    /// process holding the store's lease asks Atlas, the others poll the store for at
    /// most [`TokenStore::lease_wait`] and then ask Atlas themselves. A store that cannot
    /// coordinate never fails the call: this process then fetches its own token.
    fn fetch_shared(&self, send: Sender) -> Result<AccessToken, Error> {
        let patience = self.store.lease_wait();
        let start = Instant::now();
        loop {
            let slice = patience.saturating_sub(start.elapsed()).min(LEASE_POLL);
            let asked = Instant::now();
            match self.store.lease(&self.key, slice) {
                Lease::Held(guard) => {
                    // Another process may have saved one while this one waited.
                    if let Some(t) = self.fresh_in_store() {
                        drop(guard);
                        return Ok(t);
                    }
                    let outcome = self.fetch(send);
                    drop(guard);
                    return outcome;
                }
                Lease::Unavailable => return self.fetch(send),
                Lease::Busy => {
                    if let Some(t) = self.fresh_in_store() {
                        return Ok(t);
                    }
                    if start.elapsed() >= patience {
                        log::warn!(
                            "no token from the process holding the store's lease after {} ms; \
                             asking the token endpoint directly",
                            patience.as_millis()
                        );
                        return self.fetch(send);
                    }
                    // A store that answers Busy at once must not make this a busy loop.
                    if let Some(rest) = slice.checked_sub(asked.elapsed()) {
                        std::thread::sleep(rest);
                    }
                }
            }
        }
    }

    /// Atlas refused `token`: forget it so the next [`token`](Self::token) fetches anew.
    pub(crate) fn discard(&self, token: &AccessToken) {
        self.store.discard_for(&self.key, token);
    }

    fn basic_auth(&self) -> http::HeaderValue {
        let raw = format!("{}:{}", self.client_id, self.client_secret.expose_secret());
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        let mut value = http::HeaderValue::from_str(&format!("Basic {encoded}"))
            .unwrap_or_else(|_| http::HeaderValue::from_static("Basic"));
        value.set_sensitive(true);
        value
    }

    fn form_request(&self, url: &str, form: String) -> Result<http::Request<Vec<u8>>, Error> {
        http::Request::post(url)
            .header(http::header::AUTHORIZATION, self.basic_auth())
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(http::header::ACCEPT, "application/json")
            .header(http::header::USER_AGENT, &self.user_agent)
            .body(form.into_bytes())
            .map_err(|e| {
                Error::Auth(AuthError::new(
                    AuthErrorKind::InvalidResponse,
                    None,
                    format!("the token request could not be built: {e}"),
                ))
            })
    }

    fn fetch(&self, send: Sender) -> Result<AccessToken, Error> {
        log::debug!("requesting an access token from {}", self.token_url);
        let requested_at = SystemTime::now();
        let request = self.form_request(&self.token_url, "grant_type=client_credentials".into())?;
        let response = send(request)?;
        let status = response.status().as_u16();
        let body = response.body();
        if status == 200 {
            let parsed: TokenResponse = serde_json::from_slice(body).map_err(|e| {
                Error::Auth(AuthError::new(
                    AuthErrorKind::InvalidResponse,
                    Some(status),
                    format!(
                        "the token endpoint's answer is not a token: {e}; body starts: {}",
                        cut(&redacted_excerpt(body))
                    ),
                ))
            })?;
            if !parsed.token_type.eq_ignore_ascii_case("bearer") {
                return Err(Error::Auth(AuthError::new(
                    AuthErrorKind::UnsupportedTokenType,
                    Some(status),
                    format!(
                        "the token endpoint issued a {:?} token; only Bearer tokens are supported",
                        parsed.token_type
                    ),
                )));
            }
            if parsed.access_token.len() > MAX_TOKEN_BYTES
                || http::HeaderValue::from_str(&format!("Bearer {}", parsed.access_token)).is_err()
            {
                return Err(Error::Auth(AuthError::new(
                    AuthErrorKind::InvalidResponse,
                    Some(status),
                    format!(
                        "the token endpoint issued a token that cannot be sent ({} bytes; at most \
                         {MAX_TOKEN_BYTES}, with no control characters)",
                        parsed.access_token.len()
                    ),
                )));
            }
            let lifetime =
                Duration::from_secs(parsed.expires_in.unwrap_or(3600)).min(MAX_TOKEN_LIFETIME);
            let expires_at = requested_at.checked_add(lifetime).unwrap_or(requested_at);
            let token = AccessToken::new(parsed.access_token, requested_at, expires_at);
            self.remember(&token);
            self.store.save_for(&self.key, &token);
            log::debug!("obtained an access token valid for {}s", lifetime.as_secs());
            return Ok(token);
        }
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let detail = serde_json::from_slice::<TokenErrorResponse>(body)
            .ok()
            .map(|e| {
                [e.error, e.error_description]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(": ")
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| cut(&redacted_excerpt(body)));
        let (kind, what) = match status {
            429 => (
                AuthErrorKind::RateLimited,
                "the token endpoint is rate-limiting this client (Atlas allows 10 token requests a minute)",
            ),
            400 | 401 | 403 => (
                AuthErrorKind::Refused,
                "the service account credentials were refused",
            ),
            _ => (
                AuthErrorKind::Status,
                "the token endpoint answered with an error",
            ),
        };
        let mut error = AuthError::new(kind, Some(status), format!("{what}: {detail}"));
        error.retry_after = retry_after;
        Err(Error::Auth(error))
    }

    /// Revokes the token held for this client, if any, and forgets it.
    pub(crate) fn revoke(&self, send: Sender) -> Result<(), Error> {
        let Some(token) = self.store.load_for(&self.key) else {
            return Ok(());
        };
        let form = format!(
            "token={}&token_type_hint=access_token",
            percent_encoding::utf8_percent_encode(
                token.value.expose_secret(),
                crate::request::COMPONENT
            )
        );
        let request = self.form_request(&self.revoke_url, form)?;
        let response = send(request)?;
        let status = response.status().as_u16();
        self.store.discard_for(&self.key, &token);
        if (200..300).contains(&status) {
            log::debug!("revoked the access token");
            Ok(())
        } else {
            Err(Error::Auth(AuthError::new(
                AuthErrorKind::Status,
                Some(status),
                format!(
                    "the revoke endpoint answered {status}: {}",
                    cut(&redacted_excerpt(response.body()))
                ),
            )))
        }
    }
}

/// Ends a token request: clears the in-flight flag, publishes the outcome and wakes the
/// waiters, on return and on unwind alike, so no panic can leave a client waiting for ever.
struct Landing<'a> {
    manager: &'a TokenManager,
    error: Option<AuthError>,
}

impl Drop for Landing<'_> {
    fn drop(&mut self) {
        let mut flight = self
            .manager
            .flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        flight.in_progress = false;
        flight.generation = flight.generation.wrapping_add(1);
        flight.last_error = self.error.take();
        drop(flight);
        self.manager.landed.notify_all();
    }
}

fn cut(text: &str) -> String {
    text.chars().take(300).collect()
}
