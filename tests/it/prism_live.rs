//! The reference endpoint against Stoplight Prism serving the official spec
//! (`atlas_test_support::prism`): the SDK's request passes Prism's validation, and every input
//! `validate()` refuses is one Prism refuses too.
//!
//! The Prism tests skip (pass) when Prism or the spec is not installed, except under CI.
//! One `prism mock` serves the whole binary ([`atlas_test_support::prism::shared_mock`]); the
//! proxy test starts its own.

use atlas_test_needs::needs;
use std::net::TcpStream;

use atlas_endpoints::service_accounts::CreateOrgServiceAccountSecret;
use atlas_runtime::{
    Client, Credentials, Endpoint, Error, RequestOptions,
    implement::{Location, Rule, build_request, decode_response},
};
use atlas_test_support::prism::{self, Mode, Prism, VIOLATIONS_HEADER};
use atlas_test_support::{Canned, TestServer};
use jiff::Timestamp;
use secrecy::ExposeSecret;
use serde_json::Value;

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";
const MEDIA: &str = "application/vnd.atlas.2024-08-05+json";
/// Prism accepts any `Bearer` token (the spec's OAuth 2.0 scheme).
const TOKEN: &str = "prism-accepts-any-bearer-token";

fn client_for(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::bearer(TOKEN))
        .build()
        .expect("a client for Prism")
}

fn header<'a>(response: &'a http::Response<Vec<u8>>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The `sl-violations` header, parsed: `[{"location": [...], "code": …, "message": …}]`.
fn violations(response: &http::Response<Vec<u8>>) -> Vec<Value> {
    header(response, VIOLATIONS_HEADER)
        .map(|v| serde_json::from_str::<Vec<Value>>(v).expect("sl-violations is a JSON array"))
        .unwrap_or_default()
}

fn location(violation: &Value) -> Vec<String> {
    violation["location"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default()
}

#[needs(prism, spec)]
fn prism_accepts_the_reference_request() {
    let prism = prism::shared_mock();
    println!("Prism mock listening after {:?}", prism.startup_time());
    let client = client_for(&prism.url());
    let call = CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 8);

    // The whole call: validate, build, execute, decode.
    let secret = call
        .send(&client)
        .unwrap_or_else(|e| panic!("send: {e}\n{}", prism.log_tail(20)));
    // Prism answers with the spec's example of ServiceAccountSecret.
    assert_eq!(secret.id, "32b6e34b3d91647abb20e7b8");
    let example_time: Timestamp = "2019-08-24T14:15:22Z".parse().unwrap();
    assert_eq!(secret.created_at, example_time);
    assert_eq!(secret.expires_at, example_time);
    assert_eq!(secret.masked_secret_value.as_deref(), Some("mdb_sa_sk_..."));
    assert_eq!(
        secret
            .secret
            .as_ref()
            .map(|s| s.expose_secret().to_string()),
        Some("mdb_sa_sk_...".to_string())
    );

    // The same call phase by phase, to see the raw response.
    let options = RequestOptions::default();
    let request = build_request(&call, client.context(), &options).expect("build");
    assert_eq!(request.headers()["accept"], MEDIA);
    assert_eq!(request.headers()["content-type"], MEDIA);
    assert_eq!(
        request.body().as_slice(),
        br#"{"secretExpiresAfterHours":8}"#
    );
    let response = client.execute(request).expect("execute");
    assert_eq!(
        response.status().as_u16(),
        201,
        "{}",
        String::from_utf8_lossy(response.body())
    );
    assert_eq!(
        header(&response, VIOLATIONS_HEADER),
        None,
        "Prism found the SDK's request invalid"
    );
    assert_eq!(header(&response, "content-type"), Some(MEDIA));
    let decoded =
        decode_response::<CreateOrgServiceAccountSecret>(&response, &options).expect("decode");
    assert_eq!(decoded.id, secret.id);
}

#[needs(prism, spec)]
fn prism_demands_credentials() {
    let prism = prism::shared_mock();
    let anonymous = Client::builder()
        .base_url(prism.url())
        .build()
        .expect("client");
    let err = CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 8)
        .send(&anonymous)
        .expect_err("Prism answers 401 without credentials");
    assert_eq!(err.status(), Some(401), "{err}");
}

/// An input the reference endpoint refuses, and where it breaks the spec.
struct Invalid {
    what: &'static str,
    org_id: &'static str,
    client_id: &'static str,
    hours: i32,
    /// The parameter `validate()` names.
    param: &'static str,
    rule: fn(&Rule) -> bool,
    /// Prism's violation location, lower case (Prism lower-cases path parameter names),
    /// when Prism can see the input (an empty or `..` segment is another route).
    prism_location: Option<&'static [&'static str]>,
}

fn invalid_inputs() -> Vec<Invalid> {
    let pattern = |r: &Rule| matches!(r, Rule::Pattern(_));
    vec![
        Invalid {
            what: "orgId not 24 hex digits",
            org_id: "not-an-org-id",
            client_id: CLIENT_ID,
            hours: 8,
            param: "orgId",
            rule: pattern,
            prism_location: Some(&["request", "path", "orgid"]),
        },
        Invalid {
            what: "orgId with upper-case hex",
            org_id: "32B6E34B3D91647ABB20E7B8",
            client_id: CLIENT_ID,
            hours: 8,
            param: "orgId",
            rule: pattern,
            prism_location: Some(&["request", "path", "orgid"]),
        },
        Invalid {
            what: "orgId empty",
            org_id: "",
            client_id: CLIENT_ID,
            hours: 8,
            param: "orgId",
            rule: |r| matches!(r, Rule::EmptyPathValue),
            prism_location: None,
        },
        Invalid {
            what: "orgId `..`",
            org_id: "..",
            client_id: CLIENT_ID,
            hours: 8,
            param: "orgId",
            rule: |r| matches!(r, Rule::DotSegment),
            prism_location: None,
        },
        Invalid {
            what: "clientId without its prefix",
            org_id: ORG,
            client_id: "1234567890abcdef12345678",
            hours: 8,
            param: "clientId",
            rule: pattern,
            prism_location: Some(&["request", "path", "clientid"]),
        },
        Invalid {
            what: "clientId with an Arabic-Indic digit (\\d is ASCII)",
            org_id: ORG,
            client_id: "mdb_sa_id_1234567890abcdef1234567\u{663}",
            hours: 8,
            param: "clientId",
            rule: pattern,
            prism_location: Some(&["request", "path", "clientid"]),
        },
        Invalid {
            what: "secretExpiresAfterHours 0 (exclusive minimum)",
            org_id: ORG,
            client_id: CLIENT_ID,
            hours: 0,
            param: "secretExpiresAfterHours",
            rule: |r| matches!(r, Rule::Range { .. }),
            prism_location: Some(&["request", "body", "secretexpiresafterhours"]),
        },
        Invalid {
            what: "secretExpiresAfterHours negative",
            org_id: ORG,
            client_id: CLIENT_ID,
            hours: -1,
            param: "secretExpiresAfterHours",
            rule: |r| matches!(r, Rule::Range { .. }),
            prism_location: Some(&["request", "body", "secretexpiresafterhours"]),
        },
    ]
}

#[test]
fn validate_refuses_each_rule_of_the_reference_endpoint() {
    // Nothing listens on port 9 of loopback: a call that got past validation would fail
    // with a transport error instead.
    let client = client_for("http://127.0.0.1:9");
    for case in invalid_inputs() {
        let call = CreateOrgServiceAccountSecret::new(case.org_id, case.client_id, case.hours);
        let err = call
            .validate()
            .expect_err(&format!("{}: validate() accepted it", case.what));
        assert_eq!(err.endpoint, "CreateOrgServiceAccountSecret");
        assert!(
            err.violations.iter().all(|v| v.param == case.param),
            "{}: {err:?}",
            case.what
        );
        assert!(
            err.violations.iter().any(|v| (case.rule)(&v.rule)),
            "{}: {err:?}",
            case.what
        );
        let expected_location = if case.param == "secretExpiresAfterHours" {
            Location::Body
        } else {
            Location::Path
        };
        assert!(
            err.violations
                .iter()
                .all(|v| v.location == expected_location)
        );
        match call.send(&client) {
            Err(Error::Validation(e)) => assert_eq!(e, err, "{}", case.what),
            other => panic!("{}: send gave {other:?}", case.what),
        }
    }
    // And the valid input passes.
    assert!(
        CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 1)
            .validate()
            .is_ok()
    );
}

/// A valid request of the reference endpoint, changed afterwards to carry `case`'s
/// input: what `send()` would have sent had `validate()` let it through.
fn smuggle(client: &Client, case: &Invalid) -> http::Request<Vec<u8>> {
    let valid = CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 8);
    let mut request =
        build_request(&valid, client.context(), &RequestOptions::default()).expect("build");
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    let uri = request
        .uri()
        .to_string()
        .replace(ORG, &encode(case.org_id))
        .replace(CLIENT_ID, &encode(case.client_id));
    *request.uri_mut() = uri.parse().expect("a URI");
    *request.body_mut() = format!(r#"{{"secretExpiresAfterHours":{}}}"#, case.hours).into_bytes();
    request
}

#[needs(prism, spec)]
fn prism_refuses_what_validate_refuses() {
    let prism = prism::shared_mock();
    let client = client_for(&prism.url());
    for case in invalid_inputs() {
        let Some(want) = case.prism_location else {
            continue;
        };
        let response = client.execute(smuggle(&client, &case)).expect("execute");
        let found = violations(&response);
        assert_eq!(
            response.status().as_u16(),
            400,
            "{}: {found:?}\n{}",
            case.what,
            String::from_utf8_lossy(response.body())
        );
        assert!(
            found.iter().any(|v| location(v) == want),
            "{}: Prism's violations {found:?} do not name {want:?}",
            case.what
        );
    }
    // The smuggling itself keeps a valid input valid.
    let valid = Invalid {
        what: "valid",
        org_id: ORG,
        client_id: CLIENT_ID,
        hours: 8,
        param: "",
        rule: |_| false,
        prism_location: None,
    };
    let response = client.execute(smuggle(&client, &valid)).expect("execute");
    assert_eq!(
        response.status().as_u16(),
        201,
        "{:?}",
        violations(&response)
    );
}

#[needs(prism, spec)]
fn prism_proxy_validates_requests_and_responses() {
    // The upstream answers the official example, except to 9 hours, where it leaves out
    // the required `id` and sends a number as `createdAt`.
    let upstream = TestServer::with_handler(|r| {
        let body = if r.json()["secretExpiresAfterHours"] == 9 {
            r#"{"createdAt":5,"expiresAt":"2024-08-05T18:00:00Z"}"#
        } else {
            r#"{"id":"32b6e34b3d91647abb20e7b8","createdAt":"2024-08-05T10:00:00Z","expiresAt":"2024-08-05T18:00:00Z","maskedSecretValue":"mdb_sa_sk_...","secret":"mdb_sa_sk_..."}"#
        };
        Canned::with_type(201, MEDIA, body)
    });
    let prism = Prism::proxy(upstream.url());
    let client = client_for(&prism.url());

    // A valid request goes through, headers and body intact, and so does the answer.
    let secret = CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 8)
        .send(&client)
        .unwrap_or_else(|e| panic!("send: {e}\n{}", prism.log_tail(20)));
    assert_eq!(secret.expires_at.to_string(), "2024-08-05T18:00:00Z");
    {
        let seen = upstream.requests();
        assert_eq!(seen.len(), 1);
        let r = &seen[0];
        assert_eq!(
            r.path(),
            format!("/api/atlas/v2/orgs/{ORG}/serviceAccounts/{CLIENT_ID}/secrets")
        );
        assert_eq!(r.header("accept"), Some(MEDIA));
        assert_eq!(r.header("content-type"), Some(MEDIA));
        assert_eq!(
            r.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(r.body, br#"{"secretExpiresAfterHours":8}"#);
    }

    // An answer that breaks the spec becomes a 500 with the violations.
    let options = RequestOptions::default();
    let call = CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 9);
    let request = build_request(&call, client.context(), &options).expect("build");
    let response = client.execute(request).expect("execute");
    assert_eq!(response.status().as_u16(), 500);
    let found = violations(&response);
    assert!(
        found
            .iter()
            .any(|v| location(v) == ["response", "body"] && v["code"] == "required"),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|v| location(v) == ["response", "body", "createdat"]),
        "{found:?}"
    );
    match decode_response::<CreateOrgServiceAccountSecret>(&response, &options) {
        Err(Error::Api(api)) => assert_eq!(api.status, 500),
        other => panic!("expected Error::Api, got {other:?}"),
    }

    // An invalid request is refused (422) without reaching the upstream.
    let case = &invalid_inputs()[6];
    assert_eq!(case.hours, 0);
    let response = client.execute(smuggle(&client, case)).expect("execute");
    assert_eq!(response.status().as_u16(), 422);
    assert_eq!(
        upstream.requests().len(),
        2,
        "the invalid request was forwarded"
    );

    // Dropping it stops its whole process group and frees the port.
    let (pid, port) = (prism.pid(), prism.port());
    drop(prism);
    // SAFETY: signal 0 only checks whether the group has a process left.
    let alive = unsafe { libc::kill(-(pid as libc::pid_t), 0) } == 0;
    assert!(!alive, "Prism's process group {pid} outlived the drop");
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "port {port} still accepts connections"
    );
}

#[needs(prism)]
fn a_prism_that_cannot_start_says_why() {
    let dir = std::env::temp_dir().join(format!("atlas-prism-bad-spec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let spec = dir.join("empty.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.1\ninfo: {title: empty, version: '1'}\npaths: {}\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let outcome = std::panic::catch_unwind(|| drop(Prism::start(&spec, Mode::Mock)));
    let _ = std::fs::remove_dir_all(&dir);
    match outcome {
        Ok(()) => panic!("Prism started on a spec without operations"),
        Err(payload) => {
            let message = payload
                .downcast_ref::<String>()
                .cloned()
                .unwrap_or_default();
            assert!(message.contains("Prism (Mock) did not start"), "{message}");
            assert!(message.contains("it exited during startup"), "{message}");
            // The tail of Prism's own output says why.
            assert!(
                message.contains("No operations found in the current file"),
                "{message}"
            );
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "an early exit must not wait for the start timeout"
            );
        }
    }
}
