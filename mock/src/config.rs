//! Options of an emulator, set through [`MockAtlasBuilder`].

use std::io;
use std::time::Duration;

use crate::MockAtlas;
use crate::ratelimit::EndpointSet;

/// Everything that can be tuned; see the builder's methods for each.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) port: u16,
    pub(crate) token_lifetime: Duration,
    pub(crate) nonce_lifetime: Duration,
    pub(crate) rate_limit: Option<(u32, f64)>,
    pub(crate) rate_limit_sets: Vec<EndpointSet>,
    pub(crate) enforce_rate_limits: bool,
    pub(crate) rate_limit_time_scale: f64,
    pub(crate) rate_limit_headers: bool,
    pub(crate) retry_after_zero: bool,
    pub(crate) token_endpoint_limit: Option<(u32, Duration)>,
    pub(crate) failed_token_limit: Option<(u32, Duration)>,
    pub(crate) max_live_tokens: usize,
    pub(crate) max_secret_hours: u32,
    pub(crate) secret_hour: Duration,
    pub(crate) owner_secret_hours: u32,
    pub(crate) plain_json_bodies: bool,
    pub(crate) keep_alive: Duration,
    pub(crate) max_connections: usize,
    pub(crate) request_read_timeout: Duration,
    pub(crate) write_timeout: Duration,
    pub(crate) log_capacity: usize,
    pub(crate) log_body_prefix: usize,
    pub(crate) project_routes_reach_org_accounts: bool,
    pub(crate) cluster_transition: Duration,
    pub(crate) lifecycle_transition: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            port: 0,
            token_lifetime: Duration::from_secs(3600),
            nonce_lifetime: Duration::from_secs(300),
            rate_limit: None,
            rate_limit_sets: EndpointSet::defaults(),
            enforce_rate_limits: false,
            rate_limit_time_scale: 1.0,
            rate_limit_headers: true,
            retry_after_zero: false,
            token_endpoint_limit: Some((10, Duration::from_secs(60))),
            failed_token_limit: Some((10, Duration::from_secs(60))),
            max_live_tokens: 100,
            max_secret_hours: 8760,
            secret_hour: Duration::from_secs(3600),
            owner_secret_hours: 8760,
            plain_json_bodies: false,
            keep_alive: Duration::from_secs(30),
            max_connections: 256,
            request_read_timeout: Duration::from_secs(30),
            write_timeout: Duration::from_secs(30),
            log_capacity: 10_000,
            log_body_prefix: 4096,
            project_routes_reach_org_accounts: false,
            cluster_transition: Duration::from_secs(1),
            lifecycle_transition: Duration::from_secs(1),
        }
    }
}

/// Timeouts beyond a year are a year: the server adds them to the current time.
fn clamp(d: Duration) -> Duration {
    d.min(Duration::from_secs(365 * 86_400))
}

/// Options for a [`MockAtlas`]; [`start`](Self::start) binds and serves.
///
/// ```
/// use std::time::Duration;
///
/// let mock = atlas_mock::MockAtlas::builder()
///     .token_lifetime(Duration::from_secs(2))
///     .rate_limit(20, 5.0)
///     .token_endpoint_limit(None)
///     .start()?;
/// assert!(mock.url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a builder does nothing until .start()"]
pub struct MockAtlasBuilder {
    pub(crate) config: Config,
}

impl MockAtlasBuilder {
    /// The port on 127.0.0.1 (default 0: a free one chosen by the system).
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }

    /// How long access tokens from `POST /api/oauth/token` work (default 3600 s, as
    /// Atlas). `expires_in` is this, in whole seconds rounded up.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetime = lifetime;
        self
    }

    /// How long a Digest nonce is accepted (default 300 s); after it, a request signed
    /// with it gets 401 with `stale=true`.
    pub fn nonce_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.nonce_lifetime = lifetime;
        self
    }

    /// One token bucket over all API calls (`/api/atlas/v2/…`, routed or not), taken
    /// before routing: `capacity` calls at once, refilled at `refill_per_sec`. An empty
    /// bucket answers 429 `RATE_LIMITED` with `Retry-After`. Off by default (then
    /// `RateLimit-Limit: 100` and `RateLimit-Remaining: 100` are sent as nominal
    /// values). Older than Atlas's endpoint sets
    /// ([`enforce_rate_limits`](Self::enforce_rate_limits)), and independent of them:
    /// with both on, this bucket is taken first.
    pub fn rate_limit(mut self, capacity: u32, refill_per_sec: f64) -> Self {
        self.config.rate_limit = Some((capacity, refill_per_sec));
        self
    }

    /// The rate-limit endpoint sets (default [`EndpointSet::defaults`]): what
    /// `listRateLimits` and `getRateLimit` answer, and, with
    /// [`enforce_rate_limits`](Self::enforce_rate_limits), the buckets every API call
    /// spends. [`start`](Self::start) fails (`InvalidInput`) when two sets share an id,
    /// or an endpoint is not an operation of the API or is listed twice.
    pub fn rate_limit_sets(mut self, sets: Vec<EndpointSet>) -> Self {
        self.config.rate_limit_sets = sets;
        self
    }

    /// Makes every API call (not the OAuth endpoints, which have their own limits) take a
    /// token from its endpoint set's bucket for its scope id, after routing and
    /// authentication and before anything else; an empty bucket answers 429
    /// `RATE_LIMITED_TOKEN_BUCKET` with `Retry-After` (see the crate docs, "Rate
    /// limits"). Default false: no call is limited, and `RateLimit-Limit: 100` and
    /// `RateLimit-Remaining: 100` are sent as nominal values.
    pub fn enforce_rate_limits(mut self, enforce: bool) -> Self {
        self.config.enforce_rate_limits = enforce;
        self
    }

    /// How much faster than the emulator's clock the endpoint sets' buckets refill
    /// (default 1.0): at 100.0 a bucket refilled `refill_rate` per 60 seconds gets
    /// them every 0.6 s, so a one-minute refill takes well under a second of a test.
    /// `Retry-After` (and the wait in the 429's `detail` and `parameters`) is the real
    /// wait under the scale, rounded up to whole seconds; the capacity, refill rate and
    /// duration stay the table's, in `listRateLimits` and in the 429. Not finite or not
    /// positive is 1.0.
    pub fn rate_limit_time_scale(mut self, scale: f64) -> Self {
        self.config.rate_limit_time_scale = scale;
        self
    }

    /// Whether API answers carry `RateLimit-Limit` and `RateLimit-Remaining` (default
    /// true). Atlas may leave them out, and a client must cope: false leaves them out of
    /// every answer, successes and 429s alike (`Retry-After` stays on a 429).
    pub fn rate_limit_headers(mut self, send: bool) -> Self {
        self.config.rate_limit_headers = send;
        self
    }

    /// Whether an empty endpoint-set bucket answers `Retry-After: 0` (and a wait of 0 in
    /// its `detail` and `parameters`) instead of the true wait, as Atlas sometimes does
    /// (default false). A client must not retry at once in a loop on it.
    pub fn rate_limit_retry_after_zero(mut self, zero: bool) -> Self {
        self.config.retry_after_zero = zero;
        self
    }

    /// The token endpoint's limit on granted requests, per client id and source
    /// address: `Some((requests, window))`, default `Some((10, 60 s))` as Atlas; `None`
    /// switches it off. Over it: 429 with `Retry-After`. Only requests with valid
    /// credentials count, so a stranger's failed attempts never spend an owner's quota
    /// (see [`failed_token_limit`](Self::failed_token_limit)).
    pub fn token_endpoint_limit(mut self, limit: Option<(u32, Duration)>) -> Self {
        self.config.token_endpoint_limit = limit;
        self
    }

    /// The token endpoint's limit on failed requests (no, unknown or wrong
    /// credentials), per source address, counted apart from granted ones: default
    /// `Some((10, 60 s))`; `None` switches it off. Over it, that address's failed
    /// requests get 429 with `Retry-After` instead of 401; requests with valid
    /// credentials from the same address are still served.
    pub fn failed_token_limit(mut self, limit: Option<(u32, Duration)>) -> Self {
        self.config.failed_token_limit = limit;
        self
    }

    /// Most live (unexpired, unrevoked) tokens per service account (default 100, as
    /// Atlas); one more request gets 403.
    pub fn max_live_tokens(mut self, max: usize) -> Self {
        self.config.max_live_tokens = max;
        self
    }

    /// The organization's maximum `secretExpiresAfterHours` (default 8760, one year).
    /// Atlas makes this an organization setting; larger values get 400.
    pub fn max_secret_expires_after_hours(mut self, hours: u32) -> Self {
        self.config.max_secret_hours = hours;
        self
    }

    /// How long one "hour" of `secretExpiresAfterHours` lasts (default 3600 s). Tests of
    /// secret expiry set this to a second or less; `expiresAt` in responses follows it.
    pub fn secret_hour(mut self, hour: Duration) -> Self {
        self.config.secret_hour = hour;
        self
    }

    /// Lifetime of the seeded owner's secret, in (possibly shortened, see
    /// [`secret_hour`](Self::secret_hour)) hours; default 8760.
    pub fn owner_secret_expires_after_hours(mut self, hours: u32) -> Self {
        self.config.owner_secret_hours = hours;
        self
    }

    /// Accept request bodies sent as plain `application/json` (default false: a body
    /// must be sent with the versioned media type, otherwise 415).
    pub fn accept_plain_json_bodies(mut self, allow: bool) -> Self {
        self.config.plain_json_bodies = allow;
        self
    }

    /// How long an idle keep-alive connection is kept open (default 30 s). The server
    /// counts the idle time toward the next request head's deadline, so the lesser of
    /// this and [`request_read_timeout`](Self::request_read_timeout) applies.
    pub fn keep_alive_timeout(mut self, timeout: Duration) -> Self {
        self.config.keep_alive = clamp(timeout);
        self
    }

    /// Most connections open at once (default 256). When all are taken, a new
    /// connection replaces the one that has waited longest without a request in
    /// progress (an idle one, one still sending its head, one whose client does not read
    /// its answers), which is closed; only when every connection is answering a request
    /// is the new one answered 503 and closed.
    pub fn max_connections(mut self, max: usize) -> Self {
        self.config.max_connections = max;
        self
    }

    /// A deadline for the whole request head, and another for the whole body (default
    /// 30 s each): a client that trickles its request in a byte at a time is cut off
    /// when it passes, however often it sends (the head: the connection closes; the
    /// body: 408 `REQUEST_TIMEOUT`).
    pub fn request_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.request_read_timeout = clamp(timeout);
        self
    }

    /// How long a write may wait for a client that does not read (default 30 s); then
    /// the connection is closed.
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.config.write_timeout = clamp(timeout);
        self
    }

    /// Most entries in the request log (default 10,000); the oldest go first. Each
    /// keeps at most [`log_body_prefix`](Self::log_body_prefix) bytes of its body.
    pub fn request_log_capacity(mut self, entries: usize) -> Self {
        self.config.log_capacity = entries;
        self
    }

    /// How many bytes of each request body the log keeps (default 4096);
    /// [`RecordedRequest::body_len`](crate::RecordedRequest::body_len) has the whole
    /// length.
    pub fn log_body_prefix(mut self, bytes: usize) -> Self {
        self.config.log_body_prefix = bytes;
        self
    }

    /// Whether the project-level routes (`/groups/{groupId}/serviceAccounts/{clientId}…`)
    /// may change a service account that holds organization roles beyond
    /// `ORG_MEMBER` (default false). See the crate docs, "Authorization": Atlas does not
    /// document this case, so the emulator refuses it (403) unless a test asks for the
    /// permissive reading.
    pub fn project_routes_reach_org_accounts(mut self, allow: bool) -> Self {
        self.config.project_routes_reach_org_accounts = allow;
        self
    }

    /// How long a cluster stays `CREATING`, `UPDATING` or `DELETING` before it is `IDLE`
    /// (or gone), on the emulator's clock (default 1 s; Atlas takes minutes).
    pub fn cluster_transition(mut self, delay: Duration) -> Self {
        self.config.cluster_transition = clamp(delay);
        self
    }

    /// How long every other resource with a state (a backup snapshot, a search index,
    /// an online archive, a private endpoint, a flex cluster, …; see
    /// [`MockAtlas::lifecycles`]) stays in its starting, updating or deleting value
    /// before it settles (or is gone), on the emulator's clock (default 1 s). A test of a
    /// 20-minute creation sets 20 minutes here and moves the clock with
    /// [`MockAtlas::advance_clock`].
    pub fn lifecycle_transition(mut self, delay: Duration) -> Self {
        self.config.lifecycle_transition = clamp(delay);
        self
    }

    /// Binds 127.0.0.1, seeds the state and serves in background threads.
    pub fn start(self) -> io::Result<MockAtlas> {
        MockAtlas::start_with(self.config)
    }
}
