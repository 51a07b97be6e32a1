//! Static conformance of the declared endpoints with the official OpenAPI spec
//! (`atlas_test_support::conformance`), and tests of the check itself: small endpoints declared
//! here with `#[atlas_endpoint]`, checked against hand-made mini specs, must pass when
//! they agree and fail, with a message naming the endpoint and the difference, when
//! they do not.

use atlas_runtime::{EndpointInfo, atlas_endpoint, implement::Location};
use atlas_test_needs::needs;
use atlas_test_support::conformance::{
    self, PATTERN_REPLACEMENTS, check, coverage, review, versions,
};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// The real spec
// ---------------------------------------------------------------------------------------

/// Every declared request type of every tag (this crate builds atlas-endpoints with
/// `full`).
fn declared() -> Vec<EndpointInfo> {
    atlas_endpoints::operations().copied().collect()
}

#[needs(spec)]
fn declared_endpoints_match_the_spec() {
    let spec = atlas_test_support::spec::spec();
    let endpoints = declared();
    let mut differences = Vec::new();
    let mut notes = Vec::new();
    for info in &endpoints {
        let r = review(spec, info);
        differences.extend(r.differences);
        notes.extend(r.notes);
    }
    let cov = coverage(spec, &endpoints);
    println!("{}", cov.summary());
    println!(
        "{} notes (spec defaults, older versions, …); the first 40:",
        notes.len()
    );
    for note in notes.iter().take(40) {
        println!("note: {note}");
    }
    assert!(
        cov.unmatched.is_empty(),
        "declared endpoints that match no operation: {:?}",
        cov.unmatched
    );
    assert!(
        differences.is_empty(),
        "{} difference(s) between the declared endpoints and the spec:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// Every operation of the spec is declared but those whose every version is past its
/// sunset (`atlas_endpoints::SUNSET_AS_OF`), computed here from the spec, not taken from
/// the generator: "declared N of 540" with N = 540 minus exactly those, which
/// `atlas_endpoints::SKIPPED` names.
#[needs(spec)]
fn every_operation_is_declared_but_the_sunset_ones() {
    let spec = atlas_test_support::spec::spec();
    let endpoints = declared();
    let cov = coverage(spec, &endpoints);
    let as_of = atlas_endpoints::SUNSET_AS_OF;
    let sunset: std::collections::BTreeSet<String> = conformance::operations(spec)
        .into_iter()
        .filter(|op| conformance::sunset_before(spec, op, as_of))
        .map(|op| op.operation_id)
        .collect();
    println!(
        "declared {} of {} operations; {} left out, every version past its sunset on {as_of}:",
        cov.declared,
        cov.total,
        sunset.len()
    );
    for id in &sunset {
        println!("  {id}");
    }
    let declared_keys: std::collections::BTreeSet<(String, String)> = endpoints
        .iter()
        .map(|i| {
            (
                i.method.as_str().to_string(),
                format!("{}{}", atlas_runtime::implement::API_PREFIX, i.template),
            )
        })
        .collect();
    let mut missing = Vec::new();
    for op in conformance::operations(spec) {
        let is_declared = declared_keys.contains(&(op.method.clone(), op.path.clone()));
        match (is_declared, sunset.contains(&op.operation_id)) {
            (false, false) => {
                missing.push(format!("{} {} ({})", op.method, op.path, op.operation_id))
            }
            (true, true) => panic!(
                "{} is declared, but every version of it is past its sunset",
                op.operation_id
            ),
            _ => {}
        }
    }
    assert!(missing.is_empty(), "operations not declared: {missing:#?}");
    assert!(cov.unmatched.is_empty(), "{:?}", cov.unmatched);
    assert_eq!(cov.declared, cov.total - sunset.len());
    let skipped: std::collections::BTreeSet<String> = atlas_endpoints::SKIPPED
        .iter()
        .map(|(id, _, _)| id.to_string())
        .collect();
    assert_eq!(skipped, sunset, "the generator's SKIPPED list");
}

#[test]
fn every_declared_endpoint_is_declared_once() {
    let mut seen = std::collections::BTreeSet::new();
    let mut names = std::collections::BTreeSet::new();
    for info in declared() {
        assert!(
            seen.insert((info.method.as_str(), info.template, info.version)),
            "{} {} version {:?} is declared twice ({})",
            info.method,
            info.template,
            info.version,
            info.type_name
        );
        assert!(names.insert(info.type_name), "{} twice", info.type_name);
    }
}

#[needs(spec)]
fn counts_the_operations_of_the_real_spec() {
    let spec = atlas_test_support::spec::spec();
    let ops = conformance::operations(spec);
    assert_eq!(ops.len(), 540);
    let reference = ops
        .iter()
        .find(|o| o.operation_id == "createOrgServiceAccountSecret")
        .expect("the reference operation");
    assert_eq!(reference.method, "POST");
    assert_eq!(
        reference.path,
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets"
    );
    assert_eq!(reference.tag, "Service Accounts");
    let reference_op = &spec["paths"][&reference.path]["post"];
    assert_eq!(versions(spec, reference_op), ["2024-08-05"]);
}

// ---------------------------------------------------------------------------------------
// The check itself, on mini specs
// ---------------------------------------------------------------------------------------

const OBJECT_ID: &str = "^([a-f0-9]{24})$";
const THING_ID: &str = r"^thing_[a-f\d]{4}$";
const NAME: &str = r"^[\p{L}\p{N}\-_.,' ]*$";
const LOOKAHEAD_IP: &str =
    r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";

fn media(version: &str) -> String {
    format!("application/vnd.atlas.{version}+json")
}

/// A response object with one versioned media type per version.
fn ok(versions: &[&str]) -> Value {
    let content: serde_json::Map<String, Value> = versions
        .iter()
        .map(|v| (media(v), json!({ "x-xgen-version": v })))
        .collect();
    json!({ "description": "OK", "content": content })
}

fn body(version: &str, schema: Value) -> Value {
    json!({ "required": true, "content": { media(version): { "schema": schema } } })
}

fn mini_spec() -> Value {
    let common = json!([
        { "$ref": "#/components/parameters/envelope" },
        { "$ref": "#/components/parameters/pretty" }
    ]);
    let with_common = |mut params: Vec<Value>| {
        params.extend(common.as_array().unwrap().iter().cloned());
        Value::Array(params)
    };
    json!({
        "openapi": "3.0.1",
        "components": {
            "parameters": {
                "envelope": { "in": "query", "name": "envelope",
                    "schema": { "type": "boolean", "default": false } },
                "pretty": { "in": "query", "name": "pretty",
                    "schema": { "type": "boolean", "default": false } },
                "orgId": { "in": "path", "name": "orgId", "required": true,
                    "schema": { "type": "string", "pattern": OBJECT_ID } },
                "itemsPerPage": { "in": "query", "name": "itemsPerPage",
                    "schema": { "type": "integer", "default": 100, "minimum": 1, "maximum": 500 } },
                "pageNum": { "in": "query", "name": "pageNum",
                    "schema": { "type": "integer", "default": 1, "minimum": 1 } }
            },
            "schemas": {
                "SecretRequest": {
                    "type": "object",
                    "required": ["secretExpiresAfterHours"],
                    "properties": {
                        "secretExpiresAfterHours":
                            { "type": "integer", "minimum": 0, "exclusiveMinimum": true },
                        "name": { "type": "string", "minLength": 1, "maxLength": 64,
                            "pattern": NAME },
                        "createdAt": { "type": "string", "readOnly": true }
                    }
                },
                "AddressRequest": {
                    "type": "object",
                    "required": ["ipAddress"],
                    "properties": { "ipAddress": { "type": "string", "pattern": LOOKAHEAD_IP } }
                },
                "Entry": {
                    "type": "object",
                    "properties": {
                        "cidrBlock": { "type": "string", "pattern": "^[0-9./]+$" },
                        "ipAddress": { "type": "string", "pattern": LOOKAHEAD_IP }
                    }
                }
            },
            "responses": {
                "badRequest": { "description": "Bad Request",
                    "content": { "application/json": { "schema": { "type": "object" } } } }
            }
        },
        "paths": {
            "/api/atlas/v2/orgs/{orgId}/things/{thingId}/secrets": {
                "post": {
                    "operationId": "createThingSecret",
                    "tags": ["Things"],
                    "parameters": with_common(vec![
                        json!({ "$ref": "#/components/parameters/orgId" }),
                        json!({ "in": "path", "name": "thingId", "required": true,
                            "schema": { "type": "string", "pattern": THING_ID } }),
                    ]),
                    "requestBody": body("2024-08-05",
                        json!({ "$ref": "#/components/schemas/SecretRequest" })),
                    "responses": {
                        "201": ok(&["2024-08-05"]),
                        "400": { "$ref": "#/components/responses/badRequest" }
                    }
                }
            },
            "/api/atlas/v2/orgs/{orgId}/things": {
                "get": {
                    "operationId": "listThings",
                    "tags": ["Things"],
                    "parameters": with_common(vec![
                        json!({ "$ref": "#/components/parameters/orgId" }),
                        json!({ "$ref": "#/components/parameters/itemsPerPage" }),
                        json!({ "$ref": "#/components/parameters/pageNum" }),
                        json!({ "in": "query", "name": "includeCount",
                            "schema": { "type": "boolean", "default": true } }),
                    ]),
                    "responses": {
                        // Two versions; `x-xgen-version` is wrong on purpose, as once in
                        // the real spec: versions come from the media types.
                        "200": {
                            "content": {
                                media("2023-01-01"): { "x-xgen-version": "2023-01-01" },
                                media("2024-08-05"): { "x-xgen-version": "2024-08-05x" }
                            }
                        }
                    }
                }
            },
            "/api/atlas/v2/orgs/{orgId}/addresses": {
                "post": {
                    "operationId": "addAddress",
                    "tags": ["Addresses"],
                    "parameters": with_common(vec![
                        json!({ "$ref": "#/components/parameters/orgId" }),
                    ]),
                    "requestBody": body("2024-08-05",
                        json!({ "$ref": "#/components/schemas/AddressRequest" })),
                    "responses": { "200": ok(&["2024-08-05"]) }
                }
            },
            "/api/atlas/v2/orgs/{orgId}/things/{thingId}/tags": {
                "post": {
                    "operationId": "addThingTags",
                    "tags": ["Things"],
                    "parameters": with_common(vec![
                        json!({ "$ref": "#/components/parameters/orgId" }),
                        json!({ "in": "path", "name": "thingId", "required": true,
                            "schema": { "type": "string", "pattern": THING_ID } }),
                    ]),
                    "requestBody": body("2024-08-05", json!({
                        "type": "array", "maxItems": 10,
                        "items": { "type": "string", "pattern": "^[a-z]+$" }
                    })),
                    "responses": { "200": ok(&["2024-08-05"]) }
                }
            },
            "/api/atlas/v2/orgs/{orgId}/entries": {
                "post": {
                    "operationId": "addEntries",
                    "tags": ["Addresses"],
                    "parameters": with_common(vec![
                        json!({ "$ref": "#/components/parameters/orgId" }),
                    ]),
                    "requestBody": body("2024-08-05", json!({
                        "type": "array", "maxItems": 200,
                        "items": { "$ref": "#/components/schemas/Entry" }
                    })),
                    "responses": { "200": ok(&["2024-08-05"]) }
                },
                "delete": {
                    "operationId": "deleteEntries",
                    "tags": ["Addresses"],
                    "parameters": with_common(vec![
                        json!({ "$ref": "#/components/parameters/orgId" }),
                    ]),
                    "responses": { "204": ok(&["2024-08-05"]) }
                }
            }
        }
    })
}

// The endpoints that agree with the mini spec.

#[atlas_endpoint(POST, "/orgs/{orgId}/things/{thingId}/secrets", version = "2024-08-05",
    operation_id = "createThingSecret", response = serde_json::Value,
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$"))]
pub struct CreateThingSecret {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[atlas(length(min = 1, max = 64), pattern = r"^[\p{L}\p{N}\-_.,' ]*$")]
    pub name: Option<String>,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/things", version = "2023-01-01",
    operation_id = "listThings", response = serde_json::Value,
    pattern(orgId = "^([a-f0-9]{24})$"))]
pub struct ListThings {
    pub org_id: String,
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
    #[atlas(query)]
    pub include_count: Option<bool>,
}

/// The look-ahead pattern of the spec, replaced as `PATTERN_REPLACEMENTS` documents.
#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/addresses",
    version = "2024-08-05",
    operation_id = "addAddress",
    pattern(orgId = "^([a-f0-9]{24})$")
)]
pub struct AddAddress {
    pub org_id: String,
    #[atlas(
        pattern = r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.){3}(25[0-5]|(2[0-4]|1\d|[1-9]|)\d)($|\.(?s:.))|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$"
    )]
    pub ip_address: String,
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/tags",
    version = "2024-08-05",
    operation_id = "addThingTags",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct AddThingTags {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(body, length(max = 10), pattern = "^[a-z]+$")]
    pub tags: Vec<String>,
}

#[atlas_endpoint(
    DELETE,
    "/orgs/{orgId}/entries",
    version = "2024-08-05",
    operation_id = "deleteEntries",
    pattern(orgId = "^([a-f0-9]{24})$")
)]
pub struct DeleteEntries {
    pub org_id: String,
}

/// Asserts `check` finds exactly `expected` differences (by substring, in any order),
/// each starting with `TypeName (operationId): `.
#[track_caller]
fn assert_differences(spec: &Value, info: &EndpointInfo, op_id: &str, expected: &[&str]) {
    let found = check(spec, info);
    let prefix = format!("{} ({op_id}): ", info.type_name);
    for message in &found {
        assert!(
            message.starts_with(&prefix),
            "{message:?} does not start with {prefix:?}"
        );
    }
    for want in expected {
        assert!(
            found.iter().any(|m| m.contains(want)),
            "no difference mentions {want:?}; found:\n{}",
            found.join("\n")
        );
    }
    assert_eq!(
        found.len(),
        expected.len(),
        "expected {} difference(s) {expected:?}, found:\n{}",
        expected.len(),
        found.join("\n")
    );
}

#[test]
fn agreeing_endpoints_pass() {
    let spec = mini_spec();
    for info in [
        CreateThingSecret::INFO,
        ListThings::INFO,
        AddAddress::INFO,
        AddThingTags::INFO,
        DeleteEntries::INFO,
    ] {
        assert_eq!(
            check(&spec, &info),
            Vec::<String>::new(),
            "{}",
            info.type_name
        );
    }
}

#[test]
fn notes_what_cannot_be_a_difference() {
    let spec = mini_spec();
    let notes = review(&spec, &ListThings::INFO).notes;
    let all = notes.join("\n");
    // An older version than the newest listed.
    assert!(
        all.contains(
            "ListThings (listThings): declares version 2023-01-01; the spec lists \
             2023-01-01, 2024-08-05 (newest 2024-08-05)"
        ),
        "{all}"
    );
    // Spec defaults of optional query parameters.
    for default in [
        "query parameter `itemsPerPage`: the spec's default 100",
        "query parameter `pageNum`: the spec's default 1",
        "query parameter `includeCount`: the spec's default true",
    ] {
        assert!(all.contains(default), "{default} not in:\n{all}");
    }
    // The documented pattern replacement.
    let notes = review(&spec, &AddAddress::INFO).notes;
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with("AddAddress (addAddress): body member `ipAddress`: pattern `")
            && notes[0].contains("replaces the spec's"),
        "{notes:?}"
    );
}

#[test]
fn versions_come_from_media_types_not_x_xgen_version() {
    let spec = mini_spec();
    let op = &spec["paths"]["/api/atlas/v2/orgs/{orgId}/things"]["get"];
    assert_eq!(versions(&spec, op), ["2023-01-01", "2024-08-05"]);
    // Error responses behind `$ref` (application/json) add nothing; request bodies count.
    let op = &spec["paths"]["/api/atlas/v2/orgs/{orgId}/things/{thingId}/secrets"]["post"];
    assert_eq!(versions(&spec, op), ["2024-08-05"]);
    let mut only_body = op.clone();
    only_body["responses"] = json!({ "204": { "description": "No Content" } });
    only_body["requestBody"]["content"] = json!({ media("preview"): { "schema": {} } });
    assert_eq!(versions(&spec, &only_body), ["preview"]);
}

#[test]
fn counts_coverage() {
    let spec = mini_spec();
    let cov = coverage(
        &spec,
        &[CreateThingSecret::INFO, ListThings::INFO, WrongMethod::INFO],
    );
    assert_eq!(cov.total, 6);
    assert_eq!(cov.declared, 2);
    assert_eq!(cov.by_tag.get("Things"), Some(&(2, 3)));
    assert_eq!(cov.unmatched, ["WrongMethod"]);
    assert_eq!(
        cov.missing_in_tags,
        ["POST /api/atlas/v2/orgs/{orgId}/things/{thingId}/tags (addThingTags)"]
    );
    assert!(
        cov.summary().starts_with("declared 2 of 6 operations\n"),
        "{}",
        cov.summary()
    );
}

// Declarations that differ from the mini spec.

#[atlas_endpoint(
    PUT,
    "/orgs/{orgId}/things/{thingId}/secrets",
    version = "2024-08-05",
    operation_id = "createThingSecret",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct WrongMethod {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

#[test]
fn wrong_method() {
    assert_differences(
        &mini_spec(),
        &WrongMethod::INFO,
        "createThingSecret",
        &[
            "the spec has no PUT /api/atlas/v2/orgs/{orgId}/things/{thingId}/secrets; that path has POST",
            "the spec's operation `createThingSecret` is POST /api/atlas/v2/orgs/{orgId}/things/{thingId}/secrets",
        ],
    );
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgID}/things/{thingId}/secrets",
    version = "2024-08-05",
    operation_id = "createThingSecret",
    pattern(orgID = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct WrongPlaceholder {
    #[atlas(path = "orgID")]
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

#[test]
fn wrong_placeholder_name() {
    assert_differences(
        &mini_spec(),
        &WrongPlaceholder::INFO,
        "createThingSecret",
        &[
            "the spec has no path /api/atlas/v2/orgs/{orgID}/things/{thingId}/secrets; \
             placeholders are named differently in /api/atlas/v2/orgs/{orgId}/things/{thingId}/secrets",
            "the spec's operation `createThingSecret` is POST",
        ],
    );
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/secrets",
    version = "2023-02-01",
    operation_id = "createThingSecret",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct WrongVersion {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/secrets",
    operation_id = "createThingSecret",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct NoVersion {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

#[test]
fn wrong_or_missing_version() {
    let spec = mini_spec();
    assert_differences(
        &spec,
        &WrongVersion::INFO,
        "createThingSecret",
        &["version `2023-02-01` is not one of the operation's versions: 2024-08-05"],
    );
    assert_differences(
        &spec,
        &NoVersion::INFO,
        "createThingSecret",
        &["declares no version (the client's default would be sent); the spec lists 2024-08-05"],
    );
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/secrets",
    version = "2024-08-05",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct NoOperationId {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/secrets",
    version = "2024-08-05",
    operation_id = "createThing",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct WrongOperationId {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

#[test]
fn wrong_or_missing_operation_id() {
    let spec = mini_spec();
    // Without a declared operationId, messages name the spec's.
    assert_differences(
        &spec,
        &NoOperationId::INFO,
        "createThingSecret",
        &["declares no operation_id; the spec's is `createThingSecret`"],
    );
    assert_differences(
        &spec,
        &WrongOperationId::INFO,
        "createThing",
        &["operationId differs: declared `createThing`, spec `createThingSecret`"],
    );
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/secrets",
    version = "2024-08-05",
    operation_id = "createThingSecret",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f0-9]{4}$")
)]
pub struct WrongPattern {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/secrets",
    version = "2024-08-05",
    operation_id = "createThingSecret",
    pattern(thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct MissingPattern {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

#[test]
fn wrong_or_missing_path_pattern() {
    let spec = mini_spec();
    assert_differences(
        &spec,
        &WrongPattern::INFO,
        "createThingSecret",
        &[
            r"path parameter `thingId`: pattern differs: declared `^thing_[a-f0-9]{4}$`, spec `^thing_[a-f\d]{4}$`",
        ],
    );
    assert_differences(
        &spec,
        &MissingPattern::INFO,
        "createThingSecret",
        &["path parameter `orgId`: the spec's pattern `^([a-f0-9]{24})$` is not declared"],
    );
    // A declared pattern the spec does not have.
    let mut no_pattern = spec.clone();
    no_pattern["paths"]["/api/atlas/v2/orgs/{orgId}/things/{thingId}/secrets"]["post"]
        ["parameters"][1]["schema"]
        .as_object_mut()
        .unwrap()
        .remove("pattern");
    assert_differences(
        &no_pattern,
        &CreateThingSecret::INFO,
        "createThingSecret",
        &[
            r"path parameter `thingId`: declares pattern `^thing_[a-f\d]{4}$`, but the spec has none",
        ],
    );
}

#[atlas_endpoint(
    GET,
    "/orgs/{orgId}/things",
    version = "2024-08-05",
    operation_id = "listThings",
    pattern(orgId = "^([a-f0-9]{24})$")
)]
pub struct QueryDifferences {
    pub org_id: String,
    // Spec: 1..=500.
    #[atlas(query, range(min = 1, max = 100))]
    pub items_per_page: Option<i32>,
    // Spec: optional.
    #[atlas(query, range(min = 1))]
    pub page_num: i32,
    // `includeCount` missing; `bogus` unknown; `envelope` belongs to RequestOptions.
    #[atlas(query)]
    pub bogus: Option<String>,
    #[atlas(query)]
    pub envelope: Option<bool>,
}

#[test]
fn query_parameter_differences() {
    assert_differences(
        &mini_spec(),
        &QueryDifferences::INFO,
        "listThings",
        &[
            "query parameter `itemsPerPage`: range differs: declared `>= 1 and <= 100`, spec `>= 1 and <= 500`",
            "query parameter `pageNum` is optional in the spec but required in the declaration",
            "the spec's optional query parameter `includeCount` is not declared",
            "declares query parameter `bogus`, which the spec's operation does not have",
            "query parameter `envelope` is sent by RequestOptions; do not declare it",
        ],
    );
}

#[test]
fn query_parameters_added_to_the_spec() {
    let mut spec = mini_spec();
    let params = spec["paths"]["/api/atlas/v2/orgs/{orgId}/things"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    params.push(json!({ "in": "query", "name": "state", "required": true,
        "schema": { "type": "string", "pattern": "^[A-Z]+$" } }));
    // A range the declaration does not have, behind a `$ref`.
    spec["components"]["parameters"]["pageNum"]["schema"]["maximum"] = json!(1000);
    assert_differences(
        &spec,
        &ListThings::INFO,
        "listThings",
        &[
            "the spec's required query parameter `state` is not declared",
            "query parameter `pageNum`: range differs: declared `>= 1`, spec `>= 1 and <= 1000`",
        ],
    );
}

#[atlas_endpoint(POST, "/orgs/{orgId}/things/{thingId}/secrets", version = "2024-08-05",
    operation_id = "createThingSecret", response = serde_json::Value,
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$"))]
pub struct BodyDifferences {
    pub org_id: String,
    pub thing_id: String,
    // Spec: required, > 0.
    #[atlas(range(min = 0))]
    pub secret_expires_after_hours: Option<i32>,
    // Spec: 1..=64 chars.
    #[atlas(length(min = 1, max = 250), pattern = r"^[\p{L}\p{N}\-_.,' ]*$")]
    pub name: Option<String>,
    // Not in the schema.
    pub colour: Option<String>,
}

#[test]
fn body_member_differences() {
    assert_differences(
        &mini_spec(),
        &BodyDifferences::INFO,
        "createThingSecret",
        &[
            "body member `secretExpiresAfterHours` is required in the spec but optional in the declaration",
            "body member `secretExpiresAfterHours`: range differs: declared `>= 0`, spec `> 0`",
            "body member `name`: length differs: declared `1..=250`, spec `1..=64` (chars)",
            "declares body member `colour`, which the spec's schema does not have",
        ],
    );
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/secrets",
    version = "2024-08-05",
    operation_id = "createThingSecret",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct MissingBodyMember {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(pattern = r"^[\p{L}\p{N}\-_.,' ]*$")]
    pub name: String,
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/secrets",
    version = "2024-08-05",
    operation_id = "createThingSecret",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct NoBody {
    pub org_id: String,
    pub thing_id: String,
}

#[test]
fn missing_body_member_or_body() {
    let spec = mini_spec();
    assert_differences(
        &spec,
        &MissingBodyMember::INFO,
        "createThingSecret",
        &[
            "the spec's required body member `secretExpiresAfterHours` is not declared",
            "body member `name`: the spec's length `1..=64` (chars) is not declared",
        ],
    );
    // Required by the declaration but optional in the spec: a note, not a difference.
    let notes = review(&spec, &MissingBodyMember::INFO).notes;
    assert!(
        notes.iter().any(|n| n
            == "MissingBodyMember (createThingSecret): body member `name` is optional in the \
                spec but required by the declaration"),
        "{notes:?}"
    );
    assert_differences(
        &spec,
        &NoBody::INFO,
        "createThingSecret",
        &["the spec requires a request body; the declaration has none"],
    );
    // An optional body not declared is a note.
    let mut optional = spec.clone();
    optional["paths"]["/api/atlas/v2/orgs/{orgId}/things/{thingId}/secrets"]["post"]["requestBody"]
        ["required"] = json!(false);
    assert_differences(&optional, &NoBody::INFO, "createThingSecret", &[]);
    assert!(
        review(&optional, &NoBody::INFO)
            .notes
            .iter()
            .any(|n| n.contains("optional request body")),
    );
    // A body where the spec has none.
    let mut bodiless = spec.clone();
    bodiless["paths"]["/api/atlas/v2/orgs/{orgId}/things/{thingId}/secrets"]["post"]
        .as_object_mut()
        .unwrap()
        .remove("requestBody");
    assert_differences(
        &bodiless,
        &CreateThingSecret::INFO,
        "createThingSecret",
        &["declares a request body (object members), but the spec's operation has none"],
    );
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/tags",
    version = "2024-08-05",
    operation_id = "addThingTags",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct TagsAsMembers {
    pub org_id: String,
    pub thing_id: String,
    pub tags: Vec<String>,
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/things/{thingId}/tags",
    version = "2024-08-05",
    operation_id = "addThingTags",
    pattern(orgId = "^([a-f0-9]{24})$", thingId = r"^thing_[a-f\d]{4}$")
)]
pub struct TagsUnchecked {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(body)]
    pub tags: Vec<String>,
}

#[test]
fn array_bodies_are_whole_and_keep_their_rules() {
    let spec = mini_spec();
    assert_differences(
        &spec,
        &TagsAsMembers::INFO,
        "addThingTags",
        &["the spec's request body is an array: declare it as one #[atlas(body)] Vec field"],
    );
    assert_differences(
        &spec,
        &TagsUnchecked::INFO,
        "addThingTags",
        &[
            "the whole body: the spec's pattern `^[a-z]+$` is not declared",
            "the whole body: the spec's length `..=10` (items) is not declared",
        ],
    );
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    #[serde(rename = "ipAddress")]
    pub ip_address: String,
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/entries",
    version = "2024-08-05",
    operation_id = "addEntries",
    pattern(orgId = "^([a-f0-9]{24})$")
)]
pub struct AddEntries {
    pub org_id: String,
    #[atlas(body, length(max = 200))]
    pub entries: Vec<Entry>,
}

#[test]
fn array_of_objects_body() {
    let spec = mini_spec();
    assert_differences(&spec, &AddEntries::INFO, "addEntries", &[]);
    let mut bigger = spec.clone();
    bigger["paths"]["/api/atlas/v2/orgs/{orgId}/entries"]["post"]["requestBody"]["content"]
        [media("2024-08-05")]["schema"]["maxItems"] = json!(100);
    assert_differences(
        &bigger,
        &AddEntries::INFO,
        "addEntries",
        &["the whole body: length differs: declared `..=200`, spec `..=100` (items)"],
    );
}

#[atlas_endpoint(
    POST,
    "/orgs/{orgId}/addresses",
    version = "2024-08-05",
    operation_id = "addAddress",
    pattern(orgId = "^([a-f0-9]{24})$")
)]
pub struct AddAddressOwnPattern {
    pub org_id: String,
    #[atlas(pattern = r"^([0-9]{1,3}\.){3}[0-9]{1,3}$")]
    pub ip_address: String,
}

#[test]
fn pattern_replacements_need_the_allow_list() {
    let spec = mini_spec();
    assert_differences(
        &spec,
        &AddAddressOwnPattern::INFO,
        "addAddress",
        &[
            "body member `ipAddress`: pattern differs: declared `^([0-9]{1,3}\\.){3}[0-9]{1,3}$`, \
           spec `^((25[0-5]|(2[0-4]|1\\d|[1-9]|)\\d)(\\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$` \
           (the documented replacement is in PATTERN_REPLACEMENTS)",
        ],
    );
    // Every replacement has a reason, and the one tested here is the listed one.
    for r in PATTERN_REPLACEMENTS {
        assert!(!r.reason.trim().is_empty(), "{r:?}");
        assert_ne!(r.spec, r.declared);
    }
    let declared = AddAddress::INFO.param("ipAddress").unwrap();
    assert_eq!(declared.location, Location::Body);
    let source = declared.patterns().next().unwrap().source();
    assert!(
        PATTERN_REPLACEMENTS
            .iter()
            .any(|r| r.spec == LOOKAHEAD_IP && r.declared == source)
    );
}

#[test]
fn the_lookahead_replacement_accepts_what_the_spec_pattern_accepts() {
    // Expected values: the spec's pattern (with its look-ahead) run by node's ECMA-262
    // engine, whose `$` is the very end of the text, as the macro's.
    const SAMPLES: &[(&str, bool)] = &[
        ("192.0.2.1", true),
        ("0.0.0.0", true),
        ("255.255.255.255", true),
        ("10.1.2.3", true),
        ("1.2.3.4.", false),
        ("1.2.3.4.5", true),
        ("1.2.3.4.x", true),
        ("1.2.3.4.\n", true),
        ("1.2.3.4\n", false),
        ("1.2.3.4/24", false),
        ("1.2.3", false),
        ("1.2.3.", false),
        ("256.1.1.1", false),
        ("01.2.3.4", false),
        ("1.2.3.04", false),
        ("x1.2.3.4", false),
        (" 1.2.3.4", false),
        ("1.2.3.4 ", false),
        ("1..2.3.4", false),
        ("", false),
        ("2001:db8:0:0:0:0:0:1", true),
        ("2001:DB8:0:0:0:0:0:1", false),
        ("2001:db8::1", false),
        ("x1:2:3:4:5:6:7:8", true),
        ("1:2:3:4:5:6:7:8x", false),
        ("1:2:3:4:5:6:7", false),
        ("fe80:0:0:0:0:0:0:1\n", false),
        ("199.200.249.250", true),
        ("249.250.255.256", false),
        ("1.2.3.4.é", true),
        ("1.2.3.4..", true),
        ("1.2.3.4.\u{2028}", true),
    ];
    let pattern = AddAddress::INFO
        .param("ipAddress")
        .unwrap()
        .patterns()
        .next()
        .unwrap();
    for (text, want) in SAMPLES {
        assert_eq!(pattern.is_match(text), *want, "{text:?}");
    }
}

#[test]
fn read_only_members_are_not_required_in_requests() {
    // `createdAt` is read-only: required in the answer, never sent.
    let mut spec = mini_spec();
    spec["components"]["schemas"]["SecretRequest"]["required"] =
        json!(["secretExpiresAfterHours", "createdAt"]);
    assert_differences(&spec, &CreateThingSecret::INFO, "createThingSecret", &[]);
    // A required member that is not read-only still has to be declared.
    spec["components"]["schemas"]["SecretRequest"]["properties"]["createdAt"]
        .as_object_mut()
        .unwrap()
        .remove("readOnly");
    assert_differences(
        &spec,
        &CreateThingSecret::INFO,
        "createThingSecret",
        &["the spec's required body member `createdAt` is not declared"],
    );
}

#[atlas_endpoint(GET, "/orgs/{orgId}/things", version = "2023-01-01",
    operation_id = "listThings", response = serde_json::Value,
    pattern(orgId = "^([a-f0-9]{24})$"))]
pub struct ListThingsByState {
    pub org_id: String,
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
    #[atlas(query)]
    pub include_count: Option<bool>,
    #[atlas(query)]
    pub states: Vec<String>,
}

#[test]
fn a_required_array_query_parameter_is_a_note() {
    let mut spec = mini_spec();
    spec["paths"]["/api/atlas/v2/orgs/{orgId}/things"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "in": "query", "name": "states", "required": true,
            "schema": { "type": "array", "items": { "type": "string" } } }));
    assert_differences(&spec, &ListThingsByState::INFO, "listThings", &[]);
    assert!(
        review(&spec, &ListThingsByState::INFO)
            .notes
            .iter()
            .any(|n| n.contains("cannot require a repeated query parameter")),
    );
    // A required scalar declared optional is still a difference.
    let params = spec["paths"]["/api/atlas/v2/orgs/{orgId}/things"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    let last = params.len() - 1;
    params[last]["schema"] = json!({ "type": "string" });
    assert_differences(
        &spec,
        &ListThingsByState::INFO,
        "listThings",
        &["query parameter `states` is required in the spec but optional in the declaration"],
    );
}

/// A discriminated parent whose children `allOf` it back: the walk visits each once
/// (it was exponential in the number of children).
#[test]
fn a_parent_child_cycle_is_walked_once() {
    let mut spec = mini_spec();
    let mut mapping = serde_json::Map::new();
    let mut one_of = Vec::new();
    for i in 0..40 {
        let name = format!("Child{i}");
        mapping.insert(
            format!("C{i}"),
            json!(format!("#/components/schemas/{name}")),
        );
        one_of.push(json!({ "$ref": format!("#/components/schemas/{name}") }));
        spec["components"]["schemas"][&name] = json!({
            "allOf": [
                { "$ref": "#/components/schemas/SecretRequest" },
                { "type": "object", "properties": { format!("p{i}"): { "type": "string" } } }
            ]
        });
    }
    let parent = spec["components"]["schemas"]["SecretRequest"]
        .as_object_mut()
        .unwrap();
    parent.insert("oneOf".into(), Value::Array(one_of));
    parent.insert(
        "discriminator".into(),
        json!({ "propertyName": "kind", "mapping": mapping }),
    );
    let started = std::time::Instant::now();
    assert_differences(&spec, &CreateThingSecret::INFO, "createThingSecret", &[]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
