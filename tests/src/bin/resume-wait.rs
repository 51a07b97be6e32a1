//! Resumes a cluster create's wait from its handle in a process of its own, as a
//! restarted program would (`tests/it/waiters.rs`): the handle (JSON) is the one
//! argument, the client is configured from the environment (`Client::from_env()`).
//!
//! Prints `{"state", "name", "polls", "changes"}` as JSON and exits 0, or prints the error
//! and exits 1.

use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_endpoints::clusters::CreateGroupCluster;
use atlas_runtime::wait::{Wait, WaitHandle, Waitable};
use atlas_runtime::{ClientBuilder, RetryPolicy};

fn run() -> Result<serde_json::Value, String> {
    let handle = std::env::args()
        .nth(1)
        .ok_or("the handle is the one argument")?;
    let handle: WaitHandle = serde_json::from_str(&handle).map_err(|e| e.to_string())?;
    let client = ClientBuilder::from_env()
        .and_then(|b| b.retry(RetryPolicy::none()).build())
        .map_err(|e| e.to_string())?;
    let changes = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&changes);
    let wait = Wait::default()
        .interval(Duration::from_millis(100), Duration::from_millis(500))
        .timeout(Some(Duration::from_secs(60)))
        .on_change(move |c| seen.lock().unwrap().push(c.to.clone()));
    let done = CreateGroupCluster::resume(&client, &handle, wait).map_err(|e| e.to_string())?;
    let name = done.resource.and_then(|c| c.name);
    let changes = changes.lock().unwrap().clone();
    Ok(serde_json::json!({
        "state": done.state,
        "name": name,
        "polls": done.polls,
        "changes": changes,
    }))
}

fn main() -> ExitCode {
    match run() {
        Ok(seen) => {
            println!("{seen}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{e}");
            ExitCode::FAILURE
        }
    }
}
