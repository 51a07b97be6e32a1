//! A transport that answers from a script and records every request: for tests of code
//! that uses a [`Client`](crate::Client), with no socket.

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Body, Deadlines, Transport};
use crate::error::{TransportError, TransportErrorKind};
use crate::transport::url_without_query;

type Answer =
    Box<dyn Fn(&http::Request<Vec<u8>>) -> Result<http::Response<Body>, TransportError> + Send>;

/// A request as received, with the deadlines it came with.
type Received = (http::Request<Vec<u8>>, Deadlines);

/// One scripted answer.
pub struct Step(Answer);

impl Step {
    /// Answers with `status`, the headers given and `body`.
    pub fn respond(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Self {
        let headers: Vec<(String, String)> = headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let body = body.into();
        Step(Box::new(move |_| {
            let mut response = http::Response::builder().status(status);
            for (n, v) in &headers {
                response = response.header(n.as_str(), v.as_str());
            }
            Ok(response
                .body(Body::from_bytes(body.clone()))
                .unwrap_or_else(|_| http::Response::new(Body::empty())))
        }))
    }

    /// Answers with a JSON body.
    pub fn json(status: u16, body: &str) -> Self {
        Step::respond(
            status,
            &[("Content-Type", "application/json")],
            body.as_bytes().to_vec(),
        )
    }

    /// Fails as a transport would: `maybe_sent` says whether the request may have
    /// reached the server.
    pub fn fail(kind: TransportErrorKind, maybe_sent: bool) -> Self {
        Step(Box::new(move |r| {
            Err(TransportError::of_request(
                kind,
                maybe_sent,
                r.method(),
                url_without_query(r.uri()),
                "scripted failure",
            ))
        }))
    }

    /// Answers with whatever `f` makes of the request.
    pub fn with(
        f: impl Fn(&http::Request<Vec<u8>>) -> Result<http::Response<Body>, TransportError>
        + Send
        + 'static,
    ) -> Self {
        Step(Box::new(f))
    }
}

/// Answers each request with the next [`Step`] (the last one repeats), recording every
/// request with its deadlines.
///
/// ```
/// use std::sync::Arc;
/// use atlas_runtime::{Client, Credentials};
/// use atlas_runtime::transport::{ScriptedTransport, Step};
///
/// let script = Arc::new(ScriptedTransport::new([Step::json(404, r#"{"errorCode":"NOT_FOUND"}"#)]));
/// let client = Client::builder().transport(script.clone()).build()?;
/// let response = client.execute(http::Request::get("https://cloud.mongodb.com/api/atlas/v2/orgs").body(vec![])?)?;
/// assert_eq!(response.status(), 404);
/// assert_eq!(script.requests().len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ScriptedTransport {
    steps: Arc<Mutex<VecDeque<Step>>>,
    last: Arc<Mutex<Option<Step>>>,
    seen: Arc<Mutex<Vec<Received>>>,
}

impl fmt::Debug for ScriptedTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptedTransport")
            .field("requests", &self.requests().len())
            .finish_non_exhaustive()
    }
}

impl ScriptedTransport {
    /// A transport answering with `steps` in order, then the last one again.
    pub fn new(steps: impl IntoIterator<Item = Step>) -> Self {
        ScriptedTransport {
            steps: Arc::new(Mutex::new(steps.into_iter().collect())),
            last: Arc::new(Mutex::new(None)),
            seen: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<http::Request<Vec<u8>>> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(r, _)| crate::request::copy_request(r))
            .collect()
    }

    /// The deadlines each request was sent with.
    pub fn deadlines(&self) -> Vec<Deadlines> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(_, d)| *d)
            .collect()
    }
}

impl Transport for ScriptedTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        deadlines: &Deadlines,
    ) -> Result<http::Response<Body>, TransportError> {
        let next = self
            .steps
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front();
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(step) = next {
            *last = Some(step);
        }
        let outcome = match last.as_ref() {
            Some(step) => (step.0)(&request),
            None => Err(TransportError::of_request(
                TransportErrorKind::Other,
                false,
                request.method(),
                url_without_query(request.uri()),
                "the script is empty",
            )),
        };
        drop(last);
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((request, *deadlines));
        outcome
    }
}
