//! Service accounts themselves: list, create, get, update, delete, in an organization and
//! in a project.

use atlas_runtime::{ClientId, GroupId, OrgId, Paginated, Patch, atlas_endpoint};
use jiff::Timestamp;
use serde::Deserialize;

use super::{NAME_PATTERN, OrgRole, ServiceAccountSecret};

// ---- organization ----

/// Return All Organization Service Accounts.
///
/// `GET /api/atlas/v2/orgs/{orgId}/serviceAccounts`, version `2024-08-05`; requires the
/// Organization Read Only role. CLI: `atlas api serviceAccounts listOrgServiceAccounts`.
///
/// Returns all Service Accounts for the specified Organization. System-managed Service
/// Accounts (such as those used for MCP integrations) are left out unless
/// `includeSystemManaged` is `true`. Paginated: [`pages`](Self::pages) and
/// [`items`](Self::items) walk every page, 500 items at a time unless `itemsPerPage` says
/// otherwise.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::ListOrgServiceAccounts;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// for account in ListOrgServiceAccounts::new("32b6e34b3d91647abb20e7b8").items(&client) {
///     let account = account?;
///     println!("{:?} {:?}", account.client_id, account.name);
/// }
/// // One page, as Atlas returns it:
/// let page = ListOrgServiceAccounts::new("32b6e34b3d91647abb20e7b8")
///     .items_per_page(100)
///     .page_num(2)
///     .include_system_managed(true)
///     .send(&client)?;
/// println!("{} of {:?}", page.results.len(), page.total_count);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts", version = "2024-08-05",
    response = Paginated<OrgServiceAccount>, paginated,
    operation_id = "listOrgServiceAccounts",
    tag = "Service Accounts",
    roles("Organization Read Only"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/listOrgServiceAccounts")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOrgServiceAccounts {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// Number of items per page, 1 to 500 (Atlas's default: 100).
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Number of the page to return, from 1 (Atlas's default: 1).
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
    /// Whether system-managed Service Accounts are included (Atlas's default: `false`).
    #[atlas(query)]
    pub include_system_managed: Option<bool>,
}

/// Create One Organization Service Account.
///
/// `POST /api/atlas/v2/orgs/{orgId}/serviceAccounts`, version `2024-08-05`; requires the
/// Organization Owner role. CLI: `atlas api serviceAccounts createOrgServiceAccount`.
///
/// The body is the spec's `OrgServiceAccountRequest`. Answers `201 Created` with the new
/// [`OrgServiceAccount`], whose first secret carries its plaintext this once.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::{CreateOrgServiceAccount, OrgRole};
/// use atlas_runtime::{Client, Credentials};
/// use secrecy::ExposeSecret;
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let account = CreateOrgServiceAccount::new(
///     "32b6e34b3d91647abb20e7b8",
///     "ci-deployer",
///     "Deploys from CI",
///     vec![OrgRole::Member],
///     8,
/// )
/// .send(&client)?;
/// let first = &account.secrets.as_deref().unwrap_or_default()[0];
/// println!("{:?}: {}", account.client_id, first.secret.as_ref().unwrap().expose_secret());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts", version = "2024-08-05",
    response = OrgServiceAccount, operation_id = "createOrgServiceAccount", tag = "Service Accounts", roles("Organization Owner"), docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/createOrgServiceAccount")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOrgServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// Human-readable name, 1 to 64 letters, digits, spaces and `-_.,'`; need not be
    /// unique.
    #[atlas(length(min = 1, max = 64), pattern = NAME_PATTERN)]
    pub name: String,
    /// Human-readable description, 1 to 250 letters, digits, spaces and `-_.,'`.
    #[atlas(length(min = 1, max = 250), pattern = NAME_PATTERN)]
    pub description: String,
    /// Organization roles; at least one.
    #[atlas(length(min = 1))]
    pub roles: Vec<OrgRole>,
    /// Hours until the first secret expires; more than 0, and within the organization's
    /// allowed range (decided by Atlas).
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

/// Return One Organization Service Account.
///
/// `GET /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}`, version `2024-08-05`;
/// requires the Organization Read Only role. CLI:
/// `atlas api serviceAccounts getOrgServiceAccount`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::GetOrgServiceAccount;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let account = GetOrgServiceAccount::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
/// )
/// .send(&client)?;
/// println!("{:?} has roles {:?}", account.name, account.roles);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts/{clientId}", version = "2024-08-05",
    response = OrgServiceAccount, operation_id = "getOrgServiceAccount", tag = "Service Accounts", roles("Organization Read Only"), docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/getOrgServiceAccount")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOrgServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
}

/// Update One Organization Service Account.
///
/// `PATCH /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}`, version `2024-08-05`;
/// requires the Organization Owner role. CLI:
/// `atlas api serviceAccounts updateOrgServiceAccount`.
///
/// The body is the spec's `OrgServiceAccountUpdateRequest`. `name` and `description` are
/// nullable there, so each is a [`Patch`]: [`Patch::Unchanged`] (the default) leaves the
/// member out, [`Patch::Set`] sends the value, [`Patch::Clear`] sends `null`. `roles`, not
/// nullable, is left out while `None`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::{OrgRole, UpdateOrgServiceAccount};
/// use atlas_runtime::{Client, Credentials, Patch};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// // Sends {"name":"ci-deployer-2","description":null,"roles":["ORG_READ_ONLY"]}.
/// let updated = UpdateOrgServiceAccount::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
/// )
/// .name(Patch::Set("ci-deployer-2".into()))
/// .description(Patch::Clear)
/// .roles(vec![OrgRole::ReadOnly])
/// .send(&client)?;
/// println!("{:?}", updated.name);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(PATCH, "/orgs/{orgId}/serviceAccounts/{clientId}", version = "2024-08-05",
    response = OrgServiceAccount, operation_id = "updateOrgServiceAccount", tag = "Service Accounts", roles("Organization Owner"), docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/updateOrgServiceAccount")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateOrgServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// New name (1 to 64 letters, digits, spaces and `-_.,'`), `null`, or left unchanged.
    #[atlas(
        length(min = 1, max = 64),
        pattern = NAME_PATTERN
    )]
    pub name: Patch<String>,
    /// New description (1 to 250 letters, digits, spaces and `-_.,'`), `null`, or left
    /// unchanged.
    #[atlas(
        length(min = 1, max = 250),
        pattern = NAME_PATTERN
    )]
    pub description: Patch<String>,
    /// The new set of organization roles; left unchanged while `None`.
    pub roles: Option<Vec<OrgRole>>,
}

/// Delete One Organization Service Account.
///
/// `DELETE /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}`, version `2024-08-05`;
/// requires the Organization Owner role. CLI:
/// `atlas api serviceAccounts deleteOrgServiceAccount`.
///
/// Answers `204 No Content`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::DeleteOrgServiceAccount;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// DeleteOrgServiceAccount::new("32b6e34b3d91647abb20e7b8", "mdb_sa_id_1234567890abcdef12345678")
///     .send(&client)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(
    DELETE,
    "/orgs/{orgId}/serviceAccounts/{clientId}",
    version = "2024-08-05",
    operation_id = "deleteOrgServiceAccount",
    tag = "Service Accounts",
    roles("Organization Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/deleteOrgServiceAccount"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteOrgServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
}

// ---- project ----

/// Return All Project Service Accounts.
///
/// `GET /api/atlas/v2/groups/{groupId}/serviceAccounts`, version `2024-08-05`; requires
/// the Project Read Only role. CLI: `atlas api serviceAccounts listGroupServiceAccounts`.
///
/// System-managed Service Accounts are left out unless `includeSystemManaged` is `true`.
/// Paginated: [`pages`](Self::pages) and [`items`](Self::items) walk every page.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::ListGroupServiceAccounts;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let all: Vec<_> = ListGroupServiceAccounts::new("32b6e34b3d91647abb20e7b8")
///     .items(&client)
///     .collect::<Result<_, _>>()?;
/// println!("{} service accounts", all.len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(GET, "/groups/{groupId}/serviceAccounts", version = "2024-08-05",
    response = Paginated<GroupServiceAccount>, paginated,
    operation_id = "listGroupServiceAccounts",
    tag = "Service Accounts",
    roles("Project Read Only"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/listGroupServiceAccounts")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListGroupServiceAccounts {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// Number of items per page, 1 to 500 (Atlas's default: 100).
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Number of the page to return, from 1 (Atlas's default: 1).
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
    /// Whether system-managed Service Accounts are included (Atlas's default: `false`).
    #[atlas(query)]
    pub include_system_managed: Option<bool>,
}

/// Create One Project Service Account.
///
/// `POST /api/atlas/v2/groups/{groupId}/serviceAccounts`, version `2024-08-05`; requires
/// the Project Owner role. CLI: `atlas api serviceAccounts createGroupServiceAccount`.
///
/// The body is the spec's `GroupServiceAccountRequest`. The new Service Account also
/// becomes an Organization Member of the project's organization. Answers `201 Created`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::CreateGroupServiceAccount;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let account = CreateGroupServiceAccount::new(
///     "32b6e34b3d91647abb20e7b8",
///     "backup-bot",
///     "Takes snapshots",
///     vec!["GROUP_READ_ONLY".to_string()],
///     24,
/// )
/// .send(&client)?;
/// println!("{:?}", account.client_id);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(POST, "/groups/{groupId}/serviceAccounts", version = "2024-08-05",
    response = GroupServiceAccount, operation_id = "createGroupServiceAccount", tag = "Service Accounts", roles("Project Owner"), docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/createGroupServiceAccount")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateGroupServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// Human-readable name, 1 to 64 letters, digits, spaces and `-_.,'`; need not be
    /// unique.
    #[atlas(length(min = 1, max = 64), pattern = NAME_PATTERN)]
    pub name: String,
    /// Human-readable description, 1 to 250 letters, digits, spaces and `-_.,'`.
    #[atlas(length(min = 1, max = 250), pattern = NAME_PATTERN)]
    pub description: String,
    /// Project roles (`GROUP_READ_ONLY`, …: plain strings in the spec); at least one.
    #[atlas(length(min = 1))]
    pub roles: Vec<String>,
    /// Hours until the first secret expires; more than 0, and within the organization's
    /// allowed range (decided by Atlas).
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

/// Return One Project Service Account.
///
/// `GET /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}`, version `2024-08-05`;
/// requires the Project Read Only role. CLI:
/// `atlas api serviceAccounts getGroupServiceAccount`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::GetGroupServiceAccount;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let account = GetGroupServiceAccount::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
/// )
/// .send(&client)?;
/// println!("{:?}", account.roles);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(GET, "/groups/{groupId}/serviceAccounts/{clientId}", version = "2024-08-05",
    response = GroupServiceAccount, operation_id = "getGroupServiceAccount", tag = "Service Accounts", roles("Project Read Only"), docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/getGroupServiceAccount")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetGroupServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
}

/// Update One Project Service Account.
///
/// `PATCH /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}`, version
/// `2024-08-05`; requires the Project Owner role. CLI:
/// `atlas api serviceAccounts updateGroupServiceAccount`.
///
/// The body is the spec's `GroupServiceAccountUpdateRequest`: `name` and `description`
/// are [`Patch`]es (leave, set, or clear with `null`), `roles` is left out while `None`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::UpdateGroupServiceAccount;
/// use atlas_runtime::{Client, Credentials, Patch};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// // Sends {"description":"Nightly backups","roles":["GROUP_OWNER"]}.
/// UpdateGroupServiceAccount::new("32b6e34b3d91647abb20e7b8", "mdb_sa_id_1234567890abcdef12345678")
///     .description(Patch::Set("Nightly backups".into()))
///     .roles(vec!["GROUP_OWNER".into()])
///     .send(&client)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(PATCH, "/groups/{groupId}/serviceAccounts/{clientId}", version = "2024-08-05",
    response = GroupServiceAccount, operation_id = "updateGroupServiceAccount", tag = "Service Accounts", roles("Project Owner"), docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/updateGroupServiceAccount")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateGroupServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// New name (1 to 64 letters, digits, spaces and `-_.,'`), `null`, or left unchanged.
    #[atlas(
        length(min = 1, max = 64),
        pattern = NAME_PATTERN
    )]
    pub name: Patch<String>,
    /// New description (1 to 250 letters, digits, spaces and `-_.,'`), `null`, or left
    /// unchanged.
    #[atlas(
        length(min = 1, max = 250),
        pattern = NAME_PATTERN
    )]
    pub description: Patch<String>,
    /// The new set of project roles; left unchanged while `None`.
    pub roles: Option<Vec<String>>,
}

/// Remove One Project Service Account.
///
/// `DELETE /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}`, version
/// `2024-08-05`; requires the Project Owner role. CLI:
/// `atlas api serviceAccounts deleteGroupServiceAccount`.
///
/// Removes the Service Account from the project only: it stays in its organization, and
/// its secrets stay valid until they expire or are deleted. Answers `204 No Content`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::DeleteGroupServiceAccount;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// DeleteGroupServiceAccount::new("32b6e34b3d91647abb20e7b8", "mdb_sa_id_1234567890abcdef12345678")
///     .send(&client)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(
    DELETE,
    "/groups/{groupId}/serviceAccounts/{clientId}",
    version = "2024-08-05",
    operation_id = "deleteGroupServiceAccount",
    tag = "Service Accounts",
    roles("Project Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/deleteGroupServiceAccount"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteGroupServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
}

// ---- models ----

/// An organization's Service Account, as Atlas returns it (the spec's
/// `OrgServiceAccount`). The spec requires none of its members.
///
/// Holds [`ServiceAccountSecret`]s, whose plaintext (present only on creation) `Debug`
/// never shows.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct OrgServiceAccount {
    /// The Client ID of the Service Account (`mdb_sa_id_…`).
    #[serde(default)]
    pub client_id: Option<String>,
    /// When the Service Account was created.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Human-readable description.
    #[serde(default)]
    pub description: Option<String>,
    /// Human-readable name.
    #[serde(default)]
    pub name: Option<String>,
    /// Organization roles; a role this crate does not know is kept as
    /// [`OrgRole::Other`].
    #[serde(default)]
    pub roles: Option<Vec<OrgRole>>,
    /// The Service Account's secrets.
    #[serde(default)]
    pub secrets: Option<Vec<ServiceAccountSecret>>,
}

/// A project's Service Account, as Atlas returns it (the spec's `GroupServiceAccount`).
/// The spec requires none of its members.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct GroupServiceAccount {
    /// The Client ID of the Service Account (`mdb_sa_id_…`).
    #[serde(default)]
    pub client_id: Option<String>,
    /// When the Service Account was created.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Human-readable description.
    #[serde(default)]
    pub description: Option<String>,
    /// Human-readable name.
    #[serde(default)]
    pub name: Option<String>,
    /// Project roles (plain strings in the spec).
    #[serde(default)]
    pub roles: Option<Vec<String>>,
    /// The Service Account's secrets.
    #[serde(default)]
    pub secrets: Option<Vec<ServiceAccountSecret>>,
}
