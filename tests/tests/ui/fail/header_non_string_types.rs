//! A header field of a type that cannot be a header is reported once, on the type; integer
//! and boolean headers compile.

use atlas_runtime::atlas_endpoint;

pub struct Filter {
    pub text: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}")]
pub struct Headers {
    pub org_id: String,
    #[atlas(header = "X-Count")]
    pub count: Option<i32>,
    #[atlas(header = "X-Flag")]
    pub flag: bool,
    #[atlas(header = "X-Filter")]
    pub filter: Option<Filter>,
}

fn main() {}
