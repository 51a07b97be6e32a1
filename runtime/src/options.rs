//! Per-call options that are not part of an endpoint's declaration.

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

    /// Overrides the version; checked when the request is built.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
}
