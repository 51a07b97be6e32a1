//! The seven task examples of `atlas-endpoints` (`endpoints/examples/`), run as a user
//! runs them: each binary on the embedded emulator (no `MONGODB_ATLAS_*` variables),
//! and each again with credentials in the environment, pointed at Prism as a validating
//! proxy in front of an emulator, so that every request an example sends is checked
//! against the official spec (Prism refuses an invalid one with 422, and marks any
//! violation in either direction with `sl-violations`).
//!
//! The binaries are those `cargo test --workspace` builds: [`binaries`] asks cargo for
//! them with that very build (`cargo test --workspace --no-run`), which has nothing to do
//! inside `cargo test --workspace` (the same features, the same artifacts) and makes a
//! partial run (`cargo test -p atlas-tests --test it examples::`) use current ones. A
//! narrower build (`cargo build --examples`) would resolve other features and rebuild
//! half the workspace while the other tests run.
//!
//! The OAuth token endpoint is not in the spec, so Prism does not route it: a small
//! front ([`Front`]) sends `/api/oauth/*` to the emulator and everything else to Prism,
//! as Atlas's own front does for its two services.

use atlas_test_needs::needs;
use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use atlas_mock::MockAtlas;
use atlas_test_support::prism::{Prism, VIOLATIONS_HEADER};
use atlas_test_support::{Canned, Recorded, TestServer};

/// The examples, in the order they run against one emulator (the rotation last: it
/// deletes the secret the others sign in with), and what each prints on success.
const EXAMPLES: [(&str, &[&str]); 7] = [
    ("create_project", &["created project atlas-rust-example ("]),
    ("create_cluster", &["example-m10: IDLE"]),
    (
        "add_ip_access_list_entry",
        &["added 203.0.113.0/24; the access list has 1 entries"],
    ),
    (
        "create_database_user",
        &["created database user app with role readWriteAnyDatabase"],
    ),
    ("download_log", &["saved ", "'s log to mongodb.log.gz"]),
    (
        "invoices",
        &["PENDING: $", "CLOSED: $", "PAID: $", "as CSV: 4 lines"],
    ),
    (
        "rotate_secret",
        &["deleted secret ", "now signs in with secret "],
    ),
];

/// How long one example may run (a cold machine, a slow Prism).
const RUN_LIMIT: Duration = Duration::from_secs(120);

/// The example binaries, built (or found fresh) once per test binary.
fn binaries() -> &'static HashMap<String, PathBuf> {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| env!("CARGO").into());
        let out = Command::new(cargo)
            .args([
                "test",
                "--workspace",
                "--no-run",
                "--message-format=json-render-diagnostics",
            ])
            .current_dir(&workspace)
            .stderr(Stdio::inherit())
            .output()
            .expect("run cargo");
        assert!(
            out.status.success(),
            "cargo test --workspace --no-run failed"
        );
        let mut found = HashMap::new();
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let is_example = msg["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "example"));
            if msg["reason"] == "compiler-artifact"
                && is_example
                && msg["manifest_path"]
                    .as_str()
                    .is_some_and(|p| p.ends_with("endpoints/Cargo.toml"))
                && let (Some(name), Some(exe)) =
                    (msg["target"]["name"].as_str(), msg["executable"].as_str())
            {
                found.insert(name.to_owned(), PathBuf::from(exe));
            }
        }
        found
    })
}

/// A fresh directory for one run (the examples write their files where they run).
struct Workdir(PathBuf);

impl Workdir {
    fn new(name: &str) -> Workdir {
        let dir = std::env::temp_dir().join(format!(
            "atlas-example-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Workdir(dir)
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs an example with only `env` among the variables the examples read.
fn run(name: &str, dir: &Path, env: &[(&str, String)]) -> Output {
    let bin = binaries()
        .get(name)
        .unwrap_or_else(|| panic!("cargo built no example {name}: {:?}", binaries().keys()));
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (var, _) in std::env::vars() {
        if var.starts_with("MONGODB_ATLAS_") || var == "DB_USER_PASSWORD" {
            cmd.env_remove(var);
        }
    }
    for (var, value) in env {
        cmd.env(var, value);
    }
    let mut child = cmd.spawn().expect("start the example");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > RUN_LIMIT {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("the example's output")
}

#[track_caller]
fn assert_ran(name: &str, out: &Output, expected: &[&str]) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{name} failed ({}):\n{stdout}{stderr}",
        out.status
    );
    for line in expected {
        assert!(
            stdout.contains(line),
            "{name} did not print {line:?}:\n{stdout}"
        );
    }
    stdout
}

#[test]
fn every_example_runs_on_the_embedded_emulator() {
    for (name, expected) in EXAMPLES {
        let dir = Workdir::new(name);
        let out = run(name, &dir.0, &[]);
        let stdout = assert_ran(name, &out, expected);
        assert!(
            stdout.starts_with("target: the embedded emulator at http://127.0.0.1:"),
            "{name}: {stdout}"
        );
        match name {
            "download_log" => {
                let gz = std::fs::read(dir.0.join("mongodb.log.gz")).unwrap();
                let mut log = String::new();
                flate2::read::GzDecoder::new(&gz[..])
                    .read_to_string(&mut log)
                    .expect("a gzip file");
                let lines: Vec<&str> = log.lines().collect();
                assert!(lines.len() > 100, "{} lines", lines.len());
                for line in lines {
                    let doc: serde_json::Value =
                        serde_json::from_str(line).expect("mongod's JSON log lines");
                    assert!(doc["t"]["$date"].is_string() && doc["msg"].is_string());
                }
            }
            "invoices" => {
                let csv = std::fs::read_dir(&dir.0)
                    .unwrap()
                    .filter_map(Result::ok)
                    .find(|e| e.file_name().to_string_lossy().ends_with(".csv"))
                    .map(|e| std::fs::read_to_string(e.path()).unwrap())
                    .expect("the invoice's CSV file");
                assert!(csv.starts_with("Invoice Number,"), "{csv}");
                assert_eq!(csv.lines().count(), 4, "{csv}");
            }
            "rotate_secret" => {
                use std::os::unix::fs::PermissionsExt as _;
                let path = dir.0.join("new-secret.txt");
                let secret = std::fs::read_to_string(&path).unwrap();
                assert!(secret.starts_with("mdb_sa_sk_"), "a secret");
                assert!(!stdout.contains(&secret), "the secret is never printed");
                let mode = std::fs::metadata(&path).unwrap().permissions().mode();
                assert_eq!(mode & 0o077, 0, "readable by its owner alone: {mode:o}");
            }
            _ => {}
        }
    }
}

/// Sends `/api/oauth/*` to the emulator and every other request to Prism, recording
/// any Prism marked with violations.
struct Front {
    server: TestServer,
    violations: Arc<Mutex<Vec<String>>>,
}

impl Front {
    fn start(emulator: String, prism: String) -> Front {
        let violations = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&violations);
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let server = TestServer::with_handler(move |req: &Recorded| {
            let upstream = if req.path().starts_with("/api/oauth/") {
                &emulator
            } else {
                &prism
            };
            let answer = forward(&agent, upstream, req);
            if let Some((_, v)) = answer
                .headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(VIOLATIONS_HEADER))
            {
                seen.lock()
                    .unwrap()
                    .push(format!("{} {}: {} {v}", req.method, req.url, answer.status));
            }
            answer
        });
        Front { server, violations }
    }
}

/// One request to `upstream`, answered as it came back (hop-by-hop headers aside).
fn forward(agent: &ureq::Agent, upstream: &str, req: &Recorded) -> Canned {
    let mut builder = ureq::http::Request::builder()
        .method(req.method.as_str())
        .uri(format!("{upstream}{}", req.url));
    for (name, value) in &req.headers {
        if !matches!(
            name.as_str(),
            "host" | "content-length" | "connection" | "transfer-encoding"
        ) {
            builder = builder.header(name.as_str(), value.as_str());
        }
    }
    let sent = if req.body.is_empty() && matches!(req.method.as_str(), "GET" | "DELETE") {
        agent.run(builder.body(()).expect("a request"))
    } else {
        agent.run(builder.body(req.body.clone()).expect("a request"))
    };
    match sent {
        Ok(mut r) => {
            let status = r.status().as_u16();
            let headers = r
                .headers()
                .iter()
                .filter(|(n, _)| {
                    !matches!(
                        n.as_str(),
                        "content-length" | "connection" | "transfer-encoding" | "keep-alive"
                    )
                })
                .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_owned()))
                .collect();
            let body = r.body_mut().read_to_vec().unwrap_or_default();
            Canned {
                status,
                headers,
                body,
            }
        }
        Err(e) => Canned::with_type(502, "text/plain", &format!("front: {e}")),
    }
}

#[needs(prism, spec)]
fn every_example_passes_prism_in_front_of_the_emulator() {
    // Clusters are IDLE at once: the create example needs no wait.
    let mock = MockAtlas::builder()
        .cluster_transition(Duration::ZERO)
        .start()
        .unwrap();
    mock.add_cluster("Cluster0").unwrap();
    let prism = Prism::proxy(mock.url());
    let front = Front::start(mock.url().to_owned(), prism.url());
    let env = [
        (
            "MONGODB_ATLAS_OPS_MANAGER_URL",
            front.server.url().to_owned(),
        ),
        ("MONGODB_ATLAS_CLIENT_ID", mock.client_id().to_owned()),
        (
            "MONGODB_ATLAS_CLIENT_SECRET",
            mock.client_secret().to_owned(),
        ),
        ("MONGODB_ATLAS_ORG_ID", mock.org_id().to_owned()),
        ("MONGODB_ATLAS_PROJECT_ID", mock.project_id().to_owned()),
    ];
    for (name, expected) in EXAMPLES {
        let before = front.server.requests().len();
        let dir = Workdir::new(name);
        let out = run(name, &dir.0, &env);
        // Prism answers gzip bodies re-encoded as text (a limitation of its proxy), so
        // the log saved here is not checked; the emulator run above checks it.
        let stdout = assert_ran(name, &out, expected);
        assert!(
            stdout.starts_with(&format!("target: {}", front.server.url())),
            "{name}: {stdout}"
        );
        let through_prism = front.server.requests()[before..]
            .iter()
            .filter(|r| !r.path().starts_with("/api/oauth/"))
            .count();
        assert!(through_prism > 0, "{name} sent nothing through Prism");
        let violations = front.violations.lock().unwrap().clone();
        assert!(
            violations.is_empty(),
            "{name}: Prism found violations:\n{}\n--- Prism ---\n{}",
            violations.join("\n"),
            prism.log_tail(40)
        );
    }
}

/// Lines of a file, and those that are neither blank nor a `//` comment.
fn line_counts(path: &Path) -> (usize, usize) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let code = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with("//"))
        .count();
    (text.lines().count(), code)
}

#[test]
fn the_readme_counts_the_examples_lines_as_they_are() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = root.join("endpoints/examples");
    let mut stale = Vec::new();
    for (name, _) in EXAMPLES {
        let (lines, code) = line_counts(&examples.join(format!("{name}.rs")));
        let cell = format!("| `{name}.rs` | {lines} ({code}) |");
        if !readme.contains(&cell) {
            stale.push(cell);
        }
    }
    let (helper, _) = line_counts(&examples.join("common/mod.rs"));
    let cell = format!("`examples/common/mod.rs` ({helper} lines");
    if !readme.contains(&cell) {
        stale.push(cell);
    }
    assert!(
        stale.is_empty(),
        "README.md's table of the seven tasks should say:\n{}",
        stale.join("\n")
    );
}
