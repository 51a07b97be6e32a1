use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}")]
pub struct GetOrg {
    pub org_id: Option<String>,
}

fn main() {}
