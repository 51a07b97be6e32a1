//! What the examples share: a client, and the ids to work with.
//!
//! With credentials in the environment, as the `atlas` CLI reads them
//! (`MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET`, or an API key;
//! `MONGODB_ATLAS_ORG_ID`, `MONGODB_ATLAS_PROJECT_ID`), an example works on that Atlas
//! organization and project. Without, on the embedded emulator (`atlas-mock`), seeded
//! with an organization, a project, a running M10 cluster and three invoices.

// Each example uses a part of this.
#![allow(dead_code)]

use std::time::Duration;

use atlas_mock::MockAtlas;
use atlas_runtime::{Client, ClientBuilder, Credentials};

pub type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// Where an example runs.
pub struct Atlas {
    pub client: Client,
    /// How long to wait between two looks at something that changes.
    pub poll_interval: Duration,
    base_url: String,
    org_id: Option<String>,
    project_id: Option<String>,
    client_id: Option<String>,
    /// Kept alive to the end: the emulator stops when dropped.
    _emulator: Option<MockAtlas>,
}

/// Atlas, if the environment has credentials; else the embedded emulator.
pub fn connect() -> Result<Atlas> {
    let builder = ClientBuilder::from_env()?;
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if builder.has_credentials() {
        let client = builder.application("atlas-rust-examples").build()?;
        let base_url = client.context().base_url.clone();
        println!("target: {base_url}");
        return Ok(Atlas {
            client,
            poll_interval: Duration::from_secs(30),
            base_url,
            org_id: var("MONGODB_ATLAS_ORG_ID"),
            project_id: var("MONGODB_ATLAS_PROJECT_ID"),
            client_id: var("MONGODB_ATLAS_CLIENT_ID"),
            _emulator: None,
        });
    }
    let mock = MockAtlas::start();
    mock.add_cluster("Cluster0")?;
    println!(
        "target: the embedded emulator at {} (no MONGODB_ATLAS_* credentials set)",
        mock.url()
    );
    let client = Client::builder()
        .base_url(mock.url())
        .credentials(Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .application("atlas-rust-examples")
        .build()?;
    Ok(Atlas {
        client,
        poll_interval: Duration::from_secs(1),
        base_url: mock.url().to_owned(),
        org_id: Some(mock.org_id().to_owned()),
        project_id: Some(mock.project_id().to_owned()),
        client_id: Some(mock.client_id().to_owned()),
        _emulator: Some(mock),
    })
}

impl Atlas {
    /// The organization (`MONGODB_ATLAS_ORG_ID`).
    pub fn org_id(&self) -> Result<&str> {
        Ok(self
            .org_id
            .as_deref()
            .ok_or("set MONGODB_ATLAS_ORG_ID to your organization's id")?)
    }

    /// The project (`MONGODB_ATLAS_PROJECT_ID`).
    pub fn project_id(&self) -> Result<&str> {
        Ok(self
            .project_id
            .as_deref()
            .ok_or("set MONGODB_ATLAS_PROJECT_ID to your project's id")?)
    }

    /// The service account the client signs in as (`MONGODB_ATLAS_CLIENT_ID`).
    pub fn client_id(&self) -> Result<&str> {
        Ok(self
            .client_id
            .as_deref()
            .ok_or("sign in as a service account: set MONGODB_ATLAS_CLIENT_ID")?)
    }

    /// Another client for the same Atlas, signed in with other credentials.
    pub fn client_as(&self, credentials: Credentials) -> Result<Client> {
        Ok(Client::builder()
            .base_url(&self.base_url)
            .credentials(credentials)
            .application("atlas-rust-examples")
            .build()?)
    }
}

/// 24 random letters and digits, for a password nobody chose.
pub fn random_password() -> Result<String> {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut password = String::new();
    while password.len() < 24 {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(|e| e.to_string())?;
        // Bytes below 248 (4 × 62) pick a character without favouring any.
        let picks = bytes.iter().filter(|b| **b < 248);
        password.extend(picks.map(|b| char::from(CHARS[usize::from(*b) % CHARS.len()])));
    }
    password.truncate(24);
    Ok(password)
}
