//! IP access lists of service accounts: the addresses a Service Account may call the API
//! from.

use atlas_runtime::value::PatternValue;
use atlas_runtime::{ClientId, GroupId, OrgId, Paginated, Pattern, atlas_endpoint, pattern};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::IP_ADDRESS_PATH_PATTERN;

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
const TAGGED_CIDR_BLOCK_PATTERN: Pattern = pattern!(
    r"^cidrBlock=((([0-9]{1,3}\.){3}[0-9]{1,3})|(:{0,2}([0-9a-f]{1,4}:){0,7}[0-9a-f]{1,4}[:]{0,2}))((%2[fF]|/)[0-9]{1,3})+$|^ipAddress="
);
/// The create endpoints' check of `ipAddress` entries (other entries pass it).
const TAGGED_IP_ADDRESS_PATTERN: Pattern = pattern!(
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
                .filter(|p| p.api_name == "entries")
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

/// An access list entry, as Atlas returns it (the spec's
/// `ServiceAccountIPAccessListEntry`). The spec requires none of its members; one of
/// `cidr_block` and `ip_address` is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ServiceAccountIpAccessListEntry {
    /// The range, in CIDR notation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
    /// When the entry was added.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// The single address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// The address that sent the latest request, once one was sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_address: Option<String>,
    /// When the latest request from this entry came (updated with a delay of up to 5
    /// minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
    /// How many requests came from this entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_count: Option<i32>,
}

impl ServiceAccountIpAccessListEntry {
    /// The entry as one to add or delete: its range, else its address.
    pub fn entry(&self) -> Option<AccessListEntry> {
        match (&self.cidr_block, &self.ip_address) {
            (Some(block), _) => Some(AccessListEntry::Cidr(block.clone())),
            (None, Some(address)) => Some(AccessListEntry::Ip(address.clone())),
            (None, None) => None,
        }
    }
}

// ---- organization ----

/// Return All Access List Entries for One Organization Service Account.
///
/// `GET /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList`, version
/// `2024-08-05`; requires the Organization Read Only role. CLI:
/// `atlas api serviceAccounts listOrgAccessList`.
///
/// Paginated: [`pages`](Self::pages) and [`items`](Self::items) walk every page.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::ListOrgServiceAccountAccessList;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let call = ListOrgServiceAccountAccessList::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
/// );
/// for entry in call.items(&client) {
///     let entry = entry?;
///     println!("{:?} {:?} used {:?} times", entry.cidr_block, entry.ip_address, entry.request_count);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
    version = "2024-08-05", response = Paginated<ServiceAccountIpAccessListEntry>, paginated,
    operation_id = "listOrgServiceAccountAccessList",
    tag = "Service Accounts", short_id = "listOrgAccessList",
    roles("Organization Read Only"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/listOrgServiceAccountAccessList")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOrgServiceAccountAccessList {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// Whether the answer carries `totalCount` (Atlas's default: `true`).
    #[atlas(query)]
    pub include_count: Option<bool>,
    /// Number of items per page, 1 to 500 (Atlas's default: 100).
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Number of the page to return, from 1 (Atlas's default: 1).
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
}

/// Add Access List Entries for One Organization Service Account.
///
/// `POST /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList`, version
/// `2024-08-05`; requires the Organization Owner role. CLI:
/// `atlas api serviceAccounts createOrgAccessList`.
///
/// The body is a JSON array of at most 200 [`AccessListEntry`]s, each checked against the
/// spec's pattern for its form before anything is sent. Answers `200 OK` with the first
/// page of the access list (the query parameters choose it); `409 Conflict` when an entry
/// exists already.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::{AccessListEntry, CreateOrgServiceAccountAccessList};
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// // Sends [{"cidrBlock":"203.0.113.0/24"},{"ipAddress":"198.51.100.7"}].
/// let page = CreateOrgServiceAccountAccessList::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     vec![AccessListEntry::cidr("203.0.113.0/24"), AccessListEntry::ip("198.51.100.7")],
/// )
/// .send(&client)?;
/// println!("{} entries now", page.total_count.unwrap_or_default());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
    version = "2024-08-05", response = Paginated<ServiceAccountIpAccessListEntry>,
    operation_id = "createOrgServiceAccountAccessList",
    tag = "Service Accounts", short_id = "createOrgAccessList",
    roles("Organization Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/createOrgServiceAccountAccessList")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateOrgServiceAccountAccessList {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// The entries to add: the whole body, at most 200.
    #[atlas(
        body,
        length(max = 200),
        pattern = TAGGED_CIDR_BLOCK_PATTERN,
        pattern = TAGGED_IP_ADDRESS_PATTERN
    )]
    pub entries: Vec<AccessListEntry>,
    /// Whether the answer carries `totalCount` (Atlas's default: `true`).
    #[atlas(query)]
    pub include_count: Option<bool>,
    /// Number of items per page of the answer, 1 to 500 (Atlas's default: 100).
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Number of the page of the answer, from 1 (Atlas's default: 1).
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
}

/// Remove One Access List Entry from One Organization Service Account.
///
/// `DELETE /api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}`,
/// version `2024-08-05`; requires the Organization Owner role. CLI:
/// `atlas api serviceAccounts deleteOrgAccessEntry`.
///
/// `ip_address` is sent **already percent-encoded**, as the spec asks: a range's `/` is
/// written `%2F` (`192.0.2.0%2F24`, see [`AccessListEntry::path_value`]) and is not
/// encoded a second time. Atlas refuses to remove the address the request comes from.
/// Answers `204 No Content`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::{AccessListEntry, DeleteOrgServiceAccountAccessListEntry};
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let entry = AccessListEntry::cidr("192.0.2.0/24");
/// DeleteOrgServiceAccountAccessListEntry::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     entry.path_value(), // "192.0.2.0%2F24"
/// )
/// .send(&client)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(
    DELETE,
    "/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
    version = "2024-08-05",
    operation_id = "deleteOrgServiceAccountAccessListEntry",
    tag = "Service Accounts", short_id = "deleteOrgAccessEntry",
    roles("Organization Owner"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/deleteOrgServiceAccountAccessListEntry",
    pattern(ipAddress = IP_ADDRESS_PATH_PATTERN)
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteOrgServiceAccountAccessListEntry {
    /// Unique 24-hexadecimal digit string that identifies the organization.
    pub org_id: OrgId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// The address or range, already percent-encoded (`192.0.2.0%2F24`).
    #[atlas(path, encoded)]
    pub ip_address: String,
}

// ---- project ----

/// Return All Access List Entries for One Project Service Account.
///
/// `GET /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList`, version
/// `2024-08-05`; requires the Project Read Only role. CLI:
/// `atlas api serviceAccounts listAccessList`.
///
/// Paginated: [`pages`](Self::pages) and [`items`](Self::items) walk every page.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::ListGroupServiceAccountAccessList;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// let call = ListGroupServiceAccountAccessList::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
/// )
/// .include_count(false);
/// for page in call.pages(&client) {
///     println!("{} entries", page?.results.len());
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(GET, "/groups/{groupId}/serviceAccounts/{clientId}/accessList",
    version = "2024-08-05", response = Paginated<ServiceAccountIpAccessListEntry>, paginated,
    operation_id = "listGroupServiceAccountAccessList",
    tag = "Service Accounts", short_id = "listAccessList",
    roles("Project Read Only"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/listGroupServiceAccountAccessList")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListGroupServiceAccountAccessList {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// Whether the answer carries `totalCount` (Atlas's default: `true`).
    #[atlas(query)]
    pub include_count: Option<bool>,
    /// Number of items per page, 1 to 500 (Atlas's default: 100).
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Number of the page to return, from 1 (Atlas's default: 1).
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
}

/// Add Access List Entries for One Project Service Account.
///
/// `POST /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList`, version
/// `2024-08-05`; requires the Project Access Manager role. CLI:
/// `atlas api serviceAccounts createAccessList`.
///
/// The body is a JSON array of at most 200 [`AccessListEntry`]s, each checked against the
/// spec's pattern for its form before anything is sent. Answers `200 OK` with a page of
/// the access list; `409 Conflict` when an entry exists already.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::{AccessListEntry, CreateGroupServiceAccountAccessList};
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// CreateGroupServiceAccountAccessList::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     vec![AccessListEntry::ip("198.51.100.7")],
/// )
/// .include_count(false)
/// .send(&client)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(POST, "/groups/{groupId}/serviceAccounts/{clientId}/accessList",
    version = "2024-08-05", response = Paginated<ServiceAccountIpAccessListEntry>,
    operation_id = "createGroupServiceAccountAccessList",
    tag = "Service Accounts", short_id = "createAccessList",
    roles("Project Access Manager"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/createGroupServiceAccountAccessList")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateGroupServiceAccountAccessList {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// The entries to add: the whole body, at most 200.
    #[atlas(
        body,
        length(max = 200),
        pattern = TAGGED_CIDR_BLOCK_PATTERN,
        pattern = TAGGED_IP_ADDRESS_PATTERN
    )]
    pub entries: Vec<AccessListEntry>,
    /// Whether the answer carries `totalCount` (Atlas's default: `true`).
    #[atlas(query)]
    pub include_count: Option<bool>,
    /// Number of items per page of the answer, 1 to 500 (Atlas's default: 100).
    #[atlas(query, range(min = 1, max = 500))]
    pub items_per_page: Option<i32>,
    /// Number of the page of the answer, from 1 (Atlas's default: 1).
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
}

/// Remove One Access List Entry from One Project Service Account.
///
/// `DELETE /api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/accessList/{ipAddress}`,
/// version `2024-08-05`; requires the Project Access Manager role. CLI:
/// `atlas api serviceAccounts deleteGroupAccessEntry`.
///
/// `ip_address` is sent **already percent-encoded** (`192.0.2.0%2F24`), not encoded a
/// second time. Answers `204 No Content`.
///
/// ```no_run
/// use atlas_endpoints::service_accounts::DeleteGroupServiceAccountAccessListEntry;
/// use atlas_runtime::{Client, Credentials};
///
/// let client = Client::builder().credentials(Credentials::bearer("…")).build()?;
/// DeleteGroupServiceAccountAccessListEntry::new(
///     "32b6e34b3d91647abb20e7b8",
///     "mdb_sa_id_1234567890abcdef12345678",
///     "198.51.100.7",
/// )
/// .send(&client)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[atlas_endpoint(
    DELETE,
    "/groups/{groupId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
    version = "2024-08-05",
    operation_id = "deleteGroupServiceAccountAccessListEntry",
    tag = "Service Accounts", short_id = "deleteGroupAccessEntry",
    roles("Project Access Manager"),
    docs = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/#tag/Service-Accounts/operation/deleteGroupServiceAccountAccessListEntry",
    pattern(ipAddress = IP_ADDRESS_PATH_PATTERN)
)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteGroupServiceAccountAccessListEntry {
    /// Unique 24-hexadecimal digit string that identifies the project.
    pub group_id: GroupId,
    /// The Client ID of the Service Account.
    pub client_id: ClientId,
    /// The address or range, already percent-encoded (`192.0.2.0%2F24`).
    #[atlas(path, encoded)]
    pub ip_address: String,
}
