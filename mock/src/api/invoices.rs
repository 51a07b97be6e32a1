//! An organization's invoices ([`crate::billing`]): `listOrgInvoices` (filtered by
//! `statusNames`, ordered by `sortBy` and `orderBy`, paginated), `getOrgInvoice` (JSON,
//! or CSV when asked for `+csv`), `getOrgInvoiceCsv` and `listOrgInvoicePending` (a list of the one pending). An
//! unknown invoice is 404 `INVOICE_NOT_FOUND`. `fromDate`, `toDate` and
//! `viewLinkedInvoices` are accepted and not applied (the emulator links no invoices).

use serde_json::{Map, Value, json};

use super::Reply;
use super::families::{Fx, not_found};
use crate::billing::Invoice;
use crate::clock::rfc3339;
use crate::errors::ApiError;
use crate::version::{Wire, media};

/// The members an invoice's summary and its full form share.
fn summary(fx: &Fx<'_>, base: &str, i: &Invoice) -> Map<String, Value> {
    let mut doc = fx.base(base);
    let subtotal = i.subtotal_cents();
    doc.insert("id".into(), json!(i.id));
    doc.insert("orgId".into(), json!(i.org_id));
    doc.insert("created".into(), json!(rfc3339(i.created)));
    doc.insert("updated".into(), json!(rfc3339(i.end)));
    doc.insert("startDate".into(), json!(rfc3339(i.start)));
    doc.insert("endDate".into(), json!(rfc3339(i.end)));
    doc.insert("statusName".into(), json!(i.status));
    doc.insert("subtotalCents".into(), json!(subtotal));
    doc.insert("salesTaxCents".into(), json!(0));
    doc.insert("creditsCents".into(), json!(0));
    doc.insert("startingBalanceCents".into(), json!(0));
    doc.insert("amountBilledCents".into(), json!(subtotal));
    doc.insert("amountPaidCents".into(), json!(i.paid_cents()));
    doc.insert("linkedInvoices".into(), json!([]));
    doc.insert(
        "links".into(),
        json!([{
            "href": format!("{}/api/atlas/v2/orgs/{}/invoices/{}", fx.shared.base_url, i.org_id, i.id),
            "rel": "self"
        }]),
    );
    doc
}

/// The full invoice (`BillingInvoice`), with its line items.
fn full(fx: &Fx<'_>, i: &Invoice) -> Value {
    let mut doc = summary(fx, "getOrgInvoice", i);
    let items: Vec<Value> = i
        .items
        .iter()
        .map(|l| {
            json!({
                "sku": l.sku,
                "note": l.description,
                "groupId": l.group_id,
                "groupName": l.group_name,
                "clusterName": l.cluster,
                "cloudProvider": "AWS",
                "created": rfc3339(i.created),
                "startDate": rfc3339(l.start),
                "endDate": rfc3339(l.end),
                "quantity": l.quantity,
                "unit": l.unit,
                "unitPriceDollars": l.unit_price_dollars,
                "totalPriceCents": l.total_cents,
                "discountCents": 0,
                "percentDiscount": 0.0,
            })
        })
        .collect();
    doc.insert("lineItems".into(), Value::Array(items));
    doc.insert("payments".into(), json!([]));
    doc.insert("refunds".into(), json!([]));
    Value::Object(doc)
}

fn find<'a>(fx: &'a Fx<'_>) -> Result<&'a Invoice, ApiError> {
    let org = fx.call.path_value("orgId");
    let id = fx.call.path_value("invoiceId");
    fx.store
        .invoices
        .iter()
        .find(|i| i.org_id == org && i.id == id)
        .ok_or_else(|| not_found("INVOICE_NOT_FOUND", &format!("Invoice {id}"), &[id]))
}

fn csv(fx: &Fx<'_>, i: &Invoice) -> Reply {
    Reply::raw(200, i.csv().into_bytes())
        .with_header("Content-Type", media(fx.call.version.date, Wire::Csv))
}

pub(crate) fn list(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let org = fx.call.path_value("orgId");
    let statuses: Vec<&str> = fx
        .query
        .all("statusNames")
        .flat_map(|v| v.split(','))
        .collect();
    let by_start = fx.query.get("sortBy") == Some("START_DATE");
    let ascending = fx.query.get("orderBy") == Some("asc");
    let mut invoices: Vec<&Invoice> = fx
        .store
        .invoices
        .iter()
        .filter(|i| i.org_id == org)
        .filter(|i| statuses.is_empty() || statuses.contains(&i.status))
        .collect();
    invoices.sort_by_key(|i| if by_start { i.start } else { i.end });
    if !ascending {
        invoices.reverse();
    }
    let items = invoices
        .into_iter()
        .map(|i| Value::Object(summary(fx, "getOrgInvoice", i)))
        .collect();
    fx.list(items)
}

pub(crate) fn get(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let invoice = find(fx)?;
    Ok(match fx.call.wire {
        Wire::Csv => csv(fx, invoice),
        _ => Reply::json(200, full(fx, invoice)),
    })
}

pub(crate) fn get_csv(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let invoice = find(fx)?;
    Ok(csv(fx, invoice))
}

pub(crate) fn pending(fx: &mut Fx<'_>) -> Result<Reply, ApiError> {
    let org = fx.call.path_value("orgId");
    let items = fx
        .store
        .invoices
        .iter()
        .filter(|i| i.org_id == org && i.status == "PENDING")
        .map(|i| full(fx, i))
        .collect();
    fx.list(items)
}
