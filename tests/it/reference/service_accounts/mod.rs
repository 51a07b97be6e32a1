//! The Service Accounts as they were written by hand before the generator declared them:
//! kept unchanged as the reference the generated `atlas_endpoints::service_accounts` is
//! held to (`codegen_equivalence.rs`). Not what users build; nothing else uses it.

#![allow(dead_code, unused_imports)]

use atlas_runtime::{Pattern, pattern};

mod access_list;
mod accounts;
mod projects;
mod roles;
mod secrets;

pub use access_list::{
    AccessListEntry, CIDR_BLOCK_PATTERN, CreateGroupServiceAccountAccessList,
    CreateOrgServiceAccountAccessList, DeleteGroupServiceAccountAccessListEntry,
    DeleteOrgServiceAccountAccessListEntry, IP_ADDRESS_PATTERN, ListGroupServiceAccountAccessList,
    ListOrgServiceAccountAccessList, SPEC_IP_ADDRESS_PATTERN, ServiceAccountIpAccessListEntry,
};
pub use accounts::{
    CreateGroupServiceAccount, CreateOrgServiceAccount, DeleteGroupServiceAccount,
    DeleteOrgServiceAccount, GetGroupServiceAccount, GetOrgServiceAccount, GroupServiceAccount,
    ListGroupServiceAccounts, ListOrgServiceAccounts, OrgServiceAccount, UpdateGroupServiceAccount,
    UpdateOrgServiceAccount,
};
pub use projects::{GetOrgServiceAccountGroups, InviteGroupServiceAccount, ServiceAccountGroup};
pub use roles::OrgRole;
pub use secrets::{
    CreateGroupServiceAccountSecret, CreateOrgServiceAccountSecret,
    DeleteGroupServiceAccountSecret, DeleteOrgServiceAccountSecret, ServiceAccountSecret,
};

/// The pattern of every 24-hex-digit id (`orgId`, `groupId`, secret ids), carried by
/// [`OrgId`](atlas_runtime::OrgId), [`GroupId`](atlas_runtime::GroupId) and
/// [`ObjectId`](atlas_runtime::ObjectId).
pub const OBJECT_ID_PATTERN: Pattern = atlas_runtime::ObjectId::PATTERN;
/// The pattern of a service account's client id, carried by
/// [`ClientId`](atlas_runtime::ClientId).
pub const CLIENT_ID_PATTERN: Pattern = atlas_runtime::ClientId::PATTERN;
/// The pattern of names and descriptions of service accounts (names have 1 to 64 chars,
/// descriptions 1 to 250).
pub const NAME_PATTERN: Pattern = pattern!(r"^[\p{L}\p{N}\-_.,' ]*$");
/// The spec's pattern of the access-list delete endpoints' `{ipAddress}`, an address or
/// an already-encoded range.
pub const IP_ADDRESS_PATH_PATTERN: Pattern = pattern!(
    r"^([0-9]{1,3}\.){3}[0-9]{1,3}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}\:){7}[0-9a-f]{1,4}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}\:){1,6}\:(%2[fF][0-9]{1,3})?$"
);

/// The reference's operations, in the order they were listed by hand.
pub const ENDPOINTS: &[atlas_runtime::EndpointInfo] = &[
    ListOrgServiceAccounts::INFO,
    CreateOrgServiceAccount::INFO,
    GetOrgServiceAccount::INFO,
    UpdateOrgServiceAccount::INFO,
    DeleteOrgServiceAccount::INFO,
    GetOrgServiceAccountGroups::INFO,
    CreateOrgServiceAccountSecret::INFO,
    DeleteOrgServiceAccountSecret::INFO,
    ListOrgServiceAccountAccessList::INFO,
    CreateOrgServiceAccountAccessList::INFO,
    DeleteOrgServiceAccountAccessListEntry::INFO,
    ListGroupServiceAccounts::INFO,
    CreateGroupServiceAccount::INFO,
    GetGroupServiceAccount::INFO,
    UpdateGroupServiceAccount::INFO,
    DeleteGroupServiceAccount::INFO,
    InviteGroupServiceAccount::INFO,
    CreateGroupServiceAccountSecret::INFO,
    DeleteGroupServiceAccountSecret::INFO,
    ListGroupServiceAccountAccessList::INFO,
    CreateGroupServiceAccountAccessList::INFO,
    DeleteGroupServiceAccountAccessListEntry::INFO,
];
