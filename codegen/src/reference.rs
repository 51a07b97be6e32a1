//! What the generator would declare for any tag, the hand-written ones included, as plain
//! data: the test that each hand-written declaration is equivalent to its generated form
//! (same path, version, parameters and rules) compares `atlas_endpoints` against this.

use serde_json::Value;

use crate::models::{Models, Rules, Ty};
use crate::plan::{self, ID_TYPES, OBJECT_ID_PATTERN};
use crate::spec;

/// One request type the generator would emit.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Declaration {
    /// `GET`, `POST`, …
    pub method: String,
    /// Relative to `/api/atlas/v2`.
    pub template: String,
    /// `YYYY-MM-DD` or `preview`.
    pub version: String,
    /// The spec's `operationId`.
    pub operation_id: String,
    /// Whether a list is walked page by page.
    pub paginated: bool,
    /// Every parameter, body members included, in the generator's order.
    pub params: Vec<Parameter>,
}

/// One parameter of a [`Declaration`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Parameter {
    /// The name Atlas uses (`orgId`).
    pub api_name: String,
    /// `path`, `query`, `header`, `body` (a member of the object body) or `whole body`,
    /// as `atlas_runtime::implement::Location::as_str` spells them.
    pub location: &'static str,
    /// Whether the caller must give it.
    pub required: bool,
    /// A path value sent already percent-encoded (`192.0.2.0%2F24`).
    pub encoded: bool,
    /// The pattern it must match, an id type's included.
    pub pattern: Option<String>,
    /// Lower bound and whether it is exclusive.
    pub min: Option<(f64, bool)>,
    /// Upper bound and whether it is exclusive.
    pub max: Option<(f64, bool)>,
    /// Fewest characters or items.
    pub min_length: Option<u64>,
    /// Most characters or items.
    pub max_length: Option<u64>,
}

/// The declarations the generator would emit for the operations of `tag` in `spec`.
pub fn declarations(spec: &Value, tag: &str) -> Vec<Declaration> {
    let ops: Vec<spec::Operation> = spec::operations(spec)
        .into_iter()
        .filter(|o| o.tag == tag)
        .collect();
    let mut models = Models::new(spec);
    let plan = plan::plan(&mut models, &ops, crate::AS_OF);
    plan.endpoints
        .iter()
        .map(|e| Declaration {
            method: e.op.method.clone(),
            template: e.op.template.clone(),
            version: e.version.name.clone(),
            operation_id: e.op.operation_id.clone(),
            paginated: e.paginated,
            params: e
                .fields
                .iter()
                .map(|f| Parameter {
                    encoded: f.encoded,
                    ..parameter(&f.api, f.role, f.required && !f.patch, &f.ty, &f.rules)
                })
                .collect(),
        })
        .collect()
}

fn parameter(api: &str, role: &str, required: bool, ty: &Ty, rules: &Rules) -> Parameter {
    let id_pattern = match ty {
        Ty::Id(name) => ID_TYPES
            .iter()
            .find(|(_, n, _)| n == name)
            .map(|(_, _, p)| p.to_string())
            .or_else(|| Some(OBJECT_ID_PATTERN.to_string())),
        _ => None,
    };
    let bound = |b: &Option<(Value, bool)>| b.as_ref().and_then(|(v, x)| Some((v.as_f64()?, *x)));
    Parameter {
        api_name: api.to_string(),
        location: match role {
            "path" => "path",
            "query" => "query",
            "header" => "header",
            "member" => "body",
            _ => "whole body",
        },
        // A `Patch` member is optional to the caller: not required.
        required,
        encoded: false,
        pattern: rules.pattern.clone().or(id_pattern),
        min: bound(&rules.min),
        max: bound(&rules.max),
        min_length: rules.min_len,
        max_length: rules.max_len,
    }
}
