//! One call by a client configured from the environment alone, as a user's program
//! would make it (`Client::from_env()`): for the tests of what the environment decides
//! (`HTTPS_PROXY` and its kin, `NO_PROXY`, `SSL_CERT_FILE`, the `MONGODB_ATLAS_*`
//! credentials and base URL), which a test cannot set in its own process.
//!
//! Sends `GET /api/atlas/v2/orgs/{ENV_CALL_ORG}/serviceAccounts` once, without retries,
//! and prints the answer as JSON and exits 0, or prints the error (`Display`, then
//! `Debug`) and exits 1.

use std::process::ExitCode;

use atlas_runtime::{Client, ClientBuilder, RetryPolicy, atlas_endpoint};

#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts", version = "2024-08-05",
    response = serde_json::Value)]
struct ListAccounts {
    org_id: String,
}

fn run() -> Result<serde_json::Value, String> {
    let org = std::env::var("ENV_CALL_ORG").map_err(|_| "ENV_CALL_ORG is not set".to_string())?;
    let client: Client = ClientBuilder::from_env()
        .and_then(|b| b.retry(RetryPolicy::none()).build())
        .map_err(|e| format!("{e}\n{e:?}"))?;
    ListAccounts::new(org)
        .send(&client)
        .map_err(|e| format!("{e}\n{e:?}"))
}

fn main() -> ExitCode {
    match run() {
        Ok(answer) => {
            println!("{answer}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("{e}");
            ExitCode::FAILURE
        }
    }
}
