use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/groups/{groupId}/accessList")]
pub struct ListAccessList {
    pub group_id: String,
    #[atlas(query, encoded)]
    pub cidr: Option<String>,
}

fn main() {}
