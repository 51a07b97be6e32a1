//! Per-call options that are not part of an endpoint's declaration.

use std::time::Duration;

use crate::format::Format;
use crate::retry::RetryPolicy;

/// Options for one call: `Client::send_with(&endpoint, &options)`.
///
/// ```
/// use atlas_runtime::RequestOptions;
/// let options = RequestOptions::new().envelope(true).version("2024-08-05");
/// assert!(options.envelope);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestOptions {
    /// Ask Atlas to wrap the answer as `{status, content}` (`envelope=true`). The client
    /// unwraps it, so the typed result is the same either way.
    pub envelope: bool,
    /// Ask Atlas for indented JSON (`pretty=true`); useful when logging raw bodies.
    pub pretty: bool,
    /// Send this version instead of the declared one (`YYYY-MM-DD` or `preview`).
    pub version: Option<String>,
    /// This call is safe to repeat even if a first attempt may have reached Atlas (for a
    /// POST or PATCH that the caller knows to be idempotent). Off by default.
    pub idempotent: bool,
    /// The retry policy for this call, instead of the client's.
    pub retry: Option<RetryPolicy>,
    /// Extra headers for this call (`X-Request-Id`, …). Refused when the request is built,
    /// before anything is sent ([`Error::Request`](crate::Error::Request) naming the
    /// header): the headers the client sets (`Authorization`, `Accept`, `Content-Type`,
    /// `User-Agent`), those the transport sets (`Host`, `Content-Length`), and hop-by-hop
    /// ones (`Connection`, `Keep-Alive`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`,
    /// `Proxy-*`), which speak about a connection, not the call.
    pub headers: Vec<(String, String)>,
    /// The time for one attempt of this call, instead of the client's.
    pub timeout: Option<Duration>,
    /// The time from sending to the answer's headers for this call, instead of the
    /// client's.
    pub response_timeout: Option<Duration>,
    /// The answer's form, for operations that offer several (`getOrgInvoice`: JSON or
    /// CSV); `None` takes the declaration's first.
    pub format: Option<Format>,
}

impl RequestOptions {
    /// No envelope, compact JSON, the declared version.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `envelope`.
    pub fn envelope(mut self, on: bool) -> Self {
        self.envelope = on;
        self
    }

    /// Sets `pretty`.
    pub fn pretty(mut self, on: bool) -> Self {
        self.pretty = on;
        self
    }

    /// Declares this call safe to repeat after a failure that may have reached Atlas.
    pub fn idempotent(mut self, on: bool) -> Self {
        self.idempotent = on;
        self
    }

    /// Uses this retry policy for the call.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Adds a header to this call; see [`headers`](Self::headers) for those refused.
    ///
    /// ```
    /// use atlas_runtime::RequestOptions;
    /// let options = RequestOptions::new().header("X-Request-Id", "rotate-42");
    /// assert_eq!(options.headers, [("X-Request-Id".to_string(), "rotate-42".to_string())]);
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Asks for the answer in `format` (`Accept: application/vnd.atlas.<version>+<format>`).
    pub fn format(mut self, format: Format) -> Self {
        self.format = Some(format);
        self
    }

    /// Sets the time for one attempt of this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sets the time from sending to the answer's headers for this call.
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = Some(timeout);
        self
    }

    /// Overrides the version; checked when the request is built.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
}
