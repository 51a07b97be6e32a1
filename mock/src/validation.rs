//! Input checks as Atlas makes them, for the Service Accounts family: body fields (types,
//! lengths, the name pattern, roles), addresses. (Path values are checked against the
//! spec's own patterns, for every operation, by [`crate::api::generic::check`].)
//!
//! Atlas is a Java server: patterns use Java's semantics, where `\d` is ASCII only and
//! `\p{L}`/`\p{N}` are Unicode general categories, and bean-validation lengths count
//! UTF-16 code units. The checks here are written by hand to those rules (no regex).

use std::net::IpAddr;

use serde_json::{Map, Value};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::errors::ApiError;

/// The spec's pattern for names and descriptions.
pub(crate) const NAME_PATTERN: &str = r"^[\p{L}\p{N}\-_.,' ]*$";

/// Organization roles (the spec's enum for service accounts).
pub(crate) const ORG_ROLES: &[&str] = &[
    "ORG_MEMBER",
    "ORG_READ_ONLY",
    "ORG_BILLING_ADMIN",
    "ORG_BILLING_READ_ONLY",
    "ORG_STREAM_PROCESSING_ADMIN",
    "ORG_GROUP_CREATOR",
    "ORG_OWNER",
];

/// Project roles. The spec types them as plain strings and links to Atlas's list of
/// project roles; these are the ones documented there.
pub(crate) const GROUP_ROLES: &[&str] = &[
    "GROUP_OWNER",
    "GROUP_CLUSTER_MANAGER",
    "GROUP_STREAM_PROCESSING_OWNER",
    "GROUP_DATA_ACCESS_ADMIN",
    "GROUP_DATA_ACCESS_READ_WRITE",
    "GROUP_DATA_ACCESS_READ_ONLY",
    "GROUP_READ_ONLY",
    "GROUP_SEARCH_INDEX_EDITOR",
    "GROUP_BACKUP_MANAGER",
    "GROUP_OBSERVABILITY_VIEWER",
    "GROUP_DATABASE_ACCESS_ADMIN",
];

/// One character of `[\p{L}\p{N}\-_.,' ]`.
fn name_char(c: char) -> bool {
    matches!(c, '-' | '_' | '.' | ',' | '\'' | ' ')
        || matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
        )
}

/// Whether `s` matches [`NAME_PATTERN`].
pub(crate) fn matches_name_pattern(s: &str) -> bool {
    s.chars().all(name_char)
}

/// Length as Java counts it (UTF-16 code units).
pub(crate) fn java_length(s: &str) -> usize {
    s.encode_utf16().count()
}

/// A name or description: 1..=`max` UTF-16 units, [`NAME_PATTERN`].
pub(crate) fn check_text(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    let len = java_length(value);
    if !(1..=max).contains(&len) {
        return Err(ApiError::validation(
            field,
            format!("size must be between 1 and {max}"),
        ));
    }
    if !matches_name_pattern(value) {
        return Err(ApiError::validation(
            field,
            format!("must match \"{NAME_PATTERN}\""),
        ));
    }
    Ok(())
}

/// A list of roles: every one known; at least one when `non_empty`; duplicates refused
/// when `unique`, otherwise dropped (order kept).
pub(crate) fn check_roles(
    field: &str,
    roles: Vec<String>,
    allowed: &[&str],
    non_empty: bool,
    unique: bool,
) -> Result<Vec<String>, ApiError> {
    if non_empty && roles.is_empty() {
        return Err(ApiError::validation(field, "size must be at least 1"));
    }
    let mut out: Vec<String> = Vec::with_capacity(roles.len());
    for role in roles {
        if !allowed.contains(&role.as_str()) {
            return Err(ApiError::new(
                400,
                "INVALID_ENUM_VALUE",
                format!("An invalid enumeration value {role} was specified."),
            )
            .param(role)
            .field(field, "contains a role that does not exist"));
        }
        if out.contains(&role) {
            if unique {
                return Err(ApiError::validation(
                    field,
                    "must not contain duplicate elements",
                ));
            }
            continue;
        }
        out.push(role);
    }
    Ok(out)
}

/// `secretExpiresAfterHours`: above 0 (exclusive minimum) and at most the organization's
/// maximum.
pub(crate) fn check_expiry_hours(value: i32, max_hours: u32) -> Result<u32, ApiError> {
    if value <= 0 {
        return Err(ApiError::validation(
            "secretExpiresAfterHours",
            "must be greater than 0",
        ));
    }
    let hours = value.unsigned_abs();
    if hours > max_hours {
        return Err(ApiError::validation(
            "secretExpiresAfterHours",
            format!(
                "must be at most {max_hours}, the organization's maximum secret lifetime in hours"
            ),
        ));
    }
    Ok(hours)
}

/// One IPv4 or IPv6 address in standard notation (no zone, no leading zeros in IPv4).
pub(crate) fn parse_ip(s: &str) -> Option<IpAddr> {
    if s.contains('%') {
        return None;
    }
    s.parse().ok()
}

/// A CIDR block `address/prefix` (the spec also allows `%2F` for the slash).
pub(crate) fn parse_cidr(s: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = if let Some((a, p)) = s.split_once('/') {
        (a, p)
    } else {
        let i = s.to_ascii_lowercase().find("%2f")?;
        (&s[..i], &s[i + 3..])
    };
    let ip = parse_ip(addr)?;
    if prefix.is_empty() || prefix.len() > 3 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bits: u8 = prefix.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    (bits <= max).then_some((ip, bits))
}

/// The canonical text of a CIDR block.
pub(crate) fn cidr_string(ip: IpAddr, bits: u8) -> String {
    format!("{ip}/{bits}")
}

/// Whether `ip` lies in `network/bits`.
pub(crate) fn cidr_contains(network: IpAddr, bits: u8, ip: IpAddr) -> bool {
    match (network, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

// ---- JSON bodies ----------------------------------------------------------------------

/// Parses a request body that the operation requires.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(
            400,
            "INVALID_JSON",
            "The request body is required and was empty.",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            400,
            "INVALID_JSON",
            format!("Received JSON is malformed: {e}."),
        )
    })
}

/// The body as an object.
pub(crate) fn object(value: &Value) -> Result<&Map<String, Value>, ApiError> {
    value.as_object().ok_or_else(|| {
        ApiError::new(
            400,
            "INVALID_JSON",
            "Received JSON is malformed: expected an object.",
        )
    })
}

/// Refuses fields the schema does not have. `read_only` fields are accepted and ignored.
pub(crate) fn reject_unknown(
    map: &Map<String, Value>,
    prefix: &str,
    allowed: &[&str],
    read_only: &[&str],
) -> Result<(), ApiError> {
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) && !read_only.contains(&key.as_str()) {
            return Err(ApiError::invalid_attribute(&format!("{prefix}{key}")));
        }
    }
    Ok(())
}

/// A string field; absent and `null` are `None`.
pub(crate) fn opt_string<'a>(
    map: &'a Map<String, Value>,
    field: &str,
) -> Result<Option<&'a str>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::invalid_attribute(field)),
    }
}

/// A required string field.
pub(crate) fn req_string<'a>(
    map: &'a Map<String, Value>,
    field: &str,
) -> Result<&'a str, ApiError> {
    opt_string(map, field)?.ok_or_else(|| ApiError::missing_attribute(field))
}

/// An `int32` field; absent and `null` are `None`; fractions and out-of-range numbers
/// are invalid.
pub(crate) fn opt_int32(map: &Map<String, Value>, field: &str) -> Result<Option<i32>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| ApiError::invalid_attribute(field)),
        Some(_) => Err(ApiError::invalid_attribute(field)),
    }
}

/// A required `int32` field.
pub(crate) fn req_int32(map: &Map<String, Value>, field: &str) -> Result<i32, ApiError> {
    opt_int32(map, field)?.ok_or_else(|| ApiError::missing_attribute(field))
}

/// An array of strings; absent and `null` are `None`.
pub(crate) fn opt_strings(
    map: &Map<String, Value>,
    field: &str,
) -> Result<Option<Vec<String>>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<String>>>()
            .map(Some)
            .ok_or_else(|| ApiError::invalid_attribute(field)),
        Some(_) => Err(ApiError::invalid_attribute(field)),
    }
}

/// A required array of strings.
pub(crate) fn req_strings(map: &Map<String, Value>, field: &str) -> Result<Vec<String>, ApiError> {
    opt_strings(map, field)?.ok_or_else(|| ApiError::missing_attribute(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_pattern_is_java_unicode_classes() {
        assert!(matches_name_pattern("Deploy bot, v2.1 - O'Neil_x"));
        assert!(matches_name_pattern("Zürich 東京 ٣"));
        assert!(matches_name_pattern(""));
        assert!(!matches_name_pattern("a/b"));
        assert!(!matches_name_pattern("tab\there"));
        assert!(!matches_name_pattern("emoji 🙂"));
        // U+0947 DEVANAGARI VOWEL SIGN E is a mark (Mn): alphabetic in Rust, not \p{L}.
        assert!('\u{0947}'.is_alphabetic());
        assert!(!matches_name_pattern("\u{0928}\u{0947}"));
    }

    #[test]
    fn lengths_count_utf16_units() {
        assert_eq!(java_length("𠀀"), 2);
        assert!(check_text("name", &"a".repeat(64), 64).is_ok());
        assert!(check_text("name", &"a".repeat(65), 64).is_err());
        assert!(check_text("name", &"𠀀".repeat(33), 64).is_err());
        assert!(check_text("name", "", 64).is_err());
    }

    #[test]
    fn roles() {
        let ok = check_roles(
            "roles",
            vec!["ORG_OWNER".into(), "ORG_OWNER".into()],
            ORG_ROLES,
            true,
            false,
        );
        assert_eq!(ok.unwrap(), vec!["ORG_OWNER".to_owned()]);
        let dup = check_roles(
            "roles",
            vec!["ORG_OWNER".into(), "ORG_OWNER".into()],
            ORG_ROLES,
            true,
            true,
        );
        assert_eq!(dup.unwrap_err().code, "VALIDATION_ERROR");
        let bad = check_roles("roles", vec!["GROUP_OWNER".into()], ORG_ROLES, true, false);
        assert_eq!(bad.unwrap_err().code, "INVALID_ENUM_VALUE");
        assert!(check_roles("roles", vec![], ORG_ROLES, true, false).is_err());
    }

    #[test]
    fn addresses() {
        assert!(parse_ip("192.0.2.1").is_some());
        assert!(parse_ip("2001:db8::1").is_some());
        assert!(parse_ip("192.0.2.256").is_none());
        assert!(parse_ip("192.0.2").is_none());
        assert!(parse_ip("fe80::1%eth0").is_none());
        assert_eq!(
            parse_cidr("192.0.2.0/24").map(|(ip, b)| cidr_string(ip, b)),
            Some("192.0.2.0/24".into())
        );
        assert!(parse_cidr("192.0.2.0%2F24").is_some());
        assert!(parse_cidr("192.0.2.0/33").is_none());
        assert!(parse_cidr("2001:db8::/129").is_none());
        assert!(parse_cidr("2001:db8::/48").is_some());
        assert!(parse_cidr("192.0.2.0").is_none());
        assert!(parse_cidr("192.0.2.0/").is_none());
        let (net, bits) = parse_cidr("192.0.2.0/24").unwrap();
        assert!(cidr_contains(net, bits, "192.0.2.77".parse().unwrap()));
        assert!(!cidr_contains(net, bits, "192.0.3.1".parse().unwrap()));
        let (all, zero) = parse_cidr("0.0.0.0/0").unwrap();
        assert!(cidr_contains(all, zero, "8.8.8.8".parse().unwrap()));
    }

    #[test]
    fn expiry_hours() {
        assert!(check_expiry_hours(0, 8760).is_err());
        assert!(check_expiry_hours(-1, 8760).is_err());
        assert_eq!(check_expiry_hours(1, 8760).unwrap(), 1);
        assert!(check_expiry_hours(8761, 8760).is_err());
    }
}
