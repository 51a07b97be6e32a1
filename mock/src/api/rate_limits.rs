//! Rate limits: `listRateLimits` and `getRateLimit`, answered from the emulator's table
//! of endpoint sets ([`crate::EndpointSet`]) as `RateLimitEndpointSetResponse`
//! (`capacity`, `refillRate` and `refillDurationSeconds` as `{value}`: the emulator
//! overrides nothing, so there is no `defaultValue`; the schema has no member for the
//! tokens left, so none is invented).
//!
//! The query names whose limits are asked for, and the caller must be entitled to them:
//! `groupId` (the project must exist, 404 `GROUP_NOT_FOUND`, and the caller read it, 403),
//! `orgId` (likewise, `ORG_NOT_FOUND`), `userId` (the caller's own client id or public
//! key, else 403) and `ipAddress` (the caller's own address, else 403). In the list, each
//! of them keeps the sets of its scope (several: the union); `name` (repeatable) keeps the
//! sets of those names, and `endpointPath` (repeatable) the sets that govern one of those
//! path templates (placeholder names and a trailing slash aside). The list is paginated as
//! every list. An unknown `endpointSetId` is 404 `RESOURCE_NOT_FOUND` (the emulator's
//! code: Atlas's is not documented).

use super::Reply;
use super::families::{Fx, not_found};
use crate::auth::{self, Principal};
use crate::errors::ApiError;
use crate::ratelimit::{Scope, shape};

fn forbidden(detail: &str) -> ApiError {
    ApiError::new(403, "USER_UNAUTHORIZED", detail.to_owned())
}

/// Checks the entitlement query parameters; returns the scopes they name.
fn entitled_scopes(fx: &Fx<'_>) -> Result<Vec<Scope>, ApiError> {
    let mut scopes = Vec::new();
    let principal = fx
        .call
        .principal
        .as_ref()
        .ok_or_else(ApiError::unexpected)?;
    if let Some(g) = fx.query.get("groupId") {
        let group = fx.store.group(g).ok_or_else(|| {
            ApiError::new(
                404,
                "GROUP_NOT_FOUND",
                format!("No group with ID {g} exists."),
            )
            .param(g.to_owned())
        })?;
        auth::authorize(
            fx.store,
            principal,
            &group.org_id,
            Some(&group.id),
            auth::Need::GroupRead,
        )?;
        scopes.push(Scope::Group);
    }
    if let Some(o) = fx.query.get("orgId") {
        let org = fx.store.org(o).ok_or_else(|| {
            ApiError::new(
                404,
                "ORG_NOT_FOUND",
                format!("No organization with ID {o} exists."),
            )
            .param(o.to_owned())
        })?;
        auth::authorize(fx.store, principal, &org.id, None, auth::Need::OrgRead)?;
        scopes.push(Scope::Org);
    }
    if let Some(u) = fx.query.get("userId") {
        let own = match principal {
            Principal::ServiceAccount(id) | Principal::ApiKey(id) => id,
        };
        if u != own {
            return Err(forbidden("The rate limits of another user cannot be read."));
        }
        scopes.push(Scope::User);
    }
    if let Some(ip) = fx.query.get("ipAddress") {
        if ip != fx.req.peer.ip().to_string() {
            return Err(forbidden(
                "The rate limits of another IP address cannot be read.",
            ));
        }
        scopes.push(Scope::Ip);
    }
    Ok(scopes)
}

/// `listRateLimits`.
pub(crate) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let scopes = entitled_scopes(fx)?;
    let names: Vec<&str> = fx.query.all("name").collect();
    let paths: Vec<String> = fx.query.all("endpointPath").map(shape).collect();
    let table = &fx.shared.limits.table;
    let items = table
        .sets()
        .iter()
        .enumerate()
        .filter(|(_, s)| scopes.is_empty() || scopes.contains(&s.scope))
        .filter(|(_, s)| names.is_empty() || names.contains(&s.name.as_str()))
        .filter(|(i, _)| paths.is_empty() || paths.iter().any(|p| table.governs_path(*i, p)))
        .map(|(i, _)| table.render(i, &paths))
        .collect();
    fx.list(items)
}

/// `getRateLimit`.
pub(crate) fn get(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    entitled_scopes(fx)?;
    let id = fx.call.path_value("endpointSetId");
    let table = &fx.shared.limits.table;
    let set = table
        .find(id)
        .ok_or_else(|| not_found("RESOURCE_NOT_FOUND", &format!("Endpoint set {id}"), &[id]))?;
    Ok(Reply::json(fx.status(), table.render(set, &[])))
}
