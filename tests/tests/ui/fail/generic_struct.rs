use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}")]
pub struct GetOrg<T> {
    pub org_id: T,
}

fn main() {}
