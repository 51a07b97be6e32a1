//! `-w/--watch`: after a call that starts long work, poll the GET of the same resource
//! every second until it is ready, or until it answers 404 after a delete. The GET is
//! found by path (see `tree::watch_target`), so it works for any operation the build
//! declares, with no table of watchers.

use std::io::IsTerminal as _;
use std::time::{Duration, Instant};

use atlas_runtime::{Client, Error, Method, RequestOptions, implement::Location, raw::RawCall};
use indicatif::{ProgressBar, ProgressDrawTarget};

use crate::exit::CliError;
use crate::tree::{self, Op};

/// States that mean "done" in Atlas's `stateName`/`state`/`status` members.
const READY: &[&str] = &[
    "IDLE",
    "READY",
    "ACTIVE",
    "AVAILABLE",
    "COMPLETED",
    "SUCCEEDED",
    "SUCCESS",
    "DONE",
    "FINISHED",
    "APPLIED",
];
/// States that mean the work failed.
const FAILED: &[&str] = &["FAILED", "ERROR", "CANCELLED"];

/// Polls until the resource `op` changed is ready (or gone, after a delete).
pub fn until_ready(
    client: &Client,
    op: &Op,
    ops: &[Op],
    call: &RawCall,
    answer: Option<&[u8]>,
    options: &RequestOptions,
    timeout: Duration,
) -> Result<(), CliError> {
    let Some(target) = tree::watch_target(op, ops) else {
        return Err(CliError::Usage(format!("{} has nothing to watch", op.name)));
    };
    let get = watch_call(target, call, answer)?;
    let mut get_options = RequestOptions::new();
    if let Some(v) = &options.version
        && target.info.version.is_none()
    {
        get_options = get_options.version(v.clone());
    }
    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        s.enable_steady_tick(Duration::from_millis(120));
        s
    });
    let deleting = op.info.method == Method::Delete;
    let start = Instant::now();
    loop {
        let state = match client.send_raw(&get, &get_options) {
            Err(Error::Api(api)) if api.status == 404 && deleting => {
                finish(&spinner, "deleted");
                return Ok(());
            }
            Err(Error::Api(api)) if api.status == 404 => "not visible yet".to_string(),
            Err(e) => {
                finish(&spinner, "stopped");
                return Err(e.into());
            }
            Ok(_) if deleting => "still there".to_string(),
            Ok(answer) => {
                let json: serde_json::Value =
                    serde_json::from_slice(&answer.body).unwrap_or(serde_json::Value::Null);
                // Shown on the terminal: on one line, no control characters.
                let state = ["stateName", "state", "status"]
                    .iter()
                    .find_map(|k| json.get(*k).and_then(|v| v.as_str()))
                    .map(crate::show::one_line);
                match state {
                    None => {
                        finish(&spinner, "ready");
                        return Ok(());
                    }
                    Some(s) if READY.contains(&s.as_str()) => {
                        finish(&spinner, &s);
                        return Ok(());
                    }
                    Some(s) if FAILED.contains(&s.as_str()) => {
                        finish(&spinner, &s);
                        return Err(CliError::Failed(format!(
                            "{} ended in state {s}",
                            target.name
                        )));
                    }
                    Some(s) => s,
                }
            }
        };
        if let Some(s) = &spinner {
            s.set_message(format!(
                "waiting for {} ({state}, {} s)",
                target.name,
                start.elapsed().as_secs()
            ));
        }
        if !timeout.is_zero() && start.elapsed() >= timeout {
            finish(&spinner, "timed out");
            return Err(CliError::WatchTimeout(format!(
                "--watch gave up after {} s: {} is {state}",
                timeout.as_secs(),
                target.name
            )));
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn finish(spinner: &Option<ProgressBar>, what: &str) {
    if let Some(s) = spinner {
        s.finish_with_message(what.to_string());
    }
}

/// The GET's path values: those of the call, and for a create the new resource's id from
/// the answer (the member named like the placeholder, or `name` for `…Name`).
fn watch_call(target: &Op, call: &RawCall, answer: Option<&[u8]>) -> Result<RawCall, CliError> {
    let json: serde_json::Value = answer
        .and_then(|a| serde_json::from_slice(a).ok())
        .unwrap_or(serde_json::Value::Null);
    let given = call_path_values(call);
    let mut get = RawCall::new(target.info);
    for p in target.info.params_in(Location::Path) {
        let value = given
            .iter()
            .find(|(n, _)| *n == p.api_name)
            .map(|(_, v)| v.clone())
            .or_else(|| {
                let member = if p.api_name.ends_with("Name") {
                    "name"
                } else {
                    p.api_name
                };
                json.get(p.api_name)
                    .or_else(|| json.get(member))
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            })
            .ok_or_else(|| {
                CliError::Failed(format!(
                    "cannot watch: no value for {{{}}} in the call or its answer",
                    p.api_name
                ))
            })?;
        get.arg(p.api_name, value)
            .map_err(|e| CliError::Failed(e.to_string()))?;
    }
    Ok(get)
}

/// The path values a call was given.
fn call_path_values(call: &RawCall) -> Vec<(&'static str, String)> {
    call.path_values()
}
