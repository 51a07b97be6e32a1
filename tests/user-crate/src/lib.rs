//! A user's crate, as issue 11 tried it: operations of tags the SDK does not declare by
//! hand, written with `#[atlas_endpoint]` through `atlas_runtime`'s public API only. The
//! tests crate sends each to Prism serving the official spec (`tests/it/user_crate.rs`).
//!
//! The shapes covered: a JSON read, a paginated list, a top-level array body, a PATCH whose
//! members are left, set and cleared, a DELETE whose path value is sent already
//! percent-encoded, a gzip download and a CSV answer.

use atlas_runtime::{GroupId, OrgId, Paginated, Patch, atlas_endpoint};
use serde::{Deserialize, Serialize};

/// A project, as `getGroup` answers it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// The project's id.
    pub id: Option<String>,
    /// Its name.
    pub name: String,
    /// Its organization.
    pub org_id: String,
    /// Clusters in it.
    pub cluster_count: i64,
    /// When it was created.
    pub created: jiff::Timestamp,
}

/// Projects: one project (`getGroup`).
#[atlas_endpoint(GET, "/groups/{groupId}", version = "2023-01-01", response = Project,
    operation_id = "getGroup")]
#[derive(Debug, Clone)]
pub struct GetProject {
    /// The project.
    pub group_id: GroupId,
}

/// A cluster, as far as this crate cares.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterSummary {
    /// Its name.
    pub name: Option<String>,
    /// `IDLE`, `CREATING`, …
    pub state_name: Option<String>,
}

/// Clusters: every cluster of a project, page by page (`listGroupClusters`).
#[atlas_endpoint(GET, "/groups/{groupId}/clusters", version = "2024-08-05",
    response = Paginated<ClusterSummary>, paginated, operation_id = "listGroupClusters")]
#[derive(Debug, Clone)]
pub struct ListClusters {
    /// The project.
    pub group_id: GroupId,
    /// 1 to 500.
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// From 1.
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
}

/// Clusters: change a cluster's process arguments (`updateGroupClusterProcessArgs`). The
/// two oplog members are nullable in the spec: `Patch` leaves, sets or clears them; the
/// others are left out while `None`.
#[atlas_endpoint(PATCH, "/groups/{groupId}/clusters/{clusterName}/processArgs",
    version = "2024-08-05", response = serde_json::Value,
    operation_id = "updateGroupClusterProcessArgs")]
#[derive(Debug, Clone)]
pub struct UpdateProcessArgs {
    /// The project.
    pub group_id: GroupId,
    /// The cluster.
    #[atlas(pattern = "^[a-zA-Z0-9][a-zA-Z0-9-]*$")]
    pub cluster_name: String,
    /// Oplog size in MB: leave, set or clear.
    #[serde(rename = "oplogSizeMB")]
    pub oplog_size_mb: Patch<i32>,
    /// Hours of oplog kept: leave, set or clear.
    pub oplog_min_retention_hours: Patch<f64>,
    /// Refuse queries that scan a whole collection.
    pub no_table_scan: Option<bool>,
    /// The default time limit of operations.
    #[serde(rename = "defaultMaxTimeMS")]
    pub default_max_time_ms: Option<i32>,
}

/// One entry of a project's IP access list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessListEntry {
    /// A CIDR block (`192.0.2.0/24`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    /// One address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Why it is there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// Project IP Access List: add entries; the body is a JSON array
/// (`createGroupAccessListEntry`).
#[atlas_endpoint(POST, "/groups/{groupId}/accessList", version = "2023-01-01",
    response = Paginated<AccessListEntry>, operation_id = "createGroupAccessListEntry")]
#[derive(Debug, Clone)]
pub struct AddAccessListEntries {
    /// The project.
    pub group_id: GroupId,
    /// The entries, the whole body.
    #[atlas(body, length(min = 1))]
    pub entries: Vec<AccessListEntry>,
}

/// Project IP Access List: remove one entry (`deleteGroupAccessListEntry`). The value is
/// sent as Atlas expects it, already percent-encoded: `192.0.2.0%2F24`.
#[atlas_endpoint(
    DELETE,
    "/groups/{groupId}/accessList/{entryValue}",
    version = "2023-01-01",
    operation_id = "deleteGroupAccessListEntry"
)]
#[derive(Debug, Clone)]
pub struct RemoveAccessListEntry {
    /// The project.
    pub group_id: GroupId,
    /// The address, CIDR block or security group, percent-encoded.
    #[atlas(path, encoded)]
    pub entry_value: String,
}

/// A database user, as far as this crate cares.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseUser {
    /// The user name.
    pub username: String,
    /// `admin` or `$external`.
    pub database_name: String,
}

/// Database Users: every database user of a project (`listGroupDatabaseUsers`).
#[atlas_endpoint(GET, "/groups/{groupId}/databaseUsers", version = "2023-01-01",
    response = Paginated<DatabaseUser>, paginated, operation_id = "listGroupDatabaseUsers")]
#[derive(Debug, Clone)]
pub struct ListDatabaseUsers {
    /// The project.
    pub group_id: GroupId,
    /// 1 to 500.
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// From 1.
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
}

/// Monitoring and Logs: a host's log, gzip-compressed (`downloadGroupClusterLog`).
#[atlas_endpoint(
    GET,
    "/groups/{groupId}/clusters/{hostName}/logs/{logName}.gz",
    version = "2023-02-01",
    format = "gzip",
    operation_id = "downloadGroupClusterLog"
)]
#[derive(Debug, Clone)]
pub struct DownloadClusterLog {
    /// The project.
    pub group_id: GroupId,
    /// The host.
    pub host_name: String,
    /// `mongodb`, `mongos`, `mongodb-audit-log` or `mongos-audit-log`.
    pub log_name: String,
    /// Seconds since the epoch.
    #[atlas(query)]
    pub start_date: Option<i64>,
}

/// Invoices: one invoice as CSV (`getOrgInvoiceCsv`).
#[atlas_endpoint(
    GET,
    "/orgs/{orgId}/invoices/{invoiceId}/csv",
    version = "2023-01-01",
    format = "csv",
    operation_id = "getOrgInvoiceCsv"
)]
#[derive(Debug, Clone)]
pub struct InvoiceCsv {
    /// The organization.
    pub org_id: OrgId,
    /// The invoice.
    #[atlas(pattern = "[0-9a-f]+")]
    pub invoice_id: String,
}
