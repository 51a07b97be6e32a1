//! Who is calling (authentication) and what they may do (authorization).
//!
//! API calls authenticate with `Authorization: Bearer <token>` (a token from
//! [`oauth`]) or HTTP Digest with an API key ([`digest`]). Anything else, or nothing, gets
//! 401 `UNAUTHORIZED` with the Digest challenges (MD5, then SHA-256) in
//! `WWW-Authenticate`.
//!
//! Authorization follows the spec's `x-rolesRequirements` (checked for every operation by
//! [`crate::api::generic::check`]), with Atlas's role hierarchy reduced to four classes:
//!
//! | requirement | granted by |
//! | --- | --- |
//! | Organization Read Only | any organization role (every org role includes membership) |
//! | Organization Owner | `ORG_OWNER` |
//! | Project Read Only | `ORG_OWNER`, `ORG_READ_ONLY`, or any role in the project |
//! | Project Owner, Project Access Manager | `ORG_OWNER` or `GROUP_OWNER` in the project |
//!
//! A caller from another organization, or without the role, gets 403 `USER_UNAUTHORIZED`.
//!
//! On top of the roles, the Service Accounts family's admission rule
//! (`api::service_accounts::authorize`) keeps the project routes from reaching past the
//! project ([`may_manage_through_project`]): creating or deleting a secret, or changing the
//! access list, of a service account through `/groups/{groupId}/…` needs a caller whose
//! privileges cover the account's (an `ORG_OWNER`, the account itself, or a
//! `GROUP_OWNER` of every project the account is in, for an account with no
//! organization role beyond `ORG_MEMBER`). Otherwise a project owner could mint a secret
//! for an organization owner's account invited to the project, and act as it.

pub(crate) mod digest;
pub(crate) mod oauth;

use std::time::SystemTime;

use crate::errors::ApiError;
use crate::server::http::Request;
use crate::state::{Shared, lock};
use crate::store::{Account, Store, TokenProblem};

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    /// A service account, by client id, through a bearer token.
    ServiceAccount(String),
    /// A programmatic API key, by public key, through Digest.
    ApiKey(String),
}

/// What an operation requires of the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    OrgRead,
    OrgOwner,
    GroupRead,
    GroupOwner,
}

/// A 401 with fresh Digest challenges.
pub(crate) fn unauthorized(
    shared: &Shared,
    now: SystemTime,
    detail: &str,
    stale: bool,
) -> ApiError {
    let nonce = lock(&shared.nonces).issue(now);
    let mut e = ApiError::new(
        401,
        "UNAUTHORIZED",
        format!("You are not authorized for this resource. {detail}"),
    );
    for challenge in digest::challenges(&nonce, stale) {
        e = e.header("WWW-Authenticate", challenge);
    }
    e
}

/// Authenticates an API call.
pub(crate) fn authenticate(
    shared: &Shared,
    store: &mut Store,
    req: &Request,
    now: SystemTime,
) -> Result<Principal, ApiError> {
    let Some(header) = req.header("authorization") else {
        return Err(unauthorized(
            shared,
            now,
            "No credentials were sent.",
            false,
        ));
    };
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if scheme.eq_ignore_ascii_case("Bearer") {
        let token = rest.trim();
        return match store.token_owner(token, now) {
            Ok(client_id) => {
                if let Some(account) = store.account_mut(&client_id) {
                    account.record_use(req.peer.ip(), now);
                }
                Ok(Principal::ServiceAccount(client_id))
            }
            Err(problem) => {
                let detail = match problem {
                    TokenProblem::Unknown => "The access token is not valid.",
                    TokenProblem::Expired => "The access token has expired.",
                    TokenProblem::Revoked => "The access token has been revoked.",
                    TokenProblem::AccountGone => "The service account no longer exists.",
                };
                Err(unauthorized(shared, now, detail, false))
            }
        };
    }
    if scheme.eq_ignore_ascii_case("Digest") {
        let verified = {
            let store: &Store = store;
            let mut nonces = lock(&shared.nonces);
            digest::verify(
                rest,
                &req.head.method,
                &req.head.target,
                |public| store.api_key(public).map(|k| k.private.clone()),
                &mut nonces,
                now,
            )
        };
        return match verified {
            Ok(public) => Ok(Principal::ApiKey(public)),
            Err(failure) => Err(unauthorized(shared, now, failure.detail, failure.stale)),
        };
    }
    Err(unauthorized(
        shared,
        now,
        "Use a bearer token from /api/oauth/token or Digest with an API key.",
        false,
    ))
}

fn forbidden() -> ApiError {
    ApiError::new(
        403,
        "USER_UNAUTHORIZED",
        "Current user is not authorized to perform this action.",
    )
}

/// Checks that `principal` may do what `need` says in `org_id` (and `group_id`).
pub(crate) fn authorize(
    store: &Store,
    principal: &Principal,
    org_id: &str,
    group_id: Option<&str>,
    need: Need,
) -> Result<(), ApiError> {
    let (caller_org, org_roles, group_roles): (&str, &[String], &[String]) = match principal {
        Principal::ServiceAccount(client_id) => {
            let Some(account) = store.account(client_id) else {
                return Err(forbidden());
            };
            let group_roles = group_id
                .and_then(|g| account.project_roles(g))
                .map_or(&[][..], Vec::as_slice);
            (&account.org_id, &account.org_roles, group_roles)
        }
        Principal::ApiKey(public) => {
            let Some(key) = store.api_key(public) else {
                return Err(forbidden());
            };
            (&key.org_id, &key.org_roles, &[])
        }
    };
    if caller_org != org_id {
        return Err(forbidden());
    }
    let has = |roles: &[String], role: &str| roles.iter().any(|r| r == role);
    let owner = has(org_roles, "ORG_OWNER");
    let allowed = match need {
        Need::OrgRead => !org_roles.is_empty(),
        Need::OrgOwner => owner,
        Need::GroupRead => owner || has(org_roles, "ORG_READ_ONLY") || !group_roles.is_empty(),
        Need::GroupOwner => owner || has(group_roles, "GROUP_OWNER"),
    };
    if allowed { Ok(()) } else { Err(forbidden()) }
}

/// Whether `principal` may create or delete secrets, or change the access list, of
/// `target` through a project route: only when that cannot give it more than it has.
pub(crate) fn may_manage_through_project(
    store: &Store,
    principal: &Principal,
    target: &Account,
) -> bool {
    let has = |roles: &[String], role: &str| roles.iter().any(|r| r == role);
    match principal {
        Principal::ApiKey(public) => store
            .api_key(public)
            .is_some_and(|k| k.org_id == target.org_id && has(&k.org_roles, "ORG_OWNER")),
        Principal::ServiceAccount(client_id) => {
            let Some(caller) = store.account(client_id) else {
                return false;
            };
            if caller.org_id != target.org_id {
                return false;
            }
            caller.client_id == target.client_id
                || has(&caller.org_roles, "ORG_OWNER")
                || (target.org_roles.iter().all(|r| r == "ORG_MEMBER")
                    && target.projects.iter().all(|(group, _)| {
                        caller
                            .project_roles(group)
                            .is_some_and(|roles| has(roles, "GROUP_OWNER"))
                    }))
        }
    }
}
