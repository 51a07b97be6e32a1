use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}/invoices/{invoiceId}/csv", version = "2023-01-01",
    format = "xml")]
pub struct Unknown {
    pub org_id: String,
    pub invoice_id: String,
}

#[atlas_endpoint(GET, "/groups/{groupId}/logs.gz", version = "2023-02-01",
    format = "gzip", response = serde_json::Value)]
pub struct StreamedWithResponse {
    pub group_id: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/invoices/{invoiceId}", version = "2023-01-01",
    format(json, csv, json))]
pub struct Twice {
    pub org_id: String,
    pub invoice_id: String,
}

fn main() {}
