//! A whole session against atlas-mock through the binary, the way a script would run it.

use atlas_mock::MockAtlas;

use crate::support::{TempDir, mock_env, run};

const SA: &str = "serviceAccounts";

/// Create an account (body piped in), list every account across pages, rotate its
/// secret, delete it and watch it go.
#[test]
fn create_list_rotate_delete() {
    let mock = MockAtlas::start();
    let home = TempDir::new("session");
    let env = mock_env(&mock);
    let atlas = |args: &[&str], stdin: Option<&str>| run(home.path(), &env, args, stdin);

    // Create, with the body from standard input; the answer is printed as sent.
    let body = r#"{"name":"cli-made","description":"made by atlas-rs","roles":["ORG_MEMBER"],"secretExpiresAfterHours":8}"#;
    let created = atlas(&["api", SA, "createOrgServiceAccount"], Some(body)).ok();
    let created = created.json();
    let client_id = created["clientId"]
        .as_str()
        .expect("a client id")
        .to_string();
    let first_secret = created["secrets"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(mock.secret_count(&client_id), 1);

    // Enough accounts for several pages of 2.
    for i in 0..4 {
        let body = format!(
            r#"{{"name":"extra-{i}","description":"d","roles":["ORG_MEMBER"],"secretExpiresAfterHours":8}}"#
        );
        atlas(&["api", SA, "createOrgServiceAccount"], Some(&body)).ok();
    }
    let total = mock.service_accounts().len();
    assert_eq!(total, 6, "the seeded owner and five more");
    mock.clear_requests();
    let listed = atlas(
        &[
            "api",
            SA,
            "listOrgServiceAccounts",
            "--paginate",
            "--itemsPerPage",
            "2",
        ],
        None,
    )
    .ok()
    .json();
    let items = listed.as_array().expect("one JSON array of every item");
    assert_eq!(items.len(), total);
    let lists = mock
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/serviceAccounts"))
        .count();
    assert_eq!(lists, 3, "6 items at 2 a page");
    // JSON lines: one item per line.
    let lines = atlas(
        &[
            "api",
            SA,
            "listOrgServiceAccounts",
            "--paginate",
            "--jsonLines",
        ],
        None,
    )
    .ok();
    assert_eq!(lines.stdout.lines().count(), total);

    // Rotate: a new secret (the full operationId works as an alias), then the old one goes.
    let new_secret = atlas(
        &[
            "api",
            SA,
            "createOrgServiceAccountSecret",
            "--clientId",
            &client_id,
            "-o",
            "{{ id }}",
        ],
        Some(r#"{"secretExpiresAfterHours": 24}"#),
    )
    .ok();
    assert_eq!(mock.secret_count(&client_id), 2);
    assert_ne!(new_secret.stdout.trim(), first_secret);
    atlas(
        &[
            "api",
            SA,
            "deleteOrgSecret",
            "--clientId",
            &client_id,
            "--secretId",
            &first_secret,
        ],
        None,
    )
    .ok();
    assert_eq!(mock.secret_count(&client_id), 1);

    // Delete. A service account has no state to wait for: --watch is not offered, and
    // refused before anything is sent.
    mock.clear_requests();
    let refused = atlas(
        &[
            "api",
            SA,
            "deleteOrgServiceAccount",
            "--clientId",
            &client_id,
            "--watch",
        ],
        None,
    );
    assert_ne!(refused.code, 0, "{refused:?}");
    assert!(mock.requests().is_empty(), "nothing sent");
    let deleted = atlas(
        &[
            "api",
            SA,
            "deleteOrgServiceAccount",
            "--clientId",
            &client_id,
        ],
        None,
    )
    .ok();
    assert!(mock.service_account(&client_id).is_none(), "{deleted:?}");
}

/// `--watch` where the SDK has a waiter: the write's answer on stdout first, each state
/// on stderr, exit 0 at the goal; a failure state exits 4 (whatever the mode) after the
/// write's answer, naming the state; writes without a waiter do not offer it.
#[test]
fn watch_follows_the_waiter_table() {
    let mock = MockAtlas::builder()
        .cluster_transition(std::time::Duration::from_millis(300))
        .lifecycle_transition(std::time::Duration::from_millis(300))
        .start()
        .unwrap();
    let home = TempDir::new("watch");
    let env = mock_env(&mock);
    let atlas = |args: &[&str], stdin: Option<&str>| run(home.path(), &env, args, stdin);
    let project = mock.project_id().to_string();

    let cluster = r#"{"name":"watched","clusterType":"REPLICASET","replicationSpecs":[{"regionConfigs":[{"providerName":"AWS","regionName":"US_EAST_1","priority":7,"electableSpecs":{"instanceSize":"M10","nodeCount":3}}]}]}"#;
    let created = atlas(
        &[
            "api",
            "clusters",
            "createCluster",
            "--groupId",
            &project,
            "--watch",
        ],
        Some(cluster),
    )
    .ok();
    assert_eq!(
        created.json()["name"],
        "watched",
        "the write's answer is on stdout"
    );
    assert!(
        created.stderr.contains("getGroupCluster: CREATING"),
        "{created:?}"
    );
    assert!(
        created.stderr.contains("getGroupCluster: IDLE"),
        "{created:?}"
    );

    // Deleted and watched until the GET answers 404.
    let deleted = atlas(
        &[
            "api",
            "clusters",
            "deleteCluster",
            "--groupId",
            &project,
            "--clusterName",
            "watched",
            "--watch",
            "--watchTimeout",
            "60",
        ],
        None,
    )
    .ok();
    assert!(deleted.stderr.contains("(gone)"), "{deleted:?}");

    // A snapshot that fails: the answer, then exit 4 naming the state.
    mock.add_cluster("Cluster0").unwrap();
    mock.fail_lifecycle("/groups/*/clusters/*/backup/snapshots/*", "failed")
        .unwrap();
    let failed = atlas(
        &[
            "api",
            "cloudBackups",
            "takeSnapshots",
            "--groupId",
            &project,
            "--clusterName",
            "Cluster0",
            "--watch",
        ],
        Some("{}"),
    );
    assert_eq!(failed.code, 4, "{failed:?}");
    assert!(
        failed.json()["id"].is_string(),
        "the write's answer: {failed:?}"
    );
    assert!(
        failed
            .stderr
            .contains("the call succeeded, but --watch stopped")
            && failed.stderr.contains("failure state failed"),
        "{failed:?}"
    );

    // No waiter, no flag: refused before anything is sent.
    mock.clear_requests();
    let refused = atlas(
        &[
            "api",
            "projectIpAccessList",
            "createAccessListEntry",
            "--groupId",
            &project,
            "--watch",
        ],
        Some(r#"[{"ipAddress":"192.0.2.1"}]"#),
    );
    assert_ne!(refused.code, 0, "{refused:?}");
    assert!(mock.requests().is_empty(), "nothing sent");
}

/// Usage errors exit 1 (as every failure; 2 with detailed statuses) before anything is sent, with every problem listed; Atlas's
/// errors exit 1 with the error body on stdout; `--dry-run` prints curl and sends nothing.
#[test]
fn exit_statuses_and_dry_run() {
    let mock = MockAtlas::start();
    let home = TempDir::new("errors");
    let env = mock_env(&mock);
    let atlas = |args: &[&str], stdin: Option<&str>| run(home.path(), &env, args, stdin);
    mock.clear_requests();

    let missing = atlas(&["api", SA, "getOrgServiceAccount"], None);
    assert_eq!(missing.code, 1, "{missing:?}");
    assert!(missing.stderr.contains("--clientId"), "{missing:?}");

    let invalid = atlas(
        &[
            "api",
            SA,
            "createOrgSecret",
            "--orgId",
            "nope",
            "--clientId",
            "mdb_sa_id_x",
        ],
        Some(r#"{"secretExpiresAfterHours": 0}"#),
    );
    assert_eq!(invalid.code, 1, "{invalid:?}");
    for what in ["orgId", "clientId", "secretExpiresAfterHours", "3 problems"] {
        assert!(invalid.stderr.contains(what), "{what}: {invalid:?}");
    }
    let no_body = atlas(
        &["api", SA, "createOrgSecret", "--clientId", mock.client_id()],
        None,
    );
    assert_eq!(no_body.code, 1);
    assert!(
        no_body
            .stderr
            .contains("--file flag is required when not using piped input")
    );
    let unknown = atlas(&["api", SA, "listOrgServiceAccounts", "--bogus"], None);
    assert_eq!(unknown.code, 1, "{unknown:?}");
    assert!(mock.requests().is_empty(), "usage errors send nothing");

    let absent = atlas(
        &[
            "api",
            SA,
            "getOrgServiceAccount",
            "--clientId",
            "mdb_sa_id_000000000000000000000000",
        ],
        None,
    );
    assert_eq!(absent.code, 1, "{absent:?}");
    assert_eq!(absent.json()["error"], 404, "{absent:?}");
    assert!(absent.stderr.contains("404"), "{absent:?}");

    mock.clear_requests();
    let dry = atlas(
        &[
            "--dry-run",
            "api",
            SA,
            "createOrgSecret",
            "--clientId",
            mock.client_id(),
        ],
        Some(r#"{"secretExpiresAfterHours": 8}"#),
    )
    .ok();
    assert!(dry.stdout.starts_with("curl --request POST '"), "{dry:?}");
    assert!(
        dry.stdout
            .contains("accept: application/vnd.atlas.2024-08-05+json")
    );
    assert!(dry.stdout.contains("Authorization: Bearer <redacted>"));
    assert!(!dry.stdout.contains(mock.client_secret()));
    assert!(
        mock.requests().is_empty(),
        "--dry-run sends nothing, not even for a token"
    );

    // -D shows the exchange, never the secret a create answers with.
    let debug = atlas(
        &[
            "-D",
            "api",
            SA,
            "createOrgSecret",
            "--clientId",
            mock.client_id(),
        ],
        Some(r#"{"secretExpiresAfterHours": 8}"#),
    )
    .ok();
    let secret = debug.json()["secret"].as_str().unwrap().to_string();
    assert!(debug.stderr.contains("> POST "), "{debug:?}");
    assert!(debug.stderr.contains("< 201"), "{debug:?}");
    assert!(!debug.stderr.contains(&secret), "{debug:?}");
    assert!(!debug.stderr.contains(mock.client_secret()));
}

/// `--mock` needs no setup at all: its own emulator, its ids as defaults.
#[test]
fn embedded_mock() {
    let home = TempDir::new("mock");
    let listed = run(
        home.path(),
        &[],
        &[
            "--mock",
            "api",
            SA,
            "listOrgServiceAccounts",
            "-o",
            "{{ totalCount }}",
        ],
        None,
    )
    .ok();
    assert_eq!(listed.stdout, "1\n");
}

/// `atlas-rs api rateLimiting …` works as any command against the emulator's endpoint sets
/// (issue 25): the list names each set with its scope and numbers, one set by id, and an
/// unknown id is Atlas's 404.
#[test]
fn rate_limits_are_listed_like_any_resource() {
    let mock = MockAtlas::builder()
        .enforce_rate_limits(true)
        .start()
        .unwrap();
    let home = TempDir::new("rate-limits");
    let env = mock_env(&mock);
    let atlas = |args: &[&str]| run(home.path(), &env, args, None);
    let project = mock.project_id().to_string();
    let listed = atlas(&[
        "api",
        "rateLimiting",
        "listRateLimits",
        "--groupId",
        &project,
    ])
    .ok()
    .json();
    let sets = listed["results"]
        .as_array()
        .expect("a page of endpoint sets");
    let ids: Vec<&str> = sets
        .iter()
        .filter_map(|s| s["endpointSetId"].as_str())
        .collect();
    assert!(ids.contains(&"rateLimitsInspection_group"), "{listed}");
    for set in sets {
        // Filtered by the project given and the profile's organization (the CLI fills a
        // query's orgId from it, as every orgId).
        assert!(
            set["scope"] == "GROUP" || set["scope"] == "ORGANIZATION",
            "filtered by the project and the organization: {set}"
        );
        assert!(set["capacity"]["value"].as_u64().unwrap() > 0, "{set}");
    }
    let one = atlas(&[
        "api",
        "rateLimiting",
        "getRateLimit",
        "--endpointSetId",
        "rateLimitsInspection_group",
    ])
    .ok()
    .json();
    assert_eq!(one["endpointSetId"], "rateLimitsInspection_group");
    let unknown = atlas(&[
        "api",
        "rateLimiting",
        "getRateLimit",
        "--endpointSetId",
        "noSuchSet",
    ]);
    assert_eq!(unknown.code, 1, "{unknown:?}");
    assert_eq!(unknown.json()["error"], 404, "{unknown:?}");
}
