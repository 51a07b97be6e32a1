//! No path value, however hostile, changes the route the server sees.

use atlas_runtime::{Error, atlas_endpoint, implement::Rule};
use atlas_test_support::{Canned, TestServer};

/// A path value between two literal segments, with no pattern to stop anything.
#[atlas_endpoint(GET, "/things/{name}/parts")]
struct Parts {
    name: String,
}

/// A value sharing its segment with a custom method, as `…/{clientId}:invite` does.
#[atlas_endpoint(POST, "/things/{name}:invite", version = "2024-08-05")]
struct Invite {
    name: String,
    role: String,
}

/// An already-encoded value, as the access-list `ipAddress` is.
#[atlas_endpoint(DELETE, "/accessList/{ipAddress}", version = "2024-08-05")]
struct DeleteEntry {
    #[atlas(path, encoded)]
    ip_address: String,
}

const HOSTILE: &[(&str, &str)] = &[
    ("../x", "..%2Fx"),
    ("../../admin", "..%2F..%2Fadmin"),
    ("a/b", "a%2Fb"),
    ("a?b=c", "a%3Fb%3Dc"),
    ("a#frag", "a%23frag"),
    ("a b", "a%20b"),
    ("é東", "%C3%A9%E6%9D%B1"),
    ("%2F", "%252F"),
    ("a\\b", "a%5Cb"),
    ("a;b", "a%3Bb"),
    ("a\nb", "a%0Ab"),
    ("...", "..."),
];

#[test]
fn hostile_path_values_stay_in_their_segment() {
    let server = TestServer::start();
    let client = server.client();
    for (value, encoded) in HOSTILE {
        server.respond(Canned::json(200, "{}"));
        Parts::new(*value).send(&client).unwrap();
        let seen = server.requests().pop().unwrap();
        assert_eq!(
            seen.url,
            format!("/api/atlas/v2/things/{encoded}/parts"),
            "value {value:?}"
        );
        assert_eq!(seen.path().split('/').count(), 7, "value {value:?}");
        assert_eq!(seen.query(), None, "value {value:?}");
    }
}

#[test]
fn custom_methods_after_a_placeholder_survive_hostile_values() {
    let server = TestServer::start();
    server.respond(Canned::json(200, "{}"));
    Invite::new("x:y/z", "ORG_MEMBER")
        .send(&server.client())
        .unwrap();
    let seen = &server.requests()[0];
    assert_eq!(seen.url, "/api/atlas/v2/things/x%3Ay%2Fz:invite");
    assert_eq!(seen.json(), serde_json::json!({"role": "ORG_MEMBER"}));
}

#[test]
fn encoded_values_are_not_encoded_twice() {
    let server = TestServer::start();
    server.respond(Canned::empty(204));
    DeleteEntry::new("192.0.2.0%2F24")
        .send(&server.client())
        .unwrap();
    assert_eq!(
        server.requests()[0].url,
        "/api/atlas/v2/accessList/192.0.2.0%2F24"
    );
}

#[test]
fn encoded_values_that_would_escape_their_segment_are_refused() {
    let server = TestServer::start();
    for value in ["192.0.2.0/24", "a?b", "a#b", "100%", "%zz", "..", "."] {
        let err = DeleteEntry::new(value).send(&server.client()).unwrap_err();
        let Error::Validation(v) = err else {
            panic!("{value}: {err:?}")
        };
        assert!(
            matches!(
                v.violations[0].rule,
                Rule::EscapesSegment | Rule::DotSegment
            ),
            "{value}: {v}"
        );
    }
    assert!(server.requests().is_empty());
}

#[test]
fn query_values_are_encoded_too() {
    #[atlas_endpoint(GET, "/things")]
    struct Search {
        #[atlas(query)]
        name: Option<String>,
        #[atlas(query = "tag")]
        tags: Vec<String>,
    }
    let server = TestServer::start();
    server.respond(Canned::json(200, "{}"));
    Search::new()
        .name("a&b=c#d")
        .tags(vec!["x y".into(), "é".into()])
        .send(&server.client())
        .unwrap();
    assert_eq!(
        server.requests()[0].url,
        "/api/atlas/v2/things?name=a%26b%3Dc%23d&tag=x%20y&tag=%C3%A9"
    );
}
