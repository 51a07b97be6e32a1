//! Command names as the official CLI spells them: a tag in lowerCamel (`Service Accounts`
//! → `serviceAccounts`, `MongoDB Cloud Users` → `mongoDbCloudUsers`), an operation id with
//! a lower-case first letter.

/// The words of a name: split at anything not a letter or digit, at a lower-to-upper
/// change, and before the last capital of an acronym followed by lower case
/// (`MongoDBCloud` → `Mongo`, `DB`, `Cloud`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&prev) = current.chars().last().as_ref() {
            let next = chars.get(i + 1).copied();
            let boundary = (prev.is_lowercase() || prev.is_ascii_digit()) && c.is_uppercase()
                || prev.is_uppercase()
                    && c.is_uppercase()
                    && next.is_some_and(|n| n.is_lowercase());
            if boundary {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `Service Accounts` → `serviceAccounts`; `Project IP Access List` → `projectIpAccessList`.
pub fn lower_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for (i, word) in words(name).iter().enumerate() {
        let lower = word.to_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

/// An operation id as a command: its first letter in lower case (`createOrgSecret`).
pub fn command(id: &str) -> String {
    let mut chars = id.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_as_the_official_cli_names_them() {
        for (tag, group) in [
            ("Service Accounts", "serviceAccounts"),
            ("Clusters", "clusters"),
            ("Project IP Access List", "projectIpAccessList"),
            ("MongoDB Cloud Users", "mongoDbCloudUsers"),
            ("X.509 Authentication", "x509Authentication"),
            ("Cloud Provider Access", "cloudProviderAccess"),
        ] {
            assert_eq!(lower_camel(tag), group, "{tag}");
        }
        assert_eq!(command("CreateOrgSecret"), "createOrgSecret");
    }
}
