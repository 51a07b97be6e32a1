//! Database users of a project, keyed by authentication database and user name: create
//! (409 `USER_ALREADY_EXISTS`), get, list, update, delete (404 `USERNAME_NOT_FOUND`
//! after). The password is never kept nor answered, as in Atlas.

use serde_json::{Map, Value, json};

use super::Reply;
use super::families::{Fx, conflict, not_found};
use crate::errors::ApiError;
use crate::resources::DbUser;

fn render(fx: &Fx<'_>, u: &DbUser) -> Value {
    let mut doc = fx.base("getGroupDatabaseUser");
    for (k, v) in &u.doc {
        doc.insert(k.clone(), v.clone());
    }
    doc.insert("groupId".into(), json!(u.group_id));
    doc.insert("databaseName".into(), json!(u.database));
    doc.insert("username".into(), json!(u.username));
    Value::Object(doc)
}

/// What is kept of a body: everything but the password and the identity.
fn kept(mut body: Map<String, Value>) -> Map<String, Value> {
    for k in ["password", "groupId", "databaseName", "username"] {
        body.remove(k);
    }
    body
}

fn missing(fx: &Fx<'_>) -> ApiError {
    let user = fx.call.path_value("username");
    not_found(
        "USERNAME_NOT_FOUND",
        &format!("Database user {user}"),
        &[user],
    )
}

fn position(fx: &Fx<'_>) -> Option<usize> {
    let group = fx.call.path_value("groupId");
    let db = fx.call.path_value("databaseName");
    let user = fx.call.path_value("username");
    fx.store
        .resources
        .db_users
        .iter()
        .position(|u| u.group_id == group && u.database == db && u.username == user)
}

pub(crate) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId");
    let items = fx
        .store
        .resources
        .db_users
        .iter()
        .filter(|u| u.group_id == group)
        .map(|u| render(fx, u))
        .collect();
    fx.list(items)
}

pub(crate) fn create(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId").to_owned();
    let body = fx.body();
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .ok_or_else(|| ApiError::missing_attribute(k))
    };
    let database = text("databaseName")?;
    let username = text("username")?;
    if fx
        .store
        .resources
        .db_users
        .iter()
        .any(|u| u.group_id == group && u.database == database && u.username == username)
    {
        return Err(conflict(
            "USER_ALREADY_EXISTS",
            format!("The database user {username} already exists in project {group}."),
            &[&username, &group],
        ));
    }
    let user = DbUser {
        group_id: group,
        database,
        username,
        doc: kept(body),
    };
    let doc = render(fx, &user);
    fx.store.resources.db_users.push(user);
    Ok(Reply::json(fx.status(), doc))
}

pub(crate) fn get(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let i = position(fx).ok_or_else(|| missing(fx))?;
    let user = &fx.store.resources.db_users[i];
    Ok(Reply::json(200, render(fx, user)))
}

pub(crate) fn update(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let i = position(fx).ok_or_else(|| missing(fx))?;
    let changes = kept(fx.body());
    let user = &mut fx.store.resources.db_users[i];
    user.doc.extend(changes);
    let user = user.clone();
    Ok(Reply::json(fx.status(), render(fx, &user)))
}

pub(crate) fn delete(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let i = position(fx).ok_or_else(|| missing(fx))?;
    fx.store.resources.db_users.remove(i);
    Ok(Reply::no_content_with(fx.status()))
}
