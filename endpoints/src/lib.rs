//! The MongoDB Atlas Administration API v2, declared with
//! [`#[atlas_endpoint]`](atlas_runtime::atlas_endpoint).
//!
//! Each operation is a struct named after its `operationId`; build it with `new(…)` and
//! the chainable setters, then call `send(&client)`. Lists also have `pages(&client)` and
//! `items(&client)`, which walk every page lazily.
//!
//! ```no_run
//! use atlas_endpoints::service_accounts::ListOrgServiceAccounts;
//! use atlas_runtime::{Client, Credentials};
//!
//! let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
//! for account in ListOrgServiceAccounts::new("32b6e34b3d91647abb20e7b8").items(&client) {
//!     println!("{:?}", account?.client_id);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every declared operation (all in [`ENDPOINTS`]), by its `atlas api` CLI name:
//!
//! | CLI name | method | path | type |
//! |---|---|---|---|
//! | `serviceAccounts listOrgServiceAccounts` | GET | `/api/atlas/v2/orgs/{orgId}/serviceAccounts` | [`service_accounts::ListOrgServiceAccounts`] |
//! | `serviceAccounts createOrgServiceAccount` | POST | `/api/atlas/v2/orgs/{orgId}/serviceAccounts` | [`service_accounts::CreateOrgServiceAccount`] |
//! | `serviceAccounts getOrgServiceAccount` | GET | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}` | [`service_accounts::GetOrgServiceAccount`] |
//! | `serviceAccounts updateOrgServiceAccount` | PATCH | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}` | [`service_accounts::UpdateOrgServiceAccount`] |
//! | `serviceAccounts deleteOrgServiceAccount` | DELETE | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}` | [`service_accounts::DeleteOrgServiceAccount`] |
//! | `serviceAccounts getServiceAccountGroups` | GET | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/groups` | [`service_accounts::GetOrgServiceAccountGroups`] |
//! | `serviceAccounts createOrgSecret` | POST | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets` | [`service_accounts::CreateOrgServiceAccountSecret`] |
//! | `serviceAccounts deleteOrgSecret` | DELETE | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}` | [`service_accounts::DeleteOrgServiceAccountSecret`] |
//! | `serviceAccounts listOrgAccessList` | GET | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList` | [`service_accounts::ListOrgServiceAccountAccessList`] |
//! | `serviceAccounts createOrgAccessList` | POST | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList` | [`service_accounts::CreateOrgServiceAccountAccessList`] |
//! | `serviceAccounts deleteOrgAccessEntry` | DELETE | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}` | [`service_accounts::DeleteOrgServiceAccountAccessListEntry`] |
//! | `serviceAccounts listGroupServiceAccounts` | GET | `/api/atlas/v2/groups/{groupId}/serviceAccounts` | [`service_accounts::ListGroupServiceAccounts`] |
//! | `serviceAccounts createGroupServiceAccount` | POST | `/api/atlas/v2/groups/{groupId}/serviceAccounts` | [`service_accounts::CreateGroupServiceAccount`] |
//! | `serviceAccounts getGroupServiceAccount` | GET | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}` | [`service_accounts::GetGroupServiceAccount`] |
//! | `serviceAccounts updateGroupServiceAccount` | PATCH | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}` | [`service_accounts::UpdateGroupServiceAccount`] |
//! | `serviceAccounts deleteGroupServiceAccount` | DELETE | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}` | [`service_accounts::DeleteGroupServiceAccount`] |
//! | `serviceAccounts inviteGroupServiceAccount` | POST | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite` | [`service_accounts::InviteGroupServiceAccount`] |
//! | `serviceAccounts createGroupSecret` | POST | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets` | [`service_accounts::CreateGroupServiceAccountSecret`] |
//! | `serviceAccounts deleteGroupSecret` | DELETE | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets/{secretId}` | [`service_accounts::DeleteGroupServiceAccountSecret`] |
//! | `serviceAccounts listAccessList` | GET | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList` | [`service_accounts::ListGroupServiceAccountAccessList`] |
//! | `serviceAccounts createAccessList` | POST | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList` | [`service_accounts::CreateGroupServiceAccountAccessList`] |
//! | `serviceAccounts deleteGroupAccessEntry` | DELETE | `/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList/{ipAddress}` | [`service_accounts::DeleteGroupServiceAccountAccessListEntry`] |

#![warn(missing_docs)]

pub mod service_accounts;

use service_accounts as sa;

/// Every declared operation, in the order of the table above: method, template, version,
/// `operationId` and parameters with their rules, for conformance checks and tooling.
pub const ENDPOINTS: &[atlas_runtime::EndpointInfo] = &[
    sa::ListOrgServiceAccounts::INFO,
    sa::CreateOrgServiceAccount::INFO,
    sa::GetOrgServiceAccount::INFO,
    sa::UpdateOrgServiceAccount::INFO,
    sa::DeleteOrgServiceAccount::INFO,
    sa::GetOrgServiceAccountGroups::INFO,
    sa::CreateOrgServiceAccountSecret::INFO,
    sa::DeleteOrgServiceAccountSecret::INFO,
    sa::ListOrgServiceAccountAccessList::INFO,
    sa::CreateOrgServiceAccountAccessList::INFO,
    sa::DeleteOrgServiceAccountAccessListEntry::INFO,
    sa::ListGroupServiceAccounts::INFO,
    sa::CreateGroupServiceAccount::INFO,
    sa::GetGroupServiceAccount::INFO,
    sa::UpdateGroupServiceAccount::INFO,
    sa::DeleteGroupServiceAccount::INFO,
    sa::InviteGroupServiceAccount::INFO,
    sa::CreateGroupServiceAccountSecret::INFO,
    sa::DeleteGroupServiceAccountSecret::INFO,
    sa::ListGroupServiceAccountAccessList::INFO,
    sa::CreateGroupServiceAccountAccessList::INFO,
    sa::DeleteGroupServiceAccountAccessListEntry::INFO,
];

/// Every operation this build declares, for tools that route by metadata (the
/// `atlas-rs api` CLI builds its command tree from this and nothing else).
pub fn operations() -> impl Iterator<Item = &'static atlas_runtime::EndpointInfo> {
    ENDPOINTS.iter()
}

#[cfg(test)]
mod tests {
    use super::*;
    use service_accounts::{
        CLIENT_ID_PATTERN, IP_ADDRESS_PATH_PATTERN, NAME_PATTERN, OBJECT_ID_PATTERN,
    };

    /// Every operation is named after its operationId, at version 2024-08-05, and each
    /// parameter shared by several operations has the same rules everywhere.
    #[test]
    fn endpoints_are_consistent() {
        assert_eq!(ENDPOINTS.len(), 22);
        let mut ids = std::collections::BTreeSet::new();
        for info in ENDPOINTS {
            let id = info
                .operation_id
                .expect("every operation names its operationId");
            assert!(ids.insert(id), "{id} twice");
            let mut pascal = id.to_string();
            pascal[..1].make_ascii_uppercase();
            assert_eq!(info.type_name, pascal);
            assert_eq!(info.version, Some("2024-08-05"), "{id}");
            for p in info.params {
                let patterns: Vec<&str> = p.patterns().map(|x| x.source()).collect();
                let expected: &[&str] = match p.api_name {
                    "orgId" | "groupId" => &[OBJECT_ID_PATTERN.source()],
                    "clientId" => &[CLIENT_ID_PATTERN.source()],
                    "ipAddress" => &[IP_ADDRESS_PATH_PATTERN.source()],
                    "name" | "description" => &[NAME_PATTERN.source()],
                    "entries" => continue,
                    _ => &[],
                };
                assert_eq!(patterns, expected, "{id} {}", p.api_name);
            }
        }
    }

    /// The CLI's metadata is there on every operation: tag, roles, docs page.
    #[test]
    fn operations_carry_cli_metadata() {
        assert_eq!(operations().count(), ENDPOINTS.len());
        for info in operations() {
            let id = info.operation_id.unwrap_or_default();
            assert_eq!(info.tag, Some("Service Accounts"), "{id}");
            assert!(!info.roles.is_empty(), "{id}");
            assert!(info.docs.is_some_and(|d| d.ends_with(id)), "{id}");
        }
    }
}
