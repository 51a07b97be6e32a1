//! A response body pulled from the connection as the caller reads it, one frame at a
//! time, never held whole: a large download costs one frame of memory.
//!
//! Every wait for a frame is bounded by the exchange's end, so a server that trickles a
//! byte a second cannot hold the reader past it. Read to the end, the connection goes
//! back to the pool; dropped early, timed out or broken, it is closed.

use std::io::{self, Read};
use std::sync::Arc;
use std::time::Instant;

use bytes::{Buf, Bytes};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use super::pool::{Connection, Key, Pool};
use super::rt;

pub(super) struct WireBody {
    body: Option<Incoming>,
    /// The connection, returned to `pool` at the end of the body.
    connection: Option<(Arc<Pool>, Key, Connection)>,
    end: Instant,
    chunk: Bytes,
}

impl WireBody {
    pub fn new(
        body: Incoming,
        pool: Arc<Pool>,
        key: Key,
        connection: Connection,
        end: Instant,
    ) -> Self {
        WireBody {
            body: Some(body),
            connection: Some((pool, key, connection)),
            end,
            chunk: Bytes::new(),
        }
    }

    /// The same body, its first bytes already read.
    pub fn starting_with(mut self, start: Bytes) -> Self {
        self.chunk = start;
        self
    }

    /// The body ended cleanly: the connection may carry the next request.
    fn finish(&mut self) {
        self.body = None;
        if let Some((pool, key, connection)) = self.connection.take() {
            pool.put(&key, connection);
        }
    }

    /// The body broke off: close the connection with it.
    fn abandon(&mut self, error: io::Error) -> io::Error {
        self.body = None;
        if self.connection.take().is_some() {
            rt::settle();
        }
        error
    }

    fn timed_out(&mut self) -> io::Error {
        self.abandon(io::Error::new(
            io::ErrorKind::TimedOut,
            "the response body did not arrive within the call's deadline",
        ))
    }
}

impl Read for WireBody {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if !self.chunk.is_empty() {
                let n = buf.len().min(self.chunk.len());
                buf[..n].copy_from_slice(&self.chunk[..n]);
                self.chunk.advance(n);
                return Ok(n);
            }
            if buf.is_empty() {
                return Ok(0);
            }
            let Some(body) = self.body.as_mut() else {
                return Ok(0);
            };
            if hyper::body::Body::is_end_stream(body) {
                self.finish();
                return Ok(0);
            }
            if Instant::now() >= self.end {
                return Err(self.timed_out());
            }
            let end = tokio::time::Instant::from_std(self.end);
            // The timer is made inside: it needs the runtime's context.
            let frame = rt::block_on(async { tokio::time::timeout_at(end, body.frame()).await })
                .map_err(|e| self.abandon(e))?;
            match frame {
                Err(_elapsed) => return Err(self.timed_out()),
                Ok(None) => {
                    self.finish();
                    return Ok(0);
                }
                Ok(Some(Err(e))) => {
                    let kind = if e.is_timeout() {
                        io::ErrorKind::TimedOut
                    } else {
                        io::ErrorKind::Other
                    };
                    return Err(self.abandon(io::Error::new(kind, e)));
                }
                // Trailers carry nothing the client reads.
                Ok(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        self.chunk = data;
                    }
                }
            }
        }
    }
}

impl Drop for WireBody {
    /// A body left unread closes its connection now, not at some later call.
    fn drop(&mut self) {
        if self.connection.take().is_some() {
            self.body = None;
            rt::settle();
        }
    }
}
