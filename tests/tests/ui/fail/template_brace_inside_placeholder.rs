//! `{org{Id}`: one mistake, one error.

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(POST, "/orgs/{org{Id}")]
pub struct CreateTeam {
    pub org_id: String,
}

fn main() {}
