//! A project's IP access list. Each entry is one of `cidrBlock`, `ipAddress` (kept as
//! its `/32` or `/128` block too) or `awsSecurityGroup`. Adding an entry that exists
//! replaces its comment, as Atlas does, rather than failing; the answer to an addition
//! is the whole list. `{entryValue}` is an address, a block (its slash encoded as
//! `%2F`) or a security group id; an unknown one is 404
//! `ATLAS_NETWORK_PERMISSION_ENTRY_NOT_FOUND`.

use serde_json::{Map, Value, json};

use super::Reply;
use super::families::{Fx, not_found};
use crate::errors::ApiError;
use crate::resources::AccessEntry;
use crate::validation::{cidr_string, parse_cidr, parse_ip};

fn render(fx: &Fx<'_>, e: &AccessEntry) -> Value {
    let mut doc = fx.base("getGroupAccessListEntry");
    doc.extend(e.doc.clone());
    doc.insert("groupId".into(), json!(e.group_id));
    Value::Object(doc)
}

/// The identity and the kept members of one entry of a request.
fn entry(item: &Value) -> Result<(String, Map<String, Value>), ApiError> {
    let obj = item.as_object().ok_or_else(|| {
        ApiError::new(
            400,
            "INVALID_JSON",
            "Received JSON is malformed: expected an array of objects.",
        )
    })?;
    let get = |k: &str| obj.get(k).and_then(Value::as_str);
    let mut doc = Map::new();
    let given = [get("cidrBlock"), get("ipAddress"), get("awsSecurityGroup")]
        .iter()
        .filter(|v| v.is_some())
        .count();
    if given != 1 {
        return Err(ApiError::validation(
            "cidrBlock",
            "exactly one of cidrBlock, ipAddress and awsSecurityGroup must be set",
        ));
    }
    let key = if let Some(block) = get("cidrBlock") {
        let (ip, bits) = parse_cidr(block)
            .ok_or_else(|| ApiError::validation("cidrBlock", "is not a CIDR block"))?;
        let block = cidr_string(ip, bits);
        doc.insert("cidrBlock".into(), json!(block));
        block
    } else if let Some(address) = get("ipAddress") {
        let ip = parse_ip(address)
            .ok_or_else(|| ApiError::validation("ipAddress", "is not an IP address"))?;
        let bits = if ip.is_ipv4() { 32 } else { 128 };
        doc.insert("ipAddress".into(), json!(ip.to_string()));
        doc.insert("cidrBlock".into(), json!(cidr_string(ip, bits)));
        ip.to_string()
    } else {
        let group = get("awsSecurityGroup").unwrap_or_default();
        doc.insert("awsSecurityGroup".into(), json!(group));
        group.to_owned()
    };
    for k in ["comment", "deleteAfterDate"] {
        if let Some(v) = obj.get(k) {
            doc.insert(k.into(), v.clone());
        }
    }
    Ok((key, doc))
}

/// The entry `{entryValue}` names, by its identity or its block.
fn position(fx: &Fx<'_>) -> Result<usize, ApiError> {
    let group = fx.call.path_value("groupId");
    let value = fx.call.path_value("entryValue");
    let block = parse_cidr(value).map(|(ip, bits)| cidr_string(ip, bits));
    fx.store
        .resources
        .access
        .iter()
        .position(|e| {
            e.group_id == group
                && (e.key == value
                    || block.is_some()
                        && e.doc.get("cidrBlock").and_then(Value::as_str) == block.as_deref())
        })
        .ok_or_else(|| {
            not_found(
                "ATLAS_NETWORK_PERMISSION_ENTRY_NOT_FOUND",
                &format!("IP access list entry {value} in project {group}"),
                &[value, group],
            )
        })
}

fn all(fx: &Fx<'_>) -> Vec<Value> {
    let group = fx.call.path_value("groupId");
    fx.store
        .resources
        .access
        .iter()
        .filter(|e| e.group_id == group)
        .map(|e| render(fx, e))
        .collect()
}

pub(crate) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let items = all(fx);
    fx.list(items)
}

pub(crate) fn create(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let group = fx.call.path_value("groupId").to_owned();
    let items = match &fx.call.body {
        Some(Value::Array(items)) => items.clone(),
        _ => Vec::new(),
    };
    let mut parsed = Vec::with_capacity(items.len());
    for item in &items {
        parsed.push(entry(item)?);
    }
    for (key, doc) in parsed {
        let list = &mut fx.store.resources.access;
        match list
            .iter_mut()
            .find(|e| e.group_id == group && e.key == key)
        {
            Some(existing) => existing.doc = doc,
            None => list.push(AccessEntry {
                group_id: group.clone(),
                key,
                doc,
            }),
        }
    }
    let items = all(fx);
    let mut reply = fx.list(items)?;
    reply.status = fx.status();
    Ok(reply)
}

pub(crate) fn get(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let i = position(fx)?;
    Ok(Reply::json(200, render(fx, &fx.store.resources.access[i])))
}

pub(crate) fn status(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    position(fx)?;
    let mut doc = fx.base("getGroupAccessListStatus");
    doc.insert("STATUS".into(), json!("ACTIVE"));
    Ok(Reply::json(200, Value::Object(doc)))
}

pub(crate) fn delete(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let i = position(fx)?;
    fx.store.resources.access.remove(i);
    Ok(Reply::no_content_with(fx.status()))
}
