//! `ApiError` decoding: error statuses (any non-2xx status the input names) with any
//! headers and body. Input format: `fuzz/src/response.rs`; inputs with a 2xx status are
//! skipped (`decode_response` covers them).
//!
//! Checked besides "never panics":
//! - the answer is `Error::Api` with that status, method and endpoint;
//! - a body that is not JSON is kept as `raw_body`, byte for byte up to 2 KiB (lossy
//!   UTF-8), and then no `ApiError` field is filled; a non-empty body is never lost;
//! - an `ApiError` JSON body fills `errorCode`, `detail`, `reason` as sent;
//! - `Retry-After` in seconds and `RateLimit-*` are read from the headers;
//! - 429 and 503 are retryable; `Display` names the status, the error code and the body;
//! - the same JSON body wrapped in an envelope (`{"status": S, "content": …}` with HTTP
//!   200 and `envelope=true`) gives the same error.

#![no_main]

use atlas_endpoints::service_accounts::{CreateOrgServiceAccountSecret, GetOrgServiceAccount};
use atlas_fuzz::response;
use atlas_runtime::{Endpoint, EndpointInfo, Error, RequestOptions, error::ApiError, implement::decode};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const EXCERPT_BYTES: usize = 2048;

fuzz_target!(|data: &[u8]| {
    let Some(raw) = response::parse(data) else {
        return;
    };
    if (200..300).contains(&raw.status) {
        return;
    }
    let infos: [&EndpointInfo; 2] = [
        &<CreateOrgServiceAccountSecret as Endpoint>::INFO,
        &<GetOrgServiceAccount as Endpoint>::INFO,
    ];
    let headers = raw.header_map();
    let json = serde_json::from_slice::<Value>(raw.body).ok();
    for info in infos {
        let response = raw.response(raw.status, raw.body.to_vec());
        for envelope in [false, true] {
            let options = RequestOptions::new().envelope(envelope);
            let e = api_error(info, &response, &options);
            check(info, &e, raw.status, raw.body, json.as_ref(), &headers);
        }

        // The envelope gives what the plain answer gives (for JSON, compared on its
        // canonical form: the envelope re-serializes its content).
        if let Some(json) = &json {
            let Ok(canonical) = serde_json::to_vec(json) else {
                continue;
            };
            let plain = raw.response(raw.status, canonical);
            let wrapped = serde_json::json!({ "status": raw.status, "content": json });
            let Ok(wrapped) = serde_json::to_vec(&wrapped) else {
                continue;
            };
            let enveloped = raw.response(200, wrapped);
            let mut a = api_error(info, &plain, &RequestOptions::new());
            let mut b = api_error(info, &enveloped, &RequestOptions::new().envelope(true));
            // An HTTP-date Retry-After is relative to now. JSON numbers are compared by
            // presence only: the envelope's content goes through one more parse and print,
            // and serde_json's default float parsing does not round-trip every float
            // (7.7429777700000005e+34 prints back as 7.74297777e+34).
            for e in [&mut a, &mut b] {
                e.retry_after = None;
                e.raw_body = e.raw_body.as_ref().map(|_| String::new());
                e.parameters = vec![Value::Null; e.parameters.len()];
            }
            assert_eq!(a, b, "the envelope changes the error");
        }
    }
});

fn api_error(
    info: &EndpointInfo,
    response: &http::Response<Vec<u8>>,
    options: &RequestOptions,
) -> ApiError {
    match decode::<Value>(info, response, options) {
        Err(Error::Api(e)) => *e,
        other => panic!(
            "status {} (envelope={}) gave {other:?}, not Error::Api",
            response.status(),
            options.envelope
        ),
    }
}

fn check(
    info: &EndpointInfo,
    e: &ApiError,
    status: u16,
    body: &[u8],
    json: Option<&Value>,
    headers: &http::HeaderMap,
) {
    assert_eq!(e.status, status);
    assert_eq!(e.method, info.method);
    assert_eq!(e.endpoint, info.type_name);
    let shown = e.to_string();
    let _ = format!("{e:?}");
    let error = Error::Api(Box::new(e.clone()));
    let _ = (error.to_string(), error.is_retryable(), error.retry_after());
    assert!(shown.contains(&status.to_string()), "{shown}");

    let fields_set = e.error_code.is_some() || e.detail.is_some() || e.reason.is_some();
    match &e.raw_body {
        Some(raw_body) => {
            assert!(!body.is_empty(), "raw_body from an empty body");
            assert!(!fields_set, "raw_body and ApiError fields both set: {e:?}");
            assert!(
                e.parameters.is_empty() && e.field_violations.is_empty(),
                "{e:?}"
            );
            assert!(raw_body.chars().count() <= EXCERPT_BYTES, "{raw_body:?}");
            // Member names are compared without regard to case, and after their escapes
            // are decoded: with a `\u` escape in the text, any name may spell a secret.
            let text = String::from_utf8_lossy(body).to_ascii_lowercase();
            let names_a_secret = text.contains("\\u")
                || atlas_fuzz::secrets::SENSITIVE_KEYS.iter().any(|k| {
                    atlas_fuzz::count(&text, &format!("\"{}\"", k.to_ascii_lowercase())) > 0
                });
            if json.is_none() && !names_a_secret {
                // Not JSON: kept as is (cut, lossy), so a proxy's page is never lost.
                // (Broken JSON that names a secret-bearing member is scrubbed first.)
                let cut = &body[..body.len().min(EXCERPT_BYTES)];
                assert_eq!(raw_body, &String::from_utf8_lossy(cut), "raw body not kept");
            }
            let one_line = raw_body.split_whitespace().next().is_some();
            assert!(!one_line || shown.contains("; body: "), "{shown}");
        }
        None => {
            // (A body serde_json::Value refuses, e.g. with 1e400 in an ignored member,
            // may still be an ApiError.)
            assert!(
                body.is_empty() || fields_set,
                "a non-empty body was dropped: {e:?}"
            );
        }
    }
    if let (None, Some(Value::Object(object))) = (&e.raw_body, json) {
        let member = |name: &str| object.get(name).and_then(Value::as_str);
        assert_eq!(e.error_code.as_deref(), member("errorCode"), "{e:?}");
        assert_eq!(e.detail.as_deref(), member("detail"), "{e:?}");
        assert_eq!(e.reason.as_deref(), member("reason"), "{e:?}");
    }
    if let Some(code) = &e.error_code {
        assert!(shown.contains(code.as_str()), "{shown}");
    }

    let first = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let number = |name: &str| first(name).and_then(|v| v.trim().parse::<u64>().ok());
    assert_eq!(e.rate_limit.limit, number("ratelimit-limit"));
    assert_eq!(e.rate_limit.remaining, number("ratelimit-remaining"));
    if let Some(secs) = number("retry-after") {
        assert_eq!(e.retry_after, Some(std::time::Duration::from_secs(secs)));
    }
    if status == 429 || status == 503 {
        assert!(error.is_retryable(), "{status} not retryable");
    }
}
