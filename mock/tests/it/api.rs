//! The 22 operations, their shapes, input checks, 404s, versions, envelope/pretty and
//! pagination, through a plain HTTP client.

use std::collections::BTreeSet;

use crate::common::{Api, V, agent, send};
use atlas_mock::MockAtlas;
use serde_json::{Value, json};

/// `2024-08-05T10:00:00Z`: RFC 3339, UTC, whole seconds.
fn is_atlas_date(v: &Value) -> bool {
    let Some(s) = v.as_str() else { return false };
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn seconds(v: &Value) -> i64 {
    v.as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_second()
}

#[track_caller]
fn assert_secret_shape(secret: &Value, with_plaintext: bool) {
    let mut expected = set(&["createdAt", "expiresAt", "id", "maskedSecretValue"]);
    if with_plaintext {
        expected.insert("secret".into());
    }
    let mut got = keys(secret);
    got.remove("lastUsedAt");
    assert_eq!(got, expected, "{secret}");
    assert!(is_atlas_date(&secret["createdAt"]) && is_atlas_date(&secret["expiresAt"]));
    let id = secret["id"].as_str().unwrap();
    assert!(
        id.len() == 24
            && id
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert!(
        secret["maskedSecretValue"]
            .as_str()
            .unwrap()
            .starts_with("mdb_sa_sk_")
    );
    if with_plaintext {
        let plain = secret["secret"].as_str().unwrap();
        assert!(plain.starts_with("mdb_sa_sk_") && plain.len() > 20);
        assert!(
            secret["maskedSecretValue"]
                .as_str()
                .unwrap()
                .ends_with(&plain[plain.len() - 4..])
        );
        assert_ne!(secret["maskedSecretValue"].as_str().unwrap(), plain);
    }
}

#[track_caller]
fn assert_account_shape(account: &Value) {
    assert_eq!(
        keys(account),
        set(&[
            "clientId",
            "createdAt",
            "description",
            "name",
            "roles",
            "secrets"
        ]),
        "{account}"
    );
    let cid = account["clientId"].as_str().unwrap();
    assert!(cid.starts_with("mdb_sa_id_") && cid.len() == 34);
    assert!(is_atlas_date(&account["createdAt"]));
    assert!(account["roles"].is_array());
}

#[test]
fn all_22_operations_happy_path() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let (org, group) = (api.org(), api.group());
    let mut done: BTreeSet<&str> = BTreeSet::new();

    // listOrgServiceAccounts: the seeded owner.
    let r = api.call("GET", &org, None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some(V));
    let doc = r.json();
    assert_eq!(doc["totalCount"], 1);
    assert_eq!(doc["results"][0]["clientId"], mock.client_id());
    assert_eq!(doc["results"][0]["roles"], json!(["ORG_OWNER"]));
    assert_secret_shape(&doc["results"][0]["secrets"][0], false);
    done.insert("listOrgServiceAccounts");

    // createOrgServiceAccount: the secret in plaintext, once.
    let body = json!({"name": "Deploy bot", "description": "CI deployments", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 8});
    let r = api.call("POST", &org, Some(&body.to_string()));
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.header("content-type"), Some(V));
    let created = r.json();
    assert_account_shape(&created);
    assert_eq!(created["name"], "Deploy bot");
    assert_eq!(created["description"], "CI deployments");
    assert_eq!(created["roles"], json!(["ORG_MEMBER"]));
    let first_secret = &created["secrets"][0];
    assert_secret_shape(first_secret, true);
    assert_eq!(
        seconds(&first_secret["expiresAt"]) - seconds(&first_secret["createdAt"]),
        8 * 3600
    );
    let cid = created["clientId"].as_str().unwrap().to_owned();
    done.insert("createOrgServiceAccount");

    // getOrgServiceAccount: masked only.
    let r = api.call("GET", &format!("{org}/{cid}"), None);
    assert_eq!(r.status, 200);
    let got = r.json();
    assert_account_shape(&got);
    assert_secret_shape(&got["secrets"][0], false);
    done.insert("getOrgServiceAccount");

    // updateOrgServiceAccount: absent and null fields unchanged.
    let r = api.call("PATCH", &format!("{org}/{cid}"), Some(r#"{"name": "Deploy bot 2", "description": null, "roles": ["ORG_READ_ONLY", "ORG_GROUP_CREATOR"]}"#));
    assert_eq!(r.status, 200, "{}", r.body);
    let updated = r.json();
    assert_eq!(updated["name"], "Deploy bot 2");
    assert_eq!(updated["description"], "CI deployments");
    assert_eq!(
        updated["roles"],
        json!(["ORG_READ_ONLY", "ORG_GROUP_CREATOR"])
    );
    done.insert("updateOrgServiceAccount");

    // createOrgServiceAccountSecret, deleteOrgServiceAccountSecret.
    let r = api.call(
        "POST",
        &format!("{org}/{cid}/secrets"),
        Some(r#"{"secretExpiresAfterHours": 48}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let secret = r.json();
    assert_secret_shape(&secret, true);
    assert_eq!(
        seconds(&secret["expiresAt"]) - seconds(&secret["createdAt"]),
        48 * 3600
    );
    assert_eq!(mock.secret_count(&cid), 2);
    done.insert("createOrgServiceAccountSecret");
    let r = api.call(
        "DELETE",
        &format!("{org}/{cid}/secrets/{}", secret["id"].as_str().unwrap()),
        None,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(r.body, "");
    assert_eq!(mock.secret_count(&cid), 1);
    done.insert("deleteOrgServiceAccountSecret");

    // Access list at org level: create (array body, paginated answer), list, delete.
    let r = api.call(
        "POST",
        &format!("{org}/{cid}/accessList"),
        Some(r#"[{"cidrBlock": "192.0.2.0/24"}, {"ipAddress": "203.0.113.10"}]"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let list = r.json();
    assert_eq!(list["totalCount"], 2);
    let entry = &list["results"][0];
    assert_eq!(
        keys(entry),
        set(&["cidrBlock", "createdAt", "requestCount"])
    );
    assert_eq!(entry["cidrBlock"], "192.0.2.0/24");
    assert_eq!(list["results"][1]["ipAddress"], "203.0.113.10");
    assert_eq!(list["results"][1]["cidrBlock"], "203.0.113.10/32");
    done.insert("createOrgServiceAccountAccessList");
    let r = api.call("GET", &format!("{org}/{cid}/accessList"), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["totalCount"], 2);
    done.insert("listOrgServiceAccountAccessList");
    let r = api.call(
        "DELETE",
        &format!("{org}/{cid}/accessList/192.0.2.0%2F24"),
        None,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(
        mock.service_account(&cid).unwrap().access_list,
        vec!["203.0.113.10/32"]
    );
    done.insert("deleteOrgServiceAccountAccessListEntry");

    // inviteGroupServiceAccount, then the org-level list of its projects.
    let r = api.call(
        "POST",
        &format!("{group}/{cid}:invite"),
        Some(r#"{"roles": ["GROUP_READ_ONLY"]}"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["roles"], json!(["GROUP_READ_ONLY"]));
    assert_account_shape(&r.json());
    done.insert("inviteGroupServiceAccount");
    let r = api.call("GET", &format!("{org}/{cid}/groups"), None);
    assert_eq!(r.status, 200, "{}", r.body);
    let groups = r.json();
    assert_eq!(groups["totalCount"], 1);
    assert_eq!(
        groups["results"][0],
        json!({"groupId": mock.project_id(), "roles": ["GROUP_READ_ONLY"]})
    );
    done.insert("getOrgServiceAccountGroups");

    // Project level: list (the invited account), create, get, update.
    let r = api.call("GET", &group, None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["totalCount"], 1);
    assert_eq!(r.json()["results"][0]["clientId"], cid.as_str());
    done.insert("listGroupServiceAccounts");
    let body = json!({"name": "Project bot", "description": "Project scoped", "roles": ["GROUP_OWNER"], "secretExpiresAfterHours": 1});
    let r = api.call("POST", &group, Some(&body.to_string()));
    assert_eq!(r.status, 201, "{}", r.body);
    let pcreated = r.json();
    assert_account_shape(&pcreated);
    assert_eq!(pcreated["roles"], json!(["GROUP_OWNER"]));
    assert_secret_shape(&pcreated["secrets"][0], true);
    let pcid = pcreated["clientId"].as_str().unwrap().to_owned();
    let info = mock.service_account(&pcid).unwrap();
    assert_eq!(info.org_roles, vec!["ORG_MEMBER"]);
    assert_eq!(info.projects[0].group_id, mock.project_id());
    done.insert("createGroupServiceAccount");
    let r = api.call("GET", &format!("{group}/{pcid}"), None);
    assert_eq!(r.status, 200);
    assert_secret_shape(&r.json()["secrets"][0], false);
    done.insert("getGroupServiceAccount");
    let r = api.call(
        "PATCH",
        &format!("{group}/{pcid}"),
        Some(r#"{"roles": ["GROUP_CLUSTER_MANAGER"], "description": "Renamed"}"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["roles"], json!(["GROUP_CLUSTER_MANAGER"]));
    assert_eq!(r.json()["description"], "Renamed");
    done.insert("updateGroupServiceAccount");

    // Project-level secrets.
    let r = api.call(
        "POST",
        &format!("{group}/{pcid}/secrets"),
        Some(r#"{"secretExpiresAfterHours": 2}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_secret_shape(&r.json(), true);
    done.insert("createGroupServiceAccountSecret");
    let sid = r.json()["id"].as_str().unwrap().to_owned();
    let r = api.call("DELETE", &format!("{group}/{pcid}/secrets/{sid}"), None);
    assert_eq!(r.status, 204);
    done.insert("deleteGroupServiceAccountSecret");

    // Project-level access list (IPv6 too).
    let r = api.call(
        "POST",
        &format!("{group}/{pcid}/accessList"),
        Some(r#"[{"cidrBlock": "2001:db8::/48"}, {"ipAddress": "198.51.100.7"}]"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["totalCount"], 2);
    done.insert("createGroupServiceAccountAccessList");
    let r = api.call("GET", &format!("{group}/{pcid}/accessList"), None);
    assert_eq!(r.json()["results"][0]["cidrBlock"], "2001:db8::/48");
    done.insert("listGroupServiceAccountAccessList");
    let r = api.call(
        "DELETE",
        &format!("{group}/{pcid}/accessList/2001:db8::%2F48"),
        None,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    let r = api.call(
        "DELETE",
        &format!("{group}/{pcid}/accessList/198.51.100.7"),
        None,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    done.insert("deleteGroupServiceAccountAccessListEntry");

    // deleteGroupServiceAccount: out of the project, still in the organization.
    let r = api.call("DELETE", &format!("{group}/{pcid}"), None);
    assert_eq!(r.status, 204);
    assert_eq!(
        api.call("GET", &format!("{group}/{pcid}"), None).status,
        404
    );
    assert_eq!(api.call("GET", &format!("{org}/{pcid}"), None).status, 200);
    done.insert("deleteGroupServiceAccount");

    // deleteOrgServiceAccount.
    let r = api.call("DELETE", &format!("{org}/{cid}"), None);
    assert_eq!(r.status, 204);
    assert_eq!(api.call("GET", &format!("{org}/{cid}"), None).status, 404);
    assert!(mock.service_account(&cid).is_none());
    done.insert("deleteOrgServiceAccount");

    assert_eq!(done.len(), 22, "{done:?}");
}

#[test]
fn names_take_unicode_letters_and_count_utf16_units() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    for name in [
        "Zürich 東京 ٣, O'Neil-_.",
        &"a".repeat(64),
        &"𠀀".repeat(32),
    ] {
        let body = json!({"name": name, "description": "d", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 1});
        let r = api.call("POST", &api.org(), Some(&body.to_string()));
        assert_eq!(r.status, 201, "{name}: {}", r.body);
        assert_eq!(r.json()["name"], name);
    }
}

#[test]
fn validation_errors() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let org = api.org();
    let group = api.group();
    let cid = mock.client_id();
    let accounts_before = mock.service_accounts().len();

    // Path values.
    let r = api.call(
        "GET",
        "/api/atlas/v2/orgs/32B6E34B3D91647ABB20E7B8/serviceAccounts",
        None,
    );
    r.api_error(400, "INVALID_ORG_ID");
    let r = api.call("GET", "/api/atlas/v2/groups/123/serviceAccounts", None);
    r.api_error(400, "INVALID_GROUP_ID");
    let r = api.call("GET", &format!("{org}/mdb_sa_id_123"), None);
    let doc = r.api_error(400, "VALIDATION_ERROR");
    assert_eq!(doc["badRequestDetail"]["fields"][0]["field"], "clientId");
    // An Arabic-Indic digit (U+0661, percent-encoded) is not \d on the Java server.
    let r = api.call(
        "GET",
        &format!("{org}/mdb_sa_id_1234567890abcdef1234567%D9%A1"),
        None,
    );
    r.api_error(400, "VALIDATION_ERROR");

    // Bodies.
    let create = |body: &str| api.call("POST", &org, Some(body));
    create("{not json").api_error(400, "INVALID_JSON");
    create("").api_error(400, "INVALID_JSON");
    create("[]").api_error(400, "INVALID_JSON");
    let full = json!({"name": "n", "description": "d", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 1});
    let with = |k: &str, v: Value| {
        let mut b = full.clone();
        b[k] = v;
        b.to_string()
    };
    let without = |k: &str| {
        let mut b = full.clone();
        b.as_object_mut().unwrap().remove(k);
        b.to_string()
    };
    for field in ["name", "description", "roles", "secretExpiresAfterHours"] {
        let doc = create(&without(field)).api_error(400, "MISSING_ATTRIBUTE");
        assert_eq!(doc["parameters"], json!([field]));
        create(&with(field, Value::Null)).api_error(400, "MISSING_ATTRIBUTE");
    }
    create(&with("extra", json!(1))).api_error(400, "INVALID_ATTRIBUTE");
    create(&with("name", json!(5))).api_error(400, "INVALID_ATTRIBUTE");
    create(&with("roles", json!("ORG_MEMBER"))).api_error(400, "INVALID_ATTRIBUTE");
    create(&with("secretExpiresAfterHours", json!(1.5))).api_error(400, "INVALID_ATTRIBUTE");
    create(&with("secretExpiresAfterHours", json!("8"))).api_error(400, "INVALID_ATTRIBUTE");
    create(&with("secretExpiresAfterHours", json!(3_000_000_000u64)))
        .api_error(400, "INVALID_ATTRIBUTE");
    let doc = create(&with("name", json!("a".repeat(65)))).api_error(400, "VALIDATION_ERROR");
    assert_eq!(doc["badRequestDetail"]["fields"][0]["field"], "name");
    assert!(
        doc["badRequestDetail"]["fields"][0]["description"]
            .as_str()
            .unwrap()
            .contains("64")
    );
    create(&with("name", json!(""))).api_error(400, "VALIDATION_ERROR");
    create(&with("name", json!("𠀀".repeat(33)))).api_error(400, "VALIDATION_ERROR");
    create(&with("name", json!("a/b"))).api_error(400, "VALIDATION_ERROR");
    create(&with("name", json!("emoji 🙂"))).api_error(400, "VALIDATION_ERROR");
    create(&with("description", json!("d".repeat(251)))).api_error(400, "VALIDATION_ERROR");
    create(&with("description", json!("line\nbreak"))).api_error(400, "VALIDATION_ERROR");
    create(&with("roles", json!([]))).api_error(400, "VALIDATION_ERROR");
    let doc = create(&with("roles", json!(["ORG_EMPEROR"]))).api_error(400, "INVALID_ENUM_VALUE");
    assert_eq!(doc["parameters"], json!(["ORG_EMPEROR"]));
    create(&with("roles", json!(["GROUP_OWNER"]))).api_error(400, "INVALID_ENUM_VALUE");
    create(&with("secretExpiresAfterHours", json!(0))).api_error(400, "VALIDATION_ERROR");
    create(&with("secretExpiresAfterHours", json!(-5))).api_error(400, "VALIDATION_ERROR");
    create(&with("secretExpiresAfterHours", json!(8761))).api_error(400, "VALIDATION_ERROR");
    assert_eq!(
        create(&with("secretExpiresAfterHours", json!(8760))).status,
        201
    );

    // Project level takes project roles, :invite unique ones.
    let body = json!({"name": "n", "description": "d", "roles": ["ORG_OWNER"], "secretExpiresAfterHours": 1});
    api.call("POST", &group, Some(&body.to_string()))
        .api_error(400, "INVALID_ENUM_VALUE");
    api.call(
        "POST",
        &format!("{group}/{cid}:invite"),
        Some(r#"{"roles": ["GROUP_OWNER", "GROUP_OWNER"]}"#),
    )
    .api_error(400, "VALIDATION_ERROR");
    api.call(
        "POST",
        &format!("{group}/{cid}:invite"),
        Some(r#"{"roles": []}"#),
    )
    .api_error(400, "VALIDATION_ERROR");
    api.call("POST", &format!("{group}/{cid}:invite"), Some("{}"))
        .api_error(400, "MISSING_ATTRIBUTE");

    // Updates.
    api.call("PATCH", &format!("{org}/{cid}"), Some(r#"{"name": ""}"#))
        .api_error(400, "VALIDATION_ERROR");
    api.call("PATCH", &format!("{org}/{cid}"), Some(r#"{"roles": []}"#))
        .api_error(400, "VALIDATION_ERROR");
    api.call(
        "PATCH",
        &format!("{org}/{cid}"),
        Some(r#"{"clientId": "x"}"#),
    )
    .api_error(400, "INVALID_ATTRIBUTE");

    // Secrets.
    let secrets = format!("{org}/{cid}/secrets");
    api.call("POST", &secrets, Some("{}"))
        .api_error(400, "MISSING_ATTRIBUTE");
    api.call("POST", &secrets, Some(r#"{"secretExpiresAfterHours": 0}"#))
        .api_error(400, "VALIDATION_ERROR");
    api.call(
        "POST",
        &secrets,
        Some(r#"{"secretExpiresAfterHours": 100000}"#),
    )
    .api_error(400, "VALIDATION_ERROR");
    assert_eq!(
        mock.secret_count(cid),
        1,
        "failed requests created a secret"
    );

    // Access lists.
    let access = format!("{org}/{cid}/accessList");
    let post = |body: &str| api.call("POST", &access, Some(body));
    post("[]").api_error(400, "VALIDATION_ERROR");
    let many: Vec<Value> = (0..201)
        .map(|i| json!({"ipAddress": format!("10.0.{}.{}", i / 250, i % 250)}))
        .collect();
    post(&Value::Array(many).to_string()).api_error(400, "VALIDATION_ERROR");
    post(r#"{"cidrBlock": "10.0.0.0/8"}"#).api_error(400, "INVALID_JSON");
    post(r#"[{"cidrBlock": "10.0.0.0/8", "ipAddress": "10.0.0.1"}]"#)
        .api_error(400, "VALIDATION_ERROR");
    post(r#"[{}]"#).api_error(400, "VALIDATION_ERROR");
    post(r#"[{"cidrBlock": null, "ipAddress": null}]"#).api_error(400, "VALIDATION_ERROR");
    for bad in [
        r#"[{"cidrBlock": "10.0.0.0"}]"#,
        r#"[{"cidrBlock": "10.0.0.0/33"}]"#,
        r#"[{"cidrBlock": "banana/8"}]"#,
    ] {
        let doc = post(bad).api_error(400, "VALIDATION_ERROR");
        assert_eq!(
            doc["badRequestDetail"]["fields"][0]["field"],
            "[0].cidrBlock"
        );
    }
    for bad in [
        r#"[{"ipAddress": "10.0.0.256"}]"#,
        r#"[{"ipAddress": "10.0.0.0/8"}]"#,
        r#"[{"ipAddress": "010.0.0.1"}]"#,
    ] {
        post(bad).api_error(400, "VALIDATION_ERROR");
    }
    post(r#"[{"ipAddress": 42}]"#).api_error(400, "INVALID_ATTRIBUTE");
    post(r#"[{"ipAddress": "10.0.0.1", "comment": "x"}]"#).api_error(400, "INVALID_ATTRIBUTE");
    // Read-only fields are ignored; %2F is accepted in a cidrBlock, as the spec's pattern allows.
    assert_eq!(
        post(r#"[{"ipAddress": "10.0.0.1", "requestCount": 5}, {"cidrBlock": "10.1.0.0%2F16"}]"#)
            .status,
        200
    );
    // Duplicates: with the list, within the request, and an address equal to a /32 block.
    let doc = post(r#"[{"ipAddress": "10.0.0.1"}]"#).api_error(409, "DUPLICATE_ACCESS_LIST_ENTRY");
    assert_eq!(doc["parameters"], json!(["10.0.0.1/32"]));
    post(r#"[{"cidrBlock": "10.0.0.1/32"}]"#).api_error(409, "DUPLICATE_ACCESS_LIST_ENTRY");
    post(r#"[{"ipAddress": "10.9.9.9"}, {"ipAddress": "10.9.9.9"}]"#)
        .api_error(409, "DUPLICATE_ACCESS_LIST_ENTRY");
    assert_eq!(
        mock.service_account(cid).unwrap().access_list.len(),
        2,
        "a refused request added entries"
    );
    // A path value encoded twice is decoded once, and is not an address.
    let r = api.call("DELETE", &format!("{access}/10.1.0.0%252F16"), None);
    let doc = r.api_error(400, "VALIDATION_ERROR");
    assert_eq!(doc["badRequestDetail"]["fields"][0]["field"], "ipAddress");

    // Query parameters.
    api.call("GET", &format!("{org}?itemsPerPage=0"), None)
        .api_error(400, "VALIDATION_ERROR");
    api.call("GET", &format!("{org}?pageNum=abc"), None)
        .api_error(400, "VALIDATION_ERROR");
    api.call("GET", &format!("{org}?pretty=%zz"), None)
        .api_error(400, "MALFORMED_REQUEST");

    assert_eq!(
        mock.service_accounts().len(),
        accounts_before + 1,
        "only the 8760-hour account was created"
    );
}

#[test]
fn not_found_and_wrong_method() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let org = api.org();
    let group = api.group();
    let cid = mock.client_id();
    let ghost = "mdb_sa_id_aaaaaaaaaaaaaaaaaaaaaaaa";

    api.call(
        "GET",
        "/api/atlas/v2/orgs/aaaaaaaaaaaaaaaaaaaaaaaa/serviceAccounts",
        None,
    )
    .api_error(404, "ORG_NOT_FOUND");
    api.call(
        "GET",
        "/api/atlas/v2/groups/aaaaaaaaaaaaaaaaaaaaaaaa/serviceAccounts",
        None,
    )
    .api_error(404, "GROUP_NOT_FOUND");
    for (method, path, body) in [
        ("GET", format!("{org}/{ghost}"), None),
        ("PATCH", format!("{org}/{ghost}"), Some("{}")),
        ("DELETE", format!("{org}/{ghost}"), None),
        ("GET", format!("{org}/{ghost}/groups"), None),
        (
            "POST",
            format!("{org}/{ghost}/secrets"),
            Some(r#"{"secretExpiresAfterHours": 1}"#),
        ),
        ("GET", format!("{org}/{ghost}/accessList"), None),
        (
            "POST",
            format!("{group}/{ghost}:invite"),
            Some(r#"{"roles": ["GROUP_OWNER"]}"#),
        ),
        // The owner exists in the organization but is not assigned to the project.
        ("GET", format!("{group}/{cid}"), None),
        (
            "POST",
            format!("{group}/{cid}/secrets"),
            Some(r#"{"secretExpiresAfterHours": 1}"#),
        ),
    ] {
        api.call(method, &path, body)
            .api_error(404, "SERVICE_ACCOUNT_NOT_FOUND");
    }
    api.call(
        "DELETE",
        &format!("{org}/{cid}/secrets/aaaaaaaaaaaaaaaaaaaaaaaa"),
        None,
    )
    .api_error(404, "RESOURCE_NOT_FOUND");
    api.call("DELETE", &format!("{org}/{cid}/accessList/192.0.2.1"), None)
        .api_error(404, "RESOURCE_NOT_FOUND");
    // Unknown paths (`/orgs` is listOrgs now that every operation is routed), an
    // unencoded slash in {ipAddress}, a trailing slash.
    api.call("GET", "/api/atlas/v2/orgz", None)
        .api_error(404, "RESOURCE_NOT_FOUND");
    api.call(
        "DELETE",
        &format!("{org}/{cid}/accessList/192.0.2.0/24"),
        None,
    )
    .api_error(404, "RESOURCE_NOT_FOUND");
    api.call("GET", &format!("{org}/"), None)
        .api_error(404, "RESOURCE_NOT_FOUND");
    let r = send(
        &agent(),
        "GET",
        &format!("{}/nothing/here", mock.url()),
        &[],
        None,
    );
    r.api_error(404, "RESOURCE_NOT_FOUND");
    // A known path with another method.
    let r = api.call("PUT", &org, Some("{}"));
    r.api_error(405, "METHOD_NOT_ALLOWED");
    assert_eq!(r.header("allow"), Some("GET, POST"));
}

#[test]
fn version_negotiation() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let org = api.org();
    let get = |accept: Option<&str>| {
        let mut headers = vec![];
        if let Some(a) = accept {
            headers.push(("Accept", a));
        }
        api.call_with("GET", &org, &headers, None)
    };
    for accept in [
        "application/vnd.atlas.2024-08-05+json",
        "application/vnd.atlas.2025-03-12+json",
        "application/vnd.atlas.2030-01-01+json;charset=utf-8",
        "application/json, application/vnd.atlas.2024-10-23+json",
    ] {
        let r = get(Some(accept));
        assert_eq!(r.status, 200, "{accept}: {}", r.body);
        assert_eq!(r.header("content-type"), Some(V), "{accept}");
    }
    for accept in [
        Some("application/vnd.atlas.2024-08-04+json"),
        Some("application/vnd.atlas.2023-01-01+json"),
        Some("application/vnd.atlas.2024-02-30+json"),
        Some("application/vnd.atlas.preview+json"),
        Some("application/json"),
        Some("*/*"),
        Some("text/html"),
        None,
    ] {
        let r = get(accept);
        let doc = r.api_error(406, "INVALID_VERSION_DATE");
        assert!(doc["detail"].as_str().unwrap().contains("version"), "{doc}");
        // As for every operation, the 406 names the versions there are.
        assert_eq!(doc["parameters"], json!(["2024-08-05"]), "{doc}");
        assert!(r.header("ratelimit-limit").is_some());
    }

    // Bodies must carry the versioned media type.
    let body = r#"{"secretExpiresAfterHours": 1}"#;
    let secrets = format!("{org}/{}/secrets", mock.client_id());
    for content_type in [
        Some("application/json"),
        Some("text/plain"),
        Some("application/vnd.atlas.2023-01-01+json"),
        None,
    ] {
        let mut headers = vec![("Accept", V)];
        if let Some(ct) = content_type {
            headers.push(("Content-Type", ct));
        }
        api.call_with("POST", &secrets, &headers, Some(body))
            .api_error(415, "UNSUPPORTED_MEDIA_TYPE");
    }
    let r = api.call_with(
        "POST",
        &secrets,
        &[
            ("Accept", "application/vnd.atlas.2025-01-01+json"),
            (
                "Content-Type",
                "application/vnd.atlas.2024-08-05+json; charset=utf-8",
            ),
        ],
        Some(body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(mock.secret_count(mock.client_id()), 2);

    // Optional leniency for plain JSON bodies.
    let lenient = MockAtlas::builder()
        .accept_plain_json_bodies(true)
        .start()
        .unwrap();
    let api = Api::owner(&lenient);
    let r = api.call_with(
        "POST",
        &format!("{}/{}/secrets", api.org(), lenient.client_id()),
        &[("Accept", V), ("Content-Type", "application/json")],
        Some(body),
    );
    assert_eq!(r.status, 201, "{}", r.body);
}

#[test]
fn envelope_and_pretty() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let org = api.org();
    let cid = mock.client_id();

    let r = api.call("GET", &format!("{org}/{cid}?envelope=true"), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some(V));
    let doc = r.json();
    assert_eq!(keys(&doc), set(&["content", "status"]));
    assert_eq!(doc["status"], 200);
    assert_eq!(doc["content"]["clientId"], cid);

    let r = api.call(
        "POST",
        &format!("{org}/{cid}/secrets?envelope=true"),
        Some(r#"{"secretExpiresAfterHours": 1}"#),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], 201);
    assert!(r.json()["content"]["secret"].is_string());

    let r = api.call("GET", &format!("{org}?envelope=true"), None);
    let doc = r.json();
    assert_eq!(
        keys(&doc),
        set(&["links", "results", "status", "totalCount"])
    );
    assert_eq!(doc["status"], 200);

    let sid = mock.service_account(cid).unwrap().secrets[1].id.clone();
    let r = api.call(
        "DELETE",
        &format!("{org}/{cid}/secrets/{sid}?envelope=true"),
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"status": 204, "content": {}}));

    let r = api.call(
        "GET",
        &format!("{org}/mdb_sa_id_aaaaaaaaaaaaaaaaaaaaaaaa?envelope=true"),
        None,
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let doc = r.json();
    assert_eq!(doc["status"], 404);
    assert_eq!(doc["content"]["errorCode"], "SERVICE_ACCOUNT_NOT_FOUND");

    // Java's Boolean.valueOf: only "true" (any case) is true.
    assert_eq!(
        api.call("GET", &format!("{org}?envelope=1"), None)
            .json()
            .get("status"),
        None
    );
    assert_eq!(
        api.call("GET", &format!("{org}?envelope=TRUE"), None)
            .json()["status"],
        200
    );

    let pretty = api.call("GET", &format!("{org}/{cid}?pretty=true"), None);
    assert!(pretty.body.contains("\n  \"clientId\""), "{}", pretty.body);
    let plain = api.call("GET", &format!("{org}/{cid}"), None);
    assert!(!plain.body.contains('\n'));
    assert_eq!(pretty.json(), plain.json());
    let r = api.call("GET", &format!("{org}/nope?pretty=true"), None);
    assert!(r.body.contains("\n  \"errorCode\""), "{}", r.body);
}

#[test]
fn pagination_0_1_500_501_and_links() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let cid = mock.client_id();
    let access = format!("{}/{cid}/accessList", api.org());
    let list = |query: &str| {
        let r = api.call("GET", &format!("{access}{query}"), None);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    };
    let rels = |doc: &Value| -> Vec<String> {
        doc["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["rel"].as_str().unwrap().to_owned())
            .collect()
    };
    let add = |from: usize, to: usize| {
        let entries: Vec<Value> = (from..to).map(|i| json!({"ipAddress": format!("10.{}.{}.{}", i / 65536, (i / 256) % 256, i % 256)})).collect();
        for chunk in entries.chunks(200) {
            let r = api.call(
                "POST",
                &access,
                Some(&Value::Array(chunk.to_vec()).to_string()),
            );
            assert_eq!(r.status, 200, "{}", r.body);
        }
    };

    // 0 items.
    let doc = list("");
    assert_eq!(doc["totalCount"], 0);
    assert_eq!(doc["results"], json!([]));
    assert_eq!(rels(&doc), vec!["self"]);
    let self_link = doc["links"][0]["href"].as_str().unwrap();
    assert_eq!(
        self_link,
        format!("{}{access}?pageNum=1&itemsPerPage=100", mock.url())
    );

    // 1 item.
    add(0, 1);
    let doc = list("");
    assert_eq!(doc["totalCount"], 1);
    assert_eq!(doc["results"].as_array().unwrap().len(), 1);
    assert_eq!(rels(&doc), vec!["self"]);

    // 500 items: one full page of 500, no next.
    add(1, 500);
    let doc = list("?itemsPerPage=500");
    assert_eq!(doc["totalCount"], 500);
    assert_eq!(doc["results"].as_array().unwrap().len(), 500);
    assert_eq!(rels(&doc), vec!["self"]);

    // 501 items: a next page with one.
    add(500, 501);
    let doc = list("?itemsPerPage=500&pretty=false");
    assert_eq!(doc["totalCount"], 501);
    assert_eq!(rels(&doc), vec!["self", "next"]);
    let next = doc["links"][1]["href"].as_str().unwrap().to_owned();
    assert_eq!(
        next,
        format!(
            "{}{access}?pretty=false&pageNum=2&itemsPerPage=500",
            mock.url()
        )
    );
    let r = api.call("GET", next.strip_prefix(mock.url()).unwrap(), None);
    let page2 = r.json();
    assert_eq!(page2["results"].as_array().unwrap().len(), 1);
    assert_eq!(page2["results"][0]["ipAddress"], "10.0.1.244");
    assert_eq!(rels(&page2), vec!["self", "previous"]);
    assert!(
        page2["links"][1]["href"]
            .as_str()
            .unwrap()
            .ends_with("pageNum=1&itemsPerPage=500")
    );

    // Defaults: 100 a page; a middle page has both neighbours.
    let doc = list("");
    assert_eq!(doc["results"].as_array().unwrap().len(), 100);
    let doc = list("?pageNum=3");
    assert_eq!(doc["results"][0]["ipAddress"], "10.0.0.200");
    assert_eq!(rels(&doc), vec!["self", "previous", "next"]);
    // Past the end: empty; includeCount=false: no totalCount.
    let doc = list("?pageNum=99");
    assert_eq!(doc["results"], json!([]));
    assert_eq!(doc["totalCount"], 501);
    let doc = list("?includeCount=false&itemsPerPage=1");
    assert!(doc.get("totalCount").is_none());
    assert_eq!(doc["results"].as_array().unwrap().len(), 1);
    // Out of range.
    for q in [
        "?itemsPerPage=501",
        "?itemsPerPage=0",
        "?pageNum=0",
        "?pageNum=-1",
    ] {
        let r = api.call("GET", &format!("{access}{q}"), None);
        r.api_error(400, "VALIDATION_ERROR");
    }
    // The create answer is paginated by the same parameters.
    let r = api.call(
        "POST",
        &format!("{access}?itemsPerPage=2&includeCount=false"),
        Some(r#"[{"ipAddress": "172.16.0.1"}]"#),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["results"].as_array().unwrap().len(), 2);
    assert!(r.json().get("totalCount").is_none());
}

#[test]
fn access_list_entries_count_the_requests_they_let_in() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let access = format!("{}/{}/accessList", api.org(), mock.client_id());
    let r = api.call(
        "POST",
        &access,
        Some(r#"[{"cidrBlock": "127.0.0.0/8"}, {"ipAddress": "192.0.2.1"}]"#),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["results"][0]["requestCount"], 0);
    assert_eq!(api.call("GET", &api.org(), None).status, 200);
    let doc = api.call("GET", &access, None).json();
    let local = &doc["results"][0];
    assert_eq!(local["requestCount"], 2, "{doc}");
    assert_eq!(local["lastUsedAddress"], "127.0.0.1");
    assert!(is_atlas_date(&local["lastUsedAt"]));
    assert_eq!(doc["results"][1]["requestCount"], 0);
    assert!(doc["results"][1].get("lastUsedAt").is_none());
}
