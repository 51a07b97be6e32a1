//! A tuple struct is reported once, on its fields: no advice about placeholders that a
//! tuple struct cannot follow.

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}")]
pub struct GetOrg(pub String);

fn main() {}
