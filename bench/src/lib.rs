//! Benchmarks of the Atlas framework, each against a hand-written baseline measured in
//! the same run, and everything they run against: a minimal keep-alive HTTP server
//! ([`server`]), servers that check HTTP Digest ([`digest`]), issue short-lived OAuth
//! tokens ([`tokens`]) and serve pages ([`pages`]), the baselines themselves
//! ([`baseline`]) and the reports ([`report`]).
//!
//! `cargo bench -p atlas-bench` runs `benches/timings.rs` (criterion: times) and
//! `benches/counts.rs` (round trips, token requests, pages, first-call latency);
//! `BENCHMARKS.md` at the workspace root has the method and the figures.

pub mod baseline;
pub mod digest;
pub mod pages;
pub mod report;
pub mod server;
pub mod tokens;

pub use atlas_endpoints::service_accounts::{CreateOrgServiceAccountSecret, ServiceAccountSecret};
use atlas_runtime::{Client, Credentials, Paginated, RetryPolicy, atlas_endpoint};
use serde::{Deserialize, Serialize};

/// An organization id (24 hex digits).
pub const ORG_ID: &str = "32b6e34b3d91647abb20e7b8";
/// A service account's client id.
pub const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";
/// Hours until a new secret expires.
pub const HOURS: i32 = 8;
/// The version of the Service Accounts operations.
pub const MEDIA_TYPE: &str = "application/vnd.atlas.2024-08-05+json";
/// The bearer token both clients send in the send-overhead benchmark.
pub const BEARER: &str = "eyJhbGciOiJSUzI1NiJ9.bench.token";

/// The official example answer to `createOrgServiceAccountSecret`.
pub const SECRET_JSON: &str = r#"{"id":"32b6e34b3d91647abb20e7b8","createdAt":"2024-08-05T10:00:00Z","expiresAt":"2024-08-05T18:00:00Z","maskedSecretValue":"mdb_sa_sk_...","secret":"mdb_sa_sk_..."}"#;

/// A complete `201 Created` answer carrying [`SECRET_JSON`], as Atlas sends it.
pub fn created_answer() -> Vec<u8> {
    let mut out = Vec::new();
    server::respond(
        &mut out,
        201,
        &[("Content-Type", MEDIA_TYPE)],
        SECRET_JSON.as_bytes(),
    );
    out
}

/// The reference call: give service account [`CLIENT_ID`] of [`ORG_ID`] a secret.
pub fn secret_call() -> CreateOrgServiceAccountSecret {
    CreateOrgServiceAccountSecret::new(ORG_ID, CLIENT_ID, HOURS)
}

/// Our client as users build it, pointed at a loopback server.
pub fn client(base_url: &str, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(credentials)
        .build()
        .expect("client for a loopback server")
}

/// Our client without retries (for counts: one answer, one request).
pub fn client_without_retries(base_url: &str, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(credentials)
        .retry(RetryPolicy::none())
        .build()
        .expect("client for a loopback server")
}

/// One entry of an IP access list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessListEntry {
    /// A CIDR block (`192.0.2.0/24`), or absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    /// One address, or absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
}

/// `createOrgAccessList`: path, query and an array body, for the request-building bench.
#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
    version = "2024-08-05", response = serde_json::Value,
    operation_id = "createServiceAccountAccessList",
    pattern(orgId = "^([a-f0-9]{24})$", clientId = r"^mdb_sa_id_[a-fA-F\d]{24}$"))]
#[derive(Debug, Clone)]
pub struct CreateAccessList {
    /// The organization.
    pub org_id: String,
    /// The service account.
    pub client_id: String,
    /// Whether the answer counts the entries.
    #[atlas(query)]
    pub include_count: Option<bool>,
    /// Page size of the answer.
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Page of the answer.
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
    /// The entries to add.
    #[atlas(body, length(min = 1))]
    pub entries: Vec<AccessListEntry>,
}

/// The access-list call of the request-building bench.
pub fn access_list_call() -> CreateAccessList {
    CreateAccessList::new(
        ORG_ID,
        CLIENT_ID,
        vec![
            AccessListEntry {
                cidr_block: Some("192.0.2.0/24".into()),
                ip_address: None,
            },
            AccessListEntry {
                cidr_block: None,
                ip_address: Some("198.51.100.7".into()),
            },
        ],
    )
    .include_count(true)
    .items_per_page(100)
    .page_num(1)
}

/// A service account as listed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceAccount {
    /// `mdb_sa_id_…`
    pub client_id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    #[serde(default)]
    pub description: Option<String>,
    /// When it was created.
    pub created_at: String,
    /// Its organization roles.
    #[serde(default)]
    pub roles: Vec<String>,
}

/// `listOrgServiceAccounts`, declared `paginated`: `.items()` walks every page.
#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts", version = "2024-08-05",
    response = Paginated<ServiceAccount>, paginated, operation_id = "listOrgServiceAccounts",
    pattern(orgId = "^([a-f0-9]{24})$"))]
#[derive(Debug, Clone)]
pub struct ListOrgServiceAccounts {
    /// The organization.
    pub org_id: String,
    /// Page size (1–500).
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Page number (from 1).
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
    /// Whether to count all items.
    #[atlas(query)]
    pub include_count: Option<bool>,
}
