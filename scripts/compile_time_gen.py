#!/usr/bin/env python3
"""Generates two crates declaring the same N Atlas endpoints: one with #[atlas_endpoint],
one written by hand (impl atlas_runtime::Endpoint, constructors, setters, send).

Four realistic shapes, cycled (every endpoint has its own name and path):

  A  POST   /orgs/{orgId}/resN/{clientId}/secrets     two patterned path values, body with a
                                                       ranged i32 and an Option<String> with a length
  B  GET    /groups/{groupId}/resN                     a patterned path value, three query
                                                       parameters, two of them ranged
  C  PATCH  /groups/{groupId}/resN/{clusterName}       two patterned path values, body members:
                                                       a Unicode-patterned, length-limited name, a
                                                       ranged f64, a length-limited Vec<String>
  D  DELETE /orgs/{orgId}/resN/{clientId}/accessList/{ipAddress}
                                                       patterned ids and an already-encoded value

The hand-written crate does what the generated code does, as a person would write it:
validation through atlas_runtime::Validator (emptiness, dot segments, encoded segments,
ranges, lengths) plus the patterns with the `regex` crate (LazyLock statics shared by all
endpoints, ASCII \\d where Atlas means ASCII); the EndpointInfo table without pattern
constraints (Pattern values can only come from the macro); path, query and body written with
the runtime's writers and a borrowed #[derive(Serialize)] struct, as the macro does.

Usage: compile_time_gen.py OUT_DIR N   (writes OUT_DIR/macro_N and OUT_DIR/hand_N)
"""

import os
import sys

FILE_SIZE = 10  # endpoints per module file

OBJECT_ID = "^([a-f0-9]{24})$"
CLIENT_ID = r"^mdb_sa_id_[a-fA-F\d]{24}$"
CLUSTER = "^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$"
NAME = r"^[\p{L}\p{N}\-_.,' ]*$"

CARGO = """[package]
name = "{name}"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
atlas-runtime.workspace = true
serde.workspace = true
serde_json.workspace = true
regex.workspace = true
"""

MODEL = """
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
"""


def shape(i):
    return "ABCD"[i % 4]


# ---------------------------------------------------------------- macro version


def macro_endpoint(i):
    s = shape(i)
    if s == "A":
        return f'''
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
'''
    if s == "B":
        return f'''
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
'''
    if s == "C":
        return f'''
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
'''
    return f'''
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
'''


# ---------------------------------------------------------------- hand version

RT = "atlas_runtime"


def param(field, api, loc, required, encoded, constraints):
    cs = ", ".join(constraints)
    return (f'{RT}::__private::param_info("{field}", "{api}", {RT}::Location::{loc}, '
            f'{str(required).lower()}, false, {str(encoded).lower()}, &[{cs}])')


def int_range(lo, hi):
    def b(v):
        if v is None:
            return "None"
        return f"Some({RT}::Bound {{ value: {RT}::Number::Int({v}), exclusive: false }})"
    return f"{RT}::Constraint::Range {{ min: {b(lo)}, max: {b(hi)} }}"


def float_range(lo, hi):
    def b(v):
        return f"Some({RT}::Bound {{ value: {RT}::Number::Float({v}.0), exclusive: false }})"
    return f"{RT}::Constraint::Range {{ min: {b(lo)}, max: {b(hi)} }}"


def length(lo, hi):
    def o(v):
        return "None" if v is None else f"Some({v})"
    return f"{RT}::Constraint::Length {{ min: {o(lo)}, max: {o(hi)} }}"


def info(method, template, op, name, params, body):
    ps = ",\n            ".join(params)
    return f'''    const INFO: {RT}::EndpointInfo = {RT}::__private::endpoint_info(
        {RT}::Method::{method},
        "{template}",
        Some("2024-08-05"),
        Some("{op}"),
        "{name}",
        &[
            {ps}
        ],
        {RT}::BodyKind::{body},
        false,
    );'''


def check_path(idx, field, regex, src):
    return f'        crate::support::path(&mut v, &params[{idx}], &self.{field}, &crate::support::{regex}, r"{src}");\n'


def check_pattern(idx, regex, src, expr):
    return (f'        if !crate::support::{regex}.is_match({expr}) {{\n'
            f'            v.violation(crate::support::pattern_violation(&params[{idx}], r"{src}", {expr}));\n'
            f'        }}\n')


def inherent(name, response, new_params, inits, setters):
    np = ", ".join(new_params)
    ins = ", ".join(inits)
    st = "".join(setters)
    return f'''
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
'''


def setter(field, ty, option):
    if option and ty == "String":
        return f'''
    #[must_use]
    #[inline]
    pub fn {field}(mut self, value: impl Into<String>) -> Self {{
        self.{field} = Some(value.into());
        self
    }}
'''
    if option:
        return f'''
    #[must_use]
    #[inline]
    pub fn {field}(mut self, value: {ty}) -> Self {{
        self.{field} = Some(value);
        self
    }}
'''
    return f'''
    #[must_use]
    #[inline]
    pub fn {field}(mut self, value: {ty}) -> Self {{
        self.{field} = value;
        self
    }}
'''


def hand_endpoint(i):
    s = shape(i)
    if s == "A":
        name = f"CreateSecret{i}"
        template = f"/orgs/{{orgId}}/res{i}/{{clientId}}/secrets"
        params = [
            param("org_id", "orgId", "Path", True, False, []),
            param("client_id", "clientId", "Path", True, False, []),
            param("secret_expires_after_hours", "secretExpiresAfterHours", "Body", True, False,
                  [int_range(1, 8760)]),
            param("description", "description", "Body", False, False, [length(1, 250)]),
        ]
        return f'''
#[derive(Debug, Clone)]
pub struct {name} {{
    pub org_id: String,
    pub client_id: String,
    pub secret_expires_after_hours: i32,
    pub description: Option<String>,
}}

impl {RT}::Endpoint for {name} {{
    type Response = crate::Model;
{info("Post", template, f"createSecret{i}", name, params, "Object")}

    #[inline]
    fn validate(&self) -> Result<(), {RT}::ValidationError> {{
        let params = <Self as {RT}::Endpoint>::INFO.params;
        let mut v = {RT}::Validator::new();
{check_path(0, "org_id", "OBJECT_ID", OBJECT_ID)}{check_path(1, "client_id", "CLIENT_ID", CLIENT_ID)}        {RT}::__private::check_range(&mut v, &params[2], &self.secret_expires_after_hours);
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
''' + inherent(name, "crate::Model",
               ["org_id: impl Into<String>", "client_id: impl Into<String>",
                "secret_expires_after_hours: i32"],
               ["org_id: org_id.into()", "client_id: client_id.into()",
                "secret_expires_after_hours", "description: None"],
               [setter("description", "String", True)])
    if s == "B":
        name = f"ListThings{i}"
        template = f"/groups/{{groupId}}/res{i}"
        params = [
            param("group_id", "groupId", "Path", True, False, []),
            param("include_count", "includeCount", "Query", False, False, []),
            param("items_per_page", "itemsPerPage", "Query", False, False, [int_range(1, 500)]),
            param("page_num", "pageNum", "Query", False, False, [int_range(1, None)]),
        ]
        return f'''
#[derive(Debug, Clone)]
pub struct {name} {{
    pub group_id: String,
    pub include_count: Option<bool>,
    pub items_per_page: Option<i32>,
    pub page_num: Option<i32>,
}}

impl {RT}::Endpoint for {name} {{
    type Response = crate::Model;
{info("Get", template, f"listThings{i}", name, params, "None")}

    #[inline]
    fn validate(&self) -> Result<(), {RT}::ValidationError> {{
        let params = <Self as {RT}::Endpoint>::INFO.params;
        let mut v = {RT}::Validator::new();
{check_path(0, "group_id", "OBJECT_ID", OBJECT_ID)}        {RT}::__private::check_range(&mut v, &params[2], &self.items_per_page);
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
''' + inherent(name, "crate::Model",
               ["group_id: impl Into<String>"],
               ["group_id: group_id.into()", "include_count: None", "items_per_page: None",
                "page_num: None"],
               [setter("include_count", "bool", True), setter("items_per_page", "i32", True),
                setter("page_num", "i32", True)])
    if s == "C":
        name = f"UpdateThing{i}"
        template = f"/groups/{{groupId}}/res{i}/{{clusterName}}"
        params = [
            param("group_id", "groupId", "Path", True, False, []),
            param("cluster_name", "clusterName", "Path", True, False, []),
            param("name", "name", "Body", False, False, [length(1, 64)]),
            param("disk_size_gb", "diskSizeGb", "Body", False, False, [float_range(10, 4096)]),
            param("tags", "tags", "Body", False, False, [length(None, 50)]),
        ]
        return f'''
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
{info("Patch", template, f"updateThing{i}", name, params, "Object")}

    #[inline]
    fn validate(&self) -> Result<(), {RT}::ValidationError> {{
        let params = <Self as {RT}::Endpoint>::INFO.params;
        let mut v = {RT}::Validator::new();
{check_path(0, "group_id", "OBJECT_ID", OBJECT_ID)}{check_path(1, "cluster_name", "CLUSTER_NAME", CLUSTER)}        if let Some(name) = &self.name {{
    {check_pattern(2, "NAME", NAME, "name")}        }}
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
''' + inherent(name, "crate::Model",
               ["group_id: impl Into<String>", "cluster_name: impl Into<String>"],
               ["group_id: group_id.into()", "cluster_name: cluster_name.into()", "name: None",
                "disk_size_gb: None", "tags: Vec::new()"],
               [setter("name", "String", True), setter("disk_size_gb", "f64", True),
                setter("tags", "Vec<String>", False)])
    name = f"DeleteEntry{i}"
    template = f"/orgs/{{orgId}}/res{i}/{{clientId}}/accessList/{{ipAddress}}"
    params = [
        param("org_id", "orgId", "Path", True, False, []),
        param("client_id", "clientId", "Path", True, False, []),
        param("ip_address", "ipAddress", "Path", True, True, []),
    ]
    return f'''
#[derive(Debug, Clone)]
pub struct {name} {{
    pub org_id: String,
    pub client_id: String,
    pub ip_address: String,
}}

impl {RT}::Endpoint for {name} {{
    type Response = ();
{info("Delete", template, f"deleteEntry{i}", name, params, "None")}

    #[inline]
    fn validate(&self) -> Result<(), {RT}::ValidationError> {{
        let params = <Self as {RT}::Endpoint>::INFO.params;
        let mut v = {RT}::Validator::new();
{check_path(0, "org_id", "OBJECT_ID", OBJECT_ID)}{check_path(1, "client_id", "CLIENT_ID", CLIENT_ID)}        {RT}::__private::check_path(&mut v, &params[2], &self.ip_address);
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
''' + inherent(name, "()",
               ["org_id: impl Into<String>", "client_id: impl Into<String>",
                "ip_address: impl Into<String>"],
               ["org_id: org_id.into()", "client_id: client_id.into()",
                "ip_address: ip_address.into()"],
               [])


SUPPORT = r'''//! What the hand-written endpoints share: compiled patterns and reporting a mismatch.

use std::sync::LazyLock;

use atlas_runtime::{ParamInfo, Rule, Validator, Violation};
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
'''


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def generate(out, n):
    for variant in ("macro", "hand"):
        name = f"{variant}_{n}"
        root = os.path.join(out, name)
        write(os.path.join(root, "Cargo.toml"), CARGO.format(name=name))
        files = (n + FILE_SIZE - 1) // FILE_SIZE
        lib = [f"//! {n} endpoints, {'declared with #[atlas_endpoint]' if variant == 'macro' else 'written by hand'}.\n",
               "#![allow(missing_docs, clippy::all)]\n"]
        if variant == "hand":
            lib.append("pub mod support;\n")
            write(os.path.join(root, "src", "support.rs"), SUPPORT)
        for k in range(files):
            lib.append(f"pub mod m{k:03};\n")
            body = []
            if variant == "macro":
                body.append("use atlas_runtime::atlas_endpoint;\n")
            for i in range(k * FILE_SIZE, min(n, (k + 1) * FILE_SIZE)):
                body.append(macro_endpoint(i) if variant == "macro" else hand_endpoint(i))
            write(os.path.join(root, "src", f"m{k:03}.rs"), "".join(body))
        lib.append(MODEL)
        write(os.path.join(root, "src", "lib.rs"), "".join(lib))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    generate(sys.argv[1], int(sys.argv[2]))
