//! Reading criterion's estimates back and printing each benchmark next to its baseline,
//! with the ratio and whether the goal is met; where results are written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Deserialize;

/// Cargo's target directory: the nearest ancestor of this executable holding
/// `CACHEDIR.TAG` (cargo writes one there), else `./target`.
pub fn target_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .find(|d| d.join("CACHEDIR.TAG").is_file())
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| PathBuf::from("target"))
}

/// Where criterion writes, found as criterion finds it.
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir).join("criterion");
    }
    target_dir().join("criterion")
}

/// Where this crate's summaries go: `<target>/atlas-bench/`.
pub fn results_dir() -> PathBuf {
    let dir = target_dir().join("atlas-bench");
    let _ = std::fs::create_dir_all(&dir);
    dir
}

/// One benchmark's time per iteration, in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    /// Criterion's median.
    pub median: f64,
    /// Lower bound of the median's 95 % confidence interval.
    pub lower: f64,
    /// Upper bound of the median's 95 % confidence interval.
    pub upper: f64,
    /// Fastest sample (per iteration).
    pub min: f64,
    /// Slowest sample (per iteration).
    pub max: f64,
}

#[derive(Deserialize)]
struct Estimates {
    median: Stat,
}

#[derive(Deserialize)]
struct Stat {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

#[derive(Deserialize)]
struct Sample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// The estimate criterion saved for `id` (`group/function`), if written after `since`.
pub fn read_estimate(id: &str, since: SystemTime) -> Option<Estimate> {
    let dir = criterion_dir().join(id).join("new");
    let estimates = dir.join("estimates.json");
    let modified = std::fs::metadata(&estimates).ok()?.modified().ok()?;
    if modified < since {
        return None;
    }
    let e: Estimates = serde_json::from_slice(&std::fs::read(estimates).ok()?).ok()?;
    let s: Sample = serde_json::from_slice(&std::fs::read(dir.join("sample.json")).ok()?).ok()?;
    let per_iter = s.times.iter().zip(&s.iters).map(|(t, i)| t / i);
    let (min, max) = per_iter.fold((f64::INFINITY, 0f64), |(lo, hi), x| (lo.min(x), hi.max(x)));
    Some(Estimate {
        median: e.median.point_estimate,
        lower: e.median.confidence_interval.lower_bound,
        upper: e.median.confidence_interval.upper_bound,
        min,
        max,
    })
}

/// A time in the unit that suits it.
pub fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// A benchmark, its baseline from the same run, and the goal on their ratio.
pub struct Pair {
    /// What is compared.
    pub title: &'static str,
    /// Criterion id of ours.
    pub ours: &'static str,
    /// Criterion id of the baseline.
    pub baseline: &'static str,
    /// The largest acceptable `ours / baseline` median ratio, if there is a goal.
    pub goal: Option<f64>,
}

/// A markdown table of every pair with estimates from this run (written after `since`).
pub fn pairs_table(pairs: &[Pair], since: SystemTime) -> String {
    let mut out = String::from(
        "| benchmark | ours: median [95% CI] (min–max) | baseline: median [95% CI] (min–max) | ratio [range] | goal |\n\
         |---|---|---|---|---|\n",
    );
    for pair in pairs {
        let (Some(a), Some(b)) = (
            read_estimate(pair.ours, since),
            read_estimate(pair.baseline, since),
        ) else {
            continue;
        };
        let ratio = a.median / b.median;
        let (lo, hi) = (a.lower / b.upper, a.upper / b.lower);
        let goal = match pair.goal {
            Some(g) if ratio <= g => format!("≤ {g:.3}: met"),
            Some(g) => format!("≤ {g:.3}: **missed**"),
            None => "—".to_string(),
        };
        let cell = |e: Estimate| {
            format!(
                "{} [{} – {}] ({} – {})",
                human(e.median),
                human(e.lower),
                human(e.upper),
                human(e.min),
                human(e.max)
            )
        };
        let _ = writeln!(
            out,
            "| {} (`{}` vs `{}`) | {} | {} | {ratio:.3} [{lo:.3} – {hi:.3}] | {goal} |",
            pair.title,
            pair.ours,
            pair.baseline,
            cell(a),
            cell(b)
        );
    }
    out
}
