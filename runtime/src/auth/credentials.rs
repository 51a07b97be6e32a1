//! Who a client acts as. Secret values live in `secrecy` types: never in `Debug`,
//! `Display`, errors or logs.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// The credentials a [`Client`](crate::Client) sends.
///
/// ```
/// use atlas_runtime::Credentials;
/// let sa = Credentials::service_account("mdb_sa_id_1234567890abcdef12345678", "mdb_sa_sk_…");
/// assert_eq!(
///     format!("{sa:?}"),
///     r#"Credentials::ServiceAccount { client_id: "mdb_sa_id_1234567890abcdef12345678", client_secret: <redacted> }"#
/// );
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No credentials, for the few unauthenticated operations (and local servers).
    #[default]
    None,
    /// A service account: the client exchanges id and secret for short-lived access
    /// tokens (OAuth 2.0 client credentials), caches them and refreshes them.
    ServiceAccount {
        /// `mdb_sa_id_…`
        client_id: String,
        /// `mdb_sa_sk_…`
        client_secret: SecretString,
    },
    /// A programmatic API key, sent with HTTP Digest authentication.
    ApiKey {
        /// The public key (the Digest user name).
        public_key: String,
        /// The private key (the Digest password).
        private_key: SecretString,
    },
    /// An OAuth 2.0 access token obtained elsewhere, sent as `Authorization: Bearer …`.
    BearerToken(SecretString),
}

impl Credentials {
    /// No credentials.
    pub fn none() -> Self {
        Credentials::None
    }

    /// A service account's client id and secret.
    pub fn service_account(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Credentials::ServiceAccount {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
        }
    }

    /// A programmatic API key pair.
    pub fn api_key(public_key: impl Into<String>, private_key: impl Into<String>) -> Self {
        Credentials::ApiKey {
            public_key: public_key.into(),
            private_key: SecretString::from(private_key.into()),
        }
    }

    /// An access token obtained elsewhere (for example `atlas auth token`).
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials::BearerToken(SecretString::from(token.into()))
    }

    /// Whether any secret is carried.
    pub fn is_some(&self) -> bool {
        !matches!(self, Credentials::None)
    }

    /// A word for messages: `service account`, `API key`, …
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::None => "none",
            Credentials::ServiceAccount { .. } => "service account",
            Credentials::ApiKey { .. } => "API key",
            Credentials::BearerToken(_) => "access token",
        }
    }
}

/// `Authorization: Bearer …`, marked sensitive so that `http`'s `Debug` hides it.
pub(crate) fn bearer_header(token: &SecretString) -> Option<http::HeaderValue> {
    let mut v = http::HeaderValue::from_str(&format!("Bearer {}", token.expose_secret())).ok()?;
    v.set_sensitive(true);
    Some(v)
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("Credentials::None"),
            Credentials::ServiceAccount { client_id, .. } => write!(
                f,
                "Credentials::ServiceAccount {{ client_id: {client_id:?}, client_secret: <redacted> }}"
            ),
            Credentials::ApiKey { public_key, .. } => write!(
                f,
                "Credentials::ApiKey {{ public_key: {public_key:?}, private_key: <redacted> }}"
            ),
            Credentials::BearerToken(_) => f.write_str("Credentials::BearerToken(<redacted>)"),
        }
    }
}
