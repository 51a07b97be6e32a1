//! One short-lived "CLI invocation": a fresh process that makes one service-account call
//! to the bench's token server and exits, with its tokens in memory (what every process
//! does by default) or in a `FileTokenStore`. `benches/fleet.rs` runs it 200 times and
//! counts the token requests the server saw.
//!
//! Usage: `cli_call <base-url> memory|file:<dir>`.

use std::process::ExitCode;
use std::sync::Arc;

use atlas_bench::secret_call;
use atlas_bench::tokens::{SA_CLIENT_ID, SA_SECRET};
use atlas_runtime::{
    Client, Credentials, TokenStore,
    store::{FileTokenStore, MemoryTokenStore},
};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(store)) = (args.next(), args.next()) else {
        eprintln!("usage: cli_call <base-url> memory|file:<dir>");
        return ExitCode::from(2);
    };
    let store: Arc<dyn TokenStore> = match store.strip_prefix("file:") {
        Some(dir) => match FileTokenStore::in_dir(dir) {
            Ok(s) => Arc::new(s),
            Err(e) => {
                eprintln!("cli_call: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => Arc::new(MemoryTokenStore::default()),
    };
    let client = Client::builder()
        .base_url(url)
        .credentials(Credentials::service_account(SA_CLIENT_ID, SA_SECRET))
        .token_store(store)
        .build()
        .expect("client for a loopback server");
    match secret_call().send(&client) {
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cli_call: {e}");
            ExitCode::FAILURE
        }
    }
}
