use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}/teams/{orgId}")]
pub struct GetTeam {
    pub org_id: String,
}

fn main() {}
