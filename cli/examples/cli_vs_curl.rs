//! Start-up and one call of `atlas-rs` against `curl` doing the same call, side by side in
//! one run, on a loopback server that answers at once (so the times are the clients'):
//!
//! ```sh
//! cargo build --release -p atlas-cli
//! cargo run -p atlas-cli --example cli_vs_curl -- [path/to/atlas-rs] [runs]
//! ```
//!
//! Prints a Markdown table for BENCHMARKS.md: median and p90 wall time of `atlas-rs api
//! --help`, of one GET by `atlas-rs` and by `curl`, and of `--paginate` over 10,000 items
//! in 20 pages.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use atlas_tests::{Canned, TestServer};

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const TOTAL: usize = 10_000;

fn main() {
    let mut args = std::env::args().skip(1);
    let bin = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/atlas-rs")
    });
    let runs: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(30);
    assert!(
        bin.is_file(),
        "build it first: cargo build --release -p atlas-cli ({})",
        bin.display()
    );

    let account = format!(
        r#"{{"clientId":"{SA}","name":"n","description":"d","roles":["ORG_MEMBER"],"createdAt":"2024-01-01T00:00:00Z","secrets":[]}}"#
    );
    let server = TestServer::with_handler(move |r| {
        if r.path().ends_with("/serviceAccounts") {
            let query = r.query().unwrap_or("");
            let page: usize = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("pageNum="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let start = (page - 1) * 500;
            let items: Vec<String> = (start..(start + 500).min(TOTAL))
                .map(|i| format!(r#"{{"clientId":"mdb_sa_id_{i:024x}","name":"n{i}"}}"#))
                .collect();
            Canned::json(
                200,
                &format!(
                    r#"{{"links":[],"results":[{}],"totalCount":{TOTAL}}}"#,
                    items.join(",")
                ),
            )
        } else {
            Canned::json(200, &account)
        }
    });
    let home = std::env::temp_dir().join(format!("atlas-cli-bench-{}", std::process::id()));
    std::fs::create_dir_all(&home).expect("temp dir");
    let url = format!(
        "{}/api/atlas/v2/orgs/{ORG}/serviceAccounts/{SA}",
        server.url()
    );
    let atlas = |extra: &[&str]| {
        let mut c = Command::new(&bin);
        c.args(extra)
            .env_clear()
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("MONGODB_ATLAS_OPS_MANAGER_URL", server.url())
            .env("MONGODB_ATLAS_ACCESS_TOKEN", "bench-token")
            .env("MONGODB_ATLAS_ORG_ID", ORG)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let help = time(runs, || atlas(&["api", "--help"]));
    let call = time(runs, || {
        atlas(&[
            "api",
            "serviceAccounts",
            "getOrgServiceAccount",
            "--clientId",
            SA,
            "--version",
            "2024-08-05",
        ])
    });
    let curl = time(runs, || {
        let mut c = Command::new("curl");
        c.args([
            "-sS",
            "--fail",
            "-H",
            "Accept: application/vnd.atlas.2024-08-05+json",
            "-H",
            "Authorization: Bearer bench-token",
            &url,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
        c
    });
    let pages = time(runs.min(5), || {
        atlas(&[
            "api",
            "serviceAccounts",
            "listOrgServiceAccounts",
            "--paginate",
            "--version",
            "2024-08-05",
        ])
    });
    let _ = std::fs::remove_dir_all(&home);

    println!(
        "| run ({runs} times each, --paginate {}) | median | p90 | vs curl (median) |",
        runs.min(5)
    );
    println!("|---|---|---|---|");
    let row = |name: &str, t: &[Duration]| {
        println!(
            "| {name} | {:.2} ms | {:.2} ms | {:.2}× |",
            ms(median(t)),
            ms(p90(t)),
            ms(median(t)) / ms(median(&curl))
        );
    };
    row("`atlas-rs api --help`", &help);
    row("`atlas-rs api serviceAccounts getOrgServiceAccount`", &call);
    row("`curl` (the same GET)", &curl);
    row(
        "`atlas-rs … listOrgServiceAccounts --paginate` (10,000 items, 20 pages)",
        &pages,
    );
    let requests = server.requests().len();
    println!("\n{requests} requests served");
}

/// Wall time of `runs` runs of the command `make` builds, each checked to succeed.
fn time(runs: usize, make: impl Fn() -> Command) -> Vec<Duration> {
    let mut out = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut cmd = make();
        let start = Instant::now();
        let status = cmd.status().expect("the command runs");
        out.push(start.elapsed());
        assert!(status.success(), "{cmd:?} failed: {status}");
    }
    out.sort();
    out
}

fn median(t: &[Duration]) -> Duration {
    t[t.len() / 2]
}

fn p90(t: &[Duration]) -> Duration {
    t[(t.len() * 9 / 10).min(t.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
