//! The spec as generator input: every operation keyed on (method, path, version), with the
//! facts the generated docs and declarations carry. Nothing here copies description prose.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// The prefix every spec path has and no template repeats.
pub const API_PREFIX: &str = "/api/atlas/v2";

const METHODS: &[&str] = &["get", "put", "post", "patch", "delete"];

/// Query parameters the runtime sends itself (`RequestOptions`).
pub const RUNTIME_QUERY: &[&str] = &["envelope", "pretty"];

/// One operation of the spec.
#[derive(Debug, Clone)]
pub struct Operation {
    pub tag: String,
    pub operation_id: String,
    /// `x-xgen-operation-id-override`: the CLI's command name and the Go SDK's method.
    pub short_id: Option<String>,
    /// Upper case.
    pub method: String,
    /// Without [`API_PREFIX`].
    pub template: String,
    pub deprecated: bool,
    pub roles: Vec<String>,
    pub docs_url: Option<String>,
    pub params: Vec<Param>,
    /// Sorted: dates first, then `preview`.
    pub versions: Vec<Version>,
}

/// One version of an operation: its media types and schemas.
#[derive(Debug, Clone)]
pub struct Version {
    pub name: String,
    /// `x-sunset` of the success media type, when announced.
    pub sunset: Option<String>,
    /// The JSON request body's schema at this version.
    pub request: Option<Value>,
    /// The success status and its JSON schema (None: no body).
    pub status: String,
    pub response: Option<Value>,
    /// Media-type suffixes of the success answer at this version (`json`, `gzip`, `csv`).
    pub formats: BTreeSet<String>,
}

/// A path, query or header parameter, `$ref` resolved.
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// `path`, `query`, `header`.
    pub location: String,
    pub required: bool,
    pub schema: Value,
}

// The `$ref` rule and the date rule are atlas-rules', shared with the tests and the CLI.
pub use atlas_rules::spec::resolve;
pub use atlas_rules::version::is_date;

/// `2024-08-05` or `preview` and `json` from `application/vnd.atlas.2024-08-05+json`.
pub fn media_version(media: &str) -> Option<(&str, &str)> {
    let rest = media.strip_prefix("application/vnd.atlas.")?;
    let (version, suffix) = rest.split_once('+')?;
    (is_date(version) || version == "preview").then_some((version, suffix))
}

/// Every operation of the spec, sorted by tag, path and method.
pub fn operations(spec: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(template) = path.strip_prefix(API_PREFIX) else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            out.push(operation(spec, item, op, method, template, id));
        }
    }
    out.sort_by(|a, b| (&a.tag, &a.template, &a.method).cmp(&(&b.tag, &b.template, &b.method)));
    out
}

fn operation(
    spec: &Value,
    item: &Value,
    op: &Value,
    method: &str,
    template: &str,
    id: &str,
) -> Operation {
    let str_of = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    // Parameters: the operation's, then the path item's it does not override.
    let mut params: Vec<Param> = Vec::new();
    for list in [op.get("parameters"), item.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
    {
        for p in list {
            let p = resolve(spec, p);
            let (Some(name), Some(location)) = (str_of(p, "name"), str_of(p, "in")) else {
                continue;
            };
            if params
                .iter()
                .any(|q| q.name == name && q.location == location)
            {
                continue;
            }
            if location == "query" && RUNTIME_QUERY.contains(&name.as_str()) {
                continue;
            }
            params.push(Param {
                required: p.get("required").and_then(Value::as_bool) == Some(true)
                    || location == "path",
                schema: p.get("schema").cloned().unwrap_or(Value::Null),
                name,
                location,
            });
        }
    }

    // Versions, from the media types of the success responses and the request body.
    let mut versions: BTreeMap<String, Version> = BTreeMap::new();
    let new_version = |name: &str| Version {
        name: name.to_string(),
        sunset: None,
        request: None,
        status: String::new(),
        response: None,
        formats: BTreeSet::new(),
    };
    if let Some(body) = op.get("requestBody") {
        let body = resolve(spec, body);
        if let Some(content) = body.get("content").and_then(Value::as_object) {
            for (media, c) in content {
                if let Some((v, "json")) = media_version(media) {
                    versions
                        .entry(v.to_string())
                        .or_insert_with(|| new_version(v))
                        .request = c.get("schema").cloned();
                }
            }
        }
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            if !status.starts_with('2') {
                continue;
            }
            let response = resolve(spec, response);
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            for (media, c) in content {
                let Some((v, suffix)) = media_version(media) else {
                    continue;
                };
                let entry = versions
                    .entry(v.to_string())
                    .or_insert_with(|| new_version(v));
                entry.formats.insert(suffix.to_string());
                if entry.status.is_empty() || entry.status == *status {
                    entry.status = status.clone();
                    if suffix == "json" {
                        entry.response = c.get("schema").cloned();
                    }
                }
                if let Some(s) = c.get("x-sunset").and_then(Value::as_str) {
                    entry.sunset = Some(s.to_string());
                }
            }
        }
        // A version whose success answer has no body: its status is the first 2xx.
        for v in versions.values_mut() {
            if v.status.is_empty() {
                v.status = responses
                    .keys()
                    .find(|s| s.starts_with('2'))
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }
    let (mut dated, other): (Vec<Version>, Vec<Version>) =
        versions.into_values().partition(|v| is_date(&v.name));
    dated.extend(other);

    Operation {
        tag: op
            .get("tags")
            .and_then(|t| t.get(0))
            .and_then(Value::as_str)
            .unwrap_or("Untagged")
            .to_string(),
        operation_id: id.to_string(),
        short_id: str_of(op, "x-xgen-operation-id-override"),
        method: method.to_ascii_uppercase(),
        template: template.to_string(),
        deprecated: op.get("deprecated").and_then(Value::as_bool) == Some(true),
        roles: op
            .get("x-rolesRequirements")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        docs_url: str_of(op, "x-xgen-docs-url"),
        params,
        versions: dated,
    }
}

impl Operation {
    /// The versions still served on `as_of` (a sunset date after it, or none).
    pub fn live_versions(&self, as_of: &str) -> Vec<&Version> {
        self.versions
            .iter()
            .filter(|v| v.sunset.as_deref().is_none_or(|s| s > as_of))
            .collect()
    }
}
