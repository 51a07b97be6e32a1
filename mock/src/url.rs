//! Percent-decoding of path segments and query strings, and the query's common flags.

use crate::errors::ApiError;

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XX` escapes once (and `+` as a space when `plus_is_space`, as in query
/// strings). `None` for a broken escape or a result that is not UTF-8.
pub(crate) fn percent_decode(s: &str, plus_is_space: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = hex_value(*bytes.get(i + 1)?)?;
                let lo = hex_value(*bytes.get(i + 2)?)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A parsed query string: decoded pairs, and the raw text of each for rebuilding links.
#[derive(Debug, Clone, Default)]
pub(crate) struct Query {
    pairs: Vec<(String, String)>,
    raw: Vec<(String, String)>,
}

impl Query {
    /// Parses `a=1&b=2`; a broken escape is a 400.
    pub(crate) fn parse(raw: &str) -> Result<Query, ApiError> {
        let mut query = Query::default();
        for part in raw.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').unwrap_or((part, ""));
            let (Some(dk), Some(dv)) = (percent_decode(k, true), percent_decode(v, true)) else {
                return Err(ApiError::new(
                    400,
                    "MALFORMED_REQUEST",
                    format!("The query parameter {part:?} is not correctly percent-encoded."),
                ));
            };
            query.pairs.push((dk, dv));
            query.raw.push((k.to_owned(), v.to_owned()));
        }
        Ok(query)
    }

    /// The first value of a parameter (names are case-sensitive, as in Java).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a parameter, in order.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.pairs
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The decoded pairs, in order.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// A boolean parameter read as Java's `Boolean.valueOf` does: `true` in any case is
    /// true, anything else false; absent is `default`.
    pub(crate) fn flag(&self, name: &str, default: bool) -> bool {
        self.get(name)
            .map_or(default, |v| v.eq_ignore_ascii_case("true"))
    }

    /// The raw query with `replace` parameters set (others kept, in order, as sent).
    pub(crate) fn with(&self, replace: &[(&str, String)]) -> String {
        let mut parts: Vec<String> = self
            .raw
            .iter()
            .zip(&self.pairs)
            .filter(|(_, (k, _))| !replace.iter().any(|(name, _)| name == k))
            .map(|((rk, rv), _)| format!("{rk}={rv}"))
            .collect();
        parts.extend(replace.iter().map(|(k, v)| format!("{k}={v}")));
        parts.join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_once() {
        assert_eq!(
            percent_decode("192.0.2.0%2F24", false).unwrap(),
            "192.0.2.0/24"
        );
        assert_eq!(
            percent_decode("192.0.2.0%252F24", false).unwrap(),
            "192.0.2.0%2F24"
        );
        assert_eq!(percent_decode("a+b", false).unwrap(), "a+b");
        assert_eq!(percent_decode("a+b", true).unwrap(), "a b");
        assert!(percent_decode("%zz", false).is_none());
        assert!(percent_decode("%2", false).is_none());
        assert!(percent_decode("%ff", false).is_none());
    }

    #[test]
    fn queries() {
        let q = Query::parse("pretty=TRUE&envelope=1&pageNum=2&x=a%20b&pageNum=3").unwrap();
        assert!(q.flag("pretty", false));
        assert!(!q.flag("envelope", true));
        assert!(q.flag("includeCount", true));
        assert_eq!(q.get("pageNum"), Some("2"));
        assert_eq!(q.get("x"), Some("a b"));
        assert_eq!(
            q.with(&[("pageNum", "5".into()), ("itemsPerPage", "10".into())]),
            "pretty=TRUE&envelope=1&x=a%20b&pageNum=5&itemsPerPage=10"
        );
        assert!(Query::parse("a=%").is_err());
    }
}
