//! [`FileTokenStore`]: one access token shared by the processes of one host, in a file per
//! service account under the user's cache directory.
//!
//! How it works and who can read the token: on the type, where users of the crate see it.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::record::{self, MAX_RECORD_BYTES};
use super::{Lease, LeaseGuard, SharedFailure, StoreError, TokenKey, jittered};
use crate::auth::oauth::{AccessToken, TokenStore};

/// How long a process waits, by default, for another one's token request before asking
/// Atlas itself: longer than a token request normally takes, shorter than a call's
/// default timeout.
pub const DEFAULT_FILE_LEASE_WAIT: Duration = Duration::from_secs(20);

/// How often a waiting process tries the lock.
const LOCK_POLL: Duration = Duration::from_millis(5);

/// How long forgetting a refused token waits for the lock before removing it anyway.
const DISCARD_WAIT: Duration = Duration::from_secs(1);

/// Access tokens in files, one per service account and token endpoint, shared by every
/// process of the user on this host.
///
/// # Threat model
///
/// A stored token acts as the service account until it expires (an hour at Atlas). It is
/// written as it is (not encrypted: a key would have to sit beside it, readable by the
/// same people), so it is kept from every other user of the host instead:
///
/// - The directory (`<cache>/atlas-rust/tokens`, or one you name) is created with mode
///   0700 and must belong to the effective user; one owned by another user is refused.
///   The default one, if group- or world-accessible, is narrowed to 0700. An existing
///   one you name keeps its permissions (it may serve other purposes, such as a home
///   directory): if others can only read it, it is used (they see file names, which hold
///   the client id and no secret, and cannot open the 0600 files); if others can write
///   to it (and so remove or replace files), it is refused.
/// - A token file is created with mode 0600 under a temporary name (exclusive create, so
///   nobody else's file is reused) and renamed over the old one: a reader sees the old
///   record or the new one, never a partial one, and never a file that was readable by
///   others for a moment.
/// - A token file not owned by the effective user, readable by others, reached through
///   a symbolic link, with another name (a hard link), or larger than a record is not
///   believed (nor read); a token in it is checked as a token endpoint's answer is, and
///   one that fails (a CR LF in it, an expiry a day away or more) is discarded and
///   replaced.
/// - File names are derived from the token endpoint, the client id and a one-way
///   fingerprint of the secret ([`TokenKey::digest`], [`TokenKey::with_secret`]); the
///   secret itself is never written anywhere, nor anything it could be recovered from.
/// - [`revoke_token`](crate::Client::revoke_token) and [`close`](crate::Client::close)
///   remove the token's file (if it still holds the revoked token), so no process sends
///   a revoked token.
///
/// What it does not protect against: the same user, root, or anyone who can read that
/// user's files or memory (a backup of the home directory, a debugger) — the same people
/// who can read the client secret from the environment or a config file. On a host whose
/// disk is shared with untrusted users under the same uid, use no shared store.
///
/// # The single flight
///
/// Beside each token file is a lock file (`.lock`, never deleted: deleting lock files
/// races). The process that takes its OS lock (`flock` on Unix, `LockFileEx` on Windows)
/// asks Atlas; the others poll for the lock, bounded by
/// [`lease_wait`](FileTokenStoreBuilder::lease_wait), and find the new token when they
/// get it. The operating system releases the lock when its holder dies, so a killed
/// process does not hold the others up. A client also never waits longer than half the
/// time its call has left. The lock file is opened without truncating it and used only
/// if it passes the token file's checks (a hard link planted there to another file of
/// the user is refused: each process then fetches its own token); the holder writes its
/// process id into it only if it holds nothing else.
///
/// # Refused credentials
///
/// When Atlas refuses the credentials (or rate-limits the client), the lock holder writes
/// that beside the token (`.failure.json`, also 0600, holding the status and Atlas's
/// message, no secret) for [`REFUSED_SHARED_FOR`](crate::store::REFUSED_SHARED_FOR) (a 429: its
/// `Retry-After`, at most 60 s). Processes waiting for the lock, and those starting
/// meanwhile, fail at once with that error instead of each asking Atlas once more: 30
/// processes with a wrong secret send one token request per 10 s, not 30 (the 11th of
/// which Atlas would answer with 429). The price: a process started with the corrected
/// secret within those 10 s fails too; it succeeds after them. A new token, once
/// obtained, removes the file.
///
/// ```no_run
/// use std::sync::Arc;
/// use atlas_runtime::{Client, Credentials, store::FileTokenStore};
///
/// let client = Client::builder()
///     .credentials(Credentials::service_account("mdb_sa_id_…", "mdb_sa_sk_…"))
///     .token_store(Arc::new(FileTokenStore::new()?))
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    dir: PathBuf,
    lease_wait: Duration,
}

/// Options of a [`FileTokenStore`].
#[derive(Debug, Clone)]
pub struct FileTokenStoreBuilder {
    dir: Option<PathBuf>,
    lease_wait: Duration,
}

impl FileTokenStore {
    /// A store in the user's cache directory: `$XDG_CACHE_HOME/atlas-rust/tokens` or
    /// `~/.cache/atlas-rust/tokens` on Linux, the platform's cache directory elsewhere.
    pub fn new() -> Result<Self, StoreError> {
        FileTokenStore::builder().open()
    }

    /// A store in `dir`, created (mode 0700) if missing.
    pub fn in_dir(dir: impl Into<PathBuf>) -> Result<Self, StoreError> {
        FileTokenStore::builder().dir(dir).open()
    }

    /// Options: the directory, how long to wait for another process.
    pub fn builder() -> FileTokenStoreBuilder {
        FileTokenStoreBuilder {
            dir: None,
            lease_wait: DEFAULT_FILE_LEASE_WAIT,
        }
    }

    /// The directory the token files are in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The token file of `key`.
    pub fn path_of(&self, key: &TokenKey) -> PathBuf {
        self.dir.join(format!("{}.json", key.digest()))
    }

    /// The file of `key`'s shared failure ([`SharedFailure`]).
    pub fn failure_path(&self, key: &TokenKey) -> PathBuf {
        self.dir.join(format!("{}.failure.json", key.digest()))
    }

    fn lock_path(&self, key: &TokenKey) -> PathBuf {
        self.dir.join(format!("{}.lock", key.digest()))
    }

    /// Opens `key`'s lock file, creating it if needed, never truncating it, and only if
    /// it is a file of this store (see [`trusted_file`]): a hard link planted there to
    /// another file of the user is refused, not written to.
    fn open_lock(&self, key: &TokenKey) -> std::io::Result<File> {
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        private(&mut options);
        let file = options.open(self.lock_path(key))?;
        trusted_file(&file).map_err(|why| {
            std::io::Error::other(format!("not this store's lock file: {why}; remove it"))
        })?;
        Ok(file)
    }

    /// Takes `key`'s lock, trying for at most `wait`.
    fn lock(&self, key: &TokenKey, wait: Duration) -> Result<Option<File>, std::io::Error> {
        let file = self.open_lock(key)?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Some(file)),
                Err(TryLockError::WouldBlock) => {
                    if start.elapsed() >= wait {
                        return Ok(None);
                    }
                    std::thread::sleep(jittered(LOCK_POLL).min(wait));
                }
                Err(TryLockError::Error(e)) => return Err(e),
            }
        }
    }
}

impl FileTokenStoreBuilder {
    /// The directory for the token files (default: the user's cache directory, see
    /// [`FileTokenStore::new`]).
    pub fn dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = Some(dir.into());
        self
    }

    /// How long a process waits for another one's token request before asking Atlas
    /// itself (default [`DEFAULT_FILE_LEASE_WAIT`]).
    pub fn lease_wait(mut self, wait: Duration) -> Self {
        self.lease_wait = wait;
        self
    }

    /// Creates or checks the directory and returns the store.
    pub fn open(self) -> Result<FileTokenStore, StoreError> {
        let (dir, ours) = match self.dir {
            Some(d) => (d, false),
            None => (
                dirs::cache_dir()
                    .ok_or(StoreError::NoCacheDir)?
                    .join("atlas-rust")
                    .join("tokens"),
                true,
            ),
        };
        prepare_dir(&dir, ours)?;
        Ok(FileTokenStore {
            dir,
            lease_wait: self.lease_wait,
        })
    }
}

impl TokenStore for FileTokenStore {
    fn load_for(&self, key: &TokenKey) -> Option<AccessToken> {
        record::decode(key, &read_private(&self.path_of(key))?)
    }

    fn save_for(&self, key: &TokenKey, token: &AccessToken) {
        let path = self.path_of(key);
        if let Err(e) = write_atomically(&self.dir, &path, &record::encode(key, token)) {
            log::warn!(
                "cannot save the access token in {}: {e}; other processes will fetch their own",
                path.display()
            );
        }
        // A token obtained: whatever failure was shared is over.
        remove(&self.failure_path(key));
    }

    fn save_failure(&self, key: &TokenKey, failure: &SharedFailure) {
        let Some(bytes) = record::encode_failure(key, failure) else {
            return;
        };
        let path = self.failure_path(key);
        if let Err(e) = write_atomically(&self.dir, &path, &bytes) {
            log::warn!(
                "cannot share the failed token request in {}: {e}",
                path.display()
            );
        }
    }

    fn load_failure(&self, key: &TokenKey) -> Option<SharedFailure> {
        record::decode_failure(key, &read_private(&self.failure_path(key))?)
    }

    fn discard_for(&self, key: &TokenKey, token: &AccessToken) {
        // Under the lock, so that a token another process has just saved is not removed
        // in its place; without the lock after a short wait, the worst is one more fetch.
        let lock = self.lock(key, DISCARD_WAIT).ok().flatten();
        if self.load_for(key).is_some_and(|held| held.same_as(token)) {
            remove(&self.path_of(key));
        }
        drop(lock);
    }

    fn lease(&self, key: &TokenKey, wait: Duration) -> Lease {
        match self.lock(key, wait) {
            Ok(Some(mut file)) => {
                // Who holds it, for people (and tests) looking at a stuck fleet.
                write_holder(&mut file);
                log::debug!("holding the token lock {}", self.lock_path(key).display());
                Lease::Held(LeaseGuard::new(move || {
                    let _ = file.unlock();
                }))
            }
            Ok(None) => Lease::Busy,
            Err(e) => {
                log::warn!(
                    "cannot lock {}: {e}; fetching a token without the other processes",
                    self.lock_path(key).display()
                );
                Lease::Unavailable
            }
        }
    }

    fn lease_wait(&self) -> Duration {
        self.lease_wait
    }
}

/// The most a lock file of this store holds: a process id and a newline.
const MAX_HOLDER_BYTES: u64 = 24;

/// Writes this process's id into its lock `file`, replacing the last holder's, if the
/// file holds nothing else: a file with other contents was not written by this store
/// (whatever its name says), and is left as it is.
fn write_holder(file: &mut File) {
    let mut held = Vec::new();
    let ours = file.metadata().is_ok_and(|m| m.len() <= MAX_HOLDER_BYTES)
        && file.take(MAX_HOLDER_BYTES).read_to_end(&mut held).is_ok()
        && held.iter().all(|b| b.is_ascii_digit() || *b == b'\n');
    if !ours {
        log::warn!("the token lock file holds something else; not writing the holder's pid");
        return;
    }
    let _ = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| writeln!(file, "{}", std::process::id()));
}

/// The contents of `path` if it is a private file of ours (see [`trusted_file`]) no
/// larger than a record can be; a larger one is not read at all.
fn read_private(path: &Path) -> Option<Vec<u8>> {
    let mut options = OpenOptions::new();
    options.read(true);
    no_follow(&mut options);
    // Nor a FIFO planted there may block the open (a regular file ignores the flag).
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        libc::O_NOFOLLOW | libc::O_NONBLOCK,
    );
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::NotFound => return None,
        Err(e) => {
            log::warn!("cannot read the token file {}: {e}", path.display());
            return None;
        }
    };
    if let Err(why) = trusted_file(&file) {
        log::warn!("ignoring the token file {}: {why}", path.display());
        return None;
    }
    let limit = u64::try_from(MAX_RECORD_BYTES).unwrap_or(u64::MAX);
    if file.metadata().is_ok_and(|m| m.len() > limit) {
        log::warn!(
            "ignoring the token file {}: larger than any record of this store",
            path.display()
        );
        return None;
    }
    // Bounded all the same: the file may grow while it is read.
    let mut bytes = Vec::new();
    if let Err(e) = file.take(limit + 1).read_to_end(&mut bytes) {
        log::warn!("cannot read the token file {}: {e}", path.display());
        return None;
    }
    Some(bytes)
}

/// Removes `path`, if it is there.
fn remove(path: &Path) {
    if let Err(e) = fs::remove_file(path)
        && e.kind() != ErrorKind::NotFound
    {
        log::warn!("cannot remove {}: {e}", path.display());
    }
}

/// Creates `dir` (0700) if needed, and checks that it is ours and private enough: one
/// that others can open is narrowed if it is `ours` (the default location) or was just
/// made; otherwise it is left as it is if others can only read it, refused if they can
/// write to it.
fn prepare_dir(dir: &Path, ours: bool) -> Result<(), StoreError> {
    let io = |error| StoreError::Io {
        path: dir.to_owned(),
        error,
    };
    let existed = fs::symlink_metadata(dir).is_ok();
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io)?;
    let meta = fs::metadata(dir).map_err(io)?;
    if !meta.is_dir() {
        return Err(StoreError::Unsafe {
            path: dir.to_owned(),
            reason: "not a directory",
        });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
        // SAFETY: geteuid has no preconditions and cannot fail.
        let me = unsafe { libc::geteuid() };
        if meta.uid() != me {
            return Err(StoreError::Unsafe {
                path: dir.to_owned(),
                reason: "another user owns it",
            });
        }
        if meta.mode() & 0o077 != 0 {
            if !existed || ours {
                fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(io)?;
            } else if meta.mode() & 0o022 != 0 {
                return Err(StoreError::Unsafe {
                    path: dir.to_owned(),
                    reason: "other users can write to it (chmod 700 it, or name another)",
                });
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (existed, ours);
    Ok(())
}

/// Writes `bytes` to a new private file in `dir`, then renames it to `path`.
fn write_atomically(dir: &Path, path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut suffix = [0u8; 8];
    getrandom::getrandom(&mut suffix).map_err(|e| std::io::Error::other(e.to_string()))?;
    let name = format!(
        ".{}.{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("token"),
        std::process::id(),
        suffix
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let temp = dir.join(name);
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    private(&mut options);
    let written = options.open(&temp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_data()
    });
    let renamed = written.and_then(|()| fs::rename(&temp, path));
    if renamed.is_err() {
        let _ = fs::remove_file(&temp);
    }
    renamed
}

/// Files this store creates are readable by the user alone, and never followed links.
fn private(options: &mut OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(options, 0o600);
    no_follow(options);
}

fn no_follow(options: &mut OpenOptions) {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NOFOLLOW);
    #[cfg(not(unix))]
    let _ = options;
}

/// A file of this store (a token, a failure, a lock) is used only if it is ours, nobody
/// else can read it, and it has no other name: a hard link planted at one of its names
/// would make the store read, or write to, another file of the user.
fn trusted_file(file: &File) -> Result<(), &'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let meta = file.metadata().map_err(|_| "cannot read its metadata")?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        if meta.uid() != unsafe { libc::geteuid() } {
            return Err("another user owns it");
        }
        if meta.mode() & 0o077 != 0 {
            return Err("other users can read or write it");
        }
        if !meta.is_file() {
            return Err("not a regular file");
        }
        if meta.nlink() != 1 {
            return Err("it has other names (a hard link)");
        }
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret as _;
    use std::time::SystemTime;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "atlas-file-store-{name}-{}-{}",
            std::process::id(),
            SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn token(value: &str) -> AccessToken {
        let now = SystemTime::now();
        AccessToken::new(value, now, now + Duration::from_secs(3600))
    }

    #[test]
    fn saves_loads_and_discards_only_its_own_token() {
        let dir = temp_dir("roundtrip");
        let store = FileTokenStore::in_dir(&dir).unwrap();
        let key = TokenKey::new("http://127.0.0.1:9/api/oauth/token", "mdb_sa_id_x");
        assert!(store.load_for(&key).is_none());
        store.save_for(&key, &token("one"));
        let held = store.load_for(&key).unwrap();
        assert_eq!(held.secret().expose_secret(), "one");
        // Another endpoint, same client id: not the same token.
        assert!(
            store
                .load_for(&TokenKey::new("http://x/api/oauth/token", "mdb_sa_id_x"))
                .is_none()
        );
        store.discard_for(&key, &token("other"));
        assert!(store.load_for(&key).is_some(), "a different token is kept");
        store.discard_for(&key, &token("one"));
        assert!(store.load_for(&key).is_none());
        let leftovers: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn files_are_private_and_a_named_directory_is_not_changed_behind_ones_back() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp_dir("modes");
        fs::create_dir_all(&dir).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // A directory someone named, say a home directory: not chmod-ed behind their back;
        // refused if others can write to it, used as it is if they can only read it.
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o777)).unwrap();
        let refused = FileTokenStore::in_dir(&dir).unwrap_err();
        assert!(matches!(refused, StoreError::Unsafe { .. }), "{refused}");
        assert_eq!(mode(&dir), 0o777, "left as it was");
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let store = FileTokenStore::in_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o755, "left as it was");
        // One it creates is private, parents included.
        let fresh = dir.join("a").join("b");
        FileTokenStore::in_dir(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o700);
        assert_eq!(mode(&dir.join("a")), 0o700);
        let key = TokenKey::atlas("mdb_sa_id_y");
        store.save_for(&key, &token("t"));
        assert_eq!(mode(&store.path_of(&key)), 0o600);
        drop(store.lease(&key, Duration::ZERO));
        assert_eq!(mode(&store.lock_path(&key)), 0o600);
        // A token file someone made readable is not believed.
        fs::set_permissions(store.path_of(&key), fs::Permissions::from_mode(0o644)).unwrap();
        assert!(store.load_for(&key).is_none());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_shared_failure_is_private_believed_only_if_private_and_gone_with_a_new_token() {
        use crate::error::AuthErrorKind;
        use std::os::unix::fs::PermissionsExt as _;
        let dir = temp_dir("failure");
        let store = FileTokenStore::in_dir(&dir).unwrap();
        let key = TokenKey::atlas("mdb_sa_id_f");
        // Stored to the millisecond.
        let now_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis();
        let until =
            SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(now_ms).unwrap() + 10_000);
        let failure = SharedFailure::new(AuthErrorKind::Refused, Some(401), "no", until);
        store.save_failure(&key, &failure);
        let path = store.failure_path(&key);
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(store.load_failure(&key).as_ref(), Some(&failure));
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(
            store.load_failure(&key).is_none(),
            "readable by others: not ours"
        );
        fs::set_permissions(&path, fs::Permissions::from_mode(0o600)).unwrap();
        store.save_for(&key, &token("new"));
        assert!(!path.exists(), "a new token ends the failure");
        assert!(store.load_failure(&key).is_none());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_linked_token_file_is_not_followed() {
        let dir = temp_dir("link");
        let store = FileTokenStore::in_dir(&dir).unwrap();
        let key = TokenKey::atlas("mdb_sa_id_z");
        let elsewhere = dir.join("elsewhere.json");
        fs::write(&elsewhere, record::encode(&key, &token("planted"))).unwrap();
        std::os::unix::fs::symlink(&elsewhere, store.path_of(&key)).unwrap();
        assert!(store.load_for(&key).is_none());
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_link_at_the_lock_is_refused_and_its_target_left_intact() {
        let dir = temp_dir("hardlink");
        let store = FileTokenStore::in_dir(&dir).unwrap();
        let key = TokenKey::atlas("mdb_sa_id_h");
        // Another file of the user's, private as the store's are.
        let victim = dir.join("authorized_keys");
        fs::write(&victim, "ssh-ed25519 AAAA precious\n").unwrap();
        fs::hard_link(&victim, store.lock_path(&key)).unwrap();
        assert!(
            matches!(store.lease(&key, Duration::ZERO), Lease::Unavailable),
            "a lock file with another name is not this store's"
        );
        assert_eq!(
            fs::read_to_string(&victim).unwrap(),
            "ssh-ed25519 AAAA precious\n"
        );
        // Forgetting a token, which also takes the lock, leaves it intact too.
        store.discard_for(&key, &token("t"));
        assert_eq!(
            fs::read_to_string(&victim).unwrap(),
            "ssh-ed25519 AAAA precious\n"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn the_holders_pid_goes_only_into_a_lock_file_that_holds_nothing_else() {
        use std::os::unix::fs::OpenOptionsExt as _;
        let dir = temp_dir("holder");
        let store = FileTokenStore::in_dir(&dir).unwrap();
        let key = TokenKey::atlas("mdb_sa_id_p");
        let pid = format!("{}\n", std::process::id());
        // The store's own lock file: the holder's pid replaces the last one.
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(store.lock_path(&key))
            .unwrap()
            .write_all(b"4294967295\n")
            .unwrap();
        let held = store.lease(&key, Duration::ZERO);
        assert!(matches!(held, Lease::Held(_)));
        assert_eq!(fs::read_to_string(store.lock_path(&key)).unwrap(), pid);
        drop(held);
        // A file with other contents under that name: locked, never written to.
        fs::write(store.lock_path(&key), "not a pid").unwrap();
        let held = store.lease(&key, Duration::ZERO);
        assert!(matches!(held, Lease::Held(_)));
        assert_eq!(
            fs::read_to_string(store.lock_path(&key)).unwrap(),
            "not a pid"
        );
        drop(held);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_huge_token_file_is_not_read_and_a_fifo_does_not_block() {
        let dir = temp_dir("huge");
        let store = FileTokenStore::in_dir(&dir).unwrap();
        let key = TokenKey::atlas("mdb_sa_id_b");
        let path = store.path_of(&key);
        // 100 MB, sparse: costs no disk, and would cost 100 MB of memory if read whole.
        let huge = File::create(&path).unwrap();
        huge.set_len(100 * 1024 * 1024).unwrap();
        drop(huge);
        assert!(store.load_for(&key).is_none());
        store.save_for(&key, &token("fresh"));
        assert_eq!(
            store.load_for(&key).unwrap().secret().expose_secret(),
            "fresh",
            "the next token saved replaces it"
        );
        fs::remove_file(&path).unwrap();
        let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo has no other preconditions.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let (done, finished) = std::sync::mpsc::channel();
        let reader = store.clone();
        let key2 = key.clone();
        std::thread::spawn(move || done.send(reader.load_for(&key2).is_none()).unwrap());
        assert_eq!(
            finished.recv_timeout(Duration::from_secs(5)),
            Ok(true),
            "a FIFO at the token's name is neither waited on nor believed"
        );
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn one_lease_at_a_time_and_the_wait_is_bounded() {
        let dir = temp_dir("lease");
        let store = FileTokenStore::in_dir(&dir).unwrap();
        let key = TokenKey::atlas("mdb_sa_id_w");
        let Lease::Held(first) = store.lease(&key, Duration::ZERO) else {
            panic!("the first lease is granted")
        };
        let start = Instant::now();
        assert!(matches!(
            store.lease(&key, Duration::from_millis(100)),
            Lease::Busy
        ));
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_millis(100) && waited < Duration::from_secs(2),
            "{waited:?}"
        );
        drop(first);
        assert!(matches!(store.lease(&key, Duration::ZERO), Lease::Held(_)));
        fs::remove_dir_all(&dir).unwrap();
    }
}
