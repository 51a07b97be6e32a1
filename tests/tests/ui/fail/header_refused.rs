//! Header fields the client, the transport or the connection owns (issue 21): the client's
//! and the transport's headers, and hop-by-hop ones, each reported on its name; the
//! struct is still emitted, so the `X-Request-Id` field beside them compiles.

use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}/teams")]
pub struct ListTeams {
    pub org_id: String,
    #[atlas(header = "X-Request-Id")]
    pub request_id: Option<String>,
    #[atlas(header = "User-Agent")]
    pub agent: Option<String>,
    #[atlas(header = "Host")]
    pub host: Option<String>,
    #[atlas(header = "content-length")]
    pub length: Option<String>,
    #[atlas(header = "Transfer-Encoding")]
    pub framing: Option<String>,
    #[atlas(header = "Connection")]
    pub connection: Option<String>,
    #[atlas(header = "Upgrade")]
    pub upgrade: Option<String>,
    #[atlas(header = "TE")]
    pub te: Option<String>,
    #[atlas(header = "Trailer")]
    pub trailer: Option<String>,
    #[atlas(header = "Keep-Alive")]
    pub keep_alive: Option<String>,
    #[atlas(header = "Proxy-Authorization")]
    pub proxy_auth: Option<String>,
}

fn main() {
    let _ = ListTeams::new("32b6e34b3d91647abb20e7b8").request_id("r-1");
}
