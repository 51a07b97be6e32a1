//! The HTTP/1.1 server: a listener thread, one thread per connection, keep-alive, and
//! the fault hooks between reading and answering.
//!
//! Hand-written on `std::net` rather than `tiny_http`: faults need the raw socket (close
//! before the body is read, close after processing without answering, announce a longer
//! `Content-Length` than is sent), and a server that owns its threads can stop them all
//! and release the port when the emulator is dropped.

pub(crate) mod http;

use std::collections::HashMap;
use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use self::http::{Framing, Head, ReadError, Request, Response};
use crate::api;
use crate::errors::ApiError;
use crate::faults::FaultKind;
use crate::log::RecordedRequest;
use crate::state::{Shared, lock};

/// A stop signal that sleeping threads wake up for.
#[derive(Debug, Default)]
pub(crate) struct Stop {
    stopped: Mutex<bool>,
    wake: Condvar,
}

impl Stop {
    fn is_set(&self) -> bool {
        *lock(&self.stopped)
    }

    fn set(&self) {
        *lock(&self.stopped) = true;
        self.wake.notify_all();
    }

    /// Sleeps for `d` unless stopped first; true when stopped.
    fn sleep(&self, d: Duration) -> bool {
        let guard = lock(&self.stopped);
        let (guard, _) = self
            .wake
            .wait_timeout_while(guard, d, |stopped| !*stopped)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard
    }
}

#[derive(Debug, Default)]
struct Connections {
    next_id: u64,
    open: HashMap<u64, TcpStream>,
    threads: Vec<JoinHandle<()>>,
}

/// A running server; stops (threads joined, port released) on drop.
#[derive(Debug)]
pub(crate) struct Server {
    addr: SocketAddr,
    stop: Arc<Stop>,
    conns: Arc<Mutex<Connections>>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `listener` in the background.
    pub(crate) fn start(listener: TcpListener, shared: Arc<Shared>) -> io::Result<Server> {
        let addr = listener.local_addr()?;
        let stop = Arc::new(Stop::default());
        let conns = Arc::new(Mutex::new(Connections::default()));
        let acceptor = {
            let (stop, conns) = (Arc::clone(&stop), Arc::clone(&conns));
            thread::Builder::new()
                .name("atlas-mock-accept".into())
                .spawn(move || accept_loop(&listener, &shared, &stop, &conns))?
        };
        Ok(Server {
            addr,
            stop,
            conns,
            acceptor: Some(acceptor),
        })
    }

    /// The address listened on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every connection and joins every thread.
    pub(crate) fn stop(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.stop.set();
        // Wake the blocking accept() with a connection of our own.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        let _ = acceptor.join();
        let threads = {
            let mut conns = lock(&self.conns);
            for stream in conns.open.values() {
                let _ = stream.shutdown(Shutdown::Both);
            }
            std::mem::take(&mut conns.threads)
        };
        for t in threads {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    stop: &Arc<Stop>,
    conns: &Arc<Mutex<Connections>>,
) {
    loop {
        let accepted = listener.accept();
        if stop.is_set() {
            return;
        }
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(_) => {
                // Out of descriptors or an aborted handshake: wait a little, go on.
                if stop.sleep(Duration::from_millis(10)) {
                    return;
                }
                continue;
            }
        };
        let mut c = lock(conns);
        let (done, running): (Vec<_>, Vec<_>) = std::mem::take(&mut c.threads)
            .into_iter()
            .partition(|t| t.is_finished());
        c.threads = running;
        for t in done {
            let _ = t.join();
        }
        if c.open.len() >= shared.config.max_connections {
            drop(c);
            refuse_busy(stream);
            continue;
        }
        let id = c.next_id;
        c.next_id += 1;
        if let Ok(clone) = stream.try_clone() {
            c.open.insert(id, clone);
        }
        let (shared, stop, conns2) = (Arc::clone(shared), Arc::clone(stop), Arc::clone(conns));
        let spawned = thread::Builder::new()
            .name("atlas-mock-conn".into())
            .spawn(move || {
                serve(stream, peer, &shared, &stop);
                lock(&conns2).open.remove(&id);
            });
        match spawned {
            Ok(handle) => c.threads.push(handle),
            Err(_) => {
                if let Some(s) = c.open.remove(&id) {
                    let _ = s.shutdown(Shutdown::Both);
                }
            }
        }
    }
}

fn refuse_busy(mut stream: TcpStream) {
    let e = ApiError::new(
        503,
        "SERVICE_UNAVAILABLE",
        "The Atlas emulator has too many open connections.",
    )
    .header("Retry-After", "1");
    let _ = stream.write_all(&api::plain_error(&e).to_bytes(false, None));
    let _ = stream.shutdown(Shutdown::Both);
}

fn record(peer: SocketAddr, head: &Head, body: Vec<u8>) -> RecordedRequest {
    RecordedRequest {
        seq: 0,
        peer,
        method: head.method.clone(),
        path: head.path.clone(),
        query: head.query.clone(),
        headers: head.headers.clone(),
        body,
        fault: None,
        processed: false,
        status: None,
        answered: false,
    }
}

fn push_log(shared: &Shared, entry: RecordedRequest) {
    lock(&shared.log).push(entry);
}

/// Answers a request that cannot be read (400, 413 or 431) and logs what is known.
fn reject(
    writer: &mut TcpStream,
    shared: &Shared,
    peer: SocketAddr,
    head: Option<&Head>,
    error: ReadError,
) {
    let (status, detail) = match error {
        ReadError::Malformed(m) => (400, m),
        ReadError::TooLarge(m) if head.is_some() => (413, m),
        ReadError::TooLarge(m) => (431, m),
        ReadError::Closed | ReadError::Io => return,
    };
    let code = match status {
        413 => "REQUEST_TOO_LARGE",
        431 => "REQUEST_HEADERS_TOO_LARGE",
        _ => "MALFORMED_REQUEST",
    };
    let e = ApiError::new(status, code, format!("Malformed HTTP request: {detail}."));
    let response = api::plain_error(&e);
    let mut entry = match head {
        Some(h) => record(peer, h, Vec::new()),
        None => RecordedRequest {
            seq: 0,
            peer,
            method: String::new(),
            path: String::new(),
            query: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            fault: None,
            processed: false,
            status: None,
            answered: false,
        },
    };
    entry.status = Some(status);
    entry.answered = true;
    push_log(shared, entry);
    let _ = writer.write_all(&response.to_bytes(false, None));
    let _ = writer.shutdown(Shutdown::Both);
}

/// Serves one connection until it closes, a fault cuts it, or the server stops.
fn serve(stream: TcpStream, peer: SocketAddr, shared: &Shared, stop: &Stop) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_read_timeout(Some(shared.config.keep_alive));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    while !stop.is_set() {
        let head = match http::read_head(&mut reader) {
            Ok(head) => head,
            Err(e) => {
                reject(&mut writer, shared, peer, None, e);
                return;
            }
        };
        let fault = lock(&shared.faults).take(&head.method, &head.path);
        if fault == Some(FaultKind::DropBeforeRead) {
            let mut entry = record(peer, &head, Vec::new());
            entry.fault = fault;
            push_log(shared, entry);
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
        let framing = match head.framing() {
            Ok(f) => f,
            Err(e) => {
                reject(&mut writer, shared, peer, Some(&head), e);
                return;
            }
        };
        if head.expects_continue() && framing != Framing::Length(0) {
            let _ = writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
        }
        let body = match http::read_body(&mut reader, framing) {
            Ok(b) => b,
            Err(e) => {
                reject(&mut writer, shared, peer, Some(&head), e);
                return;
            }
        };
        let keep_alive = head.keep_alive();
        let mut entry = record(peer, &head, body.clone());
        entry.fault.clone_from(&fault);
        let request = Request { head, body, peer };
        if !exchange(
            &mut writer,
            shared,
            stop,
            &request,
            fault,
            entry,
            keep_alive,
        ) {
            return;
        }
    }
}

/// Answers one request, faults applied. False when the connection must close.
fn exchange(
    writer: &mut TcpStream,
    shared: &Shared,
    stop: &Stop,
    request: &Request,
    fault: Option<FaultKind>,
    mut entry: RecordedRequest,
    keep_alive: bool,
) -> bool {
    let close = |w: &mut TcpStream| {
        let _ = w.flush();
        let _ = w.shutdown(Shutdown::Both);
        false
    };
    match fault {
        Some(FaultKind::Respond {
            status,
            headers,
            body,
        }) => {
            let response = Response {
                status,
                headers,
                body,
            };
            entry.status = Some(status);
            entry.answered = true;
            push_log(shared, entry);
            send(writer, &wire(&response, request, keep_alive)) && (keep_alive || close(writer))
        }
        Some(FaultKind::DropAfterRead) => {
            let response = api::respond(shared, request);
            entry.processed = true;
            entry.status = Some(response.status);
            push_log(shared, entry);
            close(writer)
        }
        Some(FaultKind::TruncateBody { keep }) => {
            let mut response = api::respond(shared, request);
            entry.processed = true;
            entry.status = Some(response.status);
            push_log(shared, entry);
            let full = response.body.len();
            let sent = keep.min(full.saturating_sub(1));
            let declared = full.max(sent + 1);
            response.body.truncate(sent);
            let _ = writer.write_all(&response.to_bytes(false, Some(declared)));
            close(writer)
        }
        Some(FaultKind::Delay(wait)) => {
            let response = api::respond(shared, request);
            entry.processed = true;
            entry.status = Some(response.status);
            entry.answered = true;
            push_log(shared, entry);
            if stop.sleep(wait) {
                return close(writer);
            }
            send(writer, &wire(&response, request, keep_alive)) && (keep_alive || close(writer))
        }
        Some(FaultKind::DropBeforeRead) | None => {
            let response = api::respond(shared, request);
            entry.processed = true;
            entry.status = Some(response.status);
            entry.answered = true;
            push_log(shared, entry);
            send(writer, &wire(&response, request, keep_alive)) && (keep_alive || close(writer))
        }
    }
}

/// The bytes of a whole response; for `HEAD`, the headers of the response a `GET`
/// would get (its `Content-Length` included) and no body.
fn wire(response: &Response, request: &Request, keep_alive: bool) -> Vec<u8> {
    if request.head.method == "HEAD" {
        let head_only = Response {
            body: Vec::new(),
            ..response.clone()
        };
        head_only.to_bytes(keep_alive, Some(response.body.len()))
    } else {
        response.to_bytes(keep_alive, None)
    }
}

fn send(writer: &mut TcpStream, bytes: &[u8]) -> bool {
    writer
        .write_all(bytes)
        .and_then(|()| writer.flush())
        .is_ok()
}
