//! Why a run failed, and its exit status. As the official CLI, every failure exits 1 (but
//! a failed `--watch` after a write that succeeded: 4, so that no script sends it again);
//! asked for detailed statuses (`--detailed-exit-codes`, or
//! `ATLAS_RS_DETAILED_EXIT_CODES=1`), scripts can tell a mistake in the command (fix the
//! command) from an answer of Atlas (look at the resource) from everything else:
//!
//! | status | default | detailed |
//! |---|---|---|
//! | 0 | success (also when the reader of stdout closed it early) | the same |
//! | 1 | any failure | Atlas answered with an error status; its error body is on stdout (`--outputFile` is left as it was) |
//! | 2 | | usage: unknown command or flag, missing or invalid value (checked before anything is sent), bad profile, a version past its sunset |
//! | 3 | | the call failed otherwise: network, authentication, local I/O |
//! | 4 | 4 | the call succeeded (its answer is on stdout), but `--watch` did not see the goal: a failure state (named), `--watchTimeout`, or a poll that cannot succeed |
//! | 5 | | `atlas-rs audit`: a version sunsets within the horizon |

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
    /// The call succeeded, `--watch` did not see its goal. Its own status in both modes:
    /// a script must never take it for a failed write and send the write again.
    Watch(String),
    /// `atlas-rs audit` found versions that sunset within the horizon (its report is on
    /// stdout).
    Audit(String),
    /// Standard output was closed (a reader such as `head` had enough): the run ends
    /// quietly, with status 0, and fetches nothing more.
    OutputClosed,
}

impl CliError {
    /// The process's exit status: 1 for every failure, as the official CLI, or the
    /// detailed status of the table above when `detailed`.
    pub fn code(&self, detailed: bool) -> i32 {
        let code = match self {
            CliError::OutputClosed => return 0,
            CliError::Api(_) => 1,
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 3,
            CliError::Watch(_) => return 4,
            CliError::Audit(_) => 5,
        };
        if detailed { code } else { 1 }
    }

    /// This error with `edit` applied to its message (to redact secrets it may quote).
    pub fn map_message(self, edit: impl FnOnce(&str) -> String) -> Self {
        match self {
            CliError::Usage(m) => CliError::Usage(edit(&m)),
            CliError::Api(m) => CliError::Api(edit(&m)),
            CliError::Failed(m) => CliError::Failed(edit(&m)),
            CliError::Watch(m) => CliError::Watch(edit(&m)),
            CliError::Audit(m) => CliError::Audit(edit(&m)),
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
            | CliError::Watch(m)
            | CliError::Audit(m) => f.write_str(m),
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

/// Whether the run asked for detailed exit statuses: the flag `--detailed-exit-codes`
/// anywhere before a `--` (it is read before the command line is parsed, so that a
/// usage error gets its status too), or `ATLAS_RS_DETAILED_EXIT_CODES` set to `1` or
/// `true`.
pub fn detailed_requested(
    args: &[std::ffi::OsString],
    lookup: &dyn Fn(&str) -> Option<String>,
) -> bool {
    let flag = args
        .iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--detailed-exit-codes");
    flag || lookup("ATLAS_RS_DETAILED_EXIT_CODES")
        .is_some_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failure_is_1_unless_detail_is_asked_but_a_watch() {
        let all = [
            CliError::Api(String::new()),
            CliError::Usage(String::new()),
            CliError::Failed(String::new()),
            CliError::Watch(String::new()),
            CliError::Audit(String::new()),
        ];
        let default: Vec<i32> = all.iter().map(|e| e.code(false)).collect();
        // A failed watch follows a write that succeeded: never the status of a failed write.
        assert_eq!(default, [1, 1, 1, 4, 1]);
        let detailed: Vec<i32> = all.iter().map(|e| e.code(true)).collect();
        assert_eq!(detailed, [1, 2, 3, 4, 5]);
        assert_eq!(CliError::OutputClosed.code(false), 0);
        let args = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let none = |_: &str| None;
        assert!(detailed_requested(
            &args(&["atlas-rs", "--detailed-exit-codes", "api"]),
            &none
        ));
        assert!(!detailed_requested(
            &args(&["atlas-rs", "api", "--", "--detailed-exit-codes"]),
            &none
        ));
        assert!(detailed_requested(&args(&["atlas-rs"]), &|n: &str| {
            (n == "ATLAS_RS_DETAILED_EXIT_CODES").then(|| "1".to_string())
        }));
    }
}
