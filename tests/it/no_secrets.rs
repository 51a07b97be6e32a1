//! No client secret, private key, access token or created secret ever appears in logs,
//! `Debug` or `Display`: a whole session is captured at trace level and searched as an
//! attacker reading the logs would, each thread's records as one text, ureq-proto's hex
//! dumps of the wire reassembled into bytes, every secret in its encoded forms too
//! (`atlas_test_support::leaks`).
//!
//! The logger is global and the tests share one binary: records of other tests' threads
//! are captured too while this runs (their secrets are not these), and the logger stops
//! recording and logging is turned off when this test ends, however it ends.

use std::sync::Mutex;
use std::thread::ThreadId;

use atlas_endpoints::service_accounts::CreateOrgServiceAccountSecret;
use atlas_runtime::{
    Client, ClientBuilder, Credentials, TokenStore,
    store::{AccessToken, MemoryTokenStore},
};
use atlas_test_support::leaks::{self, Needle};
use atlas_test_support::{Canned, Recorded, TestServer};

const CLIENT_SECRET: &str = "mdb_sa_sk_CLIENT-SECRET-d41d8cd98f00";
const PRIVATE_KEY: &str = "PRIVATE-KEY-7d793037-a076-4d09";
const ACCESS_TOKEN: &str = "ACCESS-TOKEN-eyJhbGciOiJSUzI1NiJ9";
const CREATED_SECRET: &str = "mdb_sa_sk_CREATED-SECRET-e3b0c44298fc";

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";

/// Every form of every secret this session holds.
fn needles() -> Vec<Needle> {
    let mut all = leaks::forms("client secret", CLIENT_SECRET);
    all.extend(leaks::basic("client secret", CLIENT_ID, CLIENT_SECRET));
    all.extend(leaks::forms("API private key", PRIVATE_KEY));
    all.extend(leaks::forms("access token", ACCESS_TOKEN));
    all.extend(leaks::forms("created secret", CREATED_SECRET));
    all
}

struct Capture {
    /// The one thread whose records are kept.
    thread: Mutex<Option<ThreadId>>,
    /// Each record as `LEVEL target` and the message, in order.
    lines: Mutex<Vec<(String, String)>>,
}

impl Capture {
    fn wanted(&self) -> bool {
        *self.thread.lock().unwrap() == Some(std::thread::current().id())
    }
}

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        self.wanted()
    }
    fn log(&self, record: &log::Record) {
        // Checked before formatting: other threads' records cost next to nothing.
        if !self.wanted() {
            return;
        }
        let head = format!("{} {}", record.level(), record.target());
        let message = record.args().to_string();
        self.lines.lock().unwrap().push((head, message));
    }
    fn flush(&self) {}
}

static LOGS: Capture = Capture {
    thread: Mutex::new(None),
    lines: Mutex::new(Vec::new()),
};

/// Records this thread at trace level until dropped; then logging is off again.
struct Recording;

impl Recording {
    fn start() -> Recording {
        log::set_logger(&LOGS).expect("no other test sets a logger");
        *LOGS.thread.lock().unwrap() = Some(std::thread::current().id());
        log::set_max_level(log::LevelFilter::Trace);
        Recording
    }

    /// The records so far, in the order they were logged.
    fn lines(&self) -> Vec<(String, String)> {
        LOGS.lines.lock().unwrap().clone()
    }
}

impl Drop for Recording {
    fn drop(&mut self) {
        log::set_max_level(log::LevelFilter::Off);
        *LOGS.thread.lock().unwrap() = None;
        LOGS.lines.lock().unwrap().clear();
    }
}

/// Up to 60 characters either side of `at`, for the failure message.
fn around(bytes: &[u8], at: usize, len: usize) -> String {
    let from = at.saturating_sub(60);
    let to = (at + len + 60).min(bytes.len());
    String::from_utf8_lossy(&bytes[from..to]).into_owned()
}

fn atlas() -> TestServer {
    TestServer::with_handler(|r: &Recorded| {
        let created = format!(
            r#"{{"id":"6f0d8a1b2c3d4e5f60718293","createdAt":"2024-08-05T10:00:00Z","expiresAt":"2024-08-05T18:00:00Z","maskedSecretValue":"mdb_sa_sk_...fc","secret":"{CREATED_SECRET}"}}"#
        );
        match (r.method.as_str(), r.path()) {
            (_, "/api/oauth/token") => Canned::json(
                200,
                &format!(r#"{{"access_token":"{ACCESS_TOKEN}","expires_in":3600,"token_type":"Bearer"}}"#),
            ),
            (_, "/api/oauth/revoke") => Canned::empty(200),
            _ if r.url.contains("decode-error") => Canned::json(201, &created.replace("2024-08-05T10:00:00Z", "not a date")),
            _ if r.header("authorization").is_some_and(|h| h.starts_with("Digest")) || r.header("authorization") == Some(&format!("Bearer {ACCESS_TOKEN}")) => {
                if r.path().ends_with("/secrets") {
                    Canned::json(201, &created)
                } else {
                    Canned::json(404, r#"{"error":404,"errorCode":"RESOURCE_NOT_FOUND","detail":"none","reason":"Not Found"}"#)
                }
            }
            _ => Canned::json(401, r#"{"error":401,"errorCode":"NOT_AUTHORIZED","reason":"Unauthorized"}"#)
                .header("WWW-Authenticate", r#"Digest realm="MMS Public API", domain="", nonce="n1", algorithm=MD5, qop="auth", stale=false"#),
        }
    })
}

#[test]
fn a_whole_session_leaks_nothing() {
    let recording = Recording::start();

    let server = atlas();
    let mut shown: Vec<String> = Vec::new();
    let mut show = |s: String| shown.push(s);

    // Service account: token fetch, a created secret, an API error, a decode error.
    let builder = Client::builder()
        .base_url(server.url())
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET));
    show(format!("{builder:?}"));
    let sa = builder.build().unwrap();
    show(format!("{sa:?}"));
    let created = CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 8)
        .send(&sa)
        .unwrap();
    assert_eq!(
        secrecy::ExposeSecret::expose_secret(created.secret.as_ref().unwrap()),
        CREATED_SECRET,
        "the secret is there for the caller"
    );
    show(format!("{created:?}"));
    #[atlas_runtime::atlas_endpoint(GET, "/orgs/{orgId}/decode-error/secrets", version = "2024-08-05",
        response = atlas_endpoints::service_accounts::ServiceAccountSecret)]
    struct DecodeError {
        org_id: String,
    }
    let err = DecodeError::new(ORG).send(&sa).unwrap_err();
    show(format!("{err:?}"));
    show(format!("{err}"));
    #[atlas_runtime::atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05")]
    struct GetOrg {
        org_id: String,
    }
    let err = GetOrg::new(ORG).send(&sa).unwrap_err();
    show(format!("{err:?} {err}"));
    sa.close();

    // API key: a Digest exchange.
    let key = Client::builder()
        .base_url(server.url())
        .credentials(Credentials::api_key("abcdefgh", PRIVATE_KEY))
        .build()
        .unwrap();
    show(format!("{key:?}"));
    let created = CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 8)
        .send(&key)
        .unwrap();
    show(format!("{created:?}"));

    // Credentials, tokens and stores on their own.
    for c in [
        Credentials::service_account(CLIENT_ID, CLIENT_SECRET),
        Credentials::api_key("abcdefgh", PRIVATE_KEY),
        Credentials::bearer(ACCESS_TOKEN),
    ] {
        show(format!("{c:?}"));
    }
    let token = AccessToken::new(
        ACCESS_TOKEN,
        std::time::SystemTime::now(),
        std::time::SystemTime::now(),
    );
    show(format!("{token:?}"));
    let store = MemoryTokenStore::default();
    store.save_for(&atlas_runtime::store::TokenKey::atlas(CLIENT_ID), &token);
    show(format!("{store:?}"));
    let bearer = Client::builder()
        .base_url(server.url())
        .credentials(Credentials::bearer(ACCESS_TOKEN))
        .build()
        .unwrap();
    show(format!("{bearer:?}"));
    let env = ClientBuilder::from_lookup(|name| match name {
        "MONGODB_ATLAS_CLIENT_ID" => Some(CLIENT_ID.to_string()),
        "MONGODB_ATLAS_CLIENT_SECRET" => Some(CLIENT_SECRET.to_string()),
        _ => None,
    })
    .unwrap();
    show(format!("{env:?}"));

    let lines = recording.lines();
    drop(recording);
    assert!(
        lines.iter().any(|(_, m)| m.contains("access token")),
        "the session was logged"
    );
    // The default transport (hyper) logs nothing of its own; the runtime's records show
    // that the capture sees every crate's (runtime/tests/no_wire_logs.rs holds the wire).
    assert!(
        lines
            .iter()
            .any(|(h, _)| h.starts_with("DEBUG atlas_runtime")),
        "the runtime's own logs were captured"
    );

    let needles = needles();
    let mut found = Vec::new();
    // The whole log as one text, so that nothing split between records escapes; the
    // bytes its hex dumps show; and every `Debug` and `Display` shown above.
    let text: String = lines.iter().map(|(h, m)| format!("{h} {m}\n")).collect();
    let wire = leaks::reassemble(lines.iter().map(|(_, m)| m.as_str()));
    let mut places = vec![("the log", text.into_bytes()), ("the hex dumps", wire)];
    places.extend(shown.into_iter().map(|s| ("Debug/Display", s.into_bytes())));
    for (what, bytes) in &places {
        for (needle, at) in needles
            .iter()
            .filter_map(|n| leaks::find(bytes, std::slice::from_ref(n)))
        {
            found.push(format!(
                "{} in {what}: …{}…",
                needle.label,
                around(bytes, at, needle.bytes.len())
            ));
        }
    }
    assert!(found.is_empty(), "secrets leaked:\n{}", found.join("\n"));
}
