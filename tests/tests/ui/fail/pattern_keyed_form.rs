use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}", pattern = "^[a-f0-9]{24}$")]
pub struct GetOrg {
    pub org_id: String,
}

fn main() {}
