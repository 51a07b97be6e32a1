use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts?itemsPerPage=100")]
pub struct ListServiceAccounts {
    pub org_id: String,
}

fn main() {}
