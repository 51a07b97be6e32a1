//! Contradictions caught at compile time: an empty range, a bound given twice, `default`
//! on a path field, two fields for one query parameter, headers the client sets itself.

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(POST, "/orgs/{orgId}")]
pub struct Ranges {
    pub org_id: String,
    #[atlas(range(min = 10, max = 1))]
    pub a: i32,
    #[atlas(range(min = 1, exclusive_min = 0))]
    pub b: i32,
    #[atlas(length(min = 1, min = 2))]
    pub c: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}")]
pub struct DefaultPath {
    #[atlas(default)]
    pub org_id: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}")]
pub struct Duplicates {
    pub org_id: String,
    #[atlas(query = "itemsPerPage")]
    pub a: Option<i32>,
    #[atlas(query = "itemsPerPage")]
    pub b: Option<i32>,
    #[atlas(header = "Authorization")]
    pub auth: String,
    #[atlas(header = "Accept")]
    pub accept: Option<String>,
}

fn main() {}
