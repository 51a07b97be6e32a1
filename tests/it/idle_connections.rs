//! Connections a server closed while the client was idle: the next call, whatever its
//! method, goes out on a new connection and succeeds, and nothing reaches the server
//! twice. Against Apache httpd closing idle connections after `KeepAliveTimeout 1`, and
//! against atlas-mock when its connection table gives the client's idle connection to a
//! newcomer, or its own keep-alive timeout closes it while a service-account token
//! expires.
//!
//! Nothing reads a pooled connection between calls, so the server's close stays unseen
//! until the next call; the pool asks the socket before reuse (RELIABILITY.md, "Idle
//! connections").

use atlas_test_needs::needs;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use atlas_endpoints::service_accounts::{CreateOrgServiceAccountSecret, GetOrgServiceAccount};
use atlas_mock::MockAtlas;
use atlas_runtime::{Client, Credentials, RetryPolicy, atlas_endpoint};
use atlas_test_support::peers::{ApacheDigest, DigestOptions};

/// Apache's echo CGI answers any path below /api/atlas/v2.
#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets", version = "2024-08-05",
    response = serde_json::Value)]
struct CreateSecret {
    org_id: String,
    client_id: String,
    secret_expires_after_hours: i32,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts", version = "2024-08-05",
    response = serde_json::Value)]
struct ListAccounts {
    org_id: String,
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const USER: &str = "atlas-public-key";
const KEY: &str = "3f9c2a71-5b0e-4d8a-9c6f-1e2d3c4b5a69";

/// Retries off: a call that succeeds did so on its one attempt, so the pool alone must
/// have kept the request off the closed connection.
fn no_retries() -> RetryPolicy {
    RetryPolicy::none()
}

#[needs(apache)]
fn fifty_posts_each_after_apache_closed_the_idle_connection_all_succeed_once() {
    const CLIENTS: usize = 5;
    const POSTS: usize = 10;
    let apache = ApacheDigest::start(DigestOptions {
        keep_alive_timeout_secs: 1,
        ..DigestOptions::new(USER, KEY)
    });
    thread::scope(|scope| {
        for c in 0..CLIENTS {
            let apache = &apache;
            scope.spawn(move || {
                let client = Client::builder()
                    .base_url(apache.url())
                    .credentials(Credentials::api_key(USER, KEY))
                    .retry(no_retries())
                    .build()
                    .unwrap();
                // One GET first: it learns the Digest challenge, so every POST below is
                // signed on its first send and the log's POSTs are the calls themselves.
                ListAccounts::new(ORG).send(&client).unwrap();
                for i in 0..POSTS {
                    // Apache closes the idle connection after 1 s; the client is idle 2 s.
                    thread::sleep(Duration::from_secs(2));
                    let hours = i32::try_from(c * 100 + i + 1).unwrap();
                    let echo = CreateSecret::new(ORG, SA, hours)
                        .send(&client)
                        .unwrap_or_else(|e| {
                            panic!("client {c}, POST {i} after an idle close: {e}")
                        });
                    assert_eq!(echo["method"], "POST");
                    assert_eq!(
                        echo["body"],
                        format!(r#"{{"secretExpiresAfterHours":{hours}}}"#)
                    );
                }
            });
        }
    });
    let lines = apache.wait_for_lines(CLIENTS * (2 + POSTS));
    let posts: Vec<_> = lines.iter().filter(|l| l.method == "POST").collect();
    assert_eq!(posts.len(), CLIENTS * POSTS, "{lines:#?}");
    assert!(posts.iter().all(|l| l.status == 200), "{posts:#?}");
    // The GETs: one challenge and one answer per client, nothing else reached Apache.
    assert_eq!(lines.len(), CLIENTS * (2 + POSTS), "{lines:#?}");
}

fn service_account_client(mock: &MockAtlas) -> Client {
    Client::builder()
        .base_url(mock.url())
        .credentials(Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .retry(no_retries())
        .build()
        .unwrap()
}

/// Polls `done` for up to 5 s.
fn wait_until(done: impl Fn() -> bool, what: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "waited 5 s for: {what}"
        );
        thread::sleep(Duration::from_millis(2));
    }
}

/// Opens a raw connection to the mock and has one request answered on it, so the
/// server has surely registered it in its connection table; the connection stays open.
fn occupy_a_slot(mock: &MockAtlas) -> TcpStream {
    let mut stream = TcpStream::connect(mock.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /api/atlas/v2 HTTP/1.1\r\nHost: mock\r\n\r\n")
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    assert!(status.starts_with("HTTP/1.1 "), "{status:?}");
    stream
}

#[test]
fn a_create_after_the_mock_gave_the_idle_connection_to_a_newcomer_arrives_once() {
    const ROUNDS: usize = 10;
    let mock = MockAtlas::builder().max_connections(2).start().unwrap();
    let client = service_account_client(&mock);
    // Token and first call: the client's connection is now idle in its pool.
    GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
        .send(&client)
        .unwrap();
    let before = mock.secret_count(mock.client_id());
    for round in 0..ROUNDS {
        mock.clear_requests();
        // Two newcomers in a table of two: the client's idle connection, the one that
        // has waited longest, is closed by the server to make room. The server notices
        // closes and evictions asynchronously: start from a table holding the client's
        // idle connection alone, and wait until the server has shut it (a close racing
        // the request is the one case no client can tell apart).
        wait_until(
            || mock.open_connections() == 1,
            "only the client's connection open",
        );
        let evicted = mock.evicted_connections();
        let newcomers = [occupy_a_slot(&mock), occupy_a_slot(&mock)];
        wait_until(
            || mock.evicted_connections() > evicted && mock.open_connections() == 2,
            "the client's connection evicted",
        );
        CreateOrgServiceAccountSecret::new(mock.org_id(), mock.client_id(), 8)
            .send(&client)
            .unwrap_or_else(|e| panic!("round {round}: {e:?}"));
        drop(newcomers);
        let posts = mock
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/secrets"))
            .count();
        assert_eq!(posts, 1, "round {round}");
    }
    assert_eq!(mock.secret_count(mock.client_id()), before + ROUNDS);
}

#[test]
fn a_token_that_expired_during_the_idle_gap_is_fetched_on_a_new_connection() {
    const ROUNDS: usize = 5;
    // Tokens live 2 s (the client renews past half their life); the mock closes a
    // connection idle for 300 ms.
    let mock = MockAtlas::builder()
        .token_lifetime(Duration::from_secs(2))
        .keep_alive_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let client = service_account_client(&mock);
    let before = mock.secret_count(mock.client_id());
    for round in 0..ROUNDS {
        if round > 0 {
            // Past the token's renewal point and the server's keep-alive timeout.
            thread::sleep(Duration::from_millis(1300));
        }
        CreateOrgServiceAccountSecret::new(mock.org_id(), mock.client_id(), 8)
            .send(&client)
            .unwrap_or_else(|e| panic!("round {round}: {e:?}"));
    }
    assert_eq!(mock.secret_count(mock.client_id()), before + ROUNDS);
    assert_eq!(mock.token_requests(), ROUNDS, "one new token per round");
}
