//! Running the built binary with a clean environment: no profile, no token cache, no
//! `MONGODB_ATLAS_*` from the machine.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!(
            "atlas-cli-{tag}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One run's result.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(self.code, 0, "{self:?}");
        self
    }
}

/// `atlas-rs` with `args`, the environment `env` on top of a clean one whose config and
/// cache live in `home`, and `stdin` piped in when given (else /dev/null).
pub fn run(home: &Path, env: &[(&str, String)], args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlas-rs"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().expect("the atlas-rs binary runs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("piped stdin");
        pipe.write_all(input.as_bytes()).expect("write stdin");
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("atlas-rs ends");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// The environment that points the binary at `mock` with its service account.
pub fn mock_env(mock: &atlas_mock::MockAtlas) -> Vec<(&'static str, String)> {
    vec![
        ("MONGODB_ATLAS_OPS_MANAGER_URL", mock.url().to_string()),
        ("MONGODB_ATLAS_CLIENT_ID", mock.client_id().to_string()),
        (
            "MONGODB_ATLAS_CLIENT_SECRET",
            mock.client_secret().to_string(),
        ),
        ("MONGODB_ATLAS_ORG_ID", mock.org_id().to_string()),
        ("MONGODB_ATLAS_PROJECT_ID", mock.project_id().to_string()),
    ]
}

/// Whether a peer or file a test needs is here: outside CI a missing one skips the test
/// (saying so); under CI (`CI=true`) nothing may be skipped, so it fails.
pub fn need(what: &str, found: bool) -> bool {
    if found {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    assert!(!ci, "CI must run every test, and {what} is missing");
    eprintln!("skipping: needs {what}");
    false
}
