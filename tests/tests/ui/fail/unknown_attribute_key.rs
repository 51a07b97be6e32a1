use atlas_runtime::atlas_endpoint;

mod close_to_a_key {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", verison = "2024-08-05")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod far_from_every_key {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", timeout = 30)]
    pub struct GetOrg {
        pub org_id: String,
    }
}

fn main() {}
