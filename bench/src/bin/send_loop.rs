//! `send()` or the same call by hand on hyper, N times against the bench's loopback
//! server: a steady loop for profilers. `valgrind --tool=callgrind` counts instructions,
//! which on a busy machine compare the two where times cannot (BENCHMARKS.md):
//!
//! ```sh
//! cargo build --release -p atlas-bench --bin send_loop
//! valgrind --tool=callgrind target/release/send_loop ours 3000
//! valgrind --tool=callgrind target/release/send_loop hyper 3000
//! ```

use atlas_bench::baseline::HyperByHand;
use atlas_bench::server::Server;
use atlas_bench::{BEARER, CLIENT_ID, HOURS, ORG_ID, client, created_answer, secret_call};
use atlas_runtime::Credentials;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "ours".into());
    let calls: u32 = args.next().and_then(|n| n.parse().ok()).unwrap_or(20_000);
    let server = Server::fixed(created_answer());
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let by_hand = HyperByHand::new(server.url(), Some(BEARER));
    let call = secret_call();
    let started = std::time::Instant::now();
    for _ in 0..calls {
        match which.as_str() {
            "ours" => drop(std::hint::black_box(call.send(&ours).expect("ours"))),
            "hyper" => drop(std::hint::black_box(
                by_hand
                    .create_secret(ORG_ID, CLIENT_ID, HOURS)
                    .expect("by hand"),
            )),
            other => panic!("send_loop ours|hyper [calls], not {other:?}"),
        }
    }
    eprintln!("{which}: {:?} a call", started.elapsed() / calls.max(1));
}
