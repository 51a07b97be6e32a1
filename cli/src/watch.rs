//! `-w/--watch`: after a write, wait for its effect with the waiter the SDK has for it
//! (`atlas_endpoints::waiter_for`, the one table, made from the spec): the GET that
//! observes it, the state member and what each value means. Offered exactly where the
//! table has a waiter ([`tree`](crate::tree) asks [`waiter`]).
//!
//! The write's answer is on stdout before the watch starts; the watch shows each state on
//! stderr (a spinner with the state's name on a terminal, one line per change
//! elsewhere), and a watch that ends short of its goal exits 4 whatever the mode, naming
//! the state: the write itself succeeded and must not be sent again.

use std::io::IsTerminal as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_runtime::wait::{Wait, WaitFailed, WaitReason, Waiter};
use atlas_runtime::{Client, EndpointInfo, RequestOptions, raw::RawCall};
use indicatif::{ProgressBar, ProgressDrawTarget};

use crate::exit::CliError;

/// The waiter of the write `info` declares, if the table has one.
pub fn waiter(info: &EndpointInfo) -> Option<&'static Waiter> {
    atlas_endpoints::waiter_for(info)
}

/// Waits for the effect of `call`, whose answer was `answer`; `timeout` zero waits until
/// the work ends.
pub fn until_done(
    client: &Client,
    call: &RawCall,
    answer: Option<&[u8]>,
    timeout: Duration,
) -> Result<(), CliError> {
    let Some(waiter) = waiter(call.info()) else {
        return Err(CliError::Usage(format!(
            "{} has nothing to watch",
            call.info().operation_id.unwrap_or(call.info().type_name)
        )));
    };
    let json: Option<serde_json::Value> = answer.and_then(|a| serde_json::from_slice(a).ok());
    let handle = waiter
        .handle(&call.path_values(), json.as_ref())
        .map_err(|why| {
            CliError::Watch(format!(
                "the call succeeded, but --watch cannot start: {why}"
            ))
        })?;
    let observer = waiter.observer_name();
    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        s.enable_steady_tick(Duration::from_millis(120));
        s.set_message(format!("waiting for {observer}"));
        s
    });
    let shown = spinner.clone();
    let last = Arc::new(Mutex::new(String::new()));
    let seen = Arc::clone(&last);
    let wait = Wait::default()
        .timeout((!timeout.is_zero()).then_some(timeout))
        .on_change(move |c| {
            // Shown on the terminal: on one line, no control characters.
            let state = crate::show::one_line(&c.to);
            if let Ok(mut l) = seen.lock() {
                l.clone_from(&state);
            }
            match &shown {
                Some(s) => {
                    s.println(format!("{observer}: {state} ({} s)", c.elapsed.as_secs()));
                    s.set_message(format!("{observer}: {state}"));
                }
                None => eprintln!("{observer}: {state} ({} s)", c.elapsed.as_secs()),
            }
        });
    let result = waiter.wait_raw(client, &handle, &RequestOptions::new(), wait);
    let state = last.lock().map(|l| l.clone()).unwrap_or_default();
    if let Some(s) = &spinner {
        s.finish_with_message(match &result {
            Ok(_) => format!("{observer}: {state}, done"),
            Err(_) => format!("{observer}: {state}, stopped"),
        });
    }
    result.map(|_| ()).map_err(|failed| watch_error(&failed))
}

/// The message of a watch that ended short of its goal, on one line (a server's text in
/// it is shown on a terminal).
fn watch_error(failed: &WaitFailed) -> CliError {
    let what = crate::show::one_line(&failed.to_string());
    let hint = match failed.reason {
        WaitReason::TimedOut(_) => "; run the command's GET to see it later",
        _ => "",
    };
    CliError::Watch(format!(
        "the call succeeded, but --watch stopped: {what}{hint}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The writes the official CLI's `atlas api` watches (its generated watcher table,
    /// mongodb/mongodb-atlas-cli `tools/internal/specs/overlays/watchers.yaml`, 25 entries
    /// for operations the spec still has): each must offer `--watch` here too.
    const WATCHED_BY_ATLAS: &[&str] = &[
        "createGroupCluster",
        "deleteGroupCluster",
        "updateGroupCluster",
        "createGroupFlexCluster",
        "updateGroupFlexCluster",
        "deleteGroupFlexCluster",
        "createGroupClusterSearchDeployment",
        "updateGroupClusterSearchDeployment",
        "deleteGroupClusterSearchDeployment",
        "updateGroupBackupCompliancePolicy",
        "disableGroupBackupCompliancePolicy",
        "takeGroupClusterBackupSnapshots",
        "updateGroupClusterBackupSnapshot",
        "deleteGroupClusterBackupSnapshot",
        "createGroupClusterBackupExport",
        "createGroupFlexClusterBackupRestoreJob",
        "requestGroupSampleDatasetLoad",
        "verifyGroupUserSecurityLdap",
        "createGroupClusterOnlineArchive",
        "updateGroupClusterOnlineArchive",
        "deleteGroupClusterOnlineArchive",
        "createGroupPrivateEndpointEndpointService",
        "deleteGroupPrivateEndpointEndpointService",
        "startGroupClusterOutageSimulation",
        "endGroupClusterOutageSimulation",
    ];

    #[test]
    fn every_write_atlas_api_watches_has_a_waiter() {
        let mut missing = Vec::new();
        for id in WATCHED_BY_ATLAS {
            let info = atlas_endpoints::operations()
                .find(|i| i.operation_id == Some(id))
                .unwrap_or_else(|| panic!("{id} is declared"));
            if waiter(info).is_none() {
                missing.push(*id);
            }
        }
        assert!(missing.is_empty(), "no waiter: {missing:?}");
        // And no waiter is on a GET, or on a write without a state to read.
        let access_list = atlas_endpoints::operations()
            .find(|i| i.operation_id == Some("createGroupAccessListEntry"))
            .unwrap();
        assert!(waiter(access_list).is_none());
        assert!(
            atlas_endpoints::waiters().all(|w| w.write.method != atlas_runtime::Method::Get
                && w.observer.method == atlas_runtime::Method::Get)
        );
    }
}
