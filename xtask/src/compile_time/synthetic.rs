//! Two crates declaring the same N Atlas endpoints: one with `#[atlas_endpoint]`, one
//! written by hand (`impl atlas_runtime::Endpoint`, constructors, setters, `send`), for
//! `cargo xtask compile-time scaling`.
//!
//! Four realistic shapes, cycled (every endpoint has its own name and path):
//!
//! ```text
//! A  POST   /orgs/{orgId}/resN/{clientId}/secrets     two patterned path values, body with a
//!                                                      ranged i32 and an Option<String> with a length
//! B  GET    /groups/{groupId}/resN                     a patterned path value, three query
//!                                                      parameters, two of them ranged
//! C  PATCH  /groups/{groupId}/resN/{clusterName}       two patterned path values, body members:
//!                                                      a Unicode-patterned, length-limited name, a
//!                                                      ranged f64, a length-limited Vec<String>
//! D  DELETE /orgs/{orgId}/resN/{clientId}/accessList/{ipAddress}
//!                                                      patterned ids and an already-encoded value
//! ```
//!
//! The hand-written crate does what the generated code does, as a person would write it:
//! validation through `atlas_runtime::implement::Validator` (emptiness, dot segments, encoded segments,
//! ranges, lengths) plus the patterns with the `regex` crate (`LazyLock` statics shared by
//! all endpoints, ASCII `\d` where Atlas means ASCII); the `EndpointInfo` table without
//! pattern constraints (Pattern values can only come from the macro); path, query and body
//! written with the runtime's writers and a borrowed `#[derive(Serialize)]` struct, as the
//! macro does.

use std::path::Path;

use crate::Result;

/// Endpoints per module file.
const FILE_SIZE: usize = 10;

const OBJECT_ID: &str = "^([a-f0-9]{24})$";
const CLIENT_ID: &str = r"^mdb_sa_id_[a-fA-F\d]{24}$";
const CLUSTER: &str = "^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$";
const NAME: &str = r"^[\p{L}\p{N}\-_.,' ]*$";

const RT: &str = "atlas_runtime";
/// What a hand implementer of `Endpoint` uses beyond the root (the runtime's `implement`).
const IMPL: &str = "atlas_runtime::implement";

/// The manifest of a generated crate (and of the scratch workspace's `deps` crate).
pub fn cargo_toml(name: &str) -> String {
    format!(
        r#"[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
atlas-runtime.workspace = true
serde.workspace = true
serde_json.workspace = true
regex.workspace = true
"#
    )
}

const MODEL: &str = r#"
/// What the generated endpoints answer.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Model {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}
"#;

fn shape(i: usize) -> u8 {
    b"ABCD"[i % 4]
}

// ---------------------------------------------------------------- macro version

fn macro_endpoint(i: usize) -> String {
    match shape(i) {
        b'A' => format!(
            r#"
#[atlas_endpoint(POST, "/orgs/{{orgId}}/res{i}/{{clientId}}/secrets", version = "2024-08-05",
    response = crate::Model, operation_id = "createSecret{i}",
    pattern(orgId = "{OBJECT_ID}", clientId = r"{CLIENT_ID}"))]
#[derive(Debug, Clone)]
pub struct CreateSecret{i} {{
    pub org_id: String,
    pub client_id: String,
    #[atlas(range(min = 1, max = 8760))]
    pub secret_expires_after_hours: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[atlas(length(min = 1, max = 250))]
    pub description: Option<String>,
}}
"#
        ),
        b'B' => format!(
            r#"
#[atlas_endpoint(GET, "/groups/{{groupId}}/res{i}", version = "2024-08-05",
    response = crate::Model, operation_id = "listThings{i}",
    pattern(groupId = "{OBJECT_ID}"))]
#[derive(Debug, Clone)]
pub struct ListThings{i} {{
    pub group_id: String,
    #[atlas(query)]
    pub include_count: Option<bool>,
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
}}
"#
        ),
        b'C' => format!(
            r#"
#[atlas_endpoint(PATCH, "/groups/{{groupId}}/res{i}/{{clusterName}}", version = "2024-08-05",
    response = crate::Model, operation_id = "updateThing{i}",
    pattern(groupId = "{OBJECT_ID}", clusterName = "{CLUSTER}"))]
#[derive(Debug, Clone)]
pub struct UpdateThing{i} {{
    pub group_id: String,
    pub cluster_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[atlas(length(min = 1, max = 64), pattern = r"{NAME}")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[atlas(range(min = 10, max = 4096))]
    pub disk_size_gb: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[atlas(default, length(max = 50))]
    pub tags: Vec<String>,
}}
"#
        ),
        _ => format!(
            r#"
#[atlas_endpoint(DELETE, "/orgs/{{orgId}}/res{i}/{{clientId}}/accessList/{{ipAddress}}",
    version = "2024-08-05", operation_id = "deleteEntry{i}",
    pattern(orgId = "{OBJECT_ID}", clientId = r"{CLIENT_ID}"))]
#[derive(Debug, Clone)]
pub struct DeleteEntry{i} {{
    pub org_id: String,
    pub client_id: String,
    #[atlas(path, encoded)]
    pub ip_address: String,
}}
"#
        ),
    }
}

// ---------------------------------------------------------------- hand version

fn param(
    field: &str,
    api: &str,
    loc: &str,
    required: bool,
    encoded: bool,
    constraints: &[String],
) -> String {
    let cs = constraints.join(", ");
    format!(
        r#"{RT}::__private::param_info("{field}", "{api}", {IMPL}::Location::{loc}, {required}, false, {encoded}, &[{cs}])"#
    )
}

fn int_range(lo: Option<i64>, hi: Option<i64>) -> String {
    let b = |v: Option<i64>| match v {
        None => "None".to_string(),
        Some(v) => {
            format!("Some({IMPL}::Bound {{ value: {IMPL}::Number::Int({v}), exclusive: false }})")
        }
    };
    format!(
        "{IMPL}::Constraint::Range {{ min: {}, max: {} }}",
        b(lo),
        b(hi)
    )
}

fn float_range(lo: i64, hi: i64) -> String {
    let b = |v| {
        format!("Some({IMPL}::Bound {{ value: {IMPL}::Number::Float({v}.0), exclusive: false }})")
    };
    format!(
        "{IMPL}::Constraint::Range {{ min: {}, max: {} }}",
        b(lo),
        b(hi)
    )
}

fn length(lo: Option<i64>, hi: Option<i64>) -> String {
    let o = |v: Option<i64>| v.map_or("None".to_string(), |v| format!("Some({v})"));
    format!(
        "{IMPL}::Constraint::Length {{ min: {}, max: {} }}",
        o(lo),
        o(hi)
    )
}

fn info(
    method: &str,
    template: &str,
    op: &str,
    name: &str,
    params: &[String],
    body: &str,
) -> String {
    let ps = params.join(",\n            ");
    format!(
        r#"    const INFO: {RT}::EndpointInfo = {RT}::__private::endpoint_info(
        {RT}::Method::{method},
        "{template}",
        Some("2024-08-05"),
        Some("{op}"),
        "{name}",
        &[
            {ps}
        ],
        {IMPL}::BodyKind::{body},
        false,
    );"#
    )
}

fn check_path(idx: usize, field: &str, regex: &str, src: &str) -> String {
    format!(
        "        crate::support::path(&mut v, &params[{idx}], &self.{field}, &crate::support::{regex}, r\"{src}\");\n"
    )
}

fn check_pattern(idx: usize, regex: &str, src: &str, expr: &str) -> String {
    format!(
        "        if !crate::support::{regex}.is_match({expr}) {{\n            v.violation(crate::support::pattern_violation(&params[{idx}], r\"{src}\", {expr}));\n        }}\n"
    )
}

fn inherent(
    name: &str,
    response: &str,
    new_params: &[&str],
    inits: &[&str],
    setters: &[String],
) -> String {
    let np = new_params.join(", ");
    let ins = inits.join(", ");
    let st = setters.concat();
    format!(
        r#"
impl {name} {{
    /// Method, template, version and parameters of this endpoint.
    pub const INFO: {RT}::EndpointInfo = <Self as {RT}::Endpoint>::INFO;

    /// Creates the call from its required fields.
    #[must_use]
    #[inline]
    pub fn new({np}) -> Self {{
        Self {{ {ins} }}
    }}
{st}
    /// Validates this call, sends it and decodes the answer.
    #[inline]
    pub fn send(&self, client: &{RT}::Client) -> Result<{response}, {RT}::Error> {{
        client.send(self)
    }}
}}
"#
    )
}

fn setter(field: &str, ty: &str, option: bool) -> String {
    if option && ty == "String" {
        format!(
            r#"
    #[must_use]
    #[inline]
    pub fn {field}(mut self, value: impl Into<String>) -> Self {{
        self.{field} = Some(value.into());
        self
    }}
"#
        )
    } else if option {
        format!(
            r#"
    #[must_use]
    #[inline]
    pub fn {field}(mut self, value: {ty}) -> Self {{
        self.{field} = Some(value);
        self
    }}
"#
        )
    } else {
        format!(
            r#"
    #[must_use]
    #[inline]
    pub fn {field}(mut self, value: {ty}) -> Self {{
        self.{field} = value;
        self
    }}
"#
        )
    }
}

fn hand_endpoint(i: usize) -> String {
    match shape(i) {
        b'A' => {
            let name = format!("CreateSecret{i}");
            let template = format!("/orgs/{{orgId}}/res{i}/{{clientId}}/secrets");
            let params = [
                param("org_id", "orgId", "Path", true, false, &[]),
                param("client_id", "clientId", "Path", true, false, &[]),
                param(
                    "secret_expires_after_hours",
                    "secretExpiresAfterHours",
                    "Body",
                    true,
                    false,
                    &[int_range(Some(1), Some(8760))],
                ),
                param(
                    "description",
                    "description",
                    "Body",
                    false,
                    false,
                    &[length(Some(1), Some(250))],
                ),
            ];
            let info = info(
                "Post",
                &template,
                &format!("createSecret{i}"),
                &name,
                &params,
                "Object",
            );
            let check_org = check_path(0, "org_id", "OBJECT_ID", OBJECT_ID);
            let check_client = check_path(1, "client_id", "CLIENT_ID", CLIENT_ID);
            format!(
                r#"
#[derive(Debug, Clone)]
pub struct {name} {{
    pub org_id: String,
    pub client_id: String,
    pub secret_expires_after_hours: i32,
    pub description: Option<String>,
}}

impl {RT}::Endpoint for {name} {{
    type Response = crate::Model;
{info}

    #[inline]
    fn validate(&self) -> Result<(), {RT}::ValidationError> {{
        let params = <Self as {RT}::Endpoint>::INFO.params;
        let mut v = {IMPL}::Validator::new();
{check_org}{check_client}        {RT}::__private::check_range(&mut v, &params[2], &self.secret_expires_after_hours);
        {RT}::__private::check_length(&mut v, &params[3], &self.description);
        v.finish("{name}")
    }}

    #[inline]
    fn write_path(&self, path: &mut {RT}::request::PathWriter) {{
        path.literal("/orgs/");
        path.segment(&self.org_id);
        path.literal("/res{i}/");
        path.segment(&self.client_id);
        path.literal("/secrets");
    }}

    #[inline]
    fn write_body(&self, body: &mut {RT}::request::BodyWriter) -> Result<(), serde_json::Error> {{
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {{
            secret_expires_after_hours: &'a i32,
            #[serde(skip_serializing_if = "Option::is_none")]
            description: &'a Option<String>,
        }}
        body.json(&Body {{
            secret_expires_after_hours: &self.secret_expires_after_hours,
            description: &self.description,
        }})
    }}
}}
"#
            ) + &inherent(
                &name,
                "crate::Model",
                &[
                    "org_id: impl Into<String>",
                    "client_id: impl Into<String>",
                    "secret_expires_after_hours: i32",
                ],
                &[
                    "org_id: org_id.into()",
                    "client_id: client_id.into()",
                    "secret_expires_after_hours",
                    "description: None",
                ],
                &[setter("description", "String", true)],
            )
        }
        b'B' => {
            let name = format!("ListThings{i}");
            let template = format!("/groups/{{groupId}}/res{i}");
            let params = [
                param("group_id", "groupId", "Path", true, false, &[]),
                param("include_count", "includeCount", "Query", false, false, &[]),
                param(
                    "items_per_page",
                    "itemsPerPage",
                    "Query",
                    false,
                    false,
                    &[int_range(Some(1), Some(500))],
                ),
                param(
                    "page_num",
                    "pageNum",
                    "Query",
                    false,
                    false,
                    &[int_range(Some(1), None)],
                ),
            ];
            let info = info(
                "Get",
                &template,
                &format!("listThings{i}"),
                &name,
                &params,
                "None",
            );
            let check_group = check_path(0, "group_id", "OBJECT_ID", OBJECT_ID);
            format!(
                r#"
#[derive(Debug, Clone)]
pub struct {name} {{
    pub group_id: String,
    pub include_count: Option<bool>,
    pub items_per_page: Option<i32>,
    pub page_num: Option<i32>,
}}

impl {RT}::Endpoint for {name} {{
    type Response = crate::Model;
{info}

    #[inline]
    fn validate(&self) -> Result<(), {RT}::ValidationError> {{
        let params = <Self as {RT}::Endpoint>::INFO.params;
        let mut v = {IMPL}::Validator::new();
{check_group}        {RT}::__private::check_range(&mut v, &params[2], &self.items_per_page);
        {RT}::__private::check_range(&mut v, &params[3], &self.page_num);
        v.finish("{name}")
    }}

    #[inline]
    fn write_path(&self, path: &mut {RT}::request::PathWriter) {{
        path.literal("/groups/");
        path.segment(&self.group_id);
        path.literal("/res{i}");
    }}

    #[inline]
    fn write_query(&self, query: &mut {RT}::request::QueryWriter) {{
        query.param("includeCount", &self.include_count);
        query.param("itemsPerPage", &self.items_per_page);
        query.param("pageNum", &self.page_num);
    }}
}}
"#
            ) + &inherent(
                &name,
                "crate::Model",
                &["group_id: impl Into<String>"],
                &[
                    "group_id: group_id.into()",
                    "include_count: None",
                    "items_per_page: None",
                    "page_num: None",
                ],
                &[
                    setter("include_count", "bool", true),
                    setter("items_per_page", "i32", true),
                    setter("page_num", "i32", true),
                ],
            )
        }
        b'C' => {
            let name = format!("UpdateThing{i}");
            let template = format!("/groups/{{groupId}}/res{i}/{{clusterName}}");
            let params = [
                param("group_id", "groupId", "Path", true, false, &[]),
                param("cluster_name", "clusterName", "Path", true, false, &[]),
                param(
                    "name",
                    "name",
                    "Body",
                    false,
                    false,
                    &[length(Some(1), Some(64))],
                ),
                param(
                    "disk_size_gb",
                    "diskSizeGb",
                    "Body",
                    false,
                    false,
                    &[float_range(10, 4096)],
                ),
                param(
                    "tags",
                    "tags",
                    "Body",
                    false,
                    false,
                    &[length(None, Some(50))],
                ),
            ];
            let info = info(
                "Patch",
                &template,
                &format!("updateThing{i}"),
                &name,
                &params,
                "Object",
            );
            let check_group = check_path(0, "group_id", "OBJECT_ID", OBJECT_ID);
            let check_cluster = check_path(1, "cluster_name", "CLUSTER_NAME", CLUSTER);
            let check_name = check_pattern(2, "NAME", NAME, "name");
            format!(
                r#"
#[derive(Debug, Clone)]
pub struct {name} {{
    pub group_id: String,
    pub cluster_name: String,
    pub name: Option<String>,
    pub disk_size_gb: Option<f64>,
    pub tags: Vec<String>,
}}

impl {RT}::Endpoint for {name} {{
    type Response = crate::Model;
{info}

    #[inline]
    fn validate(&self) -> Result<(), {RT}::ValidationError> {{
        let params = <Self as {RT}::Endpoint>::INFO.params;
        let mut v = {IMPL}::Validator::new();
{check_group}{check_cluster}        if let Some(name) = &self.name {{
    {check_name}        }}
        {RT}::__private::check_length(&mut v, &params[2], &self.name);
        {RT}::__private::check_range(&mut v, &params[3], &self.disk_size_gb);
        {RT}::__private::check_length(&mut v, &params[4], &self.tags);
        v.finish("{name}")
    }}

    #[inline]
    fn write_path(&self, path: &mut {RT}::request::PathWriter) {{
        path.literal("/groups/");
        path.segment(&self.group_id);
        path.literal("/res{i}/");
        path.segment(&self.cluster_name);
    }}

    #[inline]
    fn write_body(&self, body: &mut {RT}::request::BodyWriter) -> Result<(), serde_json::Error> {{
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {{
            #[serde(skip_serializing_if = "Option::is_none")]
            name: &'a Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            disk_size_gb: &'a Option<f64>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            tags: &'a Vec<String>,
        }}
        body.json(&Body {{
            name: &self.name,
            disk_size_gb: &self.disk_size_gb,
            tags: &self.tags,
        }})
    }}
}}
"#
            ) + &inherent(
                &name,
                "crate::Model",
                &[
                    "group_id: impl Into<String>",
                    "cluster_name: impl Into<String>",
                ],
                &[
                    "group_id: group_id.into()",
                    "cluster_name: cluster_name.into()",
                    "name: None",
                    "disk_size_gb: None",
                    "tags: Vec::new()",
                ],
                &[
                    setter("name", "String", true),
                    setter("disk_size_gb", "f64", true),
                    setter("tags", "Vec<String>", false),
                ],
            )
        }
        _ => {
            let name = format!("DeleteEntry{i}");
            let template = format!("/orgs/{{orgId}}/res{i}/{{clientId}}/accessList/{{ipAddress}}");
            let params = [
                param("org_id", "orgId", "Path", true, false, &[]),
                param("client_id", "clientId", "Path", true, false, &[]),
                param("ip_address", "ipAddress", "Path", true, true, &[]),
            ];
            let info = info(
                "Delete",
                &template,
                &format!("deleteEntry{i}"),
                &name,
                &params,
                "None",
            );
            let check_org = check_path(0, "org_id", "OBJECT_ID", OBJECT_ID);
            let check_client = check_path(1, "client_id", "CLIENT_ID", CLIENT_ID);
            format!(
                r#"
#[derive(Debug, Clone)]
pub struct {name} {{
    pub org_id: String,
    pub client_id: String,
    pub ip_address: String,
}}

impl {RT}::Endpoint for {name} {{
    type Response = ();
{info}

    #[inline]
    fn validate(&self) -> Result<(), {RT}::ValidationError> {{
        let params = <Self as {RT}::Endpoint>::INFO.params;
        let mut v = {IMPL}::Validator::new();
{check_org}{check_client}        {RT}::__private::check_path(&mut v, &params[2], &self.ip_address);
        v.finish("{name}")
    }}

    #[inline]
    fn write_path(&self, path: &mut {RT}::request::PathWriter) {{
        path.literal("/orgs/");
        path.segment(&self.org_id);
        path.literal("/res{i}/");
        path.segment(&self.client_id);
        path.literal("/accessList/");
        path.encoded_segment(&self.ip_address);
    }}
}}
"#
            ) + &inherent(
                &name,
                "()",
                &[
                    "org_id: impl Into<String>",
                    "client_id: impl Into<String>",
                    "ip_address: impl Into<String>",
                ],
                &[
                    "org_id: org_id.into()",
                    "client_id: client_id.into()",
                    "ip_address: ip_address.into()",
                ],
                &[],
            )
        }
    }
}

const SUPPORT: &str = r#"//! What the hand-written endpoints share: compiled patterns and reporting a mismatch.

use std::sync::LazyLock;

use atlas_runtime::Violation;
use atlas_runtime::implement::{ParamInfo, Rule, Validator};
use regex::{Regex, RegexBuilder};

fn ascii(pattern: &str) -> Regex {
    RegexBuilder::new(pattern).unicode(false).build().expect("valid pattern")
}

pub static OBJECT_ID: LazyLock<Regex> = LazyLock::new(|| ascii("^([a-f0-9]{24})$"));
pub static CLIENT_ID: LazyLock<Regex> = LazyLock::new(|| ascii(r"^mdb_sa_id_[a-fA-F\d]{24}$"));
pub static CLUSTER_NAME: LazyLock<Regex> =
    LazyLock::new(|| ascii("^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$"));
pub static NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{N}\-_.,' ]*$").expect("valid pattern"));

/// A path value: what generated code checks (`__private::check_path`: not empty, not a
/// dot segment, a valid encoded segment), then the pattern, only for a value that passed the first checks.
pub fn path(v: &mut Validator, param: &ParamInfo, text: &str, regex: &Regex, pattern: &'static str) {
    atlas_runtime::__private::check_path(v, param, text);
    if !(text.is_empty() || text == "." || text == "..") && !regex.is_match(text) {
        v.violation(pattern_violation(param, pattern, text));
    }
}

/// A pattern violation (its value dropped for a sensitive parameter).
pub fn pattern_violation(param: &ParamInfo, pattern: &'static str, text: &str) -> Violation {
    Violation::new(param, Rule::Pattern(pattern), Some(text.to_string()))
}
"#;

/// The files of one generated crate, `VARIANT_N` (`macro` or `hand`), as (path inside the
/// crate, contents).
pub fn files(variant: &str, n: usize) -> Vec<(String, String)> {
    let hand = variant == "hand";
    let name = format!("{variant}_{n}");
    let mut files = vec![("Cargo.toml".to_string(), cargo_toml(&name))];
    let modules = n.div_ceil(FILE_SIZE);
    let mut lib = format!(
        "//! {n} endpoints, {}.\n#![allow(missing_docs, clippy::all)]\n",
        if hand {
            "written by hand"
        } else {
            "declared with #[atlas_endpoint]"
        }
    );
    if hand {
        lib.push_str("pub mod support;\n");
        files.push(("src/support.rs".to_string(), SUPPORT.to_string()));
    }
    for k in 0..modules {
        lib.push_str(&format!("pub mod m{k:03};\n"));
        let mut body = String::new();
        if !hand {
            body.push_str("use atlas_runtime::atlas_endpoint;\n");
        }
        for i in k * FILE_SIZE..n.min((k + 1) * FILE_SIZE) {
            body.push_str(&if hand {
                hand_endpoint(i)
            } else {
                macro_endpoint(i)
            });
        }
        files.push((format!("src/m{k:03}.rs"), body));
    }
    lib.push_str(MODEL);
    files.push(("src/lib.rs".to_string(), lib));
    files
}

/// Writes `out/macro_N` and `out/hand_N`.
pub fn generate(out: &Path, n: usize) -> Result {
    for variant in ["macro", "hand"] {
        let root = out.join(format!("{variant}_{n}"));
        for (path, text) in files(variant, n) {
            super::write(&root.join(path), &text)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::files;

    fn file<'a>(files: &'a [(String, String)], path: &str) -> &'a str {
        &files.iter().find(|(p, _)| p == path).expect(path).1
    }

    #[test]
    fn a_tiny_crate_of_each_variant() {
        let hand = files("hand", 5);
        let paths: Vec<&str> = hand.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["Cargo.toml", "src/support.rs", "src/m000.rs", "src/lib.rs"]
        );
        assert!(file(&hand, "Cargo.toml").starts_with("[package]\nname = \"hand_5\"\n"));
        assert_eq!(
            file(&hand, "src/lib.rs")
                .lines()
                .take(4)
                .collect::<Vec<_>>(),
            [
                "//! 5 endpoints, written by hand.",
                "#![allow(missing_docs, clippy::all)]",
                "pub mod support;",
                "pub mod m000;"
            ]
        );
        let m000 = file(&hand, "src/m000.rs");
        for name in [
            "CreateSecret0",
            "ListThings1",
            "UpdateThing2",
            "DeleteEntry3",
            "CreateSecret4",
        ] {
            assert!(m000.contains(&format!("pub struct {name} {{")), "{name}");
        }
        assert!(m000.contains(
            "atlas_runtime::__private::param_info(\"ip_address\", \"ipAddress\", \
             atlas_runtime::implement::Location::Path, true, false, true, &[])"
        ));
        assert!(m000.contains(
            "atlas_runtime::implement::Constraint::Range { min: \
             Some(atlas_runtime::implement::Bound { value: \
             atlas_runtime::implement::Number::Int(1), exclusive: false }), max: None }"
        ));
        assert!(m000.contains("Number::Float(4096.0)"));

        let macros = files("macro", 12);
        let paths: Vec<&str> = macros.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["Cargo.toml", "src/m000.rs", "src/m001.rs", "src/lib.rs"]
        );
        let m001 = file(&macros, "src/m001.rs");
        assert!(m001.starts_with(
            "use atlas_runtime::atlas_endpoint;\n\n#[atlas_endpoint(PATCH, \
             \"/groups/{groupId}/res10/{clusterName}\""
        ));
        assert!(m001.contains("pub struct DeleteEntry11 {"));
        assert!(!m001.contains("CreateSecret12"));
        assert!(file(&macros, "src/lib.rs").ends_with("pub created_at: Option<String>,\n}\n"));
    }
}
