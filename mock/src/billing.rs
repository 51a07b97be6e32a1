//! Invoices: the emulator bills the seeded organization for the seeded project's
//! cluster, one invoice a calendar month (UTC), for the current month and the two before
//! it: `PAID`, `CLOSED` and `PENDING` (the current month, up to now). Each has three line
//! items (instance hours, data transfer, backup storage) whose totals add up to the
//! invoice's, and a CSV form with one row per line item.

use std::time::SystemTime;

use jiff::tz::Offset;
use jiff::{Span, Timestamp};

use crate::ids;

/// One line of an invoice.
#[derive(Debug, Clone)]
pub(crate) struct LineItem {
    pub(crate) sku: &'static str,
    pub(crate) description: &'static str,
    pub(crate) group_id: String,
    pub(crate) group_name: String,
    pub(crate) cluster: &'static str,
    pub(crate) start: SystemTime,
    pub(crate) end: SystemTime,
    pub(crate) quantity: f64,
    pub(crate) unit: &'static str,
    pub(crate) unit_price_dollars: f64,
    pub(crate) total_cents: i64,
}

/// An invoice of an organization.
#[derive(Debug, Clone)]
pub(crate) struct Invoice {
    pub(crate) id: String,
    pub(crate) org_id: String,
    pub(crate) org_name: String,
    pub(crate) start: SystemTime,
    pub(crate) end: SystemTime,
    pub(crate) created: SystemTime,
    /// The API's `statusName`.
    pub(crate) status: &'static str,
    pub(crate) items: Vec<LineItem>,
}

impl Invoice {
    /// The sum of the line items.
    pub(crate) fn subtotal_cents(&self) -> i64 {
        self.items.iter().map(|i| i.total_cents).sum()
    }

    /// What was paid of it.
    pub(crate) fn paid_cents(&self) -> i64 {
        if self.status == "PAID" {
            self.subtotal_cents()
        } else {
            0
        }
    }

    /// The CSV form: a header, then one row per line item.
    pub(crate) fn csv(&self) -> String {
        let mut out = String::from(
            "Invoice Number,Organization ID,Organization Name,Project ID,Project Name,Cluster,SKU,Description,Start Date,End Date,Quantity,Unit,Unit Price,Amount\n",
        );
        for i in &self.items {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{:.2},{},{:.4},{:.2}\n",
                self.id,
                self.org_id,
                csv_field(&self.org_name),
                i.group_id,
                csv_field(&i.group_name),
                i.cluster,
                i.sku,
                csv_field(i.description),
                day(i.start),
                day(i.end),
                i.quantity,
                i.unit,
                i.unit_price_dollars,
                i.total_cents as f64 / 100.0
            ));
        }
        out
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// `YYYY-MM-DD` (UTC).
fn day(t: SystemTime) -> String {
    Timestamp::try_from(t)
        .map(|ts| Offset::UTC.to_datetime(ts).date().to_string())
        .unwrap_or_default()
}

/// The start of the UTC month `back` months before the one holding `now`.
fn month_start(now: SystemTime, back: i32) -> Option<SystemTime> {
    let today = Offset::UTC
        .to_datetime(Timestamp::try_from(now).ok()?)
        .date();
    let first = today
        .first_of_month()
        .checked_sub(Span::new().months(back))
        .ok()?;
    let ts = Offset::UTC
        .to_timestamp(first.to_datetime(jiff::civil::Time::midnight()))
        .ok()?;
    let secs = u64::try_from(ts.as_second()).ok()?;
    std::time::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(secs))
}

/// The invoices of an organization that runs one M10 cluster (`Cluster0`) in one
/// project, oldest first.
pub(crate) fn seed(
    org_id: &str,
    org_name: &str,
    group_id: &str,
    group_name: &str,
    now: SystemTime,
) -> Vec<Invoice> {
    let mut invoices = Vec::new();
    for (back, status) in [(2, "PAID"), (1, "CLOSED"), (0, "PENDING")] {
        let (Some(start), Some(next)) = (month_start(now, back), month_start(now, back - 1)) else {
            continue;
        };
        let end = if back == 0 { now.max(start) } else { next };
        let hours = end.duration_since(start).unwrap_or_default().as_secs() as f64 / 3600.0;
        let hours = hours.floor();
        let item = |sku, description, quantity: f64, unit, unit_price_dollars: f64| LineItem {
            sku,
            description,
            group_id: group_id.to_owned(),
            group_name: group_name.to_owned(),
            cluster: "Cluster0",
            start,
            end,
            quantity,
            unit,
            unit_price_dollars,
            total_cents: (quantity * unit_price_dollars * 100.0).round() as i64,
        };
        invoices.push(Invoice {
            id: ids::object_id(),
            org_id: org_id.to_owned(),
            org_name: org_name.to_owned(),
            start,
            end,
            created: start,
            status,
            items: vec![
                item(
                    "ATLAS_AWS_INSTANCE_M10",
                    "Atlas AWS M10 instance",
                    hours,
                    "server hours",
                    0.08,
                ),
                item(
                    "ATLAS_AWS_DATA_TRANSFER_SAME_REGION",
                    "Atlas AWS data transfer, same region",
                    (hours / 10.0).round(),
                    "GB",
                    0.01,
                ),
                item(
                    "ATLAS_AWS_BACKUP_SNAPSHOT_STORAGE",
                    "Atlas AWS backup snapshot storage",
                    (hours / 24.0).round() * 10.0,
                    "GB days",
                    0.0027,
                ),
            ],
        });
    }
    invoices
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn three_months_with_line_items_that_add_up() {
        // 2024-08-15T12:00:00Z
        let now = UNIX_EPOCH + Duration::from_secs(1_723_723_200);
        let invoices = seed("o", "Org, Inc.", "g", "project", now);
        let statuses: Vec<&str> = invoices.iter().map(|i| i.status).collect();
        assert_eq!(statuses, ["PAID", "CLOSED", "PENDING"]);
        assert_eq!(day(invoices[0].start), "2024-06-01");
        assert_eq!(day(invoices[0].end), "2024-07-01");
        assert_eq!(day(invoices[2].start), "2024-08-01");
        assert_eq!(invoices[2].end, now);
        // June has 720 hours: 720 × $0.08.
        assert_eq!(invoices[0].items[0].quantity, 720.0);
        assert_eq!(invoices[0].items[0].total_cents, 5760);
        for i in &invoices {
            assert!(i.subtotal_cents() > 0);
            let csv = i.csv();
            let rows: Vec<&str> = csv.lines().collect();
            assert_eq!(rows.len(), 4, "{csv}");
            assert!(rows[0].starts_with("Invoice Number,"));
            assert!(rows[1].contains("\"Org, Inc.\""), "{csv}");
            let amounts: f64 = rows[1..]
                .iter()
                .map(|r| r.rsplit(',').next().unwrap().parse::<f64>().unwrap())
                .sum();
            assert!((amounts * 100.0 - i.subtotal_cents() as f64).abs() < 0.5);
        }
        assert_eq!(invoices[0].paid_cents(), invoices[0].subtotal_cents());
        assert_eq!(invoices[2].paid_cents(), 0);
    }
}
