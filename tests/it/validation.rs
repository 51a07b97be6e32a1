//! Invalid input is refused before any I/O, with every violation at once, by rules that
//! mean what the Atlas server means.

use atlas_endpoints::service_accounts::CreateOrgServiceAccountSecret;
use atlas_runtime::{
    Endpoint, Error, RequestOptions, atlas_endpoint,
    implement::{Location, Rule},
};
use atlas_test_support::{Canned, TestServer};

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";

fn refused<E: Endpoint>(call: &E) -> atlas_runtime::ValidationError {
    let server = TestServer::start();
    server.respond(Canned::json(200, "{}"));
    let err = server.client().send(call).err().expect("refused");
    assert!(
        server.requests().is_empty(),
        "an invalid call must not reach the server"
    );
    match err {
        Error::Validation(v) => v,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn every_violation_is_reported_and_nothing_is_sent() {
    let call = CreateOrgServiceAccountSecret::new("not-an-org", "mdb_sa_id_short", 0);
    let err = refused(&call);
    assert_eq!(err.violations.len(), 3, "{err}");
    let org = err.for_param("orgId").next().unwrap();
    assert_eq!(org.location, Location::Path);
    assert_eq!(org.rule, Rule::Pattern("^([a-f0-9]{24})$"));
    assert_eq!(org.value.as_deref(), Some("not-an-org"));
    let client = err.for_param("clientId").next().unwrap();
    assert_eq!(client.rule, Rule::Pattern(r"^mdb_sa_id_[a-fA-F\d]{24}$"));
    let hours = err.for_param("secretExpiresAfterHours").next().unwrap();
    assert_eq!(hours.location, Location::Body);
    assert!(matches!(hours.rule, Rule::Range { .. }));
    let shown = err.to_string();
    assert!(shown.contains("3 problems"), "{shown}");
    assert!(
        shown.contains("secretExpiresAfterHours (body) must be > 0"),
        "{shown}"
    );
    assert!(shown.contains("\"not-an-org\""), "{shown}");
}

#[test]
fn the_smallest_valid_expiry_passes() {
    CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 1)
        .validate()
        .unwrap();
    CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, i32::MAX)
        .validate()
        .unwrap();
}

#[test]
fn digits_are_ascii_as_on_the_server() {
    // U+0663 ARABIC-INDIC DIGIT THREE is a digit to Rust's Unicode `\d`, not to Java's.
    let arabic = "mdb_sa_id_1234567890abcdef1234567\u{663}";
    let err = refused(&CreateOrgServiceAccountSecret::new(ORG, arabic, 8));
    assert_eq!(err.violations.len(), 1);
    assert_eq!(err.violations[0].param, "clientId");
    // Full-width digits likewise.
    let wide = "mdb_sa_id_1234567890abcdef1234567\u{ff13}";
    refused(&CreateOrgServiceAccountSecret::new(ORG, wide, 8));
}

#[test]
fn anchors_are_not_added_patterns_are_searches() {
    #[atlas_endpoint(POST, "/things", version = "2024-08-05")]
    struct Things {
        #[atlas(pattern = "[0-9]")]
        label: String,
    }
    Things::new("abc1def").validate().unwrap();
    let err = Things::new("abcdef").validate().unwrap_err();
    assert_eq!(err.violations[0].rule, Rule::Pattern("[0-9]"));
}

#[test]
fn empty_and_dot_path_values_are_refused() {
    let err = refused(&CreateOrgServiceAccountSecret::new("", CLIENT_ID, 8));
    assert_eq!(err.violations[0].rule, Rule::EmptyPathValue);

    #[atlas_endpoint(GET, "/things/{name}/parts")]
    struct Parts {
        name: String,
    }
    for dots in [".", ".."] {
        let err = refused(&Parts::new(dots));
        assert_eq!(err.violations[0].rule, Rule::DotSegment, "{dots}");
    }
}

#[test]
fn lengths_count_characters_and_items() {
    #[atlas_endpoint(POST, "/things", version = "2024-08-05")]
    struct Named {
        #[atlas(length(min = 1, max = 4), pattern = r"^[\p{L}\p{N}\-_.,' ]*$")]
        name: String,
        #[atlas(length(max = 2))]
        roles: Vec<String>,
    }
    Named::new("Zoë", vec!["A".into()]).validate().unwrap();
    let err = Named::new("", vec!["A".into(), "B".into(), "C".into()])
        .validate()
        .unwrap_err();
    assert_eq!(err.violations.len(), 2, "{err}");
    assert_eq!(
        err.violations[0].rule,
        Rule::Length {
            min: Some(1),
            max: Some(4),
            actual: 0
        }
    );
    assert_eq!(err.violations[1].value.as_deref(), Some("3 items"));
    let err = Named::new("Zoë!", vec![]).validate().unwrap_err();
    assert!(matches!(err.violations[0].rule, Rule::Pattern(_)), "{err}");
}

#[test]
fn optional_values_are_checked_only_when_set() {
    #[atlas_endpoint(GET, "/things")]
    struct List {
        #[atlas(query, range(min = 1, max = 500))]
        items_per_page: Option<i32>,
        #[atlas(query, pattern = "^[a-z]+$")]
        tag: Option<String>,
    }
    List::new().validate().unwrap();
    List::new().items_per_page(500).validate().unwrap();
    let err = List::new()
        .items_per_page(501)
        .tag("UPPER")
        .validate()
        .unwrap_err();
    assert_eq!(err.violations.len(), 2, "{err}");
    assert!(
        err.to_string()
            .contains("itemsPerPage (query) must be >= 1 and <= 500")
    );
}

#[test]
fn sensitive_values_are_never_shown() {
    #[atlas_endpoint(POST, "/things", version = "2024-08-05")]
    struct WithSecret {
        #[atlas(sensitive, length(min = 40))]
        private_key: String,
    }
    let err = refused(&WithSecret::new("hunter2-short-secret"));
    assert_eq!(err.violations[0].value, None);
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
}

#[test]
fn header_values_cannot_inject_lines() {
    #[atlas_endpoint(GET, "/things")]
    struct Traced {
        #[atlas(header = "X-Request-Id")]
        request_id: String,
    }
    let err = refused(&Traced::new("abc\r\nX-Evil: 1"));
    assert_eq!(err.violations[0].rule, Rule::HeaderValue);
}

#[test]
fn a_bad_version_override_is_refused_before_sending() {
    let server = TestServer::start();
    let call = CreateOrgServiceAccountSecret::new(ORG, CLIENT_ID, 8);
    let err = server
        .client()
        .send_with(&call, &RequestOptions::new().version("2024-8-5"))
        .unwrap_err();
    assert!(server.requests().is_empty());
    let Error::Validation(v) = err else { panic!() };
    assert_eq!(v.violations[0].rule, Rule::Version);
}
