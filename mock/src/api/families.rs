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
//!
//! Answers start from the operation's example (so that members the emulator does not
//! keep are still schema-valid) and carry the state on top.

use std::time::SystemTime;

use serde_json::{Map, Value};

use super::generic::Call;
use super::{Reply, clusters, database_users, ip_access_list, projects};
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
    Some(match fx.call.op.id {
        "listOrgs" => projects::list_orgs(fx),
        "getOrg" => projects::get_org(fx),
        "getOrgGroups" => projects::org_groups(fx),
        "listGroups" => projects::list(fx),
        "createGroup" => projects::create(fx),
        "getGroup" => projects::get(fx),
        "getGroupByName" => projects::by_name(fx),
        "updateGroup" => projects::update(fx),
        "deleteGroup" => projects::delete(fx),
        "listGroupClusters" => clusters::list(fx),
        "createGroupCluster" => clusters::create(fx),
        "getGroupCluster" => clusters::get(fx),
        "updateGroupCluster" => clusters::update(fx),
        "deleteGroupCluster" => clusters::delete(fx),
        "listGroupDatabaseUsers" => database_users::list(fx),
        "createGroupDatabaseUser" => database_users::create(fx),
        "getGroupDatabaseUser" => database_users::get(fx),
        "updateGroupDatabaseUser" => database_users::update(fx),
        "deleteGroupDatabaseUser" => database_users::delete(fx),
        "listGroupAccessListEntries" => ip_access_list::list(fx),
        "createGroupAccessListEntry" => ip_access_list::create(fx),
        "getGroupAccessListEntry" => ip_access_list::get(fx),
        "getGroupAccessListStatus" => ip_access_list::status(fx),
        "deleteGroupAccessListEntry" => ip_access_list::delete(fx),
        _ => return None,
    })
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
