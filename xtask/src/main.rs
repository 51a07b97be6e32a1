//! `cargo xtask <task>`: the one entry to the repository's tasks (CONTRIBUTING.md).
//!
//! | task | what it does |
//! |---|---|
//! | `codegen [--check]` | regenerates (or, with `--check`, fails on a stale copy of) every generated output: `endpoints/src/generated/` and the features table (atlas-codegen), atlas-mock's routing tables (atlas-mock-gen), README.md's operations table |
//! | `features [FEATURE…]` | `cargo check` of atlas-endpoints with no feature and with each tag's feature alone (or the ones named), failing on an error or a warning; `FULL=1` adds `full` |
//! | `compile-time side-by-side BASELINE [RUNS] [CONFIG…]` | clean builds of atlas-endpoints at a baseline commit and at the working tree, alternating (BENCHMARKS.md) |
//! | `compile-time scaling` | the macro against hand-written endpoints, synthetic crates of N endpoints, clean and incremental, with a linear fit (`compile_time/scaling.rs`) |
//! | `compile-time endpoints [CONFIG…]` | atlas-endpoints per feature set: clean, incremental, peak RSS (`compile_time/endpoints.rs`) |
//! | `compile-time expanded` | atlas-endpoints against its own macro expansion written out (`compile_time/expanded.rs`) |
//! | `expand-macros ARGS…` | the macros' expansion written out (`scripts/expand-macros`, a tool crate outside the workspace) |
//! | `fuzz [SECONDS] [TARGET…]` | every cargo-fuzz target for a while (`fuzz.rs`, `fuzz/README.md`) |

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

mod compile_time;
mod fuzz;

/// What a task reports when it fails: the message, printed once by `main`.
type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let root = workspace_root();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen(&root, &args[1..]),
        Some("features") => features(&root, &args[1..]),
        Some("compile-time") => compile_time::run(&root, &args[1..]),
        Some("expand-macros") => expand_macros(&root, &args[1..]),
        Some("fuzz") => fuzz::run(&root, &args[1..]),
        Some("help" | "--help" | "-h") | None => {
            println!("{}", usage());
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{}", usage())),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage() -> &'static str {
    "usage: cargo xtask <task>
  codegen [--check]                                   regenerate every generated output (or check them)
  features [FEATURE...]                               each tag's feature of atlas-endpoints alone, no warnings
  compile-time side-by-side BASELINE [RUNS] [CONFIG...]  clean builds, baseline against the working tree
  compile-time scaling                                the macro against hand-written endpoints, crates of N
                                                      endpoints; RUNS (3), SIZES (\"50 200 500\"), KEEP=1 (keep
                                                      the scratch directory), OUT (target/atlas-bench: writes
                                                      compile-time.json and compile-time.md there)
  compile-time endpoints [CONFIG...]                  atlas-endpoints clean and incremental per configuration
                                                      (full, default, none or a tag; default: a set of them)
  compile-time expanded                               atlas-endpoints against its macro expansion written out;
                                                      RUNS (3), FEATURES (full), KEEP=1
  expand-macros SRC_DIR DST_DIR                       the macros' expansion written out
  fuzz [--dry-run] [SECONDS] [TARGET...]              every cargo-fuzz target (20 s each); `fuzz --help` for
                                                      its FUZZ_* settings"
}

/// The workspace root: this crate's parent.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ sits in the workspace")
        .to_path_buf()
}

/// `cargo` as the one running this task.
fn cargo(root: &Path) -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root);
    command
}

/// Runs `command`, failing with `what` when it does not succeed.
fn status(mut command: Command, what: &str) -> Result {
    let status = command
        .status()
        .map_err(|e| format!("{what}: cannot start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what}: {status}"))
    }
}

/// Every generated output, regenerated or (`--check`) compared with what is checked in.
fn codegen(root: &Path, args: &[String]) -> Result {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask codegen [--check]".into()),
    };
    let flag: &[&str] = if check { &["--check"] } else { &[] };
    for package in ["atlas-codegen", "atlas-mock-gen"] {
        let mut command = cargo(root);
        command.args(["run", "-q", "-p", package, "--"]).args(flag);
        status(command, package)?;
    }
    // The README's table is made from the declarations themselves (every EndpointInfo of a
    // `full` build), so a test of the suite writes and checks it. `--workspace` builds
    // what `cargo test --workspace` builds next, so CI pays for it once.
    let mut command = cargo(root);
    command.args([
        "test",
        "-q",
        "--workspace",
        "--tests",
        "--",
        "--exact",
        "operations_table::the_readme_lists_every_declared_operation",
    ]);
    if !check {
        command.env("UPDATE_README", "1");
    }
    // Every test binary of the workspace reports its empty run: shown only on a failure.
    let out = command
        .output()
        .map_err(|e| format!("cargo test: cannot start: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{}{}README.md's operations table: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            out.status
        ));
    }
    println!(
        "README.md's operations table: {}",
        if check { "current" } else { "written" }
    );
    Ok(())
}

/// The features of atlas-endpoints: none, then each tag's alone (or the ones named).
fn features(root: &Path, args: &[String]) -> Result {
    let features: Vec<String> = if args.is_empty() {
        let manifest = std::fs::read_to_string(root.join("endpoints/Cargo.toml"))
            .map_err(|e| format!("endpoints/Cargo.toml: {e}"))?;
        generated_features(&manifest, env::var_os("FULL").is_some())?
    } else {
        args.to_vec()
    };
    check_features(root, &[])?;
    for feature in &features {
        check_features(root, &["--features", feature])?;
    }
    Ok(())
}

/// The features of the generated table (between the atlas-codegen markers), without
/// `default`, and without `full` unless asked: clippy's workspace build turns `full` on.
fn generated_features(manifest: &str, full: bool) -> Result<Vec<String>> {
    let begin = manifest
        .find("# BEGIN atlas-codegen features")
        .ok_or("endpoints/Cargo.toml: no `# BEGIN atlas-codegen features` marker")?;
    let end = manifest[begin..]
        .find("# END atlas-codegen features")
        .ok_or("endpoints/Cargo.toml: no `# END atlas-codegen features` marker")?;
    Ok(manifest[begin..begin + end]
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(" = ")?;
            let is_name = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            (is_name && value.starts_with('[')).then(|| name.to_string())
        })
        .filter(|name| name != "default" && (full || name != "full"))
        .collect())
}

/// `cargo check -p atlas-endpoints --no-default-features ARGS`: fails on an error and on a
/// warning (a warning with one feature set is a bug the others hide, such as an import
/// only some use).
fn check_features(root: &Path, args: &[&str]) -> Result {
    let start = Instant::now();
    let mut command = cargo(root);
    command
        .args([
            "check",
            "-q",
            "-p",
            "atlas-endpoints",
            "--no-default-features",
        ])
        .args(args);
    let out = command
        .output()
        .map_err(|e| format!("cargo check: cannot start: {e}"))?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    let shown = if args.is_empty() {
        "no feature".to_string()
    } else {
        args.join(" ")
    };
    if !out.status.success() {
        return Err(format!(
            "{stderr}atlas-endpoints does not build with {shown}"
        ));
    }
    if stderr.lines().any(|l| l.starts_with("warning")) {
        return Err(format!("{stderr}atlas-endpoints warns with {shown}"));
    }
    println!("{:4}s  {shown}", start.elapsed().as_secs());
    Ok(())
}

/// `scripts/expand-macros` (its own workspace: it is built on demand, never by CI's
/// `cargo build --workspace`) with `args`.
fn expand_macros(root: &Path, args: &[String]) -> Result {
    let mut command = cargo(root);
    command
        .args(["run", "-q", "--release", "--manifest-path"])
        .arg(root.join("scripts/expand-macros/Cargo.toml"))
        .arg("--")
        .args(args);
    status(command, "expand-macros")
}

#[cfg(test)]
mod tests {
    use super::generated_features;

    #[test]
    fn reads_the_generated_features_table() {
        let manifest = "[features]\nserialize-all = []\n# BEGIN atlas-codegen features\n\
                        default = [\"clusters\"]\nfull = [\"clusters\", \"teams\"]\n\
                        clusters = []\nx509-authentication = [\"dep:x\"]\n\
                        # a comment = [\n# END atlas-codegen features\nother = []\n";
        assert_eq!(
            generated_features(manifest, false).unwrap(),
            ["clusters", "x509-authentication"]
        );
        assert_eq!(
            generated_features(manifest, true).unwrap(),
            ["full", "clusters", "x509-authentication"]
        );
        assert!(generated_features("[features]\n", false).is_err());
    }
}
