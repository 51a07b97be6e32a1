//! Rust names for spec names: the macro's own snake/camel rules (so a field binds to its
//! placeholder and a body member gets its API name), UpperCamel for types and variants,
//! and identifiers for enum values that are not identifiers (`<`, `1`, `M10`).

// The macro's own snake/camel rules (so a field binds to its placeholder and a body member
// gets its API name) and the CLI's group names are atlas-rules', in one place for all.
pub use atlas_rules::names::{camel_case, cli_command, cli_group, snake_case};

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// A field name for a spec property or parameter: snake case, only `[a-z0-9_]`, never
/// starting with a digit, keywords raw (`r#type`).
pub fn field_name(api: &str) -> String {
    let mut s: String = snake_case(api)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    while s.contains("__") {
        s = s.replace("__", "_");
    }
    let s = s.trim_matches('_').to_string();
    let s = if s.is_empty() { "value".to_string() } else { s };
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("n{s}")
    } else if matches!(s.as_str(), "self" | "super" | "crate" | "Self") {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// UpperCamel for type names: `ClusterDescription20240805` stays, `tokenFilterasciiFolding`
/// becomes `TokenFilterasciiFolding`, `Link_Atlas` becomes `LinkAtlas`.
pub fn type_name(name: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if upper {
                out.push(c.to_ascii_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        } else {
            upper = true;
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) || out.is_empty() {
        out.insert(0, 'T');
    }
    out
}

/// Names for values that are not identifiers.
const SYMBOLS: &[(&str, &str)] = &[
    ("<", "Lt"),
    ("<=", "Lte"),
    (">", "Gt"),
    (">=", "Gte"),
    ("=", "Eq"),
    ("==", "Eq"),
    ("!=", "Ne"),
    ("*", "Star"),
    ("-1", "Desc"),
    ("1", "Asc"),
];

/// An enum variant for a value: `ON_DEMAND` → `OnDemand`, `M10` → `M10`, `<` → `Lt`,
/// `2dsphere` → `V2dsphere`, `us-east-1` → `UsEast1`.
pub fn variant_name(value: &str) -> String {
    if let Some((_, n)) = SYMBOLS.iter().find(|(v, _)| *v == value) {
        return (*n).to_string();
    }
    let mut out = String::new();
    // Word boundaries: non-alphanumerics, and lower→upper transitions.
    let chars: Vec<char> = value.chars().collect();
    let all_upper = !chars.iter().any(|c| c.is_ascii_lowercase());
    let mut start = true;
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            start = true;
            continue;
        }
        let boundary = start
            || (i > 0 && c.is_ascii_uppercase() && chars[i - 1].is_ascii_lowercase())
            || (i > 0 && c.is_ascii_alphabetic() && chars[i - 1].is_ascii_digit());
        if boundary {
            out.push(c.to_ascii_uppercase());
        } else if all_upper {
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
        start = false;
    }
    if out.is_empty() {
        out = "Empty".to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// A module name and a feature name for a tag: `Project IP Access List` →
/// `project_ip_access_list` and `project-ip-access-list`.
pub fn tag_names(tag: &str) -> (String, String) {
    let words: Vec<String> = tag
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    (words.join("_"), words.join("-"))
}

/// `createGroupCluster` → `CreateGroupCluster`.
pub fn upper_first(s: &str) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
        None => String::new(),
    }
}

/// A raw string literal that holds `s` (`r#"…"#` with enough hashes).
pub fn raw_lit(s: &str) -> String {
    if !s.contains('"') && !s.contains('\\') {
        return format!("\"{s}\"");
    }
    let mut hashes = String::new();
    while s.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{s}\"{hashes}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snake_case("groupId"), "group_id");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(
            field_name("2dsphereIndexVersion"),
            "n2dsphere_index_version"
        );
        assert_eq!(
            field_name("Use-Effective-Instance-Fields"),
            "use_effective_instance_fields"
        );
        assert_eq!(variant_name("ON_DEMAND"), "OnDemand");
        assert_eq!(variant_name("M10"), "M10");
        assert_eq!(variant_name("<"), "Lt");
        assert_eq!(variant_name("us-east-1"), "UsEast1");
        assert_eq!(variant_name("2dsphere"), "V2Dsphere");
        assert_eq!(variant_name("mongoDBMajorVersion"), "MongoDBMajorVersion");
        assert_eq!(type_name("Link_Atlas"), "LinkAtlas");
        assert_eq!(cli_group("Project IP Access List"), "projectIpAccessList");
        assert_eq!(tag_names("MongoDB Cloud Users").1, "mongodb-cloud-users");
        assert_eq!(raw_lit(r"^\d$"), r###"r"^\d$""###);
    }
}
