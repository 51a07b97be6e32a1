//! The official Atlas Admin API v2 OpenAPI spec, read as test data.
//!
//! Found through `ATLAS_OPENAPI_SPEC`, default `../shared/atlas-openapi/v2.yaml` beside the
//! repository. The build script looks for it first and sets `has_spec`: tests that read
//! it are ignored without it (and the build fails without it under `CI=true`).

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::Value;

/// Where the spec is looked for.
pub fn spec_path() -> PathBuf {
    match std::env::var_os("ATLAS_OPENAPI_SPEC") {
        Some(p) => PathBuf::from(p),
        None => {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/atlas-openapi/v2.yaml")
        }
    }
}

/// The parsed spec, read once per test binary.
///
/// # Panics
/// When the spec is absent (a test that calls this is ignored when the build did not
/// find it) or not valid YAML.
pub fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        atlas_rules::spec::load(&spec_path())
            .unwrap_or_else(|e| panic!("{e}; set ATLAS_OPENAPI_SPEC"))
    })
}

/// Follows local `$ref`s to a node without one: atlas-rules' rule, shared with the
/// generator and the CLI.
pub use atlas_rules::spec::resolve;

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
