//! Waiters (`atlas_runtime::wait`, the table `atlas_endpoints::waiters()`), against the
//! spec read here on its own and against atlas-mock's lifecycles.
//!
//! - the table has a waiter for every write the spec lets us observe, counted here with
//!   this file's own reading of the spec, and every state value is in exactly one set;
//! - a cluster create that takes 20 simulated minutes costs at most 40 GETs (a poll
//!   every second, the baseline, costs about 1,200), measured side by side on the
//!   emulator's clock;
//! - 100 injected 503s, resets, cut answers and HTML pages while polling fail no wait;
//! - a failure state ends the wait with an error naming it, after a write that succeeded;
//! - a wait resumed from its handle in another process ends as the original would.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_endpoints::cloud_backups::TakeGroupClusterBackupSnapshots;
use atlas_endpoints::clusters::prelude::*;
use atlas_mock::{Fault, FaultKind, MockAtlas};
use atlas_runtime::wait::{
    Class, Done, Goal, Wait, WaitClock, WaitError, WaitHandle, WaitReason, Waitable,
};
use atlas_runtime::{Client, Credentials, RetryPolicy};
use serde_json::Value;

use AWSHardwareSpec20240805InstanceSize as Size;
use AWSRegionConfig20240805RegionName as Region;

/// The emulator's clock as the wait's: sleeping moves it instead of waiting.
struct MockTime {
    mock: Arc<MockAtlas>,
    now_ms: AtomicU64,
}

impl WaitClock for MockTime {
    fn now(&self) -> Duration {
        Duration::from_millis(self.now_ms.load(Ordering::SeqCst))
    }
    fn sleep(&self, d: Duration) {
        self.mock.advance_clock(d);
        self.now_ms
            .fetch_add(u64::try_from(d.as_millis()).unwrap(), Ordering::SeqCst);
    }
}

fn mock_time(mock: &Arc<MockAtlas>) -> Arc<MockTime> {
    Arc::new(MockTime {
        mock: Arc::clone(mock),
        now_ms: AtomicU64::new(0),
    })
}

/// An emulator whose work takes `work` on its clock, with tokens that outlive it.
fn emulator(work: Duration) -> Arc<MockAtlas> {
    Arc::new(
        MockAtlas::builder()
            .cluster_transition(work)
            .lifecycle_transition(work)
            .token_lifetime(Duration::from_secs(7 * 86_400))
            .start()
            .unwrap(),
    )
}

fn client(mock: &MockAtlas) -> Client {
    Client::builder()
        .base_url(mock.url())
        .credentials(Credentials::service_account(
            mock.client_id(),
            mock.client_secret(),
        ))
        // Every failed poll reaches the waiter: the client's own retries would hide them.
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

/// An M10 on AWS, as the cluster example makes it.
fn create_cluster(project: &str, name: &str) -> CreateGroupCluster {
    let region = AWSRegionConfig {
        region_name: Some(Region::UsEast1),
        priority: Some(7),
        electable_specs: Some(HardwareSpec::AWSHardwareSpec20240805(Box::new(
            AWSHardwareSpec {
                instance_size: Some(Size::M10),
                node_count: Some(3),
                ..Default::default()
            },
        ))),
        ..Default::default()
    };
    CreateGroupCluster::new(project)
        .name(name)
        .cluster_type(ClusterDescription20240805ClusterType::Replicaset)
        .replication_specs(vec![ReplicationSpec {
            region_configs: Some(vec![CloudRegionConfig::AWSRegionConfig20240805(Box::new(
                region,
            ))]),
            ..Default::default()
        }])
}

fn gets_of(mock: &MockAtlas, path_end: &str) -> usize {
    mock.requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with(path_end))
        .count()
}

#[test]
fn a_twenty_minute_create_costs_at_most_40_gets() {
    let mut figures = Vec::new();
    for (label, first, max) in [
        (
            "every second (baseline)",
            Duration::from_secs(1),
            Duration::from_secs(1),
        ),
        (
            "5 s growing to 60 s",
            Duration::from_secs(5),
            Duration::from_secs(60),
        ),
    ] {
        let mock = emulator(Duration::from_secs(20 * 60));
        let client = client(&mock);
        let changes = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&changes);
        let done = create_cluster(mock.project_id(), "twenty")
            .send_and_wait(
                &client,
                Wait::default()
                    .interval(first, max)
                    .clock(mock_time(&mock))
                    .on_change(move |c| seen.lock().unwrap().push(c.to.clone())),
            )
            .unwrap();
        let gets = gets_of(&mock, "/clusters/twenty");
        assert_eq!(done.polls as usize, gets);
        assert_eq!(done.state.as_deref(), Some("IDLE"));
        assert_eq!(done.resource.unwrap().state_name.unwrap().as_str(), "IDLE");
        assert_eq!(*changes.lock().unwrap(), ["CREATING", "IDLE"]);
        // On the wait's clock, which sleeps only: the emulator's also moves with real time.
        assert!(done.elapsed + Duration::from_secs(5) >= Duration::from_secs(20 * 60));
        figures.push((label, gets));
    }
    eprintln!("GETs for a 20-minute create: {figures:?}");
    let (baseline, waiter) = (figures[0].1, figures[1].1);
    assert!(waiter <= 40, "{waiter} GETs");
    assert!(
        baseline >= 1_200,
        "the baseline polls every second: {baseline}"
    );
}

#[test]
fn injected_faults_while_polling_fail_no_wait() {
    let mock = emulator(Duration::from_secs(30 * 60));
    let client = client(&mock);
    let started = create_cluster(mock.project_id(), "faulty")
        .start(&client)
        .unwrap();
    let path = format!("/api/atlas/v2/groups/{}/clusters/faulty", mock.project_id());
    // 100 faults, one poll each, 25 of each: answers of 503, resets, answers cut short,
    // and a proxy's HTML page with status 200.
    for i in 0..100 {
        let kind = match i % 4 {
            0 => FaultKind::service_unavailable(None),
            1 => FaultKind::DropBeforeRead,
            2 => FaultKind::TruncateBody { keep: 10 },
            _ => FaultKind::Respond {
                status: 200,
                headers: vec![("Content-Type".into(), "text/html".into())],
                body: b"<html><body>Bad gateway</body></html>".to_vec(),
            },
        };
        mock.inject(Fault::new(kind).method("GET").path(path.as_str()).times(1));
    }
    let transient = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&transient);
    let done = started
        .wait(
            &client,
            Wait::default()
                .interval(Duration::from_secs(5), Duration::from_secs(5))
                .clock(mock_time(&mock))
                .on_transient_error(move |_| {
                    counted.fetch_add(1, Ordering::SeqCst);
                }),
        )
        .unwrap();
    assert_eq!(mock.pending_faults(), 0, "every fault met a poll");
    assert_eq!(done.transient_errors, 100);
    assert_eq!(transient.load(Ordering::SeqCst), 100);
    assert_eq!(done.state.as_deref(), Some("IDLE"));
}

#[test]
fn a_failure_state_ends_the_wait_naming_it() {
    let mock = emulator(Duration::from_secs(60));
    mock.add_cluster("Cluster0").unwrap();
    let client = client(&mock);
    mock.fail_lifecycle("/groups/*/clusters/*/backup/snapshots/*", "failed")
        .unwrap();
    let err = TakeGroupClusterBackupSnapshots::new(mock.project_id(), "Cluster0")
        .send_and_wait(&client, Wait::default().clock(mock_time(&mock)))
        .unwrap_err();
    let WaitError::Wait(failed) = &err else {
        panic!("the write succeeded: {err}");
    };
    assert!(
        matches!(&failed.reason, WaitReason::Failed(s) if s == "failed"),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.starts_with("the write succeeded, but"), "{text}");
    assert!(text.contains("failure state failed"), "{text}");
    assert_eq!(failed.handle.goal, Goal::Ready);
    assert!(failed.handle.path.contains_key("snapshotId"));
}

#[test]
fn a_delete_waits_until_the_resource_is_gone() {
    let mock = emulator(Duration::from_secs(300));
    let client = client(&mock);
    create_cluster(mock.project_id(), "doomed")
        .send_and_wait(&client, Wait::default().clock(mock_time(&mock)))
        .unwrap();
    let changes = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&changes);
    let done: Done<_> = DeleteGroupCluster::new(mock.project_id(), "doomed")
        .send_and_wait(
            &client,
            Wait::default()
                .clock(mock_time(&mock))
                .on_change(move |c| seen.lock().unwrap().push(c.to.clone())),
        )
        .unwrap();
    assert!(done.resource.is_none());
    assert_eq!(*changes.lock().unwrap(), ["DELETING", "(gone)"]);
}

#[test]
fn a_deadline_ends_the_wait_with_a_handle_to_resume() {
    let mock = emulator(Duration::from_secs(3600));
    let client = client(&mock);
    let create = create_cluster(mock.project_id(), "slow");
    let started = create.start(&client).unwrap();
    let err = started
        .wait(
            &client,
            Wait::default()
                .timeout(Some(Duration::from_secs(600)))
                .clock(mock_time(&mock)),
        )
        .unwrap_err();
    let WaitError::Wait(failed) = err else {
        panic!("a deadline")
    };
    assert!(matches!(failed.reason, WaitReason::TimedOut(_)));
    assert_eq!(failed.state.as_deref(), Some("CREATING"));
    assert_eq!(&failed.handle, started.handle());
    // Resumed here, it ends as a wait that never stopped would.
    let done = CreateGroupCluster::resume(
        &client,
        &failed.handle,
        Wait::default().clock(mock_time(&mock)),
    )
    .unwrap();
    assert_eq!(done.state.as_deref(), Some("IDLE"));
}

/// The handle crosses a process boundary as JSON: `resume-wait` (tests/src/bin) resumes it
/// with its own client and prints what it saw.
#[test]
fn a_wait_resumed_in_a_new_process_ends_as_the_original() {
    let mock = MockAtlas::builder()
        .cluster_transition(Duration::from_secs(2))
        .start()
        .unwrap();
    let client = client(&mock);
    let started = create_cluster(mock.project_id(), "resumed")
        .start(&client)
        .unwrap();
    let handle = serde_json::to_string(started.handle()).unwrap();
    let back: WaitHandle = serde_json::from_str(&handle).unwrap();
    assert_eq!(&back, started.handle());
    let out = Command::new(env!("CARGO_BIN_EXE_resume-wait"))
        .envs(mock.env())
        .arg(&handle)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(seen["state"], "IDLE", "{seen}");
    assert_eq!(seen["name"], "resumed", "{seen}");
    assert_eq!(
        seen["changes"],
        serde_json::json!(["CREATING", "IDLE"]),
        "{seen}"
    );
    // The original, waiting now, sees the same end.
    let done = started.wait(&client, Wait::default()).unwrap();
    assert_eq!(done.state.as_deref(), Some("IDLE"));
    assert_eq!(done.resource.unwrap().name.as_deref(), Some("resumed"));
}

/// A handle for another write is refused before any poll.
#[test]
fn a_foreign_handle_is_refused() {
    let mock = emulator(Duration::from_secs(1));
    let client = client(&mock);
    let mut handle: WaitHandle = serde_json::from_value(serde_json::json!({
        "write": "deleteGroupCluster",
        "observer": "getGroupCluster",
        "path": {"groupId": mock.project_id(), "clusterName": "x"},
        "goal": "gone"
    }))
    .unwrap();
    let err = CreateGroupCluster::resume(&client, &handle, Wait::default()).unwrap_err();
    assert!(
        err.to_string()
            .contains("the handle is for deleteGroupCluster"),
        "{err}"
    );
    handle.write = "createGroupCluster".into();
    handle.path.remove("clusterName");
    let err = CreateGroupCluster::resume(&client, &handle, Wait::default()).unwrap_err();
    assert!(
        err.to_string().contains("no value for {clusterName}"),
        "{err}"
    );
    assert_eq!(gets_of(&mock, "/clusters/x"), 0);
}

/// Every waiter of the table is proven on the emulator where it models the resource:
/// the GET the waiter builds from a write's path and answer is one the emulator routes,
/// and its state member is one the emulator fills with a value the table classifies.
#[test]
fn every_modelled_waiter_reads_a_state_the_emulator_writes() {
    let modelled: BTreeMap<String, Vec<String>> = MockAtlas::lifecycles()
        .into_iter()
        .map(|l| {
            (
                l.get.to_string(),
                l.values.iter().map(|v| v.to_string()).collect(),
            )
        })
        .collect();
    let mut proven = BTreeSet::new();
    let mut not_modelled = BTreeSet::new();
    for w in atlas_endpoints::waiters() {
        let observer = w.observer_name();
        match modelled.get(observer) {
            Some(values) => {
                for v in values {
                    assert!(
                        w.states.classify(v).is_some(),
                        "{observer}: the emulator writes {v}, which the table does not classify"
                    );
                }
                proven.insert(observer);
            }
            None => {
                not_modelled.insert(observer);
            }
        }
    }
    eprintln!(
        "observers modelled by the emulator: {}; not modelled: {not_modelled:?}",
        proven.len()
    );
    assert!(proven.len() >= 20, "{proven:?}");
}

// ---- the table against the spec, read here on its own --------------------------------

/// GETs with a state member that are no lifecycle: the overlay's list, repeated here so
/// that the two copies are checked against each other.
const NOT_LIFECYCLES: &[&str] = &[
    "getFederationSettingIdentityProvider",
    "getGroupAlert",
    "getGroupClusterQueryShape",
    "getGroupClusterSqlInterface",
    "getOrgInvoice",
    "generateGroupSandboxClusterDescription",
];
/// Writes whose path does not name their GET (the overlay's pairs, repeated).
const PAIRS: &[(&str, &str)] = &[
    ("requestGroupSampleDatasetLoad", "getGroupSampleDatasetLoad"),
    (
        "createGroupPrivateEndpointEndpointService",
        "getGroupPrivateEndpointEndpointService",
    ),
];
/// Observable writes whose answer names no resource to follow (the overlay's, repeated).
const NO_WAITER: &[&str] = &[
    "createGroupClusterRestoreJob",
    "createGroupPrivateNetworkSettingEndpointId",
];

fn resolve<'a>(spec: &'a Value, mut v: &'a Value) -> &'a Value {
    for _ in 0..32 {
        let Some(r) = v.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(next) = spec.pointer(&r[1..]) else {
            break;
        };
        v = next;
    }
    v
}

/// The string enum values of every `state`/`stateName`/`status`/`statusName` member at
/// the top of `schema`, through `$ref`, `allOf` and the forms of a `oneOf`.
fn state_values(
    spec: &Value,
    schema: &Value,
    depth: usize,
    out: &mut BTreeMap<String, BTreeSet<String>>,
) {
    // Schemas refer to themselves (a cluster's replication specs, …): the state is near
    // the top.
    if depth > 8 {
        return;
    }
    let schema = resolve(spec, schema);
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            state_values(spec, part, depth + 1, out);
        }
    }
    for (name, prop) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !["state", "stateName", "status", "statusName"].contains(&name.as_str()) {
            continue;
        }
        let mut values = BTreeSet::new();
        enum_values(spec, prop, 0, &mut values);
        if !values.is_empty() {
            out.entry(name.clone()).or_default().extend(values);
        }
    }
}

fn enum_values(spec: &Value, schema: &Value, depth: usize, out: &mut BTreeSet<String>) {
    if depth > 8 {
        return;
    }
    let schema = resolve(spec, schema);
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        out.extend(e.iter().filter_map(Value::as_str).map(str::to_string));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            enum_values(spec, part, depth + 1, out);
        }
    }
}

/// The newest dated JSON answer schema of a GET (the plain request type's).
fn answer_schema(op: &Value) -> Option<&Value> {
    let content = op.pointer("/responses/200/content")?.as_object()?;
    content
        .iter()
        .filter(|(media, _)| media.ends_with("+json") && !media.contains("preview"))
        .max_by(|a, b| a.0.cmp(b.0))
        .or_else(|| content.iter().find(|(media, _)| media.ends_with("+json")))
        .and_then(|(_, m)| m.get("schema"))
}

/// Whether a write at `write` acts on the resource the GET at `get` answers.
fn acts_on(get: &str, write: &str, method: &str) -> bool {
    if get == write || write.rsplit_once(':').is_some_and(|(base, _)| base == get) {
        return true;
    }
    method == "post"
        && get.strip_prefix(write).is_some_and(|rest| {
            rest.starts_with("/{") && rest.ends_with('}') && !rest[1..].contains('/')
        })
}

#[test]
#[cfg_attr(not(has_spec), ignore = "needs the spec (ATLAS_OPENAPI_SPEC)")]
fn the_table_has_a_waiter_for_every_observable_write_and_classifies_every_value() {
    let spec = atlas_test_support::spec::spec();
    let declared: BTreeSet<&str> = atlas_endpoints::operations()
        .filter_map(|i| i.operation_id)
        .collect();
    let mut stateful: BTreeMap<String, (String, BTreeMap<String, BTreeSet<String>>)> =
        BTreeMap::new();
    let mut writes: Vec<(String, String, String)> = Vec::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            if !declared.contains(id) {
                continue;
            }
            if method == "get" {
                let mut values = BTreeMap::new();
                if let Some(schema) = answer_schema(op) {
                    state_values(spec, schema, 0, &mut values);
                }
                if !values.is_empty() {
                    stateful.insert(id.to_string(), (path.clone(), values));
                }
            } else if ["post", "put", "patch", "delete"].contains(&method.as_str()) {
                writes.push((id.to_string(), path.clone(), method.clone()));
            }
        }
    }
    for g in NOT_LIFECYCLES {
        assert!(stateful.remove(*g).is_some(), "{g} is no stateful GET");
    }
    let mut observable: BTreeMap<String, String> = BTreeMap::new();
    for (id, path, method) in &writes {
        for (get, (get_path, _)) in &stateful {
            if acts_on(get_path, path, method) || PAIRS.contains(&(id.as_str(), get.as_str())) {
                assert!(
                    observable.insert(id.clone(), get.clone()).is_none(),
                    "{id} acts on two resources"
                );
            }
        }
    }
    let observable_count = observable.len();
    for w in NO_WAITER {
        assert!(
            observable.remove(*w).is_some(),
            "{w} is no observable write"
        );
    }

    // The table, one waiter per write (its request types share it).
    let mut table: BTreeMap<String, String> = BTreeMap::new();
    for w in atlas_endpoints::waiters() {
        let write = w.write_name().to_string();
        let observer = w.observer_name().to_string();
        if let Some(before) = table.insert(write.clone(), observer.clone()) {
            assert_eq!(before, observer, "{write}'s request types disagree");
        }
        assert_eq!(
            w.goal == Goal::Gone,
            w.write.method == atlas_runtime::Method::Delete,
            "{write}: a delete waits until gone, anything else until ready"
        );
    }
    assert_eq!(table, observable, "the table and this reading of the spec");

    // Every value of every observed GET's members in exactly one set.
    let mut values_total = 0;
    let mut distinct = BTreeSet::new();
    let observers: BTreeSet<&String> = table.values().collect();
    for observer in &observers {
        let w = atlas_endpoints::waiters()
            .find(|w| w.observer_name() == observer.as_str())
            .unwrap();
        let (_, members) = &stateful[observer.as_str()];
        let mut spec_values = BTreeSet::new();
        for (member, values) in members {
            assert!(
                w.states.members.contains(&member.as_str()),
                "{observer}: {member}"
            );
            spec_values.extend(values.iter().cloned());
        }
        let mut table_values = BTreeSet::new();
        let mut per_class: BTreeMap<String, usize> = BTreeMap::new();
        for (v, class) in w.states.values() {
            assert!(
                table_values.insert(v.to_string()),
                "{observer}: {v} in two sets"
            );
            *per_class.entry(format!("{class:?}")).or_default() += 1;
            assert_eq!(w.states.classify(v), Some(class));
        }
        assert_eq!(
            table_values, spec_values,
            "{observer}: the table's values and the spec's"
        );
        values_total += spec_values.len();
        distinct.extend(spec_values);
        assert!(
            per_class.contains_key(&format!("{:?}", Class::Ready)),
            "{observer}: no ready value"
        );
    }
    eprintln!(
        "{} stateful GETs ({} not lifecycles); {} observed; {observable_count} observable writes, \
         {} with a waiter ({} request types); {values_total} state values ({} distinct), each in one set",
        stateful.len() + NOT_LIFECYCLES.len(),
        NOT_LIFECYCLES.len(),
        observers.len(),
        table.len(),
        atlas_endpoints::waiters().count(),
        distinct.len()
    );
}
