//! The one I/O seam of a [`Client`](crate::Client): a [`Transport`] sends one HTTP request
//! and hands back the answer's head and a reader over its body.
//!
//! Everything else a call does (validation, request building, credentials, retries,
//! decoding) is the client's and happens above this trait, so a transport only moves
//! bytes. The default is [`HttpTransport`]; bring another HTTP stack (a corporate proxy
//! setup, a recording layer) with [`ClientBuilder::transport`](crate::ClientBuilder::transport).
//! With the `test-util` feature, `ScriptedTransport` answers from a script and records
//! every request, so tests need no socket.

use std::fmt;
use std::io::{self, Read};
use std::time::{Duration, Instant};

use crate::error::{Error, TransportError};

mod connect;
mod http1;
mod incoming;
mod pool;
mod probe;
mod proxy;
mod rt;
#[cfg(any(test, feature = "test-util"))]
mod scripted;
mod tls;

pub use http1::{HttpTransport, HttpTransportBuilder};
pub use proxy::Proxy;
#[cfg(any(test, feature = "test-util"))]
pub use scripted::{ScriptedTransport, Step};
pub use tls::{SSL_CERT_FILE, TlsRoots};

/// How long one exchange may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Deadlines {
    /// Time to set up a connection, TLS included.
    pub connect: Duration,
    /// Time from sending the request to the answer's head.
    pub response: Duration,
    /// When the whole exchange, body included, must be over. Reading the body past it
    /// fails with [`io::ErrorKind::TimedOut`].
    pub end: Instant,
}

impl Deadlines {
    /// Deadlines for an exchange starting now.
    pub fn new(connect: Duration, response: Duration, end: Instant) -> Self {
        Deadlines {
            connect,
            response,
            end,
        }
    }

    /// Time left until [`end`](Self::end); zero once it has passed.
    pub fn remaining(&self) -> Duration {
        self.end.saturating_duration_since(Instant::now())
    }
}

/// A response body being received. Reading past the exchange's deadline fails with
/// [`io::ErrorKind::TimedOut`]; a connection that breaks fails with the I/O error.
pub struct Body {
    source: Source,
    /// The length the answer announced, if it did (`Content-Length`).
    length: Option<u64>,
    /// Where the answer came from, for messages about reading it.
    pub(crate) origin: Option<http::Uri>,
}

/// A body past the client's limit.
fn too_large(limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!("the response body is larger than the {limit}-byte limit"),
    )
}

/// Where a body's bytes come from.
enum Source {
    /// Already here, whole: read without a copy by [`Body::read_to_vec`].
    Bytes(io::Cursor<bytes::Bytes>),
    /// Still arriving.
    Reader(Box<dyn Read + Send>),
}

impl Body {
    /// A body read from `reader`.
    pub fn new(reader: impl Read + Send + 'static) -> Self {
        Body {
            source: Source::Reader(Box::new(reader)),
            length: None,
            origin: None,
        }
    }

    /// The same body, announcing `length` bytes (a `Content-Length`), so that reading
    /// it whole allocates once. A wrong announcement costs only that: nothing is read
    /// past what the reader gives, and never past the limit.
    pub fn with_length(mut self, length: Option<u64>) -> Self {
        self.length = length;
        self
    }

    /// A body already in memory.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> Self {
        Body::whole(bytes::Bytes::from(bytes.into()))
    }

    /// A body received whole.
    pub(crate) fn whole(bytes: bytes::Bytes) -> Self {
        Body {
            length: u64::try_from(bytes.len()).ok(),
            source: Source::Bytes(io::Cursor::new(bytes)),
            origin: None,
        }
    }

    /// An empty body.
    pub fn empty() -> Self {
        Body::whole(bytes::Bytes::new())
    }

    /// Reads the whole body, refusing more than `limit` bytes.
    ///
    /// # Errors
    /// [`io::ErrorKind::FileTooLarge`] past the limit, or the reader's own error.
    pub fn read_to_vec(self, limit: u64) -> io::Result<Vec<u8>> {
        match self.source {
            // Without a copy when nothing else shares the buffer.
            Source::Bytes(_) => self.read_to_bytes(limit).map(Vec::from),
            Source::Reader(_) => self.read_into_vec(limit),
        }
    }

    /// [`read_to_vec`](Self::read_to_vec) as `Bytes`: a body that came whole with its
    /// answer's head is handed on as it is, never copied (it shares hyper's read buffer,
    /// which a `Vec` cannot).
    pub(crate) fn read_to_bytes(self, limit: u64) -> io::Result<bytes::Bytes> {
        match self.source {
            Source::Bytes(cursor) => {
                let start = usize::try_from(cursor.position()).unwrap_or(usize::MAX);
                let mut bytes = cursor.into_inner();
                if start >= bytes.len() {
                    return Ok(bytes::Bytes::new());
                }
                let rest = match start {
                    0 => bytes,
                    _ => bytes.split_off(start),
                };
                if rest.len() as u64 > limit {
                    return Err(too_large(limit));
                }
                Ok(rest)
            }
            Source::Reader(_) => self.read_into_vec(limit).map(bytes::Bytes::from),
        }
    }

    /// Reads a streaming body into a `Vec`, within `limit`.
    fn read_into_vec(self, limit: u64) -> io::Result<Vec<u8>> {
        let reader = match self.source {
            Source::Reader(reader) => reader,
            Source::Bytes(cursor) => Box::new(cursor),
        };
        // One allocation for an announced length within the limit (and a byte for the
        // end-of-body check's probe).
        let capacity = self
            .length
            .filter(|&n| n <= limit)
            .and_then(|n| usize::try_from(n).ok())
            .map_or(0, |n| n + 1);
        let mut bytes = Vec::with_capacity(capacity);
        let read = reader
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if read as u64 > limit {
            return Err(too_large(limit));
        }
        Ok(bytes)
    }

    /// Reads and drops the rest of a small body (up to 64 KiB), so that its connection
    /// can carry the next request: a 401 answered before a resend, for one. A larger or
    /// broken body is dropped unread, which closes its connection instead.
    pub(crate) fn discard(mut self) {
        const SMALL: u64 = 64 * 1024;
        let _ = io::copy(&mut (&mut self).take(SMALL), &mut io::sink());
    }
}

impl Read for Body {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match &mut self.source {
            Source::Bytes(cursor) => cursor.read(buf),
            Source::Reader(reader) => reader.read(buf),
        }
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Body { .. }")
    }
}

/// Sends one HTTP request. Implementations move bytes and nothing else: they follow no
/// redirect, add no header, retry nothing that may have reached the server, and never
/// log a header value or body byte.
///
/// The [`TransportError`] says whether the request may have reached the server
/// ([`TransportError::maybe_sent`]): be conservative, since a POST is retried only when
/// it provably was not.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` within `deadlines` and returns the answer, whatever its status.
    ///
    /// # Errors
    /// [`TransportError`] when no response head was received.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        deadlines: &Deadlines,
    ) -> Result<http::Response<Body>, TransportError>;
}

/// How the client's own code sends a request: through the transport, with the call's
/// deadlines, the body read whole within the client's limit. Token requests use it.
pub(crate) type Exchange<'a> =
    &'a dyn Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error>;

/// Scheme, authority and path: never the query, which may carry values worth keeping
/// out of messages.
pub(crate) fn url_without_query(uri: &http::Uri) -> String {
    format!(
        "{}://{}{}",
        uri.scheme_str().unwrap_or("https"),
        uri.authority().map(|a| a.as_str()).unwrap_or(""),
        uri.path()
    )
}
