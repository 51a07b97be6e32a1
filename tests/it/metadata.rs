//! What comes around a decoded body (issue 11, point 2): status and headers through
//! `send_full`, per-call headers and timeouts, and the headers a call may not set (the
//! client's, the transport's and hop-by-hop ones, issue 21).

use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas_runtime::transport::{ScriptedTransport, Step};
use atlas_runtime::{Client, Error, RequestOptions, RetryPolicy, atlas_endpoint};

#[atlas_endpoint(POST, "/orgs/{orgId}/things", version = "2024-08-05", response = serde_json::Value)]
struct CreateThing {
    org_id: String,
    name: String,
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";

fn client(steps: Vec<Step>) -> (Arc<ScriptedTransport>, Client) {
    let script = Arc::new(ScriptedTransport::new(steps));
    let client = Client::builder()
        .transport(script.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    (script, client)
}

#[test]
fn send_full_returns_status_and_headers() {
    let (_s, client) = client(vec![Step::respond(
        201,
        &[
            ("Content-Type", "application/vnd.atlas.2024-08-05+json"),
            ("RateLimit-Limit", "100"),
            ("RateLimit-Remaining", "97"),
            ("Deprecation", "@1735689600"),
            ("Sunset", "Wed, 01 Jul 2026 00:00:00 GMT"),
            (
                "Location",
                "https://cloud.mongodb.com/api/atlas/v2/orgs/x/things/1",
            ),
        ],
        br#"{"id":"1"}"#.to_vec(),
    )]);
    let answer = client
        .send_full(&CreateThing::new(ORG, "a"), &RequestOptions::new())
        .unwrap();
    assert_eq!(answer.status, 201);
    assert_eq!(answer.body["id"], "1");
    assert_eq!(answer.rate_limit().limit, Some(100));
    assert_eq!(answer.rate_limit().remaining, Some(97));
    assert_eq!(answer.deprecation(), Some("@1735689600"));
    assert_eq!(answer.sunset(), Some("Wed, 01 Jul 2026 00:00:00 GMT"));
    assert!(answer.location().unwrap().ends_with("/things/1"));
}

#[test]
fn per_call_headers_are_sent() {
    let (script, client) = client(vec![Step::json(200, "{}")]);
    client
        .send_with(
            &CreateThing::new(ORG, "a"),
            &RequestOptions::new().header("X-Request-Id", "rotate-42"),
        )
        .unwrap();
    let sent = &script.requests()[0];
    assert_eq!(sent.headers()["x-request-id"], "rotate-42");
}

#[test]
fn headers_the_client_owns_are_refused_before_sending() {
    for name in [
        "Authorization",
        "accept",
        "Content-Type",
        "HOST",
        "Content-Length",
    ] {
        let (script, client) = client(vec![Step::json(200, "{}")]);
        let err = client
            .send_with(
                &CreateThing::new(ORG, "a"),
                &RequestOptions::new().header(name, "x"),
            )
            .unwrap_err();
        assert!(matches!(err, Error::Request(_)), "{name}: {err:?}");
        assert!(err.to_string().contains(name), "{err}");
        assert!(script.requests().is_empty());
    }
}

/// Hop-by-hop headers speak about one connection, which the transport manages: a call
/// cannot send them, and finds out before anything is sent (issue 21).
#[test]
fn hop_by_hop_headers_are_refused_before_sending() {
    for name in [
        "Transfer-Encoding",
        "connection",
        "Upgrade",
        "TE",
        "Trailer",
        "Keep-Alive",
        "Proxy-Authorization",
        "proxy-connection",
    ] {
        let (script, client) = client(vec![Step::json(200, "{}")]);
        let err = client
            .send_with(
                &CreateThing::new(ORG, "a"),
                &RequestOptions::new()
                    .header("X-Request-Id", "fine")
                    .header(name, "x"),
            )
            .unwrap_err();
        let Error::Request(refused) = &err else {
            panic!("{name}: {err:?}")
        };
        assert!(refused.message.contains(&format!("`{name}`")), "{err}");
        assert!(refused.message.contains("hop-by-hop"), "{err}");
        assert!(script.requests().is_empty(), "{name} was sent");
    }
}

#[test]
fn per_call_timeouts_reach_the_transport() {
    let (script, client) = client(vec![Step::json(200, "{}")]);
    let started = Instant::now();
    client
        .send_with(
            &CreateThing::new(ORG, "a"),
            &RequestOptions::new()
                .timeout(Duration::from_secs(3))
                .response_timeout(Duration::from_secs(2)),
        )
        .unwrap();
    let d = script.deadlines()[0];
    assert_eq!(d.response, Duration::from_secs(2));
    assert!(d.end <= started + Duration::from_secs(3) + Duration::from_millis(100));
    assert!(d.end > started + Duration::from_secs(2));
}

#[test]
fn a_406_names_the_version_sent() {
    let (_s, client) = client(vec![Step::json(
        406,
        r#"{"error":406,"errorCode":"INVALID_VERSION_DATE","detail":"no such version","reason":"Not Acceptable"}"#,
    )]);
    let err = client
        .send_with(
            &CreateThing::new(ORG, "a"),
            &RequestOptions::new().version("2025-03-12"),
        )
        .unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.version, Some(("2025-03-12".to_string(), true)));
    let shown = err.to_string();
    assert!(shown.contains("version sent: 2025-03-12"), "{shown}");
    assert!(shown.contains("does not offer"), "{shown}");
}

/// The rule for declarations without a version, against the emulator (which negotiates
/// as Atlas does): the client's default date is sent and the operation is served at its
/// newest version not after it; an exact-match server's 406 says what happened.
#[test]
fn a_declaration_without_a_version_is_served_at_the_newest_version_not_after_the_default() {
    #[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts", response = serde_json::Value)]
    struct ListAccountsUnversioned {
        org_id: String,
    }
    let mock = atlas_mock::MockAtlas::start();
    let client = Client::builder()
        .base_url(mock.url())
        .credentials(atlas_runtime::Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .build()
        .unwrap();
    let answer = client
        .send_full(
            &ListAccountsUnversioned::new(mock.org_id()),
            &RequestOptions::new(),
        )
        .unwrap();
    let log = mock.requests();
    let sent = log.last().unwrap();
    assert_eq!(
        sent.header("accept"),
        Some(
            atlas_runtime::implement::media_type(atlas_runtime::defaults::DEFAULT_API_VERSION)
                .as_str()
        )
    );
    assert_eq!(
        answer.header("content-type"),
        Some("application/vnd.atlas.2024-08-05+json"),
        "served at the newest version not after the default"
    );

    // An exact-match server refuses; the message says the declaration named none.
    let (_s, scripted) = client_for_406();
    let err = ListAccountsUnversioned::new("32b6e34b3d91647abb20e7b8")
        .send(&scripted)
        .unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("names no version"), "{shown}");
    assert!(
        shown.contains(&format!(
            "version sent: {}",
            atlas_runtime::defaults::DEFAULT_API_VERSION
        )),
        "{shown}"
    );
}

/// An operation that answers only gzip, declared without `format = "gzip"`: the client
/// asks for `+json` at a version Atlas offers, and the emulator answers 406 as Atlas does,
/// naming the versions it offers. The hint names the suffix, not the version (issue 21).
#[test]
fn a_406_for_the_form_names_the_suffix_not_the_version() {
    #[atlas_endpoint(
        GET,
        "/groups/{groupId}/clusters/{hostName}/logs/{logName}.gz",
        version = "2023-02-01",
        response = serde_json::Value
    )]
    struct DownloadLogAsJson {
        group_id: String,
        host_name: String,
        log_name: String,
    }
    let mock = atlas_mock::MockAtlas::start();
    let live = Client::builder()
        .base_url(mock.url())
        .credentials(atlas_runtime::Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = DownloadLogAsJson::new(mock.project_id(), "host-00.mongodb.net", "mongodb")
        .send(&live)
        .unwrap_err();
    let sent = mock.requests();
    assert_eq!(
        sent.last().unwrap().header("accept"),
        Some("application/vnd.atlas.2023-02-01+json")
    );
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 406);
    assert!(
        api.parameters.iter().any(|p| p == "2023-02-01"),
        "Atlas names the version sent among those it offers: {api:?}"
    );
    assert_eq!(api.format, Some(atlas_runtime::Format::Json));
    let shown = err.to_string();
    assert!(shown.contains("not as `+json`"), "{shown}");
    assert!(shown.contains("format = \"gzip\""), "{shown}");
    assert!(!shown.contains("at the version sent"), "{shown}");

    // When Atlas's 406 names other versions, the version is what it does not offer.
    let (_s, scripted) = client(vec![Step::json(
        406,
        r#"{"error":406,"errorCode":"INVALID_VERSION_DATE","detail":"Invalid accept header or version date. Supported versions of this resource: 2024-08-05.","parameters":["2024-08-05"],"reason":"Not Acceptable"}"#,
    )]);
    let err = client_send(&scripted, "2023-01-01");
    let shown = err.to_string();
    assert!(
        shown.contains("does not offer this operation at the version sent"),
        "{shown}"
    );
    assert!(!shown.contains("not as `+json`"), "{shown}");

    // When it names none, the hint names both.
    let (_s, scripted) = client_for_406();
    let shown = client_send(&scripted, "2025-03-12").to_string();
    assert!(
        shown.contains("at the version sent, or not as `+json`"),
        "{shown}"
    );
}

fn client_send(client: &Client, version: &str) -> Error {
    client
        .send_with(
            &CreateThing::new(ORG, "a"),
            &RequestOptions::new().version(version),
        )
        .unwrap_err()
}

fn client_for_406() -> (Arc<ScriptedTransport>, Client) {
    client(vec![Step::json(
        406,
        r#"{"error":406,"errorCode":"INVALID_VERSION_DATE","reason":"Not Acceptable"}"#,
    )])
}
