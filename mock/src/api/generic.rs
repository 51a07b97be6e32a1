//! The one admission pipeline, for every operation of the spec (the Service Accounts
//! included), from the generated tables (`crate::spec`): versions (the one negotiation,
//! [`crate::version`]), path and query values,
//! the organization or project, roles, the body's media type and shape; then a script, a
//! stateful family ([`super::families`]), or the example answer.
//!
//! The checks come in Atlas's order: 404/405 (by the router, before [`check`]), 406
//! (naming the supported versions), 400 for path values (`INVALID_ORG_ID`,
//! `INVALID_GROUP_ID`, or a value off the spec's pattern), 404 for an unknown
//! organization or project, 403 for the spec's roles and then the rule the operation's
//! family adds, 400 for query values, 415, 400 for the body. A family's handler then
//! checks what the tables cannot say (its own 400s, 404s and 409s).

use std::borrow::Cow;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::{Reply, families, path_value};
use crate::auth::{self, Principal};
use crate::errors::ApiError;
use crate::script::{Handler, ScriptedRequest};
use crate::server::http::Request;
use crate::spec::{self, Answer, Body, Kind, Need, OPERATIONS, Operation, Param, Version};
use crate::state::Shared;
use crate::store::Store;
use crate::url::Query;
use crate::version::{Wire, check_content_type, media, negotiate};

/// An empty gzip file: what a log download answers when nothing scripted it.
const EMPTY_GZIP: &[u8] = &[
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00,
];

/// The header that marks an answer made from the spec, not from state.
pub(crate) const MOCK_HEADER: &str = "X-Atlas-Mock";

/// An operation routed and checked, ready to be answered.
pub(crate) struct Call {
    /// The operation's index in `OPERATIONS`.
    pub(crate) index: usize,
    pub(crate) version: &'static Version,
    pub(crate) wire: Wire,
    pub(crate) path: Vec<(&'static str, String)>,
    pub(crate) body: Option<Value>,
    /// Who is calling (`None` for the operation that needs no credentials).
    pub(crate) principal: Option<Principal>,
}

impl Call {
    /// A decoded path value (empty when the path has none of that name).
    pub(crate) fn path_value(&self, name: &str) -> &str {
        self.path
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The content type of a JSON answer.
    pub(crate) fn json_media(&self) -> String {
        media(self.version.date, Wire::Json)
    }

    /// The example answer: a minimal schema-valid document, marked as such.
    pub(crate) fn example(&self) -> (Reply, String) {
        let status = self.version.status;
        let (reply, content_type) = match (self.wire, self.version.answer) {
            (Wire::Gzip, _) => (
                Reply::raw(status, EMPTY_GZIP.to_vec()),
                media(self.version.date, Wire::Gzip),
            ),
            (Wire::Csv, _) => (
                Reply::raw(status, Vec::new()),
                media(self.version.date, Wire::Csv),
            ),
            // The media type is declared, but 204 has no body.
            (Wire::Json, Answer::Json(_)) if status == 204 => {
                (Reply::raw(status, Vec::new()), self.json_media())
            }
            (Wire::Json, Answer::Json(i)) => {
                let doc = spec::ANSWERS
                    .get(i)
                    .and_then(|t| serde_json::from_str(t).ok())
                    .unwrap_or_else(|| Value::Object(Map::new()));
                (Reply::json(status, doc), self.json_media())
            }
            (Wire::Json, _) => (
                Reply {
                    status,
                    body: None,
                    raw: None,
                    headers: Vec::new(),
                },
                self.json_media(),
            ),
        };
        (reply.with_header(MOCK_HEADER, "example"), content_type)
    }
}

/// What [`check`] leads to.
pub(crate) enum Next {
    /// Answer from state or example (the caller holds the store).
    Call(Call),
    /// A script answers, once the store is released.
    Script(Box<(Arc<Handler>, ScriptedRequest, Call)>),
}

fn invalid_path_value(name: &str, value: &str, pattern: &str) -> ApiError {
    let description = format!("must match \"{pattern}\"");
    match name {
        "orgId" => ApiError::new(
            400,
            "INVALID_ORG_ID",
            format!("An invalid organization ID {value} was specified."),
        )
        .param(value.to_owned())
        .field(name, description),
        "groupId" => ApiError::new(
            400,
            "INVALID_GROUP_ID",
            format!("An invalid group ID {value} was specified."),
        )
        .param(value.to_owned())
        .field(name, description),
        _ => ApiError::validation(name, description).param(value.to_owned()),
    }
}

fn matches_pattern(p: &Param, value: &str) -> Result<(), String> {
    let Some(i) = p.pattern else { return Ok(()) };
    match spec::pattern(i) {
        Some(re) if !re.is_match(value.as_bytes()) => {
            Err(format!("must match \"{}\"", spec::pattern_text(i)))
        }
        _ => Ok(()),
    }
}

/// A path value as its pattern reads it. The spec writes the patterns of values that may
/// hold a slash (an address block, an Azure resource id) for the value as the client sends
/// it, `/` percent-encoded (`%2[fF]` in the pattern); such a value, decoded once, is
/// matched with its slashes written `%2F` again.
fn as_in_pattern<'v>(p: &Param, value: &'v str) -> Cow<'v, str> {
    let encoded = || {
        p.pattern
            .is_some_and(|i| spec::pattern_text(i).contains("%2"))
    };
    if value.contains('/') && encoded() {
        Cow::Owned(value.replace('/', "%2F"))
    } else {
        Cow::Borrowed(value)
    }
}

/// One query value against its parameter.
fn check_query_value(p: &Param, value: &str) -> Result<(), ApiError> {
    let bad = |what: String| ApiError::validation(p.name, what).param(value.to_owned());
    match p.kind {
        Kind::Int | Kind::Num => {
            let n: Option<f64> = if p.kind == Kind::Int {
                value.trim().parse::<i64>().ok().map(|n| n as f64)
            } else {
                value.trim().parse::<f64>().ok().filter(|f| f.is_finite())
            };
            let what = if p.kind == Kind::Int {
                "an integer"
            } else {
                "a number"
            };
            let range = match (p.min, p.max) {
                (Some(lo), Some(hi)) => format!("must be {what} between {lo} and {hi}"),
                (Some(lo), None) => format!("must be {what} of at least {lo}"),
                (None, Some(hi)) => format!("must be {what} of at most {hi}"),
                (None, None) => format!("must be {what}"),
            };
            let Some(n) = n else { return Err(bad(range)) };
            if p.min.is_some_and(|lo| n < lo) || p.max.is_some_and(|hi| n > hi) {
                return Err(bad(range));
            }
        }
        // Java's Boolean.valueOf: anything but `true` is false, never an error.
        Kind::Bool => {}
        _ => {}
    }
    if let Some(e) = p.enumeration.and_then(|i| spec::ENUMS.get(i))
        && !e.contains(&value)
    {
        return Err(ApiError::new(
            400,
            "INVALID_ENUM_VALUE",
            format!("An invalid enumeration value {value} was specified."),
        )
        .param(value.to_owned())
        .field(p.name, "is not one of the values the parameter takes"));
    }
    matches_pattern(p, value).map_err(bad)
}

fn check_query(op: &Operation, query: &Query) -> Result<(), ApiError> {
    for p in op.params.iter().filter_map(|&i| spec::PARAMS.get(i)) {
        if !p.query {
            continue;
        }
        let mut any = false;
        for raw in query.all(p.name) {
            any = true;
            if p.array {
                for v in raw.split(',') {
                    check_query_value(p, v)?;
                }
            } else {
                check_query_value(p, raw)?;
            }
        }
        if p.required && !any {
            return Err(ApiError::validation(p.name, "is required"));
        }
    }
    Ok(())
}

fn kind_ok(kind: Kind, v: &Value) -> bool {
    match kind {
        Kind::Str => v.is_string(),
        Kind::Int => v.is_i64() || v.is_u64(),
        Kind::Num => v.is_number(),
        Kind::Bool => v.is_boolean(),
        Kind::Array => v.is_array(),
        Kind::Object => v.is_object(),
    }
}

fn check_member_types(body: &Body, obj: &Map<String, Value>, at: &str) -> Result<(), ApiError> {
    for name in body.must {
        if obj.get(*name).is_none_or(Value::is_null) {
            return Err(ApiError::missing_attribute(&format!("{at}{name}")));
        }
    }
    for m in body.members {
        match obj.get(m.name) {
            None | Some(Value::Null) => {}
            Some(v) if kind_ok(m.kind, v) => {}
            Some(_) => return Err(ApiError::invalid_attribute(&format!("{at}{}", m.name))),
        }
    }
    Ok(())
}

/// The body's shape: object or array, required members, member types.
pub(crate) fn check_body(body: &Body, value: &Value) -> Result<(), ApiError> {
    let malformed = |what: &str| {
        ApiError::new(
            400,
            "INVALID_JSON",
            format!("Received JSON is malformed: expected {what}."),
        )
    };
    if body.array {
        let items = value.as_array().ok_or_else(|| malformed("an array"))?;
        if let Some(max) = body.max_items
            && items.len() as u64 > max
        {
            return Err(ApiError::validation(
                "body",
                format!("size must be between 0 and {max}"),
            ));
        }
        for (i, item) in items.iter().enumerate() {
            if body.must.is_empty() && body.members.is_empty() {
                continue;
            }
            let obj = item
                .as_object()
                .ok_or_else(|| malformed("an array of objects"))?;
            check_member_types(body, obj, &format!("[{i}]."))?;
        }
        Ok(())
    } else {
        if body.must.is_empty() && body.members.is_empty() && !value.is_object() {
            // A schema without declared members (free-form or polymorphic).
            return Ok(());
        }
        let obj = value.as_object().ok_or_else(|| malformed("an object"))?;
        check_member_types(body, obj, "")
    }
}

fn role_need(need: Need) -> Option<auth::Need> {
    match need {
        Need::Authenticated => None,
        Need::OrgRead => Some(auth::Need::OrgRead),
        Need::OrgOwner => Some(auth::Need::OrgOwner),
        Need::GroupRead => Some(auth::Need::GroupRead),
        Need::GroupOwner => Some(auth::Need::GroupOwner),
    }
}

/// Checks an operation's request, in Atlas's order, up to the point where an answer can
/// be made.
#[allow(clippy::too_many_arguments)]
pub(crate) fn check(
    shared: &Shared,
    store: &Store,
    req: &Request,
    query: &Query,
    principal: Option<&Principal>,
    index: usize,
    raw_values: &[(&'static str, &str)],
) -> Result<Next, ApiError> {
    let op = OPERATIONS.get(index).ok_or_else(ApiError::unexpected)?;
    let (version, wire) = negotiate(req.header("accept"), op)?;

    // Path values, decoded once, against their patterns.
    let mut path = Vec::with_capacity(raw_values.len());
    for (name, raw) in raw_values {
        let value = path_value(raw, name)?;
        let param = op
            .params
            .iter()
            .filter_map(|&i| spec::PARAMS.get(i))
            .find(|p| !p.query && p.name == *name);
        if let Some(p) = param
            && let Err(description) = matches_pattern(p, &as_in_pattern(p, &value))
        {
            let pattern = description
                .trim_start_matches("must match \"")
                .trim_end_matches('"');
            return Err(invalid_path_value(name, &value, pattern));
        }
        path.push((*name, value));
    }
    let value = |name: &str| {
        path.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };

    // The organization or project.
    let mut org_id = None;
    let mut group_id = None;
    if let Some(g) = value("groupId") {
        let group = store.group(&g).ok_or_else(|| {
            ApiError::new(
                404,
                "GROUP_NOT_FOUND",
                format!("No group with ID {g} exists."),
            )
            .param(g.clone())
        })?;
        org_id = Some(group.org_id.clone());
        group_id = Some(group.id.clone());
    } else if let Some(o) = value("orgId") {
        let org = store.org(&o).ok_or_else(|| {
            ApiError::new(
                404,
                "ORG_NOT_FOUND",
                format!("No organization with ID {o} exists."),
            )
            .param(o.clone())
        })?;
        org_id = Some(org.id.clone());
    }
    if let (Some(principal), Some(org)) = (principal, org_id.as_deref()) {
        if let Some(need) = role_need(op.need) {
            auth::authorize(store, principal, org, group_id.as_deref(), need)?;
        }
        // What the operation's stateful family adds to the roles.
        families::authorize(
            index,
            &families::Admitted {
                shared,
                store,
                op,
                path: &path,
                org_id: org,
                group_id: group_id.as_deref(),
                principal,
            },
        )?;
    }

    check_query(op, query)?;

    // The body.
    let mut body = None;
    if let Some(schema) = version.body.and_then(|i| spec::BODIES.get(i)) {
        let empty = req.body.iter().all(u8::is_ascii_whitespace);
        if !empty || schema.required {
            check_content_type(
                op,
                version,
                req.header("content-type"),
                shared.config.plain_json_bodies,
            )?;
            let value = crate::validation::parse_body(&req.body)?;
            check_body(schema, &value)?;
            body = Some(value);
        }
    }

    let call = Call {
        index,
        version,
        wire,
        path,
        body,
        principal: principal.cloned(),
    };
    match shared.scripts.get(index) {
        Some(handler) => {
            let request = ScriptedRequest {
                operation_id: op.id.to_owned(),
                method: req.head.method.clone(),
                path: req.head.path.clone(),
                path_params: call
                    .path
                    .iter()
                    .map(|(n, v)| ((*n).to_owned(), v.clone()))
                    .collect(),
                query: query.pairs().to_vec(),
                version: version.date.to_owned(),
                body: call.body.clone(),
            };
            Ok(Next::Script(Box::new((handler, request, call))))
        }
        None => Ok(Next::Call(call)),
    }
}

/// The answer to a checked call that no script takes: from the state of a stateful
/// family, or the example answer.
pub(crate) fn answer(
    shared: &Shared,
    store: &mut Store,
    req: &Request,
    query: &Query,
    now: SystemTime,
    call: &Call,
) -> Result<(Reply, String), ApiError> {
    let mut fx = families::Fx {
        shared,
        store,
        req,
        query,
        now,
        call,
    };
    match families::answer(&mut fx) {
        Some(reply) => {
            // A body-less answer keeps the media type the spec declares for it.
            let reply = match (reply?, call.version.answer) {
                (r, Answer::Json(_)) if r.body.is_none() && r.raw.is_none() => {
                    if r.status == 204 {
                        Reply::raw(204, Vec::new())
                    } else {
                        Reply::json(r.status, Value::Object(Map::new()))
                    }
                }
                (r, _) => r,
            };
            Ok(finish(call, (reply, call.json_media())))
        }
        None => Ok(finish(call, call.example())),
    }
}

/// Headers every answer of a generic operation carries: `Sunset` for a version with a
/// sunset date.
fn finish(call: &Call, (reply, content_type): (Reply, String)) -> (Reply, String) {
    // No body, no media type (a JSON media type on an empty body reads as broken JSON).
    let content_type = if reply.body.is_none() && reply.raw.is_none() {
        String::new()
    } else {
        content_type
    };
    match call.version.sunset.and_then(http_date) {
        Some(date) => (reply.with_header("Sunset", date), content_type),
        None => (reply, content_type),
    }
}

/// A script's answer.
pub(crate) fn scripted(
    handler: &Handler,
    request: &ScriptedRequest,
    call: &Call,
) -> (Reply, String) {
    let response = handler(request);
    let reply = Reply {
        status: response.status,
        body: response.body,
        raw: None,
        headers: response.headers,
    };
    finish(call, (reply, call.json_media()))
}

/// The `Sunset` header's value (an HTTP date) for a `YYYY-MM-DD` sunset.
pub(crate) fn http_date(date: &str) -> Option<String> {
    let d: jiff::civil::Date = date.parse().ok()?;
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let day = DAYS[usize::from(d.weekday().to_monday_zero_offset().unsigned_abs())];
    let month = MONTHS[usize::from(d.month().unsigned_abs()) - 1];
    Some(format!(
        "{day}, {:02} {month} {:04} 00:00:00 GMT",
        d.day(),
        d.year()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(id: &str) -> &'static Operation {
        &OPERATIONS[spec::lookup(id).unwrap()]
    }

    /// Path patterns are matched as the Java server does: `\d` is ASCII.
    #[test]
    fn path_patterns_read_as_javas() {
        let get = op("getOrgServiceAccount");
        let param = |name: &str| {
            get.params
                .iter()
                .map(|&i| &spec::PARAMS[i])
                .find(|p| p.name == name)
                .unwrap()
        };
        let (org, client) = (param("orgId"), param("clientId"));
        assert!(matches_pattern(org, "32b6e34b3d91647abb20e7b8").is_ok());
        assert!(matches_pattern(org, "32B6E34B3D91647ABB20E7B8").is_err());
        assert!(matches_pattern(org, "32b6e34b3d91647abb20e7b").is_err());
        assert!(matches_pattern(client, "mdb_sa_id_1234567890abcdef12345678").is_ok());
        assert!(matches_pattern(client, "mdb_sa_id_1234567890ABCDEF12345678").is_ok());
        assert!(matches_pattern(client, "mdb_sa_id_1234567890abcdef1234567").is_err());
        assert!(matches_pattern(client, "mdb_sa_id_1234567890abcdef1234567g").is_err());
        // An Arabic-Indic digit is \d in Rust's Unicode regexes, not in Java's.
        assert!(matches_pattern(client, "mdb_sa_id_1234567890abcdef1234567\u{0661}").is_err());
        let e = invalid_path_value("orgId", "x", spec::pattern_text(org.pattern.unwrap()));
        assert_eq!((e.status, e.code), (400, "INVALID_ORG_ID"));
        let e = invalid_path_value("groupId", "x", spec::pattern_text(org.pattern.unwrap()));
        assert_eq!((e.status, e.code), (400, "INVALID_GROUP_ID"));
    }

    #[test]
    fn patterns_written_for_encoded_slashes_read_decoded_values() {
        let delete = op("deleteOrgServiceAccountAccessListEntry");
        let ip = delete
            .params
            .iter()
            .map(|&i| &spec::PARAMS[i])
            .find(|p| p.name == "ipAddress")
            .unwrap();
        let check = |v: &str| matches_pattern(ip, &as_in_pattern(ip, v));
        for ok in [
            "192.0.2.0/24",
            "192.0.2.1",
            "2001:db8::/48",
            "2001:db8:0:0:0:0:0:1",
            // Encoded twice by the client: the pattern lets it by, the family refuses it.
            "10.1.0.0%2F16",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        assert!(check("2001:db8::1").is_err());
        assert!(check("banana").is_err());
        // A pattern without `%2F` reads the value as it is.
        let org = spec::PARAMS.iter().find(|p| p.name == "orgId").unwrap();
        assert_eq!(as_in_pattern(org, "a/b"), "a/b");
    }

    #[test]
    fn sunset_dates_are_http_dates() {
        assert_eq!(
            http_date("2027-07-01").as_deref(),
            Some("Thu, 01 Jul 2027 00:00:00 GMT")
        );
        assert_eq!(http_date("nope"), None);
    }
}
