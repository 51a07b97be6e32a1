//! The spec's own descriptions in `--help`, from a copy of the official spec the user has
//! (`--spec PATH` or `ATLAS_RS_SPEC`): its licence (CC BY-NC-SA) keeps that prose out of
//! atlas-rs, so help shows only facts unless the user points at their copy. Read only
//! when help is asked for.

use std::sync::OnceLock;

use atlas_rules::spec::resolve;
use serde_json::Value;

static SPEC: OnceLock<Option<Value>> = OnceLock::new();

/// Loads the spec named by `--spec` or `ATLAS_RS_SPEC` when `args` ask for help; a spec
/// that cannot be read is said on stderr, and help goes on with the facts alone.
pub fn init(args: &[std::ffi::OsString]) {
    let wants_help = args
        .iter()
        .skip(1)
        .any(|a| a == "--help" || a == "-h" || a == "help");
    let given = args
        .iter()
        .position(|a| a == "--spec")
        .and_then(|i| args.get(i + 1))
        .map(|p| p.to_string_lossy().into_owned())
        .or_else(|| {
            args.iter()
                .find_map(|a| a.to_str()?.strip_prefix("--spec=").map(str::to_string))
        })
        .or_else(|| {
            std::env::var("ATLAS_RS_SPEC")
                .ok()
                .filter(|v| !v.is_empty())
        });
    let spec = match (wants_help, given) {
        (true, Some(path)) => match atlas_rules::spec::load(std::path::Path::new(&path)) {
            Ok(spec) => Some(spec),
            Err(e) => {
                eprintln!("warning: {e}; help shows facts only");
                None
            }
        },
        _ => None,
    };
    let _ = SPEC.set(spec);
}

/// What the spec says of one operation.
pub struct Described {
    operation: &'static Value,
    params: Vec<&'static Value>,
}

/// The operation `operation_id` in the loaded spec, if one was loaded.
pub fn for_operation(operation_id: Option<&str>) -> Option<Described> {
    let spec = SPEC.get()?.as_ref()?;
    let id = operation_id?;
    for item in spec.get("paths")?.as_object()?.values() {
        let Some(methods) = item.as_object() else {
            continue;
        };
        let shared = item.get("parameters").and_then(Value::as_array);
        for op in methods.values() {
            if op.get("operationId").and_then(Value::as_str) != Some(id) {
                continue;
            }
            let params = op
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .chain(shared.into_iter().flatten())
                .map(|p| resolve(spec, p))
                .collect();
            return Some(Described {
                operation: op,
                params,
            });
        }
    }
    None
}

/// One line of text: the spec's Markdown kept as it is, whitespace folded.
fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Described {
    /// The operation's summary and description.
    pub fn operation(&self) -> Option<String> {
        let text = |k: &str| self.operation.get(k).and_then(Value::as_str).map(fold);
        match (text("summary"), text("description")) {
            (Some(s), Some(d)) => Some(format!("{s}. {d}")),
            (Some(s), None) => Some(s),
            (None, d) => d,
        }
        .map(|t| crate::show::one_line(&t))
    }

    /// The description of the parameter `name`.
    pub fn param(&self, name: &str) -> Option<String> {
        self.params
            .iter()
            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|p| p.get("description").and_then(Value::as_str))
            .map(|t| crate::show::one_line(&fold(t)))
    }
}
