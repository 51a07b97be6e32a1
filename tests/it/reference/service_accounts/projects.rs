//! Projects of a service account: assign one to a project, list its projects.

use atlas_runtime::{ClientId, GroupId, OrgId, Paginated, atlas_endpoint};
use serde::{Deserialize, Serialize};

use super::GroupServiceAccount;

/// Assign One Service Account to One Project.
///
/// `POST /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}:invite`, version
/// `2024-08-05`; requires the Organization Owner role. CLI:
/// `atlas api serviceAccounts inviteGroupServiceAccount`.
///
/// Gives an organization's Service Account project roles (the body is the spec's
/// `GroupServiceAccountRoleAssignment`: at least one role, each once). Answers `200 OK`
/// with the account as the project sees it.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::InviteGroupServiceAccount;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let account = InviteGroupServiceAccount::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     vec!["GROUP_READ_ONLY".to_string()],
/// )
/// .send(&client)?;
/// println!("{:?}", account.roles);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(POST, "/groups/{groupId}/serviceAccounts/{clientId}:invite",
    version = "2024-08-05", response = GroupServiceAccount,
    operation_id = "inviteGroupServiceAccount",
    tag = "Service Accounts",
    roles("Organization Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/inviteGroupServiceAccount")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteGroupServiceAccount {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// The project roles to give (`GROUP_READ_ONLY`, …); at least one, each once (the
    /// spec's `uniqueItems`).
    #[atlas(length(min = 1), validate_with = "each_once")]
    pub roles: Vec<String>,
}

/// The spec's `uniqueItems`: a role given twice is refused before any I/O.
fn each_once(
    roles: &[String],
    param: &atlas_runtime::implement::ParamInfo,
    v: &mut atlas_runtime::implement::Validator,
) {
    let mut seen = std::collections::HashSet::new();
    if let Some(repeated) = roles.iter().find(|r| !seen.insert(r.as_str())) {
        v.custom(param, "must give each role once", || repeated.clone());
    }
}

/// Return All Service Account Project Assignments.
///
/// `GET /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/groups`, version
/// `2024-08-05`; requires the Organization Read Only role. CLI:
/// `atlas api serviceAccounts getServiceAccountGroups`.
///
/// Every project the Service Account is part of, with its roles there. Paginated:
/// [`pages`](Self::pages) and [`items`](Self::items) walk every page.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::GetOrgServiceAccountGroups;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let call = GetOrgServiceAccountGroups::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
/// );
/// for project in call.items(&client) {
///     let project = project?;
///     println!("{:?}: {:?}", project.group_id, project.roles);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts/{clientId}/groups",
    version = "2024-08-05", response = Paginated<ServiceAccountGroup>, paginated,
    operation_id = "getOrgServiceAccountGroups",
    tag = "Service Accounts", short_id = "getServiceAccountGroups",
    roles("Organization Read Only"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/getOrgServiceAccountGroups")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetOrgServiceAccountGroups {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// Number of items per page, 1 to 500 (Atlas's default: 100).
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Number of the page to return, from 1 (Atlas's default: 1).
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
}

/// A project a Service Account is part of (the spec's `ServiceAccountGroup`). The spec
/// requires none of its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceAccountGroup {
    /// Unique 24-hexadecimal digit string that identifies the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// The Service Account's project roles there (at most 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<String>>,
}
