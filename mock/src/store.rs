//! The emulator's state: organizations, projects, service accounts with their secrets,
//! project assignments and access lists, API keys and access tokens.
//!
//! Secrets are kept only as SHA-256 hashes and a masked form: like Atlas, the emulator
//! cannot show a secret again after the response that created it.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use crate::clock::later;
use crate::ids;
use crate::ratelimit::SlidingWindow;
use crate::validation::{cidr_contains, cidr_string};

/// An organization.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// A project (a "group" in the API).
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) id: String,
    pub(crate) org_id: String,
    pub(crate) name: String,
    pub(crate) created: SystemTime,
    /// `tags`, as sent (an array of `{key, value}`).
    pub(crate) tags: Vec<serde_json::Value>,
}

impl Group {
    pub(crate) fn new(org_id: &str, name: &str, now: SystemTime) -> Group {
        Group {
            id: ids::object_id(),
            org_id: org_id.to_owned(),
            name: name.to_owned(),
            created: now,
            tags: Vec::new(),
        }
    }
}

/// A service account secret, hashed.
#[derive(Debug, Clone)]
pub(crate) struct Secret {
    pub(crate) id: String,
    hash: [u8; 32],
    pub(crate) masked: String,
    pub(crate) created_at: SystemTime,
    pub(crate) expires_at: SystemTime,
    pub(crate) last_used_at: Option<SystemTime>,
}

/// One access-list entry of a service account.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) network: IpAddr,
    pub(crate) bits: u8,
    /// Set when the entry was created from an `ipAddress`.
    pub(crate) ip_address: Option<IpAddr>,
    pub(crate) created_at: SystemTime,
    pub(crate) last_used_at: Option<SystemTime>,
    pub(crate) last_used_address: Option<IpAddr>,
    pub(crate) request_count: u64,
}

impl Entry {
    pub(crate) fn cidr_block(&self) -> String {
        cidr_string(self.network, self.bits)
    }
}

/// A service account.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) client_id: String,
    pub(crate) org_id: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) created_at: SystemTime,
    pub(crate) org_roles: Vec<String>,
    /// Project assignments: project id and project roles, in assignment order.
    pub(crate) projects: Vec<(String, Vec<String>)>,
    pub(crate) secrets: Vec<Secret>,
    pub(crate) access_list: Vec<Entry>,
}

impl Account {
    /// The project roles in `group_id`, if assigned there.
    pub(crate) fn project_roles(&self, group_id: &str) -> Option<&Vec<String>> {
        self.projects
            .iter()
            .find(|(g, _)| g == group_id)
            .map(|(_, roles)| roles)
    }

    /// Adds a secret valid for `lifetime`; returns its id and its plaintext (the only
    /// time the plaintext exists).
    pub(crate) fn add_secret(&mut self, lifetime: Duration, now: SystemTime) -> (String, String) {
        let plaintext = ids::client_secret();
        let id = ids::object_id();
        let tail = &plaintext[plaintext.len() - 4..];
        self.secrets.push(Secret {
            id: id.clone(),
            hash: ids::sha256(plaintext.as_bytes()),
            masked: format!("mdb_sa_sk_...{tail}"),
            created_at: now,
            expires_at: later(now, lifetime),
            last_used_at: None,
        });
        (id, plaintext)
    }

    /// Counts a request from `peer` against the access-list entries that contain it.
    pub(crate) fn record_use(&mut self, peer: IpAddr, now: SystemTime) {
        for entry in &mut self.access_list {
            if cidr_contains(entry.network, entry.bits, peer) {
                entry.last_used_at = Some(now);
                entry.last_used_address = Some(peer);
                entry.request_count += 1;
            }
        }
    }
}

/// A programmatic API key.
#[derive(Debug, Clone)]
pub(crate) struct ApiKey {
    pub(crate) public: String,
    pub(crate) private: String,
    pub(crate) org_id: String,
    pub(crate) org_roles: Vec<String>,
}

/// An access token issued by the token endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) client_id: String,
    pub(crate) expires_at: SystemTime,
    pub(crate) revoked: bool,
}

/// Why a bearer token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    Unknown,
    Expired,
    Revoked,
    AccountGone,
}

/// All the state.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) orgs: Vec<Org>,
    pub(crate) groups: Vec<Group>,
    pub(crate) accounts: Vec<Account>,
    pub(crate) api_keys: Vec<ApiKey>,
    /// Clusters, database users and IP access lists of the projects.
    pub(crate) resources: crate::resources::Resources,
    /// The other resources with a state, and the tests' failure rules.
    pub(crate) lifecycles: crate::lifecycle::Lifecycles,
    /// The organizations' invoices.
    pub(crate) invoices: Vec<crate::billing::Invoice>,
    pub(crate) tokens: HashMap<String, Token>,
    /// Refresh tokens of `atlas auth login` sessions, each to the service account whose
    /// roles the session acts with ([`crate::auth::oauth::login_token`]).
    pub(crate) login_refresh_tokens: HashMap<String, String>,
    /// The token endpoint's window for granted requests, per source address and client
    /// id, when enabled.
    pub(crate) token_window: Option<SlidingWindow>,
    /// The token endpoint's window for failed requests, per source address, when
    /// enabled.
    pub(crate) failed_token_window: Option<SlidingWindow>,
}

impl Store {
    pub(crate) fn new(
        token_window: Option<SlidingWindow>,
        failed_token_window: Option<SlidingWindow>,
    ) -> Store {
        Store {
            orgs: Vec::new(),
            groups: Vec::new(),
            accounts: Vec::new(),
            api_keys: Vec::new(),
            resources: crate::resources::Resources::default(),
            lifecycles: crate::lifecycle::Lifecycles::default(),
            invoices: Vec::new(),
            tokens: HashMap::new(),
            login_refresh_tokens: HashMap::new(),
            token_window,
            failed_token_window,
        }
    }

    pub(crate) fn org(&self, id: &str) -> Option<&Org> {
        self.orgs.iter().find(|o| o.id == id)
    }

    pub(crate) fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub(crate) fn account(&self, client_id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.client_id == client_id)
    }

    pub(crate) fn account_mut(&mut self, client_id: &str) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| a.client_id == client_id)
    }

    pub(crate) fn api_key(&self, public: &str) -> Option<&ApiKey> {
        self.api_keys.iter().find(|k| k.public == public)
    }

    /// Creates a service account with one secret; returns its client id and the secret.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn create_account(
        &mut self,
        org_id: &str,
        name: &str,
        description: &str,
        org_roles: Vec<String>,
        projects: Vec<(String, Vec<String>)>,
        secret_lifetime: Duration,
        now: SystemTime,
    ) -> (String, String) {
        let mut account = Account {
            client_id: ids::client_id(),
            org_id: org_id.to_owned(),
            name: name.to_owned(),
            description: description.to_owned(),
            created_at: now,
            org_roles,
            projects,
            secrets: Vec::new(),
            access_list: Vec::new(),
        };
        let (_, secret) = account.add_secret(secret_lifetime, now);
        let client_id = account.client_id.clone();
        self.accounts.push(account);
        (client_id, secret)
    }

    /// Removes a service account and every token issued to it.
    pub(crate) fn delete_account(&mut self, client_id: &str) -> bool {
        let before = self.accounts.len();
        self.accounts.retain(|a| a.client_id != client_id);
        self.tokens.retain(|_, t| t.client_id != client_id);
        self.accounts.len() != before
    }

    /// Whether `secret` is a live (unexpired) secret of `client_id`; marks it used.
    pub(crate) fn check_secret(&mut self, client_id: &str, secret: &str, now: SystemTime) -> bool {
        let hash = ids::sha256(secret.as_bytes());
        let Some(account) = self.account_mut(client_id) else {
            return false;
        };
        match account
            .secrets
            .iter_mut()
            .find(|s| s.hash == hash && now < s.expires_at)
        {
            Some(s) => {
                s.last_used_at = Some(now);
                true
            }
            None => false,
        }
    }

    /// Tokens of `client_id` that still work.
    pub(crate) fn live_tokens(&self, client_id: &str, now: SystemTime) -> usize {
        self.tokens
            .values()
            .filter(|t| t.client_id == client_id && !t.revoked && now < t.expires_at)
            .count()
    }

    /// Issues a token; forgets long-dead ones on the way.
    pub(crate) fn issue_token(
        &mut self,
        client_id: &str,
        lifetime: Duration,
        now: SystemTime,
    ) -> String {
        if self.tokens.len() > 1_000 {
            self.tokens.retain(|_, t| {
                now.duration_since(t.expires_at).unwrap_or_default() < Duration::from_secs(86_400)
            });
        }
        let token = ids::access_token();
        self.tokens.insert(
            token.clone(),
            Token {
                client_id: client_id.to_owned(),
                expires_at: later(now, lifetime),
                revoked: false,
            },
        );
        token
    }

    /// The service account a bearer token stands for.
    pub(crate) fn token_owner(&self, token: &str, now: SystemTime) -> Result<String, TokenProblem> {
        let t = self.tokens.get(token).ok_or(TokenProblem::Unknown)?;
        if t.revoked {
            return Err(TokenProblem::Revoked);
        }
        if now >= t.expires_at {
            return Err(TokenProblem::Expired);
        }
        if self.account(&t.client_id).is_none() {
            return Err(TokenProblem::AccountGone);
        }
        Ok(t.client_id.clone())
    }
}

// ---- Public snapshots -----------------------------------------------------------------

/// Credentials of a service account, as handed out once at creation.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceAccountCredentials {
    /// `mdb_sa_id_…`
    pub client_id: String,
    /// `mdb_sa_sk_…`
    pub client_secret: String,
}

impl std::fmt::Debug for ServiceAccountCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccountCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

/// A service account as the emulator holds it (see
/// [`MockAtlas::service_account`](crate::MockAtlas::service_account)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccountInfo {
    /// `mdb_sa_id_…`
    pub client_id: String,
    /// The organization it belongs to.
    pub org_id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its organization roles.
    pub org_roles: Vec<String>,
    /// The projects it is assigned to, with its roles there.
    pub projects: Vec<ProjectAssignment>,
    /// Its secrets, expired ones included (Atlas lists them until deleted).
    pub secrets: Vec<SecretInfo>,
    /// Its access list, as CIDR blocks.
    pub access_list: Vec<String>,
}

/// A project assignment of a service account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectAssignment {
    /// The project id.
    pub group_id: String,
    /// The project roles.
    pub roles: Vec<String>,
}

/// A secret as the emulator holds it: never the plaintext.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretInfo {
    /// The secret id.
    pub id: String,
    /// `mdb_sa_sk_...` and the last four characters.
    pub masked_value: String,
    /// When it was created.
    pub created_at: SystemTime,
    /// When it stops working.
    pub expires_at: SystemTime,
    /// When a token was last issued with it.
    pub last_used_at: Option<SystemTime>,
}

impl From<&Account> for ServiceAccountInfo {
    fn from(a: &Account) -> Self {
        ServiceAccountInfo {
            client_id: a.client_id.clone(),
            org_id: a.org_id.clone(),
            name: a.name.clone(),
            description: a.description.clone(),
            org_roles: a.org_roles.clone(),
            projects: a
                .projects
                .iter()
                .map(|(g, roles)| ProjectAssignment {
                    group_id: g.clone(),
                    roles: roles.clone(),
                })
                .collect(),
            secrets: a
                .secrets
                .iter()
                .map(|s| SecretInfo {
                    id: s.id.clone(),
                    masked_value: s.masked.clone(),
                    created_at: s.created_at,
                    expires_at: s.expires_at,
                    last_used_at: s.last_used_at,
                })
                .collect(),
            access_list: a.access_list.iter().map(Entry::cidr_block).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    #[test]
    fn secrets_are_hashed_expire_and_are_marked_used() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut store = Store::new(None, None);
        let (cid, secret) =
            store.create_account("o", "n", "d", vec![], vec![], Duration::from_secs(10), now);
        assert!(store.check_secret(&cid, &secret, now));
        assert!(!store.check_secret(&cid, "mdb_sa_sk_wrong", now));
        assert!(!store.check_secret(&cid, &secret, now + Duration::from_secs(10)));
        let account = store.account(&cid).unwrap();
        assert_eq!(account.secrets[0].last_used_at, Some(now));
        assert!(
            account.secrets[0]
                .masked
                .ends_with(&secret[secret.len() - 4..])
        );
        assert!(!format!("{account:?}").contains(&secret));
    }

    #[test]
    fn tokens_expire_and_die_with_their_account() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut store = Store::new(None, None);
        let (cid, _) =
            store.create_account("o", "n", "d", vec![], vec![], Duration::from_secs(10), now);
        let t = store.issue_token(&cid, Duration::from_secs(5), now);
        assert_eq!(store.token_owner(&t, now), Ok(cid.clone()));
        assert_eq!(store.live_tokens(&cid, now), 1);
        assert_eq!(
            store.token_owner(&t, now + Duration::from_secs(5)),
            Err(TokenProblem::Expired)
        );
        assert_eq!(store.token_owner("nope", now), Err(TokenProblem::Unknown));
        assert!(store.delete_account(&cid));
        assert_eq!(store.token_owner(&t, now), Err(TokenProblem::Unknown));
    }
}
