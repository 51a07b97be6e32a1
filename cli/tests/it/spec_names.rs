//! The command and flag names of every Service Accounts operation are the official CLI's:
//! `serviceAccounts <lowerCamel(x-xgen-operation-id-override or operationId)>`, one flag
//! per path and query parameter named as the spec names it, read from the spec itself.

use atlas_test_support::spec::{resolve, spec, spec_path};

use crate::support::{TempDir, need, run};

#[test]
fn service_accounts_commands_are_the_official_names() {
    if !need(
        &format!(
            "the Atlas OpenAPI spec at {} (ATLAS_OPENAPI_SPEC)",
            spec_path().display()
        ),
        spec_path().is_file(),
    ) {
        return;
    }
    let spec = spec();
    let home = TempDir::new("names");
    let group = run(
        home.path(),
        &[],
        &["api", "serviceAccounts", "--help"],
        None,
    )
    .ok();
    let mut expected = Vec::new();
    for (_, item) in spec["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            if op["tags"][0] != "Service Accounts" {
                continue;
            }
            let id = op["operationId"].as_str().unwrap();
            let short = op["x-xgen-operation-id-override"].as_str().unwrap_or(id);
            let mut command = short.to_string();
            command[..1].make_ascii_lowercase();
            let params: Vec<String> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|p| resolve(spec, p))
                .filter(|p| p["in"] == "path" || p["in"] == "query")
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect();
            expected.push((command, id.to_string(), params));
        }
    }
    assert_eq!(expected.len(), 22);
    for (command, id, params) in expected {
        assert!(
            group
                .stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(&command)),
            "no command {command}: {}",
            group.stdout
        );
        let help = run(
            home.path(),
            &[],
            &["api", "serviceAccounts", &command, "--help"],
            None,
        )
        .ok();
        assert!(
            help.stdout.contains(&format!("operationId: {id}")),
            "{command}"
        );
        for p in params {
            assert!(
                help.stdout.contains(&format!("--{p} ")),
                "{command} has no flag --{p}: {}",
                help.stdout
            );
        }
        // The full operationId is an alias.
        run(
            home.path(),
            &[],
            &["api", "serviceAccounts", &id, "--help"],
            None,
        )
        .ok();
    }
}
