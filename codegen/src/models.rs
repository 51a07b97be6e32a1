//! Schemas as Rust types: structs for objects (`allOf` parts flattened), `#[non_exhaustive]`
//! string enums deduplicated by value set, unions for `oneOf`/`discriminator`, maps for
//! `additionalProperties`. Built once for the whole spec, so a type's name never depends on
//! which tags are emitted.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::Value;

use crate::names::{field_name, type_name};
use crate::spec::resolve;

/// Members that carry a credential: `SecretString`, never shown by `Debug`.
pub const SECRET_MEMBERS: &[&str] = &[
    "password",
    "bindPassword",
    "apiKey",
    "secret",
    "secretAccessKey",
    "privateKey",
    "clientSecret",
    "apiToken",
    "hecToken",
    "token",
    "datadogApiKey",
    "serviceAccountKey",
    "destinationOrgPrivateApiKey",
    "notificationToken",
    "licenseKey",
    "readToken",
    "writeToken",
    "opsGenieApiKey",
    "sslKey",
    "sslKeyPassword",
    "linkToken",
    "routingKey",
    "serviceKey",
    "victorOpsApiKey",
    "victorOpsRoutingKey",
    "webhookSecret",
];

/// Type names the generated code itself needs unshadowed.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "BTreeMap",
    "Timestamp",
    "SecretString",
    "Patch",
    "Paginated",
    "Value",
];

/// A Rust type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    Str,
    Secret,
    Bool,
    I32,
    I64,
    F64,
    Timestamp,
    Json,
    Named(String),
    /// One of the runtime's id types (`OrgId`, `GroupId`, `ClientId`, `ObjectId`), which
    /// carries its pattern.
    Id(&'static str),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    /// A hand-written type of an overlay module ([`crate::overlay`]).
    Overlay(&'static crate::overlay::OverlayType),
}

impl Ty {
    /// The named types it mentions.
    pub fn names(&self, out: &mut Vec<String>) {
        match self {
            Ty::Named(n) => out.push(n.clone()),
            Ty::Vec(t) | Ty::Map(t) => t.names(out),
            _ => {}
        }
    }
}

/// The rules of one value, as the macro declares them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub pattern: Option<String>,
    pub min: Option<(Value, bool)>,
    pub max: Option<(Value, bool)>,
    pub min_len: Option<u64>,
    pub max_len: Option<u64>,
    /// The spec's `default` when it is a scalar (written in the docs, never enforced: the
    /// server applies it).
    pub default: Option<Value>,
}

/// One member of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    pub api: String,
    pub rust: String,
    pub ty: Ty,
    pub required: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub nullable: bool,
    pub boxed: bool,
    pub rules: Rules,
}

/// One alternative of a union.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub ty: Ty,
    /// Discriminator values that select it.
    pub tags: Vec<String>,
    /// The tags come from the spec's `discriminator` mapping (not read from enum values).
    pub declared: bool,
}

#[derive(Debug, Clone)]
pub enum Kind {
    Struct(Vec<Field>),
    Enum(Vec<String>),
    /// `property`: the member whose value picks the variant; `None`: tried in order.
    Union {
        property: Option<String>,
        variants: Vec<Variant>,
    },
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    /// The component schema it comes from, or where it is inline.
    pub source: String,
    pub kind: Kind,
    /// `(property, value)`: a union variant that only one discriminator value selects
    /// carries no member for it; its serializer writes the value (`providerName: "AWS"`),
    /// so choosing the variant is choosing the value.
    pub tag: Option<(String, String)>,
}

pub struct Models<'s> {
    spec: &'s Value,
    pub types: BTreeMap<String, TypeDef>,
    by_component: HashMap<String, Ty>,
    enums: BTreeMap<BTreeSet<String>, String>,
    inline_cache: HashMap<String, Ty>,
    taken: BTreeSet<String>,
}

impl<'s> Models<'s> {
    pub fn new(spec: &'s Value) -> Self {
        Models {
            spec,
            types: BTreeMap::new(),
            by_component: HashMap::new(),
            enums: BTreeMap::new(),
            inline_cache: HashMap::new(),
            taken: RESERVED_TYPE_NAMES.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The spec.
    pub fn spec(&self) -> &'s Value {
        self.spec
    }

    fn unique(&mut self, wanted: &str) -> String {
        let base = type_name(wanted);
        let base = crate::overlay::type_name(&base).map_or(base, str::to_string);
        let mut name = base.clone();
        let mut i = 2;
        while self.taken.contains(&name) {
            name = format!("{base}{i}");
            i += 1;
        }
        self.taken.insert(name.clone());
        name
    }

    /// The type of a value described by `schema`; `hint` names it when it needs a name.
    pub fn ty_of(&mut self, schema: &Value, hint: &str) -> Ty {
        if let Some(r) = schema.get("$ref").and_then(Value::as_str)
            && let Some(component) = r.strip_prefix("#/components/schemas/")
        {
            return self.component(component);
        }
        let schema = resolve(self.spec, schema);
        self.inline(schema, hint, hint)
    }

    fn component(&mut self, component: &str) -> Ty {
        if let Some(t) = self.by_component.get(component) {
            return t.clone();
        }
        let spec = self.spec;
        let Some(schema) = spec
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(|s| s.get(component))
        else {
            return Ty::Json;
        };
        if needs_name(spec, schema) {
            // Reserve the name first: the schema may refer to itself.
            let name = self.unique(component);
            let ty = Ty::Named(name.clone());
            self.by_component.insert(component.to_string(), ty.clone());
            self.define(&name, schema, component);
            ty
        } else {
            let ty = self.inline(schema, component, component);
            self.by_component.insert(component.to_string(), ty.clone());
            ty
        }
    }

    /// A schema that needs no definition of its own, or one defined under a new name.
    fn inline(&mut self, schema: &Value, hint: &str, source: &str) -> Ty {
        let spec = self.spec;
        if let Some(values) = string_enum(spec, schema) {
            return self.enum_type(values, hint, source);
        }
        if needs_name(spec, schema) {
            // Identical inline shapes share one type.
            let key = schema.to_string();
            if let Some(t) = self.inline_cache.get(&key) {
                return t.clone();
            }
            let name = self.unique(hint);
            self.inline_cache.insert(key, Ty::Named(name.clone()));
            self.define(&name, schema, &format!("inline in {source}"));
            return Ty::Named(name);
        }
        let ty = schema.get("type").and_then(Value::as_str);
        let format = schema.get("format").and_then(Value::as_str);
        match ty {
            Some("array") => {
                let items = schema.get("items").cloned().unwrap_or(Value::Null);
                Ty::Vec(Box::new(self.ty_of(&items, &format!("{hint}Item"))))
            }
            Some("string") => match format {
                Some("date-time") => Ty::Timestamp,
                _ => Ty::Str,
            },
            Some("integer") => match format {
                Some("int32") => Ty::I32,
                _ => Ty::I64,
            },
            Some("number") => Ty::F64,
            Some("boolean") => Ty::Bool,
            _ => match schema.get("additionalProperties") {
                Some(ap @ Value::Object(o)) if !o.is_empty() => {
                    Ty::Map(Box::new(self.ty_of(ap, &format!("{hint}Value"))))
                }
                Some(_) => Ty::Map(Box::new(Ty::Json)),
                None => Ty::Json,
            },
        }
    }

    fn enum_type(&mut self, values: Vec<String>, hint: &str, source: &str) -> Ty {
        let key: BTreeSet<String> = values.iter().cloned().collect();
        if let Some(name) = self.enums.get(&key) {
            return Ty::Named(name.clone());
        }
        let name = self.unique(hint);
        self.enums.insert(key, name.clone());
        self.types.insert(
            name.clone(),
            TypeDef {
                name: name.clone(),
                source: source.to_string(),
                kind: Kind::Enum(values),
                tag: None,
            },
        );
        Ty::Named(name)
    }

    fn define(&mut self, name: &str, schema: &Value, source: &str) {
        let spec = self.spec;
        let schema = resolve(spec, schema);
        // Placeholder against recursion.
        self.types.insert(
            name.to_string(),
            TypeDef {
                name: name.to_string(),
                source: source.to_string(),
                kind: Kind::Struct(Vec::new()),
                tag: None,
            },
        );
        let kind = if let Some(kind) = self.union(name, schema) {
            kind
        } else {
            Kind::Struct(self.fields(name, schema))
        };
        self.types.insert(
            name.to_string(),
            TypeDef {
                name: name.to_string(),
                source: source.to_string(),
                kind,
                tag: None,
            },
        );
    }

    fn fields(&mut self, owner: &str, schema: &Value) -> Vec<Field> {
        let spec = self.spec;
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        collect_props(spec, schema, &mut props, &mut required, 0);
        let mut fields = Vec::new();
        let mut used = BTreeSet::new();
        for (api, prop) in props {
            let mut ty = self.ty_of(&prop, &format!("{owner}{}", type_name(&api)));
            if ty == Ty::Str && SECRET_MEMBERS.contains(&api.as_str()) {
                ty = Ty::Secret;
            }
            let mut rust = field_name(&api);
            while !used.insert(rust.clone()) {
                rust.push('_');
            }
            // A string whose pattern is an id type's is that id type, as a path value is.
            let mut rules = rules_of(spec, &prop);
            if let Some(id) = crate::plan::id_type(&api, &ty, &rules) {
                ty = Ty::Id(id);
                rules.pattern = None;
            }
            fields.push(Field {
                required: required.contains(&api),
                read_only: own_flag(&prop, "readOnly"),
                write_only: own_flag(&prop, "writeOnly"),
                nullable: flag(spec, &prop, "nullable"),
                boxed: false,
                rules,
                api,
                rust,
                ty,
            });
        }
        fields
    }

    fn union(&mut self, name: &str, schema: &Value) -> Option<Kind> {
        let spec = self.spec;
        let alternatives = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array);
        let discriminator = schema.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let mapping = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object);
        if let (Some(property), Some(mapping)) = (property, mapping) {
            // Targets in mapping order, each with every value that selects it.
            let mut targets: Vec<(String, Vec<String>)> = Vec::new();
            for (value, target) in mapping {
                let Some(target) = target.as_str() else {
                    continue;
                };
                match targets.iter_mut().find(|(t, _)| t == target) {
                    Some((_, values)) => values.push(value.clone()),
                    None => targets.push((target.to_string(), vec![value.clone()])),
                }
            }
            let mut variants = Vec::new();
            let mut names = BTreeSet::new();
            for (target, tags) in targets {
                let component = target.trim_start_matches("#/components/schemas/");
                let self_target = self
                    .by_component
                    .get(component)
                    .is_some_and(|t| *t == Ty::Named(name.to_string()));
                let ty = if self_target {
                    // The parent maps a value to itself: its own members.
                    let base = self.unique(&format!("{name}Fields"));
                    let fields = self.fields(&base, schema);
                    self.types.insert(
                        base.clone(),
                        TypeDef {
                            name: base.clone(),
                            source: format!("members of {name}"),
                            kind: Kind::Struct(fields),
                            tag: None,
                        },
                    );
                    Ty::Named(base)
                } else {
                    self.component(component)
                };
                let mut vname = type_name(component);
                if let Some(stripped) = vname.strip_prefix(name)
                    && !stripped.is_empty()
                    && !stripped.starts_with(|c: char| c.is_ascii_digit())
                {
                    vname = stripped.to_string();
                }
                while !names.insert(vname.clone()) {
                    vname.push('_');
                }
                variants.push(Variant {
                    name: vname,
                    ty,
                    tags,
                    declared: true,
                });
            }
            return Some(Kind::Union {
                property: Some(property.to_string()),
                variants,
            });
        }
        let alternatives = alternatives?;
        // Without a discriminator: dispatch on a member whose enum values tell the
        // variants apart, `Default…` variants last; else try each in order.
        let mut variants = Vec::new();
        let mut names = BTreeSet::new();
        for (i, alt) in alternatives.iter().enumerate() {
            let component = alt
                .get("$ref")
                .and_then(Value::as_str)
                .map(|r| r.trim_start_matches("#/components/schemas/").to_string());
            let hint = match &component {
                Some(c) => c.clone(),
                None => format!("{name}Variant{}", i + 1),
            };
            let ty = self.ty_of(alt, &hint);
            let mut vname = match &ty {
                Ty::Named(n) => n.clone(),
                _ => format!("Variant{}", i + 1),
            };
            while !names.insert(vname.clone()) {
                vname.push('_');
            }
            variants.push(Variant {
                name: vname,
                ty,
                tags: Vec::new(),
                declared: false,
            });
        }
        let property = implicit_discriminator(spec, alternatives);
        if let Some((prop, sets)) = &property {
            for (v, set) in variants.iter_mut().zip(sets) {
                v.tags = set.clone();
            }
            let _ = prop;
            // Fallback variants (named Default…) are tried last.
            variants.sort_by_key(|v| v.name.starts_with("Default"));
        }
        Some(Kind::Union {
            property: property.map(|(p, _)| p),
            variants,
        })
    }

    /// Takes the discriminator member out of each union variant that exactly one value of
    /// one discriminator selects, everywhere it is used, and records the value as the
    /// variant's tag (see [`TypeDef::tag`]): a value of the AWS region config is one with
    /// `providerName: "AWS"`, and no caller can leave it out or contradict it.
    pub fn imply_discriminators(&mut self) {
        let mut selected: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
        let mut many: BTreeSet<String> = BTreeSet::new();
        for def in self.types.values() {
            let Kind::Union {
                property: Some(property),
                variants,
            } = &def.kind
            else {
                continue;
            };
            for v in variants.iter().filter(|v| v.declared) {
                let Ty::Named(n) = &v.ty else { continue };
                match v.tags.as_slice() {
                    [one] => {
                        selected
                            .entry(n.clone())
                            .or_default()
                            .insert((property.clone(), one.clone()));
                    }
                    _ => {
                        many.insert(n.clone());
                    }
                }
            }
        }
        for (name, tags) in selected {
            if many.contains(&name) || tags.len() != 1 {
                continue;
            }
            let Some((property, value)) = tags.into_iter().next() else {
                continue;
            };
            let Some(def) = self.types.get_mut(&name) else {
                continue;
            };
            let Kind::Struct(fields) = &mut def.kind else {
                continue;
            };
            let Some(at) = fields.iter().position(|f| f.api == property) else {
                continue;
            };
            fields.remove(at);
            def.tag = Some((property, value));
        }
    }

    /// Marks fields that must be boxed: a direct reference back to their own struct.
    pub fn box_cycles(&mut self) {
        let names: Vec<String> = self.types.keys().cloned().collect();
        for name in names {
            let Some(TypeDef {
                kind: Kind::Struct(fields),
                ..
            }) = self.types.get(&name)
            else {
                continue;
            };
            let boxed: Vec<bool> = fields
                .iter()
                .map(|f| match &f.ty {
                    Ty::Named(t) => self.reaches_directly(t, &name, &mut BTreeSet::new()),
                    _ => false,
                })
                .collect();
            if let Some(TypeDef {
                kind: Kind::Struct(fields),
                ..
            }) = self.types.get_mut(&name)
            {
                for (f, b) in fields.iter_mut().zip(boxed) {
                    f.boxed = b;
                }
            }
        }
    }

    fn reaches_directly(&self, from: &str, to: &str, seen: &mut BTreeSet<String>) -> bool {
        if from == to {
            return true;
        }
        if !seen.insert(from.to_string()) {
            return false;
        }
        match self.types.get(from).map(|t| &t.kind) {
            Some(Kind::Struct(fields)) => fields.iter().any(|f| match &f.ty {
                Ty::Named(t) => self.reaches_directly(t, to, seen),
                _ => false,
            }),
            _ => false,
        }
    }

    /// The named types a type refers to.
    pub fn edges(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        match self.types.get(name).map(|t| &t.kind) {
            Some(Kind::Struct(fields)) => {
                for f in fields {
                    f.ty.names(&mut out);
                }
            }
            Some(Kind::Union { variants, .. }) => {
                for v in variants {
                    v.ty.names(&mut out);
                }
            }
            _ => {}
        }
        out
    }
}

/// Whether the property *itself* is `readOnly` (or `writeOnly`): its own flag, or one
/// written beside the `$ref` in an `allOf` (`{allOf: [{$ref: …}, {readOnly: true}]}`).
///
/// **The rule for what a request leaves out:** a member is left out of requests only where
/// the property itself is read-only, never because the component schema it refers to is
/// marked so. The spec marks some shared components read-only
/// (`DedicatedHardwareSpec20240805`, `BaseCloudProviderInstanceSize`, …) because they are
/// read-only where *they* were first used, while other properties that refer to them
/// (`analyticsSpecs`, `readOnlySpecs`, `compute.minInstanceSize`) are what users set:
/// reading the flag through the `$ref` silently dropped those members from requests. The
/// same holds for `writeOnly` and responses.
pub fn own_flag(prop: &Value, key: &str) -> bool {
    let set = |v: &Value| v.get(key).and_then(Value::as_bool) == Some(true);
    set(prop)
        || prop
            .get("allOf")
            .and_then(Value::as_array)
            .is_some_and(|parts| parts.iter().any(|p| p.get("$ref").is_none() && set(p)))
}

fn flag(spec: &Value, prop: &Value, key: &str) -> bool {
    prop.get(key).and_then(Value::as_bool) == Some(true)
        || resolve(spec, prop).get(key).and_then(Value::as_bool) == Some(true)
}

/// Whether a schema becomes a named struct or union (not a primitive, array, map or enum).
fn needs_name(spec: &Value, schema: &Value) -> bool {
    let schema = resolve(spec, schema);
    if string_enum(spec, schema).is_some() {
        return false;
    }
    if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() {
        return true;
    }
    if schema.get("discriminator").is_some() {
        return true;
    }
    let mut props = Vec::new();
    let mut required = BTreeSet::new();
    collect_props(spec, schema, &mut props, &mut required, 0);
    !props.is_empty()
}

/// The values of a string enum, or of a union whose alternatives are all string enums.
pub fn string_enum(spec: &Value, schema: &Value) -> Option<Vec<String>> {
    let schema = resolve(spec, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if schema.get("type").and_then(Value::as_str) == Some("string")
            || values.iter().all(Value::is_string)
        {
            let mut out: Vec<String> = Vec::new();
            for v in values.iter().filter_map(Value::as_str) {
                if !out.iter().any(|o| o == v) {
                    out.push(v.to_string());
                }
            }
            return (!out.is_empty()).then_some(out);
        }
        return None;
    }
    let alts = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)?;
    let mut out: Vec<String> = Vec::new();
    for alt in alts {
        for v in string_enum(spec, alt)? {
            if !out.contains(&v) {
                out.push(v);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Properties (in order) and required names of an object schema, through `allOf`.
pub fn collect_props(
    spec: &Value,
    schema: &Value,
    props: &mut Vec<(String, Value)>,
    required: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    let schema = resolve(spec, schema);
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            collect_props(spec, s, props, required, depth + 1);
        }
    }
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in p {
            match props.iter_mut().find(|(n, _)| n == name) {
                // The child's own declaration wins over its parent's.
                Some(slot) => slot.1 = prop.clone(),
                None => props.push((name.clone(), prop.clone())),
            }
        }
    }
    if let Some(r) = schema.get("required").and_then(Value::as_array) {
        required.extend(r.iter().filter_map(Value::as_str).map(str::to_string));
    }
}

/// A member present in every alternative whose enum values tell them apart (overlaps go
/// to the first alternative that has the value, `Default…` ones last).
fn implicit_discriminator(spec: &Value, alts: &[Value]) -> Option<(String, Vec<Vec<String>>)> {
    let mut per_alt: Vec<BTreeMap<String, Vec<String>>> = Vec::new();
    for alt in alts {
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        collect_props(spec, alt, &mut props, &mut required, 0);
        let enums: BTreeMap<String, Vec<String>> = props
            .iter()
            .filter_map(|(n, p)| Some((n.clone(), string_enum(spec, p)?)))
            .collect();
        per_alt.push(enums);
    }
    let first = per_alt.first()?;
    'candidates: for name in first.keys() {
        let mut sets = Vec::new();
        for enums in &per_alt {
            match enums.get(name) {
                Some(values) => sets.push(values.clone()),
                None => continue 'candidates,
            }
        }
        let distinct: BTreeSet<&Vec<String>> = sets.iter().collect();
        if distinct.len() == sets.len() {
            return Some((name.clone(), sets));
        }
    }
    None
}

/// The rules of a value: pattern (of the value or of each item), range, length, default.
pub fn rules_of(spec: &Value, schema: &Value) -> Rules {
    // A default beside a `$ref` (or an `allOf`) is the property's own, and wins.
    let default = schema
        .get("default")
        .or_else(|| resolve(spec, schema).get("default"))
        .filter(|v| v.is_boolean() || v.is_number() || v.is_string())
        .cloned();
    let schema = resolve(spec, schema);
    let is_array = schema.get("type").and_then(Value::as_str) == Some("array")
        || schema.get("items").is_some();
    let num = |k: &str| schema.get(k).filter(|v| v.is_number()).cloned();
    let bound = |limit: &str, exclusive: &str| -> Option<(Value, bool)> {
        match schema.get(exclusive) {
            Some(v) if v.is_number() => Some((v.clone(), true)),
            Some(Value::Bool(e)) => num(limit).map(|v| (v, *e)),
            _ => num(limit).map(|v| (v, false)),
        }
    };
    let u = |k: &str| schema.get(k).and_then(Value::as_u64);
    if is_array {
        let items = schema
            .get("items")
            .map(|i| resolve(spec, i))
            .unwrap_or(&Value::Null);
        Rules {
            pattern: items
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_string),
            min: bound("minimum", "exclusiveMinimum"),
            max: bound("maximum", "exclusiveMaximum"),
            min_len: u("minItems"),
            max_len: u("maxItems"),
            default,
        }
    } else {
        Rules {
            pattern: schema
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_string),
            min: bound("minimum", "exclusiveMinimum"),
            max: bound("maximum", "exclusiveMaximum"),
            min_len: u("minLength"),
            max_len: u("maxLength"),
            default,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields_of(spec: &Value, component: &str) -> Vec<Field> {
        let mut models = Models::new(spec);
        let Ty::Named(name) = models.ty_of(
            &serde_json::json!({ "$ref": format!("#/components/schemas/{component}") }),
            component,
        ) else {
            panic!("{component} is not a named type");
        };
        match &models.types[&name].kind {
            Kind::Struct(fields) => fields.clone(),
            other => panic!("{component} is {other:?}"),
        }
    }

    /// A member is read-only (left out of requests) only where the property itself says so,
    /// never because the component it refers to is marked read-only.
    #[test]
    fn read_only_is_the_propertys_own() {
        let spec = serde_json::json!({ "components": { "schemas": {
            "Size": { "type": "string", "enum": ["M10", "M20"], "readOnly": true },
            "Hardware": {
                "type": "object", "readOnly": true,
                "properties": { "instanceSize": { "type": "string" } }
            },
            "Options": {
                "type": "object", "writeOnly": true,
                "properties": { "locale": { "type": "string" } }
            },
            "Region": {
                "type": "object",
                "properties": {
                    "analyticsSpecs": { "$ref": "#/components/schemas/Hardware" },
                    "minInstanceSize": { "$ref": "#/components/schemas/Size" },
                    "collation": { "$ref": "#/components/schemas/Options" },
                    "effectiveSpecs": {
                        "allOf": [{ "$ref": "#/components/schemas/Hardware" }],
                        "readOnly": true
                    },
                    "currentSize": {
                        "allOf": [{ "$ref": "#/components/schemas/Size" }, { "readOnly": true }]
                    },
                    "id": { "type": "string", "readOnly": true },
                    "secret": { "type": "string", "writeOnly": true }
                }
            }
        }}});
        let fields = fields_of(&spec, "Region");
        let flags = |api: &str| {
            let f = fields.iter().find(|f| f.api == api).expect(api);
            (f.read_only, f.write_only)
        };
        assert_eq!(flags("analyticsSpecs"), (false, false));
        assert_eq!(flags("minInstanceSize"), (false, false));
        assert_eq!(flags("collation"), (false, false));
        assert_eq!(flags("effectiveSpecs"), (true, false));
        assert_eq!(flags("currentSize"), (true, false));
        assert_eq!(flags("id"), (true, false));
        assert_eq!(flags("secret"), (false, true));
    }
}
