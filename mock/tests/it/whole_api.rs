//! Every operation of the spec is routed and validated from the generated tables, and
//! answered with a schema-valid example when no state or script decides: routes,
//! versions (406 naming the supported ones), auth, path patterns, query bounds and enums,
//! required body members and their types, downloads, scripts.

use crate::common::{Api, agent, send};
use atlas_mock::{MockAtlas, ScriptError, ScriptedResponse};
use serde_json::json;

fn group_path(mock: &MockAtlas, rest: &str) -> String {
    format!("/api/atlas/v2/groups/{}{rest}", mock.project_id())
}

#[test]
fn an_operation_outside_the_stateful_families_gets_its_example() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let r = api.call("GET", &group_path(&mock, "/maintenanceWindow"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-atlas-mock"), Some("example"));
    // Accept 2024-08-05 gets the newest version not after it: 2023-01-01.
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.atlas.2023-01-01+json")
    );
    assert!(r.json().is_object());
    // The spec's success status, not always 200.
    let r = api.call(
        "POST",
        &group_path(&mock, "/customDBRoles/roles"),
        Some(r#"{"roleName": "reader", "actions": []}"#),
    );
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(r.header("x-atlas-mock"), Some("example"));
}

#[test]
fn credentials_are_required_except_where_the_spec_says_none() {
    let mock = MockAtlas::start();
    let url = format!("{}{}", mock.url(), group_path(&mock, "/maintenanceWindow"));
    let accept = [("Accept", "application/vnd.atlas.2023-01-01+json")];
    send(&agent(), "GET", &url, &accept, None).api_error(401, "UNAUTHORIZED");
    let open = format!("{}/api/atlas/v2/unauth/controlPlaneIPAddresses", mock.url());
    let r = send(
        &agent(),
        "GET",
        &open,
        &[("Accept", "application/vnd.atlas.2023-11-15+json")],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn versions_are_the_operations_own_and_a_406_names_them() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let path = group_path(&mock, "/clusters");
    let r = api.call_with(
        "GET",
        &path,
        &[("Accept", "application/vnd.atlas.2022-12-31+json")],
        None,
    );
    let doc = r.api_error(406, "INVALID_VERSION_DATE");
    let detail = doc["detail"].as_str().unwrap();
    for v in ["2023-01-01", "2023-02-01", "2024-08-05"] {
        assert!(detail.contains(v), "{detail}");
        assert!(doc["parameters"].as_array().unwrap().contains(&json!(v)));
    }
    let r = api.call_with(
        "GET",
        &path,
        &[("Accept", "application/vnd.atlas.2024-09-01+json")],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.atlas.2024-08-05+json")
    );
    // A preview-only operation answers only to the preview media type.
    let preview = group_path(&mock, "/maintenanceWindow");
    let r = api.call_with(
        "GET",
        &preview,
        &[("Accept", "application/vnd.atlas.preview+json")],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.atlas.preview+json")
    );
}

#[test]
fn path_values_query_bounds_and_enums_are_checked() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    api.call(
        "GET",
        "/api/atlas/v2/groups/not-an-id/maintenanceWindow",
        None,
    )
    .api_error(400, "INVALID_GROUP_ID");
    api.call(
        "GET",
        "/api/atlas/v2/groups/aaaaaaaaaaaaaaaaaaaaaaaa/maintenanceWindow",
        None,
    )
    .api_error(404, "GROUP_NOT_FOUND");
    let alerts = group_path(&mock, "/alerts");
    for bad in [
        "itemsPerPage=0",
        "itemsPerPage=501",
        "pageNum=0",
        "pageNum=x",
    ] {
        api.call("GET", &format!("{alerts}?{bad}"), None)
            .api_error(400, "VALIDATION_ERROR");
    }
    api.call("GET", &format!("{alerts}?status=SLEEPING"), None)
        .api_error(400, "INVALID_ENUM_VALUE");
    let r = api.call(
        "GET",
        &format!("{alerts}?status=OPEN&itemsPerPage=500"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // A pattern written for a value with its slashes percent-encoded (an Azure private
    // endpoint's resource id): the value decoded once passes it, with its slashes.
    let endpoint = |id: &str| {
        group_path(
            &mock,
            &format!(
                "/privateEndpoint/AZURE/endpointService/32b6e34b3d91647abb20e7b8/endpoint/{id}"
            ),
        )
    };
    let azure = "%2Fsubscriptions%2F6f6b5a2c-0d2e-4c4e-9a3b-1c2d3e4f5a6b%2FresourceGroups%2Frg%2Fproviders%2FMicrosoft.Network%2FprivateEndpoints%2Fpe1";
    let r = api.call("GET", &endpoint(azure), None);
    assert_eq!(r.status, 200, "{}", r.body);
    api.call(
        "GET",
        &endpoint("%2Fsubscriptions%2Fnot-a-subscription"),
        None,
    )
    .api_error(400, "VALIDATION_ERROR");
    // An unknown path, and a known one with another method.
    api.call("GET", &group_path(&mock, "/nothing"), None)
        .api_error(404, "RESOURCE_NOT_FOUND");
    let r = api.call("PUT", &alerts, Some("{}"));
    r.api_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(r.header("allow"), Some("GET"));
}

#[test]
fn bodies_need_their_required_members_with_their_types() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let roles = group_path(&mock, "/customDBRoles/roles");
    api.call("POST", &roles, Some(r#"{"actions": []}"#))
        .api_error(400, "MISSING_ATTRIBUTE");
    api.call("POST", &roles, Some(r#"{"roleName": 7}"#))
        .api_error(400, "INVALID_ATTRIBUTE");
    api.call("POST", &roles, Some(r#"{"roleName": "r", "actions": {}}"#))
        .api_error(400, "INVALID_ATTRIBUTE");
    api.call("POST", &roles, Some("[]"))
        .api_error(400, "INVALID_JSON");
    api.call("POST", &roles, Some("{"))
        .api_error(400, "INVALID_JSON");
    let auth = format!("Bearer {}", api.token);
    let r = send(
        &agent(),
        "POST",
        &format!("{}{roles}", mock.url()),
        &[
            ("Authorization", &auth),
            ("Accept", "application/vnd.atlas.2023-01-01+json"),
            ("Content-Type", "text/plain"),
        ],
        Some(r#"{"roleName": "r"}"#),
    );
    r.api_error(415, "UNSUPPORTED_MEDIA_TYPE");
}

#[test]
fn downloads_are_gzip_and_sunset_versions_say_so() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let hosts = mock.add_cluster("c0").unwrap();
    let host = hosts[0].split(':').next().unwrap();
    let log = group_path(&mock, &format!("/clusters/{host}/logs/mongodb.gz"));
    let mut r = agent()
        .get(format!("{}{log}", mock.url()))
        .header("Authorization", format!("Bearer {}", api.token))
        .header("Accept", "application/vnd.atlas.2023-02-01+gzip")
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.atlas.2023-02-01+gzip"
    );
    let bytes = r.body_mut().read_to_vec().unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip file");
    let r = api.call_with(
        "GET",
        &group_path(&mock, "/clusters"),
        &[("Accept", "application/vnd.atlas.2023-01-01+json")],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("sunset").is_some_and(|s| s.ends_with(" GMT")),
        "{:?}",
        r.headers
    );
}

#[test]
fn a_test_scripts_any_operation() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    mock.on(
        "GET /groups/{groupId}/maintenanceWindow",
        |req: &atlas_mock::ScriptedRequest| {
            ScriptedResponse::json(
                200,
                json!({"dayOfWeek": 3, "group": req.path_param("groupId")}),
            )
            .header("X-Scripted", "yes")
        },
    )
    .unwrap();
    let r = api.call("GET", &group_path(&mock, "/maintenanceWindow"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("x-scripted"), Some("yes"));
    assert_eq!(r.header("x-atlas-mock"), None);
    assert_eq!(
        r.json(),
        json!({"dayOfWeek": 3, "group": mock.project_id()})
    );
    // Scripts see validated requests only, and can answer errors; a Service Accounts
    // operation can be scripted too.
    mock.on(
        "listOrgServiceAccounts",
        |_req: &atlas_mock::ScriptedRequest| {
            ScriptedResponse::error(503, "SERVICE_UNAVAILABLE", "scripted outage")
        },
    )
    .unwrap();
    let r = api.call("GET", &api.org(), None);
    r.api_error(503, "SERVICE_UNAVAILABLE");
    api.call("GET", &format!("{}?itemsPerPage=0", api.org()), None)
        .api_error(400, "VALIDATION_ERROR");
    mock.clear_scripts();
    assert_eq!(api.call("GET", &api.org(), None).status, 200);
    assert_eq!(
        mock.on("noSuchOperation", |_req: &atlas_mock::ScriptedRequest| {
            ScriptedResponse::empty(204)
        }),
        Err(ScriptError::UnknownOperation("noSuchOperation".into()))
    );
}

/// An empty answer (204) in an envelope is `{status: 204, content: {}}` in a 200, as
/// every answer is: from a stateful family (the project IP access list), from an
/// example (`deleteGroupAiModelApiKey`), and from the Service Accounts family.
#[test]
fn an_empty_answer_in_an_envelope_is_a_status_and_no_content() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let enveloped = |path: String, accept: &str| {
        let r = api.call_with(
            "DELETE",
            &format!("{path}?envelope=true"),
            &[("Accept", accept)],
            None,
        );
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert_eq!(r.json(), json!({"status": 204, "content": {}}), "{path}");
    };
    let v = "application/vnd.atlas.2024-08-05+json";
    let access = group_path(&mock, "/accessList");
    let add = |ip: &str| {
        let body = json!([{ "ipAddress": ip }]).to_string();
        let r = api.call("POST", &access, Some(&body));
        assert_eq!(r.status, 200, "{}", r.body);
    };
    add("192.0.2.1");
    enveloped(format!("{access}/192.0.2.1"), v);
    enveloped(
        group_path(&mock, "/aiModelApiKeys/32b6e34b3d91647abb20e7b8"),
        "application/vnd.atlas.2025-03-12+json",
    );
    let secrets = format!("{}/{}/secrets", api.org(), mock.client_id());
    let r = api.call("POST", &secrets, Some(r#"{"secretExpiresAfterHours": 1}"#));
    let sid = r.json()["id"].as_str().unwrap().to_owned();
    enveloped(format!("{secrets}/{sid}"), v);
    // Without an envelope: 204, no body.
    add("192.0.2.2");
    let r = api.call("DELETE", &format!("{access}/192.0.2.2"), None);
    assert_eq!((r.status, r.body.as_str()), (204, ""));
}

/// One admission pipeline: a Service Accounts operation negotiates its version, checks
/// its body's media type and wraps an empty answer exactly as any other operation does.
/// `listOrgResourcePolicies` and `createOrgResourcePolicy` have the same versions as the
/// Service Accounts operations (`2024-08-05` only).
#[test]
fn service_accounts_are_admitted_as_every_operation_is() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let accounts = api.org();
    let policies = format!("/api/atlas/v2/orgs/{}/resourcePolicies", mock.org_id());
    let mut statuses = Vec::new();
    for accept in [
        None,
        Some("*/*"),
        Some("application/json"),
        Some("application/vnd.atlas.2024-08-04+json"),
        Some("application/vnd.atlas.2024-08-05+json"),
        Some("application/vnd.atlas.2025-01-01+json"),
        Some("APPLICATION/VND.ATLAS.2030-01-01+JSON; charset=utf-8"),
        Some("application/vnd.atlas.preview+json"),
        Some("application/vnd.atlas.2024-08-05+csv"),
        Some("application/vnd.atlas.2024-08-05+gzip"),
        Some("application/vnd.atlas.2024-8-5+json"),
        Some("application/vnd.atlas.2024-02-30+json"),
        Some("application/vnd.atlas.2024-08-05+json;q=0"),
        Some("text/html, application/vnd.atlas.2024-10-23+json;q=0.5"),
        Some("application/vnd.atlas.+json, */*"),
        Some("text/html"),
    ] {
        let headers: Vec<(&str, &str)> = accept.map(|a| ("Accept", a)).into_iter().collect();
        let sa = api.call_with("GET", &accounts, &headers, None);
        let other = api.call_with("GET", &policies, &headers, None);
        assert_eq!(
            (sa.status, sa.header("content-type")),
            (other.status, other.header("content-type")),
            "{accept:?}: {} / {}",
            sa.body,
            other.body
        );
        if sa.status != 200 {
            assert_eq!(sa.json(), other.json(), "{accept:?}");
        }
        statuses.push(sa.status);
    }
    assert!(statuses.contains(&200) && statuses.contains(&406));

    // A body's media type.
    let secrets = format!("{accounts}/{}/secrets", mock.client_id());
    for content_type in [
        "text/plain",
        "application/json",
        "application/vnd.atlas.2023-01-01+json",
    ] {
        let headers = [
            ("Accept", "application/vnd.atlas.2024-08-05+json"),
            ("Content-Type", content_type),
        ];
        let sa = api.call_with("POST", &secrets, &headers, Some("{}"));
        let other = api.call_with("POST", &policies, &headers, Some("{}"));
        let doc = sa.api_error(415, "UNSUPPORTED_MEDIA_TYPE");
        assert_eq!(doc, other.json(), "{content_type}");
    }
}
