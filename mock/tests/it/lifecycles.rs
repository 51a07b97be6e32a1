//! Resources with a state move through it over time (`MockAtlas::lifecycles`): every
//! one is created (or seeded), read in its starting value, read settled once the
//! emulator's clock has moved, deleted (its deleting value, then 404 or its terminal
//! value), and made to fail on demand; over HTTP (ureq, not the SDK), as a waiter polls.

use std::time::Duration;

use crate::common::{Api, Res};
use atlas_mock::{Fault, FaultKind, Lifecycle, LifecycleError, MockAtlas};
use serde_json::{Value, json};

/// Long enough that real time never settles anything during a test.
const TRANSITION: Duration = Duration::from_secs(600);

fn start() -> MockAtlas {
    MockAtlas::builder()
        .token_lifetime(Duration::from_secs(365 * 86_400))
        .lifecycle_transition(TRANSITION)
        .cluster_transition(TRANSITION)
        .start()
        .unwrap()
}

/// Moves every transition to its end.
fn settle(mock: &MockAtlas) {
    mock.advance_clock(TRANSITION + Duration::from_secs(1));
}

/// A request at the operation's newest version (or its preview, when it has only that).
fn call(api: &Api<'_>, method: &str, path: &str, body: Option<&Value>) -> Res {
    let body = body.map(Value::to_string);
    let mut r = Res {
        status: 0,
        headers: Vec::new(),
        body: String::new(),
    };
    for media in [
        "application/vnd.atlas.2099-01-01+json",
        "application/vnd.atlas.preview+json",
    ] {
        let mut headers = vec![("Accept", media)];
        if body.is_some() {
            headers.push(("Content-Type", media));
        }
        r = api.call_with(method, path, &headers, body.as_deref());
        if r.status != 406 {
            break;
        }
    }
    r
}

/// A value for a placeholder of a GET path.
fn value(mock: &MockAtlas, template: &str, name: &str, n: usize) -> String {
    let vpce = template.contains("/privateNetworkSettings/");
    match name {
        "groupId" => mock.project_id().to_owned(),
        "orgId" => mock.org_id().to_owned(),
        "clusterName" => "c0".to_owned(),
        "cloudProvider" => "AWS".to_owned(),
        "endpointId" if vpce => format!("vpce-0123456789abcdef{n}"),
        _ => format!("32b6e34b3d91647abb20e7b{n}"),
    }
}

/// The GET path of `l` with values, the `n`th resource.
fn path_of(mock: &MockAtlas, l: &Lifecycle, n: usize) -> String {
    l.path
        .split('/')
        .map(|seg| match (seg.find('{'), seg.find('}')) {
            (Some(open), Some(close)) => value(mock, l.path, &seg[open + 1..close], n),
            _ => seg.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[track_caller]
fn state(api: &Api<'_>, l: &Lifecycle, path: &str) -> String {
    let r = call(api, "GET", path, None);
    assert_eq!(r.status, 200, "{} {path}: {}", l.get, r.body);
    assert_eq!(
        r.header("x-atlas-mock"),
        None,
        "{}: answered from state",
        l.get
    );
    r.json()[l.member]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no {} in {}", l.get, l.member, r.body))
        .to_owned()
}

/// Seeded, read, settled, deleted and failed: every resource of the table.
#[test]
fn every_resource_with_a_state_moves_through_it() {
    let mock = start();
    mock.add_cluster("c0").unwrap();
    let api = Api::owner(&mock);
    let all = MockAtlas::lifecycles();
    assert!(all.len() >= 25, "{} resources", all.len());
    let mut deleted = 0;
    for l in &all {
        if l.get == "getGroupCluster" || l.get == "getGroupClusterSearchIndexByName" {
            continue; // below, through their own operations
        }
        for v in [
            Some(l.start),
            Some(l.settled),
            l.update,
            l.delete,
            l.terminal,
            l.failure,
        ]
        .into_iter()
        .flatten()
        {
            assert!(
                l.values.contains(&v),
                "{}: {v} not in {:?}",
                l.get,
                l.values
            );
        }
        let path = path_of(&mock, l, 0);
        mock.add_lifecycle_resource(&path, json!({})).unwrap();
        assert_eq!(
            mock.add_lifecycle_resource(&path, json!({})),
            Err(LifecycleError::Exists(path.clone()))
        );
        assert_eq!(state(&api, l, &path), l.start, "{}", l.get);
        settle(&mock);
        assert_eq!(state(&api, l, &path), l.settled, "{}", l.get);

        // Deleted, where the API deletes it.
        let r = call(&api, "DELETE", &path, None);
        if r.status == 405 {
            assert!(l.delete.is_none() && l.terminal.is_none(), "{}", l.get);
        } else {
            assert!((200..300).contains(&r.status), "{}: {}", l.get, r.body);
            deleted += 1;
            if let Some(deleting) = l.delete {
                assert_eq!(state(&api, l, &path), deleting, "{}", l.get);
                settle(&mock);
            }
            match l.terminal {
                Some(terminal) => assert_eq!(state(&api, l, &path), terminal, "{}", l.get),
                None => {
                    call(&api, "GET", &path, None).api_error(404, "RESOURCE_NOT_FOUND");
                }
            }
            call(&api, "DELETE", &path, None).api_error(404, "RESOURCE_NOT_FOUND");
        }

        // Failed on demand, for a resource created later (a glob on its id).
        if let Some(failure) = l.failure {
            let glob = match l.path.rsplit_once('/') {
                Some((_, last)) if last.starts_with('{') => {
                    let p = path_of(&mock, l, 1);
                    format!("{}/*", p.rsplit_once('/').unwrap().0)
                }
                _ => path_of(&mock, l, 1),
            };
            mock.fail_lifecycle(&glob, failure).unwrap();
            let path = path_of(&mock, l, 1);
            mock.add_lifecycle_resource(&path, json!({})).unwrap();
            assert_eq!(state(&api, l, &path), l.start, "{}", l.get);
            settle(&mock);
            assert_eq!(state(&api, l, &path), failure, "{}", l.get);
        }
    }
    assert!(deleted >= 12, "{deleted} deleted");
    mock.clear_lifecycle_failures();
}

#[test]
fn creates_answer_the_resource_and_the_get_follows_the_clock() {
    let mock = start();
    mock.add_cluster("c0").unwrap();
    let api = Api::owner(&mock);
    let group = format!("/api/atlas/v2/groups/{}", mock.project_id());
    let cluster = format!("{group}/clusters/c0");

    // A snapshot: 200 with the resource, queued, then completed; listed.
    let r = call(
        &api,
        "POST",
        &format!("{cluster}/backup/snapshots"),
        Some(&json!({"description": "before the migration", "retentionInDays": 1})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["status"], "queued");
    let snapshot = format!("{cluster}/backup/snapshots/{id}");
    let got = call(&api, "GET", &snapshot, None).json();
    assert_eq!(got["status"], "queued");
    assert_eq!(got["description"], "before the migration");
    settle(&mock);
    assert_eq!(
        call(&api, "GET", &snapshot, None).json()["status"],
        "completed"
    );
    let list = call(&api, "GET", &format!("{cluster}/backup/snapshots"), None).json();
    assert_eq!(list["totalCount"], 1, "{list}");
    assert_eq!(list["results"][0]["id"], id.as_str());
    // No snapshots of a cluster that does not exist.
    call(
        &api,
        "GET",
        &format!("{group}/clusters/nope/backup/snapshots/{id}"),
        None,
    )
    .api_error(404, "CLUSTER_NOT_FOUND");
    call(
        &api,
        "GET",
        &format!("{cluster}/backup/snapshots/aaaaaaaaaaaaaaaaaaaaaaaa"),
        None,
    )
    .api_error(404, "RESOURCE_NOT_FOUND");

    // A search index: 201, PENDING, READY; a change BUILDING, READY; by name too.
    let r = call(
        &api,
        "POST",
        &format!("{cluster}/search/indexes"),
        Some(
            &json!({"name": "default", "database": "db", "collectionName": "movies",
                     "definition": {"mappings": {"dynamic": true}}}),
        ),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let index = r.json();
    assert_eq!(index["status"], "PENDING");
    assert_eq!(index["name"], "default");
    let by_id = format!(
        "{cluster}/search/indexes/{}",
        index["indexID"].as_str().unwrap()
    );
    let by_name = format!("{cluster}/search/indexes/db/movies/default");
    assert_eq!(
        call(&api, "GET", &by_name, None).json()["status"],
        "PENDING"
    );
    settle(&mock);
    assert_eq!(call(&api, "GET", &by_id, None).json()["status"], "READY");
    let r = call(
        &api,
        "PATCH",
        &by_name,
        Some(&json!({"definition": {"mappings": {"dynamic": false}}})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "BUILDING");
    assert_eq!(call(&api, "GET", &by_id, None).json()["status"], "BUILDING");
    settle(&mock);
    assert_eq!(call(&api, "GET", &by_name, None).json()["status"], "READY");
    assert_eq!(call(&api, "DELETE", &by_id, None).status, 204);
    assert_eq!(
        call(&api, "GET", &by_name, None).json()["status"],
        "DELETING"
    );
    settle(&mock);
    call(&api, "GET", &by_name, None).api_error(404, "RESOURCE_NOT_FOUND");

    // A flex cluster, named by its body: CREATING, IDLE, UPDATING, IDLE, DELETING, gone.
    let r = call(
        &api,
        "POST",
        &format!("{group}/flexClusters"),
        Some(&json!({"name": "flex0", "providerSettings": {
            "backingProviderName": "AWS", "regionName": "US_EAST_1"}})),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["stateName"], "CREATING");
    assert_eq!(r.json()["groupId"], mock.project_id());
    let flex = format!("{group}/flexClusters/flex0");
    call(
        &api,
        "POST",
        &format!("{group}/flexClusters"),
        Some(&json!({"name": "flex0", "providerSettings": {
            "backingProviderName": "AWS", "regionName": "US_EAST_1"}})),
    )
    .api_error(409, "DUPLICATE_RESOURCE");
    settle(&mock);
    assert_eq!(call(&api, "GET", &flex, None).json()["stateName"], "IDLE");
    let r = call(
        &api,
        "PATCH",
        &flex,
        Some(&json!({"terminationProtectionEnabled": true})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["stateName"], "UPDATING");
    assert_eq!(r.json()["terminationProtectionEnabled"], true);
    settle(&mock);
    assert_eq!(call(&api, "GET", &flex, None).json()["stateName"], "IDLE");
    assert_eq!(call(&api, "DELETE", &flex, None).status, 204);
    assert_eq!(
        call(&api, "GET", &flex, None).json()["stateName"],
        "DELETING"
    );
    settle(&mock);
    call(&api, "GET", &flex, None).api_error(404, "RESOURCE_NOT_FOUND");

    // An online archive ends DELETED, and stays.
    let r = call(
        &api,
        "POST",
        &format!("{cluster}/onlineArchives"),
        Some(&json!({"collName": "orders", "dbName": "shop",
                     "criteria": {"type": "DATE", "dateField": "created", "expireAfterDays": 30}})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["state"], "PENDING");
    let archive = format!(
        "{cluster}/onlineArchives/{}",
        r.json()["_id"].as_str().unwrap()
    );
    settle(&mock);
    assert_eq!(call(&api, "GET", &archive, None).json()["state"], "ACTIVE");
    assert_eq!(call(&api, "DELETE", &archive, None).status, 204);
    assert_eq!(call(&api, "GET", &archive, None).json()["state"], "DELETED");
    settle(&mock);
    assert_eq!(call(&api, "GET", &archive, None).json()["state"], "DELETED");

    // A private endpoint service, created on another path: its cloud provider from the body.
    let r = call(
        &api,
        "POST",
        &format!("{group}/privateEndpoint/endpointService"),
        Some(&json!({"providerName": "AWS", "region": "US_EAST_1"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "INITIATING");
    let service = format!(
        "{group}/privateEndpoint/AWS/endpointService/{}",
        r.json()["id"].as_str().unwrap()
    );
    settle(&mock);
    assert_eq!(
        call(&api, "GET", &service, None).json()["status"],
        "AVAILABLE"
    );

    // A singleton made by its first change: the backup compliance policy.
    let policy = format!("{group}/backupCompliancePolicy");
    call(&api, "GET", &policy, None).api_error(404, "RESOURCE_NOT_FOUND");
    let r = call(
        &api,
        "PUT",
        &policy,
        Some(
            &json!({"authorizedEmail": "a@example.com", "authorizedUserFirstName": "A",
                     "authorizedUserLastName": "B"}),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["state"], "ENABLING");
    settle(&mock);
    assert_eq!(call(&api, "GET", &policy, None).json()["state"], "ACTIVE");
    assert_eq!(
        call(&api, "GET", &policy, None).json()["projectId"],
        mock.project_id()
    );
}

/// A 20-minute creation, polled every "minute" by a waiter whose sleep moves the clock.
#[test]
fn a_test_drives_time_from_its_sleep() {
    let mock = MockAtlas::builder()
        .cluster_transition(Duration::from_secs(20 * 60))
        .lifecycle_transition(Duration::from_secs(20 * 60))
        .start()
        .unwrap();
    mock.add_cluster("c0").unwrap();
    let api = Api::owner(&mock);
    let r = call(
        &api,
        "POST",
        &format!(
            "/api/atlas/v2/groups/{}/clusters/c0/backup/exports",
            mock.project_id()
        ),
        Some(&json!({"exportBucketId": "32b6e34b3d91647abb20e7b8",
                     "snapshotId": "32b6e34b3d91647abb20e7b9"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let export = format!(
        "/api/atlas/v2/groups/{}/clusters/c0/backup/exports/{}",
        mock.project_id(),
        r.json()["id"].as_str().unwrap()
    );
    let sleep = |d: Duration| mock.advance_clock(d);
    let mut polls = 0;
    loop {
        let s = call(&api, "GET", &export, None).json()["state"].clone();
        polls += 1;
        if s == "Successful" {
            break;
        }
        assert_eq!(s, "Queued");
        sleep(Duration::from_secs(60));
    }
    assert!((20..=22).contains(&polls), "{polls} polls");
}

/// A poll that meets a 503 is answered 503; the next one reads the state.
#[test]
fn a_fault_while_polling_answers_the_fault_then_the_state() {
    let mock = start();
    mock.add_cluster("c0").unwrap();
    let api = Api::owner(&mock);
    let glob = format!(
        "/api/atlas/v2/groups/{}/clusters/c0/backup/snapshots/*",
        mock.project_id()
    );
    let path = glob.replace('*', "32b6e34b3d91647abb20e7b8");
    mock.add_lifecycle_resource(&path, json!({"description": "nightly"}))
        .unwrap();
    mock.inject(
        Fault::new(FaultKind::service_unavailable(Some(1)))
            .method("GET")
            .path(glob.as_str()),
    );
    let r = call(&api, "GET", &path, None);
    assert_eq!(r.status, 503, "{}", r.body);
    let r = call(&api, "GET", &path, None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "queued");
    assert_eq!(r.json()["description"], "nightly");
}

#[test]
fn clusters_fail_on_demand_and_paths_are_checked() {
    let mock = start();
    mock.add_cluster("c0").unwrap();
    let api = Api::owner(&mock);
    let cluster = format!("/api/atlas/v2/groups/{}/clusters/c0", mock.project_id());
    assert_eq!(
        call(&api, "GET", &cluster, None).json()["stateName"],
        "IDLE"
    );
    mock.fail_lifecycle("/groups/*/clusters/c0", "REPAIRING")
        .unwrap();
    assert_eq!(
        call(&api, "GET", &cluster, None).json()["stateName"],
        "REPAIRING"
    );
    mock.clear_lifecycle_failures();
    assert_eq!(
        call(&api, "GET", &cluster, None).json()["stateName"],
        "IDLE"
    );

    assert!(matches!(
        mock.fail_lifecycle("/groups/*/clusters/c0", "BROKEN"),
        Err(LifecycleError::UnknownValue { .. })
    ));
    assert!(matches!(
        mock.fail_lifecycle("/groups/*/maintenanceWindow", "FAILED"),
        Err(LifecycleError::NotALifecycle(_))
    ));
    assert!(matches!(
        mock.add_lifecycle_resource("/groups/*/clusters/c0/backup/snapshots/*", json!({})),
        Err(LifecycleError::NotALifecycle(_))
    ));
    assert!(matches!(
        mock.add_lifecycle_resource(&cluster, json!({})),
        Err(LifecycleError::NotALifecycle(_))
    ));
}

/// Network peering connections: the body's `providerName` picks the form, its state
/// member (`statusName` on AWS, `status` on Azure and Google Cloud) and its values.
#[test]
fn peering_connections_move_by_their_provider() {
    let mock = start();
    let api = Api::owner(&mock);
    let peers = format!("/api/atlas/v2/groups/{}/peers", mock.project_id());
    let aws = json!({"providerName": "AWS", "containerId": "32b6e34b3d91647abb20e7b8",
        "accepterRegionName": "us-east-1", "awsAccountId": "123456789012",
        "routeTableCidrBlock": "10.0.0.0/16", "vpcId": "vpc-0123456789abcdef0"});
    let r = call(&api, "POST", &peers, Some(&aws));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["statusName"], "INITIATING");
    assert_eq!(r.json().get("status"), None, "{}", r.body);
    let peer = format!("{peers}/{}", r.json()["id"].as_str().unwrap());
    assert_eq!(
        call(&api, "GET", &peer, None).json()["vpcId"],
        "vpc-0123456789abcdef0"
    );
    settle(&mock);
    assert_eq!(
        call(&api, "GET", &peer, None).json()["statusName"],
        "AVAILABLE"
    );
    let r = call(
        &api,
        "PATCH",
        &peer,
        Some(
            &json!({"providerName": "AWS", "containerId": "32b6e34b3d91647abb20e7b8",
            "routeTableCidrBlock": "10.1.0.0/16"}),
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["routeTableCidrBlock"], "10.1.0.0/16");
    let r = call(&api, "DELETE", &peer, None);
    assert_eq!(r.status, 202, "{}", r.body);
    assert_eq!(
        call(&api, "GET", &peer, None).json()["statusName"],
        "TERMINATING"
    );
    settle(&mock);
    call(&api, "GET", &peer, None).api_error(404, "RESOURCE_NOT_FOUND");

    // Azure: `status`, ADDING_PEER then AVAILABLE; DELETING then gone.
    let azure = json!({"providerName": "AZURE", "containerId": "32b6e34b3d91647abb20e7b9",
        "azureDirectoryId": "35bb6c31-4d3a-4a2b-9a3e-2c4b1a2b3c4d",
        "azureSubscriptionId": "45bb6c31-4d3a-4a2b-9a3e-2c4b1a2b3c4d",
        "resourceGroupName": "rg", "vnetName": "vnet"});
    let r = call(&api, "POST", &peers, Some(&azure));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "ADDING_PEER");
    assert_eq!(r.json().get("statusName"), None, "{}", r.body);
    let peer = format!("{peers}/{}", r.json()["id"].as_str().unwrap());
    settle(&mock);
    assert_eq!(call(&api, "GET", &peer, None).json()["status"], "AVAILABLE");
    assert_eq!(call(&api, "DELETE", &peer, None).status, 202);
    assert_eq!(call(&api, "GET", &peer, None).json()["status"], "DELETING");
    settle(&mock);
    call(&api, "GET", &peer, None).api_error(404, "RESOURCE_NOT_FOUND");

    // Google Cloud, failed on demand.
    mock.fail_lifecycle("/groups/*/peers/*", "FAILED").unwrap();
    let gcp = json!({"providerName": "GCP", "containerId": "32b6e34b3d91647abb20e7b0",
        "gcpProjectId": "my-project-123", "networkName": "default"});
    let r = call(&api, "POST", &peers, Some(&gcp));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "ADDING_PEER");
    let peer = format!("{peers}/{}", r.json()["id"].as_str().unwrap());
    settle(&mock);
    assert_eq!(call(&api, "GET", &peer, None).json()["status"], "FAILED");

    let l = MockAtlas::lifecycles()
        .into_iter()
        .find(|l| l.get == "getGroupPeer")
        .unwrap();
    assert_eq!(
        (l.on, l.key, l.member),
        ("providerName", "id", "statusName")
    );
    let forms: Vec<_> = l
        .forms
        .iter()
        .map(|(w, f)| (*w, f.member, f.start, f.settled, f.delete))
        .collect();
    assert_eq!(
        forms,
        [
            (
                "AWS",
                "statusName",
                "INITIATING",
                "AVAILABLE",
                Some("TERMINATING")
            ),
            (
                "AZURE",
                "status",
                "ADDING_PEER",
                "AVAILABLE",
                Some("DELETING")
            ),
            (
                "GCP",
                "status",
                "ADDING_PEER",
                "AVAILABLE",
                Some("DELETING")
            ),
        ]
    );
}

/// Cloud provider access roles: `status` on Google Cloud only; the role's id is `roleId`
/// (`_id` on Azure); deauthorizing deletes it.
#[test]
fn cloud_provider_access_roles_move_on_google_cloud() {
    let mock = start();
    let api = Api::owner(&mock);
    let roles = format!(
        "/api/atlas/v2/groups/{}/cloudProviderAccess",
        mock.project_id()
    );
    let r = call(&api, "POST", &roles, Some(&json!({"providerName": "GCP"})));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "IN_PROGRESS");
    let id = r.json()["roleId"].as_str().unwrap().to_owned();
    let role = format!("{roles}/{id}");
    assert_eq!(
        call(&api, "GET", &role, None).json()["status"],
        "IN_PROGRESS"
    );
    settle(&mock);
    assert_eq!(call(&api, "GET", &role, None).json()["status"], "COMPLETE");
    let r = call(&api, "PATCH", &role, Some(&json!({"providerName": "GCP"})));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "IN_PROGRESS");
    settle(&mock);
    assert_eq!(call(&api, "GET", &role, None).json()["status"], "COMPLETE");
    let r = call(&api, "DELETE", &format!("{roles}/GCP/{id}"), None);
    assert_eq!(r.status, 204, "{}", r.body);
    call(&api, "GET", &role, None).api_error(404, "RESOURCE_NOT_FOUND");

    // AWS: no state member, ready at once.
    let r = call(&api, "POST", &roles, Some(&json!({"providerName": "AWS"})));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json().get("status"), None, "{}", r.body);
    let role = format!("{roles}/{}", r.json()["roleId"].as_str().unwrap());
    let got = call(&api, "GET", &role, None);
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json().get("status"), None, "{}", got.body);
    assert_eq!(got.json()["providerName"], "AWS");

    // Azure: named by `_id`.
    let r = call(
        &api,
        "POST",
        &roles,
        Some(&json!({"providerName": "AZURE",
            "atlasAzureAppId": "35bb6c31-4d3a-4a2b-9a3e-2c4b1a2b3c4d",
            "servicePrincipalId": "45bb6c31-4d3a-4a2b-9a3e-2c4b1a2b3c4d",
            "tenantId": "55bb6c31-4d3a-4a2b-9a3e-2c4b1a2b3c4d"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let role = format!("{roles}/{}", r.json()["_id"].as_str().unwrap());
    assert_eq!(call(&api, "GET", &role, None).status, 200);

    // Failed on demand.
    mock.fail_lifecycle("/groups/*/cloudProviderAccess/*", "FAILED")
        .unwrap();
    let r = call(&api, "POST", &roles, Some(&json!({"providerName": "GCP"})));
    let role = format!("{roles}/{}", r.json()["roleId"].as_str().unwrap());
    settle(&mock);
    assert_eq!(call(&api, "GET", &role, None).json()["status"], "FAILED");
}

/// The push-based log export: UNCONFIGURED until created, INITIATING then ACTIVE, and
/// UNCONFIGURED again once deleted.
#[test]
fn the_push_based_log_export_is_unconfigured_until_created() {
    let mock = start();
    let api = Api::owner(&mock);
    let export = format!(
        "/api/atlas/v2/groups/{}/pushBasedLogExport",
        mock.project_id()
    );
    let state = |api: &Api<'_>| {
        let r = call(api, "GET", &export, None);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["state"].as_str().unwrap().to_owned()
    };
    assert_eq!(state(&api), "UNCONFIGURED");
    let body = json!({"bucketName": "logs", "iamRoleId": "32b6e34b3d91647abb20e7b8",
        "prefixPath": "atlas/"});
    let r = call(&api, "POST", &export, Some(&body));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(state(&api), "INITIATING");
    assert_eq!(
        call(&api, "GET", &export, None).json()["bucketName"],
        "logs"
    );
    call(&api, "POST", &export, Some(&body)).api_error(409, "DUPLICATE_RESOURCE");
    settle(&mock);
    assert_eq!(state(&api), "ACTIVE");
    let r = call(
        &api,
        "PATCH",
        &export,
        Some(&json!({"bucketName": "logs2"})),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(state(&api), "INITIATING");
    settle(&mock);
    assert_eq!(state(&api), "ACTIVE");
    assert_eq!(
        call(&api, "GET", &export, None).json()["bucketName"],
        "logs2"
    );
    let r = call(&api, "DELETE", &export, None);
    assert!((200..300).contains(&r.status), "{}", r.body);
    assert_eq!(state(&api), "UNCONFIGURED");
    // Created again, and failed on demand.
    mock.fail_lifecycle("/groups/*/pushBasedLogExport", "BUCKET_VERIFICATION_FAILED")
        .unwrap();
    let r = call(&api, "POST", &export, Some(&body));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(state(&api), "INITIATING");
    settle(&mock);
    assert_eq!(state(&api), "BUCKET_VERIFICATION_FAILED");
}

/// A search index of the older API (`/fts/indexes`): IN_PROGRESS then STEADY, named by
/// `indexID`.
#[test]
fn fts_indexes_move_from_in_progress_to_steady() {
    let mock = start();
    mock.add_cluster("c0").unwrap();
    let api = Api::owner(&mock);
    let indexes = format!(
        "/api/atlas/v2/groups/{}/clusters/c0/fts/indexes",
        mock.project_id()
    );
    let body = json!({"collectionName": "movies", "database": "db", "name": "default",
        "mappings": {"dynamic": true}});
    let r = call(&api, "POST", &indexes, Some(&body));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "IN_PROGRESS");
    assert_eq!(r.json()["name"], "default");
    let index = format!("{indexes}/{}", r.json()["indexID"].as_str().unwrap());
    assert_eq!(
        call(&api, "GET", &index, None).json()["status"],
        "IN_PROGRESS"
    );
    settle(&mock);
    assert_eq!(call(&api, "GET", &index, None).json()["status"], "STEADY");
    let r = call(&api, "PATCH", &index, Some(&body));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["status"], "IN_PROGRESS");
    settle(&mock);
    assert_eq!(call(&api, "GET", &index, None).json()["status"], "STEADY");
    assert_eq!(call(&api, "DELETE", &index, None).status, 204);
    call(&api, "GET", &index, None).api_error(404, "RESOURCE_NOT_FOUND");

    mock.fail_lifecycle("/groups/*/clusters/c0/fts/indexes/*", "FAILED")
        .unwrap();
    let r = call(&api, "POST", &indexes, Some(&body));
    let index = format!("{indexes}/{}", r.json()["indexID"].as_str().unwrap());
    settle(&mock);
    assert_eq!(call(&api, "GET", &index, None).json()["status"], "FAILED");
}
