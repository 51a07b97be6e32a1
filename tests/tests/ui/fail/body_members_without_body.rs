use atlas_runtime::atlas_endpoint;

mod on_get {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts")]
    pub struct ListServiceAccounts {
        pub org_id: String,
        pub items_per_page: Option<i32>,
    }
}

mod on_delete {
    use super::*;

    #[atlas_endpoint(DELETE, "/orgs/{orgId}/serviceAccounts/{clientId}")]
    pub struct DeleteServiceAccount {
        pub org_id: String,
        pub client_id: String,
        pub reason: String,
    }
}

fn main() {}
