//! Times, each against its baseline in the same run (criterion):
//!
//! - `send`: `CreateOrgServiceAccountSecret::send()` on loopback vs the same request by
//!   hand with ureq 3 (byte-identical on the wire: `tests/wire.rs`), same server;
//! - `validate`: the generated `validate()` vs `regex::Regex::is_match` on precompiled
//!   patterns, and each pattern alone;
//! - `build_request`: `atlas_runtime::implement::build_request` vs `format!` + `serde_json::to_vec`;
//! - `digest`: one call with an API key, ours (signed with the cached nonce) vs
//!   probe-then-sign;
//! - `list_10000`: every item of a 10,000-item list, ours (`.items()`, 500 a page) vs the
//!   official clients' 100 a page.
//!
//! After the run, a table of ratios is printed and written to
//! `target/atlas-bench/timings.md`.

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use atlas_bench::baseline::{self, HandWritten, HyperByHand, ProbeThenSign};
use atlas_bench::digest::{DigestServer, PRIVATE_KEY, PUBLIC_KEY};
use atlas_bench::pages::PageServer;
use atlas_bench::report::{Pair, pairs_table, results_dir};
use atlas_bench::server::Server;
use atlas_bench::{
    BEARER, CLIENT_ID, HOURS, ListOrgServiceAccounts, ORG_ID, access_list_call, client,
    created_answer, secret_call,
};
use atlas_runtime::{
    Credentials, Endpoint, RequestOptions,
    implement::{RequestContext, build_request},
};
use criterion::Criterion;

fn send(c: &mut Criterion) {
    let server = Server::fixed(created_answer());
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let by_hand = HandWritten::new(server.url(), Some(BEARER));
    let hyper_by_hand = HyperByHand::new(server.url(), Some(BEARER));
    let call = secret_call();
    // All warm their connection before measuring.
    call.send(&ours).expect("ours");
    by_hand
        .create_secret(ORG_ID, CLIENT_ID, HOURS)
        .expect("by hand");
    hyper_by_hand
        .create_secret(ORG_ID, CLIENT_ID, HOURS)
        .expect("hyper by hand");

    let mut g = c.benchmark_group("send");
    g.measurement_time(Duration::from_secs(5)).sample_size(100);
    g.bench_function("ours", |b| {
        b.iter(|| black_box(&call).send(&ours).expect("ours"))
    });
    g.bench_function("hyper_by_hand", |b| {
        b.iter(|| {
            hyper_by_hand
                .create_secret(black_box(ORG_ID), black_box(CLIENT_ID), black_box(HOURS))
                .expect("hyper by hand")
        })
    });
    g.bench_function("ureq_by_hand", |b| {
        b.iter(|| {
            by_hand
                .create_secret(black_box(ORG_ID), black_box(CLIENT_ID), black_box(HOURS))
                .expect("by hand")
        })
    });
    g.finish();
}

fn validate(c: &mut Criterion) {
    let call = secret_call();
    let org = atlas_bench::CreateOrgServiceAccountSecret::INFO
        .param("orgId")
        .and_then(|p| p.patterns().next())
        .expect("orgId pattern");
    let client_id = atlas_bench::CreateOrgServiceAccountSecret::INFO
        .param("clientId")
        .and_then(|p| p.patterns().next())
        .expect("clientId pattern");
    let (org_re, client_re) = (&*baseline::ORG_ID_RE, &*baseline::CLIENT_ID_RE);

    let mut g = c.benchmark_group("validate");
    g.bench_function("ours", |b| b.iter(|| black_box(&call).validate().is_ok()));
    g.bench_function("regex", |b| {
        b.iter(|| {
            baseline::validate_secret_call(
                black_box(ORG_ID),
                black_box(CLIENT_ID),
                black_box(HOURS),
            )
        })
    });
    g.bench_function("hand_rolled", |b| {
        b.iter(|| {
            baseline::validate_secret_call_by_hand(
                black_box(ORG_ID),
                black_box(CLIENT_ID),
                black_box(HOURS),
            )
        })
    });
    g.bench_function("org_id_ours", |b| {
        b.iter(|| org.is_match(black_box(ORG_ID)))
    });
    g.bench_function("org_id_regex", |b| {
        b.iter(|| org_re.is_match(black_box(ORG_ID)))
    });
    g.bench_function("client_id_ours", |b| {
        b.iter(|| client_id.is_match(black_box(CLIENT_ID)))
    });
    g.bench_function("client_id_regex", |b| {
        b.iter(|| client_re.is_match(black_box(CLIENT_ID)))
    });
    g.finish();
}

fn build(c: &mut Criterion) {
    let context = RequestContext::default();
    let options = RequestOptions::default();
    let secret = secret_call();
    let access = access_list_call();
    let (base, ua) = (context.base_url.clone(), context.user_agent.clone());

    let mut g = c.benchmark_group("build_request");
    g.bench_function("secret_ours", |b| {
        b.iter(|| build_request(black_box(&secret), &context, &options).expect("request"))
    });
    g.bench_function("secret_format", |b| {
        b.iter(|| {
            baseline::build_secret_request(
                &base,
                &ua,
                black_box(ORG_ID),
                black_box(CLIENT_ID),
                black_box(HOURS),
            )
            .expect("request")
        })
    });
    // Attribution: two of the steps build_request takes that format! does not.
    g.bench_function("part_validate", |b| {
        b.iter(|| black_box(&secret).validate())
    });
    g.bench_function("part_version_check", |b| {
        b.iter(|| atlas_runtime::implement::is_valid_version(black_box("2024-08-05")))
    });
    g.bench_function("access_list_ours", |b| {
        b.iter(|| build_request(black_box(&access), &context, &options).expect("request"))
    });
    g.bench_function("access_list_format", |b| {
        b.iter(|| {
            let a = black_box(&access);
            baseline::build_access_list_request(
                &base,
                &ua,
                &a.org_id,
                &a.client_id,
                a.include_count.unwrap_or_default(),
                a.items_per_page.unwrap_or_default(),
                a.page_num.unwrap_or_default(),
                &a.entries,
            )
            .expect("request")
        })
    });
    g.finish();
}

fn digest(c: &mut Criterion) {
    let server = DigestServer::start();
    let ours = client(server.url(), Credentials::api_key(PUBLIC_KEY, PRIVATE_KEY));
    let probe = ProbeThenSign::new(server.url(), PUBLIC_KEY, PRIVATE_KEY);
    let call = secret_call();
    call.send(&ours).expect("ours");
    probe
        .create_secret(ORG_ID, CLIENT_ID, HOURS)
        .expect("probe");

    let mut g = c.benchmark_group("digest");
    g.bench_function("ours", |b| {
        b.iter(|| black_box(&call).send(&ours).expect("ours"))
    });
    g.bench_function("probe_then_sign", |b| {
        b.iter(|| {
            probe
                .create_secret(ORG_ID, CLIENT_ID, HOURS)
                .expect("probe")
        })
    });
    g.finish();
}

fn list(c: &mut Criterion) {
    let server = PageServer::start(10_000);
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let list = ListOrgServiceAccounts::new(ORG_ID);

    let mut g = c.benchmark_group("list_10000");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.bench_function("ours_500_a_page", |b| {
        b.iter(|| {
            let all: Vec<_> = list.items(&ours).collect::<Result<_, _>>().expect("items");
            let n = all.len();
            assert_eq!(n, 10_000);
        })
    });
    g.bench_function("official_100_a_page", |b| {
        b.iter(|| {
            let all =
                baseline::list_all_service_accounts(server.url(), BEARER, ORG_ID).expect("list");
            assert_eq!(all.len(), 10_000);
        })
    });
    g.finish();
}

const PAIRS: &[Pair] = &[
    // The goal on send is judged on the interleaved A/B of benches/counts.rs: back-to-back
    // criterion groups are at the mercy of load that comes and goes between them.
    Pair {
        title: "send on loopback (goal judged on the interleaved A/B)",
        ours: "send/ours",
        baseline: "send/ureq_by_hand",
        goal: None,
    },
    Pair {
        title: "validate() (orgId, clientId, range)",
        ours: "validate/ours",
        baseline: "validate/regex",
        goal: Some(1.0 / 3.0),
    },
    Pair {
        title: "validate() against a hand-rolled check (no regex, no tables)",
        ours: "validate/ours",
        baseline: "validate/hand_rolled",
        goal: None,
    },
    Pair {
        title: "orgId pattern",
        ours: "validate/org_id_ours",
        baseline: "validate/org_id_regex",
        goal: None,
    },
    Pair {
        title: "clientId pattern",
        ours: "validate/client_id_ours",
        baseline: "validate/client_id_regex",
        goal: None,
    },
    Pair {
        title: "build_request: secret (path, body)",
        ours: "build_request/secret_ours",
        baseline: "build_request/secret_format",
        goal: None,
    },
    Pair {
        title: "build_request: access list (path, query, body)",
        ours: "build_request/access_list_ours",
        baseline: "build_request/access_list_format",
        goal: None,
    },
    Pair {
        title: "Digest call (steady state)",
        ours: "digest/ours",
        baseline: "digest/probe_then_sign",
        goal: None,
    },
    Pair {
        title: "list 10,000 items",
        ours: "list_10000/ours_500_a_page",
        baseline: "list_10000/official_100_a_page",
        goal: None,
    },
];

fn main() {
    let started = SystemTime::now();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50)
        .configure_from_args();
    send(&mut c);
    validate(&mut c);
    build(&mut c);
    digest(&mut c);
    list(&mut c);
    c.final_summary();

    let table = pairs_table(PAIRS, started);
    if table.lines().count() > 2 {
        println!(
            "\nOurs against the baseline of the same run (ratio = ours / baseline):\n\n{table}"
        );
        let path = results_dir().join("timings.md");
        if std::fs::write(&path, &table).is_ok() {
            println!("written to {}", path.display());
        }
    }
}
