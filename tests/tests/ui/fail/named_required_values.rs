// Issue 22 §3: what a positional `new` let through no longer compiles: a username and a
// project id swapped, the project id given twice, a variant's discriminator set by hand.
use atlas_endpoints::clusters::prelude::AWSRegionConfig;
use atlas_endpoints::database_users::{
    CloudDatabaseUserDatabaseName, CreateGroupDatabaseUser, CreateGroupDatabaseUserRequired,
};

fn main() {
    let project = atlas_runtime::GroupId::new("32b6e34b3d91647abb20e7b8");
    let _ = CreateGroupDatabaseUser::new(CreateGroupDatabaseUserRequired {
        group_id: String::from("app"),
        database_name: CloudDatabaseUserDatabaseName::Admin,
        roles: vec![],
        username: project,
    });
    let _ = CreateGroupDatabaseUser::new(CreateGroupDatabaseUserRequired {
        group_id: "32b6e34b3d91647abb20e7b8".into(),
        group_id_: "32b6e34b3d91647abb20e7b8".into(),
        database_name: CloudDatabaseUserDatabaseName::Admin,
        roles: vec![],
        username: "app".into(),
    });
    let _ = AWSRegionConfig {
        provider_name: Some("AZURE".into()),
        ..Default::default()
    };
}
