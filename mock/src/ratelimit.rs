//! Rate limits: an optional token bucket over all API calls, and a sliding window per
//! client id on the token endpoint.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, SystemTime};

use crate::clock::{later, secs_until};

/// What a response says about the bucket: `RateLimit-Limit`, `RateLimit-Remaining`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateInfo {
    pub(crate) limit: u64,
    pub(crate) remaining: u64,
}

/// A token bucket: `capacity` tokens, refilled at `refill_per_sec`; each API call takes
/// one.
#[derive(Debug, Clone)]
pub(crate) struct TokenBucket {
    capacity: f64,
    refill_per_sec: f64,
    tokens: f64,
    last: Option<SystemTime>,
}

impl TokenBucket {
    pub(crate) fn new(capacity: u32, refill_per_sec: f64) -> TokenBucket {
        TokenBucket {
            capacity: f64::from(capacity),
            refill_per_sec: if refill_per_sec.is_finite() {
                refill_per_sec.max(0.0)
            } else {
                0.0
            },
            tokens: f64::from(capacity),
            last: None,
        }
    }

    fn refill(&mut self, now: SystemTime) {
        if let Some(last) = self.last {
            let elapsed = now.duration_since(last).unwrap_or_default().as_secs_f64();
            self.tokens = (self.tokens + elapsed * self.refill_per_sec).min(self.capacity);
        }
        self.last = Some(now);
    }

    /// The state of the bucket, taking nothing.
    pub(crate) fn peek(&mut self, now: SystemTime) -> RateInfo {
        self.refill(now);
        RateInfo {
            limit: self.capacity as u64,
            remaining: self.tokens.floor() as u64,
        }
    }

    /// Takes a token: the state after it, or the seconds to wait for one.
    pub(crate) fn take(&mut self, now: SystemTime) -> Result<RateInfo, (RateInfo, u64)> {
        self.refill(now);
        let limit = self.capacity as u64;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(RateInfo {
                limit,
                remaining: self.tokens.floor() as u64,
            })
        } else {
            let info = RateInfo {
                limit,
                remaining: 0,
            };
            let wait = if self.refill_per_sec > 0.0 {
                let secs = (1.0 - self.tokens) / self.refill_per_sec;
                secs_until(now, later(now, Duration::from_secs_f64(secs.min(86_400.0))))
            } else {
                86_400
            };
            Err((info, wait))
        }
    }
}

/// At most `max` events per `window` for each key.
#[derive(Debug, Clone)]
pub(crate) struct SlidingWindow {
    max: usize,
    window: Duration,
    hits: HashMap<String, VecDeque<SystemTime>>,
}

impl SlidingWindow {
    pub(crate) fn new(max: u32, window: Duration) -> SlidingWindow {
        SlidingWindow {
            max: max as usize,
            window,
            hits: HashMap::new(),
        }
    }

    /// Counts an event for `key`, or refuses it with the seconds until one is allowed.
    /// Refused events are not counted.
    pub(crate) fn hit(&mut self, key: &str, now: SystemTime) -> Result<(), u64> {
        let window = self.window;
        let hits = self.hits.entry(key.to_owned()).or_default();
        while hits
            .front()
            .is_some_and(|t| now.duration_since(*t).unwrap_or_default() >= window)
        {
            hits.pop_front();
        }
        if hits.len() >= self.max {
            let oldest = hits.front().copied().unwrap_or(now);
            return Err(secs_until(now, later(oldest, window)));
        }
        hits.push_back(now);
        // Forget idle keys so that a stream of random client ids cannot grow the map.
        if self.hits.len() > 10_000 {
            self.hits.retain(|_, h| {
                h.back()
                    .is_some_and(|t| now.duration_since(*t).unwrap_or_default() < window)
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn bucket_empties_and_refills() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1000);
        let mut b = TokenBucket::new(2, 1.0);
        assert_eq!(
            b.take(t0).unwrap(),
            RateInfo {
                limit: 2,
                remaining: 1
            }
        );
        assert_eq!(b.take(t0).unwrap().remaining, 0);
        let (info, wait) = b.take(t0).unwrap_err();
        assert_eq!((info.remaining, wait), (0, 1));
        assert!(b.take(t0 + Duration::from_millis(1000)).is_ok());
        let mut slow = TokenBucket::new(1, 0.1);
        slow.take(t0).unwrap();
        assert_eq!(slow.take(t0).unwrap_err().1, 10);
    }

    #[test]
    fn window_counts_per_key() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1000);
        let mut w = SlidingWindow::new(2, Duration::from_secs(60));
        assert!(w.hit("a", t0).is_ok());
        assert!(w.hit("a", t0 + Duration::from_secs(10)).is_ok());
        assert_eq!(w.hit("a", t0 + Duration::from_secs(20)), Err(40));
        assert!(w.hit("b", t0).is_ok());
        assert!(w.hit("a", t0 + Duration::from_secs(60)).is_ok());
    }
}
