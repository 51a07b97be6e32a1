//! Every member a request may send is on the wire: for every model a request body reaches
//! and every request with a body, a maximal instance (every member set, from
//! `generated_maximal.rs`, written by atlas-codegen) is serialized as the client does
//! (models with serde, requests through `build_request`, the bytes the transport sends),
//! and each member the generator's rule sends must be in the JSON. A member the rule sends
//! but the code drops (the `skip_serializing` on `analyticsSpecs` of issue 22) fails here.

use atlas_runtime::request::{BodyWriter, HeaderWriter, PathWriter, QueryWriter};
use atlas_runtime::{
    Client, Credentials, Endpoint, EndpointInfo, RequestOptions, ValidationError,
    implement::build_request,
};
use serde_json::Value;

use crate::generated_maximal::{models, requests};

/// One checked instance: its name, what went out (or why nothing did) and the members
/// that must be there.
pub struct Sent {
    name: &'static str,
    json: Result<Value, String>,
    expected: &'static [&'static str],
}

/// A model, serialized with serde.
pub fn model<T: serde::Serialize>(
    name: &'static str,
    value: &T,
    expected: &'static [&'static str],
) -> Sent {
    Sent {
        name,
        json: serde_json::to_value(value).map_err(|e| e.to_string()),
        expected,
    }
}

/// `E` without its input rules: a maximal instance holds placeholder values that no
/// pattern accepts, and what is checked here is the body, not validation.
struct Unchecked<'a, E>(&'a E);

impl<E: Endpoint> Endpoint for Unchecked<'_, E> {
    type Response = E::Response;
    const INFO: EndpointInfo = E::INFO;

    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
    fn write_path(&self, path: &mut PathWriter) {
        self.0.write_path(path)
    }
    fn write_query(&self, query: &mut QueryWriter) {
        self.0.write_query(query)
    }
    fn write_headers(&self, headers: &mut HeaderWriter) {
        self.0.write_headers(headers)
    }
    fn write_body(&self, body: &mut BodyWriter) -> Result<(), serde_json::Error> {
        self.0.write_body(body)
    }
}

/// A request, built as the client builds it: the body is the bytes it would send.
pub fn request<E: Endpoint>(
    name: &'static str,
    endpoint: &E,
    expected: &'static [&'static str],
) -> Sent {
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .allow_insecure_http(true)
        .credentials(Credentials::bearer("token"))
        .build()
        .expect("a client");
    let json = build_request(
        &Unchecked(endpoint),
        client.context(),
        &RequestOptions::new(),
    )
    .map_err(|e| e.to_string())
    .and_then(|r| serde_json::from_slice(r.body()).map_err(|e| e.to_string()));
    Sent {
        name,
        json,
        expected,
    }
}

/// The members of `json` (of its first item, for an array body).
fn members(json: &Value) -> Vec<&str> {
    match json {
        Value::Object(map) => map.keys().map(String::as_str).collect(),
        Value::Array(items) => items.first().map(members).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn missing(all: Vec<Sent>) -> (usize, usize, Vec<String>) {
    let mut checked = 0;
    let mut members_checked = 0;
    let mut failures = Vec::new();
    for sent in all {
        checked += 1;
        match &sent.json {
            Err(e) => failures.push(format!("{}: not serialized: {e}", sent.name)),
            Ok(json) => {
                let present = members(json);
                for m in sent.expected {
                    members_checked += 1;
                    if !present.contains(m) {
                        failures.push(format!("{}: `{m}` is not on the wire", sent.name));
                    }
                }
            }
        }
    }
    (checked, members_checked, failures)
}

#[test]
fn every_member_a_model_may_send_is_sent() {
    let (models, members, failures) = missing(models());
    assert!(models > 500, "only {models} models");
    assert!(
        failures.is_empty(),
        "{} of {members} members of {models} models dropped:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_member_a_request_may_send_is_sent() {
    let (requests, members, failures) = missing(requests());
    assert!(requests > 150, "only {requests} requests");
    assert!(
        failures.is_empty(),
        "{} of {members} members of {requests} requests dropped:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The members issue 22 found dropped, named: the region configs' analytics and read-only
/// node specs and the auto-scaling bounds.
#[test]
fn the_cluster_members_of_issue_22_are_sent() {
    let all = models();
    for (model, member) in [
        ("AWSRegionConfig20240805", "analyticsSpecs"),
        ("AWSRegionConfig20240805", "readOnlySpecs"),
        ("AzureRegionConfig20240805", "analyticsSpecs"),
        ("GCPRegionConfig20240805", "readOnlySpecs"),
        ("AdvancedComputeAutoScaling", "minInstanceSize"),
        ("AdvancedComputeAutoScaling", "maxInstanceSize"),
    ] {
        let sent = all
            .iter()
            .find(|s| s.name == model)
            .unwrap_or_else(|| panic!("{model} is not a sent model"));
        let json = sent.json.as_ref().expect("serialized");
        assert!(members(json).contains(&member), "{model}.{member}: {json}");
    }
}
