// Issue 22 §2: every model a tag's operations reach is importable from the tag's module
// (cluster models live in `shared` but are named by `clusters` too), the paths rustc
// prints for them (`atlas_endpoints::shared::…`, `atlas_endpoints::clusters::models::…`)
// are public, and the prelude gives the newest version of each dated model its plain name.
use atlas_endpoints::clusters::{
    AWSRegionConfig20240805, AdvancedComputeAutoScaling, ClusterDescription20240805,
    CreateGroupCluster, ReplicationSpec20240805,
};

fn named_everywhere(
    _a: atlas_endpoints::shared::ClusterDescription20240805,
    _b: atlas_endpoints::clusters::models::ReplicationSpec20240805,
) {
}

fn main() {
    let _ = named_everywhere;
    let _ = CreateGroupCluster::INFO;
    let spec: ReplicationSpec20240805 = Default::default();
    let _: Option<ClusterDescription20240805> = None;
    let _: Option<AWSRegionConfig20240805> = None;
    let _: Option<AdvancedComputeAutoScaling> = None;
    // The prelude: requests and models at once, versionless names for the newest versions.
    {
        use atlas_endpoints::clusters::prelude::*;
        let same: ReplicationSpec = spec;
        let _: Option<ClusterDescription> = None;
        let _ = ListGroupClusters::new("32b6e34b3d91647abb20e7b8");
        let _ = same;
    }
}
