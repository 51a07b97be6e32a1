//! Versions past their sunset are never sent by accident: Atlas answers them with 410
//! `VERSION_GONE`, which broke a released official CLI. The client checks, before any
//! I/O, the version a call would send against the sunset date its declaration carries
//! (`EndpointInfo::sunset`, from the spec's `x-sunset`): past it, the call is refused
//! with an error naming a newer version (unless
//! [`ClientBuilder::allow_sunset_versions`](crate::ClientBuilder::allow_sunset_versions));
//! within [`WARNING_DAYS`] of it, the client logs a warning once per operation and
//! version.

use crate::endpoint::EndpointInfo;
use crate::error::RequestError;

/// How many days before a sunset a version is announced as retiring: long enough to move
/// to the newer version within a release cycle.
pub const WARNING_DAYS: i64 = 90;

/// Days from `today` to `sunset` (both `YYYY-MM-DD`): 0 or less once the version is gone
/// (Atlas stops serving it on its sunset date). `None` when a date is malformed.
pub fn days_left(sunset: &str, today: &str) -> Option<i64> {
    let sunset: jiff::civil::Date = sunset.parse().ok()?;
    let today: jiff::civil::Date = today.parse().ok()?;
    let span = today.until((jiff::Unit::Day, sunset)).ok()?;
    Some(i64::from(span.get_days()))
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    // A timestamp prints in UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    let now = jiff::Timestamp::now().to_string();
    now.get(..10).unwrap_or("").to_string()
}

/// The sunset date of `operation` at `version`: `info`'s own when it declares that
/// version, else that of a declaration of the same operation in `catalog`.
fn sunset_of<'a>(
    info: &'a EndpointInfo,
    version: &str,
    catalog: &'a [&'static EndpointInfo],
) -> Option<&'a str> {
    if info.version == Some(version) {
        return info.sunset;
    }
    catalog
        .iter()
        .find(|i| same_operation(i, info) && i.version == Some(version))
        .and_then(|i| i.sunset)
}

fn same_operation(a: &EndpointInfo, b: &EndpointInfo) -> bool {
    match (a.operation_id, b.operation_id) {
        (Some(x), Some(y)) => x == y,
        _ => a.method == b.method && a.template == b.template,
    }
}

/// The newest version of the operation in `catalog` that is not past its sunset on
/// `today` (and is not `version` itself).
pub fn newer_version(
    info: &EndpointInfo,
    version: &str,
    today: &str,
    catalog: &[&'static EndpointInfo],
) -> Option<&'static str> {
    catalog
        .iter()
        .filter(|i| same_operation(i, info))
        .filter_map(|i| {
            let v = i.version?;
            let alive = i
                .sunset
                .is_none_or(|s| days_left(s, today).is_none_or(|d| d > 0));
            (v != version && alive).then_some(v)
        })
        // Dated versions sort as text; `preview` after them.
        .max_by_key(|v| (*v != "preview", *v))
}

/// What a call at `version` of `info` may do on `today`: `Ok(None)` go, `Ok(Some(days))`
/// go, the version sunsets in that many days (0 or less: it is past, and `allow` let it
/// through); an error when it is past its sunset and `allow` is off.
pub(crate) fn check(
    info: &EndpointInfo,
    version: &str,
    today: &str,
    allow: bool,
    catalog: &[&'static EndpointInfo],
) -> Result<Option<i64>, RequestError> {
    let Some(sunset) = sunset_of(info, version, catalog) else {
        return Ok(None);
    };
    let Some(days) = days_left(sunset, today) else {
        return Ok(None);
    };
    if days > 0 || allow {
        return Ok((days <= WARNING_DAYS).then_some(days));
    }
    let instead = match newer_version(info, version, today, catalog) {
        Some(v) => format!("send version {v} instead"),
        None => "declare a newer version of the operation".to_string(),
    };
    Err(RequestError::sunset(
        info.type_name,
        format!(
            "version {version} was sunset on {sunset} (Atlas answers 410 VERSION_GONE): {instead}, \
             or allow it with ClientBuilder::allow_sunset_versions"
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::Method;

    const OLD: EndpointInfo = EndpointInfo::new(
        Method::Get,
        "/groups/{groupId}/things",
        Some("2023-01-01"),
        Some("listThings"),
        "ListThingsV20230101",
        &[],
        crate::endpoint::BodyKind::None,
        false,
    )
    .with_meta(None, None, None, Some("2026-03-01"), &[]);
    const NEW: EndpointInfo = EndpointInfo::new(
        Method::Get,
        "/groups/{groupId}/things",
        Some("2025-03-12"),
        Some("listThings"),
        "ListThings",
        &[],
        crate::endpoint::BodyKind::None,
        false,
    );
    static CATALOG: [&EndpointInfo; 2] = [&OLD, &NEW];

    #[test]
    fn days_are_counted_to_the_sunset() {
        assert_eq!(days_left("2026-03-01", "2026-01-01"), Some(59));
        assert_eq!(days_left("2026-03-01", "2026-03-01"), Some(0));
        assert_eq!(days_left("2026-03-01", "2026-03-02"), Some(-1));
        assert_eq!(days_left("soon", "2026-03-02"), None);
    }

    #[test]
    fn a_version_past_its_sunset_is_refused_naming_the_newer_one() {
        let e = check(&OLD, "2023-01-01", "2026-03-01", false, &CATALOG).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("was sunset on 2026-03-01"), "{text}");
        assert!(text.contains("send version 2025-03-12 instead"), "{text}");
        // Without a catalog it still refuses, and says what to do.
        let e = check(&OLD, "2023-01-01", "2026-04-01", false, &[]).unwrap_err();
        assert!(e.to_string().contains("declare a newer version"), "{e}");
        // Allowed: sent, and said (a negative count: days since the sunset).
        assert_eq!(
            check(&OLD, "2023-01-01", "2026-04-01", true, &[]).unwrap(),
            Some(-31)
        );
    }

    /// The client refuses before any I/O, and sends when told to.
    #[test]
    fn the_client_sends_nothing_past_a_sunset() {
        use crate::transport::{ScriptedTransport, Step};
        static GONE: EndpointInfo = EndpointInfo::new(
            Method::Get,
            "/things",
            Some("2023-01-01"),
            Some("listThings"),
            "ListThingsV20230101",
            &[],
            crate::endpoint::BodyKind::None,
            false,
        )
        .with_meta(None, None, None, Some("2020-01-01"), &[]);
        let script = std::sync::Arc::new(ScriptedTransport::new([Step::json(200, "{}")]));
        let client = crate::Client::builder()
            .transport(script.clone())
            .version_catalog(CATALOG)
            .build()
            .unwrap();
        let call = crate::raw::RawCall::new(&GONE);
        let e = client
            .send_raw(&call, &crate::RequestOptions::new())
            .unwrap_err();
        assert!(matches!(e, crate::Error::Request(_)), "{e}");
        assert!(e.to_string().contains("sunset on 2020-01-01"), "{e}");
        assert!(script.requests().is_empty(), "nothing is sent");
        let allowed = crate::Client::builder()
            .transport(script.clone())
            .allow_sunset_versions(true)
            .build()
            .unwrap();
        allowed
            .send_raw(&call, &crate::RequestOptions::new())
            .unwrap();
        assert_eq!(script.requests().len(), 1);
    }

    #[test]
    fn a_version_within_90_days_is_announced() {
        assert_eq!(
            check(&OLD, "2023-01-01", "2026-01-01", false, &[]).unwrap(),
            Some(59)
        );
        assert_eq!(
            check(&OLD, "2023-01-01", "2025-01-01", false, &[]).unwrap(),
            None
        );
        // Another version sent than declared: its own sunset, from the catalog.
        assert_eq!(
            check(&NEW, "2025-03-12", "2026-04-01", false, &CATALOG).unwrap(),
            None
        );
        assert!(check(&NEW, "2023-01-01", "2026-04-01", false, &CATALOG).is_err());
    }
}
