use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts")]
pub struct ListServiceAccounts {
    pub org_id: String,
    #[atlas(query, header = "X-Items-Per-Page")]
    pub items_per_page: Option<i32>,
}

fn main() {}
