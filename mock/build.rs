//! Finds what the spec-conformance and fidelity tests need (the official spec; Prism, the
//! validating proxy, from tests/peers/prism), so that without it a test is counted as
//! ignored with its reason rather than passing unseen; under CI (`CI=true` or `CI=1`) a
//! missing one fails the build instead.

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
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");

    let spec = std::env::var_os("ATLAS_OPENAPI_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../shared/atlas-openapi/v2.yaml"));
    println!("cargo::rerun-if-changed={}", spec.display());
    if spec.is_file() {
        println!("cargo::rustc-cfg=has_spec");
    } else {
        assert!(
            !ci,
            "the Atlas OpenAPI spec is required in CI: {} (set ATLAS_OPENAPI_SPEC)",
            spec.display()
        );
        println!(
            "cargo::warning=the spec-conformance and fidelity tests are ignored: no Atlas OpenAPI spec at {} (set ATLAS_OPENAPI_SPEC)",
            spec.display()
        );
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
    } else {
        assert!(
            !ci,
            "Prism is required in CI: node on PATH and {} (npm ci --prefix tests/peers/prism)",
            cli.display()
        );
        println!(
            "cargo::warning=the fidelity test is ignored: needs node and Prism (npm ci --prefix tests/peers/prism)"
        );
    }
}
