//! A secret rotation, start to finish: authenticate as a service account, create a
//! service account, give it a secret, list accounts and secrets across pages, rotate the
//! secret, clean up. One line of output per step; plaintext secrets are never printed.
//!
//! With no `MONGODB_ATLAS_*` credentials it runs against the embedded emulator
//! (`atlas-mock`), so it works on a fresh machine with no account:
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! With credentials, as the `atlas` CLI reads them, and the organization id, the same
//! flow runs against that Atlas organization (it creates, then deletes, a service account
//! named `atlas-rust-quickstart`):
//!
//! ```sh
//! MONGODB_ATLAS_CLIENT_ID=mdb_sa_id_… MONGODB_ATLAS_CLIENT_SECRET=mdb_sa_sk_… \
//!     MONGODB_ATLAS_ORG_ID=… cargo run --example quickstart
//! ```

use atlas_endpoints::service_accounts::{
    CreateOrgServiceAccount, CreateOrgServiceAccountRequired, CreateOrgServiceAccountSecret,
    DeleteOrgServiceAccount, DeleteOrgServiceAccountSecret, GetOrgServiceAccount,
    ListOrgServiceAccounts, OrgRole,
};
use atlas_mock::MockAtlas;
use atlas_runtime::{Client, ClientBuilder, Credentials};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(e) = quickstart() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn quickstart() -> Result<()> {
    let builder = ClientBuilder::from_env()?;
    // Kept alive until the end of main: the emulator stops when dropped.
    let (client, org_id, _emulator) = if builder.has_credentials() {
        let org_id = std::env::var("MONGODB_ATLAS_ORG_ID")
            .map_err(|_| "set MONGODB_ATLAS_ORG_ID to the organization's id")?;
        let client = builder.application("atlas-rust-quickstart").build()?;
        println!("1. target: {}", client.context().base_url);
        (client, org_id, None)
    } else {
        let mock = MockAtlas::start();
        println!(
            "1. target: the embedded emulator at {} (no MONGODB_ATLAS_* credentials set)",
            mock.url()
        );
        let client = Client::builder()
            .base_url(mock.url())
            .credentials(Credentials::service_account(
                mock.client_id(),
                mock.client_secret(),
            ))
            .application("atlas-rust-quickstart")
            .build()?;
        (client, mock.org_id().to_string(), Some(mock))
    };
    run(&client, &org_id)?;
    client.close();
    println!("9. access token revoked; done");
    Ok(())
}

fn run(client: &Client, org_id: &str) -> Result<()> {
    // Authentication happens on the first call: the client exchanges the service
    // account's id and secret for an access token and caches it.
    let first_page = ListOrgServiceAccounts::new(org_id)
        .items_per_page(1)
        .send(client)?;
    println!(
        "2. authenticated as a service account; the organization has {} service account(s)",
        first_page
            .total_count
            .unwrap_or(first_page.results.len() as u64)
    );

    let created = CreateOrgServiceAccount::new(CreateOrgServiceAccountRequired {
        org_id: org_id.into(),
        name: "atlas-rust-quickstart".into(),
        description: "Created by the atlas-rust quickstart, safe to delete".into(),
        roles: vec![OrgRole::OrgReadOnly],
        secret_expires_after_hours: 8,
    })
    .send(client)?;
    let client_id = created
        .client_id
        .clone()
        .ok_or("Atlas returned no client id")?;
    let first_secret = created
        .secrets
        .as_deref()
        .and_then(|s| s.first())
        .map(|s| s.id.clone())
        .ok_or("Atlas returned no first secret")?;
    println!("3. created service account {client_id} with secret {first_secret}");

    let second = CreateOrgServiceAccountSecret::new(org_id, client_id.as_str(), 8).send(client)?;
    println!(
        "4. created secret {} ({}), expires {}",
        second.id,
        second.masked_secret_value.as_deref().unwrap_or("masked"),
        second.expires_at
    );

    // One account a page, to walk several pages.
    let mut pages = 0;
    let mut accounts = 0;
    for page in ListOrgServiceAccounts::new(org_id)
        .items_per_page(1)
        .pages(client)
    {
        pages += 1;
        accounts += page?.results.len();
    }
    let secrets = GetOrgServiceAccount::new(org_id, client_id.as_str())
        .send(client)?
        .secrets
        .unwrap_or_default();
    let masked: Vec<&str> = secrets
        .iter()
        .map(|s| s.masked_secret_value.as_deref().unwrap_or("masked"))
        .collect();
    println!(
        "5. listed {accounts} service account(s) over {pages} page(s); {client_id} has {} secret(s): {}",
        secrets.len(),
        masked.join(", ")
    );

    // Rotation: a new secret first, then the old one goes.
    let rotated =
        CreateOrgServiceAccountSecret::new(org_id, client_id.as_str(), 24).send(client)?;
    DeleteOrgServiceAccountSecret::new(client_id.as_str(), first_secret.as_str(), org_id)
        .send(client)?;
    println!(
        "6. rotated: new secret {} ({}), old secret {first_secret} deleted",
        rotated.id,
        rotated.masked_secret_value.as_deref().unwrap_or("masked")
    );

    let left = GetOrgServiceAccount::new(org_id, client_id.as_str())
        .send(client)?
        .secrets
        .map_or(0, |s| s.len());
    println!("7. {client_id} now holds {left} secret(s)");

    DeleteOrgServiceAccount::new(client_id.as_str(), org_id).send(client)?;
    println!("8. cleaned up: service account {client_id} deleted");
    Ok(())
}
