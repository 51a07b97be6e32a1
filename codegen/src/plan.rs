//! What to emit: one request type per (operation, version) whose schemas differ, the
//! newest stable version under the plain name; the model types each tag reaches; which
//! module each type lives in.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::models::{Field, Kind, Models, Rules, Ty, rules_of, string_enum};
use crate::names::{field_name, snake_case, upper_first};
use crate::spec::{Operation, Param, Version};

/// Methods the macro generates; an optional field cannot take their names.
const GENERATED_METHODS: &[&str] = &["new", "send", "pages", "items"];

/// A field of a request struct.
#[derive(Debug, Clone)]
pub struct ReqField {
    pub rust: String,
    /// `path`, `query`, `header`, `member` (of the object body), `body` (the whole body).
    pub role: &'static str,
    pub api: String,
    pub ty: Ty,
    pub required: bool,
    /// A `Patch<T>` member (nullable in a PATCH body).
    pub patch: bool,
    pub encoded: bool,
    /// A path value the body repeats as a member of the same name: sent from the path
    /// (`#[atlas(path, in_body)]`), never asked for twice.
    pub in_body: bool,
    pub rules: Rules,
    /// More `#[atlas(…)]` arguments from the overlay, and what they add (for the doc).
    pub extra_rules: &'static [&'static str],
    pub extra_fact: Option<&'static str>,
}

/// One request type.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub type_name: String,
    pub op: Operation,
    pub version: Version,
    /// The other versions the operation is served at, with their sunset dates.
    pub other_versions: Vec<(String, Option<String>)>,
    pub preview: bool,
    pub fields: Vec<ReqField>,
    /// `None`: `()`; the paginated item type when `paginated`.
    pub response: Option<Ty>,
    pub paginated: bool,
}

/// Why an operation is not generated.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub operation_id: String,
    pub tag: String,
    pub reason: String,
}

pub struct Plan {
    /// Versions whose sunset is on or before this date are left out.
    pub as_of: String,
    pub endpoints: Vec<Endpoint>,
    pub skipped: Vec<Skipped>,
    /// For each emitted type: the tags that reach it, and whether it is sent, received,
    /// or a query/header value.
    pub usage: BTreeMap<String, Usage>,
}

#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub tags: BTreeSet<String>,
    pub sent: bool,
    pub received: bool,
    pub param: bool,
}

impl Usage {
    /// `None`: the shared module; else the one tag's module.
    pub fn module_tag(&self) -> Option<&str> {
        (self.tags.len() == 1)
            .then(|| self.tags.iter().next().map(String::as_str))
            .flatten()
    }
}

/// Plans every operation of `ops`.
pub fn plan(models: &mut Models, ops: &[Operation], as_of: &str) -> Plan {
    let mut endpoints = Vec::new();
    let mut skipped = Vec::new();
    for op in ops {
        let skip = |reason: String| Skipped {
            operation_id: op.operation_id.clone(),
            tag: op.tag.clone(),
            reason,
        };
        let live = op.live_versions(as_of);
        if live.is_empty() {
            skipped.push(skip(format!(
                "every version is past its sunset ({})",
                op.versions
                    .iter()
                    .map(|v| format!("{} {}", v.name, v.sunset.as_deref().unwrap_or("?")))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
            continue;
        }
        let newest_stable = live.iter().rev().find(|v| v.name != "preview").copied();
        let main = newest_stable.unwrap_or(live[live.len() - 1]);
        let base = upper_first(&op.operation_id);
        let others = |this: &str| -> Vec<(String, Option<String>)> {
            op.versions
                .iter()
                .filter(|v| v.name != this)
                .map(|v| (v.name.clone(), v.sunset.clone()))
                .collect()
        };
        endpoints.push(endpoint(
            models,
            op,
            main,
            base.clone(),
            others(&main.name),
            newest_stable.is_none(),
        ));
        // Older live versions whose schemas differ from the main one's.
        for v in &live {
            if v.name == main.name || v.name == "preview" {
                continue;
            }
            if v.request == main.request && v.response == main.response {
                continue;
            }
            let suffix = v.name.replace('-', "");
            endpoints.push(endpoint(
                models,
                op,
                v,
                format!("{base}V{suffix}"),
                others(&v.name),
                false,
            ));
        }
    }
    models.imply_discriminators();
    models.box_cycles();
    let usage = usage(models, &endpoints);
    Plan {
        as_of: as_of.to_string(),
        endpoints,
        skipped,
        usage,
    }
}

/// The runtime's id types and the pattern each carries: a string parameter with exactly
/// this pattern becomes the type (named after the parameter where one is, `ObjectId`
/// otherwise), and the pattern goes from the declaration.
pub const ID_TYPES: &[(&str, &str, &str)] = &[
    ("orgId", "OrgId", "^([a-f0-9]{24})$"),
    ("groupId", "GroupId", "^([a-f0-9]{24})$"),
    ("clientId", "ClientId", r"^mdb_sa_id_[a-fA-F\d]{24}$"),
];
pub const OBJECT_ID_PATTERN: &str = "^([a-f0-9]{24})$";

/// The id type for a parameter, if its rules are exactly an id type's pattern.
pub fn id_type(api: &str, ty: &Ty, rules: &Rules) -> Option<&'static str> {
    let pattern = rules.pattern.as_deref()?;
    if *ty != Ty::Str || rules.min_len.is_some() || rules.max_len.is_some() {
        return None;
    }
    if let Some((_, name, p)) = ID_TYPES.iter().find(|(n, _, _)| *n == api) {
        return (pattern == *p).then_some(*name);
    }
    (pattern == OBJECT_ID_PATTERN).then_some("ObjectId")
}

fn param_ty(models: &mut Models, p: &Param, hint: &str) -> Ty {
    let spec_ty = p.schema.get("type").and_then(Value::as_str);
    let format = p.schema.get("format").and_then(Value::as_str);
    match spec_ty {
        Some("integer") if format != Some("int64") => Ty::I32,
        Some("array") => {
            let items = p.schema.get("items").cloned().unwrap_or(Value::Null);
            let inner = match items.get("type").and_then(Value::as_str) {
                Some("integer") if items.get("format").and_then(Value::as_str) != Some("int64") => {
                    Ty::I32
                }
                _ => models.ty_of(&items, &format!("{hint}Item")),
            };
            Ty::Vec(Box::new(scalar(inner)))
        }
        _ => scalar(models.ty_of(&p.schema, hint)),
    }
}

/// Query and header values are text: anything else goes as a string.
fn scalar(t: Ty) -> Ty {
    match t {
        Ty::Json | Ty::Map(_) | Ty::Timestamp | Ty::Secret => Ty::Str,
        other => other,
    }
}

fn endpoint(
    models: &mut Models,
    op: &Operation,
    version: &Version,
    type_name: String,
    other_versions: Vec<(String, Option<String>)>,
    preview: bool,
) -> Endpoint {
    let spec = models.spec();
    let mut fields: Vec<ReqField> = Vec::new();
    let mut names: BTreeSet<String> = BTreeSet::new();
    for p in &op.params {
        let hint = format!(
            "{type_name}{}",
            upper_first(&field_name(&p.name).replace('_', " "))
        );
        let hint: String = crate::names::type_name(&hint);
        let ty = param_ty(models, p, &hint);
        let role: &'static str = match p.location.as_str() {
            "path" => "path",
            "query" => "query",
            _ => "header",
        };
        let rust = unique_field(&mut names, field_name(&p.name), !p.required);
        let mut rules = rules_of(spec, &p.schema);
        let ty = match id_type(&p.name, &ty, &rules) {
            Some(id) => {
                rules.pattern = None;
                Ty::Id(id)
            }
            None => ty,
        };
        let encoded = role == "path"
            && rules
                .pattern
                .as_deref()
                .is_some_and(|s| s.contains("%2[fF]") || s.contains("%2F"));
        fields.push(ReqField {
            rust,
            role,
            api: p.name.clone(),
            ty,
            required: p.required,
            patch: false,
            encoded,
            in_body: false,
            rules,
            extra_rules: &[],
            extra_fact: None,
        });
    }

    if let Some(schema) = &version.request {
        let body_ty = models.ty_of(schema, &format!("{type_name}Body"));
        let flat = match &body_ty {
            Ty::Named(n) if !matches!(op.method.as_str(), "GET" | "DELETE") => {
                match models.types.get(n).map(|t| &t.kind) {
                    Some(Kind::Struct(members))
                        if members.iter().any(|f| !f.read_only) && !is_open(spec, schema) =>
                    {
                        Some(members.clone())
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match flat {
            Some(members) => {
                for m in members.iter().filter(|m| !m.read_only) {
                    // A member that repeats a path parameter is filled from the path.
                    if let Some(path) = fields
                        .iter_mut()
                        .find(|f| f.role == "path" && f.api == m.api)
                    {
                        path.in_body = true;
                        continue;
                    }
                    fields.push(member(&mut names, m, op.method == "PATCH"));
                }
            }
            None => {
                let rules = rules_of(spec, schema);
                let rust = unique_field(&mut names, "body".to_string(), false);
                fields.push(ReqField {
                    rust,
                    role: "body",
                    api: "body".to_string(),
                    ty: body_ty,
                    required: true,
                    patch: false,
                    encoded: false,
                    in_body: false,
                    rules,
                    extra_rules: &[],
                    extra_fact: None,
                });
            }
        }
    }

    for f in fields.iter_mut() {
        if let Some(o) = crate::overlay::field(&op.operation_id, &f.api) {
            if let Some(items) = o.items {
                f.ty = crate::overlay::refine_items(&f.ty, items);
            }
            f.extra_rules = o.rules;
            f.extra_fact = Some(o.fact);
        }
    }

    let has_param = |name: &str| {
        op.params
            .iter()
            .any(|p| p.name == name && p.location == "query" && !p.required)
    };
    let mut paginated = false;
    // The macro's pages need `Option<i32>` page fields.
    for f in fields.iter_mut() {
        if f.role == "query" && matches!(f.api.as_str(), "pageNum" | "itemsPerPage") {
            f.ty = Ty::I32;
        }
    }
    let response = version.response.as_ref().map(|schema| {
        let ty = models.ty_of(schema, &format!("{type_name}Response"));
        if let Ty::Named(n) = &ty
            && op.method == "GET"
            && has_param("pageNum")
            && has_param("itemsPerPage")
            && let Some(Kind::Struct(members)) = models.types.get(n).map(|t| &t.kind)
            && members.iter().any(|m| m.api == "totalCount")
            && let Some(Field {
                ty: Ty::Vec(item), ..
            }) = members.iter().find(|m| m.api == "results")
        {
            paginated = true;
            return (**item).clone();
        }
        ty
    });

    Endpoint {
        type_name,
        op: op.clone(),
        version: version.clone(),
        other_versions,
        preview,
        fields,
        response,
        paginated,
    }
}

fn is_open(spec: &Value, schema: &Value) -> bool {
    let s = crate::spec::resolve(spec, schema);
    s.get("additionalProperties")
        .is_some_and(|a| a != &Value::Bool(false))
        || s.get("oneOf").is_some()
        || s.get("discriminator").is_some()
        || string_enum(spec, s).is_some()
}

fn unique_field(names: &mut BTreeSet<String>, mut rust: String, optional: bool) -> String {
    if optional && GENERATED_METHODS.contains(&rust.as_str()) {
        rust.push('_');
    }
    while !names.insert(rust.clone()) {
        rust = format!("{}_", rust.trim_start_matches("r#"));
    }
    rust
}

fn member(names: &mut BTreeSet<String>, m: &Field, patch_body: bool) -> ReqField {
    let required = m.required;
    let ty = m.ty.clone();
    let rust = unique_field(names, m.rust.clone(), !required);
    ReqField {
        rust,
        role: "member",
        api: m.api.clone(),
        ty,
        required,
        patch: patch_body && m.nullable && !required,
        encoded: false,
        in_body: false,
        rules: m.rules.clone(),
        extra_rules: &[],
        extra_fact: None,
    }
}

/// Which tags reach each type, and in which direction.
fn usage(models: &Models, endpoints: &[Endpoint]) -> BTreeMap<String, Usage> {
    let mut usage: BTreeMap<String, Usage> = BTreeMap::new();
    for e in endpoints {
        let tag = &e.op.tag;
        let mut sent = Vec::new();
        let mut params = Vec::new();
        for f in &e.fields {
            match f.role {
                "member" | "body" => f.ty.names(&mut sent),
                _ => f.ty.names(&mut params),
            }
        }
        let mut received = Vec::new();
        if let Some(t) = &e.response {
            t.names(&mut received);
        }
        for (roots, dir) in [(sent, 0), (received, 1), (params, 2)] {
            let mut stack = roots;
            let mut seen = BTreeSet::new();
            while let Some(n) = stack.pop() {
                if !seen.insert(n.clone()) {
                    continue;
                }
                let u = usage.entry(n.clone()).or_default();
                u.tags.insert(tag.clone());
                match dir {
                    0 => u.sent = true,
                    1 => u.received = true,
                    _ => u.param = true,
                }
                stack.extend(models.edges(&n));
            }
        }
    }
    usage
}

/// The field name the macro would bind to a placeholder, for checks.
pub fn binds_by_name(placeholder: &str, field: &str) -> bool {
    snake_case(placeholder) == field || placeholder == field
}
