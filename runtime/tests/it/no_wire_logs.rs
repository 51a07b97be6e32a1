//! The default transport logs no secret that crosses the wire, at TRACE, in any
//! encoding: a logger captures every record of every crate while a request with a
//! secret header and body goes to a loopback server that answers with a secret body.
//!
//! Records are searched as written, and reassembled: hex dumps split over many records
//! (ureq 3 logged every byte so, 16 to a record) are decoded and joined before the search,
//! and the secrets are looked for as text, hex, base64 and percent-encoded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use atlas_runtime::transport::{Deadlines, HttpTransport, Transport};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};

static RECORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata<'_>) -> bool {
        true
    }

    fn log(&self, record: &log::Record<'_>) {
        let line = format!("{} {} {}", record.level(), record.target(), record.args());
        RECORDS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }

    fn flush(&self) {}
}

const BEARER: &str = "canary_bearer_Zq8vN2xW7kLpR4tY";
const CLIENT_ID: &str = "mdb_sa_id_canary";
const CLIENT_SECRET: &str = "canary_client_secret_Hj5mQ9";
const BODY_SECRET: &str = "canary_request_body_Uo3cV6";
const ANSWER_SECRET: &str = "mdb_sa_sk_canary_answer_Ke7wX1";

/// Answers each request on one connection with a 201 whose body holds
/// [`ANSWER_SECRET`], and hands back every request's bytes.
fn server() -> (String, thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut writer = stream;
        let mut seen = Vec::new();
        let body = format!(r#"{{"id":"1","secret":"{ANSWER_SECRET}"}}"#);
        loop {
            let mut length = 0;
            let mut head = Vec::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return seen;
                }
                head.extend_from_slice(line.as_bytes());
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut content = vec![0; length];
            reader.read_exact(&mut content).unwrap();
            seen.extend_from_slice(&head);
            seen.extend_from_slice(&content);
            write!(
                writer,
                "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
            .unwrap();
        }
    });
    (url, handle)
}

/// Every run of hex digits in `record` (between spaces, `--` padding dropped), decoded:
/// the byte content of a hex dump row.
fn hex_bytes(record: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for token in record.split_whitespace() {
        let digits = token.replace('-', "");
        if digits.is_empty()
            || digits.len() % 2 != 0
            || !digits.bytes().all(|b| b.is_ascii_hexdigit())
        {
            continue;
        }
        for pair in digits.as_bytes().chunks(2) {
            let pair = std::str::from_utf8(pair).unwrap();
            bytes.push(u8::from_str_radix(pair, 16).unwrap());
        }
    }
    bytes
}

/// `secret` as it may appear in text: itself and encoded.
fn forms(secret: &str) -> Vec<String> {
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    vec![
        secret.to_string(),
        hex.clone(),
        hex.to_ascii_uppercase(),
        STANDARD.encode(secret),
        STANDARD_NO_PAD.encode(secret),
        URL_SAFE_NO_PAD.encode(secret),
        percent_encoding::utf8_percent_encode(secret, percent_encoding::NON_ALPHANUMERIC)
            .to_string(),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn no_record_at_trace_holds_a_secret_in_any_encoding() {
    log::set_logger(&Capture).unwrap();
    log::set_max_level(log::LevelFilter::Trace);

    let (url, server) = server();
    let transport = HttpTransport::new("no-wire-logs-test");
    let basic = STANDARD.encode(format!("{CLIENT_ID}:{CLIENT_SECRET}"));
    let body = format!(r#"{{"note":"{BODY_SECRET}"}}"#);
    // Twice: the second goes over the pooled connection.
    for (path, authorization) in [
        ("/api/oauth/token", format!("Basic {basic}")),
        ("/api/atlas/v2/orgs", format!("Bearer {BEARER}")),
    ] {
        let request = http::Request::post(format!("{url}{path}"))
            .header("authorization", authorization)
            .header("content-type", "application/json")
            .body(body.clone().into_bytes())
            .unwrap();
        let deadlines = Deadlines::new(
            Duration::from_secs(5),
            Duration::from_secs(5),
            Instant::now() + Duration::from_secs(10),
        );
        let response = transport.send(request, &deadlines).unwrap();
        assert_eq!(response.status(), 201);
        let answer = response.into_body().read_to_vec(1 << 20).unwrap();
        assert!(contains(&answer, ANSWER_SECRET.as_bytes()));
    }
    drop(transport);
    let wire = server.join().unwrap();
    // The secrets did cross the wire, so finding none in the logs means something.
    for secret in [basic.as_str(), BEARER, BODY_SECRET] {
        assert!(contains(&wire, secret.as_bytes()), "{secret} not sent");
    }

    let records = RECORDS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let text = records.join("\n");
    let dumped: Vec<u8> = records.iter().flat_map(|r| hex_bytes(r)).collect();
    let pair = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    for secret in [
        BEARER,
        CLIENT_SECRET,
        pair.as_str(),
        BODY_SECRET,
        ANSWER_SECRET,
    ] {
        for form in forms(secret) {
            assert!(
                !text.contains(&form),
                "a log record holds {secret} as {form:?}"
            );
            assert!(
                !contains(&dumped, form.as_bytes()),
                "hex-dumped log records, reassembled, hold {secret} as {form:?}"
            );
        }
    }
}
