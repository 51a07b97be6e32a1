//! A token request that failed for every process alike, shared through the store so that
//! a fleet fails fast instead of repeating it.
//!
//! When Atlas refuses the credentials (a wrong or deleted secret) or rate-limits the
//! client, every process of the fleet would get the same answer: asking again from each of
//! them costs a full lease wait apiece and, beyond Atlas's 10 token requests a minute,
//! turns "wrong secret" into "rate limited" for everyone. So the lease holder records the
//! failure for a short while; processes waiting for its token, and those that start
//! meanwhile, fail at once with its error, and once it expires one process asks again.
//! Other failures (the endpoint unreachable from one host, a 5xx) are not shared: the next
//! process takes the lease and tries for itself.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::error::{AuthError, AuthErrorKind};

/// How long refused credentials are shared: at most six token requests a minute for a
/// fleet with a wrong secret, and a fixed secret works within 10 s.
pub const REFUSED_SHARED_FOR: Duration = Duration::from_secs(10);

/// How long a 429 without `Retry-After` is shared.
const RATE_LIMITED_DEFAULT: Duration = Duration::from_secs(10);

/// The longest any failure is shared, whatever `Retry-After` says.
const LONGEST: Duration = Duration::from_secs(60);

/// A failed token request that other processes sharing the store should not repeat
/// until [`until`](Self::until). It holds no secret: the kind, the status and the token
/// endpoint's message.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedFailure {
    kind: AuthErrorKind,
    status: Option<u16>,
    message: String,
    until: SystemTime,
}

impl SharedFailure {
    /// A failure of `kind` (with the endpoint's `status`), shared until `until`.
    pub fn new(
        kind: AuthErrorKind,
        status: Option<u16>,
        message: impl Into<String>,
        until: SystemTime,
    ) -> Self {
        SharedFailure {
            kind,
            status,
            message: message.into(),
            until,
        }
    }

    /// What failed.
    pub fn kind(&self) -> AuthErrorKind {
        self.kind
    }

    /// The token endpoint's status.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The token endpoint's message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Until when other processes fail with it rather than ask again.
    pub fn until(&self) -> SystemTime {
        self.until
    }

    /// The failure to share for `error`, if every process would get it too: refused
    /// credentials for [`REFUSED_SHARED_FOR`], a 429 for its `Retry-After` (10 s without
    /// one, at most 60 s).
    pub(crate) fn of(error: &AuthError) -> Option<SharedFailure> {
        let for_how_long = match error.kind {
            AuthErrorKind::Refused => REFUSED_SHARED_FOR,
            AuthErrorKind::RateLimited => error
                .retry_after
                .unwrap_or(RATE_LIMITED_DEFAULT)
                .clamp(Duration::from_secs(1), LONGEST),
            _ => return None,
        };
        Some(SharedFailure {
            kind: error.kind,
            status: error.status,
            message: error.message.clone(),
            until: SystemTime::now().checked_add(for_how_long)?,
        })
    }

    /// Whether it still applies; one recorded for longer than the longest share (a clock
    /// gone wrong, a forged entry) does not.
    pub(crate) fn applies(&self) -> bool {
        self.until
            .duration_since(SystemTime::now())
            .is_ok_and(|left| !left.is_zero() && left <= LONGEST)
    }

    /// The error a process that did not ask gets: the same kind and status, saying whose
    /// answer it is, and for a 429 when to ask again.
    pub(crate) fn to_error(&self) -> AuthError {
        let left = self
            .until
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        let mut error = AuthError::new(
            self.kind,
            self.status,
            format!(
                "{} (another process's token request, shared for {} s more so that the fleet \
                 does not repeat it)",
                self.message,
                left.as_secs() + 1
            ),
        );
        if self.kind == AuthErrorKind::RateLimited {
            error.retry_after = Some(left);
        }
        error
    }
}

impl fmt::Debug for SharedFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedFailure")
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("message", &self.message)
            .field("until", &self.until)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(kind: AuthErrorKind, retry_after: Option<Duration>) -> AuthError {
        let mut e = AuthError::new(kind, Some(401), "invalid_client".into());
        e.retry_after = retry_after;
        e
    }

    #[test]
    fn only_failures_every_process_would_see_are_shared_and_for_a_bounded_time() {
        let refused = SharedFailure::of(&error(AuthErrorKind::Refused, None)).unwrap();
        assert!(refused.applies());
        let left = refused.until().duration_since(SystemTime::now()).unwrap();
        assert!(left <= REFUSED_SHARED_FOR && left > REFUSED_SHARED_FOR / 2);
        let e = refused.to_error();
        assert_eq!((e.kind, e.status), (AuthErrorKind::Refused, Some(401)));
        assert!(
            e.message.starts_with("invalid_client (another process"),
            "{e}"
        );

        let limited = SharedFailure::of(&error(
            AuthErrorKind::RateLimited,
            Some(Duration::from_secs(3600)),
        ))
        .unwrap();
        let left = limited.until().duration_since(SystemTime::now()).unwrap();
        assert!(left <= LONGEST, "capped: {left:?}");
        assert!(limited.to_error().retry_after.is_some());

        assert!(SharedFailure::of(&error(AuthErrorKind::Unreachable, None)).is_none());
        assert!(SharedFailure::of(&error(AuthErrorKind::Status, None)).is_none());
    }

    #[test]
    fn an_expired_or_too_distant_failure_does_not_apply() {
        let now = SystemTime::now();
        let past = SharedFailure::new(AuthErrorKind::Refused, None, "x", now);
        assert!(!past.applies());
        let forged = SharedFailure::new(
            AuthErrorKind::Refused,
            None,
            "x",
            now + Duration::from_secs(86_400),
        );
        assert!(!forged.applies(), "a day-long block is not believed");
    }
}
