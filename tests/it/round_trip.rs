//! Every received model that is one of the spec's component schemas (atlas-codegen lists
//! them in `generated_operations.rs`) reads the spec's example of that schema, and a
//! maximal instance made from the schema (every member, one item per array, the first
//! alternative of each union with its tag), and writes back every member it read: a
//! member the spec knows is never dropped or changed. (The tests crate turns on
//! atlas-endpoints' `serialize-all`, which makes received models `Serialize`.)

use atlas_test_needs::needs;
use std::collections::BTreeMap;

use atlas_test_support::spec::resolve;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::generated_operations::MODELS;

/// One model type and the component schema it comes from.
pub struct Model {
    schema: &'static str,
    check: fn(&Value, &[String]) -> Result<(), String>,
}

/// For `generated_operations.rs`: `T`, generated from the component schema `schema`.
pub const fn model<T: Serialize + DeserializeOwned>(schema: &'static str) -> Model {
    Model {
        schema,
        check: round_trip::<T>,
    }
}

/// `read_only`: paths of read-only members, which a model that is also sent does not
/// write (they must not go to Atlas).
fn round_trip<T: Serialize + DeserializeOwned>(
    input: &Value,
    read_only: &[String],
) -> Result<(), String> {
    let typed: T = serde_json::from_value(input.clone()).map_err(|e| format!("reading: {e}"))?;
    let output = serde_json::to_value(&typed).map_err(|e| format!("writing: {e}"))?;
    let mut lost = Vec::new();
    compare(input, &output, "", &mut lost);
    lost.retain(|l| {
        !l.strip_suffix(" dropped")
            .is_some_and(|p| read_only.iter().any(|r| r == p))
    });
    if lost.is_empty() {
        Ok(())
    } else {
        Err(lost.join("; "))
    }
}

/// Every member of `input` is in `output` with the same value (a `null` may be left out;
/// numbers compare by value, date-times by instant).
fn compare(input: &Value, output: &Value, path: &str, lost: &mut Vec<String>) {
    match (input, output) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => compare(v, w, &format!("{path}.{k}"), lost),
                    None if v.is_null() => {}
                    None => lost.push(format!("{path}.{k} dropped")),
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (v, w)) in a.iter().zip(b).enumerate() {
                compare(v, w, &format!("{path}[{i}]"), lost);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (Value::String(a), Value::String(b))
            if a == b
                || a.parse::<jiff::Timestamp>()
                    .ok()
                    .is_some_and(|t| b.parse::<jiff::Timestamp>().ok() == Some(t)) => {}
        (a, b) if a == b => {}
        (a, b) => lost.push(format!("{path}: {a} came back as {b}")),
    }
}

/// A response instance of `schema` with every member it describes.
fn maximal(spec: &Value, schema: &Value, depth: usize, at: &str, ro: &mut Vec<String>) -> Value {
    // A union variant that one discriminator value selects carries that value.
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        && let Some((property, tag)) = implied_discriminator(&spec["components"]["schemas"], name)
    {
        let mut value = maximal(spec, &resolve(spec, schema).clone(), depth, at, ro);
        if let Value::Object(members) = &mut value {
            members.insert(property, Value::String(tag));
        }
        return value;
    }
    let schema = resolve(spec, schema);
    if depth > 16 {
        return Value::Null;
    }
    // A parent that only names its variants through the discriminator's mapping: an
    // instance of it is one of the first variant, with its tag.
    if schema.get("oneOf").is_none()
        && schema.get("anyOf").is_none()
        && let Some(discriminator) = schema.get("discriminator")
        && let Some(property) = discriminator.get("propertyName").and_then(Value::as_str)
        && let Some((tag, target)) = discriminator
            .get("mapping")
            .and_then(Value::as_object)
            .and_then(|m| m.iter().next())
    {
        let mut value = maximal(spec, &json!({ "$ref": target }), depth + 1, at, ro);
        if let Value::Object(members) = &mut value {
            members.insert(property.to_string(), json!(tag));
        }
        return value;
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in all {
            // A variant's parent names the variant again through its own union: only
            // the parent's members are taken.
            if let Value::Object(members) =
                maximal(spec, &without_union(spec, part), depth + 1, at, ro)
            {
                merged.extend(members);
            }
        }
        if let Value::Object(own) = maximal(spec, &without_composition(schema), depth + 1, at, ro) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema
            .get(key)
            .and_then(Value::as_array)
            .and_then(|v| v.first())
        {
            let mut value = maximal(spec, first, depth + 1, at, ro);
            let discriminator = schema.get("discriminator");
            if let (Some(property), Some(mapping), Value::Object(members)) = (
                discriminator
                    .and_then(|d| d.get("propertyName"))
                    .and_then(Value::as_str),
                discriminator
                    .and_then(|d| d.get("mapping"))
                    .and_then(Value::as_object),
                &mut value,
            ) {
                let target = first.get("$ref").and_then(Value::as_str);
                if let Some((tag, _)) = mapping.iter().find(|(_, r)| r.as_str() == target) {
                    members.insert(property.to_string(), json!(tag));
                }
            }
            return value;
        }
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("array") => {
            let item = schema.get("items").map_or(Value::Null, |i| {
                maximal(spec, i, depth + 1, &format!("{at}[0]"), ro)
            });
            if item.is_null() {
                json!([])
            } else {
                json!([item])
            }
        }
        Some("string") => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2024-05-01T12:30:00Z"),
            _ => schema
                .get("example")
                .filter(|e| e.is_string())
                .cloned()
                .unwrap_or(json!("text")),
        },
        Some("integer") => schema
            .get("example")
            .filter(|e| e.is_i64() || e.is_u64())
            .cloned()
            .unwrap_or(json!(2)),
        Some("number") => schema
            .get("example")
            .filter(|e| e.is_number())
            .cloned()
            .unwrap_or(json!(2.5)),
        Some("boolean") => json!(true),
        Some("object") | None if schema.get("properties").is_some() => {
            let mut members = Map::new();
            for (name, property) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let resolved = resolve(spec, property);
                if resolved.get("writeOnly") == Some(&json!(true)) {
                    continue;
                }
                let here = format!("{at}.{name}");
                if resolved.get("readOnly") == Some(&json!(true)) {
                    ro.push(here.clone());
                }
                let value = maximal(spec, property, depth + 1, &here, ro);
                if !value.is_null() {
                    members.insert(name.clone(), value);
                }
            }
            Value::Object(members)
        }
        Some("object") => match schema.get("additionalProperties") {
            Some(Value::Object(_)) => {
                let value = maximal(
                    spec,
                    &schema["additionalProperties"],
                    depth + 1,
                    &format!("{at}.key"),
                    ro,
                );
                json!({ "key": value })
            }
            _ => json!({}),
        },
        _ => Value::Null,
    }
}

/// `schema` (followed through its `$ref`) without `oneOf`/`anyOf`/`discriminator`.
fn without_union(spec: &Value, schema: &Value) -> Value {
    let mut s = resolve(spec, schema).clone();
    if let Some(map) = s.as_object_mut() {
        map.remove("oneOf");
        map.remove("anyOf");
        map.remove("discriminator");
    }
    s
}

/// `schema` without `allOf` (its own members, beside the composition).
fn without_composition(schema: &Value) -> Value {
    let mut s = schema.clone();
    if let Some(map) = s.as_object_mut() {
        map.remove("allOf");
        map.remove("oneOf");
        map.remove("anyOf");
    }
    s
}

/// The examples the spec gives for answers whose schema is the component `name`.
fn response_examples<'a>(spec: &'a Value, name: &str) -> Vec<&'a Value> {
    let target = format!("#/components/schemas/{name}");
    let mut out = Vec::new();
    for item in spec["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|o| o.values()) {
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if !status.starts_with('2') {
                    continue;
                }
                let content = resolve(spec, response).get("content");
                for media in content
                    .and_then(Value::as_object)
                    .into_iter()
                    .flatten()
                    .map(|(_, m)| m)
                {
                    if media
                        .get("schema")
                        .and_then(|s| s.get("$ref"))
                        .and_then(Value::as_str)
                        != Some(target.as_str())
                    {
                        continue;
                    }
                    out.extend(media.get("example"));
                    out.extend(
                        media
                            .get("examples")
                            .and_then(Value::as_object)
                            .into_iter()
                            .flatten()
                            .filter_map(|(_, e)| resolve(spec, e).get("value")),
                    );
                }
            }
        }
    }
    out
}

/// `(property, value)` when exactly one value of one discriminator mapping selects
/// `schema` (the generator's `Models::imply_discriminators` reads the same mappings).
fn implied_discriminator(schemas: &Value, schema: &str) -> Option<(String, String)> {
    /// Every `discriminator` under `node` (components and their inline properties alike).
    fn discriminators<'a>(node: &'a Value, out: &mut Vec<&'a Value>) {
        match node {
            Value::Object(map) => {
                if let Some(d) = map.get("discriminator") {
                    out.push(d);
                }
                map.values().for_each(|v| discriminators(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| discriminators(v, out)),
            _ => {}
        }
    }
    static IMPLIED: std::sync::OnceLock<BTreeMap<String, Vec<(String, String)>>> =
        std::sync::OnceLock::new();
    let by_target = IMPLIED.get_or_init(|| {
        let mut all = Vec::new();
        discriminators(schemas, &mut all);
        let mut by_target: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for d in all {
            let Some(property) = d.get("propertyName").and_then(Value::as_str) else {
                continue;
            };
            for (value, t) in d
                .get("mapping")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(target) = t
                    .as_str()
                    .and_then(|t| t.strip_prefix("#/components/schemas/"))
                {
                    let found = by_target.entry(target.to_string()).or_default();
                    found.push((property.to_string(), value.clone()));
                    found.sort();
                    found.dedup();
                }
            }
        }
        by_target
    });
    match by_target.get(schema).map(Vec::as_slice) {
        Some([one]) => Some(one.clone()),
        _ => None,
    }
}

#[needs(spec)]
fn every_received_model_keeps_every_member_it_reads() {
    let spec = atlas_test_support::spec::spec();
    let schemas = &spec["components"]["schemas"];
    let mut failures = Vec::new();
    let (mut models, mut examples) = (0, 0);
    for m in MODELS.iter().flat_map(|group| group.iter()) {
        models += 1;
        let schema = &schemas[m.schema];
        let mut read_only = Vec::new();
        let mut maximal_instance = maximal(spec, schema, 0, "", &mut read_only);
        // A union variant that one discriminator value selects implies that value (its
        // serializer writes it): a maximal instance carries it, as Atlas's answers do.
        if let (Some((property, value)), Some(members)) = (
            implied_discriminator(schemas, m.schema),
            maximal_instance.as_object_mut(),
        ) {
            members.insert(property, Value::String(value));
        }
        let mut instances = vec![("a maximal instance", maximal_instance)];
        for example in schema
            .get("example")
            .into_iter()
            .chain(response_examples(spec, m.schema))
            .filter(|e| e.is_object())
        {
            examples += 1;
            instances.push(("the spec's example", example.clone()));
        }
        for (what, instance) in instances {
            if instance.is_null() {
                continue;
            }
            if let Err(e) = (m.check)(&instance, &read_only) {
                failures.push(format!("{} ({what}): {e}", m.schema));
            }
        }
    }
    println!("{models} received models and {examples} examples of the spec round-tripped");
    assert!(models > 500, "only {models} models listed");
    assert!(
        failures.is_empty(),
        "{} model(s) lose what they read:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
