//! A minimal HTTP/1.1 server on 127.0.0.1: one thread per connection, keep-alive,
//! `Content-Length` bodies only (what ureq sends), and a handler that writes the whole
//! answer into a reused buffer. No parsing beyond what routing needs, so the server costs
//! the same for the client under test and its baseline, and little for either.
//!
//! It counts every request and can record each one's raw bytes (request line, headers
//! and body exactly as received), which is how the byte-identity of the two clients'
//! requests is checked.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

/// A request as received. Headers are looked up lazily in the raw header block.
pub struct Request<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// Path and query, as sent.
    pub target: &'a str,
    head: &'a str,
    /// The body bytes.
    pub body: &'a [u8],
}

impl<'a> Request<'a> {
    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.head.split("\r\n").skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// The path without the query.
    pub fn path(&self) -> &'a str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The value of a query parameter (first occurrence, not decoded).
    pub fn query(&self, name: &str) -> Option<&'a str> {
        let (_, query) = self.target.split_once('?')?;
        query.split('&').find_map(|pair| {
            let (n, v) = pair.split_once('=')?;
            (n == name).then_some(v)
        })
    }
}

/// Writes a complete answer with `Content-Length` (so the connection stays open).
pub fn respond(out: &mut Vec<u8>, status: u16, headers: &[(&str, &str)], body: &[u8]) {
    let reason = match status {
        200 => "OK",
        201 => "Created",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        _ => "Status",
    };
    let _ = write!(out, "HTTP/1.1 {status} {reason}\r\n");
    for (name, value) in headers {
        let _ = write!(out, "{name}: {value}\r\n");
    }
    let _ = write!(out, "Content-Length: {}\r\n\r\n", body.len());
    out.extend_from_slice(body);
}

/// What computes an answer: reads the request, appends the full answer to `out`.
pub type Handler = dyn Fn(&Request<'_>, &mut Vec<u8>) + Send + Sync;

struct Shared {
    stop: AtomicBool,
    requests: AtomicU64,
    record: Option<Mutex<Vec<Vec<u8>>>>,
    handler: Box<Handler>,
}

/// A running server; stops accepting when dropped.
pub struct Server {
    addr: SocketAddr,
    url: String,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server answering with `handler`.
    pub fn start(handler: impl Fn(&Request<'_>, &mut Vec<u8>) + Send + Sync + 'static) -> Server {
        Self::start_inner(Box::new(handler), false)
    }

    /// Starts a server that also keeps the raw bytes of every request.
    pub fn recording(
        handler: impl Fn(&Request<'_>, &mut Vec<u8>) + Send + Sync + 'static,
    ) -> Server {
        Self::start_inner(Box::new(handler), true)
    }

    /// A server answering every request with the same bytes (a complete HTTP answer).
    pub fn fixed(answer: Vec<u8>) -> Server {
        Self::start(move |_, out| out.extend_from_slice(&answer))
    }

    fn start_inner(handler: Box<Handler>, record: bool) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("local address");
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            requests: AtomicU64::new(0),
            record: record.then(|| Mutex::new(Vec::new())),
            handler,
        });
        let acceptor = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if shared.stop.load(Ordering::Acquire) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let shared = shared.clone();
                    std::thread::spawn(move || {
                        let _ = serve(stream, &shared);
                    });
                }
            })
        };
        Server {
            addr,
            url: format!("http://{addr}"),
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        self.shared.requests.load(Ordering::Acquire)
    }

    /// The raw bytes of every request so far (recording servers only), and forgets them.
    pub fn take_recorded(&self) -> Vec<Vec<u8>> {
        self.shared
            .record
            .as_ref()
            .map(|r| std::mem::take(&mut *r.lock().unwrap_or_else(PoisonError::into_inner)))
            .unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        // Wake the acceptor so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(a) = self.acceptor.take() {
            let _ = a.join();
        }
    }
}

fn find_head_end(buf: &[u8], from: usize) -> Option<usize> {
    let start = from.saturating_sub(3);
    buf.get(start..)?
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| start + i + 4)
}

fn content_length(head: &str) -> usize {
    head.split("\r\n")
        .skip(1)
        .find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0)
}

fn serve(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    let mut chunk = vec![0u8; 16 * 1024];
    let mut out: Vec<u8> = Vec::with_capacity(16 * 1024);
    loop {
        let mut scanned = 0;
        let head_end = loop {
            if let Some(end) = find_head_end(&buf, scanned) {
                break end;
            }
            scanned = buf.len();
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = std::str::from_utf8(&buf[..head_end])
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let total = head_end + content_length(head);
        while buf.len() < total {
            let n = stream.read(&mut chunk)?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        {
            let head = std::str::from_utf8(&buf[..head_end])
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            let mut line = head.split("\r\n").next().unwrap_or("").split(' ');
            let request = Request {
                method: line.next().unwrap_or(""),
                target: line.next().unwrap_or(""),
                head,
                body: &buf[head_end..total],
            };
            (shared.handler)(&request, &mut out);
        }
        if let Some(record) = &shared.record {
            record
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(buf[..total].to_vec());
        }
        shared.requests.fetch_add(1, Ordering::AcqRel);
        stream.write_all(&out)?;
        out.clear();
        buf.drain(..total);
    }
}
