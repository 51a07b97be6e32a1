//! `cargo xtask compile-time …`: the compile-time benchmarks of BENCHMARKS.md, one module
//! each, and what they share (scratch directories, copies, medians).
//!
//! | task | module |
//! |---|---|
//! | `side-by-side BASELINE [RUNS] [CONFIG…]` | [`side_by_side`]: atlas-endpoints at a baseline commit against the working tree |
//! | `scaling` | [`scaling`]: the macro against hand-written endpoints, crates of N endpoints ([`synthetic`]) |
//! | `endpoints [CONFIG…]` | [`endpoints`]: atlas-endpoints per feature set, clean and incremental, peak RSS |
//! | `expanded` | [`expanded`]: atlas-endpoints against its own macro expansion written out |

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::Result;

pub mod endpoints;
pub mod expanded;
mod json;
pub mod scaling;
pub mod side_by_side;
pub mod synthetic;

pub const USAGE: &str =
    "usage: cargo xtask compile-time side-by-side|scaling|endpoints|expanded [ARGS...]";

pub fn run(root: &Path, args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("side-by-side") => side_by_side::run(root, &args[1..]),
        Some("scaling") => scaling::run(root, &args[1..]),
        Some("endpoints") => endpoints::run(root, &args[1..]),
        Some("expanded") => expanded::run(root, &args[1..]),
        _ => Err(USAGE.into()),
    }
}

/// A measured build's environment: no target directory or flags from the caller (every
/// command names its own `--target-dir`), no colours, and incremental compilation as the
/// dev profile has it (a `CARGO_INCREMENTAL=0` in the caller's environment would turn the
/// incremental measurements into clean ones).
pub fn bench_env(command: &mut Command) -> &mut Command {
    command
        .env("CARGO_TERM_COLOR", "never")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_INCREMENTAL")
}

/// A numeric environment variable, or its default.
pub fn env_number(name: &str, default: usize) -> Result<usize> {
    match env::var(name) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse()
            .map_err(|_| format!("{name}=`{value}` is not a number")),
        _ => Ok(default),
    }
}

/// An environment variable set to something (as `[[ -n "$KEEP" ]]`).
pub fn env_set(name: &str) -> bool {
    env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// A fresh scratch directory under the temporary directory (`mktemp -d`), removed when
/// dropped unless `keep`.
pub struct Scratch {
    pub path: PathBuf,
    keep: bool,
}

impl Scratch {
    pub fn new(prefix: &str, keep: bool) -> Result<Scratch> {
        let base = env::temp_dir();
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        for attempt in 0..100u32 {
            let path = base.join(format!(
                "{prefix}.{}{:06}",
                std::process::id(),
                (nanos / 1000 + attempt) % 1_000_000
            ));
            match fs::create_dir(&path) {
                Ok(()) => return Ok(Scratch { path, keep }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(format!("{}: {e}", path.display())),
            }
        }
        Err(format!("no scratch directory under {}", base.display()))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// Writes `text` to `path`, creating its directory.
pub fn write(path: &Path, text: &str) -> Result {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Removes a directory tree if it is there.
pub fn remove_dir(path: &Path) -> Result {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("{}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Copies a directory tree, symbolic links as links, modification times kept (Python's
/// `shutil.copytree(symlinks=True)`), leaving out every entry named `target` when
/// `skip_target` (`ignore_patterns("target")`).
pub fn copy_dir(from: &Path, to: &Path, skip_target: bool) -> Result {
    let err = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    fs::create_dir_all(to).map_err(|e| err(to, e))?;
    for entry in fs::read_dir(from).map_err(|e| err(from, e))? {
        let entry = entry.map_err(|e| err(from, e))?;
        if skip_target && entry.file_name() == "target" {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().map_err(|e| err(&src, e))?;
        if kind.is_symlink() {
            let link = fs::read_link(&src).map_err(|e| err(&src, e))?;
            std::os::unix::fs::symlink(link, &dst).map_err(|e| err(&dst, e))?;
        } else if kind.is_dir() {
            copy_dir(&src, &dst, skip_target)?;
            let modified = fs::metadata(&src)
                .and_then(|m| m.modified())
                .map_err(|e| err(&src, e))?;
            set_modified(&dst, modified)?;
        } else {
            fs::copy(&src, &dst).map_err(|e| err(&src, e))?;
            let modified = fs::metadata(&src)
                .and_then(|m| m.modified())
                .map_err(|e| err(&src, e))?;
            set_modified(&dst, modified)?;
        }
    }
    Ok(())
}

fn set_modified(path: &Path, time: SystemTime) -> Result {
    fs::File::open(path)
        .and_then(|f| f.set_modified(time))
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// `touch FILE`: its modification time set to now, its content unchanged.
pub fn touch(path: &Path) -> Result {
    fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(SystemTime::now()))
        .map_err(|e| format!("touch {}: {e}", path.display()))
}

/// Python's `statistics.median`: the middle value, or the mean of the two middle ones.
pub fn median(runs: &[f64]) -> f64 {
    let mut sorted = runs.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    }
}

pub fn min(runs: &[f64]) -> f64 {
    runs.iter().copied().fold(f64::INFINITY, f64::min)
}

pub fn max(runs: &[f64]) -> f64 {
    runs.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

/// The last `n` bytes of `text` (at a character boundary), as the scripts showed a failed
/// command's stderr.
pub fn tail(text: &str, n: usize) -> &str {
    let mut start = text.len().saturating_sub(n);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

#[cfg(test)]
mod tests {
    use super::{max, median, min, tail};

    #[test]
    fn medians_as_python_has_them() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[7.5]), 7.5);
        assert!(median(&[]).is_nan());
        assert_eq!(min(&[2.0, 0.5, 1.0]), 0.5);
        assert_eq!(max(&[2.0, 0.5, 1.0]), 2.0);
    }

    #[test]
    fn tails_at_a_character_boundary() {
        assert_eq!(tail("abcdef", 3), "def");
        assert_eq!(tail("ab", 10), "ab");
        assert_eq!(tail("a–b", 3), "b");
    }
}
