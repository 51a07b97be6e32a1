use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "orgs/{orgId}")]
pub struct GetOrg {
    pub org_id: String,
}

fn main() {}
