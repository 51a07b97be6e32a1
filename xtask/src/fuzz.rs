//! `cargo xtask fuzz [SECONDS_PER_TARGET] [TARGET…]`: builds every cargo-fuzz target in
//! `fuzz/` (or the ones named), runs each for SECONDS_PER_TARGET seconds (default 20),
//! prints the executions per target, and fails when a target crashed (a panic, a timeout,
//! an out-of-memory), printing the reproducer's path and the command that replays it. See
//! fuzz/README.md.
//!
//! Sanitizer: none by default (the code under test is safe Rust; ASan is 3-4 times
//! slower), and then the default (stable) toolchain builds the targets as is: cargo-fuzz
//! asks nothing unstable of it. `FUZZ_SANITIZER=address` (or leak, memory, thread) needs
//! `-Zsanitizer`: nightly when `cargo +nightly` works, else stable with
//! `RUSTC_BOOTSTRAP=1`. A stable build that fails is retried on nightly when there is one.
//! `FUZZ_TOOLCHAIN=nightly|stable` forces the toolchain.
//! Other knobs: `FUZZ_TIMEOUT` (seconds one input may take, default 30),
//! `FUZZ_CODEGEN_UNITS` (cargo-fuzz defaults to 1), `FUZZ_ARGS` (extra libFuzzer flags,
//! e.g. "-max_len=8192"). `--dry-run` prints the toolchain, the targets and the commands
//! without building or running anything.
//!
//! Needs cargo-fuzz: `cargo install cargo-fuzz --locked`.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::Result;

pub const USAGE: &str = "usage: cargo xtask fuzz [--dry-run] [SECONDS_PER_TARGET] [TARGET...]
  SECONDS_PER_TARGET   default 20
  TARGET               default: every target of `cargo fuzz list`
  --dry-run            print the toolchain, the targets and the commands; build and run nothing
environment:
  FUZZ_SANITIZER       none (default), address, leak, memory, thread
  FUZZ_TOOLCHAIN       stable or nightly (default: stable without a sanitizer, nightly with one
                       when `cargo +nightly` works; a failed stable build is retried on nightly)
  FUZZ_TIMEOUT         seconds one input may take (default 30)
  FUZZ_CODEGEN_UNITS   passed as --codegen-units (cargo-fuzz defaults to 1)
  FUZZ_ARGS            extra libFuzzer flags, split on spaces (e.g. \"-max_len=8192\")";

/// `cargo [+nightly] fuzz`, and whether `RUSTC_BOOTSTRAP=1` goes with it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Toolchain {
    Stable,
    Nightly,
}

struct Fuzz {
    dir: PathBuf,
    toolchain: Toolchain,
    sanitizer: String,
    bootstrap: bool,
    build_flags: Vec<String>,
}

impl Fuzz {
    /// `cargo [+nightly] fuzz` in `fuzz/`. The `cargo` on the PATH (rustup's), not the
    /// one running xtask: only rustup's takes `+nightly`.
    fn command(&self) -> Command {
        let mut command = Command::new("cargo");
        command.current_dir(&self.dir);
        if self.toolchain == Toolchain::Nightly {
            command.arg("+nightly");
        }
        command.arg("fuzz");
        if self.bootstrap {
            command.env("RUSTC_BOOTSTRAP", "1");
        }
        command
    }

    fn use_toolchain(&mut self, toolchain: Toolchain) {
        self.toolchain = toolchain;
        self.bootstrap = toolchain == Toolchain::Stable && self.sanitizer != "none";
    }

    /// `cargo [+nightly] fuzz` as the user would type it (the replay line).
    fn shown(&self) -> String {
        format!(
            "{}cargo {}fuzz",
            if self.bootstrap {
                "RUSTC_BOOTSTRAP=1 "
            } else {
                ""
            },
            if self.toolchain == Toolchain::Nightly {
                "+nightly "
            } else {
                ""
            }
        )
    }

    fn rustc_version(&self) -> String {
        let mut command = Command::new("rustc");
        if self.toolchain == Toolchain::Nightly {
            command.arg("+nightly");
        }
        stdout(command.arg("--version")).unwrap_or_else(|| "rustc ?".into())
    }
}

fn stdout(command: &mut Command) -> Option<String> {
    let out = command.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn run(root: &Path, args: &[String]) -> Result {
    let dry_run = args.iter().any(|a| a == "--dry-run");
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return Ok(());
    }
    let mut args = args.iter().filter(|a| *a != "--dry-run").peekable();
    let secs: u64 = match args.next_if(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit())) {
        Some(s) => s.parse().map_err(|_| USAGE.to_string())?,
        None => 20,
    };
    let named: Vec<String> = args.cloned().collect();
    if named
        .iter()
        .any(|t| t.starts_with('-') || t.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(USAGE.into());
    }

    let dir = root.join("fuzz");
    let sanitizer = env::var("FUZZ_SANITIZER")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "none".into());
    let mut fuzz = Fuzz {
        dir,
        toolchain: Toolchain::Stable,
        sanitizer,
        bootstrap: false,
        build_flags: vec![],
    };
    if stdout(fuzz.command().arg("--version")).is_none() {
        return Err("cargo-fuzz is missing: cargo install cargo-fuzz --locked".into());
    }
    let have_nightly = stdout(Command::new("cargo").args(["+nightly", "--version"])).is_some();
    let forced = env::var("FUZZ_TOOLCHAIN").ok().filter(|t| !t.is_empty());
    let toolchain = match forced.as_deref() {
        Some("nightly") => Toolchain::Nightly,
        Some("stable") => Toolchain::Stable,
        Some(_) => return Err("FUZZ_TOOLCHAIN must be nightly or stable".into()),
        // Without a sanitizer cargo-fuzz needs nothing unstable: the default toolchain
        // does. A sanitizer needs -Zsanitizer: nightly, or stable told to accept it.
        None if fuzz.sanitizer != "none" && have_nightly => Toolchain::Nightly,
        None => Toolchain::Stable,
    };
    fuzz.use_toolchain(toolchain);
    fuzz.build_flags = vec!["--sanitizer".into(), fuzz.sanitizer.clone()];
    if let Some(units) = env::var("FUZZ_CODEGEN_UNITS")
        .ok()
        .filter(|u| !u.is_empty())
    {
        fuzz.build_flags.extend(["--codegen-units".into(), units]);
    }

    let targets: Vec<String> = if named.is_empty() {
        let list = stdout(fuzz.command().arg("list")).ok_or("cargo fuzz list failed")?;
        list.lines().map(str::to_string).collect()
    } else {
        named.clone()
    };
    if dry_run {
        println!("{}", header(&fuzz, targets.len(), secs));
        let build = if named.is_empty() {
            vec![String::new()]
        } else {
            named.iter().map(|t| format!(" {t}")).collect()
        };
        for target in build {
            println!(
                "(cd fuzz && {} build {}{target})",
                fuzz.shown(),
                fuzz.build_flags.join(" ")
            );
        }
        for target in &targets {
            println!(
                "(cd fuzz && {} run {} {target} -- {})",
                fuzz.shown(),
                fuzz.build_flags.join(" "),
                run_flags(&fuzz.dir, target, secs).join(" ")
            );
        }
        return Ok(());
    }

    let logs = fuzz.dir.join("target/fuzz-logs");
    fs::create_dir_all(&logs).map_err(|e| format!("{}: {e}", logs.display()))?;
    let start = Instant::now();
    if let Err(log) = build_all(&fuzz, &targets, &named, secs, &logs) {
        eprint!("{}", build_log_tail(&log));
        if forced.is_none() && fuzz.toolchain == Toolchain::Stable && have_nightly {
            eprintln!("xtask fuzz: the build failed on stable; trying nightly");
            fuzz.use_toolchain(Toolchain::Nightly);
            if let Err(log) = build_all(&fuzz, &targets, &named, secs, &logs) {
                eprint!("{}", build_log_tail(&log));
                return Err("the build failed (fuzz/target/fuzz-logs/build.log)".into());
            }
        } else {
            return Err("the build failed (fuzz/target/fuzz-logs/build.log)".into());
        }
    }
    println!("== fuzz: built in {}s", start.elapsed().as_secs());

    let mut failed = Vec::new();
    let mut summary = Vec::new();
    for target in &targets {
        let log_path = logs.join(format!("{target}.log"));
        let mut command = fuzz.command();
        command
            .arg("run")
            .args(&fuzz.build_flags)
            .arg(target)
            .arg("--")
            .args(run_flags(&fuzz.dir, target, secs));
        let file =
            fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let (out, err) = file
            .try_clone()
            .and_then(|out| Ok((out, file.try_clone()?)))
            .map_err(|e| format!("{}: {e}", log_path.display()))?;
        let status = command
            .stdout(out)
            .stderr(err)
            .status()
            .map_err(|e| format!("cargo fuzz run {target}: cannot start: {e}"))?;
        let log = String::from_utf8_lossy(&fs::read(&log_path).unwrap_or_default()).into_owned();
        let stats = Stats::of(&log);
        let result = if status.success() {
            "ok".to_string()
        } else {
            failed.push(target.clone());
            println!("---- {target}: crashed (log: fuzz/target/fuzz-logs/{target}.log)");
            print!("{}", crash_report(&fuzz, target, &log));
            format!(
                "CRASH (exit {})",
                status
                    .code()
                    .map_or_else(|| status.to_string(), |c| c.to_string())
            )
        };
        summary.push(format!(
            "{target:<16} {:>12} execs  {:>8} exec/s  corpus {:>5}  {result}",
            stats.execs, stats.speed, stats.corpus
        ));
    }
    println!("== fuzz: results ({secs}s per target; logs in fuzz/target/fuzz-logs/)");
    for line in summary {
        println!("{line}");
    }
    println!("== fuzz: total {}s", start.elapsed().as_secs());
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} target(s) crashed: {}",
            failed.len(),
            failed.join(" ")
        ))
    }
}

/// libFuzzer's flags for one target: the time, the timeout, the final statistics, the
/// target's dictionary if it has one, then `FUZZ_ARGS`.
fn run_flags(dir: &Path, target: &str, secs: u64) -> Vec<String> {
    let timeout = env::var("FUZZ_TIMEOUT")
        .ok()
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| "30".into());
    let mut flags = vec![
        format!("-max_total_time={secs}"),
        format!("-timeout={timeout}"),
        "-print_final_stats=1".into(),
    ];
    if dir.join(format!("dict/{target}.dict")).is_file() {
        flags.push(format!("-dict=dict/{target}.dict"));
    }
    flags.extend(
        env::var("FUZZ_ARGS")
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string),
    );
    flags
}

/// The first line of a run: the targets, the time, the toolchain and the sanitizer.
fn header(fuzz: &Fuzz, targets: usize, secs: u64) -> String {
    format!(
        "== fuzz: {targets} targets, {secs}s each; {}, {}{}, sanitizer {}",
        stdout(fuzz.command().arg("--version")).unwrap_or_default(),
        fuzz.rustc_version(),
        if fuzz.bootstrap {
            " (RUSTC_BOOTSTRAP=1)"
        } else {
            ""
        },
        fuzz.sanitizer
    )
}

/// Builds the targets (`cargo fuzz build` takes one target or none, which is all) into
/// `build.log`; on a failure, returns the log.
fn build_all(
    fuzz: &Fuzz,
    targets: &[String],
    named: &[String],
    secs: u64,
    logs: &Path,
) -> std::result::Result<(), String> {
    println!("{}", header(fuzz, targets.len(), secs));
    let path = logs.join("build.log");
    let file = fs::File::create(&path).map_err(|e| format!("{}: {e}\n", path.display()))?;
    let builds: Vec<Option<&String>> = if named.is_empty() {
        vec![None]
    } else {
        named.iter().map(Some).collect()
    };
    for target in builds {
        let mut command = fuzz.command();
        command.arg("build").args(&fuzz.build_flags).args(target);
        if !run_logged(command, &file)? {
            return Err(fs::read_to_string(&path).unwrap_or_default());
        }
    }
    Ok(())
}

/// Runs `command` with its stdout and stderr both into `log` (as `>log 2>&1`); whether
/// it succeeded.
fn run_logged(mut command: Command, log: &fs::File) -> std::result::Result<bool, String> {
    let (out, err) = log
        .try_clone()
        .and_then(|out| Ok((out, log.try_clone()?)))
        .map_err(|e| format!("a log file: {e}\n"))?;
    command
        .stdout(out)
        .stderr(err)
        .status()
        .map(|s| s.success())
        .map_err(|e| format!("cargo fuzz: cannot start: {e}\n"))
}

/// The last 60 lines of a build log that are not `Compiling …`.
fn build_log_tail(log: &str) -> String {
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| !l.trim_start_matches(' ').starts_with("Compiling "))
        .collect();
    let mut out = lines[lines.len().saturating_sub(60)..].join("\n");
    out.push('\n');
    out
}

/// What a run's log says: executions, executions per second, the corpus size ("?" where
/// it says nothing).
#[derive(Debug, PartialEq)]
struct Stats {
    execs: String,
    speed: String,
    corpus: String,
}

impl Stats {
    fn of(log: &str) -> Stats {
        let last = |f: &dyn Fn(&str) -> Option<String>| log.lines().filter_map(f).next_back();
        let stat = |name: &'static str| {
            move |l: &str| {
                l.strip_prefix(name)
                    .map(|v| v.trim_start_matches(' ').to_string())
            }
        };
        let execs = last(&stat("stat::number_of_executed_units:"))
            .filter(|e| !e.is_empty())
            .or_else(|| {
                last(&|l| {
                    let (n, rest) = done(l)?;
                    let space = l.as_bytes().get(1 + n.len())?.is_ascii_whitespace();
                    (!n.is_empty() && space && rest.contains("DONE")).then(|| n.to_string())
                })
            });
        let corpus = last(&|l| {
            let (_, rest) = done(l)?;
            let after = rest.strip_prefix("DONE ")?;
            let corp = &after[after.find("corp: ")? + 6..];
            let count = &corp[..corp.find('/')?];
            count
                .bytes()
                .all(|b| b.is_ascii_digit())
                .then(|| count.to_string())
        });
        let unknown = || "?".to_string();
        Stats {
            execs: execs.unwrap_or_else(unknown),
            speed: last(&stat("stat::average_exec_per_sec:"))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(unknown),
            corpus: corpus.filter(|c| !c.is_empty()).unwrap_or_else(unknown),
        }
    }
}

/// libFuzzer's verdict, the panic message, the reproducer and how to replay it.
fn crash_report(fuzz: &Fuzz, target: &str, log: &str) -> String {
    let mut out = String::new();
    for line in log
        .lines()
        .filter(|l| {
            [
                "ERROR: libFuzzer",
                "SUMMARY",
                "deadly signal",
                "out-of-memory",
            ]
            .iter()
            .any(|p| l.contains(p))
        })
        .take(10)
    {
        out.push_str(line);
        out.push('\n');
    }
    // The panic message (up to the backtrace or libFuzzer's report).
    let mut panic = false;
    let mut shown = 0;
    for line in log.lines() {
        if line.contains("panicked at") {
            panic = true;
        }
        if panic
            && (line.starts_with("note:")
                || line.starts_with("stack backtrace:")
                || is_report(line))
        {
            break;
        }
        if panic && shown < 40 {
            out.push_str(line);
            out.push('\n');
            shown += 1;
        }
    }
    let artifact = log
        .lines()
        .filter_map(|l| l.rsplit_once("Test unit written to ").map(|(_, a)| a))
        .next_back();
    if let Some(artifact) = artifact {
        let path = fuzz.dir.join(artifact);
        let path = path.canonicalize().unwrap_or(path);
        out.push_str(&format!("reproducer: {}\n", path.display()));
        out.push_str(&format!(
            "replay:     (cd fuzz && {} run --sanitizer {} {target} {})\n",
            fuzz.shown(),
            fuzz.sanitizer,
            path.display()
        ));
    }
    out
}

/// `#123<tab>DONE   cov: … corp: 45/6789b …`: the count after `#` and what follows it.
fn done(l: &str) -> Option<(&str, &str)> {
    let rest = l.strip_prefix('#')?;
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    Some((&rest[..digits], rest[digits..].trim_start()))
}

/// `==1234==`: a sanitizer's report begins.
fn is_report(line: &str) -> bool {
    line.strip_prefix("==")
        .and_then(|rest| {
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            (digits > 0).then(|| rest[digits..].starts_with("=="))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::{Stats, build_log_tail, is_report};

    #[test]
    fn a_runs_statistics() {
        let log = "INFO: Seed: 1\n#2\tINITED cov: 10 ft: 10 corp: 3/30b exec/s: 0\n\
                   #4096\tpulse  cov: 12\n#52000\tDONE   cov: 120 ft: 300 corp: 45/6789b lim: 4096 exec/s: 2600 rss: 60Mb\n\
                   Done 52000 runs in 21 second(s)\nstat::number_of_executed_units: 52013\n\
                   stat::average_exec_per_sec:     2476\nstat::new_units_added:         3\n";
        assert_eq!(
            Stats::of(log),
            Stats {
                execs: "52013".into(),
                speed: "2476".into(),
                corpus: "45".into()
            }
        );
        let without_stats = "#52000\tDONE   cov: 120 corp: 45/6789b\n";
        assert_eq!(Stats::of(without_stats).execs, "52000");
        assert_eq!(Stats::of("nothing\n").speed, "?");
    }

    #[test]
    fn report_lines_and_build_logs() {
        assert!(is_report("==1234==ERROR: AddressSanitizer"));
        assert!(!is_report("== fuzz: built"));
        let log = "   Compiling a v1\nerror: b\n";
        assert_eq!(build_log_tail(log), "error: b\n");
    }
}
