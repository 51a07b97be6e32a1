//! The Service Accounts are generated like every other tag; the declarations once written
//! by hand are kept as the reference they are held to ([`crate::reference`]). Each
//! generated operation must declare what its reference does (method, template, version,
//! names, roles, docs, body kind, every parameter with its place, presence, encoding and
//! rules), and build the same request from the same input, byte for byte.
//!
//! The one knowing difference: the whole body of the access-list creates is the field
//! `entries` by hand and `body` when generated (the generator's name for every whole
//! body); its rules are the same.

use atlas_runtime::implement::{Location, ParamInfo, RequestContext, build_request};
use atlas_runtime::{Endpoint, EndpointInfo, RequestOptions};

use crate::reference::service_accounts as reference;
use atlas_endpoints::service_accounts as generated;

/// A parameter of `info` matching `p` of the other side: by API name, the whole body by
/// its place.
fn counterpart<'a>(info: &'a EndpointInfo, p: &ParamInfo) -> Option<&'a ParamInfo> {
    match p.location {
        Location::WholeBody => info.params_in(Location::WholeBody).next(),
        _ => info.param(p.api_name),
    }
}

fn compare(hand: &EndpointInfo, gen_: &EndpointInfo, out: &mut Vec<String>) {
    let op = hand.operation_id.unwrap_or(hand.type_name);
    let mut differ = |what: &str, h: String, g: String| {
        if h != g {
            out.push(format!("{op}: {what}: by hand {h}, generated {g}"));
        }
    };
    differ("method", hand.method.to_string(), gen_.method.to_string());
    differ("template", hand.template.into(), gen_.template.into());
    differ(
        "version",
        format!("{:?}", hand.version),
        format!("{:?}", gen_.version),
    );
    differ("type name", hand.type_name.into(), gen_.type_name.into());
    differ(
        "body",
        format!("{:?}", hand.body),
        format!("{:?}", gen_.body),
    );
    differ(
        "idempotent",
        hand.idempotent.to_string(),
        gen_.idempotent.to_string(),
    );
    differ(
        "formats",
        format!("{:?}", hand.formats),
        format!("{:?}", gen_.formats),
    );
    differ("tag", format!("{:?}", hand.tag), format!("{:?}", gen_.tag));
    differ(
        "short id",
        format!("{:?}", hand.short_id),
        format!("{:?}", gen_.short_id),
    );
    differ(
        "docs",
        format!("{:?}", hand.docs),
        format!("{:?}", gen_.docs),
    );
    differ(
        "sunset",
        format!("{:?}", hand.sunset),
        format!("{:?}", gen_.sunset),
    );
    differ(
        "roles",
        format!("{:?}", hand.roles),
        format!("{:?}", gen_.roles),
    );
    for p in hand.params {
        let Some(q) = counterpart(gen_, p) else {
            out.push(format!(
                "{op}: `{}` is declared by hand but not generated",
                p.api_name
            ));
            continue;
        };
        let name = p.api_name;
        let mut differ = |what: &str, h: String, g: String| {
            if h != g {
                out.push(format!("{op}: `{name}` {what}: by hand {h}, generated {g}"));
            }
        };
        differ(
            "location",
            p.location.as_str().into(),
            q.location.as_str().into(),
        );
        differ("required", p.required.to_string(), q.required.to_string());
        differ(
            "sensitive",
            p.sensitive.to_string(),
            q.sensitive.to_string(),
        );
        differ("encoded", p.encoded.to_string(), q.encoded.to_string());
        differ("kind", format!("{:?}", p.kind), format!("{:?}", q.kind));
        let patterns = |x: &ParamInfo| x.patterns().map(|p| p.source()).collect::<Vec<_>>();
        differ(
            "patterns",
            format!("{:?}", patterns(p)),
            format!("{:?}", patterns(q)),
        );
        let others = |x: &ParamInfo| {
            x.constraints
                .iter()
                .filter(|c| !matches!(c, atlas_runtime::implement::Constraint::Pattern(_)))
                .map(|c| format!("{c:?}"))
                .collect::<Vec<_>>()
        };
        differ(
            "range and length",
            format!("{:?}", others(p)),
            format!("{:?}", others(q)),
        );
    }
    for q in gen_.params {
        if counterpart(hand, q).is_none() {
            out.push(format!(
                "{op}: `{}` is generated but not declared by hand",
                q.api_name
            ));
        }
    }
}

/// Every generated Service Accounts operation declares what its reference declares.
#[test]
fn every_generated_service_accounts_operation_is_its_reference() {
    let hand = reference::ENDPOINTS;
    let gen_ = generated::ENDPOINTS;
    assert_eq!(hand.len(), 22, "the reference's operations");
    assert_eq!(gen_.len(), 22, "the generated operations");
    let mut differences = Vec::new();
    for h in hand {
        match gen_.iter().find(|g| g.operation_id == h.operation_id) {
            Some(g) => compare(h, g, &mut differences),
            None => differences.push(format!("{}: not generated", h.type_name)),
        }
    }
    assert!(
        differences.is_empty(),
        "{} difference(s) from the reference:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

/// The request each side builds, as text: method, URI, headers, body (as JSON: the
/// generated bodies write members in the spec's order, the reference in its fields').
fn wire<E: Endpoint>(call: &E) -> String {
    match build_request(call, &RequestContext::default(), &RequestOptions::new()) {
        Ok(r) => format!(
            "{} {}\n{:?}\n{}",
            r.method(),
            r.uri(),
            r.headers(),
            match serde_json::from_slice::<serde_json::Value>(r.body()) {
                Ok(json) => json.to_string(),
                Err(_) => String::from_utf8_lossy(r.body()).into_owned(),
            }
        ),
        // The one knowing difference: the whole body's field name.
        Err(e) => format!("refused: {e}").replace("entries (whole body)", "body (whole body)"),
    }
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const GROUP: &str = "5f1a2b3c4d5e6f7081920a1b";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";

/// The same input gives the same request (or the same refusal) on both sides: every body,
/// the optional members, the encoded path value, and inputs each rule refuses.
#[test]
fn both_build_the_same_requests() {
    use generated::{AccessListEntry as GEntry, OrgRole as GRole};
    use reference::{AccessListEntry as HEntry, OrgRole as HRole};
    let mut differences = Vec::new();
    let mut same = |what: &str, h: String, g: String| {
        if h != g {
            differences.push(format!("{what}:\n  by hand   {h}\n  generated {g}"));
        }
    };

    for (name, description, hours) in [
        ("ci", "Deploys from CI", 8),
        ("", "x", 8),
        ("bad/name", "ok", 0),
        ("ok", &"d".repeat(251), 1),
    ] {
        same(
            "createOrgServiceAccount",
            wire(&reference::CreateOrgServiceAccount::new(
                ORG,
                name,
                description,
                vec![HRole::Member, HRole::from("ORG_NEW_ROLE")],
                hours,
            )),
            wire(&generated::CreateOrgServiceAccount::new(
                generated::CreateOrgServiceAccountRequired {
                    org_id: ORG.into(),
                    name: name.into(),
                    description: description.into(),
                    roles: vec![GRole::OrgMember, GRole::from("ORG_NEW_ROLE")],
                    secret_expires_after_hours: hours,
                },
            )),
        );
        same(
            "createGroupServiceAccount",
            wire(&reference::CreateGroupServiceAccount::new(
                GROUP,
                name,
                description,
                vec!["GROUP_READ_ONLY".into()],
                hours,
            )),
            wire(&generated::CreateGroupServiceAccount::new(
                generated::CreateGroupServiceAccountRequired {
                    group_id: GROUP.into(),
                    name: name.into(),
                    description: description.into(),
                    roles: vec!["GROUP_READ_ONLY".into()],
                    secret_expires_after_hours: hours,
                },
            )),
        );
    }
    same(
        "createOrgServiceAccount without roles",
        wire(&reference::CreateOrgServiceAccount::new(
            ORG,
            "a",
            "b",
            vec![],
            1,
        )),
        wire(&generated::CreateOrgServiceAccount::new(
            generated::CreateOrgServiceAccountRequired {
                org_id: ORG.into(),
                name: "a".into(),
                description: "b".into(),
                roles: vec![],
                secret_expires_after_hours: 1,
            },
        )),
    );
    same(
        "updateOrgServiceAccount",
        wire(
            &reference::UpdateOrgServiceAccount::new(ORG, SA)
                .name("renamed")
                .description(atlas_runtime::Patch::Clear)
                .roles(vec![HRole::Owner]),
        ),
        wire(
            &generated::UpdateOrgServiceAccount::new(SA, ORG)
                .name("renamed")
                .description(atlas_runtime::Patch::Clear)
                .roles(vec![GRole::OrgOwner]),
        ),
    );
    same(
        "updateGroupServiceAccount",
        wire(&reference::UpdateGroupServiceAccount::new(GROUP, SA).name("renamed")),
        wire(&generated::UpdateGroupServiceAccount::new(SA, GROUP).name("renamed")),
    );
    for hours in [720, 0, -1] {
        same(
            "createOrgServiceAccountSecret",
            wire(&reference::CreateOrgServiceAccountSecret::new(
                ORG, SA, hours,
            )),
            wire(&generated::CreateOrgServiceAccountSecret::new(
                ORG, SA, hours,
            )),
        );
        same(
            "createGroupServiceAccountSecret",
            wire(&reference::CreateGroupServiceAccountSecret::new(
                GROUP, SA, hours,
            )),
            wire(&generated::CreateGroupServiceAccountSecret::new(
                GROUP, SA, hours,
            )),
        );
    }
    for secret in ["6f0d8a1b2c3d4e5f60718293", "a/b c"] {
        same(
            "deleteOrgServiceAccountSecret",
            wire(&reference::DeleteOrgServiceAccountSecret::new(
                ORG, SA, secret,
            )),
            wire(&generated::DeleteOrgServiceAccountSecret::new(
                SA, secret, ORG,
            )),
        );
    }
    let entries = [
        ("cidr", "203.0.113.0/24"),
        ("ip", "198.51.100.7"),
        ("ip", "203.0.113.0/24"),
        ("cidr", "not a range"),
        ("ip", "2001:db8:0:0:0:0:0:1"),
    ];
    for (form, value) in entries {
        let (h, g) = match form {
            "cidr" => (HEntry::cidr(value), GEntry::cidr(value)),
            _ => (HEntry::ip(value), GEntry::ip(value)),
        };
        same(
            "createOrgServiceAccountAccessList",
            wire(
                &reference::CreateOrgServiceAccountAccessList::new(ORG, SA, vec![h.clone()])
                    .include_count(false),
            ),
            wire(
                &generated::CreateOrgServiceAccountAccessList::new(ORG, SA, vec![g.clone()])
                    .include_count(false),
            ),
        );
        same(
            "createGroupServiceAccountAccessList",
            wire(&reference::CreateGroupServiceAccountAccessList::new(
                GROUP,
                SA,
                vec![h.clone()],
            )),
            wire(&generated::CreateGroupServiceAccountAccessList::new(
                GROUP,
                SA,
                vec![g.clone()],
            )),
        );
        same(
            "deleteOrgServiceAccountAccessListEntry",
            wire(&reference::DeleteOrgServiceAccountAccessListEntry::new(
                ORG,
                SA,
                h.path_value(),
            )),
            wire(&generated::DeleteOrgServiceAccountAccessListEntry::new(
                ORG,
                SA,
                g.path_value(),
            )),
        );
        assert_eq!(h.is_valid(), g.is_valid(), "{form} {value}");
    }
    same(
        "createOrgServiceAccountAccessList, 201 entries",
        wire(&reference::CreateOrgServiceAccountAccessList::new(
            ORG,
            SA,
            vec![HEntry::ip("198.51.100.7"); 201],
        )),
        wire(&generated::CreateOrgServiceAccountAccessList::new(
            ORG,
            SA,
            vec![GEntry::ip("198.51.100.7"); 201],
        )),
    );
    for roles in [
        vec!["GROUP_READ_ONLY".to_string()],
        vec![],
        vec!["GROUP_READ_ONLY".into(), "GROUP_READ_ONLY".into()],
    ] {
        let h = wire(&reference::InviteGroupServiceAccount::new(
            GROUP,
            SA,
            roles.clone(),
        ));
        let g = wire(&generated::InviteGroupServiceAccount::new(SA, GROUP, roles));
        // The repeated-role refusal names values in general now ("each value once").
        same(
            "inviteGroupServiceAccount",
            h.replace("each role once", "each value once"),
            g,
        );
    }
    for (org, sa) in [(ORG, SA), ("not-an-org", SA), (ORG, "mdb_sa_id_short")] {
        same(
            "listOrgServiceAccountAccessList",
            wire(&reference::ListOrgServiceAccountAccessList::new(org, sa).items_per_page(500)),
            wire(&generated::ListOrgServiceAccountAccessList::new(org, sa).items_per_page(500)),
        );
        same(
            "getOrgServiceAccountGroups",
            wire(&reference::GetOrgServiceAccountGroups::new(org, sa).page_num(2)),
            wire(&generated::GetOrgServiceAccountGroups::new(org, sa).page_num(2)),
        );
        same(
            "getOrgServiceAccount",
            wire(&reference::GetOrgServiceAccount::new(org, sa)),
            wire(&generated::GetOrgServiceAccount::new(org, sa)),
        );
        same(
            "deleteOrgServiceAccount",
            wire(&reference::DeleteOrgServiceAccount::new(org, sa)),
            wire(&generated::DeleteOrgServiceAccount::new(sa, org)),
        );
    }
    same(
        "listOrgServiceAccounts",
        wire(
            &reference::ListOrgServiceAccounts::new(ORG)
                .include_system_managed(true)
                .items_per_page(0),
        ),
        wire(
            &generated::ListOrgServiceAccounts::new(ORG)
                .include_system_managed(true)
                .items_per_page(0),
        ),
    );
    assert!(
        differences.is_empty(),
        "{} request(s) differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
