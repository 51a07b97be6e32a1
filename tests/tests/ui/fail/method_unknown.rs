use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(FETCH, "/orgs/{orgId}")]
pub struct GetOrg {
    pub org_id: String,
}

fn main() {}
