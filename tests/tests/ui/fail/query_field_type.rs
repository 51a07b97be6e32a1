// Query fields only: a header field of an unsupported type also gets a bogus `pattern`
// error (see ../pending/header_non_string_types.rs).
use atlas_runtime::atlas_endpoint;

pub struct Filter {
    pub text: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts")]
pub struct ListServiceAccounts {
    pub org_id: String,
    #[atlas(query)]
    pub filter: Filter,
    #[atlas(query)]
    pub filters: Option<Vec<Filter>>,
}

fn main() {}
