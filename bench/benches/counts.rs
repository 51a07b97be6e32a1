//! Counts, each against its baseline in the same run (a plain `main`, no criterion: these
//! are numbers of requests, not times, though each run's wall time is shown too):
//!
//! - send, interleaved: `send()` and the same call by hand on hyper (the default
//!   transport's own stack, so the ratio is the framework's overhead), and by hand with
//!   ureq, alternating call by call (robust to load that comes and goes);
//! - Digest: requests per call over 100 calls with an API key, ours (nonce reused with
//!   an increasing count) vs probe-then-sign (every call sent unsigned, then signed),
//!   and the time per call of each, interleaved;
//! - tokens: token requests over 10,000 calls from 32 threads, paced over 3 s across a
//!   token refresh (4 s tokens, replaced at half-life), ours (single flight) vs a cache
//!   that fetches outside its lock;
//! - pagination: requests to list 10,000 items, ours (`.items()`, 500 a page) vs the
//!   official clients' 100 a page;
//! - first call: the first `validate()` in a fresh process vs the steady state, ours vs
//!   `regex` (compiled on first use), from `first_call` run as separate processes.
//!
//! Under `cargo bench` (`--bench`) the full sizes run; otherwise (`cargo test --benches`)
//! a quick smoke run. The table is printed and written to `target/atlas-bench/counts.md`.

use std::fmt::Write as _;
use std::process::Command;
use std::time::{Duration, Instant};

use atlas_bench::baseline::{self, HandWritten, HyperByHand, NaiveTokenClient, ProbeThenSign};
use atlas_bench::digest::{DigestServer, PRIVATE_KEY, PUBLIC_KEY};
use atlas_bench::pages::PageServer;
use atlas_bench::report::{human, results_dir};
use atlas_bench::server::Server;
use atlas_bench::tokens::{SA_CLIENT_ID, SA_SECRET, TokenRun, TokenServer, paced_run};
use atlas_bench::{
    BEARER, CLIENT_ID, HOURS, ListOrgServiceAccounts, ORG_ID, client, client_without_retries,
    created_answer, secret_call,
};
use atlas_runtime::Credentials;

struct Sizes {
    send_pairs: usize,
    digest_timed_calls: usize,
    digest_calls: u64,
    token_calls: usize,
    token_threads: usize,
    token_lifetime: Duration,
    token_span: Duration,
    list_items: usize,
    first_call_runs: usize,
}

fn goal(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

fn digest(sizes: &Sizes, out: &mut String) {
    let calls = sizes.digest_calls;
    let call = secret_call();

    let server = DigestServer::start();
    let ours = client_without_retries(server.url(), Credentials::api_key(PUBLIC_KEY, PRIVATE_KEY));
    let start = Instant::now();
    for _ in 0..calls {
        call.send(&ours).expect("ours");
    }
    let ours_time = start.elapsed();
    let ours_counts = server.counts();

    let server = DigestServer::start();
    let probe = ProbeThenSign::new(server.url(), PUBLIC_KEY, PRIVATE_KEY);
    let start = Instant::now();
    for _ in 0..calls {
        probe
            .create_secret(ORG_ID, CLIENT_ID, HOURS)
            .expect("probe");
    }
    let probe_time = start.elapsed();
    let probe_counts = server.counts();

    let per_call = |r: u64| r as f64 / calls as f64;
    let (a, b) = (
        per_call(ours_counts.requests),
        per_call(probe_counts.requests),
    );
    let _ = writeln!(
        out,
        "| Digest: requests per call over {calls} calls | {a:.2} ({} requests, {} challenged, {} accepted; {} a call) | {b:.2} ({} requests, {} challenged, {} accepted; {} a call) | {:.3} | 1.01 vs 2: {} |",
        ours_counts.requests,
        ours_counts.challenges,
        ours_counts.accepted,
        human(ours_time.as_nanos() as f64 / calls as f64),
        probe_counts.requests,
        probe_counts.challenges,
        probe_counts.accepted,
        human(probe_time.as_nanos() as f64 / calls as f64),
        a / b,
        goal(ours_counts.requests == calls + 1 && probe_counts.requests == 2 * calls),
    );
}

fn tokens(sizes: &Sizes, out: &mut String) {
    let call = secret_call();
    let run = |name: &str, f: &dyn Fn(&TokenServer) -> TokenRun| {
        let server = TokenServer::start(sizes.token_lifetime);
        let r = f(&server);
        eprintln!("tokens {name}: {r:?}");
        r
    };
    let ours = run("ours", &|server| {
        let client = client(
            server.url(),
            Credentials::service_account(SA_CLIENT_ID, SA_SECRET),
        );
        paced_run(
            server,
            sizes.token_threads,
            sizes.token_calls,
            sizes.token_span,
            || call.send(&client).is_ok(),
        )
    });
    let naive = run("cache without single flight", &|server| {
        let client = NaiveTokenClient::new(server.url(), SA_CLIENT_ID, SA_SECRET);
        paced_run(
            server,
            sizes.token_threads,
            sizes.token_calls,
            sizes.token_span,
            || client.create_secret(ORG_ID, CLIENT_ID, HOURS).is_ok(),
        )
    });
    let cell = |r: &TokenRun| {
        format!(
            "**{}** ({} API requests, {} refused, {} calls failed, span {:.2} s)",
            r.token_requests,
            r.api_requests,
            r.rejected,
            r.failed,
            r.span.as_secs_f64()
        )
    };
    let _ = writeln!(
        out,
        "| Tokens: token requests over {} calls from {} threads, {} s tokens, paced over {} s | {} | {} | {:.3} | 2: {} |",
        sizes.token_calls,
        sizes.token_threads,
        sizes.token_lifetime.as_secs(),
        sizes.token_span.as_secs_f64(),
        cell(&ours),
        cell(&naive),
        ours.token_requests as f64 / naive.token_requests as f64,
        goal(ours.token_requests == 2 && ours.failed == 0),
    );
}

fn pages(sizes: &Sizes, out: &mut String) {
    let items = sizes.list_items;
    let server = PageServer::start(items);
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let start = Instant::now();
    let all: Vec<_> = ListOrgServiceAccounts::new(ORG_ID)
        .items(&ours)
        .collect::<Result<_, _>>()
        .expect("items");
    let n = all.len();
    let ours_time = start.elapsed();
    assert_eq!(n, items);
    let ours_requests = server.requests();

    let server = PageServer::start(items);
    let start = Instant::now();
    let all = baseline::list_all_service_accounts(server.url(), BEARER, ORG_ID).expect("list");
    let base_time = start.elapsed();
    assert_eq!(all.len(), items);
    let base_requests = server.requests();
    let _ = writeln!(
        out,
        "| Pagination: requests to list {items} items | **{ours_requests}** (500 a page; {}) | **{base_requests}** (100 a page; {}) | {:.3} | 20 vs 100: {} |",
        human(ours_time.as_nanos() as f64),
        human(base_time.as_nanos() as f64),
        ours_requests as f64 / base_requests as f64,
        goal(
            ours_requests as usize == items.div_ceil(500)
                && base_requests as usize == items.div_ceil(100)
        ),
    );
}

/// Median of `v` resampled with replacement `rounds` times: the 2.5 and 97.5 percentiles
/// of the ratio of medians `a / b` (a percentile bootstrap, deterministic seed).
fn bootstrap_ratio(a: &[f64], b: &[f64], rounds: usize) -> (f64, f64) {
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((seed >> 33) as usize) % n
    };
    let mut ratios = Vec::with_capacity(rounds);
    let (mut ra, mut rb) = (vec![0.0; a.len()], vec![0.0; b.len()]);
    for _ in 0..rounds {
        for x in ra.iter_mut() {
            *x = a[next(a.len())];
        }
        for x in rb.iter_mut() {
            *x = b[next(b.len())];
        }
        ratios.push(median(&mut ra) / median(&mut rb));
    }
    ratios.sort_by(f64::total_cmp);
    (ratios[rounds * 25 / 1000], ratios[rounds * 975 / 1000])
}

/// Times `n` calls of each of `a` and `b`, call by call in alternation (`a` first on even
/// pairs, `b` first on odd ones), so that load from elsewhere hits both alike; returns
/// the median of each, the fastest of each, and the ratio of medians with its 95 %
/// bootstrap interval.
fn interleaved(n: usize, a: &mut dyn FnMut(), b: &mut dyn FnMut()) -> [f64; 6] {
    let (mut ta, mut tb) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let timed = |f: &mut dyn FnMut(), out: &mut Vec<f64>| {
        let t = Instant::now();
        f();
        out.push(t.elapsed().as_nanos() as f64);
    };
    for i in 0..n {
        if i % 2 == 0 {
            timed(a, &mut ta);
            timed(b, &mut tb);
        } else {
            timed(b, &mut tb);
            timed(a, &mut ta);
        }
    }
    let (lo, hi) = bootstrap_ratio(&ta, &tb, 200);
    let (ma, mb) = (median(&mut ta), median(&mut tb));
    [ma, ta[0], mb, tb[0], lo, hi]
}

/// `send()` against ureq by hand, interleaved.
fn send_interleaved(sizes: &Sizes, out: &mut String) {
    let server = Server::fixed(created_answer());
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let by_hand = HandWritten::new(server.url(), Some(BEARER));
    let call = secret_call();
    for _ in 0..200 {
        call.send(&ours).expect("ours");
        by_hand
            .create_secret(ORG_ID, CLIENT_ID, HOURS)
            .expect("by hand");
    }
    let n = sizes.send_pairs;
    let [ma, mina, mb, minb, lo, hi] = interleaved(
        n,
        &mut || {
            std::hint::black_box(call.send(&ours).expect("ours"));
        },
        &mut || {
            std::hint::black_box(
                by_hand
                    .create_secret(ORG_ID, CLIENT_ID, HOURS)
                    .expect("by hand"),
            );
        },
    );
    let ratio = ma / mb;
    let _ = writeln!(
        out,
        "| Send on loopback, {n} calls each, interleaved (ours: `send()`; baseline: ureq by hand, byte-identical requests) | median {} (min {}) | median {} (min {}) | {ratio:.3} [95% CI {lo:.3} – {hi:.3}] | ≤ 1.05: {} |",
        human(ma),
        human(mina),
        human(mb),
        human(minb),
        goal(ratio <= 1.05),
    );
}

/// `send()` against the same call by hand on hyper, interleaved: the framework's overhead
/// on its own transport's stack (validation, credentials, retries' bookkeeping, the
/// idle-close probe before reuse).
fn send_interleaved_hyper(sizes: &Sizes, out: &mut String) {
    let server = Server::fixed(created_answer());
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let by_hand = HyperByHand::new(server.url(), Some(BEARER));
    let call = secret_call();
    for _ in 0..200 {
        call.send(&ours).expect("ours");
        by_hand
            .create_secret(ORG_ID, CLIENT_ID, HOURS)
            .expect("by hand");
    }
    let n = sizes.send_pairs;
    let [ma, mina, mb, minb, lo, hi] = interleaved(
        n,
        &mut || {
            std::hint::black_box(call.send(&ours).expect("ours"));
        },
        &mut || {
            std::hint::black_box(
                by_hand
                    .create_secret(ORG_ID, CLIENT_ID, HOURS)
                    .expect("by hand"),
            );
        },
    );
    let ratio = ma / mb;
    let _ = writeln!(
        out,
        "| Send on loopback, {n} calls each, interleaved (ours: `send()`; baseline: hyper by hand, same pool rules, byte-identical requests) | median {} (min {}) | median {} (min {}) | {ratio:.3} [95% CI {lo:.3} – {hi:.3}] | ≤ 1.05: {} |",
        human(ma),
        human(mina),
        human(mb),
        human(minb),
        goal(ratio <= 1.05),
    );
}

/// A Digest call's time in the steady state, ours against probe-then-sign, interleaved;
/// each client has its own server.
fn digest_interleaved(sizes: &Sizes, out: &mut String) {
    let (s1, s2) = (DigestServer::start(), DigestServer::start());
    let ours = client_without_retries(s1.url(), Credentials::api_key(PUBLIC_KEY, PRIVATE_KEY));
    let probe = ProbeThenSign::new(s2.url(), PUBLIC_KEY, PRIVATE_KEY);
    let call = secret_call();
    for _ in 0..20 {
        call.send(&ours).expect("ours");
        probe
            .create_secret(ORG_ID, CLIENT_ID, HOURS)
            .expect("probe");
    }
    let n = sizes.digest_timed_calls;
    let [ma, mina, mb, minb, lo, hi] = interleaved(
        n,
        &mut || {
            std::hint::black_box(call.send(&ours).expect("ours"));
        },
        &mut || {
            std::hint::black_box(
                probe
                    .create_secret(ORG_ID, CLIENT_ID, HOURS)
                    .expect("probe"),
            );
        },
    );
    let _ = writeln!(
        out,
        "| Digest: time per call in the steady state, {n} calls each, interleaved | median {} (min {}) | median {} (min {}) | {:.3} [95% CI {lo:.3} – {hi:.3}] | — |",
        human(ma),
        human(mina),
        human(mb),
        human(minb),
        ma / mb,
    );
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn first_call(sizes: &Sizes, out: &mut String) {
    let exe = env!("CARGO_BIN_EXE_first_call");
    let mut results = Vec::new();
    for which in ["ours", "regex", "hand", "timer"] {
        let (mut first, mut steady) = (Vec::new(), Vec::new());
        for _ in 0..sizes.first_call_runs {
            let output = Command::new(exe)
                .arg(which)
                .output()
                .expect("run first_call");
            let line: serde_json::Value =
                serde_json::from_slice(&output.stdout).expect("first_call prints JSON");
            first.push(line["first_ns"].as_f64().unwrap_or(f64::NAN));
            steady.push(line["steady_ns"].as_f64().unwrap_or(f64::NAN));
        }
        let (lo, hi) = first
            .iter()
            .fold((f64::INFINITY, 0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        let (first_median, steady_median) = (median(&mut first), median(&mut steady));
        results.push((which, first_median, lo, hi, steady_median));
    }
    let runs = sizes.first_call_runs;
    for (which, first, lo, hi, steady) in &results {
        let what = match *which {
            "ours" => "first `validate()` in a fresh process, ours",
            "regex" => "first call in a fresh process, regex (compiled on first use)",
            "hand" => "first call of the same checks hand-rolled (no regex, no tables)",
            _ => "an empty timed section (the timer's own cost)",
        };
        let verdict = match *which {
            "ours" => format!("≤ 2× steady: {}", goal(*first <= 2.0 * steady)),
            _ => "—".into(),
        };
        let _ = writeln!(
            out,
            "| First call: {what}, {runs} processes | first {} (min {}, max {}) | steady {} | {:.1}× | {verdict} |",
            human(*first),
            human(*lo),
            human(*hi),
            human(*steady),
            first / steady,
        );
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| filter.is_empty() || filter.iter().any(|f| name.contains(f.as_str()));
    let sizes = if full {
        Sizes {
            send_pairs: 10_000,
            digest_timed_calls: 2_000,
            digest_calls: 100,
            token_calls: 10_000,
            token_threads: 32,
            token_lifetime: Duration::from_secs(4),
            token_span: Duration::from_secs(3),
            list_items: 10_000,
            first_call_runs: 31,
        }
    } else {
        Sizes {
            send_pairs: 100,
            digest_timed_calls: 20,
            digest_calls: 10,
            token_calls: 200,
            token_threads: 8,
            token_lifetime: Duration::from_secs(2),
            token_span: Duration::from_millis(1500),
            list_items: 1_000,
            first_call_runs: 3,
        }
    };

    let mut out =
        String::from("| measurement | ours | baseline | ratio | goal |\n|---|---|---|---|---|\n");
    if wanted("counts/send") {
        send_interleaved_hyper(&sizes, &mut out);
        send_interleaved(&sizes, &mut out);
    }
    if wanted("counts/digest") {
        digest(&sizes, &mut out);
        digest_interleaved(&sizes, &mut out);
    }
    if wanted("counts/tokens") {
        tokens(&sizes, &mut out);
    }
    if wanted("counts/pages") {
        pages(&sizes, &mut out);
    }
    if wanted("counts/first_call") {
        first_call(&sizes, &mut out);
    }
    println!(
        "\nCounts ({} run):\n\n{out}",
        if full { "full" } else { "quick smoke" }
    );
    if full {
        let path = results_dir().join("counts.md");
        if std::fs::write(&path, &out).is_ok() {
            println!("written to {}", path.display());
        }
    }
}
