//! The attacks of issue 14 §1, each against an emulator on 127.0.0.1 with its limits
//! scaled down (but every attack opens more connections than the limit), each showing
//! that a normal client is still served while it runs.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use atlas_mock::{Fault, FaultKind, MockAtlas};

use crate::common::{Api, V, agent, basic, send, token_for};

/// A normal client: a fresh connection, a token, an API call, each answered in time.
#[track_caller]
fn normal_client_is_served(mock: &MockAtlas) {
    let started = Instant::now();
    let api = Api::owner(mock);
    let r = api.call("GET", &api.org(), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "served, but in {:?}",
        started.elapsed()
    );
}

/// Whether the server has closed `stream` (EOF or reset), waiting at most `wait`.
fn closed_by_server(stream: &mut TcpStream, wait: Duration) -> bool {
    let deadline = Instant::now() + wait;
    let mut buf = [0u8; 65536];
    while Instant::now() < deadline {
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        match stream.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return true,
        }
    }
    false
}

#[test]
fn slowloris_heads_are_cut_off_and_do_not_lock_clients_out() {
    const LIMIT: usize = 16;
    let mock = MockAtlas::builder()
        .max_connections(LIMIT)
        .request_read_timeout(Duration::from_secs(2))
        .token_endpoint_limit(None)
        .start()
        .unwrap();
    // More trickling heads than the server has slots, each sending a byte every 200 ms.
    let mut trickling: Vec<TcpStream> = (0..LIMIT + 8)
        .map(|_| {
            let mut s = TcpStream::connect(mock.addr()).unwrap();
            s.write_all(b"GET /api/atlas/v2 HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .unwrap();
            s
        })
        .collect();
    // A body trickled in the same way, under a head that arrived whole.
    let mut slow_body = TcpStream::connect(mock.addr()).unwrap();
    slow_body
        .write_all(b"POST /api/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let mut open: Vec<bool> = vec![true; trickling.len()];
    let mut served = 0;
    while open.iter().any(|o| *o) && started.elapsed() < Duration::from_secs(15) {
        for (s, o) in trickling.iter_mut().zip(open.iter_mut()) {
            if *o && s.write_all(b"a").is_err() {
                *o = false;
            }
            if *o {
                s.set_read_timeout(Some(Duration::from_millis(1))).unwrap();
                let mut byte = [0u8; 1];
                match s.read(&mut byte) {
                    Ok(0) => *o = false,
                    Err(e) if !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                        *o = false
                    }
                    _ => {}
                }
            }
        }
        let _ = slow_body.write_all(b"x");
        if served < 3 {
            normal_client_is_served(&mock);
            served += 1;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(served, 3);
    // The head deadline is for the whole head: every trickling connection was closed
    // although it never paused for more than a few hundred milliseconds (a timeout per
    // read would have kept them all open).
    assert!(
        open.iter().all(|o| !*o),
        "{} heads still open after {:?}",
        open.iter().filter(|o| **o).count(),
        started.elapsed()
    );
    // The trickled body got 408 when its own deadline passed.
    slow_body
        .set_read_timeout(Some(Duration::from_secs(3)))
        .unwrap();
    let mut answer = String::new();
    let _ = slow_body.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer:?}");
    normal_client_is_served(&mock);
}

/// A connection whose receive window is tiny, so that the server's writes stall as soon
/// as the client stops reading.
fn non_reader(addr: SocketAddr) -> TcpStream {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&addr.into()).unwrap();
    let stream: TcpStream = socket.into();
    stream
        .set_write_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    stream
}

#[test]
fn pipelining_clients_that_never_read_are_dropped() {
    const LIMIT: usize = 8;
    let mock = MockAtlas::builder()
        .max_connections(LIMIT)
        .write_timeout(Duration::from_secs(1))
        .token_endpoint_limit(None)
        .start()
        .unwrap();
    // Large answers that cost nothing to make (64 KiB, canned), so that the kernel's
    // buffers fill after a few requests and the server's writes stall.
    mock.inject(
        Fault::new(FaultKind::respond(200, &[], vec![b'a'; 64 * 1024]))
            .path("/big")
            .times(usize::MAX),
    );
    let request = "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
    let burst = request.repeat(2000);
    let started = Instant::now();
    let mut attackers: Vec<TcpStream> = (0..LIMIT + 4)
        .map(|_| {
            let mut s = non_reader(mock.addr());
            // Blocks once the server stops reading; the write timeout ends it.
            let _ = s.write_all(burst.as_bytes());
            s
        })
        .collect();
    normal_client_is_served(&mock);
    // Every one of them was closed, by the write timeout or to make room (reading now
    // would unblock the server, so give the timeout time to pass first).
    std::thread::sleep(Duration::from_millis(1500));
    for (i, s) in attackers.iter_mut().enumerate() {
        assert!(
            closed_by_server(s, Duration::from_secs(5)),
            "attacker {i} still open after {:?}",
            started.elapsed()
        );
    }
    normal_client_is_served(&mock);
}

#[test]
fn large_unauthenticated_posts_are_not_read_and_the_log_keeps_prefixes() {
    const LIMIT: usize = 8;
    let mock = MockAtlas::builder()
        .max_connections(LIMIT)
        .token_endpoint_limit(None)
        .start()
        .unwrap();
    let path = format!(
        "/api/atlas/v2/orgs/{}/serviceAccounts/{}/secrets",
        mock.org_id(),
        mock.client_id()
    );
    let body = vec![b'{'; 8 * 1024 * 1024];
    std::thread::scope(|s| {
        for _ in 0..LIMIT + 4 {
            s.spawn(|| {
                let mut stream = TcpStream::connect(mock.addr()).unwrap();
                stream
                    .set_write_timeout(Some(Duration::from_secs(5)))
                    .unwrap();
                let head = format!(
                    "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: {V}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                // The server answers 401 and closes without reading: the write fails.
                let _ = stream.write_all(&body);
                assert!(closed_by_server(&mut stream, Duration::from_secs(5)));
            });
        }
        normal_client_is_served(&mock);
    });
    let unauthenticated: Vec<_> = mock
        .requests()
        .into_iter()
        .filter(|r| r.path == path && r.status == Some(401))
        .collect();
    // Some connections gave way to newer ones before sending a head: at most one entry
    // per connection, none with a body.
    assert!((1..=LIMIT + 4).contains(&unauthenticated.len()));
    assert!(
        unauthenticated
            .iter()
            .all(|r| r.body.is_empty() && r.body_len == 0)
    );

    // An authenticated large body is read (and refused), and the log keeps its first
    // 4 KiB only.
    mock.clear_requests();
    let api = Api::owner(&mock);
    let big = "x".repeat(2 * 1024 * 1024);
    let r = api.call("POST", &path, Some(&big));
    assert_eq!(r.status, 400, "{}", r.body);
    let entry = mock.requests().pop().unwrap();
    assert_eq!((entry.body.len(), entry.body_len), (4096, big.len()));
    // Over 8 MiB, chunked (no length announced): 413.
    let token = api.token.clone();
    let mut stream = TcpStream::connect(mock.addr()).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nAccept: {V}\r\nContent-Type: {V}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = format!("100000\r\n{}\r\n", "y".repeat(0x10_0000));
    for _ in 0..9 {
        if stream.write_all(chunk.as_bytes()).is_err() {
            break;
        }
    }
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(
        answer.starts_with(b"HTTP/1.1 413 "),
        "{:?}",
        String::from_utf8_lossy(&answer)
    );
    // The log is capped.
    let small = MockAtlas::builder()
        .request_log_capacity(3)
        .start()
        .unwrap();
    for _ in 0..5 {
        crate::common::token_request(&small, small.client_id(), small.client_secret());
    }
    let seqs: Vec<usize> = small.requests().iter().map(|r| r.seq).collect();
    assert_eq!(seqs, [2, 3, 4]);
    // The count of token requests is not.
    assert_eq!(small.token_requests(), 5);
}

/// Sends `raw` on a new connection, reads until the server closes it.
fn exchange(mock: &MockAtlas, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(mock.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(raw).unwrap();
    let mut out = Vec::new();
    let _ = stream.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

#[test]
fn framing_as_rfc_9112_says() {
    let mock = MockAtlas::start();
    // No Host in HTTP/1.1: 400.
    let answer = exchange(&mock, b"GET /api/atlas/v2 HTTP/1.1\r\nAccept: */*\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer:?}");
    assert!(answer.contains("MALFORMED_REQUEST"), "{answer:?}");
    // HTTP/1.0 needs none.
    let answer = exchange(&mock, b"GET /nowhere HTTP/1.0\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.0 404 "), "{answer:?}");

    // A 401 from the head leaves the body unread and closes the connection: the body is
    // never taken for a request of its own.
    let inner = "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n";
    let answer = exchange(
        &mock,
        format!(
            "POST /api/atlas/v2/orgs/{}/serviceAccounts HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{inner}",
            mock.org_id(),
            inner.len()
        )
        .as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 401 "), "{answer:?}");
    assert!(answer.contains("Connection: close"), "{answer:?}");
    assert_eq!(answer.matches("HTTP/1.1 ").count(), 1, "{answer:?}");

    // A chunk size with a sign: refused.
    let auth = basic(mock.client_id(), mock.client_secret());
    let head = format!(
        "POST /api/oauth/token HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let answer = exchange(&mock, format!("{head}+2\r\nab\r\n0\r\n\r\n").as_bytes());
    assert!(answer.starts_with("HTTP/1.1 400 "), "{answer:?}");
    assert_eq!(mock.live_token_count(mock.client_id()), 0);

    // A legal 20 KB form in 20,000 one-byte chunks: served.
    let form = format!(
        "grant_type=client_credentials&padding={}",
        "p".repeat(20_000 - "grant_type=client_credentials&padding=".len())
    );
    assert_eq!(form.len(), 20_000);
    let mut raw = head.into_bytes();
    for b in form.bytes() {
        raw.extend_from_slice(b"1\r\n");
        raw.push(b);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"0\r\nConnection: close\r\n\r\n");
    let answer = exchange(&mock, &raw);
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer:?}");
    assert_eq!(mock.live_token_count(mock.client_id()), 1);
    let entry = mock.requests().pop().unwrap();
    assert_eq!(entry.body_len, 20_000);
    // The server is still whole.
    let token = token_for(&mock, mock.client_id(), mock.client_secret());
    let r = send(
        &agent(),
        "GET",
        &format!(
            "{}/api/atlas/v2/orgs/{}/serviceAccounts",
            mock.url(),
            mock.org_id()
        ),
        &[("Authorization", &format!("Bearer {token}")), ("Accept", V)],
        None,
    );
    assert_eq!(r.status, 200);
}
