//! Rule arguments: empty bounds, unknown bounds, negative lengths, values on flags, each
//! reported in the macro's own words on its own token.

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts")]
pub struct CreateServiceAccount {
    pub org_id: String,
    #[atlas(length())]
    pub description: String,
    #[atlas(range())]
    pub hours: i32,
    #[atlas(range(minimum = 1))]
    pub days: i32,
    #[atlas(length(max = -1))]
    pub roles: Vec<String>,
    #[atlas(sensitive = true)]
    pub secret: String,
}

fn main() {}
