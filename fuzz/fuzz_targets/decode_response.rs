//! Response decoding: any status, headers and body through `atlas_runtime::implement::decode::<T>`,
//! for four `T`, three declared endpoints (POST, GET, DELETE), with and without
//! `envelope=true`. Input format: `fuzz/src/response.rs` (an HTTP response as text).
//!
//! Checked besides "never panics":
//! - which error comes back follows the statuses: a non-2xx answer is always `Error::Api`
//!   with that status; a 2xx answer is never `Error::Api` unless `envelope=true` unwrapped
//!   an error status; a 2xx status the method does not document is `Error::Decode`;
//! - `()` accepts any success body, `serde_json::Value` any JSON or empty one;
//! - `Display`, `Debug` and every accessor of the error work, excerpts stay within 2 KiB;
//! - no error shows a value found under a secret-bearing member of a JSON body
//!   (`fuzz/src/secrets.rs`), nor does the `Debug` of a decoded `ServiceAccountSecret`.

#![no_main]

use std::fmt::Debug;

use atlas_endpoints::service_accounts::{
    CreateOrgServiceAccountSecret, DeleteOrgServiceAccountSecret, ListOrgServiceAccounts,
    ServiceAccountSecret,
};
use atlas_fuzz::response::{self, RawResponse};
use atlas_fuzz::secrets;
use atlas_runtime::{Endpoint, EndpointInfo, Error, Paginated, RequestOptions, implement::decode};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The longest excerpt kept, in chars (`BODY_EXCERPT_BYTES`; one char per byte at most).
const EXCERPT_CHARS: usize = 2048;

fn infos() -> [&'static EndpointInfo; 3] {
    [
        &<CreateOrgServiceAccountSecret as Endpoint>::INFO,
        &<ListOrgServiceAccounts as Endpoint>::INFO,
        &<DeleteOrgServiceAccountSecret as Endpoint>::INFO,
    ]
}

fuzz_target!(|data: &[u8]| {
    let Some(raw) = response::parse(data) else {
        return;
    };
    let response = raw.response(raw.status, raw.body.to_vec());
    for info in infos() {
        for envelope in [false, true] {
            let options = RequestOptions::new().envelope(envelope);
            check::<ServiceAccountSecret>(info, &response, &options);
            check::<Paginated<Value>>(info, &response, &options);
            check::<()>(info, &response, &options);
            check::<Value>(info, &response, &options);
        }
    }
    check_redaction(&raw);
});

/// What the status of `response` must lead to.
#[derive(Debug, PartialEq)]
enum Expected {
    /// `Error::Api` with this status.
    Api(u16),
    /// `Error::Decode` with this status.
    Decode(u16),
    /// A success status: the value, or `Error::Decode` with this status.
    Success(u16),
}

fn expected(info: &EndpointInfo, response: &http::Response<Vec<u8>>, envelope: bool) -> Expected {
    let http_status = response.status().as_u16();
    let two_xx = |s: u16| (200..300).contains(&s);
    if !two_xx(http_status) {
        return Expected::Api(http_status);
    }
    let status = if envelope {
        match serde_json::from_slice::<Value>(response.body()) {
            // The envelope itself is not JSON.
            Err(_) => return Expected::Decode(http_status),
            Ok(Value::Object(object)) => object
                .get("status")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(http_status),
            Ok(_) => http_status,
        }
    } else {
        http_status
    };
    if info.method.success_statuses().contains(&status) {
        Expected::Success(status)
    } else if two_xx(status) {
        Expected::Decode(status)
    } else {
        Expected::Api(status)
    }
}

fn check<T: DeserializeOwned + Debug + 'static>(
    info: &EndpointInfo,
    response: &http::Response<Vec<u8>>,
    options: &RequestOptions,
) {
    let result = decode::<T>(info, response, options);
    let expected = expected(info, response, options.envelope);
    let context = || {
        format!(
            "{} as {} (envelope={}), expected {expected:?}",
            info.type_name,
            std::any::type_name::<T>(),
            options.envelope
        )
    };
    match &result {
        Ok(value) => {
            let _ = format!("{value:?}");
            assert!(
                matches!(expected, Expected::Success(_)),
                "{}: decoded {value:?}",
                context()
            );
        }
        Err(error) => {
            exercise(error);
            match (error, &expected) {
                (Error::Api(e), Expected::Api(s)) => {
                    assert_eq!(e.status, *s, "{}", context());
                    assert_eq!(e.method, info.method, "{}", context());
                    assert_eq!(e.endpoint, info.type_name, "{}", context());
                    if let Some(raw) = &e.raw_body {
                        assert!(raw.chars().count() <= EXCERPT_CHARS, "{}", context());
                    }
                }
                (Error::Decode(e), Expected::Decode(s) | Expected::Success(s)) => {
                    assert_eq!(e.status, *s, "{}: {error}", context());
                    assert!(
                        e.body_excerpt.chars().count() <= EXCERPT_CHARS,
                        "{}",
                        context()
                    );
                }
                _ => panic!("{}: got {error:?}", context()),
            }
        }
    }
    // Bodies every success must accept.
    if let Expected::Success(status) = expected {
        let unit = std::any::TypeId::of::<T>() == std::any::TypeId::of::<()>();
        let is_value = std::any::TypeId::of::<T>() == std::any::TypeId::of::<Value>();
        let body = response.body();
        let any_json = options.envelope
            || status == 204
            || body.iter().all(u8::is_ascii_whitespace)
            || serde_json::from_slice::<Value>(body).is_ok();
        if unit || (is_value && any_json) {
            assert!(result.is_ok(), "{}: {:?}", context(), result.err());
        }
    }
}

/// Everything a caller may do with an error.
fn exercise(error: &Error) {
    let shown = error.to_string();
    let _ = format!("{error:?}");
    let _ = format!("{error:#}");
    assert!(error.status().is_some(), "{shown}");
    let _ = (
        error.error_code(),
        error.is_retryable(),
        error.attempts(),
        error.retry_after(),
    );
    if let Error::Api(e) = error {
        let _ = (e.is_rate_limited(), e.to_string());
    }
    let _ = std::error::Error::source(error).map(ToString::to_string);
}

/// For a JSON body holding secrets: decode it as is and blanked, and compare what shows.
fn check_redaction(raw: &RawResponse<'_>) {
    let Ok(value) = serde_json::from_slice::<Value>(raw.body) else {
        return;
    };
    let needles = secrets::needles(&secrets::secret_strings(&value));
    if needles.is_empty() {
        return;
    }
    let (Ok(real), Ok(blank)) = (
        serde_json::to_vec(&value),
        serde_json::to_vec(&secrets::blanked(&value)),
    ) else {
        return;
    };
    assert_eq!(real.len(), blank.len(), "blanking must keep positions");
    let (real, blank) = (
        raw.response(raw.status, real),
        raw.response(raw.status, blank),
    );
    for info in infos() {
        for envelope in [false, true] {
            let options = RequestOptions::new().envelope(envelope);
            compare::<ServiceAccountSecret>(info, &real, &blank, &options, true);
            compare::<Paginated<Value>>(info, &real, &blank, &options, false);
            compare::<()>(info, &real, &blank, &options, false);
            compare::<Value>(info, &real, &blank, &options, false);
        }
    }

    fn compare<T: DeserializeOwned + Debug + 'static>(
        info: &EndpointInfo,
        real: &http::Response<Vec<u8>>,
        blank: &http::Response<Vec<u8>>,
        options: &RequestOptions,
        debug_hides_secrets: bool,
    ) {
        let needles = secrets::needles(&secrets::secret_strings(
            &serde_json::from_slice(real.body()).unwrap_or(Value::Null),
        ));
        let what = format!(
            "{} as {} (envelope={})",
            info.type_name,
            std::any::type_name::<T>(),
            options.envelope
        );
        match (
            decode::<T>(info, real, options),
            decode::<T>(info, blank, options),
        ) {
            (Err(a), Err(b)) => {
                // Display only: `ApiError`'s Debug shows `parameters` as sent, by design.
                secrets::assert_no_leak(&what, &needles, &a.to_string(), &b.to_string());
            }
            (Ok(a), Ok(b)) if debug_hides_secrets => {
                secrets::assert_no_leak(&what, &needles, &format!("{a:?}"), &format!("{b:?}"));
            }
            _ => {}
        }
    }
}
