//! The emulator's own reading of the spec, kept apart from the SDK's (atlas-rules' `spec`)
//! on purpose: the generator of the routing tables (`main.rs`) and atlas-mock's tests load
//! the spec and follow its `$ref`s with this one module on this side of the wall.

pub mod spec {
    //! Where the spec is, how it is read, and how a `$ref` is followed.

    use std::path::{Path, PathBuf};

    use serde_json::Value;

    /// `ATLAS_OPENAPI_SPEC`, default `../shared/atlas-openapi/v2.yaml` beside the workspace.
    pub fn path() -> PathBuf {
        std::env::var_os("ATLAS_OPENAPI_SPEC").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/atlas-openapi/v2.yaml"),
            PathBuf::from,
        )
    }

    /// Reads and parses the spec at `path`.
    ///
    /// # Errors
    /// A message naming the file, when it cannot be read or is not YAML.
    pub fn load(path: &Path) -> Result<Value, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        yaml_serde::from_str(&text).map_err(|e| format!("{} is not YAML: {e}", path.display()))
    }

    /// Follows local `$ref`s to a node without one; `None` for a reference that leads
    /// nowhere or a chain longer than 32 (a cycle).
    pub fn try_resolve<'a>(spec: &'a Value, mut node: &'a Value) -> Option<&'a Value> {
        for _ in 0..32 {
            let Some(r) = node.get("$ref").and_then(Value::as_str) else {
                return Some(node);
            };
            node = r
                .strip_prefix("#/")?
                .split('/')
                .try_fold(spec, |v, key| v.get(key))?;
        }
        None
    }

    /// [`try_resolve`], with `null` for a reference that leads nowhere.
    pub fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
        try_resolve(spec, node).unwrap_or(&Value::Null)
    }
}
