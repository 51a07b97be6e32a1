//! JSON members whose values are secrets: never logged, never shown in an error excerpt,
//! and scrubbed by the fuzz targets' leak checks, which read the same list.

/// The member names, compared without regard to ASCII case ([`is_sensitive_key`]).
pub const SENSITIVE_KEYS: &[&str] = &[
    "secret",
    "clientSecret",
    "client_secret",
    "access_token",
    "accessToken",
    "refresh_token",
    "privateKey",
    "password",
    "token",
];

/// Whether a JSON member of this name holds a secret (`Password` and `password` alike).
pub fn is_sensitive_key(name: &str) -> bool {
    SENSITIVE_KEYS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::is_sensitive_key;

    #[test]
    fn any_case() {
        assert!(is_sensitive_key("clientSecret"));
        assert!(is_sensitive_key("PASSWORD"));
        assert!(!is_sensitive_key("secrets"));
        assert!(!is_sensitive_key("name"));
    }
}
