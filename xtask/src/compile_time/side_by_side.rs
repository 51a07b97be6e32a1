//! `cargo xtask compile-time side-by-side BASELINE [RUNS] [CONFIG…]`: clean builds of
//! atlas-endpoints at a baseline commit and at the working tree, alternating round by
//! round so that a machine whose speed drifts drifts for both, each tree in its own target
//! directory with its dependencies built first. Prints a Markdown table of the runs, the
//! medians and their ratio (BENCHMARKS.md's compile budgets).
//!
//! A configuration is `full`, `default`, `none` (no feature) or a tag's feature.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::median;
use crate::{Result, cargo, status};

pub fn run(root: &Path, args: &[String]) -> Result {
    let usage = "usage: cargo xtask compile-time side-by-side BASELINE [RUNS] [CONFIG...]";
    let baseline = args.first().ok_or(usage)?;
    let runs: usize = match args.get(1) {
        Some(n) => n
            .parse()
            .map_err(|_| format!("RUNS `{n}` is not a number\n{usage}"))?,
        None => 3,
    };
    let configs: Vec<&str> = if args.len() > 2 {
        args[2..].iter().map(String::as_str).collect()
    } else {
        vec!["full", "clusters"]
    };
    let work = root.join("target/side-by-side");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let base_tree = work.join("baseline");
    let _worktree = Worktree::add(root, &base_tree, baseline)?;
    let base_target = work.join("target-baseline");
    let head_target = work.join("target-head");
    for config in &configs {
        // Dependencies, once per tree and configuration.
        build(&base_tree, &base_target, config)?;
        build(root, &head_target, config)?;
    }
    println!(
        "baseline {}, working tree {}{}; {runs} rounds, alternating",
        git(root, &["rev-parse", "--short", baseline])?,
        git(root, &["rev-parse", "--short", "HEAD"])?,
        if git(root, &["status", "--porcelain", "--untracked-files=no"])?.is_empty() {
            ""
        } else {
            " with changes"
        }
    );
    println!(
        "\n| features | baseline runs (s) | now runs (s) | baseline median | now median | now / baseline |"
    );
    println!("|---|---|---|---|---|---|");
    for config in &configs {
        let (mut base, mut head) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            base.push(clean_build(&base_tree, &base_target, config)?);
            head.push(clean_build(root, &head_target, config)?);
        }
        let (b, h) = (median(&base), median(&head));
        println!(
            "| `{config}` | {} | {} | {b:.2} | {h:.2} | {:.2} |",
            list(&base),
            list(&head),
            h / b
        );
    }
    Ok(())
}

/// A detached worktree of the baseline, removed when dropped (also on an error).
struct Worktree<'a> {
    root: &'a Path,
    path: PathBuf,
}

impl<'a> Worktree<'a> {
    fn add(root: &'a Path, path: &Path, commit: &str) -> Result<Worktree<'a>> {
        if path.exists() {
            git(
                root,
                &["worktree", "remove", "--force", &path.to_string_lossy()],
            )?;
        }
        git(
            root,
            &[
                "worktree",
                "add",
                "-q",
                "--detach",
                &path.to_string_lossy(),
                commit,
            ],
        )?;
        Ok(Worktree {
            root,
            path: path.to_path_buf(),
        })
    }
}

impl Drop for Worktree<'_> {
    fn drop(&mut self) {
        let _ = git(
            self.root,
            &[
                "worktree",
                "remove",
                "--force",
                &self.path.to_string_lossy(),
            ],
        );
    }
}

fn git(root: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .current_dir(root)
        .args(args)
        .output()
        .map_err(|e| format!("git: cannot start: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The cargo arguments of a configuration.
pub(super) fn feature_args(config: &str) -> Vec<&str> {
    match config {
        "default" => vec![],
        "none" => vec!["--no-default-features"],
        tag => vec!["--no-default-features", "--features", tag],
    }
}

fn build(tree: &Path, target: &Path, config: &str) -> Result {
    let mut command = cargo(tree);
    command
        .env("CARGO_TARGET_DIR", target)
        .args(["build", "-q", "-p", "atlas-endpoints"])
        .args(feature_args(config));
    status(command, &format!("cargo build in {}", tree.display()))
}

/// Seconds of a build of atlas-endpoints alone, after `cargo clean -p atlas-endpoints`.
fn clean_build(tree: &Path, target: &Path, config: &str) -> Result<f64> {
    let mut clean = cargo(tree);
    clean
        .env("CARGO_TARGET_DIR", target)
        .args(["clean", "-q", "-p", "atlas-endpoints"]);
    status(clean, "cargo clean")?;
    let start = Instant::now();
    build(tree, target, config)?;
    Ok(start.elapsed().as_secs_f64())
}

fn list(runs: &[f64]) -> String {
    runs.iter()
        .map(|r| format!("{r:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::feature_args;

    #[test]
    fn configurations() {
        assert_eq!(feature_args("none"), ["--no-default-features"]);
        assert_eq!(
            feature_args("clusters"),
            ["--no-default-features", "--features", "clusters"]
        );
        assert!(feature_args("default").is_empty());
    }
}
