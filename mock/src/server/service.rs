//! One request through hyper: the head turned into the emulator's [`Request`], the
//! armed fault applied, the body read (only once the head has been admitted, and within
//! its limits), the answer logged and handed back to hyper.
//!
//! Every fault is expressed with hyper: [`FaultKind::DropBeforeRead`] and
//! [`FaultKind::DropAfterRead`] make the service fail, which closes the connection
//! without an answer; [`FaultKind::TruncateBody`] announces the full `Content-Length`
//! and sends a body that fails after its first bytes; [`FaultKind::Delay`] sleeps before
//! returning the response.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::header::{CONNECTION, CONTENT_LENGTH, HOST, HeaderName, HeaderValue};
use http::{StatusCode, Version};
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Incoming;
use tokio::time::{Sleep, sleep};

use super::conns::Slot;
use super::http::{Head, MAX_BODY, Request, Response};
use crate::api::{self, Admission};
use crate::errors::ApiError;
use crate::faults::FaultKind;
use crate::log::RecordedRequest;
use crate::state::{Shared, lock};

/// The service failed on purpose: hyper closes the connection without an answer.
#[derive(Debug)]
pub(crate) struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Answers one request of a connection.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    peer: SocketAddr,
    slot: Arc<Slot>,
    req: hyper::Request<Incoming>,
) -> Result<hyper::Response<Outgoing>, Dropped> {
    let _active = slot.active();
    let (parts, incoming) = req.into_parts();
    let head = head_of(&parts);
    let mut keep_alive = head.keep_alive();
    let mut request = Request {
        head,
        body: Vec::new(),
        peer,
    };
    let mut entry = record(&request);

    // RFC 9112 §3.2: a server responds 400 to an HTTP/1.1 request without exactly one
    // Host header.
    if parts.version != Version::HTTP_10 && parts.headers.get_all(HOST).iter().count() != 1 {
        return Ok(reject(
            &shared,
            entry,
            400,
            "MALFORMED_REQUEST",
            "an HTTP/1.1 request needs exactly one Host header",
        ));
    }

    let fault = lock(&shared.faults).take(&request.head.method, &request.head.path);
    entry.fault.clone_from(&fault);
    let (response, processed) = match fault.clone() {
        Some(FaultKind::DropBeforeRead) => {
            push_log(&shared, entry);
            return Err(Dropped);
        }
        Some(FaultKind::Respond {
            status,
            headers,
            body,
        }) => {
            // The request is read whole (and logged), but not processed.
            match read_body(&shared, &parts.headers, incoming).await {
                Ok(b) => set_body(&shared, &mut entry, &mut request, b),
                Err(e) => return Ok(reject_body(&shared, entry, e)),
            }
            (
                Response {
                    status,
                    headers,
                    body,
                },
                false,
            )
        }
        _ => {
            let response = match api::admit(&shared, &request) {
                Admission::Answer(response) => {
                    // The body is left unread: hyper discards what it can and closes
                    // the connection rather than read the rest as the next request,
                    // and the answer says so.
                    if !incoming.is_end_stream() {
                        keep_alive = false;
                    }
                    response
                }
                admitted => {
                    match read_body(&shared, &parts.headers, incoming).await {
                        Ok(b) => set_body(&shared, &mut entry, &mut request, b),
                        Err(e) => return Ok(reject_body(&shared, entry, e)),
                    }
                    let prepared = match admitted {
                        Admission::Api(p) => Some(p),
                        _ => None,
                    };
                    api::respond(&shared, &request, prepared)
                }
            };
            (response, true)
        }
    };
    entry.processed = processed;
    entry.status = Some(response.status);
    match fault {
        Some(FaultKind::DropAfterRead) => {
            push_log(&shared, entry);
            Err(Dropped)
        }
        Some(FaultKind::TruncateBody { keep }) => {
            push_log(&shared, entry);
            Ok(truncated(response, keep))
        }
        Some(FaultKind::Delay(wait)) => {
            entry.answered = true;
            push_log(&shared, entry);
            sleep(wait).await;
            Ok(whole(response, keep_alive))
        }
        _ => {
            entry.answered = true;
            push_log(&shared, entry);
            Ok(whole(response, keep_alive))
        }
    }
}

/// The emulator's view of a request head.
fn head_of(parts: &http::request::Parts) -> Head {
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().unwrap_or("").to_owned();
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| path.clone(), |pq| pq.as_str().to_owned());
    Head {
        method: parts.method.as_str().to_owned(),
        target,
        path,
        query,
        http10: parts.version == Version::HTTP_10,
        headers: parts
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).trim().to_owned(),
                )
            })
            .collect(),
    }
}

/// Why a body could not be read.
#[derive(Debug)]
enum BodyError {
    TooLarge,
    Timeout,
    Broken(String),
}

/// Reads a body of at most [`MAX_BODY`] bytes within the request read timeout.
async fn read_body(
    shared: &Shared,
    headers: &http::HeaderMap,
    incoming: Incoming,
) -> Result<Bytes, BodyError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(BodyError::TooLarge);
    }
    if incoming.is_end_stream() {
        // No body (most GETs): no deadline to arm.
        return Ok(Bytes::new());
    }
    let collected = tokio::time::timeout(
        shared.config.request_read_timeout,
        Limited::new(incoming, MAX_BODY).collect(),
    )
    .await;
    match collected {
        Err(_) => Err(BodyError::Timeout),
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => Err(BodyError::TooLarge),
        Ok(Err(e)) => {
            // hyper's own message is generic; its source says what was wrong.
            let mut why = e.to_string();
            let mut source = e.source();
            while let Some(s) = source {
                why = format!("{why}: {s}");
                source = s.source();
            }
            Err(BodyError::Broken(why))
        }
        Ok(Ok(body)) => Ok(body.to_bytes()),
    }
}

fn set_body(shared: &Shared, entry: &mut RecordedRequest, request: &mut Request, body: Bytes) {
    entry.body_len = body.len();
    let prefix = body.len().min(shared.config.log_body_prefix);
    entry.body = body[..prefix].to_vec();
    request.body = Vec::from(body);
}

fn reject_body(shared: &Shared, entry: RecordedRequest, e: BodyError) -> hyper::Response<Outgoing> {
    match e {
        BodyError::TooLarge => reject(
            shared,
            entry,
            413,
            "REQUEST_TOO_LARGE",
            "the body is over 8 MiB",
        ),
        BodyError::Timeout => reject(
            shared,
            entry,
            408,
            "REQUEST_TIMEOUT",
            "the body did not arrive in time",
        ),
        BodyError::Broken(why) => reject(shared, entry, 400, "MALFORMED_REQUEST", &why),
    }
}

/// A request that cannot be read as HTTP: an `ApiError`, then the connection closes.
fn reject(
    shared: &Shared,
    mut entry: RecordedRequest,
    status: u16,
    code: &'static str,
    detail: &str,
) -> hyper::Response<Outgoing> {
    let e = ApiError::new(status, code, format!("Malformed HTTP request: {detail}."));
    entry.status = Some(status);
    entry.answered = true;
    push_log(shared, entry);
    whole(api::plain_error(&e), false)
}

/// A log entry for a request, before its fate is known.
fn record(request: &Request) -> RecordedRequest {
    RecordedRequest {
        seq: 0,
        peer: request.peer,
        method: request.head.method.clone(),
        path: request.head.path.clone(),
        query: request.head.query.clone(),
        headers: request.head.headers.clone(),
        body: Vec::new(),
        body_len: 0,
        fault: None,
        processed: false,
        status: None,
        answered: false,
    }
}

fn push_log(shared: &Shared, entry: RecordedRequest) {
    lock(&shared.log).push(entry);
}

/// Logs a request hyper refused before the emulator saw it (a head that is not HTTP/1.x
/// or too large): hyper answered it with a bare 400 or 431 and closed the connection.
pub(crate) fn log_refused(shared: &Shared, peer: SocketAddr, error: &hyper::Error) {
    let status = if error.is_parse_too_large() {
        431
    } else if error.is_parse_status() {
        414
    } else if error.is_parse() {
        400
    } else {
        return;
    };
    let entry = RecordedRequest {
        seq: 0,
        peer,
        method: String::new(),
        path: String::new(),
        query: String::new(),
        headers: Vec::new(),
        body: Vec::new(),
        body_len: 0,
        fault: None,
        processed: false,
        status: Some(status),
        answered: true,
    };
    push_log(shared, entry);
}

/// The status and headers of `response` for hyper, `Content-Length` and `Connection`
/// set by the server.
fn parts(response: &Response, keep_alive: bool) -> hyper::Response<()> {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut out = hyper::Response::new(());
    *out.status_mut() = status;
    let headers = out.headers_mut();
    for (name, value) in &response.headers {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            continue;
        };
        if name == CONTENT_LENGTH || name == CONNECTION || name == http::header::TRANSFER_ENCODING {
            continue;
        }
        // A header value never carries a line break onto the wire.
        let value: Vec<u8> = value
            .bytes()
            .filter(|b| *b != b'\r' && *b != b'\n')
            .collect();
        if let Ok(value) = HeaderValue::from_bytes(&value) {
            headers.append(name, value);
        }
    }
    headers.insert(
        CONNECTION,
        HeaderValue::from_static(if keep_alive { "keep-alive" } else { "close" }),
    );
    out
}

/// A whole response (hyper omits the body of a `HEAD` answer, keeping its length).
fn whole(response: Response, keep_alive: bool) -> hyper::Response<Outgoing> {
    let head = parts(&response, keep_alive);
    head.map(|()| Outgoing::whole(response.body))
}

/// A response whose body stops after `keep` bytes (at most the body length minus one)
/// under a `Content-Length` of the whole body (at least 1); then the connection closes.
fn truncated(response: Response, keep: usize) -> hyper::Response<Outgoing> {
    let full = response.body.len();
    let sent = keep.min(full.saturating_sub(1));
    let declared = full.max(sent + 1);
    let mut head = parts(&response, false);
    head.headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(declared));
    let mut body = response.body;
    body.truncate(sent);
    head.map(|()| Outgoing::cut(body))
}

/// A response body: whole, or cut short on purpose.
#[derive(Debug)]
pub(crate) struct Outgoing {
    data: Option<Bytes>,
    /// For a cut body: after the data, a pause (so that hyper flushes what was sent),
    /// then an error (so that hyper closes the connection).
    cut: Option<Pin<Box<Sleep>>>,
}

impl Outgoing {
    fn whole(body: Vec<u8>) -> Outgoing {
        Outgoing {
            data: (!body.is_empty()).then(|| Bytes::from(body)),
            cut: None,
        }
    }

    fn cut(body: Vec<u8>) -> Outgoing {
        Outgoing {
            data: (!body.is_empty()).then(|| Bytes::from(body)),
            cut: Some(Box::pin(sleep(Duration::from_millis(50)))),
        }
    }
}

impl Body for Outgoing {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        match self.cut.as_mut() {
            None => Poll::Ready(None),
            Some(pause) => {
                ready!(pause.as_mut().poll(cx));
                self.cut = None;
                Poll::Ready(Some(Err(io::Error::other("body cut short by a fault"))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && self.cut.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.data, &self.cut) {
            (Some(data), None) => SizeHint::with_exact(data.len() as u64),
            (None, None) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}
