use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(post, "/orgs/{orgId}/serviceAccounts")]
pub struct CreateServiceAccount {
    pub org_id: String,
    pub name: String,
}

fn main() {}
