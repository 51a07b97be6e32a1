//! HTTP Digest (RFC 7616) for programmatic API keys, as Atlas offers it: realm
//! `MMS Public API`, `qop="auth"`, MD5 and SHA-256 challenges sharing one nonce.
//!
//! Nonces live for a configurable time; a request whose digest is right but whose nonce
//! is past that (or unknown) gets 401 with `stale=true`, so a client can retry with the
//! new nonce without asking the user again. The nonce count (`nc`) of every accepted
//! request is remembered per nonce; a count seen before is a replay and is refused
//! (counts may arrive out of order, as with concurrent connections).

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, SystemTime};

use md5::Md5;
use sha2::{Digest as _, Sha256};

use crate::ids;

/// The realm Atlas uses.
pub(crate) const REALM: &str = "MMS Public API";

/// Most nonces remembered at once (oldest forgotten first).
const MAX_NONCES: usize = 10_000;

/// A Digest hash algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algorithm {
    Md5,
    Sha256,
}

impl Algorithm {
    fn parse(s: &str) -> Option<Algorithm> {
        if s.eq_ignore_ascii_case("MD5") {
            Some(Algorithm::Md5)
        } else if s.eq_ignore_ascii_case("SHA-256") {
            Some(Algorithm::Sha256)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }

    fn hash(self, data: &str) -> String {
        match self {
            Algorithm::Md5 => ids::hex(&Md5::digest(data.as_bytes())),
            Algorithm::Sha256 => ids::hex(&Sha256::digest(data.as_bytes())),
        }
    }
}

/// The `WWW-Authenticate` values of a 401: MD5 first (what Atlas sends, so a client that
/// takes the first challenge behaves as with Atlas), then SHA-256, one shared nonce.
pub(crate) fn challenges(nonce: &str, stale: bool) -> Vec<String> {
    [Algorithm::Md5, Algorithm::Sha256]
        .iter()
        .map(|alg| {
            format!(
                "Digest realm=\"{REALM}\", domain=\"\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\", stale={stale}",
                alg.name()
            )
        })
        .collect()
}

#[derive(Debug)]
struct NonceState {
    issued: SystemTime,
    seen: HashSet<u32>,
}

/// What the nonce store says of a nonce and count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NonceCheck {
    Fresh,
    Stale,
    Replay,
}

/// The nonces handed out, with their counts.
#[derive(Debug)]
pub(crate) struct NonceStore {
    lifetime: Duration,
    nonces: HashMap<String, NonceState>,
    order: VecDeque<String>,
}

impl NonceStore {
    pub(crate) fn new(lifetime: Duration) -> NonceStore {
        NonceStore {
            lifetime,
            nonces: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    fn expired(&self, issued: SystemTime, now: SystemTime) -> bool {
        now.duration_since(issued).unwrap_or_default() >= self.lifetime
    }

    /// A new nonce.
    pub(crate) fn issue(&mut self, now: SystemTime) -> String {
        while let Some(oldest) = self.order.front() {
            let gone = self
                .nonces
                .get(oldest)
                .is_none_or(|s| self.expired(s.issued, now));
            if !gone && self.order.len() < MAX_NONCES {
                break;
            }
            if let Some(old) = self.order.pop_front() {
                self.nonces.remove(&old);
            }
        }
        let nonce = ids::nonce();
        self.nonces.insert(
            nonce.clone(),
            NonceState {
                issued: now,
                seen: HashSet::new(),
            },
        );
        self.order.push_back(nonce.clone());
        nonce
    }

    fn check(&mut self, nonce: &str, nc: u32, now: SystemTime) -> NonceCheck {
        let lifetime = self.lifetime;
        let Some(state) = self.nonces.get_mut(nonce) else {
            return NonceCheck::Stale;
        };
        if now.duration_since(state.issued).unwrap_or_default() >= lifetime {
            return NonceCheck::Stale;
        }
        if !state.seen.insert(nc) {
            return NonceCheck::Replay;
        }
        NonceCheck::Fresh
    }
}

/// Why Digest credentials were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigestFailure {
    /// The digest was right but the nonce is too old (or unknown): `stale=true`.
    pub(crate) stale: bool,
    pub(crate) detail: &'static str,
}

fn fail(detail: &'static str) -> DigestFailure {
    DigestFailure {
        stale: false,
        detail,
    }
}

/// Parses `k=v, k="quoted \" value", …` (the part after `Digest `).
pub(crate) fn parse_params(s: &str) -> Option<HashMap<String, String>> {
    let mut out = HashMap::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'\t' || bytes[i] == b',') {
            i += 1;
        }
        if i >= bytes.len() {
            return Some(out);
        }
        let start = i;
        while i < bytes.len() && bytes[i] != b'=' && bytes[i] != b',' && bytes[i] != b' ' {
            i += 1;
        }
        let key = s.get(start..i)?.to_ascii_lowercase();
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' || key.is_empty() {
            return None;
        }
        i += 1;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let value = if i < bytes.len() && bytes[i] == b'"' {
            i += 1;
            let mut value = Vec::new();
            loop {
                match bytes.get(i)? {
                    b'\\' => {
                        value.push(*bytes.get(i + 1)?);
                        i += 2;
                    }
                    b'"' => {
                        i += 1;
                        break;
                    }
                    b => {
                        value.push(*b);
                        i += 1;
                    }
                }
            }
            String::from_utf8(value).ok()?
        } else {
            let start = i;
            while i < bytes.len() && bytes[i] != b',' && bytes[i] != b' ' {
                i += 1;
            }
            s.get(start..i)?.to_owned()
        };
        if out.insert(key, value).is_some() {
            return None; // a parameter given twice
        }
    }
}

/// Checks `Authorization: Digest …` credentials (`params` is the part after `Digest `)
/// for a request with this method and request target. `password` finds the private key
/// of a public key. On success, the public key.
pub(crate) fn verify(
    params: &str,
    method: &str,
    target: &str,
    password: impl Fn(&str) -> Option<String>,
    nonces: &mut NonceStore,
    now: SystemTime,
) -> Result<String, DigestFailure> {
    let p = parse_params(params).ok_or_else(|| fail("The Digest credentials are malformed."))?;
    let get = |k: &str| p.get(k).map(String::as_str);
    let (Some(username), Some(realm), Some(nonce), Some(uri), Some(response)) = (
        get("username"),
        get("realm"),
        get("nonce"),
        get("uri"),
        get("response"),
    ) else {
        return Err(fail("The Digest credentials lack a required parameter."));
    };
    if realm != REALM {
        return Err(fail("The Digest realm is not the one challenged."));
    }
    if get("userhash").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return Err(fail("Digest userhash is not supported."));
    }
    let algorithm = match get("algorithm") {
        None => Algorithm::Md5,
        Some(a) => {
            Algorithm::parse(a).ok_or_else(|| fail("The Digest algorithm is not supported."))?
        }
    };
    if get("qop") != Some("auth") {
        return Err(fail("The Digest qop must be auth."));
    }
    let (Some(nc), Some(cnonce)) = (get("nc"), get("cnonce")) else {
        return Err(fail("The Digest credentials lack nc or cnonce."));
    };
    if nc.len() != 8 || !nc.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(fail("The Digest nonce count is malformed."));
    }
    let count =
        u32::from_str_radix(nc, 16).map_err(|_| fail("The Digest nonce count is malformed."))?;
    if uri != target {
        return Err(fail("The Digest uri does not match the request."));
    }
    let Some(secret) = password(username) else {
        return Err(fail("Unknown API key."));
    };
    let ha1 = algorithm.hash(&format!("{username}:{REALM}:{secret}"));
    let ha2 = algorithm.hash(&format!("{method}:{uri}"));
    let expected = algorithm.hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    if !constant_time_eq(
        expected.as_bytes(),
        response.to_ascii_lowercase().as_bytes(),
    ) {
        return Err(fail("The Digest response is wrong."));
    }
    match nonces.check(nonce, count, now) {
        NonceCheck::Fresh => Ok(username.to_owned()),
        NonceCheck::Stale => Err(DigestFailure {
            stale: true,
            detail: "The Digest nonce has expired.",
        }),
        NonceCheck::Replay => Err(fail("The Digest nonce count was already used.")),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn answer(
        alg: Algorithm,
        user: &str,
        pass: &str,
        nonce: &str,
        nc: &str,
        method: &str,
        uri: &str,
    ) -> String {
        let ha1 = alg.hash(&format!("{user}:{REALM}:{pass}"));
        let ha2 = alg.hash(&format!("{method}:{uri}"));
        let response = alg.hash(&format!("{ha1}:{nonce}:{nc}:cn:auth:{ha2}"));
        format!(
            "username=\"{user}\", realm=\"{REALM}\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm={}, qop=auth, nc={nc}, cnonce=\"cn\", response=\"{response}\"",
            alg.name()
        )
    }

    #[test]
    fn rfc7616_md5_vector() {
        // RFC 7616 §3.9.1, MD5.
        let ha1 = Algorithm::Md5.hash("Mufasa:http-auth@example.org:Circle of Life");
        let ha2 = Algorithm::Md5.hash("GET:/dir/index.html");
        let r = Algorithm::Md5.hash(&format!(
            "{ha1}:7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:00000001:f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ:auth:{ha2}"
        ));
        assert_eq!(r, "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn verifies_counts_and_expires() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut nonces = NonceStore::new(Duration::from_secs(10));
        let nonce = nonces.issue(t0);
        let pw = |u: &str| (u == "pub").then(|| "priv".to_owned());
        for alg in [Algorithm::Md5, Algorithm::Sha256] {
            let nc = if alg == Algorithm::Md5 {
                "00000001"
            } else {
                "00000002"
            };
            let h = answer(alg, "pub", "priv", &nonce, nc, "GET", "/x?y=1");
            assert_eq!(
                verify(&h, "GET", "/x?y=1", pw, &mut nonces, t0).unwrap(),
                "pub"
            );
            // The same count again is a replay.
            let e = verify(&h, "GET", "/x?y=1", pw, &mut nonces, t0).unwrap_err();
            assert!(!e.stale);
        }
        // Counts may come out of order.
        let h = answer(
            Algorithm::Md5,
            "pub",
            "priv",
            &nonce,
            "00000009",
            "GET",
            "/x?y=1",
        );
        assert!(verify(&h, "GET", "/x?y=1", pw, &mut nonces, t0).is_ok());
        let h = answer(
            Algorithm::Md5,
            "pub",
            "priv",
            &nonce,
            "00000005",
            "GET",
            "/x?y=1",
        );
        assert!(verify(&h, "GET", "/x?y=1", pw, &mut nonces, t0).is_ok());
        // Wrong password, wrong uri, wrong method: not stale.
        let h = answer(
            Algorithm::Md5,
            "pub",
            "nope",
            &nonce,
            "00000010",
            "GET",
            "/x?y=1",
        );
        assert!(
            !verify(&h, "GET", "/x?y=1", pw, &mut nonces, t0)
                .unwrap_err()
                .stale
        );
        let h = answer(
            Algorithm::Md5,
            "pub",
            "priv",
            &nonce,
            "00000011",
            "GET",
            "/x",
        );
        assert!(verify(&h, "GET", "/x?y=1", pw, &mut nonces, t0).is_err());
        let h = answer(
            Algorithm::Md5,
            "pub",
            "priv",
            &nonce,
            "00000012",
            "GET",
            "/x?y=1",
        );
        assert!(verify(&h, "POST", "/x?y=1", pw, &mut nonces, t0).is_err());
        // After the lifetime: stale, when the digest is right.
        let later = t0 + Duration::from_secs(10);
        let h = answer(
            Algorithm::Md5,
            "pub",
            "priv",
            &nonce,
            "00000013",
            "GET",
            "/x?y=1",
        );
        assert!(
            verify(&h, "GET", "/x?y=1", pw, &mut nonces, later)
                .unwrap_err()
                .stale
        );
        // An unknown nonce with a right digest: stale too.
        let h = answer(
            Algorithm::Md5,
            "pub",
            "priv",
            "made-up",
            "00000001",
            "GET",
            "/x?y=1",
        );
        assert!(
            verify(&h, "GET", "/x?y=1", pw, &mut nonces, t0)
                .unwrap_err()
                .stale
        );
    }

    #[test]
    fn parses_params() {
        let p = parse_params(r#"username="a\"b", nc=00000001 ,qop=auth,realm="MMS Public API""#)
            .unwrap();
        assert_eq!(p["username"], "a\"b");
        assert_eq!(p["nc"], "00000001");
        assert_eq!(p["qop"], "auth");
        assert_eq!(p["realm"], REALM);
        assert!(parse_params("username").is_none());
        assert!(parse_params("a=\"unterminated").is_none());
        assert!(parse_params("a=1, a=2").is_none());
    }

    #[test]
    fn challenges_offer_both() {
        let c = challenges("n", true);
        assert_eq!(c.len(), 2);
        assert!(c[0].contains("algorithm=MD5") && c[0].contains("stale=true"));
        assert!(c[1].contains("algorithm=SHA-256") && c[1].contains("qop=\"auth\""));
    }
}
