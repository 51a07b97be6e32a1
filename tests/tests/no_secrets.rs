//! No client secret, private key, access token or created secret ever appears in logs,
//! `Debug` or `Display`: a whole session is captured at trace level and searched.

use std::sync::Mutex;

use atlas_endpoints::service_accounts::CreateOrgServiceAccountSecret;
use atlas_runtime::{
    AccessToken, Client, ClientBuilder, Credentials, MemoryTokenStore, TokenStore,
};
use atlas_tests::{Canned, Recorded, TestServer};

const CLIENT_SECRET: &str = "mdb_sa_sk_CLIENT-SECRET-d41d8cd98f00";
const PRIVATE_KEY: &str = "PRIVATE-KEY-7d793037-a076-4d09";
const ACCESS_TOKEN: &str = "ACCESS-TOKEN-eyJhbGciOiJSUzI1NiJ9";
const CREATED_SECRET: &str = "mdb_sa_sk_CREATED-SECRET-e3b0c44298fc";
const SECRETS: &[&str] = &[CLIENT_SECRET, PRIVATE_KEY, ACCESS_TOKEN, CREATED_SECRET];

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";

struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        self.0.lock().unwrap().push(format!(
            "{} {} {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }
    fn flush(&self) {}
}

static LOGS: Capture = Capture(Mutex::new(Vec::new()));

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
    log::set_logger(&LOGS).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

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
    store.save(CLIENT_ID, &token);
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

    let logs = LOGS.0.lock().unwrap().clone();
    assert!(
        logs.iter().any(|l| l.contains("access token")),
        "the session was logged: {logs:#?}"
    );
    // The default transport (hyper) logs nothing of its own; the runtime's records show
    // that the capture sees every crate's (runtime/tests/no_wire_logs.rs holds the wire).
    assert!(
        logs.iter().any(|l| l.starts_with("DEBUG atlas_runtime")),
        "the runtime's own logs were captured"
    );
    for text in logs.iter().chain(shown.iter()) {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} leaked in: {text}");
        }
    }
}
