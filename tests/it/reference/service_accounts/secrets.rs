//! Secrets of a service account: create (the plaintext is shown once) and delete.

use atlas_runtime::{ClientId, GroupId, OrgId, atlas_endpoint};
use jiff::Timestamp;
use secrecy::SecretString;
use serde::Deserialize;

/// Create One Organization Service Account Secret.
///
/// `POST /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets`, version
/// `2024-08-05`; requires the Organization Owner role. CLI:
/// `atlas api serviceAccounts createOrgSecret`.
///
/// The answer carries the plaintext [`secret`](ServiceAccountSecret::secret) once; Atlas
/// shows only its masked value afterwards.
///
/// The official example: the request body
///
/// ```json
/// {"secretExpiresAfterHours": 8}
/// ```
///
/// answered by `201 Created` with
///
/// ```json
/// {
///   "id": "32b6e34b3d91647abb20e7b8",
///   "createdAt": "2024-08-05T10:00:00Z",
///   "expiresAt": "2024-08-05T18:00:00Z",
///   "maskedSecretValue": "mdb_sa_sk_...",
///   "secret": "mdb_sa_sk_..."
/// }
/// ```
///
/// ```no_run
/// use atlas_endpoints::service_accounts::CreateOrgServiceAccountSecret;
/// use atlas_runtime::{Client, Credentials};
/// use secrecy::ExposeSecret;
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let created = CreateOrgServiceAccountSecret::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     8,
/// )
/// .send(&client)?;
/// let secret = created.secret.as_ref().expect("returned on creation");
/// store_somewhere_safe(secret.expose_secret());
/// # fn store_somewhere_safe(_: &str) {}
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
    version = "2024-08-05", response = ServiceAccountSecret,
    operation_id = "createOrgServiceAccountSecret",
    tag = "Service Accounts", short_id = "createOrgSecret",
    roles("Organization Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/createOrgServiceAccountSecret")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOrgServiceAccountSecret {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// Hours until the new secret expires; more than 0, and within the organization's
    /// allowed range (decided by Atlas).
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

/// Delete One Organization Service Account Secret.
///
/// `DELETE /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}`,
/// version `2024-08-05`; requires the Organization Owner role. CLI:
/// `atlas api serviceAccounts deleteOrgSecret`.
///
/// Answers `204 No Content`. The spec gives `{secretId}` no pattern: any non-empty value
/// is sent (percent-encoded as one segment).
///
/// ```no_run
/// use atlas_endpoints::service_accounts::DeleteOrgServiceAccountSecret;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// DeleteOrgServiceAccountSecret::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     "6f0d8a1b2c3d4e5f60718293",
/// )
/// .send(&client)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(
    DELETE,
    "/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
    version = "2024-08-05",
    operation_id = "deleteOrgServiceAccountSecret",
    tag = "Service Accounts",
    short_id = "deleteOrgSecret",
    roles("Organization Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/deleteOrgServiceAccountSecret"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteOrgServiceAccountSecret {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// Unique 24-hexadecimal digit string that identifies the secret.
    pub secret_id: String,
}

/// Create One Project Service Account Secret.
///
/// `POST /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets`, version
/// `2024-08-05`; requires the Project Owner role. CLI:
/// `atlas api serviceAccounts createGroupSecret`.
///
/// Answers `201 Created` with the new [`ServiceAccountSecret`], whose plaintext
/// [`secret`](ServiceAccountSecret::secret) is shown this once.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::CreateGroupServiceAccountSecret;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let created = CreateGroupServiceAccountSecret::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     24,
/// )
/// .send(&client)?;
/// println!("secret {} expires {}", created.id, created.expires_at);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(POST, "/groups/{groupId}/serviceAccounts/{clientId}/secrets",
    version = "2024-08-05", response = ServiceAccountSecret,
    operation_id = "createGroupServiceAccountSecret",
    tag = "Service Accounts", short_id = "createGroupSecret",
    roles("Project Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/createGroupServiceAccountSecret")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateGroupServiceAccountSecret {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// Hours until the new secret expires; more than 0, and within the organization's
    /// allowed range (decided by Atlas).
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

/// Delete One Project Service Account Secret.
///
/// `DELETE /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets/{secretId}`,
/// version `2024-08-05`; requires the Project Owner role. CLI:
/// `atlas api serviceAccounts deleteGroupSecret`.
///
/// Answers `204 No Content`. The spec gives `{secretId}` no pattern.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::DeleteGroupServiceAccountSecret;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// DeleteGroupServiceAccountSecret::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     "6f0d8a1b2c3d4e5f60718293",
/// )
/// .send(&client)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(
    DELETE,
    "/groups/{groupId}/serviceAccounts/{clientId}/secrets/{secretId}",
    version = "2024-08-05",
    operation_id = "deleteGroupServiceAccountSecret",
    tag = "Service Accounts",
    short_id = "deleteGroupSecret",
    roles("Project Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/deleteGroupServiceAccountSecret"
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteGroupServiceAccountSecret {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// Unique 24-hexadecimal digit string that identifies the secret.
    pub secret_id: String,
}

/// A service account secret, as Atlas returns it (the spec's `ServiceAccountSecret`).
///
/// `secret` holds the plaintext only in the answer to its creation (and to the creation
/// of its service account); it is a [`SecretString`], so `Debug` never shows it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceAccountSecret {
    /// Unique 24-hexadecimal digit string that identifies the secret.
    pub id: String,
    /// When the secret was created.
    pub created_at: Timestamp,
    /// When the secret expires.
    pub expires_at: Timestamp,
    /// When the secret was last used, if ever.
    #[serde(default)]
    pub last_used_at: Option<Timestamp>,
    /// The masked secret (`mdb_sa_sk_...`).
    #[serde(default)]
    pub masked_secret_value: Option<String>,
    /// The plaintext secret: present only in the answer that created it.
    #[serde(default)]
    pub secret: Option<SecretString>,
}
