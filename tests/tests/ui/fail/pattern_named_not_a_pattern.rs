//! `pattern = NAME` takes a `Pattern` constant (made with `atlas_runtime::pattern!`):
//! anything else is a type error on the name, in the attribute or on a field.

use atlas_runtime::atlas_endpoint;

const NOT_A_PATTERN: &str = "^x$";

#[atlas_endpoint(POST, "/orgs/{orgId}/things", version = "2024-08-05",
    pattern(orgId = NOT_A_PATTERN))]
pub struct CreateThing {
    pub org_id: String,
    #[atlas(pattern = NOT_A_PATTERN)]
    pub name: String,
}

fn main() {}
