//! Configuration from the environment, with the names the `atlas` CLI uses.

use crate::auth::credentials::Credentials;
use crate::client::{ClientBuilder, ConfigError};

/// `MONGODB_ATLAS_CLIENT_ID`: a service account's client id.
pub const CLIENT_ID: &str = "MONGODB_ATLAS_CLIENT_ID";
/// `MONGODB_ATLAS_CLIENT_SECRET`: a service account's secret.
pub const CLIENT_SECRET: &str = "MONGODB_ATLAS_CLIENT_SECRET";
/// `MONGODB_ATLAS_PUBLIC_API_KEY`: an API key's public part.
pub const PUBLIC_API_KEY: &str = "MONGODB_ATLAS_PUBLIC_API_KEY";
/// `MONGODB_ATLAS_PRIVATE_API_KEY`: an API key's private part.
pub const PRIVATE_API_KEY: &str = "MONGODB_ATLAS_PRIVATE_API_KEY";
/// `MONGODB_ATLAS_OPS_MANAGER_URL`: the base URL.
pub const BASE_URL: &str = "MONGODB_ATLAS_OPS_MANAGER_URL";
/// `MONGODB_ATLAS_SERVICE`: `cloud` (default) or `cloudgov`.
pub const SERVICE: &str = "MONGODB_ATLAS_SERVICE";

/// Atlas for Government.
pub const CLOUDGOV_BASE_URL: &str = "https://cloud.mongodbgov.com";

/// Reads the configuration through `lookup` (the process environment for
/// [`Client::from_env`](crate::Client::from_env)).
pub(crate) fn configure(
    mut builder: ClientBuilder,
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<ClientBuilder, ConfigError> {
    // Unset and empty are the same, as in the CLI.
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

    if let Some(url) = get(BASE_URL) {
        builder = builder.base_url(url.trim());
    } else if let Some(service) = get(SERVICE) {
        match service.trim() {
            "cloud" => {}
            "cloudgov" => builder = builder.base_url(CLOUDGOV_BASE_URL),
            other => {
                return Err(ConfigError::InvalidEnvironment(format!(
                    "{SERVICE}={other:?}: expected \"cloud\" or \"cloudgov\""
                )));
            }
        }
    }

    let pair =
        |id: &'static str, secret: &'static str| -> Result<Option<(String, String)>, ConfigError> {
            match (get(id), get(secret)) {
                (Some(a), Some(b)) => Ok(Some((a, b))),
                (None, None) => Ok(None),
                (Some(_), None) => Err(ConfigError::InvalidEnvironment(format!(
                    "{id} is set but {secret} is not: set both, or neither"
                ))),
                (None, Some(_)) => Err(ConfigError::InvalidEnvironment(format!(
                    "{secret} is set but {id} is not: set both, or neither"
                ))),
            }
        };
    let service_account = pair(CLIENT_ID, CLIENT_SECRET)?;
    let api_key = pair(PUBLIC_API_KEY, PRIVATE_API_KEY)?;
    let credentials = match (service_account, api_key) {
        (Some((id, secret)), _) => Credentials::service_account(id, secret),
        (None, Some((public, private))) => Credentials::api_key(public, private),
        (None, None) => Credentials::None,
    };
    Ok(builder.credentials(credentials))
}
