//! The baselines: what a careful programmer writes by hand with `ureq` 3, `serde_json`,
//! `format!` and the `regex` crate, doing the same work as the framework.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use md5::{Digest, Md5};
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use crate::{AccessListEntry, MEDIA_TYPE, ServiceAccount, ServiceAccountSecret};

/// Any failure of a baseline call.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A ureq agent configured exactly as `atlas_runtime::ClientBuilder::build` configures
/// its own (same timeouts, no redirects, statuses as values, same default User-Agent).
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(atlas_runtime::defaults::DEFAULT_CONNECT_TIMEOUT))
        .timeout_recv_response(Some(atlas_runtime::defaults::DEFAULT_RESPONSE_TIMEOUT))
        .timeout_global(Some(atlas_runtime::defaults::DEFAULT_TIMEOUT))
        .user_agent(atlas_runtime::defaults::default_user_agent(None).as_str())
        .build()
        .into()
}

/// The body of `createOrgServiceAccountSecret`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SecretBody {
    secret_expires_after_hours: i32,
}

/// `createOrgServiceAccountSecret` by hand with ureq 3: the same request bytes as the
/// framework's `send()` (checked by `tests/wire.rs`), the same decoding.
pub struct HandWritten {
    agent: ureq::Agent,
    base_url: String,
    user_agent: String,
    authorization: Option<String>,
}

impl HandWritten {
    /// A client for `base_url`, sending `Authorization: Bearer <token>` when given one.
    pub fn new(base_url: &str, bearer: Option<&str>) -> Self {
        HandWritten {
            agent: agent(),
            base_url: base_url.to_string(),
            user_agent: atlas_runtime::defaults::default_user_agent(None),
            authorization: bearer.map(|t| format!("Bearer {t}")),
        }
    }

    /// Creates a secret; an error for anything but `201` with a secret.
    pub fn create_secret(
        &self,
        org_id: &str,
        client_id: &str,
        hours: i32,
    ) -> Result<ServiceAccountSecret, BoxError> {
        let url = format!(
            "{}/api/atlas/v2/orgs/{org_id}/serviceAccounts/{client_id}/secrets",
            self.base_url
        );
        let body = serde_json::to_vec(&SecretBody {
            secret_expires_after_hours: hours,
        })?;
        let mut request = self
            .agent
            .post(&url)
            .header("Accept", MEDIA_TYPE)
            .header("User-Agent", &self.user_agent)
            .header("Content-Type", MEDIA_TYPE);
        if let Some(auth) = &self.authorization {
            request = request.header("Authorization", auth);
        }
        let mut response = request.send(&body[..])?;
        let status = response.status().as_u16();
        let bytes = response.body_mut().read_to_vec()?;
        if status != 201 {
            return Err(format!("unexpected status {status}").into());
        }
        Ok(serde_json::from_slice(&bytes)?)
    }
}

/// `build_request` by hand for `createOrgServiceAccountSecret`: `format!` for the URL,
/// `serde_json::to_vec` for the body, the same headers. No validation.
pub fn build_secret_request(
    base_url: &str,
    user_agent: &str,
    org_id: &str,
    client_id: &str,
    hours: i32,
) -> Result<http::Request<Vec<u8>>, BoxError> {
    let url = format!("{base_url}/api/atlas/v2/orgs/{org_id}/serviceAccounts/{client_id}/secrets");
    let body = serde_json::to_vec(&SecretBody {
        secret_expires_after_hours: hours,
    })?;
    Ok(http::Request::builder()
        .method(http::Method::POST)
        .uri(url)
        .header(http::header::ACCEPT, MEDIA_TYPE)
        .header(http::header::USER_AGENT, user_agent)
        .header(http::header::CONTENT_TYPE, MEDIA_TYPE)
        .body(body)?)
}

/// `build_request` by hand for the access-list call (path, three query parameters, an
/// array body). No validation.
#[allow(clippy::too_many_arguments)]
pub fn build_access_list_request(
    base_url: &str,
    user_agent: &str,
    org_id: &str,
    client_id: &str,
    include_count: bool,
    items_per_page: i32,
    page_num: i32,
    entries: &[AccessListEntry],
) -> Result<http::Request<Vec<u8>>, BoxError> {
    let url = format!(
        "{base_url}/api/atlas/v2/orgs/{org_id}/serviceAccounts/{client_id}/accessList\
         ?includeCount={include_count}&itemsPerPage={items_per_page}&pageNum={page_num}"
    );
    let body = serde_json::to_vec(entries)?;
    Ok(http::Request::builder()
        .method(http::Method::POST)
        .uri(url)
        .header(http::header::ACCEPT, MEDIA_TYPE)
        .header(http::header::USER_AGENT, user_agent)
        .header(http::header::CONTENT_TYPE, MEDIA_TYPE)
        .body(body)?)
}

/// `^([a-f0-9]{24})$`, compiled once, ASCII.
pub static ORG_ID_RE: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new("^([a-f0-9]{24})$")
        .unicode(false)
        .build()
        .expect("valid pattern")
});

/// `^mdb_sa_id_[a-fA-F\d]{24}$` with ASCII `\d` (as Atlas means it), compiled once.
pub static CLIENT_ID_RE: LazyLock<Regex> = LazyLock::new(|| {
    RegexBuilder::new(r"^mdb_sa_id_[a-fA-F\d]{24}$")
        .unicode(false)
        .build()
        .expect("valid pattern")
});

/// The checks of `CreateOrgServiceAccountSecret::validate()` by hand with precompiled
/// regexes: both path patterns and `secretExpiresAfterHours > 0`.
pub fn validate_secret_call(org_id: &str, client_id: &str, hours: i32) -> bool {
    ORG_ID_RE.is_match(org_id) & CLIENT_ID_RE.is_match(client_id) & (hours > 0)
}

/// The same checks hand-rolled without any regex or table: the floor for this input.
pub fn validate_secret_call_by_hand(org_id: &str, client_id: &str, hours: i32) -> bool {
    let org_ok = org_id.len() == 24
        && org_id
            .bytes()
            .all(|b| matches!(b, b'a'..=b'f' | b'0'..=b'9'));
    let client_ok = client_id
        .strip_prefix("mdb_sa_id_")
        .is_some_and(|rest| rest.len() == 24 && rest.bytes().all(|b| b.is_ascii_hexdigit()));
    org_ok & client_ok & (hours > 0)
}

// ---- Digest: probe, then sign ----

fn md5_hex(text: &str) -> String {
    let digest = Md5::digest(text.as_bytes());
    let mut out = String::with_capacity(32);
    for b in digest.iter() {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A `key="value"` or `key=value` parameter of a Digest header.
pub fn digest_param<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    let rest = header.trim_start();
    let rest = rest
        .strip_prefix("Digest ")
        .or_else(|| rest.strip_prefix("digest "))
        .unwrap_or(rest);
    for part in split_params(rest) {
        let (k, v) = part.split_once('=')?;
        if k.trim().eq_ignore_ascii_case(name) {
            let v = v.trim();
            return Some(
                v.strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .unwrap_or(v),
            );
        }
    }
    None
}

/// Splits on commas outside quotes.
fn split_params(text: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in text.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts.into_iter()
}

/// `response` of RFC 7616 with MD5 and `qop=auth`.
#[allow(clippy::too_many_arguments)]
pub fn digest_response(
    user: &str,
    realm: &str,
    password: &str,
    method: &str,
    uri: &str,
    nonce: &str,
    nc: &str,
    cnonce: &str,
) -> String {
    let ha1 = md5_hex(&format!("{user}:{realm}:{password}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
}

/// What the official clients do with an API key: every call is sent unsigned, answered
/// 401 with a challenge, signed with it (`nc=00000001`) and sent again, body and all.
pub struct ProbeThenSign {
    agent: ureq::Agent,
    base_url: String,
    user_agent: String,
    user: String,
    password: String,
    cnonces: AtomicU64,
}

impl ProbeThenSign {
    /// A client for `base_url` with an API key.
    pub fn new(base_url: &str, user: &str, password: &str) -> Self {
        ProbeThenSign {
            agent: agent(),
            base_url: base_url.to_string(),
            user_agent: atlas_runtime::defaults::default_user_agent(None),
            user: user.to_string(),
            password: password.to_string(),
            cnonces: AtomicU64::new(0x5eed),
        }
    }

    fn post(
        &self,
        url: &str,
        body: &[u8],
        authorization: Option<&str>,
    ) -> Result<ureq::http::Response<ureq::Body>, BoxError> {
        let mut request = self
            .agent
            .post(url)
            .header("Accept", MEDIA_TYPE)
            .header("User-Agent", &self.user_agent)
            .header("Content-Type", MEDIA_TYPE);
        if let Some(auth) = authorization {
            request = request.header("Authorization", auth);
        }
        Ok(request.send(body)?)
    }

    /// Creates a secret: two requests.
    pub fn create_secret(
        &self,
        org_id: &str,
        client_id: &str,
        hours: i32,
    ) -> Result<ServiceAccountSecret, BoxError> {
        let path = format!("/api/atlas/v2/orgs/{org_id}/serviceAccounts/{client_id}/secrets");
        let url = format!("{}{path}", self.base_url);
        let body = serde_json::to_vec(&SecretBody {
            secret_expires_after_hours: hours,
        })?;
        let mut probe = self.post(&url, &body, None)?;
        probe.body_mut().read_to_vec()?;
        if probe.status().as_u16() != 401 {
            return Err(format!("expected a challenge, got {}", probe.status()).into());
        }
        let challenge = probe
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok())
            .ok_or("401 without a challenge")?;
        let realm = digest_param(challenge, "realm").ok_or("no realm")?;
        let nonce = digest_param(challenge, "nonce").ok_or("no nonce")?;
        let cnonce = format!("{:016x}", self.cnonces.fetch_add(1, Ordering::Relaxed));
        let nc = "00000001";
        let response = digest_response(
            &self.user,
            realm,
            &self.password,
            "POST",
            &path,
            nonce,
            nc,
            &cnonce,
        );
        let authorization = format!(
            r#"Digest username="{}", realm="{realm}", nonce="{nonce}", uri="{path}", algorithm=MD5, response="{response}", qop=auth, nc={nc}, cnonce="{cnonce}""#,
            self.user
        );
        let mut signed = self.post(&url, &body, Some(&authorization))?;
        let status = signed.status().as_u16();
        let bytes = signed.body_mut().read_to_vec()?;
        if status != 201 {
            return Err(format!("unexpected status {status}").into());
        }
        Ok(serde_json::from_slice(&bytes)?)
    }
}

// ---- Tokens: a cache without single flight ----

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
}

/// A token cache as often written by hand: check under a lock, fetch outside it. Every
/// thread that finds the token stale fetches its own. Refreshes at half the lifetime (as
/// the framework does for short-lived tokens), so both see the same expiry.
pub struct NaiveTokenClient {
    agent: ureq::Agent,
    base_url: String,
    user_agent: String,
    basic: String,
    cached: Mutex<Option<(String, Instant)>>,
}

impl NaiveTokenClient {
    /// A client for `base_url` with a service account.
    pub fn new(base_url: &str, client_id: &str, secret: &str) -> Self {
        use base64_lite::encode;
        NaiveTokenClient {
            agent: agent(),
            base_url: base_url.to_string(),
            user_agent: atlas_runtime::defaults::default_user_agent(None),
            basic: format!(
                "Basic {}",
                encode(format!("{client_id}:{secret}").as_bytes())
            ),
            cached: Mutex::new(None),
        }
    }

    fn token(&self) -> Result<String, BoxError> {
        if let Some((token, fresh_until)) =
            &*self.cached.lock().unwrap_or_else(PoisonError::into_inner)
            && Instant::now() < *fresh_until
        {
            return Ok(token.clone());
        }
        let requested_at = Instant::now();
        let mut answer = self
            .agent
            .post(format!("{}/api/oauth/token", self.base_url))
            .header("Authorization", &self.basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .header("User-Agent", &self.user_agent)
            .send("grant_type=client_credentials")?;
        let parsed: TokenAnswer = serde_json::from_slice(&answer.body_mut().read_to_vec()?)?;
        let fresh_until = requested_at + Duration::from_secs(parsed.expires_in) / 2;
        *self.cached.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((parsed.access_token.clone(), fresh_until));
        Ok(parsed.access_token)
    }

    /// Creates a secret with a cached token.
    pub fn create_secret(
        &self,
        org_id: &str,
        client_id: &str,
        hours: i32,
    ) -> Result<ServiceAccountSecret, BoxError> {
        let token = self.token()?;
        let url = format!(
            "{}/api/atlas/v2/orgs/{org_id}/serviceAccounts/{client_id}/secrets",
            self.base_url
        );
        let body = serde_json::to_vec(&SecretBody {
            secret_expires_after_hours: hours,
        })?;
        let mut response = self
            .agent
            .post(&url)
            .header("Accept", MEDIA_TYPE)
            .header("User-Agent", &self.user_agent)
            .header("Content-Type", MEDIA_TYPE)
            .header("Authorization", format!("Bearer {token}"))
            .send(&body[..])?;
        let status = response.status().as_u16();
        let bytes = response.body_mut().read_to_vec()?;
        if status != 201 {
            return Err(format!("unexpected status {status}").into());
        }
        Ok(serde_json::from_slice(&bytes)?)
    }
}

/// Base64 for a Basic header, to keep the baseline free of extra dependencies.
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(input: &[u8]) -> String {
        let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
        for chunk in input.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

// ---- Pagination: the official clients' default page size ----

/// The official clients' default `itemsPerPage`.
pub const OFFICIAL_PAGE_SIZE: i32 = 100;

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    links: Vec<PageLink>,
    results: Vec<ServiceAccount>,
}

#[derive(Deserialize)]
struct PageLink {
    rel: String,
}

/// Lists every service account of an organization page by page, 100 a page, following
/// `next` links, as the official clients' defaults do.
pub fn list_all_service_accounts(
    base_url: &str,
    bearer: &str,
    org_id: &str,
) -> Result<Vec<ServiceAccount>, BoxError> {
    let agent = agent();
    let user_agent = atlas_runtime::defaults::default_user_agent(None);
    let mut items = Vec::new();
    for page_num in 1.. {
        let url = format!(
            "{base_url}/api/atlas/v2/orgs/{org_id}/serviceAccounts?itemsPerPage={OFFICIAL_PAGE_SIZE}&pageNum={page_num}"
        );
        let mut response = agent
            .get(&url)
            .header("Accept", MEDIA_TYPE)
            .header("User-Agent", &user_agent)
            .header("Authorization", format!("Bearer {bearer}"))
            .call()?;
        let mut bytes = Vec::new();
        response.body_mut().as_reader().read_to_end(&mut bytes)?;
        if response.status().as_u16() != 200 {
            return Err(format!("unexpected status {}", response.status()).into());
        }
        let page: Page = serde_json::from_slice(&bytes)?;
        let more = page.links.iter().any(|l| l.rel == "next") && !page.results.is_empty();
        items.extend(page.results);
        if !more {
            break;
        }
    }
    Ok(items)
}

// ---- send by hand on hyper ----

/// `createOrgServiceAccountSecret` by hand on hyper 1, the stack the default transport
/// runs on: the baseline that measures the framework's own overhead on the same
/// transport (ureq by hand, above, measures against another HTTP stack, which hyper
/// beats by itself).
///
/// Written as a careful person would: a current-thread tokio runtime driven by the
/// calling thread, a pool of idle keep-alive connections (newest first, closed ones
/// skipped, as the framework's), `format!` for the URL, the same headers in the same
/// order, `serde_json` both ways. `tests/wire.rs` checks it puts the framework's bytes on
/// the wire. What it does not do, and the framework does: validation, version checks,
/// credentials as a type, retries, deadlines, redaction, and the idle-close probe
/// before reuse.
pub struct HyperByHand {
    runtime: tokio::runtime::Runtime,
    idle: Mutex<Vec<hyper::client::conn::http1::SendRequest<Full<Bytes>>>>,
    address: String,
    user_agent: http::HeaderValue,
    authorization: Option<http::HeaderValue>,
}

impl HyperByHand {
    /// A client for `base_url` (`http://host:port`), sending `Authorization: Bearer
    /// <token>` when given one.
    pub fn new(base_url: &str, bearer: Option<&str>) -> Self {
        let address = base_url
            .strip_prefix("http://")
            .expect("an http:// URL")
            .trim_end_matches('/')
            .to_string();
        HyperByHand {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime"),
            idle: Mutex::new(Vec::new()),
            address,
            user_agent: http::HeaderValue::from_str(&atlas_runtime::defaults::default_user_agent(
                None,
            ))
            .expect("a header value"),
            authorization: bearer.map(|t| {
                http::HeaderValue::from_str(&format!("Bearer {t}")).expect("a header value")
            }),
        }
    }

    /// Creates a secret; an error for anything but `201` with a secret.
    pub fn create_secret(
        &self,
        org_id: &str,
        client_id: &str,
        hours: i32,
    ) -> Result<ServiceAccountSecret, BoxError> {
        let path = format!("/api/atlas/v2/orgs/{org_id}/serviceAccounts/{client_id}/secrets");
        let body = serde_json::to_vec(&SecretBody {
            secret_expires_after_hours: hours,
        })?;
        let mut request = http::Request::post(path)
            .header(http::header::ACCEPT, MEDIA_TYPE)
            .header(http::header::USER_AGENT, self.user_agent.clone())
            .header(http::header::CONTENT_TYPE, MEDIA_TYPE);
        if let Some(auth) = &self.authorization {
            request = request.header(http::header::AUTHORIZATION, auth.clone());
        }
        let request = request
            .header(http::header::CONTENT_LENGTH, body.len())
            .header(http::header::HOST, self.address.as_str())
            .body(Full::new(Bytes::from(body)))?;
        self.runtime.block_on(async {
            let mut sender = self.connection().await?;
            let response = sender.send_request(request).await?;
            let status = response.status().as_u16();
            let bytes = response.into_body().collect().await?.to_bytes();
            self.idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(sender);
            if status != 201 {
                return Err(format!("unexpected status {status}").into());
            }
            Ok(serde_json::from_slice(&bytes)?)
        })
    }

    async fn connection(
        &self,
    ) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>, BoxError> {
        loop {
            let pooled = self
                .idle
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            match pooled {
                Some(mut sender) if !sender.is_closed() => {
                    if sender.ready().await.is_ok() {
                        return Ok(sender);
                    }
                }
                Some(_) => {}
                None => break,
            }
        }
        let stream = tokio::net::TcpStream::connect(&self.address).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }
}
