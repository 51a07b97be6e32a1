//! A store that panics, hangs or fails cannot wedge a client: against the emulator, calls
//! through such a store succeed within bounded time, and fetch one token, not one per
//! call. Each test runs its calls on a thread of its own and fails (rather than hangs)
//! if they do not end in time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use atlas_endpoints::service_accounts::GetOrgServiceAccount;
use atlas_mock::MockAtlas;
use atlas_runtime::{
    Client, Credentials, RetryPolicy, TokenStore,
    store::{AccessToken, Lease, RedisTokenStore, TokenKey},
};

use super::support::token_requests;

/// What every method of a broken store does.
#[derive(Clone, Copy)]
enum Broken {
    /// Panics.
    Panics,
    /// Never returns.
    Hangs,
    /// Answers as a store whose backend fails: nothing held, no lease, saves lost.
    Fails,
    /// Holds a lease that never frees, and asks the client to wait an hour for it.
    BusyForAnHour,
}

struct BrokenStore {
    how: Broken,
    calls: AtomicUsize,
}

impl BrokenStore {
    fn new(how: Broken) -> Arc<Self> {
        Arc::new(BrokenStore {
            how,
            calls: AtomicUsize::new(0),
        })
    }

    fn misbehave(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
        match self.how {
            Broken::Panics => panic!("a token store that panics"),
            Broken::Hangs => loop {
                std::thread::park();
            },
            Broken::Fails | Broken::BusyForAnHour => {}
        }
    }
}

impl TokenStore for BrokenStore {
    fn load_for(&self, _: &TokenKey) -> Option<AccessToken> {
        self.misbehave();
        None
    }
    fn save_for(&self, _: &TokenKey, _: &AccessToken) {
        self.misbehave();
    }
    fn discard_for(&self, _: &TokenKey, _: &AccessToken) {
        self.misbehave();
    }
    fn lease(&self, _: &TokenKey, wait: Duration) -> Lease {
        self.misbehave();
        match self.how {
            Broken::BusyForAnHour => {
                std::thread::sleep(wait);
                Lease::Busy
            }
            _ => Lease::Unavailable,
        }
    }
    fn lease_wait(&self) -> Duration {
        match self.how {
            Broken::BusyForAnHour => Duration::from_secs(3600),
            _ => Duration::from_secs(20),
        }
    }
}

/// Makes `calls` calls through `store` with a client whose calls time out after
/// `timeout`, on a thread of their own; panics if they have not all ended in `limit`.
/// Returns how long they took.
fn calls_through(
    mock: &MockAtlas,
    store: Arc<dyn TokenStore>,
    timeout: Duration,
    calls: usize,
    limit: Duration,
) -> Duration {
    let client = Client::builder()
        .base_url(mock.url())
        .credentials(Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .token_store(store)
        .timeout(timeout)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let (org, id) = (mock.org_id().to_string(), mock.client_id().to_string());
    let (done, finished) = mpsc::channel();
    let start = Instant::now();
    std::thread::spawn(move || {
        let outcome: Result<(), String> = (0..calls).try_for_each(|i| {
            GetOrgServiceAccount::new(org.as_str(), id.as_str())
                .send(&client)
                .map(drop)
                .map_err(|e| format!("call {i}: {e}"))
        });
        let _ = done.send(outcome);
    });
    match finished.recv_timeout(limit) {
        Ok(Ok(())) => start.elapsed(),
        Ok(Err(e)) => panic!("a call failed: {e}"),
        Err(_) => panic!("the calls did not end within {limit:?}: the store wedged the client"),
    }
}

#[test]
fn a_store_that_panics_fails_no_call_and_costs_one_token() {
    let mock = MockAtlas::builder().start().expect("emulator");
    let store = BrokenStore::new(Broken::Panics);
    calls_through(
        &mock,
        store.clone(),
        Duration::from_secs(10),
        10,
        Duration::from_secs(20),
    );
    assert!(
        store.calls.load(Ordering::SeqCst) >= 1,
        "the store was asked"
    );
    assert_eq!(
        token_requests(&mock),
        1,
        "the client kept its own token while the store was broken"
    );
}

#[test]
fn a_store_that_hangs_costs_one_call_half_its_time_and_later_calls_nothing() {
    let mock = MockAtlas::builder().start().expect("emulator");
    let store = BrokenStore::new(Broken::Hangs);
    // 2 s per call: the store gets at most half of it, once; it is not asked again
    // while that call hangs.
    let took = calls_through(
        &mock,
        store.clone(),
        Duration::from_secs(2),
        10,
        Duration::from_secs(20),
    );
    assert!(took < Duration::from_secs(4), "{took:?}");
    assert_eq!(store.calls.load(Ordering::SeqCst), 1, "asked once");
    assert_eq!(token_requests(&mock), 1);
}

#[test]
fn a_store_whose_backend_fails_costs_one_token_per_lifetime() {
    let mock = MockAtlas::builder().start().expect("emulator");
    let store = BrokenStore::new(Broken::Fails);
    calls_through(
        &mock,
        store.clone(),
        Duration::from_secs(10),
        12,
        Duration::from_secs(20),
    );
    // 12 calls: one token per call would have met Atlas's 10 a minute.
    assert_eq!(token_requests(&mock), 1);
}

/// A Redis nobody listens on: the real store's own failure path, under the client's.
#[test]
fn an_unreachable_redis_fails_no_call() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let store = RedisTokenStore::builder(format!("redis://127.0.0.1:{port}/0"))
        .open()
        .unwrap();
    let mock = MockAtlas::builder().start().expect("emulator");
    calls_through(
        &mock,
        Arc::new(store),
        Duration::from_secs(10),
        12,
        Duration::from_secs(20),
    );
    assert_eq!(token_requests(&mock), 1);
}

/// The lease wait is bounded by the call's time, whatever the store asks for: a lease
/// held "for an hour" costs a 2 s call at most half of it.
#[test]
fn a_lease_wait_longer_than_the_call_is_cut_to_half_its_time() {
    let mock = MockAtlas::builder().start().expect("emulator");
    let store = BrokenStore::new(Broken::BusyForAnHour);
    let took = calls_through(
        &mock,
        store,
        Duration::from_secs(2),
        1,
        Duration::from_secs(20),
    );
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(2),
        "{took:?}"
    );
    assert_eq!(token_requests(&mock), 1, "then it asked Atlas itself");
}
