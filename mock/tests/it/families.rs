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
    let r = api.call("POST", &clusters, Some(&body(&m10("slow"))));
    assert_eq!(r.status, 201, "{}", r.body);
    let one = format!("{clusters}/slow");
    assert_eq!(api.call("GET", &one, None).json()["stateName"], "CREATING");
    mock.advance_clock(Duration::from_secs(601));
    assert_eq!(api.call("GET", &one, None).json()["stateName"], "IDLE");
    api.call("POST", &clusters, Some(&body(&m10("-bad"))))
        .api_error(400, "VALIDATION_ERROR");
}

/// A three-node M10 replica set on AWS.
fn m10(name: &str) -> Value {
    json!({
        "name": name,
        "clusterType": "REPLICASET",
        "replicationSpecs": [{"regionConfigs": [{
            "providerName": "AWS", "regionName": "US_EAST_1", "priority": 7,
            "electableSpecs": {"instanceSize": "M10", "nodeCount": 3}
        }]}]
    })
}

#[test]
fn clusters_atlas_cannot_build_are_refused() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let clusters = format!("/api/atlas/v2/groups/{}/clusters", mock.project_id());
    let refused = |spec: &Value, code: &str, param: &str| {
        let doc = api
            .call("POST", &clusters, Some(&body(spec)))
            .api_error(400, code);
        assert_eq!(doc["parameters"], json!([param]), "{doc}");
    };
    refused(
        &json!({"name": "c0", "clusterType": "REPLICASET"}),
        "MISSING_ATTRIBUTE",
        "replicationSpecs",
    );
    let mut no_provider = m10("c0");
    no_provider["replicationSpecs"][0]["regionConfigs"][0]
        .as_object_mut()
        .unwrap()
        .remove("providerName");
    refused(&no_provider, "MISSING_ATTRIBUTE", "providerName");
    let mut no_region = m10("c0");
    no_region["replicationSpecs"][0]["regionConfigs"][0]
        .as_object_mut()
        .unwrap()
        .remove("regionName");
    refused(&no_region, "MISSING_ATTRIBUTE", "regionName");
    let mut no_configs = m10("c0");
    no_configs["replicationSpecs"] = json!([{"zoneName": "Zone 1"}]);
    refused(&no_configs, "MISSING_ATTRIBUTE", "regionConfigs");
    let mut unknown = m10("c0");
    unknown["replicationSpecs"][0]["regionConfigs"][0]["providerName"] = json!("IBM");
    refused(&unknown, "INVALID_ENUM_VALUE", "IBM");
    let mut elsewhere = m10("c0");
    elsewhere["groupId"] = json!("aaaaaaaaaaaaaaaaaaaaaaaa");
    refused(&elsewhere, "INVALID_ATTRIBUTE", "groupId");
    assert_eq!(
        api.call("GET", &clusters, None).json()["totalCount"],
        0,
        "nothing refused was created"
    );

    // The same body, complete, is created; its own project id may be sent.
    let mut own = m10("c0");
    own["groupId"] = json!(mock.project_id());
    let r = api.call("POST", &clusters, Some(&body(&own)));
    assert_eq!(r.status, 201, "{}", r.body);
    // A change that sends replication specs is held to the same rules.
    let mut change = no_provider.clone();
    change.as_object_mut().unwrap().remove("name");
    api.call("PATCH", &format!("{clusters}/c0"), Some(&body(&change)))
        .api_error(400, "MISSING_ATTRIBUTE");
}

#[test]
fn region_configs_keep_analytics_read_only_and_auto_scaling_members() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let clusters = format!("/api/atlas/v2/groups/{}/clusters", mock.project_id());
    let config = json!({
        "providerName": "AWS", "regionName": "US_EAST_1", "priority": 7,
        "electableSpecs": {"instanceSize": "M10", "nodeCount": 3},
        "readOnlySpecs": {"instanceSize": "M10", "nodeCount": 1},
        "analyticsSpecs": {"instanceSize": "M10", "nodeCount": 1},
        "autoScaling": {"compute": {
            "enabled": true, "scaleDownEnabled": true,
            "minInstanceSize": "M10", "maxInstanceSize": "M30"
        }}
    });
    let mut spec = m10("scaled");
    spec["replicationSpecs"][0]["regionConfigs"][0] = config.clone();
    for accept in [
        "application/vnd.atlas.2024-08-05+json",
        "application/vnd.atlas.2024-10-23+json",
    ] {
        let name = format!("scaled-{}", &accept[22..32]);
        spec["name"] = json!(name);
        let r = api.call_with(
            "POST",
            &clusters,
            &[("Accept", accept), ("Content-Type", accept)],
            Some(&body(&spec)),
        );
        assert_eq!(r.status, 201, "{accept}: {}", r.body);
        let got = api
            .call_with(
                "GET",
                &format!("{clusters}/{name}"),
                &[("Accept", accept)],
                None,
            )
            .json();
        assert_eq!(
            got["replicationSpecs"][0]["regionConfigs"][0], config,
            "{accept}: kept and answered as sent"
        );
    }
}

#[test]
fn a_project_id_in_the_body_must_be_the_paths() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let other = mock.add_project();
    let users = format!("/api/atlas/v2/groups/{}/databaseUsers", mock.project_id());
    let user = |group: &str| {
        json!({
            "databaseName": "admin", "groupId": group, "username": "app",
            "password": "s3cret-passw0rd",
            "roles": [{"databaseName": "admin", "roleName": "readWrite"}]
        })
    };
    let doc = api
        .call("POST", &users, Some(&body(&user(&other))))
        .api_error(400, "INVALID_ATTRIBUTE");
    assert_eq!(doc["parameters"], json!(["groupId"]));
    assert_eq!(
        api.call("GET", &users, None).json()["totalCount"],
        0,
        "created in neither project"
    );
    let r = api.call("POST", &users, Some(&body(&user(mock.project_id()))));
    assert_eq!(r.status, 201, "{}", r.body);
    api.call(
        "PATCH",
        &format!("{users}/admin/app"),
        Some(&body(&user(&other))),
    )
    .api_error(400, "INVALID_ATTRIBUTE");

    let list = format!("/api/atlas/v2/groups/{}/accessList", mock.project_id());
    let entries = json!([
        {"cidrBlock": "192.0.2.0/24"},
        {"ipAddress": "198.51.100.7", "groupId": other}
    ]);
    api.call("POST", &list, Some(&body(&entries)))
        .api_error(400, "INVALID_ATTRIBUTE");
    assert_eq!(api.call("GET", &list, None).json()["totalCount"], 0);
}

#[test]
fn an_idle_clusters_processes_serve_gzip_mongod_logs() {
    use std::io::Read as _;

    let mock = MockAtlas::builder()
        .cluster_transition(Duration::from_secs(600))
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    let g = mock.project_id();
    let processes = format!("/api/atlas/v2/groups/{g}/processes");
    let r = api.call(
        "POST",
        &format!("/api/atlas/v2/groups/{g}/clusters"),
        Some(&body(&m10("Cluster0"))),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let listed = api.call("GET", &processes, None).json();
    assert_eq!(listed["totalCount"], 0, "no hosts while CREATING: {listed}");
    mock.advance_clock(Duration::from_secs(601));
    let listed = api.call("GET", &processes, None).json();
    assert_eq!(listed["totalCount"], 3, "{listed}");
    let first = &listed["results"][0];
    let id = first["id"].as_str().unwrap();
    let host = first["hostname"].as_str().unwrap();
    assert!(
        host.starts_with("cluster0-shard-00-00.") && host.ends_with(".mongodb.net"),
        "{host}"
    );
    assert_eq!(id, format!("{host}:27017"));
    assert_eq!(first["typeName"], "REPLICA_PRIMARY");
    assert_eq!(first["groupId"], g);
    let one = api.call("GET", &format!("{processes}/{id}"), None);
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.json()["hostname"], host);
    api.call(
        "GET",
        &format!("{processes}/nowhere.mongodb.net:27017"),
        None,
    )
    .api_error(404, "HOST_NOT_FOUND");

    let log = |path: &str| {
        let mut r = crate::common::agent()
            .get(format!("{}{path}", mock.url()))
            .header("Authorization", format!("Bearer {}", api.token))
            .header("Accept", "application/vnd.atlas.2023-02-01+gzip")
            .call()
            .unwrap();
        let status = r.status().as_u16();
        (status, r.body_mut().read_to_vec().unwrap())
    };
    let path = format!("/api/atlas/v2/groups/{g}/clusters/{host}/logs/mongodb.gz");
    let end = 1_722_852_000_u64;
    let (status, gz) = log(&format!("{path}?startDate={}&endDate={end}", end - 3600));
    assert_eq!(status, 200);
    let mut text = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut text)
        .expect("a gzip file");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 120, "one line every 30 s of the hour");
    for line in &lines {
        let doc: Value = serde_json::from_str(line).expect("one JSON document a line");
        assert!(
            doc["t"]["$date"]
                .as_str()
                .unwrap()
                .starts_with("2024-08-05T")
        );
        assert!(doc["msg"].is_string() && doc["c"].is_string(), "{line}");
    }
    // The last day by default.
    let (status, gz) = log(&path);
    assert_eq!(status, 200);
    let mut day = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut day)
        .unwrap();
    assert_eq!(day.lines().count(), 2880);
    // No mongos on a replica set's host, no log of a host that is not there.
    let (status, _) = log(&path.replace("mongodb.gz", "mongos.gz"));
    assert_eq!(status, 404);
    let (status, body) = log(&format!(
        "/api/atlas/v2/groups/{g}/clusters/nowhere.mongodb.net/logs/mongodb.gz"
    ));
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("HOST_NOT_FOUND"));

    // MockAtlas::add_cluster seeds a running cluster directly.
    let hosts = mock.add_cluster("Seeded").unwrap();
    assert_eq!(hosts.len(), 3);
    assert!(hosts[0].starts_with("seeded-shard-00-00."), "{hosts:?}");
    assert_eq!(api.call("GET", &processes, None).json()["totalCount"], 6);
    assert!(matches!(
        mock.add_cluster("Seeded"),
        Err(atlas_mock::AddClusterError::Exists(_))
    ));
    assert!(matches!(
        mock.add_cluster("-no"),
        Err(atlas_mock::AddClusterError::InvalidName(_))
    ));
}

#[test]
fn invoices_are_listed_fetched_and_served_as_csv() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let invoices = format!("/api/atlas/v2/orgs/{}/invoices", mock.org_id());
    let j = [("Accept", "application/vnd.atlas.2023-01-01+json")];
    let list = api.call_with("GET", &invoices, &j, None);
    assert_eq!(list.status, 200, "{}", list.body);
    let list = list.json();
    assert_eq!(list["totalCount"], 3);
    let statuses: Vec<&str> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["statusName"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["PENDING", "CLOSED", "PAID"], "newest first");
    let closed = api
        .call_with(
            "GET",
            &format!("{invoices}?statusNames=PAID,CLOSED&orderBy=asc"),
            &j,
            None,
        )
        .json();
    assert_eq!(closed["totalCount"], 2);
    assert_eq!(closed["results"][0]["statusName"], "PAID");

    let id = list["results"][1]["id"].as_str().unwrap();
    let one = api
        .call_with("GET", &format!("{invoices}/{id}"), &j, None)
        .json();
    let items = one["lineItems"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    let total: i64 = items
        .iter()
        .map(|i| i["totalPriceCents"].as_i64().unwrap())
        .sum();
    assert!(total > 0);
    assert_eq!(one["subtotalCents"], total);
    assert_eq!(one["amountBilledCents"], total);

    let csv_accept = [("Accept", "application/vnd.atlas.2023-01-01+csv")];
    for path in [format!("{invoices}/{id}/csv"), format!("{invoices}/{id}")] {
        let r = api.call_with("GET", &path, &csv_accept, None);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        assert_eq!(
            r.header("content-type"),
            Some("application/vnd.atlas.2023-01-01+csv")
        );
        let rows: Vec<&str> = r.body.lines().collect();
        assert_eq!(
            rows.len(),
            4,
            "a header and a row per line item: {}",
            r.body
        );
        assert!(rows[0].starts_with("Invoice Number,"), "{}", rows[0]);
        assert!(
            rows[1..].iter().all(|row| row.starts_with(id)),
            "{}",
            r.body
        );
    }
    let pending = api
        .call_with("GET", &format!("{invoices}/pending"), &j, None)
        .json();
    assert_eq!(pending["totalCount"], 1);
    assert_eq!(pending["results"][0]["statusName"], "PENDING");
    api.call_with(
        "GET",
        &format!("{invoices}/aaaaaaaaaaaaaaaaaaaaaaaa/csv"),
        &csv_accept,
        None,
    )
    .api_error(404, "INVOICE_NOT_FOUND");
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
