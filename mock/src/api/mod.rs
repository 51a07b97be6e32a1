//! The HTTP surface: the OAuth endpoints and every operation of the spec under
//! `/api/atlas/v2`, through one admission pipeline.
//!
//! An API call goes through, in order: authentication (401, from the head alone, so a
//! body is never read for it; [`admit`]), the optional single rate-limit bucket (429
//! `RATE_LIMITED`), routing by the generated tables (404 for an unknown path, 405 with
//! `Allow` for a known path with another method), the bucket of the operation's
//! endpoint set for the call's scope id when they are enforced (429
//! `RATE_LIMITED_TOKEN_BUCKET`, [`crate::ratelimit`]), then [`generic::check`]: version negotiation (406, naming the
//! operation's versions), path values (400), the organization or project (404), the
//! spec's roles and the rule the operation's stateful family adds (403), query values
//! (400), the body's media type (415) and shape (400). Then a test's script, or
//! [`generic::answer`]: a stateful family ([`families`]: projects, clusters, service
//! accounts, …; their own 404s and 409s) or the spec's example. Every API response
//! carries `RateLimit-Limit` and `RateLimit-Remaining` (unless the emulator is told to
//! leave them out); successes carry the served
//! version's media type, errors `application/json`. `pretty=true` indents the JSON;
//! `envelope=true` answers 200 with `{status, content}` (a list document gets `status`
//! added instead), errors included.

mod access_list;
mod accounts;
mod body_rules;
mod clusters;
mod database_users;
mod families;
pub(crate) mod generic;
mod invoices;
mod ip_access_list;
mod lifecycles;
mod processes;
mod projects;
mod rate_limits;
mod render;
mod secrets;
mod service_accounts;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use serde_json::{Value, json};

use crate::auth::{self, oauth};
use crate::errors::ApiError;
use crate::ratelimit::{self, RateInfo};
use crate::script::{Handler, ScriptedRequest};
use crate::server::http::{Request, Response};
use crate::spec;
use crate::state::{Shared, lock};
use crate::store::Store;
use crate::url::{Query, percent_decode};

pub(crate) use clusters::{is_cluster_name, m10_shape, m10_spec};
pub(crate) use lifecycles::{
    operation_ids as lifecycle_operations, terminal as lifecycle_terminal,
};

/// The path prefix of the versioned API.
const API_PREFIX: &str = "/api/atlas/v2/";

/// What the head of a request already decides, before its body is read.
#[derive(Debug)]
pub(crate) enum Admission {
    /// The answer, from the head alone (401, a broken query): the body is never read,
    /// so a client without credentials cannot make the emulator hold its body.
    Answer(Response),
    /// An API call whose caller is authenticated; [`respond`] goes on from there.
    Api(Prepared),
    /// Not an API call (the OAuth endpoints, unknown paths): read the body, then
    /// [`respond`].
    Other,
}

/// An API call checked as far as its head allows.
#[derive(Debug)]
pub(crate) struct Prepared {
    query: Query,
    fmt: Format,
    /// `None` for the one operation that needs no credentials.
    principal: Option<auth::Principal>,
}

fn is_api(path: &str) -> bool {
    path.starts_with(API_PREFIX) || path == "/api/atlas/v2"
}

/// Decides what can be decided from `req`'s head (its body is not looked at):
/// authentication and the query string of API calls.
pub(crate) fn admit(shared: &Shared, req: &Request) -> Admission {
    if !is_api(&req.head.path) {
        return Admission::Other;
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| prepare(shared, req)));
    match outcome {
        Ok(Ok(prepared)) => Admission::Api(prepared),
        Ok(Err(response)) => Admission::Answer(response),
        Err(_) => Admission::Answer(plain_error(&ApiError::unexpected())),
    }
}

/// Answers one request: OAuth endpoints, the API, or 404. `admitted` is what
/// [`admit`] returned for an API call (`None` to do it here). A panic in a handler (a
/// bug) becomes a 500, never a dropped connection.
pub(crate) fn respond(shared: &Shared, req: &Request, admitted: Option<Prepared>) -> Response {
    let path = req.head.path.as_str();
    let outcome = catch_unwind(AssertUnwindSafe(|| match path {
        "/api/oauth/token" => oauth::token(shared, req),
        "/api/oauth/revoke" => oauth::revoke(shared, req),
        oauth::LOGIN_TOKEN_PATH => oauth::login_token(shared, req),
        p if is_api(p) => {
            let prepared = match admitted {
                Some(p) => Ok(p),
                None => prepare(shared, req),
            };
            match prepared {
                Ok(p) => handle(shared, req, p),
                Err(response) => response,
            }
        }
        _ => plain_error(&ApiError::no_such_path(path)),
    }));
    outcome.unwrap_or_else(|_| plain_error(&ApiError::unexpected()))
}

/// An `ApiError` as a response, without API extras (rate-limit headers, envelope).
pub(crate) fn plain_error(e: &ApiError) -> Response {
    let mut r = Response::new(e.status)
        .header("Content-Type", "application/json")
        .body(e.body().to_string());
    for (name, value) in &e.headers {
        r = r.header(name, value.clone());
    }
    r
}

/// A successful result before encoding.
#[derive(Debug)]
pub(crate) struct Reply {
    status: u16,
    /// `None` for 204.
    body: Option<Value>,
    /// A body that is not JSON (a gzip or CSV download), sent as is.
    raw: Option<Vec<u8>>,
    headers: Vec<(String, String)>,
}

impl Reply {
    fn json(status: u16, body: Value) -> Reply {
        Reply {
            status,
            body: Some(body),
            raw: None,
            headers: Vec::new(),
        }
    }

    fn no_content() -> Reply {
        Reply {
            status: 204,
            body: None,
            raw: None,
            headers: Vec::new(),
        }
    }

    /// No body, with the operation's own status (204, or 202 for a deletion that takes
    /// time).
    fn no_content_with(status: u16) -> Reply {
        Reply {
            status,
            ..Reply::no_content()
        }
    }

    fn raw(status: u16, bytes: Vec<u8>) -> Reply {
        Reply {
            status,
            body: None,
            raw: Some(bytes),
            headers: Vec::new(),
        }
    }

    fn with_header(mut self, name: &str, value: impl Into<String>) -> Reply {
        self.headers.push((name.to_owned(), value.into()));
        self
    }
}

/// Decodes a path value once; a broken escape is a 400.
fn path_value(raw: &str, name: &str) -> Result<String, ApiError> {
    percent_decode(raw, false)
        .ok_or_else(|| ApiError::validation(name, "is not correctly percent-encoded"))
}

/// The response format asked for in the query.
#[derive(Debug, Clone, Copy, Default)]
struct Format {
    pretty: bool,
    envelope: bool,
}

fn to_bytes(value: &Value, pretty: bool) -> Vec<u8> {
    let bytes = if pretty {
        serde_json::to_vec_pretty(value)
    } else {
        serde_json::to_vec(value)
    };
    bytes.unwrap_or_default()
}

/// Wraps a document for `envelope=true`.
fn envelope(status: u16, body: Option<Value>) -> Value {
    match body {
        Some(Value::Object(mut list)) if list.contains_key("results") => {
            list.insert("status".into(), Value::from(status));
            Value::Object(list)
        }
        Some(content) => json!({"status": status, "content": content}),
        None => json!({"status": status, "content": {}}),
    }
}

/// `rate` is `None` when the answer carries no `RateLimit-*` headers.
fn encode(
    result: Result<(Reply, String), ApiError>,
    fmt: Format,
    rate: Option<RateInfo>,
) -> Response {
    let mut response = match result {
        Ok((reply, content_type)) => {
            // A 204 carries its media type in an empty raw body; in an envelope it is
            // `{status: 204, content: {}}` like any answer without a body.
            let raw = reply
                .raw
                .filter(|bytes| !(fmt.envelope && reply.status == 204 && bytes.is_empty()));
            let mut response = if let Some(raw) = raw {
                Response::new(reply.status)
                    .header("Content-Type", content_type)
                    .body(raw)
            } else if fmt.envelope {
                let doc = envelope(reply.status, reply.body);
                let content_type = if content_type.is_empty() {
                    "application/json".to_owned()
                } else {
                    content_type
                };
                Response::new(200)
                    .header("Content-Type", content_type)
                    .body(to_bytes(&doc, fmt.pretty))
            } else {
                match reply.body {
                    Some(doc) => Response::new(reply.status)
                        .header("Content-Type", content_type)
                        .body(to_bytes(&doc, fmt.pretty)),
                    None if content_type.is_empty() => Response::new(reply.status),
                    None => Response::new(reply.status).header("Content-Type", content_type),
                }
            };
            for (name, value) in reply.headers {
                if name.eq_ignore_ascii_case("content-type") {
                    response
                        .headers
                        .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
                }
                response = response.header(&name, value);
            }
            response
        }
        Err(e) => {
            let (status, doc) = if fmt.envelope {
                (200, envelope(e.status, Some(e.body())))
            } else {
                (e.status, e.body())
            };
            let mut r = Response::new(status)
                .header("Content-Type", "application/json")
                .body(to_bytes(&doc, fmt.pretty));
            for (name, value) in e.headers {
                r = r.header(&name, value);
            }
            r
        }
    };
    if let Some(rate) = rate {
        response = response
            .header("RateLimit-Limit", rate.limit.to_string())
            .header("RateLimit-Remaining", rate.remaining.to_string());
    }
    response
}

/// Nominal rate-limit headers when no bucket is configured.
const NOMINAL_RATE: RateInfo = RateInfo {
    limit: 100,
    remaining: 100,
};

/// The `RateLimit-*` headers to send, if the emulator sends them.
fn rate_headers(shared: &Shared, rate: RateInfo) -> Option<RateInfo> {
    shared.config.rate_limit_headers.then_some(rate)
}

/// The rate-limit state of a call that took no token (refused before it could, or
/// governed by no bucket): its endpoint set's bucket when they are enforced and the
/// call routes to an operation, else the single bucket, else nominal values.
fn resting_rate(
    shared: &Shared,
    req: &Request,
    query: &Query,
    principal: Option<&auth::Principal>,
    now: SystemTime,
) -> RateInfo {
    if shared.config.enforce_rate_limits
        && let spec::Found::Op(index, values) = spec::find(&req.head.method, &req.head.path)
        && let Some(set) = shared.limits.table.set_of(index)
    {
        let scope = shared.limits.table.sets()[set].scope;
        let id = {
            let store = lock(&shared.store);
            ratelimit::scope_id(scope, &store, req, query, principal, &values)
        };
        return shared.limits.peek(set, &id, now);
    }
    match &shared.bucket {
        Some(bucket) => lock(bucket).peek(now),
        None => NOMINAL_RATE,
    }
}

/// The first checks of an API call, which need only its head: the query string, then
/// authentication.
fn prepare(shared: &Shared, req: &Request) -> Result<Prepared, Response> {
    let query = match Query::parse(&req.head.query) {
        Ok(q) => q,
        Err(e) => {
            return Err(encode(
                Err(e),
                Format::default(),
                rate_headers(shared, NOMINAL_RATE),
            ));
        }
    };
    let fmt = Format {
        pretty: query.flag("pretty", false),
        envelope: query.flag("envelope", false),
    };
    let now = shared.clock.now();
    let open = spec::may_be_open(&req.head.path)
        && matches!(
            spec::find(&req.head.method, &req.head.path),
            spec::Found::Op(i, _) if spec::OPERATIONS.get(i).is_some_and(|op| !op.auth)
        );
    let principal = if open {
        Ok(None)
    } else {
        let mut store = lock(&shared.store);
        auth::authenticate(shared, &mut store, req, now).map(Some)
    };
    match principal {
        Ok(principal) => Ok(Prepared {
            query,
            fmt,
            principal,
        }),
        Err(e) => {
            let rate = resting_rate(shared, req, &query, None, now);
            Err(encode(Err(e), fmt, rate_headers(shared, rate)))
        }
    }
}

/// An API call, end to end, once [`prepare`]d.
fn handle(shared: &Shared, req: &Request, prepared: Prepared) -> Response {
    let Prepared {
        query,
        fmt,
        principal,
    } = prepared;
    let now = shared.clock.now();
    let mut rate = None;
    let outcome = {
        let mut store = lock(&shared.store);
        run(
            shared,
            &mut store,
            req,
            &query,
            principal.clone(),
            now,
            &mut rate,
        )
    };
    // A script runs without the store's lock: it may call the emulator itself.
    let result = match outcome {
        Ok(Outcome::Reply(reply)) => Ok(reply),
        Ok(Outcome::Script(script)) => {
            let (handler, request, call) = *script;
            Ok(generic::scripted(handler.as_ref(), &request, &call))
        }
        Err(e) => Err(e),
    };
    let rate = rate.unwrap_or_else(|| resting_rate(shared, req, &query, principal.as_ref(), now));
    encode(result, fmt, rate_headers(shared, rate))
}

/// How a call is answered.
enum Outcome {
    Reply((Reply, String)),
    /// By a test's script, once the store is released.
    Script(Box<(Arc<Handler>, ScriptedRequest, generic::Call)>),
}

fn run(
    shared: &Shared,
    store: &mut Store,
    req: &Request,
    query: &Query,
    principal: Option<auth::Principal>,
    now: SystemTime,
    rate: &mut Option<RateInfo>,
) -> Result<Outcome, ApiError> {
    if let Some(bucket) = &shared.bucket {
        match lock(bucket).take(now) {
            Ok(info) => *rate = Some(info),
            Err((info, wait)) => {
                *rate = Some(info);
                shared.rate_limited.fetch_add(1, Ordering::Relaxed);
                return Err(ApiError::new(
                    429,
                    "RATE_LIMITED",
                    "You have exceeded the rate limit; retry after the time in Retry-After.",
                )
                .header("Retry-After", wait.to_string()));
            }
        }
    }
    let path = req.head.path.as_str();
    match spec::find(&req.head.method, path) {
        spec::Found::NoPath => Err(ApiError::no_such_path(path)),
        spec::Found::OtherMethods(methods) => Err(ApiError::new(
            405,
            "METHOD_NOT_ALLOWED",
            format!("{} is not supported on {path}.", req.head.method),
        )
        .header("Allow", methods.join(", "))),
        spec::Found::Op(index, values) => {
            if shared.config.enforce_rate_limits {
                take_token(
                    shared,
                    store,
                    req,
                    query,
                    principal.as_ref(),
                    index,
                    &values,
                    now,
                    rate,
                )?;
            }
            match generic::check(
                shared,
                store,
                req,
                query,
                principal.as_ref(),
                index,
                &values,
            )? {
                generic::Next::Script(script) => Ok(Outcome::Script(script)),
                generic::Next::Call(call) => Ok(Outcome::Reply(generic::answer(
                    shared, store, req, query, now, &call,
                )?)),
            }
        }
    }
}

/// Takes a token from the bucket of the endpoint set that governs operation `index`,
/// for the call's scope id; an empty bucket is a 429 `RATE_LIMITED_TOKEN_BUCKET`.
#[allow(clippy::too_many_arguments)]
fn take_token(
    shared: &Shared,
    store: &Store,
    req: &Request,
    query: &Query,
    principal: Option<&auth::Principal>,
    index: usize,
    values: &[(&'static str, &str)],
    now: SystemTime,
    rate: &mut Option<RateInfo>,
) -> Result<(), ApiError> {
    let limits = &shared.limits;
    let Some(set) = limits.table.set_of(index) else {
        return Ok(());
    };
    let endpoints = &limits.table.sets()[set];
    let id = ratelimit::scope_id(endpoints.scope, store, req, query, principal, values);
    match limits.take(set, &id, now) {
        Ok(info) => {
            *rate = Some(info);
            Ok(())
        }
        Err((info, wait)) => {
            *rate = Some(info);
            shared.rate_limited.fetch_add(1, Ordering::Relaxed);
            let wait = if shared.config.retry_after_zero {
                0
            } else {
                wait
            };
            Err(ratelimit::exceeded(endpoints, &req.head.path, wait))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes() {
        assert_eq!(
            envelope(201, Some(json!({"a": 1}))),
            json!({"status": 201, "content": {"a": 1}})
        );
        assert_eq!(
            envelope(200, Some(json!({"results": []}))),
            json!({"status": 200, "results": []})
        );
        assert_eq!(envelope(204, None), json!({"status": 204, "content": {}}));
    }
}
