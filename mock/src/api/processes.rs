//! The processes of a project's clusters and their logs: `listGroupProcesses`,
//! `getGroupProcess` (by `hostname:port`; an unknown one is 404 `HOST_NOT_FOUND`) and
//! `downloadGroupClusterLog`, a gzip file of generated `mongod` or `mongos` log lines
//! ([`crate::mongod_log`]) for the range `startDate`..`endDate` (seconds since the
//! epoch; by default the last 24 hours).
//!
//! The hosts come from the clusters ([`crate::resources::Cluster::hosts`]): a cluster
//! has none until it is `IDLE`. `logs/mongodb.gz` needs a `mongod` on that host name,
//! `logs/mongos.gz` a `mongos`; the audit logs are empty files (auditing is off).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::Reply;
use super::families::{Fx, not_found};
use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::mongod_log::{self, Process};
use crate::resources::{Cluster, Host};
use crate::version::{Wire, media};

/// The server version the hosts report.
const VERSION: &str = "8.0.4";

/// The default log range, as Atlas documents it: the last day.
const DEFAULT_RANGE: Duration = Duration::from_secs(24 * 3600);

fn render(fx: &Fx<'_>, c: &Cluster, h: &Host) -> Value {
    let mut doc = fx.base("getGroupProcess");
    let id = h.id();
    doc.insert("id".into(), json!(id));
    doc.insert("groupId".into(), json!(c.group_id));
    doc.insert("hostname".into(), json!(h.hostname));
    doc.insert("userAlias".into(), json!(h.hostname));
    doc.insert("port".into(), json!(h.port));
    doc.insert("typeName".into(), json!(h.type_name));
    doc.insert("version".into(), json!(VERSION));
    doc.insert("created".into(), json!(rfc3339(c.created)));
    doc.insert("lastPing".into(), json!(rfc3339(fx.now)));
    if let Some(set) = &h.replica_set {
        doc.insert("replicaSetName".into(), json!(set));
    }
    if let Some(shard) = &h.shard {
        doc.insert("shardName".into(), json!(shard));
    }
    doc.insert(
        "links".into(),
        json!([{
            "href": format!("{}/api/atlas/v2/groups/{}/processes/{id}", fx.shared.base_url, c.group_id),
            "rel": "self"
        }]),
    );
    Value::Object(doc)
}

/// Every process of the project, cluster by cluster.
fn processes<'a>(fx: &'a Fx<'_>, group: &'a str) -> impl Iterator<Item = (&'a Cluster, Host)> {
    fx.store
        .resources
        .clusters
        .iter()
        .filter(move |c| c.group_id == group)
        .flat_map(|c| c.hosts().into_iter().map(move |h| (c, h)))
}

fn no_host(name: &str, group: &str) -> ApiError {
    not_found(
        "HOST_NOT_FOUND",
        &format!("Host {name} in project {group}"),
        &[name, group],
    )
}

pub(crate) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId");
    let items = processes(fx, group)
        .map(|(c, h)| render(fx, c, &h))
        .collect();
    fx.list(items)
}

pub(crate) fn get(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId");
    let id = fx.call.path_value("processId");
    let (c, h) = processes(fx, group)
        .find(|(_, h)| h.id() == id)
        .ok_or_else(|| no_host(id, group))?;
    Ok(Reply::json(200, render(fx, c, &h)))
}

/// A `startDate`/`endDate` query value (the generic checks made it an integer).
fn epoch(fx: &Fx<'_>, name: &str) -> Option<SystemTime> {
    let secs: u64 = fx.query.get(name)?.trim().parse().ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(secs))
}

pub(crate) fn download_log(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId");
    let host = fx.call.path_value("hostName");
    let log = fx.call.path_value("logName");
    let process = if log.starts_with("mongos") {
        Process::Mongos
    } else {
        Process::Mongod
    };
    let found = processes(fx, group)
        .any(|(_, h)| h.hostname == host && h.is_mongos() == (process == Process::Mongos));
    if !found {
        return Err(no_host(host, group));
    }
    let to = epoch(fx, "endDate").unwrap_or(fx.now);
    let from = epoch(fx, "startDate")
        .unwrap_or_else(|| to.checked_sub(DEFAULT_RANGE).unwrap_or(UNIX_EPOCH));
    let text = if log.ends_with("-audit-log") {
        String::new()
    } else {
        mongod_log::text(host, process, from, to)
    };
    Ok(Reply::raw(fx.status(), mongod_log::gzip(text.as_bytes()))
        .with_header("Content-Type", media(fx.call.version.date, Wire::Gzip)))
}
