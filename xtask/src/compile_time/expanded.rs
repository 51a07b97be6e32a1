//! `cargo xtask compile-time expanded`: atlas-endpoints against the same crate with the
//! macros' expansion written out (every `#[atlas_endpoint]` and
//! `#[derive(atlas_runtime::Decode)]` replaced by the code it generates, by
//! `scripts/expand-macros`: the macro's own logic, atlas-macros-impl, run outside a
//! compiler).
//!
//! Both are built with the same features in a scratch workspace (rules, macros with
//! macros/impl, runtime and endpoints copied, so edits meanwhile cannot leak in), each in
//! its own target directory copied from one where every dependency is built; runs
//! alternate between the two. Per run: `cargo clean -p CRATE`, a clean build, then an
//! incremental one after touching `generated/shared.rs`. Prints medians (min-max) and the
//! ratios.
//!
//! Settings (environment): `RUNS` (default 3), `FEATURES` (default `full`), `KEEP=1` keeps
//! the scratch directory (printed).

use std::env;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use super::{
    Scratch, bench_env, copy_dir, env_number, env_set, max, median, min, read, touch, write,
};
use crate::Result;

/// The two crates: (variant, package, directory in the scratch workspace).
const VARIANTS: [(&str, &str, &str); 2] = [
    ("macro", "atlas-endpoints", "endpoints"),
    ("hand", "atlas-endpoints-hand", "endpoints-hand"),
];

pub fn run(root: &Path, args: &[String]) -> Result {
    if !args.is_empty() {
        return Err(
            "usage: [RUNS=3] [FEATURES=full] [KEEP=1] cargo xtask compile-time expanded".into(),
        );
    }
    let runs = env_number("RUNS", 3)?;
    if runs == 0 {
        return Err("RUNS must be at least 1".into());
    }
    let features = env::var("FEATURES")
        .ok()
        .filter(|f| !f.trim().is_empty())
        .unwrap_or_else(|| "full".into());
    let keep = env_set("KEEP");
    let scratch = Scratch::new("atlas-compile-expanded", keep)?;
    if keep {
        eprintln!("scratch: {}", scratch.path.display());
    }
    let ws = prepare(root, &scratch.path)?;
    measure(&ws, &scratch.path, &features, runs)
}

/// `cargo ARGS` in `cwd`, quiet and offline; its stderr shown only when it fails.
fn cargo(cwd: &Path, args: &[&str], target: &Path) -> Result {
    let mut command = Command::new("cargo");
    bench_env(&mut command)
        .current_dir(cwd)
        .args(args)
        .args(["-q", "--offline", "--target-dir"])
        .arg(target)
        .stdout(Stdio::null());
    let out = command
        .output()
        .map_err(|e| format!("cargo {}: cannot start: {e}", args.join(" ")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}cargo {}: {}",
            String::from_utf8_lossy(&out.stderr),
            args.join(" "),
            out.status
        ))
    }
}

/// Builds the expansion tool, and writes the scratch workspace: the crates copied, the
/// written-out twin of atlas-endpoints, the manifest with these members only.
fn prepare(root: &Path, work: &Path) -> Result<std::path::PathBuf> {
    eprintln!("building scripts/expand-macros ...");
    let tool_target = root.join("target/atlas-bench/expand-tool");
    let manifest = root.join("scripts/expand-macros/Cargo.toml");
    cargo(
        root,
        &[
            "build",
            "--release",
            "--manifest-path",
            &manifest.to_string_lossy(),
        ],
        &tool_target,
    )?;

    let ws = work.join("ws");
    for krate in ["rules", "macros", "runtime", "endpoints"] {
        copy_dir(&root.join(krate), &ws.join(krate), true)?;
    }
    // Only the libraries are built: no dev-dependency on crates not copied, nor the
    // self-dependency that turns on features for the tests (wrong once the copy is renamed).
    let endpoints_manifest = ws.join("endpoints/Cargo.toml");
    write(
        &endpoints_manifest,
        &endpoints_manifest_text(&read(&endpoints_manifest)?),
    )?;
    let hand = ws.join("endpoints-hand");
    copy_dir(&ws.join("endpoints"), &hand, false)?;
    std::fs::remove_dir_all(hand.join("src")).map_err(|e| format!("endpoints-hand/src: {e}"))?;
    let mut tool = Command::new(tool_target.join("release/expand-macros"));
    tool.arg(ws.join("endpoints/src")).arg(hand.join("src"));
    crate::status(tool, "expand-macros")?;
    let hand_manifest = hand.join("Cargo.toml");
    write(&hand_manifest, &hand_manifest_text(&read(&hand_manifest)?))?;
    write(
        &ws.join("Cargo.toml"),
        &workspace_manifest(&read(&root.join("Cargo.toml"))?),
    )?;
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    Ok(ws)
}

/// `sed -e '/^atlas-mock = { path/d' -e '/^atlas-endpoints = { path = "\."/d'`.
fn endpoints_manifest_text(manifest: &str) -> String {
    manifest
        .split_inclusive('\n')
        .filter(|l| {
            !l.starts_with("atlas-mock = { path")
                && !l.starts_with("atlas-endpoints = { path = \".")
        })
        .collect()
}

/// The package renamed `atlas-endpoints-hand`.
fn hand_manifest_text(manifest: &str) -> String {
    manifest
        .split_inclusive('\n')
        .map(|l| {
            if l.trim_end_matches('\n') == "name = \"atlas-endpoints\"" {
                l.replace("atlas-endpoints", "atlas-endpoints-hand")
            } else {
                l.to_string()
            }
        })
        .collect()
}

/// The root manifest with these members only (path dependencies on crates not copied go
/// unused), and no `exclude`.
fn workspace_manifest(manifest: &str) -> String {
    manifest
        .split_inclusive('\n')
        .filter(|l| !l.starts_with("exclude = "))
        .map(|l| {
            let line = l.trim_end_matches('\n');
            if line.starts_with("members = [") && line.ends_with(']') {
                "members = [\"rules\", \"macros/impl\", \"macros\", \"runtime\", \"endpoints\", \
                 \"endpoints-hand\"]"
                    .to_string()
                    + &l[line.len()..]
            } else {
                l.to_string()
            }
        })
        .collect()
}

fn measure(ws: &Path, work: &Path, features: &str, runs: usize) -> Result {
    let template = work.join("t-template");
    eprintln!("building the dependencies once (not measured) ...");
    cargo(ws, &["build", "-p", "atlas-runtime"], &template)?;
    cargo(
        ws,
        &["build", "-p", "atlas-endpoints", "--features", features],
        &template,
    )?;
    cargo(ws, &["clean", "-p", "atlas-endpoints"], &template)?;
    // The written-out crate must build (and warnings aside, cleanly) before it is timed.
    cargo(
        ws,
        &[
            "build",
            "-p",
            "atlas-endpoints-hand",
            "--features",
            features,
        ],
        &template,
    )
    .map_err(|e| format!("{}\nthe written-out crate does not build", errors(&e)))?;
    cargo(ws, &["clean", "-p", "atlas-endpoints-hand"], &template)?;
    for (v, _, _) in VARIANTS {
        copy_dir(&template, &work.join(format!("t-{v}")), false)?;
    }

    let (mut clean, mut incr) = ([vec![], vec![]], [vec![], vec![]]);
    for r in 1..=runs {
        let order = if r % 2 == 0 { [1, 0] } else { [0, 1] };
        for i in order {
            let (v, krate, dir) = VARIANTS[i];
            let t = work.join(format!("t-{v}"));
            cargo(ws, &["clean", "-p", krate], &t)?;
            let start = Instant::now();
            cargo(ws, &["build", "-p", krate, "--features", features], &t)?;
            clean[i].push(start.elapsed().as_secs_f64());
            touch(&ws.join(dir).join("src/generated/shared.rs"))?;
            let start = Instant::now();
            cargo(ws, &["build", "-p", krate, "--features", features], &t)?;
            incr[i].push(start.elapsed().as_secs_f64());
            eprintln!(
                "  run {r} {krate}: clean {:.2} s, incremental {:.2} s",
                clean[i][r - 1],
                incr[i][r - 1]
            );
        }
    }
    print!("{}", table(features, &clean, &incr));
    Ok(())
}

/// Only the `error` lines of a build's output, each with the five lines after it (`grep -E
/// '^error' -A5`).
fn errors(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().collect();
    let mut shown = vec![false; lines.len()];
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("error") {
            for s in shown.iter_mut().skip(i).take(6) {
                *s = true;
            }
        }
    }
    lines
        .iter()
        .zip(shown)
        .filter(|(_, s)| *s)
        .map(|(l, _)| *l)
        .collect::<Vec<_>>()
        .join("\n")
}

fn show(xs: &[f64]) -> String {
    format!("{:.2} s ({:.2}-{:.2})", median(xs), min(xs), max(xs))
}

/// The Markdown table of the medians and their ratios.
fn table(features: &str, clean: &[Vec<f64>; 2], incr: &[Vec<f64>; 2]) -> String {
    let mut out = format!(
        "atlas-endpoints --features {features}: the macros against their expansion written out \
         ({} runs, alternating; medians (min-max))\n\n",
        clean[0].len()
    );
    out.push_str("| build | macros | written out | ratio [pairwise range] | goal <= 1.5 |\n");
    out.push_str("|---|---|---|---|---|\n");
    for (name, [m, h]) in [("clean", clean), ("incremental (touch)", incr)] {
        let ratio = median(m) / median(h);
        let pairs: Vec<f64> = m.iter().zip(h).map(|(a, b)| a / b).collect();
        let verdict = if ratio <= 1.5 { "met" } else { "**missed**" };
        out.push_str(&format!(
            "| {name} | {} | {} | {ratio:.2} [{:.2}-{:.2}] | {verdict} |\n",
            show(m),
            show(h),
            min(&pairs),
            max(&pairs)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{endpoints_manifest_text, errors, hand_manifest_text, table, workspace_manifest};

    #[test]
    fn manifests_of_the_scratch_workspace() {
        let endpoints = "[package]\nname = \"atlas-endpoints\"\n[dev-dependencies]\n\
                         atlas-endpoints = { path = \".\", features = [\"x\"] }\n\
                         atlas-mock = { path = \"../mock\" }\nserde = \"1\"\n";
        let kept = endpoints_manifest_text(endpoints);
        assert_eq!(
            kept,
            "[package]\nname = \"atlas-endpoints\"\n[dev-dependencies]\nserde = \"1\"\n"
        );
        assert_eq!(
            hand_manifest_text(&kept),
            "[package]\nname = \"atlas-endpoints-hand\"\n[dev-dependencies]\nserde = \"1\"\n"
        );
        assert_eq!(
            workspace_manifest(
                "[workspace]\nmembers = [\"a\", \"b\"]\nexclude = [\"fuzz\"]\nx = 1\n"
            ),
            "[workspace]\nmembers = [\"rules\", \"macros/impl\", \"macros\", \"runtime\", \
             \"endpoints\", \"endpoints-hand\"]\nx = 1\n"
        );
    }

    #[test]
    fn error_lines_with_their_context() {
        let stderr = "warning: a\nerror[E0425]: b\n 1\n 2\n 3\n 4\n 5\n 6\nwarning: c\n";
        assert_eq!(errors(stderr), "error[E0425]: b\n 1\n 2\n 3\n 4\n 5");
    }

    #[test]
    fn the_table() {
        let clean = [vec![10.0, 12.0, 11.0], vec![8.0, 9.0, 10.0]];
        let incr = [vec![2.0, 2.0, 2.0], vec![1.0, 2.0, 4.0]];
        assert_eq!(
            table("full", &clean, &incr),
            "atlas-endpoints --features full: the macros against their expansion written out \
             (3 runs, alternating; medians (min-max))\n\n\
             | build | macros | written out | ratio [pairwise range] | goal <= 1.5 |\n\
             |---|---|---|---|---|\n\
             | clean | 11.00 s (10.00-12.00) | 9.00 s (8.00-10.00) | 1.22 [1.10-1.33] | met |\n\
             | incremental (touch) | 2.00 s (2.00-2.00) | 2.00 s (1.00-4.00) | 1.00 [0.50-2.00] | met |\n"
        );
    }
}
