// POST, so the field whose attribute is rejected is a body member: on GET a follow-on error
// is reported as well (see ../pending/follow_on_rejected_field_attribute.rs).
use atlas_runtime::atlas_endpoint;

mod close_to_a_key {
    use super::*;

    #[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts")]
    pub struct CreateServiceAccount {
        pub org_id: String,
        #[atlas(quer)]
        pub items_per_page: Option<i32>,
    }
}

mod far_from_every_key {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts")]
    pub struct ListServiceAccounts {
        pub org_id: String,
        #[atlas(query, optional)]
        pub items_per_page: Option<i32>,
    }
}

fn main() {}
