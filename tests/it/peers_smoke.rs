//! Smoke tests of the real peers in `atlas_test_support::peers`, driven with a plain HTTP client
//! (no SDK code): Apache's Digest guard and echo CGI, and oauth2-mock-server's token
//! endpoint and request log. Each test skips (passes) when its peer is not installed,
//! except under CI, where a missing peer fails it.

use atlas_test_needs::needs;
use std::net::TcpStream;
use std::time::Duration;

use atlas_test_support::peers::{ApacheDigest, DigestOptions, OAuthMock, OAuthOptions};
use md5::{Digest as _, Md5};

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

fn header(resp: &ureq::http::Response<ureq::Body>, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn md5_hex(s: &str) -> String {
    Md5::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The parameters of a `Digest …` challenge.
fn challenge_params(header: &str) -> Vec<(String, String)> {
    let rest = header.strip_prefix("Digest ").expect("a Digest challenge");
    let mut out = Vec::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ' ' || *c == ',') {
            chars.next();
        }
        let name: String = chars.by_ref().take_while(|c| *c != '=').collect();
        if name.is_empty() {
            return out;
        }
        let value: String = if chars.peek() == Some(&'"') {
            chars.next();
            chars.by_ref().take_while(|c| *c != '"').collect()
        } else {
            chars.by_ref().take_while(|c| *c != ',').collect()
        };
        out.push((name.trim().to_string(), value.trim().to_string()));
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// An RFC 2617 `Authorization: Digest …` (MD5, qop=auth) for `method uri`.
fn authorization(o: &DigestOptions, nonce: &str, nc: u32, method: &str, uri: &str) -> String {
    let cnonce = "0a4f113b";
    let nc = format!("{nc:08x}");
    let ha1 = md5_hex(&format!("{}:{}:{}", o.user, o.realm, o.password));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let response = md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{}\", realm=\"{}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         algorithm=MD5, response=\"{response}\", qop=auth, nc={nc}, cnonce=\"{cnonce}\"",
        o.user, o.realm
    )
}

fn nonce_of(resp: &ureq::http::Response<ureq::Body>) -> (String, Vec<(String, String)>) {
    let challenge = header(resp, "www-authenticate").expect("a WWW-Authenticate header");
    let params = challenge_params(&challenge);
    let nonce = param(&params, "nonce").expect("a nonce").to_string();
    (nonce, params)
}

#[needs(apache)]
fn apache_challenges_then_accepts_a_digest_get_and_post() {
    let apache = ApacheDigest::start(DigestOptions::new("alice-key", "s3cr3t pw"));
    let o = apache.options().clone();
    let agent = agent();

    let uri = "/api/atlas/v2/groups/5f1a?pretty=true&itemsPerPage=2";
    let resp = agent.get(format!("{}{uri}", apache.url())).call().unwrap();
    assert_eq!(resp.status(), 401);
    let challenge = header(&resp, "www-authenticate").unwrap();
    assert!(challenge.starts_with("Digest "), "{challenge}");
    let (nonce, params) = nonce_of(&resp);
    assert_eq!(param(&params, "realm"), Some("MMS Public API"));
    assert_eq!(param(&params, "algorithm"), Some("MD5"));
    assert_eq!(param(&params, "qop"), Some("auth"));
    assert_eq!(param(&params, "stale"), None);

    let mut resp = agent
        .get(format!("{}{uri}", apache.url()))
        .header("Authorization", authorization(&o, &nonce, 1, "GET", uri))
        .header("Accept", "application/vnd.atlas.2023-01-01+json")
        .call()
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", apache.error_log());
    let echo: serde_json::Value =
        serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(echo["method"], "GET");
    assert_eq!(echo["path"], "/api/atlas/v2/groups/5f1a");
    assert_eq!(echo["query"], "pretty=true&itemsPerPage=2");
    assert_eq!(echo["user"], "alice-key");
    assert_eq!(echo["accept"], "application/vnd.atlas.2023-01-01+json");
    assert_eq!(echo["bodyLength"], 0);

    // A POST on the same nonce with the next nonce count; the body arrives intact.
    let body = "{\"name\":\"a \\\"quoted\\\" \\\\ name é\",\n\"n\":1}";
    let post_uri = "/api/atlas/v2/groups";
    let mut resp = agent
        .post(format!("{}{post_uri}", apache.url()))
        .header(
            "Authorization",
            authorization(&o, &nonce, 2, "POST", post_uri),
        )
        .header("Content-Type", "application/json")
        .send(body)
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", apache.error_log());
    let echo: serde_json::Value =
        serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(echo["method"], "POST");
    assert_eq!(echo["path"], post_uri);
    assert_eq!(echo["contentType"], "application/json");
    assert_eq!(echo["bodyLength"], body.len());
    assert_eq!(echo["body"], body);

    // A wrong password is refused.
    let wrong = DigestOptions {
        password: "nope".into(),
        ..o.clone()
    };
    let resp = agent
        .get(format!("{}{uri}", apache.url()))
        .header(
            "Authorization",
            authorization(&wrong, &nonce, 3, "GET", uri),
        )
        .call()
        .unwrap();
    assert_eq!(resp.status(), 401);

    let lines = apache.wait_for_lines(4);
    let seen: Vec<(u16, &str, &str, Option<&str>)> = lines
        .iter()
        .map(|l| {
            (
                l.status,
                l.method.as_str(),
                l.uri.as_str(),
                l.user.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (401, "GET", uri, None),
            (200, "GET", uri, Some("alice-key")),
            (200, "POST", post_uri, Some("alice-key")),
            // mod_auth_digest records the claimed user even when refusing it.
            (401, "GET", uri, Some("alice-key")),
        ]
    );
}

#[needs(apache)]
fn apache_answers_an_expired_nonce_with_stale_true() {
    let apache = ApacheDigest::start(DigestOptions {
        nonce_lifetime_secs: 1,
        ..DigestOptions::default()
    });
    let o = apache.options().clone();
    let agent = agent();
    let uri = "/api/atlas/v2/orgs";
    let url = format!("{}{uri}", apache.url());
    let (nonce, _) = nonce_of(&agent.get(&url).call().unwrap());
    let resp = agent
        .get(&url)
        .header("Authorization", authorization(&o, &nonce, 1, "GET", uri))
        .call()
        .unwrap();
    assert_eq!(resp.status(), 200);
    // Apache compares the nonce's age (µs) with the lifetime: past 1 s it is stale.
    std::thread::sleep(Duration::from_millis(1300));
    let resp = agent
        .get(&url)
        .header("Authorization", authorization(&o, &nonce, 2, "GET", uri))
        .call()
        .unwrap();
    assert_eq!(resp.status(), 401);
    let (fresh, params) = nonce_of(&resp);
    assert_eq!(param(&params, "stale"), Some("true"));
    assert_ne!(fresh, nonce);
    let resp = agent
        .get(&url)
        .header("Authorization", authorization(&o, &fresh, 1, "GET", uri))
        .call()
        .unwrap();
    assert_eq!(resp.status(), 200);
}

#[needs(apache)]
fn apache_is_gone_after_drop() {
    let apache = ApacheDigest::start(DigestOptions::default());
    let port = apache.port();
    let dir = apache.dir().to_path_buf();
    assert!(TcpStream::connect(("127.0.0.1", port)).is_ok());
    drop(apache);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    assert!(!dir.exists() || std::env::var_os("ATLAS_PEERS_KEEP").is_some());
}

#[needs(oauth_mock)]
fn oauth_mock_issues_tokens_and_counts_requests() {
    let oauth = OAuthMock::start(120);
    let agent = agent();
    assert_eq!(oauth.token_requests(), 0);

    // client id `sa-client`, secret `sa-secret`
    let mut resp = agent
        .post(oauth.token_url())
        .header("Authorization", "Basic c2EtY2xpZW50OnNhLXNlY3JldA==")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("grant_type=client_credentials")
        .unwrap();
    assert_eq!(resp.status(), 200, "{}", oauth.stderr());
    let token: serde_json::Value =
        serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(token["token_type"], "Bearer");
    assert_eq!(token["expires_in"], 120);
    let jwt = token["access_token"].as_str().unwrap();
    assert_eq!(jwt.split('.').count(), 3, "{jwt}");

    assert_eq!(oauth.token_requests(), 1);
    let log = oauth.token_request_log();
    assert_eq!(log[0].status, 200);
    assert_eq!(log[0].grant_type.as_deref(), Some("client_credentials"));
    assert_eq!(log[0].client_id.as_deref(), Some("sa-client"));
    assert_eq!(log[0].auth, "basic");
    assert!(!oauth.token_request_lines()[0].contains("sa-secret"));

    let resp = agent
        .post(oauth.revoke_url().unwrap())
        .header("Authorization", "Basic c2EtY2xpZW50OnNhLXNlY3JldA==")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send(format!("token={jwt}&token_type_hint=access_token"))
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(oauth.revoke_requests(), 1);
    assert_eq!(oauth.token_requests(), 1);

    let mut resp = agent
        .get(format!(
            "{}/.well-known/openid-configuration",
            oauth.issuer()
        ))
        .call()
        .unwrap();
    let discovery: serde_json::Value =
        serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(discovery["issuer"], oauth.issuer());
    assert_eq!(discovery["token_endpoint"], oauth.token_url());

    let port = oauth.port();
    drop(oauth);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[needs(oauth_mock)]
fn oauth_mock_checks_client_credentials_when_asked() {
    let oauth = OAuthMock::start_with(OAuthOptions {
        token_lifetime_secs: 60,
        client: Some(("mdb_sa_id_1".into(), "mdb_sa_sk_2".into())),
    });
    let agent = agent();
    let post = |basic: &str| {
        agent
            .post(oauth.token_url())
            .header("Authorization", format!("Basic {basic}"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .send("grant_type=client_credentials")
            .unwrap()
            .status()
    };
    // mdb_sa_id_1:wrong
    assert_eq!(post("bWRiX3NhX2lkXzE6d3Jvbmc="), 401);
    // mdb_sa_id_1:mdb_sa_sk_2
    assert_eq!(post("bWRiX3NhX2lkXzE6bWRiX3NhX3NrXzI="), 200);
    let log = oauth.token_request_log();
    assert_eq!(oauth.token_requests(), 2);
    assert_eq!((log[0].status, log[0].secret_matches), (401, Some(false)));
    assert_eq!((log[1].status, log[1].secret_matches), (200, Some(true)));
}

#[needs(apache)]
fn apache_with_nc_check_refuses_a_replayed_nonce_count() {
    let uri = "/api/atlas/v2/clusters";
    let agent = agent();
    let apache = ApacheDigest::start(DigestOptions {
        nc_check: true,
        ..DigestOptions::default()
    });
    let o = apache.options().clone();
    let url = format!("{}{uri}", apache.url());
    let (nonce, params) = nonce_of(&agent.get(&url).call().unwrap());
    let opaque = param(&params, "opaque").expect("an opaque with AuthDigestNcCheck");
    let auth = |nc| {
        format!(
            "{}, opaque=\"{opaque}\"",
            authorization(&o, &nonce, nc, "GET", uri)
        )
    };
    let status = |nc| {
        agent
            .get(&url)
            .header("Authorization", auth(nc))
            .call()
            .unwrap()
            .status()
    };
    assert_eq!(status(1), 200);
    assert_eq!(status(2), 200);
    assert_eq!(status(2), 401, "a replayed nonce count");
    assert_eq!(status(3), 200);
}

#[needs(apache)]
fn apache_start_panics_with_apaches_own_message_on_a_bad_option() {
    let started = std::time::Instant::now();
    let panic = std::panic::catch_unwind(|| {
        ApacheDigest::start(DigestOptions {
            algorithm: "SHA-256".into(),
            ..DigestOptions::default()
        })
    })
    .expect_err("Apache has no SHA-256 Digest");
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("Unsupported algorithm in AuthDigestAlgorithm: SHA-256"),
        "{message}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}
