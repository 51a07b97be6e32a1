//! Retries that never duplicate a write, against real loopback servers: what is retried,
//! what is not, how long the client waits, and what the last error says.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use atlas_runtime::{
    Client, Error, RequestOptions, RetryPolicy, atlas_endpoint, error::TransportErrorKind,
};
use atlas_test_support::{Canned, TestServer};

#[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05", response = serde_json::Value)]
struct GetOrg {
    org_id: String,
}

#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets", version = "2024-08-05",
    response = serde_json::Value)]
struct CreateSecret {
    org_id: String,
    client_id: String,
    secret_expires_after_hours: i32,
}

/// A POST declared safe to repeat.
#[atlas_endpoint(POST, "/orgs/{orgId}/things:search", version = "2024-08-05",
    response = serde_json::Value, idempotent)]
struct SearchThings {
    org_id: String,
    text: String,
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";

fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(4)
        .delays(Duration::from_millis(10), Duration::from_millis(40))
}

fn client(server: &TestServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(server.url())
        .retry(policy)
        .build()
        .unwrap()
}

fn create() -> CreateSecret {
    CreateSecret::new(ORG, SA, 8)
}

const RATE_LIMITED: &str =
    r#"{"error":429,"errorCode":"RATE_LIMITED","detail":"slow down","reason":"Too Many Requests"}"#;
const SERVER_ERROR: &str = r#"{"error":500,"errorCode":"UNEXPECTED_ERROR","detail":"oops","reason":"Internal Server Error"}"#;

#[test]
fn a_429_honours_retry_after_then_succeeds_even_for_a_post() {
    let server = TestServer::start();
    server.respond(Canned::json(429, RATE_LIMITED).header("Retry-After", "1"));
    server.respond(Canned::json(201, r#"{"id":"x"}"#));
    let started = Instant::now();
    let answer = create()
        .send(&client(
            &server,
            fast().delays(Duration::from_millis(10), Duration::from_secs(2)),
        ))
        .unwrap();
    assert_eq!(answer["id"], "x");
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited for Retry-After"
    );
    assert_eq!(
        server.requests().len(),
        2,
        "a 429 was not processed: safe to resend"
    );
}

#[test]
fn a_429_without_retry_after_backs_off() {
    let server = TestServer::start();
    server.respond(Canned::json(429, RATE_LIMITED));
    server.respond(Canned::json(429, RATE_LIMITED));
    server.respond(Canned::json(201, "{}"));
    create().send(&client(&server, fast())).unwrap();
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_400_with_a_rate_limit_code_is_retried() {
    let server = TestServer::start();
    server.respond(Canned::json(
        400,
        r#"{"error":400,"errorCode":"RATE_LIMITED_TOKEN_BUCKET","detail":"bucket empty","reason":"Bad Request"}"#,
    ));
    server.respond(Canned::json(201, "{}"));
    create().send(&client(&server, fast())).unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_503_is_retried_for_every_method() {
    let server = TestServer::start();
    server.respond(Canned::with_type(
        503,
        "text/html",
        "<h1>down for maintenance</h1>",
    ));
    server.respond(Canned::json(201, "{}"));
    create().send(&client(&server, fast())).unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_500_is_retried_for_get_but_never_for_post() {
    let server = TestServer::start();
    server.respond(Canned::json(500, SERVER_ERROR));
    server.respond(Canned::json(200, r#"{"id":"org"}"#));
    GetOrg::new(ORG).send(&client(&server, fast())).unwrap();
    assert_eq!(server.requests().len(), 2);

    let server = TestServer::start();
    server.respond(Canned::json(500, SERVER_ERROR));
    server.respond(Canned::json(201, "{}"));
    let err = create().send(&client(&server, fast())).unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(
        server.requests().len(),
        1,
        "the POST may have created a secret"
    );
    assert!(err.attempts().is_empty());
}

#[test]
fn a_post_can_opt_in_per_call_or_by_declaration() {
    let server = TestServer::start();
    server.respond(Canned::json(502, SERVER_ERROR));
    server.respond(Canned::json(201, "{}"));
    let c = client(&server, fast());
    c.send_with(&create(), &RequestOptions::new().idempotent(true))
        .unwrap();
    assert_eq!(server.requests().len(), 2);

    server.respond(Canned::json(500, SERVER_ERROR));
    server.respond(Canned::json(200, "{}"));
    SearchThings::new(ORG, "ci").send(&c).unwrap();
    assert_eq!(server.requests().len(), 4);
    const { assert!(SearchThings::INFO.idempotent) };
}

#[test]
fn the_last_error_tells_every_attempt() {
    let server = TestServer::start();
    for _ in 0..4 {
        server.respond(Canned::json(500, SERVER_ERROR));
    }
    let err = GetOrg::new(ORG).send(&client(&server, fast())).unwrap_err();
    assert_eq!(server.requests().len(), 4);
    assert_eq!(err.attempts().len(), 4);
    assert_eq!(err.attempts()[0].number, 1);
    assert!(err.attempts()[0].waited.is_some());
    assert!(err.attempts()[3].waited.is_none());
    let shown = err.to_string();
    assert!(shown.contains("gave up after 4 attempts"), "{shown}");
    assert!(shown.contains("attempt 4: GetOrg answered 500"), "{shown}");
}

#[test]
fn retries_stop_when_the_time_budget_would_be_exceeded() {
    let server = TestServer::start();
    server.respond(Canned::json(429, RATE_LIMITED).header("Retry-After", "30"));
    server.respond(Canned::json(200, "{}"));
    let policy = fast()
        .delays(Duration::from_millis(10), Duration::from_secs(60))
        .max_elapsed(Duration::from_secs(2));
    let started = Instant::now();
    let err = GetOrg::new(ORG).send(&client(&server, policy)).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "did not sleep 30 s"
    );
    assert_eq!(err.status(), Some(429));
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn retries_can_be_turned_off() {
    let server = TestServer::start();
    server.respond(Canned::json(503, SERVER_ERROR));
    let err = GetOrg::new(ORG)
        .send(&client(&server, RetryPolicy::none()))
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_refused_connection_is_retried_even_for_a_post() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let c = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(fast())
        .build()
        .unwrap();
    let err = create().send(&c).unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportErrorKind::Connect);
    assert_eq!(
        err.attempts().len(),
        4,
        "nothing was sent, so every attempt was safe"
    );
}

/// Accepts connections, counts them, reads nothing and never answers.
fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            seen.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
            if held.len() > 16 {
                break;
            }
        }
    });
    (url, count)
}

#[test]
fn a_timeout_is_retried_for_get_but_not_for_post() {
    let (url, connections) = silent_server();
    let c = Client::builder()
        .base_url(&url)
        .response_timeout(Duration::from_millis(200))
        .retry(fast().max_attempts(3))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = create().send(&c).unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportErrorKind::Timeout);
    assert!(t.maybe_sent);
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "the POST went out once"
    );
    assert!(started.elapsed() < Duration::from_secs(2));

    let err = GetOrg::new(ORG).send(&c).unwrap_err();
    assert_eq!(err.attempts().len(), 3);
    assert_eq!(connections.load(Ordering::SeqCst), 4);
}

/// Answers headers at once, then trickles the body a byte every 100 ms, for ever.
fn trickling_server() -> String {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
                if stream.write_all(head.as_bytes()).is_err() {
                    return;
                }
                for _ in 0..600 {
                    std::thread::sleep(Duration::from_millis(100));
                    if stream.write_all(b" ").is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

#[test]
fn a_trickling_server_cannot_hold_a_call_past_the_overall_timeout() {
    let c = Client::builder()
        .base_url(trickling_server())
        .timeout(Duration::from_millis(600))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = GetOrg::new(ORG).send(&c).unwrap_err();
    let elapsed = started.elapsed();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportErrorKind::Timeout, "{err}");
    assert!(
        elapsed < Duration::from_millis(1500),
        "held for {elapsed:?}"
    );
}
