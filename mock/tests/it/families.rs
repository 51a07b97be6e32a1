//! The stateful families over HTTP (ureq, not the SDK): each one's lifecycle (create →
//! get → list with pagination → update → delete → 404), 409 on duplicates, ids in
//! Atlas's format, and the cluster state machine with a 1 s transition.

use std::time::{Duration, Instant};

use crate::common::Api;
use atlas_mock::MockAtlas;
use serde_json::{Value, json};

fn is_object_id(s: &str) -> bool {
    s.len() == 24
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

fn body(v: &Value) -> String {
    v.to_string()
}

#[test]
fn organizations_are_read_with_their_projects() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let orgs = api.call("GET", "/api/atlas/v2/orgs", None);
    assert_eq!(orgs.status, 200, "{}", orgs.body);
    let orgs = orgs.json();
    assert_eq!(orgs["totalCount"], 1);
    assert_eq!(orgs["results"][0]["id"], mock.org_id());
    let org = api.call(
        "GET",
        &format!("/api/atlas/v2/orgs/{}", mock.org_id()),
        None,
    );
    assert_eq!(org.status, 200, "{}", org.body);
    assert_eq!(org.json()["id"], mock.org_id());
    assert_eq!(org.header("x-atlas-mock"), None, "answered from state");
    let groups = api
        .call(
            "GET",
            &format!("/api/atlas/v2/orgs/{}/groups", mock.org_id()),
            None,
        )
        .json();
    assert_eq!(groups["results"][0]["id"], mock.project_id());
    api.call("GET", "/api/atlas/v2/orgs/aaaaaaaaaaaaaaaaaaaaaaaa", None)
        .api_error(404, "ORG_NOT_FOUND");
}

#[test]
fn project_lifecycle() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let create = |name: &str| {
        api.call(
            "POST",
            "/api/atlas/v2/groups",
            Some(&body(&json!({"name": name, "orgId": mock.org_id()}))),
        )
    };
    let r = create("alpha");
    assert_eq!(r.status, 200, "{}", r.body);
    let alpha = r.json();
    let id = alpha["id"].as_str().unwrap().to_owned();
    assert!(is_object_id(&id), "{id}");
    assert_eq!(alpha["orgId"], mock.org_id());
    assert_eq!(alpha["clusterCount"], 0);
    create("alpha").api_error(409, "GROUP_ALREADY_EXISTS");
    create("two words").api_error(400, "VALIDATION_ERROR");
    api.call(
        "POST",
        "/api/atlas/v2/groups",
        Some(&body(&json!({"orgId": mock.org_id()}))),
    )
    .api_error(400, "MISSING_ATTRIBUTE");
    for name in ["beta", "gamma"] {
        assert_eq!(create(name).status, 200);
    }

    let path = format!("/api/atlas/v2/groups/{id}");
    assert_eq!(api.call("GET", &path, None).json()["name"], "alpha");
    let by_name = api.call("GET", "/api/atlas/v2/groups/byName/alpha", None);
    assert_eq!(by_name.json()["id"], id.as_str());

    // Four projects (the seeded one and three), two a page.
    let page = api
        .call("GET", "/api/atlas/v2/groups?itemsPerPage=2&pageNum=2", None)
        .json();
    assert_eq!(page["totalCount"], 4);
    assert_eq!(page["results"].as_array().unwrap().len(), 2);
    let rels: Vec<&str> = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert_eq!(rels, ["self", "previous"]);

    let renamed = api.call("PATCH", &path, Some(r#"{"name": "delta"}"#));
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(renamed.json()["name"], "delta");
    api.call("PATCH", &path, Some(r#"{"name": "beta"}"#))
        .api_error(409, "GROUP_ALREADY_EXISTS");

    assert_eq!(api.call("DELETE", &path, None).status, 204);
    api.call("GET", &path, None)
        .api_error(404, "GROUP_NOT_FOUND");
    api.call("DELETE", &path, None)
        .api_error(404, "GROUP_NOT_FOUND");
}

/// Polls a cluster until its `stateName` is `want` (or it is gone, for `None`).
fn wait_for(api: &Api<'_>, path: &str, want: Option<&str>) -> Duration {
    let start = Instant::now();
    loop {
        let r = api.call("GET", path, None);
        let state = (r.status == 200).then(|| r.json()["stateName"].as_str().unwrap().to_owned());
        if state.as_deref() == want {
            if want.is_none() {
                r.api_error(404, "CLUSTER_NOT_FOUND");
            }
            return start.elapsed();
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{path} stayed {state:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn cluster_state_machine_with_a_one_second_transition() {
    let mock = MockAtlas::builder()
        .cluster_transition(Duration::from_secs(1))
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    let clusters = format!("/api/atlas/v2/groups/{}/clusters", mock.project_id());
    let spec = json!({
        "name": "c0",
        "clusterType": "REPLICASET",
        "replicationSpecs": [{"regionConfigs": [{
            "providerName": "AWS", "regionName": "US_EAST_1", "priority": 7,
            "electableSpecs": {"instanceSize": "M10", "nodeCount": 3}
        }]}]
    });
    let r = api.call("POST", &clusters, Some(&body(&spec)));
    assert_eq!(r.status, 201, "{}", r.body);
    let created = r.json();
    assert_eq!(created["stateName"], "CREATING");
    assert!(is_object_id(created["id"].as_str().unwrap()));
    assert_eq!(
        created["clusterType"], "REPLICASET",
        "what was sent is kept"
    );
    api.call("POST", &clusters, Some(&body(&spec)))
        .api_error(409, "DUPLICATE_CLUSTER_NAME");

    let one = format!("{clusters}/c0");
    let took = wait_for(&api, &one, Some("IDLE"));
    assert!(took >= Duration::from_millis(700), "IDLE after {took:?}");

    // Pause: UPDATING, then IDLE and paused; resume the same way.
    let r = api.call("PATCH", &one, Some(r#"{"paused": true}"#));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["stateName"], "UPDATING");
    wait_for(&api, &one, Some("IDLE"));
    assert_eq!(api.call("GET", &one, None).json()["paused"], true);
    api.call("PATCH", &one, Some(r#"{"paused": false}"#));
    wait_for(&api, &one, Some("IDLE"));
    assert_eq!(api.call("GET", &one, None).json()["paused"], false);

    let list = api.call("GET", &clusters, None).json();
    assert_eq!(list["totalCount"], 1);
    assert_eq!(list["results"][0]["name"], "c0");
    // A project with a cluster cannot go.
    api.call(
        "DELETE",
        &format!("/api/atlas/v2/groups/{}", mock.project_id()),
        None,
    )
    .api_error(409, "CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_CLUSTERS");

    assert_eq!(api.call("DELETE", &one, None).status, 202);
    assert_eq!(api.call("GET", &one, None).json()["stateName"], "DELETING");
    wait_for(&api, &one, None);
    assert_eq!(api.call("GET", &clusters, None).json()["totalCount"], 0);
    api.call("DELETE", &one, None)
        .api_error(404, "CLUSTER_NOT_FOUND");
}

#[test]
fn cluster_transitions_follow_the_emulators_clock() {
    let mock = MockAtlas::builder()
        .cluster_transition(Duration::from_secs(600))
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    let clusters = format!("/api/atlas/v2/groups/{}/clusters", mock.project_id());
    let r = api.call("POST", &clusters, Some(r#"{"name": "slow"}"#));
    assert_eq!(r.status, 201, "{}", r.body);
    let one = format!("{clusters}/slow");
    assert_eq!(api.call("GET", &one, None).json()["stateName"], "CREATING");
    mock.advance_clock(Duration::from_secs(601));
    assert_eq!(api.call("GET", &one, None).json()["stateName"], "IDLE");
    api.call("POST", &clusters, Some(r#"{"name": "-bad"}"#))
        .api_error(400, "VALIDATION_ERROR");
}

#[test]
fn database_user_lifecycle() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let users = format!("/api/atlas/v2/groups/{}/databaseUsers", mock.project_id());
    let user = json!({
        "databaseName": "admin",
        "groupId": mock.project_id(),
        "username": "app",
        "password": "s3cret-passw0rd",
        "roles": [{"databaseName": "admin", "roleName": "readWrite"}]
    });
    let r = api.call("POST", &users, Some(&body(&user)));
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        !r.body.contains("s3cret-passw0rd"),
        "no password in answers"
    );
    api.call("POST", &users, Some(&body(&user)))
        .api_error(409, "USER_ALREADY_EXISTS");
    for name in ["b", "c"] {
        let mut other = user.clone();
        other["username"] = json!(name);
        assert_eq!(api.call("POST", &users, Some(&body(&other))).status, 201);
    }
    let one = format!("{users}/admin/app");
    let got = api.call("GET", &one, None).json();
    assert_eq!(got["roles"][0]["roleName"], "readWrite");
    let page = api
        .call("GET", &format!("{users}?itemsPerPage=2&pageNum=2"), None)
        .json();
    assert_eq!(page["totalCount"], 3);
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    // The spec's schema for an update is the user itself: its identity is required.
    let mut change = user.clone();
    change["roles"] = json!([{"databaseName": "admin", "roleName": "read"}]);
    change.as_object_mut().unwrap().remove("password");
    let r = api.call("PATCH", &one, Some(&body(&change)));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["roles"][0]["roleName"], "read");
    assert_eq!(api.call("DELETE", &one, None).status, 204);
    api.call("GET", &one, None)
        .api_error(404, "USERNAME_NOT_FOUND");
}

#[test]
fn ip_access_list_lifecycle() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let list = format!("/api/atlas/v2/groups/{}/accessList", mock.project_id());
    let r = api.call(
        "POST",
        &list,
        Some(r#"[{"cidrBlock": "192.0.2.0/24", "comment": "office"}, {"ipAddress": "198.51.100.7"}]"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["totalCount"], 2);
    let block = format!("{list}/192.0.2.0%2F24");
    let got = api.call("GET", &block, None);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["comment"], "office");
    let ip = api
        .call("GET", &format!("{list}/198.51.100.7"), None)
        .json();
    assert_eq!(ip["cidrBlock"], "198.51.100.7/32");
    let status = api.call("GET", &format!("{block}/status"), None).json();
    assert_eq!(status["STATUS"], "ACTIVE");
    // Adding an entry again replaces its comment (Atlas's behaviour), no duplicate.
    api.call(
        "POST",
        &list,
        Some(r#"[{"cidrBlock": "192.0.2.0/24", "comment": "moved"}]"#),
    );
    assert_eq!(api.call("GET", &block, None).json()["comment"], "moved");
    let page = api
        .call("GET", &format!("{list}?itemsPerPage=1"), None)
        .json();
    assert_eq!(page["totalCount"], 2);
    assert_eq!(page["results"].as_array().unwrap().len(), 1);
    api.call("POST", &list, Some(r#"[{"comment": "nothing"}]"#))
        .api_error(400, "VALIDATION_ERROR");
    assert_eq!(api.call("DELETE", &block, None).status, 204);
    api.call("GET", &block, None)
        .api_error(404, "ATLAS_NETWORK_PERMISSION_ENTRY_NOT_FOUND");
}
