//! Finds what the spec-conformance and fidelity tests need (the official spec; Prism, the
//! validating proxy, from tests/peers/prism) and tells atlas-mock's own tests through
//! cfgs: without it a test is counted as ignored, with its reason, in atlas-mock's test
//! run. Under CI (`CI=true` or `CI=1`) a missing one fails the build of those tests
//! (`compile_error!` in `tests/it/main.rs`).
//!
//! This script runs for every build of atlas-mock, also as a dependency of a user's crate
//! or of `cargo run --example …`: so it prints nothing and never fails. What the tests
//! need is their business, said where they run.

use std::path::PathBuf;

/// Prism's entry point under tests/peers/prism (as tests/build.rs looks for it).
const PRISM_CLI: &str = "node_modules/@stoplight/prism-cli/dist/index.js";

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=ATLAS_OPENAPI_SPEC");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rustc-check-cfg=cfg(has_spec)");
    println!("cargo::rustc-check-cfg=cfg(has_prism)");
    println!("cargo::rustc-check-cfg=cfg(atlas_mock_ci)");
    let Some(manifest) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        return;
    };
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        println!("cargo::rustc-cfg=atlas_mock_ci");
    }

    let spec = std::env::var_os("ATLAS_OPENAPI_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../shared/atlas-openapi/v2.yaml"));
    println!("cargo::rerun-if-changed={}", spec.display());
    if spec.is_file() {
        println!("cargo::rustc-cfg=has_spec");
    }

    let prism = manifest.join("../tests/peers/prism");
    let cli = prism.join(PRISM_CLI);
    // Watch node_modules once it exists, else the peer directory (a path that does not
    // exist would rerun this script, and rebuild the crate, on every build).
    let modules = prism.join("node_modules");
    let watched = if modules.is_dir() {
        modules
    } else {
        prism.clone()
    };
    println!("cargo::rerun-if-changed={}", watched.display());
    if on_path("node") && cli.is_file() {
        println!("cargo::rustc-cfg=has_prism");
    }
}
