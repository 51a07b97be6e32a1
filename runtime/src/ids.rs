//! Ids that carry their rule: an [`OrgId`] is 24 hexadecimal digits wherever it is used,
//! so the rule is written once, here, and not in every declaration that takes one.
//!
//! Building an id never fails (`From<&str>`), as building a `String` does not: a field of
//! an id type is checked in `validate()`, with every other rule, before any I/O, and its
//! rule shows in the parameter's [`ParamInfo`](crate::implement::ParamInfo) (`constraints`) for tools
//! and conformance checks. [`FromStr`] checks at once, for input read from users.
//!
//! ```
//! use atlas_runtime::{atlas_endpoint, ClientId, Endpoint, OrgId};
//!
//! #[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts/{clientId}", version = "2024-08-05")]
//! pub struct GetAccount {
//!     pub org_id: OrgId,
//!     pub client_id: ClientId,
//! }
//!
//! let call = GetAccount::new("32b6e34b3d91647abb20e7b8", "mdb_sa_id_1234567890abcdef12345678");
//! assert!(call.validate().is_ok());
//! let bad = GetAccount::new("32b6e34b3d91647abb20e7b", "mdb_sa_id_1234567890abcdef12345678");
//! let error = bad.validate().unwrap_err();
//! assert_eq!(error.violations[0].param, "orgId");
//! assert_eq!(GetAccount::INFO.params[0].patterns().next().unwrap().source(), OrgId::PATTERN.source());
//! assert!("not-an-id".parse::<OrgId>().is_err());
//! ```

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::pattern::Pattern;
use crate::value::{ParamText, PathSegment, PatternValue};

/// Text that does not follow an id type's rule, from [`FromStr`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdError {
    /// The text does not match the type's pattern.
    #[non_exhaustive]
    Pattern {
        /// The id type (`OrgId`).
        kind: &'static str,
        /// Its pattern.
        pattern: &'static str,
        /// The text given.
        value: String,
    },
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdError::Pattern {
                kind,
                pattern,
                value,
            } => write!(
                f,
                "{value:?} is not a valid {kind}: it must match {pattern}"
            ),
        }
    }
}

impl std::error::Error for IdError {}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident = $pattern:literal) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The rule every value follows, as in the official spec.
            pub const PATTERN: Pattern = crate::pattern!($pattern);

            /// The id, unchecked: `validate()` checks it where it is a field.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as a `String`.
            pub fn into_string(self) -> String {
                self.0
            }

            /// Whether the id follows [`Self::PATTERN`].
            pub fn is_valid(&self) -> bool {
                Self::PATTERN.is_match(&self.0)
            }
        }

        /// Shows the id: ids are not secrets.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_tuple(stringify!($name)).field(&self.0).finish()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// Checks the id against [`Self::PATTERN`](Self::PATTERN).
        impl FromStr for $name {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                if Self::PATTERN.is_match(s) {
                    Ok($name(s.to_string()))
                } else {
                    Err(IdError::Pattern {
                        kind: stringify!($name),
                        pattern: Self::PATTERN.source(),
                        value: s.to_string(),
                    })
                }
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_string())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> Self {
                $name(id.clone())
            }
        }

        impl From<&$name> for $name {
            fn from(id: &$name) -> Self {
                id.clone()
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PathSegment for $name {
            const PATTERN: Option<Pattern> = Some($name::PATTERN);
            fn to_segment(&self) -> Cow<'_, str> {
                Cow::Borrowed(&self.0)
            }
        }

        impl ParamText for $name {
            const PATTERN: Option<Pattern> = Some($name::PATTERN);
            fn param_text(&self) -> Cow<'_, str> {
                Cow::Borrowed(&self.0)
            }
        }

        impl PatternValue for $name {
            fn each_text(&self, f: &mut dyn FnMut(&str)) {
                f(&self.0)
            }
        }
    };
}

id_type! {
    /// An organization's id: 24 hexadecimal digits (`orgId`).
    OrgId = "^([a-f0-9]{24})$"
}

id_type! {
    /// A project's id: 24 hexadecimal digits (`groupId`; Atlas calls projects groups).
    GroupId = "^([a-f0-9]{24})$"
}

id_type! {
    /// Any other 24-hexadecimal-digit id Atlas issues (a secret's, a user's, …).
    ObjectId = "^([a-f0-9]{24})$"
}

id_type! {
    /// A service account's client id: `mdb_sa_id_` and 24 hexadecimal digits (`clientId`).
    ClientId = r"^mdb_sa_id_[a-fA-F\d]{24}$"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        assert!(OrgId::from("32b6e34b3d91647abb20e7b8").is_valid());
        assert!(!OrgId::from("32B6E34B3D91647ABB20E7B8").is_valid());
        assert!(!GroupId::from("32b6e34b3d91647abb20e7b").is_valid());
        assert!(ClientId::from("mdb_sa_id_1234567890ABCDEF12345678").is_valid());
        assert!(!ClientId::from("mdb_sa_id_1234567890abcdef1234567g").is_valid());
        let e = "x".parse::<ClientId>().unwrap_err();
        assert_eq!(
            e.to_string(),
            r#""x" is not a valid ClientId: it must match ^mdb_sa_id_[a-fA-F\d]{24}$"#
        );
    }

    #[test]
    fn text_and_serde() {
        let id: OrgId = "32b6e34b3d91647abb20e7b8".parse().unwrap();
        assert_eq!(id.to_string(), "32b6e34b3d91647abb20e7b8");
        assert_eq!(format!("{id:?}"), r#"OrgId("32b6e34b3d91647abb20e7b8")"#);
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            r#""32b6e34b3d91647abb20e7b8""#
        );
        let back: OrgId = serde_json::from_str(r#""32b6e34b3d91647abb20e7b8""#).unwrap();
        assert_eq!(back, id);
        assert_eq!(id.to_segment(), "32b6e34b3d91647abb20e7b8");
        assert_eq!(<OrgId as PathSegment>::PATTERN, Some(OrgId::PATTERN));
    }
}
