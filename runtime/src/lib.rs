//! The runtime of the Atlas Administration API v2 framework.
//!
//! Declare an endpoint with [`atlas_endpoint`], send it with a [`Client`]:
//!
//! ```no_run
//! use atlas_runtime::{atlas_endpoint, Client, Credentials};
//!
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! pub struct Secret { pub id: String }
//!
//! #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
//!     version = "2024-08-05", response = Secret,
//!     pattern(orgId = "^([a-f0-9]{24})$", clientId = r"^mdb_sa_id_[a-fA-F\d]{24}$"))]
//! pub struct CreateSecret {
//!     pub org_id: String,
//!     pub client_id: String,
//!     #[atlas(range(exclusive_min = 0))]
//!     pub secret_expires_after_hours: i32,
//! }
//!
//! let client = Client::builder().credentials(Credentials::bearer("token")).build()?;
//! let secret = CreateSecret::new("32b6e34b3d91647abb20e7b8",
//!     "mdb_sa_id_1234567890abcdef12345678", 8).send(&client)?;
//! println!("created {}", secret.id);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A call goes through phases, each its own module: [`validate`](Endpoint::validate) (no
//! I/O), [`build_request`] (no I/O), [`Client::execute`] (the only I/O),
//! [`decode_response`] (no I/O). Errors say which phase failed: [`Error`].

#![warn(missing_docs)]

mod auth;
mod client;
mod credentials;
mod digest;
mod endpoint;
mod env;
mod error;
mod oauth;
mod options;
mod paginate;
mod patch;
mod pattern;
mod redact;
mod request;
mod response;
mod retry;
mod store;
pub mod transport;
mod validate;
mod value;

#[doc = include_str!("../ATTRIBUTE.md")]
pub use atlas_macros::atlas_endpoint;

pub use client::{
    Client, ClientBuilder, ConfigError, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_RESPONSE_TIMEOUT, DEFAULT_TIMEOUT, default_user_agent,
};
pub use credentials::Credentials;
pub use endpoint::{
    BodyKind, Bound, Constraint, Endpoint, EndpointInfo, Location, Method, Number, ParamInfo,
};
pub use env::CLOUDGOV_BASE_URL;
pub use error::{
    ApiError, AuthError, AuthErrorKind, DecodeError, Error, FieldViolation, RateLimit,
    RequestError, TransportError, TransportErrorKind,
};
pub use oauth::{AccessToken, DEFAULT_REFRESH_MARGIN, MemoryTokenStore, TokenStore};
pub use options::RequestOptions;
pub use paginate::{DEFAULT_PAGE_SIZE, Items, Link, Paged, Pages, Paginated};
pub use patch::Patch;
pub use pattern::Pattern;
pub use request::{
    API_PREFIX, BodyWriter, DEFAULT_API_VERSION, DEFAULT_BASE_URL, HeaderWriter, PathWriter,
    QueryWriter, RequestContext, build_request, media_type, resolve_version,
};
pub use response::{decode, decode_response, parse_retry_after};
pub use retry::{Attempt, RetryPolicy};
pub use store::{
    DEFAULT_FILE_LEASE_WAIT, FileTokenStore, FileTokenStoreBuilder, Lease, LeaseGuard, StoreError,
    TokenKey,
};
#[cfg(feature = "redis")]
pub use store::{RedisTokenStore, RedisTokenStoreBuilder};
pub use validate::{REDACTED, Rule, ValidationError, Validator, Violation, is_valid_version};
pub use value::{LengthValue, ParamText, ParamValues, PathSegment, PatternValue, RangeValue};

/// What generated code names besides the public API. Not a stable interface.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}

/// The private parsers the fuzz targets (`fuzz/`) exercise. Not a stable interface.
#[doc(hidden)]
pub mod __fuzz {
    pub use crate::digest::{
        Algorithm, Challenge, authorization, choose, new_cnonce, parse_challenges,
    };
}
