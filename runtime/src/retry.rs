//! Retries that never duplicate a write.
//!
//! Atlas rate-limits (429, and sometimes 400 with a `RATE_LIMITED*` code), proxies fail
//! (502 pages), connections drop. A failure is retried only when a second attempt cannot
//! do anything the first did not: the request provably never left (connection refused,
//! DNS, TLS), Atlas said "not now" (429, 503, rate-limit codes), or the method is
//! idempotent (GET, PUT, DELETE). A POST or PATCH whose answer was lost is never sent
//! twice unless the call or the declaration opts in, so rotating a secret cannot create
//! two.

use std::fmt;
use std::time::{Duration, Instant};

use crate::error::{AuthErrorKind, Error};

/// When and how often a call is retried. On by default; [`RetryPolicy::none`] turns it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retries).
    pub max_attempts: u32,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// The first backoff's upper bound; each retry doubles it.
    pub base_delay: Duration,
    /// The largest wait, whether from backoff or `Retry-After`.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts within 60 s, backoff from 0.5 s doubling up to 20 s, full jitter.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(60),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the time after which no retry starts.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// Sets the first backoff bound and the largest wait.
    pub fn delays(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max;
        self
    }

    /// The wait before retry number `retry` (1-based): `Retry-After` when Atlas gave
    /// one, else a uniformly random time up to `base * 2^(retry-1)` ("full jitter"),
    /// capped at `max_delay`. `None` when Atlas asked for a longer wait than `max_delay`:
    /// retrying sooner than asked only earns another refusal.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Option<Duration> {
        if let Some(wait) = retry_after {
            return (wait <= self.max_delay).then_some(wait);
        }
        let exp = self.base_delay.saturating_mul(
            1u32.checked_shl(retry.saturating_sub(1))
                .unwrap_or(u32::MAX),
        );
        let bound = exp.min(self.max_delay);
        let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Some(Duration::ZERO);
        }
        Some(Duration::from_nanos(random_u64() % nanos.saturating_add(1)))
    }
}

fn random_u64() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::getrandom(&mut bytes).is_err() {
        // No entropy: a fixed half-way jitter is still a valid backoff.
        return u64::MAX / 2;
    }
    u64::from_le_bytes(bytes)
}

/// One failed attempt, as reported after the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    /// Why it failed, in words.
    pub failure: String,
    /// How long the client waited before the next attempt, if it made one.
    pub waited: Option<Duration>,
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "attempt {}: {}", self.number, self.failure)?;
        if let Some(w) = self.waited {
            write!(f, " (then waited {} ms)", w.as_millis())?;
        }
        Ok(())
    }
}

/// Whether `error` may be retried for a request of this kind: the one classifier, used by
/// the retry loop and by [`Error::is_retryable`].
///
/// `may_repeat` is true for idempotent methods and for calls or declarations that opted
/// in: only then are failures after the request may have reached Atlas retried.
pub(crate) fn should_retry(error: &Error, may_repeat: bool) -> bool {
    match error {
        Error::Transport(t) => !t.maybe_sent || may_repeat,
        Error::Api(api) => {
            api.is_rate_limited() || api.status == 503 || (api.status >= 500 && may_repeat)
        }
        // The token request was refused for now; the call itself was never sent.
        Error::Auth(auth) => auth.kind == AuthErrorKind::RateLimited,
        // A body that did not decode came from a server that did the work.
        _ => false,
    }
}

/// The retry rule of one call, attempt by attempt: after each outcome, whether the call
/// is done, waits and tries again, or gives up with the story of every attempt.
///
/// The budget is a deadline, not only a rule about starting retries:
/// [`budget_end`](Self::budget_end) (`max_elapsed` after the first attempt started) caps
/// each attempt's own timeouts.
#[derive(Debug)]
pub(crate) struct Attempts<'p> {
    policy: &'p RetryPolicy,
    may_repeat: bool,
    started: Instant,
    number: u32,
    history: Vec<Attempt>,
}

/// What follows an attempt.
#[derive(Debug)]
pub(crate) enum Next<T> {
    /// The call succeeded.
    Done(T),
    /// Wait this long, then try again.
    Wait(Duration),
    /// The call failed for good, with every attempt's story attached when there was more
    /// than one.
    Fail(Error),
}

impl<'p> Attempts<'p> {
    /// The first attempt starts now. `may_repeat` is true for idempotent methods and for
    /// calls or declarations that opted in.
    pub(crate) fn start(policy: &'p RetryPolicy, may_repeat: bool) -> Self {
        Attempts {
            policy,
            may_repeat,
            started: Instant::now(),
            number: 0,
            history: Vec::new(),
        }
    }

    /// When the call started: when its first attempt starts too.
    pub(crate) fn started(&self) -> Instant {
        self.started
    }

    /// When the whole call must be over.
    pub(crate) fn budget_end(&self) -> Option<Instant> {
        self.started.checked_add(self.policy.max_elapsed)
    }

    /// Takes the outcome of the attempt just made.
    pub(crate) fn after<T>(&mut self, outcome: Result<T, Error>) -> Next<T> {
        self.number += 1;
        let number = self.number;
        let error = match outcome {
            Ok(v) => return Next::Done(v),
            Err(e) => e,
        };
        let policy = self.policy;
        let retryable = should_retry(&error, self.may_repeat);
        let wait = policy.delay(number, error.retry_after());
        let in_time = wait.is_some_and(|w| {
            self.started
                .elapsed()
                .checked_add(w)
                .is_some_and(|t| t < policy.max_elapsed)
        });
        let (Some(wait), true, true) = (wait, retryable && number < policy.max_attempts, in_time)
        else {
            if self.history.is_empty() {
                return Next::Fail(error);
            }
            let mut history = std::mem::take(&mut self.history);
            history.push(Attempt {
                number,
                failure: error.to_string(),
                waited: None,
            });
            return Next::Fail(error.with_attempts(history));
        };
        log::debug!(
            "attempt {number} failed, retrying in {} ms: {error}",
            wait.as_millis()
        );
        self.history.push(Attempt {
            number,
            failure: error.to_string(),
            waited: Some(wait),
        });
        Next::Wait(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_capped_full_jitter() {
        let p =
            RetryPolicy::default().delays(Duration::from_millis(100), Duration::from_millis(350));
        for _ in 0..200 {
            assert!(p.delay(1, None).unwrap() <= Duration::from_millis(100));
            assert!(p.delay(2, None).unwrap() <= Duration::from_millis(200));
            assert!(p.delay(3, None).unwrap() <= Duration::from_millis(350));
            assert!(p.delay(30, None).unwrap() <= Duration::from_millis(350));
        }
        assert_eq!(
            p.delay(1, Some(Duration::from_millis(50))),
            Some(Duration::from_millis(50))
        );
        // Asked to wait longer than the policy allows: no retry, rather than one too soon.
        assert_eq!(p.delay(1, Some(Duration::from_secs(9))), None);
    }

    #[test]
    fn huge_waits_saturate() {
        let uncapped = RetryPolicy::default()
            .delays(Duration::MAX, Duration::MAX)
            .max_elapsed(Duration::MAX);
        assert_eq!(
            uncapped.delay(1, Some(Duration::from_secs(u64::MAX))),
            Some(Duration::from_secs(u64::MAX))
        );
        assert!(uncapped.delay(64, None).is_some());
        // The loop must not sleep for ever nor overflow: a huge Retry-After past the
        // budget ends the call with the error.
        let policy = RetryPolicy::default().delays(Duration::from_millis(1), Duration::MAX);
        let mut attempts = Attempts::start(&policy, true);
        let mut e =
            crate::error::AuthError::new(AuthErrorKind::RateLimited, Some(429), "slow down".into());
        e.retry_after = Some(Duration::from_secs(u64::MAX));
        assert!(matches!(
            attempts.after::<()>(Err(Error::Auth(e))),
            Next::Fail(Error::Auth(_))
        ));
    }

    #[test]
    fn failures_are_retried_until_the_attempts_run_out_then_told() {
        let policy = RetryPolicy::default()
            .max_attempts(3)
            .delays(Duration::from_millis(1), Duration::from_millis(1));
        let mut attempts = Attempts::start(&policy, true);
        let refused = || {
            let mut e = crate::error::AuthError::new(
                AuthErrorKind::RateLimited,
                Some(429),
                "slow down".into(),
            );
            e.retry_after = Some(Duration::ZERO);
            Err(Error::Auth(e))
        };
        assert!(matches!(attempts.after::<()>(refused()), Next::Wait(_)));
        assert!(matches!(attempts.after::<()>(refused()), Next::Wait(_)));
        let Next::Fail(e) = attempts.after::<()>(refused()) else {
            panic!("a third failure of three attempts gives up")
        };
        assert_eq!(
            e.attempts().len(),
            0,
            "an auth error carries no attempt list"
        );
        let mut attempts = Attempts::start(&policy, true);
        assert!(matches!(attempts.after(Ok(7)), Next::Done(7)));
    }

    #[test]
    fn no_retries_means_one_attempt() {
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }
}
