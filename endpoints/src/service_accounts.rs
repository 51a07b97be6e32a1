//! Service Accounts: machine identities that authenticate with OAuth 2.0 client
//! credentials, their secrets, their IP access lists and their projects. All 22
//! operations of the spec's "Service Accounts" tag, version `2024-08-05`.
//!
//! | resource | organization (`/orgs/{orgId}/serviceAccounts…`) | project (`/groups/{groupId}/serviceAccounts…`) |
//! |---|---|---|
//! | service accounts | [`ListOrgServiceAccounts`], [`CreateOrgServiceAccount`], [`GetOrgServiceAccount`], [`UpdateOrgServiceAccount`], [`DeleteOrgServiceAccount`] | [`ListGroupServiceAccounts`], [`CreateGroupServiceAccount`], [`GetGroupServiceAccount`], [`UpdateGroupServiceAccount`], [`DeleteGroupServiceAccount`] |
//! | secrets | [`CreateOrgServiceAccountSecret`], [`DeleteOrgServiceAccountSecret`] | [`CreateGroupServiceAccountSecret`], [`DeleteGroupServiceAccountSecret`] |
//! | access list | [`ListOrgServiceAccountAccessList`], [`CreateOrgServiceAccountAccessList`], [`DeleteOrgServiceAccountAccessListEntry`] | [`ListGroupServiceAccountAccessList`], [`CreateGroupServiceAccountAccessList`], [`DeleteGroupServiceAccountAccessListEntry`] |
//! | projects | [`GetOrgServiceAccountGroups`] | [`InviteGroupServiceAccount`] |
//!
//! Every input is checked against the spec's rules before anything is sent: id patterns,
//! name (1–64) and description (1–250) lengths and characters, non-empty roles, secret
//! lifetimes above 0, page bounds, at most 200 access-list entries each matching its
//! form's pattern.
//!
//! # Service accounts
//!
//! ```no_run
//! use atlas_endpoints::service_accounts::{
//!     CreateOrgServiceAccount, ListOrgServiceAccounts, OrgRole, UpdateOrgServiceAccount,
//! };
//! use atlas_runtime::{Client, Credentials, Patch};
//!
//! let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
//! let org = "32b6e34b3d91647abb20e7b8";
//! let created = CreateOrgServiceAccount::new(org, "ci", "Deploys from CI", vec![OrgRole::Member], 8)
//!     .send(&client)?;
//! let client_id = created.client_id.expect("Atlas names the new account");
//! UpdateOrgServiceAccount::new(org, &client_id)
//!     .description(Patch::Clear)
//!     .roles(vec![OrgRole::Member, OrgRole::GroupCreator])
//!     .send(&client)?;
//! for account in ListOrgServiceAccounts::new(org).items(&client) {
//!     println!("{:?}", account?.name);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Secrets
//!
//! ```no_run
//! use atlas_endpoints::service_accounts::{
//!     CreateOrgServiceAccountSecret, DeleteOrgServiceAccountSecret,
//! };
//! use atlas_runtime::{Client, Credentials};
//! use secrecy::ExposeSecret;
//!
//! let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
//! let (org, sa) = ("32b6e34b3d91647abb20e7b8", "mdb_sa_id_1234567890abcdef12345678");
//! // Rotate: a new secret for 30 days, then the old one goes.
//! let new = CreateOrgServiceAccountSecret::new(org, sa, 720).send(&client)?;
//! let plaintext = new.secret.as_ref().expect("shown once, on creation");
//! # fn deploy(_: &str) {}
//! deploy(plaintext.expose_secret());
//! DeleteOrgServiceAccountSecret::new(org, sa, "6f0d8a1b2c3d4e5f60718293").send(&client)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Access list
//!
//! ```no_run
//! use atlas_endpoints::service_accounts::{
//!     AccessListEntry, CreateOrgServiceAccountAccessList, DeleteOrgServiceAccountAccessListEntry,
//!     ListOrgServiceAccountAccessList,
//! };
//! use atlas_runtime::{Client, Credentials};
//!
//! let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
//! let (org, sa) = ("32b6e34b3d91647abb20e7b8", "mdb_sa_id_1234567890abcdef12345678");
//! let office = AccessListEntry::cidr("203.0.113.0/24");
//! CreateOrgServiceAccountAccessList::new(org, sa, vec![office.clone(), AccessListEntry::ip("198.51.100.7")])
//!     .send(&client)?;
//! for entry in ListOrgServiceAccountAccessList::new(org, sa).items(&client) {
//!     println!("{:?}", entry?.entry());
//! }
//! // The path value is sent already encoded: 203.0.113.0%2F24.
//! DeleteOrgServiceAccountAccessListEntry::new(org, sa, office.path_value()).send(&client)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Projects
//!
//! ```no_run
//! use atlas_endpoints::service_accounts::{GetOrgServiceAccountGroups, InviteGroupServiceAccount};
//! use atlas_runtime::{Client, Credentials};
//!
//! let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
//! let (org, project, sa) = (
//!     "32b6e34b3d91647abb20e7b8",
//!     "5f1a2b3c4d5e6f7081920a1b",
//!     "mdb_sa_id_1234567890abcdef12345678",
//! );
//! InviteGroupServiceAccount::new(project, sa, vec!["GROUP_READ_ONLY".into()]).send(&client)?;
//! for assignment in GetOrgServiceAccountGroups::new(org, sa).items(&client) {
//!     let assignment = assignment?;
//!     println!("{:?}: {:?}", assignment.group_id, assignment.roles);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
