//! A missing comma is reported once: no "expected the path template" follow-on and no
//! body error on the fields.

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET "/orgs/{orgId}")]
pub struct GetOrg {
    pub org_id: String,
}

fn main() {}
