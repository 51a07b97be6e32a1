//! API keys over HTTP Digest against a loopback server that verifies every signature
//! with its own implementation (md-5/sha2 directly): one round trip per call after the
//! first, SHA-256 when offered, stale nonces recovered, bodies resent intact.
//! (MD5 against Apache's mod_auth_digest runs in `peers_auth.rs`.)

use std::sync::{Arc, Mutex};

use atlas_runtime::{Client, Credentials, atlas_endpoint};
use atlas_test_support::{Canned, Recorded, TestServer};
use md5::Md5;
use sha2::{Digest, Sha256};

const USER: &str = "abcdefgh";
const PASSWORD: &str = "2f7c3b9e-0d1a-4c5e-9f8b-7a6d5c4b3a21";
const REALM: &str = "MMS Public API";

#[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05", response = serde_json::Value)]
struct GetOrg {
    org_id: String,
    #[atlas(query)]
    pretty_print: Option<bool>,
}

#[atlas_endpoint(POST, "/orgs/{orgId}/things", version = "2024-08-05", response = serde_json::Value)]
struct CreateThing {
    org_id: String,
    name: String,
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";

#[derive(Clone, Copy, PartialEq)]
enum Offer {
    Md5,
    Sha256AndMd5,
}

struct DigestServer {
    server: TestServer,
    state: Arc<Mutex<ServerState>>,
}

#[derive(Default)]
struct ServerState {
    nonce: u32,
    /// Rotate the nonce after this many accepted requests (0 = never).
    rotate_after: usize,
    accepted_with_nonce: usize,
    /// Nonce counts seen with the current nonce: a repeat is a replay.
    seen: Vec<u32>,
    ncs: Vec<u32>,
    algorithms: Vec<String>,
    bodies: Vec<Vec<u8>>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hash(algorithm: &str, text: &str) -> String {
    if algorithm == "SHA-256" {
        hex(&Sha256::digest(text.as_bytes()))
    } else {
        hex(&Md5::digest(text.as_bytes()))
    }
}

fn params(header: &str) -> std::collections::HashMap<String, String> {
    let re = regex::Regex::new(r#"(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))"#).unwrap();
    re.captures_iter(header)
        .map(|c| {
            let v = c.get(2).or(c.get(3)).map_or("", |m| m.as_str());
            (c[1].to_string(), v.to_string())
        })
        .collect()
}

impl DigestServer {
    fn start(offer: Offer, rotate_after: usize, password: &'static str) -> DigestServer {
        let state = Arc::new(Mutex::new(ServerState {
            rotate_after,
            ..ServerState::default()
        }));
        let shared = state.clone();
        let server = TestServer::with_handler(move |r: &Recorded| {
            let mut st = shared.lock().unwrap();
            let nonce = format!("nonce-{}", st.nonce);
            let challenge = |stale: bool| {
                let mut c = Canned::json(
                    401,
                    r#"{"error":401,"errorCode":"NOT_AUTHORIZED","reason":"Unauthorized"}"#,
                );
                if offer == Offer::Sha256AndMd5 {
                    c = c.header(
                        "WWW-Authenticate",
                        &format!(r#"Digest realm="{REALM}", domain="", nonce="{nonce}", algorithm=SHA-256, qop="auth", stale={stale}"#),
                    );
                }
                c.header(
                    "WWW-Authenticate",
                    &format!(r#"Digest realm="{REALM}", domain="", nonce="{nonce}", algorithm=MD5, qop="auth", stale={stale}"#),
                )
            };
            let Some(auth) = r.header("authorization") else {
                return challenge(false);
            };
            let p = params(auth);
            let algorithm = p.get("algorithm").cloned().unwrap_or_else(|| "MD5".into());
            if p.get("nonce") != Some(&nonce) {
                return challenge(true);
            }
            let nc = u32::from_str_radix(p.get("nc").map_or("0", String::as_str), 16).unwrap_or(0);
            let ha1 = hash(&algorithm, &format!("{USER}:{REALM}:{password}"));
            let ha2 = hash(&algorithm, &format!("{}:{}", r.method, p["uri"]));
            let expected = hash(
                &algorithm,
                &format!("{ha1}:{nonce}:{}:{}:auth:{ha2}", p["nc"], p["cnonce"]),
            );
            let valid = p.get("username").map(String::as_str) == Some(USER)
                && p.get("realm").map(String::as_str) == Some(REALM)
                && p["uri"] == r.url
                && p.get("qop").map(String::as_str) == Some("auth")
                && !st.seen.contains(&nc)
                && p.get("response") == Some(&expected);
            if !valid {
                return challenge(false);
            }
            st.seen.push(nc);
            st.ncs.push(nc);
            st.algorithms.push(algorithm);
            st.bodies.push(r.body.clone());
            st.accepted_with_nonce += 1;
            if st.rotate_after > 0 && st.accepted_with_nonce >= st.rotate_after {
                st.nonce += 1;
                st.accepted_with_nonce = 0;
                st.seen.clear();
            }
            Canned::json(200, r#"{"ok":true}"#)
        });
        DigestServer { server, state }
    }

    fn client(&self, password: &str) -> Client {
        Client::builder()
            .base_url(self.server.url())
            .credentials(Credentials::api_key(USER, password))
            .build()
            .unwrap()
    }
}

#[test]
fn a_hundred_calls_cost_a_hundred_and_one_requests() {
    let digest = DigestServer::start(Offer::Md5, 0, PASSWORD);
    let client = digest.client(PASSWORD);
    for i in 0..100 {
        let answer = GetOrg::new(ORG)
            .pretty_print(i % 2 == 0)
            .send(&client)
            .unwrap();
        assert_eq!(answer["ok"], true);
    }
    let requests = digest.server.requests();
    assert_eq!(
        requests.len(),
        101,
        "one unsigned probe, then one request per call"
    );
    assert!(requests[0].header("authorization").is_none());
    let st = digest.state.lock().unwrap();
    assert_eq!(
        st.ncs,
        (1..=100).collect::<Vec<u32>>(),
        "nc counts up on one nonce"
    );
    assert!(st.algorithms.iter().all(|a| a == "MD5"));
}

#[test]
fn sha256_is_chosen_when_offered() {
    let digest = DigestServer::start(Offer::Sha256AndMd5, 0, PASSWORD);
    let client = digest.client(PASSWORD);
    for _ in 0..3 {
        GetOrg::new(ORG).send(&client).unwrap();
    }
    assert_eq!(digest.server.requests().len(), 4);
    let st = digest.state.lock().unwrap();
    assert_eq!(st.algorithms, ["SHA-256", "SHA-256", "SHA-256"]);
}

#[test]
fn a_stale_nonce_is_replaced_with_one_resend() {
    let digest = DigestServer::start(Offer::Md5, 5, PASSWORD);
    let client = digest.client(PASSWORD);
    for _ in 0..12 {
        GetOrg::new(ORG).send(&client).unwrap();
    }
    // 1 probe + 12 calls + 2 nonce rotations (after the 5th and 10th accepted request).
    assert_eq!(digest.server.requests().len(), 15);
    let st = digest.state.lock().unwrap();
    assert_eq!(st.ncs, [1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2]);
}

#[test]
fn bodies_are_resent_intact() {
    let digest = DigestServer::start(Offer::Md5, 0, PASSWORD);
    let client = digest.client(PASSWORD);
    CreateThing::new(ORG, "first").send(&client).unwrap();
    let requests = digest.server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, br#"{"name":"first"}"#);
    assert_eq!(requests[1].body, br#"{"name":"first"}"#);
    assert_eq!(
        digest.state.lock().unwrap().bodies,
        [br#"{"name":"first"}"#.to_vec()]
    );
}

#[test]
fn a_wrong_key_fails_after_one_resend() {
    let digest = DigestServer::start(Offer::Md5, 0, PASSWORD);
    let client = digest.client("not-the-key");
    let err = GetOrg::new(ORG).send(&client).unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(
        err.to_string().contains("credentials were refused"),
        "{err}"
    );
    assert_eq!(
        digest.server.requests().len(),
        2,
        "probe, one signed attempt, no loop"
    );
    assert!(!format!("{err:?}").contains("not-the-key"));
}

#[test]
fn concurrent_calls_share_the_challenge() {
    let digest = DigestServer::start(Offer::Md5, 0, PASSWORD);
    let client = digest.client(PASSWORD);
    GetOrg::new(ORG).send(&client).unwrap();
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    GetOrg::new(ORG).send(&client).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let requests = digest.server.requests().len();
    assert_eq!(requests, 82, "one probe, then one request per call");
    let mut ncs = digest.state.lock().unwrap().ncs.clone();
    ncs.sort_unstable();
    assert_eq!(ncs, (1..=81).collect::<Vec<u32>>(), "every nc used once");
}
