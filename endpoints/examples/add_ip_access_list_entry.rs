//! Lets an address block reach the project's clusters: adds an IP access-list entry.
//!
//! ```sh
//! cargo run --example add_ip_access_list_entry                          # on the embedded emulator
//! MONGODB_ATLAS_CLIENT_ID=… MONGODB_ATLAS_CLIENT_SECRET=… MONGODB_ATLAS_PROJECT_ID=… \
//!     cargo run --example add_ip_access_list_entry -- 198.51.100.0/24  # in your project
//! ```

mod common;

use atlas_endpoints::project_ip_access_list::{CreateGroupAccessListEntry, NetworkPermissionEntry};

fn main() -> common::Result {
    let atlas = common::connect()?;
    let block = std::env::args().nth(1).unwrap_or("203.0.113.0/24".into());

    let entry = NetworkPermissionEntry {
        cidr_block: Some(block.clone()),
        comment: Some("added by atlas-rust".into()),
        ..Default::default()
    };
    let list =
        CreateGroupAccessListEntry::new(atlas.project_id()?, vec![entry]).send(&atlas.client)?;

    let entries = list.total_count.unwrap_or_default();
    println!("added {block}; the access list has {entries} entries");
    Ok(())
}
