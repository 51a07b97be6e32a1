//! The reference operation end to end against a real HTTP server on 127.0.0.1: the exact
//! request on the wire, and every documented answer decoded.

use atlas_test_needs::needs;
use std::time::Duration;

use atlas_endpoints::service_accounts::{CreateOrgServiceAccountSecret, ServiceAccountSecret};
use atlas_runtime::{
    Client, Credentials, Error, RequestOptions, atlas_endpoint, defaults::DEFAULT_API_VERSION,
    error::TransportErrorKind,
};
use atlas_test_support::spec::{error_example, operation, schema_example, spec};
use atlas_test_support::{Canned, TestServer};
use secrecy::ExposeSecret;

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";
const PATH: &str = "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/serviceAccounts/mdb_sa_id_1234567890abcdef12345678/secrets";
const CREATED: &str = r#"{"id":"6f0d8a1b2c3d4e5f60718293","createdAt":"2024-08-05T10:00:00Z","expiresAt":"2024-08-05T18:00:00Z","maskedSecretValue":"mdb_sa_sk_...abcd","secret":"mdb_sa_sk_plaintext-value"}"#;

fn reference() -> CreateOrgServiceAccountSecret {
    CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 8)
}

#[test]
fn sends_exactly_what_atlas_expects() {
    let server = TestServer::start();
    server.respond(Canned::with_type(
        201,
        "application/vnd.atlas.2024-08-05+json",
        CREATED,
    ));
    let client = Client::builder()
        .base_url(server.url())
        .credentials(Credentials::bearer("token-123"))
        .application("rotator/1.0")
        .build()
        .unwrap();

    let secret = reference().send(&client).unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.url, PATH, "no query string without options");
    assert_eq!(
        r.header("accept"),
        Some("application/vnd.atlas.2024-08-05+json")
    );
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.atlas.2024-08-05+json")
    );
    assert_eq!(r.header("authorization"), Some("Bearer token-123"));
    let ua = r.header("user-agent").unwrap();
    assert!(ua.starts_with("atlas-rust/0.1.0 ("), "{ua}");
    assert!(ua.ends_with(") rotator/1.0"), "{ua}");
    assert_eq!(r.body, br#"{"secretExpiresAfterHours":8}"#);

    assert_eq!(secret.id, "6f0d8a1b2c3d4e5f60718293");
    assert_eq!(secret.created_at.to_string(), "2024-08-05T10:00:00Z");
    assert_eq!(secret.expires_at.to_string(), "2024-08-05T18:00:00Z");
    assert_eq!(
        secret.masked_secret_value.as_deref(),
        Some("mdb_sa_sk_...abcd")
    );
    assert_eq!(
        secret.secret.as_ref().unwrap().expose_secret(),
        "mdb_sa_sk_plaintext-value"
    );
    let debug = format!("{secret:?}");
    assert!(!debug.contains("plaintext-value"), "{debug}");
}

#[test]
fn no_credentials_send_no_authorization() {
    let server = TestServer::start();
    server.respond(Canned::json(201, CREATED));
    reference().send(&server.client()).unwrap();
    assert_eq!(server.requests()[0].header("authorization"), None);
}

#[needs(spec)]
fn decodes_the_official_201_example() {
    let spec = spec();
    let op = operation(
        spec,
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
        "post",
    )
    .expect("createOrgServiceAccountSecret in the spec");
    assert_eq!(op["operationId"], "createOrgServiceAccountSecret");
    let schema =
        &op["responses"]["201"]["content"]["application/vnd.atlas.2024-08-05+json"]["schema"];
    let example = schema_example(spec, schema);
    assert_eq!(example["id"], "32b6e34b3d91647abb20e7b8");

    let server = TestServer::start();
    server.respond(Canned::json(201, &example.to_string()));
    let secret: ServiceAccountSecret = reference().send(&server.client()).unwrap();
    assert_eq!(secret.id, "32b6e34b3d91647abb20e7b8");
    assert_eq!(secret.masked_secret_value.as_deref(), Some("mdb_sa_sk_..."));
    assert_eq!(
        secret.secret.as_ref().unwrap().expose_secret(),
        "mdb_sa_sk_..."
    );
    assert_eq!(
        secret.last_used_at.unwrap().to_string(),
        "2024-08-05T10:00:00Z"
    );
}

#[needs(spec)]
fn official_error_examples_become_typed_errors() {
    let spec = spec();
    let op = operation(
        spec,
        "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets",
        "post",
    )
    .unwrap();
    for status in ["400", "401", "403", "404", "429", "500"] {
        let example = error_example(spec, op, status)
            .unwrap_or_else(|| panic!("the spec documents a {status} example"));
        let server = TestServer::start();
        let mut canned = Canned::json(status.parse().unwrap(), &example.to_string());
        if status == "429" {
            canned = canned
                .header("Retry-After", "30")
                .header("RateLimit-Limit", "100")
                .header("RateLimit-Remaining", "0");
        }
        server.respond(canned);
        let err = reference().send(&server.client()).unwrap_err();
        let Error::Api(api) = &err else {
            panic!("{status}: {err:?}")
        };
        assert_eq!(api.status.to_string(), status);
        assert_eq!(err.status(), Some(api.status));
        assert_eq!(api.error_code.as_deref(), example["errorCode"].as_str());
        assert_eq!(err.error_code(), example["errorCode"].as_str());
        assert_eq!(api.detail.as_deref(), example["detail"].as_str());
        assert_eq!(api.reason.as_deref(), example["reason"].as_str());
        assert!(
            api.raw_body.is_none(),
            "{status}: a JSON ApiError keeps no raw body"
        );
        let shown = err.to_string();
        assert!(shown.contains(status), "{shown}");
        assert!(
            shown.contains(example["errorCode"].as_str().unwrap()),
            "{shown}"
        );
        match status {
            "429" => {
                assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
                assert_eq!(api.rate_limit.limit, Some(100));
                assert_eq!(api.rate_limit.remaining, Some(0));
                assert!(err.is_retryable());
                assert!(shown.contains("Retry-After 30s"), "{shown}");
            }
            // A POST that failed on the server is not retried: it may have taken effect.
            "500" => assert!(!err.is_retryable()),
            "401" => {
                assert!(!err.is_retryable());
                assert!(shown.contains("credentials"), "{shown}");
            }
            _ => assert!(!err.is_retryable()),
        }
    }
}

#[test]
fn bad_request_detail_fields_and_parameters_are_kept() {
    let server = TestServer::start();
    server.respond(Canned::json(
        400,
        r#"{"error":400,"errorCode":"INVALID_ATTRIBUTE","detail":"Invalid attribute secretExpiresAfterHours specified.","reason":"Bad Request","parameters":["secretExpiresAfterHours"],"badRequestDetail":{"fields":[{"field":"secretExpiresAfterHours","description":"must be at most 8760"}]}}"#,
    ));
    let err = reference().send(&server.client()).unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        api.parameters,
        vec![serde_json::json!("secretExpiresAfterHours")]
    );
    assert_eq!(api.field_violations.len(), 1);
    assert_eq!(api.field_violations[0].field, "secretExpiresAfterHours");
    assert_eq!(api.field_violations[0].description, "must be at most 8760");
    assert!(err.to_string().contains("must be at most 8760"));
}

#[test]
fn rate_limit_codes_are_retryable_whatever_the_status() {
    let server = TestServer::start();
    server.respond(Canned::json(
        400,
        r#"{"error":400,"errorCode":"RATE_LIMITED_TOKEN_BUCKET","detail":"slow down","reason":"Bad Request"}"#,
    ));
    let err = reference().send(&server.client()).unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert!(err.is_retryable());
}

#[test]
fn a_proxy_html_502_keeps_its_body() {
    let server = TestServer::start();
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    server.respond(Canned::with_type(502, "text/html", page));
    let err = reference().send(&server.client()).unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 502);
    assert_eq!(api.error_code, None);
    assert_eq!(api.raw_body.as_deref(), Some(page));
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

/// Delete One Organization Service Account Secret: answers 204 with no body.
#[atlas_endpoint(
    DELETE,
    "/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
    version = "2024-08-05",
    operation_id = "deleteOrgServiceAccountSecret",
    pattern(orgId = "^([a-f0-9]{24})$", clientId = r"^mdb_sa_id_[a-fA-F\d]{24}$")
)]
struct DeleteSecret {
    org_id: String,
    client_id: String,
    secret_id: String,
}

#[test]
fn an_empty_204_is_unit() {
    let server = TestServer::start();
    server.respond(Canned::empty(204));
    let call = DeleteSecret::new(ORG, CLIENT_ID, "6f0d8a1b2c3d4e5f60718293");
    call.send(&server.client()).unwrap();
    let r = &server.requests()[0];
    assert_eq!(r.method, "DELETE");
    assert_eq!(r.url, format!("{PATH}/6f0d8a1b2c3d4e5f60718293"));
    assert_eq!(r.header("content-type"), None, "no body, no content type");
    assert!(r.body.is_empty());
}

#[test]
fn envelope_answers_are_unwrapped() {
    let server = TestServer::start();
    server.respond(Canned::json(
        200,
        &format!(r#"{{"status":201,"content":{CREATED}}}"#),
    ));
    let client = server.client();
    let options = RequestOptions::new().envelope(true).pretty(true);
    let secret = client.send_with(&reference(), &options).unwrap();
    assert_eq!(secret.id, "6f0d8a1b2c3d4e5f60718293");
    assert_eq!(
        server.requests()[0].query(),
        Some("envelope=true&pretty=true")
    );

    // An error inside an envelope is still an error, with its real status.
    server.respond(Canned::json(
        200,
        r#"{"status":404,"content":{"error":404,"errorCode":"RESOURCE_NOT_FOUND","detail":"No service account","reason":"Not Found"}}"#,
    ));
    let err = client
        .send_with(&reference(), &RequestOptions::new().envelope(true))
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert_eq!(err.error_code(), Some("RESOURCE_NOT_FOUND"));

    // An empty 204 in an envelope.
    server.respond(Canned::json(200, r#"{"status":204,"content":{}}"#));
    let call = DeleteSecret::new(ORG, CLIENT_ID, "6f0d8a1b2c3d4e5f60718293");
    client
        .send_with(&call, &RequestOptions::new().envelope(true))
        .unwrap();
}

#[test]
fn version_comes_from_the_call_then_the_declaration_then_the_client() {
    /// Declared without a version: the client's default applies.
    #[atlas_endpoint(GET, "/orgs/{orgId}")]
    struct GetOrg {
        org_id: String,
    }

    let server = TestServer::start();
    for _ in 0..4 {
        server.respond(Canned::json(200, "{}"));
    }
    let client = server.client();
    let accept = |i: usize| server.requests()[i].header("accept").unwrap().to_string();

    reference().send(&client).unwrap_err(); // declared 2024-08-05; {} is not a secret
    assert_eq!(accept(0), "application/vnd.atlas.2024-08-05+json");

    client
        .send_with(&reference(), &RequestOptions::new().version("2025-01-01"))
        .unwrap_err();
    assert_eq!(accept(1), "application/vnd.atlas.2025-01-01+json");

    let _: () = GetOrg::new(ORG).send(&client).unwrap();
    assert_eq!(
        accept(2),
        format!("application/vnd.atlas.{DEFAULT_API_VERSION}+json")
    );

    let preview = Client::builder()
        .base_url(server.url())
        .default_version("preview")
        .build()
        .unwrap();
    GetOrg::new(ORG).send(&preview).unwrap();
    assert_eq!(accept(3), "application/vnd.atlas.preview+json");
}

#[test]
fn a_body_that_does_not_fit_is_a_decode_error_without_secrets() {
    let server = TestServer::start();
    server.respond(Canned::json(
        201,
        r#"{"id":5,"secret":"mdb_sa_sk_must-not-leak","createdAt":"x","expiresAt":"y"}"#,
    ));
    let err = reference().send(&server.client()).unwrap_err();
    let Error::Decode(d) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(d.status, 201);
    assert!(d.target.ends_with("ServiceAccountSecret"), "{}", d.target);
    assert!(!d.body_excerpt.contains("must-not-leak"));
    assert!(!format!("{err} {err:?}").contains("must-not-leak"));
}

#[test]
fn an_undocumented_success_status_is_a_decode_error() {
    let server = TestServer::start();
    server.respond(Canned::json(206, CREATED));
    let err = reference().send(&server.client()).unwrap_err();
    assert!(matches!(err, Error::Decode(_)), "{err:?}");
    assert!(err.to_string().contains("206"));
}

#[test]
fn connection_refused_is_a_transport_error_before_sending() {
    // Bind then drop to get a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .build()
        .unwrap();
    let err = reference().send(&client).unwrap_err();
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportErrorKind::Connect);
    assert!(!t.maybe_sent);
    assert!(
        err.is_retryable(),
        "nothing was sent, so even a POST may be retried"
    );
    assert!(err.to_string().contains("was not sent"), "{err}");
}

#[test]
fn a_silent_server_times_out_and_a_post_is_not_retryable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let holder = std::thread::spawn(move || {
        // Accept and hold the connection without answering.
        let (stream, _) = listener.accept().unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        drop(stream);
    });
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = reference().send(&client).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "the timeout bounds the call"
    );
    let Error::Transport(t) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(t.kind, TransportErrorKind::Timeout);
    assert!(t.maybe_sent);
    assert!(
        !err.is_retryable(),
        "a POST that may have arrived must not be repeated"
    );
    holder.join().unwrap();
}
