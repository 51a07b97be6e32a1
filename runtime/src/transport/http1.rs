//! The default transport: HTTP/1.1 over TCP or rustls, on hyper, with a connection pool.
//!
//! # What it logs: nothing
//!
//! Header values and body bytes never reach a logger from this transport, at any level:
//! hyper is built without its (unstable) `tracing` feature, which compiles every one of
//! its log statements out; `hyper-util` is used only for its tokio I/O adapter, which
//! logs nothing; tokio logs nothing without `tokio_unstable`; rustls is built without its
//! `logging` feature, so the TLS handshake is silent too (another crate of an
//! application's may turn that feature on; rustls then logs handshake steps, never
//! application data). The transport's own errors name the method and the URL without
//! its query, never a header or a body. `tests/no_wire_logs.rs` holds this at TRACE.
//!
//! # What it sends
//!
//! The request as given, plus only what HTTP/1.1 needs: `Host`, `Content-Length` and,
//! when the request has none, the transport's `User-Agent`; through a proxy, a plain
//! `http://` request goes in absolute form with the proxy's `Proxy-Authorization`, and an
//! `https://` one through a `CONNECT` tunnel ([`Proxy`]). No `Accept-Encoding` and no
//! decompression, no cookies, no redirect followed.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, HOST, PROXY_AUTHORIZATION, USER_AGENT};
use http::{HeaderValue, Uri};
use http_body_util::Full;
use hyper::body::Incoming;
use tokio::time::timeout_at;

use super::connect::connect;
use super::incoming::WireBody;
use super::pool::{Connection, Key, Pool};
use super::proxy::Proxy;
use super::tls::TlsRoots;
use super::{Body, Deadlines, Transport, rt, url_without_query};
use crate::client::ConfigError;
use crate::error::{TransportError, TransportErrorKind};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The default [`Transport`]: HTTP/1.1 with connection reuse, TLS by rustls with the
/// Mozilla roots (and any others [`TlsRoots`] adds), through an HTTP proxy where
/// [`Proxy`] says so, no redirects, no cookies, no compression, and no log line holding a
/// header value or a body byte.
///
/// Blocking: [`send`](Transport::send) and reading the body block the calling thread,
/// also when that thread runs a tokio runtime (the I/O then runs on a thread of its own).
#[derive(Clone)]
pub struct HttpTransport {
    inner: Arc<Inner>,
}

struct Inner {
    user_agent: Option<HeaderValue>,
    pool: Arc<Pool>,
    proxy: Proxy,
    tls: Arc<tokio_rustls::rustls::ClientConfig>,
}

impl HttpTransport {
    /// A transport with its own connection pool, sending `user_agent` on every request
    /// that has no `User-Agent` of its own (none, if `user_agent` cannot be a header):
    /// straight to each server, trusting Mozilla's roots. It reads no environment; the
    /// [`Client`](crate::Client)'s default transport does (see [`HttpTransport::builder`]).
    pub fn new(user_agent: &str) -> Self {
        let tls = TlsRoots::bundled()
            .config()
            .unwrap_or_else(|_| unreachable_tls());
        HttpTransport::with(user_agent, Proxy::none(), tls)
    }

    /// A transport with a proxy and roots of your choosing.
    pub fn builder(user_agent: &str) -> HttpTransportBuilder {
        HttpTransportBuilder {
            user_agent: user_agent.to_string(),
            proxy: Proxy::none(),
            tls_roots: TlsRoots::bundled(),
        }
    }

    fn with(user_agent: &str, proxy: Proxy, tls: Arc<tokio_rustls::rustls::ClientConfig>) -> Self {
        HttpTransport {
            inner: Arc::new(Inner {
                user_agent: HeaderValue::from_str(user_agent).ok(),
                pool: Arc::new(Pool::default()),
                proxy,
                tls,
            }),
        }
    }
}

/// rustls refuses its own safe defaults only if the ring provider is broken; there is no
/// transport without TLS to fall back to, so that is a panic at construction.
#[cold]
fn unreachable_tls() -> ! {
    panic!("rustls refused its safe default configuration with the ring provider")
}

/// Options of an [`HttpTransport`]; [`ClientBuilder`](crate::ClientBuilder) sets the same
/// through [`proxy`](crate::ClientBuilder::proxy) and
/// [`tls_roots`](crate::ClientBuilder::tls_roots), from the environment by default.
///
/// ```no_run
/// use atlas_runtime::transport::HttpTransport;
/// use atlas_runtime::{Proxy, TlsRoots};
///
/// let transport = HttpTransport::builder("my-tool/1.0")
///     .proxy(Proxy::from_env()?)
///     .tls_roots(TlsRoots::from_env())
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct HttpTransportBuilder {
    user_agent: String,
    proxy: Proxy,
    tls_roots: TlsRoots,
}

impl HttpTransportBuilder {
    /// Where connections go; default [`Proxy::none`].
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = proxy;
        self
    }

    /// Which certificate authorities TLS trusts; default [`TlsRoots::bundled`].
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.tls_roots = roots;
        self
    }

    /// Reads the roots and builds the transport.
    ///
    /// # Errors
    /// [`ConfigError::InvalidCertificates`] when a PEM file cannot be read or holds no
    /// usable certificate.
    pub fn build(self) -> Result<HttpTransport, ConfigError> {
        let tls = self.tls_roots.config()?;
        Ok(HttpTransport::with(&self.user_agent, self.proxy, tls))
    }
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport")
            .field("idle_connections", &self.inner.pool.idle_count())
            .field("proxy", &self.inner.proxy)
            .finish_non_exhaustive()
    }
}

/// Why an exchange failed, and whether the request may have left.
struct Failure {
    kind: TransportErrorKind,
    maybe_sent: bool,
    source: BoxError,
}

impl Failure {
    fn not_sent(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Failure {
            kind,
            maybe_sent: false,
            source: source.into(),
        }
    }

    fn maybe_sent(kind: TransportErrorKind, source: impl Into<BoxError>) -> Self {
        Failure {
            kind,
            maybe_sent: true,
            source: source.into(),
        }
    }
}

impl Transport for HttpTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        deadlines: &Deadlines,
    ) -> Result<http::Response<Body>, TransportError> {
        let (mut parts, body) = request.into_parts();
        let method = parts.method.clone();
        // The URL is written out only when an error names it.
        let fail_at = |uri: &Uri, f: Failure| {
            TransportError::of_request(
                f.kind,
                f.maybe_sent,
                &method,
                url_without_query(uri),
                f.source,
            )
        };
        // One reading of the clock for the budget check, the pool's idle check and a
        // pooled connection's response deadline: microseconds apart otherwise.
        let now = Instant::now();
        if deadlines.end <= now {
            return Err(fail_at(
                &parts.uri,
                Failure::not_sent(
                    TransportErrorKind::Timeout,
                    "the call's time budget was spent before this attempt",
                ),
            ));
        }
        // The request's own URL comes back out of it for errors: moved, not copied.
        let (key, uri, proxy) = match self.prepare(&mut parts, body.len()) {
            Ok(prepared) => prepared,
            Err(f) => return Err(fail_at(&parts.uri, f)),
        };
        let fail = |f: Failure| fail_at(&uri, f);
        let request = http::Request::from_parts(parts, Full::new(Bytes::from(body)));
        let route = Route {
            proxy,
            tls: &self.inner.tls,
        };
        let pool = &self.inner.pool;
        let end = deadlines.end;
        // One trip onto the runtime: the answer's head and, when it announces a body of
        // at most GATHER bytes, that body. Most answers end there, and their connection
        // is back in the pool before the caller reads a byte; longer or unannounced
        // bodies stream.
        //
        // The future is pinned here and handed on by reference, and its outcome comes back
        // boxed: the runtime moves both through several frames, which for the future and
        // the answer's head by value was hundreds of bytes copied on each of many moves.
        let outcome = {
            let call = std::pin::pin!(async {
                let (response, connection) =
                    exchange(pool, &key, route, request, deadlines, now).await?;
                let (parts, mut incoming) = response.into_parts();
                let gathered = gather(&mut incoming, end).await?;
                Ok::<_, Failure>(Box::new((parts, incoming, connection, gathered)))
            });
            rt::block_on(call)
        };
        let (parts, incoming, connection, gathered) = *outcome
            .map_err(|e| Failure::not_sent(TransportErrorKind::Other, e))
            .and_then(|outcome| outcome)
            .map_err(fail)?;
        let body = match gathered {
            Gathered::Whole(bytes) => {
                pool.put(&key, connection);
                Body::whole(bytes)
            }
            Gathered::Start(start) => {
                let length = hyper::body::Body::size_hint(&incoming).exact();
                let body = WireBody::new(incoming, Arc::clone(pool), key, connection, end)
                    .starting_with(start);
                Body::new(body).with_length(length)
            }
        };
        Ok(http::Response::from_parts(parts, body))
    }
}

/// The largest announced body read with its head: JSON answers are smaller; a larger
/// download, or one whose length is not announced, streams.
const GATHER: u64 = 256 * 1024;

/// An answer's body as read with its head.
enum Gathered {
    /// All of it.
    Whole(Bytes),
    /// Its first bytes (none, unless the body is longer than it announced); the rest
    /// streams.
    Start(Bytes),
}

/// Reads `body` to its end, by `end`, when it announces at most [`GATHER`] bytes.
async fn gather(body: &mut Incoming, end: Instant) -> Result<Gathered, Failure> {
    use hyper::body::Body as _;
    if body.size_hint().exact().is_none_or(|n| n > GATHER) {
        return Ok(Gathered::Start(Bytes::new()));
    }
    let by = tokio::time::Instant::from_std(end);
    let mut first = Bytes::new();
    let mut more: Option<bytes::BytesMut> = None;
    loop {
        let have = more.as_ref().map_or(first.len(), |m| m.len());
        if body.is_end_stream() {
            return Ok(Gathered::Whole(more.map_or(first, |m| m.freeze())));
        }
        if have as u64 > GATHER {
            return Ok(Gathered::Start(more.map_or(first, |m| m.freeze())));
        }
        let frame = match within(by, http_body_util::BodyExt::frame(body)).await {
            Err(_) => {
                return Err(Failure::maybe_sent(
                    TransportErrorKind::Timeout,
                    "the response body did not arrive within the call's deadline",
                ));
            }
            Ok(None) => return Ok(Gathered::Whole(more.map_or(first, |m| m.freeze()))),
            Ok(Some(Err(e))) => {
                let kind = if e.is_timeout() {
                    TransportErrorKind::Timeout
                } else {
                    TransportErrorKind::Io
                };
                return Err(Failure::maybe_sent(kind, e));
            }
            Ok(Some(Ok(frame))) => frame,
        };
        // Trailers carry nothing the client reads.
        let Ok(data) = frame.into_data() else {
            continue;
        };
        match &mut more {
            Some(m) => m.extend_from_slice(&data),
            None if first.is_empty() => first = data,
            None => {
                let mut m = bytes::BytesMut::with_capacity(first.len() + data.len());
                m.extend_from_slice(&first);
                m.extend_from_slice(&data);
                more = Some(m);
            }
        }
    }
}

impl HttpTransport {
    /// Makes `parts` (of a request with a body of `body_len` bytes) the request as hyper
    /// writes it: origin-form target (absolute form to a proxy, with its
    /// `Proxy-Authorization`), and `Content-Length`, `Host` and `User-Agent` after the
    /// request's own headers where it has none. Hands back the pool key and the URL the
    /// request had; on an error, `parts` still holds that URL.
    fn prepare(
        &self,
        parts: &mut http::request::Parts,
        body_len: usize,
    ) -> Result<(Key, Uri, Option<&super::proxy::ProxyServer>), Failure> {
        use TransportErrorKind::InvalidUrl;
        let https = match parts.uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(Failure::not_sent(InvalidUrl, "the scheme is not http(s)")),
        };
        let authority = parts
            .uri
            .authority()
            .ok_or_else(|| Failure::not_sent(InvalidUrl, "the URL has no host"))?;
        if authority.as_str().contains('@') {
            return Err(Failure::not_sent(
                InvalidUrl,
                "the URL carries user information",
            ));
        }
        let (key, host) = target_of(https, authority)?;
        // One lookup: the route below uses the same answer.
        let proxy = self.inner.proxy.for_target(https, key.host(), key.port);
        let target = match (proxy.filter(|_| !https), parts.uri.path_and_query()) {
            // A proxy is asked for the whole URL (RFC 9112, 3.2.2).
            (Some(_), _) => parts.uri.clone(),
            // The path and query already parsed, without parsing them again.
            // (A path and query alone is a whole origin-form URI: nothing to check.)
            (None, Some(p)) if !p.as_str().is_empty() => Uri::from(p.clone()),
            (None, _) => Uri::from_static("/"),
        };

        // What HTTP/1.1 needs and the request lacks, after the request's own headers.
        // One pass over the names (standard names compare as a tag) rather than a hashed
        // lookup of each of the three.
        let headers = &mut parts.headers;
        let (mut has_length, mut has_host, mut has_agent) = (false, false, false);
        for name in headers.keys() {
            if name == CONTENT_LENGTH {
                has_length = true;
            } else if name == HOST {
                has_host = true;
            } else if name == USER_AGENT {
                has_agent = true;
            }
        }
        if body_len > 0 && !has_length {
            headers.insert(CONTENT_LENGTH, content_length(body_len));
        }
        if !has_host {
            headers.insert(HOST, host);
        }
        if let Some(agent) = &self.inner.user_agent
            && !has_agent
        {
            headers.insert(USER_AGENT, agent.clone());
        }
        if let Some(authorization) = proxy.filter(|_| !https).and_then(|p| p.authorization()) {
            headers.insert(PROXY_AUTHORIZATION, authorization);
        }
        parts.version = http::Version::HTTP_11;
        Ok((key, std::mem::replace(&mut parts.uri, target), proxy))
    }
}

/// The pool key and `Host` value of `authority` over `https` or not, made once per
/// thread for each authority it calls: requests to one host repeat them on every call.
fn target_of(https: bool, authority: &http::uri::Authority) -> Result<(Key, HeaderValue), Failure> {
    use TransportErrorKind::InvalidUrl;
    /// Enough for the hosts one program calls; past it, the oldest goes.
    const ENTRIES: usize = 8;
    thread_local! {
        static TARGETS: std::cell::RefCell<Vec<(Key, HeaderValue)>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let make = || -> Result<(Key, HeaderValue), Failure> {
        let key = Key::new(https, authority.clone())
            .ok_or_else(|| Failure::not_sent(InvalidUrl, "the URL has no host"))?;
        let host =
            HeaderValue::from_str(key.authority()).map_err(|e| Failure::not_sent(InvalidUrl, e))?;
        Ok((key, host))
    };
    let cached = TARGETS.try_with(|targets| {
        let mut targets = targets.borrow_mut();
        if let Some(hit) = targets
            .iter()
            .find(|(k, _)| k.https == https && k.authority() == authority.as_str())
        {
            return Ok(hit.clone());
        }
        let made = make()?;
        if targets.len() == ENTRIES {
            targets.remove(0);
        }
        targets.push(made.clone());
        Ok(made)
    });
    // The thread is being torn down: made for this request alone.
    cached.unwrap_or_else(|_| make())
}

/// `Content-Length: len`: without an allocation for bodies under 1,000 bytes (most
/// JSON bodies), whose digits are a slice of one static table.
fn content_length(len: usize) -> HeaderValue {
    const DIGITS: &str = {
        const TEXT: [u8; 3000] = {
            let mut text = [0u8; 3000];
            let mut n = 0;
            while n < 1000 {
                text[3 * n] = b'0' + (n / 100) as u8;
                text[3 * n + 1] = b'0' + (n / 10 % 10) as u8;
                text[3 * n + 2] = b'0' + (n % 10) as u8;
                n += 1;
            }
            text
        };
        match std::str::from_utf8(&TEXT) {
            Ok(text) => text,
            Err(_) => panic!("digits are ASCII"),
        }
    };
    if len >= 1000 {
        return HeaderValue::from(len);
    }
    let skip = if len >= 100 {
        0
    } else if len >= 10 {
        1
    } else {
        2
    };
    HeaderValue::from_static(&DIGITS[3 * len + skip..3 * len + 3])
}

/// `future`, or an error once `by` passes first: [`timeout_at`], with its timer set only
/// for a future that is not ready at once.
///
/// A pooled connection is ready, and a small answer's body has arrived with its head, so
/// two of a call's three bounded waits end at their first poll; setting a timer for each
/// (made, then cancelled on the runtime's timer wheel) was a noticeable share of a call.
async fn within<F: std::future::Future>(
    by: tokio::time::Instant,
    future: F,
) -> Result<F::Output, tokio::time::error::Elapsed> {
    use std::task::Poll;
    let mut future = std::pin::pin!(future);
    let first = std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx))).await;
    match first {
        Poll::Ready(output) => Ok(output),
        Poll::Pending => timeout_at(by, future).await,
    }
}

/// The response timer's deadline passed first.
struct Elapsed;

/// `future`, or [`Elapsed`] once `by` passes first, on the thread's one response timer.
///
/// Every exchange waits for an answer's head under a timer, and nearly every answer comes
/// first. Making a timer per exchange put it on the runtime's timer wheel and took it off
/// again (a lock and a list update each way), and even moving one timer to each
/// exchange's deadline costs a conversion to the wheel's ticks. So the thread's timer is
/// left where an earlier exchange set it when that is no later than `by`: if it fires
/// before `by`, it is moved to `by` then, once, and the wait goes on. A timer set later
/// than `by` is moved back first. Either way the wait ends with [`Elapsed`] only once
/// `by` has passed, and always by then. Every exchange runs on the one shared runtime
/// ([`rt`]), whose driver the timer is on.
fn bounded<F: std::future::Future>(
    by: tokio::time::Instant,
    future: std::pin::Pin<&mut F>,
) -> Bounded<'_, F> {
    let timer = match TIMER.try_with(std::cell::Cell::take) {
        Ok(Some(mut timer)) => {
            if timer.deadline() > by {
                timer.as_mut().reset(by);
            }
            timer
        }
        _ => Box::pin(tokio::time::sleep_until(by)),
    };
    Bounded {
        future,
        by,
        timer: Some(timer),
    }
}

thread_local! {
    /// The thread's response timer, between exchanges.
    static TIMER: std::cell::Cell<Option<std::pin::Pin<Box<tokio::time::Sleep>>>> =
        const { std::cell::Cell::new(None) };
}

/// What [`bounded`] returns.
struct Bounded<'a, F> {
    future: std::pin::Pin<&'a mut F>,
    by: tokio::time::Instant,
    /// Always there until dropped; set no later than `by`.
    timer: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl<F: std::future::Future> std::future::Future for Bounded<'_, F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        use std::task::Poll;
        if let Poll::Ready(output) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Ok(output));
        }
        let by = self.by;
        let Some(timer) = &mut self.timer else {
            return Poll::Pending;
        };
        loop {
            match timer.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) if tokio::time::Instant::now() >= by => {
                    return Poll::Ready(Err(Elapsed));
                }
                // Set for an earlier exchange: moved to this one's deadline, and polled
                // again to wait for it.
                Poll::Ready(()) => timer.as_mut().reset(by),
            }
        }
    }
}

impl<F> Drop for Bounded<'_, F> {
    /// Keeps the timer for the thread's next exchange (gone with the thread, or if it is
    /// going).
    fn drop(&mut self) {
        let timer = self.timer.take();
        let _ = TIMER.try_with(|slot| slot.set(timer));
    }
}

/// How a new connection is opened.
#[derive(Clone, Copy)]
struct Route<'a> {
    proxy: Option<&'a super::proxy::ProxyServer>,
    tls: &'a Arc<tokio_rustls::rustls::ClientConfig>,
}

/// Sends `request` on a pooled connection or a new one and waits for the answer's head.
///
/// The pool hands out only connections whose socket shows no close ([`Pool::take`]); one
/// that still turns out closed before hyper wrote anything hands the request back, and
/// it goes out on the next connection, neither counted as an attempt. On a new
/// connection, that is a failure that provably sent nothing.
///
/// `now` is the time the exchange started: the pool's idle check and a pooled
/// connection's response deadline count from it (a next try, from its own start); a new
/// connection's, from when it is open.
async fn exchange(
    pool: &Pool,
    key: &Key,
    route: Route<'_>,
    mut request: http::Request<Full<Bytes>>,
    deadlines: &Deadlines,
    mut now: Instant,
) -> Result<(http::Response<Incoming>, Connection), Failure> {
    use TransportErrorKind as K;
    let end = tokio::time::Instant::from_std(deadlines.end);
    // A timeout too large to add to now is no bound short of `end`.
    let by = |now: Instant, d| {
        now.checked_add(d)
            .map_or(end, |t| tokio::time::Instant::from_std(t).min(end))
    };
    loop {
        let (mut connection, start) = match pool.take(key, now) {
            Some(connection) => (connection, None),
            None => {
                // Boxed: connecting (DNS, TCP, a tunnel, TLS) is a large future that most
                // calls, answered on a pooled connection, never run; inline, every call's
                // future would carry its space.
                let connecting = Box::pin(connect(key, route.proxy, route.tls));
                let connection = timeout_at(by(Instant::now(), deadlines.connect), connecting)
                    .await
                    .map_err(|_| Failure::not_sent(K::Timeout, "connecting timed out"))?
                    .map_err(|(kind, e)| Failure::not_sent(kind, e))?;
                (connection, Some(Instant::now()))
            }
        };
        let fresh = start.is_some();
        let sender = &mut connection.sender;
        let response_by = by(start.unwrap_or(now), deadlines.response);
        match within(response_by, sender.ready()).await {
            Err(_) => {
                return Err(Failure::not_sent(
                    K::Timeout,
                    "no connection became ready in time",
                ));
            }
            Ok(Err(_)) if !fresh => {
                now = Instant::now();
                continue;
            }
            Ok(Err(e)) => return Err(Failure::not_sent(K::Io, e)),
            Ok(Ok(())) => {}
        }
        let sending = std::pin::pin!(sender.try_send_request(request));
        match bounded(response_by, sending).await {
            Ok(Ok(response)) => return Ok((response, connection)),
            Err(Elapsed) => {
                return Err(Failure::maybe_sent(
                    K::Timeout,
                    "no response head within the response timeout",
                ));
            }
            Ok(Err(mut e)) => match e.take_message() {
                Some(unsent) if !fresh => {
                    request = unsent;
                    now = Instant::now();
                }
                Some(_) => return Err(Failure::not_sent(K::Io, e.into_error())),
                None => {
                    let e = e.into_error();
                    let kind = if e.is_timeout() { K::Timeout } else { K::Io };
                    return Err(Failure::maybe_sent(kind, e));
                }
            },
        }
    }
}
