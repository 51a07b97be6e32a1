//! The credential type of request bodies, and the serializers generated models name for
//! their credential members: hand-written code the generated modules use (compiled and
//! linted here, not pasted in by the generator).

/// Serializes a credential member of a model (serde will not on its own). Unused when no
/// tag that has one is built.
#[allow(dead_code)]
pub(crate) fn expose_secret<S: serde::Serializer>(
    secret: &secrecy::SecretString,
    s: S,
) -> Result<S::Ok, S::Error> {
    use secrecy::ExposeSecret as _;
    s.serialize_str(secret.expose_secret())
}

/// [`expose_secret`] for an optional member.
#[allow(dead_code)]
pub(crate) fn expose_optional_secret<S: serde::Serializer>(
    secret: &Option<secrecy::SecretString>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use secrecy::ExposeSecret as _;
    match secret {
        Some(v) => s.serialize_some(v.expose_secret()),
        None => s.serialize_none(),
    }
}
/// A credential in a request body (a password, a key): sent as its text, never shown by
/// `Debug`. Build it from a `&str`, a `String` or a `secrecy::SecretString`.
#[derive(Clone)]
pub struct SentSecret(secrecy::SecretString);

impl SentSecret {
    /// The secret, for the rare caller that must read it back.
    pub fn expose(&self) -> &str {
        use secrecy::ExposeSecret as _;
        self.0.expose_secret()
    }
}

impl std::fmt::Debug for SentSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(atlas_runtime::implement::REDACTED)
    }
}

impl From<secrecy::SecretString> for SentSecret {
    fn from(secret: secrecy::SecretString) -> Self {
        SentSecret(secret)
    }
}

impl From<&str> for SentSecret {
    fn from(secret: &str) -> Self {
        SentSecret(secret.into())
    }
}

impl From<String> for SentSecret {
    fn from(secret: String) -> Self {
        SentSecret(secret.into())
    }
}

/// Length rules count the secret's characters; a violation never shows it.
impl atlas_runtime::value::LengthValue for SentSecret {
    fn length(&self) -> Option<usize> {
        Some(self.expose().chars().count())
    }
    fn describe(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(atlas_runtime::implement::REDACTED)
    }
}

/// Pattern rules check the secret's text.
impl atlas_runtime::value::PatternValue for SentSecret {
    fn each_text(&self, f: &mut dyn FnMut(&str)) {
        f(self.expose())
    }
}

impl serde::Serialize for SentSecret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.expose())
    }
}
