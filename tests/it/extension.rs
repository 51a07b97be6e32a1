//! A crate other than `atlas-endpoints` declares its own endpoints with the macro and
//! sends them: the third way our users work.

use atlas_runtime::{Client, Endpoint, Method, atlas_endpoint, implement::Location};
use atlas_test_support::{Canned, TestServer};
use serde::{Deserialize, Serialize};

/// A page of results, as Atlas returns lists.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub results: Vec<T>,
    pub total_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    pub client_id: String,
    pub name: String,
}

/// Return All Organization Service Accounts, declared here rather than in atlas-endpoints.
#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts", version = "2024-08-05",
    response = Page<ServiceAccount>, operation_id = "listOrgServiceAccounts",
    pattern(orgId = "^([a-f0-9]{24})$"))]
pub struct ListOrgServiceAccounts {
    pub org_id: String,
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
    #[atlas(query)]
    pub include_count: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessListEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

/// A whole-body array, as the access-list POST takes.
#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
    version = "2024-08-05", response = Page<serde_json::Value>,
    pattern(orgId = "^([a-f0-9]{24})$"))]
pub struct CreateAccessList {
    pub org_id: String,
    pub client_id: String,
    #[atlas(body, length(max = 200))]
    pub entries: Vec<AccessListEntry>,
}

/// Body members with serde attributes honoured, and a header.
#[atlas_endpoint(PATCH, "/orgs/{orgId}/serviceAccounts/{clientId}", version = "2024-08-05",
    response = serde_json::Value)]
pub struct UpdateServiceAccount {
    pub org_id: String,
    pub client_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "displayName", skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[atlas(header = "X-Request-Id")]
    pub request_id: Option<String>,
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";

#[test]
fn list_with_optional_query_parameters() {
    let server = TestServer::start();
    server.respond(Canned::json(
        200,
        r#"{"results":[{"clientId":"mdb_sa_id_1234567890abcdef12345678","name":"ci"}],"totalCount":1,"links":[]}"#,
    ));
    let page = ListOrgServiceAccounts::new(ORG)
        .items_per_page(500)
        .include_count(false)
        .send(&server.client())
        .unwrap();
    assert_eq!(
        page.results[0].client_id,
        "mdb_sa_id_1234567890abcdef12345678"
    );
    assert_eq!(page.results[0].name, "ci");
    assert_eq!(page.total_count, Some(1));
    let r = &server.requests()[0];
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.url,
        format!("/api/atlas/v2/orgs/{ORG}/serviceAccounts?itemsPerPage=500&includeCount=false")
    );
    assert_eq!(r.header("content-type"), None);
}

#[test]
fn metadata_is_readable_at_run_time() {
    let info = ListOrgServiceAccounts::INFO;
    assert_eq!(info.method, Method::Get);
    assert_eq!(info.template, "/orgs/{orgId}/serviceAccounts");
    assert_eq!(info.version, Some("2024-08-05"));
    assert_eq!(info.operation_id, Some("listOrgServiceAccounts"));
    let names: Vec<_> = info
        .params
        .iter()
        .map(|p| (p.api_name, p.location, p.required))
        .collect();
    assert_eq!(
        names,
        [
            ("orgId", Location::Path, true),
            ("itemsPerPage", Location::Query, false),
            ("pageNum", Location::Query, false),
            ("includeCount", Location::Query, false),
        ]
    );
    let org = info.param("orgId").unwrap();
    assert_eq!(org.patterns().next().unwrap().source(), "^([a-f0-9]{24})$");
    assert_eq!(
        <ListOrgServiceAccounts as Endpoint>::INFO.type_name,
        "ListOrgServiceAccounts"
    );
}

#[test]
fn whole_body_arrays() {
    let server = TestServer::start();
    server.respond(Canned::json(201, r#"{"results":[],"totalCount":0}"#));
    let entries = vec![
        AccessListEntry {
            cidr_block: Some("192.0.2.0/24".into()),
            ip_address: None,
        },
        AccessListEntry {
            cidr_block: None,
            ip_address: Some("198.51.100.7".into()),
        },
    ];
    CreateAccessList::new(ORG, "mdb_sa_id_1234567890abcdef12345678", entries)
        .send(&server.client())
        .unwrap();
    assert_eq!(
        server.requests()[0].json(),
        serde_json::json!([{"cidrBlock": "192.0.2.0/24"}, {"ipAddress": "198.51.100.7"}])
    );
    let too_many = vec![
        AccessListEntry {
            cidr_block: None,
            ip_address: Some("198.51.100.7".into())
        };
        201
    ];
    let err = CreateAccessList::new(ORG, "x", too_many)
        .validate()
        .unwrap_err();
    assert_eq!(err.violations[0].param, "entries");
}

#[test]
fn serde_attributes_shape_the_body_and_headers_are_sent() {
    let server = TestServer::start();
    server.respond(Canned::json(200, "{}"));
    server.respond(Canned::json(200, "{}"));
    let client: Client = server.client();
    UpdateServiceAccount::new(ORG, "mdb_sa_id_1234567890abcdef12345678")
        .name("renamed")
        .request_id("req-1")
        .send(&client)
        .unwrap();
    UpdateServiceAccount::new(ORG, "mdb_sa_id_1234567890abcdef12345678")
        .send(&client)
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests[0].method, "PATCH");
    assert_eq!(
        requests[0].json(),
        serde_json::json!({"displayName": "renamed"})
    );
    assert_eq!(requests[0].header("x-request-id"), Some("req-1"));
    assert_eq!(requests[1].json(), serde_json::json!({}));
    assert_eq!(requests[1].header("x-request-id"), None);
    assert_eq!(
        UpdateServiceAccount::INFO
            .param("displayName")
            .unwrap()
            .location,
        Location::Body
    );
}
