//! `send()` or the same call by hand on hyper, N times against the bench's loopback
//! server: a steady loop for profilers. `valgrind --tool=callgrind` counts instructions,
//! which on a busy machine compare the two where times cannot (BENCHMARKS.md):
//!
//! ```sh
//! cargo build --release -p atlas-bench --bin send_loop
//! valgrind --tool=callgrind target/release/send_loop ours 3000
//! valgrind --tool=callgrind target/release/send_loop hyper 3000
//! target/release/send_loop ab 20000   # both, call by call, medians and their ratio
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
    if which == "ab" {
        return interleaved(
            calls,
            &mut || {
                drop(std::hint::black_box(call.send(&ours).expect("ours")));
            },
            &mut || {
                drop(std::hint::black_box(
                    by_hand
                        .create_secret(ORG_ID, CLIENT_ID, HOURS)
                        .expect("by hand"),
                ));
            },
        );
    }
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

/// `ours` and `hyper` call by call (each first on every other pair), after 500 warm-up
/// pairs; prints both medians and their ratio.
fn interleaved(calls: u32, ours: &mut dyn FnMut(), hyper: &mut dyn FnMut()) {
    let time = |f: &mut dyn FnMut()| {
        let t = std::time::Instant::now();
        f();
        t.elapsed().as_nanos() as f64
    };
    for _ in 0..500 {
        ours();
        hyper();
    }
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for i in 0..calls {
        if i % 2 == 0 {
            a.push(time(ours));
            b.push(time(hyper));
        } else {
            b.push(time(hyper));
            a.push(time(ours));
        }
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (ma, mb) = (median(&mut a), median(&mut b));
    eprintln!(
        "ours {:.2} µs, hyper by hand {:.2} µs, ratio {:.3} ({calls} pairs)",
        ma / 1000.0,
        mb / 1000.0,
        ma / mb
    );
}
