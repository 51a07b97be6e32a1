//! How a client uses a store's lease, through the scripted transport (no processes): a
//! busy lease is waited for at most `lease_wait`, a token another process saves meanwhile
//! is used, a store that cannot coordinate never fails the call, and the key names the
//! token endpoint.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use atlas_runtime::transport::{Body, ScriptedTransport, Step};
use atlas_runtime::{
    Client, Credentials, RetryPolicy, TokenStore, atlas_endpoint,
    store::{AccessToken, Lease, TokenKey},
};

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";
const CLIENT_SECRET: &str = "mdb_sa_sk_lease0123456789secret";

#[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05", response = serde_json::Value)]
struct GetOrg {
    org_id: String,
}

/// Token requests get a token, anything else `{}`.
fn atlas() -> Arc<ScriptedTransport> {
    Arc::new(ScriptedTransport::new([Step::with(|r| {
        let body = if r.uri().path() == "/api/oauth/token" {
            r#"{"access_token":"from-atlas","expires_in":3600,"token_type":"Bearer"}"#
        } else {
            "{}"
        };
        Ok(http::Response::builder()
            .status(200)
            .body(Body::from_bytes(body))
            .unwrap())
    })]))
}

fn token_requests(script: &ScriptedTransport) -> usize {
    script
        .requests()
        .iter()
        .filter(|r| r.uri().path() == "/api/oauth/token")
        .count()
}

fn client(script: &Arc<ScriptedTransport>, store: Arc<dyn TokenStore>) -> Client {
    Client::builder()
        .transport(script.clone())
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
        .retry(RetryPolicy::none())
        .token_store(store)
        .build()
        .unwrap()
}

/// A store whose lease another process always holds; after `saves_after` lease calls
/// that process saves a token (never, if `None`).
struct Contended {
    token: Mutex<Option<AccessToken>>,
    leases: AtomicUsize,
    saves_after: Option<usize>,
    wait: Duration,
    keys: Mutex<Vec<TokenKey>>,
}

impl Contended {
    fn new(saves_after: Option<usize>, wait: Duration) -> Self {
        Contended {
            token: Mutex::new(None),
            leases: AtomicUsize::new(0),
            saves_after,
            wait,
            keys: Mutex::new(Vec::new()),
        }
    }
}

impl TokenStore for Contended {
    fn load_for(&self, key: &TokenKey) -> Option<AccessToken> {
        self.keys.lock().unwrap().push(key.clone());
        self.token.lock().unwrap().clone()
    }
    fn save_for(&self, _: &TokenKey, token: &AccessToken) {
        *self.token.lock().unwrap() = Some(token.clone());
    }
    fn discard_for(&self, _: &TokenKey, _: &AccessToken) {
        *self.token.lock().unwrap() = None;
    }
    fn lease(&self, _: &TokenKey, wait: Duration) -> Lease {
        let n = self.leases.fetch_add(1, Ordering::SeqCst) + 1;
        std::thread::sleep(wait);
        if self.saves_after == Some(n) {
            let now = SystemTime::now();
            *self.token.lock().unwrap() = Some(AccessToken::new(
                "from-another-process",
                now,
                now + Duration::from_secs(3600),
            ));
        }
        Lease::Busy
    }
    fn lease_wait(&self) -> Duration {
        self.wait
    }
}

#[test]
fn a_token_saved_by_the_lease_holder_is_used_without_asking_atlas() {
    let script = atlas();
    let store = Arc::new(Contended::new(Some(3), Duration::from_secs(30)));
    let client = client(&script, store.clone());
    GetOrg::new(ORG).send(&client).unwrap();
    assert_eq!(
        token_requests(&script),
        0,
        "the other process's token was used"
    );
    let sent = script.requests();
    assert_eq!(
        sent[0].headers()["authorization"],
        "Bearer from-another-process"
    );
    // The store was asked for this endpoint's token, not only for the client id.
    let keys = store.keys.lock().unwrap();
    assert!(
        keys.iter().all(|k| k.client_id() == CLIENT_ID
            && k.token_url() == "https://cloud.mongodb.com/api/oauth/token"),
        "{keys:?}"
    );
}

#[test]
fn a_lease_that_never_frees_is_waited_for_at_most_lease_wait() {
    let script = atlas();
    let store = Arc::new(Contended::new(None, Duration::from_millis(300)));
    let client = client(&script, store.clone());
    let start = Instant::now();
    GetOrg::new(ORG).send(&client).unwrap();
    let took = start.elapsed();
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert_eq!(token_requests(&script), 1, "then it asked Atlas itself");
    assert!(
        store.leases.load(Ordering::SeqCst) >= 2,
        "and polled meanwhile"
    );
}

/// A store that cannot coordinate (Redis down) never fails the call.
struct Unreachable;

impl TokenStore for Unreachable {
    fn load_for(&self, _: &TokenKey) -> Option<AccessToken> {
        None
    }
    fn save_for(&self, _: &TokenKey, _: &AccessToken) {}
    fn discard_for(&self, _: &TokenKey, _: &AccessToken) {}
    fn lease(&self, _: &TokenKey, _: Duration) -> Lease {
        Lease::Unavailable
    }
    fn lease_wait(&self) -> Duration {
        Duration::from_secs(3600)
    }
}

#[test]
fn a_store_that_cannot_coordinate_fails_no_call() {
    let script = atlas();
    let client = client(&script, Arc::new(Unreachable));
    let start = Instant::now();
    GetOrg::new(ORG).send(&client).unwrap();
    GetOrg::new(ORG).send(&client).unwrap();
    assert!(start.elapsed() < Duration::from_secs(3), "no waiting");
    // It keeps nothing, but the client keeps its own token while the store cannot
    // coordinate: one token, not one per call.
    assert_eq!(token_requests(&script), 1);
}

/// A token endpoint that echoes the secret in its refusal: the refusal is shared through
/// the store without it (whoever can read the store must not learn the secret).
#[test]
fn a_shared_refusal_holds_no_secret_even_when_the_endpoint_echoes_it() {
    use atlas_runtime::store::FileTokenStore;

    let script = Arc::new(ScriptedTransport::new([Step::with(|_| {
        let body = format!(
            r#"{{"error":"invalid_client","error_description":"no such secret: {CLIENT_SECRET}"}}"#
        );
        Ok(http::Response::builder()
            .status(401)
            .body(Body::from_bytes(body))
            .unwrap())
    })]));
    let dir = std::env::temp_dir().join(format!(
        "atlas-fleet-echo-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let store = Arc::new(FileTokenStore::in_dir(&dir).unwrap());
    let client = client(&script, store.clone());
    let error = GetOrg::new(ORG).send(&client).unwrap_err();
    assert!(!error.to_string().contains(CLIENT_SECRET), "{error}");
    let key = TokenKey::atlas(CLIENT_ID).with_secret(CLIENT_SECRET);
    let failure = store.load_failure(&key).expect("the refusal is shared");
    assert!(failure.message().contains("invalid_client"), "{failure:?}");
    let written = std::fs::read_to_string(store.failure_path(&key)).unwrap();
    assert!(!written.contains(CLIENT_SECRET), "{written}");
    assert!(!written.contains("lease0123456789secret"), "{written}");
    std::fs::remove_dir_all(&dir).unwrap();
}
