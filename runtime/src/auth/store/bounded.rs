//! Store calls that cannot wedge a client: each runs on a worker thread the client owns,
//! the caller waits for it at most a bound, and a call that panics or outlives its bound
//! is given up. The caller then goes on without the store (its own token, fetched or
//! remembered); a call that may never return costs one parked thread, not the client.
//!
//! Threads rather than trusting the store: a [`TokenStore`](crate::TokenStore) is user
//! code (or a network client) that the client cannot interrupt, and only a thread can be
//! walked away from.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Idle workers kept for the next call; more are let go.
const MAX_IDLE: usize = 4;

/// How long a store that panicked is left alone: a broken store should cost one warning
/// now and then, not a panic message on every call.
const PANIC_PAUSE: Duration = Duration::from_secs(5);

/// Why a store call gave no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// It panicked (or panicked lately, and is left alone for a while).
    Panicked,
    /// It ran past its bound and was abandoned.
    TimedOut,
    /// An earlier call has not returned yet: the store is not asked again until it does.
    Wedged,
}

type Job = Box<dyn FnOnce() + Send>;

/// One worker thread, fed through its channel; it ends when the sender is dropped.
struct Worker {
    jobs: mpsc::Sender<Job>,
}

impl Worker {
    fn spawn() -> Option<Worker> {
        let (jobs, inbox) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("atlas-token-store".into())
            .spawn(move || {
                while let Ok(job) = inbox.recv() {
                    job();
                }
            })
            .ok()?;
        Some(Worker { jobs })
    }
}

/// Where one call stands, shared by the caller and the worker.
const RUNNING: u8 = 0;
const ABANDONED: u8 = 1;
const DONE: u8 = 2;

/// Runs store calls on worker threads, bounded; or, for a store known to be harmless
/// (the client's own memory store), inline.
pub(crate) struct Bounded {
    isolate: bool,
    idle: Mutex<Vec<Worker>>,
    /// Calls abandoned and not yet returned.
    stuck: Arc<AtomicUsize>,
    /// Until when a store that panicked is left alone.
    paused_until: Mutex<Option<Instant>>,
}

impl Bounded {
    /// Calls on worker threads, bounded.
    pub(crate) fn isolated() -> Self {
        Bounded {
            isolate: true,
            idle: Mutex::new(Vec::new()),
            stuck: Arc::new(AtomicUsize::new(0)),
            paused_until: Mutex::new(None),
        }
    }

    /// Calls on the caller's thread: for a store that cannot block or panic.
    pub(crate) fn inline() -> Self {
        Bounded {
            isolate: false,
            ..Bounded::isolated()
        }
    }

    /// Whether calls run on worker threads.
    pub(crate) fn isolates(&self) -> bool {
        self.isolate
    }

    /// Runs `job` and returns its value if it returns within `bound` without panicking.
    /// `what` names the operation in warnings.
    pub(crate) fn run<T: Send + 'static>(
        &self,
        what: &'static str,
        bound: Duration,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Refusal> {
        if !self.isolate {
            return Ok(job());
        }
        if self.stuck.load(Ordering::SeqCst) > 0 {
            log::debug!("token store: skipping {what}: an earlier call has not returned");
            return Err(Refusal::Wedged);
        }
        if self
            .paused_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some_and(|until| Instant::now() < until)
        {
            return Err(Refusal::Panicked);
        }
        let worker = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
            .or_else(Worker::spawn);
        let Some(worker) = worker else {
            log::warn!("token store: no thread for {what}; going on without the store");
            return Err(Refusal::Wedged);
        };
        let (reply, answer) = mpsc::sync_channel(1);
        let state = Arc::new(AtomicU8::new(RUNNING));
        let (job_state, stuck) = (state.clone(), self.stuck.clone());
        let wrapped: Job = Box::new(move || {
            let outcome = catch_unwind(AssertUnwindSafe(job));
            if job_state.swap(DONE, Ordering::SeqCst) == ABANDONED {
                stuck.fetch_sub(1, Ordering::SeqCst);
                log::warn!("token store: the abandoned {what} returned at last");
            }
            // Nobody listening (abandoned): the value, a lease guard included, is dropped
            // here, on this thread.
            let _ = reply.send(outcome);
        });
        if worker.jobs.send(wrapped).is_err() {
            return Err(Refusal::Wedged);
        }
        let outcome = match answer.recv_timeout(bound) {
            Ok(outcome) => outcome,
            Err(RecvTimeoutError::Timeout) => {
                // Counted before it is marked, so that its return cannot be counted first.
                self.stuck.fetch_add(1, Ordering::SeqCst);
                if state
                    .compare_exchange(RUNNING, ABANDONED, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    log::warn!(
                        "token store: {what} took more than {} ms; abandoned, and the store is \
                         not asked again until it returns",
                        bound.as_millis()
                    );
                    return Err(Refusal::TimedOut);
                }
                // It finished meanwhile.
                self.stuck.fetch_sub(1, Ordering::SeqCst);
                match answer.recv() {
                    Ok(outcome) => outcome,
                    Err(_) => return Err(Refusal::TimedOut),
                }
            }
            Err(RecvTimeoutError::Disconnected) => return Err(Refusal::Wedged),
        };
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(worker);
        }
        drop(idle);
        outcome.map_err(|_| {
            let mut paused = self
                .paused_until
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *paused = Instant::now().checked_add(PANIC_PAUSE);
            log::warn!(
                "token store: {what} panicked; going on without the store for {} s",
                PANIC_PAUSE.as_secs()
            );
            Refusal::Panicked
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_that_returns_in_time_answers_and_its_worker_is_reused() {
        let bounded = Bounded::isolated();
        let first = bounded.run("t", Duration::from_secs(5), || std::thread::current().id());
        let second = bounded.run("t", Duration::from_secs(5), || std::thread::current().id());
        assert_eq!(first, second);
        assert_ne!(first.unwrap(), std::thread::current().id());
    }

    #[test]
    fn a_panic_is_caught_and_pauses_the_store() {
        let bounded = Bounded::isolated();
        let out: Result<(), _> = bounded.run("t", Duration::from_secs(5), || panic!("boom"));
        assert_eq!(out, Err(Refusal::Panicked));
        let again = bounded.run("t", Duration::from_secs(5), || 1);
        assert_eq!(again, Err(Refusal::Panicked), "left alone for a while");
    }

    #[test]
    fn a_call_past_its_bound_is_abandoned_until_it_returns() {
        let bounded = Bounded::isolated();
        let (release, gate) = mpsc::channel::<()>();
        let start = Instant::now();
        let out = bounded.run("t", Duration::from_millis(100), move || {
            let _ = gate.recv();
        });
        assert_eq!(out, Err(Refusal::TimedOut));
        assert!(start.elapsed() < Duration::from_secs(2));
        assert_eq!(
            bounded.run("t", Duration::from_secs(5), || 1),
            Err(Refusal::Wedged),
            "not asked while the first call hangs"
        );
        release.send(()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while bounded.stuck.load(Ordering::SeqCst) > 0 {
            assert!(Instant::now() < deadline, "the returned call is counted");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(bounded.run("t", Duration::from_secs(5), || 2), Ok(2));
    }

    #[test]
    fn inline_runs_on_the_callers_thread() {
        let bounded = Bounded::inline();
        let id = bounded.run("t", Duration::ZERO, || std::thread::current().id());
        assert_eq!(id, Ok(std::thread::current().id()));
    }
}
