//! Creates an M10 cluster (three nodes on AWS, `US_EAST_1`) and waits until it is `IDLE`.
//!
//! ```sh
//! cargo run --example create_cluster                    # on the embedded emulator
//! MONGODB_ATLAS_CLIENT_ID=… MONGODB_ATLAS_CLIENT_SECRET=… MONGODB_ATLAS_PROJECT_ID=… \
//!     cargo run --example create_cluster -- my-cluster  # in your project (billed!)
//! ```

mod common;

use std::thread::sleep;

use AWSHardwareSpec20240805InstanceSize as Size;
use AWSRegionConfig20240805RegionName as Region;
use ClusterDescription20240805StateName as State;
use atlas_endpoints::clusters::prelude::*;

fn main() -> common::Result {
    let atlas = common::connect()?;
    let project = atlas.project_id()?;
    let name = std::env::args().nth(1).unwrap_or("example-m10".into());

    // The AWS variant sends `providerName: "AWS"` itself.
    let region = AWSRegionConfig {
        region_name: Some(Region::UsEast1),
        priority: Some(7),
        electable_specs: Some(HardwareSpec::AWSHardwareSpec20240805(Box::new(
            AWSHardwareSpec {
                instance_size: Some(Size::M10),
                node_count: Some(3),
                ..Default::default()
            },
        ))),
        ..Default::default()
    };
    let spec = ReplicationSpec {
        region_configs: Some(vec![CloudRegionConfig::AWSRegionConfig20240805(Box::new(
            region,
        ))]),
        ..Default::default()
    };
    CreateGroupCluster::new(project)
        .name(name.as_str())
        .cluster_type(ClusterDescription20240805ClusterType::Replicaset)
        .replication_specs(vec![spec])
        .send(&atlas.client)?;

    loop {
        let cluster = GetGroupCluster::new(project, name.as_str()).send(&atlas.client)?;
        let state = cluster.state_name.unwrap_or(State::Unknown("none".into()));
        println!("{name}: {}", state.as_str());
        if state == State::Idle {
            return Ok(());
        }
        sleep(atlas.poll_interval);
    }
}
