use atlas_runtime::atlas_endpoint;

pub struct OrgId {
    pub hex: String,
}

mod a_vec {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}")]
    pub struct GetOrg {
        pub org_id: Vec<String>,
    }
}

mod a_struct {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}")]
    pub struct GetOrg {
        pub org_id: OrgId,
    }
}

fn main() {}
