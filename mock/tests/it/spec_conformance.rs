//! Conformance with the official OpenAPI spec, read as test data: every Service Accounts
//! operation in the spec is called (found by tag, not from a list of ours), and every
//! answer must be a status the spec documents for it, with the documented media type and
//! headers, and a body valid against the documented schema — with no property the schema
//! does not declare. Errors (400, 401, 403, 404, 429) are checked the same way.
//!
//! The spec is found through `ATLAS_OPENAPI_SPEC`, default `../shared/atlas-openapi/v2.yaml`
//! beside the repository; without it the test says so and passes, except with `CI=true`.

use crate::common::{Api, Res, V, send, token_for};
use atlas_mock::MockAtlas;
use atlas_mock_gen::spec;
use atlas_test_needs::needs;
use serde_json::{Value, json};

fn spec() -> Value {
    spec::load(&spec::path()).unwrap_or_else(|e| panic!("{e}; set ATLAS_OPENAPI_SPEC"))
}

/// Follows local `$ref`s; a dangling one is a broken spec.
fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    spec::try_resolve(spec, node).unwrap_or_else(|| panic!("dangling or cyclic $ref at {node}"))
}

/// A validator for the subset of OpenAPI 3.0 schemas the Service Accounts family uses.
struct Checker<'a> {
    spec: &'a Value,
    errors: Vec<String>,
}

impl Checker<'_> {
    fn fail(&mut self, at: &str, what: String) {
        self.errors.push(format!("{at}: {what}"));
    }

    fn check(&mut self, schema: &Value, value: &Value, at: &str) {
        let schema = resolve(self.spec, schema);
        if value.is_null() {
            if schema.get("nullable") != Some(&Value::Bool(true)) {
                self.fail(at, "null where the schema is not nullable".into());
            }
            return;
        }
        let ty = schema.get("type").and_then(Value::as_str).unwrap_or(
            if schema.get("properties").is_some() {
                "object"
            } else {
                ""
            },
        );
        match ty {
            "object" => {
                let Some(obj) = value.as_object() else {
                    return self.fail(at, format!("not an object: {value}"));
                };
                let props = schema.get("properties").and_then(Value::as_object);
                for req in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = req.as_str().unwrap_or("");
                    if !obj.contains_key(name) {
                        self.fail(at, format!("required property {name} missing"));
                    }
                }
                for (key, v) in obj {
                    match props.and_then(|p| p.get(key)) {
                        Some(s) => self.check(s, v, &format!("{at}.{key}")),
                        None if props.is_some() => {
                            self.fail(at, format!("property {key} is not in the schema"))
                        }
                        None => {}
                    }
                }
            }
            "array" => {
                let Some(items) = value.as_array() else {
                    return self.fail(at, format!("not an array: {value}"));
                };
                if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
                    && items.len() as u64 > max
                {
                    self.fail(at, format!("{} items, over maxItems {max}", items.len()));
                }
                if schema.get("uniqueItems") == Some(&Value::Bool(true)) {
                    for (i, a) in items.iter().enumerate() {
                        if items[..i].contains(a) {
                            self.fail(at, format!("duplicate item {a}"));
                        }
                    }
                }
                // ApiError.parameters: the spec types the items as objects, but Atlas sends
                // the values themselves (ids, names: strings). The emulator does as Atlas,
                // so a client that trusts the spec here fails against it as against Atlas.
                let atlas_parameters = at.ends_with(".parameters");
                if let Some(item_schema) = schema.get("items").filter(|_| !atlas_parameters) {
                    for (i, v) in items.iter().enumerate() {
                        self.check(item_schema, v, &format!("{at}[{i}]"));
                    }
                }
            }
            "string" => {
                let Some(s) = value.as_str() else {
                    return self.fail(at, format!("not a string: {value}"));
                };
                if let Some(e) = schema.get("enum").and_then(Value::as_array)
                    && !e.iter().any(|x| x == value)
                {
                    self.fail(at, format!("{s:?} is not in the enum"));
                }
                if schema.get("format").and_then(Value::as_str) == Some("date-time")
                    && s.parse::<jiff::Timestamp>().is_err()
                {
                    self.fail(at, format!("{s:?} is not a date-time"));
                }
                // Patterns are searched, unanchored (JSON Schema); look-around ones are skipped.
                if let Some(p) = schema.get("pattern").and_then(Value::as_str)
                    && let Ok(re) = regex::Regex::new(p)
                    && !re.is_match(s)
                {
                    self.fail(at, format!("{s:?} does not match {p}"));
                }
            }
            "integer" => {
                let Some(n) = value.as_i64() else {
                    return self.fail(at, format!("not an integer: {value}"));
                };
                if schema.get("format").and_then(Value::as_str) == Some("int32")
                    && i32::try_from(n).is_err()
                {
                    self.fail(at, format!("{n} is not an int32"));
                }
                if let Some(min) = schema.get("minimum").and_then(Value::as_i64)
                    && n < min
                {
                    self.fail(at, format!("{n} is below the minimum {min}"));
                }
            }
            "boolean" if !value.is_boolean() => self.fail(at, format!("not a boolean: {value}")),
            _ => {}
        }
    }
}

/// One Service Accounts operation from the spec.
struct Op<'a> {
    id: String,
    method: String,
    path: String,
    spec: &'a Value,
}

fn operations(spec: &Value) -> Vec<Op<'_>> {
    let mut ops = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let tagged = op
                .get("tags")
                .and_then(Value::as_array)
                .is_some_and(|t| t.iter().any(|x| x == "Service Accounts"));
            if tagged {
                ops.push(Op {
                    id: op["operationId"].as_str().unwrap().to_owned(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    spec: op,
                });
            }
        }
    }
    ops
}

/// Checks a response against what the spec documents for `op`; returns the errors.
fn conform(spec: &Value, op: &Op<'_>, r: &Res) -> Vec<String> {
    let mut errors = Vec::new();
    let responses = &op.spec["responses"];
    let Some(documented) = responses.get(r.status.to_string()) else {
        let known: Vec<&String> = responses.as_object().unwrap().keys().collect();
        return vec![format!(
            "{}: status {} is not documented ({known:?}): {}",
            op.id, r.status, r.body
        )];
    };
    let documented = resolve(spec, documented);
    for header in documented
        .get("headers")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, _)| k)
    {
        if r.header(header).is_none() {
            errors.push(format!("{}: {} lacks the header {header}", op.id, r.status));
        }
    }
    let Some(content) = documented.get("content").and_then(Value::as_object) else {
        return errors;
    };
    let (media, media_spec) = content.iter().next().unwrap();
    if r.header("content-type") != Some(media.as_str()) {
        errors.push(format!(
            "{}: {} content type {:?}, documented {media}",
            op.id,
            r.status,
            r.header("content-type")
        ));
    }
    match media_spec.get("schema") {
        Some(schema) => {
            let mut checker = Checker {
                spec,
                errors: Vec::new(),
            };
            checker.check(schema, &r.json(), &format!("{} {}", op.id, r.status));
            errors.extend(checker.errors);
        }
        None if !r.body.is_empty() => {
            errors.push(format!("{}: {} has a body: {}", op.id, r.status, r.body))
        }
        None => {}
    }
    errors
}

/// A valid request body for an operation.
fn valid_body(id: &str) -> Option<String> {
    let body = match id {
        "createOrgServiceAccount" => {
            json!({"name": "Conformance", "description": "made by the test", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 5})
        }
        "createGroupServiceAccount" => {
            json!({"name": "Conformance", "description": "made by the test", "roles": ["GROUP_READ_ONLY"], "secretExpiresAfterHours": 5})
        }
        "updateOrgServiceAccount" => json!({"name": "Renamed", "description": null}),
        "updateGroupServiceAccount" => {
            json!({"description": "Described", "roles": ["GROUP_OWNER"]})
        }
        "inviteGroupServiceAccount" => {
            json!({"roles": ["GROUP_READ_ONLY", "GROUP_CLUSTER_MANAGER"]})
        }
        "createOrgServiceAccountSecret" | "createGroupServiceAccountSecret" => {
            json!({"secretExpiresAfterHours": 2})
        }
        "createOrgServiceAccountAccessList" => {
            json!([{"ipAddress": "203.0.113.5"}, {"cidrBlock": "203.0.114.0/24"}])
        }
        "createGroupServiceAccountAccessList" => json!([{"ipAddress": "203.0.113.6"}]),
        _ => return None,
    };
    Some(body.to_string())
}

/// Deletes run last, in an order that keeps their targets alive until their turn.
const DELETE_ORDER: [&str; 6] = [
    "deleteOrgServiceAccountSecret",
    "deleteGroupServiceAccountSecret",
    "deleteOrgServiceAccountAccessListEntry",
    "deleteGroupServiceAccountAccessListEntry",
    "deleteGroupServiceAccount",
    "deleteOrgServiceAccount",
];

#[needs(spec)]
fn every_operation_answers_as_the_spec_documents() {
    let spec = spec();
    let mut ops = operations(&spec);
    assert_eq!(ops.len(), 22, "the spec's Service Accounts operations");
    ops.sort_by_key(|op| {
        DELETE_ORDER
            .iter()
            .position(|d| *d == op.id)
            .map_or(0, |i| i + 1)
    });

    let mock = MockAtlas::start();
    let owner = Api::owner(&mock);
    // A target account, assigned to the project, with two extra secrets and two entries.
    let (cid, _) = owner.create_org_account("target", &["ORG_MEMBER"]);
    let r = owner.call(
        "POST",
        &format!("{}/{cid}:invite", owner.group()),
        Some(r#"{"roles": ["GROUP_OWNER"]}"#),
    );
    assert_eq!(r.status, 200);
    let mut secret_ids = Vec::new();
    for _ in 0..2 {
        let r = owner.call(
            "POST",
            &format!("{}/{cid}/secrets", owner.org()),
            Some(r#"{"secretExpiresAfterHours": 3}"#),
        );
        secret_ids.push(r.json()["id"].as_str().unwrap().to_owned());
    }
    let r = owner.call(
        "POST",
        &format!("{}/{cid}/accessList", owner.org()),
        Some(r#"[{"cidrBlock": "192.0.2.0/24"}, {"cidrBlock": "198.51.100.0/24"}]"#),
    );
    assert_eq!(r.status, 200);

    let fill = |op: &Op<'_>, org: &str, group: &str| {
        let (secret, ip) = if op.id.starts_with("deleteOrg") {
            (secret_ids[0].as_str(), "192.0.2.0%2F24")
        } else {
            (secret_ids[1].as_str(), "198.51.100.0%2F24")
        };
        op.path
            .replace("{orgId}", org)
            .replace("{groupId}", group)
            .replace("{clientId}", &cid)
            .replace("{secretId}", secret)
            .replace("{ipAddress}", ip)
    };
    let mut errors = Vec::new();
    let mut statuses = Vec::new();

    // Errors first (they change nothing): 401, 404, 403, 400.
    let member = mock.add_service_account("member", &["ORG_MEMBER"]);
    let member_api = Api::with_token(
        &mock,
        token_for(&mock, &member.client_id, &member.client_secret),
    );
    let unknown = "ffffffffffffffffffffffff";
    let mut forbidden = 0;
    let mut bad_requests = 0;
    for op in &ops {
        let body = valid_body(&op.id);
        let path = fill(op, mock.org_id(), mock.project_id());
        let url = format!("{}{path}", mock.url());
        let mut headers = vec![("Accept", V)];
        if body.is_some() {
            headers.push(("Content-Type", V));
        }
        let r = send(&owner.agent, &op.method, &url, &headers, body.as_deref());
        assert_eq!(r.status, 401, "{}", op.id);
        errors.extend(conform(&spec, op, &r));

        let r = owner.call(&op.method, &fill(op, unknown, unknown), body.as_deref());
        assert_eq!(r.status, 404, "{}", op.id);
        errors.extend(conform(&spec, op, &r));

        let r = member_api.call(&op.method, &path, body.as_deref());
        if r.status == 403 {
            forbidden += 1;
            errors.extend(conform(&spec, op, &r));
        }

        if op.spec["responses"].get("400").is_some() {
            let bad = match op.method.as_str() {
                "DELETE" => owner.call("DELETE", &path.replace("%2F24", "%2F99"), None),
                _ if op.id.ends_with("AccessList") => owner.call(&op.method, &path, Some("[]")),
                _ => owner.call(&op.method, &path, Some(r#"{"unknownField": true}"#)),
            };
            assert_eq!(bad.status, 400, "{}: {}", op.id, bad.body);
            bad_requests += 1;
            errors.extend(conform(&spec, op, &bad));
        }
    }
    // 7 organization-level writes and the 11 project-level operations (not in the project).
    assert_eq!(forbidden, 18);
    assert_eq!(bad_requests, 10);

    // Then every operation, successfully.
    for op in &ops {
        let body = valid_body(&op.id);
        let r = owner.call(
            &op.method,
            &fill(op, mock.org_id(), mock.project_id()),
            body.as_deref(),
        );
        assert!(
            (200..300).contains(&r.status),
            "{}: {} {}",
            op.id,
            r.status,
            r.body
        );
        statuses.push((op.id.clone(), r.status));
        errors.extend(conform(&spec, op, &r));
    }
    assert!(
        errors.is_empty(),
        "{} deviations:\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert_eq!(statuses.len(), 22);

    // 429 from the bucket, with the headers the spec documents.
    let limited = MockAtlas::builder().rate_limit(0, 0.0).start().unwrap();
    let api = Api::owner(&limited);
    for op in &ops {
        let r = api.call(
            &op.method,
            &fill(op, limited.org_id(), limited.project_id()),
            valid_body(&op.id).as_deref(),
        );
        assert_eq!(r.status, 429, "{}", op.id);
        errors.extend(conform(&spec, op, &r));
    }
    assert!(
        errors.is_empty(),
        "{} deviations:\n{}",
        errors.len(),
        errors.join("\n")
    );
}

/// The providers a region config may name are the spec's (the discriminator mapping of
/// `CloudRegionConfig20240805`): each is accepted, nothing else is.
#[needs(spec)]
fn region_config_providers_are_the_specs() {
    let spec = spec();
    let mapping =
        spec["components"]["schemas"]["CloudRegionConfig20240805"]["discriminator"]["mapping"]
            .as_object()
            .expect("a discriminator mapping");
    let mock = MockAtlas::start();
    let owner = Api::owner(&mock);
    let clusters = format!("/api/atlas/v2/groups/{}/clusters", mock.project_id());
    let create = |name: &str, provider: &str| {
        let body = json!({
            "name": name,
            "clusterType": "REPLICASET",
            "replicationSpecs": [{"regionConfigs": [{
                "providerName": provider, "regionName": "US_EAST_1", "priority": 7,
                "electableSpecs": {"instanceSize": "M10", "nodeCount": 3}
            }]}]
        });
        owner.call("POST", &clusters, Some(&body.to_string()))
    };
    for (i, provider) in mapping.keys().enumerate() {
        let r = create(&format!("c{i}"), provider);
        assert_eq!(r.status, 201, "{provider}: {}", r.body);
    }
    let r: Res = create("other", "ORACLE");
    r.api_error(400, "INVALID_ENUM_VALUE");
}

/// One operation of the spec, by operationId.
fn operation<'a>(spec: &'a Value, id: &str) -> Op<'a> {
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op.get("operationId").and_then(Value::as_str) == Some(id) {
                return Op {
                    id: id.to_owned(),
                    method: method.to_uppercase(),
                    path: path.clone(),
                    spec: op,
                };
            }
        }
    }
    panic!("{id} is not in the spec")
}

/// `listRateLimits` and `getRateLimit` answer from the emulator's table, and an
/// endpoint set's 429 is the spec's, with no member the schemas do not declare.
#[needs(spec)]
fn rate_limit_answers_as_the_spec_documents() {
    let spec = spec();
    let list = operation(&spec, "listRateLimits");
    let get = operation(&spec, "getRateLimit");
    assert_eq!((list.method.as_str(), get.method.as_str()), ("GET", "GET"));
    let mock = MockAtlas::builder()
        .enforce_rate_limits(true)
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    let accept = [("Accept", "application/vnd.atlas.2025-03-12+json")];
    let mut errors = Vec::new();
    let queries = [
        String::new(),
        "?itemsPerPage=3&pageNum=2".to_owned(),
        format!("?groupId={}&userId={}", mock.project_id(), mock.client_id()),
        "?endpointPath=%2Fapi%2Fatlas%2Fv2%2Fgroups%2F%7BgroupId%7D%2Fclusters".to_owned(),
    ];
    for q in &queries {
        let r = api.call_with("GET", &format!("{}{q}", list.path), &accept, None);
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        errors.extend(conform(&spec, &list, &r));
    }
    for set in atlas_mock::EndpointSet::defaults() {
        let path = get.path.replace("{endpointSetId}", &set.id);
        let r = api.call_with("GET", &path, &accept, None);
        assert_eq!(r.status, 200, "{}: {}", set.id, r.body);
        errors.extend(conform(&spec, &get, &r));
    }
    let missing = get.path.replace("{endpointSetId}", "noSuchSet");
    let r = api.call_with("GET", &missing, &accept, None);
    assert_eq!(r.status, 404);
    errors.extend(conform(&spec, &get, &r));
    // The rate-limit endpoints are GROUP-scoped; without a project, the caller's.
    assert!(mock.drain_bucket("rateLimitsInspection_group", mock.client_id()));
    for (op, path) in [(&list, list.path.clone()), (&get, missing)] {
        let r = api.call_with("GET", &path, &accept, None);
        assert_eq!(r.status, 429, "{}", r.body);
        errors.extend(conform(&spec, op, &r));
    }
    assert!(
        errors.is_empty(),
        "{} deviations:\n{}",
        errors.len(),
        errors.join("\n")
    );
}
