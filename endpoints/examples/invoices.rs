//! Lists the organization's invoices and saves the latest as CSV.
//!
//! ```sh
//! cargo run --example invoices        # on the embedded emulator
//! MONGODB_ATLAS_CLIENT_ID=… MONGODB_ATLAS_CLIENT_SECRET=… MONGODB_ATLAS_ORG_ID=… \
//!     cargo run --example invoices    # of your organization
//! ```

mod common;

use atlas_endpoints::invoices::{GetOrgInvoiceCsv, ListOrgInvoices};

fn main() -> common::Result {
    let atlas = common::connect()?;
    let org = atlas.org_id()?;

    let invoices = ListOrgInvoices::new(org).send(&atlas.client)?.results;
    for invoice in &invoices {
        let id = invoice.id.as_ref().map_or("?", |id| id.as_str());
        let status = invoice.status_name.as_ref().map_or("?", |s| s.as_str());
        let cents = invoice.amount_billed_cents.unwrap_or(0);
        println!("{id} {status}: ${}.{:02}", cents / 100, cents % 100);
    }
    let latest = invoices
        .first()
        .and_then(|i| i.id.clone())
        .ok_or("no invoices")?;
    let csv = GetOrgInvoiceCsv::new(org, latest.as_str())
        .send(&atlas.client)?
        .text(16 << 20)?;
    std::fs::write(format!("invoice-{latest}.csv"), &csv)?;

    println!(
        "saved invoice {latest} as CSV: {} lines",
        csv.lines().count()
    );
    Ok(())
}
