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

use crate::auth::credentials::bearer_header;
use crate::auth::store::bounded::Bounded;
use crate::auth::store::{Lease, LeaseGuard, SharedFailure, TokenKey};
use crate::error::{AuthError, AuthErrorKind, Error};
use crate::redact::Scrubber;
use crate::response::{parse_retry_after, redacted_excerpt};
use crate::transport::Exchange as Sender;

/// Default time before expiry at which a token is replaced.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The longest lifetime a token is trusted for, whatever `expires_in` says: Atlas issues
/// one-hour tokens, and a server's `expires_in` of 10^19 s must not overflow a clock. A
/// stored token said to live longer is not believed.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The largest access token accepted (Atlas's are about 1 KiB). A larger one is refused
/// when it arrives, not discovered later as a header no server takes.
const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// How long one [`TokenStore::lease`] call may wait before the store is read again.
const LEASE_POLL: Duration = Duration::from_millis(50);

/// The longest one store operation may take, whatever time the call has left: past it
/// the client goes on without the store.
const STORE_CALL_CAP: Duration = Duration::from_secs(2);

/// The longest a client waits for another process's token, whatever the store asks.
const LEASE_WAIT_CAP: Duration = Duration::from_secs(60);

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

    /// Whether this token may be used at all: the one check for a token from the token
    /// endpoint and for one read back from a store (which anyone who can write to the
    /// store may have planted). A token that fails it is never sent: at most
    /// [`MAX_TOKEN_BYTES`], something an `Authorization` header can carry (no CR LF, no
    /// control bytes), and no later expiry than [`MAX_TOKEN_LIFETIME`] from now.
    pub(crate) fn check(&self) -> Result<(), Unusable> {
        let len = self.value.expose_secret().len();
        if len > MAX_TOKEN_BYTES {
            return Err(Unusable::TooLarge(len));
        }
        if bearer_header(&self.value).is_none() {
            return Err(Unusable::NotAHeader);
        }
        let latest = SystemTime::now().checked_add(MAX_TOKEN_LIFETIME);
        if latest.is_none_or(|latest| self.expires_at > latest) {
            return Err(Unusable::LivesTooLong);
        }
        Ok(())
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

/// Why a token fails [`AccessToken::check`]. Says nothing of the token's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unusable {
    /// Larger than [`MAX_TOKEN_BYTES`] (its length).
    TooLarge(usize),
    /// Not something an `Authorization` header can carry.
    NotAHeader,
    /// Said to expire more than [`MAX_TOKEN_LIFETIME`] from now.
    LivesTooLong,
}

impl fmt::Display for Unusable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unusable::TooLarge(len) => {
                write!(
                    f,
                    "{len} bytes, more than the {MAX_TOKEN_BYTES} a token may have"
                )
            }
            Unusable::NotAHeader => {
                f.write_str("control characters or others an HTTP header cannot carry")
            }
            Unusable::LivesTooLong => write!(
                f,
                "said to be valid for more than {} h",
                MAX_TOKEN_LIFETIME.as_secs() / 3600
            ),
        }
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
/// [`FileTokenStore`](crate::store::FileTokenStore) shares them among the processes of a host,
/// `RedisTokenStore` (feature `redis`) among hosts. Implement it over a cache or a secret
/// manager of your own the same way.
///
/// Tokens are kept by [`TokenKey`]: the token endpoint, the client id and a fingerprint
/// of the secret, so that the same client id at another endpoint, or with a rotated or
/// wrong secret, never gets another's token. The three `_for` methods are required; the
/// lease, its wait and the shared failure have defaults for a store of one process.
///
/// The client never trusts a store to return. It calls a shared store (any store but its
/// own default) on threads of its own and waits for each operation at most 2 s and at
/// most half of what is left of the call's time (its timeout, capped by the retry budget);
/// the wait for another process's token is bounded the same way, by
/// [`lease_wait`](TokenStore::lease_wait) and at most 60 s. A method that panics (logged
/// at `warn`; the store is then left alone for 5 s) or runs past its bound is given up:
/// the client goes on with the token it last had, or fetches its own, and does not call
/// the store again until the abandoned call returns. So a store that panics or hangs
/// costs a call at most that bound, and later calls nothing.
///
/// Nor does it trust what a store returns: a token read back passes the check a token
/// endpoint's answer passes (at most 16 KiB, something an `Authorization` header can
/// carry, no expiry more than 24 h away), or it is never sent: the client discards it
/// from the store ([`discard_for`](TokenStore::discard_for)) and fetches a new one.
pub trait TokenStore: Send + Sync {
    /// The token held for `key`, if any (fresh or not).
    fn load_for(&self, key: &TokenKey) -> Option<AccessToken>;
    /// Keeps `token` for `key`, replacing any other.
    fn save_for(&self, key: &TokenKey, token: &AccessToken);
    /// Forgets `token` for `key`, but only if it is still the one held: another process
    /// may already have stored a newer one.
    fn discard_for(&self, key: &TokenKey, token: &AccessToken);

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

    /// Records that `key`'s token request failed in a way every process would see too
    /// (refused credentials, a 429), so that processes waiting for the lease holder's
    /// token, and those starting meanwhile, fail at once with its error until
    /// [`SharedFailure::until`] instead of asking Atlas in turn. A later
    /// [`save_for`](Self::save_for) should forget it. Default: nothing is shared.
    fn save_failure(&self, key: &TokenKey, failure: &SharedFailure) {
        let _ = (key, failure);
    }

    /// The failure recorded for `key`, if any; the client ignores one that has expired.
    /// Default: none.
    fn load_failure(&self, key: &TokenKey) -> Option<SharedFailure> {
        let _ = key;
        None
    }
}

/// The default [`TokenStore`]: one token per [`TokenKey`], in this process's memory.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Vec<(TokenKey, AccessToken)>>,
}

impl TokenStore for MemoryTokenStore {
    fn load_for(&self, key: &TokenKey) -> Option<AccessToken> {
        let tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, t)| t.clone())
    }

    fn save_for(&self, key: &TokenKey, token: &AccessToken) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.retain(|(k, _)| k != key);
        tokens.push((key.clone(), token.clone()));
    }

    fn discard_for(&self, key: &TokenKey, token: &AccessToken) {
        let mut tokens = self.tokens.lock().unwrap_or_else(PoisonError::into_inner);
        tokens.retain(|(k, t)| !(k == key && t.same_as(token)));
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
    /// How the store is called: bounded, on threads of the client's own, unless it is
    /// the client's own memory store.
    calls: Bounded,
    /// The token this process last fetched or read: what it goes on with while the store
    /// does not answer.
    local: Mutex<Option<AccessToken>>,
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

/// `token`, read back from a store, if it passes [`AccessToken::check`]; otherwise it is
/// handed back to be discarded, and the reason is logged (never the token).
fn usable(token: AccessToken) -> Result<AccessToken, AccessToken> {
    match token.check() {
        Ok(()) => Ok(token),
        Err(why) => {
            log::warn!(
                "the token store holds an access token that cannot be used ({why}); \
                 discarding it and fetching a new one"
            );
            Err(token)
        }
    }
}

/// When the store's part of a call must be over: half the time left to `deadline`, the
/// other half being for the token request and the call itself.
fn store_end(deadline: Instant) -> Instant {
    let now = Instant::now();
    now + deadline.saturating_duration_since(now) / 2
}

/// The bound of one store operation that must be over by `until`.
fn bound(until: Instant) -> Duration {
    until
        .saturating_duration_since(Instant::now())
        .min(STORE_CALL_CAP)
}

impl TokenManager {
    /// `store` is `None` for the client's own memory store, which is called inline: it
    /// can neither block nor panic.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        client_id: String,
        client_secret: SecretString,
        token_url: String,
        revoke_url: String,
        user_agent: String,
        margin: Duration,
        store: Option<Arc<dyn TokenStore>>,
    ) -> Self {
        let (store, calls) = match store {
            Some(s) => (s, Bounded::isolated()),
            None => (
                Arc::new(MemoryTokenStore::default()) as Arc<dyn TokenStore>,
                Bounded::inline(),
            ),
        };
        TokenManager {
            key: TokenKey::new(token_url.clone(), client_id.clone())
                .with_secret(client_secret.expose_secret()),
            client_id,
            client_secret,
            token_url,
            revoke_url,
            user_agent,
            margin,
            store,
            calls,
            local: Mutex::new(None),
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
        if let Some(t) = self.load(Instant::now() + STORE_CALL_CAP) {
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

    fn local(&self) -> std::sync::MutexGuard<'_, Option<AccessToken>> {
        self.local.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The stored token, read within `until`; the one this process last had when the
    /// store does not answer in time (or panics). A stored token that fails
    /// [`AccessToken::check`] is discarded from the store, so that the token fetched next
    /// replaces it for every process.
    fn load(&self, until: Instant) -> Option<AccessToken> {
        let (store, key) = (self.store.clone(), self.key.clone());
        match self.calls.run("load", bound(until), move || {
            let found = store.load_for(&key)?;
            match usable(found) {
                Ok(token) => Some(token),
                Err(unusable) => {
                    store.discard_for(&key, &unusable);
                    None
                }
            }
        }) {
            Ok(found) => {
                if self.calls.isolates()
                    && let Some(t) = &found
                {
                    *self.local() = Some(t.clone());
                }
                found
            }
            Err(_) => self.local().clone(),
        }
    }

    /// The stored token and failure, read within `until`, as one store call. When the
    /// store does not answer: this process's own token, and no failure.
    fn load_both(&self, until: Instant) -> (Option<AccessToken>, Option<SharedFailure>) {
        let (store, key) = (self.store.clone(), self.key.clone());
        match self.calls.run("load", bound(until), move || {
            // An unusable token is not discarded here: this process is about to save a
            // new one, or waits for the one another process is fetching.
            let token = store.load_for(&key).and_then(|t| usable(t).ok());
            (token, store.load_failure(&key))
        }) {
            Ok(found) => found,
            Err(_) => (self.local().clone(), None),
        }
    }

    /// Saves `token` or `failure` and then gives the lease back, within half of what is
    /// left of the call (at most [`STORE_CALL_CAP`]); past that the worker finishes on its
    /// own and the call goes on.
    fn publish(
        &self,
        token: Option<&AccessToken>,
        failure: Option<SharedFailure>,
        guard: Option<LeaseGuard>,
        deadline: Instant,
    ) {
        let (store, key, token) = (self.store.clone(), self.key.clone(), token.cloned());
        // The guard in a slot: whoever gets to it releases it, the worker or (when the
        // store is not called at all) a thread of its own, never this caller.
        let slot = Arc::new(Mutex::new(guard));
        let job_slot = slot.clone();
        let _ = self.calls.run("save", bound(store_end(deadline)), move || {
            if let Some(t) = &token {
                store.save_for(&key, t);
            }
            if let Some(f) = &failure {
                store.save_failure(&key, f);
            }
            drop(
                job_slot
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take(),
            );
        });
        let left = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(guard) = left {
            // Released off this thread: a release that hangs or panics is the store's.
            let _ = std::thread::Builder::new()
                .name("atlas-token-release".into())
                .spawn(move || {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(guard)));
                });
        }
    }

    /// A token with more than the refresh margin to live, fetching one if needed; the
    /// whole of it over by `deadline`, the store's part by half the time left.
    ///
    /// Concurrent callers share one request; if it fails they all get its error.
    pub(crate) fn token(&self, send: Sender, deadline: Instant) -> Result<AccessToken, Error> {
        let store_end = store_end(deadline);
        let seen = self
            .flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .generation;
        // The common case without the flight's lock: a store that does I/O (a file,
        // Redis) is not read under a lock that every thread of the client shares.
        if let Some(t) = self.fresh_in_store(store_end) {
            return Ok(t);
        }
        let mut flight = self.flight.lock().unwrap_or_else(PoisonError::into_inner);
        // A request that landed since the read above is as good as one waited for.
        let mut waited_for = Some(seen);
        loop {
            if let Some(generation) = waited_for
                && flight.generation != generation
            {
                if let Some(e) = &flight.last_error {
                    return Err(Error::Auth(e.clone()));
                }
                if let Some(t) = self.fresh_in_store(store_end) {
                    return Ok(t);
                }
            }
            if !flight.in_progress {
                break;
            }
            waited_for = Some(flight.generation);
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::Auth(AuthError::new(
                    AuthErrorKind::Unreachable,
                    None,
                    "no access token within the call's time: another thread's token request \
                     is still running"
                        .into(),
                )));
            }
            flight = self
                .landed
                .wait_timeout(flight, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        flight.in_progress = true;
        drop(flight);

        // Whatever happens next, even a panic in the transport, the flight lands and
        // waiters wake: the guard's drop does it.
        let mut landing = Landing {
            manager: self,
            error: Some(AuthError::new(
                AuthErrorKind::Unreachable,
                None,
                "the token request ended abnormally (a panic in the transport)".into(),
            )),
        };
        let outcome = self.fetch_shared(send, deadline, store_end);
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
    fn fresh_in_store(&self, until: Instant) -> Option<AccessToken> {
        self.load(until).filter(|t| t.fresh(self.margin))
    }

    /// Fetches a token, unless another process sharing the store saves one first: the
    /// process holding the store's lease asks Atlas, the others poll the store for at
    /// most [`TokenStore::lease_wait`] (and never past `store_end`, nor
    /// [`LEASE_WAIT_CAP`]) and then ask Atlas themselves. A failure the holder shares
    /// ([`SharedFailure`]) is returned at once. A store that cannot coordinate, panics or
    /// hangs never fails the call: this process then fetches its own token.
    fn fetch_shared(
        &self,
        send: Sender,
        deadline: Instant,
        store_end: Instant,
    ) -> Result<AccessToken, Error> {
        let store = self.store.clone();
        let patience = self
            .calls
            .run("lease_wait", bound(store_end), move || store.lease_wait())
            .unwrap_or_default()
            .min(LEASE_WAIT_CAP);
        let start = Instant::now();
        let patience_end = (start + patience).min(store_end);
        loop {
            if Instant::now() >= store_end {
                log::warn!(
                    "the token store took half the call's time; asking the token endpoint \
                     directly"
                );
                return self.fetch_alone(send, deadline);
            }
            let slice = patience_end
                .saturating_duration_since(Instant::now())
                .min(LEASE_POLL);
            let asked = Instant::now();
            let (store, key) = (self.store.clone(), self.key.clone());
            let lease = self.calls.run("lease", slice + bound(store_end), move || {
                store.lease(&key, slice)
            });
            match lease {
                Ok(Lease::Held(guard)) => {
                    // Another process may have saved a token, or shared a failure, while
                    // this one waited.
                    let (token, failure) = self.load_both(store_end);
                    if let Some(t) = token.filter(|t| t.fresh(self.margin)) {
                        self.publish(None, None, Some(guard), deadline);
                        return Ok(t);
                    }
                    if let Some(f) = failure.filter(SharedFailure::applies) {
                        self.publish(None, None, Some(guard), deadline);
                        return Err(Error::Auth(f.to_error()));
                    }
                    let outcome = self.fetch(send);
                    match &outcome {
                        Ok(t) => self.publish(Some(t), None, Some(guard), deadline),
                        Err(Error::Auth(e)) => {
                            let shared = SharedFailure::of(&self.scrubbed(e));
                            self.publish(None, shared, Some(guard), deadline);
                        }
                        Err(_) => self.publish(None, None, Some(guard), deadline),
                    }
                    return outcome;
                }
                Ok(Lease::Busy) => {
                    let (token, failure) = self.load_both(store_end);
                    if let Some(t) = token.filter(|t| t.fresh(self.margin)) {
                        return Ok(t);
                    }
                    if let Some(f) = failure.filter(SharedFailure::applies) {
                        return Err(Error::Auth(f.to_error()));
                    }
                    if Instant::now() >= patience_end {
                        log::warn!(
                            "no token from the process holding the store's lease after {} ms; \
                             asking the token endpoint directly",
                            start.elapsed().as_millis()
                        );
                        return self.fetch_alone(send, deadline);
                    }
                    // A store that answers Busy at once must not make this a busy loop.
                    if let Some(rest) = slice.checked_sub(asked.elapsed()) {
                        std::thread::sleep(rest);
                    }
                }
                // The store cannot coordinate, or did not answer (already logged): the
                // token this process last had, while fresh, is as good as it gets.
                Ok(Lease::Unavailable) | Err(_) => {
                    if let Some(t) = self.local().clone().filter(|t| t.fresh(self.margin)) {
                        return Ok(t);
                    }
                    return self.fetch_alone(send, deadline);
                }
            }
        }
    }

    /// `error` with every form of the secret (and of recent tokens) removed from its
    /// message: a token endpoint may echo them, and a shared failure goes where other
    /// processes, and whoever can read the store, read it.
    fn scrubbed(&self, error: &AuthError) -> AuthError {
        let mut scrubber = Scrubber::default();
        scrubber.add(&self.client_secret);
        scrubber.add(&SecretString::from(format!(
            "{}:{}",
            self.client_id,
            self.client_secret.expose_secret()
        )));
        for token in self
            .recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
        {
            scrubber.add(token);
        }
        let mut error = error.clone();
        scrubber.scrub(&mut error.message);
        error
    }

    /// Fetches a token without the lease, and offers it to the store all the same.
    fn fetch_alone(&self, send: Sender, deadline: Instant) -> Result<AccessToken, Error> {
        let token = self.fetch(send)?;
        self.publish(Some(&token), None, None, deadline);
        Ok(token)
    }

    /// Atlas refused `token`: forget it so the next [`token`](Self::token) fetches anew.
    pub(crate) fn discard(&self, token: &AccessToken) {
        self.forget_locally(token);
        let (store, key, token) = (self.store.clone(), self.key.clone(), token.clone());
        let _ = self.calls.run("discard", STORE_CALL_CAP, move || {
            store.discard_for(&key, &token);
        });
    }

    fn forget_locally(&self, token: &AccessToken) {
        let mut local = self.local();
        if local.as_ref().is_some_and(|t| t.same_as(token)) {
            *local = None;
        }
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
            let lifetime =
                Duration::from_secs(parsed.expires_in.unwrap_or(3600)).min(MAX_TOKEN_LIFETIME);
            let expires_at = requested_at.checked_add(lifetime).unwrap_or(requested_at);
            let token = AccessToken::new(parsed.access_token, requested_at, expires_at);
            if let Err(why) = token.check() {
                return Err(Error::Auth(AuthError::new(
                    AuthErrorKind::InvalidResponse,
                    Some(status),
                    format!("the token endpoint issued a token that cannot be used: {why}"),
                )));
            }
            self.remember(&token);
            *self.local() = Some(token.clone());
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

    /// Revokes the token held for this client, if any, and forgets it: in the store too,
    /// so that no process sharing it sends the revoked token.
    pub(crate) fn revoke(&self, send: Sender) -> Result<(), Error> {
        let Some(token) = self.load(Instant::now() + STORE_CALL_CAP) else {
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
        self.discard(&token);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn token(value: &str, expires_in: Duration) -> AccessToken {
        let now = SystemTime::now();
        AccessToken::new(value, now, now + expires_in)
    }

    #[test]
    fn the_token_check_refuses_what_cannot_be_sent_or_lives_too_long() {
        let hour = Duration::from_secs(3600);
        assert_eq!(token("eyJ.payload.sig", hour).check(), Ok(()));
        assert_eq!(token(&"A".repeat(MAX_TOKEN_BYTES), hour).check(), Ok(()));
        assert_eq!(
            token(&"A".repeat(MAX_TOKEN_BYTES + 1), hour).check(),
            Err(Unusable::TooLarge(MAX_TOKEN_BYTES + 1))
        );
        for bad in ["a\r\nX-Injected: 1", "a\nb", "a\0b", "del\x7f"] {
            assert_eq!(
                token(bad, hour).check(),
                Err(Unusable::NotAHeader),
                "{bad:?}"
            );
        }
        assert_eq!(
            token("t", MAX_TOKEN_LIFETIME - Duration::from_secs(1)).check(),
            Ok(())
        );
        assert_eq!(
            token("t", MAX_TOKEN_LIFETIME + Duration::from_secs(60)).check(),
            Err(Unusable::LivesTooLong)
        );
        let far = SystemTime::now() + Duration::from_secs(10 * 365 * 86_400);
        assert_eq!(
            AccessToken::new("t", far - hour, far).check(),
            Err(Unusable::LivesTooLong),
            "an issue date in the future does not make a far expiry believable"
        );
    }
}
