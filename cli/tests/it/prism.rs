//! Every declared operation through the binary against Prism serving the official spec
//! (`--errors`: a request the spec does not allow is answered with an error status, so
//! exit status 0 means the request conformed and the answer was a documented success).
//! Bodies come from `--file` and from standard input; the access-list delete sends an
//! already-encoded path value.

use std::path::Path;

use atlas_tests::prism::shared_mock;
use atlas_tests::spec::spec_path;

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
