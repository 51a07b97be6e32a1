//! `RedisTokenStore` across processes standing for several hosts.

use atlas_test_needs::needs;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use atlas_mock::{Fault, FaultKind, MockAtlas};
use atlas_runtime::{
    Client, Credentials, TokenStore,
    store::{AccessToken, RedisTokenStore, TokenKey},
};

use super::support::{
    Job, RedisServer, assert_all_ok, call, client_with, one_fleet_at_a_time, one_per_lifetime,
    planted_tokens_are_replaced, redis_for_test, redis_get, sigkill, spawn, token_requests,
    unique_prefix, wait_all,
};

/// As in `file_store.rs`: 50 calls 70 ms apart cross one replacement of a 6 s token.
const LIFETIME: Duration = Duration::from_secs(6);

#[needs(redis)]
fn four_hosts_of_eight_processes_share_one_token_per_lifetime() {
    let _fleet = one_fleet_at_a_time();
    let (_server, url) = redis_for_test();
    let mock = MockAtlas::builder()
        .token_lifetime(LIFETIME)
        .start()
        .expect("emulator");
    let prefix = unique_prefix("hosts");
    let start_at = SystemTime::now() + Duration::from_secs(2);
    // Four "hosts": their own connections, the URL spelt their own way, clocks a little
    // apart; one key prefix (the same application), so one key.
    let bare = url.strip_suffix("/0").unwrap_or(&url).to_string();
    let spellings = [url.clone(), bare.clone(), url.clone(), bare];
    let mut children = Vec::new();
    for (host, spelling) in spellings.iter().enumerate() {
        let job = Job {
            store: format!("redis:{spelling}"),
            calls: 50,
            interval: Duration::from_millis(70),
            start_at: start_at + Duration::from_millis(100 * host as u64),
            extra: vec![("FLEET_PREFIX", prefix.clone())],
        };
        children.extend((0..8).map(|_| spawn(&mock, &job)));
    }
    let outcomes = wait_all(children, Duration::from_secs(120));
    let ran = SystemTime::now().duration_since(start_at).unwrap();
    assert_all_ok(&outcomes, 50);
    // 2 unless the machine is so slow that the run outlived a second replacement.
    let requests = token_requests(&mock);
    assert!(
        (2..=one_per_lifetime(ran, LIFETIME)).contains(&requests),
        "{requests} token requests from 4 hosts × 8 processes × 50 calls in {ran:?}: one per \
         lifetime is {}",
        one_per_lifetime(ran, LIFETIME)
    );
}

#[needs(redis)]
fn the_lease_holder_killed_mid_fetch_is_replaced_within_the_lease_time() {
    let _fleet = one_fleet_at_a_time();
    let (_server, url) = redis_for_test();
    let mock = MockAtlas::builder().start().expect("emulator");
    // The first token request takes 5 s: time to kill the process that sent it.
    mock.inject(
        Fault::new(FaultKind::Delay(Duration::from_secs(5)))
            .path("/api/oauth/token")
            .times(1),
    );
    let prefix = unique_prefix("kill");
    const LEASE_TTL: Duration = Duration::from_millis(1000);
    let job = Job {
        store: format!("redis:{url}"),
        calls: 5,
        interval: Duration::from_millis(20),
        start_at: SystemTime::now() + Duration::from_millis(500),
        extra: vec![
            ("FLEET_PREFIX", prefix.clone()),
            ("FLEET_LEASE_TTL_MS", LEASE_TTL.as_millis().to_string()),
        ],
    };
    let children: Vec<_> = (0..8).map(|_| spawn(&mock, &job)).collect();
    let store = RedisTokenStore::builder(url.as_str())
        .key_prefix(prefix.as_str())
        .open()
        .unwrap();
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    let lease_key = store.lease_key(&key);
    let deadline = Instant::now() + Duration::from_secs(20);
    let holder: u32 = loop {
        assert!(Instant::now() < deadline, "no process took the lease");
        if token_requests(&mock) == 1
            && let Some(pid) = redis_get(&url, &lease_key)
                .and_then(|v| v.split(':').nth(1).and_then(|p| p.parse().ok()))
        {
            break pid;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(
        children.iter().any(|c| c.id() == holder),
        "the holder {holder} is one of ours"
    );
    sigkill(holder);
    let outcomes = wait_all(children, Duration::from_secs(60));
    let (killed, survivors): (Vec<_>, Vec<_>) = outcomes.iter().partition(|o| o.pid == holder);
    assert!(!killed[0].status.success(), "the holder died");
    assert_all_ok(survivors.iter().copied(), job.calls);
    for o in &survivors {
        let first = o.first_call().unwrap();
        assert!(
            first < LEASE_TTL + Duration::from_millis(1500),
            "worker {} waited {first:?}: more than the lease time, or for the dead holder's \
             5 s answer",
            o.pid
        );
    }
    assert_eq!(
        token_requests(&mock),
        2,
        "the dead holder's request and its successor's"
    );
}

/// Redis dies after a second; the workers' tokens are replaced after three: each then
/// fetches its own, and no call fails.
#[needs(redis)]
fn redis_stopped_mid_run_fails_no_call() {
    let _fleet = one_fleet_at_a_time();
    let mut server = RedisServer::start();
    let mock = MockAtlas::builder()
        .token_lifetime(LIFETIME)
        .start()
        .expect("emulator");
    let start_at = SystemTime::now() + Duration::from_secs(1);
    let job = Job {
        store: format!("redis:{}", server.url),
        calls: 50,
        interval: Duration::from_millis(70),
        start_at,
        extra: vec![("FLEET_PREFIX", unique_prefix("stop"))],
    };
    const WORKERS: usize = 4;
    let children: Vec<_> = (0..WORKERS).map(|_| spawn(&mock, &job)).collect();
    if let Ok(wait) = (start_at + Duration::from_secs(1)).duration_since(SystemTime::now()) {
        std::thread::sleep(wait);
    }
    assert_eq!(token_requests(&mock), 1, "shared while Redis was up");
    server.stop();
    let outcomes = wait_all(children, Duration::from_secs(120));
    assert_all_ok(&outcomes, job.calls);
    let requests = token_requests(&mock);
    assert!(
        requests <= 1 + WORKERS,
        "after Redis died each worker fetched its own token once at most: {requests}"
    );
}

/// A Redis that stops answering (SIGSTOP: connections stay open, nothing comes back)
/// costs a call at most the store's I/O timeout, and then nothing until it is tried again.
#[needs(redis)]
fn a_frozen_redis_cannot_wedge_the_clients() {
    let _fleet = one_fleet_at_a_time();
    let server = RedisServer::start();
    let mock = MockAtlas::builder()
        .token_lifetime(LIFETIME)
        .start()
        .expect("emulator");
    let start_at = SystemTime::now() + Duration::from_secs(1);
    let job = Job {
        store: format!("redis:{}", server.url),
        calls: 40,
        interval: Duration::from_millis(50),
        start_at,
        extra: vec![("FLEET_PREFIX", unique_prefix("frozen"))],
    };
    const WORKERS: usize = 4;
    let children: Vec<_> = (0..WORKERS).map(|_| spawn(&mock, &job)).collect();
    if let Ok(wait) = (start_at + Duration::from_millis(500)).duration_since(SystemTime::now()) {
        std::thread::sleep(wait);
    }
    let pid = libc::pid_t::try_from(server.pid()).unwrap();
    // SAFETY: kill has no memory preconditions; the pid is our unreaped child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
    let started = Instant::now();
    let outcomes = wait_all(children, Duration::from_secs(60));
    let elapsed = started.elapsed();
    // SAFETY: as above.
    unsafe { libc::kill(pid, libc::SIGCONT) };
    assert_all_ok(&outcomes, job.calls);
    // 40 calls 50 ms apart, of which ~30 remain: 1.5 s, plus the timeouts of a frozen
    // Redis (500 ms, once every 2 s per process).
    assert!(
        elapsed < Duration::from_secs(8),
        "the frozen Redis held the workers up: {elapsed:?}"
    );
    assert!(token_requests(&mock) <= 1 + WORKERS);
}

/// With a fleet-shared key, two "hosts" share the token while Redis holds only
/// ciphertext; a store without the key does not believe it.
#[needs(redis)]
fn an_encrypted_store_shares_a_token_redis_cannot_read() {
    use std::sync::Arc;

    use atlas_endpoints::service_accounts::GetOrgServiceAccount;
    use atlas_runtime::{Client, Credentials, TokenStore};
    use secrecy::ExposeSecret as _;

    let (_server, url) = redis_for_test();
    let mock = MockAtlas::builder().start().expect("emulator");
    let prefix = unique_prefix("sealed");
    let open = |key: Option<[u8; 32]>| {
        let mut b = RedisTokenStore::builder(url.as_str()).key_prefix(prefix.as_str());
        if let Some(k) = key {
            b = b.encryption_key(k);
        }
        Arc::new(b.open().unwrap())
    };
    let fleet_key = [0x5a; 32];
    let call = |store: Arc<RedisTokenStore>| {
        let client = Client::builder()
            .base_url(mock.url())
            .credentials(Credentials::service_account(
                mock.client_id(),
                mock.client_secret(),
            ))
            .token_store(store)
            .build()
            .unwrap();
        GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
            .send(&client)
            .unwrap();
    };
    let (host_a, host_b) = (open(Some(fleet_key)), open(Some(fleet_key)));
    call(host_a.clone());
    call(host_b.clone());
    assert_eq!(token_requests(&mock), 1, "shared");

    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    let token = host_b.load_for(&key).expect("host b reads it");
    let raw = redis_get(&url, &host_a.token_key(&key)).expect("stored");
    assert!(
        !raw.contains(token.secret().expose_secret()),
        "Redis holds ciphertext: {raw}"
    );
    assert!(open(None).load_for(&key).is_none(), "no key, no token");
    assert!(open(Some([1; 32])).load_for(&key).is_none(), "wrong key");
}

/// A wrong secret across four "hosts" of six processes: one token request, shared as a
/// failure; every process fails with Atlas's 401, none with a 429.
#[needs(redis)]
fn a_refused_secret_is_asked_about_once_across_hosts() {
    const WRONG_SECRET: &str = "mdb_sa_sk_wrongwrongwrongwrongwrongwrong";
    let _fleet = one_fleet_at_a_time();
    let (_server, url) = redis_for_test();
    let mock = MockAtlas::builder().start().expect("emulator");
    let prefix = unique_prefix("refused");
    let start_at = SystemTime::now() + Duration::from_secs(2);
    let mut children = Vec::new();
    for host in 0..4u64 {
        let job = Job {
            store: format!("redis:{url}"),
            calls: 1,
            interval: Duration::from_millis(10),
            start_at: start_at + Duration::from_millis(100 * host),
            extra: vec![
                ("FLEET_PREFIX", prefix.clone()),
                ("MONGODB_ATLAS_CLIENT_SECRET", WRONG_SECRET.into()),
            ],
        };
        children.extend((0..6).map(|_| spawn(&mock, &job)));
    }
    let outcomes = wait_all(children, Duration::from_secs(60));
    let ran = SystemTime::now().duration_since(start_at).unwrap();
    for o in &outcomes {
        assert!(
            !o.status.success() && o.stdout.contains("(401)") && !o.stdout.contains("429"),
            "worker {} should fail with Atlas's 401: {}",
            o.pid,
            o.stdout
        );
    }
    let requests = token_requests(&mock);
    let allowed = 1 + (ran.as_secs() / atlas_runtime::store::REFUSED_SHARED_FOR.as_secs()) as usize;
    assert!(
        requests <= allowed,
        "{requests} token requests from 24 processes in {ran:?} (at most {allowed})"
    );
    let store = RedisTokenStore::builder(url.as_str())
        .key_prefix(prefix.as_str())
        .open()
        .unwrap();
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(WRONG_SECRET);
    let failure = redis_get(&url, &store.failure_key(&key)).unwrap_or_default();
    assert!(
        !failure.contains("wrongwrong"),
        "the shared failure holds no secret: {failure}"
    );
}

/// `revoke_token` and `close` delete the fleet's token in Redis (and this process's
/// copy), so the next call fetches a new one rather than send the revoked one.
#[needs(redis)]
fn revoking_and_closing_remove_the_shared_token() {
    use std::sync::Arc;

    use atlas_endpoints::service_accounts::GetOrgServiceAccount;
    use atlas_runtime::{Client, Credentials};

    let (_server, url) = redis_for_test();
    let mock = MockAtlas::builder().start().expect("emulator");
    let store = Arc::new(
        RedisTokenStore::builder(url.as_str())
            .key_prefix(unique_prefix("revoke"))
            .open()
            .unwrap(),
    );
    let client = || {
        Client::builder()
            .base_url(mock.url())
            .credentials(Credentials::service_account(
                mock.client_id(),
                mock.client_secret(),
            ))
            .token_store(store.clone())
            .build()
            .unwrap()
    };
    let call = |c: &Client| {
        GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
            .send(c)
            .expect("the call succeeds");
    };
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    let first = client();
    call(&first);
    assert!(redis_get(&url, &store.token_key(&key)).is_some());
    first.revoke_token().unwrap();
    assert!(redis_get(&url, &store.token_key(&key)).is_none(), "revoked");
    assert_eq!(mock.live_token_count(mock.client_id()), 0);
    call(&first);
    assert_eq!(token_requests(&mock), 2, "a new token after revoking");
    assert!(redis_get(&url, &store.token_key(&key)).is_some());
    first.close();
    assert!(redis_get(&url, &store.token_key(&key)).is_none(), "closed");
    assert_eq!(mock.live_token_count(mock.client_id()), 0);
    let second = client();
    call(&second);
    assert_eq!(token_requests(&mock), 3, "not the revoked one");
}

/// A token planted in Redis with a CR LF in it and a ten-year TTL used to stop every
/// process of the fleet for as long (each call failed before it was sent, and nothing
/// discarded it); a clean one said to live ten years was sent until Atlas refused it.
/// Both are now checked as a token from the token endpoint is, discarded and replaced.
#[needs(redis)]
fn a_planted_unusable_token_is_discarded_and_replaced() {
    let (_server, url) = redis_for_test();
    let mock = MockAtlas::builder().start().expect("emulator");
    let prefix = unique_prefix("planted");
    planted_tokens_are_replaced(&mock, || {
        Arc::new(
            RedisTokenStore::builder(url.as_str())
                .key_prefix(prefix.as_str())
                .open()
                .unwrap(),
        )
    });
}

/// Stops (SIGSTOP) the Redis of `server` until dropped: connections stay open and the
/// kernel still accepts new ones, but nothing comes back.
struct Frozen(libc::pid_t);

impl Frozen {
    fn freeze(server: &RedisServer) -> Frozen {
        let pid = libc::pid_t::try_from(server.pid()).unwrap();
        // SAFETY: kill has no memory preconditions; the pid is our unreaped child.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGSTOP) }, 0);
        Frozen(pid)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        // SAFETY: as above.
        unsafe { libc::kill(self.0, libc::SIGCONT) };
    }
}

/// The README promises that a frozen Redis costs an operation at most `io_timeout`. It
/// cost twice that whenever a connection was made (the handshake's two replies were each
/// read with the whole timeout, then the command's): 2.05 s for a 1 s timeout. Now one
/// budget covers connecting, the handshake and every reply.
#[needs(redis)]
fn a_frozen_redis_costs_an_operation_at_most_its_io_timeout() {
    const IO: Duration = Duration::from_secs(1);
    // Timed tests are not benchmarks: room for a loaded machine, none for a second round.
    const MARGIN: Duration = Duration::from_millis(450);
    // Not beside a fleet of 32 processes on a 2-core machine.
    let _fleet = one_fleet_at_a_time();
    let server = RedisServer::start();
    let store = RedisTokenStore::builder(server.url.as_str())
        .key_prefix(unique_prefix("budget"))
        .io_timeout(IO)
        // Redis is tried by every operation, never skipped as "down".
        .retry_after(Duration::ZERO)
        .open()
        .unwrap();
    let key = TokenKey::new("http://127.0.0.1:9/api/oauth/token", "mdb_sa_id_budget");
    let now = SystemTime::now();
    let token = AccessToken::new("t", now, now + Duration::from_secs(600));
    store.save_for(&key, &token);
    assert!(store.load_for(&key).is_some(), "a pooled connection");
    let frozen = Frozen::freeze(&server);
    let timed = |what: &str, op: &dyn Fn()| {
        let start = Instant::now();
        op();
        let took = start.elapsed();
        assert!(
            took >= IO / 2 && took < IO + MARGIN,
            "{what} took {took:?} with a frozen Redis and an I/O timeout of {IO:?}"
        );
    };
    // A pooled connection: the command's reply never comes.
    timed("a read on a pooled connection", &|| {
        store.load_for(&key);
    });
    // The pool was emptied by the failure: connecting, then the command.
    timed("a read on a new connection", &|| {
        store.load_for(&key);
    });
    timed("a save on a new connection", &|| {
        store.save_for(&key, &token)
    });
    timed("a discard on a new connection", &|| {
        store.discard_for(&key, &token)
    });
    timed("a lease on a new connection", &|| {
        store.lease(&key, Duration::ZERO);
    });
    drop(frozen);
}

/// What a frozen Redis costs a call: a new process (no connection, no token yet) makes
/// its first call while Redis does not answer, against one without a store.
#[needs(redis)]
fn a_frozen_redis_costs_a_call_at_most_the_io_timeout() {
    const IO: Duration = Duration::from_millis(800);
    const MARGIN: Duration = Duration::from_millis(450);
    let _fleet = one_fleet_at_a_time();
    let server = RedisServer::start();
    let mock = MockAtlas::builder().start().expect("emulator");
    let first_call = |client: Client| {
        let start = Instant::now();
        call(&mock, &client);
        start.elapsed()
    };
    let without_store = first_call(
        Client::builder()
            .base_url(mock.url())
            .credentials(Credentials::service_account(
                mock.client_id(),
                mock.client_secret(),
            ))
            .build()
            .unwrap(),
    );
    let store = RedisTokenStore::builder(server.url.as_str())
        .key_prefix(unique_prefix("call"))
        .io_timeout(IO)
        .open()
        .unwrap();
    let frozen = Frozen::freeze(&server);
    let with_frozen_store = first_call(client_with(&mock, Arc::new(store)));
    drop(frozen);
    let lost = with_frozen_store.saturating_sub(without_store);
    assert!(
        lost < IO + MARGIN,
        "a frozen Redis cost the call {lost:?} ({with_frozen_store:?} against \
         {without_store:?} without a store); the I/O timeout is {IO:?}"
    );
}

/// A 100 MB value at the token key (anyone who can write to Redis can put one there) was
/// read whole by every process on every call: 100 MB from Redis and 243 MB of peak
/// memory each. Now at most a record's size is read; the value is not believed, and the
/// token fetched next replaces it.
#[needs(redis)]
fn a_huge_value_at_the_token_key_is_not_read_whole() {
    const HUGE: usize = 100 * 1024 * 1024;
    // A Redis of our own: its output counter must count this test's reads alone.
    let server = RedisServer::start();
    let mock = MockAtlas::builder().start().expect("emulator");
    let prefix = unique_prefix("huge");
    let store = RedisTokenStore::builder(server.url.as_str())
        .key_prefix(prefix.as_str())
        .open()
        .unwrap();
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    let token_key = store.token_key(&key);
    let mut redis = redis::Client::open(server.url.as_str())
        .unwrap()
        .get_connection()
        .unwrap();
    // Made by Redis itself (zero bytes up to the last): this test sends 100 MB neither way.
    redis::cmd("SETRANGE")
        .arg(&token_key)
        .arg(HUGE - 1)
        .arg("x")
        .exec(&mut redis)
        .unwrap();
    let sent_by_redis = |redis: &mut redis::Connection| -> u64 {
        let info: String = redis::cmd("INFO").arg("stats").query(redis).unwrap();
        info.lines()
            .find_map(|l| l.strip_prefix("total_net_output_bytes:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("INFO stats counts the bytes Redis sent")
    };
    let before = sent_by_redis(&mut redis);
    let client = client_with(&mock, Arc::new(store.clone()));
    call(&mock, &client);
    call(&mock, &client);
    let sent = sent_by_redis(&mut redis) - before;
    assert!(
        sent < 1024 * 1024,
        "Redis sent {sent} bytes for two calls: the {HUGE}-byte value was read whole"
    );
    assert_eq!(token_requests(&mock), 1);
    let len: usize = redis::cmd("STRLEN")
        .arg(&token_key)
        .query(&mut redis)
        .unwrap();
    assert!(len < 64 * 1024, "replaced by the new token: {len} bytes");
    assert!(store.load_for(&key).is_some());
}
