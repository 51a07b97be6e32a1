//! Service-account authentication against a loopback token endpoint whose every request
//! is counted: request shape, caching, refresh, single flight, 401 recovery, 429, revoke.
//! (The same flows run against the third-party oauth2-mock-server in `peers_auth.rs`.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::Duration;

use atlas_runtime::{
    Client, Credentials, Error, TokenStore, atlas_endpoint, error::AuthErrorKind,
    store::MemoryTokenStore,
};
use atlas_test_support::{Canned, Recorded, TestServer};

const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";
const CLIENT_SECRET: &str = "mdb_sa_sk_super:secret/value";

#[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05", response = serde_json::Value)]
struct GetOrg {
    org_id: String,
}

fn call() -> GetOrg {
    GetOrg::new("32b6e34b3d91647abb20e7b8")
}

/// A token endpoint and an API that accepts only the live tokens it issued.
struct Atlas {
    server: TestServer,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    issued: usize,
    live: Vec<String>,
    token_requests: usize,
    revoked: Vec<String>,
}

#[derive(Clone)]
struct Behaviour {
    expires_in: u64,
    token_delay: Duration,
    token_type: &'static str,
    content_type: &'static str,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            expires_in: 3600,
            token_delay: Duration::ZERO,
            token_type: "Bearer",
            content_type: "application/json",
        }
    }
}

impl Atlas {
    fn start(behaviour: Behaviour) -> Atlas {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let server = TestServer::with_handler(move |r: &Recorded| {
            let mut st = shared.lock().unwrap();
            match r.path() {
                "/api/oauth/token" => {
                    st.token_requests += 1;
                    std::thread::sleep(behaviour.token_delay);
                    st.issued += 1;
                    let token = format!("tok-{}", st.issued);
                    st.live.push(token.clone());
                    Canned::with_type(
                        200,
                        behaviour.content_type,
                        &format!(
                            r#"{{"access_token":"{token}","expires_in":{},"token_type":"{}"}}"#,
                            behaviour.expires_in, behaviour.token_type
                        ),
                    )
                }
                "/api/oauth/revoke" => {
                    let body = String::from_utf8_lossy(&r.body).to_string();
                    let token = body
                        .split('&')
                        .find_map(|kv| kv.strip_prefix("token="))
                        .unwrap_or("")
                        .to_string();
                    st.live.retain(|t| *t != token);
                    st.revoked.push(token);
                    Canned::empty(200)
                }
                _ => {
                    let bearer = r
                        .header("authorization")
                        .and_then(|h| h.strip_prefix("Bearer "))
                        .unwrap_or("");
                    if st.live.iter().any(|t| t == bearer) {
                        Canned::json(200, &format!(r#"{{"token":"{bearer}"}}"#))
                    } else {
                        Canned::json(
                            401,
                            r#"{"error":401,"errorCode":"NOT_AUTHORIZED","detail":"Invalid token","reason":"Unauthorized"}"#,
                        )
                    }
                }
            }
        });
        Atlas { server, state }
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(self.server.url())
            .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
            .build()
            .unwrap()
    }

    fn token_requests(&self) -> usize {
        self.state.lock().unwrap().token_requests
    }

    fn revoke_all_live(&self) {
        self.state.lock().unwrap().live.clear();
    }
}

#[test]
fn the_token_request_is_what_atlas_expects() {
    let atlas = Atlas::start(Behaviour::default());
    call().send(&atlas.client()).unwrap();
    let requests = atlas.server.requests();
    let token = &requests[0];
    assert_eq!(token.method, "POST");
    assert_eq!(token.url, "/api/oauth/token");
    // Basic auth from the raw values: the secret's ':' and '/' are not form-encoded.
    use base64::Engine;
    let expected =
        base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    assert_eq!(
        token.header("authorization"),
        Some(format!("Basic {expected}").as_str())
    );
    assert_eq!(
        token.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(token.header("accept"), Some("application/json"));
    assert!(
        token
            .header("user-agent")
            .unwrap()
            .starts_with("atlas-rust/")
    );
    assert_eq!(token.body, b"grant_type=client_credentials");
    assert_eq!(requests[1].header("authorization"), Some("Bearer tok-1"));
}

#[test]
fn a_token_is_cached_until_close_to_expiry_then_refreshed() {
    let atlas = Atlas::start(Behaviour {
        expires_in: 2,
        ..Behaviour::default()
    });
    let client = atlas.client();
    for _ in 0..5 {
        call().send(&client).unwrap();
    }
    assert_eq!(atlas.token_requests(), 1, "one token serves many calls");
    // A 2 s token is refreshed 1 s before expiry (the margin is capped at half its life).
    std::thread::sleep(Duration::from_millis(1100));
    let answer = call().send(&client).unwrap();
    assert_eq!(answer["token"], "tok-2");
    assert_eq!(atlas.token_requests(), 2);
}

#[test]
fn a_vendor_json_content_type_is_accepted() {
    let atlas = Atlas::start(Behaviour {
        content_type: "application/vnd.atlas.2023-01-01+json;charset=utf-8",
        ..Behaviour::default()
    });
    call().send(&atlas.client()).unwrap();
}

#[test]
fn a_non_bearer_token_is_refused_clearly() {
    let atlas = Atlas::start(Behaviour {
        token_type: "mac",
        ..Behaviour::default()
    });
    let err = call().send(&atlas.client()).unwrap_err();
    let Error::Auth(auth) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(auth.kind, AuthErrorKind::UnsupportedTokenType);
    assert!(
        err.to_string().contains("only Bearer tokens are supported"),
        "{err}"
    );
}

#[test]
fn a_401_with_a_cached_token_fetches_one_new_token_and_retries_once() {
    let atlas = Atlas::start(Behaviour::default());
    let client = atlas.client();
    call().send(&client).unwrap();
    atlas.revoke_all_live(); // Atlas forgets the token (expired early, revoked elsewhere)
    let answer = call().send(&client).unwrap();
    assert_eq!(answer["token"], "tok-2");
    assert_eq!(atlas.token_requests(), 2);
}

#[test]
fn a_second_401_says_the_credentials_were_refused() {
    let server = TestServer::with_handler(|r: &Recorded| match r.path() {
        "/api/oauth/token" => Canned::json(
            200,
            r#"{"access_token":"t","expires_in":3600,"token_type":"bearer"}"#,
        ),
        _ => Canned::json(
            401,
            r#"{"error":401,"errorCode":"NOT_ORG_GROUP_CREATOR","detail":"no","reason":"Unauthorized"}"#,
        ),
    });
    let client = Client::builder()
        .base_url(server.url())
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
        .build()
        .unwrap();
    let err = call().send(&client).unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(
        err.to_string().contains("credentials were refused"),
        "{err}"
    );
    let paths: Vec<String> = server
        .requests()
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            "/api/oauth/token",
            "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8",
            "/api/oauth/token",
            "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8"
        ],
        "one new token, one retry, no loop"
    );
}

#[test]
fn many_threads_needing_a_token_cause_exactly_one_token_request() {
    let atlas = Atlas::start(Behaviour {
        token_delay: Duration::from_millis(200),
        ..Behaviour::default()
    });
    let client = atlas.client();
    let barrier = Arc::new(Barrier::new(32));
    let threads: Vec<_> = (0..32)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                call().send(&client).map(|v| v["token"].clone())
            })
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap().unwrap(), "tok-1");
    }
    assert_eq!(atlas.token_requests(), 1);
}

#[test]
fn a_429_from_the_token_endpoint_is_typed_and_never_looped_on() {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    let server = TestServer::with_handler(move |r: &Recorded| {
        if r.path() == "/api/oauth/token" {
            seen.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(150));
            Canned::json(
                429,
                r#"{"error":"rate_limited","error_description":"too many token requests"}"#,
            )
            .header("Retry-After", "42")
        } else {
            Canned::json(200, "{}")
        }
    });
    let client = Client::builder()
        .base_url(server.url())
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
        .build()
        .unwrap();
    let barrier = Arc::new(Barrier::new(8));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                call().send(&client).unwrap_err()
            })
        })
        .collect();
    for t in threads {
        let err = t.join().unwrap();
        let Error::Auth(auth) = &err else {
            panic!("{err:?}")
        };
        assert_eq!(auth.kind, AuthErrorKind::RateLimited);
        assert_eq!(err.retry_after(), Some(Duration::from_secs(42)));
        assert_eq!(err.status(), Some(429));
        assert!(err.to_string().contains("too many token requests"), "{err}");
    }
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "waiting threads share the failed request's outcome"
    );
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.path() == "/api/oauth/token")
    );
}

#[test]
fn refused_credentials_name_the_problem() {
    let server = TestServer::with_handler(|_: &Recorded| {
        Canned::json(
            401,
            r#"{"error":"invalid_client","error_description":"Invalid client credentials"}"#,
        )
    });
    let client = Client::builder()
        .base_url(server.url())
        .credentials(Credentials::service_account(CLIENT_ID, "wrong"))
        .build()
        .unwrap();
    let err = call().send(&client).unwrap_err();
    let Error::Auth(auth) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(auth.kind, AuthErrorKind::Refused);
    assert!(
        err.to_string()
            .contains("invalid_client: Invalid client credentials"),
        "{err}"
    );
}

#[test]
fn revoke_and_close_revoke_the_held_token() {
    let atlas = Atlas::start(Behaviour::default());
    let client = atlas.client();
    call().send(&client).unwrap();
    client.revoke_token().unwrap();
    let revoke = atlas
        .server
        .requests()
        .into_iter()
        .find(|r| r.path() == "/api/oauth/revoke")
        .unwrap();
    assert_eq!(revoke.body, b"token=tok-1&token_type_hint=access_token");
    assert!(
        revoke
            .header("authorization")
            .unwrap()
            .starts_with("Basic ")
    );
    assert!(
        revoke
            .header("user-agent")
            .unwrap()
            .starts_with("atlas-rust/")
    );
    assert_eq!(atlas.state.lock().unwrap().revoked, ["tok-1"]);

    // The next call fetches a new token; close() revokes that one too.
    assert_eq!(call().send(&client).unwrap()["token"], "tok-2");
    client.close();
    assert_eq!(atlas.state.lock().unwrap().revoked, ["tok-1", "tok-2"]);
}

#[test]
fn a_shared_token_store_shares_one_token_between_clients() {
    let atlas = Atlas::start(Behaviour::default());
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::default());
    let make = || {
        Client::builder()
            .base_url(atlas.server.url())
            .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
            .token_store(store.clone())
            .build()
            .unwrap()
    };
    let (a, b) = (make(), make());
    call().send(&a).unwrap();
    call().send(&b).unwrap();
    assert_eq!(atlas.token_requests(), 1);
    let key = atlas_runtime::store::TokenKey::new(
        format!("{}/api/oauth/token", atlas.server.url()),
        CLIENT_ID,
    )
    .with_secret(CLIENT_SECRET);
    assert!(store.load_for(&key).is_some());
}

#[test]
fn the_token_url_can_be_set_on_its_own() {
    let tokens = Atlas::start(Behaviour::default());
    let api = TestServer::with_handler(|r: &Recorded| {
        Canned::json(
            200,
            &format!(
                r#"{{"auth":"{}"}}"#,
                r.header("authorization").unwrap_or("")
            ),
        )
    });
    let client = Client::builder()
        .base_url(api.url())
        .token_url(format!("{}/api/oauth/token", tokens.server.url()))
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
        .build()
        .unwrap();
    assert_eq!(call().send(&client).unwrap()["auth"], "Bearer tok-1");
    assert_eq!(tokens.token_requests(), 1);
}
