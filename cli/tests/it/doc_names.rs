//! Every `atlas api <group> <command>` that a generated doc advertises is a command
//! `atlas-rs` answers to: the generator and the CLI name with one rule
//! (`atlas_rules::names`), and this reads what the generator wrote, so a second copy of
//! the rule on either side shows up here (it once made 22 docs advertise
//! `mongodbCloudUsers` to a CLI that answers only to `mongoDbCloudUsers`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::support::{TempDir, run};

/// `(group, command)` of each `/// CLI: \`atlas api G C\`.` line under `dir`.
fn advertised(dir: &Path, out: &mut Vec<(String, String, PathBuf)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            advertised(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            for line in fs::read_to_string(&path).unwrap().lines() {
                let Some(rest) = line.trim().strip_prefix("/// CLI: `atlas api ") else {
                    continue;
                };
                let words: Vec<&str> = rest.trim_end_matches("`.").split(' ').collect();
                assert_eq!(words.len(), 2, "{}: {line}", path.display());
                out.push((words[0].to_string(), words[1].to_string(), path.clone()));
            }
        }
    }
}

#[test]
fn every_command_the_generated_docs_advertise_is_accepted() {
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("../endpoints/src/generated");
    let mut names = Vec::new();
    advertised(&generated, &mut names);
    // Every operation the generator declares names its command (527 today, a few at two
    // versions): fewer means the docs' format changed and this test no longer reads them.
    assert!(
        names.len() >= 527,
        "only {} advertised commands",
        names.len()
    );
    let mut by_group: BTreeMap<&str, Vec<(&str, &Path)>> = BTreeMap::new();
    for (group, command, path) in &names {
        by_group.entry(group).or_default().push((command, path));
    }
    let home = TempDir::new("doc-names");
    let mut missing = Vec::new();
    for (group, commands) in &by_group {
        let help = run(home.path(), &[], &["api", group, "--help"], None);
        if help.code != 0 {
            missing.push(format!(
                "group `{group}` is refused (exit {}): {}",
                help.code,
                help.stderr.lines().next().unwrap_or_default()
            ));
            continue;
        }
        let listed: Vec<&str> = help
            .stdout
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        for (command, path) in commands {
            if !listed.contains(command) {
                missing.push(format!(
                    "`atlas api {group} {command}` ({}) is not a command of atlas-rs",
                    path.display()
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
