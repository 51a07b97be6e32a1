//! 32 threads × 200 calls on one `Client` through token expiries, against the emulator:
//! every call succeeds, one token request per expiry, no lost response, and no deadlock:
//! the test waits for the workers with a bound and fails when they are not all done
//! within it (a stuck worker is left behind; the test binary still ends).

use std::sync::mpsc;
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use atlas_endpoints::service_accounts::GetOrgServiceAccount;
use atlas_mock::MockAtlas;
use atlas_runtime::{
    Client, Credentials, TokenStore,
    store::{AccessToken, MemoryTokenStore, TokenKey},
};

/// The default store, noting when each new token arrived.
#[derive(Default)]
struct Recording {
    inner: MemoryTokenStore,
    saved: Mutex<Vec<Instant>>,
}

impl TokenStore for Recording {
    fn load_for(&self, key: &TokenKey) -> Option<AccessToken> {
        self.inner.load_for(key)
    }
    fn save_for(&self, key: &TokenKey, token: &AccessToken) {
        self.saved.lock().unwrap().push(Instant::now());
        self.inner.save_for(key, token)
    }
    fn discard_for(&self, key: &TokenKey, token: &AccessToken) {
        self.inner.discard_for(key, token)
    }
}

const THREADS: usize = 32;
const CALLS: usize = 200;
const LIFETIME: Duration = Duration::from_secs(1);
/// How long all workers together may take (a few seconds on 2 loaded CPUs).
const NO_DEADLOCK_WITHIN: Duration = Duration::from_secs(120);

/// Tells the watchdog a worker ended, when dropped: on return and on panic alike.
struct Finished(mpsc::Sender<usize>, usize);

impl Drop for Finished {
    fn drop(&mut self) {
        let _ = self.0.send(self.1);
    }
}

#[test]
fn thirty_two_threads_through_token_expiries() {
    let mock = MockAtlas::builder()
        .token_lifetime(LIFETIME)
        .token_endpoint_limit(None)
        .start()
        .expect("emulator");
    let store = Arc::new(Recording::default());
    let client = Client::builder()
        .base_url(mock.url())
        .credentials(Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .token_store(store.clone())
        .build()
        .unwrap();
    let org = mock.org_id().to_string();
    let me = mock.client_id().to_string();

    let barrier = Arc::new(Barrier::new(THREADS));
    let (finished_tx, finished) = mpsc::channel();
    let started = Instant::now();
    let threads: Vec<_> = (0..THREADS)
        .map(|t| {
            let (client, barrier, org, me) =
                (client.clone(), barrier.clone(), org.clone(), me.clone());
            let finished = Finished(finished_tx.clone(), t);
            std::thread::spawn(move || {
                let _finished = finished;
                barrier.wait();
                let mut ok = 0;
                for i in 0..CALLS {
                    let account = GetOrgServiceAccount::new(org.as_str(), me.as_str())
                        .send(&client)
                        .unwrap_or_else(|e| panic!("thread {t} call {i}: {e}"));
                    assert_eq!(
                        account.client_id.as_ref().map(|id| id.as_str()),
                        Some(me.as_str()),
                        "no crossed answers"
                    );
                    ok += 1;
                    // Spread the calls over a few token lifetimes.
                    std::thread::sleep(Duration::from_millis(8));
                }
                ok
            })
        })
        .collect();
    drop(finished_tx);
    wait_for_all(&finished, started + NO_DEADLOCK_WITHIN);
    let mut done = 0;
    for t in threads {
        done += t.join().expect("no thread panicked");
    }
    assert_eq!(done, THREADS * CALLS, "every call answered");

    let elapsed = started.elapsed();
    let saved = store.saved.lock().unwrap().clone();
    let token_requests = mock
        .requests()
        .iter()
        .filter(|r| r.path == "/api/oauth/token")
        .count();
    assert_eq!(
        token_requests,
        saved.len(),
        "every token request produced one stored token"
    );
    assert!(
        saved.len() >= 2,
        "the run crossed at least one expiry ({elapsed:?})"
    );
    // A 1 s token is replaced half a second before it expires: one request per expiry
    // means consecutive token requests are about half a lifetime apart, never bunched
    // (a broken single flight sends them milliseconds apart). The times are taken when
    // each token arrives, so one slow answer on a loaded machine shortens the next gap:
    // a quarter of a lifetime tells the two apart (the old bound, 400 ms, failed at
    // 361 ms with a load average of 15 on 2 CPUs while other tests of the binary ran).
    for pair in saved.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(
            gap >= LIFETIME / 4,
            "two token requests {gap:?} apart: more than one per expiry ({saved:?})"
        );
    }
    let most = (elapsed.as_secs_f64() / (LIFETIME.as_secs_f64() / 2.0)).ceil() as usize + 1;
    assert!(
        saved.len() <= most,
        "{} token requests in {elapsed:?}",
        saved.len()
    );
    println!(
        "{} calls from {THREADS} threads in {elapsed:?}: {} token requests",
        THREADS * CALLS,
        saved.len()
    );
}

/// The watchdog: returns once every worker reported its end, and fails the test, naming
/// the workers still running, if that has not happened by `deadline`.
fn wait_for_all(finished: &mpsc::Receiver<usize>, deadline: Instant) {
    let mut running: Vec<usize> = (0..THREADS).collect();
    while !running.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        match finished.recv_timeout(left) {
            Ok(t) => running.retain(|&r| r != t),
            Err(_) => panic!(
                "deadlock: {} of {THREADS} workers not done within {NO_DEADLOCK_WITHIN:?} \
                 (threads {running:?})",
                running.len()
            ),
        }
    }
}

#[test]
fn the_watchdog_fails_when_a_worker_never_ends() {
    let (tx, rx) = mpsc::channel();
    // Every worker but one reports; the last one holds its sender and never ends.
    for t in 1..THREADS {
        drop(Finished(tx.clone(), t));
    }
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(|| {
        wait_for_all(&rx, Instant::now() + Duration::from_millis(200));
    });
    let message = outcome.expect_err("a stuck worker must fail the test");
    let message = message
        .downcast_ref::<String>()
        .cloned()
        .unwrap_or_default();
    assert!(message.contains("1 of 32 workers not done"), "{message}");
    assert!(message.contains("[0]"), "{message}");
    // It gave up at the deadline it was given, not at NO_DEADLOCK_WITHIN (the margin is
    // for the backtrace a panic prints on a loaded machine).
    assert!(
        started.elapsed() < NO_DEADLOCK_WITHIN / 2,
        "{:?}",
        started.elapsed()
    );
    drop(tx);
}
