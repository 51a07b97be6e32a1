//! The OAuth 2.0 endpoints of service accounts (client credentials grant), and the
//! refresh of `atlas auth login` sessions ([`login_token`]).
//!
//! `POST /api/oauth/token` with `Authorization: Basic base64(clientId:secret)` (the raw
//! values, as Atlas expects) and the form `grant_type=client_credentials` answers
//! `{access_token, expires_in, token_type: "Bearer"}`. Tokens are opaque random strings
//! that live for the configured lifetime. `POST /api/oauth/revoke` with the same Basic
//! credentials and the form `token=…&token_type_hint=access_token` revokes one (RFC 7009:
//! 200 whether or not the token was known).
//!
//! Limits, as Atlas's: 10 token requests per minute per client id and source address
//! (429 with `Retry-After`; refused requests do not count), 100 live tokens per service
//! account (403).
//!
//! Failed requests (no, unknown or wrong credentials) do not count toward that quota:
//! otherwise anyone who knows a client id (it is not a secret: it appears in logs and
//! URLs) could lock its owner out for a minute with ten bad guesses. They are counted per
//! source address instead, 10 a minute by default, and a source over it gets 429 for its
//! failed requests only; the owner's valid request is served even from the same address.
//! Atlas does not document how it counts failures; this is the reading that cannot turn
//! the limit against the owner. Answering a valid request from a throttled address tells
//! an attacker nothing useful: a secret is 256 random bits. Errors use RFC 6749's `{error, error_description}` document, which is what
//! OAuth client libraries (the official Go SDK's among them) read from a token endpoint.

use std::sync::atomic::Ordering;
use std::time::SystemTime;

use base64::Engine as _;
use serde_json::json;

use crate::server::http::{Request, Response};
use crate::state::{Shared, lock};
use crate::store::Store;
use crate::url::Query;

fn oauth_error(status: u16, error: &str, description: &str) -> Response {
    let mut r = Response::new(status)
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-store")
        .body(json!({"error": error, "error_description": description}).to_string());
    if status == 401 {
        r = r.header("WWW-Authenticate", "Basic realm=\"MMS Public API\"");
    }
    r
}

/// `client_id`, `client_secret` from `Authorization: Basic …`.
fn basic_credentials(req: &Request) -> Option<(String, String)> {
    let header = req.header("authorization")?.trim();
    let (scheme, encoded) = header.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let encoded = encoded.trim();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .or_else(|_| base64::engine::general_purpose::STANDARD_NO_PAD.decode(encoded))
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// The form body, if the request is a form.
fn form(req: &Request) -> Result<Query, Response> {
    let is_form = req.header("content-type").is_some_and(|ct| {
        ct.split(';').next().is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
    });
    if !is_form {
        return Err(oauth_error(
            400,
            "invalid_request",
            "The body must be application/x-www-form-urlencoded.",
        ));
    }
    let text = std::str::from_utf8(&req.body)
        .map_err(|_| oauth_error(400, "invalid_request", "The form is not UTF-8."))?;
    Query::parse(text)
        .map_err(|_| oauth_error(400, "invalid_request", "The form is not correctly encoded."))
}

fn post_only(req: &Request) -> Option<Response> {
    (req.head.method != "POST").then(|| {
        oauth_error(405, "invalid_request", "This endpoint takes POST.").header("Allow", "POST")
    })
}

fn too_many(wait: u64) -> Response {
    oauth_error(
        429,
        "rate_limit_exceeded",
        "Too many token requests; retry later.",
    )
    .header("Retry-After", wait.to_string())
}

/// A token request whose credentials did not verify: 401, or 429 once its source has
/// failed too often. Counted per source address, apart from granted requests, so that
/// failures never spend the quota of the client id they named.
fn failed(store: &mut Store, req: &Request, now: SystemTime, description: &str) -> Response {
    if let Some(window) = store.failed_token_window.as_mut()
        && let Err(wait) = window.hit(&req.peer.ip().to_string(), now)
    {
        return too_many(wait);
    }
    oauth_error(401, "invalid_client", description)
}

/// `POST /api/oauth/token`.
pub(crate) fn token(shared: &Shared, req: &Request) -> Response {
    shared.token_requests.fetch_add(1, Ordering::Relaxed);
    if let Some(r) = post_only(req) {
        return r;
    }
    let now: SystemTime = shared.clock.now();
    let Some((client_id, secret)) = basic_credentials(req) else {
        return failed(
            &mut lock(&shared.store),
            req,
            now,
            "Client authentication with HTTP Basic is required.",
        );
    };
    let form = match form(req) {
        Ok(f) => f,
        Err(r) => return r,
    };
    match form.get("grant_type") {
        None => {
            return oauth_error(400, "invalid_request", "grant_type is required.");
        }
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "Only client_credentials is supported.",
            );
        }
    }
    let mut store = lock(&shared.store);
    if !store.check_secret(&client_id, &secret, now) {
        return failed(&mut store, req, now, "Invalid client credentials.");
    }
    let key = format!("{} {client_id}", req.peer.ip());
    if let Some(window) = store.token_window.as_mut()
        && let Err(wait) = window.hit(&key, now)
    {
        return too_many(wait);
    }
    if store.live_tokens(&client_id, now) >= shared.config.max_live_tokens {
        return oauth_error(
            403,
            "access_denied",
            "This service account has reached its limit of live access tokens; revoke some or wait for them to expire.",
        );
    }
    let lifetime = shared.config.token_lifetime;
    let token = store.issue_token(&client_id, lifetime, now);
    let expires_in = lifetime.as_secs() + u64::from(lifetime.subsec_nanos() > 0);
    Response::new(200)
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-store")
        .header("Pragma", "no-cache")
        .body(
            json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"})
                .to_string(),
        )
}

/// `POST /api/oauth/revoke`.
pub(crate) fn revoke(shared: &Shared, req: &Request) -> Response {
    if let Some(r) = post_only(req) {
        return r;
    }
    let now = shared.clock.now();
    let Some((client_id, secret)) = basic_credentials(req) else {
        return oauth_error(
            401,
            "invalid_client",
            "Client authentication with HTTP Basic is required.",
        );
    };
    let form = match form(req) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let mut store = lock(&shared.store);
    if !store.check_secret(&client_id, &secret, now) {
        return oauth_error(401, "invalid_client", "Invalid client credentials.");
    }
    let Some(token) = form.get("token") else {
        return oauth_error(400, "invalid_request", "token is required.");
    };
    if let Some(t) = store.tokens.get_mut(token)
        && t.client_id == client_id
    {
        t.revoked = true;
    }
    Response::new(200).header("Cache-Control", "no-store")
}

/// Where the official CLI refreshes an `atlas auth login` session (the device flow's token
/// endpoint, under the account URL).
pub(crate) const LOGIN_TOKEN_PATH: &str = "/api/private/unauth/account/device/token";

/// `POST /api/private/unauth/account/device/token` with the form `grant_type=refresh_token`,
/// `refresh_token`, `client_id` and `scope`, as `atlas auth login` profiles refresh their
/// access token: a known refresh token answers `{access_token, refresh_token, expires_in,
/// token_type, scope}` and is spent (rotated); the access token is JWT-shaped, its `exp`
/// claim the mock clock's now plus the token lifetime, and acts with the roles of the
/// service account the session stands for. Any other grant (the device code itself needs a
/// browser) is `unsupported_grant_type`; an unknown or spent refresh token is 400
/// `invalid_grant`.
pub(crate) fn login_token(shared: &Shared, req: &Request) -> Response {
    if let Some(r) = post_only(req) {
        return r;
    }
    let form = match form(req) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if form.get("client_id").is_none_or(str::is_empty) {
        return oauth_error(400, "invalid_request", "client_id is required.");
    }
    match form.get("grant_type") {
        Some("refresh_token") => {}
        None => return oauth_error(400, "invalid_request", "grant_type is required."),
        Some(_) => {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "Only refresh_token is supported here.",
            );
        }
    }
    let Some(refresh) = form.get("refresh_token") else {
        return oauth_error(400, "invalid_request", "refresh_token is required.");
    };
    let now = shared.clock.now();
    let mut store = lock(&shared.store);
    let Some(owner) = store.login_refresh_tokens.remove(refresh) else {
        return oauth_error(
            400,
            "invalid_grant",
            "The refresh token is invalid or expired.",
        );
    };
    let lifetime = shared.config.token_lifetime;
    let opaque = store.issue_token(&owner, lifetime, now);
    // JWT-shaped, as Atlas's login tokens are, so that clients can read when it expires.
    let exp = now
        .checked_add(lifetime)
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let b64 = |text: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    let access = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&json!({"exp": exp, "sub": owner}).to_string()),
        opaque
    );
    if let Some(t) = store.tokens.remove(&opaque) {
        store.tokens.insert(access.clone(), t);
    }
    let next = crate::ids::access_token();
    store.login_refresh_tokens.insert(next.clone(), owner);
    let expires_in = lifetime.as_secs() + u64::from(lifetime.subsec_nanos() > 0);
    Response::new(200)
        .header("Content-Type", "application/json")
        .header("Cache-Control", "no-store")
        .body(
            json!({
                "access_token": access,
                "refresh_token": next,
                "expires_in": expires_in,
                "token_type": "Bearer",
                "scope": "openid profile offline_access",
            })
            .to_string(),
        )
}
