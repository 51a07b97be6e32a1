//! The blocking client: credentials, retries and decoding over one shared [`Transport`].

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::auth::credentials::{Credentials, bearer_header};
use crate::auth::oauth::{DEFAULT_REFRESH_MARGIN, TokenManager, TokenStore};
use crate::auth::{Authenticator, DigestSession};
use crate::endpoint::{Endpoint, Method};
use crate::error::{Error, RequestError, TransportError, TransportErrorKind};
use crate::format::Download;
use crate::options::RequestOptions;
use crate::pipeline::{Blocking, Call};
use crate::redact::Scrubber;
use crate::request::{
    DEFAULT_API_VERSION, DEFAULT_BASE_URL, Outgoing, RequestContext, copy_request,
};
use crate::response::{Response, decode, decode_parts};
use crate::retry::RetryPolicy;
use crate::transport::url_without_query;
use crate::transport::{Body, Deadlines, HttpTransport, Proxy, TlsRoots, Transport};
use crate::validate::is_valid_version;
use serde::de::DeserializeOwned;

/// Default time to set up a connection, TLS included.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time for one attempt, body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time from sending a request to its answer's headers.
pub const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest response body accepted.
pub const DEFAULT_BODY_LIMIT: u64 = 64 * 1024 * 1024;

/// `atlas-rust/<version> (<os>; <arch>)`, plus the application's own product token.
pub fn default_user_agent(application: Option<&str>) -> String {
    let mut ua = format!(
        "atlas-rust/{} ({}; {})",
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );
    if let Some(app) = application {
        ua.push(' ');
        ua.push_str(app);
    }
    ua
}

/// A blocking Atlas client. `Send + Sync` and cheap to clone: clones share one transport
/// (and so one connection pool) and configuration.
///
/// ```no_run
/// use atlas_runtime::{Client, Credentials};
/// let client = Client::builder()
///     .credentials(Credentials::bearer(std::env::var("ATLAS_TOKEN").unwrap_or_default()))
///     .application("rotate-secrets/1.2")
///     .build()?;
/// # Ok::<(), atlas_runtime::ConfigError>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Arc<dyn Transport>,
    context: RequestContext,
    credentials: Credentials,
    auth: Authenticator,
    /// Every secret this client could leak, in every form: scrubbed from errors.
    static_secrets: Scrubber,
    connect_timeout: Duration,
    response_timeout: Duration,
    timeout: Duration,
    body_limit: u64,
    retry: RetryPolicy,
    /// Operations whose retirement was already logged.
    warned: std::sync::Mutex<std::collections::HashSet<&'static str>>,
    /// Send versions past their sunset anyway ([`crate::sunset`]).
    allow_sunset: bool,
    /// Other declarations of the operations, to name a newer version ([`crate::sunset`]).
    catalog: Vec<&'static crate::endpoint::EndpointInfo>,
    /// (operation, version) pairs whose coming sunset was already logged.
    sunset_warned: std::sync::Mutex<std::collections::HashSet<(&'static str, String)>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.context.base_url)
            .field("default_version", &self.inner.context.default_version)
            .field("credentials", &self.inner.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with Atlas's defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment, with the names the `atlas` CLI uses.
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `MONGODB_ATLAS_CLIENT_ID`, `MONGODB_ATLAS_CLIENT_SECRET` | a service account (OAuth 2.0) |
    /// | `MONGODB_ATLAS_PUBLIC_API_KEY`, `MONGODB_ATLAS_PRIVATE_API_KEY` | an API key (HTTP Digest) |
    /// | `MONGODB_ATLAS_OPS_MANAGER_URL` | the base URL |
    /// | `MONGODB_ATLAS_SERVICE` | `cloudgov` for `https://cloud.mongodbgov.com` |
    ///
    /// With several credentials set, the service account wins, then the API key, as in
    /// the CLI; with none, the client sends none. Empty values count as unset.
    ///
    /// # Errors
    /// [`ConfigError::InvalidEnvironment`] for half a credential (naming the missing
    /// variable) or an unknown service, and whatever [`ClientBuilder::build`] refuses.
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_env()?.build()
    }

    /// Where requests go and how they are labelled.
    pub fn context(&self) -> &RequestContext {
        &self.inner.context
    }

    /// Validates, sends and decodes one call. Invalid input is refused before any I/O.
    ///
    /// # Errors
    /// See [`Error`]: its variant says how far the call got.
    pub fn send<E: Endpoint>(&self, endpoint: &E) -> Result<E::Response, Error> {
        self.send_with(endpoint, &RequestOptions::default())
    }

    /// [`send`](Self::send) with per-call options (envelope, pretty, version override).
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send_with<E: Endpoint>(
        &self,
        endpoint: &E,
        options: &RequestOptions,
    ) -> Result<E::Response, Error> {
        self.send_as::<E, E::Response>(endpoint, options)
    }

    /// [`send_with`](Self::send_with), returning the status and headers with the decoded
    /// body.
    ///
    /// ```no_run
    /// # use atlas_runtime::{atlas_endpoint, Client, RequestOptions};
    /// # #[atlas_endpoint(GET, "/orgs/{orgId}", version = "2023-01-01", response = serde_json::Value)]
    /// # struct GetOrg { org_id: String }
    /// # let client = Client::builder().build()?;
    /// let answer = client.send_full(&GetOrg::new("32b6e34b3d91647abb20e7b8"), &RequestOptions::new())?;
    /// println!("{} requests left", answer.rate_limit().remaining.unwrap_or(0));
    /// if let Some(date) = answer.sunset() {
    ///     eprintln!("this version stops answering on {date}");
    /// }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// See [`Error`].
    pub fn send_full<E: Endpoint>(
        &self,
        endpoint: &E,
        options: &RequestOptions,
    ) -> Result<Response<E::Response>, Error> {
        self.call::<E, E::Response>(endpoint, options)
    }

    /// [`send_with`](Self::send_with), decoding a success into `T` instead of the
    /// endpoint's own response type (pagination reads pages item by item).
    pub(crate) fn send_as<E: Endpoint, T: DeserializeOwned + 'static>(
        &self,
        endpoint: &E,
        options: &RequestOptions,
    ) -> Result<T, Error> {
        self.call::<E, T>(endpoint, options).map(|r| r.body)
    }

    fn call<E: Endpoint, T: DeserializeOwned + 'static>(
        &self,
        endpoint: &E,
        options: &RequestOptions,
    ) -> Result<Response<T>, Error> {
        self.run(endpoint, options, |r| {
            let (parts, bytes) = self.read_whole_bytes(r, E::INFO.method)?;
            let body = decode_parts::<T>(&E::INFO, parts.status, &parts.headers, &bytes, options)?;
            Ok(Response {
                status: parts.status.as_u16(),
                headers: parts.headers,
                body,
            })
        })
    }

    /// Sends a call whose answer is not JSON (gzip logs, CSV invoices) and hands back the
    /// answer to stream, never held whole in memory. Pick the form with
    /// [`RequestOptions::format`]. Retries cover the exchange up to the answer's head;
    /// an error status is read (within the body limit) and returned as [`Error::Api`].
    ///
    /// # Errors
    /// See [`Error`].
    pub fn download<E: Endpoint>(
        &self,
        endpoint: &E,
        options: &RequestOptions,
    ) -> Result<Download, Error> {
        self.download_call(endpoint, options)
    }

    /// [`download`](Self::download) of any [`Call`]: the one download of the client.
    pub(crate) fn download_call(
        &self,
        call: &dyn Call,
        options: &RequestOptions,
    ) -> Result<Download, Error> {
        let info = call.info();
        self.run(call, options, |r| {
            let status = r.status().as_u16();
            if info.method.success_statuses().contains(&status) {
                let (parts, body) = r.into_parts();
                return Ok(Download::new(status, parts.headers, body));
            }
            let r = self.read_whole(r, info.method)?;
            decode::<()>(info, &r, options)
                .map(|()| Download::new(status, r.headers().clone(), Body::empty()))
        })
    }

    /// `error`, the end of a call, as its caller sees it: a 406 learns which version and
    /// form were asked for, and every secret this client holds is scrubbed from it.
    pub(crate) fn failed(
        &self,
        mut error: Error,
        info: &crate::endpoint::EndpointInfo,
        options: &RequestOptions,
    ) -> Error {
        if let Error::Api(api) = &mut error {
            let version = options
                .version
                .as_deref()
                .or(info.version)
                .unwrap_or(&self.inner.context.default_version);
            let declared = options.version.is_some() || info.version.is_some();
            api.version = Some((version.to_string(), declared));
            api.format = Some(info.format_for(options));
        }
        self.scrub(error)
    }

    /// The credentials' state, for the pipeline.
    pub(crate) fn authenticator(&self) -> &Authenticator {
        &self.inner.auth
    }

    /// The client's retry policy.
    pub(crate) fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Refuses a call at a version past its sunset (unless allowed), and logs once per
    /// operation and version that one sunsets within [`crate::sunset::WARNING_DAYS`].
    pub(crate) fn check_sunset(
        &self,
        info: &crate::endpoint::EndpointInfo,
        options: &RequestOptions,
    ) -> Result<(), Error> {
        let version = options
            .version
            .as_deref()
            .or(info.version)
            .unwrap_or(&self.inner.context.default_version);
        // Most calls send the declared version, which has no sunset: nothing to date.
        if info.version == Some(version) && info.sunset.is_none() {
            return Ok(());
        }
        let today = crate::sunset::today();
        let days = crate::sunset::check(
            info,
            version,
            &today,
            self.inner.allow_sunset,
            &self.inner.catalog,
        )
        .map_err(Error::Request)?;
        if let Some(days) = days {
            let mut warned = self
                .inner
                .sunset_warned
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if warned.insert((info.type_name, version.to_string())) {
                if days > 0 {
                    log::warn!(
                        "{}: version {version} sunsets in {days} days; move to a newer version",
                        info.type_name
                    );
                } else {
                    log::warn!(
                        "{}: version {version} is past its sunset; sent anyway (allow_sunset_versions)",
                        info.type_name
                    );
                }
            }
        }
        Ok(())
    }

    /// Logs, once per operation and client, that Atlas announced the end of the version
    /// used (`Deprecation`, `Sunset`); the headers stay readable in [`Response`].
    pub(crate) fn note_retirement(&self, operation: &'static str, headers: &http::HeaderMap) {
        // One pass over the answer's names, compared as they are (hyper lowercases
        // them): cheaper than hashing each of the two for a lookup, for the few headers
        // an answer has.
        // The first value of each, as `HeaderMap::get` would give it.
        let (mut deprecation, mut sunset) = (None, None);
        for (name, value) in headers {
            let slot = match name.as_str() {
                "deprecation" => &mut deprecation,
                "sunset" => &mut sunset,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.to_str().ok());
            }
        }
        let (deprecation, sunset) = (deprecation.flatten(), sunset.flatten());
        if deprecation.is_none() && sunset.is_none() {
            return;
        }
        let mut warned = self
            .inner
            .warned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if warned.insert(operation) {
            log::warn!(
                "{operation}: Atlas announces the end of this API version (Deprecation: {}, Sunset: {}); declare a newer version",
                deprecation.unwrap_or("-"),
                sunset.unwrap_or("-")
            );
        }
    }

    /// Adds credentials and sends a built request; the transport half of a call, with the
    /// client's timeouts and no retries.
    ///
    /// A 401 caused by an expired access token or a stale Digest nonce is recovered
    /// once, transparently; a second 401 is returned as it is.
    ///
    /// # Errors
    /// [`Error::Transport`] when no complete response was received, [`Error::Auth`] when
    /// no access token could be obtained.
    pub fn execute(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let method = known_method(&request, "Client::execute")?;
        let deadlines = self.deadlines(None);
        let again = || Ok(copy_request(&request));
        let requests = Outgoing::new(copy_request(&request), &again);
        crate::pipeline::block_on(self.attempt(&Blocking { client: self }, &requests, &deadlines))
            .and_then(|r| self.read_whole(r, method))
            .map_err(|e| self.scrub(e))
    }

    /// The deadlines of one attempt: the client's timeouts, the attempt's end capped at
    /// what is left of the call's budget.
    fn deadlines(&self, budget_end: Option<Instant>) -> Deadlines {
        self.deadlines_for(&RequestOptions::default(), budget_end, Instant::now())
    }

    /// [`deadlines`](Self::deadlines) with a call's own timeouts, where it sets them, for
    /// an attempt starting `now`.
    pub(crate) fn deadlines_for(
        &self,
        options: &RequestOptions,
        budget_end: Option<Instant>,
        now: Instant,
    ) -> Deadlines {
        let timeout = options.timeout.unwrap_or(self.inner.timeout);
        let response = options
            .response_timeout
            .unwrap_or(self.inner.response_timeout);
        let own_end = now.checked_add(timeout);
        let end = match (own_end, budget_end) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            // A timeout too large to represent: a century is as good as forever.
            (None, None) => now + Duration::from_secs(100 * 365 * 86_400),
        };
        Deadlines::new(self.inner.connect_timeout, response, end)
    }

    /// Removes from `error` every secret this client holds, in every encoding it knows.
    pub(crate) fn scrub(&self, mut error: Error) -> Error {
        error.scrub(&self.scrubber());
        error
    }

    /// `text` with every secret this client holds replaced by `<redacted>`: its
    /// credentials (a service account's secret, also as `id:secret`; an API key's private
    /// key; a bearer token) and the access tokens it holds or held lately, each as is,
    /// base64-encoded (standard or URL-safe, padded or not), percent-encoded and
    /// JSON-escaped. The rule errors are scrubbed by, for a tool that shows other texts
    /// of an exchange, such as a debug trace of the headers and body Atlas (or a proxy)
    /// answered with, which may echo the `Authorization` header.
    ///
    /// Secrets shorter than 4 characters are left as they are.
    ///
    /// ```
    /// use atlas_runtime::{Client, Credentials};
    ///
    /// let client = Client::builder().credentials(Credentials::bearer("t0ken-abc")).build()?;
    /// assert_eq!(
    ///     client.redact("authorization: Bearer t0ken-abc"),
    ///     "authorization: Bearer <redacted>"
    /// );
    /// # Ok::<(), atlas_runtime::ConfigError>(())
    /// ```
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        self.scrubber().scrub(&mut text);
        text
    }

    /// Every secret this client holds now, in every form.
    fn scrubber(&self) -> Scrubber {
        let mut scrubber = self.inner.static_secrets.clone();
        for token in self.inner.auth.known_tokens() {
            scrubber.add(&token);
        }
        scrubber
    }

    /// Revokes the service-account access token this client holds, if any; the next
    /// call fetches a new one. A no-op for other credentials.
    ///
    /// With a shared [`TokenStore`], this revokes the token the whole fleet uses.
    ///
    /// # Errors
    /// [`Error::Auth`] or [`Error::Transport`] when the revoke endpoint fails.
    pub fn revoke_token(&self) -> Result<(), Error> {
        let deadlines = self.deadlines(None);
        self.inner
            .auth
            .revoke(&|r| self.roundtrip(r, &deadlines))
            .map_err(|e| self.scrub(e))
    }

    /// Revokes the held access token, best effort, and drops this handle.
    pub fn close(self) {
        if let Err(e) = self.revoke_token() {
            log::debug!("revoking the access token on close failed: {e}");
        }
    }

    /// One exchange on the wire, no credentials added, the body read whole within the
    /// client's limit.
    pub(crate) fn roundtrip(
        &self,
        request: http::Request<Vec<u8>>,
        deadlines: &Deadlines,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let method = known_method(&request, "a request")?;
        let response = self.roundtrip_streaming(request, deadlines)?;
        self.read_whole(response, method)
    }

    /// One exchange on the wire, no credentials added, the body left to stream.
    pub(crate) fn roundtrip_streaming(
        &self,
        request: http::Request<Vec<u8>>,
        deadlines: &Deadlines,
    ) -> Result<http::Response<Body>, Error> {
        log::debug!("{} {}", request.method(), url_without_query(request.uri()));
        let uri = request.uri().clone();
        let mut response = self
            .inner
            .transport
            .send(request, deadlines)
            .map_err(Error::Transport)?;
        // For messages about the body, should reading it fail.
        response.body_mut().origin = Some(uri);
        Ok(response)
    }

    /// Reads an answer's body whole, refusing more than the client's limit.
    pub(crate) fn read_whole(
        &self,
        response: http::Response<Body>,
        method: crate::endpoint::Method,
    ) -> Result<http::Response<Vec<u8>>, Error> {
        let (parts, mut body) = response.into_parts();
        let origin = body.origin.take();
        match body.read_to_vec(self.inner.body_limit) {
            Ok(bytes) => Ok(http::Response::from_parts(parts, bytes)),
            Err(e) => Err(Error::Transport(body_error(e, method, &url_of(origin)))),
        }
    }

    /// [`read_whole`](Self::read_whole) into `Bytes`: a body that came with its head is
    /// not copied.
    pub(crate) fn read_whole_bytes(
        &self,
        response: http::Response<Body>,
        method: crate::endpoint::Method,
    ) -> Result<(http::response::Parts, bytes::Bytes), Error> {
        let (parts, mut body) = response.into_parts();
        let origin = body.origin.take();
        match body.read_to_bytes(self.inner.body_limit) {
            Ok(bytes) => Ok((parts, bytes)),
            Err(e) => Err(Error::Transport(body_error(e, method, &url_of(origin)))),
        }
    }
}

/// The request's method, or the refusal of an extension method (one HTTP does not
/// define), which the client never sends: it would have no [`Method`] to report it by.
fn known_method<B>(request: &http::Request<B>, caller: &'static str) -> Result<Method, Error> {
    Method::from_http(request.method())
        .ok_or_else(|| Error::Request(RequestError::extension_method(caller, request.method())))
}

/// Where an answer came from, for messages: [`Client::roundtrip_streaming`] keeps the
/// request's URI with the answer's body.
fn url_of(origin: Option<http::Uri>) -> String {
    origin.map_or_else(|| "the server".to_string(), |uri| url_without_query(&uri))
}

/// A failure while reading a body: the request reached the server.
pub(crate) fn body_error(
    e: io::Error,
    method: crate::endpoint::Method,
    url: &str,
) -> TransportError {
    let kind = match e.kind() {
        io::ErrorKind::FileTooLarge => TransportErrorKind::BodyTooLarge,
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TransportErrorKind::Timeout,
        _ => TransportErrorKind::Io,
    };
    TransportError::new(kind, true, method, url, e)
}

/// The client could not be built from the configuration given.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not `http(s)://host[:port]`.
    InvalidBaseUrl(String),
    /// Credentials would travel over plain HTTP to a host other than loopback.
    InsecureTransport(String),
    /// The default API version is neither `YYYY-MM-DD` nor `preview`.
    InvalidVersion(String),
    /// The application product token or a credential cannot go in a header.
    InvalidHeaderValue(&'static str),
    /// An environment variable is missing its pair or has an unknown value.
    InvalidEnvironment(String),
    /// A URL carries `user:password@`; credentials go in [`Credentials`]. The URL is
    /// shown with them replaced.
    CredentialsInUrl(String),
    /// A proxy URL (given, or from `HTTPS_PROXY` and its kin) cannot be used; shown
    /// without its credentials.
    InvalidProxy(String),
    /// Root certificates (given, or from `SSL_CERT_FILE`) cannot be read or used.
    InvalidCertificates(String),
    /// An option of the default transport was set together with a transport of your own,
    /// which it would not reach.
    TransportOption(&'static str),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::InvalidBaseUrl(u) => write!(
                f,
                "invalid base URL {u:?}: expected http(s)://host[:port] with no path, e.g. {DEFAULT_BASE_URL}"
            ),
            ConfigError::InsecureTransport(u) => write!(
                f,
                "refusing to send credentials over plain HTTP to {u}: use https, a loopback host, \
                 or ClientBuilder::allow_insecure_http(true)"
            ),
            ConfigError::InvalidVersion(v) => {
                write!(
                    f,
                    "invalid API version {v:?}: expected YYYY-MM-DD or `preview`"
                )
            }
            ConfigError::InvalidHeaderValue(what) => {
                write!(
                    f,
                    "the {what} contains characters not allowed in an HTTP header"
                )
            }
            ConfigError::InvalidEnvironment(what) => write!(f, "invalid environment: {what}"),
            ConfigError::CredentialsInUrl(u) => write!(
                f,
                "refusing the URL {u}: it carries user information; give credentials with \
                 ClientBuilder::credentials, where they are kept secret"
            ),
            ConfigError::InvalidProxy(why) => write!(f, "unusable proxy {why}"),
            ConfigError::InvalidCertificates(why) => {
                write!(f, "unusable root certificates: {why}")
            }
            ConfigError::TransportOption(option) => write!(
                f,
                "ClientBuilder::{option} configures the default transport, but a transport of \
                 your own was given (ClientBuilder::transport): configure that one instead"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}

/// Configures a [`Client`].
#[derive(Clone)]
pub struct ClientBuilder {
    token_url: Option<String>,
    revoke_url: Option<String>,
    refresh_margin: Duration,
    token_store: Option<Arc<dyn TokenStore>>,
    base_url: String,
    credentials: Credentials,
    default_version: String,
    application: Option<String>,
    connect_timeout: Duration,
    response_timeout: Duration,
    timeout: Duration,
    body_limit: u64,
    allow_insecure_http: bool,
    retry: RetryPolicy,
    transport: Option<Arc<dyn Transport>>,
    proxy: Option<Proxy>,
    tls_roots: Option<TlsRoots>,
    allow_sunset: bool,
    catalog: Vec<&'static crate::endpoint::EndpointInfo>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            token_url: None,
            revoke_url: None,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            token_store: None,
            base_url: DEFAULT_BASE_URL.to_string(),
            credentials: Credentials::None,
            default_version: DEFAULT_API_VERSION.to_string(),
            application: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            response_timeout: DEFAULT_RESPONSE_TIMEOUT,
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            body_limit: DEFAULT_BODY_LIMIT,
            allow_insecure_http: false,
            transport: None,
            proxy: None,
            tls_roots: None,
            allow_sunset: false,
            catalog: Vec::new(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("default_version", &self.default_version)
            .field("token_url", &self.token_url)
            .field("proxy", &self.proxy)
            .field("tls_roots", &self.tls_roots)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder configured from the environment; see [`Client::from_env`].
    ///
    /// # Errors
    /// As [`Client::from_env`].
    pub fn from_env() -> Result<ClientBuilder, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    ///
    /// # Errors
    /// As [`Client::from_env`].
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientBuilder, ConfigError> {
        crate::auth::env::configure(ClientBuilder::default(), lookup)
    }

    /// Whether credentials were given (by [`credentials`](Self::credentials) or the
    /// environment).
    pub fn has_credentials(&self) -> bool {
        self.credentials.is_some()
    }

    /// The OAuth token endpoint; default `{base}/api/oauth/token`.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// The OAuth revoke endpoint; default `{base}/api/oauth/revoke`.
    pub fn revoke_url(mut self, url: impl Into<String>) -> Self {
        self.revoke_url = Some(url.into());
        self
    }

    /// How long before expiry an access token is replaced; default 60 s (at most half a
    /// token's lifetime is used).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Where access tokens are kept; default a [`MemoryTokenStore`](crate::store::MemoryTokenStore) per client. Share
    /// one store among clients, or implement [`TokenStore`] over shared storage, to reuse
    /// one token across processes.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// Scheme, host and port; default `https://cloud.mongodb.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Who the client acts as; default none.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// The version for endpoints declared without one; default [`DEFAULT_API_VERSION`].
    pub fn default_version(mut self, version: impl Into<String>) -> Self {
        self.default_version = version.into();
        self
    }

    /// Your application's product token, appended to the User-Agent (`my-tool/1.0`).
    pub fn application(mut self, product: impl Into<String>) -> Self {
        self.application = Some(product.into());
        self
    }

    /// Time to set up a connection, TLS included; default 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time for one attempt, from connecting to the end of the body; default 60 s. A
    /// server that trickles bytes or never answers cannot hold a call longer.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time from sending a request to its answer's headers; default 30 s.
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// When failed calls are retried; default [`RetryPolicy::default`] (4 attempts within
    /// 60 s). [`RetryPolicy::none`] turns retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Largest response body accepted; default 64 MiB.
    pub fn body_limit(mut self, bytes: u64) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sends requests through `transport` instead of the default [`HttpTransport`]. The
    /// client's timeouts reach it as [`Deadlines`]; redirects, retries and credentials
    /// stay the client's.
    pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Where connections go: straight to the server, or through an HTTP proxy. Default
    /// [`Proxy::from_env`]: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`, as the
    /// official CLI and Go SDK read them; [`Proxy::none`] ignores them.
    pub fn proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = Some(proxy);
        self
    }

    /// Which certificate authorities TLS trusts. Default [`TlsRoots::from_env`]: Mozilla's
    /// roots, plus those of the PEM file `SSL_CERT_FILE` names.
    pub fn tls_roots(mut self, roots: TlsRoots) -> Self {
        self.tls_roots = Some(roots);
        self
    }

    /// Sends calls at a version past its sunset date anyway. Off by default: such a call
    /// is refused before anything is sent ([`Error::Request`] naming a newer version),
    /// since Atlas answers it with 410 `VERSION_GONE`.
    pub fn allow_sunset_versions(mut self, allow: bool) -> Self {
        self.allow_sunset = allow;
        self
    }

    /// Every declaration of the operations this client sends (`atlas_endpoints::operations()`),
    /// so that a call refused for its sunset names the newer version to send, and a
    /// version given in [`RequestOptions::version`] is checked against its own sunset.
    pub fn version_catalog(
        mut self,
        operations: impl IntoIterator<Item = &'static crate::endpoint::EndpointInfo>,
    ) -> Self {
        self.catalog = operations.into_iter().collect();
        self
    }

    /// Allows credentials over plain `http://` to hosts other than loopback. Off by
    /// default: only for a trusted network you control.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// [`ConfigError`] names what is wrong.
    pub fn build(self) -> Result<Client, ConfigError> {
        let base_url = self.base_url.trim_end_matches('/').to_string();
        let uri: http::Uri = base_url
            .parse()
            .map_err(|_| ConfigError::InvalidBaseUrl(without_userinfo(&self.base_url)))?;
        if has_userinfo(&uri) {
            return Err(ConfigError::CredentialsInUrl(without_userinfo(&base_url)));
        }
        let scheme = uri.scheme_str();
        let host = uri.host().unwrap_or("");
        let has_path = !matches!(uri.path(), "" | "/") || uri.query().is_some();
        if !matches!(scheme, Some("http" | "https")) || host.is_empty() || has_path {
            return Err(ConfigError::InvalidBaseUrl(without_userinfo(
                &self.base_url,
            )));
        }
        if scheme == Some("http")
            && self.credentials.is_some()
            && !self.allow_insecure_http
            && !is_loopback(host)
        {
            return Err(ConfigError::InsecureTransport(base_url));
        }
        let token_url = self
            .token_url
            .clone()
            .unwrap_or_else(|| format!("{base_url}/api/oauth/token"));
        let revoke_url = self
            .revoke_url
            .clone()
            .unwrap_or_else(|| format!("{base_url}/api/oauth/revoke"));
        if matches!(self.credentials, Credentials::ServiceAccount { .. }) {
            for url in [&token_url, &revoke_url] {
                let uri: http::Uri = url
                    .parse()
                    .map_err(|_| ConfigError::InvalidBaseUrl(without_userinfo(url)))?;
                if has_userinfo(&uri) {
                    return Err(ConfigError::CredentialsInUrl(without_userinfo(url)));
                }
                let insecure =
                    uri.scheme_str() == Some("http") && !is_loopback(uri.host().unwrap_or(""));
                if uri.host().is_none() || !matches!(uri.scheme_str(), Some("http" | "https")) {
                    return Err(ConfigError::InvalidBaseUrl(url.clone()));
                }
                if insecure && !self.allow_insecure_http {
                    return Err(ConfigError::InsecureTransport(url.clone()));
                }
            }
        }
        if !is_valid_version(&self.default_version) {
            return Err(ConfigError::InvalidVersion(self.default_version));
        }
        let user_agent = default_user_agent(self.application.as_deref());
        if http::HeaderValue::from_str(&user_agent).is_err() {
            return Err(ConfigError::InvalidHeaderValue("application product token"));
        }
        let auth = match &self.credentials {
            Credentials::None => Authenticator::None,
            Credentials::BearerToken(token) => Authenticator::Bearer(
                bearer_header(token).ok_or(ConfigError::InvalidHeaderValue("access token"))?,
            ),
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => Authenticator::OAuth(Box::new(TokenManager::new(
                client_id.clone(),
                client_secret.clone(),
                token_url,
                revoke_url,
                user_agent.clone(),
                self.refresh_margin,
                self.token_store.clone(),
            ))),
            Credentials::ApiKey {
                public_key,
                private_key,
            } => Authenticator::Digest(DigestSession::new(public_key.clone(), private_key.clone())),
        };
        let mut static_secrets = Scrubber::for_credentials(&self.credentials);
        let transport: Arc<dyn Transport> = match self.transport {
            Some(transport) => {
                if self.proxy.is_some() {
                    return Err(ConfigError::TransportOption("proxy"));
                }
                if self.tls_roots.is_some() {
                    return Err(ConfigError::TransportOption("tls_roots"));
                }
                transport
            }
            None => {
                let proxy = match self.proxy {
                    Some(proxy) => proxy,
                    None => Proxy::from_env()?,
                };
                for secret in proxy.secrets() {
                    static_secrets.add(&secret);
                }
                Arc::new(
                    HttpTransport::builder(&user_agent)
                        .proxy(proxy)
                        .tls_roots(self.tls_roots.unwrap_or_default())
                        .build()?,
                )
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                static_secrets,
                connect_timeout: self.connect_timeout,
                response_timeout: self.response_timeout,
                timeout: self.timeout,
                context: RequestContext {
                    base_url,
                    default_version: self.default_version,
                    user_agent,
                },
                credentials: self.credentials,
                auth,
                body_limit: self.body_limit,
                retry: self.retry,
                warned: Default::default(),
                allow_sunset: self.allow_sunset,
                catalog: self.catalog,
                sunset_warned: Default::default(),
            }),
        })
    }
}

/// Whether a URL carries `user:password@`: credentials belong in [`Credentials`], where
/// they are kept secret, not in a URL that ends up in messages.
fn has_userinfo(uri: &http::Uri) -> bool {
    uri.authority().is_some_and(|a| a.as_str().contains('@'))
}

/// `url` with any `user:password@` replaced, for messages.
fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => {
            let sep = if scheme.is_empty() { "" } else { "://" };
            format!("{scheme}{sep}<redacted>@{}", &rest[at + 1..])
        }
        None => url.to_string(),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_agent_names_us_and_the_app() {
        let ua = default_user_agent(Some("rotator/2.0"));
        assert!(ua.starts_with(&format!("atlas-rust/{} (", env!("CARGO_PKG_VERSION"))));
        assert!(ua.contains(std::env::consts::OS));
        assert!(ua.ends_with(") rotator/2.0"));
    }

    #[test]
    fn builder_checks() {
        let bad = |b: ClientBuilder| b.build().unwrap_err();
        assert!(matches!(
            bad(Client::builder().base_url("cloud.mongodb.com")),
            ConfigError::InvalidBaseUrl(_)
        ));
        assert!(matches!(
            bad(Client::builder().base_url("https://h/api")),
            ConfigError::InvalidBaseUrl(_)
        ));
        assert!(matches!(
            bad(Client::builder()
                .base_url("http://example.com")
                .credentials(Credentials::bearer("t"))),
            ConfigError::InsecureTransport(_)
        ));
        assert!(matches!(
            bad(Client::builder().default_version("v2")),
            ConfigError::InvalidVersion(_)
        ));
        assert!(matches!(
            bad(Client::builder().credentials(Credentials::bearer("a\nb"))),
            ConfigError::InvalidHeaderValue(_)
        ));
        for ok in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
            Client::builder()
                .base_url(ok)
                .credentials(Credentials::bearer("t"))
                .build()
                .unwrap();
        }
        Client::builder()
            .base_url("http://example.com")
            .credentials(Credentials::bearer("t"))
            .allow_insecure_http(true)
            .build()
            .unwrap();
    }

    #[test]
    fn client_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone>() {}
        check::<Client>();
    }
}
