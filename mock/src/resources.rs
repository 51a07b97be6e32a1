//! The state of the project resources the emulator keeps: clusters with their state
//! machine, database users, and IP access list entries.
//!
//! A cluster is `CREATING` after it is created and `UPDATING` after a change, for the
//! configured transition time ([`MockAtlasBuilder::cluster_transition`]), then `IDLE`; a
//! deleted cluster is `DELETING` for that long, then gone. Times are read from the
//! emulator's clock, so [`MockAtlas::advance_clock`] skips them.
//!
//! [`MockAtlasBuilder::cluster_transition`]: crate::MockAtlasBuilder::cluster_transition
//! [`MockAtlas::advance_clock`]: crate::MockAtlas::advance_clock

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::clock::later;

/// Where a cluster is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClusterState {
    Creating,
    Updating,
    Idle,
    Deleting,
}

impl ClusterState {
    /// The API's `stateName`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            ClusterState::Creating => "CREATING",
            ClusterState::Updating => "UPDATING",
            ClusterState::Idle => "IDLE",
            ClusterState::Deleting => "DELETING",
        }
    }
}

/// A cluster.
#[derive(Debug, Clone)]
pub(crate) struct Cluster {
    pub(crate) id: String,
    pub(crate) group_id: String,
    pub(crate) name: String,
    pub(crate) state: ClusterState,
    /// When the current transition ends.
    pub(crate) until: SystemTime,
    pub(crate) paused: bool,
    pub(crate) created: SystemTime,
    /// The version of the request that created or last changed it.
    pub(crate) version: &'static str,
    /// The members sent, as sent (for answers at that version).
    pub(crate) spec: Map<String, Value>,
}

/// A database user.
#[derive(Debug, Clone)]
pub(crate) struct DbUser {
    pub(crate) group_id: String,
    pub(crate) database: String,
    pub(crate) username: String,
    /// The members sent, without the password.
    pub(crate) doc: Map<String, Value>,
}

/// An IP access list entry of a project.
#[derive(Debug, Clone)]
pub(crate) struct AccessEntry {
    pub(crate) group_id: String,
    /// `cidrBlock`, `ipAddress` or `awsSecurityGroup`: the entry's identity.
    pub(crate) key: String,
    pub(crate) doc: Map<String, Value>,
}

/// All of them, for every project.
#[derive(Debug, Default)]
pub(crate) struct Resources {
    pub(crate) clusters: Vec<Cluster>,
    pub(crate) db_users: Vec<DbUser>,
    pub(crate) access: Vec<AccessEntry>,
}

impl Resources {
    /// Moves clusters along their state machine up to `now`: finished transitions end
    /// in `IDLE`, finished deletions remove the cluster.
    pub(crate) fn settle(&mut self, now: SystemTime) {
        self.clusters
            .retain(|c| !(c.state == ClusterState::Deleting && now >= c.until));
        for c in &mut self.clusters {
            if matches!(c.state, ClusterState::Creating | ClusterState::Updating) && now >= c.until
            {
                c.state = ClusterState::Idle;
            }
        }
    }

    /// Starts a transition of `cluster` to `state` lasting `delay`.
    pub(crate) fn transition(
        cluster: &mut Cluster,
        state: ClusterState,
        now: SystemTime,
        delay: Duration,
    ) {
        cluster.state = state;
        cluster.until = later(now, delay);
    }

    pub(crate) fn cluster(&self, group_id: &str, name: &str) -> Option<&Cluster> {
        self.clusters
            .iter()
            .find(|c| c.group_id == group_id && c.name == name)
    }

    pub(crate) fn cluster_mut(&mut self, group_id: &str, name: &str) -> Option<&mut Cluster> {
        self.clusters
            .iter_mut()
            .find(|c| c.group_id == group_id && c.name == name)
    }

    /// Forgets everything of a deleted project.
    pub(crate) fn drop_group(&mut self, group_id: &str) {
        self.clusters.retain(|c| c.group_id != group_id);
        self.db_users.retain(|u| u.group_id != group_id);
        self.access.retain(|e| e.group_id != group_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn clusters_settle_after_their_transition() {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000);
        let second = Duration::from_secs(1);
        let mut r = Resources::default();
        r.clusters.push(Cluster {
            id: "c".into(),
            group_id: "g".into(),
            name: "c0".into(),
            state: ClusterState::Creating,
            until: t0 + second,
            paused: false,
            created: t0,
            version: "2024-10-23",
            spec: Map::new(),
        });
        r.settle(t0);
        assert_eq!(r.clusters[0].state, ClusterState::Creating);
        r.settle(t0 + second);
        assert_eq!(r.clusters[0].state, ClusterState::Idle);
        let c = r.cluster_mut("g", "c0").unwrap();
        Resources::transition(c, ClusterState::Deleting, t0 + second, second);
        r.settle(t0 + second);
        assert!(r.cluster("g", "c0").is_some());
        r.settle(t0 + 2 * second);
        assert!(r.cluster("g", "c0").is_none());
    }
}
