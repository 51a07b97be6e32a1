//! Token stores that share one access token among processes: what a [`TokenStore`] is
//! asked for (a [`TokenKey`]), how one process among many becomes the one that asks Atlas
//! (a [`Lease`]), and the stores themselves.
//!
//! Atlas lets a service account hold at most 100 live tokens and ask for 10 a minute: a
//! fleet of processes that each fetch their own token runs into both. With a shared store
//! the fleet fetches one token per lifetime: the first process that needs one takes the
//! lease, asks Atlas and saves the answer; the others wait for it, bounded, and read it.
//! When Atlas refuses the credentials, the holder shares that too ([`SharedFailure`]), and
//! the others fail at once instead of asking in turn.
//!
//! A store is never trusted to return: the client runs its calls on threads of its own,
//! bounded by the call's remaining time, and goes on without a store that panics or hangs.
//!
//! [`TokenStore`]: crate::TokenStore

use std::fmt;
use std::time::Duration;

use sha2::{Digest as _, Sha256};

pub(crate) mod bounded;
mod failure;
mod file;
mod record;
#[cfg(feature = "redis")]
mod redis;

pub use failure::{REFUSED_SHARED_FOR, SharedFailure};
pub use file::{DEFAULT_FILE_LEASE_WAIT, FileTokenStore, FileTokenStoreBuilder};
#[cfg(feature = "redis")]
pub use redis::{RedisTokenStore, RedisTokenStoreBuilder};

/// Which token a store is asked for: a service account's client id at one token
/// endpoint, and a fingerprint of the secret it was asked with. Never the secret.
///
/// The token endpoint is part of the key because a token is only good where it was
/// issued: the same client id at Atlas for Government, or at a test emulator, must not
/// be handed Atlas's token (that would send it to another server). The secret's
/// fingerprint is part of it because a token must only go to a process that could have
/// obtained it: a rotated secret, or a wrong one, asks Atlas anew (and a wrong one is
/// refused there) instead of reading the token fetched with the old or right one.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct TokenKey {
    token_url: String,
    client_id: String,
    /// [`SECRET_FINGERPRINT_DOMAIN`]'s hash of the client id and secret, cut to 16 bytes.
    secret_fingerprint: Option<[u8; 16]>,
}

/// What the secret's fingerprint hashes first, so the hash is of no use as anything else.
const SECRET_FINGERPRINT_DOMAIN: &[u8] = b"atlas-rust token key: client secret v1\0";

impl TokenKey {
    /// The key of `client_id`'s tokens from the token endpoint `token_url`, whatever the
    /// secret (see [`with_secret`](Self::with_secret), which the client adds).
    pub fn new(token_url: impl Into<String>, client_id: impl Into<String>) -> Self {
        TokenKey {
            token_url: token_url.into(),
            client_id: client_id.into(),
            secret_fingerprint: None,
        }
    }

    /// This key, for the tokens obtained with `client_secret`: the key the client uses,
    /// so that each secret has its own tokens. The key keeps only 128 bits of a SHA-256
    /// over a domain prefix, the client id and the secret, which do not reveal the secret
    /// (it is random and long); [`digest`](Self::digest) covers them.
    ///
    /// ```
    /// use atlas_runtime::store::TokenKey;
    ///
    /// let old = TokenKey::atlas("mdb_sa_id_1").with_secret("mdb_sa_sk_old");
    /// let new = TokenKey::atlas("mdb_sa_id_1").with_secret("mdb_sa_sk_new");
    /// assert_ne!(old.digest(), new.digest());
    /// assert!(!old.digest().contains("mdb_sa_sk_old"));
    /// ```
    #[must_use]
    pub fn with_secret(mut self, client_secret: &str) -> Self {
        let mut hash = Sha256::new();
        hash.update(SECRET_FINGERPRINT_DOMAIN);
        hash.update(self.client_id.as_bytes());
        hash.update([0]);
        hash.update(client_secret.as_bytes());
        let sum = hash.finalize();
        let mut fingerprint = [0u8; 16];
        fingerprint.copy_from_slice(&sum[..16]);
        self.secret_fingerprint = Some(fingerprint);
        self
    }

    /// The key of `client_id`'s tokens from Atlas's own token endpoint.
    pub fn atlas(client_id: impl Into<String>) -> Self {
        TokenKey::new(
            format!("{}/api/oauth/token", crate::request::DEFAULT_BASE_URL),
            client_id,
        )
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &str {
        &self.token_url
    }

    /// The service account's client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// A stable name for this key, safe in file names and Redis keys: the client id's
    /// first 64 letters, digits, `-` and `_`, then 32 hex digits of a SHA-256 over the
    /// token endpoint, the client id and the secret's fingerprint if any (so names differ
    /// whenever keys do).
    pub fn digest(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(self.token_url.as_bytes());
        hash.update([0]);
        hash.update(self.client_id.as_bytes());
        if let Some(fingerprint) = &self.secret_fingerprint {
            hash.update([0]);
            hash.update(fingerprint);
        }
        let sum = hash.finalize();
        let readable: String = self
            .client_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .take(64)
            .collect();
        let mut name = String::with_capacity(readable.len() + 33);
        name.push_str(&readable);
        name.push('-');
        for byte in &sum[..16] {
            name.push_str(&format!("{byte:02x}"));
        }
        name
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenKey")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("with_secret", &self.secret_fingerprint.is_some())
            .finish()
    }
}

/// The answer to [`TokenStore::lease`](crate::TokenStore::lease).
#[derive(Debug)]
#[non_exhaustive]
pub enum Lease {
    /// This process asks Atlas for the next token and saves it; dropping the guard lets
    /// the next process in.
    Held(LeaseGuard),
    /// Another process holds the lease: read the store again, and ask again.
    Busy,
    /// The store cannot coordinate now (unreachable, broken): fetch a token directly,
    /// rather than fail the call.
    Unavailable,
}

/// The right to fetch the next token, released when dropped (also on unwind, and by the
/// operating system or the lease's expiry when the process dies).
pub struct LeaseGuard {
    release: Option<Box<dyn FnOnce() + Send>>,
}

impl LeaseGuard {
    /// A lease that needs no release: the store does not coordinate processes.
    pub fn local() -> Self {
        LeaseGuard { release: None }
    }

    /// A lease that `release` gives back.
    pub fn new(release: impl FnOnce() + Send + 'static) -> Self {
        LeaseGuard {
            release: Some(Box::new(release)),
        }
    }
}

impl Drop for LeaseGuard {
    fn drop(&mut self) {
        if let Some(release) = self.release.take() {
            release();
        }
    }
}

impl fmt::Debug for LeaseGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeaseGuard")
            .field("shared", &self.release.is_some())
            .finish()
    }
}

/// A shared token store could not be opened.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// No cache directory: neither `XDG_CACHE_HOME` nor `HOME` (or the platform's
    /// equivalent) is set. Name a directory explicitly.
    NoCacheDir,
    /// The directory is not safe for tokens: another user owns it, or it is not a
    /// directory.
    Unsafe {
        /// The directory.
        path: std::path::PathBuf,
        /// Why.
        reason: &'static str,
    },
    /// The file system refused.
    Io {
        /// The file or directory.
        path: std::path::PathBuf,
        /// The system's error.
        error: std::io::Error,
    },
    /// The Redis URL could not be read (the URL itself is not repeated: it may hold a
    /// password).
    InvalidRedisUrl(String),
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::NoCacheDir => f.write_str(
                "no user cache directory (XDG_CACHE_HOME and HOME unset); name one explicitly",
            ),
            StoreError::Unsafe { path, reason } => {
                write!(f, "{} is not safe for tokens: {reason}", path.display())
            }
            StoreError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            StoreError::InvalidRedisUrl(why) => write!(f, "invalid Redis URL: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// A bounded random pause around `base` (±50 %), so that pollers do not march in step.
pub(crate) fn jittered(base: Duration) -> Duration {
    let mut byte = [0u8; 1];
    let r = if getrandom::getrandom(&mut byte).is_ok() {
        f64::from(byte[0]) / 255.0
    } else {
        0.5
    };
    base.mul_f64(0.5 + r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_digest_separates_endpoints_and_names_the_client() {
        let a = TokenKey::new("https://a.example/api/oauth/token", "mdb_sa_id_1");
        let b = TokenKey::new("https://b.example/api/oauth/token", "mdb_sa_id_1");
        assert_ne!(a.digest(), b.digest());
        assert!(a.digest().starts_with("mdb_sa_id_1-"), "{}", a.digest());
        assert_eq!(a.digest(), a.clone().digest());
        let odd = TokenKey::new("u", "../../etc/passwd\n");
        assert!(
            odd.digest()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "{}",
            odd.digest()
        );
    }

    #[test]
    fn the_secret_changes_the_key_and_is_not_in_it() {
        let url = "https://a.example/api/oauth/token";
        let bare = TokenKey::new(url, "mdb_sa_id_1");
        let right = bare.clone().with_secret("mdb_sa_sk_right0123456789");
        let wrong = bare.clone().with_secret("mdb_sa_sk_wrong0123456789");
        assert_ne!(right, wrong);
        assert_ne!(right.digest(), wrong.digest());
        assert_ne!(right.digest(), bare.digest());
        assert_eq!(right.digest(), right.clone().digest(), "stable");
        for shown in [right.digest(), format!("{right:?}")] {
            assert!(!shown.contains("right0123456789"), "{shown}");
        }
    }

    #[test]
    fn a_guard_releases_once_when_dropped() {
        let (tx, rx) = std::sync::mpsc::channel();
        let guard = LeaseGuard::new(move || tx.send(()).unwrap());
        assert!(rx.try_recv().is_err());
        drop(guard);
        assert!(rx.try_recv().is_ok());
        assert!(rx.try_recv().is_err());
    }
}
