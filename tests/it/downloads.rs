//! Answers that are not JSON (issue 11, point 1): the `Accept` media type names the form,
//! the answer streams to a writer, an error status is still an `Error::Api`.

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use atlas_runtime::transport::{Body, ScriptedTransport, Step};
use atlas_runtime::{Client, Error, Format, RequestOptions, RetryPolicy, atlas_endpoint};

#[atlas_endpoint(
    GET,
    "/groups/{groupId}/clusters/{hostName}/logs/{logName}.gz",
    version = "2023-02-01",
    format = "gzip"
)]
struct DownloadLog {
    group_id: String,
    host_name: String,
    log_name: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/invoices/{invoiceId}", version = "2023-01-01",
    response = serde_json::Value, format(json, csv))]
struct GetInvoice {
    org_id: String,
    invoice_id: String,
}

const GROUP: &str = "32b6e34b3d91647abb20e7b8";

fn client(steps: Vec<Step>) -> (Arc<ScriptedTransport>, Client) {
    let script = Arc::new(ScriptedTransport::new(steps));
    let client = Client::builder()
        .transport(script.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    (script, client)
}

/// A body of `len` bytes made on the fly, counting how much was read.
struct Endless {
    left: usize,
    read: Arc<AtomicUsize>,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.left);
        buf[..n].fill(0x1f);
        self.left -= n;
        self.read.fetch_add(n, Ordering::SeqCst);
        Ok(n)
    }
}

#[test]
fn a_gzip_answer_streams_past_the_json_body_limit() {
    let read = Arc::new(AtomicUsize::new(0));
    let counter = read.clone();
    let script = Arc::new(ScriptedTransport::new([Step::with(move |_| {
        Ok(http::Response::builder()
            .status(200)
            .header("Content-Type", "application/vnd.atlas.2023-02-01+gzip")
            .body(Body::new(Endless {
                left: 8 * 1024 * 1024,
                read: counter.clone(),
            }))
            .unwrap())
    })]));
    let client = Client::builder()
        .transport(script.clone())
        .body_limit(1024)
        .build()
        .unwrap();
    let call = DownloadLog::new(GROUP, "host-00.example.net", "mongodb");
    // A gzip-only declaration: `send` streams.
    let download = call.send(&client).unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(
        read.load(Ordering::SeqCst),
        0,
        "nothing is read before the caller reads"
    );
    let mut sink = std::io::sink();
    assert_eq!(download.write_to(&mut sink).unwrap(), 8 * 1024 * 1024);
    let sent = &script.requests()[0];
    assert_eq!(
        sent.headers()["accept"],
        "application/vnd.atlas.2023-02-01+gzip"
    );
    assert_eq!(
        sent.uri().path(),
        format!("/api/atlas/v2/groups/{GROUP}/clusters/host-00.example.net/logs/mongodb.gz")
    );
}

#[test]
fn a_csv_answer_is_text_and_the_caller_picks_the_form() {
    let (script, client) = client(vec![Step::respond(
        200,
        &[("Content-Type", "application/vnd.atlas.2023-01-01+csv")],
        b"date,amount\n2026-11-01,42\n".to_vec(),
    )]);
    let call = GetInvoice::new(GROUP, "inv-1");
    let csv = call
        .download(&client, Format::Csv)
        .unwrap()
        .text(1 << 20)
        .unwrap();
    assert_eq!(csv, "date,amount\n2026-11-01,42\n");
    assert_eq!(
        script.requests()[0].headers()["accept"],
        "application/vnd.atlas.2023-01-01+csv"
    );
}

#[test]
fn a_download_error_is_an_api_error() {
    let (_s, client) = client(vec![Step::json(
        404,
        r#"{"error":404,"errorCode":"LOG_NOT_FOUND","detail":"no such log","reason":"Not Found"}"#,
    )]);
    let call = DownloadLog::new(GROUP, "host-00.example.net", "mongodb");
    let err = client
        .download(&call, &RequestOptions::new().format(Format::Gzip))
        .unwrap_err();
    assert!(matches!(&err, Error::Api(a) if a.status == 404), "{err:?}");
    assert_eq!(err.error_code(), Some("LOG_NOT_FOUND"));
}

#[test]
fn a_json_body_keeps_its_json_content_type_whatever_the_answer() {
    #[atlas_endpoint(POST, "/orgs/{orgId}/billing/costExplorer:usage", version = "2023-01-01",
        response = serde_json::Value,
        format(json, csv))]
    struct Usage {
        org_id: String,
        start_date: String,
    }
    let (script, client) = client(vec![Step::respond(200, &[], b"a,b\n".to_vec())]);
    client
        .download(
            &Usage::new(GROUP, "2026-01-01"),
            &RequestOptions::new().format(Format::Csv),
        )
        .unwrap();
    let sent = &script.requests()[0];
    assert_eq!(
        sent.headers()["accept"],
        "application/vnd.atlas.2023-01-01+csv"
    );
    assert_eq!(
        sent.headers()["content-type"],
        "application/vnd.atlas.2023-01-01+json"
    );
}

#[test]
fn json_stays_the_default_of_a_json_and_csv_operation() {
    let (script, client) = client(vec![Step::json(200, r#"{"id":"inv-1"}"#)]);
    let invoice = GetInvoice::new(GROUP, "inv-1").send(&client).unwrap();
    assert_eq!(invoice["id"], "inv-1");
    assert_eq!(
        script.requests()[0].headers()["accept"],
        "application/vnd.atlas.2023-01-01+json"
    );
    assert_eq!(
        GetInvoice::INFO.formats,
        [Format::Json, Format::Csv],
        "the declared forms are metadata"
    );
}

#[test]
fn a_format_the_operation_does_not_offer_is_refused_before_sending() {
    let (script, client) = client(vec![Step::json(200, "{}")]);
    let err = GetInvoice::new(GROUP, "inv-1")
        .download(&client, Format::Gzip)
        .unwrap_err();
    assert!(matches!(err, Error::Request(_)), "{err:?}");
    assert!(err.to_string().contains("json or csv"), "{err}");
    assert!(script.requests().is_empty());
}
