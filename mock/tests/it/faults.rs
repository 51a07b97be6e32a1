//! Fault injection, the request log, raw HTTP handling and shutdown.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::common::{Api, V, agent, agent_with_timeout, basic, try_send};
use atlas_mock::{Fault, FaultKind, MockAtlas, PathMatch};

const SECRETS_GLOB: &str = "/api/atlas/v2/orgs/*/serviceAccounts/*/secrets";

fn secrets_path(mock: &MockAtlas) -> String {
    format!(
        "/api/atlas/v2/orgs/{}/serviceAccounts/{}/secrets",
        mock.org_id(),
        mock.client_id()
    )
}

/// POSTs a new secret with a fresh connection; transport errors are returned.
fn post_secret(api: &Api<'_>, agent: &ureq::Agent) -> Result<crate::common::Res, ureq::Error> {
    let auth = format!("Bearer {}", api.token);
    try_send(
        agent,
        "POST",
        &format!("{}{}", api.mock.url(), secrets_path(api.mock)),
        &[("Authorization", &auth), ("Accept", V), ("Content-Type", V)],
        Some(r#"{"secretExpiresAfterHours": 1}"#),
    )
}

#[test]
fn canned_responses_html_502_429_503() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let org = api.org();
    mock.inject(
        Fault::new(FaultKind::html(
            502,
            "<html><body>Bad Gateway</body></html>",
        ))
        .method("GET")
        .path(org.as_str()),
    );
    mock.inject(Fault::new(FaultKind::rate_limited(7)).path_prefix("/api/atlas/v2/orgs/"));
    mock.inject(Fault::new(FaultKind::service_unavailable(Some(3))).path_prefix("/api/atlas/v2/"));
    mock.inject(
        Fault::new(FaultKind::respond(
            418,
            &[("X-Teapot", "yes")],
            "short and stout",
        ))
        .path("/api/oauth/token"),
    );
    assert_eq!(mock.pending_faults(), 4);

    let r = api.call("GET", &org, None);
    assert_eq!(r.status, 502);
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(r.body.contains("Bad Gateway"));
    let r = api.call("GET", &org, None);
    let doc = r.api_error(429, "RATE_LIMITED");
    assert_eq!(doc["error"], 429);
    assert_eq!(r.header("retry-after"), Some("7"));
    let r = api.call("GET", &org, None);
    r.api_error(503, "SERVICE_UNAVAILABLE");
    assert_eq!(r.header("retry-after"), Some("3"));
    let r = crate::common::token_request(&mock, mock.client_id(), mock.client_secret());
    assert_eq!(
        (r.status, r.body.as_str(), r.header("x-teapot")),
        (418, "short and stout", Some("yes"))
    );
    // Spent: back to normal.
    assert_eq!(mock.pending_faults(), 0);
    assert_eq!(api.call("GET", &org, None).status, 200);

    let log = mock.requests();
    let faulted: Vec<_> = log.iter().filter(|r| r.fault.is_some()).collect();
    assert_eq!(faulted.len(), 4);
    assert!(faulted.iter().all(|r| !r.processed && r.answered));
    assert_eq!(faulted[0].status, Some(502));
    assert_eq!(log.last().unwrap().status, Some(200));
    assert!(log.last().unwrap().processed);
}

#[test]
fn delay_before_headers_times_a_client_out_but_the_request_was_processed() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    mock.inject(
        Fault::new(FaultKind::Delay(Duration::from_millis(1500)))
            .method("POST")
            .path(SECRETS_GLOB),
    );
    let err = post_secret(&api, &agent_with_timeout(Duration::from_millis(300))).unwrap_err();
    assert!(matches!(err, ureq::Error::Timeout(_)), "{err:?}");
    // The server did create the secret: a retry would create a second one.
    assert_eq!(mock.secret_count(mock.client_id()), 2);
    let entry = mock.requests().pop().unwrap();
    assert_eq!(
        entry.fault,
        Some(FaultKind::Delay(Duration::from_millis(1500)))
    );
    assert!(entry.processed);
    assert_eq!(entry.status, Some(201));

    // A patient client gets the answer after the delay.
    mock.inject(Fault::new(FaultKind::Delay(Duration::from_millis(300))).path(PathMatch::Any));
    let started = Instant::now();
    let r = api.call("GET", &api.org(), None);
    assert_eq!(r.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[test]
fn drop_before_read_leaves_the_state_unchanged() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    mock.inject(
        Fault::new(FaultKind::DropBeforeRead)
            .method("POST")
            .path(SECRETS_GLOB),
    );
    let err = post_secret(&api, &agent()).unwrap_err();
    assert!(
        matches!(err, ureq::Error::Io(_) | ureq::Error::Protocol(_)),
        "{err:?}"
    );
    assert_eq!(
        mock.secret_count(mock.client_id()),
        1,
        "nothing was created"
    );
    let entry = mock.requests().pop().unwrap();
    assert_eq!(entry.method, "POST");
    assert_eq!(entry.fault, Some(FaultKind::DropBeforeRead));
    assert!(!entry.processed && !entry.answered);
    assert_eq!(entry.status, None);
    assert!(entry.body.is_empty(), "the body was never read");
    // A retry goes through.
    assert_eq!(post_secret(&api, &agent()).unwrap().status, 201);
    assert_eq!(mock.secret_count(mock.client_id()), 2);
}

#[test]
fn drop_after_read_processes_then_loses_the_answer() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    mock.inject(
        Fault::new(FaultKind::DropAfterRead)
            .method("POST")
            .path(SECRETS_GLOB),
    );
    let err = post_secret(&api, &agent()).unwrap_err();
    assert!(
        matches!(err, ureq::Error::Io(_) | ureq::Error::Protocol(_)),
        "{err:?}"
    );
    // Exactly one new secret exists although the client saw no answer.
    assert_eq!(mock.secret_count(mock.client_id()), 2);
    let entry = mock.requests().pop().unwrap();
    assert_eq!(entry.fault, Some(FaultKind::DropAfterRead));
    assert!(entry.processed && !entry.answered);
    assert_eq!(entry.status, Some(201));
    assert_eq!(entry.body_json().unwrap()["secretExpiresAfterHours"], 1);
}

#[test]
fn truncated_body() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    mock.inject(Fault::new(FaultKind::TruncateBody { keep: 10 }).method("GET"));
    let auth = format!("Bearer {}", api.token);
    let url = format!("{}{}", mock.url(), api.org());
    let mut response = agent()
        .get(&url)
        .header("Authorization", &auth)
        .header("Accept", V)
        .call()
        .expect("the head arrives whole");
    assert_eq!(response.status(), 200);
    let declared: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 10);
    let err = response.body_mut().read_to_string().unwrap_err();
    assert!(
        matches!(err, ureq::Error::Io(_) | ureq::Error::Protocol(_)),
        "{err:?}"
    );
    let entry = mock.requests().pop().unwrap();
    assert!(entry.processed && !entry.answered);
    assert_eq!(entry.status, Some(200));

    // Raw: exactly `keep` bytes after the head, then EOF.
    mock.inject(Fault::new(FaultKind::TruncateBody { keep: 5 }));
    let raw = raw_exchange(
        &mock,
        &format!(
            "GET {} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nAccept: {V}\r\n\r\n",
            api.org()
        ),
    );
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK"));
    assert_eq!(body.len(), 5);
}

#[test]
fn faults_match_by_method_and_path_and_count_down() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let org = api.org();
    mock.inject(
        Fault::new(FaultKind::service_unavailable(None))
            .method("DELETE")
            .path_prefix(&org)
            .times(2),
    );
    mock.inject(
        Fault::new(FaultKind::html(504, "gw"))
            .path(format!("{org}/*/accessList"))
            .times(1),
    );
    assert_eq!(mock.pending_faults(), 3);
    // Neither matches a GET of the list.
    assert_eq!(api.call("GET", &org, None).status, 200);
    let access = format!("{org}/{}/accessList", mock.client_id());
    assert_eq!(api.call("GET", &access, None).status, 504);
    assert_eq!(api.call("GET", &access, None).status, 200);
    let victim = format!("{org}/{}", mock.client_id());
    assert_eq!(api.call("DELETE", &victim, None).status, 503);
    assert_eq!(api.call("DELETE", &victim, None).status, 503);
    assert!(mock.service_account(mock.client_id()).is_some());
    mock.inject(Fault::new(FaultKind::DropBeforeRead).times(5));
    mock.clear_faults();
    assert_eq!(mock.pending_faults(), 0);
    assert_eq!(api.call("GET", &org, None).status, 200);
}

#[test]
fn the_request_log_records_what_reached_the_server() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let body = r#"{"secretExpiresAfterHours": 3}"#;
    let r = api.call(
        "POST",
        &format!("{}?pretty=true&envelope=false", secrets_path(&mock)),
        Some(body),
    );
    assert_eq!(r.status, 201);
    let log = mock.requests();
    assert_eq!(log.len(), 2);
    let token = &log[0];
    assert_eq!(
        (token.method.as_str(), token.path.as_str()),
        ("POST", "/api/oauth/token")
    );
    assert_eq!(
        token.header("authorization"),
        Some(basic(mock.client_id(), mock.client_secret()).as_str())
    );
    assert_eq!(token.body_text(), "grant_type=client_credentials");
    assert_eq!(token.status, Some(200));
    let call = &log[1];
    assert_eq!(call.seq, 1);
    assert_eq!(call.method, "POST");
    assert_eq!(call.path, secrets_path(&mock));
    assert_eq!(call.query, "pretty=true&envelope=false");
    assert_eq!(call.header("ACCEPT"), Some(V));
    assert_eq!(call.header("content-type"), Some(V));
    assert_eq!(call.body, body.as_bytes());
    assert_eq!(
        (
            call.status,
            call.processed,
            call.answered,
            call.fault.is_none()
        ),
        (Some(201), true, true, true)
    );
    assert!(call.peer.ip().is_loopback());
    mock.clear_requests();
    assert!(mock.requests().is_empty());
    // Unauthenticated and malformed requests are logged too.
    let _ = raw_exchange(&mock, "GARBAGE\r\n\r\n");
    // hyper refused that head itself; it is logged once hyper reports it.
    let started = Instant::now();
    while mock.requests().is_empty() && started.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(5));
    }
    let r = try_send(
        &agent(),
        "GET",
        &format!("{}{}", mock.url(), api.org()),
        &[],
        None,
    )
    .unwrap();
    assert_eq!(r.status, 401);
    let log = mock.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].status, Some(400));
    assert_eq!(log[1].status, Some(401));
}

/// Sends raw bytes on a new connection and reads until the server closes it.
fn raw_exchange(mock: &MockAtlas, request: &str) -> String {
    let mut stream = TcpStream::connect(mock.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn malformed_requests_get_400_and_the_server_carries_on() {
    let mock = MockAtlas::start();
    // Heads that are not HTTP/1.x: hyper answers a bare 400 and closes; the log says so.
    for raw in [
        "GARBAGE\r\n\r\n",
        "GET / HTTP/9.9\r\n\r\n",
        "GET /api/atlas/v2 HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST /api/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    ] {
        mock.clear_requests();
        let answer = raw_exchange(&mock, raw);
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{raw:?} -> {answer:?}"
        );
        assert!(answer.contains("Connection: close"), "{answer:?}");
        // Logged once hyper reports the error, just after it closed the connection.
        let started = Instant::now();
        while mock.requests().is_empty() && started.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(5));
        }
        let log = mock.requests();
        assert_eq!(log.len(), 1, "{raw:?}");
        assert_eq!((log[0].status, log[0].processed), (Some(400), false));
    }
    // Requests hyper reads but the emulator refuses: an ApiError, then the connection
    // closes.
    for raw in [
        "POST /api/oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "GET /api/atlas/v2 HTTP/1.1\r\n\r\n",
        "GET /api/atlas/v2 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    ] {
        let answer = raw_exchange(&mock, raw);
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{raw:?} -> {answer:?}"
        );
        assert!(answer.contains("Connection: close"));
        let body = answer.split_once("\r\n\r\n").unwrap().1;
        let doc: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(doc["errorCode"], "MALFORMED_REQUEST");
    }
    let answer = raw_exchange(
        &mock,
        "POST /api/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 413 "), "{answer:?}");
    assert_eq!(
        crate::common::token_request(&mock, mock.client_id(), mock.client_secret()).status,
        200
    );
}

#[test]
fn keep_alive_chunked_bodies_and_expect_continue() {
    let mock = MockAtlas::start();
    let token = crate::common::token_for(&mock, mock.client_id(), mock.client_secret());
    let mut stream = TcpStream::connect(mock.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let path = secrets_path(&mock);
    let body = r#"{"secretExpiresAfterHours": 1}"#;
    // Two requests on one connection: one chunked, one with Expect: 100-continue.
    let chunked = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nAccept: {V}\r\nContent-Type: {V}\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    stream.write_all(chunked.as_bytes()).unwrap();
    let first = read_response(&mut stream);
    assert!(first.starts_with("HTTP/1.1 201 Created"), "{first}");
    assert!(first.contains("Connection: keep-alive"));
    let expect = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nAccept: {V}\r\nContent-Type: {V}\r\nContent-Length: {}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(expect.as_bytes()).unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).unwrap();
    let mut rest = String::new();
    stream.read_to_string(&mut rest).unwrap();
    assert!(rest.starts_with("HTTP/1.1 201 Created"), "{rest}");
    assert!(rest.contains("Connection: close"));
    assert_eq!(mock.secret_count(mock.client_id()), 3);

    // A pooling client reuses one connection: the same peer port for every call.
    mock.clear_requests();
    let api = Api::owner(&mock);
    for _ in 0..3 {
        assert_eq!(api.call("GET", &api.org(), None).status, 200);
    }
    let log = mock.requests();
    let ports: std::collections::BTreeSet<u16> = log[1..].iter().map(|r| r.peer.port()).collect();
    assert_eq!(ports.len(), 1, "{ports:?}");
}

/// Reads one response with a Content-Length body.
fn read_response(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .map_or(0, |v| v.trim().parse().unwrap());
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).unwrap();
    head + &String::from_utf8(body).unwrap()
}

#[test]
fn dropping_the_emulator_stops_it_and_frees_the_port() {
    let mock = MockAtlas::start();
    let addr = mock.addr();
    // An idle keep-alive connection and a pending delayed answer do not hold it up.
    let idle = TcpStream::connect(addr).unwrap();
    mock.inject(Fault::new(FaultKind::Delay(Duration::from_secs(30))));
    let mut delayed = TcpStream::connect(addr).unwrap();
    delayed
        .write_all(b"GET /x HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let waiting = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = delayed.read_to_end(&mut out);
        out
    });
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    drop(mock);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "stopping took {:?}",
        started.elapsed()
    );
    assert!(
        waiting.join().unwrap().is_empty(),
        "the delayed answer was never sent"
    );
    drop(idle);
    assert!(TcpStream::connect(addr).is_err(), "still listening");
    // The port can be bound again.
    let again = MockAtlas::builder().port(addr.port()).start().unwrap();
    assert_eq!(again.addr(), addr);
    again.shutdown();
}

/// A small deterministic generator (xorshift64*), so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

#[test]
fn hostile_inputs_never_break_the_server() {
    let mock = MockAtlas::builder()
        .token_endpoint_limit(None)
        .start()
        .unwrap();
    let token = crate::common::token_for(&mock, mock.client_id(), mock.client_secret());
    let bearer = format!("Bearer {token}");
    let org = format!("/api/atlas/v2/orgs/{}/serviceAccounts", mock.org_id());
    let group = format!("/api/atlas/v2/groups/{}/serviceAccounts", mock.project_id());
    let cid = mock.client_id().to_owned();
    let prefixes = [
        org.as_str(),
        group.as_str(),
        "/api/atlas/v2/orgs/%zz/serviceAccounts",
        "/api/oauth/token",
        "/api/oauth/revoke",
        "/",
    ];
    let suffixes = [
        "",
        "/",
        &format!("/{cid}"),
        &format!("/{cid}:invite"),
        &format!("/{cid}/secrets"),
        &format!("/{cid}/secrets/%00"),
        &format!("/{cid}/accessList"),
        &format!("/{cid}/accessList/%E2%82%AC"),
        &format!("/{cid}/accessList/::%2F300"),
        &format!("/{cid}/groups"),
        "/mdb_sa_id_%D9%A1%D9%A1",
        "/%",
        "/..%2F..",
        "?itemsPerPage=9999999999999999999999",
        "?pageNum=-0&envelope=true&pretty=true",
        "?%ff=1",
    ];
    let methods = [
        "GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "X-CUSTOM",
    ];
    let accepts = [
        V,
        "application/json",
        "*/*",
        "application/vnd.atlas.9999-99-99+json",
        "application/vnd.atlas.\u{e9}+json",
        "",
    ];
    let auths = [
        bearer.as_str(),
        "Bearer",
        "Digest",
        "Digest username=\"\u{fc}\", nc=zz",
        "Basic",
        "Basic %%%",
        "",
    ];
    let bodies = [
        "",
        "{",
        "[]",
        "null",
        "{}",
        "[{}]",
        "[null]",
        "\"str\"",
        "1e999",
        "{\"name\": {\"$gt\": 1}}",
        "{\"name\": \"\u{0}\", \"description\": \"d\", \"roles\": [\"ORG_OWNER\"], \"secretExpiresAfterHours\": 1}",
        "{\"secretExpiresAfterHours\": 9223372036854775808}",
        "[{\"cidrBlock\": \"::/0\"}]",
        "[{\"ipAddress\": \"\u{661}.1.1.1\"}]",
        "{\"roles\": [null]}",
        "grant_type=client_credentials&token=%ff",
    ];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..400 {
        let path = format!("{}{}", rng.pick(&prefixes), rng.pick(&suffixes));
        let body = rng.pick(&bodies);
        let mut request = format!(
            "{} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n",
            rng.pick(&methods)
        );
        for (name, value) in [
            ("Accept", rng.pick(&accepts)),
            ("Authorization", rng.pick(&auths)),
            ("Content-Type", rng.pick(&accepts)),
        ] {
            if !value.is_empty() {
                request.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        let answer = raw_exchange(&mock, &request);
        assert!(
            answer.starts_with("HTTP/1.1 "),
            "#{i} {request:?} -> {answer:?}"
        );
        assert!(
            !answer.starts_with("HTTP/1.1 5"),
            "#{i} {request:?} -> {answer:?}"
        );
    }
    // Raw garbage, a NUL in the head, invalid UTF-8 in a header value, a lying length.
    for raw in [
        &b"\x00\x01\x02\r\n\r\n"[..],
        b"GET /\x00 HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nX: \xff\xfe\r\n\r\n",
        b"POST /api/oauth/token HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc",
    ] {
        let mut stream = TcpStream::connect(mock.addr()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.write_all(raw).unwrap();
        let _ = stream.shutdown(std::net::Shutdown::Write);
        let mut out = Vec::new();
        let _ = stream.read_to_end(&mut out);
        assert!(!out.starts_with(b"HTTP/1.1 5"), "{raw:?}");
    }
    // Still serving, state intact.
    let api = Api::with_token(&mock, token);
    assert_eq!(api.call("GET", &api.org(), None).status, 200);
    assert!(mock.service_account(&cid).is_some());
    assert!(
        mock.requests()
            .iter()
            .all(|r| r.status.is_none_or(|s| s < 500))
    );
}

#[test]
fn concurrent_clients_each_get_their_secret() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let token = api.token.clone();
    let url = format!("{}{}", mock.url(), secrets_path(&mock));
    std::thread::scope(|s| {
        for _ in 0..8 {
            s.spawn(|| {
                let agent = agent();
                let auth = format!("Bearer {token}");
                for _ in 0..10 {
                    let r = crate::common::send(
                        &agent,
                        "POST",
                        &url,
                        &[("Authorization", &auth), ("Accept", V), ("Content-Type", V)],
                        Some(r#"{"secretExpiresAfterHours": 1}"#),
                    );
                    assert_eq!(r.status, 201);
                }
            });
        }
    });
    assert_eq!(mock.secret_count(mock.client_id()), 81);
    let ids: std::collections::BTreeSet<_> = mock
        .service_account(mock.client_id())
        .unwrap()
        .secrets
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids.len(), 81, "secret ids are unique");
}

#[test]
fn connections_over_the_limit_get_503_when_every_one_is_answering() {
    let mock = MockAtlas::builder().max_connections(1).start().unwrap();
    // The only slot is held by a request being answered (slowly).
    mock.inject(Fault::new(FaultKind::Delay(Duration::from_secs(2))).path("/held"));
    let mut held = TcpStream::connect(mock.addr()).unwrap();
    held.write_all(b"GET /held HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    while mock.requests().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(5), "never arrived");
        std::thread::sleep(Duration::from_millis(10));
    }
    let answer = raw_exchange(&mock, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 503 "), "{answer:?}");
    assert!(answer.contains("Retry-After: 1"));
    // Once the delayed answer is out, the connection waits, and gives way to a new one.
    held.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let first = read_response(&mut held);
    assert!(first.starts_with("HTTP/1.1 404 "), "{first}");
    let r = crate::common::token_request(&mock, mock.client_id(), mock.client_secret());
    assert_eq!(r.status, 200);
    let mut rest = Vec::new();
    let _ = held.read_to_end(&mut rest);
    assert!(rest.is_empty(), "the waiting connection was closed");
}

#[test]
fn head_requests_get_headers_only_and_the_connection_stays_usable() {
    let mock = MockAtlas::start();
    let token = crate::common::token_for(&mock, mock.client_id(), mock.client_secret());
    let org = format!("/api/atlas/v2/orgs/{}/serviceAccounts", mock.org_id());
    let mut stream = TcpStream::connect(mock.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let headers = format!("Host: x\r\nAuthorization: Bearer {token}\r\nAccept: {V}\r\n");
    stream
        .write_all(
            format!("HEAD {org} HTTP/1.1\r\n{headers}\r\nGET {org} HTTP/1.1\r\n{headers}\r\n")
                .as_bytes(),
        )
        .unwrap();
    // The HEAD answer: a Content-Length, no body; the GET answer follows at once.
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        buf.push(byte[0]);
    }
    let head = String::from_utf8(buf).unwrap();
    assert!(head.starts_with("HTTP/1.1 405 "), "{head}");
    assert!(head.contains("Content-Length: "));
    let second = read_response(&mut stream);
    assert!(second.starts_with("HTTP/1.1 200 OK"), "{second}");
}
