//! Who a client acts as. Secret values live in `secrecy` types: never in `Debug`,
//! `Display`, errors or logs.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// The credentials a [`Client`](crate::Client) sends.
///
/// ```
/// use atlas_runtime::Credentials;
/// let creds = Credentials::bearer("eyJhbGciOi...");
/// assert_eq!(format!("{creds:?}"), "Credentials::BearerToken(<redacted>)");
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No credentials, for the few unauthenticated operations (and local servers).
    #[default]
    None,
    /// An OAuth 2.0 access token, sent as `Authorization: Bearer …`.
    BearerToken(SecretString),
}

impl Credentials {
    /// No credentials.
    pub fn none() -> Self {
        Credentials::None
    }

    /// An access token obtained elsewhere (for example `atlas auth token`).
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials::BearerToken(SecretString::from(token.into()))
    }

    /// Whether any secret is carried.
    pub fn is_some(&self) -> bool {
        !matches!(self, Credentials::None)
    }

    /// The `Authorization` header value, marked sensitive so that `http`'s `Debug` hides it.
    pub(crate) fn authorization(&self) -> Option<http::HeaderValue> {
        match self {
            Credentials::None => None,
            Credentials::BearerToken(t) => {
                let mut v =
                    http::HeaderValue::from_str(&format!("Bearer {}", t.expose_secret())).ok()?;
                v.set_sensitive(true);
                Some(v)
            }
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("Credentials::None"),
            Credentials::BearerToken(_) => f.write_str("Credentials::BearerToken(<redacted>)"),
        }
    }
}
