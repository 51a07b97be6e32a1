//! Version negotiation through media types, as the versioned Atlas API does it: the one
//! `Accept` parser and the one negotiation, for every operation (the Service Accounts
//! included), used by [`crate::api::generic::check`].
//!
//! - A media range asks for a date (`application/vnd.atlas.<YYYY-MM-DD>+json`, a real
//!   calendar date), `preview` (`application/vnd.atlas.preview+json`), a form (`+json`,
//!   or `+gzip` and `+csv` where the spec offers them), or the default
//!   (`application/json`, `application/*`, `*/*`, or no `Accept` at all). `q=0` refuses a
//!   range; other parameters are ignored.
//! - A date gets the newest version of the operation not after it that is offered in the
//!   form asked for; `preview` only when asked by name. The default asks for the oldest
//!   API version, `2023-01-01`, as Atlas documents (the Service Accounts operations have
//!   none that old). Of several ranges, the newest version found wins. The response's
//!   `Content-Type` names the version served.
//! - Nothing found: 406 `INVALID_VERSION_DATE`, whose `detail` and `parameters` name the
//!   operation's versions.
//! - A request body must be sent with a versioned `Content-Type` that resolves (among the
//!   versions with a body) to the version served; otherwise 415 `UNSUPPORTED_MEDIA_TYPE`
//!   (the status a JAX-RS server gives when no resource method consumes the body's media
//!   type). Plain `application/json` can be allowed with
//!   [`MockAtlasBuilder::accept_plain_json_bodies`](crate::MockAtlasBuilder::accept_plain_json_bodies).

use crate::errors::ApiError;
use crate::spec::{Answer, Operation, Version};

/// The version a request gets when it names none.
const DEFAULT_VERSION: &str = "2023-01-01";

/// `YYYY-MM-DD`, a real calendar date.
fn is_date(s: &str) -> bool {
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

/// How a version is put on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Wire {
    Json,
    Gzip,
    Csv,
}

impl Wire {
    fn suffix(self) -> &'static str {
        match self {
            Wire::Json => "json",
            Wire::Gzip => "gzip",
            Wire::Csv => "csv",
        }
    }
}

fn offers(v: &Version, wire: Wire) -> bool {
    match wire {
        Wire::Json => !matches!(v.answer, Answer::Gzip | Answer::Csv),
        Wire::Gzip => matches!(v.answer, Answer::Gzip),
        Wire::Csv => v.csv || matches!(v.answer, Answer::Csv),
    }
}

fn primary(v: &Version) -> Wire {
    match v.answer {
        Answer::Gzip => Wire::Gzip,
        Answer::Csv => Wire::Csv,
        _ => Wire::Json,
    }
}

/// The media type of a version on the wire.
pub(crate) fn media(date: &str, wire: Wire) -> String {
    format!("application/vnd.atlas.{date}+{}", wire.suffix())
}

/// What one media range asks for: a date (or `preview`) and a suffix, or the default.
fn asked(range: &str) -> Option<Option<(&str, Wire)>> {
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
    if ["application/json", "application/*", "*/*"]
        .iter()
        .any(|d| essence.eq_ignore_ascii_case(d))
    {
        return Some(None);
    }
    const PREFIX: &str = "application/vnd.atlas.";
    let rest = essence
        .get(..PREFIX.len())
        .filter(|h| h.eq_ignore_ascii_case(PREFIX))
        .and_then(|_| essence.get(PREFIX.len()..))?;
    let (date, suffix) = rest.rsplit_once('+')?;
    let wire = match suffix.to_ascii_lowercase().as_str() {
        "json" => Wire::Json,
        "gzip" => Wire::Gzip,
        "csv" => Wire::Csv,
        _ => return Some(Some(("", Wire::Json))),
    };
    if date == "preview" || is_date(date) {
        Some(Some((date, wire)))
    } else {
        Some(Some(("", Wire::Json)))
    }
}

/// The version (and form) `Accept` gets: the newest version not after the date asked
/// for that is offered in the form asked for; `preview` only when asked by name. With no
/// versioned media type, the API's default date in the version's own form.
pub(crate) fn negotiate(
    accept: Option<&str>,
    op: &'static Operation,
) -> Result<(&'static Version, Wire), ApiError> {
    let pick = |date: &str, wire: Option<Wire>| -> Option<(&'static Version, Wire)> {
        if date == "preview" {
            return op
                .versions
                .iter()
                .find(|v| v.date == "preview" && wire.is_none_or(|w| offers(v, w)))
                .map(|v| (v, wire.unwrap_or_else(|| primary(v))));
        }
        op.versions
            .iter()
            .filter(|v| v.date != "preview" && v.date <= date)
            .filter(|v| wire.is_none_or(|w| offers(v, w)))
            .max_by_key(|v| v.date)
            .map(|v| (v, wire.unwrap_or_else(|| primary(v))))
    };
    let accept = accept.map(str::trim).filter(|a| !a.is_empty());
    let found = match accept {
        None => pick(DEFAULT_VERSION, None),
        Some(accept) => accept
            .split(',')
            .filter_map(asked)
            .filter_map(|a| match a {
                None => pick(DEFAULT_VERSION, None),
                Some(("", _)) => None,
                Some((date, wire)) => pick(date, Some(wire)),
            })
            .max_by_key(|(v, _)| v.date),
    };
    found.ok_or_else(|| {
        let supported: Vec<&str> = op.versions.iter().map(|v| v.date).collect();
        let mut e = ApiError::new(
            406,
            "INVALID_VERSION_DATE",
            format!(
                "Invalid accept header or version date. Supported versions of this resource: {}.",
                supported.join(", ")
            ),
        );
        for v in supported {
            e = e.param(v);
        }
        e
    })
}

/// A request body's `Content-Type`: the served version's media type, or a date that
/// resolves to it (or plain JSON when the builder allows it).
pub(crate) fn check_content_type(
    op: &Operation,
    served: &'static Version,
    given: Option<&str>,
    allow_plain_json: bool,
) -> Result<(), ApiError> {
    let given = given.unwrap_or("").trim();
    let essence = given.split(';').next().unwrap_or("").trim();
    let ok = match asked(given) {
        Some(Some((date, Wire::Json))) if !date.is_empty() => {
            if date == "preview" {
                served.date == "preview"
            } else {
                op.versions
                    .iter()
                    .filter(|v| v.date != "preview" && v.date <= date && v.body.is_some())
                    .max_by_key(|v| v.date)
                    .is_some_and(|v| std::ptr::eq(v, served))
            }
        }
        Some(None) => allow_plain_json && essence.eq_ignore_ascii_case("application/json"),
        _ => false,
    };
    if ok {
        return Ok(());
    }
    let shown = if given.is_empty() { "none" } else { given };
    Err(ApiError::new(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        format!(
            "Unsupported request media type {shown}; send the body as {}.",
            media(served.date, Wire::Json)
        ),
    )
    .param(shown.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{self, OPERATIONS};

    fn op(id: &str) -> &'static Operation {
        &OPERATIONS[spec::lookup(id).unwrap()]
    }

    #[test]
    fn versions_are_negotiated_per_operation() {
        let clusters = op("createGroupCluster");
        let (v, w) = negotiate(Some("application/vnd.atlas.2024-09-01+json"), clusters).unwrap();
        assert_eq!((v.date, w), ("2024-08-05", Wire::Json));
        let (v, _) = negotiate(None, clusters).unwrap();
        assert_eq!(v.date, "2023-01-01");
        let e = negotiate(Some("application/vnd.atlas.2022-01-01+json"), clusters).unwrap_err();
        assert_eq!((e.status, e.code), (406, "INVALID_VERSION_DATE"));
        assert!(e.detail.contains("2024-10-23"), "{}", e.detail);
        let log = op("downloadGroupClusterLog");
        let (v, w) = negotiate(Some("application/vnd.atlas.2023-02-01+gzip"), log).unwrap();
        assert_eq!((v.date, w), ("2023-02-01", Wire::Gzip));
        assert!(negotiate(Some("application/vnd.atlas.2023-02-01+json"), log).is_err());
    }

    /// Every Service Accounts operation has one version, `2024-08-05`.
    #[test]
    fn dates_at_or_after_the_version_get_it() {
        let sa = op("listOrgServiceAccounts");
        for accept in [
            "application/vnd.atlas.2024-08-05+json",
            "application/vnd.atlas.2025-03-12+json",
            "application/vnd.atlas.2099-01-01+json; charset=utf-8",
            "text/html, application/vnd.atlas.2024-08-05+json;q=0.5",
            "application/vnd.atlas.2023-01-01+json, application/vnd.atlas.2024-10-23+json",
            "APPLICATION/VND.ATLAS.2024-08-05+JSON",
        ] {
            let (v, w) = negotiate(Some(accept), sa).unwrap();
            assert_eq!((v.date, w), ("2024-08-05", Wire::Json), "{accept}");
        }
    }

    #[test]
    fn older_malformed_or_unversioned_is_406() {
        let sa = op("listOrgServiceAccounts");
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
            let e = negotiate(accept, sa).unwrap_err();
            assert_eq!(
                (e.status, e.code),
                (406, "INVALID_VERSION_DATE"),
                "{accept:?}"
            );
            assert_eq!(
                e.parameters,
                vec![serde_json::json!("2024-08-05")],
                "{accept:?}"
            );
        }
    }

    #[test]
    fn body_media_type_must_resolve_to_the_served_version() {
        let secret = op("createOrgServiceAccountSecret");
        let served = &secret.versions[0];
        let check = |given: Option<&str>, plain: bool| {
            check_content_type(secret, served, given, plain).map_err(|e| e.status)
        };
        assert_eq!(
            check(Some("application/vnd.atlas.2024-08-05+json"), false),
            Ok(())
        );
        assert_eq!(
            check(
                Some("application/vnd.atlas.2025-01-01+json; charset=utf-8"),
                false
            ),
            Ok(())
        );
        for bad in [
            None,
            Some("application/json"),
            Some("text/plain"),
            Some("application/vnd.atlas.2023-02-01+json"),
        ] {
            assert_eq!(check(bad, false), Err(415), "{bad:?}");
        }
        assert_eq!(check(Some("application/json; charset=utf-8"), true), Ok(()));
        assert_eq!(check(Some("*/*"), true), Err(415));
    }
}
