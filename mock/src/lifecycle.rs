//! Resources with a state, and how each moves through it over time: the emulator's own
//! reading (written here by hand, apart from the SDK's) of the values a resource starts
//! in, settles in, passes through while it is changed or deleted, and where a deletion
//! ends.
//!
//! The resources come from the spec: the generated `STATES` table lists every GET whose
//! answer has a `state`, `stateName`, `status` or `statusName` of enum values (through
//! `$ref` and `allOf`), at the top level or in the forms of a `oneOf` picked by a
//! discriminator (a network peering connection's `statusName` on AWS, `status` on Azure
//! and Google Cloud). Each has a row in [`ROWS`] or a reason in [`LEFT_OUT`],
//! and every value a row names is one of the spec's (the tests below), so the table cannot
//! drift from the spec: a regenerated `STATES` with a new resource or a dropped value
//! fails them.
//!
//! A resource is created in its `start` value and shows it for the transition time
//! ([`MockAtlasBuilder::lifecycle_transition`]), then its `settled` value; a change shows
//! `update` (when the row has one) for as long, then settles again; a deletion shows
//! `delete` (when the row has one) for as long, then the resource is gone (404) or shows
//! its terminal value. A deletion without a `delete` value ends at once. Times are read
//! from the emulator's clock, so [`MockAtlas::advance_clock`] moves every resource on.
//! [`MockAtlas::fail_lifecycle`] makes resources settle in another value (a failure).
//!
//! Where the answer is one of several forms, a create's body picks one by the
//! discriminator (`providerName`): the resource shows that form's state member (none, for
//! a form without one) and moves through the values of the row's form for it (else of the
//! row). A singleton may show a value before it is created (`unset`: a push-based log
//! export is `UNCONFIGURED`).
//!
//! [`MockAtlasBuilder::lifecycle_transition`]: crate::MockAtlasBuilder::lifecycle_transition
//! [`MockAtlas::advance_clock`]: crate::MockAtlas::advance_clock
//! [`MockAtlas::fail_lifecycle`]: crate::MockAtlas::fail_lifecycle

use std::time::SystemTime;

use serde_json::{Map, Value};

use crate::spec::{self, Kind, OPERATIONS, STATES, State};

/// Where a deletion ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// The GET answers 404.
    Gone,
    /// The GET answers the resource with this value.
    Terminal(&'static str),
}

/// How a row's operations are answered.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Serve {
    /// By the lifecycle family, with the writes the path rule finds (a POST to the
    /// parent collection, PUT/PATCH/DELETE/POST on the GET's path, `<path>:<action>`).
    Generic,
    /// By the lifecycle family, also created by an operation the path rule does not find,
    /// whose path values or body members give the GET's path values and members:
    /// `(GET placeholder or member, create path value or body member)`.
    CreatedBy(&'static str, &'static [(&'static str, &'static str)]),
    /// The same resources as another row's GET, found by this GET's path values in
    /// their members: `(placeholder, member)`; the other placeholders are compared with
    /// the resource's path values.
    SameAs(&'static str, &'static [(&'static str, &'static str)]),
    /// By a family of its own (clusters), with these operations.
    Family(&'static [&'static str]),
}

/// One resource with a state.
#[derive(Debug)]
pub(crate) struct Row {
    /// The GET's operationId.
    pub(crate) get: &'static str,
    /// The member holding the value of the GET path's last placeholder (taken from a
    /// create's body when it has it there, else a new ObjectId); empty for a resource of
    /// which a parent has one (a singleton, its path ending in a literal).
    pub(crate) key: &'static str,
    pub(crate) start: &'static str,
    pub(crate) settled: &'static str,
    pub(crate) update: Option<&'static str>,
    pub(crate) delete: Option<&'static str>,
    pub(crate) end: End,
    /// A failure value, for the documentation and tests ([`crate::MockAtlas::fail_lifecycle`]
    /// takes any value of the enum).
    pub(crate) failure: Option<&'static str>,
    pub(crate) serve: Serve,
    /// The forms whose values (and key) differ from the row's, by the discriminator's
    /// value; each a row of the same GET.
    pub(crate) forms: &'static [(&'static str, Row)],
    /// What a singleton's GET shows before it is created (else 404).
    pub(crate) unset: Option<&'static str>,
    /// Operations on another path that delete the resource (by the GET's path values).
    pub(crate) deleted_by: &'static [&'static str],
}

const fn row(
    get: &'static str,
    key: &'static str,
    (start, settled): (&'static str, &'static str),
    update: Option<&'static str>,
    delete: Option<&'static str>,
    end: End,
    failure: Option<&'static str>,
) -> Row {
    Row {
        get,
        key,
        start,
        settled,
        update,
        delete,
        end,
        failure,
        serve: Serve::Generic,
        forms: &[],
        unset: None,
        deleted_by: &[],
    }
}

const fn serve(mut r: Row, serve: Serve) -> Row {
    r.serve = serve;
    r
}

const fn forms(mut r: Row, forms: &'static [(&'static str, Row)]) -> Row {
    r.forms = forms;
    r
}

const fn unset(mut r: Row, value: &'static str) -> Row {
    r.unset = Some(value);
    r
}

const fn deleted_by(mut r: Row, ops: &'static [&'static str]) -> Row {
    r.deleted_by = ops;
    r
}

use End::{Gone, Terminal};

/// The resources with a state, by the path of their GET.
#[rustfmt::skip]
pub(crate) static ROWS: &[Row] = &[
    row("getGroupBackupPrivateEndpoint", "id", ("INITIATING", "ACTIVE"), None, Some("DELETING"), Gone, Some("FAILED")),
    row("getGroupBackupCompliancePolicy", "", ("ENABLING", "ACTIVE"), Some("UPDATING"), Some("DISABLING"), Gone, None),
    serve(
        row("getGroupCluster", "name", ("CREATING", "IDLE"), Some("UPDATING"), Some("DELETING"), Gone, Some("REPAIRING")),
        Serve::Family(&["getGroupCluster", "listGroupClusters", "createGroupCluster", "updateGroupCluster", "deleteGroupCluster"]),
    ),
    forms(
        deleted_by(
            row("getGroupCloudProviderAccess", "roleId", ("IN_PROGRESS", "COMPLETE"), Some("IN_PROGRESS"), None, Gone, Some("FAILED")),
            &["deauthorizeGroupCloudProviderAccessRole"],
        ),
        &[("AZURE", row("getGroupCloudProviderAccess", "_id", ("IN_PROGRESS", "COMPLETE"), Some("IN_PROGRESS"), None, Gone, Some("FAILED")))],
    ),
    row("getGroupClusterBackupExport", "id", ("Queued", "Successful"), None, None, Gone, Some("Failed")),
    row("getGroupClusterBackupSnapshotShardedCluster", "id", ("queued", "completed"), None, None, Gone, Some("failed")),
    row("getGroupClusterBackupSnapshot", "id", ("queued", "completed"), None, None, Gone, Some("failed")),
    row("getGroupClusterFtsIndex", "indexID", ("IN_PROGRESS", "STEADY"), Some("IN_PROGRESS"), None, Gone, Some("FAILED")),
    row("getGroupClusterCollectionRestoreJob", "id", ("INITIALIZING", "SUCCESSFUL"), None, None, Gone, Some("FAILED")),
    row("getGroupClusterCollectionRestoreJobCollection", "sourceNamespace", ("IN_PROGRESS", "SUCCESSFUL"), None, None, Gone, Some("FAILED")),
    row("getGroupClusterOnlineArchive", "_id", ("PENDING", "ACTIVE"), None, None, Terminal("DELETED"), Some("ORPHANED")),
    row("getGroupClusterOutageSimulation", "", ("START_REQUESTED", "SIMULATING"), None, Some("RECOVERING"), Terminal("COMPLETE"), None),
    row("getGroupClusterRestoreJob", "id", ("IN_PROGRESS", "FINISHED"), None, None, Gone, Some("BROKEN")),
    row("getGroupClusterSearchDeployment", "", ("UPDATING", "IDLE"), Some("UPDATING"), None, Gone, None),
    serve(
        row("getGroupClusterSearchIndexByName", "name", ("PENDING", "READY"), Some("BUILDING"), Some("DELETING"), Gone, Some("FAILED")),
        Serve::SameAs(
            "getGroupClusterSearchIndex",
            &[("databaseName", "database"), ("collectionName", "collectionName"), ("indexName", "name")],
        ),
    ),
    row("getGroupClusterSearchIndex", "indexID", ("PENDING", "READY"), Some("BUILDING"), Some("DELETING"), Gone, Some("FAILED")),
    row("getGroupDataFederation", "name", ("UNVERIFIED", "ACTIVE"), None, None, Terminal("DELETED"), None),
    row("getGroupEncryptionAtRestPrivateEndpoint", "id", ("INITIATING", "ACTIVE"), None, Some("DELETING"), Gone, Some("FAILED")),
    row("getGroupFlexCluster", "name", ("CREATING", "IDLE"), Some("UPDATING"), Some("DELETING"), Gone, Some("REPAIRING")),
    row("getGroupFlexClusterBackupRestoreJob", "id", ("QUEUED", "COMPLETED"), None, None, Gone, Some("FAILED")),
    row("getGroupFlexClusterBackupSnapshot", "id", ("QUEUED", "COMPLETED"), None, None, Gone, Some("FAILED")),
    row("getGroupLiveMigrationValidateStatus", "_id", ("PENDING", "SUCCESS"), None, None, Gone, Some("FAILED")),
    row("getGroupLiveMigration", "_id", ("NEW", "COMPLETE"), None, None, Gone, Some("FAILED")),
    forms(
        row("getGroupPeer", "id", ("INITIATING", "AVAILABLE"), None, Some("TERMINATING"), Gone, Some("FAILED")),
        &[
            ("AZURE", row("getGroupPeer", "id", ("ADDING_PEER", "AVAILABLE"), None, Some("DELETING"), Gone, Some("FAILED"))),
            ("GCP", row("getGroupPeer", "id", ("ADDING_PEER", "AVAILABLE"), None, Some("DELETING"), Gone, Some("FAILED"))),
        ],
    ),
    serve(
        row("getGroupPrivateEndpointEndpointService", "id", ("INITIATING", "AVAILABLE"), None, Some("DELETING"), Gone, Some("FAILED")),
        Serve::CreatedBy(
            "createGroupPrivateEndpointEndpointService",
            &[("cloudProvider", "providerName"), ("regionName", "region")],
        ),
    ),
    row("getGroupPrivateNetworkSettingEndpointId", "endpointId", ("PENDING", "OK"), None, Some("DELETING"), Gone, Some("FAILED")),
    unset(
        row("getGroupPushBasedLogExport", "", ("INITIATING", "ACTIVE"), Some("INITIATING"), None, Terminal("UNCONFIGURED"), Some("BUCKET_VERIFICATION_FAILED")),
        "UNCONFIGURED",
    ),
    serve(
        row("getGroupSampleDatasetLoad", "_id", ("WORKING", "COMPLETED"), None, None, Gone, Some("FAILED")),
        Serve::CreatedBy("requestGroupSampleDatasetLoad", &[("clusterName", "name")]),
    ),
    row("getGroupStandbyLinkFailover", "failoverId", ("INITIALIZING", "COMPLETE"), None, None, Gone, None),
    row("getGroupStreamConnection", "name", ("PENDING", "READY"), None, Some("DELETING"), Gone, Some("FAILED")),
    row("getGroupStreamConnectionFailoverConnection", "id", ("PENDING", "READY"), None, Some("DELETING"), Gone, Some("FAILED")),
    row("getGroupUserSecurityLdapVerify", "requestId", ("PENDING", "SUCCESS"), None, None, Gone, Some("FAIL")),
    row("getOrgInvoiceReport", "reportId", ("PENDING", "SUCCEEDED"), None, None, Gone, Some("FAILED")),
];

/// GETs with a state member that are not lifecycles, and why (read by the tests).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) static LEFT_OUT: &[(&str, &str)] = &[
    (
        "getGroupClusterQueryShape",
        "REJECTED/UNREJECTED: a setting, no value in progress",
    ),
    (
        "getGroupClusterSqlInterface",
        "ON/OFF: a setting, no value in progress",
    ),
    (
        "getOrgInvoice",
        "a billing status, kept by the invoices family",
    ),
    (
        "generateGroupSandboxClusterDescription",
        "a GET custom method computing a description, nothing stored",
    ),
    (
        "getGroupAlert",
        "raised and closed by Atlas, not by a write; acknowledging one is a setting",
    ),
    (
        "getFederationSettingIdentityProvider",
        "ACTIVE/INACTIVE: a setting, no value in progress",
    ),
    (
        "getGroupServerlessInstance",
        "no write to it is left in the spec (serverless instances are retired)",
    ),
    (
        "getGroupServerlessBackupSnapshot",
        "every version sunset on 2026-01-22; taken by Atlas, not by a write",
    ),
    (
        "getGroupPrivateEndpointServerlessInstanceEndpoint",
        "every version (and every write's) sunset on 2026-01-22",
    ),
];

/// The spec's facts about a row's GET.
pub(crate) fn state_of(get: &str) -> Option<&'static State> {
    STATES.iter().find(|s| s.get == get)
}

/// A row by its GET's operationId.
pub(crate) fn row_of(get: &str) -> Option<(usize, &'static Row)> {
    ROWS.iter().enumerate().find(|(_, r)| r.get == get)
}

/// The GET's path template of a row.
pub(crate) fn get_path(row: &Row) -> &'static str {
    spec::lookup(row.get)
        .and_then(|i| OPERATIONS.get(i))
        .map_or("", |op| op.path)
}

/// Whether a path template ends in a literal (one resource of its parent).
pub(crate) fn is_singleton(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or("");
    !(last.starts_with('{') && last.ends_with('}'))
}

/// The placeholders of a path template, in order.
pub(crate) fn placeholders(path: &'static str) -> Vec<&'static str> {
    path.split('/')
        .filter_map(|s| {
            let open = s.find('{')?;
            let close = s.find('}')?;
            s.get(open + 1..close)
        })
        .collect()
}

fn fits(kind: Kind, v: &Value) -> bool {
    match kind {
        Kind::Str => v.is_string(),
        Kind::Int => v.is_i64() || v.is_u64(),
        Kind::Num => v.is_number(),
        Kind::Bool => v.is_boolean(),
        Kind::Array => v.is_array(),
        Kind::Object => v.is_object(),
    }
}

/// Whether `name` is a member of `row`'s GET answer of the JSON type of `v` (and neither
/// its state nor its key: those the emulator sets).
pub(crate) fn takes(row: &Row, name: &str, v: &Value) -> bool {
    state_of(row.get).is_some_and(|s| {
        !is_state_member(s, name)
            && name != row.key
            && s.members.iter().any(|m| m.name == name && fits(m.kind, v))
    })
}

/// Whether `name` is a state member of the answer (of any form).
pub(crate) fn is_state_member(s: &State, name: &str) -> bool {
    name == s.member || s.forms.iter().any(|f| f.member == name)
}

/// The form of `row`'s answer a create's body picks (by the discriminator's value).
pub(crate) fn form_of(row: &Row, body: &Map<String, Value>) -> Option<&'static str> {
    let s = state_of(row.get)?;
    if s.on.is_empty() {
        return None;
    }
    let want = body.get(s.on)?.as_str()?;
    s.forms.iter().find(|f| f.when == want).map(|f| f.when)
}

/// The row of a form: the row's own for it, else the row.
pub(crate) fn row_for(row: &'static Row, when: Option<&str>) -> &'static Row {
    when.and_then(|w| row.forms.iter().find(|(v, _)| *v == w))
        .map_or(row, |(_, r)| r)
}

/// The members of a new resource of `row` at `path` (the GET's placeholders and values):
/// those of `body` the GET answers, the path values it has as members (a `projectId` for
/// a `groupId`), and the key.
pub(crate) fn members(
    row: &Row,
    body: &Map<String, Value>,
    path: &[(&'static str, String)],
) -> Map<String, Value> {
    let has = |name: &str| {
        state_of(row.get).is_some_and(|s| {
            s.members
                .iter()
                .any(|m| m.name == name && m.kind == Kind::Str)
        })
    };
    let mut doc = Map::new();
    for (k, v) in body {
        if takes(row, k, v) {
            doc.insert(k.clone(), v.clone());
        }
    }
    for (name, value) in path {
        if has(name) {
            doc.insert((*name).to_owned(), Value::String(value.clone()));
        }
        if *name == "groupId" && has("projectId") && !has("groupId") {
            doc.insert("projectId".into(), Value::String(value.clone()));
        }
    }
    if !row.key.is_empty()
        && let Some((_, key)) = path.last()
    {
        doc.insert(row.key.to_owned(), Value::String(key.clone()));
    }
    doc
}

/// Where a resource is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Creating,
    Updating,
    Deleting,
    /// Deleted, showing its terminal value.
    Ended,
    /// A singleton not created, showing its row's `unset` value (never stored).
    Unset,
}

/// One resource with a state.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// Its row in [`ROWS`].
    pub(crate) row: usize,
    /// The values of its GET path's placeholders, in order.
    pub(crate) path: Vec<(&'static str, String)>,
    /// Its members (what was sent and what the emulator set), without the state.
    pub(crate) doc: Map<String, Value>,
    pub(crate) phase: Phase,
    /// When the current transition ends.
    pub(crate) until: SystemTime,
    /// The form its create picked (the discriminator's value), if the answer has forms.
    pub(crate) when: Option<&'static str>,
}

impl Item {
    /// The row it moves by: its row's form for it, else its row.
    pub(crate) fn row(&self) -> &'static Row {
        row_for(&ROWS[self.row], self.when)
    }

    /// Its state member (empty for a form without one).
    pub(crate) fn member(&self) -> &'static str {
        let Some(s) = state_of(ROWS[self.row].get) else {
            return "";
        };
        match self.when {
            Some(w) => s
                .forms
                .iter()
                .find(|f| f.when == w)
                .map_or(s.member, |f| f.member),
            None => s.member,
        }
    }

    /// A path value.
    pub(crate) fn value(&self, name: &str) -> Option<&str> {
        self.path
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Its GET path, `/api/atlas/v2/…`, values as stored (decoded).
    pub(crate) fn concrete_path(&self) -> String {
        concrete(get_path(self.row()), &self.path)
    }

    /// Its state at `now`, given the failure rules.
    pub(crate) fn state<'a>(&'a self, now: SystemTime, rules: &'a [Rule]) -> &'a str {
        let row = self.row();
        let settled = || {
            let path = self.concrete_path();
            rules
                .iter()
                .rev()
                .find(|r| r.matches(&path))
                .map_or(row.settled, |r| r.value.as_str())
        };
        let running = now < self.until;
        match self.phase {
            Phase::Creating if running => row.start,
            Phase::Updating if running => row.update.unwrap_or_else(settled),
            Phase::Deleting if running => row.delete.unwrap_or_else(settled),
            Phase::Creating | Phase::Updating => settled(),
            Phase::Unset => row.unset.unwrap_or(row.start),
            Phase::Deleting | Phase::Ended => match row.end {
                Terminal(v) => v,
                Gone => row.delete.unwrap_or(row.settled),
            },
        }
    }
}

/// A path template with its values filled in.
pub(crate) fn concrete(template: &str, values: &[(&'static str, String)]) -> String {
    template
        .split('/')
        .map(|seg| match (seg.find('{'), seg.find('}')) {
            (Some(open), Some(close)) if open < close => {
                let name = &seg[open + 1..close];
                let value = values
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map_or("", |(_, v)| v.as_str());
                format!("{}{value}{}", &seg[..open], &seg[close + 1..])
            }
            _ => seg.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// A test's rule: resources whose GET path matches settle in `value`.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    /// The path's segments; `*` matches any one segment.
    pub(crate) segments: Vec<String>,
    pub(crate) value: String,
}

impl Rule {
    pub(crate) fn matches(&self, path: &str) -> bool {
        let segs: Vec<&str> = path.split('/').collect();
        segs.len() == self.segments.len()
            && self
                .segments
                .iter()
                .zip(&segs)
                .all(|(want, have)| want == "*" || want == have)
    }
}

/// Every resource with a state that the emulator keeps, and the tests' failure rules.
#[derive(Debug, Default)]
pub(crate) struct Lifecycles {
    pub(crate) items: Vec<Item>,
    pub(crate) rules: Vec<Rule>,
}

impl Lifecycles {
    /// Ends the deletions whose transition is over: gone, or terminal.
    pub(crate) fn settle(&mut self, now: SystemTime) {
        self.items
            .retain(|i| !(i.phase == Phase::Deleting && now >= i.until && i.row().end == Gone));
        for i in &mut self.items {
            if i.phase == Phase::Deleting && now >= i.until {
                i.phase = Phase::Ended;
            }
        }
    }

    /// The value a rule sets for the resource at `path`, if one does.
    pub(crate) fn rule_for(&self, path: &str) -> Option<&str> {
        self.rules
            .iter()
            .rev()
            .find(|r| r.matches(path))
            .map(|r| r.value.as_str())
    }

    /// Forgets everything of a deleted project.
    pub(crate) fn drop_group(&mut self, group_id: &str) {
        self.items.retain(|i| i.value("groupId") != Some(group_id));
    }
}

// ---- Public -------------------------------------------------------------------------------

/// One resource with a state, as the emulator moves it (see
/// [`MockAtlas::lifecycles`](crate::MockAtlas::lifecycles)).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Lifecycle {
    /// The GET's operationId (`getGroupClusterBackupSnapshot`).
    pub get: &'static str,
    /// The GET's path template, `/api/atlas/v2/…`.
    pub path: &'static str,
    /// The state member (`state`, `stateName`, `status` or `statusName`; for an answer of
    /// several forms, that of the first form with one). Empty for a form without one.
    pub member: &'static str,
    /// The value a creation starts in.
    pub start: &'static str,
    /// The value it settles in (unless [`MockAtlas::fail_lifecycle`](crate::MockAtlas::fail_lifecycle) says otherwise).
    pub settled: &'static str,
    /// The value a change moves through, if any.
    pub update: Option<&'static str>,
    /// The value a deletion moves through, if any (without one, a deletion ends at once).
    pub delete: Option<&'static str>,
    /// The value a deleted resource keeps showing, or `None` when its GET answers 404.
    pub terminal: Option<&'static str>,
    /// A failure value of the enum, if it has one.
    pub failure: Option<&'static str>,
    /// Every value of the enum, as the spec lists them.
    pub values: &'static [&'static str],
    /// The operations answered from these resources' state: the GET first, then the
    /// creates, changes, custom methods, deletions and the list.
    pub operations: Vec<&'static str>,
    /// The member naming the resource in its GET path's last value (`id`, `_id`,
    /// `indexID`, `name`, …), which a create answers; empty for a singleton.
    pub key: &'static str,
    /// What a singleton's GET shows before it is created (else it answers 404).
    pub unset: Option<&'static str>,
    /// The member of a create's body picking the answer's form (`providerName`), or empty.
    pub on: &'static str,
    /// The answer's forms by that member's value, each with its state member and values
    /// (the default, above, is a body without it).
    pub forms: Vec<(&'static str, Lifecycle)>,
}

/// Why a lifecycle call of [`MockAtlas`](crate::MockAtlas) did nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LifecycleError {
    /// The path is not the GET path (or glob) of a resource with a state that the
    /// emulator moves (for a search index by name, use its path by id; for clusters,
    /// [`MockAtlas::add_cluster`](crate::MockAtlas::add_cluster)).
    NotALifecycle(String),
    /// The value is not one of the resource's state values (those are listed).
    UnknownValue {
        /// The value asked for.
        value: String,
        /// The values the spec gives.
        values: Vec<&'static str>,
    },
    /// A resource exists at that path already.
    Exists(String),
}

impl std::fmt::Display for LifecycleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LifecycleError::NotALifecycle(p) => {
                write!(f, "{p} is not the GET path of a resource with a state")
            }
            LifecycleError::UnknownValue { value, values } => {
                write!(f, "{value:?} is not one of {values:?}")
            }
            LifecycleError::Exists(p) => write!(f, "a resource exists at {p} already"),
        }
    }
}

impl std::error::Error for LifecycleError {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::time::{Duration, UNIX_EPOCH};

    /// Every resource with a state in the spec has a row or a reason, and nothing else
    /// does.
    #[test]
    fn every_resource_with_a_state_has_a_row() {
        let mut seen = HashSet::new();
        for s in STATES {
            let rows = ROWS.iter().filter(|r| r.get == s.get).count();
            let out = LEFT_OUT.iter().filter(|(g, _)| *g == s.get).count();
            assert_eq!(rows + out, 1, "{}: a row or a reason, once", s.get);
            seen.insert(s.get);
        }
        for r in ROWS {
            assert!(
                seen.contains(r.get),
                "{}: no state member in the spec",
                r.get
            );
        }
        for (g, _) in LEFT_OUT {
            assert!(seen.contains(g), "{g}: no state member in the spec");
        }
        assert!(ROWS.len() >= 25, "{} rows", ROWS.len());
    }

    /// Every value a row (or a form of it) names is one of the spec's (of that form), and
    /// the key is a member.
    #[test]
    fn every_value_is_the_specs() {
        let forms = ROWS.iter().flat_map(|r| {
            r.forms.iter().map(move |(when, f)| {
                let s = state_of(r.get).unwrap();
                let form = s.forms.iter().find(|g| g.when == *when);
                let form = form.unwrap_or_else(|| panic!("{}: no form {when}", r.get));
                assert_eq!(f.get, r.get);
                assert!(f.forms.is_empty() && f.deleted_by.is_empty());
                // A form without a state member (only its key differs) shows none.
                let values = if form.member.is_empty() {
                    s.values
                } else {
                    form.values
                };
                (f, values)
            })
        });
        let rows = ROWS.iter().map(|r| {
            let s = state_of(r.get).unwrap();
            // The row's own values are those of its default form.
            let values = s
                .forms
                .iter()
                .find(|f| f.member == s.member)
                .map_or(s.values, |f| f.values);
            (r, values)
        });
        for (r, values) in rows.collect::<Vec<_>>().into_iter().chain(forms) {
            let s = state_of(r.get).unwrap();
            let terminal = match r.end {
                Terminal(v) => Some(v),
                Gone => None,
            };
            for v in [
                Some(r.start),
                Some(r.settled),
                r.update,
                r.delete,
                terminal,
                r.failure,
            ]
            .into_iter()
            .flatten()
            {
                assert!(values.contains(&v), "{}: {v} is not in {:?}", r.get, values);
            }
            assert_ne!(r.start, r.settled, "{}: nothing in progress", r.get);
            let path = get_path(r);
            assert_eq!(r.key.is_empty(), is_singleton(path), "{}: key", r.get);
            if !r.key.is_empty() {
                assert!(
                    s.members.iter().any(|m| m.name == r.key),
                    "{}: {} is not a member",
                    r.get,
                    r.key
                );
            }
        }
    }

    #[test]
    fn states_follow_the_clock_and_the_rules() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000);
        let s = Duration::from_secs(1);
        let (index, _) = row_of("getGroupClusterSearchIndex").unwrap();
        let mut item = Item {
            row: index,
            path: vec![
                ("groupId", "g".into()),
                ("clusterName", "c".into()),
                ("indexId", "i".into()),
            ],
            doc: Map::new(),
            phase: Phase::Creating,
            until: t0 + s,
            when: None,
        };
        assert_eq!(item.state(t0, &[]), "PENDING");
        assert_eq!(item.state(t0 + s, &[]), "READY");
        let rule = Rule {
            segments: "/api/atlas/v2/groups/*/clusters/c/search/indexes/*"
                .split('/')
                .map(str::to_owned)
                .collect(),
            value: "FAILED".into(),
        };
        assert!(rule.matches(&item.concrete_path()));
        assert_eq!(item.state(t0, std::slice::from_ref(&rule)), "PENDING");
        assert_eq!(item.state(t0 + s, &[rule]), "FAILED");
        item.phase = Phase::Deleting;
        let mut all = Lifecycles {
            items: vec![item],
            rules: Vec::new(),
        };
        assert_eq!(all.items[0].state(t0, &[]), "DELETING");
        all.settle(t0 + s);
        assert!(all.items.is_empty());
    }

    /// A create's body picks the form: its state member and values.
    #[test]
    fn forms_follow_the_discriminator() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000);
        let (r, row) = row_of("getGroupPeer").unwrap();
        let body = |p: &str| {
            let mut m = Map::new();
            m.insert("providerName".into(), Value::String(p.into()));
            m
        };
        let item = |when| Item {
            row: r,
            path: vec![("groupId", "g".into()), ("peerId", "p".into())],
            doc: Map::new(),
            phase: Phase::Creating,
            until: t0 + Duration::from_secs(1),
            when,
        };
        assert_eq!(form_of(row, &Map::new()), None);
        assert_eq!(form_of(row, &body("OTHER")), None);
        let aws = item(form_of(row, &body("AWS")));
        assert_eq!(
            (aws.member(), aws.state(t0, &[])),
            ("statusName", "INITIATING")
        );
        let azure = item(form_of(row, &body("AZURE")));
        assert_eq!(
            (azure.member(), azure.state(t0, &[])),
            ("status", "ADDING_PEER")
        );
        let plain = item(None);
        assert_eq!(
            (plain.member(), plain.state(t0, &[])),
            ("statusName", "INITIATING")
        );
        // A form without a state member shows none.
        let (r, row) = row_of("getGroupCloudProviderAccess").unwrap();
        let aws = Item {
            row: r,
            when: form_of(row, &body("AWS")),
            ..item(None)
        };
        assert_eq!(aws.member(), "");
        let azure = Item {
            row: r,
            when: form_of(row, &body("AZURE")),
            ..item(None)
        };
        assert_eq!(azure.row().key, "_id");
        let gcp = Item {
            row: r,
            when: form_of(row, &body("GCP")),
            ..item(None)
        };
        assert_eq!((gcp.member(), gcp.row().key), ("status", "roleId"));
    }
}
