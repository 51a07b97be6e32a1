//! The Digest challenge parser: `parse_challenges` over any `WWW-Authenticate` values, then
//! `choose`, then `authorization` on the chosen challenge (and on every other one).
//!
//! Input: lines (`\n`). A line is one `WWW-Authenticate` value (lossy UTF-8), except lines
//! that set what `authorization` is given: `@user …`, `@pass …`, `@method …`, `@uri …`,
//! `@cnonce …`, `@nc N` (defaults: an Atlas API key pair, `GET`, a path with a query,
//! `nc` 1).
//!
//! Checked besides "never panics":
//! - `choose` picks an answerable challenge (qop `auth` offered, or no qop), the strongest
//!   hash first, then `qop=auth` over the legacy form, then the server's order; `None` only
//!   when no challenge is answerable;
//! - the `Authorization` value starts `Digest `, names the algorithm, and when every input
//!   is what an HTTP header can carry (visible ASCII, space, tab; the username and
//!   password may be anything) it is ASCII and a valid `http::HeaderValue`, and this
//!   crate's own parser reads back the realm, nonce, opaque, algorithm, qop and userhash.

#![no_main]

use atlas_fuzz::header_safe;
use atlas_runtime::__fuzz::{Algorithm, Challenge, authorization, choose, parse_challenges};
use libfuzzer_sys::fuzz_target;

struct Params {
    user: String,
    pass: String,
    method: String,
    uri: String,
    cnonce: String,
    nc: u32,
}

fuzz_target!(|data: &[u8]| {
    let mut params = Params {
        user: "abcdefgh".into(),
        pass: "12345678-90ab-cdef-1234-567890abcdef".into(),
        method: "GET".into(),
        uri: "/api/atlas/v2/groups?pageNum=2&itemsPerPage=100".into(),
        cnonce: "0a4f113b".into(),
        nc: 1,
    };
    let mut values = Vec::new();
    for line in data.split(|&b| b == b'\n') {
        let line = String::from_utf8_lossy(line).into_owned();
        let set = |prefix: &str, slot: &mut String| match line.strip_prefix(prefix) {
            Some(v) => {
                *slot = v.to_owned();
                true
            }
            None => false,
        };
        if set("@user ", &mut params.user)
            || set("@pass ", &mut params.pass)
            || set("@method ", &mut params.method)
            || set("@uri ", &mut params.uri)
            || set("@cnonce ", &mut params.cnonce)
        {
            continue;
        }
        if let Some(nc) = line.strip_prefix("@nc ") {
            params.nc = nc.trim().parse().unwrap_or(u32::MAX);
            continue;
        }
        values.push(line);
    }

    let parsed = parse_challenges(values.iter().map(String::as_str));
    let chosen = choose(&parsed);
    check_choice(&parsed, chosen);
    for challenge in &parsed {
        check_authorization(challenge, &params);
    }
});

fn offers_auth(c: &Challenge) -> bool {
    c.qop.iter().any(|q| q.eq_ignore_ascii_case("auth"))
}

fn rank(c: &Challenge) -> (u8, bool) {
    let strong = matches!(c.algorithm, Algorithm::Sha256 | Algorithm::Sha256Sess);
    (u8::from(strong), offers_auth(c))
}

fn check_choice(parsed: &[Challenge], chosen: Option<&Challenge>) {
    let answerable: Vec<&Challenge> = parsed
        .iter()
        .filter(|c| c.qop.is_empty() || offers_auth(c))
        .collect();
    let Some(chosen) = chosen else {
        assert!(answerable.is_empty(), "nothing chosen among {answerable:?}");
        return;
    };
    // The first of the best-ranked answerable challenges, by identity.
    let best = answerable.iter().map(|c| rank(c)).max();
    let first_best = answerable.iter().find(|c| Some(rank(c)) == best);
    assert!(
        first_best.is_some_and(|c| std::ptr::eq(*c, chosen)),
        "chose {chosen:?} over {first_best:?}"
    );
}

fn check_authorization(challenge: &Challenge, p: &Params) {
    let header = authorization(
        challenge, &p.user, &p.pass, &p.method, &p.uri, p.nc, &p.cnonce,
    );
    assert!(header.starts_with("Digest "), "{header}");
    assert!(
        header.contains(&format!(", algorithm={}, ", challenge.algorithm.name())),
        "{header}"
    );

    let safe_inputs = [
        challenge.realm.as_str(),
        &challenge.nonce,
        challenge.opaque.as_deref().unwrap_or(""),
        &p.method,
        &p.uri,
        &p.cnonce,
    ]
    .iter()
    .all(|s| header_safe(s));
    if !safe_inputs {
        // Documented: nothing is validated; the HTTP layer refuses such a header.
        return;
    }
    assert!(
        header.is_ascii(),
        "non-ASCII header from safe inputs: {header:?}"
    );
    assert!(
        http::HeaderValue::from_str(&header).is_ok(),
        "not a header value from safe inputs: {header:?}"
    );

    // Read back with the same parser (an `Authorization` value has challenge syntax).
    let back = parse_challenges([header.as_str()]);
    let [back] = back.as_slice() else {
        panic!("{header:?} reads back as {back:?}");
    };
    assert_eq!(back.realm, challenge.realm, "{header:?}");
    assert_eq!(back.nonce, challenge.nonce, "{header:?}");
    assert_eq!(back.opaque, challenge.opaque, "{header:?}");
    assert_eq!(back.algorithm, challenge.algorithm, "{header:?}");
    let qop: &[&str] = if challenge.qop.is_empty() {
        &[]
    } else {
        &["auth"]
    };
    assert_eq!(back.qop, qop, "{header:?}");
    assert_eq!(back.userhash, challenge.userhash, "{header:?}");
}
