//! The spec's response schemas as JSON: `OrgServiceAccount`, `GroupServiceAccount`,
//! `ServiceAccountSecret`, `ServiceAccountIPAccessListEntry`, `ServiceAccountGroup`.
//! Keys come out in alphabetical order, as Atlas writes them; dates are RFC 3339 UTC.

use serde_json::{Map, Value, json};

use crate::clock::rfc3339;
use crate::store::{Account, Entry, Secret};

/// A secret just created: its id and plaintext, shown once.
pub(super) type Fresh<'a> = Option<(&'a str, &'a str)>;

/// `ServiceAccountSecret`; `secret` only with the plaintext of a secret just created.
pub(super) fn secret(s: &Secret, plaintext: Option<&str>) -> Value {
    let mut doc = Map::new();
    doc.insert("createdAt".into(), rfc3339(s.created_at).into());
    doc.insert("expiresAt".into(), rfc3339(s.expires_at).into());
    doc.insert("id".into(), s.id.clone().into());
    if let Some(t) = s.last_used_at {
        doc.insert("lastUsedAt".into(), rfc3339(t).into());
    }
    doc.insert("maskedSecretValue".into(), s.masked.clone().into());
    if let Some(p) = plaintext {
        doc.insert("secret".into(), p.into());
    }
    Value::Object(doc)
}

fn secrets(a: &Account, fresh: Fresh<'_>) -> Value {
    a.secrets
        .iter()
        .map(|s| {
            let plaintext = fresh.filter(|(id, _)| *id == s.id).map(|(_, p)| p);
            secret(s, plaintext)
        })
        .collect()
}

/// `OrgServiceAccount`.
pub(super) fn org_account(a: &Account, fresh: Fresh<'_>) -> Value {
    json!({
        "clientId": a.client_id,
        "createdAt": rfc3339(a.created_at),
        "description": a.description,
        "name": a.name,
        "roles": a.org_roles,
        "secrets": secrets(a, fresh),
    })
}

/// `GroupServiceAccount`: `roles` are the roles in `group_id`.
pub(super) fn group_account(a: &Account, group_id: &str, fresh: Fresh<'_>) -> Value {
    let roles = a.project_roles(group_id).cloned().unwrap_or_default();
    json!({
        "clientId": a.client_id,
        "createdAt": rfc3339(a.created_at),
        "description": a.description,
        "name": a.name,
        "roles": roles,
        "secrets": secrets(a, fresh),
    })
}

/// `ServiceAccountIPAccessListEntry`: `cidrBlock` always (an address is a `/32` or
/// `/128` block), `ipAddress` for entries created from an address.
pub(super) fn entry(e: &Entry) -> Value {
    let mut doc = Map::new();
    doc.insert("cidrBlock".into(), e.cidr_block().into());
    doc.insert("createdAt".into(), rfc3339(e.created_at).into());
    if let Some(ip) = e.ip_address {
        doc.insert("ipAddress".into(), ip.to_string().into());
    }
    if let Some(ip) = e.last_used_address {
        doc.insert("lastUsedAddress".into(), ip.to_string().into());
    }
    if let Some(t) = e.last_used_at {
        doc.insert("lastUsedAt".into(), rfc3339(t).into());
    }
    doc.insert("requestCount".into(), e.request_count.into());
    Value::Object(doc)
}

/// `ServiceAccountGroup`.
pub(super) fn assignment(group_id: &str, roles: &[String]) -> Value {
    json!({"groupId": group_id, "roles": roles})
}
