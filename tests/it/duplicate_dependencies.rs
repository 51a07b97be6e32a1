//! No dependency is compiled in two majors in a user's build without a reason written down
//! (issue 22 §5): `cargo tree -d` over what a user of one tag, of every tag, and of the
//! attribute alone (`tests/user-crate`) builds, normal and build dependencies only.
//!
//! Two builds of one version (a proc-macro's dependency built for the host and the target)
//! are not two majors; two versions of one major are not either (Cargo unifies them).

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Duplicates allowed, with their reason (the same reasons as the workspace `Cargo.toml`).
/// Only on other targets than Linux: checked with `--target all`.
const ALLOWED: &[(&str, &str)] = &[(
    "windows-sys",
    "on Windows ring 0.17 (rustls's crypto provider) pulls 0.52, tokio, socket2 and dirs 0.61; \
     neither is ours to move",
)];

/// The major of a version as Cargo reads it: `1` for 1.2.3, `0.4` for 0.4.3, `0.0.3`.
fn major(version: &str) -> String {
    let parts: Vec<&str> = version.split(['.', '-', '+']).collect();
    match parts.as_slice() {
        ["0", "0", patch, ..] => format!("0.0.{patch}"),
        ["0", minor, ..] => format!("0.{minor}"),
        [major, ..] => (*major).to_string(),
        [] => String::new(),
    }
}

/// `(name, majors)` of each package `cargo tree -d` lists in more than one major.
fn duplicated_majors(args: &[&str]) -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = Command::new(cargo)
        .current_dir(root)
        .args([
            "tree",
            "--locked",
            "--duplicates",
            "--edges",
            "normal,build",
        ])
        .args(["--depth", "0", "--prefix", "none", "--format", "{p}"])
        .args(args)
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo tree {args:?}: {stderr}");
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        // `syn v2.0.119` or `atlas-macros v0.1.0 (proc-macro) (/path)`.
        let mut words = line.split_whitespace();
        let (Some(name), Some(version)) = (words.next(), words.next()) else {
            continue;
        };
        let version = version.trim_start_matches('v');
        versions
            .entry(name.to_string())
            .or_default()
            .insert(major(version));
    }
    versions.retain(|_, majors| majors.len() > 1);
    versions
}

fn assert_no_duplicates(args: &[&str], allowed: &[&str]) {
    let mut found = duplicated_majors(args);
    found.retain(|name, _| !allowed.contains(&name.as_str()));
    assert!(
        found.is_empty(),
        "`cargo tree -d {}` lists dependencies built in two majors: {found:?}; unify them, or \
         write the reason in the workspace Cargo.toml and in ALLOWED",
        args.join(" ")
    );
}

#[test]
fn major_of_a_version() {
    assert_eq!(major("2.0.119"), "2");
    assert_eq!(major("0.4.3"), "0.4");
    assert_eq!(major("0.0.7"), "0.0.7");
    assert_eq!(major("1.0.0-rc.1"), "1");
}

#[test]
fn one_tag_builds_each_dependency_once() {
    let one_tag = [
        "-p",
        "atlas-endpoints",
        "--no-default-features",
        "--features",
        "clusters",
    ];
    assert_no_duplicates(&one_tag, &[]);
    let mut everywhere = one_tag.to_vec();
    everywhere.extend(["--target", "all"]);
    let allowed: Vec<&str> = ALLOWED.iter().map(|(name, _)| *name).collect();
    assert_no_duplicates(&everywhere, &allowed);
}

#[test]
fn every_tag_builds_each_dependency_once() {
    assert_no_duplicates(&["-p", "atlas-endpoints", "--features", "full"], &[]);
}

#[test]
fn the_attribute_alone_builds_each_dependency_once() {
    assert_no_duplicates(&["-p", "atlas-user-example"], &[]);
}
