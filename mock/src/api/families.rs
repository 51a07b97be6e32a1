//! The stateful families: which operations answer from state, the rules a family adds to
//! the one admission pipeline ([`super::generic::check`]), and what their handlers share.
//!
//! | family | operations |
//! | --- | --- |
//! | organizations (read) | `listOrgs`, `getOrg`, `getOrgGroups` |
//! | projects | `listGroups`, `createGroup`, `getGroup`, `getGroupByName`, `updateGroup`, `deleteGroup` |
//! | clusters | `listGroupClusters`, `createGroupCluster`, `getGroupCluster`, `updateGroupCluster`, `deleteGroupCluster` |
//! | database users | `listGroupDatabaseUsers`, `createGroupDatabaseUser`, `getGroupDatabaseUser`, `updateGroupDatabaseUser`, `deleteGroupDatabaseUser` |
//! | project IP access list | `listGroupAccessListEntries`, `createGroupAccessListEntry`, `getGroupAccessListEntry`, `getGroupAccessListStatus`, `deleteGroupAccessListEntry` |
//! | processes and logs (read; from the clusters) | `listGroupProcesses`, `getGroupProcess`, `downloadGroupClusterLog` |
//! | invoices (read; seeded) | `listOrgInvoices`, `getOrgInvoice`, `getOrgInvoiceCsv`, `listOrgInvoicePending` |
//! | rate limits (the endpoint sets of the emulator's table, see the crate docs) | `listRateLimits`, `getRateLimit` |
//! | service accounts (with their secrets and access lists; an admission rule) | `listOrgServiceAccounts`, `createOrgServiceAccount`, `getOrgServiceAccount`, `updateOrgServiceAccount`, `deleteOrgServiceAccount`, `getOrgServiceAccountGroups`, `createOrgServiceAccountSecret`, `deleteOrgServiceAccountSecret`, `listOrgServiceAccountAccessList`, `createOrgServiceAccountAccessList`, `deleteOrgServiceAccountAccessListEntry`, `listGroupServiceAccounts`, `createGroupServiceAccount`, `getGroupServiceAccount`, `updateGroupServiceAccount`, `deleteGroupServiceAccount`, `inviteGroupServiceAccount`, `createGroupServiceAccountSecret`, `deleteGroupServiceAccountSecret`, `listGroupServiceAccountAccessList`, `createGroupServiceAccountAccessList`, `deleteGroupServiceAccountAccessListEntry` |
//! | lifecycles (every other resource with a state; its writes, and its list where the items are the same schema, are found from the path: see the lifecycle module) | `getGroupBackupPrivateEndpoint`, `getGroupBackupCompliancePolicy`, `getGroupCloudProviderAccess`, `getGroupClusterBackupExport`, `getGroupClusterBackupSnapshotShardedCluster`, `getGroupClusterBackupSnapshot`, `getGroupClusterFtsIndex`, `getGroupClusterCollectionRestoreJob`, `getGroupClusterCollectionRestoreJobCollection`, `getGroupClusterOnlineArchive`, `getGroupClusterOutageSimulation`, `getGroupClusterRestoreJob`, `getGroupClusterSearchDeployment`, `getGroupClusterSearchIndexByName`, `getGroupClusterSearchIndex`, `getGroupDataFederation`, `getGroupEncryptionAtRestPrivateEndpoint`, `getGroupFlexCluster`, `getGroupFlexClusterBackupRestoreJob`, `getGroupFlexClusterBackupSnapshot`, `getGroupLiveMigrationValidateStatus`, `getGroupLiveMigration`, `getGroupPeer`, `getGroupPrivateEndpointEndpointService`, `getGroupPrivateNetworkSettingEndpointId`, `getGroupPushBasedLogExport`, `getGroupSampleDatasetLoad`, `getGroupStandbyLinkFailover`, `getGroupStreamConnection`, `getGroupStreamConnectionFailoverConnection`, `getGroupUserSecurityLdapVerify`, `getOrgInvoiceReport` |
//!
//! Every operation of a family is admitted as every other operation is: routing, version,
//! path values, the organization or project, the spec's roles, query, body media type
//! and shape, in [`super::generic::check`]; a script, when a test set one, answers instead
//! of the family. A family may add a rule to that admission, run right after the roles
//! check ([`Family::authorize`]): the Service Accounts' project routes stop at the project
//! ([`super::service_accounts::authorize`]).
//!
//! Answers start from the operation's example (so that members the emulator does not
//! keep are still schema-valid) and carry the state on top; the Service Accounts family
//! renders its own schemas ([`super::render`]). Bodies are checked as Atlas checks them
//! ([`super::body_rules`]): here, for every family, that a `groupId` in the body is the
//! path's; in the handlers, what the family needs (a cluster's shape, a service
//! account's roles and lengths, access-list addresses).

use std::sync::OnceLock;
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::generic::Call;
use super::{
    Reply, body_rules, clusters, database_users, invoices, ip_access_list, lifecycles, processes,
    projects, rate_limits, service_accounts,
};
use crate::auth::Principal;
use crate::errors::ApiError;
use crate::pagination::Page;
use crate::server::http::Request;
use crate::spec::{self, Answer, OPERATIONS, Operation};
use crate::state::Shared;
use crate::store::Store;
use crate::url::Query;

/// What a family handler works with.
pub(crate) struct Fx<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) store: &'a mut Store,
    pub(crate) req: &'a Request,
    pub(crate) query: &'a Query,
    pub(crate) now: SystemTime,
    pub(crate) call: &'a Call,
}

/// A stateful family's answer to one operation.
pub(crate) type Handler = fn(&mut Fx<'_>) -> Result<Reply, ApiError>;

/// A family's rule at admission, run by [`super::generic::check`] right after the spec's
/// roles are checked: authorization the roles do not express (a 403), for scripted
/// requests too.
pub(crate) type Rule = fn(&Admitted<'_>) -> Result<(), ApiError>;

/// One stateful family, a row of the table above.
pub(crate) struct Family {
    /// The operations it answers from state, by operationId, with their handlers (none
    /// for the lifecycles, whose operations are found from the spec:
    /// [`lifecycles::table`]).
    pub(crate) operations: &'static [(&'static str, Handler)],
    /// Its admission rule, if it adds one.
    pub(crate) authorize: Option<Rule>,
}

/// The stateful families, in the order of the table above.
pub(crate) static FAMILIES: &[Family] = &[
    Family {
        operations: &[
            ("listOrgs", projects::list_orgs),
            ("getOrg", projects::get_org),
            ("getOrgGroups", projects::org_groups),
        ],
        authorize: None,
    },
    Family {
        operations: &[
            ("listGroups", projects::list),
            ("createGroup", projects::create),
            ("getGroup", projects::get),
            ("getGroupByName", projects::by_name),
            ("updateGroup", projects::update),
            ("deleteGroup", projects::delete),
        ],
        authorize: None,
    },
    Family {
        operations: &[
            ("listGroupClusters", clusters::list),
            ("createGroupCluster", clusters::create),
            ("getGroupCluster", clusters::get),
            ("updateGroupCluster", clusters::update),
            ("deleteGroupCluster", clusters::delete),
        ],
        authorize: None,
    },
    Family {
        operations: &[
            ("listGroupDatabaseUsers", database_users::list),
            ("createGroupDatabaseUser", database_users::create),
            ("getGroupDatabaseUser", database_users::get),
            ("updateGroupDatabaseUser", database_users::update),
            ("deleteGroupDatabaseUser", database_users::delete),
        ],
        authorize: None,
    },
    Family {
        operations: &[
            ("listGroupAccessListEntries", ip_access_list::list),
            ("createGroupAccessListEntry", ip_access_list::create),
            ("getGroupAccessListEntry", ip_access_list::get),
            ("getGroupAccessListStatus", ip_access_list::status),
            ("deleteGroupAccessListEntry", ip_access_list::delete),
        ],
        authorize: None,
    },
    Family {
        operations: &[
            ("listGroupProcesses", processes::list),
            ("getGroupProcess", processes::get),
            ("downloadGroupClusterLog", processes::download_log),
        ],
        authorize: None,
    },
    Family {
        operations: &[
            ("listOrgInvoices", invoices::list),
            ("getOrgInvoice", invoices::get),
            ("getOrgInvoiceCsv", invoices::get_csv),
            ("listOrgInvoicePending", invoices::pending),
        ],
        authorize: None,
    },
    Family {
        operations: &[
            ("listRateLimits", rate_limits::list),
            ("getRateLimit", rate_limits::get),
        ],
        authorize: None,
    },
    Family {
        operations: service_accounts::OPERATIONS,
        authorize: Some(service_accounts::authorize),
    },
    Family {
        operations: &[],
        authorize: None,
    },
];

/// The lifecycles' row of [`FAMILIES`].
fn lifecycle_family() -> &'static Family {
    &FAMILIES[FAMILIES.len() - 1]
}

/// The family and handler of each operation (by its index in `OPERATIONS`).
fn by_operation() -> &'static [Option<(&'static Family, Handler)>] {
    static TABLE: OnceLock<Vec<Option<(&'static Family, Handler)>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![None; OPERATIONS.len()];
        for family in FAMILIES {
            for &(id, handler) in family.operations {
                if let Some(slot) = spec::lookup(id).and_then(|i| table.get_mut(i)) {
                    *slot = Some((family, handler));
                }
            }
        }
        for (slot, lifecycle) in table.iter_mut().zip(lifecycles::table()) {
            if slot.is_none() && lifecycle.is_some() {
                *slot = Some((lifecycle_family(), lifecycles::answer as Handler));
            }
        }
        table
    })
}

/// The stateful family of operation `index`, if it has one.
pub(crate) fn family(index: usize) -> Option<&'static Family> {
    by_operation().get(index)?.map(|(family, _)| family)
}

/// What a family's admission [`Rule`] sees: a call admitted up to and including the
/// spec's roles.
pub(crate) struct Admitted<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) store: &'a Store,
    pub(crate) op: &'static Operation,
    /// The decoded path values.
    pub(crate) path: &'a [(&'static str, String)],
    /// The organization the path names (that of its project, at project level).
    pub(crate) org_id: &'a str,
    /// The project the path names.
    pub(crate) group_id: Option<&'a str>,
    pub(crate) principal: &'a Principal,
}

impl Admitted<'_> {
    /// A decoded path value (empty when the path has none of that name).
    pub(crate) fn path_value(&self, name: &str) -> &str {
        self.path
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// The admission rule of operation `index`'s family, if it has one.
pub(crate) fn authorize(index: usize, admitted: &Admitted<'_>) -> Result<(), ApiError> {
    match family(index).and_then(|f| f.authorize) {
        Some(rule) => rule(admitted),
        None => Ok(()),
    }
}

/// The answer from state, or `None` for an operation outside the stateful families.
pub(crate) fn answer(fx: &mut Fx<'_>) -> Option<Result<Reply, ApiError>> {
    let (_, handler) = (*by_operation().get(fx.call.index)?)?;
    fx.store.resources.settle(fx.now);
    fx.store.lifecycles.settle(fx.now);
    if let Some(body) = &fx.call.body
        && let Some((_, group)) = fx.call.path.iter().find(|(n, _)| *n == "groupId")
        && let Err(e) = body_rules::project_id_agrees(body, group)
    {
        return Some(Err(e));
    }
    Some(handler(fx))
}

impl Fx<'_> {
    /// The success status the spec gives this operation.
    pub(crate) fn status(&self) -> u16 {
        self.call.version.status
    }

    /// The request body as an object (empty when none was sent).
    pub(crate) fn body(&self) -> Map<String, Value> {
        match &self.call.body {
            Some(Value::Object(m)) => m.clone(),
            _ => Map::new(),
        }
    }

    /// The organization of the caller.
    pub(crate) fn caller_org(&self) -> Option<String> {
        match self.call.principal.as_ref()? {
            Principal::ServiceAccount(id) => self.store.account(id).map(|a| a.org_id.clone()),
            Principal::ApiKey(public) => self.store.api_key(public).map(|k| k.org_id.clone()),
        }
    }

    /// A list document of `items` for the request's page.
    pub(crate) fn list(&self, items: Vec<Value>) -> Result<Reply, ApiError> {
        let page = Page::from_query(self.query)?;
        let doc = page.document(
            items,
            &self.shared.base_url,
            &self.req.head.path,
            self.query,
        );
        Ok(Reply::json(200, doc))
    }

    /// The example answer of operation `id` at the version being served (or the
    /// newest before it), as an object: the base an item is rendered on.
    pub(crate) fn base(&self, id: &str) -> Map<String, Value> {
        let date = self.call.version.date;
        let answer = spec::lookup(id)
            .and_then(|i| OPERATIONS.get(i))
            .and_then(|op| {
                op.versions
                    .iter()
                    .filter(|v| v.date <= date || v.date == "preview")
                    .max_by_key(|v| v.date)
            })
            .map(|v| v.answer);
        match answer {
            Some(Answer::Json(i)) => match spec::ANSWERS
                .get(i)
                .and_then(|t| serde_json::from_str(t).ok())
            {
                Some(Value::Object(m)) => m,
                _ => Map::new(),
            },
            _ => Map::new(),
        }
    }
}

/// A 404 with an Atlas error code naming what was not found.
pub(crate) fn not_found(code: &'static str, what: &str, params: &[&str]) -> ApiError {
    let mut e = ApiError::new(404, code, format!("{what} not found."));
    for p in params {
        e = e.param((*p).to_owned());
    }
    e
}

/// A 409 for something that exists already.
pub(crate) fn conflict(code: &'static str, detail: String, params: &[&str]) -> ApiError {
    let mut e = ApiError::new(409, code, detail);
    for p in params {
        e = e.param((*p).to_owned());
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of the module's table: the family, then its operations.
    fn documented() -> Vec<(String, Vec<String>)> {
        include_str!("families.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("//! | "))
            .skip(2)
            .map(|row| {
                let (name, ops) = row.split_once(" | ").expect("two cells");
                let ops = ops
                    .split('`')
                    .skip(1)
                    .step_by(2)
                    .map(str::to_owned)
                    .collect();
                (name.to_owned(), ops)
            })
            .collect()
    }

    #[test]
    fn the_documented_table_is_the_table() {
        let rows = documented();
        assert_eq!(rows.len(), FAMILIES.len());
        let mut seen = std::collections::HashSet::new();
        for ((name, ops), f) in rows.iter().zip(FAMILIES) {
            let mut ids: Vec<&str> = f.operations.iter().map(|(id, _)| *id).collect();
            if std::ptr::eq(f, lifecycle_family()) {
                // Its GETs, each with the writes found from its path.
                let gets: Vec<&str> = crate::lifecycle::ROWS
                    .iter()
                    .filter(|r| !matches!(r.serve, crate::lifecycle::Serve::Family(_)))
                    .map(|r| r.get)
                    .collect();
                assert_eq!(ops, &gets, "{name}");
                ids = crate::lifecycle::ROWS
                    .iter()
                    .filter(|r| !matches!(r.serve, crate::lifecycle::Serve::Family(_)))
                    .flat_map(lifecycles::operation_ids)
                    .collect();
            } else {
                assert_eq!(ops, &ids, "{name}");
            }
            for id in ids {
                let index = spec::lookup(id).unwrap_or_else(|| panic!("{id} is not in the spec"));
                assert!(seen.insert(id), "{id} in two families");
                assert!(std::ptr::eq(family(index).unwrap(), f), "{id}");
            }
            assert_eq!(
                f.authorize.is_some(),
                name.contains("admission rule"),
                "{name}"
            );
        }
        // The Service Accounts are a family like the others, with their rule.
        let (name, ops) = rows
            .iter()
            .find(|(name, _)| name.starts_with("service accounts"))
            .expect("a Service Accounts row");
        assert_eq!(ops.len(), 22, "{name}");
        let sa = family(spec::lookup("createGroupServiceAccountSecret").unwrap()).unwrap();
        let ids = |ops: &[(&'static str, Handler)]| -> Vec<&str> {
            ops.iter().map(|(id, _)| *id).collect()
        };
        assert_eq!(ids(sa.operations), ids(service_accounts::OPERATIONS));
        assert!(sa.authorize.is_some());
        assert!(family(spec::lookup("getGroupMaintenanceWindow").unwrap()).is_none());
    }
}
