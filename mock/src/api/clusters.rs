//! Clusters: create (`CREATING`, then `IDLE`), get, list, update (`UPDATING`, then
//! `IDLE`; `paused` pauses and resumes), delete (`DELETING`, then gone), on the state
//! machine of [`crate::resources`].
//!
//! Names are unique in a project (409 `DUPLICATE_CLUSTER_NAME`); an unknown name is 404
//! `CLUSTER_NOT_FOUND`; a body without what Atlas needs to build the cluster is a 400
//! ([`super::body_rules`]). An answer carries what was sent at the versions whose
//! schema is the one it was sent in (`createGroupCluster` at `2024-10-23` and
//! `getGroupCluster` at `2024-08-05` both speak `ClusterDescription20240805`); at others,
//! the example with the cluster's identity and state. `clusterType` and the replication specs decide the
//! cluster's hosts ([`crate::resources::Cluster::hosts`]).

use serde_json::{Map, Value, json};

use super::Reply;
use super::body_rules;
use super::families::{Fx, conflict, not_found};
use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::ids;
use crate::resources::{Cluster, ClusterState, Resources, Topology};

fn render(fx: &Fx<'_>, c: &Cluster) -> Value {
    let mut doc = fx.base("getGroupCluster");
    if c.shape.is_some() && c.shape == fx.call.version.schema {
        for (k, v) in &c.spec {
            doc.insert(k.clone(), v.clone());
        }
    }
    doc.insert("id".into(), json!(c.id));
    doc.insert("groupId".into(), json!(c.group_id));
    doc.insert("name".into(), json!(c.name));
    let path = format!("/api/atlas/v2/groups/{}/clusters/{}", c.group_id, c.name);
    let state = match fx.store.lifecycles.rule_for(&path) {
        Some(failed) if c.state == ClusterState::Idle => failed,
        _ => c.state.name(),
    };
    doc.insert("stateName".into(), json!(state));
    doc.insert("paused".into(), json!(c.paused));
    doc.insert("createDate".into(), json!(rfc3339(c.created)));
    Value::Object(doc)
}

/// `^([a-zA-Z0-9][a-zA-Z0-9-]*)?[a-zA-Z0-9]+$`, at most 64 characters.
pub(crate) fn is_cluster_name(name: &str) -> bool {
    let b = name.as_bytes();
    (1..=64).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if is_cluster_name(name) {
        Ok(())
    } else {
        Err(ApiError::validation(
            "name",
            "must be 1 to 64 ASCII letters, digits and hyphens, not starting or ending with a hyphen",
        ))
    }
}

/// The body of a three-node M10 replica set on AWS in `US_EAST_1`, at
/// `2024-10-23`: what [`crate::MockAtlas::add_cluster`] creates.
pub(crate) fn m10_spec(name: &str) -> Map<String, Value> {
    let body = json!({
        "name": name,
        "clusterType": "REPLICASET",
        "replicationSpecs": [{"zoneName": "Zone 1", "regionConfigs": [{
            "providerName": "AWS",
            "regionName": "US_EAST_1",
            "priority": 7,
            "electableSpecs": {"instanceSize": "M10", "nodeCount": 3, "diskSizeGB": 10.0}
        }]}]
    });
    match body {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The component schema [`m10_spec`] is written in: `createGroupCluster`'s at
/// `2024-10-23`.
pub(crate) fn m10_shape() -> Option<&'static str> {
    crate::spec::lookup("createGroupCluster")
        .and_then(|i| crate::spec::OPERATIONS.get(i))
        .and_then(|op| op.versions.iter().find(|v| v.date == "2024-10-23"))
        .and_then(|v| v.schema)
}

/// The layout a body asks for, given the cluster's layout so far: `clusterType`
/// `SHARDED` or `GEOSHARDED` shards, one shard per replication spec (at `2024-08-05` and
/// later), `numShards` of each spec (at `2023-02-01`) or of the cluster (legacy).
fn topology(body: &Map<String, Value>, version: &str, was: Topology) -> Topology {
    let sharded = match body.get("clusterType").and_then(Value::as_str) {
        Some(t) => t == "SHARDED" || t == "GEOSHARDED",
        None => matches!(was, Topology::Sharded(_)),
    };
    if !sharded {
        return Topology::ReplicaSet;
    }
    let num_shards = |v: &Value| {
        v.get("numShards")
            .and_then(Value::as_u64)
            .map_or(1, |n| usize::try_from(n).unwrap_or(1))
    };
    let shards = match body.get("replicationSpecs").and_then(Value::as_array) {
        Some(specs) if version >= "2024-08-05" => specs.len(),
        Some(specs) => specs.iter().map(num_shards).sum(),
        None if version < "2023-02-01" && body.contains_key("numShards") => {
            num_shards(&Value::Object(body.clone()))
        }
        None => match was {
            Topology::Sharded(n) => n,
            Topology::ReplicaSet => 1,
        },
    };
    Topology::Sharded(shards.max(1))
}

fn missing(group: &str, name: &str) -> ApiError {
    not_found(
        "CLUSTER_NOT_FOUND",
        &format!("Cluster {name} in project {group}"),
        &[name, group],
    )
}

pub(crate) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId");
    let items = fx
        .store
        .resources
        .clusters
        .iter()
        .filter(|c| c.group_id == group)
        .map(|c| render(fx, c))
        .collect();
    fx.list(items)
}

pub(crate) fn create(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId").to_owned();
    let mut spec = fx.body();
    body_rules::cluster(&spec, fx.call.version.date, true)?;
    let name = spec
        .get("name")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::missing_attribute("name"))?
        .to_owned();
    check_name(&name)?;
    if fx.store.resources.cluster(&group, &name).is_some() {
        return Err(conflict(
            "DUPLICATE_CLUSTER_NAME",
            format!("A cluster named {name} already exists in project {group}."),
            &[&name, &group],
        ));
    }
    let paused = spec
        .remove("paused")
        .and_then(|p| p.as_bool())
        .unwrap_or(false);
    for server_owned in ["id", "groupId", "stateName", "createDate"] {
        spec.remove(server_owned);
    }
    let topology = topology(&spec, fx.call.version.date, Topology::ReplicaSet);
    let mut cluster = Cluster {
        id: ids::object_id(),
        group_id: group,
        name,
        state: ClusterState::Creating,
        until: fx.now,
        paused,
        created: fx.now,
        shape: fx.call.version.schema,
        spec,
        topology,
    };
    Resources::transition(
        &mut cluster,
        ClusterState::Creating,
        fx.now,
        fx.shared.config.cluster_transition,
    );
    let doc = render(fx, &cluster);
    fx.store.resources.clusters.push(cluster);
    Ok(Reply::json(fx.status(), doc))
}

pub(crate) fn get(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId");
    let name = fx.call.path_value("clusterName");
    let c = fx
        .store
        .resources
        .cluster(group, name)
        .ok_or_else(|| missing(group, name))?;
    Ok(Reply::json(200, render(fx, c)))
}

pub(crate) fn update(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId").to_owned();
    let name = fx.call.path_value("clusterName").to_owned();
    let mut changes = fx.body();
    let version = fx.call.version.date;
    let fx_shape = fx.call.version.schema;
    body_rules::cluster(&changes, version, false)?;
    let delay = fx.shared.config.cluster_transition;
    let now = fx.now;
    let c = fx
        .store
        .resources
        .cluster_mut(&group, &name)
        .ok_or_else(|| missing(&group, &name))?;
    if c.state == ClusterState::Deleting {
        return Err(ApiError::new(
            400,
            "CLUSTER_ALREADY_REQUESTED_DELETION",
            format!("Cluster {name} is being deleted."),
        )
        .param(name.clone()));
    }
    if let Some(paused) = changes.remove("paused").and_then(|p| p.as_bool()) {
        c.paused = paused;
    }
    for server_owned in ["id", "groupId", "stateName", "createDate", "name"] {
        changes.remove(server_owned);
    }
    c.topology = topology(&changes, version, c.topology);
    if c.shape != fx_shape {
        c.spec.clear();
        c.shape = fx_shape;
    }
    c.spec.extend(changes);
    Resources::transition(c, ClusterState::Updating, now, delay);
    let c = c.clone();
    Ok(Reply::json(fx.status(), render(fx, &c)))
}

pub(crate) fn delete(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId").to_owned();
    let name = fx.call.path_value("clusterName").to_owned();
    let delay = fx.shared.config.cluster_transition;
    let now = fx.now;
    let c = fx
        .store
        .resources
        .cluster_mut(&group, &name)
        .ok_or_else(|| missing(&group, &name))?;
    if c.state != ClusterState::Deleting {
        Resources::transition(c, ClusterState::Deleting, now, delay);
    }
    Ok(Reply::no_content_with(fx.status()))
}
