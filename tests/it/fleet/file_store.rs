//! `FileTokenStore` across processes of one host.

use std::time::{Duration, Instant, SystemTime};

use atlas_mock::{Fault, FaultKind, MockAtlas};
use atlas_runtime::store::TokenKey;

use super::support::{
    Job, assert_all_ok, call, client_with, one_fleet_at_a_time, one_per_lifetime,
    planted_tokens_are_replaced, sigkill, spawn, temp_dir, token_requests, wait_all,
};

/// Tokens live 6 s, so the client replaces them after 3 s (half the lifetime); 50 calls
/// 70 ms apart take 3.5 to 6 s: one replacement, two lifetimes, two token requests.
const LIFETIME: Duration = Duration::from_secs(6);

#[test]
fn thirty_two_processes_share_one_token_per_lifetime() {
    let _fleet = one_fleet_at_a_time();
    let mock = MockAtlas::builder()
        .token_lifetime(LIFETIME)
        .start()
        .expect("emulator");
    let dir = temp_dir("file-share");
    let job = Job {
        store: format!("file:{}", dir.display()),
        calls: 50,
        interval: Duration::from_millis(70),
        // Time to start 32 processes, so that they all need a token at once.
        start_at: SystemTime::now() + Duration::from_secs(2),
        extra: Vec::new(),
    };
    let children = (0..32).map(|_| spawn(&mock, &job)).collect();
    let outcomes = wait_all(children, Duration::from_secs(120));
    let ran = SystemTime::now().duration_since(job.start_at).unwrap();
    assert_all_ok(&outcomes, job.calls);
    // 2 unless the machine is so slow that the run outlived a second replacement.
    let requests = token_requests(&mock);
    assert!(
        (2..=one_per_lifetime(ran, LIFETIME)).contains(&requests),
        "{requests} token requests from 32 processes × 50 calls in {ran:?}: one per lifetime \
         is {}",
        one_per_lifetime(ran, LIFETIME)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_lock_holder_killed_mid_fetch_is_replaced_at_once() {
    let _fleet = one_fleet_at_a_time();
    let mock = MockAtlas::builder().start().expect("emulator");
    // The first token request takes 5 s: time to kill the process that sent it.
    mock.inject(
        Fault::new(FaultKind::Delay(Duration::from_secs(5)))
            .path("/api/oauth/token")
            .times(1),
    );
    let dir = temp_dir("file-kill");
    let job = Job {
        store: format!("file:{}", dir.display()),
        calls: 5,
        interval: Duration::from_millis(20),
        start_at: SystemTime::now() + Duration::from_millis(500),
        extra: Vec::new(),
    };
    let children: Vec<_> = (0..8).map(|_| spawn(&mock, &job)).collect();
    // The holder wrote its pid into the lock file; its request reached the emulator.
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    let lock = dir.join(format!("{}.lock", key.digest()));
    let deadline = Instant::now() + Duration::from_secs(20);
    let holder: u32 = loop {
        assert!(Instant::now() < deadline, "no process took the lock");
        if token_requests(&mock) == 1
            && let Some(pid) = std::fs::read_to_string(&lock)
                .ok()
                .and_then(|s| s.trim().parse().ok())
        {
            break pid;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    assert!(
        children.iter().any(|c| c.id() == holder),
        "the holder {holder} is one of ours"
    );
    sigkill(holder);
    let outcomes = wait_all(children, Duration::from_secs(60));
    let (killed, survivors): (Vec<_>, Vec<_>) = outcomes.iter().partition(|o| o.pid == holder);
    assert!(!killed[0].status.success(), "the holder died");
    assert_all_ok(survivors.iter().copied(), job.calls);
    for o in &survivors {
        let first = o.first_call().unwrap();
        assert!(
            first < Duration::from_secs(4),
            "worker {} waited {first:?}: not for the dead holder's 5 s answer",
            o.pid
        );
    }
    assert_eq!(
        token_requests(&mock),
        2,
        "the dead holder's request and its successor's"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `revoke_token` revokes the fleet's token and removes its file, so the next process
/// asks Atlas for a new one instead of sending a revoked one.
#[test]
fn revoking_removes_the_shared_token() {
    let _fleet = one_fleet_at_a_time();
    use std::sync::Arc;

    use atlas_endpoints::service_accounts::GetOrgServiceAccount;
    use atlas_runtime::{Client, Credentials, store::FileTokenStore};

    let mock = MockAtlas::builder().start().expect("emulator");
    let dir = temp_dir("file-revoke");
    let store = Arc::new(FileTokenStore::in_dir(&dir).unwrap());
    let client = Client::builder()
        .base_url(mock.url())
        .credentials(Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .token_store(store.clone())
        .build()
        .unwrap();
    GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
        .send(&client)
        .unwrap();
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    assert!(store.path_of(&key).exists(), "the token was shared");
    assert_eq!(mock.live_token_count(mock.client_id()), 1);
    client.revoke_token().unwrap();
    assert!(!store.path_of(&key).exists(), "the revoked token is gone");
    assert_eq!(mock.live_token_count(mock.client_id()), 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// 30 processes with a wrong secret: the lock holder's refusal is shared, so the others
/// fail at once with Atlas's 401 instead of each waiting for the lock and asking again
/// (which would be 30 token requests, the 11th of them answered 429).
#[test]
fn a_refused_secret_is_asked_about_once_for_thirty_processes() {
    let _fleet = one_fleet_at_a_time();
    let mock = MockAtlas::builder().start().expect("emulator");
    let dir = temp_dir("file-refused");
    let job = Job {
        store: format!("file:{}", dir.display()),
        calls: 1,
        interval: Duration::from_millis(10),
        start_at: SystemTime::now() + Duration::from_secs(2),
        extra: vec![(
            "MONGODB_ATLAS_CLIENT_SECRET",
            "mdb_sa_sk_wrongwrongwrongwrongwrongwrong".into(),
        )],
    };
    let children = (0..30).map(|_| spawn(&mock, &job)).collect();
    let outcomes = wait_all(children, Duration::from_secs(60));
    let ran = SystemTime::now().duration_since(job.start_at).unwrap();
    for o in &outcomes {
        assert!(
            !o.status.success() && o.stdout.contains("(401)") && !o.stdout.contains("429"),
            "worker {} should fail with Atlas's 401: {}",
            o.pid,
            o.stdout
        );
    }
    // One request per 10 s of sharing; the run takes a few seconds.
    let requests = token_requests(&mock);
    let allowed = 1 + (ran.as_secs() / atlas_runtime::store::REFUSED_SHARED_FOR.as_secs()) as usize;
    assert!(
        requests <= allowed,
        "{requests} token requests from 30 processes in {ran:?} (at most {allowed})"
    );
    let shared = outcomes
        .iter()
        .filter(|o| o.stdout.contains("another process's token request"))
        .count();
    assert!(
        shared + requests >= outcomes.len(),
        "{shared} of 30 failed with the shared answer, {requests} asked themselves"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `close` revokes and removes the shared token too, and the next client fetches anew.
#[test]
fn closing_removes_the_shared_token() {
    let _fleet = one_fleet_at_a_time();
    use std::sync::Arc;

    use atlas_endpoints::service_accounts::GetOrgServiceAccount;
    use atlas_runtime::{Client, Credentials, store::FileTokenStore};

    let mock = MockAtlas::builder().start().expect("emulator");
    let dir = temp_dir("file-close");
    let store = Arc::new(FileTokenStore::in_dir(&dir).unwrap());
    let client = || {
        Client::builder()
            .base_url(mock.url())
            .credentials(Credentials::service_account(
                mock.client_id(),
                mock.client_secret(),
            ))
            .token_store(store.clone())
            .build()
            .unwrap()
    };
    let first = client();
    GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
        .send(&first)
        .unwrap();
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    assert!(store.path_of(&key).exists());
    first.close();
    assert!(!store.path_of(&key).exists(), "closing removed it");
    assert_eq!(mock.live_token_count(mock.client_id()), 0, "and revoked it");
    let second = client();
    GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
        .send(&second)
        .expect("a new token, not the revoked one");
    assert_eq!(token_requests(&mock), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Nothing the store writes reveals the secret: no file (token, lock, shared failure)
/// holds it in any encoding, nor is named after it. Each secret has its own files (their
/// names hash a fingerprint of it, `TokenKey::with_secret`), so a wrong or rotated secret
/// is never served the token the right one fetched.
#[test]
fn no_store_file_is_named_after_or_holds_the_secret() {
    use std::sync::Arc;

    use atlas_endpoints::service_accounts::GetOrgServiceAccount;
    use atlas_runtime::{Client, Credentials, store::FileTokenStore};
    use atlas_test_support::leaks;

    let mock = MockAtlas::builder().start().expect("emulator");
    let wrong = "mdb_sa_sk_notthesecret0123456789abcdef";
    let run = |secret: &str, dir: &std::path::Path| {
        let client = Client::builder()
            .base_url(mock.url())
            .credentials(Credentials::service_account(mock.client_id(), secret))
            .token_store(Arc::new(FileTokenStore::in_dir(dir).unwrap()))
            .build()
            .unwrap();
        GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
            .send(&client)
            .map(drop)
    };
    let (right_dir, wrong_dir) = (temp_dir("file-secret-ok"), temp_dir("file-secret-bad"));
    run(mock.client_secret(), &right_dir).expect("the right secret works");
    let refused = run(wrong, &wrong_dir).expect_err("the wrong one is refused");
    assert!(refused.to_string().contains("(401)"), "{refused}");

    let mut needles = Vec::new();
    for secret in [mock.client_secret(), wrong] {
        needles.extend(leaks::forms("client secret", secret));
        needles.extend(leaks::basic("client secret", mock.client_id(), secret));
    }
    let names = |dir: &std::path::Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        for name in &names {
            let bytes = std::fs::read(dir.join(name)).unwrap();
            assert!(
                leaks::find(&bytes, &needles).is_none(),
                "{name} holds {:?}",
                leaks::find(&bytes, &needles).map(|(n, _)| &n.label)
            );
            assert!(leaks::find(name.as_bytes(), &needles).is_none(), "{name}");
        }
        names
    };
    let (right, wrong) = (names(&right_dir), names(&wrong_dir));
    let stem = |n: &String| n.split('.').next().unwrap_or_default().to_string();
    assert!(right.iter().any(|n| n.ends_with(".json")), "{right:?}");
    assert!(
        wrong.iter().any(|n| n.ends_with(".failure.json")),
        "{wrong:?}"
    );
    let (right, wrong): (std::collections::BTreeSet<_>, std::collections::BTreeSet<_>) = (
        right.iter().map(stem).collect(),
        wrong.iter().map(stem).collect(),
    );
    assert!(
        right.is_disjoint(&wrong),
        "each secret its own key: {right:?} {wrong:?}"
    );
    let readable = format!("{}-", mock.client_id());
    assert!(
        right.iter().chain(&wrong).all(|n| n.starts_with(&readable)),
        "named after the client id: {right:?} {wrong:?}"
    );
    std::fs::remove_dir_all(&right_dir).unwrap();
    std::fs::remove_dir_all(&wrong_dir).unwrap();
}

/// A token file with a CR LF in its token and a ten-year expiry used to fail every run
/// until it expired (each call failed before it was sent, and nothing discarded it). It
/// is now checked as a token from the token endpoint is, discarded and replaced.
#[test]
fn a_planted_unusable_token_is_discarded_and_replaced() {
    use std::sync::Arc;

    use atlas_runtime::store::FileTokenStore;

    let mock = MockAtlas::builder().start().expect("emulator");
    let dir = temp_dir("file-planted");
    planted_tokens_are_replaced(&mock, || Arc::new(FileTokenStore::in_dir(&dir).unwrap()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A hard link planted at the lock file's name, to another file of the user's: the lock
/// holder used to truncate that file and write its pid into it. The store now refuses a
/// lock file with another name (the client fetches its own token, the call succeeds) and
/// the file is left as it was.
#[test]
fn a_hard_link_at_the_lock_leaves_its_target_intact() {
    use std::sync::Arc;

    use atlas_runtime::store::FileTokenStore;

    let mock = MockAtlas::builder().start().expect("emulator");
    let dir = temp_dir("file-hardlink");
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    let victim = dir.join("id_ed25519");
    let precious = "-----BEGIN OPENSSH PRIVATE KEY-----\nprecious\n";
    std::fs::write(&victim, precious).unwrap();
    std::fs::hard_link(&victim, dir.join(format!("{}.lock", key.digest()))).unwrap();
    let store = Arc::new(FileTokenStore::in_dir(&dir).unwrap());
    call(&mock, &client_with(&mock, store));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), precious);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A 100 MB token file is not read (nor believed): the call fetches a token, and the
/// new one replaces the file.
#[test]
fn a_huge_token_file_is_not_read_and_is_replaced() {
    use std::sync::Arc;

    use atlas_runtime::store::FileTokenStore;

    let mock = MockAtlas::builder().start().expect("emulator");
    let dir = temp_dir("file-huge");
    let store = Arc::new(FileTokenStore::in_dir(&dir).unwrap());
    let key = TokenKey::new(format!("{}/api/oauth/token", mock.url()), mock.client_id())
        .with_secret(mock.client_secret());
    let path = store.path_of(&key);
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Sparse, private: a file the store would otherwise trust.
        let huge = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .unwrap();
        huge.set_len(100 * 1024 * 1024).unwrap();
    }
    call(&mock, &client_with(&mock, store));
    assert_eq!(token_requests(&mock), 1);
    let len = std::fs::metadata(&path).unwrap().len();
    assert!(len < 64 * 1024, "replaced by the new token: {len} bytes");
    std::fs::remove_dir_all(&dir).unwrap();
}
