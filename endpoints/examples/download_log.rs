//! Downloads the `mongod` log of the project's first database host to `mongodb.log.gz`.
//!
//! ```sh
//! cargo run --example download_log        # on the embedded emulator
//! MONGODB_ATLAS_CLIENT_ID=… MONGODB_ATLAS_CLIENT_SECRET=… MONGODB_ATLAS_PROJECT_ID=… \
//!     cargo run --example download_log    # from your project
//! ```

mod common;

use std::fs::File;

use atlas_endpoints::monitoring_and_logs::{
    ApiHostViewAtlasTypeName as Kind, DownloadGroupClusterLog,
    DownloadGroupClusterLogLogName as LogName, ListGroupProcesses,
};

fn main() -> common::Result {
    let atlas = common::connect()?;
    let project = atlas.project_id()?;

    let host = ListGroupProcesses::new(project)
        .send(&atlas.client)?
        .results
        .into_iter()
        .find(|p| p.type_name != Some(Kind::ShardMongos))
        .and_then(|p| p.hostname)
        .ok_or("the project has no running database host")?;
    let log = DownloadGroupClusterLog::new(project, host.as_str(), LogName::Mongodb);
    let bytes = log
        .send(&atlas.client)?
        .write_to(&mut File::create("mongodb.log.gz")?)?;

    println!("saved {bytes} bytes of {host}'s log to mongodb.log.gz");
    Ok(())
}
