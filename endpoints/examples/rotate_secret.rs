//! Rotates the secret of the service account the client signs in as: a new secret (saved
//! to `new-secret.txt`, readable by you alone; hand it to your secret store instead),
//! checked by signing in with it, then the old secrets deleted.
//!
//! ```sh
//! cargo run --example rotate_secret       # on the embedded emulator
//! MONGODB_ATLAS_CLIENT_ID=… MONGODB_ATLAS_CLIENT_SECRET=… MONGODB_ATLAS_ORG_ID=… \
//!     cargo run --example rotate_secret   # your service account
//! ```

mod common;

use std::io::Write as _;

use atlas_endpoints::service_accounts::{
    CreateOrgServiceAccountSecret, DeleteOrgServiceAccountSecret, GetOrgServiceAccount,
};
use atlas_runtime::Credentials;
use secrecy::ExposeSecret as _;

fn main() -> common::Result {
    let atlas = common::connect()?;
    let (org, me) = (atlas.org_id()?, atlas.client_id()?);

    let new = CreateOrgServiceAccountSecret::new(org, me, 30 * 24).send(&atlas.client)?;
    let secret = new.secret.ok_or("Atlas returned no secret")?;
    let mut file = std::fs::OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    let mut file = file.write(true).create_new(true).open("new-secret.txt")?;
    file.write_all(secret.expose_secret().as_bytes())?;

    // The new secret works before the old ones go.
    let renewed = atlas.client_as(Credentials::service_account(me, secret.expose_secret()))?;
    let account = GetOrgServiceAccount::new(org, me).send(&renewed)?;
    for old in account.secrets.unwrap_or_default() {
        if old.id != new.id {
            DeleteOrgServiceAccountSecret::new(me, old.id.as_str(), org).send(&renewed)?;
            println!("deleted secret {}", old.id);
        }
    }

    println!("{me} now signs in with secret {} only", new.id);
    Ok(())
}
