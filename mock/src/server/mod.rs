//! The HTTP/1.1 server: hyper on a two-thread tokio runtime that the emulator owns.
//!
//! hyper parses and frames (a deadline for the whole request head, idle time included;
//! body framing; keep-alive; `100 Continue`); the emulator adds what a server exposed to
//! hostile clients needs on top: a connection table in which waiting connections give
//! way to new ones ([`conns`]), a write timeout for peers that stop reading ([`io`]), a
//! body size limit and a body deadline, and the fault hooks between reading and
//! answering ([`service`]). The one response written without hyper is the 503 to a
//! connection that finds every slot busy: it is written before any request is read.
//!
//! Dropping the server shuts the runtime down: every connection is closed, every delayed
//! answer abandoned, and the port released.

mod conns;
pub(crate) mod http;
mod io;
mod service;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::{Semaphore, oneshot};

use self::conns::{Connections, Slot};
use self::http::MAX_HEAD;
use self::io::WriteDeadline;
use crate::api;
use crate::errors::ApiError;
use crate::state::Shared;

/// Most 503 refusals being written at once; further connections are closed unanswered.
const MAX_REFUSALS: usize = 64;

/// A running server; stops (tasks dropped, port released) on drop.
#[derive(Debug)]
pub(crate) struct Server {
    addr: SocketAddr,
    runtime: Option<Runtime>,
}

impl Server {
    /// Serves `listener` in the background.
    pub(crate) fn start(
        listener: std::net::TcpListener,
        shared: Arc<Shared>,
    ) -> std::io::Result<Server> {
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("atlas-mock")
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            TcpListener::from_std(listener)?
        };
        runtime.spawn(accept_loop(listener, shared));
        Ok(Server {
            addr,
            runtime: Some(runtime),
        })
    }

    /// The address listened on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops serving: every task (the listener's, each connection's) is dropped.
    pub(crate) fn stop(&mut self) {
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        // A runtime cannot be shut down from inside an asynchronous context (a test
        // under #[tokio::test] that drops its emulator): do it on a thread of its own.
        let stopper = std::thread::Builder::new()
            .name("atlas-mock-stop".into())
            .spawn(move || runtime.shutdown_timeout(Duration::from_secs(2)));
        if let Ok(handle) = stopper {
            let _ = handle.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let conns = Connections::new(shared.config.max_connections);
    let refusals = Arc::new(Semaphore::new(MAX_REFUSALS));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(pair) => pair,
            Err(_) => {
                // Out of descriptors or an aborted handshake: wait a little, go on.
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        match conns.admit() {
            Some((slot, evicted)) => {
                tokio::spawn(serve_connection(
                    stream,
                    peer,
                    Arc::clone(&shared),
                    slot,
                    evicted,
                ));
            }
            None => {
                if let Ok(permit) = Arc::clone(&refusals).try_acquire_owned() {
                    tokio::spawn(async move {
                        refuse_busy(stream).await;
                        drop(permit);
                    });
                }
            }
        }
    }
}

/// Serves one connection until it closes, a fault or a timeout cuts it, or it is
/// evicted.
async fn serve_connection(
    stream: TcpStream,
    peer: SocketAddr,
    shared: Arc<Shared>,
    slot: Slot,
    evicted: oneshot::Receiver<()>,
) {
    let _ = stream.set_nodelay(true);
    let config = &shared.config;
    let io = TokioIo::new(WriteDeadline::new(stream, config.write_timeout));
    let head_deadline = config.keep_alive.min(config.request_read_timeout);
    let slot = Arc::new(slot);
    let service = {
        let (shared, slot) = (Arc::clone(&shared), Arc::clone(&slot));
        service_fn(move |req| service::serve(Arc::clone(&shared), peer, Arc::clone(&slot), req))
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(head_deadline)
        .title_case_headers(true)
        .max_buf_size(MAX_HEAD)
        .max_headers(200);
    let connection = builder.serve_connection(io, service);
    let was_evicted = tokio::select! {
        outcome = connection => {
            if let Err(e) = outcome {
                service::log_refused(&shared, peer, &e);
            }
            false
        }
        _ = evicted => true,
    };
    // The connection, and its socket, are dropped by now.
    if was_evicted {
        shared.evicted.fetch_add(1, Ordering::SeqCst);
    }
}

/// Answers 503 to a connection that found every slot busy, without reading from it.
async fn refuse_busy(mut stream: TcpStream) {
    let e = ApiError::new(
        503,
        "SERVICE_UNAVAILABLE",
        "The Atlas emulator has too many open connections.",
    )
    .header("Retry-After", "1");
    let response = api::plain_error(&e);
    let mut bytes = String::from("HTTP/1.1 503 Service Unavailable\r\n");
    for (name, value) in &response.headers {
        bytes.push_str(&format!("{name}: {value}\r\n"));
    }
    bytes.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        response.body.len()
    ));
    let mut bytes = bytes.into_bytes();
    bytes.extend_from_slice(&response.body);
    let _ = tokio::time::timeout(Duration::from_secs(1), async {
        let _ = stream.write_all(&bytes).await;
        let _ = stream.shutdown().await;
    })
    .await;
}
