//! Finds the peers of the CLI's tests and tells them through cfgs, so that a test whose
//! peer is missing is counted as ignored with its reason (see `tests/build.rs` for the
//! workspace's others):
//!
//! | cfg | found when |
//! |---|---|
//! | `has_tmux` | `tmux` and `bash` (Tab pressed in a real shell) |
//! | `has_secret_service` | `dbus-daemon`, `gnome-keyring-daemon` and `secret-tool` (a real Secret Service) |
//!
//! Under CI (`CI=true` or `CI=1`) nothing may be skipped: a missing one fails the build.

use std::env;
use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    for cfg in ["has_tmux", "has_secret_service"] {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
    }
    let needs = [
        (
            "has_tmux",
            &["tmux", "bash"][..],
            "apt-get install -y tmux bash",
        ),
        (
            "has_secret_service",
            &["dbus-daemon", "gnome-keyring-daemon", "secret-tool"][..],
            "apt-get install -y dbus-daemon gnome-keyring libsecret-tools",
        ),
    ];
    let ci = env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    let mut missing = Vec::new();
    for (cfg, programs, install) in needs {
        let absent: Vec<&str> = programs
            .iter()
            .copied()
            .filter(|p| find(p).is_none())
            .collect();
        if absent.is_empty() {
            println!("cargo::rustc-cfg={cfg}");
            for p in programs {
                if let Some(path) = find(p) {
                    println!("cargo::rerun-if-changed={}", path.display());
                }
            }
        } else {
            println!(
                "cargo::warning=atlas-cli tests needing {} are ignored: {install}",
                absent.join(", ")
            );
            missing.push(format!("  - {}: {install}", absent.join(", ")));
        }
    }
    if ci && !missing.is_empty() {
        panic!(
            "CI must run every test, and these are missing:\n{}",
            missing.join("\n")
        );
    }
}

/// `name` on `PATH`, if executable.
fn find(name: &str) -> Option<PathBuf> {
    let path = env::var_os("PATH")?;
    env::split_paths(&path).map(|d| d.join(name)).find(|p| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    })
}
