//! Clusters: create (`CREATING`, then `IDLE`), get, list, update (`UPDATING`, then
//! `IDLE`; `paused` pauses and resumes), delete (`DELETING`, then gone), on the state
//! machine of [`crate::resources`].
//!
//! Names are unique in a project (409 `DUPLICATE_CLUSTER_NAME`); an unknown name is 404
//! `CLUSTER_NOT_FOUND`. An answer carries what was sent only at the version it was sent
//! with (the versions' schemas differ); at other versions, the example with the
//! cluster's identity and state.

use serde_json::{Value, json};

use super::Reply;
use super::families::{Fx, conflict, not_found};
use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::ids;
use crate::resources::{Cluster, ClusterState, Resources};

fn render(fx: &Fx<'_>, c: &Cluster) -> Value {
    let mut doc = fx.base("getGroupCluster");
    if c.version == fx.call.version.date {
        for (k, v) in &c.spec {
            doc.insert(k.clone(), v.clone());
        }
    }
    doc.insert("id".into(), json!(c.id));
    doc.insert("groupId".into(), json!(c.group_id));
    doc.insert("name".into(), json!(c.name));
    doc.insert("stateName".into(), json!(c.state.name()));
    doc.insert("paused".into(), json!(c.paused));
    doc.insert("createDate".into(), json!(rfc3339(c.created)));
    Value::Object(doc)
}

/// `^([a-zA-Z0-9][a-zA-Z0-9-]*)?[a-zA-Z0-9]+$`, at most 64 characters.
fn check_name(name: &str) -> Result<(), ApiError> {
    let b = name.as_bytes();
    let ok = (1..=64).contains(&b.len())
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-';
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation(
            "name",
            "must be 1 to 64 ASCII letters, digits and hyphens, not starting or ending with a hyphen",
        ))
    }
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
    let mut cluster = Cluster {
        id: ids::object_id(),
        group_id: group,
        name,
        state: ClusterState::Creating,
        until: fx.now,
        paused,
        created: fx.now,
        version: fx.call.version.date,
        spec,
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
    if c.version != version {
        c.spec.clear();
        c.version = version;
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
