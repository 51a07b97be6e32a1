//! `#[atlas(path)]` on a field that matches no placeholder: one error, on `path`, listing
//! the template's placeholders (not a second one on the template).

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}")]
pub struct GetOrg {
    #[atlas(path)]
    pub organization: String,
}

fn main() {}
