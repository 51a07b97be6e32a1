//! [`RedisTokenStore`]: one access token shared by processes on many hosts, in Redis.
//!
//! How it works and who can read the token: on the type, where users of the crate see it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use redis::{Connection, RedisResult};
use secrecy::ExposeSecret as _;

use super::record::{self, MAX_RECORD_BYTES};
use super::{Lease, LeaseGuard, StoreError, TokenKey, jittered};
use crate::oauth::{AccessToken, TokenStore};

/// Deletes `KEYS[1]` if it still holds the fence `ARGV[1]`.
const RELEASE: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                       return redis.call('DEL', KEYS[1]) end return 0";

/// Deletes the token record `KEYS[1]` if it holds the access token `ARGV[1]`.
const DISCARD: &str = "local v = redis.call('GET', KEYS[1]) \
                       if v then local ok, r = pcall(cjson.decode, v) \
                       if ok and type(r) == 'table' and r.access_token == ARGV[1] then \
                       return redis.call('DEL', KEYS[1]) end end return 0";

/// Connections kept open for reuse.
const MAX_IDLE: usize = 16;

/// Access tokens in Redis, shared by every process that uses the same Redis database and
/// key prefix, on any host.
///
/// - The token is kept under `<prefix>atlas-rust:token:<digest>`, where the digest comes
///   from the token endpoint and the client id ([`TokenKey::digest`]), never the secret,
///   with a TTL equal to the token's remaining life: Redis forgets it when Atlas does.
/// - The single flight is a lease, `SET <prefix>atlas-rust:lease:<digest> <fence> NX PX
///   <ttl>`: the process that sets it asks Atlas, the others poll. The fence is unique to
///   each grant (process id and 128 random bits) and the release deletes the lease only
///   if it still holds that fence (a script, atomically), so a holder that outlived its
///   lease cannot release its successor's. A holder killed mid-fetch loses the lease when
///   it expires, and a waiter takes over.
/// - Redis unreachable or failing: the store says so once at `warn`, keeps the tokens of
///   this process in memory and lets it fetch its own, and tries Redis again a moment
///   later. A call never fails because of Redis, and every Redis operation is bounded by
///   the I/O timeout.
///
/// Who can read the token: whoever can read that Redis database. Use Redis's ACLs or a
/// database of its own, a password in the URL, and TLS across hosts (the `redis` crate's
/// TLS features, enabled by you), as for any other secret kept there.
///
/// Key prefixes keep applications apart in one database; every process that should share
/// a token needs the same prefix.
///
/// ```no_run
/// use std::sync::Arc;
/// use atlas_runtime::{Client, Credentials, RedisTokenStore};
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
}

/// Options of a [`RedisTokenStore`].
#[derive(Debug, Clone)]
pub struct RedisTokenStoreBuilder {
    url: String,
    prefix: String,
    io_timeout: Duration,
    lease_ttl: Duration,
    lease_wait: Option<Duration>,
    poll: Duration,
    retry_after: Duration,
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
        }
    }

    /// The Redis key of `key`'s token.
    pub fn token_key(&self, key: &TokenKey) -> String {
        format!("{}atlas-rust:token:{}", self.inner.prefix, key.digest())
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

    /// The longest any Redis operation may take, connecting included (default 500 ms).
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

    /// Checks the URL; connects only when first used, so a Redis that is down at start
    /// does not stop the program.
    pub fn open(self) -> Result<RedisTokenStore, StoreError> {
        let client = redis::Client::open(self.url.as_str())
            .map_err(|e| StoreError::InvalidRedisUrl(e.kind_description()))?;
        Ok(RedisTokenStore {
            inner: Arc::new(Inner {
                client,
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
    /// Runs `op` on a pooled connection; `None` when Redis is down or failed (then it is
    /// left alone for `retry_after`, and the first failure is logged).
    fn with<T>(&self, op: impl FnOnce(&mut Connection) -> RedisResult<T>) -> Option<T> {
        {
            let down = self
                .down_until
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if down.is_some_and(|until| Instant::now() < until) {
                return None;
            }
        }
        let pooled = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let connection = match pooled {
            Some(c) => Ok(c),
            None => self.connect(),
        };
        let outcome = connection.and_then(|mut c| op(&mut c).map(|v| (v, c)));
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

    fn connect(&self) -> RedisResult<Connection> {
        let c = self.client.get_connection_with_timeout(self.io_timeout)?;
        c.set_read_timeout(Some(self.io_timeout))?;
        c.set_write_timeout(Some(self.io_timeout))?;
        Ok(c)
    }
}

/// A fence no other grant has: this process's id and 128 random bits.
fn new_fence() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
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
    fn load(&self, client_id: &str) -> Option<AccessToken> {
        self.load_for(&TokenKey::atlas(client_id))
    }

    fn save(&self, client_id: &str, token: &AccessToken) {
        self.save_for(&TokenKey::atlas(client_id), token);
    }

    fn discard(&self, client_id: &str, token: &AccessToken) {
        self.discard_for(&TokenKey::atlas(client_id), token);
    }

    fn load_for(&self, key: &TokenKey) -> Option<AccessToken> {
        let redis_key = self.token_key(key);
        match self.inner.with(|c| {
            redis::cmd("GET")
                .arg(&redis_key)
                .query::<Option<Vec<u8>>>(c)
        }) {
            Some(Some(bytes)) if bytes.len() <= MAX_RECORD_BYTES => {
                let token = record::decode(key, &bytes)?;
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
        let bytes = record::encode(key, token);
        let _ = self.inner.with(|c| {
            redis::cmd("SET")
                .arg(&redis_key)
                .arg(bytes)
                .arg("PX")
                .arg(millis(ttl))
                .query::<()>(c)
        });
    }

    fn discard_for(&self, key: &TokenKey, token: &AccessToken) {
        self.inner.local_keep(key, None, Some(token));
        let redis_key = self.token_key(key);
        let _ = self.inner.with(|c| {
            redis::cmd("EVAL")
                .arg(DISCARD)
                .arg(1)
                .arg(&redis_key)
                .arg(token.secret().expose_secret())
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
