//! Waiting for long-running work: a write answers at once, the work it starts (a cluster,
//! a snapshot, a search index, …) ends minutes later, and the only way to see it end is
//! to GET the resource and read its state member.
//!
//! A [`Waiter`] says, for one write, which GET observes it, which member holds the state,
//! which values mean ready, failed, in progress or gone ([`States`]), and what the wait
//! is for ([`Goal`]). `atlas-endpoints` generates one for every write the spec lets us
//! observe (`atlas_endpoints::waiters()`), through the [`Waitable`] trait; a crate that
//! declares its own endpoints can implement it by hand.
//!
//! The wait itself ([`Wait`]) polls with a growing interval (5 s, then ×1.5 up to 60 s),
//! treats what a retry could fix (5xx, 429, resets, timeouts) as a failed poll to count
//! and report, never as the end of the wait, and ends at the goal, at a failure state
//! (naming it), or at its deadline. Every end that is not the goal carries a
//! [`WaitHandle`]: the resource and the expected transition, small and serialisable, so
//! that another process can [`resume`](Waitable::resume) the wait.
//!
//! ```no_run
//! # use atlas_runtime::{atlas_endpoint, Client, wait::{Goal, IdFrom, States, Wait, Waitable, Waiter}};
//! # #[atlas_endpoint(GET, "/groups/{groupId}/clusters/{clusterName}", version = "2024-08-05", response = serde_json::Value)]
//! # pub struct GetCluster { pub group_id: String, pub cluster_name: String }
//! # #[atlas_endpoint(POST, "/groups/{groupId}/clusters", version = "2024-08-05", response = serde_json::Value)]
//! # pub struct CreateCluster { pub group_id: String, #[atlas(body)] pub body: serde_json::Value }
//! # const CLUSTER: States = States::new(&["stateName"], &["IDLE"], &[],
//! #     &["CREATING", "UPDATING", "DELETING", "REPAIRING"], &[]);
//! # impl Waitable for CreateCluster {
//! #     type Observer = GetCluster;
//! #     const WAITER: Waiter = Waiter::new(&Self::INFO, &GetCluster::INFO, &CLUSTER, Goal::Ready,
//! #         &[("groupId", IdFrom::Path("groupId")), ("clusterName", IdFrom::Answer("name"))]);
//! # }
//! # let client = Client::builder().build()?;
//! # let create = CreateCluster::new("32b6e34b3d91647abb20e7b8", serde_json::json!({}));
//! let done = create.send_and_wait(
//!     &client,
//!     Wait::default().on_change(|c| eprintln!("{} after {:?}", c.to, c.elapsed)),
//! )?;
//! println!("ready after {} polls", done.polls);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::endpoint::{Endpoint, EndpointInfo};
use crate::implement::Location;
use crate::raw::RawCall;
use crate::{Client, Error, RequestOptions};

/// The values of one resource's state member, each in exactly one set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct States {
    /// The member of the GET's answer that holds the state (`stateName`, `status`, …);
    /// the first present when the answer's forms differ (a network peer's `statusName` on
    /// AWS, `status` elsewhere).
    pub members: &'static [&'static str],
    /// The work is done and the resource usable.
    pub ready: &'static [&'static str],
    /// The work failed; waiting longer will not change that.
    pub failed: &'static [&'static str],
    /// The work goes on.
    pub pending: &'static [&'static str],
    /// The resource is deleted but still answered (a terminal `DELETED`).
    pub gone: &'static [&'static str],
}

/// Which set a state value is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// [`States::ready`].
    Ready,
    /// [`States::failed`].
    Failed,
    /// [`States::pending`].
    Pending,
    /// [`States::gone`].
    Gone,
}

impl States {
    /// Builds the sets (for generated and hand-written waiters).
    pub const fn new(
        members: &'static [&'static str],
        ready: &'static [&'static str],
        failed: &'static [&'static str],
        pending: &'static [&'static str],
        gone: &'static [&'static str],
    ) -> States {
        States {
            members,
            ready,
            failed,
            pending,
            gone,
        }
    }

    /// The set `value` is in, compared exactly (Atlas's values are case-sensitive and
    /// mixed: `completed`, `Successful`, `COMPLETE`); `None` for a value the table does
    /// not know, which a wait treats as work still going on.
    pub fn classify(&self, value: &str) -> Option<Class> {
        [
            (self.ready, Class::Ready),
            (self.failed, Class::Failed),
            (self.pending, Class::Pending),
            (self.gone, Class::Gone),
        ]
        .into_iter()
        .find(|(set, _)| set.contains(&value))
        .map(|(_, class)| class)
    }

    /// Every value, set by set.
    pub fn values(&self) -> impl Iterator<Item = (&'static str, Class)> + '_ {
        let tag = |set: &'static [&'static str], class| set.iter().map(move |v| (*v, class));
        tag(self.ready, Class::Ready)
            .chain(tag(self.failed, Class::Failed))
            .chain(tag(self.pending, Class::Pending))
            .chain(tag(self.gone, Class::Gone))
    }
}

/// What a wait waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Goal {
    /// A [`ready`](States::ready) state (after a create, an update or an action).
    Ready,
    /// The GET answers 404 or a [`gone`](States::gone) state (after a delete); a ready
    /// state means the resource is still there.
    Gone,
}

/// Where the observing GET finds one of its path values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdFrom {
    /// The write's path value of this name.
    Path(&'static str),
    /// This top-level member of the write's answer (a create's new `id` or `name`).
    Answer(&'static str),
    /// The first present of these members of the write's answer (the forms of a union
    /// answer name the id differently: `roleId` on AWS and GCP, `_id` on Azure).
    AnswerAny(&'static [&'static str]),
}

/// How one write is observed: the GET, its state member's sets, the goal, and where each
/// of the GET's path values comes from.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Waiter {
    /// The write.
    pub write: &'static EndpointInfo,
    /// The GET that observes it.
    pub observer: &'static EndpointInfo,
    /// The observer's state member and its values.
    pub states: &'static States,
    /// What the wait is for.
    pub goal: Goal,
    /// Every path value of the observer, by its API name.
    pub ids: &'static [(&'static str, IdFrom)],
}

impl Waiter {
    /// Builds a waiter (for generated and hand-written [`Waitable`] impls).
    pub const fn new(
        write: &'static EndpointInfo,
        observer: &'static EndpointInfo,
        states: &'static States,
        goal: Goal,
        ids: &'static [(&'static str, IdFrom)],
    ) -> Waiter {
        Waiter {
            write,
            observer,
            states,
            goal,
            ids,
        }
    }

    /// The write's operationId, or its type name.
    pub fn write_name(&self) -> &'static str {
        self.write.operation_id.unwrap_or(self.write.type_name)
    }

    /// The observer's operationId, or its type name.
    pub fn observer_name(&self) -> &'static str {
        self.observer
            .operation_id
            .unwrap_or(self.observer.type_name)
    }

    /// The handle of a wait after this write: the observer's path values from the
    /// write's path values (`path`, by API name) and its JSON answer.
    ///
    /// # Errors
    /// The name of a value found in neither.
    pub fn handle(
        &self,
        path: &[(&str, String)],
        answer: Option<&serde_json::Value>,
    ) -> Result<WaitHandle, String> {
        let mut values = BTreeMap::new();
        for (name, from) in self.ids {
            let value = match from {
                IdFrom::Path(p) => path.iter().find(|(n, _)| n == p).map(|(_, v)| v.clone()),
                IdFrom::Answer(m) => member(answer, m),
                IdFrom::AnswerAny(ms) => ms.iter().find_map(|m| member(answer, m)),
            };
            let value = value.ok_or_else(|| match from {
                IdFrom::Path(p) => format!("the write has no path value {p:?}"),
                IdFrom::Answer(m) => format!("the write's answer has no member {m:?}"),
                IdFrom::AnswerAny(ms) => format!("the write's answer has none of {ms:?}"),
            })?;
            values.insert((*name).to_string(), value);
        }
        Ok(WaitHandle {
            write: self.write_name().to_string(),
            observer: self.observer_name().to_string(),
            path: values,
            goal: self.goal,
        })
    }

    /// Waits for the work `handle` names: the one wait loop, for typed and raw callers.
    /// `Ok` holds the observer's last answer (none after a delete).
    ///
    /// # Errors
    /// [`WaitFailed`]: a failure state, the deadline, a poll that cannot succeed, or a
    /// handle that is not this waiter's.
    pub fn wait_raw(
        &self,
        client: &Client,
        handle: &WaitHandle,
        options: &RequestOptions,
        mut wait: Wait,
    ) -> Result<Done<Vec<u8>>, Box<WaitFailed>> {
        let mut run = Run {
            handle,
            polls: 0,
            transient_errors: 0,
            state: None,
            started: wait.clock.now(),
        };
        if handle.write != self.write_name() || handle.observer != self.observer_name() {
            return Err(run.failed(
                WaitReason::Handle(format!(
                    "the handle is for {} observed by {}, this waiter for {} observed by {}",
                    handle.write,
                    handle.observer,
                    self.write_name(),
                    self.observer_name()
                )),
                &wait,
            ));
        }
        let mut get = RawCall::new(self.observer);
        for p in self.observer.params_in(Location::Path) {
            let Some(v) = handle.path.get(p.api_name) else {
                return Err(run.failed(
                    WaitReason::Handle(format!("the handle has no value for {{{}}}", p.api_name)),
                    &wait,
                ));
            };
            if let Err(e) = get.arg(p.api_name, v.clone()) {
                return Err(run.failed(WaitReason::Handle(e.to_string()), &wait));
            }
        }
        let mut interval = wait.interval;
        let mut not_found_since: Option<Duration> = None;
        loop {
            run.polls += 1;
            let seen = match client.send_raw(&get, options) {
                Ok(answer) => {
                    not_found_since = None;
                    let json: Option<serde_json::Value> = serde_json::from_slice(&answer.body).ok();
                    let state = json
                        .as_ref()
                        .and_then(|j| self.states.members.iter().find_map(|m| j.get(*m)))
                        .and_then(serde_json::Value::as_str)
                        .map(str::to_string);
                    match &state {
                        // An answer without the member: nothing says the work goes on.
                        None if json.is_some() => Seen::End(Class::Ready, answer.body),
                        // Not JSON (a proxy's page, a cut answer): a failed poll to repeat.
                        None => {
                            run.transient_errors += 1;
                            if let (Some(f), Err(e)) = (
                                wait.on_transient.as_mut(),
                                crate::response::decode_success_bytes::<serde_json::Value>(
                                    answer.status,
                                    &answer.body,
                                ),
                            ) {
                                f(&e);
                            }
                            Seen::Transient
                        }
                        Some(s) => match self.states.classify(s) {
                            Some(class) if class != Class::Pending => {
                                run.change(state.clone(), &mut wait);
                                Seen::End(class, answer.body)
                            }
                            _ => {
                                run.change(state.clone(), &mut wait);
                                Seen::Pending
                            }
                        },
                    }
                }
                Err(Error::Api(e)) if e.status == 404 => {
                    if self.goal == Goal::Gone {
                        run.change(Some(GONE.to_string()), &mut wait);
                        return Ok(run.done(None, &wait));
                    }
                    run.change(Some(NOT_FOUND.to_string()), &mut wait);
                    let now = run.elapsed(&wait);
                    let since = *not_found_since.get_or_insert(now);
                    if now.saturating_sub(since) >= wait.not_found_grace {
                        return Err(run.failed(WaitReason::NotFound, &wait));
                    }
                    Seen::Pending
                }
                Err(e) if is_transient(&e) => {
                    run.transient_errors += 1;
                    if let Some(f) = wait.on_transient.as_mut() {
                        f(&e);
                    }
                    Seen::Transient
                }
                Err(e) => return Err(run.failed(WaitReason::Poll(e), &wait)),
            };
            match (seen, self.goal) {
                (Seen::End(Class::Ready, body), Goal::Ready) => {
                    return Ok(run.done(Some(body), &wait));
                }
                (Seen::End(Class::Gone, _), Goal::Gone) => return Ok(run.done(None, &wait)),
                (Seen::End(Class::Failed, _), _) => {
                    let state = run.state.clone().unwrap_or_default();
                    return Err(run.failed(WaitReason::Failed(state), &wait));
                }
                (Seen::End(Class::Gone, _), Goal::Ready) => {
                    return Err(run.failed(WaitReason::NotFound, &wait));
                }
                // Still there after a delete, in progress, or a poll to repeat.
                _ => {}
            }
            let elapsed = run.elapsed(&wait);
            if let Some(timeout) = wait.timeout {
                if elapsed >= timeout {
                    return Err(run.failed(WaitReason::TimedOut(timeout), &wait));
                }
                wait.clock.sleep(interval.min(timeout - elapsed));
            } else {
                wait.clock.sleep(interval);
            }
            interval = interval.mul_f64(wait.growth).min(wait.max_interval);
        }
    }
}

/// A member of a JSON answer as a path value: a string, or a number written out.
fn member(answer: Option<&serde_json::Value>, name: &str) -> Option<String> {
    match answer?.get(name)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The state shown when the GET answers 404 during a wait for a delete.
pub const GONE: &str = "(gone)";
/// The state shown when the GET answers 404 during a wait for anything else.
pub const NOT_FOUND: &str = "(not found)";

/// What a poll saw.
enum Seen {
    End(Class, Vec<u8>),
    Pending,
    Transient,
}

/// Whether a failed poll may succeed when repeated: the client's own retry rule
/// (`retry::should_retry`), for a GET, which is always safe to repeat.
fn is_transient(e: &Error) -> bool {
    crate::retry::should_retry(e, true)
}

/// One wait's counters.
struct Run<'h> {
    handle: &'h WaitHandle,
    polls: u32,
    transient_errors: u32,
    state: Option<String>,
    started: Duration,
}

impl Run<'_> {
    fn elapsed(&self, wait: &Wait) -> Duration {
        wait.clock.now().saturating_sub(self.started)
    }

    fn change(&mut self, state: Option<String>, wait: &mut Wait) {
        if state == self.state {
            return;
        }
        let change = StateChange {
            from: self.state.take(),
            to: state.clone().unwrap_or_default(),
            elapsed: self.elapsed(wait),
            polls: self.polls,
        };
        self.state = state;
        if let Some(f) = wait.on_change.as_mut() {
            f(&change);
        }
    }

    fn done<R>(&self, resource: Option<R>, wait: &Wait) -> Done<R> {
        Done {
            resource,
            state: self.state.clone(),
            polls: self.polls,
            transient_errors: self.transient_errors,
            elapsed: self.elapsed(wait),
        }
    }

    fn failed(&self, reason: WaitReason, wait: &Wait) -> Box<WaitFailed> {
        Box::new(WaitFailed {
            reason,
            handle: self.handle.clone(),
            state: self.state.clone(),
            polls: self.polls,
            transient_errors: self.transient_errors,
            elapsed: self.elapsed(wait),
        })
    }
}

/// The time a wait reads and sleeps on: the system's by default; a test can give one
/// that moves an emulator's clock instead of sleeping ([`Wait::clock`]).
pub trait WaitClock: Send + Sync {
    /// Time since an arbitrary fixed point.
    fn now(&self) -> Duration;
    /// Lets `d` pass.
    fn sleep(&self, d: Duration);
}

/// The system's monotonic clock.
#[derive(Debug)]
struct SystemClock(Instant);

impl WaitClock for SystemClock {
    fn now(&self) -> Duration {
        self.0.elapsed()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// How to wait: the polling interval and its growth, the deadline, what to call on each
/// state change, and the clock.
pub struct Wait {
    interval: Duration,
    max_interval: Duration,
    growth: f64,
    timeout: Option<Duration>,
    not_found_grace: Duration,
    clock: Arc<dyn WaitClock>,
    on_change: Option<OnChange>,
    on_transient: Option<OnTransient>,
}

/// What [`Wait::on_change`] keeps.
type OnChange = Box<dyn FnMut(&StateChange) + Send>;
/// What [`Wait::on_transient_error`] keeps.
type OnTransient = Box<dyn FnMut(&Error) + Send>;

/// The first interval between polls.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// The longest interval between polls.
pub const DEFAULT_MAX_INTERVAL: Duration = Duration::from_secs(60);
/// How long a wait lasts at most: creates of large clusters take well over an hour.
pub const DEFAULT_WAIT_TIMEOUT: Duration = Duration::from_secs(3 * 3600);
/// How long a 404 may last after a create or an update before the wait gives up: a new
/// resource can take a moment to be visible.
pub const DEFAULT_NOT_FOUND_GRACE: Duration = Duration::from_secs(120);

impl Default for Wait {
    fn default() -> Self {
        Wait {
            interval: DEFAULT_INTERVAL,
            max_interval: DEFAULT_MAX_INTERVAL,
            growth: 1.5,
            timeout: Some(DEFAULT_WAIT_TIMEOUT),
            not_found_grace: DEFAULT_NOT_FOUND_GRACE,
            clock: Arc::new(SystemClock(Instant::now())),
            on_change: None,
            on_transient: None,
        }
    }
}

impl fmt::Debug for Wait {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("interval", &self.interval)
            .field("max_interval", &self.max_interval)
            .field("growth", &self.growth)
            .field("timeout", &self.timeout)
            .field("not_found_grace", &self.not_found_grace)
            .finish_non_exhaustive()
    }
}

impl Wait {
    /// The first interval between polls, and the longest; each interval is 1.5 times the
    /// one before. (The first poll is at once.)
    pub fn interval(mut self, first: Duration, max: Duration) -> Self {
        self.interval = first.max(Duration::from_millis(1));
        self.max_interval = max.max(self.interval);
        self
    }

    /// How long to wait at most (`None`: until the work ends).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a 404 may last while waiting for anything but a delete.
    pub fn not_found_grace(mut self, grace: Duration) -> Self {
        self.not_found_grace = grace;
        self
    }

    /// Called on each change of state, the first one seen included.
    pub fn on_change(mut self, f: impl FnMut(&StateChange) + Send + 'static) -> Self {
        self.on_change = Some(Box::new(f));
        self
    }

    /// Called on each failed poll that the wait goes on after (a 503, a reset, a timeout,
    /// an answer that is not JSON).
    pub fn on_transient_error(mut self, f: impl FnMut(&Error) + Send + 'static) -> Self {
        self.on_transient = Some(Box::new(f));
        self
    }

    /// The clock to read and sleep on (tests: one that moves an emulator's clock).
    pub fn clock(mut self, clock: Arc<dyn WaitClock>) -> Self {
        self.clock = clock;
        self
    }
}

/// A state seen for the first time in a wait.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StateChange {
    /// The state before (`None` at the first poll).
    pub from: Option<String>,
    /// The state now, as Atlas wrote it, or [`GONE`] / [`NOT_FOUND`] for a 404.
    pub to: String,
    /// Since the wait started.
    pub elapsed: Duration,
    /// Polls so far, this one included.
    pub polls: u32,
}

/// A wait that reached its goal.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Done<R> {
    /// The observer's last answer; `None` after a delete.
    pub resource: Option<R>,
    /// The last state seen.
    pub state: Option<String>,
    /// GETs sent.
    pub polls: u32,
    /// Of those, the ones that failed and were repeated.
    pub transient_errors: u32,
    /// How long the wait took.
    pub elapsed: Duration,
}

/// What another process needs to go on waiting: the write, the GET that observes it with
/// its path values, and the goal. Serialisable (serde), e.g. as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WaitHandle {
    /// The write's operationId.
    pub write: String,
    /// The observing GET's operationId.
    pub observer: String,
    /// The GET's path values, by API name.
    pub path: BTreeMap<String, String>,
    /// What the wait is for.
    pub goal: Goal,
}

/// Why a wait ended short of its goal.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitReason {
    /// The resource reached a failure state (named).
    Failed(String),
    /// The deadline passed.
    TimedOut(Duration),
    /// A poll failed in a way repeating cannot fix (401, 403, a bad path value, …).
    Poll(Error),
    /// The resource is not there (404 past the grace, or deleted) and was expected to be.
    NotFound,
    /// The handle does not fit the waiter.
    Handle(String),
}

/// A wait that ended short of its goal. The write it follows succeeded; the
/// [`handle`](Self::handle) can resume the wait.
#[derive(Debug)]
#[non_exhaustive]
pub struct WaitFailed {
    /// Why.
    pub reason: WaitReason,
    /// What to resume from.
    pub handle: WaitHandle,
    /// The last state seen.
    pub state: Option<String>,
    /// GETs sent.
    pub polls: u32,
    /// Of those, the ones that failed and were repeated.
    pub transient_errors: u32,
    /// How long the wait took.
    pub elapsed: Duration,
}

impl fmt::Display for WaitFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = &self.handle.observer;
        match &self.reason {
            WaitReason::Failed(state) => write!(f, "{what} reached the failure state {state}")?,
            WaitReason::TimedOut(after) => {
                write!(f, "gave up waiting for {what} after {} s", after.as_secs())?;
                if let Some(s) = &self.state {
                    write!(f, "; its state is {s}")?;
                }
            }
            WaitReason::Poll(e) => write!(f, "polling {what} failed: {e}")?,
            WaitReason::NotFound => write!(f, "{what} answers that the resource is not there")?,
            WaitReason::Handle(why) => write!(f, "cannot wait: {why}")?,
        }
        write!(
            f,
            " ({} poll(s), {} repeated after a transient error)",
            self.polls, self.transient_errors
        )
    }
}

impl std::error::Error for WaitFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.reason {
            WaitReason::Poll(e) => Some(e),
            _ => None,
        }
    }
}

/// A write followed by a wait: which of the two failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// The write failed; nothing was started.
    Write(Error),
    /// The write succeeded, the wait did not reach its goal.
    Wait(Box<WaitFailed>),
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Write(e) => e.fmt(f),
            WaitError::Wait(w) => write!(f, "the write succeeded, but {w}"),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Write(e) => e.source(),
            WaitError::Wait(w) => w.source(),
        }
    }
}

impl From<Box<WaitFailed>> for WaitError {
    fn from(w: Box<WaitFailed>) -> Self {
        WaitError::Wait(w)
    }
}

/// A write whose effect can be waited for: `atlas-endpoints` implements it for every
/// write the spec lets us observe.
pub trait Waitable: Endpoint + Sized {
    /// The GET that observes the write.
    type Observer: Endpoint;
    /// How.
    const WAITER: Waiter;

    /// Sends the write and hands back its answer with the handle of the wait.
    ///
    /// # Errors
    /// [`WaitError::Write`] when the write fails; [`WaitError::Wait`] when its answer
    /// lacks what the wait needs (the write succeeded).
    fn start(&self, client: &Client) -> Result<Started<Self>, WaitError> {
        let options = RequestOptions::default();
        let answer = client
            .send_bytes(self, &options)
            .map_err(WaitError::Write)?;
        let json: Option<serde_json::Value> = serde_json::from_slice(&answer.body).ok();
        let path = path_values(&Self::INFO, &crate::request::path_of(self));
        let handle = Self::WAITER.handle(&path, json.as_ref()).map_err(|why| {
            WaitError::Wait(Box::new(WaitFailed {
                reason: WaitReason::Handle(why),
                handle: WaitHandle {
                    write: Self::WAITER.write_name().to_string(),
                    observer: Self::WAITER.observer_name().to_string(),
                    path: BTreeMap::new(),
                    goal: Self::WAITER.goal,
                },
                state: None,
                polls: 0,
                transient_errors: 0,
                elapsed: Duration::ZERO,
            }))
        })?;
        let answer =
            crate::response::decode_success_bytes::<Self::Response>(answer.status, &answer.body)
                .map_err(WaitError::Write)?;
        Ok(Started { answer, handle })
    }

    /// Sends the write, then waits for its effect.
    ///
    /// # Errors
    /// See [`WaitError`].
    fn send_and_wait(
        &self,
        client: &Client,
        wait: Wait,
    ) -> Result<Done<<Self::Observer as Endpoint>::Response>, WaitError> {
        self.start(client)?.wait(client, wait)
    }

    /// Goes on with a wait from its handle (another process may have started it).
    ///
    /// # Errors
    /// [`WaitError::Wait`].
    fn resume(
        client: &Client,
        handle: &WaitHandle,
        wait: Wait,
    ) -> Result<Done<<Self::Observer as Endpoint>::Response>, WaitError> {
        let options = RequestOptions::default();
        let done = Self::WAITER.wait_raw(client, handle, &options, wait)?;
        decode_done::<<Self::Observer as Endpoint>::Response>(done, handle)
    }
}

/// A write that succeeded, and the wait that follows it.
pub struct Started<W: Waitable> {
    /// The write's answer.
    pub answer: W::Response,
    handle: WaitHandle,
}

impl<W: Waitable> fmt::Debug for Started<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Started")
            .field("handle", &self.handle)
            .finish_non_exhaustive()
    }
}

impl<W: Waitable> Started<W> {
    /// What to resume the wait from, in this process or another.
    pub fn handle(&self) -> &WaitHandle {
        &self.handle
    }

    /// Waits for the write's effect.
    ///
    /// # Errors
    /// [`WaitError::Wait`].
    pub fn wait(
        &self,
        client: &Client,
        wait: Wait,
    ) -> Result<Done<<W::Observer as Endpoint>::Response>, WaitError> {
        W::resume(client, &self.handle, wait)
    }
}

/// The typed form of a raw wait's end.
fn decode_done<R: serde::de::DeserializeOwned + 'static>(
    done: Done<Vec<u8>>,
    handle: &WaitHandle,
) -> Result<Done<R>, WaitError> {
    let resource = match done.resource {
        None => None,
        Some(body) => Some(
            crate::response::decode_success_bytes::<R>(200, &body).map_err(|e| {
                WaitError::Wait(Box::new(WaitFailed {
                    reason: WaitReason::Poll(e),
                    handle: handle.clone(),
                    state: done.state.clone(),
                    polls: done.polls,
                    transient_errors: done.transient_errors,
                    elapsed: done.elapsed,
                }))
            })?,
        ),
    };
    Ok(Done {
        resource,
        state: done.state,
        polls: done.polls,
        transient_errors: done.transient_errors,
        elapsed: done.elapsed,
    })
}

/// A path's values by placeholder: `info`'s template (`/groups/{groupId}/clusters`)
/// read against the encoded `path` the endpoint wrote (`/groups/5f…/clusters`). A value is
/// decoded, but for a parameter declared `encoded`, which keeps its escapes as it was
/// given (`192.0.2.0%2F24`).
fn path_values(info: &'static EndpointInfo, path: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for (t, p) in info.template.split('/').zip(path.split('/')) {
        let (Some(open), Some(close)) = (t.find('{'), t.find('}')) else {
            continue;
        };
        let (prefix, name, suffix) = (&t[..open], &t[open + 1..close], &t[close + 1..]);
        let Some(raw) = p
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(suffix))
        else {
            continue;
        };
        let Some(param) = info
            .params
            .iter()
            .find(|q| q.location == Location::Path && q.api_name == name)
        else {
            continue;
        };
        let value = if param.encoded {
            raw.to_string()
        } else {
            percent_encoding::percent_decode_str(raw)
                .decode_utf8_lossy()
                .into_owned()
        };
        out.push((param.api_name, value));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlas_endpoint;

    #[atlas_endpoint(GET, "/groups/{groupId}/accessList/{entryValue}", version = "2023-01-01",
        response = serde_json::Value)]
    struct GetEntry {
        group_id: String,
        #[atlas(path, encoded)]
        entry_value: String,
    }

    #[atlas_endpoint(POST, "/groups/{groupId}/clusters/{clusterName}:pin", version = "2023-01-01",
        response = serde_json::Value)]
    struct Pin {
        group_id: String,
        cluster_name: String,
    }

    const STATES: States = States::new(&["state"], &["DONE"], &["FAILED"], &["WORKING"], &["GONE"]);

    #[test]
    fn path_values_are_read_back_from_the_written_path() {
        let entry = GetEntry::new("5f0000000000000000000000", "192.0.2.0%2F24");
        let path = crate::request::path_of(&entry);
        assert_eq!(
            path_values(&GetEntry::INFO, &path),
            [
                ("groupId", "5f0000000000000000000000".to_string()),
                // An encoded parameter keeps its escapes, as it was given.
                ("entryValue", "192.0.2.0%2F24".to_string()),
            ]
        );
        let pin = Pin::new("5f0000000000000000000000", "my cluster");
        let path = crate::request::path_of(&pin);
        assert_eq!(
            path_values(&Pin::INFO, &path),
            [
                ("groupId", "5f0000000000000000000000".to_string()),
                ("clusterName", "my cluster".to_string()),
            ]
        );
    }

    #[test]
    fn each_value_is_in_one_class_and_unknown_values_are_none() {
        assert_eq!(STATES.classify("DONE"), Some(Class::Ready));
        assert_eq!(STATES.classify("FAILED"), Some(Class::Failed));
        assert_eq!(STATES.classify("WORKING"), Some(Class::Pending));
        assert_eq!(STATES.classify("GONE"), Some(Class::Gone));
        assert_eq!(STATES.classify("done"), None, "compared exactly");
        assert_eq!(STATES.values().count(), 4);
    }

    #[test]
    fn a_handle_takes_path_values_and_the_first_answer_member_present() {
        let waiter = Waiter::new(
            &Pin::INFO,
            &GetEntry::INFO,
            &STATES,
            Goal::Ready,
            &[
                ("groupId", IdFrom::Path("groupId")),
                ("entryValue", IdFrom::AnswerAny(&["roleId", "_id"])),
            ],
        );
        let path = [
            ("groupId", "g".to_string()),
            ("clusterName", "c".to_string()),
        ];
        let azure = serde_json::json!({"_id": "a1"});
        let handle = waiter.handle(&path, Some(&azure)).unwrap();
        assert_eq!(handle.path["entryValue"], "a1");
        let aws = serde_json::json!({"roleId": "r1", "_id": "x"});
        assert_eq!(
            waiter.handle(&path, Some(&aws)).unwrap().path["entryValue"],
            "r1"
        );
        let err = waiter
            .handle(&path, Some(&serde_json::json!({})))
            .unwrap_err();
        assert_eq!(err, r#"the write's answer has none of ["roleId", "_id"]"#);
        // A handle is small JSON, and reads back equal.
        let json = serde_json::to_string(&handle).unwrap();
        assert_eq!(
            json,
            r#"{"write":"Pin","observer":"GetEntry","path":{"entryValue":"a1","groupId":"g"},"goal":"ready"}"#
        );
        assert_eq!(serde_json::from_str::<WaitHandle>(&json).unwrap(), handle);
    }
}
