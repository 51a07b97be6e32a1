//! Secrets of a service account: create (the plaintext is in that response only) and
//! delete. A deleted or expired secret no longer gets tokens; tokens already issued with
//! it keep working until they expire or are revoked.

use super::Reply;
use super::families::Fx;
use super::render;
use super::service_accounts::Sa;
use crate::errors::ApiError;
use crate::validation::{check_expiry_hours, object, reject_unknown, req_int32};

/// `POST …/serviceAccounts/{clientId}/secrets`.
pub(super) fn create(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let mut ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let map = object(ctx.body()?)?;
    reject_unknown(map, "", &["secretExpiresAfterHours"], &[])?;
    let hours = check_expiry_hours(
        req_int32(map, "secretExpiresAfterHours")?,
        ctx.shared.config.max_secret_hours,
    )?;
    let lifetime = ctx.secret_lifetime(hours);
    let now = ctx.now;
    let account = ctx.account_mut(client_id)?;
    let (id, plaintext) = account.add_secret(lifetime, now);
    let secret = account
        .secrets
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(ApiError::unexpected)?;
    Ok(Reply::json(201, render::secret(secret, Some(&plaintext))))
}

/// `DELETE …/serviceAccounts/{clientId}/secrets/{secretId}`.
pub(super) fn delete(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let mut ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let secret_id = ctx.call.path_value("secretId");
    let account = ctx.account_mut(client_id)?;
    let before = account.secrets.len();
    account.secrets.retain(|s| s.id != secret_id);
    if account.secrets.len() == before {
        return Err(ApiError::new(
            404,
            "RESOURCE_NOT_FOUND",
            format!("Secret {secret_id} not found for service account {client_id}."),
        )
        .param(secret_id)
        .param(client_id));
    }
    Ok(Reply::no_content())
}
