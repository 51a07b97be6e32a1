//! A path pasted from the spec, prefix and all, would be sent as
//! `/api/atlas/v2/api/atlas/v2/…`: refused, with the template to write instead.

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/api/atlas/v2/groups/{groupId}/clusters", version = "2023-02-01")]
pub struct ListClusters {
    pub group_id: String,
}

fn main() {
    // No follow-on errors at the uses: the constructor is still there.
    let _ = ListClusters::new("32b6e34b3d91647abb20e7b8");
}
