//! The runtime of the Atlas Administration API v2 framework.
//!
//! Declare an endpoint with [`atlas_endpoint`], send it with a [`Client`]:
//!
//! ```no_run
//! use atlas_runtime::{atlas_endpoint, Client, ClientId, Credentials, OrgId};
//!
//! #[derive(Debug, serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! pub struct Secret { pub id: String }
//!
//! // The id types carry their patterns: `validate()` checks them before any I/O.
//! #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
//!     version = "2024-08-05", response = Secret)]
//! pub struct CreateSecret {
//!     pub org_id: OrgId,
//!     pub client_id: ClientId,
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
//! I/O), [`build_request`](implement::build_request) (no I/O), [`Client::execute`] (the
//! only I/O), [`decode_response`](implement::decode_response) (no I/O). Errors say which
//! phase failed: [`Error`], with each phase's error in [`error`].
//!
//! The crate root is what users name: declaring, a client, ids, what comes back. Token
//! stores are in [`store`], raw calls (any operation by its metadata) in [`raw`], the
//! defaults in [`defaults`]. What generated code needs lives in a hidden `__private`
//! module; a hand-written [`Endpoint`] impl finds everything it needs in [`implement`]
//! (`use atlas_runtime::implement::prelude::*;`).

#![warn(missing_docs)]
// docs.rs (`--cfg docsrs`, nightly): `RedisTokenStore` and the test transport say which
// feature gates them.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The crate's own `pattern!` constants expand to `::atlas_runtime::__private::…`, as in
// users' crates.
extern crate self as atlas_runtime;

mod auth;
mod client;
mod discriminator;
mod endpoint;
pub mod error;
mod format;
mod header_cache;
mod ids;
mod open_enum;
mod options;
mod paginate;
mod patch;
mod pattern;
pub mod pipeline;
pub mod raw;
mod redact;
pub mod request;
mod response;
mod retry;
pub mod sunset;
pub mod transport;
mod validate;
pub mod value;
pub mod wait;

#[doc = include_str!("../ATTRIBUTE.md")]
pub use atlas_macros::atlas_endpoint;

/// A [`Pattern`] compiled when the crate is built, as `#[atlas_endpoint]` compiles the
/// patterns written in a declaration: the same syntax, meaning and errors (ASCII `\d`,
/// `\w`; search semantics, so anchor with `^…$`). Name it once and use it in
/// `pattern(name = CONST)` and `#[atlas(pattern = CONST)]`.
///
/// ```
/// use atlas_runtime::{Pattern, pattern};
///
/// pub const CLUSTER_NAME: Pattern = pattern!("^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$");
/// assert!(CLUSTER_NAME.is_match("Cluster0"));
/// assert!(!CLUSTER_NAME.is_match("-x"));
/// ```
///
/// A pattern the macro cannot compile is a compile error on the literal:
///
/// ```compile_fail
/// const BAD: atlas_runtime::Pattern = atlas_runtime::pattern!("^(a$");
/// ```
pub use atlas_macros::pattern;

/// Implements [`ParamText`](implement::ParamText) for an enum of unit variants, sending each variant as its
/// serde name (`#[serde(rename = "…")]`, `#[serde(rename_all = "…")]`), so a query or
/// header field can be of that type with no hand-written impl.
///
/// ```
/// use atlas_runtime::{QueryValue, implement::ParamText};
///
/// #[derive(serde::Serialize, QueryValue)]
/// #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
/// pub enum Granularity {
///     OneMinute,
///     #[serde(rename = "PT1H")]
///     Hour,
/// }
/// assert_eq!(Granularity::OneMinute.param_text(), "ONE_MINUTE");
/// assert_eq!(Granularity::Hour.param_text(), "PT1H");
/// ```
pub use atlas_macros::QueryValue;

/// `serde::Deserialize` for a struct read from a JSON object, with far less code than
/// serde's derive: the generated models of `atlas-endpoints` use it, which is most of why
/// that crate builds in about half the time. Members are named as serde would name them
/// (`#[serde(rename_all = …)]`, `#[serde(rename = …)]`); an `Option` member may be absent
/// or `null`; a member the struct does not know is skipped; a member given twice or a
/// required one missing is an error, with serde's words. Serde attributes that only
/// concern serializing are left to `serde::Serialize`; any other is refused at compile
/// time (derive `serde::Deserialize` for a type that needs `default`, `flatten`, …).
///
/// ```
/// use atlas_runtime::Decode;
///
/// #[derive(Debug, Decode)]
/// #[serde(rename_all = "camelCase")]
/// pub struct Threshold {
///     pub metric_name: String,
///     pub threshold: Option<f64>,
///     #[serde(rename = "units")]
///     pub unit: Option<String>,
/// }
///
/// let t: Threshold = serde_json::from_str(r#"{"metricName": "CPU", "units": "RAW", "x": [1]}"#)?;
/// assert_eq!((t.metric_name.as_str(), t.threshold, t.unit.as_deref()), ("CPU", None, Some("RAW")));
/// let missing = serde_json::from_str::<Threshold>("{}").unwrap_err();
/// assert_eq!(missing.to_string(), "missing field `metricName` at line 1 column 2");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub use atlas_macros::Decode;

// The crate root is the user's API: declare, build a client, send, handle what comes
// back. Token stores, errors by phase, raw calls, defaults and what a hand implementer of
// `Endpoint` needs each have their module.
pub use auth::credentials::Credentials;
pub use auth::oauth::TokenStore;
pub use client::{Client, ClientBuilder, ConfigError};
pub use endpoint::{Endpoint, EndpointInfo, Method};
pub use error::Error;
pub use format::{Download, Format};
pub use ids::{ClientId, GroupId, IdError, ObjectId, OrgId};
pub use options::RequestOptions;
pub use paginate::{Items, Pages, Paginated};
pub use patch::Patch;
pub use pattern::Pattern;
pub use response::Response;
pub use retry::{Attempt, RetryPolicy};
pub use transport::{Proxy, TlsRoots};
pub use validate::{ValidationError, Violation};

/// Where access tokens are kept between calls and processes: the [`TokenStore`] trait,
/// one store per process ([`MemoryTokenStore`](store::MemoryTokenStore), the default),
/// one per host ([`FileTokenStore`](store::FileTokenStore)) and one per fleet
/// (`RedisTokenStore`, feature `redis`).
pub mod store {
    pub use crate::auth::oauth::{
        AccessToken, DEFAULT_REFRESH_MARGIN, MemoryTokenStore, TokenStore,
    };
    pub use crate::auth::store::{
        DEFAULT_FILE_LEASE_WAIT, FileTokenStore, FileTokenStoreBuilder, Lease, LeaseGuard,
        REFUSED_SHARED_FOR, SharedFailure, StoreError, TokenKey,
    };
    #[cfg(feature = "redis")]
    pub use crate::auth::store::{RedisTokenStore, RedisTokenStoreBuilder};
}

/// The client's defaults, as the `atlas` CLI and the official SDKs have them.
pub mod defaults {
    pub use crate::auth::env::CLOUDGOV_BASE_URL;
    pub use crate::client::{
        DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_RESPONSE_TIMEOUT, DEFAULT_TIMEOUT,
        default_user_agent,
    };
    pub use crate::paginate::DEFAULT_PAGE_SIZE;
    pub use crate::request::{DEFAULT_API_VERSION, DEFAULT_BASE_URL};
}

/// What an implementer of [`Endpoint`] by hand needs (the attribute writes all of it):
/// the metadata types, the writers, the validator, request building and response
/// decoding, pagination's traits. `use atlas_runtime::implement::prelude::*;` names them
/// all, with the root's [`Client`], [`Error`] and the traits.
pub mod implement {
    pub use crate::discriminator::{Discriminator, DiscriminatorValue};
    pub use crate::endpoint::{
        BodyKind, Bound, Constraint, Location, Number, ParamInfo, ValueKind,
    };
    pub use crate::paginate::{Link, Paged};
    pub use crate::request::{
        API_PREFIX, BodyWriter, HeaderWriter, PathWriter, QueryWriter, RequestContext,
        build_request, media_type, media_type_for, resolve_version,
    };
    pub use crate::response::{decode, decode_response, parse_retry_after};
    pub use crate::validate::{REDACTED, Rule, Validator, is_valid_version};
    pub use crate::value::{ParamText, PathSegment};

    /// Every name of [`implement`](super), with the root's [`Endpoint`](crate::Endpoint),
    /// [`EndpointInfo`](crate::EndpointInfo), [`Method`](crate::Method),
    /// [`Paginated`](crate::Paginated), [`Pattern`](crate::Pattern),
    /// [`Client`](crate::Client) and [`Error`](crate::Error):
    /// `use atlas_runtime::implement::prelude::*;`.
    pub mod prelude {
        pub use super::*;
        pub use crate::{Client, Endpoint, EndpointInfo, Error, Method, Paginated, Pattern};
    }
}

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

/// The private parsers the fuzz targets (`fuzz/`) exercise, only in fuzz builds
/// (`cargo fuzz` sets `--cfg fuzzing`). Not a stable interface.
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod __fuzz {
    pub use crate::auth::digest::{
        Algorithm, Challenge, authorization, choose, new_cnonce, parse_challenges,
    };
}
