use atlas_runtime::atlas_endpoint;

mod in_the_attribute {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", pattern(orgId = "^[a-f"))]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod on_a_field {
    use super::*;

    #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts")]
    pub struct CreateServiceAccount {
        pub org_id: String,
        #[atlas(pattern = "^(ab$")]
        pub name: String,
    }
}

fn main() {}
