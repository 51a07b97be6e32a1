//! The official CLI's `config.toml`, read as it is written by `atlas config init` /
//! `atlas auth login`, and the `MONGODB_ATLAS_*` variables over it, key by key.

use atlas_mock::MockAtlas;

use crate::support::{TempDir, run};

const ORG_IN_ENV: &str = "aaaaaaaaaaaaaaaaaaaaaaaa";

fn write_config(home: &TempDir, mock: &MockAtlas) {
    let dir = home.path().join("config").join("atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    let expired = expired_jwt();
    let text = format!(
        r#"[default]
  client_id = "{id}"
  client_secret = "{secret}"
  org_id = "{org}"
  project_id = "{project}"
  ops_manager_url = "{url}"
  output = "json"
  service = "cloud"

[keys]
  public_api_key = "{public}"
  private_api_key = "{private}"
  org_id = "{org}"
  ops_manager_url = "{url}"

[login]
  access_token = "{expired}"
  refresh_token = "r"
  org_id = "{org}"
  ops_manager_url = "{url}"
"#,
        id = mock.client_id(),
        secret = mock.client_secret(),
        org = mock.org_id(),
        project = mock.project_id(),
        url = mock.url(),
        public = mock.public_api_key(),
        private = mock.private_api_key(),
    );
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

/// A JWT whose `exp` passed an hour ago, as `atlas auth login` leaves behind.
fn expired_jwt() -> String {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 3600;
    format!(
        "{}.{}.sig",
        b64(r#"{"alg":"RS256"}"#),
        b64(&format!(r#"{{"exp":{exp}}}"#))
    )
}

#[test]
fn profiles_and_environment_precedence() {
    let mock = MockAtlas::start();
    let home = TempDir::new("profiles");
    write_config(&home, &mock);
    let list = ["api", "serviceAccounts", "listOrgServiceAccounts"];

    // The default profile: a service account, its org and URL; a real call succeeds.
    let listed = run(home.path(), &[], &list, None).ok().json();
    assert_eq!(listed["totalCount"], 1);
    let dry = |env: &[(&str, String)], extra: &[&str]| {
        let mut args: Vec<&str> = vec!["--dry-run"];
        args.extend(list);
        args.extend_from_slice(extra);
        run(home.path(), env, &args, None).ok().stdout
    };
    let default = dry(&[], &[]);
    assert!(default.contains(&format!("/orgs/{}/serviceAccounts", mock.org_id())));
    assert!(default.contains("Bearer <redacted>"), "{default}");

    // A variable overrides its key only: the org from the environment, the rest from
    // the profile.
    let env_org = dry(&[("MONGODB_ATLAS_ORG_ID", ORG_IN_ENV.to_string())], &[]);
    assert!(
        env_org.contains(&format!("/orgs/{ORG_IN_ENV}/serviceAccounts")),
        "{env_org}"
    );
    assert!(env_org.contains(mock.url()));
    // A flag overrides both.
    let flag_org = dry(
        &[("MONGODB_ATLAS_ORG_ID", ORG_IN_ENV.to_string())],
        &["--orgId", "bbbbbbbbbbbbbbbbbbbbbbbb"],
    );
    assert!(
        flag_org.contains("/orgs/bbbbbbbbbbbbbbbbbbbbbbbb/"),
        "{flag_org}"
    );

    // -P keys: an API key (HTTP Digest); a real call succeeds.
    let keys = dry(&[], &["-P", "keys"]);
    assert!(keys.contains("--digest"), "{keys}");
    let listed = run(
        home.path(),
        &[],
        &["-P", "keys", list[0], list[1], list[2]],
        None,
    )
    .ok()
    .json();
    assert_eq!(listed["totalCount"], 1);
    // A service account from the environment wins over the profile's API key, as in the
    // official CLI.
    let sa_env = dry(
        &[
            ("MONGODB_ATLAS_CLIENT_ID", mock.client_id().to_string()),
            (
                "MONGODB_ATLAS_CLIENT_SECRET",
                mock.client_secret().to_string(),
            ),
        ],
        &["-P", "keys"],
    );
    assert!(
        sa_env.contains("Bearer <redacted>") && !sa_env.contains("--digest"),
        "{sa_env}"
    );

    // -P login: an expired `atlas auth login` token is named as such.
    let expired = run(
        home.path(),
        &[],
        &["-P", "login", list[0], list[1], list[2]],
        None,
    );
    assert_eq!(expired.code, 1, "{expired:?}");
    assert!(expired.stderr.contains("expired"), "{expired:?}");
    assert!(expired.stderr.contains("atlas auth login"), "{expired:?}");

    // A token from elsewhere, by variable.
    let bearer = dry(
        &[("MONGODB_ATLAS_ACCESS_TOKEN", "t0ken".to_string())],
        &["-P", "login"],
    );
    assert!(bearer.contains("Bearer <redacted>") && !bearer.contains("t0ken"));

    // A profile that is not there is a usage error; the file is never written.
    let before = std::fs::read(home.path().join("config/atlascli/config.toml")).unwrap();
    let absent = run(
        home.path(),
        &[],
        &["-P", "nope", list[0], list[1], list[2]],
        None,
    );
    assert_eq!(absent.code, 1, "{absent:?}");
    let after = std::fs::read(home.path().join("config/atlascli/config.toml")).unwrap();
    assert_eq!(before, after);
}

/// An `atlas auth login` profile whose access token expired is refreshed with its refresh
/// token at the emulator's token endpoint, as the official CLI does, and the new tokens
/// are written back into the profile, the rest of the file as it was. Profile names are
/// case-insensitive, as the official CLI lowercases them.
#[test]
fn an_expired_login_is_refreshed_and_written_back() {
    let mock = MockAtlas::start();
    let home = TempDir::new("refresh");
    let dir = home.path().join("config").join("atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    let expired = expired_jwt();
    let refresh = mock.login_refresh_token();
    let text = format!(
        "# written by atlas auth login\n[Login]\n  auth_type = \"user_account\"\n  access_token = \"{expired}\" # the session\n  refresh_token = \"{refresh}\"\n  org_id = \"{org}\"\n  ops_manager_url = \"{url}\"\n\n[other]\n  output = \"json\"\n",
        org = mock.org_id(),
        url = mock.url(),
    );
    let path = dir.join("config.toml");
    std::fs::write(&path, &text).unwrap();
    let list = ["api", "serviceAccounts", "listOrgServiceAccounts"];
    mock.clear_requests();
    let listed = run(
        home.path(),
        &[],
        &["-P", "LOGIN", list[0], list[1], list[2]],
        None,
    )
    .ok()
    .json();
    assert_eq!(listed["totalCount"], 1);
    let refreshes = mock
        .requests()
        .into_iter()
        .filter(|r| r.path == "/api/private/unauth/account/device/token")
        .count();
    assert_eq!(refreshes, 1);

    // Written back: new tokens in the same keys, everything else as it was.
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(!after.contains(&expired), "{after}");
    assert!(
        !after.contains(&refresh),
        "the spent refresh token is replaced"
    );
    assert!(after.starts_with("# written by atlas auth login\n[Login]\n  auth_type = \"user_account\"\n  access_token = \""));
    assert!(
        after.contains("\" # the session\n  refresh_token = \""),
        "{after}"
    );
    assert!(
        after.ends_with("\n\n[other]\n  output = \"json\"\n"),
        "{after}"
    );

    // The next run uses the written token: no refresh.
    mock.clear_requests();
    run(
        home.path(),
        &[],
        &["-P", "login", list[0], list[1], list[2]],
        None,
    )
    .ok();
    assert!(
        mock.requests()
            .iter()
            .all(|r| r.path != "/api/private/unauth/account/device/token"),
        "a valid token is not refreshed"
    );

    // A refresh token the endpoint refuses: the run says to log in again.
    std::fs::write(&path, text.replace(&refresh, "spent")).unwrap();
    let refused = run(
        home.path(),
        &[],
        &["-P", "login", list[0], list[1], list[2]],
        None,
    );
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused.stderr.contains("could not be refreshed"),
        "{refused:?}"
    );
    assert!(refused.stderr.contains("invalid_grant"), "{refused:?}");
    assert!(!refused.stderr.contains("spent"), "{refused:?}");
}
