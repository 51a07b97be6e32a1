// Issue 22 §3: above three required values, `new` takes them by name; a body member that
// repeats a path parameter is filled from the path; a body id is an id type; a union
// variant implies its discriminator.
use atlas_endpoints::legacy_backup::{
    UpdateGroupClusterSnapshotSchedule, UpdateGroupClusterSnapshotScheduleRequired,
};
use atlas_endpoints::clusters::prelude::AWSRegionConfig;
use atlas_endpoints::database_users::{
    CreateGroupDatabaseUser, CreateGroupDatabaseUserRequired, CloudDatabaseUserDatabaseName,
};

fn main() {
    let _ = UpdateGroupClusterSnapshotSchedule::new(UpdateGroupClusterSnapshotScheduleRequired {
        group_id: "32b6e34b3d91647abb20e7b8".into(),
        cluster_name: "Cluster0".into(),
        // A body id is an id type, as a path id is.
        cluster_id: atlas_runtime::ObjectId::new("32b6e34b3d91647abb20e7b9"),
        cluster_checkpoint_interval_min: 15,
        daily_snapshot_retention_days: 7,
        monthly_snapshot_retention_months: 12,
        point_in_time_window_hours: 24,
        snapshot_interval_hours: 6,
        snapshot_retention_days: 2,
        weekly_snapshot_retention_weeks: 4,
    });
    // The project id is given once: the body's `groupId` comes from the path.
    let user = CreateGroupDatabaseUser::new(CreateGroupDatabaseUserRequired {
        group_id: "32b6e34b3d91647abb20e7b8".into(),
        database_name: CloudDatabaseUserDatabaseName::Admin,
        roles: vec![],
        username: "app".into(),
    });
    let _ = user;
    let region = AWSRegionConfig {
        region_name: None,
        ..Default::default()
    };
    let json = serde_json::to_value(&region).unwrap();
    assert_eq!(json["providerName"], "AWS");
}
