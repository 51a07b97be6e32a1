//! Names: how an API name becomes a Rust field (`orgId` → `org_id`), how a field becomes
//! the API name it sends (`org_id` → `orgId`), and how `atlas api` names a tag and an
//! operation on its command line (`MongoDB Cloud Users` → `mongoDbCloudUsers`).
//!
//! The macro binds path placeholders to fields with these, the generator writes fields and
//! CLI names with them, and `atlas-rs` names its commands with them: one rule, so the
//! command a generated doc advertises is the one the CLI answers to.

/// `orgId` → `org_id`, `clientID` → `client_id`, `IPAddress` → `ip_address`.
///
/// An underscore goes before a capital that follows a lower-case letter or a digit, and
/// before the last capital of an acronym that a lower-case letter follows; every ASCII
/// capital becomes lower case. Nothing else changes.
pub fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `secret_expires_after_hours` → `secretExpiresAfterHours`, as serde's `camelCase`
/// renames a field (a raw identifier's `r#` is dropped).
pub fn camel_case(name: &str) -> String {
    let name = name.strip_prefix("r#").unwrap_or(name);
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The group `atlas api` gives a tag: `strcase.ToLowerCamel(tag)` of the official CLI
/// (github.com/iancoleman/strcase), byte for byte.
///
/// `Service Accounts` → `serviceAccounts`, `MongoDB Cloud Users` → `mongoDbCloudUsers`
/// (a capital after a capital becomes lower case), `X.509 Authentication` →
/// `x509Authentication` (a letter after a digit is upper case; `.`, ` `, `_`, `-` start a
/// new word and are dropped, as is anything else that is not a letter or a digit).
pub fn cli_group(tag: &str) -> String {
    let tag = tag.trim();
    let mut out = String::with_capacity(tag.len());
    let mut cap_next = false;
    let mut prev_is_cap = false;
    for (i, b) in tag.bytes().enumerate() {
        let is_cap = b.is_ascii_uppercase();
        let is_low = b.is_ascii_lowercase();
        let b = if cap_next {
            b.to_ascii_uppercase()
        } else if i == 0 || (prev_is_cap && is_cap) {
            b.to_ascii_lowercase()
        } else {
            b
        };
        prev_is_cap = is_cap;
        if is_cap || is_low {
            out.push(char::from(b));
            cap_next = false;
        } else if b.is_ascii_digit() {
            out.push(char::from(b));
            cap_next = true;
        } else {
            cap_next = matches!(b, b'_' | b' ' | b'-' | b'.');
        }
    }
    out
}

/// The command `atlas api` gives an operation id (or its `x-xgen-operation-id-override`):
/// its first letter in lower case (`CreateOrgSecret` → `createOrgSecret`).
pub fn cli_command(operation_id: &str) -> String {
    let mut chars = operation_id.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_camel() {
        for (api, field) in [
            ("orgId", "org_id"),
            ("clientID", "client_id"),
            ("IPAddress", "ip_address"),
            ("secretExpiresAfterHours", "secret_expires_after_hours"),
            ("x509Type", "x509_type"),
            ("ipAddress", "ip_address"),
            ("clusterName", "cluster_name"),
            ("already_snake", "already_snake"),
        ] {
            assert_eq!(snake_case(api), field, "{api}");
        }
        for (field, api) in [
            ("secret_expires_after_hours", "secretExpiresAfterHours"),
            ("r#type", "type"),
            ("group_id", "groupId"),
            ("items_per_page", "itemsPerPage"),
            ("name", "name"),
            ("_leading", "leading"),
        ] {
            assert_eq!(camel_case(field), api, "{field}");
        }
    }

    #[test]
    fn groups_as_the_official_cli_names_them() {
        for (tag, group) in [
            ("Service Accounts", "serviceAccounts"),
            ("Clusters", "clusters"),
            ("Project IP Access List", "projectIpAccessList"),
            ("MongoDB Cloud Users", "mongoDbCloudUsers"),
            ("X.509 Authentication", "x509Authentication"),
            ("Cloud Provider Access", "cloudProviderAccess"),
            ("Atlas Search", "atlasSearch"),
            ("LDAP Configuration", "ldapConfiguration"),
            (
                "  Encryption at Rest using Customer Key Management ",
                "encryptionAtRestUsingCustomerKeyManagement",
            ),
            ("Push-Based Log Export", "pushBasedLogExport"),
            ("", ""),
        ] {
            assert_eq!(cli_group(tag), group, "{tag:?}");
        }
    }

    #[test]
    fn commands_lower_the_first_letter_only() {
        assert_eq!(cli_command("CreateOrgSecret"), "createOrgSecret");
        assert_eq!(cli_command("listGroupClusters"), "listGroupClusters");
        assert_eq!(cli_command(""), "");
    }
}
