//! Our client against real third-party servers on 127.0.0.1: Apache httpd's
//! mod_auth_digest for API keys, and oauth2-mock-server for service accounts.
//! Without the peers installed these tests say so and pass; with `CI=true` they fail.
//! (mod_auth_digest offers only MD5; SHA-256 is proven in `digest.rs`.)

use atlas_test_needs::needs;
use std::sync::{Arc, Barrier};
use std::time::Duration;

use atlas_runtime::{Client, Credentials, RetryPolicy, atlas_endpoint};
use atlas_test_support::peers::{ApacheDigest, DigestOptions, OAuthMock, OAuthOptions};
use atlas_test_support::{Canned, Recorded, TestServer};

/// Any path below /api/atlas/v2: Apache's echo CGI answers it.
#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts", version = "2024-08-05",
    response = serde_json::Value)]
struct ListAccounts {
    org_id: String,
    #[atlas(query)]
    page_num: Option<i32>,
}

#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets", version = "2024-08-05",
    response = serde_json::Value)]
struct CreateSecret {
    org_id: String,
    client_id: String,
    secret_expires_after_hours: i32,
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const USER: &str = "atlas-public-key";
const KEY: &str = "3f9c2a71-5b0e-4d8a-9c6f-1e2d3c4b5a69";

fn digest_client(apache: &ApacheDigest, password: &str) -> Client {
    Client::builder()
        .base_url(apache.url())
        .credentials(Credentials::api_key(USER, password))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[needs(apache)]
fn apache_digest_md5_one_round_trip_per_call() {
    let apache = ApacheDigest::start(DigestOptions::new(USER, KEY));
    let client = digest_client(&apache, KEY);
    for i in 0..100 {
        let echo = ListAccounts::new(ORG)
            .page_num(i + 1)
            .send(&client)
            .unwrap();
        assert_eq!(echo["method"], "GET");
        assert_eq!(echo["user"], USER);
        assert_eq!(echo["query"], format!("pageNum={}", i + 1));
    }
    let log = apache.wait_for_lines(101);
    assert_eq!(log.len(), 101, "{log:#?}");
    let challenges = log.iter().filter(|l| l.status == 401).count();
    assert_eq!(challenges, 1, "only the first contact is challenged");
    assert_eq!(log[0].status, 401);
    assert!(log[1..].iter().all(|l| l.status == 200));
}

#[needs(apache)]
fn apache_digest_resends_the_body_intact() {
    let apache = ApacheDigest::start(DigestOptions::new(USER, KEY));
    let client = digest_client(&apache, KEY);
    let echo = CreateSecret::new(ORG, SA, 8).send(&client).unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["body"], r#"{"secretExpiresAfterHours":8}"#);
    assert_eq!(echo["contentType"], "application/vnd.atlas.2024-08-05+json");
    let log = apache.wait_for_lines(2);
    assert_eq!(log.iter().map(|l| l.status).collect::<Vec<_>>(), [401, 200]);
}

#[needs(apache)]
fn apache_digest_stale_nonce_recovers() {
    let apache = ApacheDigest::start(DigestOptions {
        nonce_lifetime_secs: 1,
        ..DigestOptions::new(USER, KEY)
    });
    let client = digest_client(&apache, KEY);
    ListAccounts::new(ORG).send(&client).unwrap();
    ListAccounts::new(ORG).send(&client).unwrap();
    std::thread::sleep(Duration::from_millis(1300));
    ListAccounts::new(ORG).send(&client).unwrap();
    let statuses: Vec<u16> = apache.wait_for_lines(5).iter().map(|l| l.status).collect();
    assert_eq!(
        statuses,
        [401, 200, 200, 401, 200],
        "one resend after the nonce went stale"
    );
}

#[needs(apache)]
fn apache_digest_refuses_a_wrong_key_after_one_resend() {
    let apache = ApacheDigest::start(DigestOptions::new(USER, KEY));
    let err = ListAccounts::new(ORG)
        .send(&digest_client(&apache, "wrong-key"))
        .unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(apache.wait_for_lines(2).len(), 2);
}

#[needs(apache)]
fn apache_digest_with_nonce_count_checks() {
    let apache = ApacheDigest::start(DigestOptions {
        nc_check: true,
        ..DigestOptions::new(USER, KEY)
    });
    let client = digest_client(&apache, KEY);
    for _ in 0..10 {
        ListAccounts::new(ORG).send(&client).unwrap();
    }
    assert_eq!(apache.wait_for_lines(11).len(), 11);
}

/// An API that accepts any bearer token the mock issued (a JWT) and echoes it.
fn api() -> TestServer {
    TestServer::with_handler(|r: &Recorded| match r.header("authorization") {
        Some(h) if h.starts_with("Bearer ") && h.matches('.').count() == 2 => {
            Canned::json(200, &format!(r#"{{"token":"{}"}}"#, &h[7..]))
        }
        _ => Canned::json(
            401,
            r#"{"error":401,"errorCode":"NOT_AUTHORIZED","reason":"Unauthorized"}"#,
        ),
    })
}

fn oauth_client(mock: &OAuthMock, api: &TestServer) -> Client {
    Client::builder()
        .base_url(api.url())
        .token_url(mock.token_url())
        .revoke_url(mock.revoke_url().unwrap())
        .credentials(Credentials::service_account(SA, "mdb_sa_sk_peer-secret"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[needs(oauth_mock)]
fn oauth2_mock_server_token_call_refresh_revoke() {
    let mock = OAuthMock::start_with(OAuthOptions {
        token_lifetime_secs: 2,
        client: Some((SA.to_string(), "mdb_sa_sk_peer-secret".to_string())),
    });
    let api = api();
    let client = oauth_client(&mock, &api);
    let first = ListAccounts::new(ORG).send(&client).unwrap()["token"].clone();
    let again = ListAccounts::new(ORG).send(&client).unwrap()["token"].clone();
    assert_eq!(first, again, "the token is cached");
    assert_eq!(mock.token_requests(), 1);
    let log = mock.token_request_log();
    assert_eq!(log[0].grant_type.as_deref(), Some("client_credentials"));
    assert_eq!(log[0].client_id.as_deref(), Some(SA));
    assert_eq!(log[0].auth, "basic");
    assert_eq!(log[0].secret_matches, Some(true));
    assert!(
        log[0]
            .user_agent
            .as_deref()
            .unwrap_or("")
            .starts_with("atlas-rust/")
    );

    // Refreshed before expiry (a 2 s token, margin capped at half its life).
    std::thread::sleep(Duration::from_millis(1100));
    let refreshed = ListAccounts::new(ORG).send(&client).unwrap()["token"].clone();
    assert_ne!(refreshed, first);
    assert_eq!(mock.token_requests(), 2);

    client.close();
    assert_eq!(mock.revoke_requests(), 1);
}

#[needs(oauth_mock)]
fn oauth2_mock_server_32_threads_through_one_expiry_one_token_request() {
    let mock = OAuthMock::start(2);
    let api = api();
    let client = oauth_client(&mock, &api);
    ListAccounts::new(ORG).send(&client).unwrap();
    assert_eq!(mock.token_requests(), 1);
    // Past the refresh point: every thread now needs a new token at once.
    std::thread::sleep(Duration::from_millis(1100));
    let barrier = Arc::new(Barrier::new(32));
    let threads: Vec<_> = (0..32)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                for _ in 0..5 {
                    ListAccounts::new(ORG).send(&client).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(mock.token_requests(), 2, "one token request per expiry");
}

#[needs(oauth_mock)]
fn oauth2_mock_server_refuses_wrong_credentials() {
    let mock = OAuthMock::start_with(OAuthOptions {
        token_lifetime_secs: 60,
        client: Some((SA.to_string(), "the-right-one".to_string())),
    });
    let api = api();
    let err = ListAccounts::new(ORG)
        .send(&oauth_client(&mock, &api))
        .unwrap_err();
    let atlas_runtime::Error::Auth(auth) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(auth.kind, atlas_runtime::error::AuthErrorKind::Refused);
    assert_eq!(mock.token_requests(), 1);
    assert!(api.requests().is_empty(), "no API call without a token");
}
