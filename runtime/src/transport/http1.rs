//! The default transport: HTTP/1.1 over TCP or rustls, with a connection pool.

use std::io;

use super::{Body, Deadlines, Transport, method_of, url_without_query};
use crate::endpoint::Method;
use crate::error::{TransportError, TransportErrorKind};

/// The default [`Transport`]: HTTP/1.1 with connection reuse, TLS by rustls with the
/// Mozilla roots, no redirects, no cookies, no proxy.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    agent: ureq::Agent,
}

impl HttpTransport {
    /// A transport with its own connection pool, sending `user_agent` on every request.
    pub fn new(user_agent: &str) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(user_agent)
            .build()
            .into();
        HttpTransport { agent }
    }
}

impl Transport for HttpTransport {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        deadlines: &Deadlines,
    ) -> Result<http::Response<Body>, TransportError> {
        let method = method_of(request.method());
        let url = url_without_query(request.uri());
        let fail = |e, sent| transport_error(e, method, &url, sent);
        let remaining = deadlines.remaining();
        if remaining.is_zero() {
            return Err(TransportError::new(
                TransportErrorKind::Timeout,
                false,
                method,
                url.clone(),
                "the call's time budget was spent before this attempt",
            ));
        }
        let outcome = if request.body().is_empty() {
            let (parts, _) = request.into_parts();
            let request = self
                .agent
                .configure_request(http::Request::from_parts(parts, ()))
                .timeout_connect(Some(deadlines.connect))
                .timeout_recv_response(Some(deadlines.response))
                .timeout_global(Some(remaining))
                .build();
            self.agent.run(request)
        } else {
            let request = self
                .agent
                .configure_request(request)
                .timeout_connect(Some(deadlines.connect))
                .timeout_recv_response(Some(deadlines.response))
                .timeout_global(Some(remaining))
                .build();
            self.agent.run(request)
        };
        let response = outcome.map_err(|e| fail(e, false))?;
        let (parts, body) = response.into_parts();
        let reader = body.into_with_config().limit(u64::MAX).reader();
        Ok(http::Response::from_parts(parts, Body::new(reader)))
    }
}

/// Classifies a ureq failure, deciding conservatively whether the server may have seen
/// the request: only failures before the connection was up, or before a byte was
/// written, are "not sent".
fn transport_error(
    e: ureq::Error,
    method: Method,
    url: &str,
    reading_body: bool,
) -> TransportError {
    use TransportErrorKind as K;
    use ureq::Timeout as T;
    let (kind, maybe_sent) = match &e {
        ureq::Error::HostNotFound => (K::Dns, false),
        ureq::Error::ConnectionFailed => (K::Connect, false),
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => (K::InvalidUrl, false),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => (K::Tls, false),
        ureq::Error::Timeout(T::Resolve) => (K::Timeout, false),
        ureq::Error::Timeout(T::Connect) => (K::Timeout, false),
        ureq::Error::Timeout(_) => (K::Timeout, true),
        ureq::Error::BodyExceedsLimit(_) => (K::BodyTooLarge, true),
        // A header ureq refuses to write (too large, or not a valid value): nothing left.
        ureq::Error::LargeResponseHeader(..) => (K::Io, true),
        ureq::Error::Io(io) if !reading_body && io.kind() == io::ErrorKind::ConnectionRefused => {
            (K::Connect, false)
        }
        ureq::Error::Io(_) | ureq::Error::Protocol(_) => (K::Io, true),
        _ => (K::Other, true),
    };
    TransportError::new(kind, maybe_sent || reading_body, method, url, e)
}
