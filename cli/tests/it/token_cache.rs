//! Short-lived invocations share one access token through the file cache, the CLI's
//! default (issue 15): twenty runs of `atlas-rs` with a service account ask the emulator's
//! token endpoint once; with `--no-token-cache` each run asks for its own.

use atlas_mock::MockAtlas;

use crate::support::{TempDir, mock_env, run};

const LIST: &[&str] = &["api", "serviceAccounts", "listOrgServiceAccounts"];

#[test]
fn twenty_runs_share_one_token_through_the_file_cache() {
    let mock = MockAtlas::start();
    let home = TempDir::new("token-cache");
    let env = mock_env(&mock);
    let before = mock.token_requests();
    for _ in 0..20 {
        run(home.path(), &env, LIST, None).ok();
    }
    assert_eq!(
        mock.token_requests() - before,
        1,
        "20 runs, one token request: the others read the cached token"
    );
    let cached: Vec<_> = std::fs::read_dir(home.path().join("cache"))
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(!cached.is_empty(), "the cache lives under XDG_CACHE_HOME");

    // Opting out: each run fetches and keeps its own token.
    let mut args = LIST.to_vec();
    args.push("--no-token-cache");
    for _ in 0..3 {
        run(home.path(), &env, &args, None).ok();
    }
    assert_eq!(mock.token_requests() - before, 4);
}

/// The cache is keyed by the credential, not the client id alone (issue 21): a wrong
/// secret is not served the token the right one fetched (it asks, and is refused), a
/// rotated secret fetches its own token, and no cached file reveals a secret.
#[test]
fn a_changed_secret_is_not_served_the_cached_token() {
    let mock = MockAtlas::start();
    let home = TempDir::new("token-cache-secret");
    let env = mock_env(&mock);
    let with_secret = |secret: &str| {
        let mut env = env.clone();
        env.retain(|(k, _)| *k != "MONGODB_ATLAS_CLIENT_SECRET");
        env.push(("MONGODB_ATLAS_CLIENT_SECRET", secret.to_string()));
        env
    };
    let before = mock.token_requests();
    run(home.path(), &env, LIST, None).ok();
    assert_eq!(mock.token_requests() - before, 1);

    // A wrong secret: asked for, refused, exit 1 (not the cached token, exit 0).
    let wrong_secret = "mdb_sa_sk_wrongwrongwrongwrongwrongwrong";
    let wrong = run(home.path(), &with_secret(wrong_secret), LIST, None);
    assert_eq!(wrong.code, 1, "the wrong secret must be noticed: {wrong:?}");
    assert_eq!(mock.token_requests() - before, 2);

    // Rotation: a new secret of the same account fetches its own token, then shares it.
    let created = run(
        home.path(),
        &env,
        &[
            "api",
            "serviceAccounts",
            "createOrgSecret",
            "--clientId",
            mock.client_id(),
        ],
        Some(r#"{"secretExpiresAfterHours": 8}"#),
    )
    .ok()
    .json();
    let new_secret = created["secret"]
        .as_str()
        .expect("the new secret")
        .to_string();
    assert_eq!(
        mock.token_requests() - before,
        2,
        "the old secret's token was reused"
    );
    for _ in 0..2 {
        run(home.path(), &with_secret(&new_secret), LIST, None).ok();
    }
    assert_eq!(mock.token_requests() - before, 3);
    // The right secret is still served its own cached token.
    run(home.path(), &env, LIST, None).ok();
    assert_eq!(mock.token_requests() - before, 3);

    // Nothing in the cache reveals a secret.
    let mut needles = Vec::new();
    for secret in [mock.client_secret(), wrong_secret, new_secret.as_str()] {
        needles.extend(atlas_test_support::leaks::forms("secret", secret));
    }
    let cache = home.path().join("cache");
    let mut seen = 0;
    for entry in walk(&cache) {
        seen += 1;
        let name = entry.to_string_lossy().into_owned();
        let bytes = std::fs::read(&entry).unwrap_or_default();
        for haystack in [name.as_bytes(), &bytes] {
            if let Some((needle, _)) = atlas_test_support::leaks::find(haystack, &needles) {
                panic!("{} in the cache file {name}", needle.label);
            }
        }
    }
    assert!(seen >= 2, "two keys, two cached tokens: {seen} files");
}

/// Every file under `dir`, at any depth.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}
