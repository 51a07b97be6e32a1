//! Putting credentials on requests, and recovering from the 401s that expiring tokens
//! and nonces cause. Each kind of credential gets at most one retry per call.

use std::sync::{Mutex, PoisonError};

use secrecy::{ExposeSecret, SecretString};

use crate::credentials::bearer_header;
use crate::digest::{self, Challenge};
use crate::error::{AuthError, AuthErrorKind, Error};
use crate::oauth::{AccessToken, TokenManager};
use crate::request::Outgoing;
use crate::transport::{Body, Exchange, StreamingExchange};

/// The per-client authentication state.
pub(crate) enum Authenticator {
    None,
    Bearer(http::HeaderValue),
    OAuth(Box<TokenManager>),
    Digest(DigestSession),
}

impl Authenticator {
    /// Sends the next of `outgoing` with credentials, and the next again once where a
    /// 401 means "refresh". `transport` sends the call (its answer streams); `tokens`
    /// sends token requests (their answers are read whole); getting a token is over by
    /// `deadline`.
    pub(crate) fn send(
        &self,
        outgoing: &Outgoing<'_>,
        transport: StreamingExchange,
        tokens_via: Exchange,
        deadline: std::time::Instant,
    ) -> Result<http::Response<Body>, Error> {
        match self {
            Authenticator::None => transport(outgoing.next()?),
            Authenticator::Bearer(header) => {
                let mut request = outgoing.next()?;
                request
                    .headers_mut()
                    .insert(http::header::AUTHORIZATION, header.clone());
                transport(request)
            }
            Authenticator::OAuth(tokens) => {
                let token = tokens.token(tokens_via, deadline)?;
                let first = transport(with_bearer(outgoing.next()?, &token)?)?;
                if first.status() != http::StatusCode::UNAUTHORIZED {
                    return Ok(first);
                }
                log::debug!("401 with a cached access token: fetching a new one, retrying once");
                first.into_body().discard();
                tokens.discard(&token);
                let token = tokens.token(tokens_via, deadline)?;
                transport(with_bearer(outgoing.next()?, &token)?)
            }
            Authenticator::Digest(session) => {
                let signed = || -> Result<http::Request<Vec<u8>>, Error> {
                    let mut request = outgoing.next()?;
                    let uri = request.uri().path_and_query().map_or("/", |p| p.as_str());
                    if let Some(h) = session.sign(request.method().as_str(), uri)? {
                        request.headers_mut().insert(http::header::AUTHORIZATION, h);
                    }
                    Ok(request)
                };
                let first = transport(signed()?)?;
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
                first.into_body().discard();
                transport(signed()?)
            }
        }
    }

    /// The access tokens this client holds or held lately, for scrubbing errors.
    pub(crate) fn known_tokens(&self) -> Vec<SecretString> {
        match self {
            Authenticator::OAuth(tokens) => tokens.known_tokens(),
            _ => Vec::new(),
        }
    }

    /// Revokes a held service-account token (other kinds hold nothing to revoke).
    pub(crate) fn revoke(&self, transport: Exchange) -> Result<(), Error> {
        match self {
            Authenticator::OAuth(tokens) => tokens.revoke(transport),
            _ => Ok(()),
        }
    }
}

/// `request` with `Authorization: Bearer …`. A token that cannot be a header value (a
/// CR LF in it) is an error: the call must never go out without its credentials.
fn with_bearer(
    mut request: http::Request<Vec<u8>>,
    token: &AccessToken,
) -> Result<http::Request<Vec<u8>>, Error> {
    let h = bearer_header(token.secret()).ok_or_else(|| {
        Error::Auth(AuthError::new(
            AuthErrorKind::InvalidResponse,
            None,
            "the access token contains characters not allowed in an HTTP header".into(),
        ))
    })?;
    request.headers_mut().insert(http::header::AUTHORIZATION, h);
    Ok(request)
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
    ///
    /// # Errors
    /// [`Error::Auth`] when the answer cannot be a header value (a challenge or key with a
    /// CR LF in it): unsigned, the request would be sent without credentials.
    fn sign(&self, method: &str, uri: &str) -> Result<Option<http::HeaderValue>, Error> {
        let (challenge, nc) = {
            let mut current = self.current.lock().unwrap_or_else(PoisonError::into_inner);
            let Some((challenge, nc)) = current.as_mut() else {
                return Ok(None);
            };
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
        let mut header = http::HeaderValue::from_str(&value).map_err(|_| {
            Error::Auth(AuthError::new(
                AuthErrorKind::InvalidResponse,
                None,
                "the Digest answer contains characters not allowed in an HTTP header".into(),
            ))
        })?;
        header.set_sensitive(true);
        Ok(Some(header))
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
