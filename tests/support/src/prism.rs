//! Stoplight Prism (npm `@stoplight/prism-cli`, pinned in `tests/peers/prism/`) serving
//! the official Atlas OpenAPI spec on a free 127.0.0.1 port:
//!
//! - [`Prism::mock`]: `prism mock <spec> --errors`, a mock that validates every request
//!   against the spec and answers from the spec's examples. An invalid request gets 400
//!   (the spec's `badRequest` example) with an `sl-violations` header listing each
//!   violation; a valid one gets the documented success status, without `sl-violations`.
//! - [`Prism::proxy`]: `prism proxy <spec> <upstream> --errors`, which validates requests
//!   (422 `application/problem+json` without forwarding when invalid) and the upstream's
//!   responses (500 with `sl-violations` when the response breaks the spec).
//!
//! Authentication: the spec's security is `ServiceAccounts` (OAuth 2.0) or `DigestAuth`,
//! and with `--errors` Prism answers 401 to a request that satisfies neither. It accepts
//! `Authorization: Bearer <anything non-empty>` (case-sensitive `Bearer`), or a Digest
//! header only if it has `username=`, `realm=`, `nonce=`, `uri=` and `response=` and every
//! space-separated word of it holds a quoted `[a-z0-9]*` value: a real Digest answer with
//! `realm="MMS Public API"` is refused. Use [`Credentials::bearer`] against Prism.
//!
//! Prism 5.14.2 (the newest release that runs on Node 20; 5.15 and later need Node 24) loads
//! the 4 MB spec in 5 to 9 s on a 2-CPU machine and holds 300 to 400 MB; [`START_TIMEOUT`]
//! bounds the wait. Share one per test binary with [`shared_mock`].
//!
//! The build script (`build.rs`) looks for node, the npm package and the spec first and
//! sets `has_prism` and `has_spec`, so a test that needs a missing one is ignored with
//! its reason; `start` panics, saying what is missing, if one is gone since the build.
//! Install with `npm ci --prefix tests/peers/prism`.
//!
//! # Process lifetime
//!
//! Prism runs under a small `sh` watchdog in its own process group: the shell starts
//! Prism, and a watcher waits for end-of-file on the shell's stdin, which is a pipe from
//! this process. When the pipe closes (on drop, or when the test process exits, however it
//! exits: the kernel closes the pipe), the watcher sends Prism SIGTERM and removes its
//! temp dir. Dropping a [`Prism`] also waits for it to end and then kills whatever is left
//! of the group. So the process [`shared_mock`] keeps in a `static` (never dropped) still
//! ends with the test binary.
//!
//! Set `ATLAS_PEERS_KEEP=1` to keep the temp dir (Prism's log) after a run.
//!
//! [`Credentials::bearer`]: atlas_runtime::Credentials::bearer

use crate::process::exited_not_reaped;
use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How long Prism may take to load the spec and listen (5 to 9 s on 2 CPUs).
pub const START_TIMEOUT: Duration = Duration::from_secs(120);
/// How long Prism gets to exit after SIGTERM before its group is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// How often waits poll.
const POLL: Duration = Duration::from_millis(25);
/// Lines of Prism's log shown when it fails.
const LOG_TAIL_LINES: usize = 60;

/// How to install the peer, for the panic message.
pub const INSTALL: &str = "npm ci --prefix tests/peers/prism";

/// The response header where Prism lists what broke the spec.
pub const VIOLATIONS_HEADER: &str = "sl-violations";

/// What Prism does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Answers from the spec's examples.
    Mock,
    /// Forwards to `upstream` (`http://127.0.0.1:PORT`), validating both ways.
    Proxy {
        /// Where requests go.
        upstream: String,
    },
}

/// A running Prism; stops (its whole process group) when dropped.
pub struct Prism {
    child: Child,
    /// The watchdog's lifeline: Prism ends when this closes.
    lifeline: Option<ChildStdin>,
    port: u16,
    mode: Mode,
    spec: PathBuf,
    dir: PathBuf,
    startup: Duration,
    stopped: bool,
}

impl Prism {
    /// `prism mock <spec> --errors` on the spec of [`crate::spec::spec_path`].
    pub fn mock() -> Prism {
        Prism::start(&crate::spec::spec_path(), Mode::Mock)
    }

    /// `prism proxy <spec> <upstream> --errors` on the spec of [`crate::spec::spec_path`].
    pub fn proxy(upstream: &str) -> Prism {
        Prism::start(
            &crate::spec::spec_path(),
            Mode::Proxy {
                upstream: upstream.trim_end_matches('/').to_string(),
            },
        )
    }

    /// Starts Prism on `spec` and waits until it listens.
    ///
    /// # Panics
    /// When it does not listen within [`START_TIMEOUT`] (with the tail of its log), or
    /// when node, the package or the spec is missing.
    pub fn start(spec: &Path, mode: Mode) -> Prism {
        let Some(node) = find_node() else {
            missing("node is not on PATH");
        };
        let cli = peer_dir().join("node_modules/@stoplight/prism-cli/dist/index.js");
        if !cli.is_file() {
            missing(&format!("{} is missing", cli.display()));
        }
        assert!(
            spec.is_file(),
            "the Atlas OpenAPI spec is not at {}; set ATLAS_OPENAPI_SPEC",
            spec.display()
        );

        let mut last_failure = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let dir = temp_dir();
            let log = dir.join("prism.log");
            let out = fs::File::create(&log).expect("create prism.log");
            let err = out.try_clone().expect("dup prism.log");
            let mut cmd = Command::new("/bin/sh");
            cmd.arg("-c")
                .arg(WATCHDOG)
                .arg(&node) // $0
                .arg(&dir) // $1
                .arg(&cli);
            match &mode {
                Mode::Mock => cmd.arg("mock").arg(spec),
                Mode::Proxy { upstream } => cmd.arg("proxy").arg(spec).arg(upstream),
            };
            cmd.args(["--errors", "-h", "127.0.0.1", "-p"])
                .arg(port.to_string())
                .current_dir(peer_dir())
                .env("NO_COLOR", "1")
                .env("FORCE_COLOR", "0")
                .stdin(Stdio::piped())
                .stdout(out)
                .stderr(err);
            {
                use std::os::unix::process::CommandExt as _;
                cmd.process_group(0);
            }
            let started = Instant::now();
            let mut child = cmd
                .spawn()
                .unwrap_or_else(|e| panic!("spawn /bin/sh for Prism: {e}"));
            let lifeline = child.stdin.take();
            let mut prism = Prism {
                child,
                lifeline,
                port,
                mode: mode.clone(),
                spec: spec.to_path_buf(),
                dir,
                startup: Duration::ZERO,
                stopped: false,
            };
            match prism.wait_until_listening(started) {
                Ok(()) => {
                    prism.startup = started.elapsed();
                    return prism;
                }
                Err(why) => {
                    let tail = prism.log_tail(LOG_TAIL_LINES);
                    prism.stop();
                    let report = format!("{why}\n--- tail of prism.log ---\n{tail}");
                    if tail.contains("EADDRINUSE") {
                        last_failure = report;
                        continue;
                    }
                    panic!("Prism ({mode:?}) did not start:\n{report}");
                }
            }
        }
        panic!("Prism found no free port after 5 tries:\n{last_failure}");
    }

    fn wait_until_listening(&mut self, started: Instant) -> Result<(), String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let banner = format!("is listening on http://127.0.0.1:{}", self.port);
        let log = self.dir.join("prism.log");
        loop {
            // Not reaped here: `stop` kills the group while the shell's pid still holds it.
            if exited_not_reaped(self.child.id() as libc::pid_t) {
                return Err("it exited during startup".to_string());
            }
            if read_lossy(&log).contains(&banner)
                && TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok()
            {
                return Ok(());
            }
            if started.elapsed() >= START_TIMEOUT {
                return Err(format!(
                    "port {} not listening within {START_TIMEOUT:?}",
                    self.port
                ));
            }
            thread::sleep(POLL);
        }
    }

    /// `http://127.0.0.1:PORT`: the base URL for an `atlas_runtime::Client`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Mock or proxy.
    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    /// The spec it serves.
    pub fn spec(&self) -> &Path {
        &self.spec
    }

    /// From spawning to listening.
    pub fn startup_time(&self) -> Duration {
        self.startup
    }

    /// The pid of the watchdog shell, which leads Prism's process group.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything Prism printed (one line per request, `✖ error` lines for violations).
    pub fn log(&self) -> String {
        read_lossy(&self.dir.join("prism.log"))
    }

    /// The last `n` lines of [`log`](Self::log).
    pub fn log_tail(&self, n: usize) -> String {
        let log = self.log();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }

    /// Closes the lifeline (the watchdog sends SIGTERM), waits up to [`STOP_GRACE`] for
    /// the shell, then kills what is left of the group and reaps the shell.
    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        drop(self.lifeline.take());
        let pid = self.child.id() as libc::pid_t;
        let deadline = Instant::now() + STOP_GRACE;
        while !exited_not_reaped(pid) && Instant::now() < deadline {
            thread::sleep(POLL);
        }
        // The shell is not reaped yet, so its pid (the group id) cannot have been reused:
        // the group kill reaches only Prism, the shell and its watcher.
        // SAFETY: plain syscall.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = self.child.wait();
        if keep_dirs() {
            eprintln!("prism: kept {}", self.dir.display());
        } else {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        self.stop();
    }
}

impl std::fmt::Debug for Prism {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prism")
            .field("url", &self.url())
            .field("mode", &self.mode)
            .field("startup", &self.startup)
            .finish_non_exhaustive()
    }
}

/// One `prism mock` for the whole test binary, started on first use.
///
/// # Panics
/// As [`Prism::start`].
///
/// Never dropped: it ends when the test process exits, because its watchdog sees its
/// stdin pipe close (see the module docs).
pub fn shared_mock() -> &'static Prism {
    static SHARED: OnceLock<Prism> = OnceLock::new();
    SHARED.get_or_init(Prism::mock)
}

/// The `sh` watchdog. `$0` node, `$1` the temp dir, the rest Prism's own arguments. The
/// watcher holds the shell's stdin (a pipe from the test process) on fd 3: at its end of
/// file, Prism gets SIGTERM and the temp dir goes (unless ATLAS_PEERS_KEEP). The shell
/// exits with Prism, without waiting for the watcher, so a crash at startup shows at once.
const WATCHDOG: &str = r#"node=$0
dir=$1
shift
exec 3<&0
"$node" "$@" </dev/null &
prism=$!
(
	cat <&3 >/dev/null
	kill -TERM "$prism" 2>/dev/null
	case "${ATLAS_PEERS_KEEP:-}" in
	"" | 0) rm -rf "$dir" ;;
	esac
) &
exec 3<&-
wait "$prism"
"#;

fn peer_dir() -> PathBuf {
    // tests/peers, beside this crate (tests/support).
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../peers")
        .join("prism")
}

/// Prism the build script found is gone (or an ignored test was run on purpose).
fn missing(why: &str) -> ! {
    panic!(
        "Prism is not installed ({why}; {INSTALL}); tests that need it are ignored when the \
         build does not find it, so it was removed since the build, or an ignored test was run"
    );
}

fn find_node() -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt as _;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("node"))
        .find(|p| fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

fn temp_dir() -> PathBuf {
    static SEQ: AtomicUsize = AtomicUsize::new(0);
    loop {
        let n = SEQ.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("atlas-peer-prism-{}-{n}", std::process::id()));
        match fs::create_dir(&path) {
            Ok(()) => return path,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => panic!("create {}: {e}", path.display()),
        }
    }
}

fn keep_dirs() -> bool {
    std::env::var_os("ATLAS_PEERS_KEEP").is_some_and(|v| v != "0" && !v.is_empty())
}

fn read_lossy(path: &Path) -> String {
    fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}
