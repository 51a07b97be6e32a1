//! # atlas-mock
//!
//! An embeddable emulator of the MongoDB Atlas Administration API v2, written from the
//! official OpenAPI spec for tests: real HTTP on 127.0.0.1, real OAuth 2.0 client
//! credentials and HTTP Digest, versioned media types, Atlas's errors, pagination and
//! rate limits, plus fault injection and a log of every request. **Every operation of
//! the spec** (540) is routed and validated; the families automation touches most keep
//! state (below), and every other operation answers a schema-valid example.
//!
//! It shares no code with the SDK it tests (`atlas-runtime`, `atlas-endpoints`): the two
//! sides of the wire are written separately, so a misreading of the spec in one shows up
//! as a failing test instead of cancelling out.
//!
//! ## Start it, authenticate as a user would
//!
//! [`MockAtlas::start`] binds a free port and seeds an organization, a project in it, an
//! `ORG_OWNER` service account (client id `mdb_sa_id_…`, secret `mdb_sa_sk_…`) and an
//! `ORG_OWNER` API key. The emulator stops, and frees its port, when dropped.
//!
//! ```
//! use atlas_mock::MockAtlas;
//! use base64::Engine as _;
//!
//! let mock = MockAtlas::start();
//! let agent: ureq::Agent = ureq::Agent::config_builder()
//!     .http_status_as_error(false)
//!     .build()
//!     .into();
//!
//! // 1. Exchange the seeded service account's credentials for an access token.
//! let basic = base64::engine::general_purpose::STANDARD
//!     .encode(format!("{}:{}", mock.client_id(), mock.client_secret()));
//! let mut token = agent
//!     .post(format!("{}/api/oauth/token", mock.url()))
//!     .header("Authorization", format!("Basic {basic}"))
//!     .content_type("application/x-www-form-urlencoded")
//!     .send("grant_type=client_credentials")?;
//! let token: serde_json::Value = serde_json::from_reader(token.body_mut().as_reader())?;
//! let access_token = token["access_token"].as_str().unwrap();
//!
//! // 2. Call the API with it, asking for the operation's version.
//! let mut created = agent
//!     .post(format!(
//!         "{}/api/atlas/v2/orgs/{}/serviceAccounts/{}/secrets",
//!         mock.url(), mock.org_id(), mock.client_id()
//!     ))
//!     .header("Authorization", format!("Bearer {access_token}"))
//!     .header("Accept", "application/vnd.atlas.2024-08-05+json")
//!     .content_type("application/vnd.atlas.2024-08-05+json")
//!     .send(r#"{"secretExpiresAfterHours": 8}"#)?;
//! assert_eq!(created.status(), 201);
//! let secret: serde_json::Value = serde_json::from_reader(created.body_mut().as_reader())?;
//! assert!(secret["secret"].as_str().unwrap().starts_with("mdb_sa_sk_"));
//! assert_eq!(mock.secret_count(mock.client_id()), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! With the SDK, point the client at the emulator:
//! `atlas_runtime::Client::builder().base_url(mock.url()).credentials(Credentials::service_account(mock.client_id(), mock.client_secret()))`
//! (or `Credentials::api_key(mock.public_api_key(), mock.private_api_key())` for Digest).
//!
//! ## The whole API
//!
//! Routing and validation come from tables generated from the spec (`mock/src/spec`,
//! by `atlas-mock-gen`; checked in, so the spec is not needed at run time): path
//! templates and methods (404, 405 with `Allow`), credentials (401; only
//! `listControlPlaneIpAddresses` is open), each operation's own versions (406
//! `INVALID_VERSION_DATE` names them; `preview`, `+gzip` and `+csv` media types where
//! the spec has them), path patterns, the organization or project (404) and roles
//! (403), query bounds and enums, the body's media type (415), and its required members
//! and member types (400). Then:
//!
//! - **Stateful families**, with Atlas's semantics (create → get → list with pagination →
//!   update → delete, 404 after, 409 on duplicates, ids in Atlas's format):
//!   organizations (read: `listOrgs`, `getOrg`, `getOrgGroups`), projects (`/groups`,
//!   by id and by name), clusters (`stateName` `CREATING` → `IDLE` after
//!   [`MockAtlasBuilder::cluster_transition`], `UPDATING` after a change, `paused` to
//!   pause and resume, `DELETING` → gone), database users, the project IP access list
//!   (an entry added again gets the new comment, as in Atlas), and service accounts
//!   (below). What a cluster was created with (its replication specs, region configs with
//!   `electableSpecs`, `readOnlySpecs`, `analyticsSpecs`, `autoScaling` with
//!   `compute.minInstanceSize`/`maxInstanceSize`) is answered back at every version that
//!   speaks the same schema: created at `2024-10-23`, read at `2024-08-05`.
//! - **Bodies checked as Atlas checks them**, beyond the spec's schemas (which mark none
//!   of these required): a cluster created without `replicationSpecs`, a replication spec
//!   without `regionConfigs`, a region config without `providerName` or `regionName`
//!   (400 `MISSING_ATTRIBUTE` naming it), an unknown `providerName` (400
//!   `INVALID_ENUM_VALUE`), and a body whose `groupId` is not the path's project (400
//!   `INVALID_ATTRIBUTE` `groupId`) are refused, and nothing is created. Details in the
//!   error table below.
//! - **Processes and logs**: an `IDLE` cluster has hosts named as Atlas names them
//!   (`cluster0-shard-00-00.<tag>.mongodb.net:27017`, three per shard, plus `mongos` and
//!   config servers when sharded), listed by `listGroupProcesses` and `getGroupProcess`;
//!   `downloadGroupClusterLog` answers a real gzip file of `mongod` (or `mongos`) log
//!   lines in the server's JSON format, one every 30 s of the range asked for
//!   (`startDate`/`endDate`, by default the last 24 hours). [`MockAtlas::add_cluster`]
//!   adds a running M10 cluster without waiting.
//! - **Resources with a state** (lifecycles; the spec's every GET whose answer has a
//!   `state`, `stateName`, `status` or `statusName` enum, but settings such as
//!   `sqlInterface`): backup snapshots, exports and restore jobs, search indexes and the
//!   search deployment, online archives, private endpoints, flex clusters, stream
//!   connections, data federation, live migrations, outage simulations, invoice
//!   reports, network peering connections (the body's `providerName` picks the form:
//!   `statusName` on AWS, `status` elsewhere), cloud provider access roles, the
//!   push-based log export (`UNCONFIGURED` until created), …, listed with their values
//!   by [`MockAtlas::lifecycles`]. A create stores
//!   the resource and answers it in its starting value (`queued`, `PENDING`,
//!   `CREATING`, …); its GET shows that value for
//!   [`MockAtlasBuilder::lifecycle_transition`], then the settled one (`completed`,
//!   `READY`, `IDLE`, …); a change, a custom method and a deletion move it the same
//!   way, a deletion ending in 404 or a terminal value (`DELETED`). Below.
//! - **Rate limits**: `listRateLimits` and `getRateLimit` answer from the emulator's
//!   table of endpoint sets (below, "Rate limits").
//! - **Invoices**: the seeded organization has three monthly invoices (`PAID`, `CLOSED`
//!   and the current month `PENDING`) with line items; `listOrgInvoices` (filtered by
//!   `statusNames`, ordered by `sortBy`/`orderBy`), `getOrgInvoice` (JSON, or CSV when
//!   `Accept` asks for `+csv`), `getOrgInvoiceCsv` (a header and one row per line item)
//!   and `listOrgInvoicePending` answer from them.
//! - **Every other operation** answers its success status with a minimal schema-valid
//!   document (required members, plus members whose example in the spec is valid),
//!   marked `X-Atlas-Mock: example`. A version with a sunset date answers with a
//!   `Sunset` header.
//! - **Scripts**: [`MockAtlas::on`] lets a test answer any operation itself, after the
//!   emulator has authenticated and validated the request:
//!
//! ```
//! use atlas_mock::{MockAtlas, ScriptedRequest, ScriptedResponse};
//! use serde_json::json;
//!
//! let mock = MockAtlas::start();
//! mock.on("GET /groups/{groupId}/clusters/{clusterName}/processArgs", |req: &ScriptedRequest| {
//!     assert_eq!(req.path_param("clusterName"), Some("c0"));
//!     ScriptedResponse::json(200, json!({"javascriptEnabled": false}))
//! })?;
//! mock.on("getGroupMaintenanceWindow", |_req: &ScriptedRequest| {
//!     ScriptedResponse::error(503, "SERVICE_UNAVAILABLE", "maintenance")
//! })?;
//! # Ok::<(), atlas_mock::ScriptError>(())
//! ```
//!
//! ## What it does as Atlas does
//!
//! - The 22 Service Accounts operations at organization level (`/api/atlas/v2/orgs/{orgId}/serviceAccounts…`)
//!   and project level (`/api/atlas/v2/groups/{groupId}/serviceAccounts…`): a stateful
//!   family admitted as every operation is (versions, path patterns, organization or
//!   project, roles, media types, body shapes), with the spec's schemas, statuses, and
//!   the family's own input checks (lengths counted in UTF-16 units, the `\p{L}\p{N}`
//!   name pattern, role enums, access-list addresses). A secret's plaintext is in its
//!   creation response only. Errors are listed below.
//! - Authentication: `POST /api/oauth/token` and `POST /api/oauth/revoke` (client
//!   credentials, Basic), bearer tokens, and HTTP Digest (RFC 7616, MD5 and SHA-256,
//!   `qop="auth"`, nonce lifetime, `stale=true`, replayed nonce counts refused). Service
//!   accounts created through the API authenticate with their own secrets; an expired or
//!   deleted secret stops working.
//! - Versions (below): `Accept: application/vnd.atlas.<date>+json` at or after
//!   `2024-08-05` is served as `2024-08-05`; anything older or unversioned is 406;
//!   request bodies must carry the versioned `Content-Type` (415 otherwise).
//! - `envelope=true` (`{status, content}`, or the list document plus `status`, always
//!   HTTP 200, errors included), `pretty=true`, pagination (`itemsPerPage`, `pageNum`,
//!   `includeCount`, `links`), `RateLimit-Limit`/`RateLimit-Remaining`, Atlas's token
//!   buckets per endpoint set and scope when enforced (429 `RATE_LIMITED_TOKEN_BUCKET`
//!   with `Retry-After`; below), and Atlas's token limits:
//!   10 token requests a minute per client id and source address, 100 live tokens per
//!   service account (both configurable, see [`MockAtlasBuilder::token_endpoint_limit`]
//!   and [`MockAtlasBuilder::max_live_tokens`]).
//!
//! Lifetimes (tokens, nonces, the length of an "hour" of `secretExpiresAfterHours`) are
//! options of [`MockAtlas::builder`], and [`MockAtlas::advance_clock`] ages everything at
//! once, so expiry tests take a second or no time at all.
//!
//! ## Authorization
//!
//! Each operation requires the roles the spec names (`x-rolesRequirements`); a caller
//! without them gets 403 `USER_UNAUTHORIZED`. Two rules go beyond what Atlas documents,
//! and the emulator takes the stricter reading (a referee stricter on privilege is the
//! safer one):
//!
//! - **Project routes stop at the project.** Creating or deleting a secret, or changing
//!   the access list, of a service account through
//!   `/groups/{groupId}/serviceAccounts/{clientId}/…` needs a caller whose own
//!   privileges cover the account's: an `ORG_OWNER`, the account itself, or a
//!   `GROUP_OWNER` of every project the account is in when the account has no
//!   organization role beyond `ORG_MEMBER`. Otherwise a project owner could mint a
//!   secret for an organization owner's account invited to the project, and act as the
//!   organization owner. Atlas's documentation on service accounts in projects does not
//!   say how it decides this; [`MockAtlasBuilder::project_routes_reach_org_accounts`]
//!   switches to the permissive reading.
//! - **Failed token requests spend no one's quota.** Credentials are verified first;
//!   only granted requests count toward a client id's 10 a minute. Failures (no,
//!   unknown or wrong credentials) are counted per source address instead (10 a minute
//!   by default, [`MockAtlasBuilder::failed_token_limit`]), so anyone who knows a client
//!   id, which is no secret, cannot lock its owner out.
//!
//! ## Versions
//!
//! One negotiation for every operation:
//!
//! - A request asks for a version with `Accept: application/vnd.atlas.<YYYY-MM-DD>+json`
//!   and gets the newest version of the operation not after that date (for every
//!   Service Accounts operation, `2024-08-05`); the response's `Content-Type` names it.
//!   `preview` is served only when asked by name, `+gzip` and `+csv` only where the spec
//!   offers them.
//! - Without a versioned media type (no `Accept`, `application/json`, `*/*`) a request
//!   asks for the oldest API version, `2023-01-01`, as Atlas documents; the Service
//!   Accounts operations have no version that old, so the answer is 406. So are a date
//!   before the operation's first version, a malformed date, `preview` where there is
//!   none, and any other media type: 406 `INVALID_VERSION_DATE`,
//!   `Content-Type: application/json`, whose `detail` and `parameters` name the
//!   operation's versions.
//! - A request body must be sent with a versioned `Content-Type` resolving to the same
//!   version as `Accept`, or the answer is 415 `UNSUPPORTED_MEDIA_TYPE` (what a JAX-RS
//!   server such as Atlas's answers when no method consumes the media type).
//!   [`MockAtlasBuilder::accept_plain_json_bodies`] also lets `application/json` in.
//!
//! ## Rate limits
//!
//! Atlas limits the Administration API with token buckets per *endpoint set* (a group of
//! operations) and *scope*: one bucket per project for a `GROUP` set (every credential
//! working in the project shares it), per organization for `ORGANIZATION`, per caller
//! (service account client id, API public key) for `USER`, per source address for `IP`.
//! The emulator's table is [`EndpointSet::defaults`] (the measured values of `GET /orgs`,
//! `GET /groups` and the clusters reads, sets of its own for the other scopes and for
//! `/rateLimits` itself, and a generous `USER` catch-all);
//! [`MockAtlasBuilder::rate_limit_sets`] replaces it, and `listRateLimits` and
//! `getRateLimit` answer from it (filters `groupId`, `orgId`, `userId`, `ipAddress`,
//! `name`, `endpointPath`; paginated).
//!
//! With [`MockAtlasBuilder::enforce_rate_limits`] (off by default), every API call
//! takes a token from its set's bucket after routing and authentication, before its
//! checks and handler (the OAuth endpoints have their own limits). The buckets refill
//! continuously on the emulator's clock ([`MockAtlas::advance_clock`]), faster by
//! [`MockAtlasBuilder::rate_limit_time_scale`]. An empty bucket answers as Atlas does:
//!
//! - status 429, `errorCode` `RATE_LIMITED_TOKEN_BUCKET`, `detail` `Rate limit exceeded
//!   for api/atlas/v2/orgs. Please retry after 55 seconds. Request capacity: 300. Refill
//!   rate: 100 per 60 seconds.` and `parameters` `["api/atlas/v2/orgs", 55, 300, 100,
//!   60]` (the request's path without its leading slash, the wait, capacity, refill rate
//!   and duration);
//! - `Retry-After` (the wait, in whole seconds rounded up, real seconds under the time
//!   scale), `RateLimit-Limit` (the capacity) and `RateLimit-Remaining: 0`. Successes
//!   carry `RateLimit-Limit` and `RateLimit-Remaining` of their bucket.
//!
//! Atlas does not always send the `RateLimit-*` headers, and sometimes sends
//! `Retry-After: 0`: [`MockAtlasBuilder::rate_limit_headers`] and
//! [`MockAtlasBuilder::rate_limit_retry_after_zero`] make the emulator do the same, so a
//! client's handling of both can be tested. [`MockAtlas::drain_bucket`] empties a bucket
//! (one 429 on demand), [`MockAtlas::bucket_tokens`] reads one, and
//! [`MockAtlas::rate_limited_count`] counts the 429s. The older
//! [`MockAtlasBuilder::rate_limit`] is one bucket over every API call (429
//! `RATE_LIMITED`), independent of the endpoint sets.
//!
//! ```
//! use std::time::Duration;
//! use atlas_mock::{EndpointSet, MockAtlas, Scope};
//! use base64::Engine as _;
//!
//! let mock = MockAtlas::builder()
//!     .rate_limit_sets(vec![
//!         EndpointSet::new("orgs_user", "Organizations", Scope::User, 2, 1, 60)
//!             .endpoint("GET", "/api/atlas/v2/orgs"),
//!         EndpointSet::new("default_user", "Default", Scope::User, 10_000, 5_000, 60),
//!     ])
//!     .enforce_rate_limits(true)
//!     // A one-minute refill takes one second.
//!     .rate_limit_time_scale(60.0)
//!     .start()?;
//! # let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
//! # let basic = base64::engine::general_purpose::STANDARD
//! #     .encode(format!("{}:{}", mock.client_id(), mock.client_secret()));
//! # let mut token = agent.post(format!("{}/api/oauth/token", mock.url()))
//! #     .header("Authorization", format!("Basic {basic}"))
//! #     .content_type("application/x-www-form-urlencoded")
//! #     .send("grant_type=client_credentials")?;
//! # let token: serde_json::Value = serde_json::from_reader(token.body_mut().as_reader())?;
//! # let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
//! // One 429 for the seeded service account's next `GET /orgs`.
//! assert!(mock.drain_bucket("orgs_user", mock.client_id()));
//! let mut r = agent
//!     .get(format!("{}/api/atlas/v2/orgs", mock.url()))
//!     .header("Authorization", &bearer)
//!     .header("Accept", "application/vnd.atlas.2023-01-01+json")
//!     .call()?;
//! assert_eq!(r.status(), 429);
//! assert_eq!(r.headers()["Retry-After"], "1");
//! let doc: serde_json::Value = serde_json::from_reader(r.body_mut().as_reader())?;
//! assert_eq!(doc["errorCode"], "RATE_LIMITED_TOKEN_BUCKET");
//! assert_eq!(doc["parameters"], serde_json::json!(["api/atlas/v2/orgs", 1, 2, 1, 60]));
//! assert_eq!(mock.rate_limited_count(), 1);
//! // A second of the clock later, the bucket has a token again.
//! mock.advance_clock(Duration::from_secs(1));
//! assert!(mock.bucket_tokens("orgs_user", mock.client_id()).unwrap() >= 1.0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Errors
//!
//! Every error of the API is an `ApiError` document, `Content-Type: application/json`,
//! with `detail`, `error` (the status), `errorCode`, `parameters` and `reason`, plus
//! `badRequestDetail.fields` for field-level problems. `parameters` holds the values
//! themselves (ids, names, as strings), as Atlas sends them, although the spec types its
//! items as objects: a client must accept any JSON value there. The codes:
//!
//! | status | errorCode | when |
//! | --- | --- | --- |
//! | 400 | `INVALID_JSON` | the body is not JSON, is empty, or is not the expected object/array |
//! | 400 | `MISSING_ATTRIBUTE` | a required body field is absent or `null`; a cluster (version `2023-02-01` or later) created without `replicationSpecs`, a replication spec without `regionConfigs`, a region config without `providerName` or `regionName` (`parameters` names the member) |
//! | 400 | `INVALID_ATTRIBUTE` | an unknown body field, or a field of the wrong JSON type; a `groupId` in the body (or in an item of an array body) of a project's cluster, database user or access list that is not the path's project (Atlas does not document its code for this; the emulator's reading) |
//! | 400 | `INVALID_ENUM_VALUE` | a role, a query value, or a region config's `providerName`, that is not one of the spec's values |
//! | 400 | `VALIDATION_ERROR` | a constraint of the spec (length, pattern, range, items, address syntax, pagination), with `badRequestDetail` |
//! | 400 | `INVALID_ORG_ID`, `INVALID_GROUP_ID` | a malformed `orgId`/`groupId` path value |
//! | 400 | `MALFORMED_REQUEST` | a query string or body framing that cannot be parsed, an HTTP/1.1 request without exactly one `Host` |
//! | 401 | `UNAUTHORIZED` | no, wrong, expired or revoked credentials (with Digest challenges) |
//! | 403 | `USER_UNAUTHORIZED` | authenticated, but the roles do not allow the operation |
//! | 404 | `ORG_NOT_FOUND`, `GROUP_NOT_FOUND`, `GROUP_NAME_NOT_FOUND`, `SERVICE_ACCOUNT_NOT_FOUND`, `CLUSTER_NOT_FOUND` (also for a resource with a state under a cluster that does not exist), `USERNAME_NOT_FOUND`, `ATLAS_NETWORK_PERMISSION_ENTRY_NOT_FOUND`, `INVOICE_NOT_FOUND` | an unknown id or name |
//! | 404 | `HOST_NOT_FOUND` | a process, or a log's host, that no running cluster of the project has (also a `mongos` log of a replica set's host) |
//! | 404 | `RESOURCE_NOT_FOUND` | an unknown path, secret, access-list entry or rate-limit endpoint set, or resource with a state (also one whose deletion has ended; one being deleted cannot be changed) |
//! | 405 | `METHOD_NOT_ALLOWED` | a known path with another method (with `Allow`) |
//! | 406 | `INVALID_VERSION_DATE` | no version of the operation matches `Accept` (`detail` and `parameters` name the supported versions) |
//! | 408 | `REQUEST_TIMEOUT` | a body that did not arrive within the request read timeout |
//! | 409 | `DUPLICATE_ACCESS_LIST_ENTRY` | a service account's access-list entry that exists or is repeated |
//! | 409 | `GROUP_ALREADY_EXISTS`, `DUPLICATE_CLUSTER_NAME`, `USER_ALREADY_EXISTS` | a project, cluster or database user name taken |
//! | 409 | `CANNOT_CLOSE_GROUP_ACTIVE_ATLAS_CLUSTERS` | deleting a project that has clusters |
//! | 409 | `DUPLICATE_RESOURCE` | creating a resource with a state whose name or id is taken (the emulator's code) |
//! | 413 | `REQUEST_TOO_LARGE` | a body over 8 MiB |
//! | 415 | `UNSUPPORTED_MEDIA_TYPE` | a body without the operation's versioned `Content-Type` |
//! | 429 | `RATE_LIMITED_TOKEN_BUCKET` | the call's endpoint-set bucket is empty, when enforced (with `Retry-After`; see "Rate limits") |
//! | 429 | `RATE_LIMITED` | the optional single bucket ([`MockAtlasBuilder::rate_limit`]) is empty (with `Retry-After`) |
//! | 500 | `UNEXPECTED_ERROR` | a bug in the emulator (caught, never a dropped connection) |
//! | 503 | `SERVICE_UNAVAILABLE` | every connection slot is answering a request (with `Retry-After`) |
//!
//! A request head that is not HTTP/1.x at all (a broken request line or header, a
//! header section over 64 KiB) is answered by the HTTP server underneath with a bare
//! 400 or 431 without a body, and logged with an empty method and path.
//!
//! The token endpoints answer errors as RFC 6749 does (`{error, error_description}`:
//! `invalid_client` 401, `invalid_request`/`unsupported_grant_type` 400, `access_denied`
//! 403 at 100 live tokens, `rate_limit_exceeded` 429 with `Retry-After`), which is
//! what OAuth client libraries read.
//!
//! ## Fault injection
//!
//! [`MockAtlas::inject`] arms a [`Fault`] for the next N requests matching a method and a
//! path (exact, prefix or glob): a canned response (an HTML 502, a 429 with
//! `Retry-After`, a 503), a delay before the response headers, a connection dropped
//! before the request is read (nothing happens), a connection dropped after the request
//! was processed (the effect happened, the answer is lost), or a truncated body.
//!
//! ```
//! use atlas_mock::{Fault, FaultKind, MockAtlas};
//!
//! let mock = MockAtlas::start();
//! // The next POST to any secrets collection is processed, but its answer is lost.
//! mock.inject(
//!     Fault::new(FaultKind::DropAfterRead)
//!         .method("POST")
//!         .path("/api/atlas/v2/orgs/*/serviceAccounts/*/secrets"),
//! );
//! // Then the next three token requests get a load balancer's HTML page.
//! mock.inject(
//!     Fault::new(FaultKind::html(502, "<html>Bad Gateway</html>"))
//!         .path("/api/oauth/token")
//!         .times(3),
//! );
//!
//! // … the client under test creates a secret (here: a bare POST) …
//! # let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
//! let url = format!(
//!     "{}/api/atlas/v2/orgs/{}/serviceAccounts/{}/secrets",
//!     mock.url(), mock.org_id(), mock.client_id()
//! );
//! # let _ = agent.post(&url).send(r#"{"secretExpiresAfterHours": 8}"#);
//!
//! // … then the test asserts on what reached the server.
//! let last = mock.requests().pop().expect("a request");
//! assert_eq!(last.path, url.strip_prefix(mock.url()).unwrap());
//! assert!(last.processed && !last.answered);
//! assert_eq!(mock.pending_faults(), 3);
//! ```
//!
//! Faults meet a client that polls a resource with a state as they meet any other: here
//! the first two polls of any snapshot are a 503 and a lost answer, and the resource
//! moves on meanwhile.
//!
//! ```
//! use std::time::Duration;
//! use atlas_mock::{Fault, FaultKind, MockAtlas};
//!
//! let mock = MockAtlas::start();
//! mock.add_cluster("c0").unwrap();
//! let path = format!(
//!     "/api/atlas/v2/groups/{}/clusters/c0/backup/snapshots/6b1639acf8c6828d811facc3",
//!     mock.project_id()
//! );
//! mock.add_lifecycle_resource(&path, serde_json::json!({}))?;
//! let snapshots = format!("/api/atlas/v2/groups/{}/clusters/*/backup/snapshots/*", mock.project_id());
//! mock.inject(Fault::new(FaultKind::service_unavailable(Some(1))).method("GET").path(snapshots.as_str()));
//! mock.inject(Fault::new(FaultKind::DropAfterRead).method("GET").path(snapshots.as_str()));
//! mock.advance_clock(Duration::from_secs(2));
//! // … the waiter under test polls: 503, a reset connection, then `completed`.
//! # Ok::<(), atlas_mock::LifecycleError>(())
//! ```
//!
//! Every fault is expressed through the HTTP server (hyper): a dropped connection is a
//! service that fails, a truncated body is a body stream that fails after its first
//! bytes, a delay is a sleep before the response. The only bytes written outside hyper
//! are the 503 to a connection that finds every slot busy, sent before its request is
//! read.
//!
//! ## The server
//!
//! HTTP/1.1 by [hyper](https://docs.rs/hyper) on a two-thread tokio runtime owned by
//! the [`MockAtlas`] (dropped with it), with limits that keep a hostile or broken client
//! from taking it down (all in [`MockAtlasBuilder`]): at most 256 connections, where a
//! new connection takes the place of the one that has waited longest without a request
//! in progress (idle, still sending its head, or not reading its answers); a deadline
//! for the whole request head and another for the body (30 s each), however often the
//! client sends a byte; a write timeout (30 s) for clients that stop reading; bodies up
//! to 8 MiB; and API calls authenticated from their head, so that a 401 never reads a
//! body.
//!
//! ## Lifecycles
//!
//! [`MockAtlas::lifecycles`] is the emulator's table of the resources with a state:
//! each one's GET, state member, starting, settled, updating and deleting values, its
//! terminal value (or 404 after a deletion), a failure value, and the operations served
//! from that state (found from the GET's path: the POST to its collection, PUT, PATCH
//! and DELETE on it, its `:action` custom methods, its list). Its tests check every
//! value against the spec's enums and that every such resource of the spec has a row.
//! Time is the emulator's clock: a test of a 20-minute creation sets
//! [`MockAtlasBuilder::lifecycle_transition`] (and
//! [`MockAtlasBuilder::cluster_transition`]) to 20 minutes and moves the clock from its
//! waiter's sleep with [`MockAtlas::advance_clock`].
//! [`MockAtlas::fail_lifecycle`] makes matching resources (a glob, so also resources
//! created later) settle in a failure value instead, and
//! [`MockAtlas::add_lifecycle_resource`] stores one without a create call (for
//! resources the API cannot create, such as a sharded cluster's snapshot).
//!
//! ```
//! use std::time::Duration;
//! use atlas_mock::MockAtlas;
//!
//! let mock = MockAtlas::builder()
//!     .lifecycle_transition(Duration::from_secs(20 * 60))
//!     .start()?;
//! let row = MockAtlas::lifecycles()
//!     .into_iter()
//!     .find(|l| l.get == "getGroupClusterSearchIndex")
//!     .unwrap();
//! assert_eq!((row.start, row.settled, row.delete), ("PENDING", "READY", Some("DELETING")));
//! // Every index created from now on fails to build.
//! mock.fail_lifecycle("/groups/*/clusters/*/search/indexes/*", "FAILED").unwrap();
//! // … create one, poll, and `sleep` with mock.advance_clock(Duration::from_secs(60)).
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! ## The request log and the state
//!
//! [`MockAtlas::requests`] returns the requests received (method, path, query,
//! headers, the first 4 KiB of the body and its length, the fault that hit it, whether
//! it was processed and answered), so a test can assert what reached the server. It
//! keeps the latest 10,000 ([`MockAtlasBuilder::request_log_capacity`]) and
//! [`MockAtlas::clear_requests`] empties it. [`MockAtlas::secret_count`] and
//! [`MockAtlas::service_account`] show the state, e.g. that a POST whose answer was lost
//! created exactly one secret.
//!
//! ## The binary
//!
//! `atlas-mock [--port N]` serves until killed and prints, one `KEY=value` per line,
//! `ATLAS_MOCK_URL`, `MONGODB_ATLAS_OPS_MANAGER_URL`, `MONGODB_ATLAS_ORG_ID`,
//! `MONGODB_ATLAS_PROJECT_ID`, `MONGODB_ATLAS_CLIENT_ID`, `MONGODB_ATLAS_CLIENT_SECRET`,
//! `MONGODB_ATLAS_PUBLIC_API_KEY` and `MONGODB_ATLAS_PRIVATE_API_KEY` (the `atlas` CLI's
//! variable names); the lines can be sourced by a shell:
//!
//! ```sh
//! atlas-mock --port 8080 > mock.env &
//! sleep 1; set -a; . ./mock.env; set +a
//! curl -s -u "$MONGODB_ATLAS_CLIENT_ID:$MONGODB_ATLAS_CLIENT_SECRET" \
//!     -d grant_type=client_credentials "$ATLAS_MOCK_URL/api/oauth/token"
//! ```
//!
//! `atlas-mock --help` lists the other options (lifetimes, rate limits:
//! `--enforce-rate-limits`, `--rate-limit-time-scale`, `--no-rate-limit-headers`,
//! `--retry-after-zero`).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod api;
mod auth;
mod billing;
mod clock;
mod config;
mod errors;
mod faults;
mod ids;
mod lifecycle;
mod log;
mod mongod_log;
mod pagination;
mod ratelimit;
mod resources;
mod script;
mod server;
mod spec;
mod state;
mod store;
mod url;
mod validation;
mod version;

use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

pub use config::MockAtlasBuilder;
pub use faults::{Fault, FaultKind, PathMatch};
pub use lifecycle::{Lifecycle, LifecycleError};
pub use log::RecordedRequest;
pub use ratelimit::{EndpointSet, Scope};
pub use script::{ScriptError, ScriptedRequest, ScriptedResponse};
pub use store::{ProjectAssignment, SecretInfo, ServiceAccountCredentials, ServiceAccountInfo};

use config::Config;
use server::Server;
use state::{Shared, lock};
use store::{ApiKey, Group, Org};

/// Why [`MockAtlas::add_cluster`] added no cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AddClusterError {
    /// Not 1 to 64 ASCII letters, digits and hyphens, or starting or ending with a hyphen.
    InvalidName(String),
    /// The seeded project has a cluster of that name already.
    Exists(String),
}

impl fmt::Display for AddClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddClusterError::InvalidName(name) => write!(
                f,
                "{name:?} is not a cluster name (1 to 64 ASCII letters, digits and hyphens, not starting or ending with a hyphen)"
            ),
            AddClusterError::Exists(name) => {
                write!(f, "the seeded project has a cluster named {name:?} already")
            }
        }
    }
}

impl std::error::Error for AddClusterError {}

/// What was seeded at start.
#[derive(Clone)]
struct Seed {
    org_id: String,
    project_id: String,
    client_id: String,
    client_secret: String,
    public_key: String,
    private_key: String,
}

/// A running Atlas emulator on 127.0.0.1. Dropping it stops the server: its runtime is
/// shut down, every connection closed and the port released.
pub struct MockAtlas {
    shared: Arc<Shared>,
    server: Server,
    seed: Seed,
}

impl fmt::Debug for MockAtlas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockAtlas")
            .field("url", &self.shared.base_url)
            .field("org_id", &self.seed.org_id)
            .field("project_id", &self.seed.project_id)
            .field("client_id", &self.seed.client_id)
            .field("public_api_key", &self.seed.public_key)
            .finish_non_exhaustive()
    }
}

impl MockAtlas {
    /// Starts an emulator with default options on a free port.
    ///
    /// # Panics
    ///
    /// If 127.0.0.1 cannot be bound (use [`MockAtlas::builder`] and
    /// [`MockAtlasBuilder::start`] to get the error instead).
    pub fn start() -> MockAtlas {
        match Self::builder().start() {
            Ok(mock) => mock,
            Err(e) => panic!("atlas-mock: cannot serve on 127.0.0.1: {e}"),
        }
    }

    /// Options: port, lifetimes, rate limits, validation leniency.
    pub fn builder() -> MockAtlasBuilder {
        MockAtlasBuilder::default()
    }

    pub(crate) fn start_with(config: Config) -> io::Result<MockAtlas> {
        let table = ratelimit::RateTable::new(config.rate_limit_sets.clone())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let listener = TcpListener::bind(("127.0.0.1", config.port))?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::new(config, format!("http://{addr}"), table));
        let seed = seed(&shared);
        let server = Server::start(listener, Arc::clone(&shared))?;
        Ok(MockAtlas {
            shared,
            server,
            seed,
        })
    }

    /// The base URL, `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.shared.base_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// The seeded organization's id.
    pub fn org_id(&self) -> &str {
        &self.seed.org_id
    }

    /// The seeded project's id (in the seeded organization).
    pub fn project_id(&self) -> &str {
        &self.seed.project_id
    }

    /// The seeded `ORG_OWNER` service account's client id.
    pub fn client_id(&self) -> &str {
        &self.seed.client_id
    }

    /// The seeded service account's secret.
    pub fn client_secret(&self) -> &str {
        &self.seed.client_secret
    }

    /// The seeded `ORG_OWNER` API key's public part (the Digest user name).
    pub fn public_api_key(&self) -> &str {
        &self.seed.public_key
    }

    /// The seeded API key's private part (the Digest password).
    pub fn private_api_key(&self) -> &str {
        &self.seed.private_key
    }

    /// A new `atlas auth login` session acting as the seeded owner: its refresh token,
    /// which `POST /api/private/unauth/account/device/token` with
    /// `grant_type=refresh_token` exchanges for a JWT-shaped access token (its `exp`
    /// claim readable, as Atlas's are) and a new refresh token (the old one stops
    /// working).
    pub fn login_refresh_token(&self) -> String {
        let token = ids::access_token();
        lock(&self.shared.store)
            .login_refresh_tokens
            .insert(token.clone(), self.seed.client_id.clone());
        token
    }

    /// The URL, ids and credentials under the names the `atlas` CLI reads (plus
    /// `ATLAS_MOCK_URL`), in the order the binary prints them.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("ATLAS_MOCK_URL", self.url().to_owned()),
            ("MONGODB_ATLAS_OPS_MANAGER_URL", format!("{}/", self.url())),
            ("MONGODB_ATLAS_ORG_ID", self.seed.org_id.clone()),
            ("MONGODB_ATLAS_PROJECT_ID", self.seed.project_id.clone()),
            ("MONGODB_ATLAS_CLIENT_ID", self.seed.client_id.clone()),
            (
                "MONGODB_ATLAS_CLIENT_SECRET",
                self.seed.client_secret.clone(),
            ),
            ("MONGODB_ATLAS_PUBLIC_API_KEY", self.seed.public_key.clone()),
            (
                "MONGODB_ATLAS_PRIVATE_API_KEY",
                self.seed.private_key.clone(),
            ),
        ]
    }

    /// Arms a fault for the next [`Fault::times`] matching requests. Faults are matched
    /// in the order they were armed.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).arm(fault);
    }

    /// Disarms every fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// How many requests the armed faults will still affect.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).remaining()
    }

    /// The requests received so far, oldest first (also malformed ones, faulted ones,
    /// token requests), at most the latest
    /// [`request_log_capacity`](MockAtlasBuilder::request_log_capacity). A request is
    /// logged before its response is written, so once a client has its answer the
    /// request is in the log; the exception is a head hyper could not parse, logged just
    /// after hyper answered it.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).snapshot()
    }

    /// Empties the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// How many secrets (expired ones included) a service account has; 0 when it does
    /// not exist.
    pub fn secret_count(&self, client_id: &str) -> usize {
        lock(&self.shared.store)
            .account(client_id)
            .map_or(0, |a| a.secrets.len())
    }

    /// A service account as the emulator holds it.
    pub fn service_account(&self, client_id: &str) -> Option<ServiceAccountInfo> {
        lock(&self.shared.store)
            .account(client_id)
            .map(ServiceAccountInfo::from)
    }

    /// Every service account, oldest first.
    pub fn service_accounts(&self) -> Vec<ServiceAccountInfo> {
        lock(&self.shared.store)
            .accounts
            .iter()
            .map(ServiceAccountInfo::from)
            .collect()
    }

    /// How many requests reached `/api/oauth/token` since the start, granted or not
    /// (unlike [`requests`](Self::requests), not limited by the log's capacity): what a
    /// test of token sharing counts.
    pub fn token_requests(&self) -> usize {
        self.shared
            .token_requests
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Access tokens of a service account that still work.
    pub fn live_token_count(&self, client_id: &str) -> usize {
        lock(&self.shared.store).live_tokens(client_id, self.shared.clock.now())
    }

    /// Creates a service account in the seeded organization with these organization
    /// roles (e.g. `&["ORG_MEMBER"]`) and a secret valid for the organization's maximum;
    /// returns its credentials. For tests that need a second caller.
    pub fn add_service_account(&self, name: &str, org_roles: &[&str]) -> ServiceAccountCredentials {
        let config = &self.shared.config;
        let lifetime = config
            .secret_hour
            .checked_mul(config.max_secret_hours)
            .unwrap_or(Duration::MAX);
        let (client_id, client_secret) = lock(&self.shared.store).create_account(
            &self.seed.org_id,
            name,
            "Added by the test",
            org_roles.iter().map(|r| (*r).to_owned()).collect(),
            Vec::new(),
            lifetime,
            self.shared.clock.now(),
        );
        ServiceAccountCredentials {
            client_id,
            client_secret,
        }
    }

    /// Connections the server has closed so far to make room for a newcomer when its
    /// table was full ([`MockAtlasBuilder::max_connections`]), each counted once its
    /// socket is shut: a test waits for it before it relies on the close.
    pub fn evicted_connections(&self) -> usize {
        self.shared
            .evicted
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Connections the server holds open now (a client's idle keep-alive connection
    /// among them), each counted until its socket is shut.
    pub fn open_connections(&self) -> usize {
        self.shared.open.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Creates another project in the seeded organization; returns its id.
    pub fn add_project(&self) -> String {
        let mut store = lock(&self.shared.store);
        let name = format!("project-{}", store.groups.len());
        let group = Group::new(&self.seed.org_id, &name, self.shared.clock.now());
        let id = group.id.clone();
        store.groups.push(group);
        id
    }

    /// Adds an `IDLE` cluster to the seeded project: a three-node M10 replica set on AWS
    /// (`US_EAST_1`), as if created long ago at version `2024-10-23`. Returns its
    /// processes (`hostname:port`), whose logs can be downloaded. For tests (and examples)
    /// that need a running cluster without waiting for one.
    ///
    /// # Errors
    ///
    /// A name Atlas would refuse, or one the seeded project already has.
    pub fn add_cluster(&self, name: &str) -> Result<Vec<String>, AddClusterError> {
        if !api::is_cluster_name(name) {
            return Err(AddClusterError::InvalidName(name.to_owned()));
        }
        let mut store = lock(&self.shared.store);
        let now = self.shared.clock.now();
        store.resources.settle(now);
        if store
            .resources
            .cluster(&self.seed.project_id, name)
            .is_some()
        {
            return Err(AddClusterError::Exists(name.to_owned()));
        }
        let cluster = resources::Cluster {
            id: ids::object_id(),
            group_id: self.seed.project_id.clone(),
            name: name.to_owned(),
            state: resources::ClusterState::Idle,
            until: now,
            paused: false,
            created: now,
            shape: api::m10_shape(),
            spec: api::m10_spec(name),
            topology: resources::Topology::ReplicaSet,
        };
        let hosts = cluster.hosts().iter().map(resources::Host::id).collect();
        store.resources.clusters.push(cluster);
        Ok(hosts)
    }

    /// Scripts the answer of one operation, named by its operationId
    /// (`"getGroupClusterAdvancedConfiguration"`) or by method and path template
    /// (`"GET /groups/{groupId}/clusters/{clusterName}/processArgs"`). Requests are
    /// still authenticated, routed, authorized (the spec's roles and a stateful family's
    /// rule, such as the Service Accounts' project routes) and validated; then `handler`
    /// answers instead of the emulator's state or the spec's example. It replaces an
    /// earlier script of the same operation, and runs on a server thread without any
    /// lock held (it may call the emulator).
    pub fn on<F>(&self, operation: &str, handler: F) -> Result<(), ScriptError>
    where
        F: Fn(&ScriptedRequest) -> ScriptedResponse + Send + Sync + 'static,
    {
        let index = spec::lookup(operation)
            .ok_or_else(|| ScriptError::UnknownOperation(operation.to_owned()))?;
        self.shared.scripts.set(index, Arc::new(handler));
        Ok(())
    }

    /// Removes the script of one operation (see [`on`](Self::on)).
    pub fn remove_script(&self, operation: &str) -> Result<(), ScriptError> {
        let index = spec::lookup(operation)
            .ok_or_else(|| ScriptError::UnknownOperation(operation.to_owned()))?;
        self.shared.scripts.remove(index);
        Ok(())
    }

    /// Removes every script.
    pub fn clear_scripts(&self) {
        self.shared.scripts.clear();
    }

    /// Every resource with a state that the emulator moves through its values over time
    /// (clusters included), with the operations answered from that state: the
    /// emulator's own table, checked against the spec's enums by its tests.
    pub fn lifecycles() -> Vec<Lifecycle> {
        fn one(r: &lifecycle::Row, member: &'static str, base: &lifecycle::Row) -> Lifecycle {
            let state = lifecycle::state_of(r.get);
            Lifecycle {
                get: r.get,
                path: lifecycle::get_path(r),
                member,
                start: r.start,
                settled: r.settled,
                update: r.update,
                delete: r.delete,
                terminal: api::lifecycle_terminal(r),
                failure: r.failure,
                values: state.map_or(&[], |s| s.values),
                operations: api::lifecycle_operations(base),
                key: r.key,
                unset: r.unset,
                on: state.map_or("", |s| s.on),
                forms: Vec::new(),
            }
        }
        lifecycle::ROWS
            .iter()
            .map(|r| {
                let state = lifecycle::state_of(r.get);
                let mut l = one(r, state.map_or("", |s| s.member), r);
                l.forms = state
                    .map(|s| s.forms)
                    .unwrap_or_default()
                    .iter()
                    .map(|f| {
                        let form = lifecycle::row_for(r, Some(f.when));
                        (f.when, one(form, f.member, r))
                    })
                    .collect();
                l
            })
            .collect()
    }

    /// Makes every resource with a state whose GET path matches `path` settle in `value`
    /// instead of its success value: a failure (`FAILED`, `failed`, `BROKEN`, …) for a
    /// test of what a client does when an operation fails. `path` is a GET path of a
    /// resource in [`MockAtlas::lifecycles`] (with or without `/api/atlas/v2`), where
    /// `*` stands for any one value, so that it also applies to resources not created
    /// yet: `/groups/*/clusters/c0/backup/snapshots/*`. It applies to resources still in
    /// their transition when it ends, and at once to settled ones; the latest rule that
    /// matches wins, until [`clear_lifecycle_failures`](Self::clear_lifecycle_failures).
    /// Clusters take it too (`IDLE` becomes `value`).
    ///
    /// ```
    /// use atlas_mock::{LifecycleError, MockAtlas};
    ///
    /// let mock = MockAtlas::start();
    /// mock.fail_lifecycle("/groups/*/clusters/*/backup/snapshots/*", "failed")?;
    /// assert!(matches!(
    ///     mock.fail_lifecycle("/groups/*/clusters/*/backup/snapshots/*", "broken"),
    ///     Err(LifecycleError::UnknownValue { .. })
    /// ));
    /// # Ok::<(), LifecycleError>(())
    /// ```
    pub fn fail_lifecycle(&self, path: &str, value: &str) -> Result<(), LifecycleError> {
        let (row, full) = lifecycle_row(path, true)?;
        let values = lifecycle::state_of(row.get).map_or(&[][..], |s| s.values);
        if !values.contains(&value) {
            return Err(LifecycleError::UnknownValue {
                value: value.to_owned(),
                values: values.to_vec(),
            });
        }
        let segments = full
            .split('/')
            .map(|s| url::percent_decode(s, false).unwrap_or_else(|| s.to_owned()))
            .collect();
        lock(&self.shared.store)
            .lifecycles
            .rules
            .push(lifecycle::Rule {
                segments,
                value: value.to_owned(),
            });
        Ok(())
    }

    /// Removes every rule of [`fail_lifecycle`](Self::fail_lifecycle): resources settle
    /// in their success values again.
    pub fn clear_lifecycle_failures(&self) {
        lock(&self.shared.store).lifecycles.rules.clear();
    }

    /// Stores a resource with a state at `path`, its GET path (with or without
    /// `/api/atlas/v2`), as if it had just been created: in its starting value for
    /// [`MockAtlasBuilder::lifecycle_transition`], then settled. `members` (an object)
    /// gives members of its GET answer (those of other names or types are left out).
    /// For resources the API cannot create (a sharded cluster's snapshot, a flex
    /// cluster's snapshot, a collection of a restore job) or that a test needs without
    /// a create call. Its GET is admitted as any request is (the project must exist) and,
    /// where the path names a cluster, answers only while the cluster exists.
    pub fn add_lifecycle_resource(
        &self,
        path: &str,
        members: serde_json::Value,
    ) -> Result<(), LifecycleError> {
        let (row, full) = lifecycle_row(path, false)?;
        let index = lifecycle::row_of(row.get).map_or(0, |(i, _)| i);
        let values: Vec<(&'static str, String)> = match spec::find("GET", &full) {
            spec::Found::Op(_, values) => values
                .into_iter()
                .map(|(n, v)| {
                    (
                        n,
                        url::percent_decode(v, false).unwrap_or_else(|| v.to_owned()),
                    )
                })
                .collect(),
            _ => return Err(LifecycleError::NotALifecycle(path.to_owned())),
        };
        let body = match members {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        };
        let now = self.shared.clock.now();
        let mut store = lock(&self.shared.store);
        store.lifecycles.settle(now);
        // A deleted resource showing its terminal value is replaced.
        store.lifecycles.items.retain(|i| {
            !(i.row == index && i.path == values && i.phase == lifecycle::Phase::Ended)
        });
        if store
            .lifecycles
            .items
            .iter()
            .any(|i| i.row == index && i.path == values)
        {
            return Err(LifecycleError::Exists(path.to_owned()));
        }
        let when = lifecycle::form_of(row, &body);
        let doc = lifecycle::members(lifecycle::row_for(row, when), &body, &values);
        store.lifecycles.items.push(lifecycle::Item {
            row: index,
            path: values,
            doc,
            phase: lifecycle::Phase::Creating,
            until: clock::later(now, self.shared.config.lifecycle_transition),
            when,
        });
        Ok(())
    }

    /// The rate-limit endpoint sets in use
    /// ([`MockAtlasBuilder::rate_limit_sets`], by default [`EndpointSet::defaults`]).
    pub fn rate_limit_sets(&self) -> Vec<EndpointSet> {
        self.shared.limits.table.sets().to_vec()
    }

    /// How many API calls a bucket has answered 429 since the start: an endpoint set's
    /// ([`MockAtlasBuilder::enforce_rate_limits`]) or the single one
    /// ([`MockAtlasBuilder::rate_limit`]); not the token endpoint's limits, nor injected
    /// faults.
    pub fn rate_limited_count(&self) -> usize {
        self.shared
            .rate_limited
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The tokens now in the bucket of endpoint set `set_id` for `scope_id` (a project
    /// id for a `GROUP` set, an organization id for `ORGANIZATION`, a client id or API
    /// public key for `USER`, an address such as `127.0.0.1` for `IP`), a fraction while
    /// it refills; a bucket not used yet is full. `None` for an unknown set.
    pub fn bucket_tokens(&self, set_id: &str, scope_id: &str) -> Option<f64> {
        self.shared
            .limits
            .tokens(set_id, scope_id, self.shared.clock.now())
    }

    /// Empties the bucket of endpoint set `set_id` for `scope_id` (see
    /// [`bucket_tokens`](Self::bucket_tokens)), so that the next call it governs gets a
    /// 429 when [`MockAtlasBuilder::enforce_rate_limits`] is on (unless the bucket
    /// refills a token first). False for an unknown set.
    pub fn drain_bucket(&self, set_id: &str, scope_id: &str) -> bool {
        self.shared
            .limits
            .drain(set_id, scope_id, self.shared.clock.now())
    }

    /// Moves the emulator's clock forward: tokens, secrets, nonces and rate-limit windows
    /// and buckets age as if `by` had passed.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Stops the server now (the same as dropping it).
    pub fn shutdown(mut self) {
        self.server.stop();
    }
}

/// The row of a lifecycle GET path (or, with `globs`, a path with `*` values) and the
/// path with its `/api/atlas/v2` prefix.
fn lifecycle_row(
    path: &str,
    globs: bool,
) -> Result<(&'static lifecycle::Row, String), LifecycleError> {
    let not = || LifecycleError::NotALifecycle(path.to_owned());
    let full = if path.starts_with("/api/") {
        path.to_owned()
    } else {
        format!("/api/atlas/v2{path}")
    };
    let full = full.trim_end_matches('/').to_owned();
    if !globs && full.split('/').any(|s| s == "*") {
        return Err(not());
    }
    let spec::Found::Op(index, _) = spec::find("GET", &full) else {
        return Err(not());
    };
    let op = spec::OPERATIONS.get(index).ok_or_else(not)?;
    let (_, row) = lifecycle::row_of(op.id).ok_or_else(not)?;
    match row.serve {
        lifecycle::Serve::SameAs(..) => Err(not()),
        lifecycle::Serve::Family(_) if !globs => Err(not()),
        _ => Ok((row, full)),
    }
}

/// Seeds the organization, its project, the owner service account and the API key.
fn seed(shared: &Shared) -> Seed {
    let now = shared.clock.now();
    let config = &shared.config;
    let org_id = ids::object_id();
    let mut store = lock(&shared.store);
    store.orgs.push(Org {
        id: org_id.clone(),
        name: "atlas-mock-organization".to_owned(),
    });
    let group = Group::new(&org_id, "atlas-mock-project", now);
    let project_id = group.id.clone();
    store.invoices = billing::seed(
        &org_id,
        "atlas-mock-organization",
        &project_id,
        &group.name,
        now,
    );
    store.groups.push(group);
    let lifetime = config
        .secret_hour
        .checked_mul(config.owner_secret_hours)
        .unwrap_or(Duration::MAX);
    let (client_id, client_secret) = store.create_account(
        &org_id,
        "atlas-mock owner",
        "Seeded organization owner",
        vec!["ORG_OWNER".to_owned()],
        Vec::new(),
        lifetime,
        now,
    );
    let public_key = ids::public_api_key();
    let private_key = ids::private_api_key();
    store.api_keys.push(ApiKey {
        public: public_key.clone(),
        private: private_key.clone(),
        org_id: org_id.clone(),
        org_roles: vec!["ORG_OWNER".to_owned()],
    });
    Seed {
        org_id,
        project_id,
        client_id,
        client_secret,
        public_key,
        private_key,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_emulator_can_be_shared_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<super::MockAtlas>();
        send_sync::<super::RecordedRequest>();
        send_sync::<super::Fault>();
    }
}
