//! `atlas-mock-gen`: writes `mock/src/spec/table.rs`, the emulator's routing and
//! validation tables, from the official OpenAPI spec.
//!
//! ```sh
//! cargo run -p atlas-mock-gen            # regenerate (spec: $ATLAS_OPENAPI_SPEC or ../shared/atlas-openapi/v2.yaml)
//! cargo run -p atlas-mock-gen -- --check # exit 1 if the checked-in table is stale (CI)
//! ```
//!
//! The table holds facts only: methods, path templates, parameter names, patterns,
//! bounds and enums, versions, sunset dates, success statuses, required body members and
//! their JSON types, the roles class an operation needs, the component schema each JSON
//! answer is made of (its name only), and for each JSON answer a minimal instance of its
//! schema (required members, plus scalar members whose example
//! in the spec matches its own schema); and the resources with a state: the GETs whose
//! answer has a `state`, `stateName`, `status` or `statusName` of enum values, at the top
//! level or in the forms of a `oneOf` (the member, its values, the answer's members and
//! their types, and each form's state member by its discriminator's value). No
//! description prose is copied: the spec's text
//! is licensed CC BY-NC-SA.
//!
//! This is the emulator's own reading of the spec; the SDK's generator (`codegen/`)
//! reads it separately, so that the emulator and the SDK keep checking each other.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use atlas_mock_gen::spec;
use regex::bytes::{Regex, RegexBuilder};
use serde_json::{Map, Value};

const METHODS: &[&str] = &["get", "post", "put", "patch", "delete"];
const MEDIA_PREFIX: &str = "application/vnd.atlas.";
/// The names of a resource's state member, in the order they are looked for.
const STATE_MEMBERS: &[&str] = &["state", "stateName", "status", "statusName"];

fn main() -> ExitCode {
    let mut check = false;
    let mut spec_path = None;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--check" => check = true,
            "-h" | "--help" => {
                println!("usage: atlas-mock-gen [--check] [SPEC]");
                return ExitCode::SUCCESS;
            }
            other => spec_path = Some(PathBuf::from(other)),
        }
    }
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let spec_path = spec_path.unwrap_or_else(spec::path);
    let out_path = manifest.join("../src/spec/table.rs");
    let spec: Value = match spec::load(&spec_path) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("atlas-mock-gen: {e}");
            return ExitCode::FAILURE;
        }
    };
    let source = match generate(&spec) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("atlas-mock-gen: {e}");
            return ExitCode::FAILURE;
        }
    };
    if check {
        let current = std::fs::read_to_string(&out_path).unwrap_or_default();
        if current == source {
            println!("{} is up to date", out_path.display());
            ExitCode::SUCCESS
        } else {
            eprintln!(
                "{} is stale: run `cargo run -p atlas-mock-gen` and commit it",
                out_path.display()
            );
            ExitCode::FAILURE
        }
    } else if let Err(e) = std::fs::write(&out_path, source) {
        eprintln!("atlas-mock-gen: cannot write {}: {e}", out_path.display());
        ExitCode::FAILURE
    } else {
        println!("wrote {}", out_path.display());
        ExitCode::SUCCESS
    }
}

/// Values interned in first-use order, so the output is stable.
#[derive(Default)]
struct Interner {
    index: BTreeMap<String, usize>,
    items: Vec<String>,
}

impl Interner {
    fn intern(&mut self, item: String) -> usize {
        if let Some(&i) = self.index.get(&item) {
            return i;
        }
        self.index.insert(item.clone(), self.items.len());
        self.items.push(item);
        self.items.len() - 1
    }
}

struct Gen<'a> {
    spec: &'a Value,
    /// The schema of a media type that declares none.
    empty: &'a Value,
    patterns: Interner,
    enums: Interner,
    params: Interner,
    bodies: Interner,
    answers: Interner,
    compiled: BTreeMap<String, Option<Regex>>,
}

/// A pattern as the (Java) server reads it: `\d`, `\w` ASCII; `\p{…}` Unicode. `None`
/// when the regex crate cannot express it (look-around).
fn compile(pattern: &str) -> Option<Regex> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .build()
        .or_else(|_| RegexBuilder::new(pattern).build())
        .ok()
}

fn lit(s: &str) -> String {
    format!("{s:?}")
}

fn generate(spec: &Value) -> Result<String, String> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no paths")?;
    let empty = Value::Object(Map::new());
    let mut g = Gen {
        spec,
        empty: &empty,
        patterns: Interner::default(),
        enums: Interner::default(),
        params: Interner::default(),
        bodies: Interner::default(),
        answers: Interner::default(),
        compiled: BTreeMap::new(),
    };
    let mut ops = Vec::new();
    let mut states = Vec::new();
    let mut sorted: Vec<(&String, &Value)> = paths.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (path, item) in sorted {
        for method in METHODS {
            if let Some(op) = item.get(*method) {
                ops.push(g.operation(path, method, item, op)?);
            }
        }
        if let Some(state) = item.get("get").and_then(|op| g.state(op)) {
            states.push(state);
        }
    }
    let mut out = String::new();
    out.push_str(
        "// @generated by atlas-mock-gen from the Atlas Admin API v2 OpenAPI spec: facts only\n\
         // (methods, paths, parameters, versions, statuses, schema shapes), no prose.\n\
         // Do not edit: run `cargo run -p atlas-mock-gen`; CI runs it with `--check`.\n\n\
         use super::model::{Answer as A, Body as B, Kind as K, Member as M, Need as N, Operation as O, Param as P, State as S, StateForm as F, Version as V};\n\n",
    );
    let _ = writeln!(out, "/// Patterns of path and query values.");
    let _ = writeln!(out, "pub(crate) static PATTERNS: &[&str] = &[");
    for p in &g.patterns.items {
        let _ = writeln!(out, "    {},", lit(p));
    }
    out.push_str(
        "];\n\n/// Enumerations of query values.\npub(crate) static ENUMS: &[&[&str]] = &[\n",
    );
    for e in &g.enums.items {
        let _ = writeln!(out, "    &[{e}],");
    }
    out.push_str("];\n\n/// Path and query parameters.\npub(crate) static PARAMS: &[P] = &[\n");
    for p in &g.params.items {
        let _ = writeln!(out, "    {p},");
    }
    out.push_str("];\n\n/// Request bodies.\npub(crate) static BODIES: &[B] = &[\n");
    for b in &g.bodies.items {
        let _ = writeln!(out, "    {b},");
    }
    out.push_str("];\n\n/// Minimal schema-valid answers (JSON text).\npub(crate) static ANSWERS: &[&str] = &[\n");
    for a in &g.answers.items {
        let _ = writeln!(out, "    {},", lit(a));
    }
    out.push_str("];\n\n/// Every operation of the spec, by path then method.\npub(crate) static OPERATIONS: &[O] = &[\n");
    for o in &ops {
        let _ = writeln!(out, "    {o},");
    }
    out.push_str("];\n\n/// GET operations whose JSON answer has a state member, by path.\npub(crate) static STATES: &[S] = &[\n");
    for s in &states {
        let _ = writeln!(out, "    {s},");
    }
    out.push_str("];\n");
    Ok(out)
}

impl<'a> Gen<'a> {
    /// Follows local `$ref`s (`null` for one that leads nowhere).
    fn resolve(&self, node: &'a Value) -> &'a Value {
        spec::resolve(self.spec, node)
    }

    fn pattern_index(&mut self, p: &str) -> usize {
        self.patterns.intern(p.to_owned())
    }

    fn matches(&mut self, pattern: &str, value: &str) -> bool {
        let re = self
            .compiled
            .entry(pattern.to_owned())
            .or_insert_with(|| compile(pattern));
        re.as_ref().is_none_or(|re| re.is_match(value.as_bytes()))
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        item: &'a Value,
        op: &'a Value,
    ) -> Result<String, String> {
        let id = op
            .get("operationId")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("{method} {path} has no operationId"))?;
        // Parameters: the path item's, then the operation's (which win by name).
        let mut params: Vec<(String, usize)> = Vec::new();
        for list in [item.get("parameters"), op.get("parameters")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_array)
        {
            for p in list {
                let p = self.resolve(p);
                let Some(name) = p.get("name").and_then(Value::as_str) else {
                    continue;
                };
                let at = p.get("in").and_then(Value::as_str).unwrap_or("");
                if at != "path" && at != "query" {
                    continue;
                }
                let idx = self.param(p, name, at == "query");
                params.retain(|(n, _)| n != name);
                params.push((name.to_owned(), idx));
            }
        }
        let auth = op
            .get("security")
            .and_then(Value::as_array)
            .is_none_or(|s| !s.is_empty());
        let need = need(op.get("x-rolesRequirements"), path);
        let versions = self.versions(op)?;
        let param_list: Vec<String> = params.iter().map(|(_, i)| i.to_string()).collect();
        Ok(format!(
            "O {{ id: {}, method: {}, path: {}, auth: {auth}, need: {need}, params: &[{}], versions: &[{}] }}",
            lit(id),
            lit(&method.to_ascii_uppercase()),
            lit(path),
            param_list.join(", "),
            versions.join(", ")
        ))
    }

    /// A GET whose JSON answer has a member named [`STATE_MEMBERS`] with string enum
    /// values (through `$ref` and `allOf`), at the top level or in the forms of a
    /// `oneOf`/`anyOf` (each form with the answer's own members): the member (the
    /// top-level one, else the first form's), the values of every such member, the
    /// answer's members of every form with their JSON types (those of one type
    /// everywhere), and the forms by their discriminator's value with their own state
    /// member (empty for a form without one). The versions read are those without a
    /// sunset, or every version when each has one (the emulator still serves them).
    fn state(&self, op: &'a Value) -> Option<String> {
        let id = op.get("operationId").and_then(Value::as_str)?;
        let mut member: Option<&str> = None;
        let mut values: Vec<String> = Vec::new();
        let mut members: BTreeMap<String, Option<&'static str>> = BTreeMap::new();
        let mut on: Option<&str> = None;
        let mut forms: BTreeMap<String, (&str, Vec<String>)> = BTreeMap::new();
        let ok = op
            .get("responses")
            .and_then(|r| r.get("200"))
            .map(|r| self.resolve(r))
            .and_then(|r| r.get("content"))
            .and_then(Value::as_object);
        let json: Vec<&Value> = ok
            .into_iter()
            .flatten()
            .filter(|(media, _)| parse_media(media).is_some_and(|(_, f)| f == "Json"))
            .map(|(_, body)| body)
            .collect();
        let live = json.iter().any(|b| b.get("x-sunset").is_none());
        for body in json {
            if live && body.get("x-sunset").is_some() {
                continue;
            }
            let schema = body.get("schema").unwrap_or(self.empty);
            let mut props = BTreeMap::new();
            let mut must = Vec::new();
            self.object_shape(schema, &mut props, &mut must, 0);
            let top = self.state_member(&props);
            // The forms: the answer's members and each form's own.
            let mut shapes = vec![props.clone()];
            let mut found_in_forms = Vec::new();
            if top.is_none() {
                let (property, mapping) = self.discriminator(schema, 0);
                for form in self.forms(schema, 0) {
                    let mut shape = props.clone();
                    self.object_shape(form, &mut shape, &mut must, 0);
                    let own = self.state_member(&shape);
                    let target = form.get("$ref").and_then(Value::as_str);
                    let when = mapping
                        .iter()
                        .filter(|(_, r)| Some(*r) == target)
                        .map(|(w, _)| (*w).to_owned())
                        .next();
                    if let (Some(p), Some(when)) = (property, when) {
                        on.get_or_insert(p);
                        let (m, v) = own.clone().unwrap_or(("", Vec::new()));
                        let entry = forms.entry(when).or_insert((m, Vec::new()));
                        entry.1.extend(v);
                    }
                    if let Some(own) = own {
                        found_in_forms.push(own);
                    }
                    shapes.push(shape);
                }
            }
            let found: Vec<(&str, Vec<String>)> = top.into_iter().chain(found_in_forms).collect();
            let Some((name, _)) = found.first() else {
                continue;
            };
            member.get_or_insert(name);
            for (_, v) in found {
                values.extend(v);
            }
            for shape in shapes {
                for (prop, schema) in shape {
                    let k = kind(self.resolve(schema));
                    let k = (k != "K::Any").then_some(k);
                    members
                        .entry(prop)
                        .and_modify(|was| {
                            if *was != k {
                                *was = None;
                            }
                        })
                        .or_insert(k);
                }
            }
        }
        let member = member?;
        let list = |mut v: Vec<String>| {
            v.sort();
            v.dedup();
            v.iter().map(|v| lit(v)).collect::<Vec<_>>().join(", ")
        };
        let members: Vec<String> = members
            .iter()
            .filter_map(|(n, k)| Some(format!("M {{ name: {}, kind: {} }}", lit(n), (*k)?)))
            .collect();
        let forms: Vec<String> = forms
            .into_iter()
            .map(|(when, (m, v))| {
                format!(
                    "F {{ when: {}, member: {}, values: &[{}] }}",
                    lit(&when),
                    lit(m),
                    list(v)
                )
            })
            .collect();
        Some(format!(
            "S {{ get: {}, member: {}, values: &[{}], members: &[{}], on: {}, forms: &[{}] }}",
            lit(id),
            lit(member),
            list(values),
            members.join(", "),
            lit(on.unwrap_or("")),
            forms.join(", ")
        ))
    }

    /// The first of [`STATE_MEMBERS`] among `props` with string enum values, and those.
    fn state_member(
        &self,
        props: &BTreeMap<String, &'a Value>,
    ) -> Option<(&'static str, Vec<String>)> {
        STATE_MEMBERS.iter().find_map(|m| {
            let mut v = Vec::new();
            self.state_values(props.get(*m)?, &mut v, 0);
            (!v.is_empty()).then_some((*m, v))
        })
    }

    /// The `oneOf`/`anyOf` forms of a schema (through `$ref` and `allOf`).
    fn forms(&self, schema: &'a Value, depth: usize) -> Vec<&'a Value> {
        let schema = self.resolve(schema);
        if depth > 8 {
            return Vec::new();
        }
        let mut out: Vec<&'a Value> = ["oneOf", "anyOf"]
            .iter()
            .filter_map(|k| schema.get(*k).and_then(Value::as_array))
            .flatten()
            .collect();
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.extend(self.forms(part, depth + 1));
        }
        out
    }

    /// A schema's discriminator (through `$ref` and `allOf`): its property and its
    /// mapping (value, `$ref`).
    fn discriminator(
        &self,
        schema: &'a Value,
        depth: usize,
    ) -> (Option<&'a str>, Vec<(&'a str, &'a str)>) {
        let schema = self.resolve(schema);
        if depth > 8 {
            return (None, Vec::new());
        }
        if let Some(d) = schema.get("discriminator") {
            let property = d.get("propertyName").and_then(Value::as_str);
            let mapping = d
                .get("mapping")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.as_str(), v.as_str()?)))
                .collect();
            return (property, mapping);
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let found = self.discriminator(part, depth + 1);
            if found.0.is_some() {
                return found;
            }
        }
        (None, Vec::new())
    }

    /// The string enum values of a state member, through `$ref` and `allOf`.
    fn state_values(&self, schema: &'a Value, out: &mut Vec<String>, depth: usize) {
        let schema = self.resolve(schema);
        if depth > 8 {
            return;
        }
        if let Some(e) = schema.get("enum").and_then(Value::as_array) {
            out.extend(e.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.state_values(part, out, depth + 1);
        }
    }

    fn param(&mut self, p: &'a Value, name: &str, query: bool) -> usize {
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let schema = self.resolve(p.get("schema").unwrap_or(&Value::Null));
        let (array, schema) = if schema.get("type").and_then(Value::as_str) == Some("array") {
            (
                true,
                self.resolve(schema.get("items").unwrap_or(&Value::Null)),
            )
        } else {
            (false, schema)
        };
        let kind = match kind(schema) {
            "K::Any" => "K::Str",
            k => k,
        };
        let pattern = schema
            .get("pattern")
            .and_then(Value::as_str)
            .map(|s| self.pattern_index(s));
        let (min, max) = bounds(schema);
        let enumeration = self.enumeration(schema);
        let opt = |v: Option<String>| v.map_or("None".to_owned(), |v| format!("Some({v})"));
        self.params.intern(format!(
            "P {{ name: {}, query: {query}, required: {required}, kind: {kind}, array: {array}, pattern: {}, min: {}, max: {}, enumeration: {} }}",
            lit(name),
            opt(pattern.map(|i| i.to_string())),
            opt(min.map(|v| format!("{v:?}"))),
            opt(max.map(|v| format!("{v:?}"))),
            opt(enumeration.map(|i| i.to_string())),
        ))
    }

    /// The string values of an enum (or of a `oneOf` of enums), interned.
    fn enumeration(&mut self, schema: &'a Value) -> Option<usize> {
        let mut values = Vec::new();
        self.collect_enum(schema, &mut values, 0);
        if values.is_empty() {
            return None;
        }
        values.sort();
        values.dedup();
        let text: Vec<String> = values.iter().map(|v| lit(v)).collect();
        Some(self.enums.intern(text.join(", ")))
    }

    fn collect_enum(&self, schema: &'a Value, out: &mut Vec<String>, depth: usize) {
        let schema = self.resolve(schema);
        if depth > 4 {
            return;
        }
        if let Some(e) = schema.get("enum").and_then(Value::as_array) {
            out.extend(e.iter().filter_map(Value::as_str).map(str::to_owned));
        }
        for key in ["oneOf", "anyOf"] {
            for alt in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                self.collect_enum(alt, out, depth + 1);
            }
        }
    }

    /// One `V { … }` per media-type date of the operation.
    fn versions(&mut self, op: &'a Value) -> Result<Vec<String>, String> {
        struct Ver<'v> {
            formats: Vec<&'static str>,
            status: Option<u16>,
            answer: Option<&'v Value>,
            body: Option<&'v Value>,
            sunset: Option<String>,
        }
        let mut by_date: BTreeMap<String, Ver<'a>> = BTreeMap::new();
        let mut fallback_status = None;
        let responses = op.get("responses").and_then(Value::as_object);
        let mut codes: Vec<(&String, &Value)> = responses
            .into_iter()
            .flatten()
            .filter(|(c, _)| c.starts_with('2'))
            .collect();
        codes.sort_by(|a, b| a.0.cmp(b.0));
        for (code, response) in codes {
            let status: u16 = code.parse().map_err(|_| format!("status {code}"))?;
            let response = self.resolve(response);
            let content = response.get("content").and_then(Value::as_object);
            if content.is_none_or(Map::is_empty) {
                fallback_status.get_or_insert(status);
            }
            for (media, body) in content.into_iter().flatten() {
                let Some((date, format)) = parse_media(media) else {
                    continue;
                };
                let v = by_date.entry(date.to_owned()).or_insert(Ver {
                    formats: Vec::new(),
                    status: None,
                    answer: None,
                    body: None,
                    sunset: None,
                });
                v.status.get_or_insert(status);
                if !v.formats.contains(&format) {
                    v.formats.push(format);
                }
                if format == "Json" {
                    // A media type without a schema still answers JSON: `{}`.
                    v.answer = Some(body.get("schema").unwrap_or(self.empty));
                }
                if let Some(s) = body.get("x-sunset").and_then(Value::as_str) {
                    v.sunset = Some(s.to_owned());
                }
            }
        }
        let request = op.get("requestBody").map(|b| self.resolve(b));
        let body_required = request
            .and_then(|b| b.get("required"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        for (media, body) in request
            .and_then(|b| b.get("content"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let Some((date, _)) = parse_media(media) else {
                continue;
            };
            let v = by_date.entry(date.to_owned()).or_insert(Ver {
                formats: Vec::new(),
                status: None,
                answer: None,
                body: None,
                sunset: None,
            });
            v.body = body.get("schema");
        }
        if by_date.is_empty() {
            // An operation that names its version only on itself.
            if let Some(v) = op.get("x-xgen-version").and_then(Value::as_str) {
                by_date.insert(
                    v.to_owned(),
                    Ver {
                        formats: Vec::new(),
                        status: None,
                        answer: None,
                        body: None,
                        sunset: None,
                    },
                );
            }
        }
        let mut out = Vec::new();
        for (date, v) in by_date {
            let status = v.status.or(fallback_status).unwrap_or(200);
            let body = match v.body {
                Some(schema) => format!("Some({})", self.body(schema, body_required)),
                None => "None".to_owned(),
            };
            let answer = match v.answer {
                Some(schema) => {
                    let mut stack = Vec::new();
                    let value = self
                        .instance(schema, 0, &mut stack, true)
                        .unwrap_or(Value::Object(Map::new()));
                    let text = serde_json::to_string(&value).map_err(|e| e.to_string())?;
                    format!("A::Json({})", self.answers.intern(text))
                }
                None if v.formats.contains(&"Gzip") => "A::Gzip".to_owned(),
                None if v.formats.contains(&"Csv") => "A::Csv".to_owned(),
                None => "A::Empty".to_owned(),
            };
            let csv = v.formats.contains(&"Csv");
            let sunset = v
                .sunset
                .map_or("None".to_owned(), |s| format!("Some({})", lit(&s)));
            let schema = v
                .answer
                .and_then(|a| self.item_schema_name(a))
                .map_or("None".to_owned(), |n| format!("Some({})", lit(n)));
            out.push(format!(
                "V {{ date: {}, status: {status}, body: {body}, answer: {answer}, schema: {schema}, csv: {csv}, sunset: {sunset} }}",
                lit(&date)
            ));
        }
        Ok(out)
    }

    /// The component schema an answer is made of: the one `schema` names, or for a list
    /// document the one each of its `results` names. Versions that answer the same
    /// component carry the same resource shape.
    fn item_schema_name(&self, schema: &'a Value) -> Option<&'a str> {
        let name = |s: &'a Value| {
            s.get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.rsplit('/').next())
        };
        let item = self
            .resolve(schema)
            .get("properties")
            .and_then(|p| p.get("results"))
            .and_then(|r| r.get("items"));
        item.and_then(name).or_else(|| name(schema))
    }

    /// A request body: object or array, the members it must have and the JSON types of
    /// the members it declares (read-only members are never required of a request).
    fn body(&mut self, schema: &'a Value, required: bool) -> usize {
        let schema = self.resolve(schema);
        let (array, max_items, object) =
            if schema.get("type").and_then(Value::as_str) == Some("array") {
                let max = schema.get("maxItems").and_then(Value::as_u64);
                (
                    true,
                    max,
                    self.resolve(schema.get("items").unwrap_or(&Value::Null)),
                )
            } else {
                (false, None, schema)
            };
        let mut props: BTreeMap<String, &'a Value> = BTreeMap::new();
        let mut must: Vec<String> = Vec::new();
        let polymorphic = self.object_shape(object, &mut props, &mut must, 0);
        let mut members = Vec::new();
        if !polymorphic {
            for (name, prop) in &props {
                let prop = self.resolve(prop);
                if prop.get("readOnly") == Some(&Value::Bool(true)) {
                    must.retain(|m| m != name);
                    continue;
                }
                let k = kind(prop);
                if k == "K::Any" {
                    continue;
                }
                members.push(format!("M {{ name: {}, kind: {k} }}", lit(name)));
            }
        } else {
            must.clear();
        }
        must.sort();
        must.dedup();
        let must: Vec<String> = must.iter().map(|m| lit(m)).collect();
        self.bodies.intern(format!(
            "B {{ required: {required}, array: {array}, max_items: {}, must: &[{}], members: &[{}] }}",
            max_items.map_or("None".to_owned(), |m| format!("Some({m})")),
            must.join(", "),
            members.join(", ")
        ))
    }

    /// Gathers an object schema's properties and required names through `allOf`;
    /// returns whether the shape is polymorphic (`oneOf`/`anyOf`), where no member can be
    /// required of every variant.
    fn object_shape(
        &self,
        schema: &'a Value,
        props: &mut BTreeMap<String, &'a Value>,
        must: &mut Vec<String>,
        depth: usize,
    ) -> bool {
        let schema = self.resolve(schema);
        if depth > 8 {
            return true;
        }
        let mut poly = schema.get("oneOf").is_some() || schema.get("anyOf").is_some();
        for part in schema
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            poly |= self.object_shape(part, props, must, depth + 1);
        }
        for (name, prop) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            props.insert(name.clone(), prop);
        }
        must.extend(
            schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned),
        );
        poly
    }

    /// A minimal instance of `schema`: required members, and (near the top of a
    /// response) scalar members with an example valid for their schema. `None` when the
    /// schema recurses without end.
    fn instance(
        &mut self,
        schema: &'a Value,
        depth: usize,
        stack: &mut Vec<&'a str>,
        response: bool,
    ) -> Option<Value> {
        if depth > 24 {
            return None;
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if stack.contains(&r) {
                return None;
            }
            stack.push(r);
            let out = self.instance(self.resolve(schema), depth + 1, stack, response);
            stack.pop();
            return out;
        }
        if let Some(alts) = schema
            .get("oneOf")
            .or_else(|| schema.get("anyOf"))
            .and_then(Value::as_array)
        {
            return self.variant(schema, alts, depth, stack, response);
        }
        if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for part in parts {
                match self.instance(part, depth + 1, stack, response)? {
                    Value::Object(m) => merged.extend(m),
                    other if parts.len() == 1 => return Some(other),
                    _ => {}
                }
            }
            if let Some(Value::Object(own)) = self.object(schema, depth, stack, response) {
                merged.extend(own);
            }
            return Some(Value::Object(merged));
        }
        match schema.get("type").and_then(Value::as_str) {
            Some("string") => Some(self.string(schema)),
            Some("integer") => Some(number(schema, true)),
            Some("number") => Some(number(schema, false)),
            Some("boolean") => Some(
                schema
                    .get("example")
                    .filter(|e| e.is_boolean())
                    .or_else(|| schema.get("default").filter(|e| e.is_boolean()))
                    .cloned()
                    .unwrap_or(Value::Bool(false)),
            ),
            Some("array") => {
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                if min == 0 {
                    return Some(Value::Array(Vec::new()));
                }
                let item = self.instance(
                    schema.get("items").unwrap_or(&Value::Null),
                    depth + 1,
                    stack,
                    response,
                )?;
                let count = usize::try_from(min).unwrap_or(1);
                Some(Value::Array(vec![item; count]))
            }
            _ => self.object(schema, depth, stack, response),
        }
    }

    /// The first alternative of a `oneOf`/`anyOf`, with its discriminator value set.
    fn variant(
        &mut self,
        schema: &'a Value,
        alts: &'a [Value],
        depth: usize,
        stack: &mut Vec<&'a str>,
        response: bool,
    ) -> Option<Value> {
        let discriminator = schema.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        if let (Some(property), Some(mapping)) = (
            property,
            discriminator
                .and_then(|d| d.get("mapping"))
                .and_then(Value::as_object),
        ) {
            for (key, target) in mapping {
                let Some(target) = target.as_str() else {
                    continue;
                };
                let alt = alts
                    .iter()
                    .find(|a| a.get("$ref").and_then(Value::as_str) == Some(target));
                if let Some(alt) = alt
                    && let Some(Value::Object(mut m)) =
                        self.instance(alt, depth + 1, stack, response)
                {
                    m.insert(property.to_owned(), Value::String(key.clone()));
                    return Some(Value::Object(m));
                }
            }
        }
        for alt in alts {
            if let Some(v) = self.instance(alt, depth + 1, stack, response) {
                return Some(v);
            }
        }
        None
    }

    fn object(
        &mut self,
        schema: &'a Value,
        depth: usize,
        stack: &mut Vec<&'a str>,
        response: bool,
    ) -> Option<Value> {
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let mut out = Map::new();
        for (name, prop) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let resolved = self.resolve(prop);
            let flag = |k: &str| resolved.get(k) == Some(&Value::Bool(true));
            if (response && flag("writeOnly")) || (!response && flag("readOnly")) {
                continue;
            }
            if required.contains(&name.as_str()) {
                out.insert(
                    name.clone(),
                    self.instance(prop, depth + 1, stack, response)?,
                );
            } else if depth <= 4
                && resolved.get("example").is_some()
                && let Some(example) = self.scalar_example(resolved)
            {
                out.insert(name.clone(), example);
            }
        }
        Some(Value::Object(out))
    }

    /// A scalar property's example, when it is valid for its own schema.
    fn scalar_example(&mut self, schema: &'a Value) -> Option<Value> {
        let example = schema.get("example")?;
        let ty = schema.get("type").and_then(Value::as_str)?;
        let ok = match (ty, example) {
            ("string", Value::String(s)) => self.string_ok(schema, s),
            ("integer", Value::Number(n)) => {
                (n.is_i64() || n.is_u64()) && in_bounds(schema, n.as_f64().unwrap_or(0.0))
            }
            ("number", Value::Number(n)) => in_bounds(schema, n.as_f64().unwrap_or(0.0)),
            ("boolean", Value::Bool(_)) => true,
            _ => false,
        };
        let in_enum = schema
            .get("enum")
            .and_then(Value::as_array)
            .is_none_or(|e| e.contains(example));
        (ok && in_enum).then(|| example.clone())
    }

    fn string_ok(&mut self, schema: &Value, s: &str) -> bool {
        let len = s.encode_utf16().count() as u64;
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
        let max = schema
            .get("maxLength")
            .and_then(Value::as_u64)
            .unwrap_or(u64::MAX);
        if len < min || len > max {
            return false;
        }
        if let Some(p) = schema.get("pattern").and_then(Value::as_str)
            && !self.matches(p, s)
        {
            return false;
        }
        match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => is_date_time(s),
            Some("date") => s.len() == 10 && is_date_time(&format!("{s}T00:00:00Z")),
            _ => true,
        }
    }

    fn string(&mut self, schema: &Value) -> Value {
        if let Some(Value::String(s)) = schema.get("example")
            && self.string_ok(schema, s)
            && schema
                .get("enum")
                .and_then(Value::as_array)
                .is_none_or(|e| e.iter().any(|v| v.as_str() == Some(s)))
        {
            return Value::String(s.clone());
        }
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
        {
            return first.clone();
        }
        let by_format = match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => Some("2024-01-01T00:00:00Z"),
            Some("date") => Some("2024-01-01"),
            Some("email") => Some("user@example.com"),
            Some("uri" | "url") => Some("https://example.com"),
            Some("uuid") => Some("9a1d3f6e-2c4b-4a8e-8f1d-3b2c4d5e6f70"),
            _ => None,
        };
        let mut candidates: Vec<String> = Vec::new();
        candidates.extend(by_format.map(str::to_owned));
        if let Some(Value::String(d)) = schema.get("default") {
            candidates.push(d.clone());
        }
        for c in [
            "example",
            "32b6e34b3d91647abb20e7b8",
            "mdb_sa_id_32b6e34b3d91647abb20e7b8",
            "192.0.2.1",
            "192.0.2.0/24",
            "Example0",
            "a",
        ] {
            candidates.push(c.to_owned());
        }
        let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0);
        candidates.push("a".repeat(usize::try_from(min.max(1)).unwrap_or(1)));
        for c in candidates {
            if self.string_ok(schema, &c) {
                return Value::String(c);
            }
        }
        Value::String("a".repeat(usize::try_from(min).unwrap_or(0)))
    }
}

/// `application/vnd.atlas.<date>+<format>` → (date, format name).
fn parse_media(media: &str) -> Option<(&str, &'static str)> {
    let rest = media.strip_prefix(MEDIA_PREFIX)?;
    let (date, suffix) = rest.rsplit_once('+')?;
    let format = match suffix {
        "json" => "Json",
        "gzip" => "Gzip",
        "csv" => "Csv",
        _ => return None,
    };
    Some((date, format))
}

/// The JSON type a value must have.
fn kind(schema: &Value) -> &'static str {
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => "K::Str",
        Some("integer") => "K::Int",
        Some("number") => "K::Num",
        Some("boolean") => "K::Bool",
        Some("array") => "K::Array",
        Some("object") => "K::Object",
        _ if schema.get("properties").is_some() => "K::Object",
        _ => "K::Any",
    }
}

/// Inclusive numeric bounds (exclusive ones moved by one for integers).
fn bounds(schema: &Value) -> (Option<f64>, Option<f64>) {
    let integer = schema.get("type").and_then(Value::as_str) == Some("integer");
    let step = if integer { 1.0 } else { 0.0 };
    let excl = |k: &str| schema.get(k) == Some(&Value::Bool(true));
    let min = schema.get("minimum").and_then(Value::as_f64).map(|m| {
        if excl("exclusiveMinimum") {
            m + step
        } else {
            m
        }
    });
    let max = schema.get("maximum").and_then(Value::as_f64).map(|m| {
        if excl("exclusiveMaximum") {
            m - step
        } else {
            m
        }
    });
    (min, max)
}

fn in_bounds(schema: &Value, v: f64) -> bool {
    let (min, max) = bounds(schema);
    min.is_none_or(|m| v >= m) && max.is_none_or(|m| v <= m)
}

fn number(schema: &Value, integer: bool) -> Value {
    let ok = |v: &Value| {
        v.as_f64().is_some_and(|f| in_bounds(schema, f)) && (!integer || v.is_i64() || v.is_u64())
    };
    if let Some(e) = schema.get("example").filter(|e| ok(e)) {
        return e.clone();
    }
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(d) = schema.get("default").filter(|d| ok(d)) {
        return d.clone();
    }
    let (min, max) = bounds(schema);
    let v = match (min, max) {
        (Some(m), _) => m.ceil(),
        (None, Some(m)) if m < 0.0 => m.floor(),
        _ => 0.0,
    };
    if integer {
        Value::from(v as i64)
    } else {
        serde_json::Number::from_f64(v).map_or(Value::from(0), Value::Number)
    }
}

/// RFC 3339 `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`, shape only.
fn is_date_time(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 {
        return false;
    }
    let d = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    (0..4).all(d)
        && b[4] == b'-'
        && d(5)
        && d(6)
        && b[7] == b'-'
        && d(8)
        && d(9)
        && (b[10] == b'T' || b[10] == b't')
        && d(11)
        && d(12)
        && b[13] == b':'
        && d(14)
        && d(15)
        && b[16] == b':'
        && d(17)
        && d(18)
}

/// The class of roles an operation needs (`x-rolesRequirements`), from the level of its
/// path: the emulator knows organization owners and members, project owners and
/// project readers; any other named project role counts as owner (the stricter reading).
fn need(roles: Option<&Value>, path: &str) -> &'static str {
    let roles: Vec<&str> = roles
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let group = path.contains("{groupId}");
    let org = path.contains("{orgId}");
    let read = roles
        .iter()
        .any(|r| r.contains("Read Only") || r.contains("Member"));
    if group {
        if roles.contains(&"Organization Owner") && roles.len() == 1 {
            "N::OrgOwner"
        } else if read {
            "N::GroupRead"
        } else {
            "N::GroupOwner"
        }
    } else if org {
        if read || roles.is_empty() {
            "N::OrgRead"
        } else {
            "N::OrgOwner"
        }
    } else {
        "N::Authenticated"
    }
}
