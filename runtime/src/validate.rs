//! Input validation, run by `send()` before any I/O.
//!
//! Generated `validate()` bodies are a list of calls on [`Validator`], one per field and
//! kind of rule; the rules themselves are data in [`EndpointInfo`](crate::EndpointInfo).
//! Every violation is collected, so a caller fixes all of them in one go.

use std::fmt;

use crate::endpoint::{Bound, Constraint, Location, Number, ParamInfo};
use crate::value::{LengthValue, ParamValues, PathSegment, PatternValue, RangeValue};

/// Shown instead of the value of a parameter declared `#[atlas(sensitive)]`.
pub const REDACTED: &str = "<redacted>";

/// Values longer than this are cut in messages.
const VALUE_EXCERPT_CHARS: usize = 80;

/// Every rule an endpoint's input broke.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationError {
    /// The endpoint (its type name).
    pub endpoint: &'static str,
    /// At least one.
    pub violations: Vec<Violation>,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Violation {
    /// The parameter's API name (`orgId`), or `version` for a version override.
    pub param: &'static str,
    /// Where the parameter travels.
    pub location: Location,
    /// The rule.
    pub rule: Rule,
    /// The offending value; `None` for sensitive parameters.
    pub value: Option<String>,
}

/// A rule a value can break.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// A path value was empty.
    EmptyPathValue,
    /// A path value of `.` or `..`, which would change the route; for a value sent already
    /// encoded, once decoded (`%2e%2e`), or any piece of it between `%2F`s.
    DotSegment,
    /// An already-encoded path value with a raw `/`, `?` or `#`, a bad `%` escape, or an
    /// escape that decodes to `?` or `#`.
    EscapesSegment,
    /// The value does not contain a match of the pattern.
    Pattern(&'static str),
    /// The number is out of range.
    Range {
        /// Lower bound.
        min: Option<Bound>,
        /// Upper bound.
        max: Option<Bound>,
    },
    /// The length is out of range.
    Length {
        /// Fewest allowed.
        min: Option<usize>,
        /// Most allowed.
        max: Option<usize>,
        /// What the value has.
        actual: usize,
    },
    /// A header value with control characters.
    HeaderValue,
    /// An API version that is neither `YYYY-MM-DD` nor `preview`.
    Version,
    /// A rule of the caller's own (`#[atlas(validate_with = "…")]`), in words.
    Custom(String),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::EmptyPathValue => f.write_str("must not be empty"),
            Rule::DotSegment => f.write_str(
                "must not be `.` or `..` (also once percent-decoded, or between `%2F`s), which \
                 would change the route",
            ),
            Rule::EscapesSegment => f.write_str(
                "is sent already percent-encoded, so it must not contain `/`, `?` or `#` (raw, \
                 or `?`/`#` escaped) or a `%` that does not start an escape like `%2F`",
            ),
            Rule::Pattern(p) => write!(f, "must match the pattern {p}"),
            Rule::Range { min, max } => {
                f.write_str("must be")?;
                if let Some(b) = min {
                    let op = if b.exclusive { ">" } else { ">=" };
                    write!(f, " {op} {}", b.value)?;
                }
                if min.is_some() && max.is_some() {
                    f.write_str(" and")?;
                }
                if let Some(b) = max {
                    let op = if b.exclusive { "<" } else { "<=" };
                    write!(f, " {op} {}", b.value)?;
                }
                Ok(())
            }
            Rule::Length { min, max, actual } => {
                match (min, max) {
                    (Some(a), Some(b)) => write!(f, "must have a length from {a} to {b}")?,
                    (Some(a), None) => write!(f, "must have a length of at least {a}")?,
                    (None, Some(b)) => write!(f, "must have a length of at most {b}")?,
                    (None, None) => f.write_str("has an unconstrained length")?,
                }
                write!(f, " (has {actual})")
            }
            Rule::HeaderValue => f.write_str("must not contain control characters"),
            Rule::Version => f.write_str("must be a date YYYY-MM-DD or `preview`"),
            Rule::Custom(what) => f.write_str(what),
        }
    }
}

impl Violation {
    /// A violation of `param`; its value is dropped if the parameter is sensitive. For
    /// hand-written [`Endpoint`](crate::Endpoint) implementations.
    pub fn new(param: &ParamInfo, rule: Rule, value: Option<String>) -> Self {
        Violation {
            param: param.api_name,
            location: param.location,
            rule,
            value: if param.sensitive { None } else { value },
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}) {}",
            self.param,
            self.location.as_str(),
            self.rule
        )?;
        match &self.value {
            Some(v) => {
                let mut chars = v.chars();
                let head: String = chars.by_ref().take(VALUE_EXCERPT_CHARS).collect();
                let more = if chars.next().is_some() { "…" } else { "" };
                write!(f, "; got {head:?}{more}")
            }
            None => write!(f, "; got {REDACTED}"),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(
            f,
            "invalid input for {}: {n} problem{}",
            self.endpoint,
            if n == 1 { "" } else { "s" }
        )?;
        for v in &self.violations {
            write!(f, "\n  - {v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

impl ValidationError {
    /// The violations of one parameter, by API name.
    pub fn for_param<'a>(&'a self, api_name: &'a str) -> impl Iterator<Item = &'a Violation> {
        self.violations.iter().filter(move |v| v.param == api_name)
    }
}

/// Collects violations: generated `validate()` bodies fill one (through
/// `__private`), and a `validate_with` function adds its own with [`custom`](Self::custom).
#[derive(Debug, Default)]
pub struct Validator {
    violations: Vec<Violation>,
}

impl Validator {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    // Off the hot path: keeps the checks small enough to inline into generated code.
    #[cold]
    #[inline(never)]
    fn push(&mut self, param: &ParamInfo, rule: Rule, value: impl FnOnce() -> String) {
        let value = if param.sensitive { None } else { Some(value()) };
        self.violations.push(Violation {
            param: param.api_name,
            location: param.location,
            rule,
            value,
        });
    }

    /// A path value: not empty, not a dot segment, well-formed if already encoded, and
    /// matching every pattern of the parameter.
    pub(crate) fn path<T: PathSegment + ?Sized>(&mut self, param: &ParamInfo, value: &T) {
        let text = value.to_segment();
        if text.is_empty() {
            self.push(param, Rule::EmptyPathValue, String::new);
            return;
        }
        if text == "." || text == ".." {
            self.push(param, Rule::DotSegment, || text.to_string());
            return;
        }
        if param.encoded {
            // Decode, then check what a server will see: `%2e%2e` is `..` to it.
            match check_encoded(&text) {
                Ok(()) => {}
                Err(rule) => {
                    self.push(param, rule, || text.to_string());
                    return;
                }
            }
        }
        self.patterns(param, &text);
    }

    /// A header value: no control characters (a value cannot smuggle in a header).
    pub(crate) fn header<T: ParamValues + ?Sized>(&mut self, param: &ParamInfo, value: &T) {
        value.each_value(&mut |text| {
            if text.chars().any(|c| c.is_control()) {
                self.push(param, Rule::HeaderValue, || text.to_string());
            }
        });
    }

    /// Every pattern of the parameter, on each text the value holds (`None` holds none).
    pub(crate) fn pattern<T: PatternValue + ?Sized>(&mut self, param: &ParamInfo, value: &T) {
        value.each_text(&mut |text| self.patterns(param, text));
    }

    /// Every pattern of the parameter, on one value of a query or header field whose type
    /// carries its rule ([`ParamValues::PATTERN`]).
    pub(crate) fn text(&mut self, param: &ParamInfo, text: &str) {
        self.patterns(param, text);
    }

    #[inline]
    fn patterns(&mut self, param: &ParamInfo, text: &str) {
        for p in param.patterns() {
            if !p.is_match(text) {
                self.push(param, Rule::Pattern(p.source()), || text.to_string());
            }
        }
    }

    /// Every range of the parameter (`None` is in range).
    pub(crate) fn range<T: RangeValue + ?Sized>(&mut self, param: &ParamInfo, value: &T) {
        let Some(n) = value.number() else { return };
        for c in param.constraints {
            if let Constraint::Range { min, max } = *c
                && !(min.is_none_or(|b| above(n, b)) && max.is_none_or(|b| below(n, b)))
            {
                self.push(param, Rule::Range { min, max }, || n.to_string());
            }
        }
    }

    /// Every length rule of the parameter (characters of a string, items of a sequence).
    pub(crate) fn length<T: LengthValue + ?Sized>(&mut self, param: &ParamInfo, value: &T) {
        let Some(actual) = value.length() else { return };
        for c in param.constraints {
            if let Constraint::Length { min, max } = *c
                && !(min.is_none_or(|m| actual >= m) && max.is_none_or(|m| actual <= m))
            {
                let shown = || value.describe().into_owned();
                self.push(param, Rule::Length { min, max, actual }, shown);
            }
        }
    }

    /// Records a violation found outside the generated checks.
    pub fn violation(&mut self, violation: Violation) {
        self.violations.push(violation);
    }

    /// Records that `param` broke a rule of the caller's own, from a
    /// `#[atlas(validate_with = "…")]` function: `rule` says what the value must be
    /// (`"must hold each address once"`), `value` is shown unless the parameter is
    /// sensitive.
    pub fn custom(
        &mut self,
        param: &ParamInfo,
        rule: impl Into<String>,
        value: impl FnOnce() -> String,
    ) {
        self.push(param, Rule::Custom(rule.into()), value);
    }

    /// `Ok` when nothing was broken.
    #[inline]
    pub fn finish(self, endpoint: &'static str) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                endpoint,
                violations: self.violations,
            })
        }
    }
}

#[inline]
fn above(n: Number, b: Bound) -> bool {
    match n.partial_cmp(&b.value) {
        Some(std::cmp::Ordering::Greater) => true,
        Some(std::cmp::Ordering::Equal) => !b.exclusive,
        _ => false,
    }
}

#[inline]
fn below(n: Number, b: Bound) -> bool {
    match n.partial_cmp(&b.value) {
        Some(std::cmp::Ordering::Less) => true,
        Some(std::cmp::Ordering::Equal) => !b.exclusive,
        _ => false,
    }
}

/// An already-encoded value stays inside its segment once a server decodes it: written
/// with no raw `/ ? #` and only whole `%XX` escapes ([`Rule::EscapesSegment`]), it decodes
/// to no `?` or `#` ([`Rule::EscapesSegment`]) and to no `.` or `..`, whole or between
/// `%2F`s, which a server that decodes `%2F` before routing would resolve
/// ([`Rule::DotSegment`]).
pub(crate) fn check_encoded(text: &str) -> Result<(), Rule> {
    if !is_encoded_segment(text) {
        return Err(Rule::EscapesSegment);
    }
    let decoded: Vec<u8> = percent_encoding::percent_decode_str(text).collect();
    if decoded.iter().any(|b| matches!(b, b'?' | b'#')) {
        return Err(Rule::EscapesSegment);
    }
    if decoded
        .split(|&b| b == b'/')
        .any(|piece| piece == b"." || piece == b"..")
    {
        return Err(Rule::DotSegment);
    }
    Ok(())
}

/// Written with no `/ ? #`, and every `%` starts a two-hex-digit escape.
fn is_encoded_segment(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' | b'?' | b'#' => return false,
            b'%' => {
                let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return false;
                }
                i += 3;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    true
}

/// The version rule is atlas-rules', shared with the macro's check of declarations.
pub use atlas_rules::version::is_valid_version;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_segments() {
        assert!(is_encoded_segment("192.0.2.0%2F24"));
        assert!(is_encoded_segment("10.0.0.1"));
        assert!(!is_encoded_segment("192.0.2.0/24"));
        assert!(!is_encoded_segment("a%2"));
        assert!(!is_encoded_segment("a%zz"));
        assert!(!is_encoded_segment("a?b"));
        assert!(!is_encoded_segment("a#b"));
    }

    #[test]
    fn encoded_values_are_checked_decoded() {
        for ok in [
            "192.0.2.0%2F24",
            "10.0.0.1",
            "a%2eb",
            "...",
            "%2e%2e%2e",
            "%25",
            "x%2F.y",
        ] {
            assert_eq!(check_encoded(ok), Ok(()), "{ok}");
        }
        for dots in [
            ".",
            "..",
            "%2e",
            "%2E",
            "%2e%2e",
            "%2E%2E",
            ".%2e",
            "%2e.",
            "..%2Fx",
            "x%2F..",
            "a%2f.%2fb",
        ] {
            assert_eq!(check_encoded(dots), Err(Rule::DotSegment), "{dots}");
        }
        for escapes in [
            "a/b", "a?b", "a#b", "a%3Fb", "a%3fb", "a%23b", "%", "%2", "%zz",
        ] {
            assert_eq!(
                check_encoded(escapes),
                Err(Rule::EscapesSegment),
                "{escapes}"
            );
        }
    }

    #[test]
    fn versions_agree_with_a_date_parser() {
        let mut day = jiff::civil::date(1999, 12, 25);
        for _ in 0..(366 * 3) {
            let text = day.strftime("%Y-%m-%d").to_string();
            assert!(is_valid_version(&text), "{text}");
            day = day.tomorrow().unwrap();
        }
        for bad in [
            "2023-02-29",
            "2100-02-29",
            "2024-04-31",
            "2024-00-10",
            "2024-01-00",
            "2024-1-010",
            "2024/01/01",
            "２０２４-01-01",
            "+024-01-01",
        ] {
            assert!(!is_valid_version(bad), "{bad}");
        }
        assert!(is_valid_version("2000-02-29"));
        assert!(is_valid_version("2024-02-29"));
    }

    #[test]
    fn versions() {
        assert!(is_valid_version("2024-08-05"));
        assert!(is_valid_version("preview"));
        assert!(!is_valid_version("2024-13-05"));
        assert!(!is_valid_version("2024-8-5"));
        assert!(!is_valid_version("latest"));
    }

    #[test]
    fn range_bounds() {
        let gt0 = Bound {
            value: Number::Int(0),
            exclusive: true,
        };
        assert!(!above(Number::Int(0), gt0));
        assert!(above(Number::Int(1), gt0));
        let le10 = Bound {
            value: Number::Int(10),
            exclusive: false,
        };
        assert!(below(Number::Int(10), le10));
        assert!(!below(Number::Float(10.5), le10));
        assert!(!above(Number::Float(f64::NAN), gt0));
    }
}
