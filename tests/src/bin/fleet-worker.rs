//! One process of a fleet, for the shared-token-store tests (`tests/fleet/`): a `Client`
//! with a `FileTokenStore` or a `RedisTokenStore` makes `FLEET_CALLS` calls to the Atlas
//! emulator, `FLEET_INTERVAL_MS` apart, starting at `FLEET_START_AT_MS` (Unix time, so
//! that processes started one after another begin together).
//!
//! Environment: `MONGODB_ATLAS_OPS_MANAGER_URL`, `MONGODB_ATLAS_ORG_ID`,
//! `MONGODB_ATLAS_CLIENT_ID`, `MONGODB_ATLAS_CLIENT_SECRET` (as `atlas-mock` prints them);
//! `FLEET_STORE` = `file:<dir>` or `redis:<url>`; `FLEET_PREFIX` (Redis key prefix),
//! `FLEET_LEASE_TTL_MS` (Redis lease TTL).
//!
//! Prints `ok <calls> first_ms=<latency of the first call>` and exits 0 when every call
//! succeeded; prints the first error and exits 1 otherwise.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use atlas_endpoints::service_accounts::GetOrgServiceAccount;
use atlas_runtime::{
    Client, Credentials, TokenStore,
    store::{FileTokenStore, RedisTokenStore},
};

fn var(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("{name} is not set"))
}

fn number(name: &str, default: u64) -> Result<u64, String> {
    match std::env::var(name) {
        Ok(v) => v.parse().map_err(|_| format!("{name}: not a number: {v}")),
        Err(_) => Ok(default),
    }
}

fn store() -> Result<Arc<dyn TokenStore>, String> {
    let spec = var("FLEET_STORE")?;
    if let Some(dir) = spec.strip_prefix("file:") {
        return FileTokenStore::in_dir(dir)
            .map(|s| Arc::new(s) as Arc<dyn TokenStore>)
            .map_err(|e| e.to_string());
    }
    if let Some(url) = spec.strip_prefix("redis:") {
        let mut builder = RedisTokenStore::builder(url)
            .key_prefix(std::env::var("FLEET_PREFIX").unwrap_or_default());
        if let Ok(ms) = var("FLEET_LEASE_TTL_MS") {
            let ms: u64 = ms.parse().map_err(|_| "FLEET_LEASE_TTL_MS: not a number")?;
            builder = builder.lease_ttl(Duration::from_millis(ms));
        }
        return builder
            .open()
            .map(|s| Arc::new(s) as Arc<dyn TokenStore>)
            .map_err(|e| e.to_string());
    }
    Err(format!(
        "FLEET_STORE: expected file:<dir> or redis:<url>, got {spec}"
    ))
}

fn run() -> Result<(usize, Duration), String> {
    let client_id = var("MONGODB_ATLAS_CLIENT_ID")?;
    let org = var("MONGODB_ATLAS_ORG_ID")?;
    let client = Client::builder()
        .base_url(var("MONGODB_ATLAS_OPS_MANAGER_URL")?)
        .credentials(Credentials::service_account(
            client_id.as_str(),
            var("MONGODB_ATLAS_CLIENT_SECRET")?,
        ))
        .token_store(store()?)
        .build()
        .map_err(|e| e.to_string())?;
    let calls = number("FLEET_CALLS", 50)?;
    let interval = Duration::from_millis(number("FLEET_INTERVAL_MS", 50)?);
    let start_at = UNIX_EPOCH + Duration::from_millis(number("FLEET_START_AT_MS", 0)?);
    if let Ok(wait) = start_at.duration_since(SystemTime::now()) {
        std::thread::sleep(wait);
    }
    let mut first = Duration::ZERO;
    for i in 0..calls {
        let started = Instant::now();
        let account = GetOrgServiceAccount::new(org.as_str(), client_id.as_str())
            .send(&client)
            .map_err(|e| format!("call {i}: {e}"))?;
        if account.client_id.as_ref().map(|c| c.as_str()) != Some(client_id.as_str()) {
            return Err(format!("call {i}: another account's answer"));
        }
        if i == 0 {
            first = started.elapsed();
        }
        std::thread::sleep(interval);
    }
    Ok((usize::try_from(calls).unwrap_or(usize::MAX), first))
}

fn main() -> ExitCode {
    match run() {
        Ok((calls, first)) => {
            println!("ok {calls} first_ms={}", first.as_millis());
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("failed: {e}");
            ExitCode::FAILURE
        }
    }
}
