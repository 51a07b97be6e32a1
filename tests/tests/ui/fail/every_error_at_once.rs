use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(FETCH, "/orgs/{orgId}/teams/{teamId", verison = "2024-08-05",
    pattern(orgId = "^[a-f"))]
pub struct GetTeam {
    pub org_id: String,
    #[atlas(path = "groupId")]
    pub group: String,
    #[atlas(quer)]
    pub items_per_page: Option<i32>,
}

fn main() {}
