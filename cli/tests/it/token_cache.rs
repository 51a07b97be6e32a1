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
