//! Fidelity of both sides of the wire, checked against the official spec: every operation
//! is driven with the project's client through Prism as a validating proxy
//! (`prism proxy v2.yaml <emulator> --errors`) in front of the emulator. Prism must report
//! no request or response violation (`sl-violations` absent), so our requests and the
//! emulator's answers both match the spec.

use atlas_test_needs::needs;
use std::fmt::Debug;

use atlas_endpoints::service_accounts::*;
use atlas_mock::MockAtlas;
use atlas_runtime::{
    Client, Credentials, Endpoint, RequestOptions, RetryPolicy,
    implement::{build_request, decode_response},
};
use atlas_test_support::prism::Prism;

/// Sends `call` through Prism, checking violations and the documented status; returns
/// the typed answer.
fn drive<E: Endpoint>(client: &Client, call: &E) -> Result<E::Response, String>
where
    E::Response: Debug,
{
    let name = E::INFO.type_name;
    let options = RequestOptions::new();
    let request =
        build_request(call, client.context(), &options).map_err(|e| format!("{name}: {e}"))?;
    let response = client
        .execute(request)
        .map_err(|e| format!("{name}: {e}"))?;
    if let Some(v) = response.headers().get("sl-violations") {
        return Err(format!(
            "{name}: Prism reported violations ({}): {v:?}; body {}",
            response.status(),
            String::from_utf8_lossy(response.body())
        ));
    }
    decode_response::<E>(&response, &options).map_err(|e| format!("{name}: {e}"))
}

#[needs(prism, spec)]
fn every_operation_through_prism_in_front_of_the_emulator() {
    let mock = MockAtlas::start();
    let prism = Prism::proxy(mock.url());
    // Tokens come from the emulator itself: the token endpoint is not part of the spec.
    let client = Client::builder()
        .base_url(prism.url())
        .token_url(format!("{}/api/oauth/token", mock.url()))
        .credentials(Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let org = mock.org_id().to_string();
    let group = mock.project_id().to_string();
    let mut failures: Vec<String> = Vec::new();
    let mut check = |outcome: Result<(), String>| {
        if let Err(e) = outcome {
            failures.push(e);
        }
    };
    let c = &client;

    // Org level, in an order that keeps every call meaningful.
    let created = drive(
        c,
        &CreateOrgServiceAccount::new(
            atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                org_id: org.as_str().into(),
                name: "fidelity-bot".into(),
                description: "Checks the emulator".into(),
                roles: vec![OrgRole::OrgMember],
                secret_expires_after_hours: 8,
            },
        ),
    );
    let sa = match &created {
        Ok(a) => a
            .client_id
            .as_ref()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        Err(e) => panic!(
            "cannot go on without a service account: {e}\n{}",
            prism.log_tail(30)
        ),
    };
    check(
        drive(
            c,
            &ListOrgServiceAccounts::new(org.as_str()).items_per_page(1),
        )
        .map(drop),
    );
    check(drive(c, &GetOrgServiceAccount::new(org.as_str(), sa.as_str())).map(drop));
    check(
        drive(
            c,
            &UpdateOrgServiceAccount::new(sa.as_str(), org.as_str())
                .description("Renamed".to_string()),
        )
        .map(drop),
    );
    let secret = drive(
        c,
        &CreateOrgServiceAccountSecret::new(org.as_str(), sa.as_str(), 8),
    );
    if let Ok(s) = &secret {
        check(
            drive(
                c,
                &DeleteOrgServiceAccountSecret::new(sa.as_str(), s.id.as_str(), org.as_str()),
            )
            .map(drop),
        );
    }
    check(secret.map(drop));
    let entries = vec![
        AccessListEntry::cidr("203.0.113.0/24"),
        AccessListEntry::ip("198.51.100.7"),
    ];
    check(
        drive(
            c,
            &CreateOrgServiceAccountAccessList::new(org.as_str(), sa.as_str(), entries),
        )
        .map(drop),
    );
    check(
        drive(
            c,
            &ListOrgServiceAccountAccessList::new(org.as_str(), sa.as_str()),
        )
        .map(drop),
    );
    check(
        drive(
            c,
            &DeleteOrgServiceAccountAccessListEntry::new(
                org.as_str(),
                sa.as_str(),
                "203.0.113.0%2F24",
            ),
        )
        .map(drop),
    );

    // Project level: invite the account, then the same family.
    check(
        drive(
            c,
            &InviteGroupServiceAccount::new(
                sa.as_str(),
                group.as_str(),
                vec!["GROUP_READ_ONLY".into()],
            ),
        )
        .map(drop),
    );
    check(
        drive(
            c,
            &GetOrgServiceAccountGroups::new(org.as_str(), sa.as_str()),
        )
        .map(drop),
    );
    check(drive(c, &ListGroupServiceAccounts::new(group.as_str())).map(drop));
    check(drive(c, &GetGroupServiceAccount::new(group.as_str(), sa.as_str())).map(drop));
    check(
        drive(
            c,
            &UpdateGroupServiceAccount::new(sa.as_str(), group.as_str())
                .description("Project view".to_string()),
        )
        .map(drop),
    );
    let group_secret = drive(
        c,
        &CreateGroupServiceAccountSecret::new(group.as_str(), sa.as_str(), 8),
    );
    if let Ok(s) = &group_secret {
        check(
            drive(
                c,
                &DeleteGroupServiceAccountSecret::new(sa.as_str(), s.id.as_str(), group.as_str()),
            )
            .map(drop),
        );
    }
    check(group_secret.map(drop));
    // One access list per account, seen from both levels: add what is not there yet.
    let more = vec![AccessListEntry::ip("192.0.2.10")];
    check(
        drive(
            c,
            &CreateGroupServiceAccountAccessList::new(group.as_str(), sa.as_str(), more),
        )
        .map(drop),
    );
    check(
        drive(
            c,
            &ListGroupServiceAccountAccessList::new(group.as_str(), sa.as_str()),
        )
        .map(drop),
    );
    check(
        drive(
            c,
            &DeleteGroupServiceAccountAccessListEntry::new(
                group.as_str(),
                sa.as_str(),
                "198.51.100.7",
            ),
        )
        .map(drop),
    );
    check(
        drive(
            c,
            &DeleteGroupServiceAccount::new(sa.as_str(), group.as_str()),
        )
        .map(drop),
    );

    // A project-level create makes a second account, deleted at org level.
    let project_sa = drive(
        c,
        &CreateGroupServiceAccount::new(
            atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                group_id: group.as_str().into(),
                name: "project-bot".into(),
                description: "Made in a project".into(),
                roles: vec!["GROUP_READ_ONLY".into()],
                secret_expires_after_hours: 8,
            },
        ),
    );
    if let Ok(a) = &project_sa {
        let id = a
            .client_id
            .as_ref()
            .map(|c| c.as_str().to_string())
            .unwrap_or_default();
        check(drive(c, &DeleteOrgServiceAccount::new(id.as_str(), org.as_str())).map(drop));
    }
    check(project_sa.map(drop));
    check(drive(c, &DeleteOrgServiceAccount::new(sa.as_str(), org.as_str())).map(drop));

    assert!(
        failures.is_empty(),
        "{} failures:\n{}\n--- prism log tail ---\n{}",
        failures.len(),
        failures.join("\n"),
        prism.log_tail(40)
    );
    // Each of the 22 operations reached the emulator through Prism.
    let reached: std::collections::BTreeSet<(String, String)> = mock
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/atlas/v2/"))
        .map(|r| (r.method.clone(), shape(&r.path)))
        .collect();
    assert_eq!(reached.len(), 22, "{reached:#?}");
}

/// A path with its ids replaced by their placeholders' names, to count operations.
fn shape(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let (seg, suffix) = seg.split_once(':').map_or((seg, ""), |(a, b)| (a, b));
            let name = if seg.starts_with("mdb_sa_id_") {
                "{clientId}"
            } else if seg.len() == 24 && seg.bytes().all(|b| b.is_ascii_hexdigit()) {
                "{id}"
            } else if seg.contains('.') {
                "{ipAddress}"
            } else {
                seg
            };
            if suffix.is_empty() {
                name.to_string()
            } else {
                format!("{name}:{suffix}")
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}
