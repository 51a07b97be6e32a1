//! [`RedisTokenStore`]: one access token shared by processes on many hosts, in Redis.
//!
//! How it works and who can read the token: on the type, where users of the crate see it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use redis::{Connection, ConnectionLike, RedisResult, Value};

use super::record::{self, MAX_RECORD_BYTES};
use super::{Lease, LeaseGuard, SharedFailure, StoreError, TokenKey, jittered};
use crate::auth::oauth::{AccessToken, TokenStore};

/// Deletes `KEYS[1]` if it still holds `ARGV[1]` (a lease's fence, a token's value).
const RELEASE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                       return redis.call('DEL', KEYS[1]) end return 0";

/// Sets `KEYS[1]` to `ARGV[1]` for `ARGV[2]` ms and deletes `KEYS[2]`, atomically: a new
/// token and the end of the shared failure. A script rather than `MULTI`/`EXEC`: one
/// request, one reply, so the whole I/O timeout is there for it (a transaction is four
/// replies, each read with its own timeout).
const SAVE: &str = "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) \
                    redis.call('DEL', KEYS[2]) return 1";

/// The most bytes of a value read back: a record of ours, sealed (base64 adds a third),
/// is well under it. A larger value is not ours, and is neither read whole nor believed.
const MAX_VALUE_BYTES: usize = 2 * MAX_RECORD_BYTES;

/// What an encrypting store's values start with, before base64 of nonce and ciphertext.
const SEALED: &[u8] = b"atlas-rust-sealed-v1:";

/// XChaCha20-Poly1305's nonce: 24 random bytes per value.
const NONCE_BYTES: usize = 24;

/// Connections kept open for reuse.
const MAX_IDLE: usize = 16;

/// Access tokens in Redis, shared by every process that uses the same Redis database and
/// key prefix, on any host.
///
/// - The token is kept under `<prefix>atlas-rust:token:<digest>`, where the digest comes
///   from the token endpoint, the client id and a one-way fingerprint of the secret
///   ([`TokenKey::digest`], [`TokenKey::with_secret`]) that does not reveal it, with a TTL equal to the token's remaining life: Redis forgets it when Atlas does.
/// - The single flight is a lease, `SET <prefix>atlas-rust:lease:<digest> <fence> NX PX
///   <ttl>`: the process that sets it asks Atlas, the others poll. The fence is unique to
///   each grant (process id and 128 random bits) and the release deletes the lease only
///   if it still holds that fence (a script, atomically), so a holder that outlived its
///   lease cannot release its successor's. A holder killed mid-fetch loses the lease when
///   it expires, and a waiter takes over.
/// - Redis unreachable or failing: the store says so once at `warn`, keeps the tokens of
///   this process in memory and lets it fetch its own, and tries Redis again a moment
///   later. A call never fails because of Redis. Every Redis operation, connecting
///   included, is over within the I/O timeout: one budget for the connection, its
///   handshake and every reply, so a Redis that stops answering costs a call at most the
///   I/O timeout (once per `retry_after`).
/// - A value read back is at most a record's size (`GETRANGE`, never a whole `GET`): a
///   100 MB value planted at the token key costs a read of 128 KiB, is not believed, and
///   the next token saved replaces it.
///
/// Who can read the token: whoever can read that Redis database (or its dumps, replicas
/// and the network between). Use Redis's ACLs or a database of its own, a password in
/// the URL, and TLS across hosts (the `redis` crate's TLS features, enabled by you), as
/// for any other secret kept there. Or give the fleet a shared
/// [`encryption_key`](RedisTokenStoreBuilder::encryption_key): Redis then holds only
/// ciphertext bound to its key, and a value that does not decrypt (planted, or from a
/// store without the key) is not believed. What encryption does not hide: the key names
/// (which show the client id, not a secret), that a token exists and when it expires
/// (the TTL), and the lease; whoever can write to Redis can still delete entries or hold
/// the lease (costing token requests or a lease wait, never a wrong token). Without the
/// key, whoever can write can also plant a token (the fleet would then send their token,
/// and act as whatever account it belongs to) or a failure entry (the fleet's calls fail
/// for up to 60 s at a time): give write access to the fleet alone, or use the key.
/// Nothing stored reveals the client secret: the key names hold a 128-bit fingerprint
/// of a SHA-256 over it (so a rotated or wrong secret never gets the old token), which
/// cannot be turned back into an Atlas secret's 40 random characters.
///
/// Key prefixes keep applications apart in one database; every process that should share
/// a token needs the same prefix.
///
/// ```no_run
/// use std::sync::Arc;
/// use atlas_runtime::{Client, Credentials, store::RedisTokenStore};
///
/// let store = RedisTokenStore::builder("redis://127.0.0.1:6379/0").open()?;
/// let client = Client::builder()
///     .credentials(Credentials::service_account("mdb_sa_id_…", "mdb_sa_sk_…"))
///     .token_store(Arc::new(store))
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct RedisTokenStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    /// How many replies the library reads when connecting (`AUTH`/`HELLO`, `SELECT`), at
    /// least one: each is read with the whole timeout it is given.
    handshake_replies: u32,
    prefix: String,
    io_timeout: Duration,
    lease_ttl: Duration,
    lease_wait: Duration,
    poll: Duration,
    retry_after: Duration,
    idle: Mutex<Vec<Connection>>,
    /// Set while Redis is deemed down: until when it is not tried again.
    down_until: Mutex<Option<Instant>>,
    /// This process's tokens, for while Redis is down.
    local: Mutex<Vec<(TokenKey, AccessToken)>>,
    /// Set when stored tokens are encrypted with a key the fleet shares.
    cipher: Option<XChaCha20Poly1305>,
}

/// Options of a [`RedisTokenStore`]. `Debug` shows neither the URL (it may hold a
/// password) nor the encryption key.
#[derive(Clone)]
pub struct RedisTokenStoreBuilder {
    url: String,
    prefix: String,
    io_timeout: Duration,
    lease_ttl: Duration,
    lease_wait: Option<Duration>,
    poll: Duration,
    retry_after: Duration,
    key: Option<[u8; 32]>,
}

impl std::fmt::Debug for RedisTokenStoreBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisTokenStoreBuilder")
            .field("prefix", &self.prefix)
            .field("io_timeout", &self.io_timeout)
            .field("lease_ttl", &self.lease_ttl)
            .field("encrypted", &self.key.is_some())
            .finish_non_exhaustive()
    }
}

impl RedisTokenStore {
    /// Options, for the Redis at `url` (`redis://[user:password@]host:port/db`).
    pub fn builder(url: impl Into<String>) -> RedisTokenStoreBuilder {
        RedisTokenStoreBuilder {
            url: url.into(),
            prefix: String::new(),
            io_timeout: Duration::from_millis(500),
            lease_ttl: Duration::from_secs(15),
            lease_wait: None,
            poll: Duration::from_millis(10),
            retry_after: Duration::from_secs(2),
            key: None,
        }
    }

    /// The Redis key of `key`'s token.
    pub fn token_key(&self, key: &TokenKey) -> String {
        format!("{}atlas-rust:token:{}", self.inner.prefix, key.digest())
    }

    /// The Redis key of `key`'s shared failure ([`SharedFailure`]), while there is one.
    pub fn failure_key(&self, key: &TokenKey) -> String {
        format!("{}atlas-rust:failure:{}", self.inner.prefix, key.digest())
    }

    /// The Redis key of `key`'s lease; its value names the holder (`pid:<id>:<random>`).
    pub fn lease_key(&self, key: &TokenKey) -> String {
        format!("{}atlas-rust:lease:{}", self.inner.prefix, key.digest())
    }
}

impl std::fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let info = self.inner.client.get_connection_info();
        f.debug_struct("RedisTokenStore")
            .field("addr", &info.addr().to_string())
            .field("prefix", &self.inner.prefix)
            .finish_non_exhaustive()
    }
}

impl RedisTokenStoreBuilder {
    /// Put before every key, to keep applications apart in one database (default none).
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// The longest any Redis operation may take, connecting and every reply included
    /// (default 500 ms): what a Redis that stops answering costs a call.
    pub fn io_timeout(mut self, timeout: Duration) -> Self {
        self.io_timeout = timeout;
        self
    }

    /// How long a lease lasts if its holder never releases it (default 15 s): how long a
    /// holder killed mid-fetch keeps the others waiting.
    pub fn lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl;
        self
    }

    /// How long a process waits for another's token request before asking Atlas itself
    /// (default: the lease TTL plus one second, so that a dead holder's lease expires
    /// first).
    pub fn lease_wait(mut self, wait: Duration) -> Self {
        self.lease_wait = Some(wait);
        self
    }

    /// How long, after Redis failed, it is left alone (default 2 s).
    pub fn retry_after(mut self, pause: Duration) -> Self {
        self.retry_after = pause;
        self
    }

    /// Encrypts the stored tokens (XChaCha20-Poly1305, bound to their Redis key) with
    /// `key`, which every process of the fleet must share: then whoever can read Redis
    /// but not the key cannot use a token, nor plant one (a value that does not decrypt
    /// is not believed, a plaintext one included). Keep the key as you keep the client
    /// secret; 32 random bytes, e.g. `openssl rand -base64 32`, decoded.
    pub fn encryption_key(mut self, key: [u8; 32]) -> Self {
        self.key = Some(key);
        self
    }

    /// Checks the URL; connects only when first used, so a Redis that is down at start
    /// does not stop the program.
    pub fn open(self) -> Result<RedisTokenStore, StoreError> {
        let invalid = |e: redis::RedisError| StoreError::InvalidRedisUrl(e.kind_description());
        let info = redis::Client::open(self.url.as_str())
            .map_err(invalid)?
            .get_connection_info()
            .clone();
        let settings = info.redis_settings();
        let handshake_replies =
            u32::from(settings.password().is_some() || settings.protocol().supports_resp3())
                + u32::from(settings.db() != 0);
        // No `CLIENT SETINFO` (the library's name in `CLIENT LIST`): two more replies to
        // wait for on every connection, for nothing the store needs.
        let settings = settings.clone().set_skip_set_lib_name();
        let client = redis::Client::open(info.set_redis_settings(settings)).map_err(invalid)?;
        Ok(RedisTokenStore {
            inner: Arc::new(Inner {
                client,
                handshake_replies: handshake_replies.max(1),
                prefix: self.prefix,
                io_timeout: self.io_timeout.max(Duration::from_millis(1)),
                lease_ttl: self.lease_ttl.max(Duration::from_millis(1)),
                lease_wait: self
                    .lease_wait
                    .unwrap_or(self.lease_ttl + Duration::from_secs(1)),
                poll: self.poll,
                retry_after: self.retry_after,
                idle: Mutex::new(Vec::new()),
                down_until: Mutex::new(None),
                local: Mutex::new(Vec::new()),
                cipher: self
                    .key
                    .and_then(|k| XChaCha20Poly1305::new_from_slice(&k).ok()),
            }),
        })
    }
}

trait KindDescription {
    fn kind_description(&self) -> String;
}

impl KindDescription for redis::RedisError {
    /// The error's category, not its text: the text of a URL error may quote the URL.
    fn kind_description(&self) -> String {
        format!("{:?}", self.kind())
    }
}

impl Inner {
    /// Runs `op` on a pooled connection, all of it (connecting too) within one I/O
    /// timeout; `None` when Redis is down or failed (then it is left alone for
    /// `retry_after`, and the first failure is logged).
    fn with<T>(&self, op: impl FnOnce(&mut Budgeted<'_>) -> RedisResult<T>) -> Option<T> {
        {
            let down = self
                .down_until
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if down.is_some_and(|until| Instant::now() < until) {
                return None;
            }
        }
        let budget = Budget::from_now(self.io_timeout);
        let pooled = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let connection = match pooled {
            Some(c) => Ok(c),
            None => self.connect(&budget),
        };
        let outcome = connection.and_then(|mut connection| {
            let value = op(&mut Budgeted {
                connection: &mut connection,
                budget: &budget,
            })?;
            Ok((value, connection))
        });
        match outcome {
            Ok((value, connection)) => {
                let mut down = self
                    .down_until
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if down.take().is_some() {
                    log::warn!("the Redis token store answers again");
                }
                drop(down);
                let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
                if idle.len() < MAX_IDLE {
                    idle.push(connection);
                }
                Some(value)
            }
            Err(e) => {
                let mut down = self
                    .down_until
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if down.is_none() {
                    log::warn!(
                        "the Redis token store failed ({}: {e}); this process fetches and keeps \
                         its own tokens until it answers again",
                        e.kind_description()
                    );
                }
                *down = Some(Instant::now() + self.retry_after);
                drop(down);
                // A connection that failed once may be half-read: drop them all.
                self.idle
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clear();
                None
            }
        }
    }

    /// `record` as stored under `redis_key`: as is, or encrypted and bound to the key.
    fn seal(&self, redis_key: &str, record: Vec<u8>) -> Option<Vec<u8>> {
        let Some(cipher) = &self.cipher else {
            return Some(record);
        };
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::getrandom(&mut nonce).ok()?;
        let sealed = cipher
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: &record,
                    aad: redis_key.as_bytes(),
                },
            )
            .ok()?;
        let mut raw = nonce.to_vec();
        raw.extend_from_slice(&sealed);
        let mut value = SEALED.to_vec();
        value.extend_from_slice(
            base64::engine::general_purpose::STANDARD
                .encode(raw)
                .as_bytes(),
        );
        Some(value)
    }

    /// The record in `value` stored under `redis_key`, if this store can believe it.
    fn open(&self, redis_key: &str, value: &[u8]) -> Option<Vec<u8>> {
        let Some(cipher) = &self.cipher else {
            return (!value.starts_with(SEALED)).then(|| value.to_vec());
        };
        let raw = base64::engine::general_purpose::STANDARD
            .decode(value.strip_prefix(SEALED)?)
            .ok()?;
        if raw.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, sealed) = raw.split_at(NONCE_BYTES);
        cipher
            .decrypt(
                &XNonce::try_from(nonce).ok()?,
                Payload {
                    msg: sealed,
                    aad: redis_key.as_bytes(),
                },
            )
            .ok()
    }

    fn local_load(&self, key: &TokenKey) -> Option<AccessToken> {
        let local = self.local.lock().unwrap_or_else(PoisonError::into_inner);
        local.iter().find(|(k, _)| k == key).map(|(_, t)| t.clone())
    }

    /// Keeps `save` for `key`, or forgets `discard` if it is the one held.
    fn local_keep(
        &self,
        key: &TokenKey,
        save: Option<&AccessToken>,
        discard: Option<&AccessToken>,
    ) {
        let mut local = self.local.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(new) = save
            && local.iter().any(|(k, t)| k == key && t.same_as(new))
        {
            return;
        }
        local.retain(|(k, t)| {
            k != key || (save.is_none() && discard.is_some_and(|d| !t.same_as(d)))
        });
        if let Some(t) = save {
            local.push((key.clone(), t.clone()));
        }
    }

    /// A new connection, within `budget`. The library bounds the TCP connect by the
    /// timeout it is given, then reads each reply of its handshake with what is left of
    /// that timeout: given the budget divided by the number of those replies, connecting
    /// stays within the budget.
    fn connect(&self, budget: &Budget) -> RedisResult<Connection> {
        let share = budget.left()? / self.handshake_replies;
        self.client
            .get_connection_with_timeout(share.max(Budget::GRAIN))
    }
}

/// The time one store operation has for Redis, from connecting to its last reply.
struct Budget {
    deadline: Instant,
}

impl Budget {
    /// The smallest timeout handed to a socket (zero means "none" to some, an error to
    /// others).
    const GRAIN: Duration = Duration::from_millis(1);

    fn from_now(io_timeout: Duration) -> Budget {
        Budget {
            deadline: Instant::now() + io_timeout,
        }
    }

    /// What is left, or a timeout error when nothing is.
    fn left(&self) -> RedisResult<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left < Self::GRAIN {
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the Redis token store's I/O timeout is spent",
            )
            .into());
        }
        Ok(left)
    }
}

/// A connection that gives every write and every reply's read what is left of one
/// [`Budget`], instead of a fresh timeout each: a Redis that stops answering costs the
/// operation its budget, however many requests it makes.
struct Budgeted<'a> {
    connection: &'a mut Connection,
    budget: &'a Budget,
}

impl ConnectionLike for Budgeted<'_> {
    fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
        self.connection
            .set_write_timeout(Some(self.budget.left()?))?;
        self.connection.send_packed_command(cmd)?;
        loop {
            self.connection
                .set_read_timeout(Some(self.budget.left()?))?;
            match self.connection.recv_response()? {
                // RESP3 push data is not a reply.
                Value::Push { .. } => {}
                reply => return Ok(reply),
            }
        }
    }

    /// Pipelines (which this store does not use) are bounded too: the library reads each
    /// reply with the timeout it is given, so each gets an equal share of what is left.
    fn req_packed_commands(
        &mut self,
        cmd: &[u8],
        offset: usize,
        count: usize,
    ) -> RedisResult<Vec<Value>> {
        let replies = u32::try_from(offset + count).unwrap_or(u32::MAX).max(1);
        let share = (self.budget.left()? / replies).max(Budget::GRAIN);
        self.connection.set_write_timeout(Some(share))?;
        self.connection.set_read_timeout(Some(share))?;
        self.connection.req_packed_commands(cmd, offset, count)
    }

    fn get_db(&self) -> i64 {
        self.connection.get_db()
    }

    fn check_connection(&mut self) -> bool {
        redis::cmd("PING").query::<String>(self).is_ok()
    }

    fn is_open(&self) -> bool {
        self.connection.is_open()
    }
}

/// The value at `key`, read only up to [`MAX_VALUE_BYTES`] (`GETRANGE`, so a huge value
/// is never sent, let alone allocated); `None` when there is none, or a larger one.
fn read_capped(c: &mut dyn ConnectionLike, key: &str) -> RedisResult<Option<Vec<u8>>> {
    let value: Vec<u8> = redis::cmd("GETRANGE")
        .arg(key)
        .arg(0)
        .arg(MAX_VALUE_BYTES)
        .query(c)?;
    if value.len() > MAX_VALUE_BYTES {
        log::warn!(
            "ignoring the value at the Redis key {key}: larger than any record of this store"
        );
        return Ok(None);
    }
    // A missing key reads as empty, as does an empty value: neither is a record.
    Ok((!value.is_empty()).then_some(value))
}

/// A fence no other grant has: this process's id and 128 random bits.
fn new_fence() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::getrandom(&mut bytes).is_err() {
        // Still unique enough within this process; the time keeps processes apart.
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        bytes = nanos.to_le_bytes();
    }
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("pid:{}:{hex}", std::process::id())
}

/// How long `token` still works, if at all: its TTL in Redis.
fn remaining(token: &AccessToken) -> Option<Duration> {
    token
        .expires_at()
        .duration_since(std::time::SystemTime::now())
        .ok()
        .filter(|d| !d.is_zero())
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl TokenStore for RedisTokenStore {
    fn load_for(&self, key: &TokenKey) -> Option<AccessToken> {
        let redis_key = self.token_key(key);
        match self.inner.with(|c| read_capped(c, &redis_key)) {
            Some(Some(value)) => {
                let token = record::decode(key, &self.inner.open(&redis_key, &value)?)?;
                // Kept here too: if Redis stops answering, this process goes on with it
                // until it needs a new one.
                self.inner.local_keep(key, Some(&token), None);
                Some(token)
            }
            Some(_) => None,
            None => self.inner.local_load(key),
        }
    }

    fn save_for(&self, key: &TokenKey, token: &AccessToken) {
        // Kept here too, for when Redis stops answering.
        self.inner.local_keep(key, Some(token), None);
        let Some(ttl) = remaining(token) else {
            return;
        };
        let redis_key = self.token_key(key);
        let Some(bytes) = self.inner.seal(&redis_key, record::encode(key, token)) else {
            log::warn!("cannot encrypt the access token; not shared through Redis");
            return;
        };
        // A token obtained: whatever failure was shared is over.
        let failure_key = self.failure_key(key);
        let _ = self.inner.with(|c| {
            redis::cmd("EVAL")
                .arg(SAVE)
                .arg(2)
                .arg(&redis_key)
                .arg(&failure_key)
                .arg(bytes)
                .arg(millis(ttl))
                .query::<i64>(c)
        });
    }

    fn save_failure(&self, key: &TokenKey, failure: &SharedFailure) {
        let Some(ttl) = failure
            .until()
            .duration_since(std::time::SystemTime::now())
            .ok()
        else {
            return;
        };
        let failure_key = self.failure_key(key);
        let Some(bytes) =
            record::encode_failure(key, failure).and_then(|r| self.inner.seal(&failure_key, r))
        else {
            return;
        };
        let _ = self.inner.with(|c| {
            redis::cmd("SET")
                .arg(&failure_key)
                .arg(bytes)
                .arg("PX")
                .arg(millis(ttl))
                .query::<()>(c)
        });
    }

    fn load_failure(&self, key: &TokenKey) -> Option<SharedFailure> {
        let failure_key = self.failure_key(key);
        let value = self.inner.with(|c| read_capped(c, &failure_key))??;
        record::decode_failure(key, &self.inner.open(&failure_key, &value)?)
    }

    fn discard_for(&self, key: &TokenKey, token: &AccessToken) {
        self.inner.local_keep(key, None, Some(token));
        let redis_key = self.token_key(key);
        // Read, compare here (the value may be encrypted), then delete that exact value
        // only: a newer token saved meanwhile by another process stays.
        let _ = self.inner.with(|c| {
            let Some(value) = read_capped(c, &redis_key)? else {
                return Ok(0);
            };
            let held = self
                .inner
                .open(&redis_key, &value)
                .and_then(|r| record::decode(key, &r));
            if !held.is_some_and(|t| t.same_as(token)) {
                return Ok(0);
            }
            redis::cmd("EVAL")
                .arg(RELEASE)
                .arg(1)
                .arg(&redis_key)
                .arg(value)
                .query::<i64>(c)
        });
    }

    fn lease(&self, key: &TokenKey, wait: Duration) -> Lease {
        let lease_key = self.lease_key(key);
        let fence = new_fence();
        let ttl = millis(self.inner.lease_ttl);
        let start = Instant::now();
        loop {
            let set = self.inner.with(|c| {
                redis::cmd("SET")
                    .arg(&lease_key)
                    .arg(&fence)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl)
                    .query::<Option<String>>(c)
            });
            match set {
                None => return Lease::Unavailable,
                Some(Some(_)) => {
                    log::debug!("holding the token lease {lease_key}");
                    let inner = self.inner.clone();
                    return Lease::Held(LeaseGuard::new(move || {
                        let _ = inner.with(|c| {
                            redis::cmd("EVAL")
                                .arg(RELEASE)
                                .arg(1)
                                .arg(&lease_key)
                                .arg(&fence)
                                .query::<i64>(c)
                        });
                    }));
                }
                Some(None) => {
                    let spent = start.elapsed();
                    if spent >= wait {
                        return Lease::Busy;
                    }
                    std::thread::sleep(jittered(self.inner.poll).min(wait - spent));
                }
            }
        }
    }

    fn lease_wait(&self) -> Duration {
        self.inner.lease_wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn store(key: Option<[u8; 32]>) -> RedisTokenStore {
        let mut b = RedisTokenStore::builder("redis://127.0.0.1:1/0");
        if let Some(k) = key {
            b = b.encryption_key(k);
        }
        b.open().unwrap()
    }

    #[test]
    fn sealed_values_open_only_with_the_key_under_their_own_redis_key() {
        let key = TokenKey::atlas("mdb_sa_id_1");
        let now = SystemTime::now();
        let token = AccessToken::new("secret-token", now, now + Duration::from_secs(60));
        let record = record::encode(&key, &token);
        let sealed = store(Some([7; 32]));
        let value = sealed.inner.seal("k1", record.clone()).unwrap();
        assert!(value.starts_with(SEALED));
        assert!(
            !String::from_utf8_lossy(&value).contains("secret-token"),
            "the token is not readable in Redis"
        );
        assert_eq!(sealed.inner.open("k1", &value).unwrap(), record);
        assert!(
            sealed.inner.open("k2", &value).is_none(),
            "bound to its key"
        );
        assert!(store(Some([8; 32])).inner.open("k1", &value).is_none());
        assert!(store(None).inner.open("k1", &value).is_none());
        assert!(
            sealed.inner.open("k1", &record).is_none(),
            "a plaintext value is not believed when encrypting"
        );
        assert_eq!(store(None).inner.open("k1", &record).unwrap(), record);
        let again = sealed.inner.seal("k1", record.clone()).unwrap();
        assert_ne!(again, value, "a fresh nonce each time");
    }

    /// Answers every request with `reply`, and keeps the requests.
    struct Canned {
        reply: Vec<u8>,
        sent: Vec<Vec<u8>>,
    }

    impl ConnectionLike for Canned {
        fn req_packed_command(&mut self, cmd: &[u8]) -> RedisResult<Value> {
            self.sent.push(cmd.to_vec());
            Ok(Value::BulkString(self.reply.clone()))
        }
        fn req_packed_commands(&mut self, _: &[u8], _: usize, _: usize) -> RedisResult<Vec<Value>> {
            unreachable!("no pipelines")
        }
        fn get_db(&self) -> i64 {
            0
        }
        fn check_connection(&mut self) -> bool {
            true
        }
        fn is_open(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_value_is_read_only_up_to_a_records_size() {
        let read = |reply: Vec<u8>| {
            let mut c = Canned {
                reply,
                sent: Vec::new(),
            };
            let value = read_capped(&mut c, "k").unwrap();
            (value, c.sent)
        };
        let (value, sent) = read(b"record".to_vec());
        assert_eq!(value.as_deref(), Some(&b"record"[..]));
        let cap = MAX_VALUE_BYTES.to_string();
        assert_eq!(
            sent,
            vec![
                redis::cmd("GETRANGE")
                    .arg("k")
                    .arg(0)
                    .arg(MAX_VALUE_BYTES)
                    .get_packed_command()
            ],
            "the server sends at most {cap} + 1 bytes, whatever the value's size"
        );
        assert_eq!(
            read(vec![b'x'; MAX_VALUE_BYTES]).0.map(|v| v.len()),
            Some(MAX_VALUE_BYTES)
        );
        assert_eq!(
            read(vec![b'x'; MAX_VALUE_BYTES + 1]).0,
            None,
            "larger: not ours"
        );
        assert_eq!(read(Vec::new()).0, None, "no key");
    }

    #[test]
    fn debug_shows_no_key_or_url() {
        let builder =
            RedisTokenStore::builder("redis://:hunter2@127.0.0.1:1/0").encryption_key([42; 32]);
        let shown = format!("{builder:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("42"),
            "{shown}"
        );
        let shown = format!("{:?}", builder.open().unwrap());
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
