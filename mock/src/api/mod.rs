//! The HTTP surface: the OAuth endpoints and the 22 Service Accounts operations under
//! `/api/atlas/v2`.
//!
//! An API call goes through, in order: authentication (401), the optional rate-limit
//! bucket (429), routing (404 for an unknown path, 405 for a known path with another
//! method), version negotiation (406), path values (400), the organization or project
//! (404), authorization (403), the body's media type (415), the body (400), the service
//! account and the item named in the path (404), and the operation itself (409 for a
//! duplicate access-list entry). Every API response carries `RateLimit-Limit` and
//! `RateLimit-Remaining`; successes carry the served version's media type, errors
//! `application/json`. `pretty=true` indents the JSON; `envelope=true` answers 200 with
//! `{status, content}` (a list document gets `status` added instead), errors included.

mod access_list;
mod accounts;
mod body_rules;
mod clusters;
mod database_users;
mod families;
pub(crate) mod generic;
mod invoices;
mod ip_access_list;
mod processes;
mod projects;
mod render;
mod secrets;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::auth::{self, Need, oauth};
use crate::errors::ApiError;
use crate::pagination::Page;
use crate::ratelimit::RateInfo;
use crate::script::{Handler, ScriptedRequest};
use crate::server::http::{Request, Response};
use crate::spec;
use crate::state::{Shared, lock};
use crate::store::{Account, Store};
use crate::url::{Query, percent_decode};
use crate::validation::{is_client_id, is_object_id, parse_body};
use crate::version::{self, SERVICE_ACCOUNTS_VERSIONS, media_type};

pub(crate) use clusters::{is_cluster_name, m10_shape, m10_spec};

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

/// Which level an operation is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    Org,
    Group,
}

/// The operations, each at both levels except `Groups` (org) and `Invite` (project).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    List,
    Create,
    Get,
    Update,
    Delete,
    Groups,
    Invite,
    CreateSecret,
    DeleteSecret,
    ListAccess,
    CreateAccess,
    DeleteAccess,
}

impl Op {
    /// Whether the operation takes a request body.
    fn has_body(self) -> bool {
        matches!(
            self,
            Op::Create | Op::Update | Op::Invite | Op::CreateSecret | Op::CreateAccess
        )
    }

    /// Whether the operation changes a service account's credentials or where they
    /// work (see [`auth::may_manage_through_project`]).
    fn touches_credentials(self) -> bool {
        matches!(
            self,
            Op::CreateSecret | Op::DeleteSecret | Op::CreateAccess | Op::DeleteAccess
        )
    }

    /// The spec's `x-rolesRequirements`.
    fn need(self, scope: Scope) -> Need {
        match (scope, self) {
            (Scope::Org, Op::List | Op::Get | Op::Groups | Op::ListAccess) => Need::OrgRead,
            (Scope::Org, _) => Need::OrgOwner,
            (Scope::Group, Op::List | Op::Get | Op::ListAccess) => Need::GroupRead,
            (Scope::Group, Op::Invite) => Need::OrgOwner,
            (Scope::Group, _) => Need::GroupOwner,
        }
    }
}

/// A matched route: raw (still percent-encoded) path values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Routed<'a> {
    scope: Scope,
    op: Op,
    scope_id: &'a str,
    client_id: Option<&'a str>,
    item: Option<&'a str>,
}

/// Matches a method and path against the 22 operations.
pub(crate) fn route<'a>(method: &str, path: &'a str) -> Result<Routed<'a>, ApiError> {
    let not_found = || ApiError::no_such_path(path);
    let rest = path.strip_prefix(API_PREFIX).ok_or_else(not_found)?;
    let segs: Vec<&str> = rest.split('/').collect();
    if segs.len() < 3 || segs[1].is_empty() || segs[2] != "serviceAccounts" {
        return Err(not_found());
    }
    let scope = match segs[0] {
        "orgs" => Scope::Org,
        "groups" => Scope::Group,
        _ => return Err(not_found()),
    };
    type Methods = &'static [(&'static str, Op)];
    let (methods, client_id, item): (Methods, Option<&str>, Option<&str>) = match &segs[3..] {
        [] => (&[("GET", Op::List), ("POST", Op::Create)], None, None),
        [cid] if scope == Scope::Group && cid.ends_with(":invite") => {
            (&[("POST", Op::Invite)], cid.strip_suffix(":invite"), None)
        }
        [cid] => (
            &[
                ("GET", Op::Get),
                ("PATCH", Op::Update),
                ("DELETE", Op::Delete),
            ],
            Some(cid),
            None,
        ),
        [cid, "groups"] if scope == Scope::Org => (&[("GET", Op::Groups)], Some(cid), None),
        [cid, "secrets"] => (&[("POST", Op::CreateSecret)], Some(cid), None),
        [cid, "secrets", id] => (&[("DELETE", Op::DeleteSecret)], Some(cid), Some(id)),
        [cid, "accessList"] => (
            &[("GET", Op::ListAccess), ("POST", Op::CreateAccess)],
            Some(cid),
            None,
        ),
        [cid, "accessList", ip] => (&[("DELETE", Op::DeleteAccess)], Some(cid), Some(ip)),
        _ => return Err(not_found()),
    };
    if client_id.is_some_and(str::is_empty) || item.is_some_and(str::is_empty) {
        return Err(not_found());
    }
    let Some(&(_, op)) = methods.iter().find(|(m, _)| *m == method) else {
        let allow: Vec<&str> = methods.iter().map(|(m, _)| *m).collect();
        return Err(ApiError::new(
            405,
            "METHOD_NOT_ALLOWED",
            format!("{method} is not supported on {path}."),
        )
        .header("Allow", allow.join(", ")));
    };
    Ok(Routed {
        scope,
        op,
        scope_id: segs[1],
        client_id,
        item,
    })
}

/// What one API call works with.
pub(crate) struct Ctx<'a> {
    shared: &'a Shared,
    store: &'a mut Store,
    req: &'a Request,
    query: &'a Query,
    now: SystemTime,
    version: &'static str,
    org_id: String,
    group_id: Option<String>,
}

/// Decodes a path value once; a broken escape is a 400.
fn path_value(raw: &str, name: &str) -> Result<String, ApiError> {
    percent_decode(raw, false)
        .ok_or_else(|| ApiError::validation(name, "is not correctly percent-encoded"))
}

impl Ctx<'_> {
    /// The request body, after checking its media type.
    fn body(&self) -> Result<Value, ApiError> {
        version::check_content_type(
            self.req.header("content-type"),
            self.version,
            SERVICE_ACCOUNTS_VERSIONS,
            self.shared.config.plain_json_bodies,
        )?;
        parse_body(&self.req.body)
    }

    /// A list document for this request's page.
    fn list(&self, page: Page, items: Vec<Value>) -> Value {
        page.document(
            items,
            &self.shared.base_url,
            &self.req.head.path,
            self.query,
        )
    }

    /// `secretExpiresAfterHours` as a duration on the emulator's clock.
    fn secret_lifetime(&self, hours: u32) -> Duration {
        self.shared
            .config
            .secret_hour
            .checked_mul(hours)
            .unwrap_or(Duration::MAX)
    }

    fn account_not_found(&self, client_id: &str) -> ApiError {
        let (what, id) = match &self.group_id {
            Some(g) => ("project", g.as_str()),
            None => ("organization", self.org_id.as_str()),
        };
        ApiError::new(
            404,
            "SERVICE_ACCOUNT_NOT_FOUND",
            format!("Service account {client_id} not found in {what} {id}."),
        )
        .param(client_id)
        .param(id)
    }

    fn in_scope(&self, a: &Account) -> bool {
        a.org_id == self.org_id
            && self
                .group_id
                .as_deref()
                .is_none_or(|g| a.project_roles(g).is_some())
    }

    /// The service account named in the path, if it is in the organization (and
    /// assigned to the project, at project level).
    fn account(&self, client_id: &str) -> Result<&Account, ApiError> {
        match self.store.account(client_id) {
            Some(a) if self.in_scope(a) => Ok(a),
            _ => Err(self.account_not_found(client_id)),
        }
    }

    fn account_mut(&mut self, client_id: &str) -> Result<&mut Account, ApiError> {
        let found = self
            .store
            .account(client_id)
            .is_some_and(|a| self.in_scope(a));
        let not_found = self.account_not_found(client_id);
        match self.store.account_mut(client_id) {
            Some(a) if found => Ok(a),
            _ => Err(not_found),
        }
    }
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

fn encode(result: Result<(Reply, String), ApiError>, fmt: Format, rate: RateInfo) -> Response {
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
    response = response
        .header("RateLimit-Limit", rate.limit.to_string())
        .header("RateLimit-Remaining", rate.remaining.to_string());
    response
}

/// Nominal rate-limit headers when no bucket is configured.
const NOMINAL_RATE: RateInfo = RateInfo {
    limit: 100,
    remaining: 100,
};

/// The first checks of an API call, which need only its head: the query string, then
/// authentication.
fn prepare(shared: &Shared, req: &Request) -> Result<Prepared, Response> {
    let query = match Query::parse(&req.head.query) {
        Ok(q) => q,
        Err(e) => return Err(encode(Err(e), Format::default(), NOMINAL_RATE)),
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
            let rate = match &shared.bucket {
                Some(bucket) => lock(bucket).peek(now),
                None => NOMINAL_RATE,
            };
            Err(encode(Err(e), fmt, rate))
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
        run(shared, &mut store, req, &query, principal, now, &mut rate)
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
    let rate = rate.unwrap_or_else(|| match &shared.bucket {
        Some(bucket) => lock(bucket).peek(now),
        None => NOMINAL_RATE,
    });
    encode(result, fmt, rate)
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
    // The Service Accounts family keeps its hand-written handlers (unless scripted).
    if let Ok(routed) = route(&req.head.method, path)
        && !(shared.scripts.any()
            && matches!(spec::find(&req.head.method, path), spec::Found::Op(i, _) if shared.scripts.has(i)))
    {
        let principal = principal.ok_or_else(ApiError::unexpected)?;
        let (reply, version) = service_accounts(shared, store, req, query, principal, now, routed)?;
        return Ok(Outcome::Reply((reply, media_type(version))));
    }
    match spec::find(&req.head.method, path) {
        spec::Found::NoPath => Err(ApiError::no_such_path(path)),
        spec::Found::OtherMethods(methods) => Err(ApiError::new(
            405,
            "METHOD_NOT_ALLOWED",
            format!("{} is not supported on {path}.", req.head.method),
        )
        .header("Allow", methods.join(", "))),
        spec::Found::Op(index, values) => {
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

/// A Service Accounts operation, by the hand-written handlers.
fn service_accounts(
    shared: &Shared,
    store: &mut Store,
    req: &Request,
    query: &Query,
    principal: auth::Principal,
    now: SystemTime,
    routed: Routed<'_>,
) -> Result<(Reply, &'static str), ApiError> {
    let version = version::negotiate(req.header("accept"), SERVICE_ACCOUNTS_VERSIONS)?;

    // Path values: the org or project id, then the client id.
    let scope_name = match routed.scope {
        Scope::Org => "orgId",
        Scope::Group => "groupId",
    };
    let scope_id = path_value(routed.scope_id, scope_name)?;
    if !is_object_id(&scope_id) {
        return Err(match routed.scope {
            Scope::Org => ApiError::new(
                400,
                "INVALID_ORG_ID",
                format!("An invalid organization ID {scope_id} was specified."),
            )
            .param(scope_id.clone())
            .field("orgId", "must match \"^([a-f0-9]{24})$\""),
            Scope::Group => ApiError::new(
                400,
                "INVALID_GROUP_ID",
                format!("An invalid group ID {scope_id} was specified."),
            )
            .param(scope_id.clone())
            .field("groupId", "must match \"^([a-f0-9]{24})$\""),
        });
    }
    let client_id = match routed.client_id {
        Some(raw) => {
            let cid = path_value(raw, "clientId")?;
            if !is_client_id(&cid) {
                return Err(ApiError::validation(
                    "clientId",
                    r#"must match "^mdb_sa_id_[a-fA-F\d]{24}$""#,
                )
                .param(cid));
            }
            Some(cid)
        }
        None => None,
    };

    // The organization or project.
    let (org_id, group_id) = match routed.scope {
        Scope::Org => match store.org(&scope_id) {
            Some(org) => (org.id.clone(), None),
            None => {
                return Err(ApiError::new(
                    404,
                    "ORG_NOT_FOUND",
                    format!("No organization with ID {scope_id} exists."),
                )
                .param(scope_id));
            }
        },
        Scope::Group => match store.group(&scope_id) {
            Some(group) => (group.org_id.clone(), Some(group.id.clone())),
            None => {
                return Err(ApiError::new(
                    404,
                    "GROUP_NOT_FOUND",
                    format!("No group with ID {scope_id} exists."),
                )
                .param(scope_id));
            }
        },
    };
    auth::authorize(
        store,
        &principal,
        &org_id,
        group_id.as_deref(),
        routed.op.need(routed.scope),
    )?;
    if routed.scope == Scope::Group
        && routed.op.touches_credentials()
        && !shared.config.project_routes_reach_org_accounts
        && let (Some(cid), Some(group)) = (client_id.as_deref(), group_id.as_deref())
        && let Some(target) = store.account(cid)
        && target.org_id == org_id
        && target.project_roles(group).is_some()
        && !auth::may_manage_through_project(store, &principal, target)
    {
        return Err(ApiError::new(
            403,
            "USER_UNAUTHORIZED",
            format!(
                "Service account {cid} holds privileges beyond project {group}; manage its credentials at organization level."
            ),
        )
        .param(cid)
        .param(group));
    }

    let mut ctx = Ctx {
        shared,
        store,
        req,
        query,
        now,
        version,
        org_id,
        group_id,
    };
    let reply = dispatch(&mut ctx, &routed, client_id.as_deref())?;
    Ok((reply, version))
}

fn dispatch(
    ctx: &mut Ctx<'_>,
    routed: &Routed<'_>,
    client_id: Option<&str>,
) -> Result<Reply, ApiError> {
    // Operations with a body read it (and check its media type) before looking the
    // service account up, as a JAX-RS server deserializes before the resource runs.
    let body = if routed.op.has_body() {
        Some(ctx.body()?)
    } else {
        None
    };
    let body = body.as_ref();
    let cid = || client_id.ok_or_else(ApiError::unexpected);
    let item = || routed.item.ok_or_else(ApiError::unexpected);
    match routed.op {
        Op::List => accounts::list(ctx),
        Op::Create => accounts::create(ctx, require(body)?),
        Op::Get => accounts::get(ctx, cid()?),
        Op::Update => accounts::update(ctx, cid()?, require(body)?),
        Op::Delete => accounts::delete(ctx, cid()?),
        Op::Groups => accounts::groups(ctx, cid()?),
        Op::Invite => accounts::invite(ctx, cid()?, require(body)?),
        Op::CreateSecret => secrets::create(ctx, cid()?, require(body)?),
        Op::DeleteSecret => secrets::delete(ctx, cid()?, &path_value(item()?, "secretId")?),
        Op::ListAccess => access_list::list(ctx, cid()?),
        Op::CreateAccess => access_list::create(ctx, cid()?, require(body)?),
        Op::DeleteAccess => access_list::delete(ctx, cid()?, &path_value(item()?, "ipAddress")?),
    }
}

fn require(body: Option<&Value>) -> Result<&Value, ApiError> {
    body.ok_or_else(ApiError::unexpected)
}

#[cfg(test)]
mod tests {
    use super::*;

    const O: &str = "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/serviceAccounts";
    const G: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/serviceAccounts";
    const C: &str = "mdb_sa_id_1234567890abcdef12345678";

    fn op(method: &str, path: &str) -> Option<(Scope, Op)> {
        route(method, path).ok().map(|r| (r.scope, r.op))
    }

    #[test]
    fn routes_all_22_operations() {
        let cases = [
            ("GET", O.to_owned(), Scope::Org, Op::List),
            ("POST", O.to_owned(), Scope::Org, Op::Create),
            ("GET", format!("{O}/{C}"), Scope::Org, Op::Get),
            ("PATCH", format!("{O}/{C}"), Scope::Org, Op::Update),
            ("DELETE", format!("{O}/{C}"), Scope::Org, Op::Delete),
            ("GET", format!("{O}/{C}/groups"), Scope::Org, Op::Groups),
            (
                "POST",
                format!("{O}/{C}/secrets"),
                Scope::Org,
                Op::CreateSecret,
            ),
            (
                "DELETE",
                format!("{O}/{C}/secrets/abc"),
                Scope::Org,
                Op::DeleteSecret,
            ),
            (
                "GET",
                format!("{O}/{C}/accessList"),
                Scope::Org,
                Op::ListAccess,
            ),
            (
                "POST",
                format!("{O}/{C}/accessList"),
                Scope::Org,
                Op::CreateAccess,
            ),
            (
                "DELETE",
                format!("{O}/{C}/accessList/192.0.2.0%2F24"),
                Scope::Org,
                Op::DeleteAccess,
            ),
            ("GET", G.to_owned(), Scope::Group, Op::List),
            ("POST", G.to_owned(), Scope::Group, Op::Create),
            ("GET", format!("{G}/{C}"), Scope::Group, Op::Get),
            ("PATCH", format!("{G}/{C}"), Scope::Group, Op::Update),
            ("DELETE", format!("{G}/{C}"), Scope::Group, Op::Delete),
            ("POST", format!("{G}/{C}:invite"), Scope::Group, Op::Invite),
            (
                "POST",
                format!("{G}/{C}/secrets"),
                Scope::Group,
                Op::CreateSecret,
            ),
            (
                "DELETE",
                format!("{G}/{C}/secrets/abc"),
                Scope::Group,
                Op::DeleteSecret,
            ),
            (
                "GET",
                format!("{G}/{C}/accessList"),
                Scope::Group,
                Op::ListAccess,
            ),
            (
                "POST",
                format!("{G}/{C}/accessList"),
                Scope::Group,
                Op::CreateAccess,
            ),
            (
                "DELETE",
                format!("{G}/{C}/accessList/10.0.0.1"),
                Scope::Group,
                Op::DeleteAccess,
            ),
        ];
        assert_eq!(cases.len(), 22);
        for (method, path, scope, expected) in cases {
            assert_eq!(
                op(method, &path),
                Some((scope, expected)),
                "{method} {path}"
            );
        }
        let path = format!("{G}/{C}:invite");
        let invite = route("POST", &path).unwrap();
        assert_eq!(invite.client_id, Some(C));
    }

    #[test]
    fn unknown_paths_and_methods() {
        for path in [
            "/api/atlas/v2/orgs",
            "/api/atlas/v2/orgs//serviceAccounts",
            &format!("{O}/"),
            &format!("{G}/{C}/groups"),
            &format!("{O}/{C}:invite/x"),
            &format!("{O}/{C}/accessList/192.0.2.0/24"),
            &format!("{O}/{C}/secrets/"),
            "/api/atlas/v2/clusters/x/serviceAccounts",
        ] {
            let e = route("GET", path).unwrap_err();
            assert_eq!((e.status, e.code), (404, "RESOURCE_NOT_FOUND"), "{path}");
        }
        let e = route("PUT", O).unwrap_err();
        assert_eq!(e.status, 405);
        assert_eq!(
            e.headers,
            vec![("Allow".to_owned(), "GET, POST".to_owned())]
        );
        assert_eq!(
            route("GET", &format!("{G}/{C}:invite")).unwrap_err().status,
            405
        );
    }

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
