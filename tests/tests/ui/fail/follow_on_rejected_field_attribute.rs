//! A rejected field attribute is reported once: the field does not also get "GET requests
//! carry no body".

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts")]
pub struct ListServiceAccounts {
    pub org_id: String,
    #[atlas(quer)]
    pub items_per_page: Option<i32>,
    #[atlas(header)]
    pub request_id: Option<String>,
    #[atlas(header = "X Trace Id")]
    pub trace_id: Option<String>,
}

fn main() {}
