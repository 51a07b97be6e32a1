//! The first `validate()` in a fresh process against the steady state.
//!
//! `first_call ours` times `CreateOrgServiceAccountSecret::validate()`, `first_call regex`
//! the same checks by hand with `regex` (compiled on first use, as `LazyLock` statics
//! are), `first_call hand` the same checks hand-rolled without regex or tables (what
//! any first call of fresh code costs: page faults, cold caches), `first_call timer` an
//! empty timed section (the timer's own cost, in every figure). Each prints one JSON line: the first call's time and the median of 1001
//! single calls timed the same way after 10,000 warm-up calls, in nanoseconds.
//!
//! Run many times as separate processes: `benches/counts.rs` does, and reports the
//! median and spread.

use std::hint::black_box;
use std::time::Instant;

use atlas_bench::baseline::{validate_secret_call, validate_secret_call_by_hand};
use atlas_bench::{CLIENT_ID, HOURS, ORG_ID, secret_call};
use atlas_runtime::Endpoint;

fn time(f: &mut dyn FnMut() -> bool) -> u128 {
    let start = Instant::now();
    let ok = f();
    let elapsed = start.elapsed().as_nanos();
    black_box(ok);
    elapsed
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_else(|| "ours".into());
    let call = black_box(secret_call());
    let (org, client, hours) = (black_box(ORG_ID), black_box(CLIENT_ID), black_box(HOURS));
    let mut f: Box<dyn FnMut() -> bool> = match which.as_str() {
        "ours" => Box::new(|| call.validate().is_ok()),
        "regex" => Box::new(move || validate_secret_call(org, client, hours)),
        "hand" => Box::new(move || validate_secret_call_by_hand(org, client, hours)),
        "timer" => Box::new(|| true),
        other => {
            eprintln!("usage: first_call ours|regex|hand|timer (got {other:?})");
            std::process::exit(2);
        }
    };
    let first = time(&mut f);
    for _ in 0..10_000 {
        black_box(f());
    }
    let mut steady: Vec<u128> = (0..1001).map(|_| time(&mut f)).collect();
    steady.sort_unstable();
    println!(
        r#"{{"which":"{which}","first_ns":{first},"steady_ns":{}}}"#,
        steady[steady.len() / 2]
    );
}
