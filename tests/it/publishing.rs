//! Ready to publish (issue 23 §6): every crate a user adds from the registry carries what
//! crates.io and docs.rs need, its path dependencies carry versions, the licence it names
//! is in the repository, and docs.rs builds every tag. CI also packages each crate
//! offline and builds it from its `.crate` (`cargo package` in `.ci/run`), and checks the
//! licences of the whole tree (`cargo deny`, `deny.toml`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The crates published to the registry, in the order they must be published.
const PUBLISHED: &[&str] = &[
    "atlas-rules",
    "atlas-macros-impl",
    "atlas-macros",
    "atlas-runtime",
    "atlas-endpoints",
    "atlas-mock",
    "atlas-cli",
];

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// `cargo metadata --no-deps`: each workspace package, its inherited fields resolved.
fn workspace_packages() -> BTreeMap<String, Value> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(root())
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata is JSON");
    metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p.clone()))
        .collect()
}

fn text<'a>(package: &'a Value, field: &str) -> &'a str {
    package[field].as_str().unwrap_or("")
}

#[test]
fn every_published_crate_carries_what_the_registry_shows() {
    let packages = workspace_packages();
    let mut missing = Vec::new();
    for name in PUBLISHED {
        let Some(p) = packages.get(*name) else {
            missing.push(format!("{name}: not a workspace member"));
            continue;
        };
        // `publish = false` is an empty list of registries.
        if p["publish"].as_array().is_some_and(Vec::is_empty) {
            missing.push(format!("{name}: publish = false"));
        }
        for field in ["description", "license", "repository", "readme"] {
            if text(p, field).is_empty() {
                missing.push(format!("{name}: no {field}"));
            }
        }
        let readme = text(p, "readme");
        if !readme.is_empty() {
            let manifest_dir = Path::new(text(p, "manifest_path")).parent().unwrap();
            if !manifest_dir.join(readme).is_file() {
                missing.push(format!("{name}: readme {readme} is not a file"));
            }
        }
        // crates.io: at most five keywords of at most 20 ASCII characters; categories
        // from its list (at least one here).
        let keywords = p["keywords"].as_array().unwrap();
        if keywords.is_empty() || keywords.len() > 5 {
            missing.push(format!("{name}: {} keywords (1 to 5)", keywords.len()));
        }
        for k in keywords.iter().filter_map(Value::as_str) {
            let ok = k.len() <= 20
                && k.starts_with(|c: char| c.is_ascii_alphanumeric())
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '+');
            if !ok {
                missing.push(format!(
                    "{name}: keyword {k:?} is not one crates.io accepts"
                ));
            }
        }
        if p["categories"].as_array().unwrap().is_empty() {
            missing.push(format!("{name}: no category"));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn published_crates_depend_on_each_other_by_version() {
    let packages = workspace_packages();
    let mut unversioned = Vec::new();
    for name in PUBLISHED {
        for dep in packages[*name]["dependencies"].as_array().unwrap() {
            // Dev-dependencies stay in the repository (cargo package drops a path one).
            if dep["kind"].as_str() == Some("dev") || dep["path"].is_null() {
                continue;
            }
            let dep_name = dep["name"].as_str().unwrap();
            if dep["req"].as_str() == Some("*") {
                unversioned.push(format!("{name} → {dep_name}: a path without a version"));
            }
            if !PUBLISHED.contains(&dep_name) {
                unversioned.push(format!("{name} → {dep_name}: not a published crate"));
            }
            // Published before the crate that needs it.
            let (at, dep_at) = (
                PUBLISHED.iter().position(|n| n == name),
                PUBLISHED.iter().position(|n| *n == dep_name),
            );
            if dep_at >= at {
                unversioned.push(format!("{name} → {dep_name}: published after it"));
            }
        }
    }
    assert!(unversioned.is_empty(), "{}", unversioned.join("\n"));
}

#[test]
fn the_licence_the_manifests_name_is_in_the_repository() {
    let packages = workspace_packages();
    for name in PUBLISHED {
        assert_eq!(text(&packages[*name], "license"), "Apache-2.0", "{name}");
    }
    let licence = std::fs::read_to_string(root().join("LICENSE")).expect("a LICENSE file");
    let head: Vec<&str> = licence
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(2)
        .collect();
    assert_eq!(head, ["Apache License", "Version 2.0, January 2004"]);
    assert!(licence.contains("TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"));
}

#[test]
fn docs_rs_builds_every_tag_and_marks_its_feature() {
    let packages = workspace_packages();
    let docs_rs = &packages["atlas-endpoints"]["metadata"]["docs"]["rs"];
    assert_eq!(docs_rs["features"], serde_json::json!(["full"]));
    assert_eq!(
        docs_rs["rustdoc-args"],
        serde_json::json!(["--cfg", "docsrs"])
    );
    let lib = std::fs::read_to_string(root().join("endpoints/src/lib.rs")).unwrap();
    assert!(
        lib.contains("#![cfg_attr(docsrs, feature(doc_cfg))]"),
        "endpoints/src/lib.rs: docs.rs marks each module's feature with doc_cfg"
    );
    let runtime = &packages["atlas-runtime"]["metadata"]["docs"]["rs"];
    assert_eq!(runtime["all-features"], Value::Bool(true));
}
