//! Issue 27 as a user switching from the official `atlas` meets it: its exit status, its
//! template syntax, help that shows the facts, command names in errors, and no version
//! used past (or near) its sunset.

use atlas_mock::MockAtlas;

use crate::support::{TempDir, mock_env, run};

const SA: &str = "serviceAccounts";

/// Every failure exits 1, as the official CLI; the detailed statuses when asked.
#[test]
fn exit_status_is_1_unless_detail_is_asked() {
    let mock = MockAtlas::start();
    let home = TempDir::new("exit");
    let env = mock_env(&mock);
    let detailed = |mut env: Vec<(&'static str, String)>| {
        env.push(("ATLAS_RS_DETAILED_EXIT_CODES", "1".to_string()));
        env
    };
    let absent = [
        "api",
        SA,
        "getOrgServiceAccount",
        "--clientId",
        "mdb_sa_id_000000000000000000000000",
    ];
    let cases: [(&[&str], i32); 3] = [
        (&["api", SA, "listOrgServiceAccounts", "--bogus"], 2),
        (&["api", SA, "getOrgServiceAccount"], 2),
        (&absent, 1),
    ];
    for (args, code) in cases {
        assert_eq!(run(home.path(), &env, args, None).code, 1, "{args:?}");
        assert_eq!(
            run(home.path(), &detailed(env.clone()), args, None).code,
            code,
            "{args:?}"
        );
        let mut flagged = vec!["--detailed-exit-codes"];
        flagged.extend_from_slice(args);
        assert_eq!(
            run(home.path(), &env, &flagged, None).code,
            code,
            "{args:?}"
        );
    }
    // Network: nothing listens.
    let nowhere = vec![
        (
            "MONGODB_ATLAS_OPS_MANAGER_URL",
            "http://127.0.0.1:9".to_string(),
        ),
        ("MONGODB_ATLAS_ACCESS_TOKEN", "t".to_string()),
        ("MONGODB_ATLAS_ORG_ID", mock.org_id().to_string()),
    ];
    let list = ["api", SA, "listOrgServiceAccounts"];
    assert_eq!(run(home.path(), &nowhere, &list, None).code, 1);
    assert_eq!(run(home.path(), &detailed(nowhere), &list, None).code, 3);
    // Help and version still exit 0.
    run(home.path(), &env, &["api", SA, "--help"], None).ok();
    run(home.path(), &env, &["--version"], None).ok();
}

/// `-o '{{.id}}'`, the official syntax, works as written; Jinja still does.
#[test]
fn go_templates_work_as_written() {
    let mock = MockAtlas::start();
    let home = TempDir::new("go-template");
    let env = mock_env(&mock);
    let atlas = |o: &str| {
        run(
            home.path(),
            &env,
            &["api", SA, "listOrgServiceAccounts", "-o", o],
            None,
        )
    };
    assert_eq!(atlas("{{.totalCount}}").ok().stdout, "1\n");
    let ids = atlas("{{range .results}}{{.clientId}}\n{{end}}")
        .ok()
        .stdout;
    assert_eq!(ids.trim(), mock.client_id());
    assert_eq!(
        atlas(r#"{{with index .results 0}}{{printf "%s/%d" .name (len .roles)}}{{end}}"#)
            .ok()
            .stdout,
        "atlas-mock owner/1\n"
    );
    assert_eq!(atlas("{{ totalCount }}").ok().stdout, "1\n", "Jinja");
    assert_eq!(atlas("jinja={{ results|length }}").ok().stdout, "1\n");
    let unsupported = atlas("{{define \"x\"}}{{end}}");
    assert_eq!(unsupported.code, 1, "{unsupported:?}");
    assert!(
        unsupported.stderr.contains("not supported"),
        "{unsupported:?}"
    );
}

/// Help shows each flag's facts, the command's versions with sunsets, roles and docs,
/// and the global options apart; errors name the command, not the Rust type.
#[test]
fn help_shows_the_facts_and_errors_name_commands() {
    let home = TempDir::new("help");
    let help = run(
        home.path(),
        &[],
        &["api", "invoices", "listInvoices", "--help"],
        None,
    )
    .ok()
    .stdout;
    for fact in [
        "Parameters:",
        "Global options:",
        "--orderBy <string>",
        "one of: desc, asc; default: desc",
        "integer in query; default: 100; range: >=1 and <=500",
        "string in path; required; pattern: ^([a-f0-9]{24})$",
        "Roles: Organization Billing Viewer",
        "Docs: https://",
        "Versions: 2023-01-01",
    ] {
        assert!(help.contains(fact), "{fact:?} not in:\n{help}");
    }
    // The global options are not mixed into the command's.
    let (params, _) = help.split_once("Global options:").unwrap();
    assert!(!params.contains("--profile"), "{help}");
    let group = run(home.path(), &[], &["api", "invoices", "--help"], None)
        .ok()
        .stdout;
    assert!(group.contains("Invoices: 14 commands"), "{group}");
    assert!(!group.contains("Operations tagged"), "{group}");

    // An error of the runtime names what the user typed.
    let env = vec![("MONGODB_ATLAS_ACCESS_TOKEN", "t".to_string())];
    let bad = run(
        home.path(),
        &env,
        &[
            "api",
            "clusters",
            "getCluster",
            "--groupId",
            "nope",
            "--clusterName",
            "c",
        ],
        None,
    );
    assert_eq!(bad.code, 1, "{bad:?}");
    assert!(bad.stderr.contains("getCluster"), "{bad:?}");
    assert!(!bad.stderr.contains("GetGroupCluster"), "{bad:?}");
}

/// With a copy of the official spec, help shows its descriptions too.
#[test]
fn help_shows_the_specs_descriptions_from_the_users_copy() {
    let path = atlas_test_support::spec::spec_path();
    if !crate::support::need(
        &format!("the Atlas OpenAPI spec at {}", path.display()),
        path.is_file(),
    ) {
        return;
    }
    let home = TempDir::new("help-spec");
    let without = run(
        home.path(),
        &[],
        &["api", SA, "createOrgSecret", "--help"],
        None,
    )
    .ok()
    .stdout;
    let env = vec![("ATLAS_RS_SPEC", path.display().to_string())];
    let with = run(
        home.path(),
        &env,
        &["api", SA, "createOrgSecret", "--help"],
        None,
    )
    .ok()
    .stdout;
    let spec = atlas_test_support::spec::spec();
    let described = spec["components"]["parameters"]["orgId"]["description"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(with.contains(&described), "{described:?} not in:\n{with}");
    assert!(
        !without.contains(&described),
        "the spec's prose is not in atlas-rs"
    );
}

/// `atlas-rs audit` lists what a run sends with sunsets and days left, and fails within
/// the horizon.
#[test]
fn audit_lists_sunsets_and_fails_within_the_horizon() {
    let home = TempDir::new("audit");
    let all = run(
        home.path(),
        &[],
        &["audit", "--as-of", "2026-11-29", "--json"],
        None,
    )
    .ok();
    let rows: Vec<serde_json::Value> = all
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ops = atlas_endpoints::operations().count();
    assert!(rows.len() <= ops && rows.len() > 500, "{}", rows.len());
    let retiring = rows
        .iter()
        .find(|r| r["command"] == "getLogExport")
        .expect("a retiring operation");
    assert_eq!(retiring["sunset"], "2027-02-04");
    assert_eq!(retiring["daysLeft"], 67);
    let table = run(home.path(), &[], &["audit", "--as-of", "2026-11-29"], None)
        .ok()
        .stdout;
    assert!(table.starts_with("GROUP"), "{table}");
    // Within 30 days of that date nothing sunsets; within 90 days some do.
    run(
        home.path(),
        &[],
        &["audit", "--as-of", "2026-11-29", "--within", "30d"],
        None,
    )
    .ok();
    let soon = run(
        home.path(),
        &[],
        &["audit", "--as-of", "2026-11-29", "--within", "90d"],
        None,
    );
    assert_eq!(soon.code, 1, "{soon:?}");
    assert!(soon.stderr.contains("sunset within 90 days"), "{soon:?}");
    let detailed = run(
        home.path(),
        &[],
        &[
            "--detailed-exit-codes",
            "audit",
            "--as-of",
            "2026-11-29",
            "--within",
            "90d",
        ],
        None,
    );
    assert_eq!(detailed.code, 5);
    // A profile's pinned version is audited as it is sent.
    let dir = home.path().join("config/atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[old]\napi_version = \"2023-01-01\"\n",
    )
    .unwrap();
    let pinned = run(
        home.path(),
        &[],
        &["audit", "-P", "old", "--json", "--as-of", "2026-11-29"],
        None,
    )
    .ok();
    let clusters = pinned
        .stdout
        .lines()
        .find(|l| l.contains("\"command\":\"getCluster\""))
        .unwrap()
        .to_string();
    assert!(
        clusters.contains("\"version\":\"2023-01-01\""),
        "{clusters}"
    );
}

/// Operations whose only declared version sunsets within 90 days of the generator's date
/// and whose spec offers no other version to move to: the generator cannot pick another,
/// so they are listed here, each checked to still be so; any other default version within
/// 90 days fails the test.
const RETIRING_WITHOUT_SUCCESSOR: &[&str] = &[
    "createGroupPushBasedLogExport",
    "deleteGroupPushBasedLogExport",
    "getGroupPushBasedLogExport",
    "updateGroupPushBasedLogExport",
    "getGroupServerlessInstance",
    "listGroupServerlessInstances",
];

/// No operation's default version is within 90 days of its sunset as of the generator's
/// fixed date (`atlas_endpoints::SUNSET_AS_OF`).
#[test]
fn no_default_version_is_within_90_days_of_its_sunset() {
    let as_of = atlas_endpoints::SUNSET_AS_OF;
    let mut by_op: std::collections::BTreeMap<&str, Vec<&atlas_runtime::EndpointInfo>> =
        Default::default();
    for info in atlas_endpoints::operations() {
        by_op
            .entry(info.operation_id.unwrap_or(info.type_name))
            .or_default()
            .push(info);
    }
    let mut near = Vec::new();
    for (id, versions) in &by_op {
        // The default: the newest dated version (`preview` only when there is no other).
        let default = versions
            .iter()
            .filter(|i| i.version != Some("preview"))
            .max_by_key(|i| i.version)
            .or_else(|| versions.first())
            .unwrap();
        let days = default
            .sunset
            .and_then(|s| atlas_runtime::sunset::days_left(s, as_of));
        if let Some(d) = days.filter(|d| *d <= atlas_runtime::sunset::WARNING_DAYS) {
            near.push((*id, default.version.unwrap_or("-"), d, versions.len()));
        }
    }
    let unexpected: Vec<_> = near
        .iter()
        .filter(|(id, ..)| !RETIRING_WITHOUT_SUCCESSOR.contains(id))
        .collect();
    assert!(
        unexpected.is_empty(),
        "default versions within 90 days of their sunset as of {as_of} (pick another version in the generator): {unexpected:?}"
    );
    for id in RETIRING_WITHOUT_SUCCESSOR {
        let entry = near.iter().find(|(n, ..)| n == id);
        let Some((_, _, _, declared)) = entry else {
            panic!("{id} is no longer within 90 days of a sunset: take it off the list");
        };
        assert_eq!(
            *declared, 1,
            "{id} has another version now: make it the default"
        );
    }
}
