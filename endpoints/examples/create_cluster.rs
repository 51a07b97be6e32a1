//! Creates an M10 cluster (three nodes on AWS, `US_EAST_1`) and waits until it is `IDLE`,
//! with the waiter the SDK has for the create (polls with backoff, names each state).
//!
//! ```sh
//! cargo run --example create_cluster                    # on the embedded emulator
//! MONGODB_ATLAS_CLIENT_ID=… MONGODB_ATLAS_CLIENT_SECRET=… MONGODB_ATLAS_PROJECT_ID=… \
//!     cargo run --example create_cluster -- my-cluster  # in your project (billed!)
//! ```

mod common;

use std::time::Duration;

use AWSHardwareSpec20240805InstanceSize as Size;
use AWSRegionConfig20240805RegionName as Region;
use atlas_endpoints::clusters::prelude::*;
use atlas_runtime::wait::{Wait, Waitable};

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
    let shown = name.clone();
    let done = CreateGroupCluster::new(project)
        .name(name.as_str())
        .cluster_type(ClusterDescription20240805ClusterType::Replicaset)
        .replication_specs(vec![spec])
        .send_and_wait(
            &atlas.client,
            Wait::default()
                .interval(atlas.poll_interval, Duration::from_secs(60))
                .on_change(move |c| println!("{shown}: {}", c.to)),
        )?;
    println!("{name} is ready after {} polls", done.polls);
    Ok(())
}
