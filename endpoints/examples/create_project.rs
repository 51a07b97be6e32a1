//! Creates a project in your organization.
//!
//! ```sh
//! cargo run --example create_project                    # on the embedded emulator
//! MONGODB_ATLAS_CLIENT_ID=… MONGODB_ATLAS_CLIENT_SECRET=… MONGODB_ATLAS_ORG_ID=… \
//!     cargo run --example create_project -- my-project  # in your organization
//! ```

mod common;

use atlas_endpoints::projects::CreateGroup;

fn main() -> common::Result {
    let atlas = common::connect()?;
    let name = std::env::args()
        .nth(1)
        .unwrap_or("atlas-rust-example".into());

    let project = CreateGroup::new(name, atlas.org_id()?.into()).send(&atlas.client)?;

    let id = project.id.map(|id| id.to_string()).unwrap_or_default();
    println!("created project {} ({id})", project.name);
    Ok(())
}
