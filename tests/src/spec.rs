//! The official Atlas Admin API v2 OpenAPI spec, read as test data.
//!
//! Found through `ATLAS_OPENAPI_SPEC`, default `../shared/atlas-openapi/v2.yaml` beside the
//! repository. Where it is missing, tests say so and skip; with `CI=true` they fail.

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// Where the spec is looked for.
pub fn spec_path() -> PathBuf {
    match std::env::var_os("ATLAS_OPENAPI_SPEC") {
        Some(p) => PathBuf::from(p),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/atlas-openapi/v2.yaml")
        }
    }
}

/// The parsed spec, or `None` (with a message) when it is absent outside CI.
///
/// # Panics
/// When the spec is absent and `CI=true`, or present but unreadable.
pub fn spec() -> Option<&'static Value> {
    static SPEC: OnceLock<Option<Value>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
                assert!(
                    !ci,
                    "the Atlas OpenAPI spec is required in CI: {} ({e}); set ATLAS_OPENAPI_SPEC",
                    path.display()
                );
                eprintln!(
                    "skipping: the Atlas OpenAPI spec is not at {} ({e}); set ATLAS_OPENAPI_SPEC",
                    path.display()
                );
                return None;
            }
        };
        let value: Value = yaml_serde::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not valid YAML: {e}", path.display()));
        Some(value)
    })
    .as_ref()
}

/// Follows a local `$ref` (`#/components/responses/badRequest`) once.
pub fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .trim_start_matches("#/")
            .split('/')
            .try_fold(spec, |v, key| v.get(key))
            .unwrap_or(node),
        None => node,
    }
}

/// The operation at `path` (full, with `/api/atlas/v2`) and lower-case `method`.
pub fn operation<'a>(spec: &'a Value, path: &str, method: &str) -> Option<&'a Value> {
    spec.get("paths")?.get(path)?.get(method)
}

/// The documented example body of an operation's error response with this status.
pub fn error_example(spec: &Value, op: &Value, status: &str) -> Option<Value> {
    let response = resolve(spec, op.get("responses")?.get(status)?);
    response
        .get("content")?
        .get("application/json")?
        .get("example")
        .cloned()
}

/// An object built from each property's `example`, following `$ref`s: the spec's
/// example of a schema that has no whole example.
pub fn schema_example(spec: &Value, schema: &Value) -> Value {
    let schema = resolve(spec, schema);
    if let Some(e) = schema.get("example") {
        return e.clone();
    }
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Value::Null;
    };
    let mut out = serde_json::Map::new();
    for (name, prop) in props {
        let prop = resolve(spec, prop);
        let example = match (
            prop.get("example"),
            prop.get("format").and_then(Value::as_str),
        ) {
            (Some(e), _) => e.clone(),
            (None, Some("date-time")) => Value::String("2024-08-05T10:00:00Z".into()),
            _ => continue,
        };
        out.insert(name.clone(), example);
    }
    Value::Object(out)
}
