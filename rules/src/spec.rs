//! The official OpenAPI spec as data, read one way on this side of the emulator's wall:
//! the generator, the CLI's help and the integration tests load it and follow its `$ref`s
//! with these (atlas-mock reads the spec with its own code, on purpose: ARCHITECTURE.md).
//!
//! Behind the `spec` feature, so that the macro and the runtime build without a YAML
//! parser.

use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// Why the spec could not be loaded.
#[derive(Debug)]
#[non_exhaustive]
pub enum SpecError {
    /// The file could not be read.
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    /// The file is not YAML (JSON is YAML too).
    Parse { path: PathBuf, error: String },
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpecError::Read { path, error } => {
                write!(f, "cannot read the spec at {} ({error})", path.display())
            }
            SpecError::Parse { path, error } => {
                write!(f, "{} is not valid YAML ({error})", path.display())
            }
        }
    }
}

impl std::error::Error for SpecError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SpecError::Read { error, .. } => Some(error),
            SpecError::Parse { .. } => None,
        }
    }
}

/// Reads and parses the spec at `path` (YAML or JSON).
///
/// # Errors
/// [`SpecError`] when the file cannot be read or parsed.
pub fn load(path: &Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path).map_err(|error| SpecError::Read {
        path: path.to_path_buf(),
        error,
    })?;
    yaml_serde::from_str(&text).map_err(|e| SpecError::Parse {
        path: path.to_path_buf(),
        error: e.to_string(),
    })
}

/// Follows local `$ref`s (`#/components/schemas/Group`) from `node` to a node without one;
/// a reference that leads nowhere, or a chain longer than 32 (a cycle), stops at the last
/// node reached. Pointer segments are unescaped as RFC 6901 says (`~1` is `/`, `~0` is
/// `~`).
pub fn resolve<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(target) = node.get("$ref").and_then(Value::as_str) else {
            break;
        };
        match pointer(spec, target) {
            Some(next) => node = next,
            None => break,
        }
    }
    node
}

/// The node a local reference (`#/a/b`) names.
fn pointer<'a>(spec: &'a Value, reference: &str) -> Option<&'a Value> {
    let path = reference.strip_prefix('#')?;
    if path.is_empty() {
        return Some(spec);
    }
    path.strip_prefix('/')?
        .split('/')
        .try_fold(spec, |v, segment| {
            if segment.contains('~') {
                v.get(segment.replace("~1", "/").replace("~0", "~"))
            } else {
                v.get(segment)
            }
        })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::resolve;

    #[test]
    fn follows_chains_escapes_and_stops_on_cycles() {
        let spec = json!({
            "components": {
                "schemas": {
                    "A": { "$ref": "#/components/schemas/B" },
                    "B": { "type": "string" },
                    "a/b~c": { "type": "integer" },
                    "Loop": { "$ref": "#/components/schemas/Loop" },
                    "Broken": { "$ref": "#/components/schemas/Missing" },
                }
            }
        });
        let r = |target: &str| resolve(&spec, &json!({ "$ref": target })).clone();
        assert_eq!(r("#/components/schemas/A"), json!({ "type": "string" }));
        assert_eq!(
            r("#/components/schemas/a~1b~0c"),
            json!({ "type": "integer" })
        );
        assert_eq!(
            r("#/components/schemas/Loop"),
            json!({ "$ref": "#/components/schemas/Loop" })
        );
        assert_eq!(
            r("#/components/schemas/Broken"),
            json!({ "$ref": "#/components/schemas/Missing" })
        );
        assert_eq!(r("other.yaml#/x"), json!({ "$ref": "other.yaml#/x" }));
        let plain = json!({ "type": "object" });
        assert_eq!(resolve(&spec, &plain), &plain);
    }
}
