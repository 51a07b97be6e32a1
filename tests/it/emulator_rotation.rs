//! A full rotation with the SDK against the emulator: a service account created through
//! the API authenticates with its own secret; after rotation the new secret works and the
//! deleted one is refused; API keys work over Digest; envelope and pages agree.

use atlas_endpoints::service_accounts::{
    CreateOrgServiceAccount, CreateOrgServiceAccountSecret, DeleteOrgServiceAccountSecret,
    GetOrgServiceAccount, ListOrgServiceAccounts, OrgRole,
};
use atlas_mock::MockAtlas;
use atlas_runtime::{
    Client, Credentials, Error, RequestOptions, RetryPolicy, error::AuthErrorKind,
};
use secrecy::ExposeSecret;

fn client(mock: &MockAtlas, credentials: Credentials) -> Client {
    Client::builder()
        .base_url(mock.url())
        .credentials(credentials)
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

#[test]
fn a_created_account_authenticates_and_rotates() {
    let mock = MockAtlas::start();
    let owner = client(
        &mock,
        Credentials::service_account(mock.client_id(), mock.client_secret()),
    );
    let org = mock.org_id();

    let account = CreateOrgServiceAccount::new(
        atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
            org_id: org.into(),
            name: "rotating-bot".into(),
            description: "Rotated by a test".into(),
            roles: vec![OrgRole::OrgOwner],
            secret_expires_after_hours: 8,
        },
    )
    .send(&owner)
    .unwrap();
    let id = account.client_id.clone().unwrap();
    let first = &account.secrets.as_ref().unwrap()[0];
    let first_plain = first
        .secret
        .as_ref()
        .expect("plaintext on creation")
        .expose_secret()
        .to_string();

    // The new account signs in with its own secret.
    let bot = client(
        &mock,
        Credentials::service_account(id.as_str(), first_plain.as_str()),
    );
    let me = GetOrgServiceAccount::new(org, id.as_str())
        .send(&bot)
        .unwrap();
    assert_eq!(
        me.client_id.as_ref().map(|id| id.as_str()),
        Some(id.as_str())
    );
    // Afterwards only the masked value is shown.
    assert!(me.secrets.unwrap().iter().all(|s| s.secret.is_none()));

    // Rotate: a new secret, then the old one goes.
    let second = CreateOrgServiceAccountSecret::new(org, id.as_str(), 8)
        .send(&bot)
        .unwrap();
    let second_plain = second.secret.as_ref().unwrap().expose_secret().to_string();
    DeleteOrgServiceAccountSecret::new(id.as_str(), first.id.as_str(), org)
        .send(&owner)
        .unwrap();
    assert_eq!(mock.secret_count(id.as_str()), 1);

    let rotated = client(
        &mock,
        Credentials::service_account(id.as_str(), second_plain.as_str()),
    );
    GetOrgServiceAccount::new(org, id.as_str())
        .send(&rotated)
        .unwrap();
    let stale = client(
        &mock,
        Credentials::service_account(id.as_str(), first_plain.as_str()),
    );
    let err = GetOrgServiceAccount::new(org, id.as_str())
        .send(&stale)
        .unwrap_err();
    let Error::Auth(auth) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(auth.kind, AuthErrorKind::Refused);
    assert!(!format!("{err} {err:?}").contains(&first_plain));
}

#[test]
fn api_keys_work_over_digest() {
    let mock = MockAtlas::start();
    let key = client(
        &mock,
        Credentials::api_key(mock.public_api_key(), mock.private_api_key()),
    );
    for _ in 0..5 {
        GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
            .send(&key)
            .unwrap();
    }
    let path = format!(
        "/api/atlas/v2/orgs/{}/serviceAccounts/{}",
        mock.org_id(),
        mock.client_id()
    );
    let requests = mock.requests().iter().filter(|r| r.path == path).count();
    assert_eq!(requests, 6, "one challenge, then one request per call");
}

#[test]
fn envelopes_and_pages_read_the_same() {
    let mock = MockAtlas::start();
    for i in 0..4 {
        mock.add_service_account(&format!("bot-{i}"), &["ORG_MEMBER"]);
    }
    let owner = client(
        &mock,
        Credentials::service_account(mock.client_id(), mock.client_secret()),
    );
    let plain = ListOrgServiceAccounts::new(mock.org_id())
        .send(&owner)
        .unwrap();
    let enveloped = owner
        .send_with(
            &ListOrgServiceAccounts::new(mock.org_id()),
            &RequestOptions::new().envelope(true).pretty(true),
        )
        .unwrap();
    assert_eq!(plain.total_count, Some(5));
    assert_eq!(enveloped.total_count, plain.total_count);
    assert_eq!(enveloped.results.len(), plain.results.len());

    let by_two: Vec<String> = ListOrgServiceAccounts::new(mock.org_id())
        .items_per_page(2)
        .items(&owner)
        .map(|a| a.unwrap().client_id.unwrap().as_str().to_string())
        .collect();
    let all: Vec<String> = plain
        .results
        .into_iter()
        .map(|a| a.client_id.unwrap().as_str().to_string())
        .collect();
    assert_eq!(
        by_two, all,
        "three pages of two give the same accounts in the same order"
    );
}
