//! Completion as a person meets it: a real bash under tmux sources
//! `atlas-rs completion bash`, a partial word is typed, Tab is pressed, and the line on
//! the screen is read back. zsh and fish use the same protocol (`COMPLETE=<shell>
//! atlas-rs -- <words>`), checked here for what each asks.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::support::{TempDir, run};

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_atlas-rs"))
}

/// A tmux server of its own (its own socket), running one bash with a bare prompt and
/// the binary's directory on `PATH`; killed on drop.
struct Tmux {
    socket: String,
    home: TempDir,
}

impl Tmux {
    fn start() -> Tmux {
        let home = TempDir::new("tmux");
        let socket = format!("atlas-rs-completion-{}", std::process::id());
        let path = format!(
            "{}:{}",
            bin().parent().unwrap().display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let status = Command::new("tmux")
            .args([
                "-L",
                &socket,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "20",
            ])
            .args(["env", "-i"])
            .arg(format!("PATH={path}"))
            .arg(format!("HOME={}", home.path().display()))
            .arg(format!("XDG_CONFIG_HOME={}/config", home.path().display()))
            .args([
                "TERM=xterm",
                "PS1=ready> ",
                "bash",
                "--norc",
                "--noprofile",
                "-i",
            ])
            .status()
            .expect("tmux starts");
        assert!(status.success(), "tmux new-session failed");
        let tmux = Tmux { socket, home };
        tmux.wait_for("ready>");
        tmux
    }

    fn keys(&self, keys: &[&str]) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0"])
            .args(keys)
            .status()
            .expect("tmux send-keys");
        assert!(status.success());
    }

    /// Types `text` literally.
    fn type_text(&self, text: &str) {
        let status = Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-t", "0", "-l", text])
            .status()
            .expect("tmux send-keys");
        assert!(status.success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "capture-pane", "-p", "-t", "0"])
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The last non-empty line of the screen: the command line being edited.
    fn line(&self) -> String {
        self.screen()
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .to_string()
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{text:?} never showed:\n{}", self.screen());
    }

    /// Types `partial`, presses Tab, then types a `#` (the screen drops trailing
    /// spaces; the mark keeps the one completion adds), and waits until the line ends
    /// with `expected#`.
    fn complete(&self, partial: &str, expected: &str) {
        self.keys(&["C-u"]);
        self.type_text(partial);
        self.keys(&["Tab"]);
        // Give the completion its round trip before the mark is typed.
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline && !self.line().ends_with(expected.trim_end()) {
            std::thread::sleep(Duration::from_millis(50));
        }
        self.type_text("#");
        let wanted = format!("{expected}#");
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if self.line().ends_with(&wanted) {
                self.keys(&["C-u"]);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "typing {partial:?} then Tab gave {:?}, not a line ending in {wanted:?}:\n{}",
            self.line(),
            self.screen()
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
        let _ = &self.home;
    }
}

#[test]
#[cfg_attr(
    not(has_tmux),
    ignore = "needs tmux and bash: apt-get install -y tmux bash"
)]
fn tab_completes_groups_commands_flags_and_values_in_a_real_bash() {
    let tmux = Tmux::start();
    tmux.type_text("source <(atlas-rs completion bash) && echo sourced");
    tmux.keys(&["Enter"]);
    tmux.wait_for("sourced");
    // A group (one candidate: completed with a space after it).
    tmux.complete(
        "atlas-rs api clusterO",
        "atlas-rs api clusterOutageSimulation ",
    );
    tmux.complete("atlas-rs api servi", "atlas-rs api serviceAccounts ");
    // A command of the group.
    tmux.complete(
        "atlas-rs api serviceAccounts createOrgSec",
        "atlas-rs api serviceAccounts createOrgSecret ",
    );
    // A flag of the command.
    tmux.complete(
        "atlas-rs api clusters listClusters --includeDel",
        "atlas-rs api clusters listClusters --includeDeletedWithRetainedBackups ",
    );
    // A value from the flag's allowed values.
    tmux.complete(
        "atlas-rs api clusters listClusters --includeCount fa",
        "--includeCount false ",
    );
    tmux.complete(
        "atlas-rs api invoices listInvoices --orderBy as",
        "--orderBy asc ",
    );
    // Global options and the other commands.
    tmux.complete("atlas-rs aud", "atlas-rs audit ");
    tmux.complete("atlas-rs completion fi", "atlas-rs completion fish ");
}

/// The scripts are small, and zsh's and fish's ask the binary in their own formats.
#[test]
fn every_shell_gets_a_small_script_and_candidates() {
    let home = TempDir::new("completion-scripts");
    for shell in ["bash", "zsh", "fish"] {
        let script = run(home.path(), &[], &["completion", shell], None).ok();
        assert!(
            script.stdout.len() < 8 * 1024,
            "{shell}: {}",
            script.stdout.len()
        );
        assert!(
            script.stdout.contains("COMPLETE"),
            "{shell}: {}",
            script.stdout
        );
    }
    let ask = |shell: &str, index: &str, words: &[&str]| {
        let out = Command::new(bin())
            .env("COMPLETE", shell)
            .env("_CLAP_COMPLETE_INDEX", index)
            .env("_CLAP_IFS", "\n")
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let zsh = ask(
        "zsh",
        "3",
        &["atlas-rs", "api", "serviceAccounts", "createOrgSe"],
    );
    assert!(
        zsh.lines().any(|l| l.starts_with("createOrgSecret:")),
        "{zsh}"
    );
    let fish = ask(
        "fish",
        "",
        &[
            "atlas-rs",
            "api",
            "invoices",
            "listInvoices",
            "--orderBy",
            "",
        ],
    );
    assert!(fish.lines().any(|l| l.starts_with("asc")), "{fish}");
}
