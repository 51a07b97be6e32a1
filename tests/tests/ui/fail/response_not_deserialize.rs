use atlas_runtime::atlas_endpoint;

pub struct Organization {
    pub id: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}", response = Organization)]
pub struct GetOrg {
    pub org_id: String,
}

fn main() {}
