//! The state of the project resources the emulator keeps: clusters with their state
//! machine and their hosts, database users, and IP access list entries.
//!
//! A cluster is `CREATING` after it is created and `UPDATING` after a change, for the
//! configured transition time ([`MockAtlasBuilder::cluster_transition`]), then `IDLE`; a
//! deleted cluster is `DELETING` for that long, then gone. Times are read from the
//! emulator's clock, so [`MockAtlas::advance_clock`] skips them.
//!
//! A cluster has hosts once it is provisioned (`IDLE`, or `UPDATING` after a change):
//! three members per shard, named as Atlas names them
//! (`<name>-shard-00-00.<tag>.mongodb.net`, port 27017); a sharded cluster also runs a
//! `mongos` on each shard host (port 27016) and a config server replica set.
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

/// How a cluster's hosts are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Topology {
    ReplicaSet,
    /// Sharded (or geo-sharded), with this many shards.
    Sharded(usize),
}

/// One process of a cluster, as `listGroupProcesses` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Host {
    pub(crate) hostname: String,
    pub(crate) port: u16,
    /// The API's `typeName`: `REPLICA_PRIMARY`, `SHARD_MONGOS`, …
    pub(crate) type_name: &'static str,
    pub(crate) replica_set: Option<String>,
    pub(crate) shard: Option<String>,
}

impl Host {
    /// The process id of the API: `hostname:port`.
    pub(crate) fn id(&self) -> String {
        format!("{}:{}", self.hostname, self.port)
    }

    /// Whether the process is a `mongos` (its log is `mongos`, not `mongodb`).
    pub(crate) fn is_mongos(&self) -> bool {
        self.type_name == "SHARD_MONGOS"
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
    /// The component schema of the version that created or last changed it
    /// (`ClusterDescription20240805`): `spec` is in that shape.
    pub(crate) shape: Option<&'static str>,
    /// The members sent, as sent (for answers at that version).
    pub(crate) spec: Map<String, Value>,
    pub(crate) topology: Topology,
}

impl Cluster {
    /// Five lowercase letters and digits from the cluster's id: the part of its host
    /// names that tells clusters of the same name apart (`cluster0-shard-00-00.ab1cd…`).
    fn tag(&self) -> String {
        const CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        crate::ids::sha256(self.id.as_bytes())
            .iter()
            .take(5)
            .map(|b| char::from(CHARS[usize::from(*b) % CHARS.len()]))
            .collect()
    }

    /// Its processes: none before it is provisioned or while it is deleted.
    pub(crate) fn hosts(&self) -> Vec<Host> {
        if !matches!(self.state, ClusterState::Idle | ClusterState::Updating) {
            return Vec::new();
        }
        let name = self.name.to_ascii_lowercase();
        let tag = self.tag();
        let host = |kind: &str, set: usize, member: usize| {
            format!("{name}-{kind}-{set:02}-{member:02}.{tag}.mongodb.net")
        };
        let mut hosts = Vec::new();
        match self.topology {
            Topology::ReplicaSet => {
                for member in 0..3 {
                    hosts.push(Host {
                        hostname: host("shard", 0, member),
                        port: 27017,
                        type_name: if member == 0 {
                            "REPLICA_PRIMARY"
                        } else {
                            "REPLICA_SECONDARY"
                        },
                        replica_set: Some(format!("atlas-{tag}-shard-0")),
                        shard: None,
                    });
                }
            }
            Topology::Sharded(shards) => {
                for shard in 0..shards.max(1) {
                    for member in 0..3 {
                        let hostname = host("shard", shard, member);
                        hosts.push(Host {
                            hostname: hostname.clone(),
                            port: 27017,
                            type_name: if member == 0 {
                                "SHARD_PRIMARY"
                            } else {
                                "SHARD_SECONDARY"
                            },
                            replica_set: Some(format!("atlas-{tag}-shard-{shard}")),
                            shard: Some(format!("atlas-{tag}-shard-{shard}")),
                        });
                        hosts.push(Host {
                            hostname,
                            port: 27016,
                            type_name: "SHARD_MONGOS",
                            replica_set: None,
                            shard: None,
                        });
                    }
                }
                for member in 0..3 {
                    hosts.push(Host {
                        hostname: host("config", 0, member),
                        port: 27017,
                        type_name: "SHARD_CONFIG",
                        replica_set: Some(format!("atlas-{tag}-config-0")),
                        shard: None,
                    });
                }
            }
        }
        hosts
    }
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
            shape: Some("ClusterDescription20240805"),
            spec: Map::new(),
            topology: Topology::ReplicaSet,
        });
        r.settle(t0);
        assert_eq!(r.clusters[0].state, ClusterState::Creating);
        assert!(
            r.clusters[0].hosts().is_empty(),
            "no hosts before it is provisioned"
        );
        r.settle(t0 + second);
        assert_eq!(r.clusters[0].state, ClusterState::Idle);
        assert_eq!(r.clusters[0].hosts().len(), 3);
        let c = r.cluster_mut("g", "c0").unwrap();
        Resources::transition(c, ClusterState::Deleting, t0 + second, second);
        r.settle(t0 + second);
        assert!(r.cluster("g", "c0").is_some());
        r.settle(t0 + 2 * second);
        assert!(r.cluster("g", "c0").is_none());
    }

    fn cluster(name: &str, topology: Topology) -> Cluster {
        let t0 = UNIX_EPOCH + Duration::from_secs(1_000);
        Cluster {
            id: "6b1639acf8c6828d811facc3".into(),
            group_id: "g".into(),
            name: name.into(),
            state: ClusterState::Idle,
            until: t0,
            paused: false,
            created: t0,
            shape: Some("ClusterDescription20240805"),
            spec: Map::new(),
            topology,
        }
    }

    #[test]
    fn hosts_are_named_as_atlas_names_them() {
        let hosts = cluster("Cluster0", Topology::ReplicaSet).hosts();
        let names: Vec<String> = hosts.iter().map(Host::id).collect();
        let tag = &hosts[0].hostname["cluster0-shard-00-00.".len()..][..5];
        assert_eq!(
            names,
            [0, 1, 2].map(|m| format!("cluster0-shard-00-0{m}.{tag}.mongodb.net:27017"))
        );
        assert_eq!(hosts[0].type_name, "REPLICA_PRIMARY");
        assert_eq!(hosts[2].type_name, "REPLICA_SECONDARY");
        assert!(
            tag.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );

        let sharded = cluster("big", Topology::Sharded(2)).hosts();
        let count = |t: &str| sharded.iter().filter(|h| h.type_name == t).count();
        assert_eq!(count("SHARD_PRIMARY"), 2);
        assert_eq!(count("SHARD_SECONDARY"), 4);
        assert_eq!(count("SHARD_MONGOS"), 6);
        assert_eq!(count("SHARD_CONFIG"), 3);
        assert!(
            sharded
                .iter()
                .filter(|h| h.is_mongos())
                .all(|h| h.port == 27016)
        );
    }
}
