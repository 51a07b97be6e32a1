//! Running the built binary with a clean environment: no profile, no token cache, no
//! `MONGODB_ATLAS_*` from the machine.

use std::io::{Read, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

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
    /// The run outlived its time limit and was killed.
    pub timed_out: bool,
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

/// What standard input is.
pub enum Input<'a> {
    /// `/dev/null`: nothing piped.
    Null,
    /// A pipe fed this text.
    Text(&'a str),
    /// This file, as `< file` gives it.
    File(&'a Path),
}

/// Bounds on one run, so that a regression (a read without end, a template that never
/// stops) fails its test instead of holding or exhausting the machine.
pub struct Limits {
    /// Killed after this long.
    pub time: Duration,
    /// The address space, in KiB (`ulimit -v`), if bounded.
    pub memory_kib: Option<u64>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            time: Duration::from_secs(180),
            memory_kib: None,
        }
    }
}

/// `atlas-rs` with `args`, the environment `env` on top of a clean one whose config and
/// cache live in `home`, and `stdin` piped in when given (else /dev/null).
pub fn run(home: &Path, env: &[(&str, String)], args: &[&str], stdin: Option<&str>) -> Run {
    let input = stdin.map_or(Input::Null, Input::Text);
    run_with(home, env, args, input, &Limits::default())
}

/// The command [`run`] runs, not started, standard input and output not set up.
pub fn command(home: &Path, env: &[(&str, String)], args: &[&str], limits: &Limits) -> Command {
    let bin = env!("CARGO_BIN_EXE_atlas-rs");
    let mut cmd = match limits.memory_kib {
        Some(kib) => {
            let mut sh = Command::new("/bin/sh");
            sh.arg("-c")
                .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
                .arg(bin);
            sh
        }
        None => Command::new(bin),
    };
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// [`run`] with any standard input and bounds.
pub fn run_with(
    home: &Path,
    env: &[(&str, String)],
    args: &[&str],
    input: Input<'_>,
    limits: &Limits,
) -> Run {
    let mut cmd = command(home, env, args, limits);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.stdin(match input {
        Input::Null => Stdio::null(),
        Input::Text(_) => Stdio::piped(),
        Input::File(path) => Stdio::from(std::fs::File::open(path).expect("stdin file")),
    });
    let mut child = cmd.spawn().expect("the atlas-rs binary runs");
    if let Input::Text(text) = input {
        let mut pipe = child.stdin.take().expect("piped stdin");
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    finish(child, limits.time)
}

/// Waits for `child` at most `limit` (then kills it), collecting what it printed.
pub fn finish(mut child: Child, limit: Duration) -> Run {
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_end(&mut bytes);
            }
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let deadline = Instant::now() + limit;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for atlas-rs") {
            break status;
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("atlas-rs ends once killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
        timed_out,
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
