//! HTTP Digest access authentication, client side ([RFC 7616], with [RFC 2617] and [RFC 2069]
//! compatibility).
//!
//! # Why Digest
//!
//! Atlas programmatic API keys (a public key and a private key) are not sent as bearer tokens or
//! Basic credentials: the Atlas Admin API authenticates them with HTTP Digest. The private key
//! never crosses the wire; each request proves knowledge of it by hashing it together with a
//! server nonce, a client nonce and the request line.
//!
//! The exchange is: send the request without credentials, receive `401 Unauthorized` with a
//! challenge, answer it by re-sending the request with an `Authorization` header. Atlas sends:
//!
//! ```text
//! WWW-Authenticate: Digest realm="MMS Public API", domain="", nonce="OjFoiSc8YT7QEnXYjzUDVPo8rMcBFkDo", algorithm=MD5, qop="auth", stale=false
//! ```
//!
//! that is MD5 with `qop=auth`, no `opaque`, no `userhash`.
//!
//! # What this module does
//!
//! Only the pure parts, no I/O: [`parse_challenges`] reads `WWW-Authenticate` values,
//! [`choose`] picks the challenge to answer, [`authorization`] computes the `Authorization`
//! value, [`new_cnonce`] makes a client nonce. The caller owns the nonce count (`nc`): it starts at
//! 1 for a fresh server nonce and goes up by one per request reusing that nonce; when the server
//! answers 401 with `stale=true`, the credentials were right and only the nonce expired, so the
//! caller retries with the new nonce (and `nc` back to 1) instead of reporting bad credentials.
//!
//! Supported: algorithms `MD5`, `MD5-sess`, `SHA-256`, `SHA-256-sess`; `qop=auth` and the legacy
//! form without `qop`; `userhash`; `opaque`. Not supported: `qop=auth-int` (it hashes the body)
//! and `SHA-512-256`: such challenges are skipped. Usernames and passwords are hashed as UTF-8
//! (what `charset=UTF-8` asks for; for ASCII keys, as Atlas uses, every charset agrees).
//!
//! [RFC 7616]: https://www.rfc-editor.org/rfc/rfc7616
//! [RFC 2617]: https://www.rfc-editor.org/rfc/rfc2617
//! [RFC 2069]: https://www.rfc-editor.org/rfc/rfc2069

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use md5::Md5;
use sha2::{Digest, Sha256};

/// The hash algorithm of a Digest challenge (its `algorithm` parameter; `MD5` when absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// `MD5`: A1 = user:realm:password.
    Md5,
    /// `MD5-sess`: A1 = H(user:realm:password):nonce:cnonce.
    Md5Sess,
    /// `SHA-256`.
    Sha256,
    /// `SHA-256-sess`.
    Sha256Sess,
}

impl Algorithm {
    /// Parses the `algorithm` parameter value (case-insensitive); `None` when unknown.
    fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        [
            Algorithm::Md5,
            Algorithm::Md5Sess,
            Algorithm::Sha256,
            Algorithm::Sha256Sess,
        ]
        .into_iter()
        .find(|alg| alg.name().eq_ignore_ascii_case(value))
    }

    /// The name as written in challenges and in the `Authorization` header.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Md5Sess => "MD5-sess",
            Algorithm::Sha256 => "SHA-256",
            Algorithm::Sha256Sess => "SHA-256-sess",
        }
    }

    fn is_sess(self) -> bool {
        matches!(self, Algorithm::Md5Sess | Algorithm::Sha256Sess)
    }

    /// Preference rank: stronger hash first.
    fn strength(self) -> u8 {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => 0,
            Algorithm::Sha256 | Algorithm::Sha256Sess => 1,
        }
    }

    /// The hash of `data`, lowercase hex.
    fn hash(self, data: &str) -> String {
        match self {
            Algorithm::Md5 | Algorithm::Md5Sess => hex(&Md5::digest(data.as_bytes())),
            Algorithm::Sha256 | Algorithm::Sha256Sess => hex(&Sha256::digest(data.as_bytes())),
        }
    }
}

/// One `Digest` challenge from a `WWW-Authenticate` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The protection space; hashed into A1 and echoed back.
    pub realm: String,
    /// The server nonce; echoed back.
    pub nonce: String,
    /// Opaque server data, echoed back unchanged when present.
    pub opaque: Option<String>,
    /// The hash algorithm (`MD5` when the challenge names none).
    pub algorithm: Algorithm,
    /// qop options offered (e.g. `["auth", "auth-int"]`); empty = legacy RFC 2069 (no qop).
    pub qop: Vec<String>,
    /// `stale=true`: the previous answer used an expired nonce but was otherwise right; retry
    /// with this challenge's nonce rather than reporting bad credentials.
    pub stale: bool,
    /// `userhash=true`: send `H(user:realm)` instead of the username.
    pub userhash: bool,
}

impl Challenge {
    /// Whether the challenge offers `qop=auth` (case-insensitive).
    fn offers_auth(&self) -> bool {
        self.qop.iter().any(|q| q.eq_ignore_ascii_case("auth"))
    }

    /// Whether we can answer it: `qop=auth` offered, or the legacy form without `qop`.
    fn answerable(&self) -> bool {
        self.qop.is_empty() || self.offers_auth()
    }
}

/// Parses every Digest challenge found in the given WWW-Authenticate header values.
///
/// Tolerant: any order of parameters, quoted or bare (token) values, quoted-string escapes (`\"`),
/// case-insensitive scheme and parameter names, unknown parameters ignored, several challenges
/// in one header value (e.g. `Basic realm="x", Digest realm="y", nonce="n"` or two Digest
/// challenges with different algorithms), and several header values. Challenges of other schemes
/// are skipped. A Digest challenge without realm or nonce, or with an unknown algorithm, is
/// skipped (not an error). A repeated parameter keeps its first value. Malformed stretches are
/// skipped up to the next comma outside quotes; an unterminated quoted string runs to the end of
/// the value. Never panics on any input.
pub fn parse_challenges<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    values
        .into_iter()
        .flat_map(|value| Parser::new(value).challenges())
        .filter_map(RawChallenge::into_digest)
        .collect()
}

/// Picks the challenge to answer: prefer SHA-256 over MD5, and qop=auth support (we only do
/// qop=auth or legacy no-qop; skip challenges that offer only auth-int).
///
/// Ranking: the stronger hash first; for the same hash, `qop=auth` before the legacy form;
/// otherwise the server's order (RFC 7616 §3.7: servers list their preferred challenge first).
pub fn choose(challenges: &[Challenge]) -> Option<&Challenge> {
    let mut best: Option<(&Challenge, (u8, bool))> = None;
    for challenge in challenges.iter().filter(|c| c.answerable()) {
        let rank = (challenge.algorithm.strength(), challenge.offers_auth());
        if best.is_none_or(|(_, best_rank)| rank > best_rank) {
            best = Some((challenge, rank));
        }
    }
    best.map(|(challenge, _)| challenge)
}

/// The `Authorization` header value answering `challenge` for one request.
///
/// `uri` is the request-target (path and query, exactly as sent). `nc` is the nonce count
/// (1, 2, …), formatted as 8 hex digits. `cnonce` is supplied by the caller (random per request:
/// [`new_cnonce`]).
///
/// With qop=auth: response = H(H(A1):nonce:nc:cnonce:qop:H(A2)), A2 = method:uri,
/// A1 = user:realm:pass (for -sess: H(user:realm:pass):nonce:cnonce). Without qop (legacy):
/// H(H(A1):nonce:H(A2)).
///
/// Emits `username, realm, nonce, uri, algorithm, response, opaque` (if given), `qop=auth, nc,
/// cnonce` (when the challenge offers any qop), `userhash=true` (when asked) — quoting as RFC 7616
/// says (`qop`, `nc` and `algorithm` unquoted; `"` and `\` escaped in quoted values).
///
/// Details:
/// - `userhash=true`: username = H(user:realm).
/// - A username that a quoted-string cannot carry (non-ASCII or control characters) is sent as
///   `username*=UTF-8''…` (RFC 7616 §3.4, RFC 8187) unless `userhash` is on.
/// - A challenge that offers qop but not `auth` (only `auth-int`) is still answered with
///   `qop=auth`, which the server will likely refuse; [`choose`] never picks one.
/// - Legacy (no qop) with a `-sess` algorithm: A1 needs the cnonce, so `cnonce` is sent (no `nc`).
/// - Nothing is validated: control characters in `uri` or challenge values make a string that
///   is not a valid header value, which the HTTP layer refuses when building the header.
pub fn authorization(
    challenge: &Challenge,
    username: &str,
    password: &str,
    method: &str,
    uri: &str,
    nc: u32,
    cnonce: &str,
) -> String {
    let alg = challenge.algorithm;
    let realm = &challenge.realm;
    let nonce = &challenge.nonce;
    let with_qop = !challenge.qop.is_empty();
    let nc = format!("{nc:08x}");

    let mut ha1 = alg.hash(&format!("{username}:{realm}:{password}"));
    if alg.is_sess() {
        ha1 = alg.hash(&format!("{ha1}:{nonce}:{cnonce}"));
    }
    let ha2 = alg.hash(&format!("{method}:{uri}"));
    let response = if with_qop {
        alg.hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
    } else {
        alg.hash(&format!("{ha1}:{nonce}:{ha2}"))
    };

    let mut out = String::from("Digest ");
    if challenge.userhash {
        out.push_str("username=");
        push_quoted(&mut out, &alg.hash(&format!("{username}:{realm}")));
    } else if needs_ext_value(username) {
        out.push_str("username*=UTF-8''");
        push_ext_value(&mut out, username);
    } else {
        out.push_str("username=");
        push_quoted(&mut out, username);
    }
    out.push_str(", realm=");
    push_quoted(&mut out, realm);
    out.push_str(", nonce=");
    push_quoted(&mut out, nonce);
    out.push_str(", uri=");
    push_quoted(&mut out, uri);
    out.push_str(", algorithm=");
    out.push_str(alg.name());
    out.push_str(", response=");
    push_quoted(&mut out, &response);
    if let Some(opaque) = &challenge.opaque {
        out.push_str(", opaque=");
        push_quoted(&mut out, opaque);
    }
    if with_qop {
        out.push_str(", qop=auth, nc=");
        out.push_str(&nc);
    }
    if with_qop || alg.is_sess() {
        out.push_str(", cnonce=");
        push_quoted(&mut out, cnonce);
    }
    if challenge.userhash {
        out.push_str(", userhash=true");
    }
    out
}

/// A fresh client nonce: 16 random bytes from the operating system, as 32 lowercase hex digits.
///
/// Should the OS generator fail (practically never), falls back to hashing the time, the
/// process id and a counter: still unique per call, less unpredictable, and no panic. The cnonce
/// is not a secret; it guards against chosen-plaintext attacks by a malicious server.
pub fn new_cnonce() -> String {
    let mut bytes = [0u8; 16];
    match getrandom::getrandom(&mut bytes) {
        Ok(()) => hex(&bytes),
        Err(_) => fallback_cnonce(),
    }
}

/// The [`new_cnonce`] fallback: 32 hex digits hashed from the time, the process and a counter.
fn fallback_cnonce() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    // The stack address adds whatever address-space randomization gives.
    let seed = format!("{nanos}:{}:{count}:{:p}", std::process::id(), &count);
    let mut hashed = Algorithm::Sha256.hash(&seed);
    hashed.truncate(32);
    hashed
}

/// Lowercase hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Appends `value` as a quoted-string, escaping `"` and `\`.
fn push_quoted(out: &mut String, value: &str) {
    out.push('"');
    for c in value.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// Whether `value` has characters a quoted-string should not carry (non-ASCII, controls).
fn needs_ext_value(value: &str) -> bool {
    value
        .bytes()
        .any(|b| !b.is_ascii() || (b.is_ascii_control() && b != b'\t'))
}

/// Appends the RFC 8187 percent-encoding of `value` (the part after `UTF-8''`).
fn push_ext_value(out: &mut String, value: &str) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
        }
    }
}

/// A challenge of any scheme, as read: lowercased parameter names, unquoted values.
#[derive(Debug)]
struct RawChallenge {
    scheme: String,
    params: Vec<(String, String)>,
}

impl RawChallenge {
    /// The first value of parameter `name` (lowercase).
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn into_digest(self) -> Option<Challenge> {
        if !self.scheme.eq_ignore_ascii_case("digest") {
            return None;
        }
        let algorithm = match self.param("algorithm") {
            Some(value) => Algorithm::parse(value)?,
            None => Algorithm::Md5,
        };
        let is_true = |name| {
            self.param(name)
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        };
        Some(Challenge {
            realm: self.param("realm")?.to_owned(),
            nonce: self.param("nonce")?.to_owned(),
            opaque: self.param("opaque").map(str::to_owned),
            algorithm,
            qop: self
                .param("qop")
                .map(|v| {
                    v.split(',')
                        .map(str::trim)
                        .filter(|q| !q.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default(),
            stale: is_true("stale"),
            userhash: is_true("userhash"),
        })
    }
}

/// A cursor over one `WWW-Authenticate` value (RFC 9110 §11.6.1):
///
/// ```text
/// WWW-Authenticate = #challenge
/// challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
/// auth-param       = token BWS "=" BWS ( token / quoted-string )
/// ```
///
/// Commas separate both challenges and parameters: a token followed by `=` is a parameter of
/// the current challenge, a token followed by a comma, the end or whitespace then something
/// else starts a new challenge. Every step consumes at least one byte or stops.
struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips spaces and tabs; whether any were skipped.
    fn skip_ows(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos > start
    }

    /// Reads a (possibly empty) token.
    fn token(&mut self) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(is_tchar) {
            self.pos += 1;
        }
        // Token bytes are ASCII, so both ends are char boundaries; `get` keeps it panic-free.
        self.text.get(start..self.pos).unwrap_or("")
    }

    /// Reads an unquoted value: a token, leniently extended to anything up to whitespace, a
    /// comma or a quote, so that a server's bare `nonce=ab/c+d==` is not cut to `ab`.
    fn bare_value(&mut self) -> &'a str {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|b| !matches!(b, b' ' | b'\t' | b',' | b'"'))
        {
            self.pos += 1;
        }
        // Stops at an ASCII byte or the end: both are char boundaries.
        self.text.get(start..self.pos).unwrap_or("")
    }

    /// Reads a quoted-string starting at `"`, unescaping `\x`; unterminated runs to the end.
    fn quoted(&mut self) -> String {
        let mut out = Vec::new();
        self.pos += 1; // the opening quote
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    if let Some(escaped) = self.peek() {
                        out.push(escaped);
                        self.pos += 1;
                    }
                }
                _ => out.push(b),
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Skips to the next comma outside a quoted-string (or the end), not consuming it.
    fn skip_to_comma(&mut self) {
        while let Some(b) = self.peek() {
            match b {
                b',' => break,
                b'"' => {
                    self.quoted();
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Whether a token followed by `=` (after optional whitespace) starts here.
    fn at_param(&self) -> bool {
        let mut ahead = Parser {
            text: self.text,
            bytes: self.bytes,
            pos: self.pos,
        };
        !ahead.token().is_empty() && {
            ahead.skip_ows();
            ahead.peek() == Some(b'=')
        }
    }

    /// Consumes a token68 (`Basic dXNlcjpwYXNz==`) if one, alone, follows a scheme here.
    fn skip_token68(&mut self) {
        let start = self.pos;
        while self.peek().is_some_and(is_token68_char) {
            self.pos += 1;
        }
        let body = self.pos > start;
        while self.peek() == Some(b'=') {
            self.pos += 1;
        }
        self.skip_ows();
        if !(body && matches!(self.peek(), None | Some(b','))) {
            self.pos = start;
        }
    }

    fn challenges(mut self) -> Vec<RawChallenge> {
        let mut done = Vec::new();
        let mut current: Option<RawChallenge> = None;
        loop {
            while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
                self.pos += 1;
            }
            let Some(first) = self.peek() else { break };
            let name = self.token();
            if name.is_empty() {
                // Garbage where a name should be: drop it up to the next comma.
                if first != b'"' {
                    self.pos += 1;
                }
                self.skip_to_comma();
                continue;
            }
            let spaced = self.skip_ows();
            match self.peek() {
                Some(b'=') => {
                    self.pos += 1;
                    self.skip_ows();
                    let value = if self.peek() == Some(b'"') {
                        self.quoted()
                    } else {
                        self.bare_value().to_owned()
                    };
                    if let Some(challenge) = current.as_mut() {
                        challenge.params.push((name.to_ascii_lowercase(), value));
                    }
                    // After a value: a comma, the end, or (missing comma) another `name=`;
                    // anything else is garbage up to the next comma.
                    let spaced = self.skip_ows();
                    let clean =
                        matches!(self.peek(), None | Some(b',')) || (spaced && self.at_param());
                    if !clean {
                        self.skip_to_comma();
                    }
                }
                None | Some(b',') => {
                    done.extend(current.replace(RawChallenge::new(name)));
                }
                Some(_) if spaced => {
                    done.extend(current.replace(RawChallenge::new(name)));
                    if !name.eq_ignore_ascii_case("digest") {
                        self.skip_token68();
                    }
                }
                Some(_) => self.skip_to_comma(),
            }
        }
        done.extend(current);
        done
    }
}

impl RawChallenge {
    fn new(scheme: &str) -> Self {
        RawChallenge {
            scheme: scheme.to_owned(),
            params: Vec::new(),
        }
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// RFC 9110 `token68` characters, without the trailing `=`.
fn is_token68_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATLAS: &str = r#"Digest realm="MMS Public API", domain="", nonce="OjFoiSc8YT7QEnXYjzUDVPo8rMcBFkDo", algorithm=MD5, qop="auth", stale=false"#;

    fn rfc7616(algorithm: Algorithm) -> Challenge {
        Challenge {
            realm: "http-auth@example.org".into(),
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v".into(),
            opaque: Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS".into()),
            algorithm,
            qop: vec!["auth".into(), "auth-int".into()],
            stale: false,
            userhash: false,
        }
    }

    const RFC7616_CNONCE: &str = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    fn answer(challenge: &Challenge, cnonce: &str) -> String {
        authorization(
            challenge,
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html",
            1,
            cnonce,
        )
    }

    /// The `name=value` pairs of an Authorization value, through our own parser.
    fn params(header: &str) -> Vec<(String, String)> {
        let mut raw = Parser::new(header).challenges();
        assert_eq!(raw.len(), 1, "{header}");
        let raw = raw.remove(0);
        assert_eq!(raw.scheme, "Digest");
        raw.params
    }

    fn param<'h>(params: &'h [(String, String)], name: &str) -> Option<&'h str> {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn rfc7616_md5() {
        let header = answer(&rfc7616(Algorithm::Md5), RFC7616_CNONCE);
        assert_eq!(
            header,
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
             nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", \
             algorithm=MD5, response=\"8ca523f5e9506fed4657c9700eebdbec\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", qop=auth, nc=00000001, \
             cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\""
        );
    }

    #[test]
    fn rfc7616_sha256() {
        let header = answer(&rfc7616(Algorithm::Sha256), RFC7616_CNONCE);
        let p = params(&header);
        assert_eq!(
            param(&p, "response"),
            Some("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        );
        assert!(header.contains(", algorithm=SHA-256, "), "{header}");
        assert!(header.contains(", qop=auth, nc=00000001, "), "{header}");
    }

    #[test]
    fn rfc7616_challenge_parses() {
        // The two challenges of RFC 7616 §3.9.1, server preference order: SHA-256 first.
        let value = r#"Digest
            realm="http-auth@example.org",
            qop="auth, auth-int",
            algorithm=SHA-256,
            nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS""#
            .replace('\n', " ");
        let md5 = value.replace("SHA-256", "MD5");
        let parsed = parse_challenges([value.as_str(), md5.as_str()]);
        assert_eq!(
            parsed,
            [rfc7616(Algorithm::Sha256), rfc7616(Algorithm::Md5)]
        );
        assert_eq!(choose(&parsed), Some(&parsed[0]));
    }

    #[test]
    fn rfc2617_md5() {
        let challenge = Challenge {
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            opaque: Some("5ccc069c403ebaf9f0171e9517f40e41".into()),
            algorithm: Algorithm::Md5,
            qop: vec!["auth".into(), "auth-int".into()],
            stale: false,
            userhash: false,
        };
        // Note the capital O: RFC 2617's password is "Circle Of Life", RFC 7616's "Circle of Life".
        let header = authorization(
            &challenge,
            "Mufasa",
            "Circle Of Life",
            "GET",
            "/dir/index.html",
            1,
            "0a4f113b",
        );
        let p = params(&header);
        assert_eq!(
            param(&p, "response"),
            Some("6629fae49393a05397450978507c4ef1")
        );
        assert_eq!(param(&p, "nc"), Some("00000001"));
        assert_eq!(param(&p, "cnonce"), Some("0a4f113b"));
        assert_eq!(
            param(&p, "opaque"),
            Some("5ccc069c403ebaf9f0171e9517f40e41")
        );
    }

    #[test]
    fn legacy_without_qop() {
        // RFC 2069: H(H(A1):nonce:H(A2)); no qop, nc or cnonce.
        let mut challenge = rfc7616(Algorithm::Md5);
        challenge.qop.clear();
        challenge.opaque = None;
        let header = answer(&challenge, "unused");
        let ha1 = Algorithm::Md5.hash("Mufasa:http-auth@example.org:Circle of Life");
        let ha2 = Algorithm::Md5.hash("GET:/dir/index.html");
        let expected = Algorithm::Md5.hash(&format!("{ha1}:{}:{ha2}", challenge.nonce));
        let p = params(&header);
        assert_eq!(param(&p, "response"), Some(expected.as_str()));
        for absent in ["qop", "nc", "cnonce", "opaque", "userhash"] {
            assert_eq!(param(&p, absent), None, "{header}");
        }
    }

    #[test]
    fn sess_and_nc_and_userhash() {
        // Independently computed (Python hashlib) values.
        let mut challenge = rfc7616(Algorithm::Md5Sess);
        let header = authorization(
            &challenge,
            "Mufasa",
            "Circle of Life",
            "GET",
            "/dir/index.html?a=1&b=2",
            0x1a,
            RFC7616_CNONCE,
        );
        let p = params(&header);
        assert_eq!(param(&p, "algorithm"), Some("MD5-sess"));
        assert_eq!(param(&p, "nc"), Some("0000001a"));
        assert_eq!(param(&p, "uri"), Some("/dir/index.html?a=1&b=2"));
        assert_eq!(
            param(&p, "response"),
            Some("0d39747fe412487cc066caea457853eb")
        );

        challenge.algorithm = Algorithm::Sha256Sess;
        challenge.userhash = true;
        let header = answer(&challenge, RFC7616_CNONCE);
        let p = params(&header);
        assert_eq!(
            param(&p, "username"),
            Some("a947aad205e80e429958a387394944c6b496301e79f89d35a4cc23b6ee12b5b6")
        );
        assert_eq!(param(&p, "userhash"), Some("true"));
        assert_eq!(
            param(&p, "response"),
            Some("2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7")
        );
    }

    #[test]
    fn quoting_and_non_ascii_username() {
        let mut challenge = rfc7616(Algorithm::Sha256);
        challenge.realm = r#"a "quoted" \ realm"#.into();
        let header = authorization(&challenge, "J\u{e4}s\u{f8}n Doe", "pw", "GET", "/", 1, "c");
        assert!(
            header.starts_with("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, "),
            "{header}"
        );
        assert!(
            header.contains(r#"realm="a \"quoted\" \\ realm""#),
            "{header}"
        );
        // Our parser reads back the realm it wrote.
        assert_eq!(
            param(&params(&header), "realm"),
            Some(challenge.realm.as_str())
        );
    }

    #[test]
    fn atlas_challenge() {
        let parsed = parse_challenges([ATLAS]);
        assert_eq!(
            parsed,
            [Challenge {
                realm: "MMS Public API".into(),
                nonce: "OjFoiSc8YT7QEnXYjzUDVPo8rMcBFkDo".into(),
                opaque: None,
                algorithm: Algorithm::Md5,
                qop: vec!["auth".into()],
                stale: false,
                userhash: false,
            }]
        );
        let chosen = choose(&parsed);
        assert_eq!(chosen, parsed.first());
        if let Some(chosen) = chosen {
            let header = authorization(
                chosen,
                "pub",
                "priv",
                "GET",
                "/api/atlas/v2/groups",
                1,
                "abc",
            );
            assert!(header.starts_with(r#"Digest username="pub", realm="MMS Public API", "#));
        }
    }

    #[test]
    fn tolerant_parsing() {
        // Reordered, bare values, upper-case names and TRUE, escapes, unknown params.
        let parsed = parse_challenges([
            r#"DIGEST NONCE=abc, qop=auth, foo="bar, baz", Realm="say \"hi\"", charset=UTF-8, STALE=TRUE, algorithm="sha-256-SESS", userhash=true, opaque=xyz"#,
        ]);
        assert_eq!(
            parsed,
            [Challenge {
                realm: r#"say "hi""#.into(),
                nonce: "abc".into(),
                opaque: Some("xyz".into()),
                algorithm: Algorithm::Sha256Sess,
                qop: vec!["auth".into()],
                stale: true,
                userhash: true,
            }]
        );

        // Whitespace around `=`, tabs, no space after commas, missing commas between params.
        let parsed = parse_challenges(["Digest\trealm = \"r\" ,nonce=\"n\"\topaque=\"o\""]);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].realm, "r");
        assert_eq!(parsed[0].nonce, "n");
        assert_eq!(parsed[0].opaque.as_deref(), Some("o"));
        assert_eq!(parsed[0].algorithm, Algorithm::Md5);
        assert!(parsed[0].qop.is_empty());

        // A bare value that is not a token (base64 nonce) is read whole.
        let parsed = parse_challenges(["Digest realm=r, nonce=ab/c+d==, qop=auth"]);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].nonce, "ab/c+d==");
        assert_eq!(parsed[0].qop, ["auth"]);

        // First value of a repeated parameter wins; empty realm is allowed.
        let parsed = parse_challenges([r#"Digest realm="", nonce=a, nonce=b"#]);
        assert_eq!(parsed.len(), 1);
        assert_eq!(
            (parsed[0].realm.as_str(), parsed[0].nonce.as_str()),
            ("", "a")
        );
    }

    #[test]
    fn several_challenges() {
        // Two Digest challenges in one value: choose prefers SHA-256 whatever the order.
        let value = r#"Digest realm="r", nonce="n1", algorithm=MD5, qop="auth", Digest realm="r", nonce="n2", algorithm=SHA-256, qop="auth""#;
        let parsed = parse_challenges([value]);
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].algorithm, Algorithm::Md5);
        assert_eq!(parsed[1].algorithm, Algorithm::Sha256);
        assert_eq!(choose(&parsed).map(|c| c.nonce.as_str()), Some("n2"));

        // Other schemes before, between and after, with params or token68.
        let parsed = parse_challenges([
            r#"Basic realm="x", Digest realm="y", nonce="n""#,
            r#"Bearer, Basic dXNlcjpwYXNz==, Newauth realm="z", Digest realm="w", nonce="m", Basic abc/def="#,
            "Negotiate",
        ]);
        let found: Vec<_> = parsed
            .iter()
            .map(|c| (c.realm.as_str(), c.nonce.as_str()))
            .collect();
        assert_eq!(found, [("y", "n"), ("w", "m")]);

        // Skipped: no realm, no nonce, unknown algorithm.
        let parsed = parse_challenges([
            r#"Digest nonce="n", Digest realm="r", Digest realm="r", nonce="n", algorithm=SHA-512-256"#,
        ]);
        assert!(parsed.is_empty(), "{parsed:?}");
    }

    #[test]
    fn choose_ranking() {
        let make = |algorithm, qop: &[&str], nonce: &str| Challenge {
            realm: "r".into(),
            nonce: nonce.into(),
            opaque: None,
            algorithm,
            qop: qop.iter().map(|q| q.to_string()).collect(),
            stale: false,
            userhash: false,
        };
        assert_eq!(choose(&[]), None);
        // Only auth-int: nothing we can answer.
        assert_eq!(choose(&[make(Algorithm::Sha256, &["auth-int"], "1")]), None);
        let list = [
            make(Algorithm::Sha256, &["auth-int"], "1"),
            make(Algorithm::Md5, &["auth"], "2"),
            make(Algorithm::Md5, &[], "3"),
        ];
        assert_eq!(choose(&list).map(|c| c.nonce.as_str()), Some("2"));
        let list = [
            make(Algorithm::Md5, &["AUTH"], "1"),
            make(Algorithm::Sha256, &[], "2"),
            make(Algorithm::Sha256Sess, &["auth-int", "auth"], "3"),
            make(Algorithm::Sha256, &["auth"], "4"),
        ];
        assert_eq!(choose(&list).map(|c| c.nonce.as_str()), Some("3"));
    }

    #[test]
    fn garbage_never_panics() {
        let cases = [
            "",
            "Digest",
            "Digest ,,,",
            ",,,",
            "=",
            "==, =\"",
            "\"",
            "\\",
            "Digest realm=\"unterminated",
            "Digest realm=\"a\\",
            "Digest realm=\"x\", nonce=\"y\\\"",
            "Digest realm=\"abc, nonce=\"n\"",
            "Digest realm=\"r\"junk\"more, nonce=n",
            "Digest realm=\"r\"junk\"more\", nonce=n",
            "Digest realm=, nonce=",
            "Digest =x, realm=r, nonce=n",
            "Digest realm=r nonce=n qop",
            "\u{e9}\u{1f600} Digest realm=\u{e9}, nonce=\"\u{1f600}\\\u{e9}\"",
        ];
        for case in cases {
            let parsed = parse_challenges([case]);
            if let Some(c) = choose(&parsed) {
                let _ = authorization(c, "u", "p", "GET", "/", 1, "c");
            }
        }
        assert!(parse_challenges(["", "Digest", "Digest ,,,", "Digest realm=\"x"]).is_empty());
        // What is parseable is kept.
        let parsed = parse_challenges(["Digest realm=\"r\"junk\"more\", nonce=n"]);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].realm, "r");
        let parsed = parse_challenges(["Digest realm=, nonce="]);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].realm, "");
        // Garbage before a scheme swallows it up to the next comma.
        assert!(parse_challenges(["\u{e9}\u{1f600} Digest realm=r, nonce=n"]).is_empty());
        let parsed =
            parse_challenges(["\u{e9}\u{1f600}, Digest realm=\u{e9}, nonce=\"\u{1f600}\\\u{e9}\""]);
        assert_eq!(parsed.len(), 1);
        assert_eq!(parsed[0].realm, "\u{e9}");
        assert_eq!(parsed[0].nonce, "\u{1f600}\u{e9}");

        // Every prefix of a real challenge.
        for (i, _) in ATLAS.char_indices() {
            let parsed = parse_challenges([&ATLAS[..i]]);
            assert!(parsed.len() <= 1);
        }
    }

    #[test]
    fn fuzz_never_panics() {
        const FRAGMENTS: &[&str] = &[
            "Digest",
            "digest",
            "Basic",
            "realm=\"r\"",
            "nonce=n",
            ", ",
            "qop=\"auth\"",
            "realm",
            "nonce",
            "qop",
            "algorithm",
            "opaque",
            "stale",
            "userhash",
            "=",
            "==",
            "\"",
            ",",
            "\\",
            " ",
            "\t",
            "auth",
            "auth-int",
            "MD5",
            "SHA-256-sess",
            "true",
            "x",
            "/",
            "\u{e9}",
            "\u{1f600}",
            "\r\n",
            "\0",
        ];
        // xorshift64: deterministic, no extra crate.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound.max(1) as u64).unwrap_or(0)
        };
        let mut found = 0usize;
        for round in 0..6000 {
            let mut input = if round % 2 == 0 {
                String::new()
            } else {
                ATLAS.to_owned()
            };
            for _ in 0..next(24) {
                let fragment = FRAGMENTS.get(next(FRAGMENTS.len())).copied().unwrap_or("");
                if round % 2 == 0 {
                    input.push_str(fragment);
                } else {
                    // Mutate the real challenge: insert a fragment or cut a piece, at char
                    // boundaries.
                    let at = input.floor_char_boundary_compat(next(input.len() + 1));
                    if next(2) == 0 {
                        input.insert_str(at, fragment);
                    } else {
                        let to = input.floor_char_boundary_compat(at + next(4));
                        input.replace_range(at..to.max(at), "");
                    }
                }
            }
            let parsed = parse_challenges([input.as_str(), "Digest realm=r, "]);
            found += parsed.len();
            if let Some(c) = choose(&parsed) {
                let header = authorization(c, "u", "p", "GET", "/", 1, &new_cnonce());
                assert!(header.starts_with("Digest "));
            }
        }
        // Mutated challenges do still parse, sometimes.
        assert!(found > 100, "{found}");
    }

    /// `str::floor_char_boundary` is newer than the workspace MSRV (1.85).
    trait FloorCharBoundary {
        fn floor_char_boundary_compat(&self, index: usize) -> usize;
    }

    impl FloorCharBoundary for String {
        fn floor_char_boundary_compat(&self, index: usize) -> usize {
            let mut index = index.min(self.len());
            while !self.is_char_boundary(index) {
                index -= 1;
            }
            index
        }
    }

    #[test]
    fn cnonce() {
        let a = new_cnonce();
        let b = new_cnonce();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(a, b);

        let a = fallback_cnonce();
        let b = fallback_cnonce();
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }
}
