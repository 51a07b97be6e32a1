//! Why a run failed, and its exit status: scripts can tell a mistake in the command
//! (fix the command) from an answer of Atlas (look at the resource) from everything else.
//!
//! | status | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | Atlas answered with an error status; its error body is on stdout (or `--outputFile`) |
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
}

impl CliError {
    /// The process's exit status.
    pub fn code(&self) -> i32 {
        match self {
            CliError::Api(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 3,
            CliError::WatchTimeout(_) => 4,
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
        }
    }
}

impl std::error::Error for CliError {}

impl From<atlas_runtime::Error> for CliError {
    fn from(e: atlas_runtime::Error) -> Self {
        match e {
            atlas_runtime::Error::Validation(v) => CliError::Usage(v.to_string()),
            atlas_runtime::Error::Request(r) => CliError::Usage(r.to_string()),
            atlas_runtime::Error::Api(a) => CliError::Api(a.to_string()),
            other => CliError::Failed(other.to_string()),
        }
    }
}
