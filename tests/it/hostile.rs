//! The client against servers that mean harm (issue 10's breaks): each test failed on the
//! client before the fix. Wire-level attacks run against raw loopback servers; the rest
//! through the scripted transport, which needs no socket.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use atlas_runtime::transport::{ScriptedTransport, Step};
use atlas_runtime::{
    Client, ConfigError, Credentials, Error, Paginated, RetryPolicy, TokenStore, atlas_endpoint,
    error::AuthErrorKind,
    store::{AccessToken, TokenKey},
};

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";
const CLIENT_SECRET: &str = "mdb_sa_sk_CANARY0123456789secret";
const TOKEN: &str = "eyJCANARYtoken.0123456789.signature";

#[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05", response = serde_json::Value)]
struct GetOrg {
    org_id: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/things", version = "2024-08-05",
    response = Paginated<serde_json::Value>, paginated)]
#[derive(Clone)]
struct ListThings {
    org_id: String,
    #[atlas(query)]
    items_per_page: Option<i32>,
    #[atlas(query)]
    page_num: Option<i32>,
}

fn token_json(token: &str, expires_in: &str) -> String {
    format!(r#"{{"access_token":"{token}","expires_in":{expires_in},"token_type":"bearer"}}"#)
}

fn scripted(steps: Vec<Step>) -> (Arc<ScriptedTransport>, Client) {
    let script = Arc::new(ScriptedTransport::new(steps));
    let client = Client::builder()
        .transport(script.clone())
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    (script, client)
}

/// Runs `f` on another thread and fails if it does not finish within `limit`: a wedged
/// client fails the test instead of hanging it.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("did not finish within {limit:?}: the client is wedged"))
}

// ---- break 2: expires_in overflow and a single flight that survives panics ----

#[test]
fn a_huge_expires_in_neither_panics_nor_wedges_the_client() {
    for expires_in in [
        "10000000000000000000",
        "18446744073709551615",
        "9223372036854775807",
    ] {
        let (_script, client) = scripted(vec![
            Step::json(200, &token_json(TOKEN, expires_in)),
            Step::json(200, "{}"),
        ]);
        let c = client.clone();
        within(Duration::from_secs(10), move || {
            GetOrg::new(ORG).send(&c).unwrap();
        });
        // And the client keeps working, from other threads too.
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = client.clone();
                std::thread::spawn(move || GetOrg::new(ORG).send(&c).unwrap())
            })
            .collect();
        within(Duration::from_secs(10), move || {
            for t in threads {
                t.join().unwrap();
            }
        });
    }
}

/// A store whose `save` panics the first time.
#[derive(Default)]
struct PanickyStore {
    panicked: AtomicUsize,
    token: Mutex<Option<AccessToken>>,
}

impl TokenStore for PanickyStore {
    fn load_for(&self, _: &TokenKey) -> Option<AccessToken> {
        self.token.lock().unwrap().clone()
    }
    fn save_for(&self, _: &TokenKey, token: &AccessToken) {
        if self.panicked.fetch_add(1, Ordering::SeqCst) == 0 {
            panic!("the store is broken");
        }
        *self.token.lock().unwrap() = Some(token.clone());
    }
    fn discard_for(&self, _: &TokenKey, _: &AccessToken) {
        *self.token.lock().unwrap() = None;
    }
}

#[test]
fn a_panicking_token_store_cannot_wedge_the_client() {
    let script = Arc::new(ScriptedTransport::new([Step::with(|r| {
        let body = if r.uri().path() == "/api/oauth/token" {
            token_json(TOKEN, "3600")
        } else {
            "{}".to_string()
        };
        Ok(http::Response::builder()
            .status(200)
            .body(atlas_runtime::transport::Body::from_bytes(body))
            .unwrap())
    })]));
    let client = Client::builder()
        .transport(script.clone())
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
        .token_store(Arc::new(PanickyStore::default()))
        .build()
        .unwrap();
    let c = client.clone();
    let first = within(Duration::from_secs(10), move || {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| GetOrg::new(ORG).send(&c)))
    });
    // The store's panic is caught on the client's store thread: the call succeeds with
    // the token it fetched (the store is then left alone for a while).
    assert!(
        matches!(first, Ok(Ok(_))),
        "the store's panic does not reach the caller"
    );
    // Every later call, from any thread, completes.
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let c = client.clone();
            std::thread::spawn(move || GetOrg::new(ORG).send(&c).map(|_| ()))
        })
        .collect();
    within(Duration::from_secs(10), move || {
        for t in threads {
            t.join().unwrap().unwrap();
        }
    });
}

// ---- break 3: secrets a server echoes ----

fn assert_no_secret(err: &Error, secrets: &[&str]) {
    let shown = format!("{err}\n{err:?}");
    for s in secrets {
        assert!(!shown.contains(s), "{s} leaked: {shown}");
    }
    assert!(shown.contains("<redacted>"), "{shown}");
}

#[test]
fn a_token_endpoint_echoing_the_credentials_is_scrubbed() {
    let pair = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    let basic = base64_standard(&pair);
    for body in [
        format!(r#"{{"error":"invalid_client","error_description":"bad credentials {pair}"}}"#),
        format!(r#"{{"error":"invalid_client","error_description":"header was Basic {basic}"}}"#),
        format!("<html>Authorization: Basic {basic}</html>"),
        format!("<html>secret={}</html>", CLIENT_SECRET.replace('_', "%5F")),
    ] {
        let (_s, client) = scripted(vec![Step::respond(401, &[], body.into_bytes())]);
        let err = GetOrg::new(ORG).send(&client).unwrap_err();
        assert!(
            matches!(&err, Error::Auth(a) if a.kind == AuthErrorKind::Refused),
            "{err:?}"
        );
        assert_no_secret(&err, &[CLIENT_SECRET, &basic]);
    }
}

#[test]
fn an_api_error_echoing_the_bearer_is_scrubbed() {
    for (status, ct, body) in [
        (
            500,
            "text/html",
            format!("<html><pre>Authorization: Bearer {TOKEN}</pre></html>"),
        ),
        (
            502,
            "text/html",
            format!("<h1>502</h1> upstream said {TOKEN}"),
        ),
        (
            403,
            "application/json",
            format!(
                r#"{{"error":403,"errorCode":"DENIED","detail":"token {TOKEN} lacks a role","parameters":["{TOKEN}"]}}"#
            ),
        ),
        (
            500,
            "application/json",
            format!(r#"{{"errorCode":"X","sec\u0072et":"{TOKEN}""#),
        ),
    ] {
        let (_s, client) = scripted(vec![
            Step::json(200, &token_json(TOKEN, "3600")),
            Step::respond(status, &[("Content-Type", ct)], body.into_bytes()),
        ]);
        let err = GetOrg::new(ORG).send(&client).unwrap_err();
        assert_eq!(err.status(), Some(status), "{err:?}");
        assert_no_secret(&err, &[TOKEN]);
        if let Error::Api(api) = &err
            && let Some(raw) = &api.raw_body
        {
            assert!(!raw.contains(TOKEN), "{raw}");
        }
    }
}

#[test]
fn an_api_key_echoed_in_an_error_is_scrubbed() {
    let private = "CANARY-private-key-0123456789";
    let script = Arc::new(ScriptedTransport::new([Step::respond(
        500,
        &[("Content-Type", "text/plain")],
        format!("password was {private}").into_bytes(),
    )]));
    let client = Client::builder()
        .transport(script)
        .credentials(Credentials::api_key("public", private))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = GetOrg::new(ORG).send(&client).unwrap_err();
    assert_no_secret(&err, &[private]);
}

fn base64_standard(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

// ---- break 4: the retry budget is a deadline ----

/// A server whose connections behave in turn as `plan` says: `stall` reads the request
/// and never answers; `trickle` answers a head then a byte every 100 ms;
/// `trickle-reset` trickles three bytes then resets.
fn misbehaving_server(plan: &'static [&'static str]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (i, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let what = plan[i.min(plan.len() - 1)];
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                if what == "stall" {
                    std::thread::sleep(Duration::from_secs(20));
                    return;
                }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
                let _ = stream.write_all(head.as_bytes());
                for n in 0..200 {
                    std::thread::sleep(Duration::from_millis(100));
                    if what == "trickle-reset" && n == 3 {
                        let _ = stream.shutdown(std::net::Shutdown::Both);
                        return;
                    }
                    if stream.write_all(b" ").is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}

fn budgeted_client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .response_timeout(Duration::from_millis(1000))
        .timeout(Duration::from_secs(4))
        .retry(
            RetryPolicy::default()
                .max_elapsed(Duration::from_secs(2))
                .delays(Duration::from_millis(10), Duration::from_millis(20)),
        )
        .build()
        .unwrap()
}

#[test]
fn stall_then_trickle_ends_within_the_budget() {
    // Before: 1 s for the stall, then up to 4 s of trickle: about 5 s for a 2 s budget.
    let client = budgeted_client(&misbehaving_server(&["stall", "trickle"]));
    let started = Instant::now();
    let err = GetOrg::new(ORG).send(&client).unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2600), "took {took:?}: {err}");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.attempts().len() >= 2, "{err}");
}

#[test]
fn trickle_reset_trickle_ends_within_the_budget() {
    let client = budgeted_client(&misbehaving_server(&["trickle-reset", "trickle"]));
    let started = Instant::now();
    let err = GetOrg::new(ORG).send(&client).unwrap_err();
    let took = started.elapsed();
    assert!(took < Duration::from_millis(2600), "took {took:?}: {err}");
    assert!(err.attempts().len() >= 2, "{err}");
}

#[test]
fn every_attempt_is_capped_at_what_is_left_of_the_budget() {
    let script = Arc::new(ScriptedTransport::new([Step::json(
        503,
        r#"{"errorCode":"SERVICE_UNAVAILABLE"}"#,
    )]));
    let client = Client::builder()
        .transport(script.clone())
        .timeout(Duration::from_secs(60))
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .max_elapsed(Duration::from_secs(5))
                .delays(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    GetOrg::new(ORG).send(&client).unwrap_err();
    let deadlines = script.deadlines();
    assert_eq!(deadlines.len(), 3);
    for d in deadlines {
        assert!(
            d.end <= started + Duration::from_secs(5) + Duration::from_millis(50),
            "an attempt may run past the call's budget"
        );
    }
}

// ---- break 5: lists that never end ----

fn page(items: &[u32], next: bool, total: Option<u64>) -> String {
    let links = if next {
        r#"[{"href":"https://x/self","rel":"self"},{"href":"https://x/next","rel":"next"}]"#
    } else {
        r#"[{"href":"https://x/self","rel":"self"}]"#
    };
    let total = total.map_or(String::new(), |t| format!(r#","totalCount":{t}"#));
    format!(r#"{{"links":{links},"results":{items:?}{total}}}"#)
}

fn walk(steps: Vec<Step>, start_page: Option<i32>) -> (usize, usize) {
    let script = Arc::new(ScriptedTransport::new(steps));
    let client = Client::builder()
        .transport(script.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let mut call = ListThings::new(ORG);
    if let Some(p) = start_page {
        call = call.page_num(p);
    }
    let items = within(Duration::from_secs(10), move || {
        call.items(&client).take(100_000).count()
    });
    (items, script.requests().len())
}

#[test]
fn a_next_link_cannot_outlast_the_total_count() {
    // Distinct items on every page, a `next` link for ever, totalCount 4.
    let counter = Arc::new(AtomicUsize::new(0));
    let step = Step::with(move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst) as u32;
        Ok(http::Response::new(
            atlas_runtime::transport::Body::from_bytes(page(&[2 * n, 2 * n + 1], true, Some(4))),
        ))
    });
    assert_eq!(walk(vec![step], None), (4, 2));
}

#[test]
fn a_repeated_page_ends_the_walk() {
    let same = page(&[1, 2, 3], true, None);
    assert_eq!(walk(vec![Step::json(200, &same)], None), (3, 2));
}

#[test]
fn an_empty_page_ends_the_walk() {
    let steps = vec![
        Step::json(200, &page(&[1], true, None)),
        Step::json(200, &page(&[], true, None)),
        Step::json(200, &page(&[7], true, None)),
    ];
    assert_eq!(walk(steps, None), (1, 2));
}

#[test]
fn the_last_page_number_ends_the_walk() {
    // Items that never repeat, at the largest page number there is.
    let counter = Arc::new(AtomicUsize::new(0));
    let step = Step::with(move |_| {
        let n = counter.fetch_add(1, Ordering::SeqCst) as u32;
        Ok(http::Response::new(
            atlas_runtime::transport::Body::from_bytes(page(&[n], true, None)),
        ))
    });
    assert_eq!(walk(vec![step], Some(i32::MAX)), (1, 1));
}

// ---- break 6: the smaller ones ----

#[test]
fn a_base_url_with_userinfo_is_refused_without_showing_it() {
    for url in [
        "https://user:CANARYpw@cloud.mongodb.com",
        "http://user:CANARYpw@127.0.0.1:8080",
    ] {
        let err = Client::builder().base_url(url).build().unwrap_err();
        assert!(matches!(err, ConfigError::CredentialsInUrl(_)), "{err:?}");
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("CANARYpw"), "{shown}");
    }
    let err = Client::builder()
        .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
        .token_url("https://u:CANARYpw@example.com/token")
        .build()
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("CANARYpw"));
}

#[test]
fn a_token_that_cannot_be_a_header_is_an_auth_error_and_nothing_is_sent() {
    let huge = "A".repeat(10 * 1024 * 1024);
    for token in ["abc\r\nX-Injected: 1", huge.as_str()] {
        let (script, client) = scripted(vec![Step::json(
            200,
            &token_json(&token.replace('\r', "\\r").replace('\n', "\\n"), "3600"),
        )]);
        let err = GetOrg::new(ORG).send(&client).unwrap_err();
        assert!(
            matches!(&err, Error::Auth(a) if a.kind == AuthErrorKind::InvalidResponse),
            "{}",
            err.to_string().chars().take(300).collect::<String>()
        );
        assert!(!err.is_retryable());
        let sent = script.requests();
        assert_eq!(sent.len(), 1, "only the token request went out");
        assert_eq!(sent[0].uri().path(), "/api/oauth/token");
    }
}

/// A store that holds a token no token endpoint would be let issue (a CR LF in it, then a
/// clean one said to live ten years) is checked as the token endpoint's answer is: the
/// token is discarded from the store and a new one fetched, nothing goes out with it or
/// without credentials, and the call succeeds.
#[test]
fn a_token_from_a_store_that_fails_the_token_check_is_discarded_and_replaced() {
    /// Holds `planted` until told to forget it, and keeps what it is told.
    struct Planted {
        held: Mutex<Option<AccessToken>>,
        discarded: Mutex<Vec<String>>,
    }
    impl TokenStore for Planted {
        fn load_for(&self, _: &TokenKey) -> Option<AccessToken> {
            self.held.lock().unwrap().clone()
        }
        fn save_for(&self, _: &TokenKey, token: &AccessToken) {
            *self.held.lock().unwrap() = Some(token.clone());
        }
        fn discard_for(&self, _: &TokenKey, token: &AccessToken) {
            use secrecy::ExposeSecret as _;
            self.discarded
                .lock()
                .unwrap()
                .push(token.secret().expose_secret().to_owned());
            *self.held.lock().unwrap() = None;
        }
    }
    let now = SystemTime::now();
    let in_an_hour = now + Duration::from_secs(3600);
    let ten_years = now + Duration::from_secs(10 * 365 * 86_400);
    for planted in [
        AccessToken::new("bad\r\ntoken", now, in_an_hour),
        AccessToken::new("A".repeat(64 * 1024), now, in_an_hour),
        AccessToken::new("planted-for-ten-years", now, ten_years),
    ] {
        use secrecy::ExposeSecret as _;
        let value = planted.secret().expose_secret().to_owned();
        let store = Arc::new(Planted {
            held: Mutex::new(Some(planted)),
            discarded: Mutex::new(Vec::new()),
        });
        let script = Arc::new(ScriptedTransport::new([
            Step::json(200, &token_json(TOKEN, "3600")),
            Step::json(200, "{}"),
        ]));
        let client = Client::builder()
            .transport(script.clone())
            .credentials(Credentials::service_account(CLIENT_ID, CLIENT_SECRET))
            .token_store(store.clone())
            .build()
            .unwrap();
        GetOrg::new(ORG).send(&client).unwrap();
        assert_eq!(*store.discarded.lock().unwrap(), [value.as_str()]);
        let sent = script.requests();
        assert_eq!(sent.len(), 2, "a token request, then the call");
        assert_eq!(sent[0].uri().path(), "/api/oauth/token");
        assert_eq!(
            sent[1].headers()["authorization"],
            format!("Bearer {TOKEN}").as_str(),
            "the call carries the new token, not {}",
            value.chars().take(30).collect::<String>()
        );
    }
}

// ---- errors print each message once ----

#[test]
fn an_error_chain_repeats_no_message() {
    let script = Arc::new(ScriptedTransport::new([Step::fail(
        atlas_runtime::error::TransportErrorKind::Connect,
        false,
    )]));
    let client = Client::builder()
        .transport(script)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = GetOrg::new(ORG).send(&client).unwrap_err();
    let mut messages = vec![err.to_string()];
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        messages.push(s.to_string());
        source = s.source();
    }
    for (i, m) in messages.iter().enumerate() {
        for later in &messages[i + 1..] {
            assert!(!m.contains(later.as_str()), "{m:?} repeats {later:?}");
        }
    }
}
