//! The Service Accounts family: the 22 operations at organization level
//! (`/orgs/{orgId}/serviceAccounts…`) and project level
//! (`/groups/{groupId}/serviceAccounts…`), answered from the store's accounts by
//! [`super::accounts`], [`super::secrets`] and [`super::access_list`].
//!
//! They are admitted as every operation is ([`super::generic::check`]): 404/405, 406, path
//! values (`INVALID_ORG_ID`, `INVALID_GROUP_ID`, a `clientId` or `ipAddress` off its
//! pattern), 404 `ORG_NOT_FOUND`/`GROUP_NOT_FOUND`, the spec's roles (403), query, 415,
//! the body's shape, then a script if a test set one. Every body is read and checked
//! before the account it names is looked up, as a JAX-RS server deserializes before the
//! resource runs. What the family adds:
//!
//! - an admission rule ([`authorize`]): a project route stops at the project;
//! - what its handlers share ([`Sa`]): the organization and project the path names, and
//!   the account it names, which must be in that organization (and assigned to that
//!   project, at project level): 404 `SERVICE_ACCOUNT_NOT_FOUND` otherwise.

use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::families::{Admitted, Fx, Handler};
use super::generic::Call;
use super::{access_list, accounts, secrets};
use crate::auth;
use crate::errors::ApiError;
use crate::server::http::Request;
use crate::state::Shared;
use crate::store::{Account, Store};
use crate::url::Query;

/// The family's operations and their handlers.
pub(super) static OPERATIONS: &[(&str, Handler)] = &[
    ("listOrgServiceAccounts", accounts::list),
    ("createOrgServiceAccount", accounts::create),
    ("getOrgServiceAccount", accounts::get),
    ("updateOrgServiceAccount", accounts::update),
    ("deleteOrgServiceAccount", accounts::delete),
    ("getOrgServiceAccountGroups", accounts::groups),
    ("createOrgServiceAccountSecret", secrets::create),
    ("deleteOrgServiceAccountSecret", secrets::delete),
    ("listOrgServiceAccountAccessList", access_list::list),
    ("createOrgServiceAccountAccessList", access_list::create),
    (
        "deleteOrgServiceAccountAccessListEntry",
        access_list::delete,
    ),
    ("listGroupServiceAccounts", accounts::list),
    ("createGroupServiceAccount", accounts::create),
    ("getGroupServiceAccount", accounts::get),
    ("updateGroupServiceAccount", accounts::update),
    ("deleteGroupServiceAccount", accounts::delete),
    ("inviteGroupServiceAccount", accounts::invite),
    ("createGroupServiceAccountSecret", secrets::create),
    ("deleteGroupServiceAccountSecret", secrets::delete),
    ("listGroupServiceAccountAccessList", access_list::list),
    ("createGroupServiceAccountAccessList", access_list::create),
    (
        "deleteGroupServiceAccountAccessListEntry",
        access_list::delete,
    ),
];

/// The project-level operations that change a service account's credentials or where
/// they work.
const THROUGH_PROJECT: [&str; 4] = [
    "createGroupServiceAccountSecret",
    "deleteGroupServiceAccountSecret",
    "createGroupServiceAccountAccessList",
    "deleteGroupServiceAccountAccessListEntry",
];

/// The family's admission rule: a project route stops at the project. Creating or
/// deleting a secret, or changing the access list, of an account assigned to the project
/// needs a caller whose own privileges cover the account's
/// ([`auth::may_manage_through_project`]), unless the emulator was built with
/// [`project_routes_reach_org_accounts`](crate::MockAtlasBuilder::project_routes_reach_org_accounts).
/// Otherwise 403 `USER_UNAUTHORIZED`. An account outside the project is left to the
/// handler's 404.
pub(super) fn authorize(a: &Admitted<'_>) -> Result<(), ApiError> {
    let Some(group) = a.group_id else {
        return Ok(());
    };
    if !THROUGH_PROJECT.contains(&a.op.id) || a.shared.config.project_routes_reach_org_accounts {
        return Ok(());
    }
    let cid = a.path_value("clientId");
    match a.store.account(cid) {
        Some(target)
            if target.org_id == a.org_id
                && target.project_roles(group).is_some()
                && !auth::may_manage_through_project(a.store, a.principal, target) =>
        {
            Err(ApiError::new(
                403,
                "USER_UNAUTHORIZED",
                format!(
                    "Service account {cid} holds privileges beyond project {group}; manage its credentials at organization level."
                ),
            )
            .param(cid)
            .param(group))
        }
        _ => Ok(()),
    }
}

/// What a Service Accounts handler works with: the call, and the organization and
/// project its path names.
pub(super) struct Sa<'a> {
    pub(super) shared: &'a Shared,
    pub(super) store: &'a mut Store,
    pub(super) req: &'a Request,
    pub(super) query: &'a Query,
    pub(super) now: SystemTime,
    pub(super) call: &'a Call,
    pub(super) org_id: String,
    /// At project level.
    pub(super) group_id: Option<String>,
}

impl<'a> Sa<'a> {
    /// The family's view of `fx` (whose organization or project admission has found).
    pub(super) fn new(fx: &'a mut Fx<'_>) -> Result<Sa<'a>, ApiError> {
        let call = fx.call;
        let (org_id, group_id) = match call.path_value("groupId") {
            "" => (call.path_value("orgId").to_owned(), None),
            g => {
                let group = fx.store.group(g).ok_or_else(ApiError::unexpected)?;
                (group.org_id.clone(), Some(group.id.clone()))
            }
        };
        Ok(Sa {
            shared: fx.shared,
            store: &mut *fx.store,
            req: fx.req,
            query: fx.query,
            now: fx.now,
            call,
            org_id,
            group_id,
        })
    }

    /// The service account named in the path.
    pub(super) fn client_id(&self) -> &'a str {
        self.call.path_value("clientId")
    }

    /// The request body (every operation of the family that takes one requires it).
    pub(super) fn body(&self) -> Result<&'a Value, ApiError> {
        self.call.body.as_ref().ok_or_else(ApiError::unexpected)
    }

    /// A list document for this request's page.
    pub(super) fn list(&self, page: crate::pagination::Page, items: Vec<Value>) -> Value {
        page.document(
            items,
            &self.shared.base_url,
            &self.req.head.path,
            self.query,
        )
    }

    /// `secretExpiresAfterHours` as a duration on the emulator's clock.
    pub(super) fn secret_lifetime(&self, hours: u32) -> Duration {
        self.shared
            .config
            .secret_hour
            .checked_mul(hours)
            .unwrap_or(Duration::MAX)
    }

    fn account_not_found(&self, client_id: &str) -> ApiError {
        let (what, id) = match &self.group_id {
            Some(g) => ("project", g.as_str()),
            None => ("organization", self.org_id.as_str()),
        };
        ApiError::new(
            404,
            "SERVICE_ACCOUNT_NOT_FOUND",
            format!("Service account {client_id} not found in {what} {id}."),
        )
        .param(client_id)
        .param(id)
    }

    pub(super) fn in_scope(&self, a: &Account) -> bool {
        a.org_id == self.org_id
            && self
                .group_id
                .as_deref()
                .is_none_or(|g| a.project_roles(g).is_some())
    }

    /// The service account named `client_id`, if it is in the organization (and
    /// assigned to the project, at project level).
    pub(super) fn account(&self, client_id: &str) -> Result<&Account, ApiError> {
        match self.store.account(client_id) {
            Some(a) if self.in_scope(a) => Ok(a),
            _ => Err(self.account_not_found(client_id)),
        }
    }

    pub(super) fn account_mut(&mut self, client_id: &str) -> Result<&mut Account, ApiError> {
        let found = self
            .store
            .account(client_id)
            .is_some_and(|a| self.in_scope(a));
        let not_found = self.account_not_found(client_id);
        match self.store.account_mut(client_id) {
            Some(a) if found => Ok(a),
            _ => Err(not_found),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::families;
    use crate::spec::{self, Found};

    const O: &str = "/api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/serviceAccounts";
    const G: &str = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/serviceAccounts";
    const C: &str = "mdb_sa_id_1234567890abcdef12345678";

    /// The operation the router finds, if the family that answers it is this one.
    fn routed(method: &str, path: &str) -> Option<&'static str> {
        let Found::Op(i, _) = spec::find(method, path) else {
            return None;
        };
        let ids = |ops: &[(&'static str, Handler)]| ops.iter().map(|(id, _)| *id).collect();
        let family: Vec<&str> = ids(families::family(i)?.operations);
        (family == ids(OPERATIONS)).then(|| spec::OPERATIONS[i].id)
    }

    #[test]
    fn every_operation_reaches_the_family_through_the_generic_router() {
        let cases = [
            ("GET", O.to_owned(), "listOrgServiceAccounts"),
            ("POST", O.to_owned(), "createOrgServiceAccount"),
            ("GET", format!("{O}/{C}"), "getOrgServiceAccount"),
            ("PATCH", format!("{O}/{C}"), "updateOrgServiceAccount"),
            ("DELETE", format!("{O}/{C}"), "deleteOrgServiceAccount"),
            (
                "GET",
                format!("{O}/{C}/groups"),
                "getOrgServiceAccountGroups",
            ),
            (
                "POST",
                format!("{O}/{C}/secrets"),
                "createOrgServiceAccountSecret",
            ),
            (
                "DELETE",
                format!("{O}/{C}/secrets/abc"),
                "deleteOrgServiceAccountSecret",
            ),
            (
                "GET",
                format!("{O}/{C}/accessList"),
                "listOrgServiceAccountAccessList",
            ),
            (
                "POST",
                format!("{O}/{C}/accessList"),
                "createOrgServiceAccountAccessList",
            ),
            (
                "DELETE",
                format!("{O}/{C}/accessList/192.0.2.0%2F24"),
                "deleteOrgServiceAccountAccessListEntry",
            ),
            ("GET", G.to_owned(), "listGroupServiceAccounts"),
            ("POST", G.to_owned(), "createGroupServiceAccount"),
            ("GET", format!("{G}/{C}"), "getGroupServiceAccount"),
            ("PATCH", format!("{G}/{C}"), "updateGroupServiceAccount"),
            ("DELETE", format!("{G}/{C}"), "deleteGroupServiceAccount"),
            (
                "POST",
                format!("{G}/{C}:invite"),
                "inviteGroupServiceAccount",
            ),
            (
                "POST",
                format!("{G}/{C}/secrets"),
                "createGroupServiceAccountSecret",
            ),
            (
                "DELETE",
                format!("{G}/{C}/secrets/abc"),
                "deleteGroupServiceAccountSecret",
            ),
            (
                "GET",
                format!("{G}/{C}/accessList"),
                "listGroupServiceAccountAccessList",
            ),
            (
                "POST",
                format!("{G}/{C}/accessList"),
                "createGroupServiceAccountAccessList",
            ),
            (
                "DELETE",
                format!("{G}/{C}/accessList/10.0.0.1"),
                "deleteGroupServiceAccountAccessListEntry",
            ),
        ];
        assert_eq!(cases.len(), 22);
        assert_eq!(OPERATIONS.len(), 22);
        for (method, path, expected) in &cases {
            assert_eq!(routed(method, path), Some(*expected), "{method} {path}");
            assert!(
                OPERATIONS.iter().any(|(id, _)| id == expected),
                "{expected}"
            );
        }
        // The client id of `:invite` is the segment without the suffix.
        let path = format!("{G}/{C}:invite");
        let Found::Op(_, values) = spec::find("POST", &path) else {
            panic!("{path}")
        };
        assert!(values.contains(&("clientId", C)), "{values:?}");
        // Every operation the spec tags Service Accounts is in the family: those under
        // `/serviceAccounts`.
        let in_spec: Vec<&str> = spec::OPERATIONS
            .iter()
            .filter(|op| op.path.contains("/serviceAccounts"))
            .map(|op| op.id)
            .collect();
        assert_eq!(in_spec.len(), 22, "{in_spec:?}");
        for id in in_spec {
            assert!(OPERATIONS.iter().any(|(o, _)| *o == id), "{id}");
        }
    }

    #[test]
    fn unknown_paths_and_methods() {
        for path in [
            "/api/atlas/v2/orgs//serviceAccounts",
            &format!("{O}/"),
            &format!("{G}/{C}/groups"),
            &format!("{O}/{C}:invite/x"),
            &format!("{O}/{C}/accessList/192.0.2.0/24"),
            &format!("{O}/{C}/secrets/"),
            "/api/atlas/v2/clusters/x/serviceAccounts",
        ] {
            assert_eq!(spec::find("GET", path), Found::NoPath, "{path}");
        }
        assert_eq!(
            spec::find("PUT", O),
            Found::OtherMethods(vec!["GET", "POST"])
        );
        assert_eq!(
            spec::find("GET", &format!("{G}/{C}:invite")),
            Found::OtherMethods(vec!["POST"])
        );
    }
}
