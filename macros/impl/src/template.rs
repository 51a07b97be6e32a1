//! Path templates: `/orgs/{orgId}/serviceAccounts/{clientId}:invite`.
//!
//! A placeholder may fill a whole segment or share one with literal text, as the official
//! spec does (`{clientId}:invite`, `{logName}.gz`).

/// What the client puts before every template (`atlas_runtime::implement::API_PREFIX`).
const API_PREFIX: &str = "/api/atlas/v2";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    Placeholder(String),
}

/// Parses `template`, returning its pieces and every problem found. The empty template
/// names the API root itself (`GET /api/atlas/v2`, the system status).
pub fn parse(template: &str) -> (Vec<Piece>, Vec<String>) {
    let mut pieces = Vec::new();
    let mut problems = Vec::new();
    // A path pasted from the spec would send `/api/atlas/v2/api/atlas/v2/…`.
    let unprefixed = template.trim_start_matches('/');
    if let Some(rest) = unprefixed.strip_prefix(API_PREFIX.trim_start_matches('/'))
        && (rest.is_empty() || rest.starts_with('/'))
    {
        problems.push(format!(
            "the path template is relative to {API_PREFIX}, which the client adds to every path: \
             write {}",
            if rest.is_empty() {
                "\"\" (the empty template names the API root)".to_string()
            } else {
                format!("{rest:?}")
            }
        ));
    } else if !template.starts_with('/') && !template.is_empty() {
        problems.push(format!(
            "the path template must start with `/` (it is relative to /api/atlas/v2): write \"/{}\"",
            template.trim_start_matches('/')
        ));
    }
    if let Some(c) = template.chars().find(|c| matches!(c, '?' | '#')) {
        problems.push(format!(
            "the path template must not contain `{c}`: declare query parameters as fields marked #[atlas(query)]"
        ));
    }
    if template.contains("//") {
        problems.push("the path template has an empty segment (`//`)".to_string());
    }
    let mut literal = String::new();
    let mut chars = template.chars();
    while let Some(c) = chars.next() {
        match c {
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                let mut nested = false;
                for c in chars.by_ref() {
                    match c {
                        '}' => {
                            closed = true;
                            break;
                        }
                        '{' => nested = true,
                        c => name.push(c),
                    }
                }
                if nested {
                    // One mistake, one message: skip to the closing brace.
                    problems.push(format!(
                        "unbalanced braces: `{{` inside the placeholder `{{{name}}}`"
                    ));
                    continue;
                }
                if !closed {
                    problems.push(format!("unbalanced braces: `{{{name}` is never closed"));
                    continue;
                }
                if name.is_empty() {
                    problems.push("empty placeholder `{}`: name it, e.g. `{orgId}`".into());
                    continue;
                }
                if !is_identifier(&name) {
                    problems.push(format!(
                        "placeholder `{{{name}}}` is not a name: use letters, digits and `_`"
                    ));
                    continue;
                }
                if pieces
                    .iter()
                    .any(|p| *p == Piece::Placeholder(name.clone()))
                {
                    problems.push(format!("placeholder `{{{name}}}` is used twice"));
                    continue;
                }
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(Piece::Placeholder(name));
            }
            '}' => problems.push("unbalanced braces: `}` without `{`".into()),
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    (pieces, problems)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// The naming rules are atlas-rules', shared with the generator and the CLI, so a field
// binds to the placeholder the generator named it after.
pub use atlas_rules::names::{camel_case, snake_case};

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(t: &str) -> Vec<Piece> {
        let (pieces, problems) = parse(t);
        assert!(problems.is_empty(), "{t}: {problems:?}");
        pieces
    }

    fn bad(t: &str) -> Vec<String> {
        parse(t).1
    }

    #[test]
    fn shapes() {
        use Piece::*;
        assert_eq!(
            ok("/orgs/{orgId}/serviceAccounts/{clientId}:invite"),
            vec![
                Literal("/orgs/".into()),
                Placeholder("orgId".into()),
                Literal("/serviceAccounts/".into()),
                Placeholder("clientId".into()),
                Literal(":invite".into()),
            ]
        );
        assert_eq!(
            ok("/logs/{logName}.gz"),
            vec![
                Literal("/logs/".into()),
                Placeholder("logName".into()),
                Literal(".gz".into())
            ]
        );
        assert_eq!(ok("/orgs"), vec![Literal("/orgs".into())]);
    }

    #[test]
    fn problems() {
        assert!(bad("orgs/{orgId}")[0].contains("must start with `/`"));
        assert_eq!(
            bad("/api/atlas/v2/groups/{groupId}/clusters"),
            [
                "the path template is relative to /api/atlas/v2, which the client adds to every path: \
                 write \"/groups/{groupId}/clusters\""
            ]
        );
        assert_eq!(bad("api/atlas/v2/orgs").len(), 1);
        assert!(
            bad("/api/atlas/v2")[0].ends_with("write \"\" (the empty template names the API root)")
        );
        // The empty template is the API root itself (GET /api/atlas/v2).
        assert_eq!(parse(""), (Vec::new(), Vec::<String>::new()));
        // Only the whole prefix: `/api/atlas/v2x` is some other path.
        assert!(parse("/api/atlas/v2x").1.is_empty());
        assert!(bad("/orgs/{orgId")[0].contains("never closed"));
        assert!(bad("/orgs/orgId}")[0].contains("without `{`"));
        assert!(bad("/orgs/{}")[0].contains("empty placeholder"));
        assert!(bad("/a/{x}/b/{x}")[0].contains("used twice"));
        assert!(bad("/a?b=1")[0].contains("must not contain `?`"));
        assert!(bad("/a/{x-y}")[0].contains("not a name"));
        assert_eq!(bad("a/{}/{").len(), 3);
        assert_eq!(
            bad("/orgs/{org{Id}"),
            ["unbalanced braces: `{` inside the placeholder `{orgId}`"]
        );
    }
}
