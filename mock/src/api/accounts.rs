//! Service accounts: list, create, get, update, delete at both levels; the projects of a
//! service account (org level); assigning one to a project (`:invite`).
//!
//! At project level, the service accounts are those assigned to the project, and
//! `roles` are their project roles. Creating one there creates an organization service
//! account with `ORG_MEMBER` and assigns it to the project; deleting one there removes it
//! from the project only (it stays in the organization and its credentials keep working).

use serde_json::Value;

use super::Reply;
use super::families::Fx;
use super::render::{self, Fresh};
use super::service_accounts::Sa;
use crate::errors::ApiError;
use crate::pagination::Page;
use crate::store::Account;
use crate::validation::{
    GROUP_ROLES, ORG_ROLES, check_expiry_hours, check_roles, check_text, object, opt_string,
    opt_strings, reject_unknown, req_int32, req_string, req_strings,
};

/// Longest name, in UTF-16 units.
const NAME_MAX: usize = 64;
/// Longest description, in UTF-16 units.
const DESCRIPTION_MAX: usize = 250;

impl Sa<'_> {
    /// The right schema for this level.
    fn render(&self, a: &Account, fresh: Fresh<'_>) -> Value {
        match &self.group_id {
            Some(g) => render::group_account(a, g, fresh),
            None => render::org_account(a, fresh),
        }
    }

    /// Roles valid at this level.
    fn role_names(&self) -> &'static [&'static str] {
        if self.group_id.is_some() {
            GROUP_ROLES
        } else {
            ORG_ROLES
        }
    }
}

/// `GET …/serviceAccounts`.
pub(super) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let ctx = Sa::new(fx)?;
    let page = Page::from_query(ctx.query)?;
    // `includeSystemManaged` is accepted; the emulator has no system-managed accounts.
    let items: Vec<Value> = ctx
        .store
        .accounts
        .iter()
        .filter(|a| ctx.in_scope(a))
        .map(|a| ctx.render(a, None))
        .collect();
    Ok(Reply::json(200, ctx.list(page, items)))
}

/// `POST …/serviceAccounts`.
pub(super) fn create(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let ctx = Sa::new(fx)?;
    let map = object(ctx.body()?)?;
    reject_unknown(
        map,
        "",
        &["description", "name", "roles", "secretExpiresAfterHours"],
        &[],
    )?;
    let description = req_string(map, "description")?;
    check_text("description", description, DESCRIPTION_MAX)?;
    let name = req_string(map, "name")?;
    check_text("name", name, NAME_MAX)?;
    let roles = check_roles(
        "roles",
        req_strings(map, "roles")?,
        ctx.role_names(),
        true,
        false,
    )?;
    let hours = check_expiry_hours(
        req_int32(map, "secretExpiresAfterHours")?,
        ctx.shared.config.max_secret_hours,
    )?;
    let (org_roles, projects) = match &ctx.group_id {
        Some(g) => (vec!["ORG_MEMBER".to_owned()], vec![(g.clone(), roles)]),
        None => (roles, Vec::new()),
    };
    let lifetime = ctx.secret_lifetime(hours);
    let org_id = ctx.org_id.clone();
    let (client_id, plaintext) = ctx.store.create_account(
        &org_id,
        name,
        description,
        org_roles,
        projects,
        lifetime,
        ctx.now,
    );
    let account = ctx.account(&client_id)?;
    let secret_id = account.secrets.first().map(|s| s.id.as_str()).unwrap_or("");
    Ok(Reply::json(
        201,
        ctx.render(account, Some((secret_id, &plaintext))),
    ))
}

/// `GET …/serviceAccounts/{clientId}`.
pub(super) fn get(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let account = ctx.account(client_id)?;
    Ok(Reply::json(200, ctx.render(account, None)))
}

/// `PATCH …/serviceAccounts/{clientId}`: absent or `null` fields stay as they are.
pub(super) fn update(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let mut ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let map = object(ctx.body()?)?;
    reject_unknown(map, "", &["description", "name", "roles"], &[])?;
    let description = opt_string(map, "description")?;
    if let Some(d) = description {
        check_text("description", d, DESCRIPTION_MAX)?;
    }
    let name = opt_string(map, "name")?;
    if let Some(n) = name {
        check_text("name", n, NAME_MAX)?;
    }
    // The spec sets no minimum here, but an account without roles cannot exist:
    // an empty list is refused as on creation.
    let roles = match opt_strings(map, "roles")? {
        Some(r) => Some(check_roles("roles", r, ctx.role_names(), true, false)?),
        None => None,
    };
    let group_id = ctx.group_id.clone();
    let account = ctx.account_mut(client_id)?;
    if let Some(d) = description {
        d.clone_into(&mut account.description);
    }
    if let Some(n) = name {
        n.clone_into(&mut account.name);
    }
    if let Some(roles) = roles {
        match &group_id {
            Some(g) => {
                if let Some((_, r)) = account.projects.iter_mut().find(|(p, _)| p == g) {
                    *r = roles;
                }
            }
            None => account.org_roles = roles,
        }
    }
    let account = ctx.account(client_id)?;
    Ok(Reply::json(200, ctx.render(account, None)))
}

/// `DELETE …/serviceAccounts/{clientId}`.
pub(super) fn delete(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let mut ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    match ctx.group_id.clone() {
        Some(g) => {
            let account = ctx.account_mut(client_id)?;
            account.projects.retain(|(p, _)| *p != g);
        }
        None => {
            ctx.account(client_id)?;
            ctx.store.delete_account(client_id);
        }
    }
    Ok(Reply::no_content())
}

/// `GET /orgs/{orgId}/serviceAccounts/{clientId}/groups`.
pub(super) fn groups(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let page = Page::from_query(ctx.query)?;
    let account = ctx.account(client_id)?;
    let items: Vec<Value> = account
        .projects
        .iter()
        .map(|(g, roles)| render::assignment(g, roles))
        .collect();
    Ok(Reply::json(200, ctx.list(page, items)))
}

/// `POST /groups/{groupId}/serviceAccounts/{clientId}:invite`: assigns an organization
/// service account to the project with these roles (replacing its roles there if it
/// was already assigned).
pub(super) fn invite(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let map = object(ctx.body()?)?;
    reject_unknown(map, "", &["roles"], &[])?;
    let roles = check_roles("roles", req_strings(map, "roles")?, GROUP_ROLES, true, true)?;
    let Some(group_id) = ctx.group_id.clone() else {
        return Err(ApiError::unexpected());
    };
    let org_id = ctx.org_id.clone();
    match ctx.store.account_mut(client_id) {
        Some(account) if account.org_id == org_id => {
            match account.projects.iter_mut().find(|(p, _)| *p == group_id) {
                Some((_, r)) => *r = roles,
                None => account.projects.push((group_id, roles)),
            }
        }
        _ => {
            return Err(ApiError::new(
                404,
                "SERVICE_ACCOUNT_NOT_FOUND",
                format!("Service account {client_id} not found in organization {org_id}."),
            )
            .param(client_id)
            .param(org_id));
        }
    }
    let account = ctx.account(client_id)?;
    Ok(Reply::json(200, ctx.render(account, None)))
}
