//! Seeding, the token endpoint, bearer tokens, Digest, roles, rate limits.

use std::time::{Duration, Instant};

use crate::common::{
    Api, V, agent, basic, challenge_params, digest_header, send, token_for, token_request,
};
use atlas_mock::{MockAtlas, ScriptedRequest, ScriptedResponse};
use serde_json::json;

fn is_hex24(s: &str) -> bool {
    s.len() == 24
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[test]
fn seeded_credentials_and_token_flow() {
    let mock = MockAtlas::start();
    assert!(is_hex24(mock.org_id()) && is_hex24(mock.project_id()));
    assert_ne!(mock.org_id(), mock.project_id());
    let cid = mock.client_id();
    assert!(
        cid.starts_with("mdb_sa_id_")
            && cid[10..].len() == 24
            && cid[10..].bytes().all(|b| b.is_ascii_hexdigit())
    );
    assert!(mock.client_secret().starts_with("mdb_sa_sk_"));
    assert_eq!(mock.public_api_key().len(), 8);
    assert_eq!(mock.private_api_key().len(), 36);
    assert!(!format!("{mock:?}").contains(mock.client_secret()));
    assert!(!format!("{mock:?}").contains(mock.private_api_key()));

    let r = token_request(&mock, cid, mock.client_secret());
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let doc = r.json();
    assert_eq!(doc["token_type"], "Bearer");
    assert_eq!(doc["expires_in"], 3600);
    let token = doc["access_token"].as_str().unwrap().to_owned();
    assert!(token.len() >= 32);
    assert_eq!(mock.live_token_count(cid), 1);

    let api = Api::with_token(&mock, token);
    let r = api.call("GET", &api.org(), None);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.header("ratelimit-limit").is_some() && r.header("ratelimit-remaining").is_some());
    // The secret was marked used.
    assert!(
        mock.service_account(cid).unwrap().secrets[0]
            .last_used_at
            .is_some()
    );
    let listed = &r.json()["results"][0]["secrets"][0];
    assert!(listed["lastUsedAt"].is_string(), "{listed}");
}

#[test]
fn token_endpoint_errors() {
    let mock = MockAtlas::start();
    let url = format!("{}/api/oauth/token", mock.url());
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let good = basic(mock.client_id(), mock.client_secret());
    type Case<'a> = (u16, &'a str, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            401,
            "invalid_client",
            vec![form],
            "grant_type=client_credentials",
        ),
        (
            401,
            "invalid_client",
            vec![form, ("Authorization", "Basic !!!")],
            "grant_type=client_credentials",
        ),
        (
            400,
            "unsupported_grant_type",
            vec![form, ("Authorization", &good)],
            "grant_type=password",
        ),
        (
            400,
            "invalid_request",
            vec![form, ("Authorization", &good)],
            "scope=x",
        ),
        (
            400,
            "invalid_request",
            vec![
                ("Content-Type", "application/json"),
                ("Authorization", &good),
            ],
            r#"{"grant_type":"client_credentials"}"#,
        ),
    ];
    for (status, error, headers, body) in cases {
        let r = send(&agent(), "POST", &url, &headers, Some(body));
        assert_eq!(r.status, status, "{body}: {}", r.body);
        assert_eq!(r.json()["error"], error);
        assert!(r.json()["error_description"].is_string());
    }
    let bad = basic(mock.client_id(), "mdb_sa_sk_wrong");
    let r = send(
        &agent(),
        "POST",
        &url,
        &[form, ("Authorization", &bad)],
        Some("grant_type=client_credentials"),
    );
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    assert!(r.header("www-authenticate").unwrap().starts_with("Basic"));
    let r = send(&agent(), "GET", &url, &[], None);
    assert_eq!(r.status, 405);
    assert_eq!(mock.live_token_count(mock.client_id()), 0);
}

#[test]
fn created_accounts_authenticate_and_a_rotation_works_end_to_end() {
    let mock = MockAtlas::start();
    let owner = Api::owner(&mock);
    let (cid, first) = owner.create_org_account("rotating", &["ORG_OWNER"]);

    // The new account authenticates with its own secret and can call the API.
    let api = Api::with_token(&mock, token_for(&mock, &cid, &first));
    assert_eq!(
        api.call("GET", &format!("{}/{cid}", api.org()), None)
            .status,
        200
    );

    // Rotation: a new secret, a token with it, the old secret deleted and refused.
    let r = api.call(
        "POST",
        &format!("{}/{cid}/secrets", api.org()),
        Some(r#"{"secretExpiresAfterHours": 24}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let second = r.json()["secret"].as_str().unwrap().to_owned();
    let second_token = token_for(&mock, &cid, &second);
    let old_id = mock.service_account(&cid).unwrap().secrets[0].id.clone();
    let rotated = Api::with_token(&mock, second_token);
    let r = rotated.call(
        "DELETE",
        &format!("{}/{cid}/secrets/{old_id}", api.org()),
        None,
    );
    assert_eq!(r.status, 204, "{}", r.body);
    let r = token_request(&mock, &cid, &first);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    assert_eq!(token_request(&mock, &cid, &second).status, 200);
    assert_eq!(mock.secret_count(&cid), 1);

    // A deleted account's tokens and secrets stop working.
    assert_eq!(
        owner
            .call("DELETE", &format!("{}/{cid}", api.org()), None)
            .status,
        204
    );
    rotated
        .call("GET", &api.org(), None)
        .api_error(401, "UNAUTHORIZED");
    assert_eq!(token_request(&mock, &cid, &second).status, 401);
}

#[test]
fn expired_secrets_are_refused() {
    // One "hour" of secretExpiresAfterHours lasts one second here.
    let hour = Duration::from_secs(1);
    let mock = MockAtlas::builder().secret_hour(hour).start().unwrap();
    let owner = Api::owner(&mock);
    let r = owner.call(
        "POST",
        &format!("{}/{}/secrets", owner.org(), mock.client_id()),
        Some(r#"{"secretExpiresAfterHours": 1}"#),
    );
    let created = Instant::now();
    assert_eq!(r.status, 201);
    let short = r.json()["secret"].as_str().unwrap().to_owned();
    let before = token_request(&mock, mock.client_id(), &short);
    if created.elapsed() < hour {
        assert_eq!(before.status, 200, "{}", before.body);
    }
    std::thread::sleep(hour.saturating_sub(created.elapsed()) + Duration::from_millis(100));
    let r = token_request(&mock, mock.client_id(), &short);
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.json()["error"], "invalid_client");
    // Still listed (Atlas lists expired secrets until they are deleted).
    assert_eq!(mock.secret_count(mock.client_id()), 2);

    // The same with the emulator's clock instead of a sleep.
    let mock = MockAtlas::start();
    let (cid, secret) = Api::owner(&mock).create_org_account("short", &["ORG_MEMBER"]);
    assert_eq!(token_request(&mock, &cid, &secret).status, 200);
    mock.advance_clock(Duration::from_secs(24 * 3600));
    assert_eq!(token_request(&mock, &cid, &secret).status, 401);
}

#[test]
fn expired_and_revoked_tokens_are_refused() {
    let lifetime = Duration::from_secs(1);
    let mock = MockAtlas::builder()
        .token_lifetime(lifetime)
        .start()
        .unwrap();
    let r = token_request(&mock, mock.client_id(), mock.client_secret());
    let issued = Instant::now();
    assert_eq!(r.json()["expires_in"], 1);
    let api = Api::with_token(&mock, r.json()["access_token"].as_str().unwrap().to_owned());
    let before = api.call("GET", &api.org(), None);
    if issued.elapsed() < lifetime {
        assert_eq!(before.status, 200);
    }
    std::thread::sleep(lifetime.saturating_sub(issued.elapsed()) + Duration::from_millis(100));
    let r = api.call("GET", &api.org(), None);
    let doc = r.api_error(401, "UNAUTHORIZED");
    assert!(doc["detail"].as_str().unwrap().contains("expired"), "{doc}");
    assert_eq!(r.headers_named("www-authenticate").len(), 2);

    // Revocation.
    let mock = MockAtlas::start();
    let token = token_for(&mock, mock.client_id(), mock.client_secret());
    let api = Api::with_token(&mock, token.clone());
    assert_eq!(api.call("GET", &api.org(), None).status, 200);
    let revoke = format!("{}/api/oauth/revoke", mock.url());
    let form = ("Content-Type", "application/x-www-form-urlencoded");
    let body = format!("token={token}&token_type_hint=access_token");
    // Another account cannot revoke it; bad credentials are refused.
    let other = mock.add_service_account("other", &["ORG_MEMBER"]);
    let r = send(
        &agent(),
        "POST",
        &revoke,
        &[
            form,
            (
                "Authorization",
                &basic(&other.client_id, &other.client_secret),
            ),
        ],
        Some(&body),
    );
    assert_eq!(r.status, 200);
    assert_eq!(api.call("GET", &api.org(), None).status, 200);
    let r = send(
        &agent(),
        "POST",
        &revoke,
        &[form, ("Authorization", &basic(mock.client_id(), "nope"))],
        Some(&body),
    );
    assert_eq!(r.status, 401);
    let r = send(
        &agent(),
        "POST",
        &revoke,
        &[
            form,
            (
                "Authorization",
                &basic(mock.client_id(), mock.client_secret()),
            ),
        ],
        Some("token_type_hint=access_token"),
    );
    assert_eq!(r.status, 400);
    // The owner revokes it.
    let r = send(
        &agent(),
        "POST",
        &revoke,
        &[
            form,
            (
                "Authorization",
                &basic(mock.client_id(), mock.client_secret()),
            ),
        ],
        Some(&body),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let doc = api
        .call("GET", &api.org(), None)
        .api_error(401, "UNAUTHORIZED");
    assert!(doc["detail"].as_str().unwrap().contains("revoked"), "{doc}");
    assert_eq!(mock.live_token_count(mock.client_id()), 0);
}

#[test]
fn unauthenticated_calls_get_401_with_digest_challenges() {
    let mock = MockAtlas::builder().rate_limit(5, 1.0).start().unwrap();
    let url = format!(
        "{}/api/atlas/v2/orgs/{}/serviceAccounts",
        mock.url(),
        mock.org_id()
    );
    for auth in [
        None,
        Some("Bearer not-a-token"),
        Some("Basic Zm9vOmJhcg=="),
        Some("Digest garbage"),
    ] {
        let mut headers = vec![("Accept", V)];
        if let Some(a) = auth {
            headers.push(("Authorization", a));
        }
        let r = send(&agent(), "GET", &url, &headers, None);
        r.api_error(401, "UNAUTHORIZED");
        let challenges = r.headers_named("www-authenticate");
        assert_eq!(challenges.len(), 2, "{auth:?}");
        let md5 = challenge_params(challenges[0]);
        let sha = challenge_params(challenges[1]);
        assert_eq!(md5["algorithm"], "MD5");
        assert_eq!(sha["algorithm"], "SHA-256");
        assert_eq!(md5["realm"], "MMS Public API");
        assert_eq!(md5["qop"], "auth");
        assert_eq!(md5["stale"], "false");
        assert_eq!(md5["nonce"], sha["nonce"]);
        // Unauthenticated calls do not spend the bucket.
        assert_eq!(r.header("ratelimit-remaining"), Some("5"));
    }
}

/// Fetches a fresh nonce with an unauthenticated request.
fn nonce(url: &str) -> String {
    let r = send(&agent(), "GET", url, &[("Accept", V)], None);
    assert_eq!(r.status, 401);
    challenge_params(r.headers_named("www-authenticate")[0])["nonce"].clone()
}

#[test]
fn digest_md5_and_sha256_with_nonce_reuse_and_replays_refused() {
    let mock = MockAtlas::start();
    let path = format!(
        "/api/atlas/v2/orgs/{}/serviceAccounts?pretty=true",
        mock.org_id()
    );
    let url = format!("{}{path}", mock.url());
    let n = nonce(&url);
    let (user, pass) = (mock.public_api_key(), mock.private_api_key());
    let call = |alg: &str, nc: u32, password: &str| {
        let h = digest_header(alg, user, password, "MMS Public API", &n, nc, "GET", &path);
        send(
            &agent(),
            "GET",
            &url,
            &[("Accept", V), ("Authorization", &h)],
            None,
        )
    };
    assert_eq!(call("MD5", 1, pass).status, 200);
    // The same nonce with the next counts: one round trip per call.
    assert_eq!(call("MD5", 2, pass).status, 200);
    assert_eq!(call("SHA-256", 3, pass).status, 200);
    // A replayed count is refused (not stale).
    let r = call("MD5", 2, pass);
    let doc = r.api_error(401, "UNAUTHORIZED");
    assert!(
        doc["detail"].as_str().unwrap().contains("already used"),
        "{doc}"
    );
    assert_eq!(
        challenge_params(r.headers_named("www-authenticate")[0])["stale"],
        "false"
    );
    // A wrong key.
    let r = call("MD5", 4, "wrong");
    assert_eq!(r.status, 401);
    assert_eq!(
        challenge_params(r.headers_named("www-authenticate")[0])["stale"],
        "false"
    );

    // The API key (ORG_OWNER) can write: POST with a body, signed over the path.
    let secrets = format!(
        "/api/atlas/v2/orgs/{}/serviceAccounts/{}/secrets",
        mock.org_id(),
        mock.client_id()
    );
    let h = digest_header(
        "SHA-256",
        user,
        pass,
        "MMS Public API",
        &n,
        5,
        "POST",
        &secrets,
    );
    let r = send(
        &agent(),
        "POST",
        &format!("{}{secrets}", mock.url()),
        &[("Accept", V), ("Content-Type", V), ("Authorization", &h)],
        Some(r#"{"secretExpiresAfterHours": 1}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    // Signed for another uri: refused.
    let h = digest_header(
        "MD5",
        user,
        pass,
        "MMS Public API",
        &n,
        6,
        "GET",
        "/elsewhere",
    );
    assert_eq!(
        send(
            &agent(),
            "GET",
            &url,
            &[("Accept", V), ("Authorization", &h)],
            None
        )
        .status,
        401
    );
}

#[test]
fn digest_nonce_goes_stale_after_its_lifetime() {
    let mock = MockAtlas::builder()
        .nonce_lifetime(Duration::from_millis(500))
        .start()
        .unwrap();
    let path = format!("/api/atlas/v2/orgs/{}/serviceAccounts", mock.org_id());
    let url = format!("{}{path}", mock.url());
    let n = nonce(&url);
    let sign = |nc: u32, nonce: &str| {
        digest_header(
            "MD5",
            mock.public_api_key(),
            mock.private_api_key(),
            "MMS Public API",
            nonce,
            nc,
            "GET",
            &path,
        )
    };
    assert_eq!(
        send(
            &agent(),
            "GET",
            &url,
            &[("Accept", V), ("Authorization", &sign(1, &n))],
            None
        )
        .status,
        200
    );
    std::thread::sleep(Duration::from_millis(600));
    let r = send(
        &agent(),
        "GET",
        &url,
        &[("Accept", V), ("Authorization", &sign(2, &n))],
        None,
    );
    r.api_error(401, "UNAUTHORIZED");
    let challenge = challenge_params(r.headers_named("www-authenticate")[0]);
    assert_eq!(challenge["stale"], "true");
    // The new nonce works at once.
    let fresh = challenge["nonce"].clone();
    assert_ne!(fresh, n);
    assert_eq!(
        send(
            &agent(),
            "GET",
            &url,
            &[("Accept", V), ("Authorization", &sign(1, &fresh))],
            None
        )
        .status,
        200
    );
    // And the emulator's clock ages nonces too.
    mock.advance_clock(Duration::from_secs(1));
    let r = send(
        &agent(),
        "GET",
        &url,
        &[("Accept", V), ("Authorization", &sign(2, &fresh))],
        None,
    );
    assert_eq!(
        challenge_params(r.headers_named("www-authenticate")[0])["stale"],
        "true"
    );
}

#[test]
fn roles_decide_what_a_caller_may_do() {
    let mock = MockAtlas::start();
    let owner = Api::owner(&mock);
    let org = owner.org();
    let group = owner.group();
    let body = json!({"name": "x", "description": "y", "roles": ["ORG_MEMBER"], "secretExpiresAfterHours": 1}).to_string();

    // An organization member reads but does not create or touch secrets.
    let member = mock.add_service_account("member", &["ORG_MEMBER"]);
    let m = Api::with_token(
        &mock,
        token_for(&mock, &member.client_id, &member.client_secret),
    );
    assert_eq!(m.call("GET", &org, None).status, 200);
    let doc = m
        .call("POST", &org, Some(&body))
        .api_error(403, "USER_UNAUTHORIZED");
    assert!(doc["detail"].as_str().unwrap().contains("not authorized"));
    m.call(
        "POST",
        &format!("{org}/{}/secrets", mock.client_id()),
        Some(r#"{"secretExpiresAfterHours": 1}"#),
    )
    .api_error(403, "USER_UNAUTHORIZED");
    m.call("DELETE", &format!("{org}/{}", mock.client_id()), None)
        .api_error(403, "USER_UNAUTHORIZED");
    // Not in the project: no project reads either.
    m.call("GET", &group, None)
        .api_error(403, "USER_UNAUTHORIZED");
    assert_eq!(mock.service_accounts().len(), 2);

    // A project owner manages the project's service accounts, not the organization's.
    let r = owner.call(
        "POST",
        &format!("{group}/{}:invite", member.client_id),
        Some(r#"{"roles": ["GROUP_OWNER"]}"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let project_body = json!({"name": "p", "description": "q", "roles": ["GROUP_READ_ONLY"], "secretExpiresAfterHours": 1}).to_string();
    let r = m.call("POST", &group, Some(&project_body));
    assert_eq!(r.status, 201, "{}", r.body);
    let reader_cid = r.json()["clientId"].as_str().unwrap().to_owned();
    let reader_secret = r.json()["secrets"][0]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    m.call(
        "POST",
        &format!("{group}/{reader_cid}:invite"),
        Some(r#"{"roles": ["GROUP_OWNER"]}"#),
    )
    .api_error(403, "USER_UNAUTHORIZED");

    // A project read-only account lists, but cannot create.
    let reader = Api::with_token(&mock, token_for(&mock, &reader_cid, &reader_secret));
    assert_eq!(reader.call("GET", &group, None).status, 200);
    reader
        .call("POST", &group, Some(&project_body))
        .api_error(403, "USER_UNAUTHORIZED");

    // An organization that does not exist.
    owner
        .call(
            "GET",
            "/api/atlas/v2/orgs/bbbbbbbbbbbbbbbbbbbbbbbb/serviceAccounts",
            None,
        )
        .api_error(404, "ORG_NOT_FOUND");
}

#[test]
fn rate_limit_bucket() {
    let mock = MockAtlas::builder().rate_limit(3, 2.0).start().unwrap();
    let api = Api::owner(&mock);
    let org = api.org();
    for remaining in ["2", "1", "0"] {
        let r = api.call("GET", &org, None);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("ratelimit-limit"), Some("3"));
        assert_eq!(r.header("ratelimit-remaining"), Some(remaining));
    }
    let r = api.call("GET", &org, None);
    r.api_error(429, "RATE_LIMITED");
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(r.header("ratelimit-remaining"), Some("0"));
    // The token endpoint is not part of the bucket.
    assert_eq!(
        token_request(&mock, mock.client_id(), mock.client_secret()).status,
        200
    );
    // Refilled at 2 per second.
    mock.advance_clock(Duration::from_millis(600));
    assert_eq!(api.call("GET", &org, None).status, 200);

    // Without a bucket, nominal headers.
    let plain = MockAtlas::start();
    let api = Api::owner(&plain);
    let r = api.call("GET", &api.org(), None);
    assert_eq!(r.header("ratelimit-limit"), Some("100"));
    assert_eq!(r.header("ratelimit-remaining"), Some("100"));
}

#[test]
fn token_endpoint_allows_ten_a_minute_per_client() {
    let mock = MockAtlas::start();
    for _ in 0..10 {
        assert_eq!(
            token_request(&mock, mock.client_id(), mock.client_secret()).status,
            200
        );
    }
    let r = token_request(&mock, mock.client_id(), mock.client_secret());
    assert_eq!(r.status, 429, "{}", r.body);
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Counted per client id.
    let other = mock.add_service_account("other", &["ORG_MEMBER"]);
    assert_eq!(
        token_request(&mock, &other.client_id, &other.client_secret).status,
        200
    );
    // A minute later, allowed again.
    mock.advance_clock(Duration::from_secs(60));
    assert_eq!(
        token_request(&mock, mock.client_id(), mock.client_secret()).status,
        200
    );

    // Switched off.
    let unlimited = MockAtlas::builder()
        .token_endpoint_limit(None)
        .start()
        .unwrap();
    for _ in 0..15 {
        assert_eq!(
            token_request(&unlimited, unlimited.client_id(), unlimited.client_secret()).status,
            200
        );
    }
    // A custom limit.
    let two = MockAtlas::builder()
        .token_endpoint_limit(Some((2, Duration::from_secs(5))))
        .start()
        .unwrap();
    assert_eq!(
        token_request(&two, two.client_id(), two.client_secret()).status,
        200
    );
    assert_eq!(
        token_request(&two, two.client_id(), two.client_secret()).status,
        200
    );
    assert_eq!(
        token_request(&two, two.client_id(), two.client_secret()).status,
        429
    );
}

#[test]
fn live_token_cap() {
    let mock = MockAtlas::builder().max_live_tokens(2).start().unwrap();
    let first = token_for(&mock, mock.client_id(), mock.client_secret());
    token_for(&mock, mock.client_id(), mock.client_secret());
    let r = token_request(&mock, mock.client_id(), mock.client_secret());
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["error"], "access_denied");
    let r = send(
        &agent(),
        "POST",
        &format!("{}/api/oauth/revoke", mock.url()),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            (
                "Authorization",
                &basic(mock.client_id(), mock.client_secret()),
            ),
        ],
        Some(&format!("token={first}")),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        token_request(&mock, mock.client_id(), mock.client_secret()).status,
        200
    );
}

#[test]
fn failed_token_requests_do_not_spend_the_owners_quota() {
    let mock = MockAtlas::start();
    // Someone who knows the owner's client id (not a secret) guesses, fifteen times.
    let statuses: Vec<u16> = (0..15)
        .map(|_| token_request(&mock, mock.client_id(), "mdb_sa_sk_wrong").status)
        .collect();
    assert_eq!(statuses[..10], [401; 10]);
    // Failures are limited per source address, apart from the owner's quota…
    let r = token_request(&mock, mock.client_id(), "mdb_sa_sk_wrong");
    assert_eq!(r.status, 429, "{}", r.body);
    assert_eq!(r.json()["error"], "rate_limit_exceeded");
    assert!(r.header("retry-after").is_some());
    // …so the owner, even from the same address, has its ten a minute whole.
    for i in 0..10 {
        let r = token_request(&mock, mock.client_id(), mock.client_secret());
        assert_eq!(r.status, 200, "#{i}: {}", r.body);
    }
    let r = token_request(&mock, mock.client_id(), mock.client_secret());
    assert_eq!(r.status, 429, "the eleventh: {}", r.body);
    // Without credentials at all: counted as failures too.
    let bare = send(
        &agent(),
        "POST",
        &format!("{}/api/oauth/token", mock.url()),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some("grant_type=client_credentials"),
    );
    assert_eq!(bare.status, 429);
    // Switched off: failures are 401 forever.
    let lenient = MockAtlas::builder()
        .failed_token_limit(None)
        .start()
        .unwrap();
    for _ in 0..15 {
        assert_eq!(
            token_request(&lenient, lenient.client_id(), "mdb_sa_sk_wrong").status,
            401
        );
    }
}

#[test]
fn a_hundred_live_tokens_per_account_by_default() {
    let mock = MockAtlas::builder()
        .token_endpoint_limit(None)
        .start()
        .unwrap();
    let tokens: Vec<String> = (0..100)
        .map(|_| token_for(&mock, mock.client_id(), mock.client_secret()))
        .collect();
    assert_eq!(mock.live_token_count(mock.client_id()), 100);
    let r = token_request(&mock, mock.client_id(), mock.client_secret());
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(r.json()["error"], "access_denied");
    // An expired token no longer counts.
    mock.advance_clock(Duration::from_secs(3601));
    assert_eq!(mock.live_token_count(mock.client_id()), 0);
    assert!(!token_for(&mock, mock.client_id(), mock.client_secret()).is_empty());
    assert!(tokens.iter().all(|t| t.len() > 20));
}

/// The owner invites an account to the project read-only; a `GROUP_OWNER` of the
/// project tries to take it over through the project routes.
fn escalation(mock: &MockAtlas) -> (Api<'_>, String) {
    let owner = Api::owner(mock);
    let group = owner.group();
    let created = owner.call(
        "POST",
        &group,
        Some(
            &json!({"name": "project owner", "description": "d", "roles": ["GROUP_OWNER"],
                "secretExpiresAfterHours": 8})
            .to_string(),
        ),
    );
    assert_eq!(created.status, 201, "{}", created.body);
    let doc = created.json();
    let (cid, secret) = (
        doc["clientId"].as_str().unwrap().to_owned(),
        doc["secrets"][0]["secret"].as_str().unwrap().to_owned(),
    );
    let invited = owner.call(
        "POST",
        &format!("{group}/{}:invite", mock.client_id()),
        Some(r#"{"roles": ["GROUP_READ_ONLY"]}"#),
    );
    assert_eq!(invited.status, 200, "{}", invited.body);
    let project_owner = Api::with_token(mock, token_for(mock, &cid, &secret));
    (project_owner, cid)
}

#[test]
fn project_routes_cannot_mint_secrets_for_org_level_accounts() {
    let mock = MockAtlas::start();
    let (po, po_cid) = escalation(&mock);
    let group = po.group();
    let victim = format!("{group}/{}", mock.client_id());
    let secret = r#"{"secretExpiresAfterHours": 8}"#;
    let r = po.call("POST", &format!("{victim}/secrets"), Some(secret));
    let doc = r.api_error(403, "USER_UNAUTHORIZED");
    assert!(
        doc["detail"]
            .as_str()
            .unwrap()
            .contains("organization level")
    );
    assert_eq!(mock.secret_count(mock.client_id()), 1);
    let r = po.call(
        "POST",
        &format!("{victim}/accessList"),
        Some(r#"[{"cidrBlock": "0.0.0.0/0"}]"#),
    );
    r.api_error(403, "USER_UNAUTHORIZED");
    let first_secret = mock.service_account(mock.client_id()).unwrap().secrets[0]
        .id
        .clone();
    let r = po.call("DELETE", &format!("{victim}/secrets/{first_secret}"), None);
    r.api_error(403, "USER_UNAUTHORIZED");
    // It still manages itself and the project's own accounts.
    let own = po.call("POST", &format!("{group}/{po_cid}/secrets"), Some(secret));
    assert_eq!(own.status, 201, "{}", own.body);
    let other = po.call(
        "POST",
        &group,
        Some(
            &json!({"name": "worker", "description": "d", "roles": ["GROUP_READ_ONLY"],
                "secretExpiresAfterHours": 8})
            .to_string(),
        ),
    );
    assert_eq!(other.status, 201, "{}", other.body);
    let worker = other.json()["clientId"].as_str().unwrap().to_owned();
    let r = po.call("POST", &format!("{group}/{worker}/secrets"), Some(secret));
    assert_eq!(r.status, 201, "{}", r.body);
    // The organization owner still can, at either level.
    let owner = Api::owner(&mock);
    let r = owner.call("POST", &format!("{victim}/secrets"), Some(secret));
    assert_eq!(r.status, 201, "{}", r.body);
    // A project-only account also in a project the caller does not own is out of reach.
    let elsewhere = mock.add_project();
    let r = owner.call(
        "POST",
        &format!("/api/atlas/v2/groups/{elsewhere}/serviceAccounts/{worker}:invite"),
        Some(r#"{"roles": ["GROUP_OWNER"]}"#),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = po.call("POST", &format!("{group}/{worker}/secrets"), Some(secret));
    r.api_error(403, "USER_UNAUTHORIZED");
}

#[test]
fn project_routes_reaching_org_accounts_can_be_allowed() {
    let mock = MockAtlas::builder()
        .project_routes_reach_org_accounts(true)
        .start()
        .unwrap();
    let (po, _) = escalation(&mock);
    let r = po.call(
        "POST",
        &format!("{}/{}/secrets", po.group(), mock.client_id()),
        Some(r#"{"secretExpiresAfterHours": 8}"#),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    // The permissive reading, spelled out: the minted secret acts as the owner.
    let minted = r.json()["secret"].as_str().unwrap().to_owned();
    let as_owner = Api::with_token(&mock, token_for(&mock, mock.client_id(), &minted));
    let r = as_owner.call("GET", &as_owner.org(), None);
    assert_eq!(r.status, 200);
}

/// The project-route rule is part of admission, as the spec's roles are: a script sees
/// only requests that pass it.
#[test]
fn project_routes_stop_at_the_project_for_scripted_operations_too() {
    let mock = MockAtlas::start();
    let (po, _) = escalation(&mock);
    mock.on(
        "createGroupServiceAccountSecret",
        |_req: &ScriptedRequest| ScriptedResponse::json(201, json!({"scripted": true})),
    )
    .unwrap();
    let victim = format!("{}/{}/secrets", po.group(), mock.client_id());
    let secret = r#"{"secretExpiresAfterHours": 8}"#;
    let r = po.call("POST", &victim, Some(secret));
    let doc = r.api_error(403, "USER_UNAUTHORIZED");
    assert!(
        doc["detail"]
            .as_str()
            .unwrap()
            .contains("organization level")
    );
    let owner = Api::owner(&mock);
    let r = owner.call("POST", &victim, Some(secret));
    assert_eq!((r.status, r.json()), (201, json!({"scripted": true})));
    assert_eq!(mock.secret_count(mock.client_id()), 1);
}
