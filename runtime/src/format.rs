//! What an answer is made of: Atlas's media types end in `+json`, `+csv` or `+gzip`.

use std::fmt;
use std::io::{self, Read, Write};

use crate::transport::Body;

/// The form of an answer, the suffix of its media type
/// `application/vnd.atlas.<version>+<format>`.
///
/// JSON answers decode into the endpoint's response type; CSV and gzip answers (logs,
/// invoices, cost reports) stream through a [`Download`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `+json`: decoded.
    Json,
    /// `+csv`: text, streamed.
    Csv,
    /// `+gzip`: bytes, streamed.
    Gzip,
}

impl Format {
    /// The media-type suffix: `json`, `csv`, `gzip`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Gzip => "gzip",
        }
    }

    /// The format named by a media-type suffix.
    pub fn from_suffix(suffix: &str) -> Option<Format> {
        match suffix {
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "gzip" => Some(Format::Gzip),
            _ => None,
        }
    }

    /// Whether the answer is bytes that must not be printed to a terminal.
    pub const fn is_binary(self) -> bool {
        matches!(self, Format::Gzip)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A successful non-JSON answer being received. It is never held whole: read it, or
/// [`write_to`](Self::write_to) a file. The client's body limit does not apply (it guards
/// JSON decoding); the call's deadline does.
///
/// ```no_run
/// # use atlas_runtime::{atlas_endpoint, Client, Format, RequestOptions};
/// # #[atlas_endpoint(GET, "/groups/{groupId}/clusters/{hostName}/logs/{logName}.gz", version = "2023-02-01", format = "gzip")]
/// # struct DownloadLog { group_id: String, host_name: String, log_name: String }
/// # let client = Client::builder().build()?;
/// let call = DownloadLog::new("32b6e34b3d91647abb20e7b8", "host-00.mongodb.net", "mongodb");
/// let download = client.download(&call, &RequestOptions::new().format(Format::Gzip))?;
/// let mut file = std::fs::File::create("mongodb.gz")?;
/// let bytes = download.write_to(&mut file)?;
/// println!("{bytes} bytes");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Download {
    status: u16,
    headers: http::HeaderMap,
    body: Body,
}

impl Download {
    pub(crate) fn new(status: u16, headers: http::HeaderMap, body: Body) -> Self {
        Download {
            status,
            headers,
            body,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The answer's headers.
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// Copies the whole answer into `out`, returning how many bytes it had.
    ///
    /// # Errors
    /// A failure reading (the connection broke, the deadline passed: `TimedOut`) or
    /// writing.
    pub fn write_to(mut self, out: &mut impl Write) -> io::Result<u64> {
        let n = io::copy(&mut self.body, out)?;
        out.flush()?;
        Ok(n)
    }

    /// Reads a text answer (CSV) whole, refusing more than `limit` bytes.
    ///
    /// # Errors
    /// Past the limit (`FileTooLarge`), text that is not UTF-8 (`InvalidData`), or a
    /// failure reading.
    pub fn text(self, limit: u64) -> io::Result<String> {
        let bytes = self.body.read_to_vec(limit)?;
        String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }
}

impl Read for Download {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.body.read(buf)
    }
}
