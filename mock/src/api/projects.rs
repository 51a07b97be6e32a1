//! Organizations (read) and projects: create, get (by id or name), list, rename, delete.
//!
//! A project's name is unique in its organization (409 `GROUP_ALREADY_EXISTS`); a
//! project with clusters cannot be deleted (409
//! `CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_CLUSTERS`); deleting one removes its clusters,
//! database users, access list and service-account assignments. A caller sees its own
//! organization and that organization's projects.

use serde_json::{Value, json};
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use super::Reply;
use super::families::{Fx, conflict, not_found};
use crate::auth::{self, Need};
use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::store::{Group, Org};
use crate::validation::java_length;

fn render_org(fx: &Fx<'_>, org: &Org) -> Value {
    let mut doc = fx.base("getOrg");
    doc.insert("id".into(), json!(org.id));
    doc.insert("name".into(), json!(org.name));
    doc.insert("isDeleted".into(), json!(false));
    Value::Object(doc)
}

fn render_group(fx: &Fx<'_>, g: &Group) -> Value {
    let mut doc = fx.base("getGroup");
    let clusters = fx
        .store
        .resources
        .clusters
        .iter()
        .filter(|c| c.group_id == g.id)
        .count();
    doc.insert("id".into(), json!(g.id));
    doc.insert("name".into(), json!(g.name));
    doc.insert("orgId".into(), json!(g.org_id));
    doc.insert("created".into(), json!(rfc3339(g.created)));
    doc.insert("clusterCount".into(), json!(clusters));
    doc.insert("tags".into(), Value::Array(g.tags.clone()));
    Value::Object(doc)
}

pub(crate) fn list_orgs(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let own = fx.caller_org();
    let name = fx.query.get("name");
    let items = fx
        .store
        .orgs
        .iter()
        .filter(|o| Some(&o.id) == own.as_ref())
        .filter(|o| name.is_none_or(|n| o.name.eq_ignore_ascii_case(n)))
        .map(|o| render_org(fx, o))
        .collect();
    fx.list(items)
}

pub(crate) fn get_org(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let id = fx.call.path_value("orgId");
    let org = fx
        .store
        .org(id)
        .ok_or_else(|| not_found("ORG_NOT_FOUND", &format!("Organization {id}"), &[id]))?;
    Ok(Reply::json(200, render_org(fx, org)))
}

pub(crate) fn org_groups(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let id = fx.call.path_value("orgId");
    let name = fx.query.get("name");
    let items = fx
        .store
        .groups
        .iter()
        .filter(|g| g.org_id == id && name.is_none_or(|n| g.name == n))
        .map(|g| render_group(fx, g))
        .collect();
    fx.list(items)
}

pub(crate) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let own = fx.caller_org();
    let items = fx
        .store
        .groups
        .iter()
        .filter(|g| Some(&g.org_id) == own.as_ref())
        .map(|g| render_group(fx, g))
        .collect();
    fx.list(items)
}

/// The spec's pattern for project names, `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`.
fn check_name(name: &str) -> Result<(), ApiError> {
    let allowed = |c: char| {
        "-_.(),:&@+'".contains(c)
            || matches!(
                c.general_category_group(),
                GeneralCategoryGroup::Letter | GeneralCategoryGroup::Number
            )
    };
    if (1..=64).contains(&java_length(name)) && name.chars().all(allowed) {
        Ok(())
    } else {
        Err(ApiError::validation(
            "name",
            r#"must match "^[\p{L}\p{N}\-_.(),:&@+']{1,64}$""#,
        ))
    }
}

pub(crate) fn create(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let body = fx.body();
    let name = body.get("name").and_then(Value::as_str).unwrap_or("");
    let org_id = body.get("orgId").and_then(Value::as_str).unwrap_or("");
    check_name(name)?;
    if fx.store.org(org_id).is_none() {
        return Err(not_found(
            "ORG_NOT_FOUND",
            &format!("Organization {org_id}"),
            &[org_id],
        ));
    }
    if let Some(principal) = &fx.call.principal {
        auth::authorize(fx.store, principal, org_id, None, Need::OrgOwner)?;
    }
    if fx
        .store
        .groups
        .iter()
        .any(|g| g.org_id == org_id && g.name == name)
    {
        return Err(conflict(
            "GROUP_ALREADY_EXISTS",
            format!("A project named {name} already exists in organization {org_id}."),
            &[name],
        ));
    }
    let mut group = Group::new(org_id, name, fx.now);
    if let Some(Value::Array(tags)) = body.get("tags") {
        group.tags = tags.clone();
    }
    let doc = render_group(fx, &group);
    fx.store.groups.push(group);
    Ok(Reply::json(fx.status(), doc))
}

pub(crate) fn get(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let id = fx.call.path_value("groupId");
    let group = fx.store.group(id).ok_or_else(ApiError::unexpected)?;
    Ok(Reply::json(200, render_group(fx, group)))
}

pub(crate) fn by_name(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let name = fx.call.path_value("groupName");
    let own = fx.caller_org();
    let missing = || {
        not_found(
            "GROUP_NAME_NOT_FOUND",
            &format!("Project named {name}"),
            &[name],
        )
    };
    let group = fx
        .store
        .groups
        .iter()
        .find(|g| g.name == name && Some(&g.org_id) == own.as_ref())
        .ok_or_else(missing)?;
    if let Some(principal) = &fx.call.principal {
        auth::authorize(
            fx.store,
            principal,
            &group.org_id,
            Some(&group.id),
            Need::GroupRead,
        )?;
    }
    Ok(Reply::json(200, render_group(fx, group)))
}

pub(crate) fn update(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let id = fx.call.path_value("groupId").to_owned();
    let body = fx.body();
    let index = fx
        .store
        .groups
        .iter()
        .position(|g| g.id == id)
        .ok_or_else(ApiError::unexpected)?;
    if let Some(name) = body.get("name").and_then(Value::as_str) {
        check_name(name)?;
        let org = fx.store.groups[index].org_id.clone();
        if fx
            .store
            .groups
            .iter()
            .any(|g| g.id != id && g.org_id == org && g.name == name)
        {
            return Err(conflict(
                "GROUP_ALREADY_EXISTS",
                format!("A project named {name} already exists in organization {org}."),
                &[name],
            ));
        }
        fx.store.groups[index].name = name.to_owned();
    }
    if let Some(Value::Array(tags)) = body.get("tags") {
        fx.store.groups[index].tags = tags.clone();
    }
    let group = fx.store.groups[index].clone();
    Ok(Reply::json(200, render_group(fx, &group)))
}

pub(crate) fn delete(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let id = fx.call.path_value("groupId").to_owned();
    if fx.store.resources.clusters.iter().any(|c| c.group_id == id) {
        return Err(conflict(
            "CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_CLUSTERS",
            format!("Project {id} still has clusters; delete them first."),
            &[&id],
        ));
    }
    fx.store.groups.retain(|g| g.id != id);
    fx.store.resources.drop_group(&id);
    fx.store.lifecycles.drop_group(&id);
    for account in &mut fx.store.accounts {
        account.projects.retain(|(g, _)| *g != id);
    }
    Ok(Reply::no_content_with(fx.status()))
}
