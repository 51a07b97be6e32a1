use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(POST, "/groups/{groupId}/accessList")]
pub struct AddAccessListEntries {
    pub group_id: String,
    #[atlas(body)]
    pub entries: Vec<String>,
    #[atlas(body)]
    pub comments: Vec<String>,
}

fn main() {}
