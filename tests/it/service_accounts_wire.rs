//! The 22 Service Accounts operations against a real HTTP server on 127.0.0.1: for each,
//! the exact request on the wire (method, path and query, media types, JSON body) and a
//! realistic answer decoded; then PATCH semantics, access-list bodies and paths, roles
//! Atlas may add later, and the spec's own examples.

use atlas_endpoints::service_accounts::{
    AccessListEntry, CreateGroupServiceAccount, CreateGroupServiceAccountAccessList,
    CreateGroupServiceAccountSecret, CreateOrgServiceAccount, CreateOrgServiceAccountAccessList,
    CreateOrgServiceAccountSecret, DeleteGroupServiceAccount,
    DeleteGroupServiceAccountAccessListEntry, DeleteGroupServiceAccountSecret,
    DeleteOrgServiceAccount, DeleteOrgServiceAccountAccessListEntry, DeleteOrgServiceAccountSecret,
    GetGroupServiceAccount, GetOrgServiceAccount, GetOrgServiceAccountGroups,
    InviteGroupServiceAccount, ListGroupServiceAccountAccessList, ListGroupServiceAccounts,
    ListOrgServiceAccountAccessList, ListOrgServiceAccounts, OrgRole, OrgServiceAccount,
    ServiceAccountIPAccessListEntry, UpdateGroupServiceAccount, UpdateOrgServiceAccount,
};
use atlas_runtime::{Client, Error, Patch, implement::Rule};
use atlas_test_needs::needs;
use atlas_test_support::spec::{operation, resolve, schema_example, spec};
use atlas_test_support::{Canned, Recorded, TestServer};
use secrecy::ExposeSecret;
use serde_json::{Value, json};

const ORG: &str = "4888442a3354817a7320eb61";
const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const SECRET_ID: &str = "6f0d8a1b2c3d4e5f60718293";
const MEDIA: &str = "application/vnd.atlas.2024-08-05+json";
const ORG_SAS: &str = "/api/atlas/v2/orgs/4888442a3354817a7320eb61/serviceAccounts";
const GROUP_SAS: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/serviceAccounts";

/// A secret as listed: masked only.
const MASKED_SECRET: &str = r#"{"id":"6f0d8a1b2c3d4e5f60718293","createdAt":"2024-08-05T10:00:00Z","expiresAt":"2024-09-04T10:00:00Z","lastUsedAt":"2024-08-06T09:30:00Z","maskedSecretValue":"mdb_sa_sk_...abcd"}"#;

fn org_account() -> String {
    format!(
        r#"{{"clientId":"{SA}","createdAt":"2024-08-05T10:00:00Z","description":"Deploys from CI","name":"ci-deployer","roles":["ORG_MEMBER","ORG_READ_ONLY"],"secrets":[{MASKED_SECRET}],"systemManaged":false,"futureMember":{{"nested":[1,2,3]}}}}"#
    )
}

fn group_account() -> String {
    format!(
        r#"{{"clientId":"{SA}","createdAt":"2024-08-05T10:00:00Z","description":"Takes snapshots","name":"backup-bot","roles":["GROUP_READ_ONLY"],"secrets":[{MASKED_SECRET}]}}"#
    )
}

fn page(results: &[String], self_href: &str, total: Option<u64>) -> String {
    let mut page = json!({
        "links": [{"href": format!("https://cloud.mongodb.com{self_href}"), "rel": "self"}],
        "results": results.iter().map(|r| serde_json::from_str::<Value>(r).unwrap()).collect::<Vec<_>>(),
    });
    if let Some(t) = total {
        page["totalCount"] = json!(t);
    }
    page.to_string()
}

const ACCESS_ENTRIES: [&str; 2] = [
    r#"{"cidrBlock":"203.0.113.0/24","createdAt":"2024-08-05T10:00:00Z","lastUsedAddress":"203.0.113.10","lastUsedAt":"2024-08-06T09:30:00Z","requestCount":42}"#,
    r#"{"ipAddress":"198.51.100.7","createdAt":"2024-08-05T10:00:00Z","cidrBlock":null,"lastUsedAddress":null,"lastUsedAt":null,"requestCount":0}"#,
];

fn access_page(self_href: &str) -> String {
    page(
        &ACCESS_ENTRIES.map(str::to_string),
        self_href,
        Some(ACCESS_ENTRIES.len() as u64),
    )
}

/// A server that answers once with `status` and `body` (a vendor JSON type, as Atlas).
fn serve(status: u16, body: &str) -> (TestServer, Client) {
    let server = TestServer::start();
    if body.is_empty() {
        server.respond(Canned::empty(status));
    } else {
        server.respond(Canned::with_type(status, MEDIA, body));
    }
    let client = server.client();
    (server, client)
}

/// The one request the server saw.
fn only_request(server: &TestServer) -> Recorded {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

/// Method, path and query, media types, and the body byte for byte (`None`: no body).
fn assert_wire(r: &Recorded, method: &str, url: &str, body: Option<&str>) {
    assert_eq!(r.method, method);
    assert_eq!(r.url, url);
    assert_eq!(r.header("accept"), Some(MEDIA));
    match body {
        Some(expected) => {
            assert_eq!(r.header("content-type"), Some(MEDIA));
            assert_eq!(std::str::from_utf8(&r.body).unwrap(), expected);
            assert_eq!(r.json(), serde_json::from_str::<Value>(expected).unwrap());
        }
        None => {
            assert_eq!(r.header("content-type"), None, "no body, no content type");
            assert!(r.body.is_empty());
        }
    }
}

fn check_org_account(a: &OrgServiceAccount) {
    assert_eq!(a.client_id.as_ref().map(|id| id.as_str()), Some(SA));
    assert_eq!(a.created_at.unwrap().to_string(), "2024-08-05T10:00:00Z");
    assert_eq!(a.name.as_deref(), Some("ci-deployer"));
    assert_eq!(a.description.as_deref(), Some("Deploys from CI"));
    assert_eq!(
        a.roles.as_deref(),
        Some(&[OrgRole::OrgMember, OrgRole::OrgReadOnly][..])
    );
    let secrets = a.secrets.as_deref().unwrap();
    assert_eq!(secrets.len(), 1);
    assert_eq!(secrets[0].id, SECRET_ID);
    assert_eq!(secrets[0].expires_at.to_string(), "2024-09-04T10:00:00Z");
    assert_eq!(
        secrets[0].last_used_at.unwrap().to_string(),
        "2024-08-06T09:30:00Z"
    );
    assert_eq!(
        secrets[0].masked_secret_value.as_deref(),
        Some("mdb_sa_sk_...abcd")
    );
    assert!(secrets[0].secret.is_none(), "listed secrets are masked");
}

// ---------------------------------------------------------------------------------------
// Organization service accounts
// ---------------------------------------------------------------------------------------

#[test]
fn list_org_service_accounts() {
    let url = format!("{ORG_SAS}?itemsPerPage=100&pageNum=2&includeSystemManaged=true");
    let (server, client) = serve(200, &page(&[org_account()], &url, Some(101)));
    let page = ListOrgServiceAccounts::new(ORG)
        .items_per_page(100)
        .page_num(2)
        .include_system_managed(true)
        .send(&client)
        .unwrap();
    assert_wire(&only_request(&server), "GET", &url, None);
    assert_eq!(page.total_count, Some(101));
    assert_eq!(page.results.len(), 1);
    check_org_account(&page.results[0]);
    assert!(
        page.link("self")
            .unwrap()
            .ends_with("includeSystemManaged=true")
    );
}

#[test]
fn list_org_service_accounts_sends_no_query_unless_set() {
    let (server, client) = serve(200, &page(&[], ORG_SAS, Some(0)));
    let page = ListOrgServiceAccounts::new(ORG).send(&client).unwrap();
    assert_wire(&only_request(&server), "GET", ORG_SAS, None);
    assert!(page.results.is_empty());
}

#[test]
fn create_org_service_account() {
    let created = format!(
        r#"{{"clientId":"{SA}","createdAt":"2024-08-05T10:00:00Z","description":"Deploys from CI","name":"ci-deployer","roles":["ORG_MEMBER","ORG_READ_ONLY"],"secrets":[{{"id":"{SECRET_ID}","createdAt":"2024-08-05T10:00:00Z","expiresAt":"2024-08-05T18:00:00Z","lastUsedAt":null,"maskedSecretValue":"mdb_sa_sk_...wxyz","secret":"mdb_sa_sk_plaintext-0123456789"}}]}}"#
    );
    let (server, client) = serve(201, &created);
    let account = CreateOrgServiceAccount::new(
        atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
            org_id: ORG.into(),
            name: "ci-deployer".into(),
            description: "Deploys from CI".into(),
            roles: vec![OrgRole::OrgMember, OrgRole::OrgReadOnly],
            secret_expires_after_hours: 8,
        },
    )
    .send(&client)
    .unwrap();
    assert_wire(
        &only_request(&server),
        "POST",
        ORG_SAS,
        Some(
            r#"{"description":"Deploys from CI","name":"ci-deployer","roles":["ORG_MEMBER","ORG_READ_ONLY"],"secretExpiresAfterHours":8}"#,
        ),
    );
    assert_eq!(account.client_id.as_ref().map(|id| id.as_str()), Some(SA));
    let secret = &account.secrets.as_deref().unwrap()[0];
    assert_eq!(secret.last_used_at, None);
    assert_eq!(
        secret.secret.as_ref().unwrap().expose_secret(),
        "mdb_sa_sk_plaintext-0123456789"
    );
    let debug = format!("{account:?}");
    assert!(!debug.contains("plaintext"), "{debug}");
}

#[test]
fn get_org_service_account() {
    let (server, client) = serve(200, &org_account());
    let account = GetOrgServiceAccount::new(ORG, SA).send(&client).unwrap();
    assert_wire(
        &only_request(&server),
        "GET",
        &format!("{ORG_SAS}/{SA}"),
        None,
    );
    check_org_account(&account);
}

#[test]
fn update_org_service_account() {
    let (server, client) = serve(200, &org_account());
    let account = UpdateOrgServiceAccount::new(SA, ORG)
        .name(Patch::Set("ci-deployer".into()))
        .description(Patch::Set("Deploys from CI".into()))
        .roles(vec![OrgRole::OrgMember, OrgRole::OrgReadOnly])
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "PATCH",
        &format!("{ORG_SAS}/{SA}"),
        Some(
            r#"{"description":"Deploys from CI","name":"ci-deployer","roles":["ORG_MEMBER","ORG_READ_ONLY"]}"#,
        ),
    );
    check_org_account(&account);
}

#[test]
fn delete_org_service_account() {
    let (server, client) = serve(204, "");
    DeleteOrgServiceAccount::new(SA, ORG).send(&client).unwrap();
    assert_wire(
        &only_request(&server),
        "DELETE",
        &format!("{ORG_SAS}/{SA}"),
        None,
    );
}

#[test]
fn get_org_service_account_groups() {
    let url = format!("{ORG_SAS}/{SA}/groups?itemsPerPage=50&pageNum=1");
    let projects = [
        r#"{"groupId":"32b6e34b3d91647abb20e7b8","roles":["GROUP_READ_ONLY","GROUP_DATA_ACCESS_READ_ONLY"]}"#.to_string(),
        r#"{"groupId":"5f1a2b3c4d5e6f7081920a1b","roles":["GROUP_OWNER"],"someFutureMember":{"nested":[1,2]}}"#.to_string(),
    ];
    let (server, client) = serve(200, &page(&projects, &url, Some(2)));
    let page = GetOrgServiceAccountGroups::new(ORG, SA)
        .items_per_page(50)
        .page_num(1)
        .send(&client)
        .unwrap();
    assert_wire(&only_request(&server), "GET", &url, None);
    assert_eq!(page.total_count, Some(2));
    assert_eq!(
        page.results[0].group_id.as_ref().map(|id| id.as_str()),
        Some(GROUP)
    );
    assert_eq!(
        page.results[0].roles.as_deref().unwrap(),
        ["GROUP_READ_ONLY", "GROUP_DATA_ACCESS_READ_ONLY"]
    );
    assert_eq!(
        page.results[1].roles.as_deref().unwrap(),
        ["GROUP_OWNER"],
        "unknown members are ignored"
    );
}

#[test]
fn create_org_service_account_secret() {
    let created = r#"{"id":"6f0d8a1b2c3d4e5f60718293","createdAt":"2024-08-05T10:00:00Z","expiresAt":"2024-08-05T18:00:00Z","maskedSecretValue":"mdb_sa_sk_...wxyz","secret":"mdb_sa_sk_plaintext-0123456789"}"#;
    let (server, client) = serve(201, created);
    let secret = CreateOrgServiceAccountSecret::new(ORG, SA, 8)
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "POST",
        &format!("{ORG_SAS}/{SA}/secrets"),
        Some(r#"{"secretExpiresAfterHours":8}"#),
    );
    assert_eq!(secret.id, SECRET_ID);
    assert_eq!(secret.expires_at.to_string(), "2024-08-05T18:00:00Z");
    assert_eq!(
        secret.secret.as_ref().unwrap().expose_secret(),
        "mdb_sa_sk_plaintext-0123456789"
    );
    assert!(!format!("{secret:?}").contains("plaintext"));
}

#[test]
fn delete_org_service_account_secret() {
    let (server, client) = serve(204, "");
    DeleteOrgServiceAccountSecret::new(SA, SECRET_ID, ORG)
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "DELETE",
        &format!("{ORG_SAS}/{SA}/secrets/{SECRET_ID}"),
        None,
    );
}

#[test]
fn list_org_service_account_access_list() {
    let url = format!("{ORG_SAS}/{SA}/accessList?includeCount=true&itemsPerPage=10&pageNum=1");
    let (server, client) = serve(200, &access_page(&url));
    let page = ListOrgServiceAccountAccessList::new(ORG, SA)
        .include_count(true)
        .items_per_page(10)
        .page_num(1)
        .send(&client)
        .unwrap();
    assert_wire(&only_request(&server), "GET", &url, None);
    check_access_entries(&page.results);
    assert_eq!(page.total_count, Some(2));
}

fn check_access_entries(entries: &[ServiceAccountIPAccessListEntry]) {
    assert_eq!(entries.len(), 2);
    let range = &entries[0];
    assert_eq!(range.cidr_block.as_deref(), Some("203.0.113.0/24"));
    assert_eq!(range.ip_address, None);
    assert_eq!(range.last_used_address.as_deref(), Some("203.0.113.10"));
    assert_eq!(
        range.last_used_at.unwrap().to_string(),
        "2024-08-06T09:30:00Z"
    );
    assert_eq!(range.request_count, Some(42));
    assert_eq!(range.entry(), Some(AccessListEntry::cidr("203.0.113.0/24")));
    let one = &entries[1];
    assert_eq!(one.ip_address.as_deref(), Some("198.51.100.7"));
    assert_eq!(one.cidr_block, None, "null reads as absent");
    assert_eq!(one.last_used_at, None);
    assert_eq!(one.request_count, Some(0));
    assert_eq!(one.entry(), Some(AccessListEntry::ip("198.51.100.7")));
}

#[test]
fn create_org_service_account_access_list() {
    let path = format!("{ORG_SAS}/{SA}/accessList");
    let (server, client) = serve(200, &access_page(&path));
    let page = CreateOrgServiceAccountAccessList::new(
        ORG,
        SA,
        vec![
            AccessListEntry::cidr("203.0.113.0/24"),
            AccessListEntry::ip("198.51.100.7"),
        ],
    )
    .send(&client)
    .unwrap();
    assert_wire(
        &only_request(&server),
        "POST",
        &path,
        Some(r#"[{"cidrBlock":"203.0.113.0/24"},{"ipAddress":"198.51.100.7"}]"#),
    );
    check_access_entries(&page.results);
}

#[test]
fn delete_org_service_account_access_list_entry() {
    let (server, client) = serve(204, "");
    DeleteOrgServiceAccountAccessListEntry::new(ORG, SA, "192.0.2.0%2F24")
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "DELETE",
        &format!("{ORG_SAS}/{SA}/accessList/192.0.2.0%2F24"),
        None,
    );
}

// ---------------------------------------------------------------------------------------
// Project service accounts
// ---------------------------------------------------------------------------------------

fn check_group_account(a: &atlas_endpoints::service_accounts::GroupServiceAccount) {
    assert_eq!(a.client_id.as_ref().map(|id| id.as_str()), Some(SA));
    assert_eq!(a.name.as_deref(), Some("backup-bot"));
    assert_eq!(a.description.as_deref(), Some("Takes snapshots"));
    assert_eq!(a.roles.as_deref().unwrap(), ["GROUP_READ_ONLY"]);
    assert_eq!(a.secrets.as_deref().unwrap()[0].id, SECRET_ID);
}

#[test]
fn list_group_service_accounts() {
    let url = format!("{GROUP_SAS}?itemsPerPage=500&pageNum=1&includeSystemManaged=false");
    let (server, client) = serve(200, &page(&[group_account()], &url, Some(1)));
    let page = ListGroupServiceAccounts::new(GROUP)
        .items_per_page(500)
        .page_num(1)
        .include_system_managed(false)
        .send(&client)
        .unwrap();
    assert_wire(&only_request(&server), "GET", &url, None);
    assert_eq!(page.total_count, Some(1));
    check_group_account(&page.results[0]);
}

#[test]
fn create_group_service_account() {
    let (server, client) = serve(201, &group_account());
    let account = CreateGroupServiceAccount::new(
        atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
            group_id: GROUP.into(),
            name: "backup-bot".into(),
            description: "Takes snapshots".into(),
            roles: vec!["GROUP_READ_ONLY".to_string()],
            secret_expires_after_hours: 24,
        },
    )
    .send(&client)
    .unwrap();
    assert_wire(
        &only_request(&server),
        "POST",
        GROUP_SAS,
        Some(
            r#"{"description":"Takes snapshots","name":"backup-bot","roles":["GROUP_READ_ONLY"],"secretExpiresAfterHours":24}"#,
        ),
    );
    check_group_account(&account);
}

#[test]
fn get_group_service_account() {
    let (server, client) = serve(200, &group_account());
    let account = GetGroupServiceAccount::new(GROUP, SA)
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "GET",
        &format!("{GROUP_SAS}/{SA}"),
        None,
    );
    check_group_account(&account);
}

#[test]
fn update_group_service_account() {
    let (server, client) = serve(200, &group_account());
    let account = UpdateGroupServiceAccount::new(SA, GROUP)
        .description(Patch::Set("Takes snapshots".into()))
        .roles(vec!["GROUP_READ_ONLY".into()])
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "PATCH",
        &format!("{GROUP_SAS}/{SA}"),
        Some(r#"{"description":"Takes snapshots","roles":["GROUP_READ_ONLY"]}"#),
    );
    check_group_account(&account);
}

#[test]
fn delete_group_service_account() {
    let (server, client) = serve(204, "");
    DeleteGroupServiceAccount::new(SA, GROUP)
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "DELETE",
        &format!("{GROUP_SAS}/{SA}"),
        None,
    );
}

#[test]
fn invite_group_service_account() {
    let (server, client) = serve(200, &group_account());
    let account = InviteGroupServiceAccount::new(SA, GROUP, vec!["GROUP_READ_ONLY".into()])
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "POST",
        &format!("{GROUP_SAS}/{SA}:invite"),
        Some(r#"{"roles":["GROUP_READ_ONLY"]}"#),
    );
    check_group_account(&account);
}

#[test]
fn create_group_service_account_secret() {
    let created = r#"{"id":"6f0d8a1b2c3d4e5f60718293","createdAt":"2024-08-05T10:00:00Z","expiresAt":"2024-08-06T10:00:00Z","maskedSecretValue":"mdb_sa_sk_...wxyz","secret":"mdb_sa_sk_plaintext-0123456789"}"#;
    let (server, client) = serve(201, created);
    let secret = CreateGroupServiceAccountSecret::new(GROUP, SA, 24)
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "POST",
        &format!("{GROUP_SAS}/{SA}/secrets"),
        Some(r#"{"secretExpiresAfterHours":24}"#),
    );
    assert_eq!(secret.expires_at.to_string(), "2024-08-06T10:00:00Z");
    assert_eq!(
        secret.secret.as_ref().unwrap().expose_secret(),
        "mdb_sa_sk_plaintext-0123456789"
    );
}

#[test]
fn delete_group_service_account_secret() {
    let (server, client) = serve(204, "");
    DeleteGroupServiceAccountSecret::new(SA, SECRET_ID, GROUP)
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "DELETE",
        &format!("{GROUP_SAS}/{SA}/secrets/{SECRET_ID}"),
        None,
    );
}

#[test]
fn list_group_service_account_access_list() {
    let url = format!("{GROUP_SAS}/{SA}/accessList?includeCount=false&itemsPerPage=2&pageNum=1");
    let (server, client) = serve(200, &page(&ACCESS_ENTRIES.map(str::to_string), &url, None));
    let page = ListGroupServiceAccountAccessList::new(GROUP, SA)
        .include_count(false)
        .items_per_page(2)
        .page_num(1)
        .send(&client)
        .unwrap();
    assert_wire(&only_request(&server), "GET", &url, None);
    check_access_entries(&page.results);
    assert_eq!(page.total_count, None);
}

#[test]
fn create_group_service_account_access_list() {
    let url = format!("{GROUP_SAS}/{SA}/accessList?includeCount=true&itemsPerPage=100&pageNum=1");
    let (server, client) = serve(200, &access_page(&url));
    let page = CreateGroupServiceAccountAccessList::new(
        GROUP,
        SA,
        vec![
            AccessListEntry::cidr("203.0.113.0/24"),
            AccessListEntry::ip("198.51.100.7"),
        ],
    )
    .include_count(true)
    .items_per_page(100)
    .page_num(1)
    .send(&client)
    .unwrap();
    assert_wire(
        &only_request(&server),
        "POST",
        &url,
        Some(r#"[{"cidrBlock":"203.0.113.0/24"},{"ipAddress":"198.51.100.7"}]"#),
    );
    check_access_entries(&page.results);
}

#[test]
fn delete_group_service_account_access_list_entry() {
    let (server, client) = serve(204, "");
    DeleteGroupServiceAccountAccessListEntry::new(GROUP, SA, "198.51.100.7")
        .send(&client)
        .unwrap();
    assert_wire(
        &only_request(&server),
        "DELETE",
        &format!("{GROUP_SAS}/{SA}/accessList/198.51.100.7"),
        None,
    );
}

// ---------------------------------------------------------------------------------------
// PATCH: leave, set, clear
// ---------------------------------------------------------------------------------------

/// The body of an update, as sent.
fn patch_body(call: &UpdateOrgServiceAccount) -> String {
    let (server, client) = serve(200, &org_account());
    call.send(&client).unwrap();
    let r = only_request(&server);
    assert_eq!(r.method, "PATCH");
    assert_eq!(r.header("content-type"), Some(MEDIA));
    String::from_utf8(r.body).unwrap()
}

#[test]
fn patch_leaves_unchanged_members_out() {
    let call = UpdateOrgServiceAccount::new(SA, ORG);
    assert_eq!(call.name, Patch::Unchanged);
    assert_eq!(patch_body(&call), "{}");
}

#[test]
fn patch_sets_a_member() {
    let call = UpdateOrgServiceAccount::new(SA, ORG).name(Patch::Set("Zoë's CI".into()));
    assert_eq!(patch_body(&call), r#"{"name":"Zoë's CI"}"#);
    let call = UpdateOrgServiceAccount::new(SA, ORG).description("Nightly".to_string());
    assert_eq!(patch_body(&call), r#"{"description":"Nightly"}"#);
}

#[test]
fn patch_clears_a_member_with_null() {
    let call = UpdateOrgServiceAccount::new(SA, ORG).description(Patch::Clear);
    let body = patch_body(&call);
    assert_eq!(body, r#"{"description":null}"#);
    let json: Value = serde_json::from_str(&body).unwrap();
    assert!(json.as_object().unwrap().contains_key("description"));
    assert!(!json.as_object().unwrap().contains_key("name"));
}

#[test]
fn patch_mixes_leave_set_and_clear() {
    let call = UpdateOrgServiceAccount::new(SA, ORG)
        .name(Patch::Clear)
        .description(Patch::Set("Deploys".into()));
    assert_eq!(
        patch_body(&call),
        r#"{"description":"Deploys","name":null}"#
    );
    let call = UpdateOrgServiceAccount::new(SA, ORG)
        .name(Patch::from_option(None))
        .roles(vec![]);
    assert_eq!(
        patch_body(&call),
        r#"{"name":null,"roles":[]}"#,
        "roles set to none is sent; only an unset one is left out"
    );
}

#[test]
fn group_patch_leaves_sets_and_clears() {
    for (call, expected) in [
        (UpdateGroupServiceAccount::new(SA, GROUP), "{}"),
        (
            UpdateGroupServiceAccount::new(SA, GROUP).name(Patch::Set("bot".into())),
            r#"{"name":"bot"}"#,
        ),
        (
            UpdateGroupServiceAccount::new(SA, GROUP)
                .name(Patch::Clear)
                .description(Patch::Clear),
            r#"{"description":null,"name":null}"#,
        ),
    ] {
        let (server, client) = serve(200, &group_account());
        call.send(&client).unwrap();
        assert_wire(
            &only_request(&server),
            "PATCH",
            &format!("{GROUP_SAS}/{SA}"),
            Some(expected),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Access list: shapes and paths
// ---------------------------------------------------------------------------------------

#[test]
fn access_list_body_is_an_array_of_one_member_objects() {
    let entries: Vec<AccessListEntry> = (0..200)
        .map(|i| {
            if i % 2 == 0 {
                AccessListEntry::ip(format!("198.51.100.{i}"))
            } else {
                AccessListEntry::cidr(format!("203.0.{i}.0/24"))
            }
        })
        .collect();
    let path = format!("{ORG_SAS}/{SA}/accessList");
    let (server, client) = serve(200, &page(&[], &path, Some(0)));
    CreateOrgServiceAccountAccessList::new(ORG, SA, entries)
        .send(&client)
        .unwrap();
    let body = only_request(&server).json();
    let items = body.as_array().expect("the body is a JSON array");
    assert_eq!(items.len(), 200, "200 entries are allowed");
    for (i, item) in items.iter().enumerate() {
        let object = item.as_object().unwrap();
        assert_eq!(object.len(), 1, "exactly one member: {item}");
        let member = if i % 2 == 0 { "ipAddress" } else { "cidrBlock" };
        assert!(object.contains_key(member), "{item}");
    }
}

#[test]
fn entries_have_exactly_one_form() {
    // By construction: an entry is a range or an address. Read back, the other shapes
    // are refused.
    let range: AccessListEntry = serde_json::from_str(r#"{"cidrBlock":"203.0.113.0/24"}"#).unwrap();
    assert_eq!(range, AccessListEntry::cidr("203.0.113.0/24"));
    let one: AccessListEntry = serde_json::from_str(r#"{"ipAddress":"203.0.113.10"}"#).unwrap();
    assert_eq!(one, AccessListEntry::ip("203.0.113.10"));
    for shape in [
        r#"{}"#,
        r#"{"cidrBlock":"203.0.113.0/24","ipAddress":"203.0.113.10"}"#,
        r#"{"ipAddress":"203.0.113.10","cidrBlock":"203.0.113.0/24"}"#,
        r#"{"address":"203.0.113.10"}"#,
        r#""203.0.113.10""#,
    ] {
        assert!(
            serde_json::from_str::<AccessListEntry>(shape).is_err(),
            "{shape} is not one entry"
        );
    }
    assert_eq!(
        serde_json::to_string(&AccessListEntry::ip("203.0.113.10")).unwrap(),
        r#"{"ipAddress":"203.0.113.10"}"#
    );
}

#[test]
fn delete_path_keeps_the_encoded_slash() {
    for (value, expected) in [
        ("192.0.2.0%2F24", "192.0.2.0%2F24"),
        ("192.0.2.0%2f24", "192.0.2.0%2f24"),
        ("203.0.113.10", "203.0.113.10"),
        ("2001:db8:0:0:0:0:0:1", "2001%3Adb8%3A0%3A0%3A0%3A0%3A0%3A1"),
        ("2001:db8::%2F32", "2001%3Adb8%3A%3A%2F32"),
    ] {
        let (server, client) = serve(204, "");
        DeleteGroupServiceAccountAccessListEntry::new(GROUP, SA, value)
            .send(&client)
            .unwrap();
        let r = only_request(&server);
        assert_eq!(r.url, format!("{GROUP_SAS}/{SA}/accessList/{expected}"));
        assert!(!r.url.contains("%252F"), "never encoded twice: {}", r.url);
    }
    let entry = AccessListEntry::cidr("192.0.2.0/24");
    assert_eq!(entry.path_value(), "192.0.2.0%2F24");
    let (server, client) = serve(204, "");
    DeleteOrgServiceAccountAccessListEntry::new(ORG, SA, entry.path_value())
        .send(&client)
        .unwrap();
    assert_eq!(
        only_request(&server).url,
        format!("{ORG_SAS}/{SA}/accessList/192.0.2.0%2F24")
    );
}

#[test]
fn delete_path_refuses_a_raw_slash_before_io() {
    let server = TestServer::start();
    let err = DeleteOrgServiceAccountAccessListEntry::new(ORG, SA, "192.0.2.0/24")
        .send(&server.client())
        .unwrap_err();
    let Error::Validation(v) = err else {
        panic!("{err:?}")
    };
    assert!(
        v.for_param("ipAddress")
            .any(|x| x.rule == Rule::EscapesSegment),
        "{v}"
    );
    assert!(server.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// Roles Atlas may add later
// ---------------------------------------------------------------------------------------

#[test]
fn an_unknown_org_role_decodes_and_is_sent_back_unchanged() {
    let body =
        format!(r#"{{"clientId":"{SA}","roles":["ORG_OWNER","ORG_QUANTUM_ADMIN"],"secrets":[]}}"#);
    let (server, client) = serve(200, &body);
    let account = GetOrgServiceAccount::new(ORG, SA).send(&client).unwrap();
    drop(server);
    let roles = account.roles.clone().unwrap();
    assert_eq!(roles[0], OrgRole::OrgOwner);
    assert_eq!(roles[1], OrgRole::Unknown("ORG_QUANTUM_ADMIN".into()));
    assert!(!roles[1].is_known());
    assert_eq!(roles[1].to_string(), "ORG_QUANTUM_ADMIN");
    assert_eq!(
        serde_json::to_string(&roles).unwrap(),
        r#"["ORG_OWNER","ORG_QUANTUM_ADMIN"]"#
    );

    // Sent back as it came.
    let (server, client) = serve(200, &body);
    UpdateOrgServiceAccount::new(SA, ORG)
        .roles(roles)
        .send(&client)
        .unwrap();
    assert_eq!(
        String::from_utf8(only_request(&server).body).unwrap(),
        r#"{"roles":["ORG_OWNER","ORG_QUANTUM_ADMIN"]}"#
    );
}

#[test]
fn org_roles_round_trip_every_spec_value() {
    let names = [
        "ORG_OWNER",
        "ORG_MEMBER",
        "ORG_GROUP_CREATOR",
        "ORG_BILLING_ADMIN",
        "ORG_BILLING_READ_ONLY",
        "ORG_STREAM_PROCESSING_ADMIN",
        "ORG_READ_ONLY",
    ];
    assert_eq!(OrgRole::KNOWN.len(), names.len());
    for (name, known) in names.iter().zip(OrgRole::KNOWN) {
        let role: OrgRole = serde_json::from_value(json!(name)).unwrap();
        assert_eq!(&role, known);
        assert!(role.is_known());
        assert!(
            !matches!(role, OrgRole::Unknown(_)),
            "{name} has its variant"
        );
        assert_eq!(serde_json::to_value(&role).unwrap(), json!(name));
        assert_eq!(&name.parse::<OrgRole>().unwrap(), known);
        assert_eq!(role.to_string(), *name);
    }
    // A name is always read as its variant, from a `&str` or a `String`.
    assert_eq!(OrgRole::from("ORG_OWNER".to_string()), OrgRole::OrgOwner);
    // Case matters, as on the server.
    assert_eq!(
        OrgRole::from("org_owner"),
        OrgRole::Unknown("org_owner".into())
    );
    assert!(serde_json::from_value::<OrgRole>(json!(7)).is_err());
}

#[needs(spec)]
fn the_spec_lists_exactly_the_known_org_roles() {
    let spec = spec();
    let schema = &spec["components"]["schemas"]["OrgServiceAccountRequest"]["properties"]["roles"]
        ["items"]["enum"];
    let mut names: Vec<&str> = schema
        .as_array()
        .expect("the spec's org role enum")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut known: Vec<&str> = OrgRole::KNOWN.iter().map(OrgRole::as_str).collect();
    names.sort_unstable();
    known.sort_unstable();
    assert_eq!(names, known);
}

// ---------------------------------------------------------------------------------------
// The spec's own examples
// ---------------------------------------------------------------------------------------

/// The example of a success answer: the schema's, or one built from its properties'
/// examples; a list gets one such item and a `self` link.
fn success_example(spec: &Value, path: &str, method: &str) -> (u16, Value) {
    let op = operation(spec, path, method).unwrap_or_else(|| panic!("{method} {path}"));
    let (status, response) = op["responses"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(s, _)| s.starts_with('2'))
        .unwrap();
    let response = resolve(spec, response);
    let Some(schema) = response
        .get("content")
        .and_then(|c| c.get(MEDIA))
        .and_then(|m| m.get("schema"))
    else {
        return (status.parse().unwrap(), Value::Null);
    };
    let resolved = resolve(spec, schema);
    let example = match resolved["properties"].get("results") {
        Some(results) => json!({
            "links": [{"href": "https://cloud.mongodb.com/api/atlas", "rel": "self"}],
            "results": [schema_example(spec, &results["items"])],
            "totalCount": 1,
        }),
        None => schema_example(spec, schema),
    };
    (status.parse().unwrap(), example)
}

#[needs(spec)]
fn every_operation_decodes_the_spec_example_of_its_answer() {
    let spec = spec();
    type Call = Box<dyn Fn(&Client) -> Result<String, Error>>;
    let entries = || vec![AccessListEntry::ip("203.0.113.10")];
    let calls: Vec<(&str, &str, Call)> = vec![
        (
            "/orgs/{orgId}/serviceAccounts",
            "get",
            Box::new(|c| Ok(format!("{:?}", ListOrgServiceAccounts::new(ORG).send(c)?))),
        ),
        (
            "/orgs/{orgId}/serviceAccounts",
            "post",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    CreateOrgServiceAccount::new(
                        atlas_endpoints::service_accounts::CreateOrgServiceAccountRequired {
                            org_id: ORG.into(),
                            name: "n".into(),
                            description: "d".into(),
                            roles: vec![OrgRole::OrgMember],
                            secret_expires_after_hours: 8
                        }
                    )
                    .send(c)?
                ))
            }),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}",
            "get",
            Box::new(|c| Ok(format!("{:?}", GetOrgServiceAccount::new(ORG, SA).send(c)?))),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}",
            "patch",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    UpdateOrgServiceAccount::new(SA, ORG).send(c)?
                ))
            }),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}",
            "delete",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    DeleteOrgServiceAccount::new(SA, ORG).send(c)?
                ))
            }),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}/groups",
            "get",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    GetOrgServiceAccountGroups::new(ORG, SA).send(c)?
                ))
            }),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
            "post",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    CreateOrgServiceAccountSecret::new(ORG, SA, 8).send(c)?
                ))
            }),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
            "delete",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    DeleteOrgServiceAccountSecret::new(SA, SECRET_ID, ORG).send(c)?
                ))
            }),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
            "get",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    ListOrgServiceAccountAccessList::new(ORG, SA).send(c)?
                ))
            }),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}/accessList",
            "post",
            Box::new(move |c| {
                Ok(format!(
                    "{:?}",
                    CreateOrgServiceAccountAccessList::new(ORG, SA, entries()).send(c)?
                ))
            }),
        ),
        (
            "/orgs/{orgId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
            "delete",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    DeleteOrgServiceAccountAccessListEntry::new(ORG, SA, "192.0.2.0%2F24")
                        .send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts",
            "get",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    ListGroupServiceAccounts::new(GROUP).send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts",
            "post",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    CreateGroupServiceAccount::new(
                        atlas_endpoints::service_accounts::CreateGroupServiceAccountRequired {
                            group_id: GROUP.into(),
                            name: "n".into(),
                            description: "d".into(),
                            roles: vec!["GROUP_READ_ONLY".into()],
                            secret_expires_after_hours: 8
                        }
                    )
                    .send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}",
            "get",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    GetGroupServiceAccount::new(GROUP, SA).send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}",
            "patch",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    UpdateGroupServiceAccount::new(SA, GROUP).send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}",
            "delete",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    DeleteGroupServiceAccount::new(SA, GROUP).send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}:invite",
            "post",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    InviteGroupServiceAccount::new(SA, GROUP, vec!["GROUP_READ_ONLY".into()])
                        .send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}/secrets",
            "post",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    CreateGroupServiceAccountSecret::new(GROUP, SA, 8).send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}/secrets/{secretId}",
            "delete",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    DeleteGroupServiceAccountSecret::new(SA, SECRET_ID, GROUP).send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}/accessList",
            "get",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    ListGroupServiceAccountAccessList::new(GROUP, SA).send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}/accessList",
            "post",
            Box::new(move |c| {
                Ok(format!(
                    "{:?}",
                    CreateGroupServiceAccountAccessList::new(GROUP, SA, entries()).send(c)?
                ))
            }),
        ),
        (
            "/groups/{groupId}/serviceAccounts/{clientId}/accessList/{ipAddress}",
            "delete",
            Box::new(|c| {
                Ok(format!(
                    "{:?}",
                    DeleteGroupServiceAccountAccessListEntry::new(GROUP, SA, "192.0.2.0%2F24")
                        .send(c)?
                ))
            }),
        ),
    ];
    assert_eq!(
        calls.len(),
        atlas_endpoints::service_accounts::ENDPOINTS.len()
    );
    for (template, method, call) in &calls {
        let info = atlas_endpoints::service_accounts::ENDPOINTS
            .iter()
            .find(|i| i.template == *template && i.method.as_str().eq_ignore_ascii_case(method))
            .unwrap_or_else(|| panic!("{method} {template} is in ENDPOINTS"));
        let path = format!("/api/atlas/v2{template}");
        let (status, example) = success_example(spec, &path, method);
        let server = TestServer::start();
        if example.is_null() {
            server.respond(Canned::empty(status));
        } else {
            server.respond(Canned::with_type(status, MEDIA, &example.to_string()));
        }
        let shown = call(&server.client()).unwrap_or_else(|e| {
            panic!(
                "{} decodes the spec's example {example}: {e}",
                info.type_name
            )
        });
        let r = only_request(&server);
        assert_eq!(r.method, method.to_ascii_uppercase());
        assert_eq!(r.header("accept"), Some(MEDIA));
        if let Some(client_id) = example.get("clientId").and_then(Value::as_str) {
            assert!(shown.contains(client_id), "{shown}");
        }
        if let Some(results) = example.get("results") {
            assert!(
                shown.contains("total_count: Some(1)"),
                "{shown} for {results}"
            );
        }
    }
}
