//! Calls described at run time: an operation's [`EndpointInfo`] plus text values and a
//! JSON body, for tools (the `atlas-rs api` CLI) that route by metadata instead of by type.
//!
//! Nothing here is per operation, so declaring more operations adds no code: a
//! [`RawCall`] is checked against the rules in `info.params` (every violation at once, with
//! the messages of a typed `validate()`), built with the same URL encoding and media
//! types, and sent through the same [`Client`] machinery (credentials, retries, deadlines,
//! scrubbing). The answer stays bytes: a tool prints what Atlas sent.

use std::fmt;

use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::client::Client;
use crate::endpoint::{BodyKind, EndpointInfo, Location, Number, ParamInfo, ValueKind};
use crate::error::Error;
use crate::format::Download;
use crate::options::RequestOptions;
use crate::paginate::Walker;
use crate::request::{PathWriter, QueryWriter, RequestContext};
use crate::response::{Response, decode};
use crate::validate::{Rule, ValidationError, Validator, Violation};

/// One call of the operation `info`, with its values as text.
///
/// ```
/// use atlas_runtime::{RequestOptions, implement::RequestContext, raw::RawCall};
/// # use atlas_runtime::atlas_endpoint;
/// # #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
/// #     version = "2024-08-05", pattern(orgId = "^([a-f0-9]{24})$"))]
/// # pub struct CreateSecret { pub org_id: String, pub client_id: String,
/// #     #[atlas(range(exclusive_min = 0))] pub secret_expires_after_hours: i32 }
/// let mut call = RawCall::new(&CreateSecret::INFO);
/// call.arg("orgId", "32b6e34b3d91647abb20e7b8")?;
/// call.arg("clientId", "mdb_sa_id_1234567890abcdef12345678")?;
/// call.body(br#"{"secretExpiresAfterHours": 0}"#.to_vec());
/// let err = call.validate().unwrap_err();
/// assert_eq!(err.violations[0].param, "secretExpiresAfterHours");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct RawCall {
    info: &'static EndpointInfo,
    /// Path, query and header values, in the order given; a query parameter may repeat.
    args: Vec<(&'static ParamInfo, String)>,
    body: Option<Vec<u8>>,
}

/// A name that is no path, query or header parameter of the operation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownParam {
    /// The operation's type name.
    pub operation: &'static str,
    /// The name given.
    pub name: String,
}

impl fmt::Display for UnknownParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} has no path, query or header parameter named {:?}",
            self.operation, self.name
        )
    }
}

impl std::error::Error for UnknownParam {}

impl crate::pipeline::Call for RawCall {
    fn info(&self) -> &'static EndpointInfo {
        self.info
    }

    fn build_request(
        &self,
        context: &RequestContext,
        options: &RequestOptions,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        RawCall::build_request(self, context, options)
    }
}

impl RawCall {
    /// A call of `info` with no values yet.
    pub fn new(info: &'static EndpointInfo) -> Self {
        RawCall {
            info,
            args: Vec::new(),
            body: None,
        }
    }

    /// The operation called.
    pub fn info(&self) -> &'static EndpointInfo {
        self.info
    }

    /// Gives a path, query or header parameter (by API name) a value; a path value
    /// replaces the one before, a query or header value is added to them (arrays repeat).
    ///
    /// # Errors
    /// [`UnknownParam`] when the operation has no such parameter outside the body.
    pub fn arg(&mut self, api_name: &str, value: impl Into<String>) -> Result<(), UnknownParam> {
        let param = self
            .info
            .params
            .iter()
            .find(|p| {
                p.api_name == api_name
                    && matches!(
                        p.location,
                        Location::Path | Location::Query | Location::Header
                    )
            })
            .ok_or_else(|| UnknownParam {
                operation: self.info.type_name,
                name: api_name.to_string(),
            })?;
        if param.location == Location::Path {
            self.args.retain(|(p, _)| p.api_name != api_name);
        }
        self.args.push((param, value.into()));
        Ok(())
    }

    /// The path values given, by API name.
    pub fn path_values(&self) -> Vec<(&'static str, String)> {
        self.args
            .iter()
            .filter(|(p, _)| p.location == Location::Path)
            .map(|(p, v)| (p.api_name, v.clone()))
            .collect()
    }

    /// Removes every value of a parameter (pagination sets its own page).
    pub fn clear_arg(&mut self, api_name: &str) {
        self.args.retain(|(p, _)| p.api_name != api_name);
    }

    /// The JSON body, sent as given (after validation reads it).
    pub fn body(&mut self, json: Vec<u8>) {
        self.body = Some(json);
    }

    /// Whether the operation is a list with `pageNum` and `itemsPerPage` query parameters.
    pub fn is_paginated(&self) -> bool {
        ["pageNum", "itemsPerPage"].iter().all(|n| {
            self.info
                .params_in(Location::Query)
                .any(|p| p.api_name == *n)
        })
    }

    /// Checks every value against the rules of `info.params`: required ones present, path
    /// values safe as one segment, patterns, ranges and lengths, in the query and in the
    /// body, every violation at once.
    ///
    /// # Errors
    /// [`ValidationError`] listing each broken rule.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        let missing = |v: &mut Validator, p: &ParamInfo| {
            v.violation(Violation::new(p, Rule::Custom("is required".into()), None));
        };
        for p in self.info.params {
            let values: Vec<&str> = self
                .args
                .iter()
                .filter(|(q, _)| q.api_name == p.api_name && q.location == p.location)
                .map(|(_, s)| s.as_str())
                .collect();
            match p.location {
                Location::Path => match values.first() {
                    Some(text) => v.path(p, *text),
                    None => missing(&mut v, p),
                },
                Location::Query | Location::Header => {
                    if values.is_empty() && p.required {
                        missing(&mut v, p);
                    }
                    for text in &values {
                        check_text(&mut v, p, text);
                    }
                    if p.location == Location::Header {
                        for text in &values {
                            v.header(p, text);
                        }
                    }
                    if matches!(p.kind, ValueKind::Array(_)) && !values.is_empty() {
                        v.length(p, &values);
                    }
                }
                Location::Body | Location::WholeBody => {}
            }
        }
        self.validate_body(&mut v);
        v.finish(self.info.type_name)
    }

    fn validate_body(&self, v: &mut Validator) {
        let members: Vec<&ParamInfo> = self
            .info
            .params
            .iter()
            .filter(|p| matches!(p.location, Location::Body | Location::WholeBody))
            .collect();
        let Some(bytes) = &self.body else {
            for p in members.iter().filter(|p| p.required) {
                v.violation(Violation::new(p, Rule::Custom("is required".into()), None));
            }
            return;
        };
        let json: Value = match serde_json::from_slice(bytes) {
            Ok(json) => json,
            Err(e) => {
                v.violation(Violation {
                    param: "body",
                    location: Location::WholeBody,
                    rule: Rule::Custom(format!("must be JSON ({e})")),
                    value: None,
                });
                return;
            }
        };
        match self.info.body {
            BodyKind::Whole => {
                if let Some(p) = members.first() {
                    check_json(v, p, &json);
                }
            }
            BodyKind::Object => {
                let Some(object) = json.as_object() else {
                    v.violation(Violation {
                        param: "body",
                        location: Location::WholeBody,
                        rule: Rule::Custom("must be a JSON object".into()),
                        value: None,
                    });
                    return;
                };
                for p in members {
                    match object.get(p.api_name) {
                        None if p.required => {
                            v.violation(Violation::new(p, Rule::Custom("is required".into()), None))
                        }
                        None | Some(Value::Null) => {}
                        Some(value) => check_json(v, p, value),
                    }
                }
            }
            _ => {}
        }
    }

    /// Validates and builds the request, as [`build_request`](crate::implement::build_request) does
    /// for a typed call: `Accept` for the version and form, `Content-Type` on a body.
    ///
    /// # Errors
    /// [`Error::Validation`] with every violation, [`Error::Request`] for a form the
    /// operation does not offer or a header the client owns.
    pub fn build_request(
        &self,
        context: &RequestContext,
        options: &RequestOptions,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        let info = self.info;
        let version = self.version(context, options);
        crate::request::with_version_check(info.type_name, version, self.validate())?;

        let mut path = PathWriter::default();
        let mut rest = info.template;
        while let Some(open) = rest.find('{') {
            path.literal(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let name = &rest[open + 1..close];
            if let Some((p, value)) = self
                .args
                .iter()
                .find(|(p, _)| p.location == Location::Path && p.api_name == name)
            {
                if p.encoded {
                    path.encoded_segment(value.as_str());
                } else {
                    path.segment(value.as_str());
                }
            }
            rest = rest.get(close + 1..).unwrap_or("");
        }
        path.literal(rest);
        let mut query = QueryWriter::default();
        for (p, value) in self
            .args
            .iter()
            .filter(|(p, _)| p.location == Location::Query)
        {
            query.pair(p.api_name, value);
        }
        let headers = self
            .args
            .iter()
            .filter(|(p, _)| p.location == Location::Header)
            .map(|(p, value)| (p.api_name, value.as_str()));
        crate::request::assemble(
            info,
            version,
            context,
            options,
            crate::request::Parts {
                path: path.as_str(),
                query,
                headers,
                body: self.body.clone(),
            },
        )
    }

    /// The version this call asks for: the call's override, the declaration's, the
    /// client's default.
    pub fn version<'a>(
        &'a self,
        context: &'a RequestContext,
        options: &'a RequestOptions,
    ) -> &'a str {
        options
            .version
            .as_deref()
            .or(self.info.version)
            .unwrap_or(&context.default_version)
    }
}

/// A query or header value's rules: patterns, and ranges or lengths by its kind.
fn check_text(v: &mut Validator, p: &ParamInfo, text: &str) {
    v.text(p, text);
    let scalar = match p.kind {
        ValueKind::Array(item) => *item,
        other => other,
    };
    match scalar {
        ValueKind::Integer => {
            if let Ok(n) = text.parse::<i128>() {
                v.range(p, &NumberValue(Number::Int(n)));
            }
        }
        ValueKind::Number => {
            if let Ok(n) = text.parse::<f64>() {
                v.range(p, &NumberValue(Number::Float(n)));
            }
        }
        ValueKind::Text if !matches!(p.kind, ValueKind::Array(_)) => v.length(p, text),
        _ => {}
    }
}

/// A body member's rules on its JSON value: patterns on text (each item of an array),
/// ranges on numbers, lengths on text and arrays.
fn check_json(v: &mut Validator, p: &ParamInfo, value: &Value) {
    match value {
        Value::String(s) => {
            v.text(p, s);
            v.length(p, s.as_str());
        }
        Value::Number(n) => {
            let n = match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => Number::Int(i.into()),
                (None, Some(u), _) => Number::Int(u.into()),
                (_, _, Some(f)) => Number::Float(f),
                _ => return,
            };
            v.range(p, &NumberValue(n));
        }
        Value::Array(items) => {
            v.length(p, &ArrayLen(items.len()));
            for item in items {
                if let Value::String(s) = item {
                    v.text(p, s);
                }
            }
        }
        _ => {}
    }
}

/// A number read from text or JSON, for the range checks.
struct NumberValue(Number);

impl crate::value::RangeValue for NumberValue {
    fn number(&self) -> Option<Number> {
        Some(self.0)
    }
}

/// A JSON array's length, for the length checks.
struct ArrayLen(usize);

impl crate::value::LengthValue for ArrayLen {
    fn length(&self) -> Option<usize> {
        Some(self.0)
    }
    fn describe(&self) -> std::borrow::Cow<'_, str> {
        format!("an array of {}", self.0).into()
    }
}

impl Client {
    /// Validates, sends and answers a [`RawCall`]: the status, headers and body as Atlas
    /// sent them. Retries, credentials and deadlines are the client's, as for typed calls;
    /// an error status is an [`Error::Api`] (also inside an `envelope`).
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send_raw(
        &self,
        call: &RawCall,
        options: &RequestOptions,
    ) -> Result<Response<Vec<u8>>, Error> {
        self.send_bytes(call, options)
    }

    /// [`send_raw`](Self::send_raw) of any call, typed ones included (a waiter reads a
    /// write's answer as JSON before decoding it).
    pub(crate) fn send_bytes(
        &self,
        call: &dyn crate::pipeline::Call,
        options: &RequestOptions,
    ) -> Result<Response<Vec<u8>>, Error> {
        let info = call.info();
        self.run(call, options, |r| {
            let r = self.read_whole(r, info.method)?;
            let status = r.status().as_u16();
            if options.envelope || !info.method.success_statuses().contains(&status) {
                decode::<IgnoredAny>(info, &r, options)?;
            }
            let (parts, body) = r.into_parts();
            Ok(Response {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        })
    }

    /// [`download`](Client::download) for a [`RawCall`]: a CSV or gzip answer to stream.
    ///
    /// # Errors
    /// See [`Error`].
    pub fn download_raw(
        &self,
        call: &RawCall,
        options: &RequestOptions,
    ) -> Result<Download, Error> {
        self.download_call(call, options)
    }

    /// Every page of a list [`RawCall`], lazily: `pageNum` from 1 (or the call's own),
    /// `itemsPerPage` from the call or [`DEFAULT_PAGE_SIZE`](crate::defaults::DEFAULT_PAGE_SIZE). Each item is one page's
    /// `results`, as raw JSON values; an error ends the walk, and so do the rules that end
    /// a typed walk ([`Pages`](crate::Pages)).
    pub fn raw_pages<'c>(&'c self, call: &RawCall, options: &RequestOptions) -> RawPages<'c> {
        RawPages {
            walker: Walker::new(self, call, options),
        }
    }
}

impl crate::paginate::PagedCall for RawCall {
    fn is_paginated(&self) -> bool {
        RawCall::is_paginated(self)
    }

    fn page_args(&self) -> (Option<i32>, Option<i32>) {
        let arg = |name: &str| {
            self.args
                .iter()
                .find(|(p, _)| p.api_name == name)
                .and_then(|(_, v)| v.parse::<i32>().ok())
        };
        (arg("pageNum"), arg("itemsPerPage"))
    }

    fn at_page(&self, page: i32, size: i32) -> Self {
        let mut call = self.clone();
        call.clear_arg("pageNum");
        call.clear_arg("itemsPerPage");
        let set = call
            .arg("pageNum", page.to_string())
            .and_then(|()| call.arg("itemsPerPage", size.to_string()));
        debug_assert!(set.is_ok(), "asked of a paginated call only");
        call
    }
}

/// The pages of a list [`RawCall`]; see [`Client::raw_pages`]. The walker is the one
/// typed walks use.
#[derive(Debug)]
pub struct RawPages<'c> {
    walker: Walker<'c, RawCall>,
}

impl RawPages<'_> {
    /// The `itemsPerPage` asked for.
    pub fn page_size(&self) -> i32 {
        self.walker.page_size()
    }
}

impl Iterator for RawPages<'_> {
    type Item = Result<RawPage, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.walker.next_page()?.map(|page| RawPage {
            total_count: page.total_count,
            results: page.results,
        }))
    }
}

/// One page of a list read by [`RawPages`].
#[derive(Debug)]
#[non_exhaustive]
pub struct RawPage {
    /// The page's items as Atlas sent them.
    pub results: Vec<Box<RawValue>>,
    /// All items across pages, when sent.
    pub total_count: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::atlas_endpoint;

    #[atlas_endpoint(
        PATCH,
        "/orgs/{orgId}/things/{thingId}/entries/{ipAddress}",
        version = "2024-08-05",
        pattern(orgId = "^([a-f0-9]{24})$")
    )]
    #[derive(Debug, Clone)]
    pub struct UpdateThing {
        pub org_id: String,
        pub thing_id: u64,
        #[atlas(path, encoded)]
        pub ip_address: String,
        #[atlas(query)]
        pub tags: Vec<String>,
        #[atlas(query, range(min = 1, max = 500))]
        pub items_per_page: Option<i32>,
        #[atlas(length(min = 1, max = 4))]
        pub name: String,
        #[atlas(range(exclusive_min = 0))]
        pub hours: Option<i32>,
    }

    const ORG: &str = "32b6e34b3d91647abb20e7b8";

    /// The same values, typed and raw, build the same request.
    #[test]
    fn raw_and_typed_requests_are_the_same() {
        let mut typed = UpdateThing::new(ORG, 7, "192.0.2.0%2F24", "abcd").items_per_page(50);
        typed.tags = vec!["a b".into(), "c&d".into()];
        let typed_request = crate::implement::build_request(
            &typed,
            &RequestContext::default(),
            &RequestOptions::default(),
        )
        .unwrap();
        let mut raw = RawCall::new(&UpdateThing::INFO);
        for (name, value) in [
            ("orgId", ORG),
            ("thingId", "7"),
            ("ipAddress", "192.0.2.0%2F24"),
            ("tags", "a b"),
            ("tags", "c&d"),
            ("itemsPerPage", "50"),
        ] {
            raw.arg(name, value).unwrap();
        }
        raw.body(br#"{"name":"abcd"}"#.to_vec());
        let raw_request = raw
            .build_request(&RequestContext::default(), &RequestOptions::default())
            .unwrap();
        assert_eq!(raw_request.uri(), typed_request.uri());
        assert_eq!(raw_request.method(), typed_request.method());
        for h in ["accept", "content-type", "user-agent"] {
            assert_eq!(
                raw_request.headers().get(h),
                typed_request.headers().get(h),
                "{h}"
            );
        }
        let raw_body: Value = serde_json::from_slice(raw_request.body()).unwrap();
        let typed_body: Value = serde_json::from_slice(typed_request.body()).unwrap();
        assert_eq!(raw_body, typed_body);
        assert!(raw.arg("nope", "x").is_err());
    }

    /// Every rule of the declaration, on text values and JSON members, all at once, with
    /// the typed messages.
    #[test]
    fn every_violation_at_once() {
        let mut raw = RawCall::new(&UpdateThing::INFO);
        raw.arg("orgId", "nope").unwrap();
        raw.arg("ipAddress", "..").unwrap();
        raw.arg("itemsPerPage", "501").unwrap();
        raw.body(br#"{"name":"too long","hours":0}"#.to_vec());
        let e = raw.validate().unwrap_err();
        let found: Vec<(&str, String)> = e
            .violations
            .iter()
            .map(|v| (v.param, v.rule.to_string()))
            .collect();
        let expected = [
            ("orgId", "must match the pattern ^([a-f0-9]{24})$"),
            ("thingId", "is required"),
            ("ipAddress", "must not be `.` or `..`"),
            ("itemsPerPage", "must be >= 1 and <= 500"),
            ("name", "must have a length from 1 to 4 (has 8)"),
            ("hours", "must be > 0"),
        ];
        assert_eq!(found.len(), expected.len(), "{found:?}");
        for ((param, rule), (want_param, want_rule)) in found.iter().zip(expected) {
            assert_eq!(*param, want_param);
            assert!(rule.starts_with(want_rule), "{param}: {rule}");
        }
        let mut no_body = RawCall::new(&UpdateThing::INFO);
        no_body.body(b"{not json".to_vec());
        let e = no_body.validate().unwrap_err();
        assert!(e.violations.iter().any(|v| v.param == "body"));
    }

    /// A version that is no date is one more violation, listed with the others, for a
    /// typed call and a raw one alike (one check serves both).
    #[test]
    fn a_bad_version_is_listed_with_the_other_violations() {
        let options = RequestOptions::default().version("2024-8-5");
        let typed = UpdateThing::new("not-an-org", 7, "192.0.2.7", "abcd");
        let typed = crate::implement::build_request(&typed, &RequestContext::default(), &options);
        let mut raw = RawCall::new(&UpdateThing::INFO);
        for (name, value) in [
            ("orgId", "not-an-org"),
            ("thingId", "7"),
            ("ipAddress", "192.0.2.7"),
        ] {
            raw.arg(name, value).unwrap();
        }
        raw.body(br#"{"name":"abcd"}"#.to_vec());
        let raw = raw.build_request(&RequestContext::default(), &options);
        for result in [typed, raw] {
            let Err(Error::Validation(e)) = result else {
                panic!("not a validation error");
            };
            let params: Vec<&str> = e.violations.iter().map(|v| v.param).collect();
            assert_eq!(params, ["orgId", "version"], "{e}");
        }
    }
}
