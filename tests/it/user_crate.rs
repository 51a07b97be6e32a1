//! A user's own crate (`tests/user-crate`, public API only) declares operations of six
//! other tags (issue 11) and sends each to Prism serving the official spec: the request
//! passes Prism's validation (no `sl-violations`), the answer has the documented status
//! and decodes, and the PATCH body's bytes say exactly what is left, set and cleared.

use atlas_runtime::{
    Client, Credentials, Endpoint, Patch, RequestOptions, implement::build_request,
};
use atlas_test_needs::needs;
use atlas_test_support::prism::shared_mock;
use atlas_user_example::*;

const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const ORG: &str = "4888442a3354817a7320eb61";

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::bearer("prism-accepts-any-bearer-token"))
        .build()
        .unwrap()
}

/// The violations Prism found in our request; those it found in its own example answer
/// are the spec's fault (the 2024-08-05 cluster example's `mongoDBVersion` breaks its own
/// pattern) and are printed, not failed on.
fn request_violations(name: &str, headers: &http::HeaderMap) -> Option<String> {
    let raw = headers.get("sl-violations")?.to_str().ok()?;
    let all: Vec<serde_json::Value> = serde_json::from_str(raw).ok()?;
    let (ours, spec): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|v| v["location"][0].as_str() != Some("response"));
    if !spec.is_empty() {
        println!("{name}: the spec's own example breaks the spec: {spec:?}");
    }
    (!ours.is_empty()).then(|| format!("{name}: Prism reported violations: {ours:?}"))
}

/// Whether a Prism 500 (`--errors`) names only violations of its own example answer.
fn only_the_specs_fault(body: &[u8]) -> bool {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let Some(all) = v["validation"].as_array() else {
        return false;
    };
    v["type"]
        .as_str()
        .is_some_and(|t| t.ends_with("VIOLATIONS"))
        && !all.is_empty()
        && all
            .iter()
            .all(|x| x["location"][0].as_str() == Some("response"))
}

/// Sends `call` raw, to see Prism's verdict, then through `send()`.
fn drive<E: Endpoint>(client: &Client, call: &E) -> Result<(), String> {
    let name = E::INFO.type_name;
    let request = build_request(call, client.context(), &RequestOptions::new())
        .map_err(|e| format!("{name}: {e}"))?;
    let response = client
        .execute(request)
        .map_err(|e| format!("{name}: {e}"))?;
    if let Some(v) = request_violations(name, response.headers()) {
        return Err(v);
    }
    let status = response.status().as_u16();
    if status == 500 && only_the_specs_fault(response.body()) {
        println!("{name}: Prism refused its own example answer; the request side passed");
        return Ok(());
    }
    if !E::INFO.method.success_statuses().contains(&status) {
        return Err(format!(
            "{name}: {status}: {}",
            String::from_utf8_lossy(response.body())
        ));
    }
    client
        .send(call)
        .map(|_| ())
        .map_err(|e| format!("{name} via send(): {e}"))
}

fn update() -> UpdateProcessArgs {
    UpdateProcessArgs::new(GROUP, "Cluster0")
        .oplog_size_mb(Patch::Set(2048))
        .oplog_min_retention_hours(Patch::Clear)
        .no_table_scan(true)
}

#[test]
fn a_patch_body_says_exactly_what_changes() {
    let request = build_request(
        &update(),
        &atlas_runtime::implement::RequestContext::default(),
        &RequestOptions::new(),
    )
    .unwrap();
    // Set, clear, set; `defaultMaxTimeMS` left (None) is not sent at all.
    assert_eq!(
        std::str::from_utf8(request.body()).unwrap(),
        r#"{"oplogSizeMB":2048,"oplogMinRetentionHours":null,"noTableScan":true}"#
    );
}

#[needs(prism, spec)]
fn a_users_declarations_pass_prism() {
    let prism = shared_mock();
    let client = client(&prism.url());
    let entries = vec![
        AccessListEntry {
            cidr_block: Some("192.0.2.0/24".into()),
            comment: Some("office".into()),
            ..Default::default()
        },
        AccessListEntry {
            ip_address: Some("198.51.100.7".into()),
            ..Default::default()
        },
    ];
    let mut failures = Vec::new();
    let mut passed = 0;
    for outcome in [
        drive(&client, &GetProject::new(GROUP)),
        drive(&client, &ListClusters::new(GROUP).items_per_page(50)),
        drive(&client, &update()),
        drive(&client, &AddAccessListEntries::new(GROUP, entries)),
        drive(
            &client,
            &RemoveAccessListEntry::new(GROUP, "192.0.2.0%2F24"),
        ),
        drive(&client, &ListDatabaseUsers::new(GROUP)),
    ] {
        match outcome {
            Ok(()) => passed += 1,
            Err(e) => failures.push(e),
        }
    }
    // The two answers that are not JSON stream through `send()`.
    let log = DownloadClusterLog::new(GROUP, "cluster0-shard-00-00.example.net", "mongodb")
        .start_date(1_700_000_000);
    match log.send(&client) {
        Ok(download) if request_violations("DownloadClusterLog", download.headers()).is_none() => {
            let mut sink = Vec::new();
            download.write_to(&mut sink).unwrap();
            passed += 1;
        }
        Ok(download) => failures.push(format!(
            "DownloadClusterLog: Prism reported violations: {:?}",
            download.headers().get("sl-violations")
        )),
        Err(e) => failures.push(format!("DownloadClusterLog: {e}")),
    }
    match InvoiceCsv::new(ORG, "5f7a3c9e1b2d4e6f8a0b1c2d").send(&client) {
        Ok(download) if request_violations("InvoiceCsv", download.headers()).is_none() => {
            download.text(1 << 20).unwrap();
            passed += 1;
        }
        Ok(download) => failures.push(format!(
            "InvoiceCsv: Prism reported violations: {:?}",
            download.headers().get("sl-violations")
        )),
        Err(e) => failures.push(format!("InvoiceCsv: {e}")),
    }
    assert!(
        failures.is_empty(),
        "{passed} passed; failures:\n{}\n{}",
        failures.join("\n"),
        prism.log_tail(30)
    );
    assert_eq!(passed, 8);
}
