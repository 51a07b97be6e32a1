//! Creates one organization service account secret.
//!
//! With no credentials in the environment, it starts a local stand-in server on
//! 127.0.0.1 that answers as Atlas documents, so it runs on a fresh machine:
//!
//! ```sh
//! cargo run --example quickstart
//! ```
//!
//! Against Atlas, set credentials as the `atlas` CLI reads them and the organization id.
//! With a service account, the secret is created for that same account (a rotation's
//! first step) unless `ATLAS_TARGET_CLIENT_ID` names another; only its masked value is
//! printed:
//!
//! ```sh
//! MONGODB_ATLAS_CLIENT_ID=mdb_sa_id_… MONGODB_ATLAS_CLIENT_SECRET=mdb_sa_sk_… \
//!     MONGODB_ATLAS_ORG_ID=… cargo run --example quickstart
//! ```

use atlas_endpoints::service_accounts::CreateOrgServiceAccountSecret;
use atlas_runtime::{Client, ClientBuilder};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let builder = ClientBuilder::from_env()?;
    let (client, org_id, client_id, _server) = if !builder.has_credentials() {
        let server = StandIn::start()?;
        println!(
            "no MONGODB_ATLAS_* credentials: using a local stand-in at {}",
            server.url
        );
        let client = Client::builder().base_url(&server.url).build()?;
        (
            client,
            "32b6e34b3d91647abb20e7b8".to_string(),
            "mdb_sa_id_1234567890abcdef12345678".to_string(),
            Some(server),
        )
    } else {
        let client = builder.application("atlas-rust-quickstart").build()?;
        println!("target: {}", client.context().base_url);
        let org_id = std::env::var("MONGODB_ATLAS_ORG_ID")
            .map_err(|_| "set MONGODB_ATLAS_ORG_ID to the organization's id")?;
        let client_id = std::env::var("ATLAS_TARGET_CLIENT_ID")
            .or_else(|_| std::env::var("MONGODB_ATLAS_CLIENT_ID"))
            .map_err(|_| "set ATLAS_TARGET_CLIENT_ID to the service account to give a secret")?;
        (client, org_id, client_id, None)
    };

    // Bad input never leaves the process: every problem is reported at once.
    let invalid = CreateOrgServiceAccountSecret::new("not-an-org-id", client_id.as_str(), 0);
    match invalid.send(&client) {
        Err(e) => println!("refused before sending:\n{e}"),
        Ok(_) => return Err("an invalid call was accepted".into()),
    }

    let secret = CreateOrgServiceAccountSecret::new(org_id, client_id, 8).send(&client)?;
    println!(
        "created secret {} (masked {}), expires {}",
        secret.id,
        secret.masked_secret_value.as_deref().unwrap_or("?"),
        secret.expires_at
    );
    println!("the plaintext secret stays in memory: {secret:?}");
    client.close();
    Ok(())
}

/// A stand-in that answers createOrgServiceAccountSecret as Atlas documents it.
struct StandIn {
    url: String,
    server: std::sync::Arc<tiny_http::Server>,
    worker: Option<std::thread::JoinHandle<()>>,
}

impl StandIn {
    fn start() -> Result<Self, Box<dyn std::error::Error>> {
        let server = tiny_http::Server::http("127.0.0.1:0").map_err(|e| e.to_string())?;
        let server = std::sync::Arc::new(server);
        let addr = server.server_addr().to_ip().ok_or("no IP address")?;
        let worker = {
            let server = server.clone();
            std::thread::spawn(move || {
                while let Ok(mut request) = server.recv() {
                    let mut body = String::new();
                    let _ = request.as_reader().read_to_string(&mut body);
                    let hours = serde_json::from_str::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["secretExpiresAfterHours"].as_i64())
                        .unwrap_or(0);
                    let now = jiff::Timestamp::now();
                    let expires = now + jiff::SignedDuration::from_hours(hours);
                    let answer = serde_json::json!({
                        "id": "6f0d8a1b2c3d4e5f60718293",
                        "createdAt": now.to_string(),
                        "expiresAt": expires.to_string(),
                        "maskedSecretValue": "mdb_sa_sk_...9f3e",
                        "secret": "mdb_sa_sk_stand-in-plaintext-9f3e",
                    });
                    let response = tiny_http::Response::from_string(answer.to_string())
                        .with_status_code(201)
                        .with_header(
                            tiny_http::Header::from_bytes(
                                "Content-Type",
                                "application/vnd.atlas.2024-08-05+json",
                            )
                            .expect("a valid header"),
                        );
                    let _ = request.respond(response);
                }
            })
        };
        Ok(StandIn {
            url: format!("http://{addr}"),
            server,
            worker: Some(worker),
        })
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
    }
}
