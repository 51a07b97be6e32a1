//! What the spec cannot say about long-running work: which values of a resource's state
//! member mean ready, failed, in progress or gone. The spec gives the members and their
//! values (the generator reads them, [`crate::waiters`]); the meaning is ours, one row per
//! observing GET, each value in exactly one set. A GET the spec gives a state member but
//! whose values are no lifecycle is listed in [`NOT_LIFECYCLES`] with the reason, so
//! that a new stateful GET in the spec stops the generator until someone decides.
//!
//! Where the next step is the user's (a private endpoint `PENDING_ACCEPTANCE` or
//! `WAITING_FOR_USER`, a cloud-provider role `NOT_INITIATED`, a reserved serverless
//! endpoint), the value is *ready*: Atlas's work is done, and a wait that went on would
//! last until its deadline.

/// The meaning of one observing GET's state values.
#[derive(Debug)]
pub struct Lifecycle {
    /// The GET's operationId.
    pub get: &'static str,
    /// Its state members, as the spec has them (the first present is read).
    pub members: &'static [&'static str],
    pub ready: &'static [&'static str],
    pub failed: &'static [&'static str],
    pub pending: &'static [&'static str],
    pub gone: &'static [&'static str],
}

/// GETs with a state member that is not a lifecycle, and why.
pub const NOT_LIFECYCLES: &[(&str, &str)] = &[
    (
        "getFederationSettingIdentityProvider",
        "ACTIVE/INACTIVE is a setting the write sets, not work in progress",
    ),
    (
        "getGroupAlert",
        "an alert's status follows the monitored condition, not a write",
    ),
    (
        "getGroupClusterQueryShape",
        "REJECTED/UNREJECTED is a setting the write sets at once",
    ),
    (
        "getGroupClusterSqlInterface",
        "ON/OFF is a setting, not work in progress",
    ),
    (
        "getOrgInvoice",
        "an invoice's status follows billing, not a write",
    ),
    (
        "generateGroupSandboxClusterDescription",
        "computes a description; no resource behind it",
    ),
];

/// Writes the path rule of [`crate::waiters`] cannot pair with their GET: `(write, GET)`.
pub const PAIRS: &[(&str, &str)] = &[
    // POST /groups/{groupId}/sampleDatasetLoad/{name} → GET …/sampleDatasetLoad/{sampleDatasetId}
    ("requestGroupSampleDatasetLoad", "getGroupSampleDatasetLoad"),
    // POST /groups/{groupId}/privateEndpoint/endpointService → GET …/{cloudProvider}/endpointService/{endpointServiceId}
    (
        "createGroupPrivateEndpointEndpointService",
        "getGroupPrivateEndpointEndpointService",
    ),
];

/// Where a GET's path value comes from when neither the write's path nor the rule of
/// [`crate::waiters`] (a member of that name, `name` for `…Name`, `id` or `_id` for `…Id`) finds
/// it: `(write, placeholder, member of the write's answer)`.
pub const ANSWER_IDS: &[(&str, &str, &str)] = &[
    ("createGroupClusterSearchIndex", "indexId", "indexID"),
    ("createGroupClusterFtsIndex", "indexId", "indexID"),
];

/// Observable writes with no waiter, and why.
pub const NO_WAITER: &[(&str, &str)] = &[
    (
        "createGroupClusterRestoreJob",
        "its answer is a page of restore jobs, with no id of the one created",
    ),
    (
        "createGroupPrivateNetworkSettingEndpointId",
        "its answer is a page of endpoints, with no id of the one added",
    ),
];

/// The meaning of each lifecycle's values.
pub const LIFECYCLES: &[Lifecycle] = &[
    Lifecycle {
        get: "getGroupBackupCompliancePolicy",
        members: &["state"],
        ready: &["ACTIVE"],
        failed: &[],
        pending: &["ENABLING", "UPDATING", "DISABLING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupBackupPrivateEndpoint",
        members: &["status"],
        ready: &["PENDING_ACCEPTANCE", "ACTIVE"],
        failed: &["FAILED"],
        pending: &["INITIATING", "PENDING_RECREATION", "DELETING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupCloudProviderAccess",
        members: &["status"],
        ready: &["COMPLETE", "NOT_INITIATED"],
        failed: &["FAILED"],
        pending: &["IN_PROGRESS"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupCluster",
        members: &["stateName"],
        ready: &["IDLE"],
        failed: &[],
        pending: &["CREATING", "UPDATING", "DELETING", "REPAIRING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterBackupExport",
        members: &["state"],
        ready: &["Successful"],
        failed: &["Cancelled", "Failed"],
        pending: &["InProgress", "Queued"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterBackupSnapshot",
        members: &["status"],
        ready: &["completed"],
        failed: &["failed"],
        pending: &["queued", "inProgress"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterBackupSnapshotShardedCluster",
        members: &["status"],
        ready: &["completed"],
        failed: &["failed"],
        pending: &["queued", "inProgress"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterCollectionRestoreJob",
        members: &["state"],
        ready: &["SUCCESSFUL"],
        failed: &["CANCELED", "FAILED"],
        pending: &["INITIALIZING", "IN_PROGRESS", "FINALIZING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterCollectionRestoreJobCollection",
        members: &["state"],
        ready: &["SUCCESSFUL"],
        failed: &[
            "NOT_FOUND",
            "UNSUPPORTED",
            "ROLLBACK",
            "NOT_RESTORED",
            "FAILED",
            "INDEX_BUILD_FAILED",
        ],
        pending: &["NOT_STARTED", "IN_PROGRESS", "FINALIZING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterFtsIndex",
        members: &["status"],
        ready: &["STEADY", "PAUSED"],
        failed: &["FAILED", "STALE"],
        pending: &["IN_PROGRESS", "MIGRATING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterOnlineArchive",
        members: &["state"],
        ready: &["ACTIVE", "PAUSED"],
        failed: &["ORPHANED"],
        pending: &["PENDING", "PAUSING"],
        gone: &["DELETED"],
    },
    Lifecycle {
        get: "getGroupClusterOutageSimulation",
        members: &["state"],
        ready: &["SIMULATING"],
        failed: &[],
        pending: &[
            "START_REQUESTED",
            "STARTING",
            "RECOVERY_REQUESTED",
            "RECOVERING",
        ],
        gone: &["COMPLETE"],
    },
    Lifecycle {
        get: "getGroupClusterRestoreJob",
        members: &["statusName"],
        ready: &["FINISHED"],
        failed: &["BROKEN", "KILLED"],
        pending: &["IN_PROGRESS"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterSearchDeployment",
        members: &["stateName"],
        ready: &["IDLE", "PAUSED"],
        failed: &[],
        pending: &["UPDATING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupClusterSearchIndex",
        members: &["status"],
        ready: &["READY"],
        failed: &["FAILED", "STALE"],
        pending: &["DELETING", "PENDING", "BUILDING"],
        gone: &["DOES_NOT_EXIST"],
    },
    Lifecycle {
        get: "getGroupClusterSearchIndexByName",
        members: &["status"],
        ready: &["READY"],
        failed: &["FAILED", "STALE"],
        pending: &["DELETING", "PENDING", "BUILDING"],
        gone: &["DOES_NOT_EXIST"],
    },
    Lifecycle {
        get: "getGroupDataFederation",
        members: &["state"],
        ready: &["UNVERIFIED", "ACTIVE"],
        failed: &[],
        pending: &[],
        gone: &["DELETED"],
    },
    Lifecycle {
        get: "getGroupEncryptionAtRestPrivateEndpoint",
        members: &["status"],
        ready: &["PENDING_ACCEPTANCE", "ACTIVE"],
        failed: &["FAILED"],
        pending: &["INITIATING", "PENDING_RECREATION", "DELETING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupFlexCluster",
        members: &["stateName"],
        ready: &["IDLE"],
        failed: &[],
        pending: &["CREATING", "UPDATING", "DELETING", "REPAIRING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupFlexClusterBackupRestoreJob",
        members: &["status"],
        ready: &["COMPLETED"],
        failed: &["FAILED"],
        pending: &["PENDING", "QUEUED", "RUNNING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupFlexClusterBackupSnapshot",
        members: &["status"],
        ready: &["COMPLETED"],
        failed: &["FAILED"],
        pending: &["PENDING", "QUEUED", "RUNNING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupLiveMigration",
        members: &["status"],
        ready: &["WORKING", "COMPLETE"],
        failed: &["FAILED", "EXPIRED"],
        pending: &["NEW"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupLiveMigrationValidateStatus",
        members: &["status"],
        ready: &["SUCCESS"],
        failed: &["FAILED"],
        pending: &["PENDING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupPeer",
        members: &["statusName", "status"],
        ready: &["WAITING_FOR_USER", "PENDING_ACCEPTANCE", "AVAILABLE"],
        failed: &["FAILED", "DELETION_FAILED"],
        pending: &[
            "INITIATING",
            "FINALIZING",
            "TERMINATING",
            "ADDING_PEER",
            "DELETING",
        ],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupPrivateEndpointEndpointService",
        members: &["status"],
        ready: &["AVAILABLE", "WAITING_FOR_USER"],
        failed: &["FAILED"],
        pending: &["INITIATING", "DELETING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupPrivateNetworkSettingEndpointId",
        members: &["status"],
        ready: &["OK"],
        failed: &["FAILED"],
        pending: &["PENDING", "DELETING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupPushBasedLogExport",
        members: &["state"],
        ready: &["ACTIVE"],
        failed: &["BUCKET_VERIFICATION_FAILED", "ASSUME_ROLE_FAILED"],
        pending: &["INITIATING", "BUCKET_VERIFIED"],
        gone: &["UNCONFIGURED"],
    },
    Lifecycle {
        get: "getGroupSampleDatasetLoad",
        members: &["state"],
        ready: &["COMPLETED"],
        failed: &["FAILED"],
        pending: &["WORKING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupServerlessInstance",
        members: &["stateName"],
        ready: &["IDLE"],
        failed: &[],
        pending: &["CREATING", "UPDATING", "DELETING", "REPAIRING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupStandbyLinkFailover",
        members: &["status"],
        ready: &["COMPLETE"],
        failed: &[],
        pending: &["INITIALIZING", "IN_PROGRESS"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupStreamConnection",
        members: &["state"],
        ready: &["READY"],
        failed: &["FAILED"],
        pending: &["PENDING", "DELETING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupStreamConnectionFailoverConnection",
        members: &["state"],
        ready: &["READY"],
        failed: &["FAILED"],
        pending: &["PENDING", "DELETING"],
        gone: &[],
    },
    Lifecycle {
        get: "getGroupUserSecurityLdapVerify",
        members: &["status"],
        ready: &["SUCCESS"],
        failed: &["FAIL"],
        pending: &["PENDING"],
        gone: &[],
    },
    Lifecycle {
        get: "getOrgInvoiceReport",
        members: &["state"],
        ready: &["SUCCEEDED"],
        failed: &["FAILED"],
        pending: &["PENDING", "RUNNING"],
        gone: &[],
    },
];
