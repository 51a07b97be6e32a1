//! Fault injection: the next N requests that match a method and a path get a canned
//! response, a delay, a dropped connection or a truncated body instead of (or on top of)
//! the emulator's answer.

use std::fmt;
use std::time::Duration;

use crate::errors::ApiError;

/// A fault armed for the next [`times`](Fault::times) matching requests.
///
/// Build one with [`Fault::new`] and the chained setters, or as a struct literal:
///
/// ```
/// use std::time::Duration;
/// use atlas_mock::{Fault, FaultKind, PathMatch};
///
/// // The next two POSTs to any secrets collection are processed (the secret is created)
/// // but the connection closes before the response is written.
/// let lost = Fault::new(FaultKind::DropAfterRead)
///     .method("POST")
///     .path("/api/atlas/v2/orgs/*/serviceAccounts/*/secrets")
///     .times(2);
///
/// // The same, spelled out.
/// let slow = Fault {
///     method: None,
///     path: PathMatch::Prefix("/api/oauth/".into()),
///     times: 1,
///     kind: FaultKind::Delay(Duration::from_millis(1500)),
/// };
/// # let _ = (lost, slow);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The request method it applies to (case-insensitive); `None` for any.
    pub method: Option<String>,
    /// The request paths it applies to, compared with the path as sent (still
    /// percent-encoded, without the query).
    pub path: PathMatch,
    /// How many matching requests it affects; it is disarmed after that (0 = none).
    pub times: usize,
    /// What happens to them.
    pub kind: FaultKind,
}

/// Which paths a [`Fault`] applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathMatch {
    /// Every path.
    Any,
    /// Exactly this path.
    Exact(String),
    /// Every path that starts with this.
    Prefix(String),
    /// A glob: `*` stands for any run of characters, `/` included; everything else is
    /// literal.
    Glob(String),
}

/// What an armed [`Fault`] does to a matching request.
#[derive(Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status, headers and body instead of the emulator; the request is
    /// read but not processed (nothing changes). `Content-Length` and `Connection` are
    /// set by the server. See [`FaultKind::html`], [`FaultKind::api_error`],
    /// [`FaultKind::rate_limited`] and [`FaultKind::service_unavailable`].
    Respond {
        /// The status code.
        status: u16,
        /// Extra headers, `Content-Type` included if wanted.
        headers: Vec<(String, String)>,
        /// The body as sent.
        body: Vec<u8>,
    },
    /// Process the request normally (state changes happen at once), then wait this long
    /// before writing the response headers: for client timeouts. A client that gives up
    /// still finds the effect of its request in the state.
    Delay(Duration),
    /// Close the connection after reading only the request line and headers: the body is
    /// not read, nothing is processed, no response is written (the client sees the
    /// connection closed or reset). The state is unchanged.
    DropBeforeRead,
    /// Read and process the request (state changes happen, e.g. a secret is created),
    /// then close the connection without writing any response: an answer lost on the
    /// way back.
    DropAfterRead,
    /// Process the request, write the status line, the headers and a `Content-Length`
    /// of the full body, but only the first `keep` bytes of the body (at most the body
    /// length minus one; for an empty body the declared length is 1 and nothing is
    /// sent), then close the connection.
    TruncateBody {
        /// How many body bytes are sent before the connection closes.
        keep: usize,
    },
}

impl fmt::Debug for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::Respond {
                status,
                headers,
                body,
            } => f
                .debug_struct("Respond")
                .field("status", status)
                .field("headers", headers)
                .field("body", &String::from_utf8_lossy(body))
                .finish(),
            FaultKind::Delay(d) => f.debug_tuple("Delay").field(d).finish(),
            FaultKind::DropBeforeRead => f.write_str("DropBeforeRead"),
            FaultKind::DropAfterRead => f.write_str("DropAfterRead"),
            FaultKind::TruncateBody { keep } => {
                f.debug_struct("TruncateBody").field("keep", keep).finish()
            }
        }
    }
}

impl FaultKind {
    /// A response with any status, headers and body.
    pub fn respond(status: u16, headers: &[(&str, &str)], body: impl Into<Vec<u8>>) -> Self {
        FaultKind::Respond {
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.into(),
        }
    }

    /// An HTML page, as a load balancer in front of Atlas sends for a 502 or 504.
    pub fn html(status: u16, page: &str) -> Self {
        Self::respond(
            status,
            &[("Content-Type", "text/html; charset=utf-8")],
            page,
        )
    }

    /// An Atlas `ApiError` body with this status and error code.
    pub fn api_error(status: u16, error_code: &str, detail: &str) -> Self {
        let mut body = ApiError::new(status, "UNEXPECTED_ERROR", detail).body();
        body["errorCode"] = error_code.into();
        Self::respond(
            status,
            &[("Content-Type", "application/json")],
            body.to_string(),
        )
    }

    /// A 429 `RATE_LIMITED` `ApiError` with `Retry-After: secs`.
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let mut kind = Self::api_error(429, "RATE_LIMITED", "Too many requests.");
        if let FaultKind::Respond { headers, .. } = &mut kind {
            headers.push(("Retry-After".into(), retry_after_secs.to_string()));
            headers.push(("RateLimit-Limit".into(), "100".into()));
            headers.push(("RateLimit-Remaining".into(), "0".into()));
        }
        kind
    }

    /// A 503 `SERVICE_UNAVAILABLE` `ApiError`, with `Retry-After` when given.
    pub fn service_unavailable(retry_after_secs: Option<u64>) -> Self {
        let mut kind = Self::api_error(
            503,
            "SERVICE_UNAVAILABLE",
            "The service is temporarily unavailable.",
        );
        if let (FaultKind::Respond { headers, .. }, Some(secs)) = (&mut kind, retry_after_secs) {
            headers.push(("Retry-After".into(), secs.to_string()));
        }
        kind
    }
}

impl Fault {
    /// A fault of this kind for the next request, whatever its method and path.
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            method: None,
            path: PathMatch::Any,
            times: 1,
            kind,
        }
    }

    /// Only for this method.
    pub fn method(mut self, method: &str) -> Fault {
        self.method = Some(method.to_owned());
        self
    }

    /// Only for these paths: a string with `*` is a [`PathMatch::Glob`], otherwise
    /// [`PathMatch::Exact`]; or any [`PathMatch`].
    pub fn path(mut self, path: impl Into<PathMatch>) -> Fault {
        self.path = path.into();
        self
    }

    /// Only for paths starting with `prefix`.
    pub fn path_prefix(mut self, prefix: &str) -> Fault {
        self.path = PathMatch::Prefix(prefix.to_owned());
        self
    }

    /// For the next `n` matching requests (default 1).
    pub fn times(mut self, n: usize) -> Fault {
        self.times = n;
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.times > 0
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.matches(path)
    }
}

impl From<&str> for PathMatch {
    fn from(path: &str) -> Self {
        if path.contains('*') {
            PathMatch::Glob(path.to_owned())
        } else {
            PathMatch::Exact(path.to_owned())
        }
    }
}

impl From<String> for PathMatch {
    fn from(path: String) -> Self {
        PathMatch::from(path.as_str())
    }
}

impl PathMatch {
    /// Whether `path` (as sent, percent-encoded) is matched.
    pub fn matches(&self, path: &str) -> bool {
        match self {
            PathMatch::Any => true,
            PathMatch::Exact(p) => p == path,
            PathMatch::Prefix(p) => path.starts_with(p.as_str()),
            PathMatch::Glob(g) => glob(g.as_bytes(), path.as_bytes()),
        }
    }
}

/// `*` matches any run of bytes; the rest is literal. Linear backtracking on the last `*`.
fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if p < pattern.len() && pattern[p] == text[t] {
            p += 1;
            t += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&b| b == b'*')
}

/// The armed faults, first armed first matched.
#[derive(Debug, Default)]
pub(crate) struct FaultSet {
    armed: Vec<Fault>,
}

impl FaultSet {
    pub(crate) fn arm(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.armed.push(fault);
        }
    }

    pub(crate) fn clear(&mut self) {
        self.armed.clear();
    }

    /// Uses one shot of the first fault matching the request, if any.
    pub(crate) fn take(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let i = self.armed.iter().position(|f| f.matches(method, path))?;
        let fault = &mut self.armed[i];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.armed.remove(i);
        }
        Some(kind)
    }

    /// How many requests the armed faults will still affect.
    pub(crate) fn remaining(&self) -> usize {
        self.armed
            .iter()
            .map(|f| f.times)
            .fold(0, usize::saturating_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob(b"/a/*/c", b"/a/b/c"));
        assert!(glob(b"/a/*/c", b"/a/b/x/c"));
        assert!(glob(b"*", b""));
        assert!(glob(b"/a*", b"/a"));
        assert!(!glob(b"/a/*/c", b"/a/b/d"));
        assert!(glob(b"*secrets", b"/x/secrets"));
        assert!(!glob(b"*secrets", b"/x/secrets/1"));
        assert!(glob(b"*/secrets*", b"/x/secrets/1"));
    }

    #[test]
    fn arms_and_counts_down() {
        let mut set = FaultSet::default();
        set.arm(
            Fault::new(FaultKind::DropAfterRead)
                .method("post")
                .path("/a/*")
                .times(2),
        );
        set.arm(Fault::new(FaultKind::DropBeforeRead).path_prefix("/b"));
        assert_eq!(set.remaining(), 3);
        assert_eq!(set.take("GET", "/a/1"), None);
        assert_eq!(set.take("POST", "/a/1"), Some(FaultKind::DropAfterRead));
        assert_eq!(set.take("POST", "/a/2"), Some(FaultKind::DropAfterRead));
        assert_eq!(set.take("POST", "/a/3"), None);
        assert_eq!(set.take("GET", "/bcd"), Some(FaultKind::DropBeforeRead));
        assert_eq!(set.remaining(), 0);
        set.arm(Fault::new(FaultKind::DropAfterRead).times(0));
        assert_eq!(set.take("GET", "/"), None);
    }

    #[test]
    fn canned_responses() {
        let FaultKind::Respond {
            status,
            headers,
            body,
        } = FaultKind::rate_limited(7)
        else {
            panic!("not a response")
        };
        assert_eq!(status, 429);
        assert!(headers.contains(&("Retry-After".into(), "7".into())));
        let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(doc["errorCode"], "RATE_LIMITED");
        assert_eq!(doc["reason"], "Too Many Requests");
    }
}
