//! Properties on random and targeted inputs:
//! - the generated validators agree with the `regex` crate configured with ASCII
//!   `\d`/`\w`/`\s` (what Atlas's Java server means), on the spec's path patterns;
//! - no path value, however hostile, changes the route the server sees.

use std::sync::OnceLock;

use atlas_runtime::{Endpoint, atlas_endpoint, implement::Rule};
use atlas_test_support::{Canned, TestServer};
use proptest::prelude::*;

#[atlas_endpoint(
    GET,
    "/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
    pattern(orgId = "^([a-f0-9]{24})$", clientId = r"^mdb_sa_id_[a-fA-F\d]{24}$")
)]
struct Ids {
    org_id: String,
    client_id: String,
    secret_id: String,
}

#[atlas_endpoint(POST, "/things", version = "2024-08-05")]
struct Texts {
    #[atlas(pattern = r"^[\p{L}\p{N}\-_.,' ]*$")]
    name: String,
    #[atlas(pattern = r"^\w+\s\d{2,4}$")]
    word_space_digits: String,
    #[atlas(pattern = r"^[\p{L}\p{N}\-_.(),:&@+']{1,64}$")]
    org_name: String,
}

/// The reference: the `regex` crate with Unicode off for the Perl classes only.
fn reference(pattern: &str) -> regex::Regex {
    let ascii = pattern
        .replace(r"\d", "[0-9]")
        .replace(r"\w", "[0-9A-Za-z_]")
        .replace(r"\s", r"[ \t\n\x0B\x0C\r]");
    regex::Regex::new(&ascii).unwrap()
}

struct Refs {
    org: regex::Regex,
    client: regex::Regex,
    name: regex::Regex,
    wsd: regex::Regex,
    org_name: regex::Regex,
}

fn refs() -> &'static Refs {
    static REFS: OnceLock<Refs> = OnceLock::new();
    REFS.get_or_init(|| Refs {
        org: reference("^([a-f0-9]{24})$"),
        client: reference(r"^mdb_sa_id_[a-fA-F\d]{24}$"),
        name: reference(r"^[\p{L}\p{N}\-_.,' ]*$"),
        wsd: reference(r"^\w+\s\d{2,4}$"),
        org_name: reference(r"^[\p{L}\p{N}\-_.(),:&@+']{1,64}$"),
    })
}

/// Whether `param` was refused: by its pattern, or (path values) for being empty or a
/// dot segment, which no 24-hex or client-id pattern accepts either.
fn broken(e: &Result<(), atlas_runtime::ValidationError>, param: &str) -> bool {
    e.as_ref().is_err_and(|e| {
        e.for_param(param).any(|v| {
            matches!(
                v.rule,
                Rule::Pattern(_) | Rule::EmptyPathValue | Rule::DotSegment
            )
        })
    })
}

/// Characters that stress the patterns: hex, ASCII, non-ASCII digits and letters,
/// whitespace of both kinds, punctuation.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => prop::sample::select(b"0123456789abcdefABCDEF".map(char::from).to_vec()),
        2 => prop::sample::select("mdb_sa_id_".chars().collect::<Vec<_>>()),
        1 => prop::sample::select(vec!['٣', '３', '߂', 'é', '東', 'Ω', 'ß', '\u{a0}', '\u{2028}', '\t', '\n', ' ']),
        1 => prop::sample::select(vec!['-', '_', '.', ',', '\'', '(', ')', ':', '&', '@', '+', '!', '/', '%']),
        1 => any::<char>(),
    ]
}

fn tricky_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(|v| v.into_iter().collect())
}

/// Near-misses of valid ids: a valid id with one character replaced.
fn near_client_id() -> impl Strategy<Value = String> {
    (0usize..34, tricky_char()).prop_map(|(i, c)| {
        let mut chars: Vec<char> = "mdb_sa_id_0123456789abcdefABCDEF01".chars().collect();
        chars[i] = c;
        chars.into_iter().collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn path_validators_agree_with_an_ascii_regex(org in tricky_string(30), client in prop_oneof![near_client_id(), tricky_string(40)]) {
        let result = Ids::new(org.clone(), client.clone(), "x").validate();
        prop_assert_eq!(broken(&result, "orgId"), !refs().org.is_match(&org), "orgId {:?}", org);
        prop_assert_eq!(broken(&result, "clientId"), !refs().client.is_match(&client), "clientId {:?}", client);
    }

    #[test]
    fn body_validators_agree_with_an_ascii_regex(name in tricky_string(20), wsd in tricky_string(12), org_name in tricky_string(70)) {
        let result = Texts::new(name.clone(), wsd.clone(), org_name.clone()).validate();
        prop_assert_eq!(broken(&result, "name"), !refs().name.is_match(&name), "name {:?}", name);
        prop_assert_eq!(broken(&result, "wordSpaceDigits"), !refs().wsd.is_match(&wsd), "wsd {:?}", wsd);
        prop_assert_eq!(broken(&result, "orgName"), !refs().org_name.is_match(&org_name), "orgName {:?}", org_name);
    }
}

#[test]
fn targeted_strings_agree() {
    let cases = [
        "mdb_sa_id_0123456789abcdefABCDEF01",
        "mdb_sa_id_0123456789abcdefABCDEF0",
        "mdb_sa_id_0123456789abcdefABCDEF012",
        "mdb_sa_id_0123456789abcdefABCDEF0٣",
        "mdb_sa_id_0123456789abcdefABCDEF0３",
        "mdb_sa_id_0123456789abcdefABCDEF01\n",
        "xmdb_sa_id_0123456789abcdefABCDEF01",
        "MDB_SA_ID_0123456789abcdefABCDEF01",
        "",
    ];
    for c in cases {
        let result = Ids::new("32b6e34b3d91647abb20e7b8", c, "x").validate();
        assert_eq!(
            broken(&result, "clientId"),
            !refs().client.is_match(c),
            "{c:?}"
        );
    }
    for name in [
        "a",
        &"é".repeat(64),
        &"é".repeat(65),
        "東京 (HQ)",
        "a!b",
        "",
    ] {
        let result = Texts::new("ok", "ab 12", name).validate();
        assert_eq!(
            broken(&result, "orgName"),
            !refs().org_name.is_match(name),
            "{name:?}"
        );
    }
}

#[atlas_endpoint(GET, "/a/{first}/b/{second}:invite")]
struct Route {
    first: String,
    second: String,
}

fn hostile_segment() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "..", ".", "/", "%", "%2F", "%2e%2e", "?", "#", "&", "=", ";", ":", "@", "\\", " ", "\t",
        "\n", "é", "東", "a", "b", "{", "}", "[", "]", "+", "*", "~", "'", "\"", "\u{0}",
    ]);
    prop::collection::vec(pieces, 1..8).prop_map(|v| v.concat())
}

/// Decodes percent-escapes, as a server does before routing a segment.
fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_path_values_never_change_the_route(first in hostile_segment(), second in hostile_segment()) {
        static SERVER: OnceLock<TestServer> = OnceLock::new();
        let server = SERVER.get_or_init(|| TestServer::with_handler(|_| Canned::json(200, "{}")));
        let call = Route::new(first.clone(), second.clone());
        match call.validate() {
            // Only `.`/`..` whole values are refused; everything else must be sent safely.
            Err(e) => prop_assert!(e.violations.iter().all(|v| v.rule == Rule::DotSegment), "{}", e),
            Ok(()) => {
                let before = server.requests().len();
                server.client().send(&call).unwrap();
                let seen = server.requests()[before].clone();
                prop_assert_eq!(seen.query(), None);
                let path = seen.path();
                let segments: Vec<&str> = path.split('/').collect();
                prop_assert_eq!(segments.len(), 8, "{}", path);
                prop_assert_eq!(&segments[..5], &["", "api", "atlas", "v2", "a"]);
                prop_assert_eq!(segments[6], "b");
                let last = segments[7].strip_suffix(":invite");
                prop_assert!(last.is_some(), "{}", path);
                prop_assert_eq!(percent_decode(segments[5]), first.as_bytes().to_vec());
                prop_assert_eq!(percent_decode(last.unwrap_or_default()), second.as_bytes().to_vec());
            }
        }
    }
}
