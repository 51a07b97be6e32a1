//! atlas-mock's build script runs in every build that includes atlas-mock (a user's
//! crate, `cargo run --example quickstart`): with the spec and Prism missing, and under
//! `CI=true`, it must print no warning and never fail. Only atlas-mock's own tests may
//! say what they lack (as ignore reasons, or a `compile_error!` under CI).
//!
//! The script is compiled here with rustc and run as cargo would run it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn compile(dir: &Path) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.join("build-script-build");
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let status = Command::new(rustc)
        .args(["--edition", "2024", "--crate-type", "bin", "-o"])
        .arg(&out)
        .arg(manifest.join("build.rs"))
        .status()
        .expect("run rustc");
    assert!(status.success(), "mock/build.rs does not compile");
    out
}

/// Runs the script as cargo does for a dependency, in an environment without node on
/// `PATH` and without the spec.
fn run(script: &Path, dir: &Path, ci: Option<&str>) -> Output {
    let empty = dir.join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let out_dir = dir.join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut cmd = Command::new(script);
    cmd.env_clear()
        .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        .env("OUT_DIR", &out_dir)
        .env("PATH", &empty)
        .env("ATLAS_OPENAPI_SPEC", dir.join("no-such-spec.yaml"));
    if let Some(ci) = ci {
        cmd.env("CI", ci);
    }
    cmd.output().expect("run the build script")
}

#[test]
fn a_dependent_build_hears_nothing_of_atlas_mocks_own_tests() {
    let dir = std::env::temp_dir().join(format!("atlas-mock-build-script-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _scratch = Scratch(dir.clone());
    let script = compile(&dir);
    for ci in [None, Some("true"), Some("1")] {
        let out = run(&script, &dir, ci);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "CI={ci:?}: the build script failed a dependent build: {stderr}"
        );
        let warnings: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with("cargo::warning") || l.starts_with("cargo:warning"))
            .collect();
        assert!(
            warnings.is_empty(),
            "CI={ci:?}: cargo would show these in every build: {warnings:?}"
        );
        assert!(!stdout.contains("rustc-cfg=has_spec"), "{stdout}");
        assert!(!stdout.contains("rustc-cfg=has_prism"), "{stdout}");
        assert_eq!(
            stdout.contains("cargo::rustc-cfg=atlas_mock_ci"),
            ci.is_some(),
            "{stdout}"
        );
    }
}
