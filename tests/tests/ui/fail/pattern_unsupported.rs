use atlas_runtime::atlas_endpoint;

mod look_around {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", pattern(orgId = "(?=a)b"))]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod backreference {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", pattern(orgId = "(a)\\1"))]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod on_a_field {
    use super::*;

    #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts")]
    pub struct CreateServiceAccount {
        pub org_id: String,
        #[atlas(pattern = "^(?!admin)")]
        pub name: String,
    }
}

fn main() {}
