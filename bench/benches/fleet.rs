//! Fleets sharing one token (issue 15), a plain `main` (`harness = false`):
//!
//! - **Token requests of 200 short-lived processes**: `cli_call` (one call, then exit) run
//!   200 times in a row against the token server, tokens kept in memory (every process
//!   fetches its own) and then in one `FileTokenStore`; the server counts token requests.
//!   Also each process's wall time, start to exit.
//! - **Redis-backed token read**: `RedisTokenStore::load_for` on a loopback
//!   `redis-server` (one GET and a decode), timed one by one; and whole calls through a
//!   client whose store is Redis against one whose store is memory, interleaved call by
//!   call, to show what the read adds to a call. Needs `redis-server` on `PATH` (skipped
//!   with a message otherwise).
//!
//! `cargo bench -p atlas-bench --bench fleet` runs it in full (200 processes, 20,000
//! reads, 5,000 call pairs) and writes `target/atlas-bench/fleet.md`; without `--bench`
//! (as `cargo test --benches` would run it) it is a quick smoke run.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas_bench::report::results_dir;
use atlas_bench::secret_call;
use atlas_bench::tokens::{SA_CLIENT_ID, SA_SECRET, TokenServer};
use atlas_runtime::{
    Client, Credentials, TokenStore,
    store::{AccessToken, MemoryTokenStore, RedisTokenStore, TokenKey},
};

struct Sizes {
    processes: usize,
    reads: usize,
    pairs: usize,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort_unstable();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atlas-bench-fleet-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// 200 processes one after another; returns (token requests, median process time).
fn processes(n: usize, store: &str) -> (u64, Duration) {
    let server = TokenServer::start(Duration::from_secs(3600));
    let exe = env!("CARGO_BIN_EXE_cli_call");
    let mut times = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        let status = Command::new(exe)
            .args([server.url(), store])
            .stdin(Stdio::null())
            .status()
            .expect("run cli_call");
        times.push(start.elapsed());
        assert!(status.success(), "cli_call {i} ({store}) failed");
    }
    (server.token_requests(), median(times))
}

fn cli_invocations(sizes: &Sizes, out: &mut String) {
    let n = sizes.processes;
    let (memory, memory_time) = processes(n, "memory");
    let dir = temp_dir();
    let (file, file_time) = processes(n, &format!("file:{}", dir.display()));
    let _ = std::fs::remove_dir_all(&dir);
    out.push_str(&format!(
        "| token requests, {n} short-lived processes (1 call each, token lifetime 1 h) | {file} (FileTokenStore) | {memory} (in memory, today) | goal: 1 per lifetime: {} |\n",
        if file == 1 { "met" } else { "missed" }
    ));
    out.push_str(&format!(
        "| median process time, start to exit | {} (FileTokenStore) | {} (in memory; includes its own token request) | — |\n",
        ms(file_time),
        ms(memory_time)
    ));
}

/// A `redis-server` on a free loopback port, killed when dropped.
struct Redis {
    child: Child,
    url: String,
}

impl Redis {
    fn start() -> Option<Redis> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--loglevel", "warning"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .ok()?;
        let mut redis = Redis {
            child,
            url: format!("redis://127.0.0.1:{port}/0"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if redis.child.try_wait().ok()?.is_some() {
                return None;
            }
            let up = ping(port);
            if up {
                return Some(redis);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

/// Whether a Redis on `port` answers an inline PING.
fn ping(port: u16) -> bool {
    use std::io::{Read as _, Write as _};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf = [0u8; 7];
    s.write_all(b"PING\r\n").is_ok() && s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n"
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn redis_reads(sizes: &Sizes, out: &mut String) {
    let Some(redis) = Redis::start() else {
        println!("skipping the Redis figures: needs redis-server (apt-get install redis-server)");
        out.push_str("| Redis-backed token read | skipped: no redis-server | | |\n");
        return;
    };
    let store = RedisTokenStore::builder(redis.url.as_str())
        .open()
        .expect("store");
    let key = TokenKey::atlas(SA_CLIENT_ID);
    let now = std::time::SystemTime::now();
    store.save_for(
        &key,
        &AccessToken::new("x".repeat(1024), now, now + Duration::from_secs(3600)),
    );
    for _ in 0..1_000 {
        assert!(store.load_for(&key).is_some());
    }
    let reads: Vec<Duration> = (0..sizes.reads)
        .map(|_| {
            let start = Instant::now();
            let token = store.load_for(&key);
            let t = start.elapsed();
            assert!(token.is_some());
            t
        })
        .collect();
    let (read_median, read_p99) = (median(reads.clone()), percentile(reads, 0.99));

    // Whole calls, interleaved: memory first on even pairs, Redis first on odd ones.
    let server = TokenServer::start(Duration::from_secs(3600));
    let build = |store: Arc<dyn TokenStore>| {
        Client::builder()
            .base_url(server.url())
            .credentials(Credentials::service_account(SA_CLIENT_ID, SA_SECRET))
            .token_store(store)
            .build()
            .expect("client")
    };
    let memory = build(Arc::new(MemoryTokenStore::default()));
    let shared = build(Arc::new(store));
    let call = secret_call();
    for _ in 0..200 {
        call.send(&memory).expect("call");
        call.send(&shared).expect("call");
    }
    let (mut on_memory, mut on_redis) = (Vec::new(), Vec::new());
    for i in 0..sizes.pairs {
        let time = |c: &Client| {
            let start = Instant::now();
            call.send(c).expect("call");
            start.elapsed()
        };
        if i % 2 == 0 {
            on_memory.push(time(&memory));
            on_redis.push(time(&shared));
        } else {
            on_redis.push(time(&shared));
            on_memory.push(time(&memory));
        }
    }
    let (m, r) = (median(on_memory), median(on_redis));
    let added = r.saturating_sub(m);
    out.push_str(&format!(
        "| Redis-backed token read (`load_for`: GET + decode of a 1 KiB token), {} reads | median {}, p99 {} | — | goal ≤ 0.2 ms median: {} |\n",
        sizes.reads,
        ms(read_median),
        ms(read_p99),
        if read_median <= Duration::from_micros(200) { "met" } else { "missed" }
    ));
    out.push_str(&format!(
        "| one call, token in Redis vs in memory ({} interleaved pairs) | median {} | median {} | added {} per call |\n",
        sizes.pairs,
        ms(r),
        ms(m),
        ms(added)
    ));
    drop(redis);
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let sizes = if full {
        Sizes {
            processes: 200,
            reads: 20_000,
            pairs: 5_000,
        }
    } else {
        Sizes {
            processes: 10,
            reads: 200,
            pairs: 50,
        }
    };
    let mut out =
        String::from("| measurement | shared store | baseline | result |\n|---|---|---|---|\n");
    cli_invocations(&sizes, &mut out);
    redis_reads(&sizes, &mut out);
    println!(
        "\nFleet ({} run):\n\n{out}",
        if full { "full" } else { "quick smoke" }
    );
    if full {
        let path = results_dir().join("fleet.md");
        if std::fs::write(&path, &out).is_ok() {
            println!("written to {}", path.display());
        }
    }
}
