//! The stateful families beyond Service Accounts: which operations answer from state,
//! and what their handlers share.
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
//! Answers start from the operation's example (so that members the emulator does not
//! keep are still schema-valid) and carry the state on top. Bodies are checked as Atlas
//! checks them ([`super::body_rules`]): here, for every family, that a `groupId` in the
//! body is the path's; in the clusters' handlers, what a cluster needs.

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

/// The answer from state, or `None` for an operation outside the stateful families.
pub(crate) fn answer(fx: &mut Fx<'_>) -> Option<Result<Reply, ApiError>> {
    fx.store.resources.settle(fx.now);
    let handler: Handler = match fx.call.op.id {
        "listOrgs" => projects::list_orgs,
        "getOrg" => projects::get_org,
        "getOrgGroups" => projects::org_groups,
        "listGroups" => projects::list,
        "createGroup" => projects::create,
        "getGroup" => projects::get,
        "getGroupByName" => projects::by_name,
        "updateGroup" => projects::update,
        "deleteGroup" => projects::delete,
        "listGroupClusters" => clusters::list,
        "createGroupCluster" => clusters::create,
        "getGroupCluster" => clusters::get,
        "updateGroupCluster" => clusters::update,
        "deleteGroupCluster" => clusters::delete,
        "listGroupDatabaseUsers" => database_users::list,
        "createGroupDatabaseUser" => database_users::create,
        "getGroupDatabaseUser" => database_users::get,
        "updateGroupDatabaseUser" => database_users::update,
        "deleteGroupDatabaseUser" => database_users::delete,
        "listGroupAccessListEntries" => ip_access_list::list,
        "createGroupAccessListEntry" => ip_access_list::create,
        "getGroupAccessListEntry" => ip_access_list::get,
        "getGroupAccessListStatus" => ip_access_list::status,
        "deleteGroupAccessListEntry" => ip_access_list::delete,
        "listGroupProcesses" => processes::list,
        "getGroupProcess" => processes::get,
        "downloadGroupClusterLog" => processes::download_log,
        "listOrgInvoices" => invoices::list,
        "getOrgInvoice" => invoices::get,
        "getOrgInvoiceCsv" => invoices::get_csv,
        "listOrgInvoicePending" => invoices::pending,
        _ => return None,
    };
    if let Some(body) = &fx.call.body
        && let Some((_, group)) = fx.call.path.iter().find(|(n, _)| *n == "groupId")
        && let Err(e) = body_rules::project_id_agrees(body, group)
    {
        return Some(Err(e));
    }
    Some(handler(fx))
}

/// A stateful family's answer to one operation.
type Handler = fn(&mut Fx<'_>) -> Result<Reply, ApiError>;

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
