//! Every feature of `#[atlas_endpoint]` together; `main` checks constructors, setters,
//! validation, metadata and the built request, without any network.

use atlas_runtime::{Endpoint, Method, RequestOptions, atlas_endpoint, implement::{BodyKind, Constraint, Location, RequestContext, build_request}};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Paginated<T> {
    pub results: Vec<T>,
    pub total_count: Option<u64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    pub client_id: String,
    pub name: String,
}

#[derive(Debug, Serialize)]
pub struct SearchFilter {
    pub text: String,
}

/// GET: query parameters (renamed, optional, repeated), header, rules, the full argument list.
#[atlas_endpoint(
    GET,
    "/orgs/{orgId}/serviceAccounts",
    version = "2024-08-05",
    response = Paginated<ServiceAccount>,
    pattern(orgId = "^([a-f0-9]{24})$"),
    operation_id = "listOrgServiceAccounts",
    crate = "::atlas_runtime"
)]
#[derive(Debug, Clone)]
pub struct ListServiceAccounts {
    pub org_id: String,
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    #[atlas(query = "pageNum", range(exclusive_min = 0))]
    pub page: Option<u32>,
    #[atlas(query, default, length(max = 3), pattern = "^ORG_[A-Z_]+$")]
    pub roles: Vec<String>,
    #[atlas(query = "includeCount")]
    pub include_count: Option<bool>,
    #[atlas(header = "X-Request-Id", sensitive, length(min = 1, max = 64))]
    pub request_id: Option<String>,
}

/// POST: placeholders sharing a segment with literal text, the whole body a `Vec`.
#[atlas_endpoint(POST, "/groups/{groupId}/serviceAccounts/{clientId}:invite",
    version = "2024-08-05", response = ServiceAccount,
    pattern(groupId = "^([a-f0-9]{24})$", clientId = r"^mdb_sa_id_[a-fA-F\d]{24}$"))]
pub struct InviteServiceAccount {
    #[atlas(path)]
    pub group_id: String,
    #[atlas(path = "clientId")]
    pub client: String,
    #[atlas(body, length(min = 1, max = 10))]
    pub roles: Vec<String>,
}

/// PUT: an already-encoded path value, body members with serde attributes, float range.
#[atlas_endpoint(PUT, "/groups/{groupId}/accessList/{entryValue}", version = "preview")]
pub struct PutAccessListEntry {
    pub group_id: String,
    #[atlas(path = "entryValue", encoded)]
    pub entry: String,
    #[serde(rename = "comment", skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[atlas(sensitive, length(min = 8, max = 64))]
    pub shared_secret: String,
    #[atlas(range(min = -1.5, exclusive_max = 100.0))]
    pub weight: f64,
    #[atlas(default, range(min = -10, max = 10))]
    pub priority: i64,
    pub r#type: String,
}

/// PATCH: a path pattern from the attribute plus one on the field, `default` body members.
#[atlas_endpoint(PATCH, "/orgs/{orgId}/serviceAccounts/{clientId}",
    pattern(orgId = "^([a-f0-9]{24})$"), response = ServiceAccount)]
pub struct UpdateServiceAccount {
    pub org_id: String,
    #[atlas(pattern = "^mdb_sa_id_")]
    pub client_id: String,
    #[atlas(length(min = 1, max = 64), pattern = r"^[\w -]+$")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[atlas(default)]
    pub roles: Vec<String>,
}

/// DELETE: path and query only, no response body.
#[atlas_endpoint(DELETE, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
    operation_id = "deleteOrgServiceAccountSecret")]
pub struct DeleteSecret {
    pub org_id: String,
    pub client_id: String,
    pub secret_id: String,
    #[atlas(query)]
    pub envelope_hint: Option<bool>,
}

/// GET with a placeholder before literal text in its segment, an integer path value.
#[atlas_endpoint(GET, "/groups/{groupId}/clusters/{hostName}/logs/{logName}.gz",
    response = serde_json::Value)]
pub struct DownloadLog {
    pub group_id: String,
    pub host_name: String,
    pub log_name: String,
    #[atlas(query, range(min = 0))]
    pub start_date: Option<i64>,
}

/// GET with a whole body: allowed for the few operations the spec gives one.
#[atlas_endpoint(GET, "/groups/{groupId}/search/{page}")]
pub struct SearchWithBody {
    pub group_id: String,
    pub page: u32,
    #[atlas(body)]
    pub filter: SearchFilter,
}

/// A parameterless GET on a unit struct.
#[atlas_endpoint(GET, "/orgs", response = Paginated<serde_json::Value>)]
pub struct ListOrganizations;

/// A parameterless GET on a struct with no fields.
#[atlas_endpoint(GET, "/unauthorized/controlPlaneIPAddresses", response = serde_json::Value)]
pub struct ControlPlaneAddresses {}

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT: &str = "mdb_sa_id_1234567890abcdef12345678";

fn url<E: Endpoint>(e: &E) -> String {
    let request = build_request(e, &RequestContext::default(), &RequestOptions::default())
        .expect("valid input");
    request.uri().to_string()
}

fn body<E: Endpoint>(e: &E) -> serde_json::Value {
    let request = build_request(e, &RequestContext::default(), &RequestOptions::default())
        .expect("valid input");
    serde_json::from_slice(request.body()).expect("JSON body")
}

fn main() {
    // GET with query parameters and a header.
    let list = ListServiceAccounts::new(ORG)
        .items_per_page(100)
        .page(2)
        .roles(vec!["ORG_OWNER".into(), "ORG_MEMBER".into()])
        .include_count(true)
        .request_id("req-1");
    assert!(list.validate().is_ok());
    assert_eq!(
        url(&list),
        "https://cloud.mongodb.com/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/serviceAccounts\
         ?itemsPerPage=100&pageNum=2&roles=ORG_OWNER&roles=ORG_MEMBER&includeCount=true"
    );
    let request = build_request(&list, &RequestContext::default(), &RequestOptions::default()).unwrap();
    assert_eq!(request.headers()["x-request-id"], "req-1");
    assert_eq!(request.headers()["accept"], "application/vnd.atlas.2024-08-05+json");
    let bad = ListServiceAccounts::new("nope").items_per_page(501).page(0).request_id("");
    let err = bad.validate().unwrap_err();
    assert_eq!(err.violations.len(), 4, "{err}");
    assert_eq!(err.for_param("X-Request-Id").next().unwrap().value, None, "sensitive");

    let info = ListServiceAccounts::INFO;
    assert_eq!(info.method, Method::Get);
    assert_eq!(info.template, "/orgs/{orgId}/serviceAccounts");
    assert_eq!(info.version, Some("2024-08-05"));
    assert_eq!(info.operation_id, Some("listOrgServiceAccounts"));
    assert_eq!(info.type_name, "ListServiceAccounts");
    assert_eq!(info.body, BodyKind::None);
    let names: Vec<_> = info.params.iter().map(|p| (p.field, p.api_name, p.location)).collect();
    assert_eq!(
        names,
        [
            ("org_id", "orgId", Location::Path),
            ("items_per_page", "itemsPerPage", Location::Query),
            ("page", "pageNum", Location::Query),
            ("roles", "roles", Location::Query),
            ("include_count", "includeCount", Location::Query),
            ("request_id", "X-Request-Id", Location::Header),
        ]
    );
    assert!(info.param("orgId").unwrap().required);
    assert!(!info.param("roles").unwrap().required);
    assert!(info.param("X-Request-Id").unwrap().sensitive);
    assert_eq!(info.param("orgId").unwrap().patterns().next().unwrap().source(), "^([a-f0-9]{24})$");
    assert!(matches!(
        info.param("itemsPerPage").unwrap().constraints,
        [Constraint::Range { min: Some(_), max: Some(_) }]
    ));
    assert_eq!(<ListServiceAccounts as Endpoint>::INFO.template, info.template);

    // POST with `{clientId}:invite` and a whole `Vec` body.
    let invite = InviteServiceAccount::new(ORG, CLIENT, vec!["GROUP_READ_ONLY".to_string()]);
    assert_eq!(
        url(&invite),
        "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8\
         /serviceAccounts/mdb_sa_id_1234567890abcdef12345678:invite"
    );
    assert_eq!(body(&invite), serde_json::json!(["GROUP_READ_ONLY"]));
    assert!(InviteServiceAccount::new(ORG, CLIENT, vec![]).validate().is_err());
    assert_eq!(InviteServiceAccount::INFO.body, BodyKind::Whole);
    assert_eq!(InviteServiceAccount::INFO.param("clientId").unwrap().field, "client");

    // PUT with an encoded path value and serde attributes on body members.
    let put = PutAccessListEntry::new(ORG, "192.0.2.0%2F24", "s3cr3t-value", 1.5, "CIDR")
        .note("office")
        .priority(-3);
    assert_eq!(
        url(&put),
        "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/accessList/192.0.2.0%2F24"
    );
    assert_eq!(
        body(&put),
        serde_json::json!({
            "comment": "office", "sharedSecret": "s3cr3t-value", "weight": 1.5,
            "priority": -3, "type": "CIDR"
        })
    );
    let put = PutAccessListEntry::new(ORG, "192.0.2.0/24", "short", 100.0, "CIDR");
    let err = put.validate().unwrap_err();
    assert_eq!(err.violations.len(), 3, "{err}");
    assert_eq!(err.for_param("sharedSecret").next().unwrap().value, None);
    assert!(!body(&PutAccessListEntry::new(ORG, "x", "longenough", 0.0, "IP"))
        .as_object().unwrap().contains_key("comment"));
    let entry = PutAccessListEntry::INFO.param("entryValue").unwrap();
    assert!(entry.encoded && entry.location == Location::Path);
    assert_eq!(PutAccessListEntry::INFO.version, Some("preview"));
    assert_eq!(PutAccessListEntry::INFO.param("comment").unwrap().field, "note");
    assert_eq!(PutAccessListEntry::INFO.param("type").unwrap().field, "type");

    // PATCH with both kinds of pattern.
    let patch = UpdateServiceAccount::new(ORG, CLIENT).name("ci bot");
    assert!(patch.validate().is_ok());
    assert_eq!(body(&patch), serde_json::json!({ "name": "ci bot" }));
    assert_eq!(UpdateServiceAccount::INFO.method, Method::Patch);
    let err = UpdateServiceAccount::new("x", "y").name("").validate().unwrap_err();
    assert_eq!(err.violations.len(), 4, "{err}");

    // DELETE with a query parameter.
    let delete = DeleteSecret::new(ORG, CLIENT, "5f1e2d3c4b5a69788796a5b4").envelope_hint(false);
    assert_eq!(
        url(&delete),
        "https://cloud.mongodb.com/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/serviceAccounts\
         /mdb_sa_id_1234567890abcdef12345678/secrets/5f1e2d3c4b5a69788796a5b4?envelopeHint=false"
    );
    assert_eq!(DeleteSecret::INFO.method, Method::Delete);
    assert_eq!(DeleteSecret::INFO.operation_id, Some("deleteOrgServiceAccountSecret"));
    let _: fn(&DeleteSecret, &atlas_runtime::Client) -> Result<(), atlas_runtime::Error> =
        DeleteSecret::send;

    // `{logName}.gz`.
    let log = DownloadLog::new(ORG, "host-1", "mongodb").start_date(0);
    assert_eq!(
        url(&log),
        "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8\
         /clusters/host-1/logs/mongodb.gz?startDate=0"
    );

    // GET with a whole body.
    let search = SearchWithBody::new(ORG, 3, SearchFilter { text: "a b".into() });
    assert_eq!(
        url(&search),
        "https://cloud.mongodb.com/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/search/3"
    );
    assert_eq!(body(&search), serde_json::json!({ "text": "a b" }));
    assert_eq!(SearchWithBody::INFO.body, BodyKind::Whole);

    // Parameterless GETs.
    let orgs = ListOrganizations::new();
    assert!(orgs.validate().is_ok());
    assert_eq!(url(&orgs), "https://cloud.mongodb.com/api/atlas/v2/orgs");
    assert!(ListOrganizations::INFO.params.is_empty());
    assert_eq!(ListOrganizations::INFO.version, None);
    let _ = ControlPlaneAddresses::new();
    assert_eq!(ControlPlaneAddresses::INFO.template, "/unauthorized/controlPlaneIPAddresses");
}
