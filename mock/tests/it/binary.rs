//! The `atlas-mock` binary prints its lines and serves until killed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::common::{V, agent, basic, send};

const KEYS: [&str; 8] = [
    "ATLAS_MOCK_URL",
    "MONGODB_ATLAS_OPS_MANAGER_URL",
    "MONGODB_ATLAS_ORG_ID",
    "MONGODB_ATLAS_PROJECT_ID",
    "MONGODB_ATLAS_CLIENT_ID",
    "MONGODB_ATLAS_CLIENT_SECRET",
    "MONGODB_ATLAS_PUBLIC_API_KEY",
    "MONGODB_ATLAS_PRIVATE_API_KEY",
];

/// Kills the child even when an assertion fails.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn prints_its_lines_and_serves_until_killed() {
    let child = Command::new(env!("CARGO_BIN_EXE_atlas-mock"))
        .args(["--port", "0", "--token-lifetime", "120"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn atlas-mock");
    let mut child = Killed(child);
    let stdout = child.0.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut env = HashMap::new();
    let mut order = Vec::new();
    for _ in 0..KEYS.len() {
        let line = lines.next().expect("a line").expect("utf-8");
        let (k, v) = line.split_once('=').expect("KEY=value");
        order.push(k.to_owned());
        env.insert(k.to_owned(), v.to_owned());
    }
    assert_eq!(order, KEYS);
    let url = env["ATLAS_MOCK_URL"].clone();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(env["MONGODB_ATLAS_OPS_MANAGER_URL"], format!("{url}/"));
    assert!(env["MONGODB_ATLAS_CLIENT_ID"].starts_with("mdb_sa_id_"));
    assert!(env["MONGODB_ATLAS_CLIENT_SECRET"].starts_with("mdb_sa_sk_"));

    // It serves: a token with the printed credentials, then an API call.
    let r = send(
        &agent(),
        "POST",
        &format!("{url}/api/oauth/token"),
        &[
            (
                "Authorization",
                &basic(
                    &env["MONGODB_ATLAS_CLIENT_ID"],
                    &env["MONGODB_ATLAS_CLIENT_SECRET"],
                ),
            ),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        Some("grant_type=client_credentials"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["expires_in"], 120);
    let token = r.json()["access_token"].as_str().unwrap().to_owned();
    let r = send(
        &agent(),
        "GET",
        &format!(
            "{url}/api/atlas/v2/groups/{}/serviceAccounts",
            env["MONGODB_ATLAS_PROJECT_ID"]
        ),
        &[("Authorization", &format!("Bearer {token}")), ("Accept", V)],
        None,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["totalCount"], 0);
    // Still running until killed.
    assert!(child.0.try_wait().unwrap().is_none());
    drop(child);
}

#[test]
fn help_and_bad_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_atlas-mock"))
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("--port") && text.contains("MONGODB_ATLAS_CLIENT_ID"));
    assert!(text.contains("--cluster-transition"));
    assert!(text.contains("--enforce-rate-limits") && text.contains("--retry-after-zero"));
    for scale in ["0", "-2", "NaN", "x"] {
        let out = Command::new(env!("CARGO_BIN_EXE_atlas-mock"))
            .args(["--rate-limit-time-scale", scale])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{scale}");
        assert!(out.stdout.is_empty(), "{scale}: started anyway");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_atlas-mock"))
        .arg("--bogus")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("unknown option --bogus")
    );
    let out = Command::new(env!("CARGO_BIN_EXE_atlas-mock"))
        .args(["--port", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn out_of_range_lifetimes_are_usage_errors_not_panics() {
    for args in [
        &["--token-lifetime", "1e20"][..],
        &["--nonce-lifetime", "1e300"],
        &["--token-lifetime", "NaN"],
        &["--nonce-lifetime", "-1"],
        &["--token-lifetime=inf"],
        &["--cluster-transition", "-5"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_atlas-mock"))
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("not a number of seconds") && stderr.contains("Usage:"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}: started anyway");
    }
}

#[test]
fn the_failed_token_limit_can_be_switched_off() {
    let child = Command::new(env!("CARGO_BIN_EXE_atlas-mock"))
        .args(["--no-failed-token-limit"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn atlas-mock");
    let mut child = Killed(child);
    let stdout = child.0.stdout.take().unwrap();
    let env: HashMap<String, String> = BufReader::new(stdout)
        .lines()
        .take(KEYS.len())
        .map(|l| {
            let l = l.unwrap();
            let (k, v) = l.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let url = format!("{}/api/oauth/token", env["ATLAS_MOCK_URL"]);
    for _ in 0..12 {
        let r = send(
            &agent(),
            "POST",
            &url,
            &[
                (
                    "Authorization",
                    &basic(&env["MONGODB_ATLAS_CLIENT_ID"], "mdb_sa_sk_wrong"),
                ),
                ("Content-Type", "application/x-www-form-urlencoded"),
            ],
            Some("grant_type=client_credentials"),
        );
        assert_eq!(r.status, 401, "{}", r.body);
    }
}
