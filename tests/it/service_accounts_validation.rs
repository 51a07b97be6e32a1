//! Every rule of the Service Accounts operations stops a bad input before any I/O (the
//! loopback server sees no request), and the access-list address patterns: the spec's
//! `ipAddress` pattern without its look-ahead accepts exactly what the spec's accepts.

use atlas_endpoints::service_accounts::{
    AccessListEntry, CIDR_BLOCK_PATTERN, CreateGroupServiceAccount,
    CreateGroupServiceAccountAccessList, CreateGroupServiceAccountSecret, CreateOrgServiceAccount,
    CreateOrgServiceAccountAccessList, CreateOrgServiceAccountSecret, DeleteGroupServiceAccount,
    DeleteGroupServiceAccountAccessListEntry, DeleteGroupServiceAccountSecret,
    DeleteOrgServiceAccount, DeleteOrgServiceAccountAccessListEntry, DeleteOrgServiceAccountSecret,
    GetGroupServiceAccount, GetOrgServiceAccount, GetOrgServiceAccountGroups, IP_ADDRESS_PATTERN,
    InviteGroupServiceAccount, ListGroupServiceAccountAccessList, ListGroupServiceAccounts,
    ListOrgServiceAccountAccessList, ListOrgServiceAccounts, OrgRole, SPEC_IP_ADDRESS_PATTERN,
    UpdateGroupServiceAccount, UpdateOrgServiceAccount,
};
use atlas_runtime::{
    Endpoint, Error, Patch, ValidationError,
    implement::{Location, Rule},
};
use atlas_test_needs::needs;
use atlas_test_support::TestServer;

const ORG: &str = "4888442a3354817a7320eb61";
const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const SECRET_ID: &str = "6f0d8a1b2c3d4e5f60718293";

/// Sends `call` to a fresh server; it must be refused by validation with a violation of
/// `param` of the expected kind, and the server must see nothing.
fn refused<E: Endpoint>(call: &E, param: &str, rule: fn(&Rule) -> bool) -> ValidationError {
    let server = TestServer::start();
    let Err(err) = server.client().send(call) else {
        panic!("{}: the call was not refused", E::INFO.type_name)
    };
    assert!(
        server.requests().is_empty(),
        "{}: nothing may be sent",
        E::INFO.type_name
    );
    let Error::Validation(v) = err else {
        panic!("{}: {err:?}", E::INFO.type_name)
    };
    assert!(
        v.for_param(param).any(|x| rule(&x.rule)),
        "{}: expected a violation of {param}, got {v}",
        E::INFO.type_name
    );
    assert_eq!(v.endpoint, E::INFO.type_name);
    v
}

fn pattern(r: &Rule) -> bool {
    matches!(r, Rule::Pattern(_))
}
fn range(r: &Rule) -> bool {
    matches!(r, Rule::Range { .. })
}
fn length(r: &Rule) -> bool {
    matches!(r, Rule::Length { .. })
}
fn empty(r: &Rule) -> bool {
    *r == Rule::EmptyPathValue
}
fn dot(r: &Rule) -> bool {
    *r == Rule::DotSegment
}
fn escapes(r: &Rule) -> bool {
    *r == Rule::EscapesSegment
}

const BAD_ORG: &str = "4888442A3354817A7320EB61"; // upper case: not the spec's [a-f0-9]
const BAD_SA: &str = "mdb_sa_id_1234567890abcdef1234567"; // 23 hex digits
/// An Arabic-Indic digit: Unicode `\d`, not Java's.
const ARABIC_SA: &str = "mdb_sa_id_1234567890abcdef1234567\u{663}";

// ---- path values ----

#[test]
fn org_id_pattern() {
    refused(&ListOrgServiceAccounts::new(BAD_ORG), "orgId", pattern);
    refused(&GetOrgServiceAccount::new("", SA), "orgId", empty);
    refused(
        &DeleteOrgServiceAccount::new(SA, &ORG[1..]),
        "orgId",
        pattern,
    );
    refused(
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: BAD_ORG.into(),
                name: "n".into(),
                description: "d".into(),
                roles: vec![OrgRole::OrgMember],
                secret_expires_after_hours: 1,
            },
        ),
        "orgId",
        pattern,
    );
    refused(&UpdateOrgServiceAccount::new(SA, BAD_ORG), "orgId", pattern);
    refused(
        &GetOrgServiceAccountGroups::new(BAD_ORG, SA),
        "orgId",
        pattern,
    );
    refused(
        &CreateOrgServiceAccountSecret::new(BAD_ORG, SA, 1),
        "orgId",
        pattern,
    );
    refused(
        &DeleteOrgServiceAccountSecret::new(SA, SECRET_ID, BAD_ORG),
        "orgId",
        pattern,
    );
    refused(
        &ListOrgServiceAccountAccessList::new(BAD_ORG, SA),
        "orgId",
        pattern,
    );
    refused(
        &CreateOrgServiceAccountAccessList::new(BAD_ORG, SA, vec![]),
        "orgId",
        pattern,
    );
    refused(
        &DeleteOrgServiceAccountAccessListEntry::new(BAD_ORG, SA, "192.0.2.0%2F24"),
        "orgId",
        pattern,
    );
}

#[test]
fn group_id_pattern() {
    refused(&ListGroupServiceAccounts::new(BAD_ORG), "groupId", pattern);
    refused(
        &CreateGroupServiceAccount::new(
            atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                group_id: "..".into(),
                name: "n".into(),
                description: "d".into(),
                roles: vec!["GROUP_OWNER".into()],
                secret_expires_after_hours: 1,
            },
        ),
        "groupId",
        dot,
    );
    refused(
        &GetGroupServiceAccount::new(BAD_ORG, SA),
        "groupId",
        pattern,
    );
    refused(
        &UpdateGroupServiceAccount::new(SA, BAD_ORG),
        "groupId",
        pattern,
    );
    refused(
        &DeleteGroupServiceAccount::new(SA, BAD_ORG),
        "groupId",
        pattern,
    );
    refused(
        &InviteGroupServiceAccount::new(SA, BAD_ORG, vec!["GROUP_OWNER".into()]),
        "groupId",
        pattern,
    );
    refused(
        &CreateGroupServiceAccountSecret::new(BAD_ORG, SA, 1),
        "groupId",
        pattern,
    );
    refused(
        &DeleteGroupServiceAccountSecret::new(SA, SECRET_ID, BAD_ORG),
        "groupId",
        pattern,
    );
    refused(
        &ListGroupServiceAccountAccessList::new(BAD_ORG, SA),
        "groupId",
        pattern,
    );
    refused(
        &CreateGroupServiceAccountAccessList::new(BAD_ORG, SA, vec![]),
        "groupId",
        pattern,
    );
    refused(
        &DeleteGroupServiceAccountAccessListEntry::new(BAD_ORG, SA, "198.51.100.7"),
        "groupId",
        pattern,
    );
}

#[test]
fn client_id_pattern() {
    refused(&GetOrgServiceAccount::new(ORG, BAD_SA), "clientId", pattern);
    refused(
        &GetOrgServiceAccount::new(ORG, ARABIC_SA),
        "clientId",
        pattern,
    );
    refused(
        &GetGroupServiceAccount::new(GROUP, ARABIC_SA),
        "clientId",
        pattern,
    );
    refused(
        &UpdateOrgServiceAccount::new("mdb_sa_id_1234567890abcdef12345678/secrets", ORG),
        "clientId",
        pattern,
    );
    refused(
        &InviteGroupServiceAccount::new(BAD_SA, GROUP, vec!["GROUP_OWNER".into()]),
        "clientId",
        pattern,
    );
    refused(
        &CreateGroupServiceAccountSecret::new(GROUP, "", 8),
        "clientId",
        empty,
    );
    refused(
        &ListOrgServiceAccountAccessList::new(ORG, BAD_SA),
        "clientId",
        pattern,
    );
    refused(
        &GetOrgServiceAccountGroups::new(ORG, BAD_SA),
        "clientId",
        pattern,
    );
}

#[test]
fn secret_id_has_no_pattern_but_must_be_a_segment() {
    // The spec gives secretId no pattern: anything non-empty goes (encoded as one segment).
    let ok = DeleteOrgServiceAccountSecret::new(SA, "not-hex at all", ORG);
    assert!(ok.validate().is_ok());
    refused(
        &DeleteOrgServiceAccountSecret::new(SA, "", ORG),
        "secretId",
        empty,
    );
    refused(
        &DeleteGroupServiceAccountSecret::new(SA, ".", GROUP),
        "secretId",
        dot,
    );
}

#[test]
fn ip_address_path_pattern_and_encoding() {
    refused(
        &DeleteOrgServiceAccountAccessListEntry::new(ORG, SA, "192.0.2.0/24"),
        "ipAddress",
        escapes,
    );
    refused(
        &DeleteOrgServiceAccountAccessListEntry::new(ORG, SA, "192.0.2.0%2"),
        "ipAddress",
        escapes,
    );
    refused(
        &DeleteGroupServiceAccountAccessListEntry::new(GROUP, SA, "example.com"),
        "ipAddress",
        pattern,
    );
    refused(
        &DeleteGroupServiceAccountAccessListEntry::new(GROUP, SA, "192.0.2.0%2F24?x"),
        "ipAddress",
        escapes,
    );
    for ok in [
        "192.0.2.0%2F24",
        "192.0.2.0%2f24",
        "203.0.113.10",
        "2001:db8:0:0:0:0:0:1",
        "2001:db8:0:0:0:0:0:0%2F64",
        "2001:db8::%2F32",
    ] {
        assert!(
            DeleteOrgServiceAccountAccessListEntry::new(ORG, SA, ok)
                .validate()
                .is_ok(),
            "{ok}"
        );
    }
}

// ---- bodies ----

fn org_roles() -> Vec<OrgRole> {
    vec![OrgRole::OrgMember]
}

#[test]
fn names_have_1_to_64_allowed_chars() {
    refused(
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: ORG.into(),
                name: "".into(),
                description: "d".into(),
                roles: org_roles(),
                secret_expires_after_hours: 8,
            },
        ),
        "name",
        length,
    );
    refused(
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: ORG.into(),
                name: "x".repeat(65),
                description: "d".into(),
                roles: org_roles(),
                secret_expires_after_hours: 8,
            },
        ),
        "name",
        length,
    );
    refused(
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: ORG.into(),
                name: "ci/deployer".into(),
                description: "d".into(),
                roles: org_roles(),
                secret_expires_after_hours: 8,
            },
        ),
        "name",
        pattern,
    );
    refused(
        &CreateGroupServiceAccount::new(
            atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                group_id: GROUP.into(),
                name: "ci!".into(),
                description: "d".into(),
                roles: vec!["GROUP_OWNER".into()],
                secret_expires_after_hours: 8,
            },
        ),
        "name",
        pattern,
    );
    refused(
        &CreateGroupServiceAccount::new(
            atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                group_id: GROUP.into(),
                name: "".into(),
                description: "d".into(),
                roles: vec!["GROUP_OWNER".into()],
                secret_expires_after_hours: 8,
            },
        ),
        "name",
        length,
    );
    // 64 letters of any script are fine; characters, not bytes, are counted.
    let ok = CreateOrgServiceAccount::new(
        atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
            org_id: ORG.into(),
            name: "東".repeat(64),
            description: "Zoë's CI, v2.1".into(),
            roles: org_roles(),
            secret_expires_after_hours: 8,
        },
    );
    assert!(ok.validate().is_ok());
}

#[test]
fn descriptions_have_1_to_250_allowed_chars() {
    refused(
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: ORG.into(),
                name: "n".into(),
                description: "".into(),
                roles: org_roles(),
                secret_expires_after_hours: 8,
            },
        ),
        "description",
        length,
    );
    refused(
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: ORG.into(),
                name: "n".into(),
                description: "d".repeat(251),
                roles: org_roles(),
                secret_expires_after_hours: 8,
            },
        ),
        "description",
        length,
    );
    refused(
        &CreateGroupServiceAccount::new(
            atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                group_id: GROUP.into(),
                name: "n".into(),
                description: "line\nbreak".into(),
                roles: vec!["GROUP_OWNER".into()],
                secret_expires_after_hours: 8,
            },
        ),
        "description",
        pattern,
    );
    refused(
        &CreateGroupServiceAccount::new(
            atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                group_id: GROUP.into(),
                name: "n".into(),
                description: "é".repeat(251),
                roles: vec!["GROUP_OWNER".into()],
                secret_expires_after_hours: 8,
            },
        ),
        "description",
        length,
    );
    let ok = CreateOrgServiceAccount::new(
        atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
            org_id: ORG.into(),
            name: "n".into(),
            description: "é".repeat(250),
            roles: org_roles(),
            secret_expires_after_hours: 8,
        },
    );
    assert!(ok.validate().is_ok());
}

#[test]
fn roles_are_not_empty() {
    refused(
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: ORG.into(),
                name: "n".into(),
                description: "d".into(),
                roles: vec![],
                secret_expires_after_hours: 8,
            },
        ),
        "roles",
        length,
    );
    refused(
        &CreateGroupServiceAccount::new(
            atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                group_id: GROUP.into(),
                name: "n".into(),
                description: "d".into(),
                roles: vec![],
                secret_expires_after_hours: 8,
            },
        ),
        "roles",
        length,
    );
    refused(
        &InviteGroupServiceAccount::new(SA, GROUP, vec![]),
        "roles",
        length,
    );
}

#[test]
fn secret_lifetimes_are_above_zero() {
    refused(
        &CreateOrgServiceAccountSecret::new(ORG, SA, 0),
        "secretExpiresAfterHours",
        range,
    );
    refused(
        &CreateGroupServiceAccountSecret::new(GROUP, SA, -8),
        "secretExpiresAfterHours",
        range,
    );
    refused(
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: ORG.into(),
                name: "n".into(),
                description: "d".into(),
                roles: org_roles(),
                secret_expires_after_hours: 0,
            },
        ),
        "secretExpiresAfterHours",
        range,
    );
    refused(
        &CreateGroupServiceAccount::new(
            atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                group_id: GROUP.into(),
                name: "n".into(),
                description: "d".into(),
                roles: vec!["GROUP_OWNER".into()],
                secret_expires_after_hours: 0,
            },
        ),
        "secretExpiresAfterHours",
        range,
    );
    assert!(
        CreateOrgServiceAccountSecret::new(ORG, SA, 1)
            .validate()
            .is_ok()
    );
}

#[test]
fn patch_values_follow_the_same_rules_and_null_is_allowed() {
    refused(
        &UpdateOrgServiceAccount::new(SA, ORG).name(Patch::Set(String::new())),
        "name",
        length,
    );
    refused(
        &UpdateOrgServiceAccount::new(SA, ORG).name(Patch::Set("a".repeat(65))),
        "name",
        length,
    );
    refused(
        &UpdateOrgServiceAccount::new(SA, ORG).name(Patch::Set("<script>".into())),
        "name",
        pattern,
    );
    refused(
        &UpdateGroupServiceAccount::new(SA, GROUP).description(Patch::Set("d".repeat(251))),
        "description",
        length,
    );
    refused(
        &UpdateGroupServiceAccount::new(SA, GROUP).description(Patch::Set("a;b".into())),
        "description",
        pattern,
    );
    let clear = UpdateOrgServiceAccount::new(SA, ORG)
        .name(Patch::Clear)
        .description(Patch::Clear);
    assert!(clear.validate().is_ok(), "clearing is not a length of 0");
}

// ---- query ----

#[test]
fn page_bounds() {
    refused(
        &ListOrgServiceAccounts::new(ORG).items_per_page(0),
        "itemsPerPage",
        range,
    );
    refused(
        &ListGroupServiceAccounts::new(GROUP).items_per_page(501),
        "itemsPerPage",
        range,
    );
    refused(
        &ListOrgServiceAccounts::new(ORG).page_num(0),
        "pageNum",
        range,
    );
    refused(
        &ListOrgServiceAccountAccessList::new(ORG, SA).page_num(-1),
        "pageNum",
        range,
    );
    refused(
        &ListGroupServiceAccountAccessList::new(GROUP, SA).items_per_page(1_000),
        "itemsPerPage",
        range,
    );
    refused(
        &GetOrgServiceAccountGroups::new(ORG, SA).items_per_page(0),
        "itemsPerPage",
        range,
    );
    refused(
        &CreateOrgServiceAccountAccessList::new(ORG, SA, vec![]).page_num(0),
        "pageNum",
        range,
    );
    refused(
        &CreateGroupServiceAccountAccessList::new(GROUP, SA, vec![]).items_per_page(501),
        "itemsPerPage",
        range,
    );
    assert!(
        ListOrgServiceAccounts::new(ORG)
            .items_per_page(500)
            .page_num(1)
            .validate()
            .is_ok()
    );
}

// ---- access list entries ----

fn entries(n: usize) -> Vec<AccessListEntry> {
    (0..n)
        .map(|i| AccessListEntry::ip(format!("198.51.{}.{}", i / 256, i % 256)))
        .collect()
}

#[test]
fn at_most_200_entries() {
    assert!(
        CreateOrgServiceAccountAccessList::new(ORG, SA, entries(200))
            .validate()
            .is_ok()
    );
    assert!(
        CreateOrgServiceAccountAccessList::new(ORG, SA, entries(201))
            .validate()
            .is_err()
    );
    let v = refused(
        &CreateOrgServiceAccountAccessList::new(ORG, SA, entries(201)),
        "body",
        length,
    );
    assert_eq!(v.violations.len(), 1);
    assert_eq!(v.violations[0].location, Location::WholeBody);
    assert_eq!(
        v.violations[0].rule,
        Rule::Length {
            min: None,
            max: Some(200),
            actual: 201
        }
    );
    refused(
        &CreateGroupServiceAccountAccessList::new(GROUP, SA, entries(201)),
        "body",
        length,
    );
}

#[test]
fn each_entry_matches_its_own_form() {
    let v = refused(
        &CreateOrgServiceAccountAccessList::new(
            ORG,
            SA,
            vec![
                AccessListEntry::cidr("203.0.113.0/24"),
                AccessListEntry::ip("203.0.113.0/24"),
                AccessListEntry::ip("198.51.100.7"),
                AccessListEntry::cidr("198.51.100.7"),
            ],
        ),
        "body",
        pattern,
    );
    let bad: Vec<&str> = v
        .violations
        .iter()
        .map(|x| x.value.as_deref().unwrap())
        .collect();
    assert_eq!(
        bad,
        ["ipAddress=203.0.113.0/24", "cidrBlock=198.51.100.7"],
        "{v}"
    );
    // The message names the form and the value.
    let shown = v.to_string();
    assert!(shown.contains("ipAddress=203.0.113.0/24"), "{shown}");
    refused(
        &CreateGroupServiceAccountAccessList::new(GROUP, SA, vec![AccessListEntry::ip("")]),
        "body",
        pattern,
    );
    refused(
        &CreateGroupServiceAccountAccessList::new(GROUP, SA, vec![AccessListEntry::cidr("")]),
        "body",
        pattern,
    );
}

#[test]
fn every_violation_is_reported_at_once() {
    let call = CreateOrgServiceAccount::new(
        atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
            org_id: BAD_ORG.into(),
            name: "".into(),
            description: "d".repeat(300),
            roles: vec![],
            secret_expires_after_hours: 0,
        },
    );
    let v = refused(&call, "orgId", pattern);
    let params: Vec<&str> = v.violations.iter().map(|x| x.param).collect();
    assert_eq!(
        params,
        [
            "orgId",
            "description",
            "name",
            "roles",
            "secretExpiresAfterHours"
        ]
    );
}

// ---- the address patterns ----

const VALID_IPS: &[&str] = &[
    "0.0.0.0",
    "1.2.3.4",
    "9.9.9.9",
    "10.0.0.1",
    "100.64.0.1",
    "172.16.254.1",
    "192.168.1.255",
    "198.51.100.7",
    "199.200.201.249",
    "203.0.113.10",
    "255.255.255.255",
    "250.251.252.253",
    "2001:db8:0:0:0:0:0:1",
    "fe80:0:0:0:202:b3ff:fe1e:8329",
    "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    "0:0:0:0:0:0:0:0",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    // The spec's own quirks: its IPv4 alternative is not anchored at the end, its IPv6
    // one not at the start.
    "1.2.3.4.5",
    "1.2.3.4.x",
    "x1:2:3:4:5:6:7:8",
];

const INVALID_IPS: &[&str] = &[
    "",
    "1",
    "1.2.3",
    "1.2.3.",
    "1.2.3.4.",
    "1.2.3.4/32",
    "1.2.3.4%2F32",
    " 1.2.3.4",
    "1.2.3.4 ",
    "1.2.3.4\n",
    "256.1.1.1",
    "1.256.1.1",
    "1.1.1.256",
    "300.1.1.1",
    "01.2.3.4",
    "1.02.3.4",
    "1.2.3.04",
    "00.0.0.0",
    "1..2.3",
    "1.2.3.4a",
    "a1.2.3.4",
    "1.2.3.\u{663}",
    "١.٢.٣.٤",
    "-1.2.3.4",
    "1.2.3.-4",
    "2001:db8::1",
    "::1",
    "::",
    "2001:DB8:0:0:0:0:0:1",
    "2001:db8:0:0:0:0:1",
    "2001:db8:0:0:0:0:0:1:",
    "2001:db8:0:0:0:0:0:12345",
    "2001:db8:0:0:0:0:0:g",
    "2001:db8:0:0:0:0:0:1/64",
    "::ffff:192.0.2.1",
    "localhost",
    "example.com",
];

#[test]
fn ip_addresses_valid_and_invalid() {
    for ip in VALID_IPS {
        assert!(spec_ip_address(ip), "the spec accepts {ip:?}");
        assert!(AccessListEntry::ip(*ip).is_valid(), "{ip:?} should pass");
    }
    for ip in INVALID_IPS {
        assert!(!spec_ip_address(ip), "the spec refuses {ip:?}");
        assert!(!AccessListEntry::ip(*ip).is_valid(), "{ip:?} should fail");
    }
}

#[test]
fn cidr_blocks_valid_and_invalid() {
    for ok in [
        "203.0.113.0/24",
        "0.0.0.0/0",
        "10.0.0.0/8",
        "192.0.2.0%2F24",
        "192.0.2.0%2f24",
        "2001:db8::/32",
        "2001:db8:0:0:0:0:0:0/64",
        "::1/128",
        "fe80::/10",
        // As loose as the spec: octets and prefixes are 1 to 3 digits, not ranges.
        "999.999.999.999/999",
    ] {
        assert!(AccessListEntry::cidr(ok).is_valid(), "{ok:?} should pass");
    }
    for bad in [
        "",
        "203.0.113.0",
        "203.0.113.0/",
        "203.0.113.0/1234",
        "203.0.113/24",
        "203.0.113.0 /24",
        "203.0.113.0/24\n",
        "2001:DB8::/32",
        // The spec's pattern wants at least one group of hex digits.
        "::/0",
        "2001:db8::",
        "example.com/24",
        "203.0.113.0%2F",
    ] {
        assert!(
            !AccessListEntry::cidr(bad).is_valid(),
            "{bad:?} should fail"
        );
    }
}

/// The spec's `ipAddress` pattern, with its look-ahead, followed step by step: a search
/// for `^((OCTET)(\.(?!$)|$)){4}` or `([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$`. Written from the
/// spec's text, independently of the rewritten pattern.
fn spec_ip_address(text: &str) -> bool {
    let b = text.as_bytes();
    // OCTET = 25[0-5] | 2[0-4]\d | 1\d\d | [1-9]\d | \d : the ends it can reach from `i`.
    let octet_ends = |i: usize| -> Vec<usize> {
        let d = |j: usize| b.get(j).is_some_and(u8::is_ascii_digit);
        let at = |j: usize| b.get(j).copied();
        let mut ends = Vec::new();
        if at(i) == Some(b'2') && at(i + 1) == Some(b'5') && matches!(at(i + 2), Some(b'0'..=b'5'))
        {
            ends.push(i + 3);
        }
        if at(i) == Some(b'2') && matches!(at(i + 1), Some(b'0'..=b'4')) && d(i + 2) {
            ends.push(i + 3);
        }
        if at(i) == Some(b'1') && d(i + 1) && d(i + 2) {
            ends.push(i + 3);
        }
        if matches!(at(i), Some(b'1'..=b'9')) && d(i + 1) {
            ends.push(i + 2);
        }
        if d(i) {
            ends.push(i + 1);
        }
        ends
    };
    fn rounds(b: &[u8], i: usize, done: usize, octet_ends: &dyn Fn(usize) -> Vec<usize>) -> bool {
        if done == 4 {
            return true;
        }
        octet_ends(i).into_iter().any(|e| {
            // `\.(?!$)`: a dot that is not the last byte; or `$`: the end.
            (b.get(e) == Some(&b'.') && e + 1 != b.len() && rounds(b, e + 1, done + 1, octet_ends))
                || (e == b.len() && rounds(b, e, done + 1, octet_ends))
        })
    }
    let ipv4 = rounds(b, 0, 0, &octet_ends);
    let hex_group = |g: &str| {
        (1..=4).contains(&g.len()) && g.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    };
    // Unanchored at the start: some suffix is exactly eight groups.
    let ipv6 = (0..=b.len())
        .filter(|&k| text.is_char_boundary(k))
        .any(|k| {
            let groups: Vec<&str> = text[k..].split(':').collect();
            groups.len() == 8 && groups.iter().all(|g| hex_group(g))
        });
    ipv4 || ipv6
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }
}

/// Texts near the patterns' languages: random strings over their alphabet, dotted quads
/// with good and bad octets, colon groups with good and bad hex, with prefixes and
/// suffixes.
fn corpus() -> Vec<String> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::new();
    let alphabet: Vec<char> = "0123456789.:abcdefAF%/ x\n\u{663}".chars().collect();
    for _ in 0..20_000 {
        let len = rng.below(40);
        out.push(
            (0..len)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect(),
        );
    }
    for _ in 0..20_000 {
        let n = 2 + rng.below(5);
        let mut s: Vec<String> = Vec::new();
        for _ in 0..n {
            s.push(match rng.below(10) {
                0 => format!("{}", 256 + rng.below(744)),
                1 => format!("0{}", rng.below(100)),
                2 => rng
                    .pick(&["", "a", "1a", "\u{663}", "00", "-1"])
                    .to_string(),
                _ => format!("{}", rng.below(256)),
            });
        }
        let mut text = s.join(".");
        if rng.below(3) == 0 {
            text.push_str(rng.pick(&[".", ".x", "\n", "/24", "%2F24", " ", "..", ".5", "/"]));
        }
        if rng.below(10) == 0 {
            text.insert_str(0, rng.pick(&[" ", "x", ":", "\n"]));
        }
        out.push(text);
    }
    for _ in 0..20_000 {
        let n = 5 + rng.below(6);
        let groups: Vec<String> = (0..n)
            .map(|_| {
                let len = rng.below(6);
                (0..len)
                    .map(|_| rng.pick(&["0", "1", "9", "a", "f", "B", "x"]))
                    .collect()
            })
            .collect();
        let mut text = groups.join(":");
        if rng.below(5) == 0 {
            text.insert_str(0, rng.pick(&["zz", "1.2.3.4", ":", "::"]));
        }
        if rng.below(4) == 0 {
            text.push_str(rng.pick(&[":", "\n", "/64", "%2F64", "/128", "x", "::/0"]));
        }
        out.push(text);
    }
    out
}

#[test]
fn the_ip_address_pattern_without_look_ahead_accepts_what_the_spec_accepts() {
    // The same pattern in Rust's `regex` with ASCII classes, as a second opinion on the
    // rewrite itself, apart from the macro's automata.
    let rewritten = regex::Regex::new(&IP_ADDRESS_PATTERN.replace(r"\d", "[0-9]")).unwrap();
    let mut accepted = 0;
    for text in corpus().iter().chain(
        VALID_IPS
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .iter(),
    ) {
        let expected = spec_ip_address(text);
        accepted += usize::from(expected);
        assert_eq!(rewritten.is_match(text), expected, "regex on {text:?}");
        assert_eq!(
            AccessListEntry::ip(text.clone()).is_valid(),
            expected,
            "declared pattern on {text:?}"
        );
    }
    assert!(
        accepted > 2_000,
        "the corpus reaches the language: {accepted}"
    );
    assert!(SPEC_IP_ADDRESS_PATTERN.contains("(?!$)"));
    for look_around in ["(?=", "(?!", "(?<=", "(?<!"] {
        assert!(
            !IP_ADDRESS_PATTERN.contains(look_around),
            "no look-around: {IP_ADDRESS_PATTERN}"
        );
    }
}

#[test]
fn the_cidr_pattern_is_the_spec_s() {
    let spec = regex::Regex::new(CIDR_BLOCK_PATTERN).unwrap();
    let mut accepted = 0;
    let corpus = corpus();
    let cidrs = corpus
        .iter()
        .map(|t| format!("{t}/24"))
        .chain(corpus.iter().cloned());
    for text in cidrs {
        let expected = spec.is_match(&text);
        accepted += usize::from(expected);
        assert_eq!(
            AccessListEntry::cidr(text.clone()).is_valid(),
            expected,
            "{text:?}"
        );
    }
    assert!(
        accepted > 2_000,
        "the corpus reaches the language: {accepted}"
    );
}

#[needs(spec)]
fn the_access_list_patterns_are_the_spec_s() {
    let spec = atlas_test_support::spec::spec();
    let props = &spec["components"]["schemas"]["ServiceAccountIPAccessListEntry"]["properties"];
    assert_eq!(props["cidrBlock"]["pattern"], CIDR_BLOCK_PATTERN);
    assert_eq!(props["ipAddress"]["pattern"], SPEC_IP_ADDRESS_PATTERN);
}

#[test]
fn invite_roles_must_be_unique() {
    use atlas_endpoints::service_accounts::InviteGroupServiceAccount;
    use atlas_runtime::Endpoint;
    let call = InviteGroupServiceAccount::new(
        "mdb_sa_id_1234567890abcdef12345678",
        "5f7a3c9e1b2d4e6f8a0b1c2d",
        vec![
            "GROUP_READ_ONLY".into(),
            "GROUP_OWNER".into(),
            "GROUP_READ_ONLY".into(),
        ],
    );
    let err = call.validate().unwrap_err();
    assert_eq!(err.violations.len(), 1, "{err}");
    assert_eq!(err.violations[0].param, "roles");
    assert!(
        err.to_string().contains("must give each value once"),
        "{err}"
    );
}
