//! Organization roles of a service account.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An organization role a service account can hold (the spec's enum on
/// `OrgServiceAccount.roles`, `OrgServiceAccountRequest.roles` and
/// `OrgServiceAccountUpdateRequest.roles`).
///
/// Atlas adds roles over time, so a name this crate does not know yet is kept as
/// [`OrgRole::Other`] instead of failing the whole answer, and is sent back exactly as
/// it came. Two roles are equal when their names are, so `OrgRole::Other("ORG_OWNER")`
/// equals [`OrgRole::Owner`]; [`OrgRole::from`] always picks the named variant.
///
/// ```
/// use atlas_endpoints::service_accounts::OrgRole;
///
/// let roles: Vec<OrgRole> =
///     serde_json::from_str(r#"["ORG_MEMBER","ORG_SOMETHING_NEW"]"#).unwrap();
/// assert_eq!(roles[0], OrgRole::Member);
/// assert_eq!(roles[1], OrgRole::Other("ORG_SOMETHING_NEW".into()));
/// assert_eq!(
///     serde_json::to_string(&roles).unwrap(),
///     r#"["ORG_MEMBER","ORG_SOMETHING_NEW"]"#
/// );
/// ```
#[derive(Debug, Clone, Eq)]
#[non_exhaustive]
pub enum OrgRole {
    /// `ORG_MEMBER`
    Member,
    /// `ORG_READ_ONLY`
    ReadOnly,
    /// `ORG_BILLING_ADMIN`
    BillingAdmin,
    /// `ORG_BILLING_READ_ONLY`
    BillingReadOnly,
    /// `ORG_STREAM_PROCESSING_ADMIN`
    StreamProcessingAdmin,
    /// `ORG_GROUP_CREATOR`
    GroupCreator,
    /// `ORG_OWNER`
    Owner,
    /// A role this crate does not know (yet), by its name as Atlas spells it.
    Other(String),
}

impl OrgRole {
    /// Every role the spec lists, in its order.
    pub const KNOWN: [OrgRole; 7] = [
        OrgRole::Member,
        OrgRole::ReadOnly,
        OrgRole::BillingAdmin,
        OrgRole::BillingReadOnly,
        OrgRole::StreamProcessingAdmin,
        OrgRole::GroupCreator,
        OrgRole::Owner,
    ];

    /// The name Atlas uses (`ORG_OWNER`).
    pub fn as_str(&self) -> &str {
        match self {
            OrgRole::Member => "ORG_MEMBER",
            OrgRole::ReadOnly => "ORG_READ_ONLY",
            OrgRole::BillingAdmin => "ORG_BILLING_ADMIN",
            OrgRole::BillingReadOnly => "ORG_BILLING_READ_ONLY",
            OrgRole::StreamProcessingAdmin => "ORG_STREAM_PROCESSING_ADMIN",
            OrgRole::GroupCreator => "ORG_GROUP_CREATOR",
            OrgRole::Owner => "ORG_OWNER",
            OrgRole::Other(name) => name,
        }
    }

    /// Whether this is one of the roles the spec lists.
    pub fn is_known(&self) -> bool {
        OrgRole::KNOWN.iter().any(|k| k.as_str() == self.as_str())
    }
}

impl From<&str> for OrgRole {
    fn from(name: &str) -> Self {
        OrgRole::KNOWN
            .into_iter()
            .find(|k| k.as_str() == name)
            .unwrap_or_else(|| OrgRole::Other(name.to_string()))
    }
}

impl From<String> for OrgRole {
    fn from(name: String) -> Self {
        match OrgRole::from(name.as_str()) {
            OrgRole::Other(_) => OrgRole::Other(name),
            known => known,
        }
    }
}

impl FromStr for OrgRole {
    type Err = std::convert::Infallible;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(OrgRole::from(name))
    }
}

impl fmt::Display for OrgRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq for OrgRole {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Hash for OrgRole {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Borrow<str> for OrgRole {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Serialize for OrgRole {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for OrgRole {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(OrgRole::from)
    }
}
