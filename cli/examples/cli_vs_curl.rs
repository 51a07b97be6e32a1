//! Start-up and one call of `atlas-rs` against `curl` doing the same call, side by side in
//! one run, on a loopback server of its own that answers at once (so the times are the
//! clients'):
//!
//! ```sh
//! cargo build --release -p atlas-cli
//! cargo run -p atlas-cli --example cli_vs_curl -- [path/to/atlas-rs] [runs]
//! ```
//!
//! Prints a Markdown table for BENCHMARKS.md: median and p90 wall time of `atlas-rs api
//! --help`, of one GET by `atlas-rs` and by `curl`, and of `--paginate` over 10,000 items
//! in 20 pages against 20 `curl` runs fetching the same pages.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};

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

    let server = Server::start();
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
    let list_url = format!("{}/api/atlas/v2/orgs/{ORG}/serviceAccounts", server.url());
    let curl_pages = time(runs.min(5), || {
        let mut c = Command::new("sh");
        c.arg("-c")
            .arg(
                "for p in $(seq 20); do curl -sS --fail -H \"$1\" -H \"$2\" \"$3?pageNum=$p&itemsPerPage=500\" || exit 1; done",
            )
            .arg("sh")
            .arg("Accept: application/vnd.atlas.2024-08-05+json")
            .arg("Authorization: Bearer bench-token")
            .arg(&list_url)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
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
    row("`curl` × 20, the same pages one after another", &curl_pages);
    println!(
        "\n{} requests served",
        server.served.load(std::sync::atomic::Ordering::Relaxed)
    );
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

/// A loopback HTTP/1.1 server that answers at once, in one write per answer (so neither
/// side waits on Nagle's algorithm), keeping connections alive: a page of 500 accounts
/// for the list (10,000 in all), one account for anything else.
struct Server {
    url: String,
    served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = served.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let counter = counter.clone();
                std::thread::spawn(move || serve(stream, &counter));
            }
        });
        Server { url, served }
    }

    fn url(&self) -> &str {
        &self.url
    }
}

fn serve(stream: TcpStream, served: &std::sync::atomic::AtomicUsize) {
    let _ = stream.set_nodelay(true);
    let Ok(mut out) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            if header == "\r\n" {
                break;
            }
        }
        let target = request_line.split_whitespace().nth(1).unwrap_or("/");
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let body = if path.ends_with("/serviceAccounts") {
            let page: usize = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("pageNum="))
                .and_then(|v| v.parse().ok())
                .unwrap_or(1);
            let start = (page - 1) * 500;
            let items: Vec<String> = (start..(start + 500).min(TOTAL))
                .map(|i| format!(r#"{{"clientId":"mdb_sa_id_{i:024x}","name":"n{i}"}}"#))
                .collect();
            format!(
                r#"{{"links":[],"results":[{}],"totalCount":{TOTAL}}}"#,
                items.join(",")
            )
        } else {
            format!(
                r#"{{"clientId":"{SA}","name":"n","description":"d","roles":["ORG_MEMBER"],"createdAt":"2024-01-01T00:00:00Z","secrets":[]}}"#
            )
        };
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.atlas.2024-08-05+json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if out.write_all(answer.as_bytes()).is_err() {
            return;
        }
        served.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}
