//! `#[atlas(path, encoded)]` values are checked decoded: whatever a caller passes, the
//! request either is refused before any I/O or reaches the route it names, on a real
//! server on 127.0.0.1 (as `properties.rs` proves for plain values).

use std::sync::OnceLock;

use atlas_runtime::{Endpoint, atlas_endpoint, implement::Rule};
use atlas_test_support::{Canned, TestServer};
use proptest::prelude::*;

#[atlas_endpoint(DELETE, "/a/{first}/b/{second}:invite", version = "2024-08-05")]
struct Route {
    #[atlas(path, encoded)]
    first: String,
    #[atlas(path, encoded)]
    second: String,
}

/// Percent-decodes once, as a server does before routing a segment; `None` for a broken
/// escape (which validation refuses).
fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            // Two hex digits exactly: `from_str_radix` alone would take `%+a` (a sign).
            let hex = b.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The route a server resolves from a decoded segment: refused when a piece between
/// decoded slashes is a dot segment, or it holds a query or fragment.
fn stays_in_place(decoded: &[u8]) -> bool {
    !decoded.iter().any(|b| matches!(b, b'?' | b'#'))
        && decoded
            .split(|&b| b == b'/')
            .all(|piece| piece != b"." && piece != b"..")
}

#[test]
fn encoded_dot_segments_are_refused() {
    for value in [
        "%2e%2e",
        "%2E%2E",
        ".%2e",
        "%2e.",
        "%2E",
        ".",
        "..",
        "..%2F",
        "%2F..",
        "a%2F%2e%2e%2Fb",
    ] {
        let e = Route::new(value, "x").validate().unwrap_err();
        assert_eq!(e.violations.len(), 1, "{value}: {e}");
        assert_eq!(e.violations[0].rule, Rule::DotSegment, "{value}: {e}");
        assert_eq!(e.violations[0].param, "first");
    }
    for value in [
        "a/b", "a?b", "a#b", "%3F", "%3f", "%23", "a%2", "%G0", "%+a",
    ] {
        let e = Route::new("x", value).validate().unwrap_err();
        assert_eq!(e.violations[0].rule, Rule::EscapesSegment, "{value}: {e}");
    }
    // The documented use: a CIDR block with its slash encoded.
    assert!(
        Route::new("192.0.2.0%2F24", "2001%3Adb8%3A%3A%2F32")
            .validate()
            .is_ok()
    );
}

fn hostile_encoded() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "..", ".", "%2e", "%2E", "%2F", "%2f", "/", "%", "%2", "%25", "%3F", "%23", "?", "#", "&",
        ";", ":", "@", "\\", " ", "é", "a", "b", "0", "{", "+", "~", "%00", "%5C",
    ]);
    prop::collection::vec(pieces, 1..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn encoded_path_values_never_change_the_route(first in hostile_encoded(), second in hostile_encoded()) {
        static SERVER: OnceLock<TestServer> = OnceLock::new();
        let server = SERVER.get_or_init(|| TestServer::with_handler(|_| Canned::json(204, "")));
        let call = Route::new(first.clone(), second.clone());
        let allowed = |v: &str| percent_decode(v).is_some_and(|d| stays_in_place(&d))
            && !v.contains(['/', '?', '#']);
        match call.validate() {
            Err(e) => {
                // Refused only when the value would leave its place.
                prop_assert!(!allowed(&first) || !allowed(&second), "{}", e);
                prop_assert!(e.violations.iter().all(|v| matches!(v.rule, Rule::DotSegment | Rule::EscapesSegment)), "{}", e);
            }
            Ok(()) => {
                prop_assert!(allowed(&first) && allowed(&second), "{:?} {:?}", first, second);
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
                for (segment, value) in [(segments[5], &first), (last.unwrap_or_default(), &second)] {
                    let decoded = percent_decode(segment);
                    prop_assert!(decoded.as_deref().is_some_and(stays_in_place), "{}", path);
                    // What the server decodes is what the caller encoded.
                    prop_assert_eq!(decoded, percent_decode(value), "{}", path);
                }
            }
        }
    }
}
