//! Keeping secrets out of errors.
//!
//! A server can echo what it was sent: a token endpoint's `error_description` quoting
//! `id:secret`, a proxy page quoting the `Authorization` header, an `ApiError.detail`
//! quoting the bearer. Redaction by JSON member name cannot see those, but the client
//! knows every secret it could leak, so it scrubs each one, in every encoding it travels
//! in, from every text an error carries.

use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};

use crate::credentials::Credentials;
use crate::validate::REDACTED;

/// Secrets shorter than this are not scrubbed: replacing every `a` of a message would
/// hide everything and protect nothing.
const MIN_SECRET_LEN: usize = 4;

/// The secrets to remove, each in the forms it may appear in: as is, base64 (standard and
/// URL-safe, with and without padding), percent-encoded, and JSON-escaped.
#[derive(Clone, Default)]
pub(crate) struct Scrubber {
    forms: Vec<SecretString>,
}

impl Scrubber {
    /// The secrets a set of credentials holds: a service account's secret and its Basic
    /// encoding, an API key's private key, a bearer token.
    pub(crate) fn for_credentials(credentials: &Credentials) -> Self {
        let mut s = Scrubber::default();
        match credentials {
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => {
                s.add(client_secret);
                let pair = format!("{client_id}:{}", client_secret.expose_secret());
                s.add(&SecretString::from(pair));
            }
            Credentials::ApiKey { private_key, .. } => s.add(private_key),
            Credentials::BearerToken(token) => s.add(token),
            _ => {}
        }
        s
    }

    /// Adds `secret` in each of its forms.
    pub(crate) fn add(&mut self, secret: &SecretString) {
        let raw = secret.expose_secret();
        if raw.len() < MIN_SECRET_LEN {
            return;
        }
        use base64::engine::general_purpose::{
            STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
        };
        let mut forms = vec![
            raw.to_string(),
            STANDARD.encode(raw),
            STANDARD_NO_PAD.encode(raw),
            URL_SAFE.encode(raw),
            URL_SAFE_NO_PAD.encode(raw),
            percent_encoding::utf8_percent_encode(raw, crate::request::COMPONENT).to_string(),
            percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC)
                .to_string(),
        ];
        if let Ok(json) = serde_json::to_string(raw) {
            forms.push(json[1..json.len() - 1].to_string());
        }
        // Longest first, so a form containing another is replaced whole.
        for form in forms {
            if form.len() >= MIN_SECRET_LEN && !self.forms.iter().any(|f| f.expose_secret() == form)
            {
                self.forms.push(SecretString::from(form));
            }
        }
        self.forms
            .sort_by_key(|f| std::cmp::Reverse(f.expose_secret().len()));
    }

    /// Replaces every form of every secret in `text` with `<redacted>`.
    pub(crate) fn scrub(&self, text: &mut String) {
        for form in &self.forms {
            let form = form.expose_secret();
            if text.contains(form) {
                *text = text.replace(form, REDACTED);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_is_scrubbed() {
        let secret = "mdb_sa_sk_Top/Secret+42?";
        let mut s = Scrubber::default();
        s.add(&SecretString::from(secret.to_string()));
        for shown in [
            secret.to_string(),
            base64::engine::general_purpose::STANDARD.encode(secret),
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret),
            percent_encoding::utf8_percent_encode(secret, crate::request::COMPONENT).to_string(),
        ] {
            let mut text = format!("server says: <{shown}> was wrong");
            s.scrub(&mut text);
            assert_eq!(text, "server says: <<redacted>> was wrong", "{shown}");
        }
    }

    #[test]
    fn short_secrets_are_left() {
        let mut s = Scrubber::default();
        s.add(&SecretString::from("abc".to_string()));
        let mut text = "abcabc".to_string();
        s.scrub(&mut text);
        assert_eq!(text, "abcabc");
    }
}
