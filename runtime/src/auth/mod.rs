//! Everything about who the client acts as, in one place: the [`Credentials`](credentials::Credentials) a user
//! gives and the environment they are read from ([`env`]), the service-account OAuth
//! flow and its token cache ([`oauth`]), API-key HTTP Digest ([`digest`]), and the token
//! stores a fleet shares ([`store`]).
//!
//! This module itself signs requests and classifies their answers: [`Authenticator::sign`]
//! puts the credentials on, [`Authenticator::refresh_after`] says whether a 401 calls for
//! one resend with fresh ones. Each kind of credential gets at most one such resend per
//! attempt. Fetching an access token is the only I/O here, and the pipeline does it for
//! auth ([`crate::pipeline`]).

pub(crate) mod credentials;
pub(crate) mod digest;
pub(crate) mod env;
pub(crate) mod oauth;
pub(crate) mod store;

use std::sync::{Mutex, PoisonError};

use secrecy::{ExposeSecret, SecretString};

use crate::error::{AuthError, AuthErrorKind, Error};
use crate::transport::{Body, Exchange};
use credentials::bearer_header;
use digest::Challenge;
use oauth::{AccessToken, TokenManager};

/// The per-client authentication state.
pub(crate) enum Authenticator {
    None,
    Bearer(http::HeaderValue),
    OAuth(Box<TokenManager>),
    Digest(DigestSession),
}

impl Authenticator {
    /// The token manager, when signing needs an access token: fetching one is the only
    /// I/O auth does, and the pipeline does it for auth ([`crate::pipeline`]).
    pub(crate) fn tokens(&self) -> Option<&TokenManager> {
        match self {
            Authenticator::OAuth(tokens) => Some(tokens),
            _ => None,
        }
    }

    /// Puts the credentials on `request`: `token` is the access token a service account
    /// signs with (from [`tokens`](Self::tokens)).
    ///
    /// # Errors
    /// [`Error::Auth`] when a credential cannot be a header value: a request never goes
    /// out without its credentials.
    pub(crate) fn sign(
        &self,
        request: &mut http::Request<Vec<u8>>,
        token: Option<&AccessToken>,
    ) -> Result<(), Error> {
        let header = match (self, token) {
            (Authenticator::None, _) => return Ok(()),
            (Authenticator::Bearer(header), _) => header.clone(),
            (Authenticator::OAuth(_), Some(token)) => bearer(token)?,
            (Authenticator::OAuth(_), None) => {
                return Err(Error::Auth(AuthError::new(
                    AuthErrorKind::InvalidResponse,
                    None,
                    "no access token to sign the request with".into(),
                )));
            }
            (Authenticator::Digest(session), _) => {
                let uri = request.uri().path_and_query().map_or("/", |p| p.as_str());
                match session.sign(request.method().as_str(), uri)? {
                    Some(header) => header,
                    // No challenge learnt yet: the first contact goes unsigned.
                    None => return Ok(()),
                }
            }
        };
        request
            .headers_mut()
            .insert(http::header::AUTHORIZATION, header);
        Ok(())
    }

    /// Whether `response` asks for one resend with fresh credentials: a 401 to the
    /// cached access token `token` (dropped, so the next sign fetches another), or a 401
    /// whose Digest challenge the session learns (unsigned first contact, a stale or
    /// refused nonce).
    pub(crate) fn refresh_after(
        &self,
        response: &http::Response<Body>,
        token: Option<&AccessToken>,
    ) -> bool {
        if response.status() != http::StatusCode::UNAUTHORIZED {
            return false;
        }
        match (self, token) {
            (Authenticator::OAuth(tokens), Some(token)) => {
                log::debug!("401 with a cached access token: fetching a new one, retrying once");
                tokens.discard(token);
                true
            }
            (Authenticator::Digest(session), _) => {
                let learnt = session.learn(response.headers());
                if learnt {
                    log::debug!(
                        "401 with a Digest challenge: signing with the new nonce, retrying once"
                    );
                }
                learnt
            }
            _ => false,
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

/// `Authorization: Bearer …` for `token`. A token that cannot be a header value (a CR LF
/// in it) is an error: the call must never go out without its credentials.
fn bearer(token: &AccessToken) -> Result<http::HeaderValue, Error> {
    bearer_header(token.secret()).ok_or_else(|| {
        Error::Auth(AuthError::new(
            AuthErrorKind::InvalidResponse,
            None,
            "the access token contains characters not allowed in an HTTP header".into(),
        ))
    })
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
