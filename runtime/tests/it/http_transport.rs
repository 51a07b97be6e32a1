//! The default transport against raw loopback servers: what goes on the wire, the
//! streamed body and its deadline, connection reuse, "not sent" that is provable, and
//! calls from inside a tokio runtime.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use atlas_runtime::error::TransportErrorKind;
use atlas_runtime::transport::{Deadlines, HttpTransport, Transport};

fn deadlines(total: Duration) -> Deadlines {
    Deadlines::new(
        Duration::from_secs(2),
        Duration::from_secs(2),
        Instant::now() + total,
    )
}

/// Reads one request (head and `content-length` body) and returns its bytes; `None` at
/// the end of the connection.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        bytes.extend_from_slice(line.as_bytes());
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().ok()?;
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    bytes.extend_from_slice(&body);
    Some(bytes)
}

/// A server that runs `serve` on each of the first `connections` connections, each on
/// its own thread, and hands back what each returned.
fn server<F>(connections: usize, serve: F) -> (String, thread::JoinHandle<Vec<Vec<u8>>>)
where
    F: Fn(BufReader<TcpStream>, TcpStream) -> Vec<u8> + Send + Sync + Clone + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let mut handles = Vec::new();
        for _ in 0..connections {
            let (stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let serve = serve.clone();
            handles.push(thread::spawn(move || {
                let reader = BufReader::new(stream.try_clone().unwrap());
                serve(reader, stream)
            }));
        }
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    (url, handle)
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";

#[test]
fn sends_the_request_as_given_plus_host_and_content_length_and_reuses_the_connection() {
    let (url, server) = server(1, |mut reader, mut writer| {
        let mut seen = Vec::new();
        while let Some(request) = read_request(&mut reader) {
            seen.extend_from_slice(&request);
            writer.write_all(OK).unwrap();
        }
        seen
    });
    let transport = HttpTransport::new("agent/1.0");
    for _ in 0..3 {
        let request = http::Request::post(format!("{url}/a/b?q=1"))
            .header("accept", "application/json")
            .body(b"{}".to_vec())
            .unwrap();
        let response = transport
            .send(request, &deadlines(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.into_body().read_to_vec(100).unwrap(), b"ok");
    }
    let dropped = Instant::now();
    drop(transport);
    let seen = server.join().unwrap();
    assert!(
        dropped.elapsed() < Duration::from_secs(2),
        "dropping the transport closes its idle connection"
    );
    assert_eq!(seen.len(), 1, "three requests over one connection");
    let host = url.strip_prefix("http://").unwrap();
    let one = format!(
        "POST /a/b?q=1 HTTP/1.1\r\naccept: application/json\r\ncontent-length: 2\r\nhost: {host}\r\nuser-agent: agent/1.0\r\n\r\n{{}}"
    );
    assert_eq!(String::from_utf8_lossy(&seen[0]), one.repeat(3));
}

#[test]
fn a_connection_the_server_closed_while_idle_is_replaced_without_an_error() {
    // Each connection answers one request and closes without saying so.
    let (url, server) = server(2, |mut reader, mut writer| {
        let request = read_request(&mut reader).unwrap_or_default();
        writer.write_all(OK).unwrap();
        request
    });
    let transport = HttpTransport::new("t");
    for _ in 0..2 {
        let request = http::Request::post(format!("{url}/x"))
            .body(b"1".to_vec())
            .unwrap();
        let response = transport
            .send(request, &deadlines(Duration::from_secs(5)))
            .unwrap();
        assert_eq!(response.into_body().read_to_vec(100).unwrap(), b"ok");
        // Let the close reach the client before the next call.
        thread::sleep(Duration::from_millis(50));
    }
    let seen = server.join().unwrap();
    assert!(seen.iter().all(|r| r.starts_with(b"POST /x ")), "{seen:?}");
}

#[test]
fn the_body_streams_and_a_trickle_cannot_outlast_the_deadline() {
    let (go, wait) = mpsc::channel::<()>();
    let wait = std::sync::Arc::new(std::sync::Mutex::new(wait));
    let (url, server) = server(1, move |mut reader, mut writer| {
        read_request(&mut reader);
        writer
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100000000\r\n\r\n")
            .unwrap();
        writer.write_all(&[b'a'; 65536]).unwrap();
        // The rest only after the client has read from the first part, then a trickle.
        let _ = wait.lock().unwrap().recv_timeout(Duration::from_secs(5));
        for _ in 0..40 {
            if writer.write_all(b"b").is_err() {
                break;
            }
            thread::sleep(Duration::from_millis(50));
        }
        Vec::new()
    });
    let transport = HttpTransport::new("t");
    let started = Instant::now();
    let request = http::Request::get(format!("{url}/big"))
        .body(Vec::new())
        .unwrap();
    let response = transport
        .send(request, &deadlines(Duration::from_millis(800)))
        .unwrap();
    let mut body = response.into_body();
    let mut first = vec![0; 65536];
    body.read_exact(&mut first).unwrap();
    go.send(()).unwrap();
    let mut rest = Vec::new();
    let err = body.read_to_end(&mut rest).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut, "{err}");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(1200), "{elapsed:?}");
    assert!(!rest.is_empty() && rest.len() < 40, "{}", rest.len());
    drop(body);
    server.join().unwrap();
}

#[test]
fn a_silent_server_times_out_after_sending_and_says_so() {
    let (url, server) = server(1, |mut reader, _writer| {
        read_request(&mut reader);
        thread::sleep(Duration::from_millis(700));
        Vec::new()
    });
    let transport = HttpTransport::new("t");
    let request = http::Request::post(format!("{url}/x"))
        .body(b"1".to_vec())
        .unwrap();
    let d = Deadlines::new(
        Duration::from_secs(2),
        Duration::from_millis(200),
        Instant::now() + Duration::from_secs(5),
    );
    let started = Instant::now();
    let err = transport.send(request, &d).unwrap_err();
    assert!(started.elapsed() < Duration::from_millis(600));
    assert_eq!(err.kind, TransportErrorKind::Timeout);
    assert!(err.maybe_sent);
    server.join().unwrap();
}

#[test]
fn failures_before_any_byte_left_are_not_sent() {
    let transport = HttpTransport::new("t");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let refused = http::Request::post(format!("http://127.0.0.1:{port}/x"))
        .body(b"1".to_vec())
        .unwrap();
    let err = transport
        .send(refused, &deadlines(Duration::from_secs(5)))
        .unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::Connect);
    assert!(!err.maybe_sent);

    let not_http = http::Request::post("ftp://127.0.0.1/x")
        .body(Vec::new())
        .unwrap();
    let err = transport
        .send(not_http, &deadlines(Duration::from_secs(5)))
        .unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::InvalidUrl);
    assert!(!err.maybe_sent);

    // TLS to a server that speaks plain HTTP: the handshake fails, nothing was sent.
    let (url, server) = server(1, |mut reader, mut writer| {
        let mut hello = [0; 5];
        let _ = reader.read_exact(&mut hello);
        let _ = writer.write_all(OK);
        Vec::new()
    });
    let tls = http::Request::post(url.replace("http://", "https://"))
        .body(b"1".to_vec())
        .unwrap();
    let err = transport
        .send(tls, &deadlines(Duration::from_secs(5)))
        .unwrap_err();
    assert_eq!(err.kind, TransportErrorKind::Tls, "{err:?}");
    assert!(!err.maybe_sent);
    server.join().unwrap();
}

#[test]
fn works_when_called_from_inside_a_tokio_runtime() {
    let (url, server) = server(1, |mut reader, mut writer| {
        while read_request(&mut reader).is_some() {
            writer.write_all(OK).unwrap();
        }
        Vec::new()
    });
    let transport = HttpTransport::new("t");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = runtime.block_on(async {
        let request = http::Request::get(format!("{url}/x"))
            .body(Vec::new())
            .unwrap();
        let response = transport
            .send(request, &deadlines(Duration::from_secs(5)))
            .unwrap();
        response.into_body().read_to_vec(100).unwrap()
    });
    assert_eq!(body, b"ok");
    drop(transport);
    server.join().unwrap();
}

/// Each connection answers one request, then the server closes it while the client is
/// idle (as Apache does after `KeepAliveTimeout`): the client's pool still holds it, and
/// nothing of the client reads the close until the next call.
fn closes_while_the_client_is_idle(
    connections: usize,
) -> (String, thread::JoinHandle<Vec<Vec<u8>>>) {
    server(connections, |mut reader, mut writer| {
        let request = read_request(&mut reader).unwrap_or_default();
        writer.write_all(OK).unwrap();
        thread::sleep(Duration::from_millis(100));
        drop(reader);
        drop(writer);
        request
    })
}

#[test]
fn a_connection_the_server_closed_while_the_client_was_idle_is_never_written_to() {
    let methods = [
        http::Method::POST,
        http::Method::PATCH,
        http::Method::GET,
        http::Method::PUT,
        http::Method::DELETE,
    ];
    let (url, server) = closes_while_the_client_is_idle(methods.len());
    let transport = HttpTransport::new("t");
    for method in &methods {
        let request = http::Request::builder()
            .method(method.clone())
            .uri(format!("{url}/x"))
            .body(b"1".to_vec())
            .unwrap();
        let response = transport
            .send(request, &deadlines(Duration::from_secs(5)))
            .unwrap_or_else(|e| {
                panic!(
                    "{method} after an idle close: {e} (maybe_sent {})",
                    e.maybe_sent
                )
            });
        assert_eq!(response.into_body().read_to_vec(100).unwrap(), b"ok");
        // The server closes while the client does nothing.
        thread::sleep(Duration::from_millis(400));
    }
    let seen = server.join().unwrap();
    // One request per connection, each method exactly once: nothing was lost or sent twice.
    for (request, method) in seen.iter().zip(&methods) {
        assert!(
            request.starts_with(format!("{method} /x ").as_bytes()),
            "{}",
            String::from_utf8_lossy(request)
        );
    }
}

/// A loopback port nobody listens on: connecting fails before anything is written.
fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[test]
fn a_failed_request_is_reported_by_its_own_method() {
    use atlas_runtime::{Client, Error, Method, RetryPolicy};
    let url = refused_url();
    let client = Client::builder()
        .base_url(&url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let cases = [
        (http::Method::HEAD, Method::Head, "HEAD"),
        (http::Method::OPTIONS, Method::Options, "OPTIONS"),
        (http::Method::GET, Method::Get, "GET"),
        (http::Method::POST, Method::Post, "POST"),
        (http::Method::PATCH, Method::Patch, "PATCH"),
    ];
    for (wire, method, name) in cases {
        let request = || {
            http::Request::builder()
                .method(wire.clone())
                .uri(format!("{url}/api/atlas/v2/x"))
                .body(Vec::new())
                .unwrap()
        };
        // Through the client and through the transport alone: the same method each time.
        match client.execute(request()) {
            Err(Error::Transport(e)) => {
                assert_eq!(e.method, Some(method), "{name}");
                assert!(e.to_string().starts_with(&format!("{name} {url}/")), "{e}");
            }
            other => panic!("{name}: {other:?}"),
        }
        let e = HttpTransport::new("t")
            .send(request(), &deadlines(Duration::from_secs(5)))
            .unwrap_err();
        assert_eq!(e.method, Some(method), "{name}");
        assert!(e.to_string().starts_with(&format!("{name} ")), "{e}");
    }
    // HEAD and OPTIONS are safe methods: retried after a failure once sent, as GET is.
    assert!(Method::Head.is_idempotent() && Method::Options.is_idempotent());
    assert!(!Method::Post.is_idempotent() && !Method::Connect.is_idempotent());
}

#[test]
fn an_extension_method_is_refused_by_the_client_before_any_io_and_named_by_the_transport() {
    use atlas_runtime::{Client, Error};
    // A server that counts connections: the client must open none.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let client = Client::builder().base_url(&url).build().unwrap();
    let purge = http::Method::from_bytes(b"PURGE").unwrap();
    let request = || {
        http::Request::builder()
            .method(purge.clone())
            .uri(format!("{url}/api/atlas/v2/x"))
            .body(Vec::new())
            .unwrap()
    };
    match client.execute(request()) {
        Err(Error::Request(e)) => {
            assert!(
                e.to_string().contains("PURGE is not one HTTP defines"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(listener.accept().is_err(), "nothing was sent");
    // A transport used directly reports it by its own name, with no `Method` to misname it.
    let e = HttpTransport::new("t")
        .send(request(), &deadlines(Duration::ZERO))
        .unwrap_err();
    assert_eq!(e.method, None);
    assert!(e.to_string().starts_with("PURGE "), "{e}");
}
