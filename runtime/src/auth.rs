//! Putting credentials on requests, and recovering from the 401s that expiring tokens
//! and nonces cause. Each kind of credential gets at most one retry per call.

use std::sync::{Mutex, PoisonError};

use secrecy::{ExposeSecret, SecretString};

use crate::credentials::bearer_header;
use crate::digest::{self, Challenge};
use crate::error::Error;
use crate::oauth::{AccessToken, TokenManager};

/// The per-client authentication state.
pub(crate) enum Authenticator {
    None,
    Bearer(http::HeaderValue),
    OAuth(TokenManager),
    Digest(DigestSession),
}

type Transport<'a> = &'a dyn Fn(http::Request<Vec<u8>>) -> Result<http::Response<Vec<u8>>, Error>;

impl Authenticator {
    /// Sends `request` with credentials, retrying once where a 401 means "refresh".
    pub(crate) fn send(
        &self,
        mut request: http::Request<Vec<u8>>,
        transport: Transport,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        match self {
            Authenticator::None => transport(request),
            Authenticator::Bearer(header) => {
                request
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, header.clone());
                transport(request)
            }
            Authenticator::OAuth(tokens) => {
                let token = tokens.token(transport)?;
                let first = transport(with_bearer(duplicate(&request), &token))?;
                if first.status() != http::StatusCode::UNAUTHORIZED {
                    return Ok(first);
                }
                log::debug!("401 with a cached access token: fetching a new one, retrying once");
                tokens.discard(&token);
                let token = tokens.token(transport)?;
                transport(with_bearer(request, &token))
            }
            Authenticator::Digest(session) => {
                let method = request.method().as_str().to_string();
                let uri = request
                    .uri()
                    .path_and_query()
                    .map_or_else(|| "/".to_string(), |p| p.as_str().to_string());
                let mut first = duplicate(&request);
                if let Some(h) = session.sign(&method, &uri) {
                    first.headers_mut().insert(http::header::AUTHORIZATION, h);
                }
                let first = transport(first)?;
                if first.status() != http::StatusCode::UNAUTHORIZED {
                    return Ok(first);
                }
                // Unsigned first contact, a stale nonce, or a nonce the server no longer
                // takes: learn the new challenge and resend once, body intact.
                if !session.learn(first.headers()) {
                    return Ok(first);
                }
                log::debug!(
                    "401 with a Digest challenge: signing with the new nonce, retrying once"
                );
                if let Some(h) = session.sign(&method, &uri) {
                    request.headers_mut().insert(http::header::AUTHORIZATION, h);
                }
                transport(request)
            }
        }
    }

    /// Revokes a held service-account token (other kinds hold nothing to revoke).
    pub(crate) fn revoke(&self, transport: Transport) -> Result<(), Error> {
        match self {
            Authenticator::OAuth(tokens) => tokens.revoke(transport),
            _ => Ok(()),
        }
    }
}

fn with_bearer(mut request: http::Request<Vec<u8>>, token: &AccessToken) -> http::Request<Vec<u8>> {
    if let Some(h) = bearer_header(token.secret()) {
        request.headers_mut().insert(http::header::AUTHORIZATION, h);
    }
    request
}

/// A copy of a request, body included, for a possible second attempt.
fn duplicate(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// An API key's Digest state: the last challenge, reused with an increasing nonce count
/// so that a steady stream of calls costs one round trip each (the official clients send
/// every request twice).
pub(crate) struct DigestSession {
    username: String,
    password: SecretString,
    current: Mutex<Option<(Challenge, u32)>>,
}

impl DigestSession {
    pub(crate) fn new(username: String, password: SecretString) -> Self {
        DigestSession {
            username,
            password,
            current: Mutex::new(None),
        }
    }

    /// `Authorization` for the next request with the cached challenge, if there is one.
    fn sign(&self, method: &str, uri: &str) -> Option<http::HeaderValue> {
        let (challenge, nc) = {
            let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
            let (challenge, nc) = current.as_mut()?;
            *nc = nc.wrapping_add(1).max(1);
            (challenge.clone(), *nc)
        };
        let value = digest::authorization(
            &challenge,
            &self.username,
            self.password.expose_secret(),
            method,
            uri,
            nc,
            &digest::new_cnonce(),
        );
        let mut header = http::HeaderValue::from_str(&value).ok()?;
        header.set_sensitive(true);
        Some(header)
    }

    /// Takes the best Digest challenge of a 401; false when it offers none we can answer.
    fn learn(&self, headers: &http::HeaderMap) -> bool {
        let values = headers
            .get_all(http::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok());
        let challenges = digest::parse_challenges(values);
        let Some(chosen) = digest::choose(&challenges) else {
            return false;
        };
        let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        // The same nonce again (a request overtaken by another): keep counting, since a
        // server may refuse a nonce count it has seen.
        let nc = match current.as_ref() {
            Some((c, nc)) if c.nonce == chosen.nonce => *nc,
            _ => 0,
        };
        *current = Some((chosen.clone(), nc));
        true
    }
}
