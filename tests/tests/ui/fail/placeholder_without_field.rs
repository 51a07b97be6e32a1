use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts/{clientId}")]
pub struct GetServiceAccount {
    pub org_id: String,
}

fn main() {}
