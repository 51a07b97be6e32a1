//! Fleets of `fleet-worker` processes against the emulator, and real `redis-server`s on
//! 127.0.0.1.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use atlas_endpoints::service_accounts::GetOrgServiceAccount;
use atlas_mock::MockAtlas;
use atlas_runtime::{
    Client, Credentials, TokenStore,
    store::{AccessToken, TokenKey},
};
use secrecy::ExposeSecret as _;

/// The fleet worker, built by cargo with this test.
const WORKER: &str = env!("CARGO_BIN_EXE_fleet-worker");

/// Held by each test that starts a fleet: 32 processes on a 2-core machine are enough
/// load at a time, and timings (token lifetimes) stay meaningful.
pub fn one_fleet_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static FLEET: std::sync::Mutex<()> = std::sync::Mutex::new(());
    FLEET
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The most token requests "one per lifetime" allows in a run of `elapsed`: the first,
/// then one each time half a lifetime has passed (the client replaces a token when half
/// of it is left, for lifetimes under two minutes).
pub fn one_per_lifetime(elapsed: Duration, lifetime: Duration) -> usize {
    1 + (elapsed.as_secs_f64() / (lifetime.as_secs_f64() / 2.0)).floor() as usize
}

/// One worker's settings besides the emulator's.
#[derive(Clone)]
pub struct Job {
    pub store: String,
    pub calls: u32,
    pub interval: Duration,
    pub start_at: SystemTime,
    pub extra: Vec<(&'static str, String)>,
}

/// Starts one worker process.
pub fn spawn(mock: &MockAtlas, job: &Job) -> Child {
    let start_ms = job
        .start_at
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .to_string();
    let mut cmd = Command::new(WORKER);
    cmd.envs(mock.env())
        .env("FLEET_STORE", &job.store)
        .env("FLEET_CALLS", job.calls.to_string())
        .env("FLEET_INTERVAL_MS", job.interval.as_millis().to_string())
        .env("FLEET_START_AT_MS", start_ms)
        .envs(job.extra.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.spawn().expect("the fleet worker starts")
}

/// How a worker ended, and what it printed.
#[derive(Debug)]
pub struct Outcome {
    pub pid: u32,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// The first call's latency, if the worker succeeded.
    pub fn first_call(&self) -> Option<Duration> {
        let ms = self.stdout.split("first_ms=").nth(1)?.trim().parse().ok()?;
        Some(Duration::from_millis(ms))
    }
}

/// Waits for every worker, killing them all and failing if any runs past `limit`.
pub fn wait_all(mut children: Vec<Child>, limit: Duration) -> Vec<Outcome> {
    let deadline = Instant::now() + limit;
    loop {
        let done = children
            .iter_mut()
            .all(|c| c.try_wait().expect("waitable").is_some());
        if done {
            break;
        }
        if Instant::now() > deadline {
            for c in &mut children {
                let _ = c.kill();
                let _ = c.wait();
            }
            panic!("the fleet did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    children
        .into_iter()
        .map(|c| {
            let pid = c.id();
            let out = c.wait_with_output().expect("output");
            Outcome {
                pid,
                status: out.status,
                stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
                stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            }
        })
        .collect()
}

/// Asserts that every outcome is a worker that made all its calls.
pub fn assert_all_ok<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>, calls: u32) {
    for o in outcomes {
        assert!(
            o.status.success() && o.stdout.starts_with(&format!("ok {calls} ")),
            "worker {} failed: {:?}\nstdout: {}\nstderr: {}",
            o.pid,
            o.status,
            o.stdout,
            o.stderr
        );
    }
}

/// Requests that reached the emulator's token endpoint.
pub fn token_requests(mock: &MockAtlas) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.path == "/api/oauth/token")
        .count()
}

/// A fresh private directory under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "atlas-fleet-{name}-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    // Private whatever the umask: a directory others can write to is refused by the store.
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir).unwrap();
    dir
}

/// Kills `pid` (one of our workers) with SIGKILL.
pub fn sigkill(pid: u32) {
    let pid = libc::pid_t::try_from(pid).expect("a pid");
    // SAFETY: kill has no memory preconditions; the pid is our unreaped child.
    let rc = unsafe { libc::kill(pid, libc::SIGKILL) };
    assert_eq!(rc, 0, "kill -9 {pid}");
}

fn redis_server_binary() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/bin"), PathBuf::from("/usr/sbin")])
        .map(|d| d.join("redis-server"))
        .find(|p| p.is_file())
}

/// A `redis-server` of our own on 127.0.0.1, without persistence; killed when dropped.
pub struct RedisServer {
    child: Option<Child>,
    pub url: String,
}

impl RedisServer {
    /// Starts one on a free port, or panics saying why.
    pub fn start() -> RedisServer {
        // The build script found it (cfg has_redis); one removed since is a failure.
        let binary = redis_server_binary()
            .expect("redis-server, found when the tests were built, is gone: reinstall it");
        let mut last = String::new();
        for _ in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port();
            let mut child = Command::new(&binary)
                .args(["--bind", "127.0.0.1", "--port", &port.to_string()])
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .args(["--loglevel", "warning"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("redis-server starts");
            let url = format!("redis://127.0.0.1:{port}/0");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Some(status) = child.try_wait().unwrap() {
                    last = format!("redis-server exited: {status}");
                    break;
                }
                if ping(&url) {
                    return RedisServer {
                        child: Some(child),
                        url,
                    };
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
            if last.is_empty() {
                last = "redis-server did not answer within 10 s".into();
            }
        }
        panic!("cannot start redis-server: {last}");
    }

    /// The process id, for stopping it mid-run.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Kills it now (SIGKILL: no goodbye to the clients).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether the Redis at `url` answers PING.
pub fn ping(url: &str) -> bool {
    let Ok(client) = redis::Client::open(url) else {
        return false;
    };
    let Ok(mut c) = client.get_connection_with_timeout(Duration::from_millis(200)) else {
        return false;
    };
    redis::cmd("PING").query::<String>(&mut c).is_ok()
}

/// The value at `key`, if any.
pub fn redis_get(url: &str, key: &str) -> Option<String> {
    let client = redis::Client::open(url).ok()?;
    let mut c = client
        .get_connection_with_timeout(Duration::from_millis(500))
        .ok()?;
    redis::cmd("GET")
        .arg(key)
        .query::<Option<String>>(&mut c)
        .ok()?
}

/// The Redis the shared tests use: `ATLAS_TEST_REDIS_URL` (CI starts one) or our own.
pub fn redis_for_test() -> (Option<RedisServer>, String) {
    match std::env::var("ATLAS_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            assert!(
                ping(&url),
                "ATLAS_TEST_REDIS_URL={url} does not answer PING"
            );
            (None, url)
        }
        _ => {
            let server = RedisServer::start();
            let url = server.url.clone();
            (Some(server), url)
        }
    }
}

/// A key prefix no other test run uses.
pub fn unique_prefix(test: &str) -> String {
    format!(
        "atlas-test-{test}-{}-{}:",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}

/// A client of the emulator's service account that keeps its tokens in `store`.
pub fn client_with(mock: &MockAtlas, store: Arc<dyn TokenStore>) -> Client {
    Client::builder()
        .base_url(mock.url())
        .credentials(Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .token_store(store)
        .build()
        .expect("a client")
}

/// One call of `client`, which must succeed.
pub fn call(mock: &MockAtlas, client: &Client) {
    if let Err(e) = GetOrgServiceAccount::new(mock.org_id(), mock.client_id()).send(client) {
        panic!("the call failed: {e}");
    }
}

/// Plants, as anyone who can write to the store could, a token no token endpoint would
/// be let issue (a CR LF in it; then a clean one said to live ten years), each time in
/// a store `open` opens afresh (a process of its own): the next client discards and
/// replaces it, never fails for it nor sends it, and the fleet shares the replacement.
pub fn planted_tokens_are_replaced(mock: &MockAtlas, open: impl Fn() -> Arc<dyn TokenStore>) {
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    let now = SystemTime::now();
    let ten_years = now + Duration::from_secs(10 * 365 * 86_400);
    for (round, planted) in ["planted\r\nX-Injected: 1", "planted-for-ten-years"]
        .into_iter()
        .enumerate()
    {
        open().save_for(&key, &AccessToken::new(planted, now, ten_years));
        call(mock, &client_with(mock, open()));
        assert_eq!(token_requests(mock), round + 1, "{planted:?} was replaced");
        let held = open().load_for(&key).expect("the replacement is stored");
        assert_ne!(held.secret().expose_secret(), planted);
        assert!(
            held.expires_at() < now + Duration::from_secs(2 * 3600),
            "the emulator's token, not the planted one"
        );
        let sent_it = mock.requests().iter().any(|r| {
            r.header("authorization")
                .is_some_and(|a| a.contains("planted"))
        });
        assert!(!sent_it, "{planted:?} was sent to the API");
    }
    // Another process reads the replacement: no token request of its own.
    call(mock, &client_with(mock, open()));
    assert_eq!(token_requests(mock), 2);
}
