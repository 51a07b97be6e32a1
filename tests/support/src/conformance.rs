//! Static conformance of declared endpoints with the official OpenAPI spec.
//!
//! [`check`] compares one endpoint's metadata ([`EndpointInfo`], what `T::INFO` holds) with
//! its operation in the spec and returns every difference, each naming the endpoint (type
//! name and operationId) and what differs:
//!
//! - the operation exists at `/api/atlas/v2` + template with the declared method, and its
//!   `operationId` is the declared one;
//! - the declared version is one of the operation's versions, read from the media types
//!   `application/vnd.atlas.<version>+…` of its responses and request body (never from
//!   `x-xgen-version`, which is malformed once in the spec);
//! - path, query and header parameters: the same names (query without `envelope` and
//!   `pretty`, which [`RequestOptions`](atlas_runtime::RequestOptions) sends), the same
//!   `required`, and the same rules: `pattern` (exactly the same source, or a documented
//!   replacement from [`PATTERN_REPLACEMENTS`]), `minimum`/`maximum`/`exclusiveMinimum`/
//!   `exclusiveMaximum` as [`Constraint::Range`], `minLength`/`maxLength` (strings) or
//!   `minItems`/`maxItems` (arrays) as [`Constraint::Length`]; an array's `items.pattern` is
//!   the pattern of each item;
//! - the request body: present or not; an array body is one `#[atlas(body)]` field
//!   ([`BodyKind::Whole`]); for an object body declared member by member, the schema's
//!   `required` properties (but the read-only ones, which Atlas fills and a request never
//!   sends) are required body members with the same API names, every
//!   declared member is a property of the schema, and each member's rules are the
//!   property's.
//!
//! What cannot be a difference is a note ([`review`] returns both): spec defaults of
//! optional parameters (an `Option` left `None` is not sent, so Atlas applies its default),
//! an older version than the newest the spec lists, an optional request body not declared,
//! a body member required by the declaration but optional in the spec, a pattern replaced
//! as documented.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use atlas_rules::version::is_date;
use atlas_runtime::{
    EndpointInfo,
    implement::{API_PREFIX, BodyKind, Bound, Constraint, Location, Number, ParamInfo},
};
use serde_json::Value;

use crate::spec::resolve;

/// Query parameters every operation has and the runtime sends itself
/// ([`RequestOptions::envelope`](atlas_runtime::RequestOptions::envelope) and
/// [`pretty`](atlas_runtime::RequestOptions::pretty)): not declared by endpoints.
pub const RUNTIME_QUERY_PARAMS: &[&str] = &["envelope", "pretty"];

/// The methods an OpenAPI path item can hold, in the spec's lower case.
const SPEC_METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A spec pattern that cannot be declared as it is (the macro compiles patterns to finite
/// automata, which cannot do look-around), and the equivalent pattern declared instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PatternReplacement {
    /// The pattern as the spec writes it.
    pub spec: &'static str,
    /// The pattern an endpoint declares in its place.
    pub declared: &'static str,
    /// Why the two accept the same texts.
    pub reason: &'static str,
}

/// The documented replacements of look-ahead patterns. [`check`] accepts a declared
/// pattern that differs from the spec's only when the pair is listed here.
///
/// Add a pair only with a reason that shows both accept the same texts (with the
/// semantics of `atlas_runtime::Pattern`: ECMA-262-like search, `$` the very end, ASCII
/// `\d`/`\s`), and a test in `tests/it/conformance.rs` that compares them on samples.
pub const PATTERN_REPLACEMENTS: &[PatternReplacement] = &[PatternReplacement {
    spec: r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$",
    declared: r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.){3}(25[0-5]|(2[0-4]|1\d|[1-9]|)\d)($|\.(?s:.))|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$",
    reason: "IPv4 or IPv6 address (ServiceAccountIPAccessListEntry.ipAddress, \
             UserAccessListRequest.ipAddress, …; atlas_endpoints::service_accounts::\
             IP_ADDRESS_PATTERN). The look-ahead `(?!$)` only forbids a dot at the very end: \
             after each of the first three octets the next octet's digit follows anyway, and \
             after the fourth, `\\.(?!$)` is a dot followed by one more character of any kind, \
             `\\.(?s:.)`. Checked equal on 2,000,000 generated texts with node's ECMA-262 \
             engine, and on samples in tests/it/conformance.rs",
}];

/// What [`review`] found: differences fail conformance, notes inform.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Review {
    /// Each names the endpoint and one difference from the spec.
    pub differences: Vec<String>,
    /// Each names the endpoint and one thing the check cannot or need not decide.
    pub notes: Vec<String>,
}

/// Every difference between `info` and its operation in `spec`, each message naming the
/// endpoint (`TypeName (operationId)`) and the difference. Empty when they agree.
pub fn check(spec: &Value, info: &EndpointInfo) -> Vec<String> {
    review(spec, info).differences
}

/// [`check`], with notes.
pub fn review(spec: &Value, info: &EndpointInfo) -> Review {
    let mut r = Reviewer {
        spec,
        info,
        label: String::new(),
        out: Review::default(),
    };
    r.run();
    r.out
}

/// One operation of the spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SpecOperation {
    /// Full path, with `/api/atlas/v2`.
    pub path: String,
    /// Upper case, `GET`.
    pub method: String,
    /// Its `operationId`.
    pub operation_id: String,
    /// Its first tag (`Service Accounts`), empty if none.
    pub tag: String,
}

/// Every operation of the spec: each method of each path that has an `operationId`,
/// sorted by path and method.
pub fn operations(spec: &Value) -> Vec<SpecOperation> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in SPEC_METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            out.push(SpecOperation {
                path: path.clone(),
                method: method.to_ascii_uppercase(),
                operation_id: id.to_string(),
                tag: op
                    .get("tags")
                    .and_then(|t| t.get(0))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            });
        }
    }
    out.sort();
    out
}

/// Whether every version of `op` has an `x-sunset` on or before `as_of` (`YYYY-MM-DD`):
/// the official CLI leaves exactly these out, and so does the SDK.
pub fn sunset_before(spec: &Value, op: &SpecOperation, as_of: &str) -> bool {
    let Some(node) = spec
        .get("paths")
        .and_then(|p| p.get(&op.path))
        .and_then(|item| item.get(op.method.to_ascii_lowercase()))
    else {
        return false;
    };
    let mut any = false;
    let mut all = true;
    if let Some(responses) = node.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            if !status.starts_with('2') {
                continue;
            }
            let Some(content) = resolve(spec, response)
                .get("content")
                .and_then(Value::as_object)
            else {
                continue;
            };
            for media in content.values() {
                any = true;
                match media.get("x-sunset").and_then(Value::as_str) {
                    Some(date) if date <= as_of => {}
                    _ => all = false,
                }
            }
        }
    }
    any && all
}

/// How much of the spec a set of declared endpoints covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coverage {
    /// Operations in the spec.
    pub total: usize,
    /// Spec operations some endpoint declares (by method and path).
    pub declared: usize,
    /// Per tag of a declared operation: (declared, total).
    pub by_tag: BTreeMap<String, (usize, usize)>,
    /// The operations of those tags that nothing declares, `METHOD path (operationId)`.
    pub missing_in_tags: Vec<String>,
    /// Declared endpoints that match no spec operation (type names).
    pub unmatched: Vec<String>,
}

impl Coverage {
    /// `declared N of 540 operations`, then one line per tag and the missing operations.
    pub fn summary(&self) -> String {
        let mut s = format!("declared {} of {} operations", self.declared, self.total);
        for (tag, (declared, total)) in &self.by_tag {
            let _ = write!(s, "\n  {tag}: {declared} of {total}");
        }
        for missing in &self.missing_in_tags {
            let _ = write!(s, "\n  not declared: {missing}");
        }
        for unmatched in &self.unmatched {
            let _ = write!(s, "\n  matches no operation: {unmatched}");
        }
        s
    }
}

/// Which spec operations `infos` declare.
pub fn coverage(spec: &Value, infos: &[EndpointInfo]) -> Coverage {
    let ops = operations(spec);
    let key = |method: &str, path: &str| (method.to_string(), path.to_string());
    let spec_keys: BTreeSet<_> = ops.iter().map(|o| key(&o.method, &o.path)).collect();
    let mut declared = BTreeSet::new();
    let mut unmatched = Vec::new();
    for info in infos {
        let k = key(
            info.method.as_str(),
            &format!("{API_PREFIX}{}", info.template),
        );
        if spec_keys.contains(&k) {
            declared.insert(k);
        } else {
            unmatched.push(info.type_name.to_string());
        }
    }
    let tags: BTreeSet<&str> = ops
        .iter()
        .filter(|o| declared.contains(&key(&o.method, &o.path)))
        .map(|o| o.tag.as_str())
        .collect();
    let mut by_tag = BTreeMap::new();
    let mut missing_in_tags = Vec::new();
    for o in ops.iter().filter(|o| tags.contains(o.tag.as_str())) {
        let entry = by_tag.entry(o.tag.clone()).or_insert((0, 0));
        entry.1 += 1;
        if declared.contains(&key(&o.method, &o.path)) {
            entry.0 += 1;
        } else {
            missing_in_tags.push(format!("{} {} ({})", o.method, o.path, o.operation_id));
        }
    }
    Coverage {
        total: ops.len(),
        declared: declared.len(),
        by_tag,
        missing_in_tags,
        unmatched,
    }
}

/// The versions of an operation: the `<version>` of every media type
/// `application/vnd.atlas.<version>+<suffix>` of its responses and request body
/// (dates, or `preview`), sorted, dates first.
pub fn versions(spec: &Value, op: &Value) -> Vec<String> {
    let mut found = BTreeSet::new();
    let mut scan = |node: &Value| {
        if let Some(content) = resolve(spec, node)
            .get("content")
            .and_then(Value::as_object)
        {
            for media in content.keys() {
                if let Some(v) = version_of_media_type(media) {
                    found.insert(v.to_string());
                }
            }
        }
    };
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for response in responses.values() {
            scan(response);
        }
    }
    if let Some(body) = op.get("requestBody") {
        scan(body);
    }
    let (mut dates, other): (Vec<String>, Vec<String>) =
        found.into_iter().partition(|v| is_date(v));
    dates.extend(other);
    dates
}

/// `2024-08-05` from `application/vnd.atlas.2024-08-05+json`.
fn version_of_media_type(media: &str) -> Option<&str> {
    let rest = media.strip_prefix("application/vnd.atlas.")?;
    let (version, _suffix) = rest.split_once('+')?;
    (is_date(version) || version == "preview").then_some(version)
}

/// The `type` of a schema, after its `$ref`s.
fn schema_type<'a>(spec: &'a Value, schema: &'a Value) -> Option<&'a str> {
    resolve(spec, schema).get("type").and_then(Value::as_str)
}

// ---------------------------------------------------------------------------------------

struct Reviewer<'a> {
    spec: &'a Value,
    info: &'a EndpointInfo,
    /// `TypeName (operationId)`.
    label: String,
    out: Review,
}

/// The rules a schema gives one value.
#[derive(Debug, Default, PartialEq)]
struct Rules {
    pattern: Option<String>,
    min: Option<Bound>,
    max: Option<Bound>,
    min_len: Option<usize>,
    max_len: Option<usize>,
    /// `items`/`chars`, for messages.
    length_unit: &'static str,
    default: Option<Value>,
    /// The value (each item, for arrays) is an object: its patterns are its properties'.
    object_patterns: Option<Vec<(String, String)>>,
}

impl Reviewer<'_> {
    fn diff(&mut self, what: impl std::fmt::Display) {
        self.out.differences.push(format!("{}: {what}", self.label));
    }

    fn note(&mut self, what: impl std::fmt::Display) {
        self.out.notes.push(format!("{}: {what}", self.label));
    }

    fn run(&mut self) {
        let info = self.info;
        let spec = self.spec;
        let method = info.method.as_str().to_ascii_lowercase();
        let full = format!("{API_PREFIX}{}", info.template);
        let item = spec.get("paths").and_then(|p| p.get(&full));
        let op = item.and_then(|i| i.get(&method));
        let spec_id = op
            .and_then(|o| o.get("operationId"))
            .and_then(Value::as_str);
        self.label = format!(
            "{} ({})",
            info.type_name,
            info.operation_id.or(spec_id).unwrap_or("no operationId")
        );

        let Some(op) = op else {
            self.missing_operation(&full, item);
            return;
        };
        match (info.operation_id, spec_id) {
            (Some(d), Some(s)) if d != s => self.diff(format_args!(
                "operationId differs: declared `{d}`, spec `{s}`"
            )),
            (None, Some(s)) => self.diff(format_args!(
                "declares no operation_id; the spec's is `{s}` (add operation_id = \"{s}\")"
            )),
            (Some(d), None) => self.diff(format_args!(
                "declares operation_id `{d}`, but the spec's {} {full} has none",
                info.method
            )),
            _ => {}
        }

        self.check_version(op);
        let params = spec_params(spec, item.unwrap_or(&Value::Null), op);
        self.check_params(&params, Location::Path, "path parameter");
        self.check_params(&params, Location::Query, "query parameter");
        self.check_params(&params, Location::Header, "header");
        self.check_body(op);
    }

    /// No operation at the declared method and path: say what the spec has instead.
    fn missing_operation(&mut self, full: &str, item: Option<&Value>) {
        let info = self.info;
        if let Some(item) = item {
            let methods: Vec<String> = SPEC_METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(|m| m.to_ascii_uppercase())
                .collect();
            self.diff(format_args!(
                "the spec has no {} {full}; that path has {}",
                info.method,
                methods.join(", ")
            ));
        } else {
            let shape = placeholder_shape(full);
            let similar: Vec<&str> = self
                .spec
                .get("paths")
                .and_then(Value::as_object)
                .into_iter()
                .flat_map(|p| p.keys())
                .filter(|p| placeholder_shape(p) == shape)
                .map(String::as_str)
                .collect();
            if similar.is_empty() {
                self.diff(format_args!("the spec has no path {full}"));
            } else {
                self.diff(format_args!(
                    "the spec has no path {full}; placeholders are named differently in {}",
                    similar.join(", ")
                ));
            }
        }
        if let Some(id) = info.operation_id
            && let Some(o) = operations(self.spec)
                .into_iter()
                .find(|o| o.operation_id == id)
        {
            self.diff(format_args!(
                "the spec's operation `{id}` is {} {}",
                o.method, o.path
            ));
        }
    }

    fn check_version(&mut self, op: &Value) {
        let listed = versions(self.spec, op);
        let Some(declared) = self.info.version else {
            self.diff(format_args!(
                "declares no version (the client's default would be sent); the spec lists {}",
                listed.join(", ")
            ));
            return;
        };
        if !listed.iter().any(|v| v == declared) {
            self.diff(format_args!(
                "version `{declared}` is not one of the operation's versions: {}",
                if listed.is_empty() {
                    "none".to_string()
                } else {
                    listed.join(", ")
                }
            ));
            return;
        }
        let newest = listed.iter().rev().find(|v| is_date(v));
        if listed.len() > 1
            && let Some(newest) = newest
            && is_date(declared)
            && declared != newest
        {
            self.note(format_args!(
                "declares version {declared}; the spec lists {} (newest {newest})",
                listed.join(", ")
            ));
        }
    }

    fn check_params(&mut self, spec_params: &[&Value], location: Location, what: &str) {
        let spec_in = location.as_str();
        let fold = |name: &str| {
            if location == Location::Header {
                name.to_ascii_lowercase()
            } else {
                name.to_string()
            }
        };
        let spec_by_name: BTreeMap<String, &Value> = spec_params
            .iter()
            .filter(|p| p.get("in").and_then(Value::as_str) == Some(spec_in))
            .filter_map(|p| Some((p.get("name")?.as_str()?, *p)))
            .filter(|(name, _)| location != Location::Query || !RUNTIME_QUERY_PARAMS.contains(name))
            .map(|(name, p)| (fold(name), p))
            .collect();
        let declared: Vec<&'static ParamInfo> = self.info.params_in(location).collect();
        let declared_names: BTreeSet<String> = declared.iter().map(|p| fold(p.api_name)).collect();

        for p in &declared {
            if location == Location::Query && RUNTIME_QUERY_PARAMS.contains(&p.api_name) {
                self.diff(format_args!(
                    "{what} `{}` is sent by RequestOptions; do not declare it",
                    p.api_name
                ));
                continue;
            }
            let Some(sp) = spec_by_name.get(&fold(p.api_name)) else {
                self.diff(format_args!(
                    "declares {what} `{}`, which the spec's operation does not have",
                    p.api_name
                ));
                continue;
            };
            let spec_required = sp.get("required").and_then(Value::as_bool) == Some(true);
            let spec_array = sp
                .get("schema")
                .and_then(|s| s.get("type"))
                .and_then(Value::as_str)
                == Some("array");
            if location == Location::Query && spec_array && spec_required && !p.required {
                // The attribute makes every repeated (`Vec`) query field optional.
                self.note(format_args!(
                    "{what} `{}` is required in the spec; the declaration's `Vec` may be empty \
                     (the attribute cannot require a repeated query parameter)",
                    p.api_name
                ));
            } else if spec_required != p.required {
                self.diff(format_args!(
                    "{what} `{}` is {} in the spec but {} in the declaration",
                    p.api_name,
                    required_word(spec_required),
                    required_word(p.required)
                ));
            }
            let schema = sp.get("schema").unwrap_or(&Value::Null);
            let label = format!("{what} `{}`", p.api_name);
            self.compare_rules(&label, schema, p);
        }
        for (name, sp) in &spec_by_name {
            if !declared_names.contains(name) {
                let spec_name = sp.get("name").and_then(Value::as_str).unwrap_or(name);
                let required = sp.get("required").and_then(Value::as_bool) == Some(true);
                self.diff(format_args!(
                    "the spec's {} {what} `{spec_name}` is not declared",
                    required_word(required)
                ));
            }
        }
    }

    fn check_body(&mut self, op: &Value) {
        let info = self.info;
        let spec_body = op.get("requestBody").map(|b| resolve(self.spec, b));
        let Some(spec_body) = spec_body else {
            if info.body != BodyKind::None {
                self.diff(format_args!(
                    "declares a request body ({}), but the spec's operation has none",
                    body_word(info.body)
                ));
            }
            return;
        };
        let body_required = spec_body.get("required").and_then(Value::as_bool) == Some(true);
        if info.body == BodyKind::None {
            if body_required {
                self.diff("the spec requires a request body; the declaration has none");
            } else {
                self.note("the spec allows an optional request body; the declaration sends none");
            }
            return;
        }
        let Some(schema) = body_schema(spec_body, info.version) else {
            self.diff("the spec's request body has no JSON schema for the declared version");
            return;
        };
        let schema = resolve(self.spec, schema);
        let is_array = schema.get("type").and_then(Value::as_str) == Some("array")
            || schema.get("items").is_some();
        match info.body {
            BodyKind::Whole => {
                if let Some(p) = info.params_in(Location::WholeBody).next() {
                    if !p.required && body_required {
                        self.diff(format_args!(
                            "the request body is required in the spec, but its field `{}` is optional",
                            p.field
                        ));
                    }
                    self.compare_rules("the whole body", schema, p);
                }
            }
            BodyKind::Object if is_array => self.diff(
                "the spec's request body is an array: declare it as one #[atlas(body)] Vec field, \
                 not as body members",
            ),
            BodyKind::Object => self.check_object_body(schema),
            _ => self.diff(format_args!("unknown body kind {:?}", info.body)),
        }
    }

    fn check_object_body(&mut self, schema: &Value) {
        let spec = self.spec;
        let mut props: BTreeMap<String, &Value> = BTreeMap::new();
        let mut required: BTreeSet<String> = BTreeSet::new();
        let mut open = false;
        collect_object(spec, schema, &mut props, &mut required, &mut open, true, 0);
        let declared: Vec<&'static ParamInfo> = self.info.params_in(Location::Body).collect();

        for name in &required {
            // A read-only member is Atlas's to fill; a request never sends it.
            if props
                .get(name.as_str())
                .is_some_and(|p| get(spec, p, "readOnly") == Some(&Value::Bool(true)))
            {
                continue;
            }
            // A member that repeats a path parameter is filled from the path
            // (`#[atlas(path, in_body)]`; tests/it/maximal_wire.rs checks it is sent).
            if self
                .info
                .params_in(Location::Path)
                .any(|p| p.api_name == name)
            {
                continue;
            }
            match declared.iter().find(|p| p.api_name == name) {
                None => self.diff(format_args!(
                    "the spec's required body member `{name}` is not declared"
                )),
                Some(p) if !p.required => self.diff(format_args!(
                    "body member `{name}` is required in the spec but optional in the \
                     declaration (field `{}`)",
                    p.field
                )),
                Some(_) => {}
            }
        }
        for p in &declared {
            match props.get(p.api_name) {
                None if open => self.note(format_args!(
                    "body member `{}` is not a named property of the spec's schema (which \
                     allows others)",
                    p.api_name
                )),
                None => self.diff(format_args!(
                    "declares body member `{}`, which the spec's schema does not have",
                    p.api_name
                )),
                Some(prop) => {
                    if p.required && !required.contains(p.api_name) {
                        self.note(format_args!(
                            "body member `{}` is optional in the spec but required by the \
                             declaration",
                            p.api_name
                        ));
                    }
                    let label = format!("body member `{}`", p.api_name);
                    self.compare_rules(&label, prop, p);
                }
            }
        }
    }

    /// Compares the rules a schema gives one value with a parameter's constraints.
    fn compare_rules(&mut self, label: &str, schema: &Value, p: &ParamInfo) {
        let want = rules_of(self.spec, schema);
        let patterns: Vec<&str> = p.patterns().map(|pat| pat.source()).collect();
        let ranges: Vec<(Option<Bound>, Option<Bound>)> = p
            .constraints
            .iter()
            .filter_map(|c| match c {
                Constraint::Range { min, max } => Some((*min, *max)),
                _ => None,
            })
            .collect();
        let lengths: Vec<(Option<usize>, Option<usize>)> = p
            .constraints
            .iter()
            .filter_map(|c| match c {
                Constraint::Length { min, max } => Some((*min, *max)),
                _ => None,
            })
            .collect();

        // Pattern.
        match (&want.pattern, patterns.as_slice()) {
            (None, []) => {}
            (None, declared) => match &want.object_patterns {
                Some(props) => self.note(format_args!(
                    "{label}: declares pattern {} over values the spec describes as objects \
                     (property patterns: {}): not compared",
                    quoted(declared),
                    if props.is_empty() {
                        "none".to_string()
                    } else {
                        props
                            .iter()
                            .map(|(name, p)| format!("{name} `{p}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                )),
                None => self.diff(format_args!(
                    "{label}: declares pattern {}, but the spec has none",
                    quoted(declared)
                )),
            },
            // JSON Schema applies `pattern` to strings only: on a number it constrains
            // nothing (the spec's log downloads put one on epoch seconds).
            (Some(s), [])
                if schema_type(self.spec, schema)
                    .is_some_and(|t| !matches!(t, "string" | "array")) =>
            {
                self.note(format_args!(
                    "{label}: the spec's pattern `{s}` is on a non-string value, where JSON \
                     Schema ignores it"
                ))
            }
            (Some(s), []) => self.diff(format_args!(
                "{label}: the spec's pattern `{s}` is not declared"
            )),
            (Some(s), [d]) if s == d => {}
            (Some(s), [d]) => match PATTERN_REPLACEMENTS
                .iter()
                .find(|r| r.spec == s && r.declared == *d)
            {
                Some(r) => self.note(format_args!(
                    "{label}: pattern `{d}` replaces the spec's `{s}`: {}",
                    r.reason
                )),
                None => self.diff(format_args!(
                    "{label}: pattern differs: declared `{d}`, spec `{s}`{}",
                    if PATTERN_REPLACEMENTS.iter().any(|r| r.spec == s) {
                        " (the documented replacement is in PATTERN_REPLACEMENTS)"
                    } else {
                        ""
                    }
                )),
            },
            (Some(s), declared) => self.diff(format_args!(
                "{label}: declares {} patterns ({}); the spec has one, `{s}`",
                declared.len(),
                quoted(declared)
            )),
        }

        // Range.
        let want_range = (want.min, want.max);
        match ranges.as_slice() {
            [] if want_range == (None, None) => {}
            [] => self.diff(format_args!(
                "{label}: the spec's range {} is not declared",
                range_text(want_range)
            )),
            [got] if same_bounds(*got, want_range) => {}
            [got] => self.diff(format_args!(
                "{label}: range differs: declared {}, spec {}",
                range_text(*got),
                range_text(want_range)
            )),
            _ => self.diff(format_args!(
                "{label}: declares {} ranges; the spec has {}",
                ranges.len(),
                range_text(want_range)
            )),
        }

        // Length.
        let want_len = (want.min_len, want.max_len);
        let unit = want.length_unit;
        match lengths.as_slice() {
            [] if want_len == (None, None) => {}
            [] => self.diff(format_args!(
                "{label}: the spec's length {} ({unit}) is not declared",
                length_text(want_len)
            )),
            [got] if *got == want_len => {}
            [got] => self.diff(format_args!(
                "{label}: length differs: declared {}, spec {} ({unit})",
                length_text(*got),
                length_text(want_len)
            )),
            _ => self.diff(format_args!(
                "{label}: declares {} lengths; the spec has {} ({unit})",
                lengths.len(),
                length_text(want_len)
            )),
        }

        if let Some(d) = &want.default
            && !p.required
        {
            self.note(format_args!(
                "{label}: the spec's default {d} applies when it is not sent (not checkable \
                 against an optional field)"
            ));
        }

        if p.location == Location::Path
            && !p.encoded
            && want
                .pattern
                .as_deref()
                .is_some_and(|s| s.contains("%2[fF]") || s.contains("%2F"))
        {
            self.diff(format_args!(
                "{label}: the spec's pattern expects percent-escapes (`%2F`); declare it \
                 #[atlas(path, encoded)] or every `%` is escaped again"
            ));
        }
    }
}

/// The parameters of an operation, `$ref`s resolved: the operation's, plus the path
/// item's that the operation does not override (same `name` and `in`).
fn spec_params<'a>(spec: &'a Value, item: &'a Value, op: &'a Value) -> Vec<&'a Value> {
    let list = |node: &'a Value| -> Vec<&'a Value> {
        node.get("parameters")
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|p| resolve(spec, p)).collect())
            .unwrap_or_default()
    };
    let mut params = list(op);
    let key = |p: &Value| (p.get("name").cloned(), p.get("in").cloned());
    for p in list(item) {
        if !params.iter().any(|q| key(q) == key(p)) {
            params.push(p);
        }
    }
    params
}

/// The request body's schema for `version`'s media type, else for its only media type.
fn body_schema<'a>(body: &'a Value, version: Option<&str>) -> Option<&'a Value> {
    let content = body.get("content")?.as_object()?;
    let exact = version.and_then(|v| {
        content
            .iter()
            .find(|(media, _)| version_of_media_type(media) == Some(v))
    });
    let chosen = match exact {
        Some((_, c)) => c,
        None if content.len() == 1 => content.values().next()?,
        None => return None,
    };
    chosen.get("schema")
}

/// Gathers an object schema's properties and required names through `allOf` (and, for
/// properties only, `oneOf`/`anyOf`: a member of any variant is a member).
fn collect_object<'a>(
    spec: &'a Value,
    schema: &'a Value,
    props: &mut BTreeMap<String, &'a Value>,
    required: &mut BTreeSet<String>,
    open: &mut bool,
    counts_required: bool,
    depth: usize,
) {
    let mut seen = BTreeSet::new();
    collect_object_seen(
        spec,
        schema,
        props,
        required,
        open,
        counts_required,
        depth,
        &mut seen,
    );
}

#[allow(clippy::too_many_arguments)]
fn collect_object_seen<'a>(
    spec: &'a Value,
    schema: &'a Value,
    props: &mut BTreeMap<String, &'a Value>,
    required: &mut BTreeSet<String>,
    open: &mut bool,
    counts_required: bool,
    depth: usize,
    seen: &mut BTreeSet<(usize, bool)>,
) {
    if depth > 16 {
        return;
    }
    let schema = resolve(spec, schema);
    // A discriminated parent and its children refer to each other: visit each once.
    if !seen.insert((std::ptr::from_ref(schema) as usize, counts_required)) {
        return;
    }
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in p {
            props.entry(name.clone()).or_insert(prop);
        }
    }
    if counts_required && let Some(r) = schema.get("required").and_then(Value::as_array) {
        required.extend(r.iter().filter_map(Value::as_str).map(str::to_string));
    }
    match schema.get("additionalProperties") {
        Some(Value::Bool(true)) | Some(Value::Object(_)) => *open = true,
        _ => {}
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            collect_object_seen(
                spec,
                s,
                props,
                required,
                open,
                counts_required,
                depth + 1,
                seen,
            );
        }
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = schema.get(key).and_then(Value::as_array) {
            for s in variants {
                collect_object_seen(spec, s, props, required, open, false, depth + 1, seen);
            }
        }
    }
}

/// A schema's own key, else that of its `allOf` members (depth-limited).
fn get<'a>(spec: &'a Value, schema: &'a Value, key: &str) -> Option<&'a Value> {
    fn go<'a>(spec: &'a Value, schema: &'a Value, key: &str, depth: usize) -> Option<&'a Value> {
        let schema = resolve(spec, schema);
        schema.get(key).or_else(|| {
            if depth > 16 {
                return None;
            }
            schema
                .get("allOf")?
                .as_array()?
                .iter()
                .find_map(|s| go(spec, s, key, depth + 1))
        })
    }
    go(spec, schema, key, 0)
}

/// The pattern of a value, or of each item of an array.
fn pattern_of(spec: &Value, schema: &Value) -> Option<String> {
    let value = match get(spec, schema, "items") {
        Some(items) => items,
        None => schema,
    };
    get(spec, value, "pattern")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// The rules a (parameter or property) schema gives a value.
fn rules_of(spec: &Value, schema: &Value) -> Rules {
    let is_array = get(spec, schema, "type").and_then(Value::as_str) == Some("array")
        || get(spec, schema, "items").is_some();
    let usize_of = |key: &str| {
        get(spec, schema, key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
    };
    let bound = |limit: &str, exclusive_key: &str| -> Option<Bound> {
        let limit_value = get(spec, schema, limit).and_then(number_of);
        match get(spec, schema, exclusive_key) {
            // OpenAPI 3.1 / JSON Schema 2019+: the exclusive limit itself.
            Some(v) if v.is_number() => number_of(v).map(|value| Bound {
                value,
                exclusive: true,
            }),
            // OpenAPI 3.0: a flag on `minimum`/`maximum`.
            Some(Value::Bool(exclusive)) => limit_value.map(|value| Bound {
                value,
                exclusive: *exclusive,
            }),
            _ => limit_value.map(|value| Bound {
                value,
                exclusive: false,
            }),
        }
    };
    let (pattern, min_len, max_len, length_unit) = if is_array {
        let items = get(spec, schema, "items").unwrap_or(&Value::Null);
        (
            get(spec, items, "pattern")
                .and_then(Value::as_str)
                .map(str::to_string),
            usize_of("minItems"),
            usize_of("maxItems"),
            "items",
        )
    } else {
        (
            get(spec, schema, "pattern")
                .and_then(Value::as_str)
                .map(str::to_string),
            usize_of("minLength"),
            usize_of("maxLength"),
            "chars",
        )
    };
    let value = if is_array {
        get(spec, schema, "items").unwrap_or(&Value::Null)
    } else {
        schema
    };
    let object_patterns = is_object(spec, value).then(|| {
        let (mut props, mut required, mut open) = (BTreeMap::new(), BTreeSet::new(), false);
        collect_object(spec, value, &mut props, &mut required, &mut open, true, 0);
        props
            .into_iter()
            .filter_map(|(name, prop)| Some((name, pattern_of(spec, prop)?)))
            .collect()
    });
    Rules {
        object_patterns,
        pattern,
        min: bound("minimum", "exclusiveMinimum"),
        max: bound("maximum", "exclusiveMaximum"),
        min_len,
        max_len,
        length_unit,
        default: get(spec, schema, "default").cloned(),
    }
}

/// Whether a schema describes objects (properties, or variants or parts that have them).
fn is_object(spec: &Value, schema: &Value) -> bool {
    let schema = resolve(spec, schema);
    schema.get("type").and_then(Value::as_str) == Some("object")
        || schema.get("properties").is_some()
        || ["allOf", "oneOf", "anyOf"].iter().any(|k| {
            schema
                .get(*k)
                .and_then(Value::as_array)
                .is_some_and(|v| v.iter().any(|s| is_object(spec, s)))
        })
}

fn number_of(v: &Value) -> Option<Number> {
    if let Some(i) = v.as_i64() {
        Some(Number::Int(i128::from(i)))
    } else if let Some(u) = v.as_u64() {
        Some(Number::Int(i128::from(u)))
    } else {
        v.as_f64().map(Number::Float)
    }
}

fn same_bound(a: Option<Bound>, b: Option<Bound>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => {
            a.exclusive == b.exclusive
                && a.value.partial_cmp(&b.value) == Some(std::cmp::Ordering::Equal)
        }
        _ => false,
    }
}

fn same_bounds(a: (Option<Bound>, Option<Bound>), b: (Option<Bound>, Option<Bound>)) -> bool {
    same_bound(a.0, b.0) && same_bound(a.1, b.1)
}

/// `> 0`, `>= 1 and <= 500`, `no bounds`.
fn range_text((min, max): (Option<Bound>, Option<Bound>)) -> String {
    let mut parts = Vec::new();
    if let Some(b) = min {
        parts.push(format!(
            "{} {}",
            if b.exclusive { ">" } else { ">=" },
            b.value
        ));
    }
    if let Some(b) = max {
        parts.push(format!(
            "{} {}",
            if b.exclusive { "<" } else { "<=" },
            b.value
        ));
    }
    if parts.is_empty() {
        "`no bounds`".to_string()
    } else {
        format!("`{}`", parts.join(" and "))
    }
}

/// `1..=64`, `1..`, `..=200`.
fn length_text((min, max): (Option<usize>, Option<usize>)) -> String {
    match (min, max) {
        (None, None) => "`any`".to_string(),
        (Some(a), None) => format!("`{a}..`"),
        (None, Some(b)) => format!("`..={b}`"),
        (Some(a), Some(b)) => format!("`{a}..={b}`"),
    }
}

fn quoted(patterns: &[&str]) -> String {
    patterns
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

fn body_word(kind: BodyKind) -> &'static str {
    match kind {
        BodyKind::None => "none",
        BodyKind::Object => "object members",
        BodyKind::Whole => "whole-body field",
        _ => "unknown",
    }
}

/// A path with every placeholder name dropped: `/orgs/{}/x`.
fn placeholder_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push('{');
            }
            '}' => {
                inside = false;
                out.push('}');
            }
            _ if inside => {}
            _ => out.push(c),
        }
    }
    out
}
