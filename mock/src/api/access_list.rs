//! The access list of a service account (one list, seen from the organization or from
//! any project the account is assigned to).
//!
//! Creating takes a JSON array of 1 to 200 entries, each with exactly one of `cidrBlock`
//! or `ipAddress`, and answers the (paginated) list. An entry that already exists, or
//! appears twice in the request, is a 409 and nothing is added. Deleting takes the entry
//! in the path, percent-encoded once by the client (`192.0.2.0%2F24`) and decoded once;
//! admission has held it to the spec's pattern for `ipAddress` (so an IPv6 address is
//! written in full, or as a block ending in `::`), and here it must be one address or
//! block.

use std::net::IpAddr;

use serde_json::Value;

use super::Reply;
use super::families::Fx;
use super::render;
use super::service_accounts::Sa;
use crate::errors::ApiError;
use crate::pagination::Page;
use crate::store::Entry;
use crate::validation::{cidr_string, opt_string, parse_cidr, parse_ip, reject_unknown};

/// Most entries in one request.
const MAX_ENTRIES: usize = 200;

fn full_prefix(ip: IpAddr) -> u8 {
    if ip.is_ipv4() { 32 } else { 128 }
}

/// `GET …/{clientId}/accessList`.
pub(super) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let page = Page::from_query(ctx.query)?;
    let account = ctx.account(client_id)?;
    let items = account.access_list.iter().map(render::entry).collect();
    Ok(Reply::json(200, ctx.list(page, items)))
}

/// One validated entry of a request: network, prefix, and the address if given as one.
type NewEntry = (IpAddr, u8, Option<IpAddr>);

fn parse_entry(i: usize, value: &Value) -> Result<NewEntry, ApiError> {
    let at = format!("[{i}]");
    let Some(map) = value.as_object() else {
        return Err(ApiError::invalid_attribute(&at));
    };
    reject_unknown(
        map,
        &format!("{at}."),
        &["cidrBlock", "ipAddress"],
        &["createdAt", "lastUsedAddress", "lastUsedAt", "requestCount"],
    )?;
    let cidr_field = format!("{at}.cidrBlock");
    let ip_field = format!("{at}.ipAddress");
    let cidr =
        opt_string(map, "cidrBlock").map_err(|_| ApiError::invalid_attribute(&cidr_field))?;
    let ip = opt_string(map, "ipAddress").map_err(|_| ApiError::invalid_attribute(&ip_field))?;
    match (cidr, ip) {
        (Some(_), Some(_)) => Err(ApiError::validation(
            &at,
            "set either cidrBlock or ipAddress, not both",
        )),
        (None, None) => Err(ApiError::validation(
            &at,
            "one of cidrBlock or ipAddress is required",
        )),
        (Some(c), None) => parse_cidr(c)
            .map(|(net, bits)| (net, bits, None))
            .ok_or_else(|| {
                ApiError::validation(
                    &cidr_field,
                    "must be an IPv4 or IPv6 CIDR block such as 203.0.113.0/24",
                )
                .param(c)
            }),
        (None, Some(a)) => parse_ip(a)
            .map(|ip| (ip, full_prefix(ip), Some(ip)))
            .ok_or_else(|| {
                ApiError::validation(
                    &ip_field,
                    "must be one IPv4 or IPv6 address such as 203.0.113.10",
                )
                .param(a)
            }),
    }
}

fn duplicate(network: IpAddr, bits: u8) -> ApiError {
    let block = cidr_string(network, bits);
    ApiError::new(
        409,
        "DUPLICATE_ACCESS_LIST_ENTRY",
        format!("The access list entry {block} already exists for this service account."),
    )
    .param(block)
}

/// `POST …/{clientId}/accessList`.
pub(super) fn create(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let mut ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let page = Page::from_query(ctx.query)?;
    let Some(items) = ctx.body()?.as_array() else {
        return Err(ApiError::new(
            400,
            "INVALID_JSON",
            "Received JSON is malformed: expected an array of access list entries.",
        ));
    };
    if items.is_empty() || items.len() > MAX_ENTRIES {
        return Err(ApiError::validation(
            "accessList",
            format!("size must be between 1 and {MAX_ENTRIES}"),
        ));
    }
    let new: Vec<NewEntry> = items
        .iter()
        .enumerate()
        .map(|(i, v)| parse_entry(i, v))
        .collect::<Result<_, _>>()?;
    let now = ctx.now;
    let account = ctx.account_mut(client_id)?;
    for (i, &(net, bits, _)) in new.iter().enumerate() {
        let exists = account
            .access_list
            .iter()
            .any(|e| e.network == net && e.bits == bits)
            || new[..i].iter().any(|&(n, b, _)| n == net && b == bits);
        if exists {
            return Err(duplicate(net, bits));
        }
    }
    account
        .access_list
        .extend(new.into_iter().map(|(network, bits, ip_address)| Entry {
            network,
            bits,
            ip_address,
            created_at: now,
            last_used_at: None,
            last_used_address: None,
            request_count: 0,
        }));
    let account = ctx.account(client_id)?;
    let items = account.access_list.iter().map(render::entry).collect();
    Ok(Reply::json(200, ctx.list(page, items)))
}

/// `DELETE …/{clientId}/accessList/{ipAddress}` (the value decoded once).
pub(super) fn delete(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let mut ctx = Sa::new(fx)?;
    let client_id = ctx.client_id();
    let value = ctx.call.path_value("ipAddress");
    let Some((net, bits)) = parse_cidr(value)
        .or_else(|| parse_ip(value).map(|ip| (ip, full_prefix(ip))))
        .filter(|_| !value.contains('%'))
    else {
        return Err(ApiError::validation(
            "ipAddress",
            "must be an IP address or a CIDR block, percent-encoded once (192.0.2.0%2F24)",
        )
        .param(value.to_owned()));
    };
    let account = ctx.account_mut(client_id)?;
    let before = account.access_list.len();
    account
        .access_list
        .retain(|e| !(e.network == net && e.bits == bits));
    if account.access_list.len() == before {
        let block = cidr_string(net, bits);
        return Err(ApiError::new(
            404,
            "RESOURCE_NOT_FOUND",
            format!(
                "The access list entry {block} does not exist for service account {client_id}."
            ),
        )
        .param(block));
    }
    Ok(Reply::no_content())
}
