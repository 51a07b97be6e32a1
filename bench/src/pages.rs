//! A loopback list endpoint (`GET /api/atlas/v2/orgs/{orgId}/serviceAccounts`) that
//! pages through a fixed number of service accounts as Atlas does: `itemsPerPage`
//! (default 100, at most 500), `pageNum` (from 1), `links` with `self` and `next`, and
//! `totalCount` unless `includeCount=false`. Counts requests server-side.

use std::fmt::Write as _;
use std::sync::Arc;

use crate::server::{Server, respond};
use crate::{MEDIA_TYPE, ORG_ID};

/// The list server.
pub struct PageServer {
    server: Server,
}

/// Atlas's default page size, when `itemsPerPage` is not sent.
pub const ATLAS_DEFAULT_PAGE_SIZE: usize = 100;
/// Atlas's largest page size.
pub const ATLAS_MAX_PAGE_SIZE: usize = 500;

impl PageServer {
    /// Starts a server listing `total` service accounts.
    pub fn start(total: usize) -> PageServer {
        let items: Arc<Vec<String>> = Arc::new(
            (0..total)
                .map(|i| {
                    format!(
                        r#"{{"clientId":"mdb_sa_id_{i:024x}","name":"service-account-{i}","description":"Bench account {i}","createdAt":"2024-08-05T10:00:00Z","roles":["ORG_MEMBER"]}}"#
                    )
                })
                .collect(),
        );
        let path = format!("/api/atlas/v2/orgs/{ORG_ID}/serviceAccounts");
        let server = Server::start(move |request, out| {
            if request.path() != path {
                respond(out, 404, &[], b"{}");
                return;
            }
            let size = request
                .query("itemsPerPage")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(ATLAS_DEFAULT_PAGE_SIZE);
            let page = request
                .query("pageNum")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(1);
            if size == 0 || size > ATLAS_MAX_PAGE_SIZE || page == 0 {
                respond(
                    out,
                    400,
                    &[],
                    br#"{"error":400,"errorCode":"INVALID_PARAMETER"}"#,
                );
                return;
            }
            let count = request.query("includeCount") != Some("false");
            let from = (page - 1).saturating_mul(size).min(items.len());
            let to = from.saturating_add(size).min(items.len());
            let host = request.header("host").unwrap_or("127.0.0.1");
            let href = |p: usize| format!("http://{host}{path}?itemsPerPage={size}&pageNum={p}");
            let mut body = String::with_capacity(64 + (to - from) * 160);
            let _ = write!(
                body,
                r#"{{"links":[{{"href":"{}","rel":"self"}}"#,
                href(page)
            );
            if to < items.len() {
                let _ = write!(body, r#",{{"href":"{}","rel":"next"}}"#, href(page + 1));
            }
            body.push_str(r#"],"results":["#);
            for (i, item) in items[from..to].iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                body.push_str(item);
            }
            body.push(']');
            if count {
                let _ = write!(body, r#","totalCount":{}"#, items.len());
            }
            body.push('}');
            respond(out, 200, &[("Content-Type", MEDIA_TYPE)], body.as_bytes());
        });
        PageServer { server }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        self.server.url()
    }

    /// Requests so far.
    pub fn requests(&self) -> u64 {
        self.server.requests()
    }
}
