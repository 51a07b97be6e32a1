//! The lifecycle family: every resource with a state ([`crate::lifecycle`]'s rows) is
//! created, read, listed, changed and deleted from state, and its state member moves
//! with the emulator's clock.
//!
//! The operations of a row are found from its GET's path: a POST to the parent
//! collection (the path without its last `{placeholder}`) creates, PUT and PATCH on the
//! path (and `<path>:<action>` custom methods) change, DELETE deletes, POST on the path of
//! a singleton (a path ending in a literal) creates it, and a GET of the parent
//! collection whose items are the same schema lists. A create stores the GET's members
//! sent in the body (those of the JSON type the GET's schema gives), the path values
//! the GET's schema has as members, and the key (the member named in the row, from the
//! body or a new ObjectId); an answer is the operation's example with those members and
//! the state on top (a write whose answer is another schema answers the resource as its
//! GET does). Where a path names a cluster, the cluster must exist (404
//! `CLUSTER_NOT_FOUND`); an unknown resource is 404 `RESOURCE_NOT_FOUND`; a create of a
//! key that exists is 409 `DUPLICATE_RESOURCE`.

use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use super::Reply;
use super::families::{Fx, conflict, not_found};
use crate::clock::later;
use crate::errors::ApiError;
use crate::ids;
use crate::lifecycle::{
    self, End, Item, Phase, ROWS, Row, Serve, get_path, is_singleton, placeholders, row_of,
    state_of,
};
use crate::spec::{self, Answer, Kind, OPERATIONS};

/// What an operation does to its row's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Act {
    Get,
    List,
    Create,
    Update,
    Delete,
}

/// The row and act of each operation (by its index in `OPERATIONS`).
pub(crate) fn table() -> &'static [Option<(usize, Act)>] {
    static TABLE: OnceLock<Vec<Option<(usize, Act)>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![None; OPERATIONS.len()];
        for (r, row) in ROWS.iter().enumerate() {
            for (i, act) in acts(row) {
                if let Some(slot) = table.get_mut(i) {
                    *slot = Some((r, act));
                }
            }
        }
        table
    })
}

/// The operations of a row, found from its GET's path (none for a row another family
/// serves).
pub(crate) fn acts(row: &Row) -> Vec<(usize, Act)> {
    let Some(g) = spec::lookup(row.get) else {
        return Vec::new();
    };
    if matches!(row.serve, Serve::Family(_)) {
        return Vec::new();
    }
    let path = get_path(row);
    let single = is_singleton(path);
    let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
    let same_as = matches!(row.serve, Serve::SameAs(..));
    let mut out = vec![(g, Act::Get)];
    for (i, op) in OPERATIONS.iter().enumerate() {
        let act = if op.path == path {
            match op.method {
                "POST" if single => Some(Act::Create),
                "PUT" | "PATCH" => Some(Act::Update),
                "DELETE" => Some(Act::Delete),
                _ => None,
            }
        } else if op
            .path
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with(':'))
        {
            Some(Act::Update)
        } else if !single && !same_as && op.path == parent {
            match op.method {
                "POST" => Some(Act::Create),
                "GET" if lists(g, i) => Some(Act::List),
                _ => None,
            }
        } else {
            None
        };
        if let Some(act) = act {
            out.push((i, act));
        }
    }
    if let Serve::CreatedBy(create, _) = row.serve
        && let Some(i) = spec::lookup(create)
    {
        out.push((i, Act::Create));
    }
    out.extend(
        row.deleted_by
            .iter()
            .filter_map(|id| spec::lookup(id))
            .map(|i| (i, Act::Delete)),
    );
    out
}

/// Whether the GET `list` lists resources of the GET `get`: a page of items of the same
/// schema at each of its versions.
fn lists(get: usize, list: usize) -> bool {
    let (Some(get), Some(list)) = (OPERATIONS.get(get), OPERATIONS.get(list)) else {
        return false;
    };
    !list.versions.is_empty()
        && list.versions.iter().all(|v| {
            let paged = match v.answer {
                Answer::Json(i) => spec::ANSWERS.get(i).is_some_and(|t| {
                    serde_json::from_str::<Value>(t).is_ok_and(|d| d.get("results").is_some())
                }),
                _ => false,
            };
            paged && v.schema.is_some() && get.versions.iter().any(|g| g.schema == v.schema)
        })
}

fn missing(fx: &Fx<'_>) -> ApiError {
    let path = fx.req.head.path.as_str();
    let last = path.rsplit('/').next().unwrap_or("");
    not_found("RESOURCE_NOT_FOUND", &format!("Resource {path}"), &[last])
}

/// The answer of a lifecycle operation.
pub(crate) fn answer(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let Some(&Some((r, act))) = table().get(fx.call.index) else {
        return Err(ApiError::unexpected());
    };
    let row = &ROWS[r];
    // A cluster the path names must exist.
    let op_path = OPERATIONS.get(fx.call.index).map_or("", |op| op.path);
    if op_path.contains("/clusters/{clusterName}") {
        let group = fx.call.path_value("groupId");
        let name = fx.call.path_value("clusterName");
        if fx.store.resources.cluster(group, name).is_none() {
            return Err(not_found(
                "CLUSTER_NOT_FOUND",
                &format!("Cluster {name} in project {group}"),
                &[name, group],
            ));
        }
    }
    match act {
        Act::Get => {
            let base = fx.base(row.get);
            let doc = match find(fx, row) {
                Some(i) => render(fx, &fx.store.lifecycles.items[i], base, false),
                // A singleton not created yet, where it shows a value meanwhile.
                None if row.unset.is_some() && is_singleton(get_path(row)) => {
                    let item = Item {
                        row: r,
                        path: placeholders(get_path(row))
                            .into_iter()
                            .map(|n| (n, fx.call.path_value(n).to_owned()))
                            .collect(),
                        doc: Map::new(),
                        phase: Phase::Unset,
                        until: fx.now,
                        when: None,
                    };
                    render(fx, &item, base, false)
                }
                None => return Err(missing(fx)),
            };
            Ok(Reply::json(fx.status(), doc))
        }
        Act::List => {
            let parents = placeholders(get_path(row));
            let parents = &parents[..parents.len().saturating_sub(1)];
            let base = fx.base(row.get);
            let items = fx
                .store
                .lifecycles
                .items
                .iter()
                .filter(|i| {
                    i.row == r
                        && parents
                            .iter()
                            .all(|p| i.value(p) == Some(fx.call.path_value(p)))
                })
                .map(|i| render(fx, i, base.clone(), false))
                .collect();
            fx.list(items)
        }
        Act::Create => create(fx, r),
        Act::Update => match find(fx, row) {
            Some(i) => change(fx, i, Phase::Updating),
            // A singleton is made by its first change.
            None if row.key.is_empty() => create(fx, r),
            None => Err(missing(fx)),
        },
        Act::Delete => {
            let i = find(fx, row).ok_or_else(|| missing(fx))?;
            change(fx, i, Phase::Deleting)
        }
    }
}

/// The stored resource a call's path names.
fn find(fx: &Fx<'_>, row: &Row) -> Option<usize> {
    let names = placeholders(get_path(row));
    let (target, by_member): (&str, &[(&str, &str)]) = match row.serve {
        Serve::SameAs(target, map) => (target, map),
        _ => (row.get, &[]),
    };
    let (r, _) = row_of(target)?;
    fx.store.lifecycles.items.iter().position(|i| {
        i.row == r
            && names.iter().all(|n| {
                let want = fx.call.path_value(n);
                match by_member.iter().find(|(p, _)| p == n) {
                    Some((_, member)) => i.doc.get(*member).and_then(Value::as_str) == Some(want),
                    None => i.value(n) == Some(want),
                }
            })
    })
}

/// A value the create's path or body gives for `name`.
fn given(fx: &Fx<'_>, body: &Map<String, Value>, name: &str) -> Option<String> {
    let v = fx.call.path_value(name);
    if !v.is_empty() {
        return Some(v.to_owned());
    }
    body.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn create(fx: &mut Fx<'_>, r: usize) -> Result<Reply, ApiError> {
    let state = state_of(ROWS[r].get).ok_or_else(ApiError::unexpected)?;
    let body = fx.body();
    // The form the body picks, and the row it moves by.
    let when = lifecycle::form_of(&ROWS[r], &body);
    let row = lifecycle::row_for(&ROWS[r], when);
    let binds: &[(&str, &str)] = match ROWS[r].serve {
        Serve::CreatedBy(_, binds) => binds,
        _ => &[],
    };
    let bound_values: Vec<(&str, Option<String>)> = binds
        .iter()
        .map(|(to, from)| (*to, given(fx, &body, from)))
        .collect();
    let bound = |to: &str| {
        bound_values
            .iter()
            .find(|(t, _)| *t == to)
            .and_then(|(_, v)| v.clone())
    };
    // The GET's path values: the call's, bound ones, and the key.
    let names = placeholders(get_path(row));
    let mut path = Vec::with_capacity(names.len());
    for (n, name) in names.iter().enumerate() {
        let v = fx.call.path_value(name);
        let value = if !v.is_empty() {
            v.to_owned()
        } else if let Some(v) = bound(name) {
            v
        } else if n + 1 == names.len() && !row.key.is_empty() {
            body.get(row.key)
                .and_then(Value::as_str)
                .map_or_else(ids::object_id, str::to_owned)
        } else {
            return Err(ApiError::unexpected());
        };
        path.push((*name, value));
    }
    if let Some(existing) = fx
        .store
        .lifecycles
        .items
        .iter()
        .position(|i| i.row == r && i.path == path)
    {
        if fx.store.lifecycles.items[existing].phase != Phase::Ended {
            let last = path.last().map_or("", |(_, v)| v.as_str());
            return Err(conflict(
                "DUPLICATE_RESOURCE",
                format!("{last} exists already."),
                &[last],
            ));
        }
        fx.store.lifecycles.items.remove(existing);
    }
    // Its members: what was sent, the path values and bound values it has, the key.
    let mut doc = lifecycle::members(row, &body, &path);
    for (to, _) in binds {
        if let Some(v) = bound(to)
            && state
                .members
                .iter()
                .any(|m| m.name == *to && m.kind == Kind::Str)
        {
            doc.insert((*to).to_owned(), json!(v));
        }
    }
    let item = Item {
        row: r,
        path,
        doc,
        phase: Phase::Creating,
        until: later(fx.now, fx.shared.config.lifecycle_transition),
        when,
    };
    let reply = write_reply(fx, &item);
    fx.store.lifecycles.items.push(item);
    Ok(reply)
}

/// A change (`Updating`) or a deletion (`Deleting`) of stored resource `i`.
fn change(fx: &mut Fx<'_>, i: usize, to: Phase) -> Result<Reply, ApiError> {
    let body = fx.body();
    let now = fx.now;
    let delay = fx.shared.config.lifecycle_transition;
    let item = &mut fx.store.lifecycles.items[i];
    let row = item.row();
    if matches!(item.phase, Phase::Deleting | Phase::Ended) {
        return Err(missing(fx));
    }
    if to == Phase::Updating {
        for (k, v) in body {
            if lifecycle::takes(row, &k, &v) {
                item.doc.insert(k, v);
            }
        }
        // A change before the creation ended keeps it creating, for longer.
        if !(item.phase == Phase::Creating && now < item.until) {
            item.phase = Phase::Updating;
        }
        item.until = later(now, delay);
    } else if row.delete.is_some() {
        item.phase = Phase::Deleting;
        item.until = later(now, delay);
    } else {
        // Without a value to show meanwhile, a deletion ends at once.
        item.phase = Phase::Deleting;
        item.until = now;
    }
    let item = item.clone();
    let reply = write_reply(fx, &item);
    if to == Phase::Deleting {
        fx.store.lifecycles.settle(now);
    }
    Ok(reply)
}

/// A write's answer: no body, or its example with the resource on top.
fn write_reply(fx: &Fx<'_>, item: &Item) -> Reply {
    let status = fx.status();
    if status == 204 || !matches!(fx.call.version.answer, Answer::Json(_)) {
        return Reply::no_content_with(status);
    }
    let same = fx.call.version.schema.is_some()
        && spec::lookup(item.row().get)
            .and_then(|g| OPERATIONS.get(g))
            .is_some_and(|g| {
                g.versions
                    .iter()
                    .any(|v| v.schema == fx.call.version.schema)
            });
    let id = OPERATIONS.get(fx.call.index).map_or("", |op| op.id);
    // Another schema (a snapshot taken answers the base of the snapshot kinds): the
    // resource as its GET shows it, else the write's example with what it has room for.
    let (base, only_known) = if same {
        (fx.base(id), false)
    } else {
        match fx.base(item.row().get) {
            get if !get.is_empty() => (get, false),
            _ => (fx.base(id), true),
        }
    };
    Reply::json(status, render(fx, item, base, only_known))
}

/// `base` with the resource's members and state on top (only those `base` has, with
/// `only_known`).
fn render(fx: &Fx<'_>, item: &Item, mut base: Map<String, Value>, only_known: bool) -> Value {
    let member = item.member();
    for (k, v) in &item.doc {
        if !only_known || base.contains_key(k) {
            base.insert(k.clone(), v.clone());
        }
    }
    // A form without a state member shows none (not even the example's).
    if let Some(s) = state_of(item.row().get) {
        base.retain(|k, _| !lifecycle::is_state_member(s, k) || k == member);
    }
    if !member.is_empty() && (!only_known || base.contains_key(member)) {
        let state = item.state(fx.now, &fx.store.lifecycles.rules);
        base.insert(member.to_owned(), json!(state));
    }
    Value::Object(base)
}

/// A row's operation ids: the GET first.
pub(crate) fn operation_ids(row: &Row) -> Vec<&'static str> {
    if let Serve::Family(ids) = row.serve {
        return ids.to_vec();
    }
    acts(row)
        .into_iter()
        .filter_map(|(i, _)| OPERATIONS.get(i).map(|op| op.id))
        .collect()
}

/// Whether deletions of this row end in a terminal value.
pub(crate) fn terminal(row: &Row) -> Option<&'static str> {
    match row.end {
        End::Terminal(v) => Some(v),
        End::Gone => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn every_row_has_its_operations_and_none_is_claimed_twice() {
        let mut owner: HashMap<usize, &str> = HashMap::new();
        for row in ROWS {
            let acts = acts(row);
            if matches!(row.serve, Serve::Family(_)) {
                continue;
            }
            assert_eq!(acts[0].1, Act::Get, "{}", row.get);
            for (i, _) in &acts {
                if let Some(other) = owner.insert(*i, row.get) {
                    panic!("{} is {other}'s and {}'s", OPERATIONS[*i].id, row.get);
                }
            }
            // Every create can name its resource.
            for (i, act) in &acts {
                if *act == Act::Create {
                    let have = placeholders(OPERATIONS[*i].path);
                    let binds: Vec<&str> = match row.serve {
                        Serve::CreatedBy(_, b) => b.iter().map(|(t, _)| *t).collect(),
                        _ => Vec::new(),
                    };
                    let names = placeholders(get_path(row));
                    for (n, name) in names.iter().enumerate() {
                        let key = n + 1 == names.len() && !row.key.is_empty();
                        assert!(
                            key || have.contains(name) || binds.contains(name),
                            "{}: {name} unbound",
                            OPERATIONS[*i].id
                        );
                    }
                }
            }
        }
        // The families keep theirs.
        assert!(!owner.contains_key(&spec::lookup("createGroupCluster").unwrap()));
        let count = owner.len();
        assert!(count >= 60, "{count} operations");
    }

    /// A create answers the resource with the member the GET's path needs (its key, and
    /// bound values), at every version: the SDK's waiters read them from the answer.
    #[test]
    fn every_create_answers_the_members_its_get_needs() {
        // (create, GET, the members a waiter reads the GET's path values from)
        let reads: &[(&str, &str, &[&str])] = &[
            (
                "createGroupClusterFtsIndex",
                "getGroupClusterFtsIndex",
                &["indexID"],
            ),
            (
                "createGroupClusterSearchIndex",
                "getGroupClusterSearchIndex",
                &["indexID"],
            ),
            (
                "createGroupBackupPrivateEndpoint",
                "getGroupBackupPrivateEndpoint",
                &["id"],
            ),
            (
                "createGroupClusterBackupExport",
                "getGroupClusterBackupExport",
                &["id"],
            ),
            (
                "takeGroupClusterBackupSnapshots",
                "getGroupClusterBackupSnapshot",
                &["id"],
            ),
            (
                "createGroupClusterCollectionRestoreJob",
                "getGroupClusterCollectionRestoreJob",
                &["id"],
            ),
            (
                "createGroupLiveMigration",
                "getGroupLiveMigration",
                &["_id"],
            ),
            (
                "validateGroupLiveMigrations",
                "getGroupLiveMigrationValidateStatus",
                &["_id"],
            ),
            (
                "createGroupCloudProviderAccess",
                "getGroupCloudProviderAccess",
                &["roleId"],
            ),
            (
                "requestGroupSampleDatasetLoad",
                "getGroupSampleDatasetLoad",
                &["_id"],
            ),
            (
                "createGroupDataFederation",
                "getGroupDataFederation",
                &["name"],
            ),
            (
                "createGroupEncryptionAtRestPrivateEndpoint",
                "getGroupEncryptionAtRestPrivateEndpoint",
                &["id"],
            ),
            ("createGroupFlexCluster", "getGroupFlexCluster", &["name"]),
            (
                "createGroupFlexClusterBackupRestoreJob",
                "getGroupFlexClusterBackupRestoreJob",
                &["id"],
            ),
            (
                "createOrgInvoiceReport",
                "getOrgInvoiceReport",
                &["reportId"],
            ),
            (
                "verifyGroupUserSecurityLdap",
                "getGroupUserSecurityLdapVerify",
                &["requestId"],
            ),
            ("createGroupPeer", "getGroupPeer", &["id"]),
            (
                "createGroupClusterOnlineArchive",
                "getGroupClusterOnlineArchive",
                &["_id"],
            ),
            (
                "createGroupPrivateEndpointEndpointService",
                "getGroupPrivateEndpointEndpointService",
                &["cloudProvider", "id"],
            ),
            (
                "createGroupStandbyLinkFailover",
                "getGroupStandbyLinkFailover",
                &["failoverId"],
            ),
            (
                "createGroupStreamConnection",
                "getGroupStreamConnection",
                &["name"],
            ),
            (
                "createGroupStreamConnectionFailoverConnection",
                "getGroupStreamConnectionFailoverConnection",
                &["id"],
            ),
        ];
        for (create, get, members) in reads {
            let (_, row) = row_of(get).unwrap_or_else(|| panic!("{get}: no row"));
            let c = spec::lookup(create).unwrap_or_else(|| panic!("{create}: not in the spec"));
            assert!(
                acts(row).contains(&(c, Act::Create)),
                "{create} does not create {get}'s resources"
            );
            // The members the emulator sets: the key, bound values, path values.
            let binds: Vec<&str> = match row.serve {
                Serve::CreatedBy(_, b) => b.iter().map(|(t, _)| *t).collect(),
                _ => Vec::new(),
            };
            for m in *members {
                assert!(
                    row.key == *m || binds.contains(m),
                    "{create}: {get} is named by {}, not {m}",
                    row.key
                );
            }
            // And answers them: a JSON answer at every version, not a 204.
            for v in OPERATIONS[c].versions {
                assert!(
                    matches!(v.answer, Answer::Json(_)) && v.status != 204,
                    "{create} {}: no body to answer",
                    v.date
                );
            }
        }
    }
}
