//! `atlas-test-support`, the test-support library (the integration suite itself is the
//! `atlas-tests` package beside it): a real HTTP server on 127.0.0.1 that records every request and answers
//! with scripted responses, so tests assert exactly what went over the wire; and the
//! official spec as test data ([`spec`]).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// Path and query, exactly as sent (still percent-encoded).
    pub url: String,
    /// Every header, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl Recorded {
    /// The value of a header, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.url.split('?').next().unwrap_or("")
    }

    /// The query without `?`, if any.
    pub fn query(&self) -> Option<&str> {
        self.url.split_once('?').map(|(_, q)| q)
    }

    /// The body parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// A scripted answer.
#[derive(Debug, Clone)]
pub struct Canned {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl Canned {
    /// A JSON answer with `Content-Type: application/json`.
    pub fn json(status: u16, body: &str) -> Self {
        Canned {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// An answer with a given content type.
    pub fn with_type(status: u16, content_type: &str, body: &str) -> Self {
        Canned {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// An empty answer.
    pub fn empty(status: u16) -> Self {
        Canned {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// Computes the answer to a request, for servers that route or keep state.
pub type Handler = Arc<dyn Fn(&Recorded) -> Canned + Send + Sync>;

/// A recording HTTP/1.1 server on an ephemeral loopback port; stops when dropped.
pub struct TestServer {
    server: Arc<tiny_http::Server>,
    url: String,
    log: Arc<Mutex<Vec<Recorded>>>,
    script: Arc<Mutex<VecDeque<Canned>>>,
    worker: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts the server; it answers scripted responses in order, and 599 to requests
    /// nobody scripted.
    pub fn start() -> Self {
        Self::start_with(None)
    }

    /// Starts a server whose answers come from `handler` (after any scripted ones).
    pub fn with_handler(handler: impl Fn(&Recorded) -> Canned + Send + Sync + 'static) -> Self {
        Self::start_with(Some(Arc::new(handler)))
    }

    fn start_with(handler: Option<Handler>) -> Self {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("an IP listener").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::new()));
        let worker = {
            let (server, log, script) = (server.clone(), log.clone(), script.clone());
            std::thread::spawn(move || serve(&server, &log, &script, handler.as_ref()))
        };
        TestServer {
            server,
            url: format!("http://127.0.0.1:{port}"),
            log,
            script,
            worker: Some(worker),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Queues the next answer.
    pub fn respond(&self, canned: Canned) -> &Self {
        self.script.lock().expect("script lock").push_back(canned);
        self
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().expect("log lock").clone()
    }

    /// A client without credentials and without retries pointed at this server, so a
    /// scripted answer is seen exactly once.
    pub fn client(&self) -> atlas_runtime::Client {
        atlas_runtime::Client::builder()
            .base_url(&self.url)
            .retry(atlas_runtime::RetryPolicy::none())
            .build()
            .expect("client for the test server")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}

fn serve(
    server: &tiny_http::Server,
    log: &Mutex<Vec<Recorded>>,
    script: &Mutex<VecDeque<Canned>>,
    handler: Option<&Handler>,
) {
    while let Ok(mut request) = server.recv() {
        let mut body = Vec::new();
        let _ = request.as_reader().read_to_end(&mut body);
        let recorded = Recorded {
            method: request.method().as_str().to_string(),
            url: request.url().to_string(),
            headers: request
                .headers()
                .iter()
                .map(|h| {
                    (
                        h.field.as_str().as_str().to_ascii_lowercase(),
                        h.value.as_str().to_string(),
                    )
                })
                .collect(),
            body,
        };
        log.lock().expect("log lock").push(recorded.clone());
        let scripted = script.lock().expect("script lock").pop_front();
        let canned = match (scripted, handler) {
            (Some(c), _) => c,
            (None, Some(h)) => h(&recorded),
            (None, None) => Canned::with_type(599, "text/plain", "no scripted response"),
        };
        let mut response =
            tiny_http::Response::from_data(canned.body).with_status_code(canned.status);
        for (name, value) in canned.headers {
            if let Ok(h) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                response.add_header(h);
            }
        }
        let _ = request.respond(response);
    }
}

pub mod leaks;
pub mod peers;
mod process;
pub mod spec;

pub mod conformance;
pub mod prism;
