//! Helpers for the integration tests: a plain HTTP client (ureq), tokens, Digest.
#![allow(dead_code)]

use std::time::Duration;

use atlas_mock::MockAtlas;
use base64::Engine as _;
use md5::Md5;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

/// The media type of the Service Accounts operations.
pub const V: &str = "application/vnd.atlas.2024-08-05+json";

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Res {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?} (status {})", self.body, self.status))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Asserts an Atlas `ApiError` with this status and code; returns the document.
    #[track_caller]
    pub fn api_error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.header("content-type"), Some("application/json"));
        let doc = self.json();
        assert_eq!(doc["error"], status, "{doc}");
        assert_eq!(doc["errorCode"], code, "{doc}");
        assert!(doc["detail"].is_string(), "{doc}");
        assert!(doc["reason"].is_string(), "{doc}");
        assert!(doc["parameters"].is_array(), "{doc}");
        doc
    }
}

/// A client that does not turn statuses into errors and never retries by itself.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// A client with a short overall timeout.
pub fn agent_with_timeout(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// Sends a request; transport errors are returned.
pub fn try_send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Result<Res, ureq::Error> {
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    let mut response = match body {
        Some(b) => agent.run(builder.body(b.to_owned()).expect("request"))?,
        None => agent.run(builder.body(()).expect("request"))?,
    };
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response.body_mut().read_to_string()?;
    Ok(Res {
        status,
        headers,
        body,
    })
}

/// Sends a request; transport errors panic.
#[track_caller]
pub fn send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Res {
    try_send(agent, method, url, headers, body).unwrap_or_else(|e| panic!("{method} {url}: {e}"))
}

pub fn basic(client_id: &str, secret: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{secret}"));
    format!("Basic {encoded}")
}

/// `POST /api/oauth/token` with these credentials.
pub fn token_request(mock: &MockAtlas, client_id: &str, secret: &str) -> Res {
    send(
        &agent(),
        "POST",
        &format!("{}/api/oauth/token", mock.url()),
        &[
            ("Authorization", &basic(client_id, secret)),
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Accept", "application/json"),
        ],
        Some("grant_type=client_credentials"),
    )
}

/// An access token for these credentials (panics unless 200).
#[track_caller]
pub fn token_for(mock: &MockAtlas, client_id: &str, secret: &str) -> String {
    let r = token_request(mock, client_id, secret);
    assert_eq!(r.status, 200, "token request: {}", r.body);
    r.json()["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// A client of the API as the seeded owner (bearer token).
pub struct Api<'a> {
    pub mock: &'a MockAtlas,
    pub agent: ureq::Agent,
    pub token: String,
}

impl<'a> Api<'a> {
    pub fn owner(mock: &'a MockAtlas) -> Api<'a> {
        let token = token_for(mock, mock.client_id(), mock.client_secret());
        Api {
            mock,
            agent: agent(),
            token,
        }
    }

    pub fn with_token(mock: &'a MockAtlas, token: String) -> Api<'a> {
        Api {
            mock,
            agent: agent(),
            token,
        }
    }

    pub fn org(&self) -> String {
        format!("/api/atlas/v2/orgs/{}/serviceAccounts", self.mock.org_id())
    }

    pub fn group(&self) -> String {
        format!(
            "/api/atlas/v2/groups/{}/serviceAccounts",
            self.mock.project_id()
        )
    }

    /// A request with the bearer token, `Accept: V`, and (with a body) `Content-Type: V`.
    #[track_caller]
    pub fn call(&self, method: &str, path: &str, body: Option<&str>) -> Res {
        let auth = format!("Bearer {}", self.token);
        let mut headers = vec![("Authorization", auth.as_str()), ("Accept", V)];
        if body.is_some() {
            headers.push(("Content-Type", V));
        }
        send(
            &self.agent,
            method,
            &format!("{}{path}", self.mock.url()),
            &headers,
            body,
        )
    }

    /// Like [`call`](Self::call) with explicit headers (the bearer token is added).
    #[track_caller]
    pub fn call_with(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Res {
        let auth = format!("Bearer {}", self.token);
        let mut all = vec![("Authorization", auth.as_str())];
        all.extend_from_slice(headers);
        send(
            &self.agent,
            method,
            &format!("{}{path}", self.mock.url()),
            &all,
            body,
        )
    }

    /// Creates an org service account with these roles; returns (client id, secret).
    #[track_caller]
    pub fn create_org_account(&self, name: &str, roles: &[&str]) -> (String, String) {
        let body = serde_json::json!({
            "name": name,
            "description": "created by a test",
            "roles": roles,
            "secretExpiresAfterHours": 24,
        });
        let r = self.call("POST", &self.org(), Some(&body.to_string()));
        assert_eq!(r.status, 201, "{}", r.body);
        let doc = r.json();
        (
            doc["clientId"].as_str().unwrap().to_owned(),
            doc["secrets"][0]["secret"].as_str().unwrap().to_owned(),
        )
    }
}

/// Parameters of a `WWW-Authenticate: Digest …` challenge.
pub fn challenge_params(challenge: &str) -> std::collections::HashMap<String, String> {
    let rest = challenge
        .strip_prefix("Digest ")
        .expect("a Digest challenge");
    let mut out = std::collections::HashMap::new();
    for part in rest.split(", ") {
        let (k, v) = part.split_once('=').expect("k=v");
        out.insert(k.to_owned(), v.trim_matches('"').to_owned());
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An `Authorization: Digest …` value, computed here with md-5/sha2 directly.
#[allow(clippy::too_many_arguments)]
pub fn digest_header(
    algorithm: &str,
    user: &str,
    password: &str,
    realm: &str,
    nonce: &str,
    nc: u32,
    method: &str,
    uri: &str,
) -> String {
    let h = |s: String| -> String {
        match algorithm {
            "MD5" => hex(&Md5::digest(s.as_bytes())),
            "SHA-256" => hex(&Sha256::digest(s.as_bytes())),
            other => panic!("algorithm {other}"),
        }
    };
    let cnonce = "0a4f113b";
    let nc = format!("{nc:08x}");
    let ha1 = h(format!("{user}:{realm}:{password}"));
    let ha2 = h(format!("{method}:{uri}"));
    let response = h(format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"));
    format!(
        "Digest username=\"{user}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", algorithm={algorithm}, qop=auth, nc={nc}, cnonce=\"{cnonce}\", response=\"{response}\""
    )
}
