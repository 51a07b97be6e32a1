//! `cargo xtask compile-time scaling`: what `#[atlas_endpoint]` costs at build time.
//!
//! What is measured (wall time of `cargo build`, dev profile, incremental as the dev
//! profile has it):
//!
//! 1. atlas-macros alone (the shim, atlas-macros-impl, its logic, and atlas-rules, the rules
//!    it checks): the three cleaned, then `cargo build -p atlas-macros` with every other
//!    dependency (syn, quote, proc-macro2, regex-syntax, regex-automata) already built;
//!    and once from an empty target directory, dependencies included.
//! 2. Generated crates with N endpoints ([`super::synthetic`]), declared with the macro and
//!    written by hand, each in its own target directory that starts as a copy of one where
//!    every dependency (atlas-runtime, atlas-macros, serde, serde_json, regex, ...) is
//!    built, so a measurement compiles the generated crate only (checked: cargo must report
//!    compiling exactly that crate):
//!    - clean: `cargo clean -p CRATE` then `cargo build -p CRATE`;
//!    - incremental: `touch src/m000.rs` then `cargo build -p CRATE` (content unchanged:
//!      rustc reuses its incremental cache, the macro runs again on every invocation).
//!
//!    Repetitions alternate between the variants so that load from elsewhere hits both.
//!    The crates are libraries: no linking is measured.
//! 3. cargo's own overhead: a no-op `cargo build -p CRATE`, reported, not subtracted.
//!
//! The runtime and the macro crate are copied from the workspace into a scratch directory
//! first, so edits made meanwhile in the workspace cannot leak into a measurement.
//!
//! Settings (environment): `RUNS` (default 3), `SIZES` (default "50 200 500"), `KEEP=1`
//! keeps the scratch directory, `OUT` (default `target/atlas-bench`). Writes
//! `OUT/compile-time.json` and `OUT/compile-time.md` and prints the Markdown.

use std::collections::BTreeMap;
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::json::Json;
use super::{
    Scratch, bench_env, copy_dir, env_number, env_set, max, median, min, read, remove_dir,
    synthetic, tail, touch, write,
};
use crate::Result;

const VARIANTS: [&str; 2] = ["macro", "hand"];

pub fn run(root: &Path, args: &[String]) -> Result {
    if !args.is_empty() {
        return Err("usage: [RUNS=3] [SIZES=\"50 200 500\"] [KEEP=1] [OUT=DIR] \
                    cargo xtask compile-time scaling"
            .into());
    }
    let runs = env_number("RUNS", 3)?;
    let mut sizes = match env::var("SIZES") {
        Ok(sizes) if !sizes.trim().is_empty() => parse_sizes(&sizes)?,
        _ => vec![50, 200, 500],
    };
    sizes.sort_unstable();
    if runs == 0 {
        return Err("RUNS must be at least 1".into());
    }
    let out = env::var_os("OUT").map_or_else(|| root.join("target/atlas-bench"), PathBuf::from);
    let scratch = Scratch::new("atlas-compile-time", env_set("KEEP"))?;
    measure(root, &scratch.path, &out, runs, &sizes)
}

fn parse_sizes(text: &str) -> Result<Vec<usize>> {
    text.split_whitespace()
        .map(|s| match s.parse() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("SIZES: `{s}` is not a positive number")),
        })
        .collect()
}

fn log(message: &str) {
    eprintln!("{message}");
}

/// Runs `cargo ARGS --offline --target-dir TARGET` in `cwd` and returns its wall seconds;
/// with `compiling`, fails unless cargo compiled exactly those crates, in that order.
fn cargo(args: &[&str], cwd: &Path, target: &Path, compiling: Option<&[&str]>) -> Result<f64> {
    let mut command = Command::new("cargo");
    bench_env(&mut command)
        .current_dir(cwd)
        .args(args)
        .arg("--offline")
        .arg("--target-dir")
        .arg(target);
    let shown = format!(
        "cargo {} --offline --target-dir {}",
        args.join(" "),
        target.display()
    );
    let start = Instant::now();
    let out = command
        .output()
        .map_err(|e| format!("{shown}: cannot start: {e}"))?;
    let elapsed = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{}\nfailed: {shown}", tail(&stderr, 4000)));
    }
    if let Some(expected) = compiling {
        let compiled = compiled(&stderr);
        if compiled != expected {
            return Err(format!(
                "expected to compile {expected:?}, cargo compiled {compiled:?}: \
                 the measurement would not be of the generated crate alone"
            ));
        }
    }
    Ok(elapsed)
}

/// The crates of cargo's `   Compiling NAME vX (…)` lines, in order.
fn compiled(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with(char::is_whitespace))
        .filter_map(|line| line.trim_start().strip_prefix("Compiling "))
        .filter_map(|rest| rest.split_whitespace().next())
        .collect()
}

/// The members line of the workspace's manifest replaced, and the path dependencies on
/// crates not copied into the scratch workspace left out (they would not resolve).
fn scratch_manifest(manifest: &str, members: &[String]) -> Result<String> {
    let start = manifest
        .find("\nmembers")
        .map(|i| i + 1)
        .filter(|&i| {
            manifest[i + "members".len()..]
                .trim_start_matches([' ', '\t'])
                .starts_with('=')
        })
        .ok_or("Cargo.toml: no `members = [...]` line")?;
    let end = start
        + manifest[start..]
            .find(']')
            .ok_or("Cargo.toml: `members` is not closed")?
        + 1;
    let members = members
        .iter()
        .map(|m| format!("\"{m}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let replaced = format!(
        "{}members = [{members}]{}",
        &manifest[..start],
        &manifest[end..]
    );
    Ok(replaced
        .split_inclusive('\n')
        .filter(|line| !is_foreign_path_dependency(line))
        .collect())
}

/// `name = { … path = "P" … }` with P not one of the crates copied.
fn is_foreign_path_dependency(line: &str) -> bool {
    if !line.ends_with('\n') {
        return false;
    }
    let Some((key, value)) = line.split_once('=') else {
        return false;
    };
    let key = key.trim_end_matches([' ', '\t']);
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let Some(table) = value.trim_start().strip_prefix('{') else {
        return false;
    };
    if !is_key {
        return false;
    }
    let inline = &table[..table.find(['}', '\n']).unwrap_or(table.len())];
    // Each `path = "…"` of the inline table; one naming another crate is enough.
    let mut rest = inline;
    while let Some(i) = rest.find("path") {
        let after = rest[i + 4..].trim_start();
        if let Some(quoted) = after
            .strip_prefix('=')
            .map(str::trim_start)
            .and_then(|s| s.strip_prefix('"'))
            && let Some(end) = quoted.find('"')
            && !["rules", "macros", "macros/impl", "runtime"].contains(&&quoted[..end])
        {
            return true;
        }
        rest = &rest[i + 4..];
    }
    false
}

/// A scratch workspace: the runtime and macro crates copied, a `deps` crate, and the
/// generated crates, with the workspace's manifest and lock file.
fn snapshot(root: &Path, ws: &Path, sizes: &[usize]) -> Result {
    remove_dir(ws)?;
    for krate in ["rules", "macros", "runtime"] {
        copy_dir(&root.join(krate), &ws.join(krate), true)?;
    }
    let mut members: Vec<String> = ["rules", "macros/impl", "macros", "runtime", "deps"]
        .iter()
        .map(|m| m.to_string())
        .collect();
    members.push("gen/equiv".into());
    for n in sizes {
        for v in VARIANTS {
            members.push(format!("gen/{v}_{n}"));
        }
    }
    let manifest = scratch_manifest(&read(&root.join("Cargo.toml"))?, &members)?;
    write(&ws.join("Cargo.toml"), &manifest)?;
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    write(&ws.join("deps/Cargo.toml"), &synthetic::cargo_toml("deps"))?;
    write(
        &ws.join("deps/src/lib.rs"),
        "//! Builds every dependency of the generated crates.\n",
    )?;
    for &n in sizes {
        synthetic::generate(&ws.join("gen"), n)?;
    }
    // The behaviour check of the hand-written endpoints against the generated ones.
    let n = sizes[0];
    write(
        &ws.join("gen/equiv/Cargo.toml"),
        &format!(
            r#"[package]
name = "equiv"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
atlas-runtime.workspace = true
macro_gen = {{ path = "../macro_{n}", package = "macro_{n}" }}
hand_gen = {{ path = "../hand_{n}", package = "hand_{n}" }}
"#
        ),
    )?;
    write(
        &ws.join("gen/equiv/src/main.rs"),
        include_str!("equiv_main.rs"),
    )
}

/// Median, min, max and the runs.
fn stats(xs: &[f64]) -> Json {
    Json::object([
        ("median", Json::Float(median(xs))),
        ("min", Json::Float(min(xs))),
        ("max", Json::Float(max(xs))),
        ("runs", Json::floats(xs)),
    ])
}

/// Least squares `y = a + b x`; returns a, b and r².
pub fn fit(points: &[(f64, f64)]) -> (f64, f64, f64) {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|(x, _)| (x - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let b = if sxx != 0.0 { sxy / sxx } else { 0.0 };
    let a = my - b * mx;
    let ss_tot: f64 = points.iter().map(|(_, y)| (y - my).powi(2)).sum();
    let ss_res: f64 = points.iter().map(|(x, y)| (y - (a + b * x)).powi(2)).sum();
    let r2 = if ss_tot != 0.0 {
        1.0 - ss_res / ss_tot
    } else {
        1.0
    };
    (a, b, r2)
}

/// One variant's fit over the sizes.
struct Fit {
    key: String,
    a: f64,
    b: f64,
    r2: f64,
    points: Vec<(usize, f64)>,
}

type Runs = BTreeMap<(&'static str, usize), Vec<f64>>;

fn measure(root: &Path, work: &Path, out: &Path, runs: usize, sizes: &[usize]) -> Result {
    let ws = work.join("ws");
    log(&format!("scratch workspace: {}", ws.display()));
    snapshot(root, &ws, sizes)?;

    let template = work.join("target-template");
    log("building dependencies once (not measured) ...");
    // Resolve the lock file for the new members (offline: everything is in the lock).
    let _ = bench_env(&mut Command::new("cargo"))
        .current_dir(&ws)
        .args(["generate-lockfile", "--offline"])
        .output();
    cargo(&["build", "-p", "deps"], &ws, &template, None)?;

    // 1. The macro crate.
    log("atlas-macros from an empty target directory, dependencies included ...");
    let scratch = work.join("t-macros-scratch");
    remove_dir(&scratch)?;
    let macros_from_scratch = cargo(&["build", "-p", "atlas-macros"], &ws, &scratch, None)?;
    let t = work.join("t-macros");
    remove_dir(&t)?;
    copy_dir(&template, &t, false)?;
    let mut own = Vec::new();
    for r in 0..runs {
        // The shim, its logic (atlas-macros-impl) and the rules that logic checks
        // (atlas-rules): the three are the macro. (Cleaning the first two makes cargo
        // rebuild atlas-rules as well, so it is cleaned and expected explicitly.)
        cargo(
            &[
                "clean",
                "-p",
                "atlas-macros",
                "-p",
                "atlas-macros-impl",
                "-p",
                "atlas-rules",
            ],
            &ws,
            &t,
            None,
        )?;
        own.push(cargo(
            &["build", "-p", "atlas-macros"],
            &ws,
            &t,
            Some(&["atlas-rules", "atlas-macros-impl", "atlas-macros"]),
        )?);
        log(&format!(
            "  atlas-macros alone, run {}: {:.2} s",
            r + 1,
            own[r]
        ));
    }

    // 2. Generated crates.
    let mut targets = Vec::new();
    for &n in sizes {
        for v in VARIANTS {
            let t = work.join(format!("t-{v}-{n}"));
            remove_dir(&t)?;
            copy_dir(&template, &t, false)?;
            targets.push(((v, n), t));
        }
    }
    // Same behaviour first (built in the template directory, after it was copied).
    log("checking that the hand-written endpoints behave as the generated ones ...");
    let equiv = bench_env(&mut Command::new("cargo"))
        .current_dir(&ws)
        .args(["run", "-q", "-p", "equiv", "--offline", "--target-dir"])
        .arg(&template)
        .output()
        .map_err(|e| format!("cargo run -p equiv: cannot start: {e}"))?;
    let stdout = String::from_utf8_lossy(&equiv.stdout);
    if !equiv.status.success() {
        log(&format!(
            "{stdout}{}",
            tail(&String::from_utf8_lossy(&equiv.stderr), 4000)
        ));
        return Err("the hand-written endpoints do not behave as the generated ones".into());
    }
    log(&stdout);

    let (mut clean, mut incr, mut noop) = (Runs::new(), Runs::new(), Runs::new());
    for r in 0..runs {
        for &n in sizes {
            let order = if r % 2 == 0 {
                VARIANTS
            } else {
                [VARIANTS[1], VARIANTS[0]]
            };
            for v in order {
                let krate = format!("{v}_{n}");
                let t = &targets
                    .iter()
                    .find(|(k, _)| *k == (v, n))
                    .expect("a target")
                    .1;
                cargo(&["clean", "-p", &krate], &ws, t, None)?;
                let c = cargo(&["build", "-p", &krate], &ws, t, Some(&[&krate]))?;
                touch(&ws.join("gen").join(&krate).join("src/m000.rs"))?;
                let i = cargo(&["build", "-p", &krate], &ws, t, Some(&[&krate]))?;
                let o = cargo(&["build", "-p", &krate], &ws, t, Some(&[]))?;
                log(&format!(
                    "  run {} {krate}: clean {c:.2} s, incremental {i:.2} s, no-op {o:.2} s",
                    r + 1
                ));
                clean.entry((v, n)).or_default().push(c);
                incr.entry((v, n)).or_default().push(i);
                noop.entry((v, n)).or_default().push(o);
            }
        }
    }

    let mut fits = Vec::new();
    for (kind, data) in [("clean", &clean), ("incremental", &incr)] {
        for v in VARIANTS {
            let points: Vec<(usize, f64)> =
                sizes.iter().map(|&n| (n, median(&data[&(v, n)]))).collect();
            let xy: Vec<(f64, f64)> = points.iter().map(|&(n, y)| (n as f64, y)).collect();
            let (a, b, r2) = fit(&xy);
            fits.push(Fit {
                key: format!("{v}_{kind}"),
                a,
                b,
                r2,
                points,
            });
        }
    }

    let machine = machine();
    let results = Json::object([
        ("runs", Json::Int(runs as i64)),
        (
            "sizes",
            Json::List(sizes.iter().map(|&n| Json::Int(n as i64)).collect()),
        ),
        ("machine", machine.json()),
        ("macros_from_scratch", Json::Float(macros_from_scratch)),
        ("macros_alone", stats(&own)),
        (
            "generated",
            Json::Object(
                targets
                    .iter()
                    .map(|((v, n), _)| {
                        let k = (*v, *n);
                        (
                            format!("{v}_{n}"),
                            Json::object([
                                ("clean", stats(&clean[&k])),
                                ("incremental", stats(&incr[&k])),
                                ("noop", stats(&noop[&k])),
                            ]),
                        )
                    })
                    .collect(),
            ),
        ),
        (
            "fits",
            Json::Object(
                fits.iter()
                    .map(|f| {
                        (
                            f.key.clone(),
                            Json::object([
                                ("intercept_s", Json::Float(f.a)),
                                ("per_endpoint_ms", Json::Float(f.b * 1000.0)),
                                ("r2", Json::Float(f.r2)),
                                (
                                    "points",
                                    Json::List(
                                        f.points
                                            .iter()
                                            .map(|&(n, y)| {
                                                Json::List(vec![
                                                    Json::Int(n as i64),
                                                    Json::Float(y),
                                                ])
                                            })
                                            .collect(),
                                    ),
                                ),
                            ]),
                        )
                    })
                    .collect(),
            ),
        ),
    ]);

    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    write(&out.join("compile-time.json"), &results.dump())?;
    let md = markdown(
        &machine,
        runs,
        macros_from_scratch,
        &own,
        &clean,
        &incr,
        &noop,
        sizes,
        &fits,
    );
    write(&out.join("compile-time.md"), &md)?;
    println!("{md}");
    Ok(())
}

/// The machine the numbers were taken on.
struct Machine {
    nproc: String,
    cpu: String,
    rustc: String,
    loadavg: Vec<String>,
}

impl Machine {
    fn json(&self) -> Json {
        Json::object([
            ("nproc", Json::Str(self.nproc.clone())),
            ("cpu", Json::Str(self.cpu.clone())),
            ("rustc", Json::Str(self.rustc.clone())),
            (
                "loadavg_at_end",
                Json::List(self.loadavg.iter().map(|l| Json::Str(l.clone())).collect()),
            ),
        ])
    }
}

fn machine() -> Machine {
    let run = |program: &str, args: &[&str]| -> String {
        Command::new(program).args(args).output().map_or_else(
            |_| "?".to_string(),
            |o| String::from_utf8_lossy(&o.stdout).trim().to_string(),
        )
    };
    let cpu = run("lscpu", &[])
        .lines()
        .find(|l| l.starts_with("Model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("?".to_string(), |(_, v)| v.trim().to_string());
    Machine {
        nproc: run("nproc", &[]),
        cpu,
        rustc: run("rustc", &["--version"]),
        loadavg: std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .split_whitespace()
            .take(3)
            .map(str::to_string)
            .collect(),
    }
}

fn fmt(xs: &[f64]) -> String {
    format!("{:.2} s ({:.2}–{:.2})", median(xs), min(xs), max(xs))
}

#[allow(clippy::too_many_arguments)]
fn markdown(
    m: &Machine,
    runs: usize,
    macros_from_scratch: f64,
    own: &[f64],
    clean: &Runs,
    incr: &Runs,
    noop: &Runs,
    sizes: &[usize],
    fits: &[Fit],
) -> String {
    let mut out = vec![format!(
        "Machine: {} CPUs, {}, {}; load average at the end {}. Medians of {runs} runs (min–max).\n",
        m.nproc,
        m.cpu,
        m.rustc,
        m.loadavg.join(" ")
    )];
    out.push("| what | time |\n|---|---|".into());
    out.push(format!(
        "| atlas-macros alone (dependencies built) | {} |",
        fmt(own)
    ));
    out.push(format!(
        "| atlas-macros from an empty target dir, dependencies included | {macros_from_scratch:.2} s (1 run) |\n"
    ));
    out.push(
        "| endpoints | build | macro | by hand | ratio macro / hand [range] | goal ≤ 1.5 |".into(),
    );
    out.push("|---|---|---|---|---|---|".into());
    for &n in sizes {
        for (kind, data) in [("clean", clean), ("incremental (touch)", incr)] {
            let (a, b) = (&data[&("macro", n)], &data[&("hand", n)]);
            let ratio = median(a) / median(b);
            let (lo, hi) = (min(a) / max(b), max(a) / min(b));
            let verdict = if ratio <= 1.5 { "met" } else { "**missed**" };
            out.push(format!(
                "| {n} | {kind} | {} | {} | {ratio:.2} [{lo:.2}–{hi:.2}] | {verdict} |",
                fmt(a),
                fmt(b)
            ));
        }
    }
    out.push(String::new());
    out.push(format!(
        "No-op `cargo build` (cargo's own overhead, included above): {}",
        sizes
            .iter()
            .flat_map(|&n| VARIANTS.map(|v| format!("{v}_{n} {:.2} s", median(&noop[&(v, n)]))))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out.push(String::new());
    let step = if sizes.len() >= 3 {
        format!(
            "marginal cost {}→{} vs {}→{}",
            sizes[1],
            sizes[sizes.len() - 1],
            sizes[0],
            sizes[1]
        )
    } else {
        "marginal cost".into()
    };
    out.push(format!(
        "| fit: time = a + b·N | a (s) | b (ms per endpoint) | R² | {step} |"
    ));
    out.push("|---|---|---|---|---|".into());
    for f in fits {
        let pts = &f.points;
        let mut marginal = "—".to_string();
        if pts.len() >= 3 {
            let ((x0, y0), (x1, y1), (x2, y2)) = (pts[0], pts[1], pts[pts.len() - 1]);
            let s1 = (y1 - y0) / (x1 as f64 - x0 as f64);
            let s2 = (y2 - y1) / (x2 as f64 - x1 as f64);
            if s1 > 0.0 {
                marginal = format!(
                    "{:.1} vs {:.1} ms/endpoint ({:.2}×)",
                    s2 * 1000.0,
                    s1 * 1000.0,
                    s2 / s1
                );
            }
        }
        out.push(format!(
            "| {} | {:.2} | {:.1} | {:.4} | {marginal} |",
            f.key.replace('_', ", "),
            f.a,
            f.b * 1000.0,
            f.r2
        ));
    }
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::{
        Fit, Machine, Runs, VARIANTS, compiled, fit, is_foreign_path_dependency, markdown,
        parse_sizes, scratch_manifest,
    };
    use crate::compile_time::median;

    /// The Markdown of made-up runs, as the former scripts/compile_time.py's `markdown`
    /// wrote it for the same numbers (its output, pasted).
    #[test]
    fn the_markdown_as_the_python_program_wrote_it() {
        let sizes = [5, 10, 20];
        let mut clean = Runs::new();
        for (k, runs) in [
            (("macro", 5), [1.0, 1.2]),
            (("hand", 5), [0.8, 0.9]),
            (("macro", 10), [1.5, 1.7]),
            (("hand", 10), [1.0, 1.3]),
            (("macro", 20), [2.9, 3.1]),
            (("hand", 20), [2.0, 2.2]),
        ] {
            clean.insert(k, runs.to_vec());
        }
        let incr: Runs = clean
            .iter()
            .map(|(k, v)| (*k, v.iter().map(|x| x / 2.0).collect()))
            .collect();
        let noop: Runs = clean.keys().map(|k| (*k, vec![0.05, 0.07])).collect();
        let mut fits = Vec::new();
        for (kind, data) in [("clean", &clean), ("incremental", &incr)] {
            for v in VARIANTS {
                let points: Vec<(usize, f64)> =
                    sizes.iter().map(|&n| (n, median(&data[&(v, n)]))).collect();
                let xy: Vec<(f64, f64)> = points.iter().map(|&(n, y)| (n as f64, y)).collect();
                let (a, b, r2) = fit(&xy);
                fits.push(Fit {
                    key: format!("{v}_{kind}"),
                    a,
                    b,
                    r2,
                    points,
                });
            }
        }
        let machine = Machine {
            nproc: "2".into(),
            cpu: "CPU".into(),
            rustc: "rustc 1".into(),
            loadavg: vec!["1.00".into(), "2.00".into(), "3.00".into()],
        };
        let md = markdown(
            &machine,
            2,
            14.0,
            &[4.0, 5.0],
            &clean,
            &incr,
            &noop,
            &sizes,
            &fits,
        );
        let python = "Machine: 2 CPUs, CPU, rustc 1; load average at the end 1.00 2.00 3.00. Medians of 2 runs (min–max).\n\n| what | time |\n|---|---|\n| atlas-macros alone (dependencies built) | 4.50 s (4.00–5.00) |\n| atlas-macros from an empty target dir, dependencies included | 14.00 s (1 run) |\n\n| endpoints | build | macro | by hand | ratio macro / hand [range] | goal ≤ 1.5 |\n|---|---|---|---|---|---|\n| 5 | clean | 1.10 s (1.00–1.20) | 0.85 s (0.80–0.90) | 1.29 [1.11–1.50] | met |\n| 5 | incremental (touch) | 0.55 s (0.50–0.60) | 0.43 s (0.40–0.45) | 1.29 [1.11–1.50] | met |\n| 10 | clean | 1.60 s (1.50–1.70) | 1.15 s (1.00–1.30) | 1.39 [1.15–1.70] | met |\n| 10 | incremental (touch) | 0.80 s (0.75–0.85) | 0.57 s (0.50–0.65) | 1.39 [1.15–1.70] | met |\n| 20 | clean | 3.00 s (2.90–3.10) | 2.10 s (2.00–2.20) | 1.43 [1.32–1.55] | met |\n| 20 | incremental (touch) | 1.50 s (1.45–1.55) | 1.05 s (1.00–1.10) | 1.43 [1.32–1.55] | met |\n\nNo-op `cargo build` (cargo's own overhead, included above): macro_5 0.06 s, hand_5 0.06 s, macro_10 0.06 s, hand_10 0.06 s, macro_20 0.06 s, hand_20 0.06 s\n\n| fit: time = a + b·N | a (s) | b (ms per endpoint) | R² | marginal cost 10→20 vs 5→10 |\n|---|---|---|---|---|\n| macro, clean | 0.40 | 128.6 | 0.9941 | 140.0 vs 100.0 ms/endpoint (1.40×) |\n| hand, clean | 0.37 | 85.0 | 0.9897 | 95.0 vs 60.0 ms/endpoint (1.58×) |\n| macro, incremental | 0.20 | 64.3 | 0.9941 | 70.0 vs 50.0 ms/endpoint (1.40×) |\n| hand, incremental | 0.19 | 42.5 | 0.9897 | 47.5 vs 30.0 ms/endpoint (1.58×) |\n";
        assert_eq!(md, python);
    }

    #[test]
    fn least_squares_line_and_r2() {
        let (a, b, r2) = fit(&[(50.0, 6.0), (200.0, 9.0), (500.0, 15.0)]);
        assert!((a - 5.0).abs() < 1e-12, "{a}");
        assert!((b - 0.02).abs() < 1e-12, "{b}");
        assert!((r2 - 1.0).abs() < 1e-12, "{r2}");
        // As numpy.polyfit(x, y, 1) and the Python program give it.
        let (a, b, r2) = fit(&[(1.0, 1.0), (2.0, 3.0), (3.0, 2.0)]);
        assert!(
            (a - 1.0).abs() < 1e-12 && (b - 0.5).abs() < 1e-12,
            "{a} {b}"
        );
        assert!((r2 - 0.25).abs() < 1e-12, "{r2}");
        // One size: no slope, a perfect "fit".
        assert_eq!(fit(&[(5.0, 2.0), (5.0, 2.0)]), (2.0, 0.0, 1.0));
    }

    #[test]
    fn what_cargo_compiled() {
        let stderr = "   Compiling macro_5 v0.1.0 (/tmp/ws/gen/macro_5)\n\
                      warning: unused\n    Finished `dev` profile\n";
        assert_eq!(compiled(stderr), ["macro_5"]);
        assert!(compiled("    Finished `dev` profile\n").is_empty());
        assert!(compiled("Compiling x v1\n").is_empty());
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_sizes("5 10\t20").unwrap(), [5, 10, 20]);
        assert!(parse_sizes("5 x").is_err());
        assert!(parse_sizes("0").is_err());
    }

    #[test]
    fn the_scratch_workspace_manifest() {
        let manifest = "[workspace]\nresolver = \"3\"\nmembers = [\"rules\", \"endpoints\"]\n\
                        exclude = [\"fuzz\"]\n\n[workspace.dependencies]\n\
                        atlas-rules = { path = \"rules\", version = \"=0.1.0\" }\n\
                        atlas-macros-impl = { path = \"macros/impl\", version = \"=0.1.0\" }\n\
                        atlas-endpoints = { path = \"endpoints\", version = \"0.1.0\" }\n\
                        atlas-mock = { path = \"mock\", version = \"=0.1.0\" }\n\
                        serde = { version = \"1\" }\n";
        let members = ["rules".to_string(), "gen/macro_5".to_string()];
        assert_eq!(
            scratch_manifest(manifest, &members).unwrap(),
            "[workspace]\nresolver = \"3\"\nmembers = [\"rules\", \"gen/macro_5\"]\n\
             exclude = [\"fuzz\"]\n\n[workspace.dependencies]\n\
             atlas-rules = { path = \"rules\", version = \"=0.1.0\" }\n\
             atlas-macros-impl = { path = \"macros/impl\", version = \"=0.1.0\" }\n\
             serde = { version = \"1\" }\n"
        );
        assert!(!is_foreign_path_dependency("x = { path = \"runtime\" }\n"));
        assert!(is_foreign_path_dependency("x = { path = \"runtime2\" }\n"));
        assert!(!is_foreign_path_dependency("# x = { path = \"mock\" }\n"));
        assert!(!is_foreign_path_dependency("x = { path = \"mock\" }"));
    }
}
