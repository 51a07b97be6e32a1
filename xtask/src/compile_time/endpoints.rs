//! `cargo xtask compile-time endpoints [CONFIG…]`: compile time of atlas-endpoints with the
//! generated API.
//!
//! For each configuration (a feature list; default: full, the default features, no
//! feature, and a few single tags), a clean build of the crate alone (its dependencies
//! already built; `cargo clean -p atlas-endpoints` first), then an incremental one after
//! touching one generated module, in the dev profile, in the workspace's own target
//! directory. Prints wall seconds and the peak resident memory of the build (GNU time's
//! maximum RSS over the processes it waited for: the largest rustc), as a Markdown table.

use std::path::Path;
use std::process::Command;

use super::side_by_side::feature_args;
use super::touch;
use crate::{Result, cargo, status};

const CONFIGS: [&str; 8] = [
    "full",
    "default",
    "none",
    "teams",
    "clusters",
    "cloud-backups",
    "alert-configurations",
    "events",
];

/// GNU time: it alone reports the peak RSS of a process tree (wait4's rusage), which std
/// cannot ask for.
const TIME: &str = "/usr/bin/time";

pub fn run(root: &Path, args: &[String]) -> Result {
    let configs: Vec<&str> = if args.is_empty() {
        CONFIGS.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    if configs.iter().any(|c| c.starts_with('-')) {
        return Err("usage: cargo xtask compile-time endpoints [CONFIG...] \
                    (full, default, none or a tag's feature)"
            .into());
    }
    if !Path::new(TIME).exists() {
        return Err(format!("{TIME} (GNU time) is needed for the peak RSS"));
    }
    // Dependencies, once.
    let mut deps = cargo(root);
    deps.env_remove("CARGO_INCREMENTAL").args([
        "build",
        "-q",
        "-p",
        "atlas-endpoints",
        "--features",
        "full",
    ]);
    status(deps, "cargo build -p atlas-endpoints --features full")?;
    println!("| features | clean (s) | peak RSS (MB) | incremental (s) |\n|---|---|---|---|");
    for config in configs {
        let mut clean = cargo(root);
        clean.args(["clean", "-q", "-p", "atlas-endpoints"]);
        status(clean, "cargo clean -p atlas-endpoints")?;
        let (clean_s, clean_kb) = timed_build(root, config)?;
        touch(&root.join("endpoints/src/generated/shared.rs"))?;
        let (incr_s, _) = timed_build(root, config)?;
        println!("| {config} | {clean_s} | {} | {incr_s} |", clean_kb / 1024);
    }
    Ok(())
}

/// `/usr/bin/time -f '%e %M' cargo build -q -p atlas-endpoints …`: the wall seconds as
/// GNU time prints them, and the peak RSS in kB.
fn timed_build(root: &Path, config: &str) -> Result<(String, u64)> {
    let cargo_program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(TIME);
    // The workspace's own target directory and flags (its dependencies are built there),
    // but incremental compilation as the dev profile has it.
    command
        .env_remove("CARGO_INCREMENTAL")
        .current_dir(root)
        .args(["-f", "%e %M"])
        .arg(cargo_program)
        .args(["build", "-q", "-p", "atlas-endpoints"])
        .args(feature_args(config));
    let out = command
        .output()
        .map_err(|e| format!("{TIME}: cannot start: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "{stderr}cargo build -p atlas-endpoints ({config}): {}",
            out.status
        ));
    }
    parse_time(stderr.lines().last().unwrap_or_default())
        .ok_or_else(|| format!("{TIME}: no `%e %M` line in\n{stderr}"))
}

/// GNU time's `%e %M` line: seconds (as printed) and kilobytes.
fn parse_time(line: &str) -> Option<(String, u64)> {
    let (seconds, kb) = line.trim().split_once(' ')?;
    seconds.parse::<f64>().ok()?;
    Some((seconds.to_string(), kb.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn gnu_time_lines() {
        assert_eq!(
            parse_time("12.34 1048576"),
            Some(("12.34".to_string(), 1_048_576))
        );
        assert_eq!(parse_time("Command exited with non-zero status 1"), None);
    }
}
