//! Version negotiation through media types, as the versioned Atlas API does it.
//!
//! - A request asks for a version with `Accept: application/vnd.atlas.<YYYY-MM-DD>+json`.
//!   It gets the newest version of the operation that is not after that date; the
//!   response's `Content-Type` names the version served.
//! - A request without a versioned media type (no `Accept`, `application/json`, `*/*`)
//!   asks for the oldest API version, `2023-01-01`, as Atlas documents. The Service
//!   Accounts operations have no version that old, so it gets 406.
//! - A date before the operation's first version, a malformed date, `preview`, or any
//!   other media type: 406 `INVALID_VERSION_DATE`.
//! - A request body must be sent with a versioned `Content-Type` that resolves to the
//!   same version as `Accept`; otherwise 415 `UNSUPPORTED_MEDIA_TYPE` (the status a JAX-RS
//!   server gives when no resource method consumes the body's media type). Plain
//!   `application/json` can be allowed with
//!   [`MockAtlasBuilder::accept_plain_json_bodies`](crate::MockAtlasBuilder::accept_plain_json_bodies).

use crate::errors::ApiError;

/// The version a request gets when it names none.
pub(crate) const DEFAULT_VERSION: &str = "2023-01-01";

/// The versions of every Service Accounts operation.
pub(crate) const SERVICE_ACCOUNTS_VERSIONS: &[&str] = &["2024-08-05"];

/// The media type of a version.
pub(crate) fn media_type(version: &str) -> String {
    format!("application/vnd.atlas.{version}+json")
}

/// What one media range of a header asks for.
#[derive(Debug, PartialEq, Eq)]
enum Asked<'a> {
    /// `application/vnd.atlas.<date>+json` with a valid calendar date.
    Date(&'a str),
    /// `application/json`, `application/*` or `*/*`: the default version.
    Default,
    /// Anything else (another type, `preview`, a malformed date).
    Other,
}

/// `YYYY-MM-DD`, a real calendar date.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let (Ok(y), Ok(m), Ok(d)) = (s[0..4].parse(), s[5..7].parse(), s[8..10].parse()) else {
        return false;
    };
    jiff::civil::Date::new(y, m, d).is_ok()
}

/// Classifies one media range (parameters other than `q` are ignored; `q=0` refuses).
fn classify(range: &str) -> Option<Asked<'_>> {
    let mut parts = range.split(';');
    let essence = parts.next().unwrap_or("").trim();
    for param in parts {
        if let Some((k, v)) = param.split_once('=')
            && k.trim().eq_ignore_ascii_case("q")
            && v.trim().parse::<f32>().is_ok_and(|q| q <= 0.0)
        {
            return None;
        }
    }
    if essence.is_empty() {
        return None;
    }
    if essence.eq_ignore_ascii_case("application/json")
        || essence.eq_ignore_ascii_case("application/*")
        || essence == "*/*"
    {
        return Some(Asked::Default);
    }
    const PREFIX: &str = "application/vnd.atlas.";
    const SUFFIX: &str = "+json";
    // `get` keeps slicing on character boundaries whatever the header holds.
    if let Some(head) = essence.get(..PREFIX.len())
        && head.eq_ignore_ascii_case(PREFIX)
        && let Some(rest) = essence.get(PREFIX.len()..)
        && let Some(split) = rest.len().checked_sub(SUFFIX.len())
        && let (Some(date), Some(suffix)) = (rest.get(..split), rest.get(split..))
        && suffix.eq_ignore_ascii_case(SUFFIX)
        && is_date(date)
    {
        return Some(Asked::Date(date));
    }
    Some(Asked::Other)
}

/// The newest of `versions` not after `date`.
fn resolve(date: &str, versions: &[&'static str]) -> Option<&'static str> {
    versions.iter().copied().filter(|v| *v <= date).max()
}

fn not_acceptable() -> ApiError {
    ApiError::new(
        406,
        "INVALID_VERSION_DATE",
        "Invalid accept header or version date.",
    )
}

/// The version a request's `Accept` header gets, or 406.
pub(crate) fn negotiate(
    accept: Option<&str>,
    versions: &[&'static str],
) -> Result<&'static str, ApiError> {
    let accept = accept.map(str::trim).filter(|a| !a.is_empty());
    let Some(accept) = accept else {
        return resolve(DEFAULT_VERSION, versions).ok_or_else(not_acceptable);
    };
    let asked: Vec<Asked<'_>> = accept.split(',').filter_map(classify).collect();
    let mut best: Option<&'static str> = None;
    for a in &asked {
        let found = match a {
            Asked::Date(d) => resolve(d, versions),
            Asked::Default => resolve(DEFAULT_VERSION, versions),
            Asked::Other => None,
        };
        if found > best {
            best = found;
        }
    }
    best.ok_or_else(not_acceptable)
}

/// Checks a request body's `Content-Type` against the version being served.
pub(crate) fn check_content_type(
    content_type: Option<&str>,
    served: &'static str,
    versions: &[&'static str],
    allow_plain_json: bool,
) -> Result<(), ApiError> {
    let given = content_type.unwrap_or("").trim();
    let ok = match classify(given) {
        Some(Asked::Date(d)) => resolve(d, versions) == Some(served),
        Some(Asked::Default) => {
            allow_plain_json
                && given
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .eq_ignore_ascii_case("application/json")
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        let shown = if given.is_empty() { "none" } else { given };
        Err(ApiError::new(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            format!(
                "Unsupported request media type {shown}; send the body as {}.",
                media_type(served)
            ),
        )
        .param(shown))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &[&str] = SERVICE_ACCOUNTS_VERSIONS;

    #[test]
    fn dates_at_or_after_the_version_get_it() {
        for accept in [
            "application/vnd.atlas.2024-08-05+json",
            "application/vnd.atlas.2025-03-12+json",
            "application/vnd.atlas.2099-01-01+json; charset=utf-8",
            "text/html, application/vnd.atlas.2024-08-05+json;q=0.5",
            "application/vnd.atlas.2023-01-01+json, application/vnd.atlas.2024-10-23+json",
            "APPLICATION/VND.ATLAS.2024-08-05+JSON",
        ] {
            assert_eq!(
                negotiate(Some(accept), V).unwrap(),
                "2024-08-05",
                "{accept}"
            );
        }
    }

    #[test]
    fn older_malformed_or_unversioned_is_406() {
        for accept in [
            None,
            Some(""),
            Some("application/json"),
            Some("*/*"),
            Some("application/vnd.atlas.2024-08-04+json"),
            Some("application/vnd.atlas.2023-01-01+json"),
            Some("application/vnd.atlas.2024-13-01+json"),
            Some("application/vnd.atlas.2024-02-30+json"),
            Some("application/vnd.atlas.2024-8-5+json"),
            Some("application/vnd.atlas.preview+json"),
            Some("application/vnd.atlas.2024-08-05+csv"),
            Some("application/vnd.atlas.2024-08-05+json;q=0"),
            Some("text/html"),
        ] {
            let e = negotiate(accept, V).unwrap_err();
            assert_eq!(
                (e.status, e.code),
                (406, "INVALID_VERSION_DATE"),
                "{accept:?}"
            );
        }
    }

    #[test]
    fn body_media_type_must_resolve_to_the_served_version() {
        let served = "2024-08-05";
        assert!(
            check_content_type(
                Some("application/vnd.atlas.2024-08-05+json"),
                served,
                V,
                false
            )
            .is_ok()
        );
        assert!(
            check_content_type(
                Some("application/vnd.atlas.2025-01-01+json; charset=utf-8"),
                served,
                V,
                false
            )
            .is_ok()
        );
        for bad in [
            None,
            Some("application/json"),
            Some("text/plain"),
            Some("application/vnd.atlas.2023-02-01+json"),
        ] {
            assert_eq!(
                check_content_type(bad, served, V, false)
                    .unwrap_err()
                    .status,
                415
            );
        }
        assert!(
            check_content_type(Some("application/json; charset=utf-8"), served, V, true).is_ok()
        );
        assert!(check_content_type(Some("*/*"), served, V, true).is_err());
    }
}
