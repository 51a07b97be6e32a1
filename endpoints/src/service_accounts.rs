//! Service Accounts: machine identities that authenticate with OAuth 2.0 client
//! credentials, their secrets and their IP access lists. Version `2024-08-05`.

use atlas_runtime::atlas_endpoint;
use jiff::Timestamp;
use secrecy::SecretString;
use serde::Deserialize;

/// The pattern of every 24-hex-digit id (`orgId`, `groupId`, secret ids).
pub const OBJECT_ID_PATTERN: &str = "^([a-f0-9]{24})$";
/// The pattern of a service account's client id.
pub const CLIENT_ID_PATTERN: &str = r"^mdb_sa_id_[a-fA-F\d]{24}$";

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
    pattern(orgId = "^([a-f0-9]{24})$", clientId = r"^mdb_sa_id_[a-fA-F\d]{24}$"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOrgServiceAccountSecret {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: String,
    /// The Client ID of the Service Account.
    pub client_id: String,
    /// Hours until the new secret expires; more than 0, and within the organization's
    /// allowed range (decided by Atlas).
    #[atlas(range(exclusive_min = 0))]
    pub secret_expires_after_hours: i32,
}

/// A service account secret, as Atlas returns it.
///
/// `secret` holds the plaintext only in the answer to its creation; it is a
/// [`SecretString`], so `Debug` never shows it.
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
