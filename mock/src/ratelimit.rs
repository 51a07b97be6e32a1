//! Rate limits: Atlas's token buckets per endpoint set and scope ([`EndpointSet`],
//! [`Scope`]; enforced when
//! [`MockAtlasBuilder::enforce_rate_limits`](crate::MockAtlasBuilder::enforce_rate_limits)
//! asks), the older optional single bucket over all API calls
//! ([`MockAtlasBuilder::rate_limit`](crate::MockAtlasBuilder::rate_limit)), and a sliding
//! window per client id on the token endpoint.
//!
//! An API call is routed to its operation; the operation belongs to the first set that
//! lists it (by method and path template, the placeholders' names aside), or else to the
//! catch-all set (the first set that lists no endpoint). Its bucket is that set's for the
//! call's scope id ([`scope_id`]): the path's project for [`Scope::Group`], organization
//! for [`Scope::Org`], the caller for [`Scope::User`], the peer address for [`Scope::Ip`].
//! Buckets refill continuously, `refill_rate` tokens per `refill_seconds` of the
//! emulator's clock multiplied by the time scale.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::auth::Principal;
use crate::clock::{later, secs_until};
use crate::errors::ApiError;
use crate::server::http::Request;
use crate::spec::OPERATIONS;
use crate::store::Store;
use crate::url::{Query, percent_decode};

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

    /// The tokens in the bucket now (a fraction while it refills).
    pub(crate) fn tokens(&mut self, now: SystemTime) -> f64 {
        self.refill(now);
        self.tokens
    }

    /// Empties the bucket now.
    pub(crate) fn drain(&mut self, now: SystemTime) {
        self.refill(now);
        self.tokens = 0.0;
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

/// What an endpoint set's buckets are keyed by: the spec's `scope` (`IP`, `GROUP`,
/// `ORGANIZATION`, `USER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One bucket per source address.
    Ip,
    /// One bucket per project: every credential working in a project shares it.
    Group,
    /// One bucket per organization.
    Org,
    /// One bucket per caller (service account client id, API key public key): each
    /// credential has its own.
    User,
}

impl Scope {
    /// The name `listRateLimits` answers: `IP`, `GROUP`, `ORGANIZATION` or `USER`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Ip => "IP",
            Scope::Group => "GROUP",
            Scope::Org => "ORGANIZATION",
            Scope::User => "USER",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One of Atlas's rate-limit endpoint sets: the operations that share a token bucket
/// per scope id, its capacity and refill. The emulator's table is
/// [`EndpointSet::defaults`] unless
/// [`MockAtlasBuilder::rate_limit_sets`](crate::MockAtlasBuilder::rate_limit_sets)
/// replaces it; `listRateLimits` and `getRateLimit` answer from it, and
/// [`MockAtlasBuilder::enforce_rate_limits`](crate::MockAtlasBuilder::enforce_rate_limits)
/// makes every API call spend its bucket.
///
/// ```
/// use atlas_mock::{EndpointSet, Scope};
///
/// let set = EndpointSet::new("clustersRead_group", "Clusters Read", Scope::Group, 10, 5, 60)
///     .endpoint("GET", "/api/atlas/v2/groups/{groupId}/clusters")
///     .endpoint("GET", "/groups/{groupId}/clusters/{clusterName}");
/// assert_eq!(set.endpoints.len(), 2);
/// assert_eq!(Scope::Org.as_str(), "ORGANIZATION");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSet {
    /// `endpointSetId`, e.g. `rateLimitsInspection_group`.
    pub id: String,
    /// `endpointSetName`, e.g. `Rate Limits Inspection`.
    pub name: String,
    /// What the buckets are keyed by.
    pub scope: Scope,
    /// Tokens in a full bucket (`capacity.value`, `RateLimit-Limit`).
    pub capacity: u32,
    /// Tokens added per [`refill_seconds`](Self::refill_seconds) (`refillRate.value`).
    pub refill_rate: u32,
    /// The refill period in seconds (`refillDurationSeconds.value`; 0 is read as 1).
    pub refill_seconds: u32,
    /// The operations of the set, as method and path template, with or without the
    /// `/api/atlas/v2` prefix (`("GET", "/groups/{groupId}/clusters")`); placeholder
    /// names do not matter. An empty list makes the set the catch-all: it governs every
    /// operation no other set lists.
    pub endpoints: Vec<(String, String)>,
}

impl EndpointSet {
    /// A set without endpoints (a catch-all until [`endpoint`](Self::endpoint) adds
    /// one).
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        scope: Scope,
        capacity: u32,
        refill_rate: u32,
        refill_seconds: u32,
    ) -> EndpointSet {
        EndpointSet {
            id: id.into(),
            name: name.into(),
            scope,
            capacity,
            refill_rate,
            refill_seconds,
            endpoints: Vec::new(),
        }
    }

    /// Adds an operation, by method and path template.
    pub fn endpoint(mut self, method: &str, path: &str) -> EndpointSet {
        self.endpoints.push((method.to_owned(), path.to_owned()));
        self
    }

    /// The emulator's default table. The first three sets carry values measured on
    /// Atlas; the others, and the names and ids, are the emulator's own:
    ///
    /// | id | scope | capacity | refill | endpoints |
    /// | --- | --- | --- | --- | --- |
    /// | `organizationsRead_user` | `USER` | 300 | 100 per 60 s | `GET /orgs` |
    /// | `projectsRead_user` | `USER` | 1200 | 500 per 60 s | `GET /groups` |
    /// | `clustersRead_group` | `GROUP` | 10000 | 5000 per 60 s | `GET /groups/{groupId}/clusters`, `GET /groups/{groupId}/clusters/{clusterName}` |
    /// | `invoicesRead_organization` | `ORGANIZATION` | 500 | 100 per 60 s | `GET /orgs/{orgId}/invoices`, `GET /orgs/{orgId}/invoices/{invoiceId}` |
    /// | `controlPlaneAddresses_ip` | `IP` | 100 | 50 per 60 s | `GET /unauth/controlPlaneIPAddresses` |
    /// | `rateLimitsInspection_group` | `GROUP` | 100 | 50 per 60 s | `GET /rateLimits`, `GET /rateLimits/{endpointSetId}` |
    /// | `default_user` | `USER` | 10000 | 5000 per 60 s | every other operation (the catch-all) |
    pub fn defaults() -> Vec<EndpointSet> {
        vec![
            EndpointSet::new(
                "organizationsRead_user",
                "Organizations Read",
                Scope::User,
                300,
                100,
                60,
            )
            .endpoint("GET", "/api/atlas/v2/orgs"),
            EndpointSet::new(
                "projectsRead_user",
                "Projects Read",
                Scope::User,
                1200,
                500,
                60,
            )
            .endpoint("GET", "/api/atlas/v2/groups"),
            EndpointSet::new(
                "clustersRead_group",
                "Clusters Read",
                Scope::Group,
                10_000,
                5_000,
                60,
            )
            .endpoint("GET", "/api/atlas/v2/groups/{groupId}/clusters")
            .endpoint(
                "GET",
                "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}",
            ),
            EndpointSet::new(
                "invoicesRead_organization",
                "Invoices Read",
                Scope::Org,
                500,
                100,
                60,
            )
            .endpoint("GET", "/api/atlas/v2/orgs/{orgId}/invoices")
            .endpoint("GET", "/api/atlas/v2/orgs/{orgId}/invoices/{invoiceId}"),
            EndpointSet::new(
                "controlPlaneAddresses_ip",
                "Control Plane IP Addresses",
                Scope::Ip,
                100,
                50,
                60,
            )
            .endpoint("GET", "/api/atlas/v2/unauth/controlPlaneIPAddresses"),
            EndpointSet::new(
                "rateLimitsInspection_group",
                "Rate Limits Inspection",
                Scope::Group,
                100,
                50,
                60,
            )
            .endpoint("GET", "/api/atlas/v2/rateLimits")
            .endpoint("GET", "/api/atlas/v2/rateLimits/{endpointSetId}"),
            EndpointSet::new("default_user", "Default", Scope::User, 10_000, 5_000, 60),
        ]
    }

    /// The refill period in seconds, at least 1.
    fn period(&self) -> u32 {
        self.refill_seconds.max(1)
    }
}

/// The path with the `/api/atlas/v2` prefix (paths that start with `/api/` are kept).
pub(crate) fn full_path(path: &str) -> String {
    if path.starts_with("/api/") {
        path.to_owned()
    } else if path.starts_with('/') {
        format!("/api/atlas/v2{path}")
    } else {
        format!("/api/atlas/v2/{path}")
    }
}

/// A path template as the table compares it: prefixed, without a trailing slash, every
/// placeholder written `{}`.
pub(crate) fn shape(path: &str) -> String {
    let full = full_path(path.trim());
    let trimmed = if full.len() > 1 {
        full.trim_end_matches('/')
    } else {
        &full
    };
    let mut out = String::with_capacity(trimmed.len());
    let mut in_brace = false;
    for c in trimmed.chars() {
        match c {
            '{' => {
                in_brace = true;
                out.push('{');
            }
            '}' if in_brace => {
                in_brace = false;
                out.push('}');
            }
            _ if in_brace => {}
            _ => out.push(c),
        }
    }
    out
}

/// The endpoint sets in use, and which governs each operation.
#[derive(Debug)]
pub(crate) struct RateTable {
    sets: Vec<EndpointSet>,
    /// The set of each operation, by its index in `OPERATIONS`.
    by_op: Vec<Option<usize>>,
}

impl RateTable {
    /// Checks a table: ids unique, each endpoint an operation of the spec, listed once.
    pub(crate) fn new(sets: Vec<EndpointSet>) -> Result<RateTable, String> {
        let mut by_shape: HashMap<(String, String), usize> = HashMap::new();
        for (i, op) in OPERATIONS.iter().enumerate() {
            by_shape.insert((op.method.to_owned(), shape(op.path)), i);
        }
        let mut by_op: Vec<Option<usize>> = vec![None; OPERATIONS.len()];
        let mut catch_all = None;
        for (s, set) in sets.iter().enumerate() {
            if sets[..s].iter().any(|o| o.id == set.id) {
                return Err(format!(
                    "two rate-limit endpoint sets have the id {:?}",
                    set.id
                ));
            }
            if set.endpoints.is_empty() {
                catch_all.get_or_insert(s);
            }
            for (method, path) in &set.endpoints {
                let key = (method.to_ascii_uppercase(), shape(path));
                let Some(&op) = by_shape.get(&key) else {
                    return Err(format!(
                        "endpoint set {:?}: {method} {path} is not an operation of the API",
                        set.id
                    ));
                };
                if let Some(other) = by_op[op] {
                    return Err(format!(
                        "{method} {path} is listed by the endpoint sets {:?} and {:?}",
                        sets[other].id, set.id
                    ));
                }
                by_op[op] = Some(s);
            }
        }
        if let Some(c) = catch_all {
            for slot in by_op.iter_mut().filter(|s| s.is_none()) {
                *slot = Some(c);
            }
        }
        Ok(RateTable { sets, by_op })
    }

    pub(crate) fn sets(&self) -> &[EndpointSet] {
        &self.sets
    }

    /// The set that governs operation `op`, if any.
    pub(crate) fn set_of(&self, op: usize) -> Option<usize> {
        self.by_op.get(op).copied().flatten()
    }

    /// The index of the set with this id.
    pub(crate) fn find(&self, id: &str) -> Option<usize> {
        self.sets.iter().position(|s| s.id == id)
    }

    /// The operations set `set` governs, in the spec's order, as (method, path).
    pub(crate) fn operations(
        &self,
        set: usize,
    ) -> impl Iterator<Item = (&'static str, &'static str)> + '_ {
        OPERATIONS
            .iter()
            .zip(&self.by_op)
            .filter(move |(_, s)| **s == Some(set))
            .map(|(op, _)| (op.method, op.path))
    }

    /// Whether set `set` governs the operation at path template `shaped` (a [`shape`]).
    pub(crate) fn governs_path(&self, set: usize, shaped: &str) -> bool {
        self.operations(set).any(|(_, path)| shape(path) == shaped)
    }

    /// Set `set` as `RateLimitEndpointSetResponse`. The endpoints of a catch-all are
    /// the operations it governs (those whose path is in `paths`, when given), at most
    /// the schema's 100.
    pub(crate) fn render(&self, set: usize, paths: &[String]) -> Value {
        let s = &self.sets[set];
        let endpoints: Vec<Value> = if s.endpoints.is_empty() {
            self.operations(set)
                .filter(|(_, path)| paths.is_empty() || paths.contains(&shape(path)))
                .take(100)
                .map(|(method, path)| json!({"method": method, "path": path}))
                .collect()
        } else {
            s.endpoints
                .iter()
                .map(|(method, path)| {
                    json!({"method": method.to_ascii_uppercase(), "path": full_path(path)})
                })
                .collect()
        };
        json!({
            "capacity": {"value": s.capacity},
            "endpointSetId": s.id,
            "endpointSetName": s.name,
            "endpoints": endpoints,
            "refillDurationSeconds": {"value": s.period()},
            "refillRate": {"value": s.refill_rate},
            "scope": s.scope.as_str(),
        })
    }
}

/// The id of a principal: client id or public key.
fn principal_id(p: &Principal) -> &str {
    match p {
        Principal::ServiceAccount(id) | Principal::ApiKey(id) => id,
    }
}

/// The scope id of a call for a set of scope `scope`:
///
/// - [`Scope::Ip`]: the peer address;
/// - [`Scope::User`]: the caller (client id, public key); the peer address for the one
///   operation that takes no credentials;
/// - [`Scope::Group`]: the path's `groupId`, else the query's `groupId` (as
///   `listRateLimits` takes it), else the caller, else the peer address;
/// - [`Scope::Org`]: the path's `orgId`, else the organization of the path's project,
///   else the query's `orgId`, else the caller's organization, else the peer address.
pub(crate) fn scope_id(
    scope: Scope,
    store: &Store,
    req: &Request,
    query: &Query,
    principal: Option<&Principal>,
    values: &[(&'static str, &str)],
) -> String {
    let path = |name: &str| {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| percent_decode(v, false).unwrap_or_else(|| (*v).to_owned()))
    };
    let ip = || req.peer.ip().to_string();
    let caller = || principal.map(|p| principal_id(p).to_owned());
    match scope {
        Scope::Ip => ip(),
        Scope::User => caller().unwrap_or_else(ip),
        Scope::Group => path("groupId")
            .or_else(|| query.get("groupId").map(str::to_owned))
            .or_else(caller)
            .unwrap_or_else(ip),
        Scope::Org => path("orgId")
            .or_else(|| path("groupId").and_then(|g| store.group(&g).map(|g| g.org_id.clone())))
            .or_else(|| query.get("orgId").map(str::to_owned))
            .or_else(|| match principal? {
                Principal::ServiceAccount(id) => store.account(id).map(|a| a.org_id.clone()),
                Principal::ApiKey(k) => store.api_key(k).map(|k| k.org_id.clone()),
            })
            .unwrap_or_else(ip),
    }
}

/// Buckets beyond this many are forgotten when full (a full bucket is a new one).
const MAX_BUCKETS: usize = 10_000;

/// The endpoint sets' buckets, keyed by (set, scope id), and what they did.
#[derive(Debug)]
pub(crate) struct Limits {
    pub(crate) table: RateTable,
    /// How much faster than the clock the buckets refill.
    scale: f64,
    buckets: std::sync::Mutex<HashMap<(usize, String), TokenBucket>>,
}

impl Limits {
    pub(crate) fn new(table: RateTable, scale: f64) -> Limits {
        Limits {
            table,
            scale: if scale.is_finite() && scale > 0.0 {
                scale
            } else {
                1.0
            },
            buckets: std::sync::Mutex::new(HashMap::new()),
        }
    }

    fn fresh(&self, set: usize) -> TokenBucket {
        let s = &self.table.sets[set];
        let per_sec = f64::from(s.refill_rate) / f64::from(s.period()) * self.scale;
        TokenBucket::new(s.capacity, per_sec)
    }

    fn with<T>(&self, set: usize, scope: &str, f: impl FnOnce(&mut TokenBucket) -> T) -> T {
        let mut buckets = crate::state::lock(&self.buckets);
        if buckets.len() >= MAX_BUCKETS && !buckets.contains_key(&(set, scope.to_owned())) {
            buckets.retain(|_, b| b.tokens < b.capacity);
        }
        let bucket = buckets
            .entry((set, scope.to_owned()))
            .or_insert_with(|| self.fresh(set));
        f(bucket)
    }

    /// Takes a token from set `set`'s bucket for `scope`.
    pub(crate) fn take(
        &self,
        set: usize,
        scope: &str,
        now: SystemTime,
    ) -> Result<RateInfo, (RateInfo, u64)> {
        self.with(set, scope, |b| b.take(now))
    }

    /// The state of a bucket, taking nothing (an unused bucket is full).
    pub(crate) fn peek(&self, set: usize, scope: &str, now: SystemTime) -> RateInfo {
        let mut buckets = crate::state::lock(&self.buckets);
        match buckets.get_mut(&(set, scope.to_owned())) {
            Some(b) => b.peek(now),
            None => self.fresh(set).peek(now),
        }
    }

    /// The tokens in a bucket now; `None` for an unknown set.
    pub(crate) fn tokens(&self, set_id: &str, scope: &str, now: SystemTime) -> Option<f64> {
        let set = self.table.find(set_id)?;
        let mut buckets = crate::state::lock(&self.buckets);
        Some(match buckets.get_mut(&(set, scope.to_owned())) {
            Some(b) => b.tokens(now),
            None => f64::from(self.table.sets[set].capacity),
        })
    }

    /// Empties a bucket; false for an unknown set.
    pub(crate) fn drain(&self, set_id: &str, scope: &str, now: SystemTime) -> bool {
        let Some(set) = self.table.find(set_id) else {
            return false;
        };
        self.with(set, scope, |b| b.drain(now));
        true
    }
}

/// The 429 of an empty bucket of `set`, for a call to `path`, `wait` seconds before a
/// token is back (`Retry-After`).
pub(crate) fn exceeded(set: &EndpointSet, path: &str, wait: u64) -> ApiError {
    let path = path.trim_start_matches('/');
    let (capacity, rate, period) = (set.capacity, set.refill_rate, set.period());
    ApiError::new(
        429,
        "RATE_LIMITED_TOKEN_BUCKET",
        format!(
            "Rate limit exceeded for {path}. Please retry after {wait} seconds. Request capacity: {capacity}. Refill rate: {rate} per {period} seconds."
        ),
    )
    .param(path.to_owned())
    .param(wait)
    .param(capacity)
    .param(rate)
    .param(period)
    .header("Retry-After", wait.to_string())
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
    fn templates_compare_without_prefix_placeholder_names_or_trailing_slash() {
        assert_eq!(shape("/orgs"), "/api/atlas/v2/orgs");
        assert_eq!(
            shape("/api/atlas/v2/groups/{groupId}/clusters/"),
            "/api/atlas/v2/groups/{}/clusters"
        );
        assert_eq!(
            shape("groups/{id}/clusters"),
            "/api/atlas/v2/groups/{}/clusters"
        );
        // No two operations of the spec differ only in their placeholders' names, so a
        // set's (method, template) names one operation.
        let mut seen = std::collections::HashSet::new();
        for op in OPERATIONS {
            assert!(seen.insert((op.method, shape(op.path))), "{}", op.id);
        }
    }

    #[test]
    fn the_default_table_is_valid_and_its_catch_all_takes_the_rest() {
        let table = RateTable::new(EndpointSet::defaults()).unwrap();
        let ids: Vec<&str> = table.sets().iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids.len(), 7);
        let catch_all = table.find("default_user").unwrap();
        let listed: usize = table.sets().iter().map(|s| s.endpoints.len()).sum();
        assert_eq!(
            table.operations(catch_all).count() + listed,
            OPERATIONS.len()
        );
        let orgs = crate::spec::lookup("listOrgs").unwrap();
        assert_eq!(table.set_of(orgs), table.find("organizationsRead_user"));
        // Without a catch-all, unlisted operations are governed by no set.
        let table = RateTable::new(vec![
            EndpointSet::new("a", "A", Scope::Ip, 1, 1, 0).endpoint("GET", "/orgs"),
        ])
        .unwrap();
        assert_eq!(table.set_of(orgs), Some(0));
        let groups = crate::spec::lookup("listGroups").unwrap();
        assert_eq!(table.set_of(groups), None);
        // A refill duration of 0 reads as 1 s.
        assert_eq!(table.render(0, &[])["refillDurationSeconds"]["value"], 1);
    }

    #[test]
    fn the_429_names_the_bucket() {
        let set = EndpointSet::new("o", "O", Scope::User, 10, 5, 60);
        let e = exceeded(&set, "/api/atlas/v2/orgs", 55);
        let body = e.body();
        assert_eq!(body["errorCode"], "RATE_LIMITED_TOKEN_BUCKET");
        assert_eq!(
            body["detail"],
            "Rate limit exceeded for api/atlas/v2/orgs. Please retry after 55 seconds. Request capacity: 10. Refill rate: 5 per 60 seconds."
        );
        assert_eq!(
            body["parameters"],
            json!(["api/atlas/v2/orgs", 55, 10, 5, 60])
        );
        assert_eq!(e.headers, [("Retry-After".to_owned(), "55".to_owned())]);
    }

    #[test]
    fn buckets_are_per_set_and_scope_and_the_scale_speeds_them() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1000);
        let table =
            RateTable::new(vec![EndpointSet::new("s", "S", Scope::User, 1, 1, 60)]).unwrap();
        let limits = Limits::new(table, 60.0);
        assert!(limits.take(0, "a", t0).is_ok());
        assert_eq!(limits.take(0, "a", t0).unwrap_err().1, 1);
        assert!(limits.take(0, "b", t0).is_ok());
        assert_eq!(limits.tokens("s", "a", t0), Some(0.0));
        assert_eq!(
            limits.tokens("s", "a", t0 + Duration::from_millis(500)),
            Some(0.5)
        );
        assert!(limits.drain("s", "c", t0));
        assert_eq!(limits.peek(0, "c", t0).remaining, 0);
        assert_eq!(limits.peek(0, "d", t0).remaining, 1);
        assert_eq!(limits.tokens("t", "a", t0), None);
        // A scale that is not a positive number is 1.
        let table =
            RateTable::new(vec![EndpointSet::new("s", "S", Scope::User, 1, 1, 60)]).unwrap();
        let limits = Limits::new(table, f64::NAN);
        limits.take(0, "a", t0).unwrap();
        assert_eq!(limits.take(0, "a", t0).unwrap_err().1, 60);
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
