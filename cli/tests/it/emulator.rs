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
        // The first with --watch: the new account's GET is polled until it answers.
        let watch: &[&str] = if i == 0 { &["--watch"] } else { &[] };
        let mut args = vec!["api", SA, "createOrgServiceAccount"];
        args.extend_from_slice(watch);
        let made = atlas(&args, Some(&body)).ok().json();
        if i == 0 {
            let id = made["clientId"].as_str().unwrap();
            let polled = mock
                .requests()
                .into_iter()
                .any(|r| r.method == "GET" && r.path.ends_with(id));
            assert!(polled, "--watch after a create polls the created account");
        }
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

    // Delete and watch until the GET answers 404.
    mock.clear_requests();
    let deleted = atlas(
        &[
            "api",
            SA,
            "deleteOrgServiceAccount",
            "--clientId",
            &client_id,
            "--watch",
            "--watchTimeout",
            "30",
        ],
        None,
    )
    .ok();
    assert!(mock.service_account(&client_id).is_none(), "{deleted:?}");
    let watched = mock
        .requests()
        .into_iter()
        .any(|r| r.method == "GET" && r.path.ends_with(&client_id));
    assert!(watched, "--watch polled the account's GET");
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
