use atlas_runtime::atlas_endpoint;

mod range_on_a_string {
    use super::*;

    #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts")]
    pub struct CreateServiceAccount {
        pub org_id: String,
        #[atlas(range(min = 1, max = 64))]
        pub name: String,
    }
}

mod length_on_an_integer {
    use super::*;

    #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets")]
    pub struct CreateSecret {
        pub org_id: String,
        pub client_id: String,
        #[atlas(length(min = 1, max = 3))]
        pub secret_expires_after_hours: i32,
    }
}

mod pattern_on_an_integer {
    use super::*;

    #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets")]
    pub struct CreateSecret {
        pub org_id: String,
        pub client_id: String,
        #[atlas(pattern = "^[0-9]+$")]
        pub secret_expires_after_hours: i32,
    }
}

fn main() {}
