//! Atlas's rate limits as the emulator models them: token buckets per endpoint set and
//! scope id (429 `RATE_LIMITED_TOKEN_BUCKET`), refilled over the emulator's clock or a
//! time scale, the header variants, and `listRateLimits`/`getRateLimit` from the table.

use std::time::Duration;

use crate::common::{Api, agent, send, token_for};
use atlas_mock::{EndpointSet, MockAtlas, Scope};
use serde_json::{Value, json};

/// The version of the rate-limit operations.
const RL: &str = "application/vnd.atlas.2025-03-12+json";

/// A table with a small USER set on `GET /orgs`, a small GROUP set on the clusters list
/// and a generous catch-all.
fn small_table() -> Vec<EndpointSet> {
    vec![
        EndpointSet::new("orgs_user", "Orgs", Scope::User, 2, 1, 60).endpoint("GET", "/orgs"),
        EndpointSet::new("clusters_group", "Clusters", Scope::Group, 3, 1, 60)
            .endpoint("GET", "/api/atlas/v2/groups/{id}/clusters"),
        EndpointSet::new("rest_user", "Rest", Scope::User, 1000, 1000, 60),
    ]
}

fn enforced() -> MockAtlas {
    MockAtlas::builder()
        .rate_limit_sets(small_table())
        .enforce_rate_limits(true)
        .start()
        .unwrap()
}

const ORGS: &str = "/api/atlas/v2/orgs";

fn clusters(group: &str) -> String {
    format!("/api/atlas/v2/groups/{group}/clusters")
}

#[test]
fn an_empty_bucket_answers_atlas_429() {
    let mock = enforced();
    let api = Api::owner(&mock);
    for remaining in ["1", "0"] {
        let r = api.call("GET", ORGS, None);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.header("ratelimit-limit"), Some("2"));
        assert_eq!(r.header("ratelimit-remaining"), Some(remaining));
        assert_eq!(r.header("retry-after"), None);
    }
    let r = api.call("GET", ORGS, None);
    let doc = r.api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    assert_eq!(
        doc["detail"],
        "Rate limit exceeded for api/atlas/v2/orgs. Please retry after 60 seconds. Request capacity: 2. Refill rate: 1 per 60 seconds."
    );
    assert_eq!(
        doc["parameters"],
        json!(["api/atlas/v2/orgs", 60, 2, 1, 60])
    );
    assert_eq!(doc["reason"], "Too Many Requests");
    assert_eq!(r.header("retry-after"), Some("60"));
    assert_eq!(r.header("ratelimit-limit"), Some("2"));
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    assert_eq!(mock.rate_limited_count(), 1);
    // Other sets are other buckets; the token endpoint is not limited by any.
    assert_eq!(api.call("GET", &api.org(), None).status, 200);
    let _ = token_for(&mock, mock.client_id(), mock.client_secret());
    assert_eq!(mock.rate_limited_count(), 1);
    // With envelope=true, the 429 is in the envelope as every error is.
    let r = api.call("GET", &format!("{ORGS}?envelope=true"), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["status"], 429);
    assert_eq!(
        r.json()["content"]["errorCode"],
        "RATE_LIMITED_TOKEN_BUCKET"
    );
    assert_eq!(mock.rate_limited_count(), 2);
}

#[test]
fn headers_can_be_left_out_and_retry_after_can_be_zero() {
    let mock = MockAtlas::builder()
        .rate_limit_sets(small_table())
        .enforce_rate_limits(true)
        .rate_limit_headers(false)
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    for _ in 0..2 {
        let r = api.call("GET", ORGS, None);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("ratelimit-limit"), None);
        assert_eq!(r.header("ratelimit-remaining"), None);
    }
    let r = api.call("GET", ORGS, None);
    r.api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    assert_eq!(r.header("retry-after"), Some("60"));
    assert_eq!(r.header("ratelimit-limit"), None);
    assert_eq!(r.header("ratelimit-remaining"), None);
    // Errors before the bucket (401) carry none either.
    let r = send(
        &agent(),
        "GET",
        &format!("{}{ORGS}", mock.url()),
        &[("Accept", crate::common::V)],
        None,
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.header("ratelimit-limit"), None);
    // Nor do answers when nothing is enforced.
    let plain = MockAtlas::builder()
        .rate_limit_headers(false)
        .start()
        .unwrap();
    let r = Api::owner(&plain).call("GET", ORGS, None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("ratelimit-limit"), None);

    let zero = MockAtlas::builder()
        .rate_limit_sets(small_table())
        .enforce_rate_limits(true)
        .rate_limit_retry_after_zero(true)
        .start()
        .unwrap();
    let api = Api::owner(&zero);
    assert!(zero.drain_bucket("orgs_user", zero.client_id()));
    let r = api.call("GET", ORGS, None);
    let doc = r.api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    assert_eq!(r.header("retry-after"), Some("0"));
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    assert_eq!(doc["parameters"], json!(["api/atlas/v2/orgs", 0, 2, 1, 60]));
    assert!(
        doc["detail"]
            .as_str()
            .unwrap()
            .contains("Please retry after 0 seconds."),
        "{doc}"
    );
}

#[test]
fn buckets_refill_over_the_clock() {
    let mock = enforced();
    let api = Api::owner(&mock);
    let me = mock.client_id();
    assert_eq!(mock.bucket_tokens("orgs_user", me), Some(2.0));
    assert_eq!(mock.bucket_tokens("nope", me), None);
    assert!(!mock.drain_bucket("nope", me));
    assert!(mock.drain_bucket("orgs_user", me));
    assert!(mock.bucket_tokens("orgs_user", me).unwrap() < 0.5);
    api.call("GET", ORGS, None)
        .api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    // One token per 60 s.
    mock.advance_clock(Duration::from_secs(30));
    let half = mock.bucket_tokens("orgs_user", me).unwrap();
    assert!((0.45..0.6).contains(&half), "{half}");
    let r = api.call("GET", ORGS, None);
    r.api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((29..=31).contains(&wait), "{wait}");
    mock.advance_clock(Duration::from_secs(31));
    assert_eq!(api.call("GET", ORGS, None).status, 200);
    // Never beyond the capacity.
    mock.advance_clock(Duration::from_secs(3600));
    assert_eq!(mock.bucket_tokens("orgs_user", me), Some(2.0));
}

#[test]
fn a_time_scale_makes_a_minute_pass_in_a_fraction_of_a_second() {
    let mock = MockAtlas::builder()
        .rate_limit_sets(small_table())
        .enforce_rate_limits(true)
        .rate_limit_time_scale(100.0)
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    mock.drain_bucket("orgs_user", mock.client_id());
    let r = api.call("GET", ORGS, None);
    let doc = r.api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    // The wait is real seconds under the scale (0.6 s, rounded up); the bucket's
    // parameters are the table's.
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(doc["parameters"], json!(["api/atlas/v2/orgs", 1, 2, 1, 60]));
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(api.call("GET", ORGS, None).status, 200);
}

#[test]
fn group_buckets_are_shared_and_user_buckets_are_not() {
    let mock = enforced();
    let owner = Api::owner(&mock);
    let second = mock.add_service_account("second", &["ORG_OWNER"]);
    let other = Api::with_token(
        &mock,
        token_for(&mock, &second.client_id, &second.client_secret),
    );
    let project = mock.project_id().to_owned();
    let path = clusters(&project);
    // GROUP: three tokens for the project, whoever spends them.
    assert_eq!(owner.call("GET", &path, None).status, 200);
    assert_eq!(other.call("GET", &path, None).status, 200);
    let r = owner.call("GET", &path, None);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    other
        .call("GET", &path, None)
        .api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    owner
        .call("GET", &path, None)
        .api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    assert!(mock.bucket_tokens("clusters_group", &project).unwrap() < 0.5);
    // Another project has its own.
    let project2 = mock.add_project();
    assert_eq!(other.call("GET", &clusters(&project2), None).status, 200);
    assert!(mock.bucket_tokens("clusters_group", &project2).unwrap() > 1.5);

    // USER: each credential has its own two.
    for _ in 0..2 {
        assert_eq!(owner.call("GET", ORGS, None).status, 200);
    }
    owner
        .call("GET", ORGS, None)
        .api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    for _ in 0..2 {
        assert_eq!(other.call("GET", ORGS, None).status, 200);
    }
    other
        .call("GET", ORGS, None)
        .api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    assert_eq!(mock.rate_limited_count(), 4);
}

#[test]
fn ip_and_org_scopes() {
    let sets = vec![
        EndpointSet::new("ip", "Addresses", Scope::Ip, 1, 1, 60)
            .endpoint("GET", "/unauth/controlPlaneIPAddresses"),
        EndpointSet::new("invoices_org", "Invoices", Scope::Org, 5, 1, 60)
            .endpoint("GET", "/orgs/{orgId}/invoices"),
    ];
    let mock = MockAtlas::builder()
        .rate_limit_sets(sets)
        .enforce_rate_limits(true)
        .start()
        .unwrap();
    // The one operation without credentials is limited per address.
    let url = format!("{}/api/atlas/v2/unauth/controlPlaneIPAddresses", mock.url());
    let accept = [("Accept", "application/vnd.atlas.2023-11-15+json")];
    let r = send(&agent(), "GET", &url, &accept, None);
    assert_eq!(r.status, 200, "{}", r.body);
    send(&agent(), "GET", &url, &accept, None).api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    assert!(mock.bucket_tokens("ip", "127.0.0.1").unwrap() < 0.5);
    // ORGANIZATION: keyed by the path's organization.
    let api = Api::owner(&mock);
    let invoices = format!("/api/atlas/v2/orgs/{}/invoices", mock.org_id());
    assert_eq!(api.call("GET", &invoices, None).status, 200);
    let left = mock.bucket_tokens("invoices_org", mock.org_id()).unwrap();
    assert!((3.9..4.1).contains(&left), "{left}");
    // Operations no set lists (there is no catch-all here) are not limited.
    for _ in 0..5 {
        assert_eq!(api.call("GET", ORGS, None).status, 200);
    }
}

#[test]
fn enforcement_is_off_by_default() {
    let mock = MockAtlas::builder()
        .rate_limit_sets(small_table())
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    for _ in 0..30 {
        let r = api.call("GET", ORGS, None);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("ratelimit-limit"), Some("100"));
        assert_eq!(r.header("ratelimit-remaining"), Some("100"));
    }
    assert_eq!(mock.rate_limited_count(), 0);
    assert_eq!(mock.bucket_tokens("orgs_user", mock.client_id()), Some(2.0));
    // The default table, unenforced, with the measured values.
    let defaults = MockAtlas::start();
    let api = Api::owner(&defaults);
    for _ in 0..400 {
        assert_eq!(api.call("GET", ORGS, None).status, 200);
    }
    assert_eq!(defaults.rate_limited_count(), 0);
    let sets = defaults.rate_limit_sets();
    assert_eq!(sets, EndpointSet::defaults());
    let orgs = sets
        .iter()
        .find(|s| s.id == "organizationsRead_user")
        .unwrap();
    assert_eq!(
        (
            orgs.scope,
            orgs.capacity,
            orgs.refill_rate,
            orgs.refill_seconds
        ),
        (Scope::User, 300, 100, 60)
    );
}

#[test]
fn the_default_table_limits_when_enforced() {
    let mock = MockAtlas::builder()
        .enforce_rate_limits(true)
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    let r = api.call("GET", ORGS, None);
    assert_eq!(r.header("ratelimit-limit"), Some("300"));
    assert_eq!(r.header("ratelimit-remaining"), Some("299"));
    let r = api.call("GET", &clusters(mock.project_id()), None);
    assert_eq!(r.header("ratelimit-limit"), Some("10000"));
    // Everything else falls in the catch-all.
    let r = api.call("GET", &api.org(), None);
    assert_eq!(r.header("ratelimit-limit"), Some("10000"));
    assert!(mock.drain_bucket("default_user", mock.client_id()));
    let doc = api
        .call("GET", &api.org(), None)
        .api_error(429, "RATE_LIMITED_TOKEN_BUCKET");
    assert_eq!(doc["parameters"][2], 10000);
    // A 401 spends nothing.
    let r = send(
        &agent(),
        "GET",
        &format!("{}{ORGS}", mock.url()),
        &[("Accept", crate::common::V)],
        None,
    );
    assert_eq!(r.status, 401);
    let left = mock
        .bucket_tokens("organizationsRead_user", mock.client_id())
        .unwrap();
    assert!((299.0..299.5).contains(&left), "{left}");
}

#[test]
fn a_table_that_names_no_operation_is_refused() {
    let unknown = MockAtlas::builder()
        .rate_limit_sets(vec![
            EndpointSet::new("a", "A", Scope::User, 1, 1, 1).endpoint("GET", "/nowhere"),
        ])
        .start();
    assert_eq!(
        unknown.unwrap_err().kind(),
        std::io::ErrorKind::InvalidInput
    );
    let twice = MockAtlas::builder()
        .rate_limit_sets(vec![
            EndpointSet::new("a", "A", Scope::User, 1, 1, 1),
            EndpointSet::new("a", "B", Scope::User, 1, 1, 1),
        ])
        .start();
    assert!(twice.is_err());
    let listed_twice = MockAtlas::builder()
        .rate_limit_sets(vec![
            EndpointSet::new("a", "A", Scope::User, 1, 1, 1).endpoint("GET", "/orgs"),
            EndpointSet::new("b", "B", Scope::User, 1, 1, 1).endpoint("get", "/orgs/"),
        ])
        .start();
    assert!(listed_twice.is_err());
}

fn list(api: &Api<'_>, query: &str) -> Value {
    let r = api.call_with(
        "GET",
        &format!("/api/atlas/v2/rateLimits{query}"),
        &[("Accept", RL)],
        None,
    );
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    assert_eq!(r.header("content-type"), Some(RL));
    r.json()
}

fn ids(doc: &Value) -> Vec<&str> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["endpointSetId"].as_str().unwrap())
        .collect()
}

#[test]
fn list_rate_limits_answers_from_the_table() {
    let mock = MockAtlas::start();
    let api = Api::owner(&mock);
    let all = list(&api, "");
    assert_eq!(all["totalCount"], 7);
    assert_eq!(
        ids(&all),
        [
            "organizationsRead_user",
            "projectsRead_user",
            "clustersRead_group",
            "invoicesRead_organization",
            "controlPlaneAddresses_ip",
            "rateLimitsInspection_group",
            "default_user"
        ]
    );
    let clusters = &all["results"][2];
    assert_eq!(
        clusters,
        &json!({
            "capacity": {"value": 10000},
            "endpointSetId": "clustersRead_group",
            "endpointSetName": "Clusters Read",
            "endpoints": [
                {"method": "GET", "path": "/api/atlas/v2/groups/{groupId}/clusters"},
                {"method": "GET", "path": "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}"},
            ],
            "refillDurationSeconds": {"value": 60},
            "refillRate": {"value": 5000},
            "scope": "GROUP",
        })
    );
    // The catch-all lists what it governs, at most the schema's 100.
    let rest = all["results"][6]["endpoints"].as_array().unwrap();
    assert_eq!(rest.len(), 100);
    assert!(!rest.iter().any(|e| e["path"] == "/api/atlas/v2/orgs"));

    // Scope filters, each checked against the caller.
    let project = mock.project_id();
    assert_eq!(
        ids(&list(&api, &format!("?groupId={project}"))),
        ["clustersRead_group", "rateLimitsInspection_group"]
    );
    assert_eq!(
        ids(&list(&api, &format!("?orgId={}", mock.org_id()))),
        ["invoicesRead_organization"]
    );
    assert_eq!(
        ids(&list(&api, &format!("?userId={}", mock.client_id()))),
        [
            "organizationsRead_user",
            "projectsRead_user",
            "default_user"
        ]
    );
    assert_eq!(
        ids(&list(&api, "?ipAddress=127.0.0.1")),
        ["controlPlaneAddresses_ip"]
    );
    let call = |q: &str| {
        api.call_with(
            "GET",
            &format!("/api/atlas/v2/rateLimits{q}"),
            &[("Accept", RL)],
            None,
        )
    };
    call("?userId=mdb_sa_id_someone_else").api_error(403, "USER_UNAUTHORIZED");
    call("?ipAddress=10.1.2.3").api_error(403, "USER_UNAUTHORIZED");
    call("?groupId=bbbbbbbbbbbbbbbbbbbbbbbb").api_error(404, "GROUP_NOT_FOUND");
    call("?orgId=bbbbbbbbbbbbbbbbbbbbbbbb").api_error(404, "ORG_NOT_FOUND");
    call("?groupId=nothex").api_error(400, "VALIDATION_ERROR");
    // A caller without a role in another organization's project is refused.
    let reader = mock.add_service_account("member", &["ORG_MEMBER"]);
    let member = Api::with_token(
        &mock,
        token_for(&mock, &reader.client_id, &reader.client_secret),
    );
    member
        .call_with(
            "GET",
            &format!("/api/atlas/v2/rateLimits?groupId={project}"),
            &[("Accept", RL)],
            None,
        )
        .api_error(403, "USER_UNAUTHORIZED");

    // Names and paths.
    assert_eq!(
        ids(&list(&api, "?name=Clusters%20Read&name=Projects+Read")),
        ["projectsRead_user", "clustersRead_group"]
    );
    // The path's GET is in its set, its POST (a create) in the catch-all.
    let by_path = list(
        &api,
        "?endpointPath=%2Fapi%2Fatlas%2Fv2%2Fgroups%2F%7BgroupId%7D%2Fclusters",
    );
    assert_eq!(ids(&by_path), ["clustersRead_group", "default_user"]);
    assert_eq!(
        by_path["results"][1]["endpoints"],
        json!([{"method": "POST", "path": "/api/atlas/v2/groups/{groupId}/clusters"}])
    );
    let alerts = list(
        &api,
        "?endpointPath=%2Fapi%2Fatlas%2Fv2%2Fgroups%2F%7BgroupId%7D%2FalertConfigs%2F",
    );
    assert_eq!(ids(&alerts), ["default_user"]);
    assert_eq!(
        alerts["results"][0]["endpoints"],
        json!([
            {"method": "GET", "path": "/api/atlas/v2/groups/{groupId}/alertConfigs"},
            {"method": "POST", "path": "/api/atlas/v2/groups/{groupId}/alertConfigs"},
        ])
    );
    assert_eq!(list(&api, "?name=Nothing")["totalCount"], 0);

    // Paginated as every list.
    let page = list(&api, "?itemsPerPage=2&pageNum=2");
    assert_eq!(
        ids(&page),
        ["clustersRead_group", "invoicesRead_organization"]
    );
    assert_eq!(page["totalCount"], 7);
    let rels: Vec<&str> = page["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    assert!(
        rels.contains(&"next") && rels.contains(&"previous"),
        "{rels:?}"
    );

    // Admitted as every operation: its version is 2025-03-12.
    api.call("GET", "/api/atlas/v2/rateLimits", None)
        .api_error(406, "INVALID_VERSION_DATE");
}

#[test]
fn get_rate_limit_answers_one_set_or_404() {
    let mock = MockAtlas::builder()
        .rate_limit_sets(small_table())
        .start()
        .unwrap();
    let api = Api::owner(&mock);
    let get = |id: &str, query: &str| {
        api.call_with(
            "GET",
            &format!("/api/atlas/v2/rateLimits/{id}{query}"),
            &[("Accept", RL)],
            None,
        )
    };
    let r = get("orgs_user", "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({
            "capacity": {"value": 2},
            "endpointSetId": "orgs_user",
            "endpointSetName": "Orgs",
            "endpoints": [{"method": "GET", "path": "/api/atlas/v2/orgs"}],
            "refillDurationSeconds": {"value": 60},
            "refillRate": {"value": 1},
            "scope": "USER",
        })
    );
    let doc = get("nope", "").api_error(404, "RESOURCE_NOT_FOUND");
    assert_eq!(doc["parameters"], json!(["nope"]));
    get("orgs_user", "?userId=mdb_sa_id_other").api_error(403, "USER_UNAUTHORIZED");
    assert_eq!(
        get("orgs_user", &format!("?userId={}", mock.client_id())).status,
        200
    );
    // A preview request is served too.
    let r = api.call_with(
        "GET",
        "/api/atlas/v2/rateLimits/orgs_user",
        &[("Accept", "application/vnd.atlas.preview+json")],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("sunset").is_some());
}
