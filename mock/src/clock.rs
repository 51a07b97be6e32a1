//! The emulator's clock: the system clock plus an offset that tests can move forward.
//!
//! Every expiry (access tokens, secrets, Digest nonces) and every rate-limit window reads
//! this clock, so [`MockAtlas::advance_clock`](crate::MockAtlas::advance_clock) ages them
//! all at once without sleeping.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Wall-clock time as the emulator sees it.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicU64,
}

impl Clock {
    /// Now, moved forward by every [`advance`](Self::advance) so far.
    pub(crate) fn now(&self) -> SystemTime {
        let offset = Duration::from_millis(self.offset_ms.load(Ordering::Relaxed));
        let now = SystemTime::now();
        now.checked_add(offset).unwrap_or(now)
    }

    /// Moves the clock forward.
    pub(crate) fn advance(&self, by: Duration) {
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
                Some(old.saturating_add(ms))
            });
    }
}

/// `t + by`, saturating far in the future instead of overflowing.
pub(crate) fn later(t: SystemTime, by: Duration) -> SystemTime {
    t.checked_add(by)
        .unwrap_or_else(|| UNIX_EPOCH + Duration::from_secs(253_402_300_799))
}

/// RFC 3339 in UTC with whole seconds, as Atlas writes dates: `2024-08-05T10:00:00Z`.
pub(crate) fn rfc3339(t: SystemTime) -> String {
    match jiff::Timestamp::try_from(t) {
        Ok(ts) => format!("{ts:.0}"),
        Err(_) => "9999-12-31T23:59:59Z".to_owned(),
    }
}

/// Whole seconds from `now` until `then`, rounded up, at least 1 (for `Retry-After`).
pub(crate) fn secs_until(now: SystemTime, then: SystemTime) -> u64 {
    let wait = then.duration_since(now).unwrap_or_default();
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_whole_seconds_in_utc() {
        let t = UNIX_EPOCH + Duration::from_millis(1_722_852_000_123);
        assert_eq!(rfc3339(t), "2024-08-05T10:00:00Z");
    }

    #[test]
    fn advancing_moves_now_forward() {
        let clock = Clock::default();
        let before = clock.now();
        clock.advance(Duration::from_secs(3600));
        assert!(clock.now().duration_since(before).unwrap() >= Duration::from_secs(3600));
    }

    #[test]
    fn retry_after_rounds_up() {
        let now = UNIX_EPOCH + Duration::from_secs(100);
        assert_eq!(secs_until(now, now + Duration::from_millis(1500)), 2);
        assert_eq!(secs_until(now, now), 1);
        assert_eq!(secs_until(now, now + Duration::from_secs(60)), 60);
    }
}
