use atlas_runtime::atlas_endpoint;

mod version_twice {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05", version = "2023-01-01")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod pattern_twice {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", pattern(orgId = "^[a-f0-9]{24}$", orgId = "^x$"))]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod template_twice {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", "/groups/{orgId}")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

fn main() {}
