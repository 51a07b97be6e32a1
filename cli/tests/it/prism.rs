//! Every declared operation through the binary against Prism serving the official spec
//! (`--errors`: a request the spec does not allow is answered with an error status, so
//! exit status 0 means the request conformed and the answer was a documented success).
//! Bodies come from `--file` and from standard input; the access-list delete sends an
//! already-encoded path value.

use std::path::Path;

use atlas_test_support::prism::shared_mock;
use atlas_test_support::spec::spec_path;

use crate::support::{TempDir, need, run};

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const GROUP: &str = "5f7a3c9e1b2d4e6f8a0b1c2d";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const SECRET: &str = "6f0d8a1b2c3d4e5f60718293";

fn prism_installed() -> bool {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/peers/prism/node_modules/@stoplight/prism-cli/dist/index.js");
    let node = std::env::var_os("PATH")
        .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("node").is_file()));
    cli.is_file() && node
}

#[test]
fn sample_of_operations_passes_prism() {
    if !need(
        "Prism: npm ci --prefix tests/peers/prism",
        prism_installed(),
    ) || !need(
        "the Atlas OpenAPI spec (ATLAS_OPENAPI_SPEC)",
        spec_path().is_file(),
    ) {
        return;
    }
    let prism = shared_mock();
    let home = TempDir::new("prism");
    let patch = home.path().join("patch.json");
    std::fs::write(&patch, r#"{"name":"renamed","description":"changed"}"#).unwrap();
    let patch = patch.to_str().unwrap().to_string();
    let env = vec![
        ("MONGODB_ATLAS_OPS_MANAGER_URL", prism.url()),
        (
            "MONGODB_ATLAS_ACCESS_TOKEN",
            "prism-accepts-any-token".to_string(),
        ),
        ("MONGODB_ATLAS_ORG_ID", ORG.to_string()),
        ("MONGODB_ATLAS_PROJECT_ID", GROUP.to_string()),
    ];
    let org_account =
        r#"{"name":"n","description":"d","roles":["ORG_MEMBER"],"secretExpiresAfterHours":8}"#;
    let group_account =
        r#"{"name":"n","description":"d","roles":["GROUP_READ_ONLY"],"secretExpiresAfterHours":8}"#;
    let secret = r#"{"secretExpiresAfterHours":8}"#;
    let entries = r#"[{"cidrBlock":"192.0.2.0/24"}]"#;
    let invite = r#"{"roles":["GROUP_READ_ONLY"]}"#;
    let cases: &[(&[&str], Option<&str>)] = &[
        (
            &[
                "listOrgServiceAccounts",
                "--itemsPerPage",
                "10",
                "--pageNum",
                "1",
            ],
            None,
        ),
        (&["createOrgServiceAccount"], Some(org_account)),
        (&["getOrgServiceAccount", "--clientId", SA], None),
        (
            &[
                "updateOrgServiceAccount",
                "--clientId",
                SA,
                "--file",
                &patch,
            ],
            None,
        ),
        (&["deleteOrgServiceAccount", "--clientId", SA], None),
        (&["getServiceAccountGroups", "--clientId", SA], None),
        (&["createOrgSecret", "--clientId", SA], Some(secret)),
        (
            &["deleteOrgSecret", "--clientId", SA, "--secretId", SECRET],
            None,
        ),
        (&["listOrgAccessList", "--clientId", SA], None),
        (&["createOrgAccessList", "--clientId", SA], Some(entries)),
        (
            &[
                "deleteOrgAccessEntry",
                "--clientId",
                SA,
                "--ipAddress",
                "192.0.2.0%2F24",
            ],
            None,
        ),
        (&["listGroupServiceAccounts", "--projectId", GROUP], None),
        (&["createGroupServiceAccount"], Some(group_account)),
        (&["getGroupServiceAccount", "--clientId", SA], None),
        (
            &[
                "updateGroupServiceAccount",
                "--clientId",
                SA,
                "--file",
                &patch,
            ],
            None,
        ),
        (&["deleteGroupServiceAccount", "--clientId", SA], None),
        (
            &["inviteGroupServiceAccount", "--clientId", SA],
            Some(invite),
        ),
        (&["createGroupSecret", "--clientId", SA], Some(secret)),
        (
            &["deleteGroupSecret", "--clientId", SA, "--secretId", SECRET],
            None,
        ),
        (&["listAccessList", "--clientId", SA, "--paginate"], None),
        (&["createAccessList", "--clientId", SA], Some(entries)),
        (
            &[
                "deleteGroupAccessEntry",
                "--clientId",
                SA,
                "--ipAddress",
                "192.0.2.1",
            ],
            None,
        ),
    ];
    let mut failures = Vec::new();
    for (args, stdin) in cases {
        let mut full = vec!["api", "serviceAccounts"];
        full.extend_from_slice(args);
        let r = run(home.path(), &env, &full, *stdin);
        if r.code != 0 {
            failures.push(format!(
                "{}: exit {}: {}{}",
                args[0], r.code, r.stdout, r.stderr
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(cases.len(), 22);
}

/// Operations of other tags, picked from the spec: GETs whose path values the spec gives
/// examples for (or are the org and project ids) and that need no query parameter, at most
/// four a tag; at least 40 must pass across at least 15 tags (Prism answers 500 when its
/// own example breaks the response schema: those are listed, not counted). Then a gzip
/// download to a file, a CSV, `-o` required for a JSON-or-CSV answer, and `--watch` (the
/// waiter's GET as Prism validates it) giving up on a resource that never goes away
/// (exit 4 in both modes: the delete itself succeeded).
#[test]
fn generated_operations_across_tags_pass_prism() {
    if !need(
        "Prism: npm ci --prefix tests/peers/prism",
        prism_installed(),
    ) || !need(
        "the Atlas OpenAPI spec (ATLAS_OPENAPI_SPEC)",
        spec_path().is_file(),
    ) {
        return;
    }
    let spec = atlas_test_support::spec::spec();
    let prism = shared_mock();
    let home = TempDir::new("prism-generated");
    let env = vec![
        ("MONGODB_ATLAS_OPS_MANAGER_URL", prism.url()),
        (
            "MONGODB_ATLAS_ACCESS_TOKEN",
            "prism-accepts-any-token".to_string(),
        ),
        ("MONGODB_ATLAS_ORG_ID", ORG.to_string()),
        ("MONGODB_ATLAS_PROJECT_ID", GROUP.to_string()),
    ];
    // The groups the binary has: the tag's, or `other` while the declarations name none.
    let api = run(home.path(), &env, &["api", "--help"], None).ok();
    let groups: Vec<String> = api
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect();
    let group_of = |tag: &str| {
        let g = atlas_rules::names::cli_group(tag);
        if groups.contains(&g) {
            g
        } else {
            "other".to_string()
        }
    };

    let mut picked: Vec<(String, Vec<String>)> = Vec::new();
    let mut per_tag = std::collections::BTreeMap::<String, usize>::new();
    let mut paths: Vec<(&String, &serde_json::Value)> =
        spec["paths"].as_object().unwrap().iter().collect();
    paths.sort_by(|a, b| a.0.cmp(b.0));
    for (_, item) in paths {
        let Some(op) = item.get("get") else { continue };
        let tag = op["tags"][0].as_str().unwrap_or("");
        if tag == "Service Accounts" || per_tag.get(tag).copied().unwrap_or(0) >= 4 {
            continue;
        }
        let json_versions: Vec<&str> = op["responses"]["200"]["content"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, c)| c.get("x-sunset").is_none())
            .filter_map(|(k, _)| {
                k.strip_prefix("application/vnd.atlas.")?
                    .strip_suffix("+json")
            })
            .filter(|v| *v != "preview")
            .collect();
        let Some(version) = json_versions.iter().max() else {
            continue;
        };
        let mut args = vec![
            group_of(tag),
            op["operationId"].as_str().unwrap().to_string(),
            "--version".to_string(),
            version.to_string(),
        ];
        let mut usable = true;
        for p in op["parameters"].as_array().into_iter().flatten() {
            let p = atlas_test_support::spec::resolve(spec, p);
            let name = p["name"].as_str().unwrap_or("");
            match p["in"].as_str() {
                Some("path") => {
                    let value = match (name, &p["example"]) {
                        ("groupId", _) => GROUP.to_string(),
                        ("orgId", _) => ORG.to_string(),
                        (_, serde_json::Value::String(s)) => s.clone(),
                        (_, serde_json::Value::Number(n)) => n.to_string(),
                        _ => {
                            usable = false;
                            break;
                        }
                    };
                    args.push(format!("--{name}"));
                    args.push(value);
                }
                Some("query") if p["required"] == true => {
                    usable = false;
                    break;
                }
                _ => {}
            }
        }
        if usable {
            *per_tag.entry(tag.to_string()).or_default() += 1;
            picked.push((tag.to_string(), args));
        }
    }

    let mut failures = Vec::new();
    let (mut passed, mut prism_examples) = (Vec::new(), Vec::new());
    for (tag, args) in &picked {
        let mut full = vec!["api"];
        full.extend(args.iter().map(String::as_str));
        let r = run(home.path(), &env, &full, None);
        if r.code == 0 {
            passed.push(tag.clone());
            continue;
        }
        // Prism answers 500 (a request it refuses is a 4xx) when the example it would
        // send breaks the spec's own response schema: not the request's fault, so not
        // counted either way.
        let prism_own = r.code == 1
            && r.json()["error"] == 500
            && r.stdout.contains("Prism is generating this error");
        if prism_own {
            prism_examples.push(format!("{tag} {}", args[1]));
            continue;
        }
        failures.push(format!(
            "{tag} {}: exit {}: {}{}",
            args[1], r.code, r.stdout, r.stderr
        ));
    }
    let tags: std::collections::BTreeSet<&String> = passed.iter().collect();
    eprintln!(
        "{} of {} passed across {} tags; Prism's own examples broke {prism_examples:?}",
        passed.len(),
        picked.len(),
        tags.len()
    );
    assert!(
        passed.len() >= 40 && tags.len() >= 15,
        "{} passed across {} tags; failures: {failures:#?}",
        passed.len(),
        tags.len()
    );

    // A gzip download to a file, a CSV answer, -o required, --watch.
    let log = home.path().join("mongodb.gz");
    let log_arg = log.to_str().unwrap().to_string();
    let download = run(
        home.path(),
        &env,
        &[
            "api",
            &group_of("Monitoring and Logs"),
            "downloadGroupClusterLog",
            "--hostName",
            "mongo.example.com",
            "--logName",
            "mongodb",
            "-o",
            "gzip",
            "--outputFile",
            &log_arg,
        ],
        None,
    );
    if download.code != 0 || !log.is_file() {
        failures.push(format!("download: {download:?}"));
    }
    let invoice = [
        "api",
        &group_of("Invoices"),
        "getOrgInvoice",
        "--invoiceId",
        GROUP,
    ];
    let mut csv_args = invoice.to_vec();
    csv_args.extend(["-o", "csv"]);
    let csv = run(home.path(), &env, &csv_args, None);
    if csv.code != 0 {
        failures.push(format!("csv: {csv:?}"));
    }
    let no_output = run(home.path(), &env, &invoice, None);
    if no_output.code != 1 || !no_output.stderr.contains("--output is required") {
        failures.push(format!("json or csv needs -o: {no_output:?}"));
    }
    // --watch polls the deleted cluster's GET (the waiter's request, which Prism
    // validates); Prism always finds the cluster, so the watch gives up at its timeout,
    // with its own status after the write that succeeded.
    let watch = run(
        home.path(),
        &env,
        &[
            "api",
            "clusters",
            "deleteCluster",
            "--clusterName",
            "Cluster0",
            "--watch",
            "--watchTimeout",
            "2",
        ],
        None,
    );
    if watch.code != 4
        || !watch
            .stderr
            .contains("--watch stopped: gave up waiting for getGroupCluster after 2 s")
    {
        failures.push(format!("watch: {watch:?}"));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
