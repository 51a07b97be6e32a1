use atlas_runtime::atlas_endpoint;

mod operation_id_not_a_name {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", operation_id = "get-organization")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod crate_not_a_path {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", crate = "atlas runtime")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

fn main() {}
