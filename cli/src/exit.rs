//! Why a run failed, and its exit status: scripts can tell a mistake in the command
//! (fix the command) from an answer of Atlas (look at the resource) from everything else.
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success (also when the reader of stdout closed it early) |
//! | 1 | Atlas answered with an error status; its error body is on stdout (`--outputFile` is left as it was) |
//! | 2 | usage: unknown command or flag, missing or invalid value (checked before anything is sent), bad profile |
//! | 3 | the call failed otherwise: network, authentication, local I/O |
//! | 4 | `--watch` gave up at `--watchTimeout` |

use std::fmt;

/// A failed run.
#[derive(Debug)]
#[non_exhaustive]
pub enum CliError {
    /// The command line or the settings are wrong; nothing was sent.
    Usage(String),
    /// Atlas answered with an error status.
    Api(String),
    /// Anything else: transport, authentication, I/O.
    Failed(String),
    /// `--watch` stopped waiting.
    WatchTimeout(String),
    /// Standard output was closed (a reader such as `head` had enough): the run ends
    /// quietly, with status 0, and fetches nothing more.
    OutputClosed,
}

impl CliError {
    /// The process's exit status.
    pub fn code(&self) -> i32 {
        match self {
            CliError::OutputClosed => 0,
            CliError::Api(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 3,
            CliError::WatchTimeout(_) => 4,
        }
    }

    /// This error with `edit` applied to its message (to redact secrets it may quote).
    pub fn map_message(self, edit: impl FnOnce(&str) -> String) -> Self {
        match self {
            CliError::Usage(m) => CliError::Usage(edit(&m)),
            CliError::Api(m) => CliError::Api(edit(&m)),
            CliError::Failed(m) => CliError::Failed(edit(&m)),
            CliError::WatchTimeout(m) => CliError::WatchTimeout(edit(&m)),
            CliError::OutputClosed => CliError::OutputClosed,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m)
            | CliError::Api(m)
            | CliError::Failed(m)
            | CliError::WatchTimeout(m) => f.write_str(m),
            CliError::OutputClosed => f.write_str("standard output was closed"),
        }
    }
}

impl std::error::Error for CliError {}

/// The runtime's errors, with every text a server sent on one line and free of control
/// characters ([`crate::show::one_line`]): the message is shown on a terminal.
impl From<atlas_runtime::Error> for CliError {
    fn from(mut e: atlas_runtime::Error) -> Self {
        e.edit_received_texts(|text| *text = crate::show::one_line(text));
        match e {
            atlas_runtime::Error::Validation(v) => CliError::Usage(v.to_string()),
            atlas_runtime::Error::Request(r) => CliError::Usage(r.to_string()),
            atlas_runtime::Error::Api(a) => CliError::Api(format!(
                "server returned an error response code {}: {a}",
                a.status
            )),
            other => CliError::Failed(other.to_string()),
        }
    }
}
