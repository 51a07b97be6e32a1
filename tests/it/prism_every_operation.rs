//! Every generated operation but the previews, against Prism serving the official spec
//! with `--errors` (the hand-written Service Accounts are in `prism_all.rs`, with typed
//! requests).
//!
//! Each request is built from the spec alone: its parameter and body examples, or a
//! minimal instance of the schema (required members only, first enum value, lowest
//! bound). Path and query values must satisfy the declaration's own rules; the request
//! goes through the client's own request building (versioned `Accept` and `Content-Type`,
//! each path value one encoded segment) and transport, with the operation's typed
//! response: the documented success status, no `sl-violations`, and the example answer
//! decodes into the response type. Where Prism's own example breaks the spec (it then
//! answers 500 with the response's violations), the operation is listed as the spec's
//! fault and only its request side is checked. A table of tag → operations passed is
//! printed (`--nocapture`).

use atlas_test_needs::needs;
use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use atlas_runtime::request::{BodyWriter, HeaderWriter, PathWriter, QueryWriter};
use atlas_runtime::{
    Client, Credentials, Endpoint, EndpointInfo, Format, RequestOptions, RetryPolicy,
    ValidationError,
    implement::{API_PREFIX, Location, build_request, decode_response},
};
use atlas_test_support::prism::Prism;
use atlas_test_support::spec::resolve;
use serde_json::{Map, Value, json};

use crate::generated_operations::OPERATIONS;

/// One generated request type: its metadata, and how to send a [`Call`] as it.
pub struct Operation {
    info: EndpointInfo,
    run: fn(&Client, &Call) -> Result<Outcome, String>,
}

/// For `generated_operations.rs`: `E` as an [`Operation`].
pub const fn operation<E: Endpoint>() -> Operation {
    Operation {
        info: E::INFO,
        run: run::<E>,
    }
}

/// The values of one request, built from the spec.
#[derive(Debug, Default, Clone)]
pub struct Call {
    path: BTreeMap<String, String>,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
    /// The documented status for this version, when the operation has several: Prism
    /// answers the first otherwise, which may be another version's (`Prefer: code=…`).
    status: Option<u16>,
}

/// What came back.
#[derive(Debug)]
pub struct Outcome {
    status: u16,
    violations: Option<String>,
    body: String,
    /// `Some` when the answer is JSON the typed response was asked to decode.
    decoded: Option<Result<(), String>>,
}

/// `E`'s metadata and response type with values from a [`Call`]: the client builds and
/// decodes it as it would `E` itself.
struct Dynamic<'a, E> {
    call: &'a Call,
    endpoint: PhantomData<E>,
}

impl<E: Endpoint> Endpoint for Dynamic<'_, E> {
    type Response = E::Response;
    const INFO: EndpointInfo = E::INFO;

    /// The values were checked against the declaration's rules when the call was built
    /// ([`check_rules`]).
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }

    fn write_path(&self, path: &mut PathWriter) {
        let mut rest = E::INFO.template;
        while let Some(open) = rest.find('{') {
            path.literal(&rest[..open]);
            let close = open + rest[open..].find('}').expect("a closed placeholder");
            let name = &rest[open + 1..close];
            let value = self.call.path.get(name).map(String::as_str).unwrap_or("");
            if E::INFO.param(name).is_some_and(|p| p.encoded) {
                path.encoded_segment(value);
            } else {
                path.segment(value);
            }
            rest = &rest[close + 1..];
        }
        path.literal(rest);
    }

    fn write_query(&self, query: &mut QueryWriter) {
        for (name, value) in &self.call.query {
            query.pair(name, value);
        }
    }

    fn write_headers(&self, headers: &mut HeaderWriter) {
        for (name, value) in &self.call.headers {
            headers.param(name, value);
        }
    }

    fn write_body(&self, body: &mut BodyWriter) -> Result<(), serde_json::Error> {
        match &self.call.body {
            Some(value) => body.json(value),
            None => Ok(()),
        }
    }
}

fn run<E: Endpoint>(client: &Client, call: &Call) -> Result<Outcome, String> {
    let dynamic = Dynamic::<E> {
        call,
        endpoint: PhantomData,
    };
    let options = match call.status {
        Some(code) => RequestOptions::new().header("Prefer", format!("code={code}")),
        None => RequestOptions::new(),
    };
    let request = build_request(&dynamic, client.context(), &options).map_err(|e| e.to_string())?;
    let response = client.execute(request).map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let violations = response
        .headers()
        .get("sl-violations")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let json = E::INFO.default_format() == Format::Json;
    let decoded = ((200..300).contains(&status) && json).then(|| {
        decode_response::<Dynamic<E>>(&response, &options)
            .map(drop)
            .map_err(|e| e.to_string())
    });
    Ok(Outcome {
        status,
        violations,
        body: String::from_utf8_lossy(response.body())
            .chars()
            .take(800)
            .collect(),
        decoded,
    })
}

// ---------------------------------------------------------------------------------------
// Values from the spec
// ---------------------------------------------------------------------------------------

const OBJECT_ID: &str = "32b6e34b3d91647abb20e7b8";

/// The spec's operation object for `info`.
fn spec_operation<'a>(spec: &'a Value, info: &EndpointInfo) -> Option<&'a Value> {
    spec.get("paths")?
        .get(format!("{API_PREFIX}{}", info.template))?
        .get(info.method.as_str().to_ascii_lowercase())
}

/// The operation's parameters (path-level ones included), `$ref`s resolved.
fn parameters<'a>(spec: &'a Value, info: &EndpointInfo) -> Vec<&'a Value> {
    let item = spec
        .get("paths")
        .and_then(|p| p.get(format!("{API_PREFIX}{}", info.template)));
    let mut out = Vec::new();
    for list in [
        item.and_then(|i| i.get("parameters")),
        spec_operation(spec, info).and_then(|o| o.get("parameters")),
    ]
    .into_iter()
    .flatten()
    .filter_map(Value::as_array)
    {
        out.extend(list.iter().map(|p| resolve(spec, p)));
    }
    out
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value for one parameter: its example, its first enum value, its default, or one made
/// for its name and type.
fn parameter_value(spec: &Value, param: &Value) -> String {
    let name = param.get("name").and_then(Value::as_str).unwrap_or("");
    let schema = param
        .get("schema")
        .map(|s| resolve(spec, s))
        .unwrap_or(&Value::Null);
    match name {
        "orgId" | "groupId" => return OBJECT_ID.to_string(),
        "clientId" => return "mdb_sa_id_1234567890abcdef12345678".to_string(),
        _ => {}
    }
    if let Some(example) = param.get("example").or_else(|| schema.get("example")) {
        return text_of(example);
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return text_of(first);
    }
    if let Some(default) = schema.get("default") {
        return text_of(default);
    }
    let items = schema.get("items").map(|i| resolve(spec, i));
    if let Some(first) = items
        .and_then(|i| i.get("enum"))
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return text_of(first);
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => schema
            .get("minimum")
            .map(text_of)
            .unwrap_or_else(|| "1".to_string()),
        Some("boolean") => "true".to_string(),
        _ if schema.get("pattern").and_then(Value::as_str) == Some("^([a-f0-9]{24})$") => {
            OBJECT_ID.to_string()
        }
        _ => "example-1".to_string(),
    }
}

/// The request body's example for `version`, or a minimal instance of its schema.
fn body_value(
    spec: &Value,
    op: &Value,
    version: &str,
    example: bool,
    choice: usize,
) -> Option<Value> {
    let content = resolve(spec, op.get("requestBody")?).get("content")?;
    let media = content
        .get(format!("application/vnd.atlas.{version}+json"))
        .or_else(|| content.as_object()?.values().next())?;
    if !example {
        return Some(minimal(spec, media.get("schema")?, choice));
    }
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    if let Some(example) = media
        .get("examples")
        .and_then(Value::as_object)
        .and_then(|e| e.values().next())
        .and_then(|e| resolve(spec, e).get("value"))
    {
        return Some(example.clone());
    }
    Some(minimal(spec, media.get("schema")?, choice))
}

/// A minimal instance of `schema` as a request: required, writable members only; of a
/// union at the top, the alternative `choice` (modulo their number).
fn minimal(spec: &Value, schema: &Value, choice: usize) -> Value {
    minimal_of(spec, schema, 0, true, choice)
}

/// How many alternatives the union at the top of `schema` has (1 if it is none).
fn alternatives(spec: &Value, schema: &Value) -> usize {
    let schema = resolve(spec, schema);
    ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array).map(Vec::len))
        .unwrap_or(1)
}

/// [`minimal`]; without `unions`, a schema's `oneOf`/`anyOf` are not followed (a variant's
/// `allOf` names its parent, whose `oneOf` names the variant again).
fn minimal_of(spec: &Value, schema: &Value, depth: usize, unions: bool, choice: usize) -> Value {
    let schema = resolve(spec, schema);
    if depth > 12 {
        return Value::Null;
    }
    if let Some(example) = schema.get("example")
        && !example.is_object()
    {
        return example.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        let mut other = None;
        for part in all {
            match minimal_of(spec, part, depth + 1, false, 0) {
                Value::Object(members) => merged.extend(members),
                v => other = Some(v),
            }
        }
        return other
            .filter(|_| merged.is_empty())
            .unwrap_or(Value::Object(merged));
    }
    for key in ["oneOf", "anyOf"].into_iter().filter(|_| unions) {
        if let Some(first) = schema.get(key).and_then(Value::as_array).and_then(|v| {
            let pick = if depth == 0 {
                choice % v.len().max(1)
            } else {
                0
            };
            v.get(pick)
        }) {
            let mut value = minimal_of(spec, first, depth + 1, true, 0);
            if let (Some(property), Some(mapping), Value::Object(members)) = (
                schema
                    .get("discriminator")
                    .and_then(|d| d.get("propertyName"))
                    .and_then(Value::as_str),
                schema
                    .get("discriminator")
                    .and_then(|d| d.get("mapping"))
                    .and_then(Value::as_object),
                &mut value,
            ) {
                let target = first.get("$ref").and_then(Value::as_str);
                if let Some((tag, _)) = mapping
                    .iter()
                    .find(|(_, r)| Some(r.as_str().unwrap_or("")) == target)
                {
                    members.insert(property.to_string(), json!(tag));
                }
            }
            return value;
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let n = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = schema
                .get("items")
                .map(|i| minimal_of(spec, i, depth + 1, true, 0))
                .unwrap_or(Value::Null);
            Value::Array(vec![item; n.min(1) as usize])
        }
        Some("string") => {
            if let Some(d) = schema.get("default") {
                return d.clone();
            }
            match schema.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2024-05-01T00:00:00Z"),
                Some("date") => json!("2024-05-01"),
                Some("email") => json!("someone@example.com"),
                Some("uri") => json!("https://example.com/"),
                _ if schema.get("pattern").is_some() => json!(
                    schema
                        .get("pattern")
                        .and_then(Value::as_str)
                        .and_then(matching_text)
                        .unwrap_or_default()
                ),
                _ => {
                    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(1);
                    json!("a".repeat(min.clamp(1, 64) as usize))
                }
            }
        }
        Some("integer" | "number") => schema
            .get("default")
            .or_else(|| schema.get("minimum"))
            .cloned()
            .unwrap_or(json!(1)),
        Some("boolean") => schema.get("default").cloned().unwrap_or(json!(false)),
        _ => {
            let mut members = Map::new();
            let properties = schema.get("properties").and_then(Value::as_object);
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                let Some(property) = properties.and_then(|p| p.get(name)) else {
                    continue;
                };
                let property_schema = resolve(spec, property);
                if property_schema.get("readOnly") == Some(&json!(true)) {
                    continue;
                }
                members.insert(
                    name.to_string(),
                    minimal_of(spec, property, depth + 1, true, 0),
                );
            }
            Value::Object(members)
        }
    }
}

/// One string a simple pattern matches: literals, classes (their first member), groups
/// (their first alternative), `\\d`/`\\w`/`.`, and quantifiers at their least but one.
/// `None` for what it does not understand.
fn pattern_sample(pattern: &str) -> Option<String> {
    fn sequence(chars: &[char], i: &mut usize, out: &mut String) -> Option<()> {
        while *i < chars.len() {
            let start = out.len();
            match chars[*i] {
                '^' | '$' => {
                    *i += 1;
                    continue;
                }
                '|' => {
                    // The first alternative is written: skip the rest of this level.
                    let mut depth = 0;
                    while *i < chars.len() {
                        match chars[*i] {
                            '\\' => *i += 1,
                            '(' => depth += 1,
                            ')' if depth == 0 => return Some(()),
                            ')' => depth -= 1,
                            _ => {}
                        }
                        *i += 1;
                    }
                    return Some(());
                }
                ')' => return Some(()),
                '(' => {
                    *i += 1;
                    if chars.get(*i) == Some(&'?') {
                        if matches!(chars.get(*i + 1), Some('=' | '!' | '<')) {
                            // A look-around matches no text: skipped whole.
                            let mut depth = 1;
                            while *i < chars.len() && depth > 0 {
                                match chars[*i] {
                                    '\\' => *i += 1,
                                    '(' => depth += 1,
                                    ')' => depth -= 1,
                                    _ => {}
                                }
                                *i += 1;
                            }
                            continue;
                        }
                        // (?:…) and the like: the group's flags are skipped.
                        while *i < chars.len() && chars[*i] != ':' {
                            *i += 1;
                        }
                        *i += 1;
                    }
                    sequence(chars, i, out)?;
                    if chars.get(*i) != Some(&')') {
                        return None;
                    }
                    *i += 1;
                }
                '[' => {
                    *i += 1;
                    if chars.get(*i) == Some(&'^') {
                        return None;
                    }
                    let first = match chars.get(*i)? {
                        '\\' => {
                            *i += 1;
                            escaped(*chars.get(*i)?)
                        }
                        c => *c,
                    };
                    while *i < chars.len() && chars[*i] != ']' {
                        if chars[*i] == '\\' {
                            *i += 1;
                        }
                        *i += 1;
                    }
                    *i += 1;
                    out.push(first);
                }
                '\\' => {
                    *i += 1;
                    out.push(escaped(*chars.get(*i)?));
                    *i += 1;
                }
                '.' => {
                    out.push('a');
                    *i += 1;
                }
                c => {
                    out.push(c);
                    *i += 1;
                }
            }
            // A quantifier repeats what was just written.
            let atom = out[start..].to_string();
            let times = match chars.get(*i) {
                Some('+') | Some('*') => {
                    *i += 1;
                    1
                }
                Some('?') => {
                    *i += 1;
                    0
                }
                Some('{') => {
                    let close = *i + chars[*i..].iter().position(|c| *c == '}')?;
                    let inner: String = chars[*i + 1..close].iter().collect();
                    *i = close + 1;
                    let (lo, hi) = inner.split_once(',').unwrap_or((&inner, &inner));
                    let lo: usize = lo.trim().parse().ok()?;
                    let hi: usize = hi.trim().parse().unwrap_or(lo.max(1));
                    lo.max(1).min(hi)
                }
                _ => 1,
            };
            out.truncate(start);
            for _ in 0..times {
                out.push_str(&atom);
            }
        }
        Some(())
    }
    fn escaped(c: char) -> char {
        match c {
            'd' => '1',
            'w' => 'a',
            's' => ' ',
            other => other,
        }
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    sequence(&chars, &mut i, &mut out)?;
    Some(out)
}

/// Common values of patterned strings (addresses, ARNs, ids), tried before
/// [`pattern_sample`]'s.
const WELL_KNOWN_TEXTS: &[&str] = &[
    "10.8.0.0/21",
    "192.168.0.0/24",
    "203.0.113.7",
    "123456789012",
    OBJECT_ID,
    "arn:aws:kafka:us-east-1:123456789012:cluster/example/1",
    "arn:aws:iam::123456789012:role/example",
    "vpc-0123456789abcdef0",
    "US",
];

/// A text `pattern` matches: a well-known one where the `regex` crate can check it, else
/// one made from the pattern.
fn matching_text(pattern: &str) -> Option<String> {
    if let Ok(re) = regex::Regex::new(pattern)
        && let Some(text) = WELL_KNOWN_TEXTS.iter().find(|t| re.is_match(t))
    {
        return Some(text.to_string());
    }
    pattern_sample(pattern)
}

/// Path values, required query parameters and headers, and the body (the spec's example,
/// or with `example` false a minimal instance, of the union alternative `choice`), for
/// `info`.
fn call_for(
    spec: &Value,
    info: &EndpointInfo,
    example: bool,
    choice: usize,
) -> Result<Call, String> {
    let op = spec_operation(spec, info).ok_or("not in the spec")?;
    let mut call = Call::default();
    for param in parameters(spec, info) {
        let name = param.get("name").and_then(Value::as_str).unwrap_or("");
        let required = param.get("required") == Some(&json!(true));
        let mut value = parameter_value(spec, param);
        // A value the declared pattern refuses: one made from the pattern instead.
        if let Some(declared) = info.param(name)
            && declared.patterns().any(|p| !p.is_match(&value))
            && let Some(sample) = declared
                .patterns()
                .next()
                .and_then(|p| pattern_sample(p.source()))
        {
            value = sample;
        }
        match param.get("in").and_then(Value::as_str) {
            Some("path") => {
                call.path.insert(name.to_string(), value);
            }
            Some("query") if required => call.query.push((name.to_string(), value)),
            Some("header") if required => {
                let declared = info.param(name).ok_or("an undeclared header")?;
                call.headers.push((declared.api_name, value));
            }
            _ => {}
        }
    }
    if info.params_in(Location::Body).next().is_some()
        || info.params_in(Location::WholeBody).next().is_some()
    {
        call.body = body_value(spec, op, info.version.unwrap_or_default(), example, choice);
    }
    call.status = documented_status(spec, op, info.version.unwrap_or_default());
    check_rules(info, &call)?;
    Ok(call)
}

/// How many alternatives the request body's schema offers for this version.
fn body_alternatives(spec: &Value, info: &EndpointInfo) -> usize {
    let schema = spec_operation(spec, info)
        .and_then(|op| resolve(spec, op.get("requestBody")?).get("content"))
        .and_then(|c| {
            c.get(format!(
                "application/vnd.atlas.{}+json",
                info.version.unwrap_or_default()
            ))
        })
        .and_then(|m| m.get("schema"));
    schema.map_or(1, |s| alternatives(spec, s))
}

/// With several request body schemas (one per version): whether this version's is the
/// first, the one Prism checks every body against.
fn first_of_several_bodies(spec: &Value, info: &EndpointInfo) -> Option<bool> {
    let op = spec_operation(spec, info)?;
    let content = resolve(spec, op.get("requestBody")?)
        .get("content")?
        .as_object()?;
    if content.len() < 2 {
        return None;
    }
    let first = content.keys().next()?;
    Some(first.starts_with(&format!(
        "application/vnd.atlas.{}+",
        info.version.unwrap_or_default()
    )))
}

/// The success status the spec documents for `version`, when it documents several.
fn documented_status(spec: &Value, op: &Value, version: &str) -> Option<u16> {
    let responses = op.get("responses")?.as_object()?;
    let success: Vec<(&String, &Value)> = responses
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .collect();
    if success.len() < 2 {
        return None;
    }
    let media = format!("application/vnd.atlas.{version}+");
    success
        .iter()
        .find(|(_, response)| {
            resolve(spec, response)
                .get("content")
                .and_then(Value::as_object)
                .is_some_and(|c| c.keys().any(|k| k.starts_with(&media)))
        })
        .and_then(|(status, _)| status.parse().ok())
}

/// The declaration's own rules accept the values taken from the spec.
fn check_rules(info: &EndpointInfo, call: &Call) -> Result<(), String> {
    let values = call
        .path
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(call.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    for (name, value) in values {
        let Some(param) = info.param(name) else {
            return Err(format!("`{name}` is not declared"));
        };
        for pattern in param.patterns() {
            if !pattern.is_match(value) {
                return Err(format!(
                    "the value {value:?} for `{name}` does not match the declared pattern `{}`",
                    pattern.source()
                ));
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------

/// What became of one operation.
enum Verdict {
    Passed,
    /// Prism's example answer breaks the spec: the request side passed.
    SpecFault(String),
    Failed(String),
}

fn judge(info: &EndpointInfo, outcome: Result<Outcome, String>) -> Verdict {
    let o = match outcome {
        Ok(o) => o,
        Err(e) => return Verdict::Failed(e),
    };
    // Prism checks the request first: a 500 whose violations are all the response's means
    // the request passed and the spec's own example answer breaks the spec.
    if o.status == 500
        && let Some(v) = &o.violations
        && v.contains(r#"["response""#)
        && !v.contains(r#"["request""#)
    {
        return Verdict::SpecFault(v.clone());
    }
    if let Some(v) = o.violations {
        return Verdict::Failed(format!("status {}: violations {v}: {}", o.status, o.body));
    }
    if !(200..300).contains(&o.status) {
        return Verdict::Failed(format!("status {}: {}", o.status, o.body));
    }
    if !info.method.success_statuses().contains(&o.status) {
        return Verdict::Failed(format!("undocumented success status {}", o.status));
    }
    match o.decoded {
        // Only required members are non-`Option` in the models: Prism's example lacks one
        // the spec requires.
        Some(Err(e)) if e.contains("missing field") => Verdict::SpecFault(format!(
            "the example answer lacks a member the spec requires: {e}"
        )),
        Some(Err(e)) => Verdict::Failed(format!("the example answer does not decode: {e}")),
        _ => Verdict::Passed,
    }
}

#[needs(prism, spec)]
fn every_generated_operation_passes_prism() {
    let spec = atlas_test_support::spec::spec();
    // A Prism of its own: hundreds of calls, some over unions Prism takes seconds to
    // check, must not slow the other tests' shared one past their timeouts.
    let prism = Prism::mock();
    let client = Client::builder()
        .base_url(prism.url())
        .credentials(Credentials::bearer("prism-accepts-any-bearer"))
        .retry(RetryPolicy::none())
        // Prism takes seconds over the largest unions (alert configurations).
        .response_timeout(std::time::Duration::from_secs(120))
        .timeout(std::time::Duration::from_secs(180))
        .build()
        .unwrap();
    // ATLAS_PRISM_ONLY=TypeName,… runs only those (to look at one failure).
    let only = std::env::var("ATLAS_PRISM_ONLY").unwrap_or_default();
    let operations: Vec<&Operation> = OPERATIONS
        .iter()
        .flat_map(|tag| tag.iter())
        .filter(|o| o.info.version != Some("preview"))
        .filter(|o| only.is_empty() || only.split(',').any(|n| n == o.info.type_name))
        .collect();
    let next = AtomicUsize::new(0);
    let verdicts: Mutex<Vec<(String, String, Verdict)>> = Mutex::new(Vec::new());
    // Prism answers one request at a time per event-loop turn; a few in flight keep it busy.
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(op) = operations.get(i) else { break };
                    let tag = spec_operation(spec, &op.info)
                        .and_then(|o| o.get("tags")?.get(0)?.as_str())
                        .unwrap_or("?")
                        .to_string();
                    let attempt = |example, choice| match call_for(spec, &op.info, example, choice)
                    {
                        // Prism's node server drops connections that sat idle while it
                        // validated a large union for another; the mock keeps no state, so
                        // a resend is harmless.
                        Ok(call) => judge(
                            &op.info,
                            (0..3)
                                .map(|_| (op.run)(&client, &call))
                                .find(|r| !matches!(r, Err(e) if e.contains("connection failed")))
                                .unwrap_or_else(|| (op.run)(&client, &call)),
                        ),
                        Err(e) => Verdict::Failed(format!("no valid request: {e}")),
                    };
                    // Where the spec's own request example breaks the spec, a minimal
                    // instance of the body's schema is sent instead.
                    let verdict = match attempt(true, 0) {
                        Verdict::Failed(why) if why.starts_with("status 4") => {
                            // A minimal body, trying each alternative of a union.
                            let n = body_alternatives(spec, &op.info);
                            let mut last = attempt(false, 0);
                            for choice in 1..n.min(16) {
                                if !matches!(last, Verdict::Failed(_)) {
                                    break;
                                }
                                last = attempt(false, choice);
                            }
                            match last {
                                // Every variant tried, each refused only as matching
                                // several: Prism checks `oneOf` without the discriminator,
                                // and these variants overlap.
                                Verdict::Failed(again)
                                    if n > 1
                                        && again.matches(r#""code":"#).count() == 1
                                        && again
                                            .contains("must match exactly one schema in oneOf") =>
                                {
                                    Verdict::SpecFault(format!(
                                        "the body's {n} variants overlap and Prism ignores the \
                                         discriminator: {again}"
                                    ))
                                }
                                Verdict::Failed(again)
                                    if first_of_several_bodies(spec, &op.info) == Some(false) =>
                                {
                                    Verdict::SpecFault(format!(
                                        "Prism checks a body against the first of the operation's \
                                         versions, not {:?}: {again}",
                                        op.info.version
                                    ))
                                }
                                Verdict::Failed(again) => Verdict::Failed(format!(
                                    "{why}\n  and with a minimal body: {again}"
                                )),
                                other => other,
                            }
                        }
                        other => other,
                    };
                    verdicts
                        .lock()
                        .unwrap()
                        .push((tag, op.info.type_name.to_string(), verdict));
                }
            });
        }
    });
    let verdicts = verdicts.into_inner().unwrap();
    let mut by_tag: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut faults = Vec::new();
    for (tag, name, verdict) in &verdicts {
        let entry = by_tag.entry(tag).or_default();
        entry.2 += 1;
        match verdict {
            Verdict::Passed => entry.0 += 1,
            Verdict::SpecFault(body) => {
                entry.1 += 1;
                faults.push(format!(
                    "{name}: {}",
                    body.chars().take(200).collect::<String>()
                ));
            }
            Verdict::Failed(why) => failures.push(format!(
                "{name} ({tag}): {}",
                why.chars().take(400).collect::<String>()
            )),
        }
    }
    println!("tag | passed | request side only (the spec or Prism at fault, reason below) | of");
    for (tag, (passed, fault, total)) in &by_tag {
        println!("{tag} | {passed} | {fault} | {total}");
    }
    println!(
        "{} operations: {} passed, {} request side only, {} failed",
        verdicts.len(),
        verdicts
            .iter()
            .filter(|v| matches!(v.2, Verdict::Passed))
            .count(),
        faults.len(),
        failures.len()
    );
    for f in &faults {
        println!("spec's fault: {f}");
    }
    assert!(
        failures.is_empty(),
        "{} operation(s) failed against Prism:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(verdicts.len(), operations.len());
}
