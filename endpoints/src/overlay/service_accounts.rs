//! The Service Accounts overlay: the access-list entry type the creates take (each entry
//! held to the spec's pattern of its form), the patterns themselves, and a helper on the
//! received entry. The declarations are generated; these are re-exported beside them.

use atlas_runtime::value::PatternValue;
use atlas_runtime::{Pattern, pattern};
use serde::{Deserialize, Serialize};

use super::super::service_accounts::{
    CreateOrgServiceAccountAccessList, ServiceAccountIPAccessListEntry,
};

/// The pattern of every 24-hex-digit id (`orgId`, `groupId`, secret ids), carried by
/// [`OrgId`](atlas_runtime::OrgId), [`GroupId`](atlas_runtime::GroupId) and
/// [`ObjectId`](atlas_runtime::ObjectId).
pub const OBJECT_ID_PATTERN: Pattern = atlas_runtime::ObjectId::PATTERN;
/// The pattern of a service account's client id, carried by
/// [`ClientId`](atlas_runtime::ClientId).
pub const CLIENT_ID_PATTERN: Pattern = atlas_runtime::ClientId::PATTERN;
/// The pattern of names and descriptions of service accounts (names have 1 to 64 chars,
/// descriptions 1 to 250).
pub const NAME_PATTERN: Pattern = pattern!(r"^[\p{L}\p{N}\-_.,' ]*$");
/// The spec's pattern of the access-list delete endpoints' `{ipAddress}`, an address or
/// an already-encoded range.
pub const IP_ADDRESS_PATH_PATTERN: Pattern = pattern!(
    r"^([0-9]{1,3}\.){3}[0-9]{1,3}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}\:){7}[0-9a-f]{1,4}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}\:){1,6}\:(%2[fF][0-9]{1,3})?$"
);

/// The spec's pattern of a `cidrBlock` (an IPv4 or IPv6 range), as is.
pub const CIDR_BLOCK_PATTERN: &str = r"^((([0-9]{1,3}\.){3}[0-9]{1,3})|(:{0,2}([0-9a-f]{1,4}:){0,7}[0-9a-f]{1,4}[:]{0,2}))((%2[fF]|/)[0-9]{1,3})+$";

/// The spec's pattern of an entry's `ipAddress`, as the spec writes it. It has a
/// look-ahead, which patterns compiled to automata cannot have: see
/// [`IP_ADDRESS_PATTERN`].
pub const SPEC_IP_ADDRESS_PATTERN: &str =
    r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";

/// [`SPEC_IP_ADDRESS_PATTERN`] without look-around; it accepts exactly the same texts.
///
/// The spec's pattern is a search with two top-level alternatives. The first,
/// `^((OCTET)(\.(?!$)|$)){4}` with `OCTET` = `25[0-5]|(2[0-4]|1\d|[1-9]|)\d` (0 to 255, no
/// leading zero), is anchored at the start only. Each of its four rounds is an octet
/// followed by a dot that is not the last character, or by the end of the text. A round
/// that ends the text cannot be followed by another (an octet needs a digit), so rounds
/// one to three end with a dot, and the dot's look-ahead is implied by the octet after
/// it. Round four ends the text, or is followed by a dot and at least one more character
/// of any kind: since nothing follows in the pattern, "followed by one more character"
/// can consume that character, `\.(?s:.)`. Hence `^(OCTET\.){3}OCTET($|\.(?s:.))`. The
/// second alternative has no look-around and is kept as is (anchored at the end only).
///
/// Equivalence, quirks included: `203.0.113.10` and `2001:db8:0:0:0:0:0:1` match;
/// `256.1.1.1`, `01.2.3.4`, `1.2.3.4.` and the compressed `2001:db8::1` do not; and, as
/// in the spec, `1.2.3.4.5` does (the first alternative is not anchored at the end) and
/// so does `x1:2:3:4:5:6:7:8` (the second is not anchored at the start). Atlas checks the
/// spec's pattern, so refusing more here would refuse what Atlas accepts.
pub const IP_ADDRESS_PATTERN: &str = r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.){3}(25[0-5]|(2[0-4]|1\d|[1-9]|)\d)($|\.(?s:.))|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";

// The entry patterns as the create endpoints check them. An entry is checked as the text
// `cidrBlock=<value>` or `ipAddress=<value>` (see `PatternValue for AccessListEntry`), and
// every pattern of a field applies to every text, so each pattern checks its own form and
// lets the other form through:
//
// - `cidrBlock=`: CIDR_BLOCK_PATTERN is anchored at both ends, so it becomes
//   `^cidrBlock=(…)$` around its body, or `^ipAddress=`.
// - `ipAddress=`: IP_ADDRESS_PATTERN's first alternative gets the prefix after `^`; its
//   second, unanchored at the start, becomes `^ipAddress=(?s:.)*…$`; or `^cidrBlock=`.
//
// A test compares both with the plain patterns on many addresses.

/// The create endpoints' check of `cidrBlock` entries (other entries pass it).
pub(crate) const TAGGED_CIDR_BLOCK_PATTERN: Pattern = pattern!(
    r"^cidrBlock=((([0-9]{1,3}\.){3}[0-9]{1,3})|(:{0,2}([0-9a-f]{1,4}:){0,7}[0-9a-f]{1,4}[:]{0,2}))((%2[fF]|/)[0-9]{1,3})+$|^ipAddress="
);
/// The create endpoints' check of `ipAddress` entries (other entries pass it).
pub(crate) const TAGGED_IP_ADDRESS_PATTERN: Pattern = pattern!(
    r"^ipAddress=((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.){3}(25[0-5]|(2[0-4]|1\d|[1-9]|)\d)($|\.(?s:.))|^ipAddress=(?s:.)*([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$|^cidrBlock="
);

/// One entry to add to a Service Account's access list (the writable part of the spec's
/// `ServiceAccountIPAccessListEntry`): a range or a single address, never both, never
/// neither.
///
/// Serialized as `{"cidrBlock": "…"}` or `{"ipAddress": "…"}`. The create endpoints
/// check each entry against the spec's pattern for its form ([`CIDR_BLOCK_PATTERN`],
/// [`IP_ADDRESS_PATTERN`]) before anything is sent.
///
/// ```
/// use atlas_endpoints::service_accounts::AccessListEntry;
///
/// let range = AccessListEntry::cidr("203.0.113.0/24");
/// assert_eq!(serde_json::to_string(&range).unwrap(), r#"{"cidrBlock":"203.0.113.0/24"}"#);
/// assert!(range.is_valid());
/// assert_eq!(range.path_value(), "203.0.113.0%2F24");
/// assert!(!AccessListEntry::ip("203.0.113.0/24").is_valid());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AccessListEntry {
    /// A range in CIDR notation (`203.0.113.0/24`): `cidrBlock`.
    #[serde(rename = "cidrBlock")]
    Cidr(String),
    /// One address (`203.0.113.10`): `ipAddress`.
    #[serde(rename = "ipAddress")]
    Ip(String),
}

impl AccessListEntry {
    /// A `cidrBlock` entry.
    pub fn cidr(block: impl Into<String>) -> Self {
        AccessListEntry::Cidr(block.into())
    }

    /// An `ipAddress` entry.
    pub fn ip(address: impl Into<String>) -> Self {
        AccessListEntry::Ip(address.into())
    }

    /// The range or address.
    pub fn value(&self) -> &str {
        match self {
            AccessListEntry::Cidr(v) | AccessListEntry::Ip(v) => v,
        }
    }

    /// The JSON member's name: `cidrBlock` or `ipAddress`.
    pub fn member(&self) -> &'static str {
        match self {
            AccessListEntry::Cidr(_) => "cidrBlock",
            AccessListEntry::Ip(_) => "ipAddress",
        }
    }

    /// Whether the value matches the spec's pattern for its form, as the create
    /// endpoints check it.
    pub fn is_valid(&self) -> bool {
        let mut ok = true;
        self.each_text(&mut |text| {
            ok = CreateOrgServiceAccountAccessList::INFO
                .params
                .iter()
                .filter(|p| p.api_name == "body")
                .flat_map(|p| p.patterns())
                .all(|p| p.is_match(text));
        });
        ok
    }

    /// The value as the delete endpoints' `{ipAddress}` wants it, already percent-encoded:
    /// `203.0.113.0/24` becomes `203.0.113.0%2F24`.
    pub fn path_value(&self) -> String {
        self.value().replace('/', "%2F")
    }
}

/// Each entry is checked as the text `cidrBlock=<value>` or `ipAddress=<value>`, so one
/// set of patterns on the whole body can hold each form to its own pattern.
impl PatternValue for AccessListEntry {
    fn each_text(&self, f: &mut dyn FnMut(&str)) {
        f(&format!("{}={}", self.member(), self.value()))
    }
}

impl ServiceAccountIPAccessListEntry {
    /// The entry as one to add or delete: its range, else its address.
    pub fn entry(&self) -> Option<AccessListEntry> {
        match (&self.cidr_block, &self.ip_address) {
            (Some(block), _) => Some(AccessListEntry::Cidr(block.clone())),
            (None, Some(address)) => Some(AccessListEntry::Ip(address.clone())),
            (None, None) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service_accounts::CreateGroupServiceAccountAccessList;

    /// The tagged patterns the generated creates declare (from the overlay) are the consts
    /// above, and are the plain patterns with their tags.
    #[test]
    fn declared_patterns_are_the_documented_ones() {
        for info in [
            CreateOrgServiceAccountAccessList::INFO,
            CreateGroupServiceAccountAccessList::INFO,
        ] {
            let param = info.param("body").expect("the body field");
            let sources: Vec<&str> = param.patterns().map(|p| p.source()).collect();
            assert_eq!(
                sources,
                [
                    TAGGED_CIDR_BLOCK_PATTERN.source(),
                    TAGGED_IP_ADDRESS_PATTERN.source()
                ]
            );
        }
        let ipv4 =
            r"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)\.){3}(25[0-5]|(2[0-4]|1\d|[1-9]|)\d)($|\.(?s:.))";
        let ipv6 = r"([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$";
        assert_eq!(IP_ADDRESS_PATTERN, format!("{ipv4}|{ipv6}"));
        assert_eq!(
            TAGGED_IP_ADDRESS_PATTERN.source(),
            format!(
                "^ipAddress={}|^ipAddress=(?s:.)*{ipv6}|^cidrBlock=",
                &ipv4[1..]
            )
        );
        assert_eq!(
            TAGGED_CIDR_BLOCK_PATTERN.source(),
            format!("^cidrBlock={}|^ipAddress=", &CIDR_BLOCK_PATTERN[1..])
        );
    }
}
