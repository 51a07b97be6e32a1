// Malformed rule arguments. More in ../pending/rule_arguments_wording.rs, whose messages
// are not acceptable yet.
use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts")]
pub struct CreateServiceAccount {
    pub org_id: String,
    #[atlas(length(min = 64, max = 1))]
    pub name: String,
    #[atlas(range(min = "1"))]
    pub hours: i32,
    #[atlas(length(min = 1, most = 5))]
    pub roles: Vec<String>,
    #[atlas(pattern = 5)]
    pub description: String,
}

fn main() {}
