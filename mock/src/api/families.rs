//! The stateful families: which operations answer from state, and what their handlers
//! share.
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
//!
//! Every operation of a family is admitted as every other operation is: routing, version,
//! path values, the organization or project, the spec's roles, query, body media type
//! and shape, in [`super::generic::check`]; a script, when a test set one, answers instead
//! of the family.
//!
//! Answers start from the operation's example (so that members the emulator does not
//! keep are still schema-valid) and carry the state on top. Bodies are checked as Atlas
//! checks them ([`super::body_rules`]): here, for every family, that a `groupId` in the
//! body is the path's; in the clusters' handlers, what a cluster needs.

use std::sync::OnceLock;
use std::time::SystemTime;

use serde_json::{Map, Value};

use super::generic::Call;
use super::{
    Reply, body_rules, clusters, database_users, invoices, ip_access_list, processes, projects,
};
use crate::auth::Principal;
use crate::errors::ApiError;
use crate::pagination::Page;
use crate::server::http::Request;
use crate::spec::{self, Answer, OPERATIONS};
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

/// One stateful family, a row of the table above.
pub(crate) struct Family {
    /// The operations it answers from state, by operationId, with their handlers.
    pub(crate) operations: &'static [(&'static str, Handler)],
}

/// The stateful families, in the order of the table above.
pub(crate) static FAMILIES: &[Family] = &[
    Family {
        operations: &[
            ("listOrgs", projects::list_orgs),
            ("getOrg", projects::get_org),
            ("getOrgGroups", projects::org_groups),
        ],
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
    },
    Family {
        operations: &[
            ("listGroupClusters", clusters::list),
            ("createGroupCluster", clusters::create),
            ("getGroupCluster", clusters::get),
            ("updateGroupCluster", clusters::update),
            ("deleteGroupCluster", clusters::delete),
        ],
    },
    Family {
        operations: &[
            ("listGroupDatabaseUsers", database_users::list),
            ("createGroupDatabaseUser", database_users::create),
            ("getGroupDatabaseUser", database_users::get),
            ("updateGroupDatabaseUser", database_users::update),
            ("deleteGroupDatabaseUser", database_users::delete),
        ],
    },
    Family {
        operations: &[
            ("listGroupAccessListEntries", ip_access_list::list),
            ("createGroupAccessListEntry", ip_access_list::create),
            ("getGroupAccessListEntry", ip_access_list::get),
            ("getGroupAccessListStatus", ip_access_list::status),
            ("deleteGroupAccessListEntry", ip_access_list::delete),
        ],
    },
    Family {
        operations: &[
            ("listGroupProcesses", processes::list),
            ("getGroupProcess", processes::get),
            ("downloadGroupClusterLog", processes::download_log),
        ],
    },
    Family {
        operations: &[
            ("listOrgInvoices", invoices::list),
            ("getOrgInvoice", invoices::get),
            ("getOrgInvoiceCsv", invoices::get_csv),
            ("listOrgInvoicePending", invoices::pending),
        ],
    },
];

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
        table
    })
}

/// The stateful family of operation `index`, if it has one.
#[cfg(test)]
pub(crate) fn family(index: usize) -> Option<&'static Family> {
    by_operation().get(index)?.map(|(family, _)| family)
}

/// The answer from state, or `None` for an operation outside the stateful families.
pub(crate) fn answer(fx: &mut Fx<'_>) -> Option<Result<Reply, ApiError>> {
    let (_, handler) = (*by_operation().get(fx.call.index)?)?;
    fx.store.resources.settle(fx.now);
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
            let ids: Vec<&str> = f.operations.iter().map(|(id, _)| *id).collect();
            assert_eq!(ops, &ids, "{name}");
            for id in ids {
                let index = spec::lookup(id).unwrap_or_else(|| panic!("{id} is not in the spec"));
                assert!(seen.insert(id), "{id} in two families");
                assert!(std::ptr::eq(family(index).unwrap(), f), "{id}");
            }
        }
        assert!(family(spec::lookup("getGroupMaintenanceWindow").unwrap()).is_none());
    }
}
