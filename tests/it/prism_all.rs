//! Every declared operation through `send()` against Prism serving the official spec with
//! `--errors`: each valid request must get its documented success status with no
//! `sl-violations` header, and the example body must decode into the typed response.
//! (Invalid inputs, one per rule, are stopped by `validate()` before any I/O: see
//! `service_accounts_validation.rs`.)

use atlas_test_needs::needs;
use std::fmt::Debug;

use atlas_endpoints::service_accounts::*;
use atlas_runtime::{
    Client, Credentials, Endpoint, RequestOptions, RetryPolicy,
    implement::{build_request, decode_response},
};
use atlas_test_support::prism::shared_mock;

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const GROUP: &str = "5f7a3c9e1b2d4e6f8a0b1c2d";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const SECRET: &str = "6f0d8a1b2c3d4e5f60718293";

/// Sends `call` to Prism and checks status, violations and decoding.
fn drive<E: Endpoint>(client: &Client, call: &E) -> Result<(), String>
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
    let status = response.status().as_u16();
    if let Some(v) = response.headers().get("sl-violations") {
        return Err(format!("{name}: Prism reported violations: {v:?}"));
    }
    if !E::INFO.method.success_statuses().contains(&status) {
        return Err(format!(
            "{name}: status {status}: {}",
            String::from_utf8_lossy(response.body())
        ));
    }
    decode_response::<E>(&response, &options).map_err(|e| format!("{name}: {e}"))?;
    // And the one-call form.
    client
        .send(call)
        .map(|_| ())
        .map_err(|e| format!("{name} via send(): {e}"))
}

#[needs(prism, spec)]
fn every_declared_operation_passes_prism() {
    let prism = shared_mock();
    let client = Client::builder()
        .base_url(prism.url())
        .credentials(Credentials::bearer("prism-accepts-any-bearer"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let entries = || {
        vec![
            AccessListEntry::cidr("203.0.113.0/24"),
            AccessListEntry::ip("198.51.100.7"),
        ]
    };
    let c = &client;
    let outcomes: Vec<Result<(), String>> = vec![
        drive(
            c,
            &ListOrgServiceAccounts::new(ORG)
                .items_per_page(50)
                .page_num(1),
        ),
        drive(
            c,
            &CreateOrgServiceAccount::new(
                atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                    org_id: ORG.into(),
                    name: "ci-bot".into(),
                    description: "Rotates secrets".into(),
                    roles: vec![OrgRole::OrgMember],
                    secret_expires_after_hours: 8,
                },
            ),
        ),
        drive(c, &GetOrgServiceAccount::new(ORG, SA)),
        drive(
            c,
            &UpdateOrgServiceAccount::new(SA, ORG).name("ci-bot-2".to_string()),
        ),
        drive(c, &DeleteOrgServiceAccount::new(SA, ORG)),
        drive(c, &GetOrgServiceAccountGroups::new(ORG, SA)),
        drive(c, &CreateOrgServiceAccountSecret::new(ORG, SA, 8)),
        drive(c, &DeleteOrgServiceAccountSecret::new(SA, SECRET, ORG)),
        drive(c, &ListOrgServiceAccountAccessList::new(ORG, SA)),
        drive(
            c,
            &CreateOrgServiceAccountAccessList::new(ORG, SA, entries()),
        ),
        drive(
            c,
            &DeleteOrgServiceAccountAccessListEntry::new(ORG, SA, "192.0.2.0%2F24"),
        ),
        drive(c, &ListGroupServiceAccounts::new(GROUP)),
        drive(
            c,
            &CreateGroupServiceAccount::new(
                atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                    group_id: GROUP.into(),
                    name: "backup-bot".into(),
                    description: "Takes snapshots".into(),
                    roles: vec!["GROUP_READ_ONLY".into()],
                    secret_expires_after_hours: 24,
                },
            ),
        ),
        drive(c, &GetGroupServiceAccount::new(GROUP, SA)),
        drive(
            c,
            &UpdateGroupServiceAccount::new(SA, GROUP).description("Nightly".to_string()),
        ),
        drive(c, &DeleteGroupServiceAccount::new(SA, GROUP)),
        drive(
            c,
            &InviteGroupServiceAccount::new(SA, GROUP, vec!["GROUP_READ_ONLY".into()]),
        ),
        drive(c, &CreateGroupServiceAccountSecret::new(GROUP, SA, 24)),
        drive(c, &DeleteGroupServiceAccountSecret::new(SA, SECRET, GROUP)),
        drive(c, &ListGroupServiceAccountAccessList::new(GROUP, SA)),
        drive(
            c,
            &CreateGroupServiceAccountAccessList::new(GROUP, SA, entries()),
        ),
        drive(
            c,
            &DeleteGroupServiceAccountAccessListEntry::new(GROUP, SA, "198.51.100.7"),
        ),
    ];
    assert_eq!(
        outcomes.len(),
        atlas_endpoints::service_accounts::ENDPOINTS.len(),
        "every declared operation is driven"
    );
    let failures: Vec<String> = outcomes.into_iter().filter_map(Result::err).collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
